//! The composition root: picks backends by URL, mounts the chosen service
//! modules on one router, and runs them until shutdown. Tests call
//! [`start`] with a listener on port 0.

mod health;
pub mod verify_draw;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{extract::DefaultBodyLimit, middleware, Extension, Router};
use platform::{
    auth::{load_or_create_secret, Tokens},
    bus::{self, Bus},
    cache::Cache,
    config::{ConfigError, Settings},
    db::{Db, Migrations},
    http::{not_found, trace_requests, BearerSecurity},
    Deps, Module,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// A service this binary can mount.
struct ServiceDef {
    name: &'static str,
    migrations: fn() -> Migrations,
    module: fn(&Deps) -> Result<Module, ConfigError>,
}

const SERVICES: &[ServiceDef] = &[
    ServiceDef {
        name: user::NAME,
        migrations: user::migrations,
        module: user::module,
    },
    ServiceDef {
        name: event::NAME,
        migrations: event::migrations,
        module: event::module,
    },
    ServiceDef {
        name: ai::NAME,
        migrations: ai::migrations,
        module: ai::module,
    },
    ServiceDef {
        name: content::NAME,
        migrations: content::migrations,
        module: content::module,
    },
    ServiceDef {
        name: distribution::NAME,
        migrations: distribution::migrations,
        module: distribution::module,
    },
    ServiceDef {
        name: channel_sandbox::NAME,
        migrations: channel_sandbox::migrations,
        module: channel_sandbox::module,
    },
    ServiceDef {
        name: messaging::sandbox::NAME,
        migrations: messaging::sandbox::migrations,
        module: messaging::sandbox::module,
    },
    ServiceDef {
        name: participation::NAME,
        migrations: participation::migrations,
        module: participation::module,
    },
    ServiceDef {
        name: analytics::NAME,
        migrations: analytics::migrations,
        module: analytics::module,
    },
];

/// Names of every service, in mounting order.
pub fn service_names() -> Vec<&'static str> {
    SERVICES.iter().map(|s| s.name).collect()
}

fn selected(settings: &Settings) -> anyhow::Result<Vec<&'static ServiceDef>> {
    let wanted = settings.mounted_services();
    if wanted.iter().any(|w| w == "all") {
        return Ok(SERVICES.iter().collect());
    }
    let mut chosen = Vec::new();
    for name in &wanted {
        let def = SERVICES
            .iter()
            .find(|s| s.name == name)
            .with_context(|| format!("unknown service {name:?}; known: {:?}", service_names()))?;
        chosen.push(def);
    }
    anyhow::ensure!(!chosen.is_empty(), "no service selected");
    Ok(chosen)
}

/// Opens each selected service's database and applies its migrations.
pub async fn migrate(settings: &Settings) -> anyhow::Result<Vec<(&'static str, Db)>> {
    let mut dbs = Vec::new();
    for def in selected(settings)? {
        let db = Db::connect(
            &settings.database_url,
            &settings.data_dir,
            def.name,
            settings.database_max_connections,
        )
        .await?;
        db.migrate(def.name, &(def.migrations)()).await?;
        tracing::info!(
            service = def.name,
            backend = db.backend(),
            "migrations applied"
        );
        dbs.push((def.name, db));
    }
    Ok(dbs)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "KT AI Event Marketing API", description = "Create, publish and measure promotional events."),
    modifiers(&BearerSecurity),
    tags((name = "user"), (name = "event"), (name = "ai"), (name = "content"), (name = "distribution"), (name = "sandbox"), (name = "participation"), (name = "analytics"), (name = "ops"))
)]
struct ApiDoc;

/// A running application.
pub struct App {
    pub addr: SocketAddr,
    pub bus: Arc<dyn Bus>,
    pub cache: Cache,
    pub settings: Arc<Settings>,
    /// The clock every rule of this app reads; tests move it.
    pub clock: platform::clock::Clock,
    shutdown: CancellationToken,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    dbs: Vec<(&'static str, Db)>,
}

impl App {
    /// Stops accepting, lets background tasks finish, closes pools.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.wait().await
    }

