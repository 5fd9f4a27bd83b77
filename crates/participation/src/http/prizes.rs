//! The prize's routes: the claim facts, redemption at the counter, winners'
//! contacts, passing prizes to reserves, and winner notices (docs/design.md §6.4).

use axum::{extract::State, http::StatusCode, Json};
use platform::http::{ApiError, ApiJson, ApiPath, AuthUser, ErrorBody};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{event_id, AppState};
use contracts::errors as codes;

use crate::views::{CouponInfo, PassedView, Redeemed, WinnerContacts};

pub(super) fn router(shared: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(coupon_info))
        .routes(routes!(redeem_coupon))
        .routes(routes!(winner_contacts))
        .routes(routes!(pass_unclaimed))
        .routes(routes!(notify_winners))
        .with_state(shared)
}

/// What a winner's claim page shows: prize, store, deadline, status. Public
/// (the code is the secret); nothing personal.
#[utoipa::path(get, path = "/api/coupons/{code}", tag = "participation",
    params(("code" = String, Path, description = "coupon code, with or without hyphens")),
    responses(
        (status = 200, body = CouponInfo),
        (status = 404, description = "PART_017 no such coupon", body = ErrorBody),
        (status = 429, description = "COMMON_429 too many look-ups from this address; Retry-After", body = ErrorBody),
    ))]
async fn coupon_info(
    State(shared): State<AppState>,
    throttle: platform::ratelimit::Throttle,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<CouponInfo>, ApiError> {
    throttle
        .check(platform::ratelimit::Kind::Coupon, "")
        .await?;
    Ok(Json(shared.service.coupon_info(&code).await?))
}

/// Redeem a winner's coupon at the counter: the event's owner only, once,
/// before the claim deadline.
#[utoipa::path(post, path = "/api/coupons/{code}/redeem", tag = "participation", security(("bearer" = [])),
    params(("code" = String, Path, description = "coupon code, with or without hyphens")),
    responses(
        (status = 200, body = Redeemed),
        (status = 401, body = ErrorBody),
        (status = 403, description = "PART_003 another owner's coupon", body = ErrorBody),
        (status = 404, description = "PART_017 unknown or malformed code", body = ErrorBody),
        (status = 409, description = "PART_014 redeemed already (the message says when), PART_015 past the claim deadline or passed to a reserve", body = ErrorBody),
    ))]
async fn redeem_coupon(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Redeemed>, ApiError> {
    Ok(Json(shared.service.redeem(auth.user_id, &code).await?))
}

/// Winners' and reserves' full contacts, for the event's owner, after the
/// draw; every read is recorded (who, when) and listed.
#[utoipa::path(get, path = "/api/events/{id}/winners/contacts", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = WinnerContacts),
        (status = 401, body = ErrorBody), (status = 403, description = "PART_003", body = ErrorBody),
        (status = 404, description = "PART_404, PART_012 not drawn yet", body = ErrorBody),
    ))]
async fn winner_contacts(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WinnerContacts>, ApiError> {
    Ok(Json(
        shared
            .service
            .contacts(auth.user_id, &event_id(id)?)
            .await?,
    ))
}

/// After the claim deadline: each unclaimed prize passes to the next reserve
/// in drawn order, with a new coupon.
#[utoipa::path(post, path = "/api/events/{id}/winners/replace", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = Vec<PassedView>),
        (status = 401, body = ErrorBody), (status = 403, description = "PART_003", body = ErrorBody),
        (status = 404, description = "PART_404, PART_012 not drawn yet", body = ErrorBody),
        (status = 409, description = "PART_016 nothing unclaimed past its deadline (or no reserve left)", body = ErrorBody),
    ))]
async fn pass_unclaimed(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<PassedView>>, ApiError> {
    Ok(Json(
        shared
            .service
            .pass_unclaimed(auth.user_id, &event_id(id)?)
            .await?,
    ))
}

/// The notice request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotifyRequest {
    /// `SMS` or `ALIMTALK`.
    #[schema(example = "SMS")]
    pub channel: Option<String>,
    /// Send even during quiet hours (21:00–08:00 Korea time).
    pub send_now: Option<bool>,
}

/// Tell every coupon holder not yet told that they won, by SMS or 알림톡,
/// with the prize, the store and the claim link (docs/design.md §6.4).
#[utoipa::path(post, path = "/api/events/{id}/winners/notify", tag = "participation", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")), request_body = NotifyRequest,
    responses(
        (status = 202, body = crate::notices::NotifyAnswer),
        (status = 400, description = "PART_018 channel not SMS or ALIMTALK", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, description = "PART_003", body = ErrorBody),
        (status = 404, description = "PART_404, PART_012 not drawn yet", body = ErrorBody),
    ))]
async fn notify_winners(
    State(shared): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<NotifyRequest>,
) -> Result<(StatusCode, Json<crate::notices::NotifyAnswer>), ApiError> {
    let kind = req
        .channel
        .as_deref()
        .and_then(messaging::Kind::parse)
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::PART_INVALID_NOTICE_CHANNEL,
                "안내 방법(channel)은 SMS 또는 ALIMTALK이어야 합니다",
            )
        })?;
    let answer = shared
        .service
        .notify(
            auth.user_id,
            &event_id(id)?,
            kind,
            req.send_now.unwrap_or(false),
        )
        .await?;
    Ok((StatusCode::ACCEPTED, Json(answer)))
}
