//! The sandbox's own routes: what it received, and its knobs.

use std::sync::Arc;

use axum::{
    extract::{rejection::JsonRejection, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use chrono::Utc;
use serde_json::{json, Value};

use super::{knobs::Knobs, store::Received, Sandbox, LIST_LIMIT};

pub fn router() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/sandbox/messages", get(list))
        .route("/sandbox/messages/knobs", get(get_knobs).put(set_knobs))
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

/// One received message, with the provider id the adapters hand out.
fn view(m: &Received) -> Value {
    let prefix = match m.kind.as_str() {
        "ALIMTALK" => "AT",
        other => other,
    };
    let params: Value = serde_json::from_str(&m.template_params).unwrap_or(Value::Null);
    json!({
        "kind": m.kind,
        "recipient": m.recipient,
        "title": m.title,
        "text": m.text,
        "templateCode": m.template_code,
        "templateParameters": params,
        "groupingKey": m.grouping_key(),
        "providerId": crate::nhn::provider_id(prefix, &m.request_id, m.recipient_seq),
        "requestId": m.request_id,
        "recipientSeq": m.recipient_seq,
        "status": m.status(Utc::now()).code(),
        "receivedAt": m.received_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "repeats": m.repeats,
    })
}

async fn list(State(sb): State<Arc<Sandbox>>) -> Response {
    match sb.store.all(LIST_LIMIT).await {
        Ok(rows) => {
            let messages: Vec<Value> = rows.iter().map(view).collect();
            Json(json!({"count": messages.len(), "messages": messages})).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "messaging sandbox store failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            )
        }
    }
}

async fn get_knobs(State(sb): State<Arc<Sandbox>>) -> Json<Knobs> {
    Json(sb.knobs.get())
}

async fn set_knobs(
    State(sb): State<Arc<Sandbox>>,
    body: Result<Json<Knobs>, JsonRejection>,
) -> Response {
    let Ok(Json(knobs)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
            "expected {latencyMs, failureRate, outage, failRecipients, deliveryDelayMs}",
        );
    };
    match knobs.checked() {
        Ok(knobs) => {
            tracing::info!(
                latency_ms = knobs.latency_ms,
                failure_rate = knobs.failure_rate,
                outage = knobs.outage,
                fail_recipients = knobs.fail_recipients.len(),
                "messaging sandbox knobs set"
            );
            sb.knobs.set(knobs.clone());
            Json(knobs).into_response()
        }
        Err(message) => error(StatusCode::BAD_REQUEST, "INVALID_KNOBS", &message),
    }
}
