//! Seed 1's step 5 under repeats: however many identical requests arrive
//! (one after another or at once, with or without the cache), one draft
//! gets exactly one `EventDraftCreated` on `event-topic`.
//!
//! Absence is proven by ordering, not by waiting: `event-topic` has one
//! partition and a request answers only after its message was acknowledged,
//! so once a later draft's message has been consumed, every earlier message
//! has been too.

use crate::support::{seed_body, spawn, spawn_with, Answer, Collector, TestApp};
use serde_json::json;

const PURPOSES: &str = "/api/events/purposes";

fn draft_id(answer: &Answer) -> String {
    answer.body["eventDraftId"]
        .as_str()
        .expect("eventDraftId")
        .to_string()
}

/// Creates a different draft for the same owner and waits for its message:
/// afterwards everything published before it has reached `events`.
async fn flush(t: &TestApp, events: &Collector, token: &str, user_id: i64) {
    let mut body = seed_body(user_id);
    body["objective"] = json!("인지도 향상");
    body["storeName"] = json!(crate::support::unique("flush-"));
    let reply = t.post(PURPOSES, Some(token), body.clone()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let marker = draft_id(&reply);
    assert_eq!(
        events.wait_for_key(&marker, |m| !m.is_empty()).await.len(),
        1,
        "the marker draft's message arrived"
    );
}

async fn concurrent_taps(t: &TestApp, token: &str, user_id: i64, n: usize) -> String {
    let body = seed_body(user_id);
    let replies =
        futures::future::join_all((0..n).map(|_| t.post(PURPOSES, Some(token), body.clone())))
            .await;
    let mut ids: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{}", r.body);
            draft_id(r)
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "one draft for {n} identical taps: {ids:?}");
    ids.remove(0)
}

#[tokio::test]
async fn a_double_tap_publishes_no_second_message() {
    let t = spawn().await;
    let events = t.listen("event-topic");
    let (token, user_id) = t.owner().await;
    let first = t.draft(&token, user_id).await;
    let second = t.draft(&token, user_id).await;
    assert_eq!(first, second);
    flush(&t, &events, &token, user_id).await;
    assert_eq!(events.with_key(&first).len(), 1, "one EventDraftCreated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_identical_requests_make_one_draft_and_one_message() {
    let t = spawn().await;
    let events = t.listen("event-topic");
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
    let t = spawn_with(|s| {
        s.cache_url = "redis://127.0.0.1:1".into();
        s.cache_timeout_ms = 100;
    })
    .await;
    let events = t.listen("event-topic");
    let (token, user_id) = t.owner().await;
    let id = concurrent_taps(&t, &token, user_id, 10).await;
    flush(&t, &events, &token, user_id).await;
    assert_eq!(events.with_key(&id).len(), 1);
}
