//! Bus message payloads. On the wire each message is one flat JSON object:
//! `eventType`, a unique `messageId`, then the payload fields verbatim
//! (docs/design.md §4).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A payload that can travel on the bus. Implemented by
/// [`topics`](crate::topics) for each message it lists, so a message's
/// `eventType` and topic are written in one place.
pub trait BusMessage: Serialize {
    /// The `eventType` discriminator written into the flat JSON.
    const EVENT_TYPE: &'static str;
    /// The topic this message is published on.
    const TOPIC: &'static str;
    /// The record key: the marketing event's id.
    fn key(&self) -> String;
}

/// Every message one topic carries, as one enum tagged by `eventType`
/// (declared in [`topics`](crate::topics)). Consumers receive it parsed and
/// `match` on its variants.
pub trait TopicMessage: DeserializeOwned + std::fmt::Debug + Send + Sync + 'static {
    /// The topic's name.
    const TOPIC: &'static str;
    /// The `eventType`s the topic carries: the enum's variants.
    const EVENT_TYPES: &'static [&'static str];
    /// This message's `eventType`.
    fn event_type(&self) -> &'static str;
}

/// A message ready to be written to the outbox: topic, key and the flat JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub message_id: String,
    pub topic: String,
    pub key: String,
    pub payload: String,
}

impl Envelope {
    /// Wraps `message` into its flat JSON form with a fresh `messageId`.
    pub fn wrap<M: BusMessage>(message: &M) -> Envelope {
        let message_id = uuid::Uuid::new_v4().to_string();
        let mut value = serde_json::to_value(message).unwrap_or_default();
        let mut flat = serde_json::Map::new();
        flat.insert("eventType".into(), M::EVENT_TYPE.into());
        flat.insert("messageId".into(), message_id.clone().into());
        if let serde_json::Value::Object(fields) = value.take() {
            flat.extend(fields);
        }
        Envelope {
            message_id,
            topic: M::TOPIC.to_string(),
            key: message.key(),
            payload: serde_json::Value::Object(flat).to_string(),
        }
    }
}

/// Timestamps on the bus are RFC 3339 in UTC with a `Z`, e.g. `2026-11-21T10:00:00Z`.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Published on `event-topic` when an owner picks an objective (seed 1, step 5).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventDraftCreated {
    pub event_draft_id: String,
    pub user_id: i64,
    pub objective: String,
    pub created_at: String,
}

/// Published on `event-topic` at final approval (seed 2, step 4).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventCreated {
    pub event_id: String,
    pub user_id: i64,
    pub title: String,
    pub objective: String,
    pub created_at: String,
}

/// Published on `event-topic` when an event ends: by its owner, or by the
/// scheduler once its end date has passed (`reason` says which).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventEnded {
    pub event_id: String,
    pub user_id: i64,
    pub ended_at: String,
    /// `OWNER` or `END_DATE`; absent in messages from before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Published on `event-topic` when the owner moves the end date of an
/// `ACTIVE` event (`PUT /api/events/{id}/schedule`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventScheduleChanged {
    pub event_id: String,
    pub user_id: i64,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `YYYY-MM-DD`, inclusive.
    pub end_date: String,
    pub changed_at: String,
}

/// Published on `event-topic` when an event goes `ACTIVE` (seed 2, step 6):
/// participation opens entries on it, analytics learns the plan's targets and costs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventPublished {
    pub event_id: String,
    pub user_id: i64,
    pub title: String,
    pub objective: String,
    pub store_name: String,
    pub industry: String,
    pub prize: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `YYYY-MM-DD`, inclusive.
    pub end_date: String,
    /// Channel codes the event was distributed to.
    pub channels: Vec<String>,
    /// Entrants confirm their phone with an SMS code before their entry is
    /// stored; fixed once published (absent in older messages: false).
    #[serde(default)]
    pub verify_phone: bool,
    /// The chosen promotional image (a path under this product's origin, or absolute).
    #[serde(default)]
    pub image_url: String,
    /// The plan's expected new customers (the participation target).
    pub target_participants: u32,
    /// The event's cost in won (`cost.total`; kept for older readers).
    pub estimated_cost: i64,
    /// The event's cost as the owner saw it before publishing
    /// ([`crate::money::cost`]): every chosen channel and the prize. Analytics
    /// counts it as the investment, leaving out channels that failed.
    /// Absent in older messages.
    #[serde(default)]
    pub cost: Option<crate::money::Cost>,
    pub published_at: String,
}

/// Published on `participant-topic` when a customer's entry is stored
/// (UFR-PART-010). Carries no personal data: no name, phone or email.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantRegistered {
    pub event_id: String,
    pub participant_id: String,
    /// Order of entry within the event, from 1, without gaps.
    pub entry_number: i64,
    /// The channel code that brought the customer, when known.
    pub channel: Option<String>,
    pub store_visited: bool,
    pub agree_marketing: bool,
    pub registered_at: String,
}

/// Published on `participant-topic` when a winner's coupon is redeemed at
/// the counter: a measured store visit. No personal data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CouponRedeemed {
    pub event_id: String,
    pub participant_id: String,
    pub prize_rank: i64,
    /// The entry channel of the holder, when known.
    pub channel: Option<String>,
    pub redeemed_at: String,
}

/// Published on `participant-topic` the first time a winner opens their
/// claim page: the prize was claimed. No personal data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CouponClaimed {
    pub event_id: String,
    pub participant_id: String,
    pub prize_rank: i64,
    /// The entry channel of the holder, when known.
    pub channel: Option<String>,
    pub claimed_at: String,
}

/// Published on `participant-topic` when a winner notice changes state
/// (`SENT`, `DELIVERED`, `FAILED`). No personal data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WinnerNoticeUpdated {
    pub event_id: String,
    pub notice_id: String,
    pub participant_id: String,
    /// `SMS` or `ALIMTALK`.
    pub channel: String,
    pub status: String,
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_flat_json_with_type_and_message_id() {
        let msg = EventDraftCreated {
            event_draft_id: "draft-123".into(),
            user_id: 123,
            objective: "신규 고객 유치".into(),
            created_at: "2026-11-21T10:00:00Z".into(),
        };
        let env = Envelope::wrap(&msg);
        assert_eq!(env.topic, "event-topic");
        assert_eq!(env.key, "draft-123");
        let v: serde_json::Value = serde_json::from_str(&env.payload).expect("json");
        assert_eq!(v["eventType"], "EventDraftCreated");
        assert_eq!(v["messageId"], env.message_id.as_str());
        assert_eq!(v["eventDraftId"], "draft-123");
        assert_eq!(v["userId"], 123);
        assert_eq!(v["objective"], "신규 고객 유치");
        assert_eq!(v["createdAt"], "2026-11-21T10:00:00Z");
        assert_eq!(v.as_object().map(|o| o.len()), Some(6));
    }

    #[test]
    fn every_envelope_gets_its_own_message_id() {
        let msg = EventCreated {
            event_id: "e".into(),
            user_id: 1,
            title: "t".into(),
            objective: "매출 증대".into(),
            created_at: "2026-11-21T10:00:00Z".into(),
        };
        assert_ne!(
            Envelope::wrap(&msg).message_id,
            Envelope::wrap(&msg).message_id
        );
    }
}
