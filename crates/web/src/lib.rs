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
}

/// Routes of the web app; mounted after the API routes. `api_base` is where
/// this process answers `/api/*` (the entry page reads the public event data there).
pub fn router(settings: &Settings, api_base: &str) -> Router {
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
