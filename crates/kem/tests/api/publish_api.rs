//! Seed 2 (UFR-EVENT-050) over HTTP, with the real distribution service, the
//! six channel adapters and the channel sandbox: publish, idempotency, faults,
//! the breaker, concurrency and the split topology.

use crate::support::{journey::ready_draft, TestApp};
use serde_json::{json, Value};

const ALL: [&str; 6] = [
    "URIDONGNETV",
    "RINGOBIZ",
    "GINITV",
    "INSTAGRAM",
    "NAVER",
    "KAKAO",
];

/// How many records the sandbox keeps for `channel` (what it was really sent).
async fn posts(t: &TestApp, channel: &str) -> usize {
    let path = format!("/sandbox/{}/posts", channel.to_ascii_lowercase());
    let a = t.get(&path, None).await;
    assert_eq!(a.status, 200, "{path}: {}", a.body);
    a.body["count"].as_u64().expect("count") as usize
}

async fn knobs(t: &TestApp, channel: &str, knobs: Value) {
    let path = format!("/sandbox/{}/knobs", channel.to_ascii_lowercase());
    let a = t.put(&path, None, knobs).await;
    assert_eq!(a.status, 200, "{path}: {}", a.body);
}

/// Distribution retries fast in tests (the production schedule waits 1/2/4 s).
fn fast_retries(s: &mut platform::config::Settings) {
    s.set_section("distribution", &json!({"retry_backoff_ms": [10, 20, 40]}));
}

#[tokio::test]
async fn seed2_publishes_a_ready_event_to_every_channel_once() {
    let t = crate::support::spawn_with(fast_retries).await;
    let (token, uid) = t.owner().await;
    let id = ready_draft(&t, &token, uid, &ALL).await;
    let events = t.listen("event-topic");

    let a = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["eventId"], id.as_str());
    assert_eq!(a.body["status"], "ACTIVE");
    let results = a.body["distributionResults"].as_array().expect("results");
    assert_eq!(results.len(), 6, "{}", a.body);
    for r in results {
        assert_eq!(r["success"], true, "{r}");
        assert_eq!(r["status"], "SUCCESS");
        assert!(r["externalId"].is_string(), "{r}");
    }

    // The event is ACTIVE everywhere a reader looks; the owner's pointer is gone.
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["status"], "ACTIVE");
    assert!(view["approvedAt"].is_string() && view["publishedAt"].is_string());
    let cached: Value = t
        .app
        .cache
        .get_json(&format!("draft:event:{id}"))
        .await
        .expect("draft key");
    assert_eq!(cached["status"], "ACTIVE");
    assert!(t
        .app
        .cache
        .get_json::<Value>(&format!("purpose:{uid}"))
        .await
        .is_none());

    // EventCreated with exactly the seed's fields, then EventPublished.
    let seen = events
        .wait_for_key(&id, |m| {
            m.iter().any(|m| m["eventType"] == "EventPublished")
        })
        .await;
    let created = seen
        .iter()
        .find(|m| m["eventType"] == "EventCreated")
        .expect("EventCreated");
    for field in [
        "eventId",
        "userId",
        "title",
        "objective",
        "createdAt",
        "messageId",
    ] {
        assert!(!created[field].is_null(), "{field} in {created}");
    }
    assert_eq!(created["userId"], uid);

    // Publishing again answers the stored results and posts nothing twice.
    let again = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, a.body);
    for channel in ALL {
        assert_eq!(posts(&t, channel).await, 1, "{channel}");
    }
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn publish_refuses_drafts_that_are_not_ready_or_not_yours() {
    let t = crate::support::spawn_with(fast_retries).await;
    let (token, uid) = t.owner().await;
    let id = t.draft(&token, uid).await;
    let path = format!("/api/events/{id}/publish");

    let a = t.post(&path, Some(&token), Value::Null).await;
    assert_eq!((a.status, a.code()), (400, "EVENT_004"));
    let message = a.body["message"].as_str().expect("message");
    for missing in ["recommendation", "content", "channels"] {
        assert!(message.contains(missing), "{message}");
    }
    let a = t
        .post(&path, Some(&token), json!({"channels": ["MYSPACE"]}))
        .await;
    assert_eq!((a.status, a.code()), (400, "EVENT_006"));
    let (other, _) = t.owner().await;
    let a = t.post(&path, Some(&other), Value::Null).await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let a = t.post(&path, None, Value::Null).await;
    assert_eq!(a.status, 401);
    let a = t
        .post("/api/events/draft-nope/publish", Some(&token), Value::Null)
        .await;
    assert_eq!((a.status, a.code()), (404, "EVENT_404"));
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["status"], "DRAFT", "nothing changed");
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn with_every_channel_down_the_event_stays_approved_and_a_later_publish_succeeds() {
    let t = crate::support::spawn_with(fast_retries).await;
    let (token, uid) = t.owner().await;
    let id = ready_draft(&t, &token, uid, &["INSTAGRAM", "KAKAO"]).await;
    for c in ["INSTAGRAM", "KAKAO"] {
        knobs(&t, c, json!({"outage": true})).await;
    }
    let path = format!("/api/events/{id}/publish");
    let a = t.post(&path, Some(&token), Value::Null).await;
    assert_eq!((a.status, a.code()), (503, "EVENT_005"), "{}", a.body);
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["status"], "APPROVED");
    assert!(view["publishedAt"].is_null());

    for c in ["INSTAGRAM", "KAKAO"] {
        knobs(&t, c, json!({"outage": false})).await;
    }
    let a = t.post(&path, Some(&token), Value::Null).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "ACTIVE");
    assert_eq!(posts(&t, "INSTAGRAM").await, 1);
    t.app.stop().await.expect("stop");
}

