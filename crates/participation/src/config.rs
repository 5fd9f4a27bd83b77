//! The `[participation]` settings table: defaults, validation at start.

use platform::config::{Checks, ConfigError};

use crate::NAME;

/// The `[participation]` settings table.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ParticipationConfig {
    /// Largest `size` of one participant-list page.
    pub max_page_size: i64,
    /// Entry writers (see [`intake`]): events written in parallel.
    pub entry_writers: usize,
    /// Most entries stored in one transaction (at most [`crate::intake::MAX_BATCH`]).
    pub max_entry_batch: usize,
    /// Origin of the event service, asked for an event's entry state when
    /// this service's copy is missing or refuses; empty: this process.
    pub event_url: String,
    /// Days winners' and reserves' data is kept after the claim deadline.
    pub winner_data_retention_days: i64,
    /// How often the erasure job runs.
    pub erasure_interval_secs: u64,
    /// Origin of the public pages put in claim links; empty: this process.
    pub public_url: String,
    /// Waits before a winner notice's 2nd, 3rd, … attempt (ms); the last repeats.
    pub notice_retry_backoff_ms: Vec<u64>,
    /// Attempts before a winner notice is FAILED.
    pub notice_max_attempts: i64,
    /// How often due notices are sent and sent ones followed (ms).
    pub notice_poll_interval_ms: u64,
    /// How long a sender holds a claimed notice before another process may take it over (s).
    pub notice_lease_secs: u64,
}

impl Default for ParticipationConfig {
    fn default() -> Self {
        ParticipationConfig {
            max_page_size: 100,
            entry_writers: 4,
            max_entry_batch: 256,
            event_url: String::new(),
            winner_data_retention_days: 30,
            erasure_interval_secs: 3600,
            public_url: String::new(),
            notice_retry_backoff_ms: vec![2_000, 10_000, 60_000],
            notice_max_attempts: 4,
            notice_poll_interval_ms: 500,
            notice_lease_secs: 45,
        }
    }
}

impl ParticipationConfig {
    /// Every field in its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.range("max_page_size", self.max_page_size, 1, 1_000)?;
        c.range("entry_writers", self.entry_writers, 1, 256)?;
        c.range(
            "max_entry_batch",
            self.max_entry_batch,
            1,
            crate::intake::MAX_BATCH,
        )?;
        c.http_url("event_url", &self.event_url, true)?;
        c.http_url("public_url", &self.public_url, true)?;
        c.range(
            "winner_data_retention_days",
            self.winner_data_retention_days,
            0,
            3_650,
        )?;
        c.range(
            "erasure_interval_secs",
            self.erasure_interval_secs,
            1,
            86_400,
        )?;
        for wait in &self.notice_retry_backoff_ms {
            c.range("notice_retry_backoff_ms", *wait, 1, 86_400_000)?;
        }
        c.range("notice_max_attempts", self.notice_max_attempts, 1, 20)?;
        c.range(
            "notice_poll_interval_ms",
            self.notice_poll_interval_ms,
            10,
            600_000,
        )?;
        c.range("notice_lease_secs", self.notice_lease_secs, 1, 3_600)
    }
}
