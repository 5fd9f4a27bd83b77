//! Event routes and DTOs; maps [`EventError`] to the error JSON.

use std::sync::Arc;

use axum::{extract::State, http::StatusCode, Json};
use contracts::{channels::Channel, errors as codes};
use platform::http::{ApiError, ApiJson, ApiPath, ApiQuery, AuthUser, ErrorBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    channels::{ChannelError, ChannelPlan},
    domain::{parse_objective, EventRuleError, EventStatus, PurposeSelection, StoreInfo},
    service::{Dashboard, EventError, EventService, EventView, Page},
    store::ListFilter,
};

type AppState = Arc<EventService>;

pub fn router(service: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(select_purpose))
        .routes(routes!(list_events))
        .routes(routes!(dashboard))
        .routes(routes!(get_event, delete_event))
        .routes(routes!(select_channels))
        .routes(routes!(quote_cost))
        .routes(routes!(end_event))
        .routes(routes!(reschedule_event))
        .routes(routes!(entry_state))
        .routes(routes!(publish_event))
        .with_state(service.clone())
        .merge(crate::creation_http::router(service.clone()))
        .merge(crate::owner_http::router(service))
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
            EventError::Rule(EventRuleError::InvalidTransition(t)) => ApiError::new(
                StatusCode::CONFLICT,
                codes::EVENT_WRONG_STATUS,
                t.from.refusal(),
            ),
            EventError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, codes::EVENT_FORBIDDEN, "권한이 없습니다"),
            EventError::NotFound => ApiError::new(StatusCode::NOT_FOUND, codes::EVENT_NOT_FOUND, "이벤트를 찾을 수 없습니다"),
            EventError::WrongStatus(status) => ApiError::new(
                StatusCode::CONFLICT,
                codes::EVENT_WRONG_STATUS,
                status.refusal(),
            ),
            EventError::Channel(ChannelError::Unknown(code)) => ApiError::bad_request(
                codes::EVENT_UNKNOWN_CHANNEL,
                format!("알 수 없는 채널입니다: {code} (URIDONGNETV, RINGOBIZ, GINITV, INSTAGRAM, NAVER, KAKAO)"),
            ),
            EventError::Channel(ChannelError::Invalid { channel, message }) => ApiError::bad_request(
                codes::EVENT_INVALID_CHANNEL_SETTINGS,
                format!("{channel}: {message}"),
            ),
            EventError::NotReady(missing) => ApiError::bad_request(
                codes::EVENT_NOT_READY,
                format!(
                    "배포 준비가 되지 않았습니다. 필요한 항목: {}",
                    missing
                        .iter()
                        .map(|m| m.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            EventError::DistributionFailed(message) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::EVENT_DISTRIBUTION_FAILED,
                message,
            ),
            EventError::NoRecommendations => ApiError::new(
                StatusCode::NOT_FOUND,
                codes::EVENT_NO_RECOMMENDATIONS,
                "아직 AI 추천을 요청하지 않았습니다",
            ),
            EventError::StepNotReady(message) => {
                ApiError::new(StatusCode::CONFLICT, codes::EVENT_STEP_NOT_READY, message)
            }
            EventError::InvalidRecommendation(e) => {
                ApiError::bad_request(codes::EVENT_INVALID_RECOMMENDATION, e.to_string())
            }
            EventError::InvalidContent(e) => {
                ApiError::bad_request(codes::EVENT_INVALID_CONTENT, e.to_string())
            }
            EventError::InvalidImageRequest(message) => {
                ApiError::bad_request(codes::EVENT_INVALID_IMAGE_REQUEST, message)
            }
            EventError::InvalidSchedule(e) => {
                ApiError::bad_request(codes::EVENT_INVALID_RECOMMENDATION, e.to_string())
            }
            EventError::NotDeletable => ApiError::new(
                StatusCode::CONFLICT,
                codes::EVENT_NOT_DELETABLE,
                "게시된 이벤트는 삭제할 수 없습니다. 이벤트 종료만 할 수 있습니다",
            ),
            EventError::Photo(crate::photos::PhotoRefusal::Refused { status, code, message }) => {
                crate::owner_http::passed_on(status, &code, message)
            }
            EventError::Photo(crate::photos::PhotoRefusal::Unavailable(why)) => {
                tracing::error!(error = %why, "photo service unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    codes::PHOTO_UNAVAILABLE,
                    "사진을 저장하지 못했습니다. 잠시 후 다시 올려 주세요",
                )
            }
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
    let objective =
        parse_objective(req.objective.as_deref().unwrap_or_default()).map_err(EventError::from)?;
    let store = StoreInfo::parse(
        req.store_name.as_deref(),
        req.industry.as_deref(),
        req.address.as_deref(),
    )
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

/// An event or draft, for its owner (read through the cache).
#[utoipa::path(get, path = "/api/events/{id}", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")),
    responses(
        (status = 200, body = EventView),
        (status = 403, description = "EVENT_003 another owner's event", body = ErrorBody),
        (status = 404, description = "EVENT_404 no such event", body = ErrorBody),
    ))]
