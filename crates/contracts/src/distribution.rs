//! The distribution service's published language (docs/design.md §3.3):
//! the `POST /api/distribution/distribute` request and answer, the status
//! answer, and `DistributionCompleted` on `distribution-topic`.

use serde::{Deserialize, Serialize};

/// Missing or malformed request fields: no title, no image, no channels (400).
pub const DIST_INVALID_REQUEST: &str = "DIST_001";
/// A channel code that is not one of the six, or a channel's settings are invalid (400).
pub const DIST_INVALID_CHANNEL: &str = "DIST_002";
/// Another owner's distribution (403).
pub const DIST_FORBIDDEN: &str = "DIST_003";
/// No distribution for this event (404).
pub const DIST_NOT_FOUND: &str = "DIST_404";

/// `POST /api/distribution/distribute`. Two shapes are accepted: the event
/// service's `{eventId, channels, channelSettings?, content: {...}}` and
/// §3.3's flat `{eventId, title, description, imageUrl, channels, channelSettings}`.
/// Every field is optional here so that what is missing is reported by the
/// service with its own code rather than by the JSON parser.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct DistributeRequest {
    pub event_id: String,
    /// Channel codes (`INSTAGRAM`, `NAVER`, ...).
    pub channels: Vec<String>,
    /// Channel code → that channel's settings (radius, timeSlot, region, budget, phoneNumber, ...).
    pub channel_settings: Option<serde_json::Map<String, serde_json::Value>>,
    pub content: Option<DistributionContent>,
    /// §3.3 flat form, used when `content` is absent.
    pub title: Option<String>,
    pub description: Option<String>,
    pub image_url: Option<String>,
}

/// What is published: the event's chosen content.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct DistributionContent {
    pub title: String,
    pub description: String,
    /// Absolute, or relative to the serving origin (`/api/content/images/...`).
    pub image_url: String,
    pub prize: String,
    pub caption: Option<String>,
    pub hashtags: Option<Vec<String>>,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub end_date: Option<String>,
    pub store_name: String,
    /// The public entry page customers are sent to.
    pub entry_url: Option<String>,
}

/// One channel's outcome.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ChannelResult {
    /// Channel code.
    pub channel: String,
    pub success: bool,
    /// `PENDING`, `IN_PROGRESS`, `SUCCESS` or `FAILED`.
    pub status: String,
    /// The channel's id of the post, booking or registration.
    pub external_id: Option<String>,
    pub estimated_views: u64,
    pub post_url: Option<String>,
    /// What happened, for the owner (Korean), e.g. the last error.
    pub message: String,
}

/// Answer of `distribute` and `retry`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DistributeAnswer {
    pub distribution_id: String,
    pub event_id: String,
    /// Whether every requested channel is published.
    pub success: bool,
    pub success_count: u32,
    pub failure_count: u32,
    pub channel_results: Vec<ChannelResult>,
}

/// One channel in `GET /api/distribution/{eventId}/status`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ChannelStatusView {
    pub channel: String,
    /// `PENDING`, `IN_PROGRESS`, `SUCCESS` or `FAILED`.
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub external_id: Option<String>,
    pub post_url: Option<String>,
    pub estimated_views: u64,
    /// RFC 3339.
    pub updated_at: String,
}

/// Answer of `GET /api/distribution/{eventId}/status` (UFR-DIST-020).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DistributionStatus {
    pub distribution_id: String,
    pub event_id: String,
    /// `IN_PROGRESS`, `COMPLETED` (all published), `PARTIAL` or `FAILED` (none).
    pub status: String,
    pub channels: Vec<ChannelStatusView>,
    /// RFC 3339; absent while channels are still being worked.
    pub completed_at: Option<String>,
}

/// One channel in [`DistributionCompleted`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DistributedChannel {
    pub channel: String,
    /// `SUCCESS` or `FAILED`.
    pub status: String,
    pub expected_views: u64,
}

/// Published on `distribution-topic` when a distribution (or a retry) ends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DistributionCompleted {
    pub event_id: String,
    pub distributed_channels: Vec<DistributedChannel>,
    pub completed_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Envelope;

    #[test]
    fn both_request_shapes_parse() {
        let nested: DistributeRequest = serde_json::from_value(serde_json::json!({
            "eventId": "evt-1", "channels": ["INSTAGRAM"],
            "content": {"title": "t", "imageUrl": "/api/content/images/a.png", "prize": "커피",
                        "startDate": "2026-01-01", "endDate": "2026-01-31", "storeName": "맛있는집"}
        }))
        .expect("nested");
        assert_eq!(
            nested.content.expect("content").image_url,
            "/api/content/images/a.png"
        );
        let flat: DistributeRequest = serde_json::from_value(serde_json::json!({
            "eventId": "evt-1", "title": "t", "description": "d", "imageUrl": "http://x/a.png",
            "channels": ["NAVER"], "channelSettings": {}
        }))
        .expect("flat");
        assert_eq!(flat.title.as_deref(), Some("t"));
        assert!(flat.content.is_none());
    }

    #[test]
    fn completed_message_is_flat_on_distribution_topic() {
        let env = Envelope::wrap(&DistributionCompleted {
            event_id: "evt-1".into(),
            distributed_channels: vec![DistributedChannel {
                channel: "KAKAO".into(),
                status: "SUCCESS".into(),
                expected_views: 1200,
            }],
            completed_at: "2026-11-21T10:00:00Z".into(),
        });
        assert_eq!(env.topic, "distribution-topic");
        assert_eq!(env.key, "evt-1");
        let v: serde_json::Value = serde_json::from_str(&env.payload).expect("json");
        assert_eq!(v["eventType"], "DistributionCompleted");
        assert_eq!(v["distributedChannels"][0]["expectedViews"], 1200);
        assert_eq!(v["completedAt"], "2026-11-21T10:00:00Z");
    }
}
