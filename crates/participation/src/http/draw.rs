//! The draw's routes: draw, winners, verification, the public proof, and
//! the refresh of an event's entry state (docs/design.md §6.2).

use axum::{extract::State, Json};
use platform::http::{ApiError, ApiJson, ApiPath, AuthUser, ErrorBody};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{event_id, AppState};
use crate::{
    draw::Verification,
    drawing::{DrawRequest, DEFAULT_CLAIM_DAYS},
    service::PartError,
    views::{DrawProof, EntryInfo, WinnersView},
};

pub(super) fn router(shared: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(draw_winners))
        .routes(routes!(winners))
        .routes(routes!(verify_draw))
        .routes(routes!(draw_proof))
        .routes(routes!(refresh_entry_state))
        .with_state(shared)
}

/// The draw request. Counts are read loosely so that a wrong type gets PART_005.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawWinnersRequest {
    #[schema(value_type = i64, example = 3)]
    pub winner_count: Option<serde_json::Value>,
    /// 예비 당첨자, drawn after the winners (default 0).
    #[schema(value_type = Option<i64>, example = 2)]
    pub reserve_count: Option<serde_json::Value>,
    /// Store visitors weigh 2 instead of 1.
    pub apply_store_visit_bonus: Option<bool>,
    /// Days winners have to claim the prize (default 14, 1–90).
    #[schema(value_type = Option<i64>, example = 14)]
    pub claim_days: Option<serde_json::Value>,
    /// Leave entries with a bot signal (see the participant list's
    /// `signals`) out of the draw (default false); the log and the public
    /// proof list their entry numbers.
    pub exclude_flagged: Option<bool>,
}

/// An optional whole number of the draw request, or PART_005 naming it.
fn count(value: Option<&serde_json::Value>, default: i64, name: &str) -> Result<i64, ApiError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(default),
        Some(v) => v.as_i64().ok_or_else(|| {
            PartError::InvalidWinnerCount(format!("{name}는 정수여야 합니다")).into()
        }),
    }
}

/// Draw the winners and reserves, once per event, after its end, with the
/// seed committed to when entries closed (docs/design.md).
#[utoipa::path(post, path = "/api/events/{id}/draw-winners", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")), request_body = DrawWinnersRequest,
    responses(
        (status = 200, body = WinnersView),
        (status = 400, description = "PART_005 winnerCount not between 1 and the entries, reserves negative or too many, claimDays not 1–90", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "PART_003", body = ErrorBody),
        (status = 404, description = "PART_404", body = ErrorBody),
        (status = 409, description = "PART_004 already drawn, PART_013 the event has not ended", body = ErrorBody),
    ))]
async fn draw_winners(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<DrawWinnersRequest>,
) -> Result<Json<WinnersView>, ApiError> {
    let id = event_id(id)?;
    let winner_count = req
        .winner_count
        .as_ref()
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| {
            PartError::InvalidWinnerCount("winnerCount는 1 이상의 정수여야 합니다".into())
        })?;
    let request = DrawRequest {
        winner_count,
        reserve_count: count(req.reserve_count.as_ref(), 0, "reserveCount")?,
        apply_store_visit_bonus: req.apply_store_visit_bonus.unwrap_or(false),
        claim_days: count(req.claim_days.as_ref(), DEFAULT_CLAIM_DAYS, "claimDays")?,
        exclude_flagged: req.exclude_flagged.unwrap_or(false),
    };
    Ok(Json(
        shared
            .service
            .draw_winners(auth.user_id, &id, request)
            .await?,
    ))
}

/// The public proof of a draw: algorithm, seed commitment and seed, entry
/// digest, the ordered `{entryNumber, participantId, weight}` list, winners,
/// reserves and the entry numbers left out (weight 0).
/// No personal data; `kem verify-draw URL` re-runs the draw from it.
#[utoipa::path(get, path = "/api/events/{id}/draw-proof", tag = "participation",
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = DrawProof),
        (status = 404, description = "PART_404 unknown event, PART_012 not drawn yet", body = ErrorBody),
    ))]
async fn draw_proof(
    State(shared): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<DrawProof>, ApiError> {
    let id = shared.service.resolve(&event_id(id)?).await?;
    Ok(Json(shared.service.draw_proof(&id).await?))
}

/// The owner (or the event service on the owner's behalf, when the owner
/// ends an event) has this service take the event service's word for the
/// event's state now, so entries close at once.
#[utoipa::path(post, path = "/api/events/{id}/entry-state/refresh", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = EntryInfo),
        (status = 401, body = ErrorBody),
        (status = 403, description = "PART_003", body = ErrorBody),
        (status = 404, description = "PART_404", body = ErrorBody),
    ))]
async fn refresh_entry_state(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EntryInfo>, ApiError> {
    Ok(Json(
        shared.service.refresh(auth.user_id, &event_id(id)?).await?,
    ))
}

/// The event's winners (masked) and draw log.
#[utoipa::path(get, path = "/api/events/{id}/winners", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = WinnersView),
        (status = 403, body = ErrorBody),
        (status = 404, description = "PART_404 unknown event, PART_012 not drawn yet", body = ErrorBody),
    ))]
async fn winners(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WinnersView>, ApiError> {
    Ok(Json(
        shared.service.winners(auth.user_id, &event_id(id)?).await?,
    ))
}

/// Re-runs the logged draw on the stored entries: does the digest still
/// match, and does the seed give the same winners?
#[utoipa::path(get, path = "/api/events/{id}/winners/verify", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = Verification),
        (status = 403, body = ErrorBody),
        (status = 404, description = "PART_404, PART_012", body = ErrorBody),
    ))]
async fn verify_draw(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Verification>, ApiError> {
    Ok(Json(
        shared.service.verify(auth.user_id, &event_id(id)?).await?,
    ))
}
