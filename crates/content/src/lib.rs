//! Content service: promotional images in three styles per platform, and their storage.
//!
//! The event service asks for images with `ImageJobRequested` on
//! `image-job-topic`; [`worker`] renders every style × platform
//! ([`render`], [`layout`], [`style`], with the embedded [`fonts`]), stores
//! the files ([`objects`]), records them ([`store`]) and answers
//! `ImageJobCompleted` or `ImageJobFailed` on `image-result-topic` through
//! the outbox. [`http`] serves the files at `GET /api/content/images/{key}`.
//!
//! Face: `NAME`, `migrations()`, `module()`, `ContentConfig`, the `image` / `png`
//! codecs, and `objects` / `service` / `store` for the crate's tests and
//! bench; the rest is `pub(crate)`.

mod config;
pub(crate) mod fonts;
pub(crate) mod http;
pub(crate) mod layout;
pub mod objects;
pub(crate) mod photos;
pub(crate) mod render;
pub mod service;
pub mod store;
pub(crate) mod style;
pub(crate) mod worker;

/// The image codecs of the owner's photos, for callers that check them.
pub use image;
/// The PNG codec the images are encoded with, for callers that check them.
pub use png;

use std::{sync::Arc, time::Duration};

use platform::{
    config::{Checks, ConfigError},
    db::{Migrations, PlatformTable},
    outbox::Outbox,
    Deps, Module,
};

pub use config::ContentConfig;

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "content";

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

/// Builds the service: the image route, the job consumer and the outbox relay.
/// An invalid `[content]` setting (or an image store that cannot be opened)
/// is an error naming it.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: ContentConfig = deps.settings.section_strict(NAME, &[])?;
    let c = Checks::new(NAME);
    if !config.public_url.trim().starts_with('/') {
        c.http_url("public_url", config.public_url.trim(), true)?;
    }
    if !config.s3_endpoint.is_empty() {
        c.http_url("s3_endpoint", &config.s3_endpoint, false)?;
    }
    let images =
        objects::ImageStore::from_config(&config, &deps.settings.data_dir).map_err(|e| {
            ConfigError::Invalid {
                name: "content.store_url".into(),
                reason: format!("{e}; allowed: file://[DIR] or s3://BUCKET"),
            }
        })?;
    let (outbox, mut tasks) = Outbox::start(
        NAME,
        deps.db.clone(),
        deps.bus.clone(),
        Duration::from_millis(deps.settings.outbox_relay_interval_ms.max(10)),
        deps.shutdown.clone(),
    );
    let service = Arc::new(service::ContentService::new(
        store::ContentStore::new(deps.db.clone()),
        images,
        outbox,
        config.max_job_age_secs,
    ));
    match worker::start(service.clone(), &deps.bus, deps.shutdown.clone()) {
        Ok(consumer) => tasks.push(consumer),
        Err(e) => tracing::error!(error = %e, "image job consumer could not start"),
    }
    Ok(Module {
        name: NAME,
        router: http::router(service),
        tasks,
    })
}
