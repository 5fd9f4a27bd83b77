//! The content module on a real bus (in-process, or Kafka when
//! `KEM_TEST_BUS_URL` is set) and real databases (SQLite, and PostgreSQL
//! when `KEM_TEST_DATABASE_URL` is set): a job goes in on
//! `image-job-topic`, one result comes out on `image-result-topic`, however
//! often the job is delivered.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use async_trait::async_trait;
use chrono::Utc;
use contracts::{
    content::{ImageJobRequested, ImagePlatform, ImageStyle, ImageText},
    messages::{rfc3339, Envelope},
    topics,
};
use platform::{
    auth::Tokens,
    bus::{self, Bus, Delivery, MessageHandler, Outcome},
    cache::Cache,
    config::Settings,
    Deps,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

#[derive(Default)]
struct Collector {
    seen: Mutex<Vec<Value>>,
}

#[async_trait]
impl MessageHandler for Collector {
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        if let Ok(v) = serde_json::from_str(&delivery.payload) {
            self.seen.lock().expect("lock").push(v);
        }
        Outcome::Done
    }
}

impl Collector {
    fn of_job(&self, job: &str) -> Vec<Value> {
        let seen = self.seen.lock().expect("lock");
        seen.iter().filter(|v| v["jobId"] == job).cloned().collect()
    }

    /// Waits up to 60 s (a Kafka group takes a while to join; a debug
    /// build renders slowly) for a result of `job`.
    async fn wait(&self, job: &str) -> Vec<Value> {
        for _ in 0..600 {
            let found = self.of_job(job);
            if !found.is_empty() {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.of_job(job)
    }
}

fn unique(prefix: &str) -> String {
    platform::ids::new_id(prefix)
}

fn job(event_id: &str, title: &str, requested_at: chrono::DateTime<Utc>) -> ImageJobRequested {
    ImageJobRequested {
        job_id: unique("job"),
        event_id: event_id.into(),
        user_id: 7,
        styles: ImageStyle::ALL.to_vec(),
        platforms: ImagePlatform::ALL.to_vec(),
        text: ImageText {
            title: title.into(),
            prize: "커피 1잔".into(),
            period: "2026.12.01 ~ 2026.12.14".into(),
            store_name: "맛있는집".into(),
            call_to_action: "지금 참여하세요!".into(),
        },
        industry: "카페".into(),
        requested_at: rfc3339(requested_at),
        photos: Vec::new(),
    }
}

async fn publish(bus: &Arc<dyn Bus>, payload: &ImageJobRequested) {
    let env = Envelope::wrap(payload);
    bus.publish(&env.topic, &env.key, &env.payload)
        .await
        .expect("publish");
}

#[tokio::test]
async fn a_job_delivered_three_times_is_rendered_once_and_answered_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let dbs = platform::db::test_databases(dir.path(), content::NAME, &content::migrations()).await;
    for (n, db) in dbs.into_iter().enumerate() {
        let data_dir = dir.path().join(format!("data{n}"));
        let mut settings = Settings::defaults();
        settings.data_dir = data_dir.clone();
        settings.outbox_relay_interval_ms = 100;
        let bus_url = std::env::var("KEM_TEST_BUS_URL").unwrap_or_else(|_| "memory://".into());
        let inner = bus::from_url(&bus_url, topics::ALL, Duration::from_secs(5))
            .await
            .expect("bus");
        let bus = bus::PrefixedGroups::wrap(inner, &unique("t"));
        let cache = Cache::from_url("memory://", "", Duration::from_millis(250)).expect("cache");
        let shutdown = CancellationToken::new();
        let deps = Deps {
            settings: Arc::new(settings),
            db: db.clone(),
            cache: cache.clone(),
            bus: bus.clone(),
            tokens: Arc::new(Tokens::new(&[7; 32], Duration::from_secs(60), cache)),
            shutdown: shutdown.clone(),
            clock: platform::clock::Clock::system(),
            limits: platform::ratelimit::RateLimits::new(
                Default::default(),
                "memory://",
                "",
                Duration::from_millis(250),
            )
            .expect("limits"),
            base_url: "http://127.0.0.1:1".into(),
        };
        let results = Arc::new(Collector::default());
        bus.subscribe(
            topics::IMAGE_RESULT_TOPIC,
            &unique("test"),
            results.clone(),
            shutdown.clone(),
        )
        .expect("subscribe");
        let module = content::module(&deps).expect("valid settings");

        let event_id = unique("evt");
        let first = job(&event_id, "겨울 한정 라떼 1+1", Utc::now());
        // Delivered twice before the worker gets to it, once more after.
        publish(&bus, &first).await;
        publish(&bus, &first).await;
        let answer = results.wait(&first.job_id).await;
        assert_eq!(answer.len(), 1, "{}: {answer:?}", db.backend());
        assert_eq!(answer[0]["eventType"], "ImageJobCompleted");
        let images = answer[0]["images"].as_array().expect("images");
        assert_eq!(images.len(), 9);
        publish(&bus, &first).await;

        // Garbage and a job nobody waits for any more are dropped; a job
        // with no title fails. Jobs of one event are handled in order, so
        // once this last answer is in, every earlier delivery was handled.
        bus.publish(topics::IMAGE_JOB_TOPIC, &event_id, "{not json")
            .await
            .expect("publish");
        let stale = job(
            &event_id,
            "지난 요청",
            Utc::now() - chrono::Duration::hours(2),
        );
        publish(&bus, &stale).await;
        let untitled = job(&event_id, "  ", Utc::now());
        publish(&bus, &untitled).await;
        let failed = results.wait(&untitled.job_id).await;
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0]["eventType"], "ImageJobFailed");
        assert!(failed[0]["reason"].as_str().is_some_and(|r| !r.is_empty()));

        assert_eq!(results.of_job(&first.job_id).len(), 1, "no second result");
        assert!(
            results.of_job(&stale.job_id).is_empty(),
            "stale job skipped"
        );
        let files = std::fs::read_dir(data_dir.join("images"))
            .expect("image dir")
            .count();
        // On a shared Kafka broker this app may also render other tests'
        // recent jobs; every file it keeps belongs to a recorded image.
        let recorded: i64 = platform::with_db!(&db, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM content_images").fetch_one(pool).await
        })
        .expect("count");
        assert_eq!(files as i64, recorded, "no file without its record");
        let store = content::store::ContentStore::new(db.clone());
        let stored = store.images_of_job(&first.job_id).await.expect("images");
        assert_eq!(stored.len(), 9, "rendered and stored once");
        for image in images {
            let key = image["url"]
                .as_str()
                .and_then(|u| u.rsplit('/').next())
                .expect("url");
            assert!(data_dir.join("images").join(key).is_file());
            let (w, h) = (image["width"].as_u64(), image["height"].as_u64());
            let platform = ImagePlatform::parse(image["platform"].as_str().expect("platform"))
                .expect("platform code");
            let (pw, ph) = platform.size();
            assert_eq!((w, h), (Some(u64::from(pw)), Some(u64::from(ph))));
            assert!(image["bytes"]
                .as_u64()
                .is_some_and(|b| b > 0 && b <= 500 * 1024));
        }
        shutdown.cancel();
        for task in module.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}
