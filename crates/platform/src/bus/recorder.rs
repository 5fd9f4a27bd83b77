//! A consumer that keeps every record it gets, so tests can read what a
//! service published (behind the `test-support` feature).

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use async_trait::async_trait;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{Bus, Delivery, MessageHandler, Outcome};

/// Keeps every delivery it is handed.
#[derive(Default)]
pub struct Recorder {
    seen: Mutex<Vec<Delivery>>,
}

#[async_trait]
impl MessageHandler for Recorder {
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(delivery.clone());
        Outcome::Done
    }
}

impl Recorder {
    /// Records every message of `topic` from now on, in a consumer group of its own.
    pub fn listen(bus: &Arc<dyn Bus>, topic: &str) -> Arc<Recorder> {
        let recorder = Arc::new(Recorder::default());
        let group = crate::ids::new_id("recorder");
        bus.subscribe(topic, &group, recorder.clone(), CancellationToken::new())
            .expect("subscribe");
        recorder
    }

    /// Payloads (as JSON) of the records with `key` seen so far.
    pub fn with_key(&self, key: &str) -> Vec<Value> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|d| d.key == key)
            .map(|d| serde_json::from_str(&d.payload).expect("json payload"))
            .collect()
    }

    /// Waits (up to 30 s: a Kafka consumer group takes a while to join) until
    /// `pred` holds for the messages with `key`, and answers them.
    pub async fn wait_for_key(&self, key: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        for _ in 0..300 {
            let found = self.with_key(key);
            if pred(&found) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.with_key(key)
    }
}
