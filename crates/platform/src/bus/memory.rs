//! In-process bus: one append-only log per topic, one committed offset per
//! consumer group. A record is committed only after its handler says
//! [`Outcome::Done`], so a failing handler sees the record again.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{handle_until_done, Ack, Bus, BusError, Delivery, MessageHandler, MAX_BATCH};

#[derive(Default)]
struct TopicLog {
    records: Vec<Delivery>,
}

#[derive(Default)]
struct State {
    topics: HashMap<String, TopicLog>,
    /// (topic, group) → next offset to process.
    offsets: HashMap<(String, String), Arc<tokio::sync::Mutex<usize>>>,
}

/// The `memory://` bus.
#[derive(Clone, Default)]
pub struct MemoryBus {
    state: Arc<Mutex<State>>,
    appended: Arc<Notify>,
}

impl MemoryBus {
    pub fn new() -> MemoryBus {
        MemoryBus::default()
    }

    /// Up to `max` records from `offset` on.
    fn records_from(&self, topic: &str, offset: usize, max: usize) -> Vec<Delivery> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some(log) = state.topics.get(topic) else {
            return Vec::new();
        };
        log.records.iter().skip(offset).take(max).cloned().collect()
    }

    fn group_offset(&self, topic: &str, group: &str) -> Arc<tokio::sync::Mutex<usize>> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state
            .offsets
            .entry((topic.to_string(), group.to_string()))
            .or_default()
            .clone()
    }

    fn topic_len(&self, topic: &str) -> usize {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.topics.get(topic).map_or(0, |t| t.records.len())
    }

    /// Every record published on `topic` so far.
    #[cfg(any(test, feature = "test-support"))]
    pub fn records(&self, topic: &str) -> Vec<Delivery> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state
            .topics
            .get(topic)
            .map(|t| t.records.clone())
            .unwrap_or_default()
    }

    fn append(&self, topic: &str, key: &str, payload: &str) {
        {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state
                .topics
                .entry(topic.to_string())
                .or_default()
                .records
                .push(Delivery {
                    topic: topic.to_string(),
                    key: key.to_string(),
                    payload: payload.to_string(),
                });
        }
        self.appended.notify_waiters();
    }
}

#[async_trait]
impl Bus for MemoryBus {
    async fn publish(&self, topic: &str, key: &str, payload: &str) -> Result<(), BusError> {
        self.append(topic, key, payload);
        Ok(())
    }

    fn enqueue(&self, topic: &str, key: &str, payload: &str) -> Ack {
        self.append(topic, key, payload);
        Box::pin(std::future::ready(Ok(())))
    }

