//! Bus consumers: analytics is fed only by `event-topic`,
//! `participant-topic` and `distribution-topic`.
//!
//! Idempotent by `messageId` (recorded with the counters it changed).
//! Messages about events analytics has not heard of yet are kept, keyed by
//! event id: entries or stats can arrive before `EventPublished`, and the
//! dashboard shows them once the event is known. Records of other types,
//! unreadable records and records without a `messageId` (which could not be
//! de-duplicated) are acknowledged and dropped, since retrying cannot fix them.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use contracts::{
    analytics::ChannelStatsReported,
    channels::Channel,
    distribution::DistributionCompleted,
    messages::{
        CouponClaimed, CouponRedeemed, EventEnded, EventPublished, ParticipantRegistered,
        WinnerNoticeUpdated,
    },
    topics,
};
use platform::bus::{Bus, BusError, Delivery, MessageHandler, Outcome};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::{
    domain,
    service::AnalyticsService,
    store::{EventInfo, Fact},
};

/// Consumer group of the analytics service.
pub const GROUP: &str = "analytics";

/// Subscribes the consumers of the three topics.
pub fn start(
    service: Arc<AnalyticsService>,
    bus: &Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> Result<Vec<tokio::task::JoinHandle<()>>, BusError> {
    let handler: Arc<dyn MessageHandler> = Arc::new(Feed { service });
    [
        topics::EVENT_TOPIC,
        topics::PARTICIPANT_TOPIC,
        topics::DISTRIBUTION_TOPIC,
    ]
    .into_iter()
    .map(|topic| bus.subscribe(topic, GROUP, handler.clone(), shutdown.clone()))
    .collect()
}

struct Feed {
    service: Arc<AnalyticsService>,
}

fn parse<T: DeserializeOwned>(payload: &str) -> Option<T> {
    serde_json::from_str(payload)
        .map_err(|e| tracing::warn!(error = %e, "unreadable analytics input dropped"))
        .ok()
}

/// A bus timestamp, or now when it is unreadable (the fact still counts).
fn time(at: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The fact a record carries, `None` for records analytics does not use.
fn fact(event_type: &str, payload: &str) -> Option<Fact> {
    match event_type {
        "EventPublished" => parse::<EventPublished>(payload).map(|m| {
            let channels = domain::ordered_channels(m.channels.iter().map(String::as_str));
            Fact::Published(EventInfo {
                channels: serde_json::to_string(&channels).unwrap_or_else(|_| "[]".into()),
                event_id: m.event_id,
                owner_id: m.user_id,
                title: m.title,
                store_name: m.store_name,
                industry: m.industry,
                objective: m.objective,
                prize: m.prize,
                start_date: m.start_date,
                end_date: m.end_date,
                target_participants: i64::from(m.target_participants),
                estimated_cost: m.estimated_cost.max(0),
                published_at: time(&m.published_at),
                cost: m
                    .cost
                    .and_then(|c| serde_json::to_string(&c).ok())
                    .unwrap_or_default(),
            })
        }),
        "EventEnded" => parse::<EventEnded>(payload).map(|m| Fact::Ended {
            at: time(&m.ended_at),
            event_id: m.event_id,
        }),
        "ParticipantRegistered" => parse::<ParticipantRegistered>(payload).map(|m| Fact::Entry {
            channel: domain::entry_channel(m.channel.as_deref()).to_string(),
            store_visited: m.store_visited,
            agree_marketing: m.agree_marketing,
            hour: domain::kst_hour(time(&m.registered_at)),
            event_id: m.event_id,
        }),
        "DistributionCompleted" => {
            parse::<DistributionCompleted>(payload).map(|m| Fact::Distributed {
                channels: m
                    .distributed_channels
                    .into_iter()
                    .filter(|c| Channel::parse(&c.channel).is_some())
                    .map(|c| (c.channel, c.status, count(c.expected_views)))
                    .collect(),
                event_id: m.event_id,
            })
        }
        "CouponRedeemed" => parse::<CouponRedeemed>(payload).map(|m| Fact::Redeemed {
            channel: domain::entry_channel(m.channel.as_deref()).to_string(),
            event_id: m.event_id,
        }),
        "CouponClaimed" => parse::<CouponClaimed>(payload).map(|m| Fact::Claimed {
            channel: domain::entry_channel(m.channel.as_deref()).to_string(),
            event_id: m.event_id,
        }),
        "WinnerNoticeUpdated" => parse::<WinnerNoticeUpdated>(payload).map(|m| Fact::Notice {
            event_id: m.event_id,
            status: m.status,
        }),
        "ChannelStatsReported" => parse::<ChannelStatsReported>(payload)
            .filter(|m| Channel::parse(&m.channel).is_some())
            .map(|m| Fact::Stats {
                views: count(m.views),
                clicks: count(m.clicks),
                calls: count(m.calls),
                at: time(&m.collected_at),
                event_id: m.event_id,
                channel: m.channel,
            }),
        _ => None,
    }
}

/// The record's message id and fact; `None` (logged) for records analytics
/// drops.
fn identified_fact(delivery: &Delivery) -> Option<(String, Fact)> {
    let Ok(head) = serde_json::from_str::<serde_json::Value>(&delivery.payload) else {
        tracing::warn!(topic = %delivery.topic, "non-JSON record dropped");
        return None;
    };
    let event_type = head["eventType"].as_str().unwrap_or_default();
    let fact = fact(event_type, &delivery.payload)?;
    let Some(message_id) = head["messageId"].as_str().filter(|id| !id.is_empty()) else {
        tracing::warn!(event_type, "record without messageId dropped");
        return None;
    };
    Some((message_id.to_string(), fact))
}

#[async_trait]
impl MessageHandler for Feed {
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        self.handle_batch(std::slice::from_ref(delivery)).await
    }

    fn max_batch(&self) -> usize {
        platform::bus::MAX_BATCH
    }

    /// A burst of entries is applied in one transaction (see `store::entries`).
    async fn handle_batch(&self, deliveries: &[Delivery]) -> Outcome {
        let facts: Vec<(String, Fact)> = deliveries.iter().filter_map(identified_fact).collect();
        match self.service.apply_batch(&facts).await {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::messages::Envelope;

    #[test]
    fn entries_are_counted_under_their_korea_hour_and_channel() {
        let env = Envelope::wrap(&ParticipantRegistered {
            event_id: "evt-1".into(),
            participant_id: "p-1".into(),
            entry_number: 1,
            channel: Some("youtube".into()),
            store_visited: true,
            agree_marketing: false,
            registered_at: "2026-11-21T15:10:00Z".into(),
        });
        let Some(Fact::Entry { channel, hour, .. }) = fact("ParticipantRegistered", &env.payload)
        else {
            panic!("entry fact expected");
        };
        assert_eq!(channel, domain::DIRECT);
        assert_eq!(hour, "2026-11-22T00:00:00+09:00");
    }

    #[test]
    fn other_types_and_foreign_channels_are_not_facts() {
        assert_eq!(fact("EventCreated", "{}"), None);
        assert_eq!(fact("ParticipantRegistered", "{\"eventId\": 1}"), None);
        let env = Envelope::wrap(&ChannelStatsReported {
            event_id: "evt-1".into(),
            channel: "YOUTUBE".into(),
            views: 1,
            clicks: 0,
            calls: 0,
            collected_at: "2026-11-21T15:10:00Z".into(),
        });
        assert_eq!(fact("ChannelStatsReported", &env.payload), None);
    }
}
