//! Event service: drafts and events, the creation flow (UFR-EVENT-020 and
//! on), publish orchestration.
//!
//! Face: `NAME`, `migrations()`, `module()`, `EventConfig`, `domain` / `store`
//! for the crate's store tests and `bench` (feature `bench`) for `kem-bench`; the
//! rest is `pub(crate)`.

#[cfg(feature = "bench")]
pub mod bench;
pub(crate) mod channels;
mod config;
pub(crate) mod cost;
pub(crate) mod creation;
pub(crate) mod creation_http;
pub(crate) mod distribution_client;
pub mod domain;
pub(crate) mod http;
pub(crate) mod jobs_store;
pub(crate) mod owner_http;
pub(crate) mod photos;
pub(crate) mod plan;
pub(crate) mod public_id;
pub(crate) mod publish;
pub(crate) mod publish_store;
pub(crate) mod readiness;
pub(crate) mod schedule;
mod schedule_store;
pub(crate) mod service;
pub mod store;
pub(crate) mod worker;

use std::{sync::Arc, time::Duration};

pub use config::EventConfig;
use platform::{
    config::ConfigError,
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
