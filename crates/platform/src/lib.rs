//! Shared plumbing for every service, free of business rules.
//!
//! Backends are picked by URL scheme at start (`sqlite://` / `postgres://`,
//! `memory://` / `redis://`, `memory://` / `kafka://`); services only see the
//! [`db::Db`], [`cache::Cache`] and [`bus::Bus`] abstractions.
//!
//! What only tests use (scratch databases, moving the clock, reading the
//! memory bus's log) is behind the `test-support` feature, which crates
//! enable in their `[dev-dependencies]`; production builds leave it out.

pub mod auth;
pub mod blocking;
pub mod bus;
pub mod cache;
pub mod clock;
pub mod config;
pub mod db;
pub mod http;
pub mod ids;
pub mod inbox;
pub mod metrics;
pub mod outbox;
pub mod periodic;
pub mod ratelimit;
pub mod resilience;
pub mod security_headers;
pub mod telemetry;

/// What a service module needs from the composition root.
#[derive(Clone)]
pub struct Deps {
    pub settings: std::sync::Arc<config::Settings>,
    pub db: db::Db,
    pub cache: cache::Cache,
    pub bus: std::sync::Arc<dyn bus::Bus>,
    pub tokens: std::sync::Arc<auth::Tokens>,
    pub shutdown: tokio_util::sync::CancellationToken,
    /// The clock every time-dependent rule reads.
    pub clock: clock::Clock,
    /// Request limits per client address (and per event), shared by replicas on Redis.
    pub limits: ratelimit::RateLimits,
    /// `http://host:port` of this process's own server: the default target of
    /// in-process HTTP neighbours (distribution, the channel sandbox) and the
    /// origin of relative URLs handed to outside parties.
    pub base_url: String,
}

/// What a service contributes to the process: its routes (with their
/// OpenAPI description) and the background tasks it started.
pub struct Module {
    pub name: &'static str,
    pub router: utoipa_axum::router::OpenApiRouter,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}
