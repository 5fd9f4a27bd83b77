//! Distribution routes; maps [`DistError`] to the error JSON. Every route
//! needs the owner's bearer token (the event service forwards it).

use std::sync::Arc;

use axum::{extract::State, http::StatusCode, Json};
use contracts::distribution::{
    DistributeAnswer, DistributeRequest, DistributionStatus, DIST_FORBIDDEN, DIST_INVALID_CHANNEL,
    DIST_INVALID_REQUEST, DIST_NOT_FOUND,
};
use platform::http::{ApiError, ApiJson, ApiPath, AuthUser, ErrorBody};
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    domain::RequestError,
    service::{DistError, DistributionService},
};

type AppState = Arc<DistributionService>;

pub fn router(service: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(distribute))
        .routes(routes!(status))
        .routes(routes!(retry))
        .routes(routes!(stats))
        .with_state(service)
}

impl From<DistError> for ApiError {
    fn from(e: DistError) -> ApiError {
        match e {
            DistError::Request(RequestError::Invalid(fields)) => ApiError::bad_request(
                DIST_INVALID_REQUEST,
                format!("배포 요청에 필요한 값이 없습니다: {}", fields.join(", ")),
            ),
            DistError::Request(RequestError::Channel(message)) => {
                ApiError::bad_request(DIST_INVALID_CHANNEL, message)
            }
            DistError::Forbidden => {
                ApiError::new(StatusCode::FORBIDDEN, DIST_FORBIDDEN, "권한이 없습니다")
            }
            DistError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                DIST_NOT_FOUND,
                "이 이벤트의 배포 기록이 없습니다",
            ),
            DistError::Store(e) => e.into(),
            DistError::Internal(e) => ApiError::internal(e),
        }
    }
}

/// Distributes an event to its channels in parallel (UFR-DIST-010).
#[utoipa::path(
    post, path = "/api/distribution/distribute", tag = "distribution",
    security(("bearer" = [])),
    request_body(content = Value, description = "{eventId, channels, channelSettings?, content: {title, description, imageUrl, prize, caption?, hashtags?, startDate, endDate, storeName, entryUrl?}} or §3.3's flat {eventId, title, description, imageUrl, channels, channelSettings}"),
    responses(
        (status = 200, description = "Per-channel results; partial success is kept", body = Value),
        (status = 400, description = "DIST_001 missing title/image/channels, DIST_002 unknown channel or bad settings", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "DIST_003 another owner's event", body = ErrorBody),
    )
)]
async fn distribute(
    State(service): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<DistributeRequest>,
) -> Result<Json<DistributeAnswer>, ApiError> {
    Ok(Json(service.distribute(user.user_id, body).await?))
}

/// Per-channel status of an event's distribution (UFR-DIST-020).
#[utoipa::path(
    get, path = "/api/distribution/{eventId}/status", tag = "distribution",
    security(("bearer" = [])),
    params(("eventId" = String, Path)),
    responses(
        (status = 200, description = "{distributionId, eventId, status, channels: [{channel, status, attempts, lastError, externalId, postUrl, estimatedViews, updatedAt}], completedAt}", body = Value),
        (status = 403, description = "DIST_003", body = ErrorBody),
        (status = 404, description = "DIST_404", body = ErrorBody),
    )
)]
async fn status(
    State(service): State<AppState>,
    user: AuthUser,
    ApiPath(event_id): ApiPath<String>,
) -> Result<Json<DistributionStatus>, ApiError> {
    Ok(Json(service.status(user.user_id, &event_id).await?))
}

/// Works the failed channels again; published channels are not touched.
#[utoipa::path(
    post, path = "/api/distribution/{eventId}/retry", tag = "distribution",
    security(("bearer" = [])),
    params(("eventId" = String, Path)),
    responses(
        (status = 200, description = "Same shape as distribute", body = Value),
        (status = 403, description = "DIST_003", body = ErrorBody),
        (status = 404, description = "DIST_404", body = ErrorBody),
    )
)]
async fn retry(
    State(service): State<AppState>,
    user: AuthUser,
    ApiPath(event_id): ApiPath<String>,
) -> Result<Json<DistributeAnswer>, ApiError> {
    Ok(Json(service.retry(user.user_id, &event_id).await?))
}

/// Views, clicks and calls of each published channel, asked of the channel now.
#[utoipa::path(
    get, path = "/api/distribution/{eventId}/stats", tag = "distribution",
    security(("bearer" = [])),
    params(("eventId" = String, Path)),
    responses(
        (status = 200, description = "{eventId, channels: [{channel, externalId, views, clicks, calls} | {channel, externalId, error}]}", body = Value),
        (status = 403, description = "DIST_003", body = ErrorBody),
        (status = 404, description = "DIST_404", body = ErrorBody),
    )
)]
async fn stats(
    State(service): State<AppState>,
    user: AuthUser,
    ApiPath(event_id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let rows = service.stats(user.user_id, &event_id).await?;
    let channels: Vec<Value> = rows
        .into_iter()
        .map(|(channel, external_id, stats)| match stats {
            Ok(s) => json!({"channel": channel, "externalId": external_id,
                            "views": s.views, "clicks": s.clicks, "calls": s.calls}),
            Err(error) => json!({"channel": channel, "externalId": external_id, "error": error}),
        })
        .collect();
    Ok(Json(json!({"eventId": event_id, "channels": channels})))
}
