//! Participation service: customers' entries (UFR-PART-010), the owner's
//! participant list (UFR-PART-020) and the auditable winner draw (UFR-PART-030).
//!
//! Face: `NAME`, `migrations()`, `module()`, `ParticipationConfig`,
//! `draw` / `proof` / `views` for `kem verify-draw`, and `domain` / `store` and
//! `Signals` for the store tests; the rest is `pub(crate)`.

mod config;
pub(crate) mod coupon;
pub(crate) mod directory;
pub mod domain;
pub mod draw;
pub(crate) mod drawing;
pub(crate) mod erasure;
pub(crate) mod http;
pub(crate) mod intake;
pub(crate) mod notices;
pub(crate) mod prizes;
pub mod proof;
pub(crate) mod service;
pub(crate) mod signals;
pub mod store;
pub(crate) mod verification;
pub mod views;
pub(crate) mod worker;

use std::{sync::Arc, time::Duration};

pub use config::ParticipationConfig;
use platform::{
    config::ConfigError,
    db::{Migrations, PlatformTable},
    outbox::Outbox,
    Deps, Module,
};
pub use signals::Signals;

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "participation";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
        platform: &[PlatformTable::Outbox, PlatformTable::Inbox],
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
        outbox.clone(),
        service::message,
        intake::IntakeOptions {
            writers: config.entry_writers,
            max_batch: config.max_entry_batch,
        },
        deps.clock.clone(),
        deps.shutdown.clone(),
    );
    tasks.extend(writers);
    tasks.push(platform::inbox::spawn_pruner(
        deps.db.clone(),
        platform::inbox::retention(&deps.settings),
        deps.shutdown.clone(),
    ));
    let event_url = if config.event_url.is_empty() {
        deps.base_url.clone()
    } else {
        config.event_url.clone()
    };
    let service = service::ParticipationService::new(
        store,
        intake,
        deps.clock.clone(),
        directory::EventDirectory::new(&event_url),
        config.winner_data_retention_days,
        if config.public_url.is_empty() {
            deps.base_url.clone()
        } else {
            config.public_url.clone()
        },
        outbox,
    );
    let messaging = messaging::MessagingConfig::from_settings(&deps.settings)?;
    // A lease shorter than a provider call would let a second sender start
    // before the first one's call has answered: two messages.
    // One attempt makes up to three provider calls (the SMS and LMS lookups
    // of a retried notice, then the send).
    let attempt_ms = messaging.timeout_ms.saturating_mul(3);
    if config.notice_lease_secs.saturating_mul(1000) <= attempt_ms {
        return Err(platform::config::ConfigError::Invalid {
            name: format!("{NAME}.notice_lease_secs"),
            reason: format!(
                "{} s must be longer than one attempt's three provider calls \
                 (3 × [messaging] timeout_ms = {attempt_ms} ms)",
                config.notice_lease_secs
            ),
        });
    }
    if messaging.sms.base_url.trim().is_empty() || messaging.alimtalk.base_url.trim().is_empty() {
        // The sandbox keeps what it receives and lists it without a login.
        tracing::warn!("winner notices go to the messaging sandbox in this process (development only); set [messaging.sms] and [messaging.alimtalk] base_url for real providers");
    }
    let providers = messaging::providers(&messaging, &deps.base_url).map_err(|reason| {
        platform::config::ConfigError::Invalid {
            name: messaging::SECTION.to_string(),
            reason,
        }
    })?;
    let service = Arc::new(
        service.with_verifier(verification::Verifier::new(
            deps.tokens
                .derived_key("participation/phone-verification")
                .to_vec(),
            providers.sms.clone(),
        )),
    );
    tasks.push(notices::spawn(
        service.clone(),
        notices::NoticeSender {
            providers,
            backoff: config
                .notice_retry_backoff_ms
                .iter()
                .map(|ms| Duration::from_millis(*ms))
                .collect(),
            max_attempts: config.notice_max_attempts,
            lease: Duration::from_secs(config.notice_lease_secs),
        },
        Duration::from_millis(config.notice_poll_interval_ms),
        deps.shutdown.clone(),
    ));
    tasks.push(erasure::spawn(
        service.clone(),
        Duration::from_secs(config.erasure_interval_secs),
        deps.shutdown.clone(),
    ));
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
