//! Local stand-ins for the six channel APIs, with latency, failure and
//! outage knobs. Mounted in-process under `/sandbox/{channel}/...` (the
//! default target of the distribution adapters) or alone with `kem sandbox`.
//!
//! Each channel checks its configured credential, honours the
//! `Idempotency-Key` header (same key → same post, no second record),
//! records what it received, and serves stats that grow with time. The
//! routes are not part of the public OpenAPI document.

pub mod admin;
pub mod knobs;
pub mod partners;
pub mod social;
pub mod stats;
pub mod store;

use std::sync::Arc;

use contracts::channels::Channel;
use platform::{
    config::{Checks, ConfigError, Secret},
    db::Migrations,
    Deps, Module,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;

use crate::{
    knobs::{KnobBoard, Knobs},
    store::SandboxStore,
};

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

/// The credential each channel accepts.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct SandboxCredentials {
    pub instagram: Secret,
    pub naver: Secret,
    pub kakao: Secret,
    pub uridongnetv: Secret,
    pub ringobiz: Secret,
    pub ginitv: Secret,
}

impl Default for SandboxCredentials {
    /// The development credentials; `[distribution]`'s defaults send the same.
    fn default() -> Self {
        let dev = |c: Channel| Secret::new(format!("sandbox-{}-key", slug(c)));
        SandboxCredentials {
            instagram: dev(Channel::Instagram),
            naver: dev(Channel::Naver),
            kakao: dev(Channel::Kakao),
            uridongnetv: dev(Channel::Uridongnetv),
            ringobiz: dev(Channel::Ringobiz),
            ginitv: dev(Channel::Ginitv),
        }
    }
}

impl SandboxCredentials {
    pub fn of(&self, channel: Channel) -> &Secret {
        match channel {
            Channel::Instagram => &self.instagram,
            Channel::Naver => &self.naver,
            Channel::Kakao => &self.kakao,
            Channel::Uridongnetv => &self.uridongnetv,
            Channel::Ringobiz => &self.ringobiz,
            Channel::Ginitv => &self.ginitv,
        }
    }
}

/// The `[sandbox]` settings table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SandboxConfig {
    /// What each channel accepts.
    pub credentials: SandboxCredentials,
    /// Every channel's latency at start, in ms (change a channel's knobs at
    /// runtime with `PUT /sandbox/{channel}/knobs`).
    pub latency_ms: u64,
    /// Every channel's failure rate (0–1) at start.
    pub failure_rate: f64,
    /// Every channel down at start.
    pub outage: bool,
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
