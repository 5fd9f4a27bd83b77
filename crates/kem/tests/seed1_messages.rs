//! Seed 1's step 5 under repeats: however many identical requests arrive
//! (one after another or at once, with or without the cache), one draft
//! gets exactly one `EventDraftCreated` on `event-topic`.
//!
//! Absence is proven by ordering, not by waiting: `event-topic` has one
//! partition and a request answers only after its message was acknowledged,
//! so once a later draft's message has been consumed, every earlier message
//! has been too.

mod common;

use common::{seed_body, spawn_app, spawn_app_with, Collector, TestApp};
use serde_json::json;

const PURPOSES: &str = "/api/events/purposes";

/// Creates a different draft for the same owner and waits for its message:
/// afterwards everything published before it has reached `events`.
async fn flush(t: &TestApp, events: &Collector, token: &str, user_id: i64) {
    let mut body = seed_body(user_id);
    body["objective"] = json!("인지도 향상");
    body["storeName"] = json!(common::unique("flush-"));
    let reply = t.post_json(PURPOSES, Some(token), &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let marker = reply.str("eventDraftId");
    assert_eq!(
        events.wait_for(&marker, 1).await.len(),
        1,
        "the marker draft's message arrived"
    );
}

async fn concurrent_taps(t: &TestApp, token: &str, user_id: i64, n: usize) -> String {
    let body = seed_body(user_id);
    let replies =
        futures::future::join_all((0..n).map(|_| t.post_json(PURPOSES, Some(token), &body))).await;
    let mut ids: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{}", r.body);
            r.str("eventDraftId")
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "one draft for {n} identical taps: {ids:?}");
    ids.remove(0)
}

#[tokio::test]
async fn a_double_tap_publishes_no_second_message() {
    let t = spawn_app().await;
    let events = t.collect("event-topic");
    let (token, user_id) = t.owner().await;
    let first = t.select_purpose(&token, user_id).await.str("eventDraftId");
    let second = t.select_purpose(&token, user_id).await.str("eventDraftId");
    assert_eq!(first, second);
    flush(&t, &events, &token, user_id).await;
    assert_eq!(events.with_key(&first).len(), 1, "one EventDraftCreated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_identical_requests_make_one_draft_and_one_message() {
    let t = spawn_app().await;
    let events = t.collect("event-topic");
    let (token, user_id) = t.owner().await;
    let id = concurrent_taps(&t, &token, user_id, 10).await;
    flush(&t, &events, &token, user_id).await;
    let messages = events.with_key(&id);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["eventDraftId"], id.as_str());
    let list = t.get("/api/events", Some(&token)).await;
    assert_eq!(
        list.body["totalCount"], 2,
        "the draft and the marker: {}",
        list.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_cache_down_concurrent_taps_still_make_one_draft_and_one_message() {
    let t = spawn_app_with(|s| {
        s.cache_url = "redis://127.0.0.1:1".into();
        s.cache_timeout_ms = 100;
    })
    .await;
    let events = t.collect("event-topic");
    let (token, user_id) = t.owner().await;
    let id = concurrent_taps(&t, &token, user_id, 10).await;
    flush(&t, &events, &token, user_id).await;
    assert_eq!(events.with_key(&id).len(), 1);
}
