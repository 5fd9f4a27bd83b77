//! Participation routes and DTOs; maps [`PartError`] to the error JSON.
//! Paths use `{id}` like the event service's, because the router needs one
//! name per path segment; it is the event id (the public routes also take
//! the entry link's public id, see [`ParticipationService::resolve`]).

use std::sync::Arc;

use axum::{extract::State, http::StatusCode, Json};
use contracts::errors as codes;
use platform::{
    http::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody},
    ratelimit::{Kind, Throttle},
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    domain::{Entry, EntryError, EntryInput, PhoneNumber},
    service::{PartError, ParticipationService},
    store::Closed,
    verification::{CodeSent, VerifyError},
    views::{EntryInfo, EntryReceipt},
    ParticipationConfig,
};

/// What every handler shares.
pub struct Shared {
    pub service: Arc<ParticipationService>,
    pub config: ParticipationConfig,
}

type AppState = Arc<Shared>;

mod draw;
mod participants;
mod prizes;

pub fn router(shared: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(participate))
        .routes(routes!(send_code))
        .routes(routes!(entry_info))
        .with_state(shared.clone())
        .merge(participants::router(shared.clone()))
        .merge(draw::router(shared.clone()))
        .merge(prizes::router(shared))
}

impl From<PartError> for ApiError {
    fn from(e: PartError) -> ApiError {
        let message = e.to_string();
        match e {
            PartError::Entry(entry) => {
                let code = match entry {
                    EntryError::Name => codes::PART_INVALID_NAME,
                    EntryError::Phone => codes::PART_INVALID_PHONE,
                    EntryError::PrivacyRequired => codes::PART_PRIVACY_REQUIRED,
                    EntryError::Email => codes::PART_INVALID_EMAIL,
                    EntryError::Channel => codes::PART_INVALID_CHANNEL,
                };
                ApiError::bad_request(code, message)
            }
            PartError::UnknownEvent => ApiError::new(
                StatusCode::NOT_FOUND,
                codes::PART_NOT_FOUND,
                "이벤트를 찾을 수 없습니다",
            ),
            PartError::NotAccepting(closed) => ApiError::new(
                StatusCode::CONFLICT,
                codes::PART_NOT_ACCEPTING,
                not_accepting_message(&closed),
            ),
            PartError::NotEnded(end_date) => ApiError::new(
                StatusCode::CONFLICT,
                codes::PART_NOT_ENDED,
                match end_date {
                    Some(end) => format!(
                        "이벤트가 끝난 뒤({} 23:59 이후)에 추첨할 수 있습니다",
                        korean_date(&end)
                    ),
                    None => "이벤트가 끝난 뒤에 추첨할 수 있습니다".to_string(),
                },
            ),
            PartError::Duplicate => ApiError::new(
                StatusCode::CONFLICT,
                codes::PART_DUPLICATE,
                "이미 참여하신 이벤트입니다",
            ),
            PartError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                codes::PART_FORBIDDEN,
                "권한이 없습니다",
            ),
            PartError::AlreadyDrawn => ApiError::new(
                StatusCode::CONFLICT,
                codes::PART_ALREADY_DRAWN,
                "이미 당첨자 추첨이 완료된 이벤트입니다",
            ),
            PartError::InvalidWinnerCount(message) => {
                ApiError::bad_request(codes::PART_INVALID_WINNER_COUNT, message)
            }
            PartError::NotDrawn => ApiError::new(
                StatusCode::NOT_FOUND,
                codes::PART_NOT_DRAWN,
                "아직 당첨자를 추첨하지 않았습니다",
            ),
            PartError::UnknownCoupon => ApiError::new(
                StatusCode::NOT_FOUND,
                codes::PART_COUPON_NOT_FOUND,
                "쿠폰 번호를 찾을 수 없습니다. 번호를 다시 확인해 주세요",
            ),
            PartError::CouponRedeemed(at) => ApiError::new(
                StatusCode::CONFLICT,
                codes::PART_COUPON_REDEEMED,
                format!("이미 사용한 쿠폰입니다 ({} 사용)", korean_time(&at)),
            ),
            PartError::CouponExpired(passed) => ApiError::new(
                StatusCode::CONFLICT,
                codes::PART_COUPON_EXPIRED,
                if passed {
                    "수령 기한이 지나 예비 당첨자에게 넘어간 쿠폰입니다"
                } else {
                    "수령 기한이 지난 쿠폰입니다"
                },
            ),
            PartError::NothingToPass(waiting) => ApiError::new(
                StatusCode::CONFLICT,
                codes::PART_NOTHING_TO_PASS,
                if waiting {
                    "아직 수령 기한이 지나지 않은 경품이 있습니다. 기한이 지난 뒤에 예비 당첨자에게 넘길 수 있습니다"
                } else {
                    "예비 당첨자에게 넘길 경품이 없습니다"
                },
            ),
            PartError::Verify(e) => verify_error(e),
            PartError::Internal(cause) => ApiError::internal(cause),
            PartError::Store(e) => e.into(),
        }
    }
}

