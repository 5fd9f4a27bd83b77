//! The `[analytics]` settings table: defaults, validation at start.

use platform::config::{Checks, ConfigError};

use crate::NAME;

/// The `[analytics]` settings table.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AnalyticsConfig {
    /// How long a dashboard stays in the cache (`analytics:dashboard:{eventId}`, 1 h).
    pub dashboard_cache_ttl_secs: u64,
    /// The owner-wide dashboard covers at most this many of the newest events.
    pub max_owner_events: i64,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            dashboard_cache_ttl_secs: 3600,
            max_owner_events: 200,
        }
    }
}

impl AnalyticsConfig {
    /// Every field in its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.range(
            "dashboard_cache_ttl_secs",
            self.dashboard_cache_ttl_secs,
            1,
            86_400,
        )?;
        c.range("max_owner_events", self.max_owner_events, 1, 10_000)
    }
}
