//! The public image route: no login, since channels and customers'
//! browsers fetch the images by URL.

use std::sync::Arc;

use axum::{
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json,
};
use contracts::{content::StoredPhoto, errors as codes};
use platform::http::{ApiError, ApiPath, ApiQuery, AuthUser};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    objects::{self, ImageStore},
    photos::{PhotoError, PhotoKind, MAX_BYTES},
    service::{ContentService, PhotoFailure},
};

/// A key that is not a plain file name (400).
pub const CONTENT_INVALID_KEY: &str = "CONTENT_001";
/// No image under that key (404).
pub const CONTENT_NOT_FOUND: &str = "CONTENT_404";

/// Keys are unique per render and never rewritten, so a fetched image may be kept for a year.
const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

pub fn router(service: Arc<ContentService>) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(get_image))
        // A phone photo is bigger than any JSON body: this route alone takes
        // up to 10 MB (and a little more, so an oversized one gets PHOTO_002).
        .routes(routes!(store_photo))
        .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))
        // A key with a slash would otherwise fall through to the generic 404.
        .route("/api/content/images/{key}/{*rest}", get(nested_key))
        .with_state(service)
}

fn invalid_key() -> ApiError {
    ApiError::bad_request(CONTENT_INVALID_KEY, "잘못된 이미지 키입니다")
}

async fn nested_key() -> ApiError {
    invalid_key()
}

/// An image file by its key.
#[utoipa::path(
    get,
    path = "/api/content/images/{key}",
    tag = "content",
    params(("key" = String, Path, description = "Image file name, e.g. `img-01jd….png`")),
    responses(
        (status = 200, description = "The image", content_type = "image/png"),
        (status = 400, description = "Key with `..` or a slash", body = platform::http::ErrorBody),
        (status = 404, description = "No such image (CONTENT_404)", body = platform::http::ErrorBody),
    )
)]
async fn get_image(
    State(service): State<Arc<ContentService>>,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    serve(service.images(), &key).await
}

/// Answers the file under `key` with its type and caching headers.
pub async fn serve(images: &ImageStore, key: &str) -> Result<Response, ApiError> {
    if !objects::valid_key(key) {
        return Err(invalid_key());
    }
    let data = images
        .get(key)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                CONTENT_NOT_FOUND,
                "이미지를 찾을 수 없습니다",
            )
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, objects::content_type(key)),
            (header::CACHE_CONTROL, CACHE_CONTROL),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        Body::from(data),
    )
        .into_response())
}

/// `?kind=` of a photo upload.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoParams {
    /// `product` or `logo`.
    pub kind: Option<String>,
}

/// Korean refusals of an uploaded photo, one code each.
pub fn photo_refusal(e: &PhotoError) -> ApiError {
    match e {
        PhotoError::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PHOTO_TOO_LARGE,
            "사진은 10MB 이하만 올릴 수 있습니다",
        ),
        PhotoError::Heic => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::PHOTO_UNSUPPORTED_TYPE,
            "HEIC 사진은 받을 수 없습니다. 휴대폰에서 JPEG로 보내 주세요 \
             (아이폰은 사진을 고를 때 JPEG로 바꿔 보냅니다)",
        ),
        PhotoError::Unsupported(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::PHOTO_UNSUPPORTED_TYPE,
            "JPEG 또는 PNG 사진만 올릴 수 있습니다",
        ),
        PhotoError::NotAnImage => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::PHOTO_NOT_AN_IMAGE,
            "사진 파일이 아니거나 손상된 파일입니다. JPEG 또는 PNG 사진을 올려 주세요",
        ),
        PhotoError::Encode(why) => ApiError::internal(why),
    }
}

/// Checks, cleans (no EXIF, no GPS) and stores an owner's photo; the event
/// service calls it with the owner's token and keeps the answer on the
/// event (`POST /api/events/{id}/photos`).
#[utoipa::path(
    post,
    path = "/api/content/photos",
    tag = "content",
    security(("bearer" = [])),
    params(PhotoParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file as uploaded, ≤ 10 MB"),
    responses(
        (status = 201, description = "Stored", body = Object),
        (status = 400, description = "PHOTO_001 kind is not product or logo", body = platform::http::ErrorBody),
        (status = 401, body = platform::http::ErrorBody),
        (status = 413, description = "PHOTO_002 larger than 10 MB", body = platform::http::ErrorBody),
        (status = 415, description = "PHOTO_003 not JPEG/PNG (e.g. HEIC), PHOTO_004 not an image", body = platform::http::ErrorBody),
    )
)]
async fn store_photo(
    State(service): State<Arc<ContentService>>,
    _auth: AuthUser,
    ApiQuery(params): ApiQuery<PhotoParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<StoredPhoto>), ApiError> {
    let kind = params
        .kind
        .as_deref()
        .and_then(PhotoKind::parse)
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::PHOTO_INVALID_UPLOAD,
                "사진 종류는 product(상품·매장 사진) 또는 logo(로고)여야 합니다",
            )
        })?;
    let stored = service
        .store_photo(body.to_vec(), kind)
        .await
        .map_err(|e| match e {
            PhotoFailure::Refused(e) => photo_refusal(&e),
            PhotoFailure::Storage(e) => ApiError::unavailable(e),
        })?;
    Ok((StatusCode::CREATED, Json(stored)))
}
