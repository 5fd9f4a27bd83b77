//! Participation service: customers' entries (UFR-PART-010), the owner's
//! participant list (UFR-PART-020) and the auditable winner draw (UFR-PART-030).

pub mod domain;
pub mod draw;
pub mod http;
pub mod intake;
pub mod service;
pub mod store;
pub mod views;
pub mod worker;

use std::{sync::Arc, time::Duration};

use platform::{
    config::{Checks, ConfigError},
    db::Migrations,
    outbox::Outbox,
    Deps, Module,
};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "participation";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
    }
}

/// The `[participation]` settings table.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ParticipationConfig {
    /// Largest `size` of one participant-list page.
    pub max_page_size: i64,
    /// Entry writers (see [`intake`]): events written in parallel.
    pub entry_writers: usize,
    /// Most entries stored in one transaction (at most [`intake::MAX_BATCH`]).
    pub max_entry_batch: usize,
}

impl Default for ParticipationConfig {
    fn default() -> Self {
        ParticipationConfig {
            max_page_size: 100,
            entry_writers: 4,
            max_entry_batch: 256,
        }
    }
}

impl ParticipationConfig {
    /// Every field in its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.range("max_page_size", self.max_page_size, 1, 1_000)?;
        c.range("entry_writers", self.entry_writers, 1, 256)?;
        c.range(
            "max_entry_batch",
            self.max_entry_batch,
            1,
            intake::MAX_BATCH,
        )
    }
}

/// Builds the service: routes, its outbox relay and its `event-topic` consumer.
/// An invalid `[participation]` setting is an error naming it.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: ParticipationConfig = deps.settings.section_strict(NAME, &[])?;
    config.validate()?;
    let (outbox, mut tasks) = Outbox::start(
        NAME,
        deps.db.clone(),
        deps.bus.clone(),
        Duration::from_millis(deps.settings.outbox_relay_interval_ms.max(10)),
        deps.shutdown.clone(),
    );
    let store = store::ParticipationStore::new(deps.db.clone());
    let (intake, writers) = intake::Intake::start(
        store.clone(),
        outbox,
        service::message,
        intake::IntakeOptions {
            writers: config.entry_writers,
            max_batch: config.max_entry_batch,
        },
        deps.shutdown.clone(),
    );
    tasks.extend(writers);
    tasks.push(platform::dedup::spawn_pruner(
        deps.db.clone(),
        platform::dedup::retention(&deps.settings),
        deps.shutdown.clone(),
    ));
    let service = Arc::new(service::ParticipationService::new(store, intake));
    match worker::start(service.clone(), &deps.bus, deps.shutdown.clone()) {
        Ok(consumer) => tasks.push(consumer),
        // Without its consumer the service never learns of an event; say so loudly.
        Err(e) => tracing::error!(error = %e, "participation event consumer could not start"),
    }
    Ok(Module {
        name: NAME,
        router: http::router(Arc::new(http::Shared { service, config })),
        tasks,
    })
}
