//! Topic names on the bus (SYSTEM.md §4). The record key is always the
//! marketing event's id.

/// Lifecycle of marketing events: `EventDraftCreated`, `EventCreated`, `EventEnded`.
pub const EVENT_TOPIC: &str = "event-topic";
/// AI recommendation jobs.
pub const AI_JOB_TOPIC: &str = "ai-job-topic";
/// Image generation jobs.
pub const IMAGE_JOB_TOPIC: &str = "image-job-topic";
/// Customer entries: `ParticipantRegistered`.
pub const PARTICIPANT_TOPIC: &str = "participant-topic";
/// Distribution outcomes: `DistributionCompleted`.
pub const DISTRIBUTION_TOPIC: &str = "distribution-topic";

/// Every topic the system uses; the Kafka bus creates them at start because
/// some brokers (tansu) do not auto-create topics.
pub const ALL: &[&str] = &[
    EVENT_TOPIC,
    AI_JOB_TOPIC,
    IMAGE_JOB_TOPIC,
    PARTICIPANT_TOPIC,
    DISTRIBUTION_TOPIC,
];
