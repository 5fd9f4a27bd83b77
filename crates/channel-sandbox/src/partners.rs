//! Partner-style JSON APIs (key in `X-Api-Key`): 우리동네TV ad booking,
//! 링고비즈 ringback update, 지니TV ad registration, each with its stats.

use std::sync::Arc;

use axum::{
    extract::{rejection::JsonRejection, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use contracts::channels::Channel;
use serde_json::{json, Value};

use crate::{
    knobs::{authorized, channel_error, gate, AuthScheme},
    social::{find_post, idempotency_key, json_body, record, required},
    stats,
    store::Kind,
    Sandbox,
};

type St = State<Arc<Sandbox>>;

pub fn router() -> Router<Arc<Sandbox>> {
    Router::new()
        .route(
            "/sandbox/uridongnetv/api/v1/ad-bookings",
            post(book_local_ad),
        )
        .route(
            "/sandbox/uridongnetv/api/v1/ad-bookings/{id}/stats",
            get(local_ad_stats),
        )
        .route("/sandbox/ringobiz/api/v1/ringback", post(update_ringback))
        .route(
            "/sandbox/ringobiz/api/v1/ringback/{id}/stats",
            get(ringback_stats),
        )
        .route("/sandbox/ginitv/api/v1/ads", post(register_tv_ad))
        .route("/sandbox/ginitv/api/v1/ads/{id}/stats", get(tv_ad_stats))
}

fn invalid(message: &str) -> Response {
    channel_error(StatusCode::BAD_REQUEST, "INVALID_PARAMETER", message)
}

async fn admit(sb: &Sandbox, headers: &HeaderMap, channel: Channel) -> Result<(), Response> {
    let ok = authorized(
        headers,
        AuthScheme::ApiKey,
        sb.credentials.of(channel).expose(),
    );
    gate(&sb.knobs, channel, ok, true).await
}

fn either(result: Result<Response, Response>) -> Response {
    result.unwrap_or_else(|e| e)
}

/// Households reached per booking radius.
/// The booking's reach, from the one table the owner's app also shows.
fn reach_of(radius: &str) -> Option<u64> {
    ["500m", "1km", "2km"]
        .contains(&radius)
        .then(|| contracts::channels::expected_reach(Channel::Uridongnetv, Some(radius), None))
}

async fn book_local_ad(
    State(sb): St,
    headers: HeaderMap,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    either(
        async {
            let ch = Channel::Uridongnetv;
            admit(&sb, &headers, ch).await?;
            let body = json_body(body)?;
            required(&body, "title")?;
            required(&body, "imageUrl")?;
            required(&body, "timeSlot")?;
            let reach = reach_of(required(&body, "radius")?)
                .ok_or_else(|| invalid("radius must be 500m, 1km or 2km"))?;
            let row = record(&sb, ch, Kind::Post, &idempotency_key(&headers), &body).await?;
            Ok(Json(
                json!({"bookingId": row.id, "status": "BOOKED", "estimatedReach": reach,
                       "previewUrl": sb.post_url(ch, &row.id)}),
            )
            .into_response())
        }
        .await,
    )
}

async fn local_ad_stats(State(sb): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    either(
        async {
            let ch = Channel::Uridongnetv;
            admit(&sb, &headers, ch).await?;
            let s = stats::observe(ch, &find_post(&sb, ch, &id).await?);
            Ok(
                Json(json!({"bookingId": id, "views": s.views, "clicks": s.clicks}))
                    .into_response(),
            )
        }
        .await,
    )
}

async fn update_ringback(
    State(sb): St,
    headers: HeaderMap,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    either(
        async {
            let ch = Channel::Ringobiz;
            admit(&sb, &headers, ch).await?;
            let body = json_body(body)?;
            let phone = required(&body, "phoneNumber")?;
            if !(9..=11).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("phoneNumber must be 9 to 11 digits"));
            }
            let script = required(&body, "script")?;
            if script.chars().count() > 500 {
                return Err(invalid("script must be at most 500 characters"));
            }
            let row = record(&sb, ch, Kind::Post, &idempotency_key(&headers), &body).await?;
            Ok(Json(json!({"requestId": row.id, "status": "APPLIED",
                       "previewUrl": sb.post_url(ch, &row.id)}))
            .into_response())
        }
        .await,
    )
}

async fn ringback_stats(State(sb): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    either(
        async {
            let ch = Channel::Ringobiz;
            admit(&sb, &headers, ch).await?;
            let s = stats::observe(ch, &find_post(&sb, ch, &id).await?);
            Ok(Json(json!({"requestId": id, "plays": s.views, "calls": s.calls})).into_response())
        }
        .await,
    )
}

async fn register_tv_ad(
    State(sb): St,
    headers: HeaderMap,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    either(
        async {
            let ch = Channel::Ginitv;
            admit(&sb, &headers, ch).await?;
            let body = json_body(body)?;
            required(&body, "title")?;
            required(&body, "imageUrl")?;
            required(&body, "region")?;
            if !body["schedule"].is_object() {
                return Err(invalid("schedule {startDate, endDate} is required"));
            }
            let budget = body["budget"]
                .as_u64()
                .filter(|b| *b > 0)
                .ok_or_else(|| invalid("budget must be a positive number of won"))?;
            let row = record(&sb, ch, Kind::Post, &idempotency_key(&headers), &body).await?;
            // About 30 won per impression on local IPTV (the one table).
            let impressions = contracts::channels::expected_reach(ch, None, Some(budget));
            Ok(Json(
                json!({"adId": row.id, "status": "REGISTERED", "estimatedImpressions": impressions,
                       "previewUrl": sb.post_url(ch, &row.id)}),
            )
            .into_response())
        }
        .await,
    )
}

async fn tv_ad_stats(State(sb): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    either(
        async {
            let ch = Channel::Ginitv;
            admit(&sb, &headers, ch).await?;
            let s = stats::observe(ch, &find_post(&sb, ch, &id).await?);
            Ok(
                Json(json!({"adId": id, "impressions": s.views, "clicks": s.clicks}))
                    .into_response(),
            )
        }
        .await,
    )
}