    /// Waits until the server ends (after a shutdown signal): in-flight
    /// requests get `shutdown_timeout_secs` to finish, then background tasks
    /// (consumers, relays) as long again; then the pools close.
    pub async fn wait(self) -> anyhow::Result<()> {
        let grace = Duration::from_secs(self.settings.shutdown_timeout_secs);
        let mut server = self.server;
        let served = tokio::select! {
            served = &mut server => served,
            _ = self.shutdown.cancelled() => match tokio::time::timeout(grace, &mut server).await {
                Ok(served) => served,
                Err(_) => {
                    tracing::warn!(?grace, "requests still in flight at the shutdown deadline; cut off");
                    server.abort();
                    Ok(Ok(()))
                }
            },
        }
        .context("server task")?;
        self.shutdown.cancel();
        let deadline = tokio::time::Instant::now() + grace;
        for task in self.tasks {
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                tracing::warn!("a background task did not stop by the shutdown deadline");
            }
        }
        for (_, db) in &self.dbs {
            db.close().await;
        }
        served.context("server")
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The token that stops this app; cancelling it is a graceful shutdown.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

/// Builds every selected service on `listener` and starts serving.
pub async fn start(settings: Settings, listener: TcpListener) -> anyhow::Result<App> {
    // Before anything records: values recorded with no recorder are lost.
    platform::metrics::install();
    let settings = Arc::new(settings);
    let shutdown = CancellationToken::new();
    let clock = platform::clock::Clock::system();
    let cache = Cache::from_url(
        &settings.cache_url,
        &settings.cache_key_prefix,
        Duration::from_millis(settings.cache_timeout_ms),
    )?;
    let bus_options = bus::BusOptions {
        skip_records_before_ms: settings
            .bus_skip_history
            .then(|| chrono::Utc::now().timestamp_millis()),
        fetch_wait_ms: settings.bus_fetch_wait_ms,
    };
    let bus = bus::from_url_with(
        &settings.bus_url,
        contracts::topics::ALL,
        Duration::from_millis(settings.bus_publish_timeout_ms),
        bus_options,
    )
    .await?;
    let bus = bus::PrefixedGroups::wrap(bus, &settings.bus_group_prefix);
    // Outermost, so readiness names consumers by the groups services chose.
    let consumers = bus::Consumers::default();
    let bus = bus::Supervised::wrap(bus, consumers.clone());
    let secret =
        load_or_create_secret(&settings.jwt_secret, &settings.data_dir).context("jwt secret")?;
    let tokens = Arc::new(Tokens::new(
        &secret,
        Duration::from_secs(settings.token_ttl_secs),
        cache.clone(),
    ));
    let limits = platform::ratelimit::RateLimits::from_settings(&settings)?;
    let dbs = migrate(&settings).await?;
    let addr = listener.local_addr()?;

    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(health::router());
    let mut tasks = Vec::new();
    for (name, db) in &dbs {
        let deps = Deps {
            settings: settings.clone(),
            db: db.clone(),
            cache: cache.clone(),
            bus: bus.clone(),
            tokens: tokens.clone(),
            shutdown: shutdown.clone(),
            clock: clock.clone(),
            limits: limits.clone(),
            base_url: format!("http://{addr}"),
        };
        let def = SERVICES
            .iter()
            .find(|s| s.name == *name)
            .context("service")?;
        let module = match (def.module)(&deps) {
            Ok(module) => module,
            Err(e) => {
                // Tasks of the services built so far must not outlive the failed start.
                shutdown.cancel();
                for (_, db) in &dbs {
                    db.close().await;
                }
                return Err(e).with_context(|| format!("service {name} not started"));
            }
        };
        tracing::info!(service = module.name, "service mounted");
        api = api.merge(module.router);
        tasks.extend(module.tasks);
    }
    let (router, openapi) = api.split_for_parts();
    let readiness = health::Readiness {
        dbs: dbs.clone(),
        cache: cache.clone(),
        bus: bus.clone(),
        consumers,
    };
    let app: Router = router
        .merge(health::openapi_route(openapi))
        // The web app has no database; it is always mounted, after the API routes.
        .merge(web::router(
            &settings,
            &format!("http://{addr}"),
            limits.internal_token(),
        ))
        .route("/metrics", axum::routing::get(platform::metrics::render))
        .fallback(not_found)
        .layer(Extension(readiness))
        .layer(Extension(tokens))
        // Read by the `ClientAddr` extractor (which peers are trusted proxies).
        .layer(Extension(limits))
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            health::panic_answer,
        ))
        .layer(middleware::from_fn(platform::metrics::track_requests))
        .layer(middleware::from_fn(trace_requests))
        // Outermost, so that every answer gets them, panics and 413s included.
        .layer(middleware::from_fn_with_state(
            Arc::new(security_headers(&settings, &format!("http://{addr}"))),
            platform::security_headers::add_security_headers,
        ));

    let server_shutdown = shutdown.clone();
    let server = tokio::spawn(async move {
        // Peer addresses feed the rate limits' `ClientAddr`.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(server_shutdown.cancelled_owned())
        .await
    });
    tracing::info!(%addr, database = %redact_url(&settings.database_url), cache = cache.backend_name(), bus = bus.name(), "kem serving");
    Ok(App {
        addr,
        bus,
        cache,
        settings,
        clock,
        shutdown,
        server,
        tasks,
        dbs,
    })
}

/// The security headers, with the image hosts the pages may show: the
/// content store's public URL (a CDN or bucket) and the origin the event
/// service writes into published events (its `public_url`, else this process).
fn security_headers(settings: &Settings, own: &str) -> platform::security_headers::SecurityHeaders {
    #[derive(Default, serde::Deserialize)]
    struct PublicUrl {
        #[serde(default)]
        public_url: String,
    }
    let public_url = |table: &str| {
        settings
            .section::<PublicUrl>(table)
            .map(|s| s.public_url)
            .unwrap_or_default()
    };
    let (event, content) = (public_url("event"), public_url("content"));
    platform::security_headers::SecurityHeaders::new([own, event.as_str(), content.as_str()])
}

/// A URL without its password, fit for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..])
                }
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact_url("sqlite://"), "sqlite://");
        assert_eq!(super::redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
