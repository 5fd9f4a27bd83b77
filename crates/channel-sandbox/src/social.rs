//! The three social channels' API shapes: Instagram Graph API (media
//! container, then media_publish), Naver blog write, Kakao channel posts.

// Helpers here return the channel's error answer itself as `Err`: it is built
// once per request and handed straight back, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::{
    extract::{
        rejection::{FormRejection, JsonRejection},
        Path, Query, State,
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use contracts::channels::Channel;
use serde_json::{json, Value};

use crate::{
    knobs::{authorized, channel_error, gate, header, AuthScheme},
    stats,
    store::{Kind, SandboxPost},
    Sandbox,
};

/// The Graph API version in Instagram paths.
pub const GRAPH_VERSION: &str = "v21.0";

type St = State<Arc<Sandbox>>;

pub fn router() -> Router<Arc<Sandbox>> {
    let ig = format!("/sandbox/instagram/{GRAPH_VERSION}");
    Router::new()
        .route(&format!("{ig}/{{id}}/media"), post(instagram_container))
        .route(
            &format!("{ig}/{{id}}/media_publish"),
            post(instagram_publish),
        )
        .route(&format!("{ig}/{{id}}"), get(instagram_media))
        .route(&format!("{ig}/{{id}}/insights"), get(instagram_insights))
        .route("/sandbox/naver/blog/writePost.json", post(naver_write))
        .route("/sandbox/naver/blog/postStats.json", get(naver_stats))
        .route("/sandbox/kakao/v1/channels/{id}/posts", post(kakao_post))
        .route(
            "/sandbox/kakao/v1/channels/{id}/posts/{post_id}/stats",
            get(kakao_stats),
        )
}

/// The body as a JSON object, or the channel's 400.
pub fn json_body(body: Result<Json<Value>, JsonRejection>) -> Result<Value, Response> {
    match body {
        Ok(Json(v @ Value::Object(_))) => Ok(v),
        _ => Err(channel_error(
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
            "body must be a JSON object",
        )),
    }
}

/// A required non-blank text field, or the channel's 400 naming it.
pub fn required<'a>(body: &'a Value, name: &str) -> Result<&'a str, Response> {
    body[name]
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            channel_error(
                StatusCode::BAD_REQUEST,
                "MISSING_PARAMETER",
                &format!("{name} is required"),
            )
        })
}

/// The caller's idempotency key; without one every call is a new post.
pub fn idempotency_key(headers: &HeaderMap) -> String {
    header(headers, "idempotency-key")
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_string)
        .unwrap_or_else(|| platform::ids::new_id("anon"))
}

/// Records a post (or container), answering the stored row.
pub async fn record(
    sb: &Sandbox,
    channel: Channel,
    kind: Kind,
    key: &str,
    body: &Value,
) -> Result<SandboxPost, Response> {
    match sb.store.record(channel.code(), kind, key, body).await {
        Ok((row, fresh)) => {
            tracing::info!(channel = channel.code(), id = %row.id, fresh, "sandbox recorded");
            Ok(row)
        }
        Err(e) => {
            tracing::error!(error = %e, "sandbox store failed");
            Err(channel_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            ))
        }
    }
}

/// The recorded post `id`, or the channel's 404.
pub async fn find_post(sb: &Sandbox, channel: Channel, id: &str) -> Result<SandboxPost, Response> {
    match sb.store.find(channel.code(), Kind::Post, id).await {
        Ok(Some(row)) => Ok(row),
        Ok(None) => Err(channel_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such post",
        )),
        Err(e) => {
            tracing::error!(error = %e, "sandbox store failed");
            Err(channel_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            ))
        }
    }
}

fn bearer_ok(sb: &Sandbox, headers: &HeaderMap, channel: Channel) -> bool {
    authorized(
        headers,
        AuthScheme::Bearer,
        sb.credentials.of(channel).expose(),
    )
}

fn either(result: Result<Response, Response>) -> Response {
    result.unwrap_or_else(|e| e)
}

async fn instagram_container(
    State(sb): St,
    headers: HeaderMap,
    Path(ig_user): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    either(
        async {
            let ch = Channel::Instagram;
            gate(&sb.knobs, ch, bearer_ok(&sb, &headers, ch), false).await?;
            let mut body = json_body(body)?;
            required(&body, "image_url")?;
            body["ig_user_id"] = json!(ig_user);
            let row = record(&sb, ch, Kind::Container, &idempotency_key(&headers), &body).await?;
            Ok(Json(json!({"id": row.id})).into_response())
        }
        .await,
    )
}

