//! Builds the ai service on a real database and bus, as `module` does, with
//! a chosen provider, and collects what it publishes.
#![allow(dead_code)]

use std::{sync::Arc, time::Duration};

use ai::{provider::Provider, service::AiService, store::AiStore, AiConfig};
use contracts::{ai::AiJobRequested, messages::Envelope, topics};
use platform::{
    bus::{Bus, PrefixedGroups, Recorder as Collector},
    cache::Cache,
    db::Db,
    outbox::Outbox,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    )
}

/// The databases of the store tests: SQLite, plus PostgreSQL when configured.
pub async fn databases(dir: &std::path::Path) -> Vec<Db> {
    platform::db::test_databases(dir, ai::NAME, &ai::migrations()).await
}

/// The in-process bus, or Kafka (with its own group prefix) when `KEM_TEST_BUS_URL` is set.
pub async fn bus() -> Arc<dyn Bus> {
    match std::env::var("KEM_TEST_BUS_URL") {
        Ok(url) => {
            let bus = platform::bus::from_url(&url, topics::ALL, Duration::from_secs(5))
                .await
                .expect("kafka bus");
            PrefixedGroups::wrap(bus, &unique("t-"))
        }
        Err(_) => Arc::new(platform::bus::MemoryBus::new()),
    }
}

pub fn cache() -> Cache {
    Cache::from_url("memory://", "", Duration::from_millis(250)).expect("cache")
}

pub struct Running {
    pub service: Arc<AiService>,
    pub bus: Arc<dyn Bus>,
    pub db: Db,
    pub cache: Cache,
    pub results: Arc<Collector>,
    pub stop: CancellationToken,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Starts the service with its consumer on `bus`, and a collector on the result topic.
pub async fn start(
    db: Db,
    bus: Arc<dyn Bus>,
    provider: Arc<dyn Provider>,
    config: AiConfig,
) -> Running {
    let stop = CancellationToken::new();
    let cache = cache();
    let (outbox, _relay) = Outbox::start(
        "ai",
        db.clone(),
        bus.clone(),
        Duration::from_millis(100),
        stop.clone(),
    );
    let service = AiService::new(
        AiStore::new(db.clone()),
        cache.clone(),
        outbox,
        provider,
        config,
        stop.clone(),
    );
    ai::worker::start(service.clone(), &bus, stop.clone()).expect("consumer");
    let results = Collector::listen(&bus, topics::AI_RESULT_TOPIC);
    Running {
        service,
        bus,
        db,
        cache,
        results,
        stop,
    }
}

/// A request for a fresh job and event.
pub fn request(objective: &str, start_date: &str) -> AiJobRequested {
    AiJobRequested {
        job_id: unique("job-"),
        event_id: unique("evt-"),
        user_id: 7,
        objective: objective.into(),
        store_name: "맛있는집".into(),
        industry: "음식점".into(),
        address: "서울시 강남구".into(),
        start_date: start_date.into(),
        requested_at: contracts::messages::rfc3339(chrono::Utc::now()),
    }
}

/// Publishes `request` as the event service would (flat JSON, key = event id).
pub async fn publish(bus: &Arc<dyn Bus>, request: &AiJobRequested) {
    let envelope = Envelope::wrap(request);
    bus.publish(&envelope.topic, &envelope.key, &envelope.payload)
        .await
        .expect("publish");
}

/// What the ai service published about an event.
pub trait Results {
    /// Messages about `event_id`, as JSON.
    fn about(&self, event_id: &str) -> Vec<Value>;
    /// Waits (up to 30 s, a Kafka group takes a while to join) until a
    /// message of `event_type` about `event_id` arrives; answers all about it.
    async fn wait_for(&self, event_id: &str, event_type: &str) -> Vec<Value>;
}

impl Results for Collector {
    fn about(&self, event_id: &str) -> Vec<Value> {
        self.with_key(event_id)
    }

    async fn wait_for(&self, event_id: &str, event_type: &str) -> Vec<Value> {
        let seen = self
            .wait_for_key(event_id, |seen| {
                seen.iter().any(|m| m["eventType"] == event_type)
            })
            .await;
        if !seen.iter().any(|m| m["eventType"] == event_type) {
            panic!("no {event_type} for {event_id}: {seen:?}");
        }
        seen
    }
}

pub fn of_type<'a>(messages: &'a [Value], event_type: &str) -> Vec<&'a Value> {
    messages
        .iter()
        .filter(|m| m["eventType"] == event_type)
        .collect()
}
