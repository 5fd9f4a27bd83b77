//! User service: users and their stores, sessions, login (UFR-USER-010/020).
//!
//! Face: `NAME`, `migrations()`, `module()`, and `domain` / `store` for the
//! crate's store tests; the rest is `pub(crate)`.

pub mod domain;
pub(crate) mod http;
pub(crate) mod service;
pub mod store;

use std::{sync::Arc, time::Duration};

use platform::{db::Migrations, Deps, Module};

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "user";

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

/// Builds the service: routes plus an hourly purge of expired revocations.
/// Its settings are top-level ones, checked when they are loaded.
pub fn module(deps: &Deps) -> Result<Module, platform::config::ConfigError> {
    let lockout = domain::LockoutPolicy {
        max_failures: deps.settings.login_max_failures.max(1),
        lock_for: chrono::Duration::seconds(deps.settings.login_lock_secs as i64),
    };
    let service = Arc::new(service::UserService::new(
        store::UserStore::new(deps.db.clone()),
        deps.tokens.clone(),
        lockout,
    ));
    let purge = {
        let service = service.clone();
        let shutdown = deps.shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
                    _ = shutdown.cancelled() => return,
                }
                if let Err(e) = service.purge_expired_revocations().await {
                    tracing::warn!(error = %e, "could not purge expired revocations");
                }
            }
        })
    };
    Ok(Module {
        name: NAME,
        router: http::router(service),
        tasks: vec![purge],
    })
}
