//! The message bus: `memory://` (in-process, consumer groups, at-least-once)
//! or `kafka://host:port` (rdkafka). Producers go through the
//! [`outbox`](crate::outbox); services' consumers implement [`Consumer`] for
//! their topic's message enum and start with [`consume`], which parses each
//! record once (the untyped [`MessageHandler`] underneath is what backends
//! drive). Consumers must be idempotent by `messageId`, since delivery is
//! at-least-once.

mod consume;
mod kafka;
mod memory;
#[cfg(any(test, feature = "test-support"))]
mod recorder;
mod supervise;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

pub use consume::{consume, decode, skipped, Consumer, Message, Skip};
pub use kafka::KafkaBus;
pub use memory::MemoryBus;
#[cfg(any(test, feature = "test-support"))]
pub use recorder::Recorder;
pub use supervise::{ConsumerState, Consumers, Supervised};

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

/// The broker's acknowledgement of an [`Bus::enqueue`]d record.
pub type Ack = futures::future::BoxFuture<'static, Result<(), BusError>>;

/// Most records a handler can ask for at once ([`MessageHandler::max_batch`]).
pub const MAX_BATCH: usize = 256;

/// A consumer of one topic within a consumer group.
#[async_trait]
pub trait MessageHandler: Send + Sync {
    async fn handle(&self, delivery: &Delivery) -> Outcome;

    /// How many waiting records [`Self::handle_batch`] may get at once (at
    /// most [`MAX_BATCH`]). One by default: slow handlers (a job that renders
    /// images) must not sit on many records, and a retry repeats the batch.
    fn max_batch(&self) -> usize {
        1
    }

    /// Handles records that were waiting together, in their order, as one
    /// unit: `Done` commits them all, `Retry` has them all delivered again
    /// (handlers are idempotent by `messageId`, so the ones already applied
    /// stay applied once). The default hands them to [`Self::handle`] one by
    /// one; a handler that can apply many records in one transaction
    /// overrides it.
    async fn handle_batch(&self, deliveries: &[Delivery]) -> Outcome {
        for delivery in deliveries {
            if let Outcome::Retry(reason) = self.handle(delivery).await {
                return Outcome::Retry(reason);
            }
        }
        Outcome::Done
    }
}

/// Runs `handler` on `deliveries` until it answers `Done`, waiting longer
/// after each `Retry`; `false` when `shutdown` came first.
pub(crate) async fn handle_until_done(
    handler: &dyn MessageHandler,
    deliveries: &[Delivery],
    topic: &str,
    group: &str,
    shutdown: &CancellationToken,
) -> bool {
    let labels = [("topic", topic.to_string()), ("group", group.to_string())];
    let records = deliveries.len() as u64;
    let mut attempt = 0;
    loop {
        if attempt > 0 {
            metrics::counter!(crate::metrics::BUS_RETRIED, &labels).increment(records);
        }
        match handler.handle_batch(deliveries).await {
            Outcome::Done => {
                metrics::counter!(crate::metrics::BUS_HANDLED, &labels).increment(records);
                return true;
            }
            Outcome::Retry(reason) => {
                metrics::counter!(crate::metrics::BUS_FAILED, &labels).increment(records);
                tracing::warn!(topic, group, attempt, reason, "handler asked to retry");
                attempt += 1;
                tokio::select! {
                    _ = tokio::time::sleep(retry_delay(attempt)) => {}
                    _ = shutdown.cancelled() => return false,
                }
            }
        }
    }
}

/// A bus backend.
#[async_trait]
pub trait Bus: Send + Sync {
    /// Publishes and waits for the broker's acknowledgement.
    async fn publish(&self, topic: &str, key: &str, payload: &str) -> Result<(), BusError>;
    /// Hands the record to the broker client now, so records keep the order
    /// of the calls, and answers a future that resolves with the broker's
    /// acknowledgement. Lets a caller pipeline many records without waiting
    /// for each round trip.
    fn enqueue(&self, topic: &str, key: &str, payload: &str) -> Ack;
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

/// Choices about a bus beyond its URL.
#[derive(Debug, Clone, Copy, Default)]
pub struct BusOptions {
    /// Consumers acknowledge and skip records written before this instant
    /// (Unix ms) instead of handling them. Tests sharing one broker use it so
    /// that a new app does not work through every earlier test's records.
    pub skip_records_before_ms: Option<i64>,
    /// Kafka: the longest a consumer's fetch may wait for records
    /// (`fetch.wait.max.ms`); 0 keeps the client's default (500 ms).
    pub fetch_wait_ms: u64,
}

/// Builds the bus named by `url`, creating `topics` where the broker needs it.
pub async fn from_url(
    url: &str,
    topics: &[&str],
    publish_timeout: Duration,
) -> Result<Arc<dyn Bus>, BusError> {
    from_url_with(url, topics, publish_timeout, BusOptions::default()).await
}

/// [`from_url`] with [`BusOptions`].
pub async fn from_url_with(
    url: &str,
    topics: &[&str],
    publish_timeout: Duration,
    options: BusOptions,
) -> Result<Arc<dyn Bus>, BusError> {
    if url.starts_with("memory://") {
        return Ok(Arc::new(MemoryBus::new()));
    }
    let brokers = url
        .strip_prefix("kafka://")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| BusError::Url(url.to_string()))?;
    let mut bus = KafkaBus::connect(brokers, topics, publish_timeout)?;
    bus.skip_records_before_ms = options.skip_records_before_ms;
    bus.fetch_wait_ms = options.fetch_wait_ms;
    bus.ensure_topics().await;
    Ok(Arc::new(bus))
}

