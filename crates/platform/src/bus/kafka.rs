//! Kafka through rdkafka: an ordered producer (one request in flight) that waits for the
//! acknowledgement, and consumer groups that commit a record only after its
//! handler is done (at-least-once).

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use async_trait::async_trait;
use futures::StreamExt;
use rdkafka::{
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    config::ClientConfig,
    consumer::{CommitMode, Consumer, StreamConsumer},
    error::RDKafkaErrorCode,
    message::Message,
    producer::{FutureProducer, FutureRecord, Producer},
    topic_partition_list::{Offset, TopicPartitionList},
    util::Timeout,
};
use tokio_util::sync::CancellationToken;

use super::{handle_until_done, Ack, Bus, BusError, Delivery, MessageHandler, MAX_BATCH};

/// The `kafka://` bus.
pub struct KafkaBus {
    brokers: String,
    producer: FutureProducer,
    publish_timeout: Duration,
    /// Topics the system needs; created at start, or at the first publish
    /// after the broker comes back if it was down at start.
    topics: Vec<String>,
    topics_ready: AtomicBool,
    /// See [`super::BusOptions::skip_records_before_ms`].
    pub(crate) skip_records_before_ms: Option<i64>,
    /// See [`super::BusOptions::fetch_wait_ms`].
    pub(crate) fetch_wait_ms: u64,
}

impl KafkaBus {
    /// Creates the producer; the broker may be down (the outbox covers that).
    pub fn connect(
        brokers: &str,
        topics: &[&str],
        publish_timeout: Duration,
    ) -> Result<KafkaBus, BusError> {
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            // Not the idempotent producer: tansu 0.6 panics in its idempotent
            // sequence check under concurrent producers and stops serving
            // (seen in this project's test runs). One request in flight keeps
            // each partition's order across retries; a retried record may be
            // written twice, which consumers absorb (idempotent by messageId).
            .set("enable.idempotence", "false")
            .set("max.in.flight.requests.per.connection", "1")
            .set("acks", "all")
            .set("linger.ms", "1")
            .set(
                "message.timeout.ms",
                publish_timeout.as_millis().max(1).to_string(),
            )
            .create()
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        Ok(KafkaBus {
            brokers: brokers.to_string(),
            producer,
            publish_timeout,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            topics_ready: AtomicBool::new(false),
            skip_records_before_ms: None,
            fetch_wait_ms: 0,
        })
    }

    /// Creates the topics the system uses; some brokers (tansu) do not
    /// auto-create them. Failures are logged: the outbox keeps messages until
    /// the broker and its topics exist.
    pub async fn ensure_topics(&self) -> bool {
        let admin: Result<AdminClient<DefaultClientContext>, _> = ClientConfig::new()
            .set("bootstrap.servers", &self.brokers)
            .create();
        let admin = match admin {
            Ok(admin) => admin,
            Err(e) => {
                tracing::warn!(error = %e, "kafka admin client unavailable");
                return false;
            }
        };
        let new_topics: Vec<NewTopic> = self
            .topics
            .iter()
            .map(|t| NewTopic::new(t, 1, TopicReplication::Fixed(1)))
            .collect();
        // Short timeouts: a broker that is down must not hold up start-up;
        // the next publish tries again.
        let options = AdminOptions::new()
            .operation_timeout(Some(self.publish_timeout))
            .request_timeout(Some(self.publish_timeout));
        let mut ready = true;
        match admin.create_topics(&new_topics, &options).await {
            Ok(results) => {
                for result in results {
                    match result {
                        Ok(topic) => tracing::info!(topic, "kafka topic created"),
                        Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                        Err((topic, code)) => {
                            ready = false;
                            tracing::warn!(topic, ?code, "kafka topic not created")
                        }
                    }
                }
            }
            Err(e) => {
                ready = false;
                tracing::warn!(error = %e, "kafka topics not created");
            }
        }
        self.topics_ready.store(ready, Ordering::Relaxed);
        ready
    }

    fn consumer(&self, group: &str) -> Result<StreamConsumer, BusError> {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.brokers)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "10000");
        if self.fetch_wait_ms > 0 {
            // tansu seems to answer a fetch only when this wait ends, even
            // when records are there (inferred from the dashboard's lag), so it bounds how late a consumer sees them.
            config.set("fetch.wait.max.ms", self.fetch_wait_ms.to_string());
        }
        config
            .create()
            .map_err(|e| BusError::Unavailable(e.to_string()))
    }
}

fn unavailable(reason: &str) -> Ack {
    let error = BusError::Unavailable(reason.to_string());
    Box::pin(std::future::ready(Err(error)))
}

#[async_trait]
impl Bus for KafkaBus {
    async fn publish(&self, topic: &str, key: &str, payload: &str) -> Result<(), BusError> {
        if !self.topics_ready.load(Ordering::Relaxed) && !self.ensure_topics().await {
            return Err(BusError::Unavailable("topics could not be created".into()));
        }
        let record = FutureRecord::to(topic).key(key).payload(payload);
        self.producer
            .send(record, Timeout::After(self.publish_timeout))
            .await
            .map(|_| ())
            .map_err(|(e, _)| BusError::Unavailable(e.to_string()))
    }

