//! Event service: drafts and events, the creation flow (UFR-EVENT-020 and
//! on), publish orchestration.

#[cfg(feature = "bench")]
pub mod bench;
pub mod channels;
pub mod cost;
pub mod creation;
pub mod creation_http;
pub mod distribution_client;
pub mod domain;
pub mod http;
pub mod jobs_store;
pub mod owner_http;
pub mod photos;
pub mod plan;
pub mod public_id;
pub mod publish;
pub mod publish_store;
pub mod readiness;
pub mod schedule;
mod schedule_store;
pub mod service;
pub mod store;
pub mod worker;

use std::{sync::Arc, time::Duration};

use platform::{
    config::{Checks, ConfigError},
    db::{Migrations, PlatformTable},
    outbox::Outbox,
    Deps, Module,
};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "event";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
        platform: &[PlatformTable::Outbox],
    }
}

/// The `[event]` settings table.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct EventConfig {
    /// An AI job without a result after this long is reported FAILED (docs/design.md: 5 min).
    pub ai_job_timeout_secs: u64,
    /// An image job without a result after this long is reported FAILED.
    pub image_job_timeout_secs: u64,
    /// Origin of the distribution service; empty: this process.
    pub distribution_url: String,
    /// Seed 2: the synchronous distribution call's timeout (70 s).
    pub distribution_timeout_secs: u64,
    /// Consecutive failed distributions that open the circuit breaker.
    pub distribution_breaker_failures: u32,
    /// How long the open breaker fails publishes fast before trying again.
    pub distribution_breaker_open_secs: u64,
    /// Origin of the public entry pages put in posts; empty: this process.
    pub public_url: String,
    /// Origin of the participation service, told at once when an owner
    /// ends an event; empty: this process.
    pub participation_url: String,
    /// How often the automatic end looks for events whose end date has passed.
    pub end_sweep_interval_ms: u64,
    /// Origin of the content service, which stores the owner's photos;
    /// empty: this process.
    pub content_url: String,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            ai_job_timeout_secs: 300,
            image_job_timeout_secs: 120,
            distribution_url: String::new(),
            distribution_timeout_secs: 70,
            distribution_breaker_failures: 5,
            distribution_breaker_open_secs: 30,
            public_url: String::new(),
            participation_url: String::new(),
            end_sweep_interval_ms: 30_000,
            content_url: String::new(),
        }
    }
}

impl EventConfig {
    /// Every field in its allowed range, the URLs http(s) or empty.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.range("ai_job_timeout_secs", self.ai_job_timeout_secs, 1, 86_400)?;
        c.range(
            "image_job_timeout_secs",
            self.image_job_timeout_secs,
            1,
            86_400,
        )?;
        c.http_url("distribution_url", &self.distribution_url, true)?;
        c.range(
            "distribution_timeout_secs",
            self.distribution_timeout_secs,
            1,
            3_600,
        )?;
        c.range(
            "distribution_breaker_failures",
            self.distribution_breaker_failures,
            1,
            1_000,
        )?;
        c.range(
            "distribution_breaker_open_secs",
            self.distribution_breaker_open_secs,
            1,
            86_400,
        )?;
        c.http_url("public_url", &self.public_url, true)?;
        c.http_url("participation_url", &self.participation_url, true)?;
        c.http_url("content_url", &self.content_url, true)?;
        c.range(
            "end_sweep_interval_ms",
            self.end_sweep_interval_ms,
            10,
            3_600_000,
        )
    }
}

/// Builds the service: routes plus its outbox relay. An invalid `[event]`
/// setting is an error naming it.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: EventConfig = deps.settings.section_strict(NAME, &[])?;
    config.validate()?;
    let (outbox, tasks) = Outbox::start(
        NAME,
        deps.db.clone(),
        deps.bus.clone(),
        Duration::from_millis(deps.settings.outbox_relay_interval_ms.max(10)),
        deps.shutdown.clone(),
    );
    let service = Arc::new(service::EventService::new(
        store::EventStore::new(deps.db.clone()),
        deps.cache.clone(),
        outbox,
        config.clone(),
        &deps.base_url,
        deps.clock.clone(),
    ));
    let mut tasks = tasks;
    tasks.push(schedule::spawn_end_sweeper(
        service.clone(),
        Duration::from_millis(config.end_sweep_interval_ms.max(10)),
        deps.shutdown.clone(),
    ));
    match worker::start(service.clone(), &deps.bus, deps.shutdown.clone()) {
        Ok(consumers) => tasks.extend(consumers),
        // Without its consumers the service cannot finish a job; say so loudly.
        Err(e) => tracing::error!(error = %e, "event result consumers could not start"),
    }
    Ok(Module {
        name: NAME,
        router: http::router(service),
        tasks,
    })
}