async fn instagram_publish(
    State(sb): St,
    headers: HeaderMap,
    Path(ig_user): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    either(
        async {
            let ch = Channel::Instagram;
            gate(&sb.knobs, ch, bearer_ok(&sb, &headers, ch), true).await?;
            let body = json_body(body)?;
            let creation_id = required(&body, "creation_id")?;
            let container = match sb.store.find(ch.code(), Kind::Container, creation_id).await {
                Ok(Some(c)) => c,
                _ => {
                    return Err(channel_error(
                        StatusCode::BAD_REQUEST,
                        "INVALID_CREATION_ID",
                        "unknown media container",
                    ))
                }
            };
            let mut post: Value = serde_json::from_str(&container.body).unwrap_or_default();
            post["creation_id"] = json!(creation_id);
            post["ig_user_id"] = json!(ig_user);
            // A container is published at most once: the container id is the key.
            let row = record(&sb, ch, Kind::Post, creation_id, &post).await?;
            Ok(Json(json!({"id": row.id})).into_response())
        }
        .await,
    )
}

async fn instagram_media(State(sb): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    either(
        async {
            let ch = Channel::Instagram;
            gate(&sb.knobs, ch, bearer_ok(&sb, &headers, ch), false).await?;
            let row = find_post(&sb, ch, &id).await?;
            Ok(Json(json!({"id": row.id, "permalink": sb.post_url(ch, &row.id)})).into_response())
        }
        .await,
    )
}

async fn instagram_insights(State(sb): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    either(async {
        let ch = Channel::Instagram;
        gate(&sb.knobs, ch, bearer_ok(&sb, &headers, ch), true).await?;
        let row = find_post(&sb, ch, &id).await?;
        let s = stats::observe(ch, &row);
        let metric = |name: &str, value: u64| json!({"name": name, "period": "lifetime", "values": [{"value": value}]});
        Ok(Json(json!({"data": [
            metric("impressions", s.views),
            metric("reach", s.views * 4 / 5),
            metric("website_clicks", s.clicks),
        ]}))
        .into_response())
    }
    .await)
}

async fn naver_write(
    State(sb): St,
    headers: HeaderMap,
    form: Result<Form<std::collections::BTreeMap<String, String>>, FormRejection>,
) -> Response {
    either(
        async {
            let ch = Channel::Naver;
            gate(&sb.knobs, ch, bearer_ok(&sb, &headers, ch), true).await?;
            let Ok(Form(fields)) = form else {
                return Err(channel_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_BODY",
                    "form body expected",
                ));
            };
            let body = serde_json::to_value(&fields).unwrap_or_default();
            required(&body, "title")?;
            required(&body, "contents")?;
            let row = record(&sb, ch, Kind::Post, &idempotency_key(&headers), &body).await?;
            Ok(Json(json!({"message": {
                "@type": "response", "@service": "naverservice.blog.post", "@version": "1.0.0",
                "result": {"postId": row.id, "blogId": "sandbox", "url": sb.post_url(ch, &row.id)}
            }}))
            .into_response())
        }
        .await,
    )
}

#[derive(serde::Deserialize)]
struct PostIdQuery {
    #[serde(rename = "postId")]
    post_id: String,
}

async fn naver_stats(
    State(sb): St,
    headers: HeaderMap,
    query: Result<Query<PostIdQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    either(async {
        let ch = Channel::Naver;
        gate(&sb.knobs, ch, bearer_ok(&sb, &headers, ch), true).await?;
        let Ok(Query(q)) = query else {
            return Err(channel_error(
                StatusCode::BAD_REQUEST,
                "MISSING_PARAMETER",
                "postId is required",
            ));
        };
        let row = find_post(&sb, ch, &q.post_id).await?;
        let s = stats::observe(ch, &row);
        Ok(Json(json!({"postId": row.id, "views": s.views, "clicks": s.clicks, "comments": s.clicks / 10}))
            .into_response())
    }
    .await)
}

async fn kakao_post(
    State(sb): St,
    headers: HeaderMap,
    Path(channel_id): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    either(
        async {
            let ch = Channel::Kakao;
            let ok = authorized(
                &headers,
                AuthScheme::KakaoAk,
                sb.credentials.of(ch).expose(),
            );
            gate(&sb.knobs, ch, ok, true).await?;
            let mut body = json_body(body)?;
            required(&body, "title")?;
            required(&body, "image_url")?;
            body["channel_id"] = json!(channel_id);
            let row = record(&sb, ch, Kind::Post, &idempotency_key(&headers), &body).await?;
            Ok(
                Json(json!({"id": row.id, "status": "PUBLISHED", "url": sb.post_url(ch, &row.id)}))
                    .into_response(),
            )
        }
        .await,
    )
}

async fn kakao_stats(
    State(sb): St,
    headers: HeaderMap,
    Path((_channel_id, post_id)): Path<(String, String)>,
) -> Response {
    either(
        async {
            let ch = Channel::Kakao;
            let ok = authorized(
                &headers,
                AuthScheme::KakaoAk,
                sb.credentials.of(ch).expose(),
            );
            gate(&sb.knobs, ch, ok, true).await?;
            let row = find_post(&sb, ch, &post_id).await?;
            let s = stats::observe(ch, &row);
            Ok(Json(json!({"id": row.id, "views": s.views, "clicks": s.clicks})).into_response())
        }
        .await,
    )
}