    fn subscribe(
        &self,
        topic: &str,
        group: &str,
        handler: Arc<dyn MessageHandler>,
        shutdown: CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, BusError> {
        let bus = self.clone();
        let topic = topic.to_string();
        let offset = self.group_offset(&topic, group);
        let group = group.to_string();
        let max_batch = handler.max_batch().clamp(1, MAX_BATCH);
        Ok(tokio::spawn(async move {
            loop {
                // Members of one group take turns: the lock is the group's cursor.
                let mut next = tokio::select! {
                    guard = offset.lock() => guard,
                    _ = shutdown.cancelled() => return,
                };
                let notified = bus.appended.notified();
                let batch = bus.records_from(&topic, *next, max_batch);
                if batch.is_empty() {
                    drop(next);
                    tokio::select! {
                        _ = notified => continue,
                        // A missed wake-up costs at most this long.
                        _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => continue,
                        _ = shutdown.cancelled() => return,
                    }
                }
                if !handle_until_done(handler.as_ref(), &batch, &topic, &group, &shutdown).await {
                    return;
                }
                *next += batch.len();
                let lag = bus.topic_len(&topic).saturating_sub(*next);
                metrics::gauge!(crate::metrics::BUS_LAG, "topic" => topic.clone(), "group" => group.clone())
                    .set(lag as f64);
            }
        }))
    }

    async fn ping(&self) -> Result<(), BusError> {
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::Outcome;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    struct Collect {
        seen: Mutex<Vec<String>>,
        fail_first: AtomicUsize,
    }

    #[async_trait]
    impl MessageHandler for Collect {
        async fn handle(&self, d: &Delivery) -> Outcome {
            if self.fail_first.load(Ordering::SeqCst) > 0 {
                self.fail_first.fetch_sub(1, Ordering::SeqCst);
                return Outcome::Retry("not yet".into());
            }
            self.seen.lock().expect("lock").push(d.payload.clone());
            Outcome::Done
        }
    }

    fn collector(fail_first: usize) -> Arc<Collect> {
        Arc::new(Collect {
            seen: Mutex::new(vec![]),
            fail_first: AtomicUsize::new(fail_first),
        })
    }

    async fn wait_for(c: &Collect, n: usize) -> Vec<String> {
        for _ in 0..100 {
            let seen = c.seen.lock().expect("lock").clone();
            if seen.len() >= n {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        c.seen.lock().expect("lock").clone()
    }

    #[tokio::test]
    async fn every_group_sees_every_record_including_earlier_ones() {
        let bus = MemoryBus::new();
        bus.publish("t", "k", "1").await.expect("publish");
        let (a, b) = (collector(0), collector(0));
        let stop = CancellationToken::new();
        bus.subscribe("t", "ga", a.clone(), stop.clone())
            .expect("sub");
        bus.subscribe("t", "gb", b.clone(), stop.clone())
            .expect("sub");
        bus.publish("t", "k", "2").await.expect("publish");
        assert_eq!(wait_for(&a, 2).await, vec!["1", "2"]);
        assert_eq!(wait_for(&b, 2).await, vec!["1", "2"]);
        stop.cancel();
    }

    #[tokio::test]
    async fn a_record_is_redelivered_until_its_handler_succeeds() {
        let bus = MemoryBus::new();
        let c = collector(2);
        let stop = CancellationToken::new();
        bus.subscribe("t", "g", c.clone(), stop.clone())
            .expect("sub");
        bus.publish("t", "k", "x").await.expect("publish");
        bus.publish("t", "k", "y").await.expect("publish");
        assert_eq!(wait_for(&c, 2).await, vec!["x", "y"]);
        stop.cancel();
    }

    #[tokio::test]
    async fn members_of_one_group_share_the_records() {
        let bus = MemoryBus::new();
        let (a, b) = (collector(0), collector(0));
        let stop = CancellationToken::new();
        bus.subscribe("t", "g", a.clone(), stop.clone())
            .expect("sub");
        bus.subscribe("t", "g", b.clone(), stop.clone())
            .expect("sub");
        for i in 0..20 {
            bus.publish("t", "k", &i.to_string())
                .await
                .expect("publish");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let total = a.seen.lock().expect("lock").len() + b.seen.lock().expect("lock").len();
        assert_eq!(total, 20);
        stop.cancel();
    }

    /// Records batches as they arrive; the first `fail_first` ask to retry.
    struct Batches {
        seen: Mutex<Vec<Vec<String>>>,
        fail_first: AtomicUsize,
    }

    #[async_trait]
    impl MessageHandler for Batches {
        async fn handle(&self, d: &Delivery) -> Outcome {
            self.handle_batch(std::slice::from_ref(d)).await
        }
        fn max_batch(&self) -> usize {
            MAX_BATCH
        }
        async fn handle_batch(&self, batch: &[Delivery]) -> Outcome {
            let payloads = batch.iter().map(|d| d.payload.clone()).collect();
            self.seen.lock().expect("lock").push(payloads);
            if self.fail_first.load(Ordering::SeqCst) > 0 {
                self.fail_first.fetch_sub(1, Ordering::SeqCst);
                return Outcome::Retry("not yet".into());
            }
            Outcome::Done
        }
    }

    #[tokio::test]
    async fn waiting_records_arrive_together_in_order_and_a_retry_repeats_them() {
        let bus = MemoryBus::new();
        for i in 0..5 {
            bus.publish("t", "k", &i.to_string())
                .await
                .expect("publish");
        }
        let handler = Arc::new(Batches {
            seen: Mutex::new(vec![]),
            fail_first: AtomicUsize::new(1),
        });
        let stop = CancellationToken::new();
        bus.subscribe("t", "g", handler.clone(), stop.clone())
            .expect("sub");
        let mut seen = Vec::new();
        for _ in 0..100 {
            seen = handler.seen.lock().expect("lock").clone();
            if seen.len() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.cancel();
        let all: Vec<String> = (0..5).map(|i| i.to_string()).collect();
        assert_eq!(
            seen,
            vec![all.clone(), all],
            "retried as one batch, then done"
        );
    }
}