async fn get_event(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EventView>, ApiError> {
    if id.len() > 64 {
        return Err(EventError::NotFound.into());
    }
    Ok(Json(service.get(auth.user_id, &id).await?))
}

/// Filters and paging of the event list; all optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// DRAFT, APPROVED, ACTIVE or ENDED.
    pub status: Option<String>,
    /// One of the four objectives.
    pub objective: Option<String>,
    /// Part of the title (store name while there is no title yet).
    pub q: Option<String>,
    /// Page number from 0 (default 0).
    pub page: Option<String>,
    /// Page size 1–100 (default 20).
    pub size: Option<String>,
}

fn bad_query(message: &str) -> ApiError {
    ApiError::bad_request(codes::EVENT_INVALID_QUERY, message.to_string())
}

fn parse_paging(page: Option<&str>, size: Option<&str>) -> Result<(i64, i64), ApiError> {
    let page = match page.map(str::trim).filter(|p| !p.is_empty()) {
        None => 0,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=1_000_000).contains(p))
            .ok_or_else(|| bad_query("page는 0 이상의 정수여야 합니다"))?,
    };
    let size = match size.map(str::trim).filter(|s| !s.is_empty()) {
        None => 20,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|s| (1..=100).contains(s))
            .ok_or_else(|| bad_query("size는 1~100 사이의 정수여야 합니다"))?,
    };
    Ok((page, size))
}

/// The owner's events, newest first, with filters and paging (UFR-EVENT-010).
#[utoipa::path(get, path = "/api/events", tag = "event", security(("bearer" = [])), params(ListParams),
    responses(
        (status = 200, body = Page<EventView>),
        (status = 400, description = "EVENT_009 bad status/page/size, EVENT_001 bad objective", body = ErrorBody),
    ))]
async fn list_events(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<EventView>>, ApiError> {
    let (page, size) = parse_paging(params.page.as_deref(), params.size.as_deref())?;
    let status = match params
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(EventStatus::parse(s).ok_or_else(|| {
            bad_query("status는 DRAFT, APPROVED, ACTIVE, ENDED 중 하나여야 합니다")
        })?),
    };
    let objective = match params
        .objective
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(o) => Some(parse_objective(o).map_err(EventError::from)?),
    };
    let query = params
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.chars().take(100).collect());
    let filter = ListFilter {
        status,
        objective,
        query,
    };
    Ok(Json(service.list(auth.user_id, filter, page, size).await?))
}

/// Counts per status and the newest five events of each (UFR-EVENT-010).
#[utoipa::path(get, path = "/api/events/dashboard", tag = "event", security(("bearer" = [])),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody)))]
async fn dashboard(
    State(service): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(service.dashboard(auth.user_id).await?))
}

