//! Consumers that come back: a subscription that fails, or a consumer task
//! that ends or panics while the process runs, is marked down (so `/readyz`
//! names it) and subscribed again after a growing wait.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{Ack, Bus, BusError, MessageHandler};
use crate::metrics::{BUS_RESTARTS, BUS_UP};

/// Whether a consumer is running, as readiness reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumerState {
    Up,
    /// Down, with the reason; a restart is pending.
    Down(String),
}

/// The consumers of one app by name (`{group}:{topic}`), for readiness.
#[derive(Clone, Default)]
pub struct Consumers(Arc<Mutex<BTreeMap<String, ConsumerState>>>);

impl Consumers {
    /// Every consumer and its state, by name.
    pub fn snapshot(&self) -> Vec<(String, ConsumerState)> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    fn set(&self, name: &str, state: ConsumerState) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(name.to_string(), state);
    }
}

/// A bus whose subscriptions are supervised: `subscribe` never fails, it
/// records the consumer in [`Consumers`] and keeps it running until shutdown.
pub struct Supervised {
    inner: Arc<dyn Bus>,
    consumers: Consumers,
}

impl Supervised {
    /// Wraps `inner`; its consumers are reported in `consumers`.
    pub fn wrap(inner: Arc<dyn Bus>, consumers: Consumers) -> Arc<dyn Bus> {
        Arc::new(Supervised { inner, consumers })
    }
}

/// Waits before the `failures`-th restart: 1 s, 2 s, 4 s … at most 30 s.
fn restart_delay(failures: u32) -> Duration {
    Duration::from_secs((1u64 << failures.saturating_sub(1).min(5)).min(30))
}

/// A consumer that ran this long before stopping starts its backoff afresh.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

struct Consumer {
    inner: Arc<dyn Bus>,
    consumers: Consumers,
    topic: String,
    group: String,
    name: String,
    handler: Arc<dyn MessageHandler>,
    shutdown: CancellationToken,
}

impl Consumer {
    fn start(&self) -> Result<JoinHandle<()>, BusError> {
        let started = self.inner.subscribe(
            &self.topic,
            &self.group,
            self.handler.clone(),
            self.shutdown.clone(),
        );
        let labels = [("topic", self.topic.clone()), ("group", self.group.clone())];
        match &started {
            Ok(_) => {
                self.consumers.set(&self.name, ConsumerState::Up);
                metrics::gauge!(BUS_UP, &labels).set(1.0);
            }
            Err(e) => {
                tracing::error!(consumer = %self.name, error = %e, "consumer could not subscribe");
                self.down(format!("cannot subscribe: {e}"));
            }
        }
        started
    }

    fn down(&self, reason: String) {
        let labels = [("topic", self.topic.clone()), ("group", self.group.clone())];
        metrics::gauge!(BUS_UP, &labels).set(0.0);
        self.consumers.set(&self.name, ConsumerState::Down(reason));
    }

    async fn run(self, mut running: Option<JoinHandle<()>>) {
        let mut failures = 0u32;
        loop {
            if let Some(task) = running.take() {
                let since = Instant::now();
                let ended = task.await;
                if self.shutdown.is_cancelled() {
                    return;
                }
                let reason = match ended {
                    Ok(()) => "consumer stopped".to_string(),
                    Err(e) if e.is_panic() => "consumer panicked".to_string(),
                    Err(e) => format!("consumer ended: {e}"),
                };
                tracing::error!(consumer = %self.name, reason, "consumer down; restarting");
                self.down(reason);
                if since.elapsed() >= HEALTHY_RUN {
                    failures = 0;
                }
            }
            failures += 1;
            tokio::select! {
                _ = tokio::time::sleep(restart_delay(failures)) => {}
                _ = self.shutdown.cancelled() => return,
            }
            let labels = [("topic", self.topic.clone()), ("group", self.group.clone())];
            metrics::counter!(BUS_RESTARTS, &labels).increment(1);
            running = self.start().ok();
        }
    }
}

#[async_trait]
impl Bus for Supervised {
    async fn publish(&self, topic: &str, key: &str, payload: &str) -> Result<(), BusError> {
        self.inner.publish(topic, key, payload).await
    }

    fn enqueue(&self, topic: &str, key: &str, payload: &str) -> Ack {
        self.inner.enqueue(topic, key, payload)
    }

