//! The `[event]` settings table: defaults, validation at start.

use platform::config::{Checks, ConfigError};

use crate::NAME;

/// The `[event]` settings table.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct EventConfig {
    /// An AI job without a result after this long is reported FAILED (docs/design.md: 5 min).
    pub ai_job_timeout_secs: u64,
    /// An image job without a result after this long is reported FAILED.
    pub image_job_timeout_secs: u64,
    /// Origin of the distribution service; empty: this process.
    pub distribution_url: String,
    /// Seed 2: the synchronous distribution call's timeout (70 s).
    pub distribution_timeout_secs: u64,
    /// Consecutive failed distributions that open the circuit breaker.
    pub distribution_breaker_failures: u32,
    /// How long the open breaker fails publishes fast before trying again.
    pub distribution_breaker_open_secs: u64,
    /// Origin of the public entry pages put in posts; empty: this process.
    pub public_url: String,
    /// Origin of the participation service, told at once when an owner
    /// ends an event; empty: this process.
    pub participation_url: String,
    /// How often the automatic end looks for events whose end date has passed.
    pub end_sweep_interval_ms: u64,
    /// Origin of the content service, which stores the owner's photos;
    /// empty: this process.
    pub content_url: String,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            ai_job_timeout_secs: 300,
            image_job_timeout_secs: 120,
            distribution_url: String::new(),
            distribution_timeout_secs: 70,
            distribution_breaker_failures: 5,
            distribution_breaker_open_secs: 30,
            public_url: String::new(),
            participation_url: String::new(),
            end_sweep_interval_ms: 30_000,
            content_url: String::new(),
        }
    }
}

impl EventConfig {
    /// Every field in its allowed range, the URLs http(s) or empty.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.range("ai_job_timeout_secs", self.ai_job_timeout_secs, 1, 86_400)?;
        c.range(
            "image_job_timeout_secs",
            self.image_job_timeout_secs,
            1,
            86_400,
        )?;
        c.http_url("distribution_url", &self.distribution_url, true)?;
        c.range(
            "distribution_timeout_secs",
            self.distribution_timeout_secs,
            1,
            3_600,
        )?;
        c.range(
            "distribution_breaker_failures",
            self.distribution_breaker_failures,
            1,
            1_000,
        )?;
        c.range(
            "distribution_breaker_open_secs",
            self.distribution_breaker_open_secs,
            1,
            86_400,
        )?;
        c.http_url("public_url", &self.public_url, true)?;
        c.http_url("participation_url", &self.participation_url, true)?;
        c.http_url("content_url", &self.content_url, true)?;
        c.range(
            "end_sweep_interval_ms",
            self.end_sweep_interval_ms,
            10,
            3_600_000,
        )
    }
}
