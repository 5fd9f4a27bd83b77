//! Distribution service: parallel publishing to the six channels,
//! per-channel status, retries (docs/design.md §3.3, UFR-DIST-010/020).
//!
//! Face: `NAME`, `migrations()`, `module()`, `DistributionConfig` (with
//! `Endpoint`, `Endpoints`), and `domain` / `store` for the crate's store tests;
//! the rest is `pub(crate)`.

pub(crate) mod adapters;
mod config;
pub mod domain;
pub(crate) mod http;
mod results;
pub(crate) mod service;
pub(crate) mod stats_job;
pub mod store;

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use contracts::channels::Channel;
use platform::{
    config::ConfigError,
    db::{Migrations, PlatformTable},
    outbox::Outbox,
    resilience::{BreakerConfig, Bulkhead, CircuitBreaker, RetrySchedule},
    Deps, Module,
};

pub use config::{DistributionConfig, Endpoint, Endpoints};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "distribution";

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

/// Builds the service: routes plus its outbox relay. An invalid
/// `[distribution]` setting is an error naming it.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: DistributionConfig = deps.settings.section_strict(NAME, stats_job::KEYS)?;
    config.validate()?;
    let (outbox, tasks) = Outbox::start(
        NAME,
        deps.db.clone(),
        deps.bus.clone(),
        Duration::from_millis(deps.settings.outbox_relay_interval_ms.max(10)),
        deps.shutdown.clone(),
    );
    let mut endpoints = config.channels.clone();
    let targets: Vec<(Channel, Endpoint)> = Channel::ALL
        .into_iter()
        .map(|channel| {
            let endpoint = endpoints.of_mut(channel);
            if endpoint.base_url.is_empty() {
                let sandbox = if config.sandbox_url.is_empty() {
                    deps.base_url.as_str()
                } else {
                    config.sandbox_url.trim_end_matches('/')
                };
                endpoint.base_url =
                    format!("{sandbox}/sandbox/{}", channel.code().to_ascii_lowercase());
            }
            (channel, endpoint.clone())
        })
        .collect();
    let breaker = BreakerConfig {
        failure_threshold: config.breaker_failures.max(1),
        open_for: Duration::from_millis(config.breaker_open_ms),
    };
    let kits: BTreeMap<Channel, service::ChannelKit> = adapters::build(
        &targets,
        Duration::from_millis(config.call_timeout_ms.max(1)),
    )
    .into_iter()
    .map(|adapter| {
        let channel = adapter.channel();
        let name = format!("distribution:{}", channel.code());
        let kit = service::ChannelKit {
            breaker: CircuitBreaker::shared(&name, breaker, deps.cache.clone()),
            bulkhead: Bulkhead::new(
                &name,
                config.bulkhead_size,
                Duration::from_millis(config.bulkhead_wait_ms),
            ),
            adapter,
        };
        (channel, kit)
    })
    .collect();
    let schedule = RetrySchedule::new(
        config.retry_attempts,
        config
            .retry_backoff_ms
            .iter()
            .map(|ms| Duration::from_millis(*ms))
            .collect(),
    );
    let service = Arc::new(service::DistributionService::new(
        store::DistributionStore::new(deps.db.clone()),
        outbox,
        kits,
        schedule,
        Duration::from_millis(config.budget_ms.max(1)),
        &deps.base_url,
    ));
    let tasks: Vec<_> = tasks
        .into_iter()
        .chain(stats_job::start(deps, service.clone())?)
        .collect();
    Ok(Module {
        name: NAME,
        router: http::router(service),
        tasks,
    })
}