/// Channel choice with per-channel settings (UFR-EVENT-040).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelsRequest {
    #[schema(example = json!(["INSTAGRAM", "URIDONGNETV", "GINITV", "RINGOBIZ"]))]
    pub channels: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"URIDONGNETV": {"radius": "1km", "timeSlot": "evening"}, "GINITV": {"region": "서울 강남구", "budget": 300000}, "RINGOBIZ": {"phoneNumber": "0212345678"}}))]
    pub channel_settings: serde_json::Map<String, serde_json::Value>,
}

/// Choose the channels of a draft (UFR-EVENT-040).
#[utoipa::path(put, path = "/api/events/{id}/channels", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")), request_body = ChannelsRequest,
    responses(
        (status = 200, body = EventView),
        (status = 400, description = "EVENT_006 unknown channel, EVENT_007 missing or bad settings", body = ErrorBody),
        (status = 403, description = "EVENT_003 another owner's event", body = ErrorBody),
        (status = 404, description = "EVENT_404", body = ErrorBody),
        (status = 409, description = "EVENT_008 no longer a draft", body = ErrorBody),
    ))]
async fn select_channels(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ChannelsRequest>,
) -> Result<Json<EventView>, ApiError> {
    let plan =
        ChannelPlan::parse(&req.channels, &req.channel_settings).map_err(EventError::from)?;
    Ok(Json(
        service.select_channels(auth.user_id, &id, plan).await?,
    ))
}

/// What the event would cost with these channels and settings, part by
/// part, before they are saved: the channel step's figures. The same model
/// gives the event view's `cost` and the dashboard's investment. Settings
/// are not checked here (the owner may still be typing; saving checks
/// them): a missing or unreadable one is priced at its default.
#[utoipa::path(post, path = "/api/events/{id}/cost", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")), request_body = ChannelsRequest,
    responses(
        (status = 200, body = CostAnswer),
        (status = 400, description = "EVENT_006 unknown channel", body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn quote_cost(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ChannelsRequest>,
) -> Result<Json<CostAnswer>, ApiError> {
    if id.len() > 64 {
        return Err(EventError::NotFound.into());
    }
    let mut channels = Vec::new();
    for code in &req.channels {
        let channel = Channel::parse(code.trim())
            .ok_or_else(|| EventError::from(ChannelError::Unknown(code.clone())))?;
        if !channels.contains(&channel) {
            channels.push(channel);
        }
    }
    let cost = service
        .quote(auth.user_id, &id, &channels, &req.channel_settings)
        .await?;
    // Each asked channel's expected views with these settings, from the one
    // table the publish result also uses (an unreadable setting: its default).
    let reach = channels
        .iter()
        .map(|c| {
            let settings = req.channel_settings.get(c.code());
            let radius = settings.and_then(|s| s["radius"].as_str());
            let budget = settings.and_then(|s| s["budget"].as_u64());
            (
                c.code().to_string(),
                contracts::channels::expected_reach(*c, radius, budget),
            )
        })
        .collect();
    Ok(Json(CostAnswer {
        total: cost.total,
        items: cost.items,
        reach,
    }))
}

/// An event's cost: `{total, items: [{kind, label, amount}]}` in won.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CostAnswer {
    pub total: i64,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<contracts::money::CostItem>,
    /// Expected views per asked channel code ("예상 노출", people).
    pub reach: std::collections::BTreeMap<String, u64>,
}

/// End an active event (UFR-EVENT-070); announces `EventEnded`.
#[utoipa::path(post, path = "/api/events/{id}/end", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = EventView),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "EVENT_008 not active", body = ErrorBody),
    ))]
async fn end_event(
    State(service): State<AppState>,
    auth: AuthUser,
    headers: axum::http::HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(
        service.end(auth.user_id, &id, bearer_of(&headers)).await?,
    ))
}

/// The raw bearer token of a request, passed on to a neighbouring service.
pub(crate) fn bearer_of(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
}