/// One namespace of a shared broker: consumer groups carry the prefix, and
/// record keys too (`{prefix}|{key}`), so that several apps on one broker
/// (parallel tests) each see every record of their own and none of the
/// others'. Handlers see the original key. Never used in production, where
/// the prefix is empty and this wrapper is not installed.
pub struct PrefixedGroups {
    inner: Arc<dyn Bus>,
    prefix: String,
}

const NAMESPACE_SEPARATOR: char = '|';

impl PrefixedGroups {
    /// `inner` itself when `prefix` is empty.
    pub fn wrap(inner: Arc<dyn Bus>, prefix: &str) -> Arc<dyn Bus> {
        if prefix.is_empty() {
            return inner;
        }
        Arc::new(PrefixedGroups {
            inner,
            prefix: prefix.to_string(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{NAMESPACE_SEPARATOR}{key}", self.prefix)
    }
}

/// Passes on the records of one namespace, with their original keys.
struct NamespaceFilter {
    marker: String,
    handler: Arc<dyn MessageHandler>,
}

#[async_trait]
impl MessageHandler for NamespaceFilter {
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        let Some(key) = delivery.key.strip_prefix(&self.marker) else {
            return Outcome::Done;
        };
        let own = Delivery {
            topic: delivery.topic.clone(),
            key: key.to_string(),
            payload: delivery.payload.clone(),
        };
        self.handler.handle(&own).await
    }

    fn max_batch(&self) -> usize {
        self.handler.max_batch()
    }

    async fn handle_batch(&self, deliveries: &[Delivery]) -> Outcome {
        let own: Vec<Delivery> = deliveries
            .iter()
            .filter_map(|d| {
                d.key.strip_prefix(&self.marker).map(|key| Delivery {
                    topic: d.topic.clone(),
                    key: key.to_string(),
                    payload: d.payload.clone(),
                })
            })
            .collect();
        if own.is_empty() {
            return Outcome::Done;
        }
        self.handler.handle_batch(&own).await
    }
}

#[async_trait]
impl Bus for PrefixedGroups {
    async fn publish(&self, topic: &str, key: &str, payload: &str) -> Result<(), BusError> {
        self.inner.publish(topic, &self.key(key), payload).await
    }
    fn enqueue(&self, topic: &str, key: &str, payload: &str) -> Ack {
        self.inner.enqueue(topic, &self.key(key), payload)
    }
    fn subscribe(
        &self,
        topic: &str,
        group: &str,
        handler: Arc<dyn MessageHandler>,
        shutdown: CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, BusError> {
        let group = format!("{}{group}", self.prefix);
        let filter = Arc::new(NamespaceFilter {
            marker: self.key(""),
            handler,
        });
        self.inner.subscribe(topic, &group, filter, shutdown)
    }
    async fn ping(&self) -> Result<(), BusError> {
        self.inner.ping().await
    }
    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

/// Delay before redelivering a record whose handler asked to retry.
pub(crate) fn retry_delay(attempt: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << attempt.min(6)))
}

#[cfg(test)]
mod namespace_tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Keys(Mutex<Vec<String>>);

    #[async_trait]
    impl MessageHandler for Keys {
        async fn handle(&self, delivery: &Delivery) -> Outcome {
            self.0.lock().expect("lock").push(delivery.key.clone());
            Outcome::Done
        }
    }

    #[tokio::test]
    async fn apps_on_one_broker_see_only_their_own_records_with_original_keys() {
        let broker: Arc<dyn Bus> = Arc::new(MemoryBus::new());
        let (a, b) = (
            PrefixedGroups::wrap(broker.clone(), "a-"),
            PrefixedGroups::wrap(broker.clone(), "b-"),
        );
        let (seen_a, seen_b) = (Arc::new(Keys::default()), Arc::new(Keys::default()));
        let stop = CancellationToken::new();
        a.subscribe("t", "g", seen_a.clone(), stop.clone())
            .expect("a");
        b.subscribe("t", "g", seen_b.clone(), stop.clone())
            .expect("b");
        a.publish("t", "evt-1", "{}").await.expect("publish");
        b.enqueue("t", "evt-2", "{}").await.expect("enqueue");
        for _ in 0..100 {
            if !seen_a.0.lock().expect("lock").is_empty()
                && !seen_b.0.lock().expect("lock").is_empty()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.cancel();
        assert_eq!(*seen_a.0.lock().expect("lock"), vec!["evt-1".to_string()]);
        assert_eq!(*seen_b.0.lock().expect("lock"), vec!["evt-2".to_string()]);
    }
}
