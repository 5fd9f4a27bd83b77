//! The analytics service's published language: its error codes and
//! `ChannelStatsReported`, the channel figures the distribution service
//! collects from the channels' stats APIs on a schedule.

use serde::{Deserialize, Serialize};

/// Another owner's event (403).
pub const ANAL_FORBIDDEN: &str = "ANAL_003";
/// No event with this id is known to analytics (404).
pub const ANAL_NOT_FOUND: &str = "ANAL_404";

/// Published on `distribution-topic` by the distribution service's stats job:
/// one channel's figures for one event, as the channel's stats API answered
/// them. Values are absolute totals since publishing, so a repeated or
/// redelivered report is harmless; the newest `collectedAt` wins.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ChannelStatsReported {
    pub event_id: String,
    /// Channel code (`INSTAGRAM`, `RINGOBIZ`, ...).
    pub channel: String,
    pub views: u64,
    pub clicks: u64,
    /// Calls received (링고비즈); 0 on the other channels.
    pub calls: u64,
    /// RFC 3339 in UTC.
    pub collected_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Envelope;

    #[test]
    fn stats_report_is_flat_on_distribution_topic() {
        let env = Envelope::wrap(&ChannelStatsReported {
            event_id: "evt-1".into(),
            channel: "RINGOBIZ".into(),
            views: 10,
            clicks: 2,
            calls: 3,
            collected_at: "2026-11-21T10:00:00Z".into(),
        });
        assert_eq!(env.topic, "distribution-topic");
        assert_eq!(env.key, "evt-1");
        let v: serde_json::Value = serde_json::from_str(&env.payload).expect("json");
        assert_eq!(v["eventType"], "ChannelStatsReported");
        assert_eq!(v["calls"], 3);
        assert_eq!(v["collectedAt"], "2026-11-21T10:00:00Z");
    }
}