/// A verification refusal in the entrant's words.
fn verify_error(e: VerifyError) -> ApiError {
    let wait = |d: std::time::Duration| d.as_secs().max(1);
    match e {
        VerifyError::NotUsed => ApiError::new(
            StatusCode::CONFLICT,
            codes::PART_VERIFICATION_NOT_USED,
            "이 이벤트는 휴대폰 인증 없이 응모합니다",
        ),
        VerifyError::TooSoon(d) | VerifyError::TooMany(d) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::PART_CODE_TOO_SOON,
            format!(
                "인증번호를 너무 자주 요청했습니다. {} 뒤에 다시 받을 수 있습니다",
                platform::ratelimit::korean_wait(wait(d))
            ),
        )
        .with_retry_after(wait(d)),
        VerifyError::Required => ApiError::bad_request(
            codes::PART_CODE_REQUIRED,
            "문자로 받은 인증번호 6자리를 입력해 주세요",
        ),
        VerifyError::Wrong(0) => ApiError::bad_request(
            codes::PART_CODE_WRONG,
            "인증번호가 맞지 않습니다. 입력 횟수를 모두 써서 새 인증번호를 받아 주세요",
        ),
        VerifyError::Wrong(left) => ApiError::bad_request(
            codes::PART_CODE_WRONG,
            format!("인증번호가 맞지 않습니다 (남은 입력 {left}회)"),
        ),
        VerifyError::Expired => ApiError::bad_request(
            codes::PART_CODE_SPENT,
            "인증번호의 유효 시간(3분)이 지났습니다. 새 인증번호를 받아 주세요",
        ),
        VerifyError::Spent => ApiError::bad_request(
            codes::PART_CODE_SPENT,
            "이미 사용했거나 입력 횟수를 넘은 인증번호입니다. 새 인증번호를 받아 주세요",
        ),
        VerifyError::NotSent => {
            ApiError::bad_request(codes::PART_CODE_SPENT, "먼저 인증번호 받기를 눌러 주세요")
        }
        VerifyError::Unavailable(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::PART_CODE_NOT_SENT,
            "인증번호를 보내지 못했습니다. 잠시 후 다시 시도해 주세요",
        )
        .with_retry_after(10),
    }
}

/// `2026-12-10` → `2026년 12월 10일`; anything else as given.
fn korean_date(date: &str) -> String {
    match contracts::schedule::parse_date(date) {
        Some(d) => d.format("%Y년 %-m월 %-d일").to_string(),
        None => date.to_string(),
    }
}

/// An RFC 3339 time as Korea's `2026년 12월 20일 14:05`.
fn korean_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&contracts::schedule::korea())
                .format("%Y년 %-m월 %-d일 %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

/// Why an entry is refused, naming the date that decides it.
fn not_accepting_message(closed: &Closed) -> String {
    match closed {
        Closed::NotOpen => "아직 참여를 받지 않는 이벤트입니다".to_string(),
        Closed::Upcoming(start) => format!("{} 0시부터 참여할 수 있습니다", korean_date(start)),
        Closed::PastEnd(end) | Closed::Ended(Some(end)) => {
            format!(
                "종료된 이벤트입니다 ({}까지 참여할 수 있었습니다)",
                korean_date(end)
            )
        }
        Closed::Ended(None) => "종료된 이벤트입니다".to_string(),
    }
}

/// Event ids are ours and short; anything longer is no event of ours.
pub(crate) fn event_id(id: String) -> Result<String, ApiError> {
    if id.is_empty() || id.len() > 64 {
        return Err(PartError::UnknownEvent.into());
    }
    Ok(id)
}

/// An entry (UFR-PART-010). Every field is optional in the schema so that a
/// missing one gets its own code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipateRequest {
    #[schema(example = "김민수")]
    pub name: Option<String>,
    /// Hyphens and spaces are ignored.
    #[schema(example = "010-1234-5678")]
    pub phone_number: Option<String>,
    #[schema(example = "minsu@example.com")]
    pub email: Option<String>,
    /// Must be true.
    pub agree_privacy: Option<bool>,
    pub agree_marketing: Option<bool>,
    pub store_visited: Option<bool>,
    /// Which channel brought the customer; wins over `?ch=`.
    #[schema(example = "INSTAGRAM")]
    pub channel: Option<String>,
    /// The 6-digit code sent by SMS; required when the event verifies phones.
    #[schema(example = "123456")]
    pub verification_code: Option<String>,
    /// Leave empty: a field the entry page hides from people (a bot signal,
    /// docs/design.md §6.5). Filled, the entry is flagged, not refused.
    pub website: Option<String>,
    /// Milliseconds from the first touch of the form (or its load) to the
    /// send, as the entry page measures it. Missing, negative or under
    /// 3,000, the entry is flagged, not refused; above a day it counts as a day.
    #[schema(value_type = Option<i64>, example = 14500)]
    pub fill_ms: Option<f64>,
}

