//! AI service: trend analysis and three event recommendations per request
//! (built-in engine or an OpenAI-compatible LLM), reached only over the bus:
//! `AiJobRequested` on `ai-job-topic` in, `AiJobStarted` then
//! `AiJobCompleted` or `AiJobFailed` on `ai-result-topic` out.

pub mod domain;
pub mod engine;
pub mod llm;
pub mod prompt;
pub mod provider;
pub mod service;
pub mod store;
pub mod worker;

use std::{sync::Arc, time::Duration};

use platform::{
    config::Secret,
    db::Migrations,
    outbox::Outbox,
    resilience::{BreakerConfig, CircuitBreaker},
    Deps, Module,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;

/// This service's name: its SQLite file and PostgreSQL schema are named after it.
pub const NAME: &str = "ai";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
    }
}

/// The `[ai]` settings table (see `config/default.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct AiConfig {
    /// `builtin` (the trend engine, no network) or `llm`.
    pub provider: String,
    /// A job without an outcome after this long fails (docs/design.md: 5 minutes).
    pub job_timeout_ms: u64,
    /// Requests older than this are skipped: the event service has already
    /// reported them FAILED (its own AI timeout).
    pub stale_after_secs: u64,
    /// Jobs planned at once.
    pub max_concurrent_jobs: usize,
    /// Lifetime of `ai:trend:{industry}:{region}` in the cache.
    pub trend_cache_ttl_secs: u64,
    /// OpenAI-compatible base URL, up to the version (`…/v1`).
    pub llm_base_url: String,
    pub llm_model: String,
    pub llm_api_key: Secret,
    /// Limit of one chat-completions call.
    pub llm_timeout_ms: u64,
    pub llm_temperature: f64,
    /// Consecutive failed calls that open the LLM's circuit breaker.
    pub llm_breaker_failures: u32,
    /// How long the open breaker fails calls fast.
    pub llm_breaker_open_secs: u64,
}

impl Default for AiConfig {
    fn default() -> Self {
        AiConfig {
            provider: "builtin".into(),
            job_timeout_ms: 300_000,
            stale_after_secs: 300,
            max_concurrent_jobs: 4,
            trend_cache_ttl_secs: 86_400,
            llm_base_url: "http://127.0.0.1:11434/v1".into(),
            llm_model: "llama3.1:8b".into(),
            llm_api_key: Secret::default(),
            llm_timeout_ms: 120_000,
            llm_temperature: 0.2,
            llm_breaker_failures: 5,
            llm_breaker_open_secs: 30,
        }
    }
}

/// The provider the settings name; an unknown name is refused.
pub fn provider_from(
    config: &AiConfig,
    cache: &platform::cache::Cache,
) -> Result<Arc<dyn provider::Provider>, String> {
    match config.provider.trim() {
        "builtin" => Ok(Arc::new(provider::Builtin)),
        "llm" => {
            let breaker = CircuitBreaker::shared(
                "ai-llm",
                BreakerConfig {
                    failure_threshold: config.llm_breaker_failures.max(1),
                    open_for: Duration::from_secs(config.llm_breaker_open_secs),
                },
                cache.clone(),
            );
            let settings = llm::LlmSettings {
                base_url: config.llm_base_url.clone(),
                model: config.llm_model.clone(),
                api_key: config.llm_api_key.clone(),
                request_timeout: Duration::from_millis(config.llm_timeout_ms.max(1)),
                temperature: config.llm_temperature,
            };
            Ok(Arc::new(llm::LlmProvider::new(settings, breaker)))
        }
        other => Err(format!(
            "[ai] provider must be \"builtin\" or \"llm\", not {other:?}"
        )),
    }
}

/// Builds the service: no routes (the event service owns the API), the job
/// consumer, the outbox relay and the resumption of interrupted jobs.
pub fn module(deps: &Deps) -> Module {
    let config: AiConfig = deps.settings.section(NAME).unwrap_or_else(|e| {
        tracing::error!(error = %e, "invalid [ai] settings; using the defaults");
        AiConfig::default()
    });
    let provider = provider_from(&config, &deps.cache).unwrap_or_else(|e| {
        tracing::error!(error = %e, "falling back to the built-in engine");
        Arc::new(provider::Builtin)
    });
    let (outbox, mut tasks) = Outbox::start(
        deps.db.clone(),
        deps.bus.clone(),
        Duration::from_millis(deps.settings.outbox_relay_interval_ms.max(10)),
        deps.shutdown.clone(),
    );
    let service = service::AiService::new(
        store::AiStore::new(deps.db.clone()),
        deps.cache.clone(),
        outbox,
        provider,
        config,
        deps.shutdown.clone(),
    );
    let resumer = service.clone();
    tasks.push(tokio::spawn(async move {
        match resumer.resume_open_jobs().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "resumed interrupted ai jobs"),
            Err(e) => tracing::warn!(error = %e, "could not look for interrupted ai jobs"),
        }
    }));
    match worker::start(service, &deps.bus, deps.shutdown.clone()) {
        Ok(consumer) => tasks.push(consumer),
        // Without its consumer the service does nothing; say so loudly.
        Err(e) => tracing::error!(error = %e, "ai job consumer could not start"),
    }
    Module {
        name: NAME,
        router: OpenApiRouter::new(),
        tasks,
    }
}
