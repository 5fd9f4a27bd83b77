//! `/healthz`, `/readyz` and `/openapi.json` (`/metrics` is mounted beside
//! them from `platform::metrics`).

use std::sync::Arc;

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Extension, Json, Router,
};
use platform::{
    bus::{Bus, ConsumerState, Consumers},
    cache::Cache,
    db::Db,
    http::ApiError,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// What `/readyz` checks.
#[derive(Clone)]
pub struct Readiness {
    pub dbs: Vec<(&'static str, Db)>,
    pub cache: Cache,
    pub bus: Arc<dyn Bus>,
    /// Every bus consumer of the app, by `{group}:{topic}`.
    pub consumers: Consumers,
}

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

pub fn openapi_route(doc: utoipa::openapi::OpenApi) -> Router {
    let doc = Arc::new(doc);
    Router::new().route(
        "/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { Json((*doc).clone()) }
        }),
    )
}

#[derive(Serialize, ToSchema)]
struct Health {
    status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "UP" })
}

#[derive(Serialize, ToSchema)]
struct Check {
    status: &'static str,
    backend: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct Ready {
    status: &'static str,
    /// `database.<service>`, `cache`, `bus`, `consumer.<group>:<topic>`.
    checks: std::collections::BTreeMap<String, Check>,
}

fn check<E: std::fmt::Display>(backend: &'static str, result: Result<(), E>) -> Check {
    match result {
        Ok(()) => Check {
            status: "UP",
            backend,
            error: None,
        },
        Err(e) => Check {
            status: "DOWN",
            backend,
            error: Some(e.to_string()),
        },
    }
}

/// Database (per service), cache and bus reachable and every bus consumer
/// running; 503 naming the ones that are not.
#[utoipa::path(get, path = "/readyz", tag = "ops",
    responses((status = 200, body = Ready), (status = 503, body = Ready)))]
async fn readyz(Extension(r): Extension<Readiness>) -> (StatusCode, Json<Ready>) {
    let mut checks = std::collections::BTreeMap::new();
    for (name, db) in &r.dbs {
        checks.insert(
            format!("database.{name}"),
            check(db.backend(), db.ping().await),
        );
    }
    checks.insert(
        "cache".into(),
        check(r.cache.backend_name(), r.cache.ping().await),
    );
    checks.insert("bus".into(), check(r.bus.name(), r.bus.ping().await));
    for (name, state) in r.consumers.snapshot() {
        let result = match state {
            ConsumerState::Up => Ok(()),
            ConsumerState::Down(why) => Err(why),
        };
        checks.insert(format!("consumer.{name}"), check(r.bus.name(), result));
    }
    let up = checks.values().all(|c| c.status == "UP");
    let status = if up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Ready {
            status: if up { "UP" } else { "DOWN" },
            checks,
        }),
    )
}

/// A panic in a handler becomes a plain 500 in the error shape.
pub fn panic_answer(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("handler panicked").into_response()
}