/// The entry link's channel, so per-channel links and QR codes set it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryLinkParams {
    /// Channel code, e.g. `INSTAGRAM`.
    pub ch: Option<String>,
}

/// Enter an event; no login (UFR-PART-010). One entry per phone per event.
#[utoipa::path(post, path = "/api/events/{id}/participate", tag = "participation",
    params(("id" = String, Path, description = "event id"), EntryLinkParams),
    request_body = ParticipateRequest,
    responses(
        (status = 201, body = EntryReceipt),
        (status = 400, description = "PART_006 name, PART_007 phone, PART_008 privacy consent, PART_009 email, PART_010 channel, COMMON_400 malformed body; events that verify phones: PART_021 no 6-digit code, PART_022 wrong code (tries left in the message), PART_023 no usable code (never sent, expired, used or out of tries)", body = ErrorBody),
        (status = 404, description = "PART_404 unknown event", body = ErrorBody),
        (status = 409, description = "PART_001 이미 참여하신 이벤트입니다, PART_002 not taking entries (before the start date, after the end date or ended; the message names the date)", body = ErrorBody),
        (status = 429, description = "COMMON_429 too many entries into this event from this address; Retry-After", body = ErrorBody),
    ))]
async fn participate(
    State(shared): State<AppState>,
    throttle: Throttle,
    ApiPath(id): ApiPath<String>,
    ApiQuery(link): ApiQuery<EntryLinkParams>,
    ApiJson(req): ApiJson<ParticipateRequest>,
) -> Result<(StatusCode, Json<EntryReceipt>), ApiError> {
    let id = shared.service.resolve(&event_id(id)?).await?;
    throttle.check(Kind::Entry, &id).await?;
    let entry = Entry::parse(&EntryInput {
        name: req.name.as_deref(),
        phone_number: req.phone_number.as_deref(),
        email: req.email.as_deref(),
        agree_privacy: req.agree_privacy,
        agree_marketing: req.agree_marketing,
        store_visited: req.store_visited,
        channel: req.channel.as_deref(),
        link_channel: link.ch.as_deref(),
        honeypot: req.website.as_deref(),
        fill_ms: req.fill_ms,
    })
    .map_err(PartError::from)?;
    let receipt = shared
        .service
        .register(&id, entry, req.verification_code.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Who asks for a verification code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeRequest {
    /// Hyphens and spaces are ignored.
    #[schema(example = "010-1234-5678")]
    pub phone_number: Option<String>,
}

/// Send a 6-digit code by SMS to the phone an entrant will enter with, for
/// an event that verifies phones (docs/design.md §8.2). Valid 3 minutes and
/// 5 tries; a new one after 30 s, at most 5 an hour per phone.
#[utoipa::path(post, path = "/api/events/{id}/verifications", tag = "participation",
    params(("id" = String, Path, description = "event id")),
    request_body = CodeRequest,
    responses(
        (status = 202, body = CodeSent),
        (status = 400, description = "PART_007 phone, COMMON_400 malformed body", body = ErrorBody),
        (status = 404, description = "PART_404 unknown event", body = ErrorBody),
        (status = 409, description = "PART_001 this phone entered already, PART_002 not taking entries, PART_019 the event does not verify phones", body = ErrorBody),
        (status = 429, description = "PART_020 a new code too soon or too often for this phone; COMMON_429 too many codes from this address; Retry-After", body = ErrorBody),
        (status = 503, description = "PART_024 the SMS provider did not take it; nothing kept", body = ErrorBody),
    ))]
async fn send_code(
    State(shared): State<AppState>,
    throttle: Throttle,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<CodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    let id = shared.service.resolve(&event_id(id)?).await?;
    throttle.check(Kind::Verification, "").await?;
    let phone =
        PhoneNumber::parse(req.phone_number.as_deref().unwrap_or("")).map_err(PartError::from)?;
    let sent = shared.service.send_code(&id, &phone).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// The public entry page's facts: title, prize, dates, store, status.
#[utoipa::path(get, path = "/api/events/{id}/entry-info", tag = "participation",
    params(("id" = String, Path, description = "event id")),
    responses((status = 200, body = EntryInfo), (status = 404, description = "PART_404", body = ErrorBody),
        (status = 429, description = "COMMON_429 too many page loads from this address; Retry-After", body = ErrorBody)))]
async fn entry_info(
    State(shared): State<AppState>,
    throttle: Throttle,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EntryInfo>, ApiError> {
    throttle.check(Kind::EntryInfo, "").await?;
    let id = shared.service.resolve(&event_id(id)?).await?;
    Ok(Json(shared.service.entry_info(&id).await?))
}
