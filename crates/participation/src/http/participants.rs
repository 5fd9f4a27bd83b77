//! The owner's participant list and its CSV (UFR-PART-020), with the bot
//! signals' flags and counts (docs/design.md §6.5).

use axum::{extract::State, http::header, response::IntoResponse, Json};
use contracts::errors as codes;
use platform::http::{ApiError, ApiPath, ApiQuery, AuthUser, ErrorBody};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{event_id, AppState};
use crate::{store::ParticipantFilter, views::ParticipantPage};

pub(super) fn router(shared: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(participants))
        .routes(routes!(participants_csv))
        .with_state(shared)
}

/// Filters and paging of the participant list; all optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantParams {
    /// Page from 0 (default 0).
    pub page: Option<String>,
    /// Page size (default 20, at most `[participation] max_page_size`).
    pub size: Option<String>,
    /// `true` or `false`.
    pub store_visited: Option<String>,
    /// Part of the name.
    pub q: Option<String>,
    /// `true`: only entries with a bot signal; `false`: only those without.
    pub flagged: Option<String>,
}

fn bad_query(message: String) -> ApiError {
    ApiError::bad_request(codes::PART_INVALID_QUERY, message)
}

fn parse_number(
    raw: Option<&str>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    name: &str,
) -> Result<i64, ApiError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                bad_query(format!(
                    "{name}는 {}~{} 사이의 정수여야 합니다",
                    range.start(),
                    range.end()
                ))
            }),
    }
}

/// An optional `true` / `false` query value, or PART_011 naming it.
fn flag(raw: Option<&str>, name: &str) -> Result<Option<bool>, ApiError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(bad_query(format!("{name}는 true 또는 false여야 합니다"))),
    }
}

fn filter(params: &ParticipantParams) -> Result<ParticipantFilter, ApiError> {
    let store_visited = flag(params.store_visited.as_deref(), "storeVisited")?;
    let flagged = flag(params.flagged.as_deref(), "flagged")?;
    let name = params
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.chars().take(50).collect());
    Ok(ParticipantFilter {
        store_visited,
        name,
        flagged,
    })
}

/// The event's entries, masked, for its owner (UFR-PART-020), each with its
/// bot signals, and the event's count per signal (whatever the filter).
#[utoipa::path(get, path = "/api/events/{id}/participants", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id"), ParticipantParams),
    responses(
        (status = 200, body = ParticipantPage),
        (status = 400, description = "PART_011 bad page, size, storeVisited or flagged", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "PART_003 another owner's event", body = ErrorBody),
        (status = 404, description = "PART_404", body = ErrorBody),
    ))]
async fn participants(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<ParticipantParams>,
) -> Result<Json<ParticipantPage>, ApiError> {
    let max = shared.config.max_page_size.max(1);
    let page = parse_number(params.page.as_deref(), 0, 0..=1_000_000, "page")?;
    let size = parse_number(params.size.as_deref(), 20.min(max), 1..=max, "size")?;
    let filter = filter(&params)?;
    let list = shared
        .service
        .participants(auth.user_id, &event_id(id)?, filter, page, size)
        .await?;
    Ok(Json(list))
}

/// The same list as CSV (UTF-8 with BOM, header row, masked), every matching entry.
#[utoipa::path(get, path = "/api/events/{id}/participants.csv", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id"), ParticipantParams),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn participants_csv(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<ParticipantParams>,
) -> Result<impl IntoResponse, ApiError> {
    let id = event_id(id)?;
    let filter = filter(&params)?;
    let bytes = shared
        .service
        .participants_csv(auth.user_id, &id, filter)
        .await?;
    // The id is ours (letters, digits, '-'), safe in a header.
    let disposition = format!("attachment; filename=\"participants-{id}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}
