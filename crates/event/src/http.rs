//! Event routes and DTOs; maps [`EventError`] to the error JSON.

use std::sync::Arc;

use axum::{extract::State, http::StatusCode, Json};
use contracts::errors as codes;
use platform::http::{ApiError, ApiJson, ApiPath, AuthUser, ErrorBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    domain::{EventRuleError, Objective, PurposeSelection, StoreInfo},
    service::{EventError, EventService, EventView},
};

type AppState = Arc<EventService>;

pub fn router(service: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(select_purpose))
        .routes(routes!(get_event))
        .with_state(service)
}

impl From<EventError> for ApiError {
    fn from(e: EventError) -> ApiError {
        match e {
            EventError::Rule(EventRuleError::InvalidObjective) => ApiError::bad_request(
                codes::EVENT_INVALID_OBJECTIVE,
                "유효하지 않은 목적입니다 (신규 고객 유치, 재방문 유도, 매출 증대, 인지도 향상 중 하나)",
            ),
            EventError::Rule(EventRuleError::StoreInfoMissing(fields)) => ApiError::bad_request(
                codes::EVENT_STORE_INFO_MISSING,
                format!("매장 정보가 누락되었습니다: {}", fields.join(", ")),
            ),
            EventError::Rule(e @ EventRuleError::InvalidTransition { .. }) => ApiError::internal(e),
            EventError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, codes::EVENT_FORBIDDEN, "권한이 없습니다"),
            EventError::NotFound => ApiError::new(StatusCode::NOT_FOUND, codes::EVENT_NOT_FOUND, "이벤트를 찾을 수 없습니다"),
            EventError::Store(e) => e.into(),
        }
    }
}

/// Seed 1's request. Every field is optional in the schema so that a missing
/// one gets its seed error code (EVENT_001 / EVENT_002) instead of a generic 400.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PurposeRequest {
    /// Must equal the token's user when given.
    #[schema(example = 123)]
    pub user_id: Option<i64>,
    #[schema(example = "신규 고객 유치")]
    pub objective: Option<String>,
    #[schema(example = "맛있는집")]
    pub store_name: Option<String>,
    #[schema(example = "음식점")]
    pub industry: Option<String>,
    #[schema(example = "서울시 강남구")]
    pub address: Option<String>,
}

/// Seed 1's answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PurposeResponse {
    #[schema(example = "draft-01jd3v9q8f2c7m6t5x4w3z2y1a")]
    pub event_draft_id: String,
    #[schema(example = "신규 고객 유치")]
    pub objective: String,
    #[schema(example = "맛있는집")]
    pub store_name: String,
    #[schema(example = "DRAFT")]
    pub status: String,
}

/// Select the event's objective and create its draft (UFR-EVENT-020, seed 1).
#[utoipa::path(post, path = "/api/events/purposes", tag = "event", security(("bearer" = [])),
    request_body = PurposeRequest,
    responses(
        (status = 200, body = PurposeResponse, description = "the new draft, or the same draft on a repeat"),
        (status = 400, description = "EVENT_001 invalid objective, EVENT_002 store info missing, COMMON_400 malformed body", body = ErrorBody),
        (status = 401, description = "AUTH_001 no or bad token", body = ErrorBody),
        (status = 403, description = "EVENT_003 userId is not the caller", body = ErrorBody),
    ))]
async fn select_purpose(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<PurposeRequest>,
) -> Result<Json<PurposeResponse>, ApiError> {
    if req.user_id.is_some_and(|id| id != auth.user_id) {
        return Err(EventError::Forbidden.into());
    }
    let objective = Objective::parse(req.objective.as_deref().unwrap_or_default()).map_err(EventError::from)?;
    let store = StoreInfo::parse(req.store_name.as_deref(), req.industry.as_deref(), req.address.as_deref())
        .map_err(EventError::from)?;
    let selection = PurposeSelection {
        user_id: auth.user_id,
        objective,
        store,
    };
    let view = service.select_purpose(selection).await?;
    Ok(Json(PurposeResponse {
        event_draft_id: view.event_id,
        objective: view.objective,
        store_name: view.store_name,
        status: view.status.as_str().to_string(),
    }))
}

/// An event as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventResponse {
    pub event_id: String,
    pub user_id: i64,
    pub objective: String,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    #[schema(example = "DRAFT")]
    pub status: String,
    pub title: Option<String>,
    pub created_at: String,
    pub approved_at: Option<String>,
    pub published_at: Option<String>,
}

impl From<EventView> for EventResponse {
    fn from(v: EventView) -> Self {
        EventResponse {
            event_id: v.event_id,
            user_id: v.user_id,
            objective: v.objective,
            store_name: v.store_name,
            industry: v.industry,
            address: v.address,
            status: v.status.as_str().to_string(),
            title: v.title,
            created_at: v.created_at,
            approved_at: v.approved_at,
            published_at: v.published_at,
        }
    }
}

/// An event or draft, for its owner (read through the cache).
#[utoipa::path(get, path = "/api/events/{id}", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")),
    responses(
        (status = 200, body = EventResponse),
        (status = 403, description = "EVENT_003 another owner's event", body = ErrorBody),
        (status = 404, description = "EVENT_404 no such event", body = ErrorBody),
    ))]
async fn get_event(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EventResponse>, ApiError> {
    if id.len() > 64 {
        return Err(EventError::NotFound.into());
    }
    Ok(Json(service.get(auth.user_id, &id).await?.into()))
}
