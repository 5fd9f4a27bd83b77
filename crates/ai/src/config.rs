//! The `[ai]` settings table: defaults, validation at start.

use std::{sync::Arc, time::Duration};

use platform::{
    config::{Checks, ConfigError, Secret},
    resilience::{BreakerConfig, CircuitBreaker},
};
use serde::{Deserialize, Serialize};

use crate::NAME;

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
) -> Result<Arc<dyn crate::provider::Provider>, String> {
    match config.provider.trim() {
        "builtin" => Ok(Arc::new(crate::provider::Builtin)),
        "llm" => {
            let breaker = CircuitBreaker::shared(
                "ai-llm",
                BreakerConfig {
                    failure_threshold: config.llm_breaker_failures.max(1),
                    open_for: Duration::from_secs(config.llm_breaker_open_secs),
                },
                cache.clone(),
            );
            let settings = crate::llm::LlmSettings {
                base_url: config.llm_base_url.clone(),
                model: config.llm_model.clone(),
                api_key: config.llm_api_key.clone(),
                request_timeout: Duration::from_millis(config.llm_timeout_ms.max(1)),
                temperature: config.llm_temperature,
            };
            Ok(Arc::new(crate::llm::LlmProvider::new(settings, breaker)))
        }
        other => Err(format!(
            "[ai] provider must be \"builtin\" or \"llm\", not {other:?}"
        )),
    }
}

impl AiConfig {
    /// Every field in its allowed range; the LLM's URL and model only matter
    /// (and are only checked) when it is the provider.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.one_of("provider", self.provider.trim(), &["builtin", "llm"])?;
        c.range("job_timeout_ms", self.job_timeout_ms, 1_000, 3_600_000)?;
        c.range("stale_after_secs", self.stale_after_secs, 1, 86_400)?;
        c.range("max_concurrent_jobs", self.max_concurrent_jobs, 1, 256)?;
        c.range(
            "trend_cache_ttl_secs",
            self.trend_cache_ttl_secs,
            1,
            30 * 86_400,
        )?;
        c.range("llm_timeout_ms", self.llm_timeout_ms, 1, 3_600_000)?;
        c.range("llm_temperature", self.llm_temperature, 0.0, 2.0)?;
        c.range("llm_breaker_failures", self.llm_breaker_failures, 1, 1_000)?;
        c.range(
            "llm_breaker_open_secs",
            self.llm_breaker_open_secs,
            1,
            86_400,
        )?;
        if self.provider.trim() == "llm" {
            c.http_url("llm_base_url", &self.llm_base_url, false)?;
            if self.llm_model.trim().is_empty() {
                c.one_of("llm_model", "", &["a model name"])?;
            }
        }
        Ok(())
    }
}
