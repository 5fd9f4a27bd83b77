//! The public image route: no login, since channels and customers'
//! browsers fetch the images by URL.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use platform::http::{ApiError, ApiPath};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    objects::{self, ImageStore},
    service::ContentService,
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