    fn enqueue(&self, topic: &str, key: &str, payload: &str) -> Ack {
        if !self.topics_ready.load(Ordering::Relaxed) {
            // Creating topics needs a round trip; the outbox relay's
            // `publish` does it, and sends this record then.
            return unavailable("topics not created yet");
        }
        let record = FutureRecord::to(topic).key(key).payload(payload);
        let delivery = match self.producer.send_result(record) {
            Ok(delivery) => delivery,
            Err((e, _)) => return unavailable(&e.to_string()),
        };
        // librdkafka gives up on the record after `message.timeout.ms`
        // (the publish timeout), so the delivery future always ends.
        Box::pin(async move {
            match delivery.await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err((e, _))) => Err(BusError::Unavailable(e.to_string())),
                Err(_) => Err(BusError::Unavailable("producer dropped the record".into())),
            }
        })
    }

    fn subscribe(
        &self,
        topic: &str,
        group: &str,
        handler: Arc<dyn MessageHandler>,
        shutdown: CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, BusError> {
        let consumer = self.consumer(group)?;
        consumer
            .subscribe(&[topic])
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        let (topic, group) = (topic.to_string(), group.to_string());
        let skip_before = self.skip_records_before_ms;
        let producer = self.producer.clone();
        Ok(tokio::spawn(async move {
            let mut lag_checked = None;
            let mut committed: Option<TopicPartitionList> = None;
            // Records that are already waiting arrive together (as many as
            // the handler takes), so it may apply them in one transaction and
            // one commit covers them all.
            let mut chunks = consumer
                .stream()
                .ready_chunks(handler.max_batch().clamp(1, MAX_BATCH));
            loop {
                let chunk = tokio::select! {
                    c = chunks.next() => c,
                    _ = shutdown.cancelled() => {
                        // The last commit was asynchronous: make sure the
                        // broker has it before the process goes.
                        if let Some(positions) = &committed {
                            if let Err(e) = consumer.commit(positions, CommitMode::Sync) {
                                tracing::warn!(topic, group, error = %e, "final kafka commit failed");
                            }
                        }
                        return;
                    }
                };
                let Some(chunk) = chunk else { return };
                let mut positions = TopicPartitionList::new();
                let mut deliveries = Vec::with_capacity(chunk.len());
                let mut failed = false;
                let mut last_position = None;
                for message in chunk {
                    let message = match message {
                        Ok(m) => m,
                        Err(e) => {
                            tracing::warn!(topic, group, error = %e, "kafka receive failed");
                            metrics::counter!(crate::metrics::BUS_FAILED, "topic" => topic.clone(), "group" => group.clone())
                                .increment(1);
                            failed = true;
                            continue;
                        }
                    };
                    // Records of a partition arrive in order: the last one
                    // sets the partition's next offset.
                    let (t, p) = (message.topic(), message.partition());
                    let next = Offset::Offset(message.offset() + 1);
                    last_position = Some((p, message.offset() + 1));
                    // `add_partition` would list a partition twice.
                    let recorded = if positions.find_partition(t, p).is_some() {
                        positions.set_partition_offset(t, p, next)
                    } else {
                        positions.add_partition_offset(t, p, next)
                    };
                    if let Err(e) = recorded {
                        tracing::warn!(topic, group, error = %e, "kafka offset not recorded");
                    }
                    let written_ms = message.timestamp().to_millis();
                    if skip_before.is_some_and(|limit| written_ms.is_some_and(|at| at < limit)) {
                        // Committed with the next handled record, not on
                        // their own; re-skipping after a restart is harmless.
                        continue;
                    }
                    deliveries.push(Delivery {
                        topic: message.topic().to_string(),
                        key: String::from_utf8_lossy(message.key().unwrap_or_default())
                            .into_owned(),
                        payload: message
                            .payload_view::<str>()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .to_string(),
                    });
                }
                if deliveries.is_empty() {
                    if failed {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    continue;
                }
                if !handle_until_done(handler.as_ref(), &deliveries, &topic, &group, &shutdown)
                    .await
                {
                    return;
                }
                if let Err(e) = consumer.commit(&positions, CommitMode::Async) {
                    tracing::warn!(topic, group, error = %e, "kafka commit failed");
                }
                committed = Some(positions);
                if let Some((partition, next)) = last_position {
                    if lag_checked.is_none_or(|at: Instant| at.elapsed() >= LAG_CHECK_EVERY) {
                        lag_checked = Some(Instant::now());
                        report_lag(&producer, &topic, &group, partition, next);
                    }
                }
            }
        }))
    }

    async fn ping(&self) -> Result<(), BusError> {
        // fetch_metadata blocks the calling thread; keep it off the async workers.
        let producer = self.producer.clone();
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(None, Timeout::After(Duration::from_secs(2)))
                .map(|_| ())
                .map_err(|e| BusError::Unavailable(e.to_string()))
        })
        .await
        .map_err(|e| BusError::Unavailable(e.to_string()))?
    }

    fn name(&self) -> &'static str {
        "kafka"
    }
}

/// How often a consumer asks the broker for its partition's end, to report lag.
const LAG_CHECK_EVERY: Duration = Duration::from_secs(5);

/// Sets the lag gauge from the partition's high watermark; the query blocks,
/// so it runs on the blocking pool and the consumer does not wait for it.
fn report_lag(producer: &FutureProducer, topic: &str, group: &str, partition: i32, next: i64) {
    let (producer, topic, group) = (producer.clone(), topic.to_string(), group.to_string());
    tokio::task::spawn_blocking(move || {
        let marks = producer.client().fetch_watermarks(
            &topic,
            partition,
            Timeout::After(Duration::from_secs(2)),
        );
        if let Ok((_, high)) = marks {
            metrics::gauge!(crate::metrics::BUS_LAG, "topic" => topic, "group" => group)
                .set(high.saturating_sub(next).max(0) as f64);
        }
    });
}

impl Drop for KafkaBus {
    fn drop(&mut self) {
        // Hand queued messages to the broker before the process goes.
        let _ = self.producer.flush(Timeout::After(Duration::from_secs(2)));
    }
}
