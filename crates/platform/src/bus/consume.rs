//! Typed consumers. A service's consumer receives its topic's messages parsed
//! into the topic's enum ([`TopicMessage`], declared in `contracts::topics`)
//! and `match`es on the variants; the parsing, and what becomes of records
//! that cannot be parsed, happen here once for every consumer.
//!
//! A record that is not JSON, carries an `eventType` its topic does not
//! list, or whose fields do not fit its type is acknowledged and skipped:
//! retrying cannot make it readable, and holding it would stall every record
//! behind it. Skips are counted in [`BUS_SKIPPED`](crate::metrics::BUS_SKIPPED)
//! by `topic`, `group` and `reason`.

use std::{marker::PhantomData, sync::Arc};

use async_trait::async_trait;
use contracts::messages::TopicMessage;
use tokio_util::sync::CancellationToken;

use super::{Bus, BusError, Delivery, MessageHandler, Outcome};

/// One record of topic `T`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<T> {
    /// The record's `messageId`; `None` when the producer wrote none (such a
    /// record cannot be de-duplicated by id).
    pub message_id: Option<String>,
    /// The record key: the marketing event's id.
    pub key: String,
    pub body: T,
}

/// A consumer of one topic's messages within a consumer group. Like
/// [`MessageHandler`], it must be idempotent: delivery is at least once.
#[async_trait]
pub trait Consumer<T: TopicMessage>: Send + Sync + 'static {
    async fn handle(&self, message: Message<T>) -> Outcome;

    /// How many waiting messages [`Self::handle_batch`] may get at once (at
    /// most [`MAX_BATCH`](super::MAX_BATCH)); see [`MessageHandler::max_batch`].
    fn max_batch(&self) -> usize {
        1
    }

    /// Handles messages that were waiting together, in their order, as one
    /// unit (see [`MessageHandler::handle_batch`]). Records skipped as
    /// unreadable are not among them.
    async fn handle_batch(&self, messages: Vec<Message<T>>) -> Outcome {
        for message in messages {
            if let Outcome::Retry(reason) = self.handle(message).await {
                return Outcome::Retry(reason);
            }
        }
        Outcome::Done
    }
}

/// Starts `consumer` on `T`'s topic as `group` until `shutdown`.
pub fn consume<T, C>(
    bus: &Arc<dyn Bus>,
    group: &'static str,
    consumer: Arc<C>,
    shutdown: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, BusError>
where
    T: TopicMessage,
    C: Consumer<T>,
{
    let handler = Arc::new(Typed {
        group,
        consumer,
        topic: PhantomData::<fn() -> T>,
    });
    bus.subscribe(T::TOPIC, group, handler, shutdown)
}

/// Why a record was skipped: the `reason` label of [`BUS_SKIPPED`](crate::metrics::BUS_SKIPPED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not a JSON object.
    Malformed,
    /// No `eventType`, or one the topic does not carry (a newer producer's).
    UnknownType,
    /// A known `eventType` whose fields do not fit it.
    InvalidPayload,
    /// Readable, but the consumer cannot use it without a `messageId`.
    NoMessageId,
}

impl Skip {
    pub fn label(self) -> &'static str {
        match self {
            Skip::Malformed => "malformed",
            Skip::UnknownType => "unknown_type",
            Skip::InvalidPayload => "invalid_payload",
            Skip::NoMessageId => "no_message_id",
        }
    }
}

/// Counts a record of `topic` that `group` acknowledged without using it.
pub fn skipped(topic: &str, group: &str, reason: Skip) {
    metrics::counter!(
        crate::metrics::BUS_SKIPPED,
        "topic" => topic.to_string(),
        "group" => group.to_string(),
        "reason" => reason.label(),
    )
    .increment(1);
}

/// Parses a record of `T`'s topic: one pass over the text, then the enum
/// picks the variant by `eventType`.
pub fn decode<T: TopicMessage>(delivery: &Delivery) -> Result<Message<T>, Skip> {
    let serde_json::Value::Object(fields) =
        serde_json::from_str(&delivery.payload).map_err(|_| Skip::Malformed)?
    else {
        return Err(Skip::Malformed);
    };
    let known = fields
        .get("eventType")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|t| T::EVENT_TYPES.contains(&t));
    if !known {
        return Err(Skip::UnknownType);
    }
    let message_id = fields
        .get("messageId")
        .and_then(serde_json::Value::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_string);
    let body = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|_| Skip::InvalidPayload)?;
    Ok(Message {
        message_id,
        key: delivery.key.clone(),
        body,
    })
}

/// Adapts a [`Consumer`] to the untyped [`MessageHandler`] the bus drives.
struct Typed<T, C> {
    group: &'static str,
    consumer: Arc<C>,
    topic: PhantomData<fn() -> T>,
}

impl<T: TopicMessage, C> Typed<T, C> {
    fn decode(&self, delivery: &Delivery) -> Option<Message<T>> {
        match decode(delivery) {
            Ok(message) => Some(message),
            Err(reason) => {
                skipped(T::TOPIC, self.group, reason);
                // The key is the event's id; the payload may hold anything.
                if reason == Skip::UnknownType {
                    tracing::debug!(topic = T::TOPIC, group = self.group, key = %delivery.key, "record of an unknown type skipped");
                } else {
                    tracing::warn!(topic = T::TOPIC, group = self.group, key = %delivery.key, reason = reason.label(), "unreadable record skipped");
                }
                None
            }
        }
    }
}

