//! Topic names on the bus (docs/design.md §4). The record key is always the
//! marketing event's id.

/// Lifecycle of marketing events: `EventDraftCreated`, `EventCreated`,
/// `EventPublished`, `EventEnded`.
pub const EVENT_TOPIC: &str = "event-topic";
/// AI recommendation jobs: `AiJobRequested`.
pub const AI_JOB_TOPIC: &str = "ai-job-topic";
/// What became of AI jobs: `AiJobStarted`, `AiJobCompleted`, `AiJobFailed`.
pub const AI_RESULT_TOPIC: &str = "ai-result-topic";
/// Image generation jobs: `ImageJobRequested`.
pub const IMAGE_JOB_TOPIC: &str = "image-job-topic";
/// What became of image jobs: `ImageJobCompleted`, `ImageJobFailed`.
pub const IMAGE_RESULT_TOPIC: &str = "image-result-topic";
/// Customer entries: `ParticipantRegistered`.
pub const PARTICIPANT_TOPIC: &str = "participant-topic";
/// Distribution outcomes: `DistributionCompleted`.
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
