//! Topics on the bus and the messages each carries (docs/design.md §4). The
//! record key is always the marketing event's id.
//!
//! Each topic has one enum of its messages, tagged by `eventType`: the
//! platform parses a record into it once, and consumers `match` on the
//! variants. The same declaration gives every message its [`BusMessage`]
//! impl (its `eventType` is the variant's name, its topic this one), so a
//! message's name and topic are written here and nowhere else. The wire
//! format is [`Envelope`](crate::messages::Envelope)'s: one flat JSON object
//! of `eventType`, `messageId` and the payload's fields.

use crate::{
    ai::{AiJobCompleted, AiJobFailed, AiJobRequested, AiJobStarted},
    analytics::ChannelStatsReported,
    content::{ImageJobCompleted, ImageJobFailed, ImageJobRequested},
    distribution::DistributionCompleted,
    messages::{
        BusMessage, CouponClaimed, CouponRedeemed, EventCreated, EventDraftCreated, EventEnded,
        EventPublished, EventScheduleChanged, ParticipantRegistered, TopicMessage,
        WinnerNoticeUpdated,
    },
};

/// Lifecycle of marketing events ([`EventTopicMessage`]).
pub const EVENT_TOPIC: &str = "event-topic";
/// AI recommendation jobs ([`AiJobTopicMessage`]).
pub const AI_JOB_TOPIC: &str = "ai-job-topic";
/// What became of AI jobs ([`AiResultTopicMessage`]).
pub const AI_RESULT_TOPIC: &str = "ai-result-topic";
/// Image generation jobs ([`ImageJobTopicMessage`]).
pub const IMAGE_JOB_TOPIC: &str = "image-job-topic";
/// What became of image jobs ([`ImageResultTopicMessage`]).
pub const IMAGE_RESULT_TOPIC: &str = "image-result-topic";
/// Customer entries and what became of winners' prizes ([`ParticipantTopicMessage`]).
pub const PARTICIPANT_TOPIC: &str = "participant-topic";
/// Distribution outcomes and channel figures ([`DistributionTopicMessage`]).
pub const DISTRIBUTION_TOPIC: &str = "distribution-topic";

/// Every topic the system uses; the Kafka bus creates them at start because
/// some brokers (tansu) do not auto-create topics.
pub const ALL: &[&str] = &[
    EVENT_TOPIC,
    AI_JOB_TOPIC,
    AI_RESULT_TOPIC,
    IMAGE_JOB_TOPIC,
    IMAGE_RESULT_TOPIC,
    PARTICIPANT_TOPIC,
    DISTRIBUTION_TOPIC,
];