    fn subscribe(
        &self,
        topic: &str,
        group: &str,
        handler: Arc<dyn MessageHandler>,
        shutdown: CancellationToken,
    ) -> Result<JoinHandle<()>, BusError> {
        let consumer = Consumer {
            inner: self.inner.clone(),
            consumers: self.consumers.clone(),
            topic: topic.to_string(),
            group: group.to_string(),
            name: format!("{group}:{topic}"),
            handler,
            shutdown,
        };
        // The first attempt happens now, so readiness is right from the start.
        let running = consumer.start().ok();
        Ok(tokio::spawn(consumer.run(running)))
    }

    async fn ping(&self) -> Result<(), BusError> {
        self.inner.ping().await
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::bus::{Delivery, MemoryBus, Outcome};

    /// A broker that refuses the first `refusals` subscriptions.
    struct Refusing {
        inner: MemoryBus,
        refusals: AtomicUsize,
    }

    #[async_trait]
    impl Bus for Refusing {
        async fn publish(&self, t: &str, k: &str, p: &str) -> Result<(), BusError> {
            self.inner.publish(t, k, p).await
        }
        fn enqueue(&self, t: &str, k: &str, p: &str) -> Ack {
            self.inner.enqueue(t, k, p)
        }
        fn subscribe(
            &self,
            topic: &str,
            group: &str,
            handler: Arc<dyn MessageHandler>,
            shutdown: CancellationToken,
        ) -> Result<JoinHandle<()>, BusError> {
            if self.refusals.load(Ordering::SeqCst) > 0 {
                self.refusals.fetch_sub(1, Ordering::SeqCst);
                return Err(BusError::Unavailable("no group coordinator".into()));
            }
            self.inner.subscribe(topic, group, handler, shutdown)
        }
        async fn ping(&self) -> Result<(), BusError> {
            Ok(())
        }
        fn name(&self) -> &'static str {
            "refusing"
        }
    }

    /// Panics on its first record, then handles everything.
    #[derive(Default)]
    struct PanicsOnce(AtomicUsize);

    #[async_trait]
    impl MessageHandler for PanicsOnce {
        async fn handle(&self, _: &Delivery) -> Outcome {
            if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("handler bug");
            }
            Outcome::Done
        }
    }

    async fn state_becomes(consumers: &Consumers, want: impl Fn(&ConsumerState) -> bool) -> bool {
        for _ in 0..100 {
            if consumers.snapshot().iter().any(|(_, s)| want(s)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_subscription_is_down_by_name_then_retried_until_it_runs() {
        let consumers = Consumers::default();
        let broker = Arc::new(Refusing {
            inner: MemoryBus::new(),
            refusals: AtomicUsize::new(2),
        });
        let bus = Supervised::wrap(broker, consumers.clone());
        let stop = CancellationToken::new();
        let handler = Arc::new(PanicsOnce(AtomicUsize::new(1)));
        bus.subscribe("t", "g", handler, stop.clone())
            .expect("supervised");
        let (name, state) = consumers.snapshot().remove(0);
        assert_eq!(name, "g:t");
        assert!(matches!(state, ConsumerState::Down(ref why) if why.contains("cannot subscribe")));
        assert!(state_becomes(&consumers, |s| *s == ConsumerState::Up).await);
        stop.cancel();
    }

    #[tokio::test]
    async fn a_consumer_that_dies_is_down_and_then_restarted() {
        let consumers = Consumers::default();
        let bus = Supervised::wrap(Arc::new(MemoryBus::new()), consumers.clone());
        let stop = CancellationToken::new();
        let handler = Arc::new(PanicsOnce::default());
        bus.subscribe("t", "g", handler.clone(), stop.clone())
            .expect("supervised");
        bus.publish("t", "k", "{}").await.expect("publish");
        assert!(
            state_becomes(
                &consumers,
                |s| matches!(s, ConsumerState::Down(why) if why == "consumer panicked")
            )
            .await,
            "{:?}",
            consumers.snapshot()
        );
        // Restarted after a second, it gets the uncommitted record again.
        for _ in 0..60 {
            if handler.0.load(Ordering::SeqCst) >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(handler.0.load(Ordering::SeqCst), 2);
        assert_eq!(consumers.snapshot()[0].1, ConsumerState::Up);
        stop.cancel();
    }
}
