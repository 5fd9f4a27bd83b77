//! Routes of an owner's life with more than one event: the owner's photos,
//! and duplicating an event as a new draft.

use std::sync::Arc;

use axum::{
    extract::{multipart::MultipartError, DefaultBodyLimit, Multipart, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use contracts::errors as codes;
use platform::http::{ApiError, ApiPath, AuthUser, ErrorBody};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    http::{bearer_of, PurposeResponse},
    photos::{parse_kind, PhotoView, MAX_PHOTO_BYTES},
    service::{EventError, EventService, EventView},
};

type AppState = Arc<EventService>;

pub fn router(service: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(upload_photo))
        // A phone photo is far bigger than any JSON body: this route alone
        // takes 10 MB and a little more, so an oversized file gets PHOTO_002.
        .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 256 * 1024))
        .routes(routes!(delete_photo))
        .routes(routes!(duplicate_event))
        .with_state(service)
}

/// A refusal of the content service, passed on with its status and message.
pub(crate) fn passed_on(status: u16, code: &str, message: String) -> ApiError {
    let code = [
        codes::PHOTO_INVALID_UPLOAD,
        codes::PHOTO_TOO_LARGE,
        codes::PHOTO_UNSUPPORTED_TYPE,
        codes::PHOTO_NOT_AN_IMAGE,
    ]
    .into_iter()
    .find(|known| *known == code)
    .unwrap_or(codes::PHOTO_UNAVAILABLE);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    ApiError::new(status, code, message)
}

fn invalid_upload(message: &str) -> ApiError {
    ApiError::bad_request(codes::PHOTO_INVALID_UPLOAD, message.to_string())
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::PHOTO_TOO_LARGE,
        "사진은 10MB 이하만 올릴 수 있습니다",
    )
}

/// A multipart read that failed: the body limit (413) or a broken form.
fn unreadable(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        invalid_upload("사진 업로드 형식이 올바르지 않습니다. 사진을 다시 골라 주세요")
    }
}

/// The photo upload's form, for the OpenAPI document.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
struct PhotoForm {
    /// `product` (a photo of the product or the store) or `logo`.
    kind: String,
    /// JPEG or PNG, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload the owner's product/store photo or logo (multipart `kind`, `file`).
/// The file is judged by its bytes, re-encoded without EXIF or GPS, and
/// drawn into the images generated afterwards; a second upload of the same
/// kind replaces the first.
#[utoipa::path(post, path = "/api/events/{id}/photos", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")),
    request_body(content = PhotoForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = PhotoView),
        (status = 400, description = "PHOTO_001 kind not product/logo, or no file", body = ErrorBody),
        (status = 403, description = "EVENT_003 another owner's event", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "EVENT_008 no longer a draft", body = ErrorBody),
        (status = 413, description = "PHOTO_002 larger than 10 MB", body = ErrorBody),
        (status = 415, description = "PHOTO_003 not JPEG/PNG (HEIC included), PHOTO_004 not an image", body = ErrorBody),
        (status = 503, description = "PHOTO_005 photo storage unavailable", body = ErrorBody),
    ))]
async fn upload_photo(
    State(service): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<PhotoView>), ApiError> {
    if id.len() > 64 {
        return Err(EventError::NotFound.into());
    }
    // Whose event first: nobody's file is read for another owner's event.
    service.photo_target(auth.user_id, &id).await?;
    let mut multipart = multipart.map_err(|_| {
        invalid_upload("사진은 multipart/form-data 형식(kind, file)으로 올려 주세요")
    })?;
    let mut kind = None;
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("kind") => {
                let text = field.text().await.map_err(unreadable)?;
                kind = Some(parse_kind(&text).ok_or_else(|| {
                    invalid_upload("사진 종류는 product(상품·매장 사진) 또는 logo(로고)여야 합니다")
                })?);
            }
            Some("file") => {
                let bytes = field.bytes().await.map_err(unreadable)?;
                if bytes.len() > MAX_PHOTO_BYTES {
                    return Err(too_large());
                }
                file = Some(bytes.to_vec());
            }
            // Other fields (a client's extras) are ignored.
            _ => {}
        }
    }
    let kind =
        kind.ok_or_else(|| invalid_upload("사진 종류(kind: product 또는 logo)를 알려 주세요"))?;
    let file = file
        .filter(|f| !f.is_empty())
        .ok_or_else(|| invalid_upload("올릴 사진 파일(file)이 없습니다"))?;
    let photo = service
        .upload_photo(auth.user_id, &id, bearer_of(&headers), kind, file)
        .await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// Remove the event's photo of one kind (`product` or `logo`).
#[utoipa::path(delete, path = "/api/events/{id}/photos/{kind}", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id"),
           ("kind" = String, Path, description = "product or logo")),
    responses(
        (status = 204),
        (status = 400, description = "PHOTO_001 kind not product/logo", body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "EVENT_008 no longer a draft", body = ErrorBody),
    ))]
async fn delete_photo(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath((id, kind)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let kind = parse_kind(&kind).ok_or_else(|| {
        invalid_upload("사진 종류는 product(상품·매장 사진) 또는 logo(로고)여야 합니다")
    })?;
    if id.len() > 64 {
        return Err(EventError::NotFound.into());
    }
    service.delete_photo(auth.user_id, &id, kind).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start a new draft from an event (any status): same objective, store,
/// plan, title, prize, content and photos; no channels, no dates, nothing
/// of its publishing. Answers like purpose selection.
#[utoipa::path(post, path = "/api/events/{id}/duplicate", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "the event to copy")),
    responses(
        (status = 201, body = PurposeResponse, description = "the new draft"),
        (status = 403, description = "EVENT_003 another owner's event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn duplicate_event(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<PurposeResponse>), ApiError> {
    if id.len() > 64 {
        return Err(EventError::NotFound.into());
    }
    let view = service.duplicate(auth.user_id, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(PurposeResponse {
            event_draft_id: view.event_id,
            objective: view.objective,
            store_name: view.store_name,
            status: view.status.as_str().to_string(),
        }),
    ))
}

impl EventService {
    /// A new DRAFT copying an event of this owner (see [`duplicate_event`]).
    pub async fn duplicate(&self, user_id: i64, id: &str) -> Result<EventView, EventError> {
        let mut source = self.store.find(id).await?.ok_or(EventError::NotFound)?;
        if source.user_id != user_id {
            return Err(EventError::Forbidden);
        }
        // A re-render in flight belongs to the source.
        if let Some(mut content) = source.chosen_content() {
            content.rendering_job_id = None;
            source.content = serde_json::to_string(&content).ok();
        }
        let (row, message) = self
            .store
            .duplicate(
                &source,
                &platform::ids::new_id("draft"),
                self.clock.now(),
                crate::service::draft_created,
            )
            .await?;
        let view = self.refresh_cache(&row).await;
        self.outbox.send(std::slice::from_ref(&message)).await;
        tracing::info!(event_id = %row.id, source = id, "event duplicated");
        Ok(view)
    }
}