/// Declares one topic's message enum and its messages' [`BusMessage`] impls.
/// A message is keyed by its `event_id` unless `by field` names another.
macro_rules! topic {
    (
        $(#[$doc:meta])*
        $enum:ident on $topic:ident {
            $( $(#[$variant_doc:meta])* $variant:ident $(by $key:ident)? ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
        #[serde(tag = "eventType")]
        // One message at a time, parsed and moved into its consumer: boxing
        // the large variant (`EventPublished`) would only add an allocation.
        #[allow(clippy::large_enum_variant)]
        pub enum $enum {
            $( $(#[$variant_doc])* $variant($variant), )+
        }

        impl TopicMessage for $enum {
            const TOPIC: &'static str = $topic;
            const EVENT_TYPES: &'static [&'static str] = &[$(stringify!($variant)),+];
            fn event_type(&self) -> &'static str {
                match self {
                    $( Self::$variant(_) => stringify!($variant), )+
                }
            }
        }

        $(
            impl BusMessage for $variant {
                const EVENT_TYPE: &'static str = stringify!($variant);
                const TOPIC: &'static str = $topic;
                fn key(&self) -> String {
                    topic!(@key self $($key)?)
                }
            }
        )+
    };
    (@key $message:ident) => { $message.event_id.clone() };
    (@key $message:ident $key:ident) => { $message.$key.clone() };
}

topic! {
    /// `event-topic`: what happens to a marketing event, from draft to end.
    EventTopicMessage on EVENT_TOPIC {
        /// An owner picked an objective (seed 1).
        EventDraftCreated by event_draft_id,
        /// Final approval (seed 2).
        EventCreated,
        /// The event is `ACTIVE` and takes entries.
        EventPublished,
        /// The owner moved the end date.
        EventScheduleChanged,
        /// The owner ended it, or its end date passed.
        EventEnded,
    }
}

topic! {
    /// `participant-topic`: entries, and what became of winners' prizes.
    /// Never a name, phone or email.
    ParticipantTopicMessage on PARTICIPANT_TOPIC {
        /// A customer's entry was stored.
        ParticipantRegistered,
        /// A winner opened their claim page for the first time.
        CouponClaimed,
        /// A coupon was redeemed at the counter.
        CouponRedeemed,
        /// A winner notice changed state.
        WinnerNoticeUpdated,
    }
}

topic! {
    /// `distribution-topic`: distributions that ended and channel figures.
    DistributionTopicMessage on DISTRIBUTION_TOPIC {
        /// A distribution (or a retry) ended.
        DistributionCompleted,
        /// One channel's figures for one event.
        ChannelStatsReported,
    }
}

topic! {
    /// `ai-job-topic`: requests for the ai service.
    AiJobTopicMessage on AI_JOB_TOPIC {
        /// A trend analysis and three plans, please.
        AiJobRequested,
    }
}

topic! {
    /// `ai-result-topic`: what became of AI jobs.
    AiResultTopicMessage on AI_RESULT_TOPIC {
        /// The ai service took the job.
        AiJobStarted,
        /// The analysis and the plans.
        AiJobCompleted,
        /// The job failed or timed out.
        AiJobFailed,
    }
}

topic! {
    /// `image-job-topic`: requests for the content service.
    ImageJobTopicMessage on IMAGE_JOB_TOPIC {
        /// Render images in these styles and sizes, please.
        ImageJobRequested,
    }
}

topic! {
    /// `image-result-topic`: what became of image jobs.
    ImageResultTopicMessage on IMAGE_RESULT_TOPIC {
        /// Every image is rendered and stored.
        ImageJobCompleted,
        /// The job could not be done.
        ImageJobFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Envelope;

    fn sample_event_published() -> EventPublished {
        EventPublished {
            event_id: "evt-1".into(),
            user_id: 7,
            title: "가을 할인".into(),
            objective: "신규 고객 유치".into(),
            store_name: "맛있는집".into(),
            industry: "음식점".into(),
            prize: "커피".into(),
            start_date: "2026-11-21".into(),
            end_date: "2026-11-30".into(),
            channels: vec!["INSTAGRAM".into()],
            verify_phone: false,
            image_url: String::new(),
            target_participants: 100,
            estimated_cost: 50_000,
            published_at: "2026-11-21T10:00:00Z".into(),
            cost: None,
        }
    }

    #[test]
    fn a_wrapped_message_parses_back_into_its_topics_variant() {
        let published = sample_event_published();
        let envelope = Envelope::wrap(&published);
        assert_eq!(envelope.topic, EVENT_TOPIC);
        assert_eq!(envelope.key, "evt-1");
        let parsed: EventTopicMessage = serde_json::from_str(&envelope.payload).expect("parse");
        assert_eq!(parsed.event_type(), "EventPublished");
        assert_eq!(parsed, EventTopicMessage::EventPublished(published));
    }

    #[test]
    fn the_draft_message_is_keyed_by_its_draft_id() {
        let draft = EventDraftCreated {
            event_draft_id: "draft-123".into(),
            user_id: 123,
            objective: "신규 고객 유치".into(),
            created_at: "2026-11-21T10:00:00Z".into(),
        };
        assert_eq!(draft.key(), "draft-123");
        let parsed: EventTopicMessage =
            serde_json::from_str(&Envelope::wrap(&draft).payload).expect("parse");
        assert_eq!(parsed, EventTopicMessage::EventDraftCreated(draft));
    }

    #[test]
    fn the_wire_names_are_the_ones_documented() {
        assert_eq!(
            EventTopicMessage::EVENT_TYPES,
            [
                "EventDraftCreated",
                "EventCreated",
                "EventPublished",
                "EventScheduleChanged",
                "EventEnded"
            ]
        );
        assert_eq!(
            ParticipantTopicMessage::EVENT_TYPES,
            [
                "ParticipantRegistered",
                "CouponClaimed",
                "CouponRedeemed",
                "WinnerNoticeUpdated"
            ]
        );
        assert_eq!(
            DistributionTopicMessage::EVENT_TYPES,
            ["DistributionCompleted", "ChannelStatsReported"]
        );
        assert_eq!(AiJobTopicMessage::EVENT_TYPES, ["AiJobRequested"]);
        assert_eq!(
            AiResultTopicMessage::EVENT_TYPES,
            ["AiJobStarted", "AiJobCompleted", "AiJobFailed"]
        );
        assert_eq!(ImageJobTopicMessage::EVENT_TYPES, ["ImageJobRequested"]);
        assert_eq!(
            ImageResultTopicMessage::EVENT_TYPES,
            ["ImageJobCompleted", "ImageJobFailed"]
        );
        assert_eq!(ChannelStatsReported::TOPIC, DISTRIBUTION_TOPIC);
        assert_eq!(AiJobStarted::TOPIC, AI_RESULT_TOPIC);
        assert_eq!(ImageJobRequested::TOPIC, IMAGE_JOB_TOPIC);
    }

    #[test]
    fn a_type_of_another_topic_or_none_is_not_a_message_of_this_one() {
        let ended =
            r#"{"eventType":"EventEnded","messageId":"m","eventId":"e","userId":1,"endedAt":"x"}"#;
        assert!(serde_json::from_str::<ParticipantTopicMessage>(ended).is_err());
        assert!(serde_json::from_str::<EventTopicMessage>(ended).is_ok());
        assert!(serde_json::from_str::<EventTopicMessage>(r#"{"eventId":"e"}"#).is_err());
    }
}
