//! The product's face: the owner's mobile web app (`/`), the customers'
//! entry page (`/e/{eventId}`) and the winners' claim page (`/c/{code}`), in
//! Korean. Every asset is compiled into the binary, so `kem serve` needs no
//! front-end build step and no CDN.
//!
//! The owner app is an HTML shell plus small vanilla ES modules that call the
//! JSON API with the owner's bearer token; the entry page is rendered on the
//! server from the participation service's public `entry-info`.

mod assets;
mod claim;
mod entry;
mod html;
mod qr;

use std::{sync::Arc, time::Duration};

use axum::{routing::get, Router};
use platform::config::Settings;
use serde::{Deserialize, Serialize};

/// The `[web]` settings table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct WebSettings {
    /// Address customers reach this app at, used in entry links and QR codes
    /// (e.g. `https://event.example.com`). Empty: taken from the request's Host.
    pub public_base_url: String,
    /// How long the entry page waits for the public event data.
    pub entry_info_timeout_ms: u64,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            public_base_url: String::new(),
            entry_info_timeout_ms: 3000,
        }
    }
}

/// What the handlers share.
pub(crate) struct WebState {
    pub api_base: String,
    pub public_base_url: Option<String>,
    pub client: reqwest::Client,
    /// This process's token for calls on a customer's behalf (see
    /// `platform::ratelimit::ON_BEHALF_OF`).
    pub internal_token: String,
}

/// What the public API answered a page.
pub(crate) enum ApiAnswer {
    Found(serde_json::Value),
    NotFound,
    /// The client asked too often; the API's Korean message and `Retry-After`.
    Limited {
        message: String,
        retry_after: Option<axum::http::HeaderValue>,
    },
    Failed,
}

impl WebState {
    /// GETs a public API path for a page, on behalf of `client`: its address
    /// goes along with this process's internal token, so that the API's rate
    /// limits count the customer rather than this process.
    pub(crate) async fn public_json(&self, path: &str, client: std::net::IpAddr) -> ApiAnswer {
        let url = format!("{}{path}", self.api_base);
        let answer = match self
            .client
            .get(&url)
            .header(platform::ratelimit::ON_BEHALF_OF, client.to_string())
            .header(platform::ratelimit::INTERNAL_TOKEN, &self.internal_token)
            .send()
            .await
        {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "public API unreachable");
                return ApiAnswer::Failed;
            }
        };
        match answer.status() {
            axum::http::StatusCode::OK => match answer.json().await {
                Ok(body) => ApiAnswer::Found(body),
                Err(_) => ApiAnswer::Failed,
            },
            axum::http::StatusCode::NOT_FOUND => ApiAnswer::NotFound,
            axum::http::StatusCode::TOO_MANY_REQUESTS => {
                let retry_after = answer.headers().get("retry-after").cloned();
                let body: serde_json::Value = answer.json().await.unwrap_or_default();
                let message = body["message"]
                    .as_str()
                    .unwrap_or("요청이 너무 많습니다. 잠시 뒤에 다시 시도해 주세요")
                    .to_string();
                ApiAnswer::Limited {
                    message,
                    retry_after,
                }
            }
            other => {
                tracing::warn!(status = %other, "public API failed");
                ApiAnswer::Failed
            }
        }
    }
}

/// Routes of the web app; mounted after the API routes. `api_base` is where
/// this process answers `/api/*` (the entry page reads the public event data there).
pub fn router(settings: &Settings, api_base: &str, internal_token: &str) -> Router {
    let web: WebSettings = settings.section("web").unwrap_or_else(|e| {
        tracing::warn!(error = %e, "invalid [web] settings; using defaults");
        WebSettings::default()
    });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(web.entry_info_timeout_ms.max(100)))
        .build()
        .unwrap_or_default();
    let public = web.public_base_url.trim().trim_end_matches('/').to_string();
    let state = Arc::new(WebState {
        api_base: api_base.trim_end_matches('/').to_string(),
        public_base_url: (!public.is_empty()).then_some(public),
        client,
        internal_token: internal_token.to_string(),
    });
    Router::new()
        .route("/", get(assets::index))
        .route("/favicon.ico", get(assets::favicon))
        .route("/assets/{name}", get(assets::asset))
        .route("/e/{event_id}", get(entry::page))
        .route("/e/{event_id}/qr.svg", get(qr::svg))
        .route("/e/{event_id}/qr.png", get(qr::png))
        .route("/c/{code}", get(claim::page))
        .with_state(state)
}
