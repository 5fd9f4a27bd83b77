//! The `event-topic` consumer: how this service learns which events exist,
//! who owns them and whether they take entries. Idempotent by `messageId`
//! (and status only moves forward); records it cannot use are acknowledged
//! and dropped, since retrying would not make them readable.

use std::sync::Arc;

use async_trait::async_trait;
use contracts::{messages::TopicMessage, topics::EventTopicMessage};
use platform::bus::{self, Bus, BusError, Consumer, Message, Outcome};
use tokio_util::sync::CancellationToken;

use crate::{
    service::ParticipationService,
    store::{EventFact, EventRow},
};

/// Consumer group of the participation service.
pub const GROUP: &str = "participation";

/// Subscribes the `event-topic` consumer.
pub fn start(
    service: Arc<ParticipationService>,
    bus: &Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, BusError> {
    bus::consume(bus, GROUP, Arc::new(EventLifecycle { service }), shutdown)
}

struct EventLifecycle {
    service: Arc<ParticipationService>,
}

/// The fact an `event-topic` message carries, if it is one this service uses.
pub fn fact_of(message: EventTopicMessage) -> Option<EventFact> {
    match message {
        EventTopicMessage::EventCreated(m) => Some(EventFact::Approved {
            event_id: m.event_id,
            owner_id: m.user_id,
            title: m.title,
        }),
        EventTopicMessage::EventPublished(m) => Some(EventFact::Published(Box::new(EventRow {
            event_id: m.event_id,
            owner_id: m.user_id,
            status: contracts::status::EventStatus::Active.as_str().into(),
            title: m.title,
            store_name: m.store_name,
            prize: m.prize,
            start_date: Some(m.start_date).filter(|d| !d.is_empty()),
            end_date: Some(m.end_date).filter(|d| !d.is_empty()),
            channels: serde_json::to_string(&m.channels).unwrap_or_else(|_| "[]".into()),
            entry_count: 0,
            image_url: Some(m.image_url).filter(|u| !u.is_empty()),
            seed_commitment: None,
            ended_at: None,
            verify_phone: m.verify_phone,
        }))),
        EventTopicMessage::EventEnded(m) => Some(EventFact::Ended {
            event_id: m.event_id,
        }),
        EventTopicMessage::EventScheduleChanged(m) => Some(EventFact::Rescheduled {
            event_id: m.event_id,
            end_date: m.end_date,
        }),
        EventTopicMessage::EventDraftCreated(_) => None,
    }
}

#[async_trait]
impl Consumer<EventTopicMessage> for EventLifecycle {
    async fn handle(&self, message: Message<EventTopicMessage>) -> Outcome {
        let event_type = message.body.event_type();
        let Some(fact) = fact_of(message.body) else {
            return Outcome::Done;
        };
        // Without a messageId the record cannot be de-duplicated; the key and
        // type stand in, which still makes a redelivery a no-op.
        let message_id = message
            .message_id
            .unwrap_or_else(|| format!("{event_type}:{}", message.key));
        Outcome::retry_on_error(self.service.apply_event(&message_id, fact).await)
    }
}
