//! The message bus: `memory://` (in-process, consumer groups, at-least-once)
//! or `kafka://host:port` (rdkafka). Producers go through the
//! [`outbox`](crate::outbox); consumers implement [`MessageHandler`] and must
//! be idempotent by `messageId`, since delivery is at-least-once.

mod kafka;
mod memory;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

pub use kafka::KafkaBus;
pub use memory::MemoryBus;

/// Bus failures.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("broker unavailable: {0}")]
    Unavailable(String),
    #[error("publish not acknowledged in time")]
    Timeout,
    #[error("invalid bus url: {0}")]
    Url(String),
}

/// A record as a consumer receives it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub topic: String,
    pub key: String,
    pub payload: String,
}

/// What a handler did with a delivery: done (commit) or retry later (no commit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Retry(String),
}

/// A consumer of one topic within a consumer group.
#[async_trait]
pub trait MessageHandler: Send + Sync {
    async fn handle(&self, delivery: &Delivery) -> Outcome;
}

/// A bus backend.
#[async_trait]
pub trait Bus: Send + Sync {
    /// Publishes and waits for the broker's acknowledgement.
    async fn publish(&self, topic: &str, key: &str, payload: &str) -> Result<(), BusError>;
    /// Starts consuming `topic` as `group` until `shutdown`; every group sees
    /// every record, members of one group share them.
    fn subscribe(
        &self,
        topic: &str,
        group: &str,
        handler: Arc<dyn MessageHandler>,
        shutdown: CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, BusError>;
    /// Whether the broker answers, for readiness checks.
    async fn ping(&self) -> Result<(), BusError>;
    fn name(&self) -> &'static str;
}

/// Builds the bus named by `url`, creating `topics` where the broker needs it.
pub async fn from_url(
    url: &str,
    topics: &[&str],
    publish_timeout: Duration,
) -> Result<Arc<dyn Bus>, BusError> {
    if url.starts_with("memory://") {
        return Ok(Arc::new(MemoryBus::new()));
    }
    let brokers = url
        .strip_prefix("kafka://")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| BusError::Url(url.to_string()))?;
    let bus = KafkaBus::connect(brokers, topics, publish_timeout)?;
    bus.ensure_topics().await;
    Ok(Arc::new(bus))
}

/// Delay before redelivering a record whose handler asked to retry.
pub(crate) fn retry_delay(attempt: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << attempt.min(6)))
}
