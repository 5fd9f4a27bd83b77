//! `/metrics` (parsed as Prometheus text) and consumers in `/readyz`.
//! Several apps share this process and its one metrics registry, so counts
//! are compared before and after, never to zero.

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    sync::Arc,
    time::Duration,
};

use async_trait::async_trait;
use contracts::{
    messages::{Envelope, EventPublished},
    topics,
};
use openmetrics_parser::{
    prometheus::parse_prometheus, MetricsExposition, PrometheusType, PrometheusValue,
};
use platform::bus::{Delivery, MessageHandler, Outcome};
use serde_json::{json, Value as Json};
use tokio_util::sync::CancellationToken;

use crate::support::{spawn, unique, TestApp};

type Exposition = MetricsExposition<PrometheusType, PrometheusValue>;

async fn scrape(t: &TestApp) -> Exposition {
    let res = t
        .client
        .get(t.url("/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("body");
    parse_prometheus(&text).unwrap_or_else(|e| panic!("not Prometheus text ({e:?}):\n{text}"))
}

/// Every sample of `family` with its labels as pairs.
fn series(x: &Exposition, family: &str) -> Vec<(Vec<(String, String)>, f64)> {
    let Some(family) = x.families.get(family) else {
        return Vec::new();
    };
    family
        .iter_samples()
        .map(|s| {
            let labels = s
                .get_labelset()
                .map(|set| set.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let value = match &s.value {
                PrometheusValue::Unknown(n) | PrometheusValue::Gauge(n) => n.as_f64(),
                PrometheusValue::Counter(c) => c.value.as_f64(),
                PrometheusValue::Histogram(h) => h.count.unwrap_or_default() as f64,
                PrometheusValue::Summary(s) => s.count.unwrap_or_default() as f64,
            };
            (labels, value)
        })
        .collect()
}

/// The sum of `family`'s samples whose labels include every pair of
/// `with` (a histogram counts its observations).
fn total(x: &Exposition, family: &str, with: &[(&str, &str)]) -> f64 {
    series(x, family)
        .into_iter()
        .filter(|(labels, _)| {
            with.iter()
                .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .map(|(_, value)| value)
        .sum()
}

fn published(event_id: &str, owner_id: i64) -> Envelope {
    Envelope::wrap(&EventPublished {
        event_id: event_id.into(),
        user_id: owner_id,
        title: "측정 이벤트".into(),
        objective: "신규 고객 유치".into(),
        store_name: "맛있는집".into(),
        industry: "음식점".into(),
        prize: "아메리카노 1잔".into(),
        // Open now: entries are taken only between the dates.
        start_date: crate::support::journey::today_plus(-1),
        end_date: crate::support::journey::today_plus(30),
        channels: vec!["INSTAGRAM".into()],
        verify_phone: false,
        target_participants: 100,
        estimated_cost: 300_000,
        cost: None,
        image_url: "/api/content/images/img-1.png".into(),
        published_at: "2026-11-21T10:00:00Z".into(),
    })
}

/// Publishes an ACTIVE event for a new owner; answers (event id, token, owner id).
async fn active_event(t: &TestApp) -> (String, String, i64) {
    let (token, owner) = t.owner().await;
    let event_id = unique("evt-");
    let envelope = published(&event_id, owner);
    t.app
        .bus
        .publish(&envelope.topic, &envelope.key, &envelope.payload)
        .await
        .expect("publish");
    for _ in 0..300 {
        let a = t
            .get(&format!("/api/events/{event_id}/entry-info"), None)
            .await;
        if a.status == 200 && a.body["status"] == "ACTIVE" {
            return (event_id, token, owner);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("event {event_id} never became ACTIVE");
}

#[tokio::test]
async fn metrics_parse_and_move_with_requests_entries_and_outbox_rows() {
    let t = spawn().await;
    let before = scrape(&t).await;
    let (event_id, token, owner) = active_event(&t).await;
    t.draft(&token, owner).await; // its EventDraftCreated goes through the event outbox
    let entry = t
        .post(
            &format!("/api/events/{event_id}/participate"),
            None,
            json!({"name": "김고객", "phoneNumber": "010-5555-1234", "agreePrivacy": true,
                   "agreeMarketing": false, "storeVisited": true}),
        )
        .await;
    assert_eq!(entry.status, 201, "{}", entry.body);

    let mut after = scrape(&t).await;
    let register = [
        ("route", "/api/users/register"),
        ("method", "POST"),
        ("status", "201"),
    ];
    let entries = [("route", "/api/events/{id}/participate"), ("status", "201")];
    let outbox = [("service", "event")];
    let event_topic = [("topic", topics::EVENT_TOPIC)];
    // The outbox's acknowledgement and the consumers run in the background.
    for _ in 0..100 {
        let moved = |name: &str, with: &[(&str, &str)]| {
            total(&after, name, with) > total(&before, name, with)
        };
        // The relay refreshes the outbox gauges on its own beat.
        let gauged = series(&after, "kem_outbox_oldest_age_seconds")
            .iter()
            .any(|(labels, _)| labels.contains(&("service".into(), "event".into())));
        if moved("kem_outbox_sent_total", &outbox)
            && moved("kem_bus_records_handled_total", &event_topic)
            && gauged
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = scrape(&t).await;
    }
    for (metric, with) in [
        ("kem_http_requests_total", &register[..]),
        ("kem_http_request_duration_seconds", &register[..]),
        ("kem_http_requests_total", &entries[..]),
        ("kem_entry_batch_size", &[][..]),
        ("kem_outbox_sent_total", &outbox[..]),
        ("kem_bus_records_handled_total", &event_topic[..]),
    ] {
        let seen = series(&after, metric);
        assert!(
            total(&after, metric, with) > total(&before, metric, with),
            "{metric} {with:?} did not move; series: {seen:?}"
        );
    }
    for metric in ["kem_outbox_pending", "kem_outbox_oldest_age_seconds"] {
        assert!(
            series(&after, metric)
                .iter()
                .any(|(labels, _)| labels.contains(&("service".into(), "event".into()))),
            "{metric} missing"
        );
    }
    // Routes are templates: no label holds the event's id.
    for family in after.families.keys() {
        for (labels, _) in series(&after, family) {
            assert!(
                !labels.iter().any(|(_, v)| v.contains(&event_id)),
                "a raw path leaked into {family}: {labels:?}"
            );
        }
    }
}

/// Panics on the first record it gets, then handles everything.
#[derive(Default)]
struct PanicsOnce(AtomicUsize);

#[async_trait]
impl MessageHandler for PanicsOnce {
    async fn handle(&self, _: &Delivery) -> Outcome {
        if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("test consumer dies on purpose");
        }
        Outcome::Done
    }
}

async fn readiness_until(t: &TestApp, done: impl Fn(u16, &Json) -> bool) -> (u16, Json) {
    let mut last = (0, Json::Null);
    for _ in 0..300 {
        let r = t.get("/readyz", None).await;
        last = (r.status, r.body);
        if done(last.0, &last.1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

#[tokio::test]
async fn a_consumer_that_dies_makes_readyz_503_naming_it_until_it_is_restarted() {
    let t = spawn().await;
    let ready = t.get("/readyz", None).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert!(
        ready.body["checks"]
            .as_object()
            .expect("checks")
            .keys()
            .any(|k| k.starts_with("consumer.") && k.ends_with(":event-topic")),
        "consumers are listed: {}",
        ready.body
    );

    let group = unique("dying-");
    let check = format!("consumer.{group}:{}", topics::EVENT_TOPIC);
    let handler = Arc::new(PanicsOnce::default());
    t.app
        .bus
        .subscribe(
            topics::EVENT_TOPIC,
            &group,
            handler.clone(),
            CancellationToken::new(),
        )
        .expect("subscribe");
    let _ = active_event(&t).await;
    let (status, body) = readiness_until(&t, |s, b| {
        s == 503 && b["checks"][&check]["status"] == "DOWN"
    })
    .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "DOWN");
    assert_eq!(
        body["checks"][&check]["error"], "consumer panicked",
        "{body}"
    );

    // Restarted with backoff, it gets the record again and handles it.
    let (status, body) = readiness_until(&t, |s, _| s == 200).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"][&check]["status"], "UP");
    // A Kafka consumer group takes a moment to rejoin before the record comes again.
    for _ in 0..300 {
        if handler.0.load(Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        handler.0.load(Ordering::SeqCst) >= 2,
        "the record came again"
    );
}

#[tokio::test]
async fn records_consumers_cannot_use_are_counted_as_skipped_and_do_not_stall_the_topic() {
    let t = spawn().await;
    let labels = |reason: &'static str| {
        [
            ("topic", topics::EVENT_TOPIC),
            ("group", "participation"),
            ("reason", reason),
        ]
    };
    let before = scrape(&t).await;
    let key = unique("evt-");
    for payload in [
        "not json",
        r#"{"eventType":"EventRenamed","eventId":"x"}"#,
        r#"{"eventType":"EventEnded","eventId":1}"#,
    ] {
        t.app
            .bus
            .publish(topics::EVENT_TOPIC, &key, payload)
            .await
            .expect("publish");
    }
    // A good record behind them still arrives: the event becomes ACTIVE.
    active_event(&t).await;
    let mut after = scrape(&t).await;
    for _ in 0..300 {
        let moved = ["malformed", "unknown_type", "invalid_payload"]
            .iter()
            .all(|r| {
                total(&after, "kem_bus_skipped_messages_total", &labels(r))
                    > total(&before, "kem_bus_skipped_messages_total", &labels(r))
            });
        if moved {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = scrape(&t).await;
    }
    for reason in ["malformed", "unknown_type", "invalid_payload"] {
        assert!(
            total(&after, "kem_bus_skipped_messages_total", &labels(reason))
                > total(&before, "kem_bus_skipped_messages_total", &labels(reason)),
            "{reason} not counted: {:?}",
            series(&after, "kem_bus_skipped_messages_total")
        );
    }
}
