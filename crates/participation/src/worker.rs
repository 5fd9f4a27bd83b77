//! The `event-topic` consumer: how this service learns which events exist,
//! who owns them and whether they take entries. Idempotent by `messageId`
//! (and status only moves forward); records it cannot use are acknowledged
//! and dropped, since retrying would not make them readable.

use std::sync::Arc;

use async_trait::async_trait;
use contracts::{
    messages::{EventCreated, EventEnded, EventPublished, EventScheduleChanged},
    topics,
};
use platform::bus::{Bus, BusError, Delivery, MessageHandler, Outcome};
use serde::de::DeserializeOwned;
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
    bus.subscribe(
        topics::EVENT_TOPIC,
        GROUP,
        Arc::new(EventLifecycle { service }),
        shutdown,
    )
}

struct EventLifecycle {
    service: Arc<ParticipationService>,
}

fn parse<T: DeserializeOwned>(delivery: &Delivery) -> Option<T> {
    match serde_json::from_str(&delivery.payload) {
        Ok(message) => Some(message),
        Err(e) => {
            tracing::warn!(topic = %delivery.topic, key = %delivery.key, error = %e, "unreadable event message dropped");
            None
        }
    }
}

/// The fact an `event-topic` record carries, if it is one this service uses.
pub fn fact_of(event_type: &str, delivery: &Delivery) -> Option<EventFact> {
    match event_type {
        "EventCreated" => parse::<EventCreated>(delivery).map(|m| EventFact::Approved {
            event_id: m.event_id,
            owner_id: m.user_id,
            title: m.title,
        }),
        "EventPublished" => parse::<EventPublished>(delivery).map(|m| {
            EventFact::Published(Box::new(EventRow {
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
            }))
        }),
        "EventEnded" => parse::<EventEnded>(delivery).map(|m| EventFact::Ended {
            event_id: m.event_id,
        }),
        "EventScheduleChanged" => {
            parse::<EventScheduleChanged>(delivery).map(|m| EventFact::Rescheduled {
                event_id: m.event_id,
                end_date: m.end_date,
            })
        }
        _ => None,
    }
}

#[async_trait]
impl MessageHandler for EventLifecycle {
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&delivery.payload) else {
            tracing::warn!(key = %delivery.key, "non-JSON event-topic record dropped");
            return Outcome::Done;
        };
        let event_type = value
            .get("eventType")
            .and_then(|t| t.as_str())
            .unwrap_or_default();
        let Some(fact) = fact_of(event_type, delivery) else {
            return Outcome::Done;
        };
        // Without a messageId the record cannot be de-duplicated; the key and
        // type stand in, which still makes a redelivery a no-op.
        let message_id = value
            .get("messageId")
            .and_then(|m| m.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("{event_type}:{}", delivery.key));
        match self.service.apply_event(&message_id, fact).await {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }
}