/// A new end date for an active event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRequest {
    /// `YYYY-MM-DD`, not before today (Korea) and at most 90 days after the start.
    #[schema(example = "2026-12-31")]
    pub end_date: Option<String>,
}

/// Move the end date of an ACTIVE event (docs/design.md, "The event's clock").
#[utoipa::path(put, path = "/api/events/{id}/schedule", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")), request_body = ScheduleRequest,
    responses(
        (status = 200, body = EventView),
        (status = 400, description = "EVENT_012 end date malformed, before today or more than 90 days after the start", body = ErrorBody),
        (status = 403, description = "EVENT_003", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "EVENT_008 not ACTIVE", body = ErrorBody),
    ))]
async fn reschedule_event(
    State(service): State<AppState>,
    auth: AuthUser,
    headers: axum::http::HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ScheduleRequest>,
) -> Result<Json<EventView>, ApiError> {
    let end_date = req.end_date.unwrap_or_default();
    Ok(Json(
        service
            .reschedule(auth.user_id, &id, &end_date, bearer_of(&headers))
            .await?,
    ))
}

/// The public entry state of a published event: what participation needs to
/// take entries (status, dates, owner) and what the entry page shows. Public
/// because all of it is on the entry page already; drafts are 404.
#[utoipa::path(get, path = "/api/events/{id}/entry-state", tag = "event",
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = Object, description = "EventEntryState"),
        (status = 404, description = "EVENT_404 unknown or not published", body = ErrorBody),
    ))]
async fn entry_state(
    State(service): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<contracts::event_state::EventEntryState>, ApiError> {
    if id.is_empty() || id.len() > 64 {
        return Err(EventError::NotFound.into());
    }
    Ok(Json(service.entry_state(&id).await?))
}

/// Delete a draft, at any step before publishing.
#[utoipa::path(delete, path = "/api/events/{id}", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")),
    responses(
        (status = 204),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "EVENT_015 approved, published or ended: only ending is possible", body = ErrorBody),
    ))]
async fn delete_event(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    service.delete_draft(auth.user_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Optional body of a publish: the channels, when not those saved on the draft.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublishRequest {
    #[schema(example = json!(["INSTAGRAM", "NAVER"]))]
    pub channels: Option<Vec<String>>,
    /// Entrants confirm their phone with a 6-digit SMS code before their
    /// entry is stored (default false); fixed once published.
    pub verify_phone: Option<bool>,
}

/// Final approval and publish (UFR-EVENT-050, seed 2): APPROVED, distribution
/// to the channels (synchronous, circuit breaker, 70 s), then ACTIVE.
#[utoipa::path(post, path = "/api/events/{id}/publish", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")), request_body(content = Option<PublishRequest>),
    responses(
        (status = 200, body = crate::publish::PublishAnswer, description = "ACTIVE with each channel's result; an ACTIVE event answers its stored results"),
        (status = 400, description = "EVENT_004 not ready (names what is missing), EVENT_006/007 bad channels", body = ErrorBody),
        (status = 403, description = "EVENT_003 another owner's event", body = ErrorBody),
        (status = 404, description = "EVENT_404", body = ErrorBody),
        (status = 409, description = "EVENT_008 ended", body = ErrorBody),
        (status = 503, description = "EVENT_005 distribution failed as a whole; the event stays APPROVED, publish again to retry", body = ErrorBody),
    ))]
async fn publish_event(
    State(service): State<AppState>,
    auth: AuthUser,
    headers: axum::http::HeaderMap,
    ApiPath(id): ApiPath<String>,
    platform::http::OptionalJson(req): platform::http::OptionalJson<PublishRequest>,
) -> Result<Json<crate::publish::PublishAnswer>, ApiError> {
    // The owner's token goes on to the distribution service.
    let bearer = bearer_of(&headers).to_string();
    Ok(Json(
        service
            .publish(
                auth.user_id,
                &id,
                &bearer,
                req.channels,
                req.verify_phone.unwrap_or(false),
            )
            .await?,
    ))
}
