//! Bus consumers: analytics is fed only by `event-topic`,
//! `participant-topic` and `distribution-topic`.
//!
//! Idempotent by `messageId` (recorded with the counters it changed).
//! Messages about events analytics has not heard of yet are kept, keyed by
//! event id: entries or stats can arrive before `EventPublished`, and the
//! dashboard shows them once the event is known. Messages of other types and
//! messages without a `messageId` (which could not be de-duplicated) are
//! acknowledged and dropped, since retrying cannot fix them; the platform
//! drops unreadable records before they get here.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use contracts::{
    channels::Channel,
    messages::TopicMessage,
    topics::{DistributionTopicMessage, EventTopicMessage, ParticipantTopicMessage},
};
use platform::bus::{self, Bus, BusError, Consumer, Message, Outcome, Skip};
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
    let feed = Arc::new(Feed { service });
    Ok(vec![
        bus::consume::<EventTopicMessage, _>(bus, GROUP, feed.clone(), shutdown.clone())?,
        bus::consume::<ParticipantTopicMessage, _>(bus, GROUP, feed.clone(), shutdown.clone())?,
        bus::consume::<DistributionTopicMessage, _>(bus, GROUP, feed, shutdown)?,
    ])
}

struct Feed {
    service: Arc<AnalyticsService>,
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

/// The fact a message carries, `None` for messages analytics does not use.
trait IntoFact {
    fn into_fact(self) -> Option<Fact>;
}

impl IntoFact for EventTopicMessage {
    fn into_fact(self) -> Option<Fact> {
        match self {
            EventTopicMessage::EventPublished(m) => {
                let channels = domain::ordered_channels(m.channels.iter().map(String::as_str));
                Some(Fact::Published(EventInfo {
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
                }))
            }
            EventTopicMessage::EventEnded(m) => Some(Fact::Ended {
                at: time(&m.ended_at),
                event_id: m.event_id,
            }),
            EventTopicMessage::EventDraftCreated(_)
            | EventTopicMessage::EventCreated(_)
            | EventTopicMessage::EventScheduleChanged(_) => None,
        }
    }
}

impl IntoFact for ParticipantTopicMessage {
    fn into_fact(self) -> Option<Fact> {
        Some(match self {
            ParticipantTopicMessage::ParticipantRegistered(m) => Fact::Entry {
                channel: domain::entry_channel(m.channel.as_deref()).to_string(),
                store_visited: m.store_visited,
                agree_marketing: m.agree_marketing,
                hour: domain::kst_hour(time(&m.registered_at)),
                event_id: m.event_id,
            },
            ParticipantTopicMessage::CouponRedeemed(m) => Fact::Redeemed {
                channel: domain::entry_channel(m.channel.as_deref()).to_string(),
                event_id: m.event_id,
            },
            ParticipantTopicMessage::CouponClaimed(m) => Fact::Claimed {
                channel: domain::entry_channel(m.channel.as_deref()).to_string(),
                event_id: m.event_id,
            },
            ParticipantTopicMessage::WinnerNoticeUpdated(m) => Fact::Notice {
                event_id: m.event_id,
                status: m.status,
            },
        })
    }
}

impl IntoFact for DistributionTopicMessage {
    fn into_fact(self) -> Option<Fact> {
        match self {
            DistributionTopicMessage::DistributionCompleted(m) => Some(Fact::Distributed {
                channels: m
                    .distributed_channels
                    .into_iter()
                    .filter(|c| Channel::parse(&c.channel).is_some())
                    .map(|c| (c.channel, c.status, count(c.expected_views)))
                    .collect(),
                event_id: m.event_id,
            }),
            DistributionTopicMessage::ChannelStatsReported(m) => {
                Channel::parse(&m.channel)?;
                Some(Fact::Stats {
                    views: count(m.views),
                    clicks: count(m.clicks),
                    calls: count(m.calls),
                    at: time(&m.collected_at),
                    event_id: m.event_id,
                    channel: m.channel,
                })
            }
        }
    }
}

/// The message's id and fact; `None` for messages analytics drops.
fn identified_fact<T: TopicMessage + IntoFact>(message: Message<T>) -> Option<(String, Fact)> {
    let event_type = message.body.event_type();
    let fact = message.body.into_fact()?;
    let Some(message_id) = message.message_id else {
        tracing::warn!(event_type, "record without messageId dropped");
        bus::skipped(T::TOPIC, GROUP, Skip::NoMessageId);
        return None;
    };
    Some((message_id, fact))
}

#[async_trait]
impl<T: TopicMessage + IntoFact> Consumer<T> for Feed {
    async fn handle(&self, message: Message<T>) -> Outcome {
        self.handle_batch(vec![message]).await
    }

    fn max_batch(&self) -> usize {
        platform::bus::MAX_BATCH
    }

    /// A burst of entries is applied in one transaction (see `store::entries`).
    async fn handle_batch(&self, messages: Vec<Message<T>>) -> Outcome {
        let facts: Vec<(String, Fact)> = messages.into_iter().filter_map(identified_fact).collect();
        Outcome::retry_on_error(self.service.apply_batch(&facts).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::{
        analytics::ChannelStatsReported,
        messages::{Envelope, EventCreated, ParticipantRegistered},
    };

    fn message<T: TopicMessage>(envelope: &Envelope) -> Message<T> {
        bus::decode(&platform::bus::Delivery {
            topic: envelope.topic.clone(),
            key: envelope.key.clone(),
            payload: envelope.payload.clone(),
        })
        .expect("decoded")
    }

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
        let Some((id, Fact::Entry { channel, hour, .. })) =
            identified_fact(message::<ParticipantTopicMessage>(&env))
        else {
            panic!("entry fact expected");
        };
        assert_eq!(id, env.message_id);
        assert_eq!(channel, domain::DIRECT);
        assert_eq!(hour, "2026-11-22T00:00:00+09:00");
    }

    #[test]
    fn other_types_foreign_channels_and_unidentified_records_are_not_facts() {
        let created = Envelope::wrap(&EventCreated {
            event_id: "evt-1".into(),
            user_id: 1,
            title: "t".into(),
            objective: "매출 증대".into(),
            created_at: "2026-11-21T15:10:00Z".into(),
        });
        assert_eq!(
            identified_fact(message::<EventTopicMessage>(&created)),
            None
        );
        let env = Envelope::wrap(&ChannelStatsReported {
            event_id: "evt-1".into(),
            channel: "YOUTUBE".into(),
            views: 1,
            clicks: 0,
            calls: 0,
            collected_at: "2026-11-21T15:10:00Z".into(),
        });
        assert_eq!(
            identified_fact(message::<DistributionTopicMessage>(&env)),
            None
        );
        let mut anonymous =
            message::<ParticipantTopicMessage>(&Envelope::wrap(&ParticipantRegistered {
                event_id: "evt-1".into(),
                participant_id: "p-1".into(),
                entry_number: 1,
                channel: None,
                store_visited: false,
                agree_marketing: false,
                registered_at: "2026-11-21T15:10:00Z".into(),
            }));
        anonymous.message_id = None;
        assert_eq!(identified_fact(anonymous), None);
    }
}
