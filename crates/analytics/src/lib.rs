//! Analytics service: live per-event counters fed only by the bus, the
//! owner's dashboards and the ROI estimate (UFR-ANAL-010).
//!
//! Face: `NAME`, `migrations()`, `module()`, `AnalyticsConfig`, and `domain` /
//! `store` for the store tests and `kem`'s cost test; the rest is `pub(crate)`.

mod config;
pub(crate) mod dashboard;
pub mod domain;
pub(crate) mod http;
pub(crate) mod overview;
pub(crate) mod service;
pub mod store;
mod store_sql;
pub(crate) mod worker;

use std::sync::Arc;

pub use config::AnalyticsConfig;
use platform::{
    config::ConfigError,
    db::{Migrations, PlatformTable},
    Deps, Module,
};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "analytics";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
        platform: &[PlatformTable::Inbox],
    }
}

/// Builds the service: routes plus its bus consumers. An invalid
/// `[analytics]` setting is an error naming it.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: AnalyticsConfig = deps.settings.section_strict(NAME, &[])?;
    config.validate()?;
    let service = Arc::new(service::AnalyticsService::new(
        store::AnalyticsStore::new(deps.db.clone()),
        deps.cache.clone(),
        config,
    ));
    let mut tasks = match worker::start(service.clone(), &deps.bus, deps.shutdown.clone()) {
        Ok(consumers) => consumers,
        // Without its consumers the dashboards never move; say so loudly.
        Err(e) => {
            tracing::error!(error = %e, "analytics consumers could not start");
            Vec::new()
        }
    };
    tasks.push(platform::inbox::spawn_pruner(
        deps.db.clone(),
        platform::inbox::retention(&deps.settings),
        deps.shutdown.clone(),
    ));
    Ok(Module {
        name: NAME,
        router: http::router(service),
        tasks,
    })
}
