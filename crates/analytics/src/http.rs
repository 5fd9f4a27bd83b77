//! Analytics routes; maps [`AnalyticsError`] to the error JSON.

use std::sync::Arc;

use axum::{extract::State, http::StatusCode, Json};
use contracts::analytics as codes;
use platform::http::{ApiError, ApiPath, AuthUser, ErrorBody};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    dashboard::EventDashboard,
    overview::OwnerDashboard,
    service::{AnalyticsError, AnalyticsService},
};

type AppState = Arc<AnalyticsService>;

/// The service's routes.
pub fn router(service: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(event_dashboard))
        .routes(routes!(owner_dashboard))
        .with_state(service)
}

impl From<AnalyticsError> for ApiError {
    fn from(e: AnalyticsError) -> ApiError {
        match e {
            AnalyticsError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                codes::ANAL_NOT_FOUND,
                "이벤트의 분석 데이터를 찾을 수 없습니다",
            ),
            AnalyticsError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                codes::ANAL_FORBIDDEN,
                "권한이 없습니다",
            ),
            AnalyticsError::Store(e) => e.into(),
        }
    }
}

/// One event's live dashboard, for its owner (UFR-ANAL-010): summary,
/// per-channel performance, hourly timeline, participant profile and ROI
/// with its inputs. Kept in the cache for 1 h and refreshed on new data.
#[utoipa::path(get, path = "/api/analytics/events/{eventId}/dashboard", tag = "analytics",
    security(("bearer" = [])),
    params(("eventId" = String, Path, description = "event id")),
    responses(
        (status = 200, body = EventDashboard),
        (status = 401, description = "AUTH_001 no or bad token", body = ErrorBody),
        (status = 403, description = "ANAL_003 another owner's event", body = ErrorBody),
        (status = 404, description = "ANAL_404 no published event with this id", body = ErrorBody),
    ))]
async fn event_dashboard(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(event_id): ApiPath<String>,
) -> Result<Json<EventDashboard>, ApiError> {
    Ok(Json(
        service.event_dashboard(auth.user_id, &event_id).await?,
    ))
}

/// All of the caller's events: totals, one line per event, best channel.
#[utoipa::path(get, path = "/api/analytics/users/me/dashboard", tag = "analytics",
    security(("bearer" = [])),
    responses(
        (status = 200, body = OwnerDashboard),
        (status = 401, description = "AUTH_001 no or bad token", body = ErrorBody),
    ))]
async fn owner_dashboard(
    State(service): State<AppState>,
    auth: AuthUser,
) -> Result<Json<OwnerDashboard>, ApiError> {
    Ok(Json(service.owner_dashboard(auth.user_id).await?))
}
