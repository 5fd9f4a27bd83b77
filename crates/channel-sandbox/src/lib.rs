//! Local stand-ins for the six channel APIs, with latency, failure and
//! outage knobs. Mounted in-process under `/sandbox/{channel}/...` (the
//! default target of the distribution adapters) or alone with `kem sandbox`.
//!
//! Each channel checks its configured credential, honours the
//! `Idempotency-Key` header (same key → same post, no second record),
//! records what it received, and serves stats that grow with time. The
//! routes are not part of the public OpenAPI document.
//!
//! Face: `NAME`, `migrations()`, `module()`, `SandboxConfig`, `Sandbox`,
//! `slug`, and `store` for the crate's store tests; the rest is `pub(crate)`.

pub(crate) mod admin;
mod config;
pub(crate) mod knobs;
pub(crate) mod partners;
pub(crate) mod social;
pub(crate) mod stats;
pub mod store;

use std::sync::Arc;

use contracts::channels::Channel;
use platform::{
    config::{Checks, ConfigError},
    db::Migrations,
    Deps, Module,
};
use utoipa_axum::router::OpenApiRouter;

use crate::{
    knobs::{KnobBoard, Knobs},
    store::SandboxStore,
};

pub use config::{SandboxConfig, SandboxCredentials};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "sandbox";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
        platform: &[],
    }
}

/// The sandbox's shared state.
pub struct Sandbox {
    pub store: SandboxStore,
    pub knobs: KnobBoard,
    pub credentials: SandboxCredentials,
    /// `http://host:port` of this process, for the post URLs it hands out.
    pub base_url: String,
}

impl Sandbox {
    /// The public URL of a recorded post.
    pub fn post_url(&self, channel: Channel, id: &str) -> String {
        format!("{}/sandbox/{}/posts/{id}", self.base_url, slug(channel))
    }
}

/// The path segment of a channel: its code in lower case (`instagram`).
pub fn slug(channel: Channel) -> String {
    channel.code().to_ascii_lowercase()
}

/// Builds the service: the six channel APIs and the knob/record routes. An
/// invalid `[sandbox]` setting is an error naming it.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: SandboxConfig = deps.settings.section_strict(NAME, &[])?;
    let c = Checks::new(NAME);
    c.range("failure_rate", config.failure_rate, 0.0, 1.0)?;
    c.range("latency_ms", config.latency_ms, 0, 600_000)?;
    let knobs = Knobs {
        latency_ms: config.latency_ms,
        failure_rate: config.failure_rate,
        outage: config.outage,
    };
    let sandbox = Arc::new(Sandbox {
        store: SandboxStore::new(deps.db.clone()),
        knobs: KnobBoard::new(knobs),
        credentials: config.credentials,
        base_url: deps.base_url.clone(),
    });
    // Plain routes (no `routes!`): the sandbox stays out of the public API document.
    let router = axum::Router::new()
        .merge(social::router())
        .merge(partners::router())
        .merge(admin::router())
        .with_state(sandbox);
    Ok(Module {
        name: NAME,
        router: OpenApiRouter::new().merge(OpenApiRouter::from(router)),
        tasks: Vec::new(),
    })
}