/// Issue 12: after a publish that left the event APPROVED (or made it ACTIVE),
/// choosing the same objective again starts a new draft; the double tap only
/// ever hands back a draft that is still a DRAFT.
#[tokio::test]
async fn the_same_objective_after_a_publish_attempt_starts_a_new_draft() {
    let t = crate::support::spawn_with(fast_retries).await;
    let (token, uid) = t.owner().await;
    let id = ready_draft(&t, &token, uid, &["INSTAGRAM"]).await;
    knobs(&t, "INSTAGRAM", json!({"outage": true})).await;
    let a = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!(a.status, 503, "{}", a.body);
    let again = t
        .post(
            "/api/events/purposes",
            Some(&token),
            crate::support::seed_body(uid),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["status"], "DRAFT");
    let fresh = again.body["eventDraftId"].as_str().expect("id").to_string();
    assert_ne!(fresh, id, "the APPROVED event was handed back as a draft");
    // The new draft is editable: a plan can be asked for.
    let ai = t
        .post(
            &format!("/api/events/{fresh}/ai-recommendations"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(ai.status, 202, "{}", ai.body);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn concurrent_publishes_of_one_event_distribute_once() {
    let t = crate::support::spawn_with(fast_retries).await;
    let (token, uid) = t.owner().await;
    let id = ready_draft(&t, &token, uid, &["INSTAGRAM", "NAVER"]).await;
    knobs(&t, "INSTAGRAM", json!({"latencyMs": 300})).await;
    let path = format!("/api/events/{id}/publish");
    let (a, b) = tokio::join!(
        t.post(&path, Some(&token), Value::Null),
        t.post(&path, Some(&token), Value::Null)
    );
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.body, b.body);
    assert_eq!(a.body["status"], "ACTIVE");
    assert_eq!(a.body, b.body);
    assert_eq!(posts(&t, "INSTAGRAM").await, 1);
    assert_eq!(posts(&t, "NAVER").await, 1);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn the_publish_breaker_fails_fast_while_distribution_is_unreachable() {
    // Nothing listens on port 1: every distribution call fails.
    let t = crate::support::spawn_with(|s| {
        s.set_section(
            "event",
            &json!({"distribution_url": "http://127.0.0.1:1", "distribution_breaker_failures": 2,
                    "distribution_breaker_open_secs": 600}),
        );
    })
    .await;
    let (token, uid) = t.owner().await;
    let id = ready_draft(&t, &token, uid, &["KAKAO"]).await;
    let path = format!("/api/events/{id}/publish");
    for _ in 0..2 {
        let a = t.post(&path, Some(&token), Value::Null).await;
        assert_eq!((a.status, a.code()), (503, "EVENT_005"));
        assert!(!a.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("차단"));
    }
    let a = t.post(&path, Some(&token), Value::Null).await;
    assert_eq!((a.status, a.code()), (503, "EVENT_005"));
    assert!(
        a.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("차단"),
        "the open breaker answers: {}",
        a.body
    );
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["status"], "APPROVED");
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn event_and_distribution_in_two_processes_publish_together() {
    let dist = crate::support::spawn_with(|s| {
        fast_retries(s);
        s.services = "distribution,sandbox".into();
    })
    .await;
    let base = dist.base.clone();
    let front = crate::support::spawn_with(move |s| {
        s.services = "user,event,ai,content".into();
        s.set_section("event", &json!({"distribution_url": base}));
    })
    .await;
    let (token, uid) = front.owner().await;
    let id = ready_draft(&front, &token, uid, &["INSTAGRAM", "NAVER"]).await;
    let a = front
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "ACTIVE");
    assert_eq!(posts(&dist, "INSTAGRAM").await, 1);
    assert_eq!(posts(&dist, "NAVER").await, 1);
    let status = dist
        .get(&format!("/api/distribution/{id}/status"), Some(&token))
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    front.app.stop().await.expect("stop");
    dist.app.stop().await.expect("stop");
}

#[tokio::test]
async fn the_trace_id_of_a_publish_goes_with_the_call_to_distribution() {
    use std::sync::{Arc, Mutex};
    // A distribution service that records the request id it was called with and fails.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorder = seen.clone();
    let fake = axum::Router::new().route(
        "/api/distribution/distribute",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let id = headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            recorder.lock().expect("lock").push(id);
            async { axum::http::StatusCode::INTERNAL_SERVER_ERROR }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, fake).await });
    let front = crate::support::spawn_with(move |s| {
        s.set_section("event", &json!({"distribution_url": base}));
    })
    .await;
    let (token, uid) = front.owner().await;
    let id = ready_draft(&front, &token, uid, &["INSTAGRAM"]).await;
    let publish = front
        .client
        .post(front.url(&format!("/api/events/{id}/publish")))
        .bearer_auth(&token)
        .header("x-request-id", "trace-publish-1");
    let a = front.send(publish).await;
    assert_eq!((a.status, a.code()), (503, "EVENT_005"), "{}", a.body);
    assert_eq!(a.body["traceId"], "trace-publish-1");
    assert_eq!(
        *seen.lock().expect("lock"),
        vec!["trace-publish-1".to_string()]
    );
    front.app.stop().await.expect("stop");
}