#[async_trait]
impl<T, C> MessageHandler for Typed<T, C>
where
    T: TopicMessage,
    C: Consumer<T>,
{
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        match self.decode(delivery) {
            Some(message) => self.consumer.handle(message).await,
            None => Outcome::Done,
        }
    }

    fn max_batch(&self) -> usize {
        self.consumer.max_batch()
    }

    async fn handle_batch(&self, deliveries: &[Delivery]) -> Outcome {
        let messages: Vec<Message<T>> = deliveries.iter().filter_map(|d| self.decode(d)).collect();
        if messages.is_empty() {
            return Outcome::Done;
        }
        self.consumer.handle_batch(messages).await
    }
}

impl Outcome {
    /// `Done` when `result` is a success; otherwise `Retry`, for failures
    /// that may pass (the database, a neighbour), with the error as reason.
    pub fn retry_on_error<V, E: std::fmt::Display>(result: Result<V, E>) -> Outcome {
        match result {
            Ok(_) => Outcome::Done,
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Mutex, time::Duration};

    use contracts::{
        messages::{Envelope, EventEnded},
        topics::EventTopicMessage,
    };

    use super::*;
    use crate::bus::MemoryBus;

    fn delivery(payload: &str) -> Delivery {
        Delivery {
            topic: "event-topic".into(),
            key: "evt-1".into(),
            payload: payload.into(),
        }
    }

    fn ended() -> EventEnded {
        EventEnded {
            event_id: "evt-1".into(),
            user_id: 7,
            ended_at: "2026-11-30T15:00:00Z".into(),
            reason: Some("OWNER".into()),
        }
    }

    #[test]
    fn a_record_is_parsed_into_its_topics_variant_with_its_id_and_key() {
        let envelope = Envelope::wrap(&ended());
        let message = decode::<EventTopicMessage>(&delivery(&envelope.payload)).expect("decoded");
        assert_eq!(
            message.message_id.as_deref(),
            Some(envelope.message_id.as_str())
        );
        assert_eq!(message.key, "evt-1");
        assert_eq!(message.body, EventTopicMessage::EventEnded(ended()));
    }

    #[test]
    fn records_that_cannot_be_used_say_why() {
        let skip = |payload: &str| decode::<EventTopicMessage>(&delivery(payload)).err();
        assert_eq!(skip("not json"), Some(Skip::Malformed));
        assert_eq!(skip("[1, 2]"), Some(Skip::Malformed));
        assert_eq!(skip(r#"{"eventId": "evt-1"}"#), Some(Skip::UnknownType));
        assert_eq!(
            skip(r#"{"eventType": "EventRenamed", "eventId": "evt-1"}"#),
            Some(Skip::UnknownType)
        );
        // A participant-topic type is unknown on event-topic.
        assert_eq!(
            skip(r#"{"eventType": "CouponClaimed", "eventId": "evt-1"}"#),
            Some(Skip::UnknownType)
        );
        assert_eq!(
            skip(r#"{"eventType": "EventEnded", "eventId": 1}"#),
            Some(Skip::InvalidPayload)
        );
    }

    #[test]
    fn a_record_without_message_id_still_parses() {
        let payload = r#"{"eventType":"EventEnded","eventId":"evt-1","userId":7,"endedAt":"2026-11-30T15:00:00Z"}"#;
        let message = decode::<EventTopicMessage>(&delivery(payload)).expect("decoded");
        assert_eq!(message.message_id, None);
    }

    /// Keeps the batches it was handed.
    #[derive(Default)]
    struct Batches(Mutex<Vec<Vec<&'static str>>>);

    #[async_trait]
    impl Consumer<EventTopicMessage> for Batches {
        async fn handle(&self, message: Message<EventTopicMessage>) -> Outcome {
            self.handle_batch(vec![message]).await
        }
        fn max_batch(&self) -> usize {
            8
        }
        async fn handle_batch(&self, messages: Vec<Message<EventTopicMessage>>) -> Outcome {
            let types = messages.iter().map(|m| m.body.event_type()).collect();
            self.0.lock().expect("lock").push(types);
            Outcome::Done
        }
    }

    #[tokio::test]
    async fn unreadable_records_are_skipped_and_the_rest_arrive_in_batches() {
        let bus: Arc<dyn Bus> = Arc::new(MemoryBus::new());
        let seen = Arc::new(Batches::default());
        let stop = CancellationToken::new();
        // Published before the consumer starts, so they wait together.
        let good = Envelope::wrap(&ended());
        for payload in ["not json", r#"{"eventType":"EventRenamed"}"#, &good.payload] {
            bus.publish("event-topic", "evt-1", payload)
                .await
                .expect("publish");
        }
        consume::<EventTopicMessage, _>(&bus, "g", seen.clone(), stop.clone()).expect("consume");
        for _ in 0..200 {
            if !seen.0.lock().expect("lock").is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.cancel();
        let batches = seen.0.lock().expect("lock").clone();
        assert_eq!(batches.concat(), vec!["EventEnded"]);
    }
}
