//! AI service: trend analysis and three event recommendations per request
//! (built-in engine or an OpenAI-compatible LLM), reached only over the bus:
//! `AiJobRequested` on `ai-job-topic` in, `AiJobStarted` then
//! `AiJobCompleted` or `AiJobFailed` on `ai-result-topic` out.
//!
//! Face: `NAME`, `migrations()`, `module()`, `AiConfig`, `provider_from`, and
//! `domain`, `engine`, `llm`, `provider`, `service`, `store`, `worker` for the
//! crate's tests and bench and `kem`'s API tests; the rest is `pub(crate)`.

mod config;
pub mod domain;
pub mod engine;
pub mod llm;
pub(crate) mod prompt;
pub mod provider;
pub mod service;
pub mod store;
pub mod worker;

use std::time::Duration;

use platform::{
    config::ConfigError,
    db::{Migrations, PlatformTable},
    outbox::Outbox,
    Deps, Module,
};
use utoipa_axum::router::OpenApiRouter;

pub use config::{provider_from, AiConfig};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "ai";

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

/// Builds the service: no routes (the event service owns the API), the job
/// consumer, the outbox relay and the resumption of interrupted jobs. An
/// invalid `[ai]` setting (an unknown provider included) is an error naming it.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: AiConfig = deps.settings.section_strict(NAME, &[])?;
    config.validate()?;
    let provider = provider_from(&config, &deps.cache).map_err(|reason| ConfigError::Invalid {
        name: "ai.provider".into(),
        reason,
    })?;
    let (outbox, mut tasks) = Outbox::start(
        NAME,
        deps.db.clone(),
        deps.bus.clone(),
        Duration::from_millis(deps.settings.outbox_relay_interval_ms.max(10)),
        deps.shutdown.clone(),
    );
    let service = service::AiService::new(
        store::AiStore::new(deps.db.clone()),
        deps.cache.clone(),
        outbox,
        provider,
        config,
        deps.shutdown.clone(),
    );
    let resumer = service.clone();
    tasks.push(tokio::spawn(async move {
        match resumer.resume_open_jobs().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "resumed interrupted ai jobs"),
            Err(e) => tracing::warn!(error = %e, "could not look for interrupted ai jobs"),
        }
    }));
    match worker::start(service, &deps.bus, deps.shutdown.clone()) {
        Ok(consumer) => tasks.push(consumer),
        // Without its consumer the service does nothing; say so loudly.
        Err(e) => tracing::error!(error = %e, "ai job consumer could not start"),
    }
    Ok(Module {
        name: NAME,
        router: OpenApiRouter::new(),
        tasks,
    })
}
