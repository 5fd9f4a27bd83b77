//! Analytics service: live per-event counters fed only by the bus, the
//! owner's dashboards and the ROI estimate (UFR-ANAL-010).

pub mod dashboard;
pub mod domain;
pub mod http;
pub mod overview;
pub mod service;
pub mod store;
mod store_sql;
pub mod worker;

use std::sync::Arc;

use platform::{
    config::{Checks, ConfigError},
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

/// The `[analytics]` settings table.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AnalyticsConfig {
    /// How long a dashboard stays in the cache (`analytics:dashboard:{eventId}`, 1 h).
    pub dashboard_cache_ttl_secs: u64,
    /// The owner-wide dashboard covers at most this many of the newest events.
    pub max_owner_events: i64,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            dashboard_cache_ttl_secs: 3600,
            max_owner_events: 200,
        }
    }
}

impl AnalyticsConfig {
    /// Every field in its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.range(
            "dashboard_cache_ttl_secs",
            self.dashboard_cache_ttl_secs,
            1,
            86_400,
        )?;
        c.range("max_owner_events", self.max_owner_events, 1, 10_000)
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
