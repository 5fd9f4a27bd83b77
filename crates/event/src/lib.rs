//! Event service: drafts and events, the creation flow (UFR-EVENT-020 and
//! on), publish orchestration.

pub mod channels;
pub mod domain;
pub mod http;
pub mod service;
pub mod store;

use std::{sync::Arc, time::Duration};

use platform::{db::Migrations, outbox::Outbox, Deps, Module};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "event";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
    }
}

/// Builds the service: routes plus its outbox relay.
pub fn module(deps: &Deps) -> Module {
    let (outbox, tasks) = Outbox::start(
        deps.db.clone(),
        deps.bus.clone(),
        Duration::from_millis(deps.settings.outbox_relay_interval_ms.max(10)),
        deps.shutdown.clone(),
    );
    let service = Arc::new(service::EventService::new(
        store::EventStore::new(deps.db.clone()),
        deps.cache.clone(),
        outbox,
    ));
    Module {
        name: NAME,
        router: http::router(service),
        tasks,
    }
}
