//! The sandbox's own routes, per channel: read and set the knobs, list what
//! the channel received, show one post (the URL handed out as `postUrl`).

use std::sync::Arc;

use axum::{
    extract::{rejection::JsonRejection, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use contracts::channels::Channel;
use serde_json::{json, Value};

use crate::{knobs::channel_error, knobs::Knobs, slug, store::SandboxPost, Sandbox};

/// Most posts `GET /sandbox/{channel}/posts` lists.
const LIST_LIMIT: i64 = 1_000;

pub fn router() -> Router<Arc<Sandbox>> {
    let mut router = Router::new();
    // One literal route per channel (no `{channel}` parameter) so these never
    // overlap the channels' own API paths.
    for channel in Channel::ALL {
        let base = format!("/sandbox/{}", slug(channel));
        router =
            router
                .route(
                    &format!("{base}/knobs"),
                    get(move |State(sb): State<Arc<Sandbox>>| async move {
                        Json(sb.knobs.get(channel))
                    })
                    .put(
                        move |State(sb): State<Arc<Sandbox>>,
                              body: Result<Json<Knobs>, JsonRejection>| async move {
                            set_knobs(&sb, channel, body)
                        },
                    ),
                )
                .route(
                    &format!("{base}/posts"),
                    get(move |State(sb): State<Arc<Sandbox>>| async move {
                        list_posts(&sb, channel).await
                    }),
                )
                .route(
                    &format!("{base}/posts/{{id}}"),
                    get(
                        move |State(sb): State<Arc<Sandbox>>, Path(id): Path<String>| async move {
                            show_post(&sb, channel, &id).await
                        },
                    ),
                );
    }
    router
}

fn set_knobs(sb: &Sandbox, channel: Channel, body: Result<Json<Knobs>, JsonRejection>) -> Response {
    let Ok(Json(knobs)) = body else {
        return channel_error(
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
            "expected {latencyMs, failureRate, outage}",
        );
    };
    match knobs.checked() {
        Ok(knobs) => {
            sb.knobs.set(channel, knobs);
            tracing::info!(channel = channel.code(), ?knobs, "sandbox knobs set");
            Json(knobs).into_response()
        }
        Err(message) => channel_error(StatusCode::BAD_REQUEST, "INVALID_KNOBS", &message),
    }
}

fn view(p: &SandboxPost) -> Value {
    json!({
        "id": p.id,
        "channel": p.channel,
        "idempotencyKey": p.idempotency_key,
        "body": serde_json::from_str::<Value>(&p.body).unwrap_or(Value::Null),
        "createdAt": contracts::messages::rfc3339(p.created_at),
    })
}

async fn list_posts(sb: &Sandbox, channel: Channel) -> Response {
    match sb.store.posts(channel.code(), LIST_LIMIT).await {
        Ok(posts) => {
            let items: Vec<Value> = posts.iter().map(view).collect();
            Json(json!({"channel": channel.code(), "count": items.len(), "posts": items}))
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "sandbox store failed");
            channel_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            )
        }
    }
}

async fn show_post(sb: &Sandbox, channel: Channel, id: &str) -> Response {
    match crate::social::find_post(sb, channel, id).await {
        Ok(post) => Json(view(&post)).into_response(),
        Err(answer) => answer,
    }
}
