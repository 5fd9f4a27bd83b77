//! Seed 1 (UFR-EVENT-020) as a client walks it: good input, every bad input,
//! double taps, the cache keys and TTLs, and the message on `event-topic`.

use std::time::Duration;

use crate::support::{seed_body, spawn, spawn_with};
use serde_json::json;

#[tokio::test]
async fn the_seed_request_answers_the_seed_response_and_publishes_event_draft_created() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let topic = t.listen("event-topic");

    let a = t
        .post("/api/events/purposes", Some(&token), seed_body(user))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.body["eventDraftId"].as_str().expect("id").to_string();
    assert!(id.starts_with("draft-"));
    assert_eq!(
        a.body,
        json!({"eventDraftId": id, "objective": "신규 고객 유치", "storeName": "맛있는집", "status": "DRAFT"})
    );

    let messages = topic.wait_for_key(&id, |m| !m.is_empty()).await;
    assert_eq!(
        messages.len(),
        1,
        "one EventDraftCreated keyed by the draft id"
    );
    let m = &messages[0];
    assert_eq!(m["eventType"], "EventDraftCreated");
    assert_eq!(m["eventDraftId"], id.as_str());
    assert_eq!(m["userId"], user);
    assert_eq!(m["objective"], "신규 고객 유치");
    assert!(m["messageId"].as_str().is_some_and(|s| !s.is_empty()));
    let created = m["createdAt"].as_str().expect("createdAt");
    assert!(created.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(created).is_ok());
    assert_eq!(
        m.as_object().map(|o| o.len()),
        Some(6),
        "flat JSON with the payload verbatim: {m}"
    );
}

#[tokio::test]
async fn the_draft_is_cached_for_a_day_and_the_owners_in_progress_draft_for_thirty_minutes() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let id = t.draft(&token, user).await;

    let draft_ttl = t
        .app
        .cache
        .ttl(&format!("draft:event:{id}"))
        .await
        .expect("draft key");
    assert!(
        draft_ttl > Duration::from_secs(24 * 3600 - 60)
            && draft_ttl <= Duration::from_secs(24 * 3600)
    );
    let cached: serde_json::Value = t
        .app
        .cache
        .get_json(&format!("draft:event:{id}"))
        .await
        .expect("value");
    assert_eq!(cached["objective"], "신규 고객 유치");
    assert_eq!(cached["storeName"], "맛있는집");
    assert_eq!(cached["industry"], "음식점");
    assert_eq!(cached["address"], "서울시 강남구");
    assert_eq!(cached["status"], "DRAFT");

    let purpose_ttl = t
        .app
        .cache
        .ttl(&format!("purpose:{user}"))
        .await
        .expect("purpose key");
    assert!(
        purpose_ttl > Duration::from_secs(30 * 60 - 60)
            && purpose_ttl <= Duration::from_secs(30 * 60)
    );
}

#[tokio::test]
async fn all_four_objectives_are_accepted() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    for objective in ["신규 고객 유치", "재방문 유도", "매출 증대", "인지도 향상"]
    {
        let mut body = seed_body(user);
        body["objective"] = json!(objective);
        let a = t.post("/api/events/purposes", Some(&token), body).await;
        assert_eq!(a.status, 200, "{objective}: {}", a.body);
        assert_eq!(a.body["objective"], objective);
    }
}

#[tokio::test]
async fn each_bad_input_gets_its_code_and_creates_nothing() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let with = |field: &str, value: serde_json::Value| {
        let mut body = seed_body(user);
        body[field] = value;
        body
    };
    let mut missing_store = seed_body(user);
    missing_store
        .as_object_mut()
        .expect("object")
        .remove("storeName");
    let mut missing_objective = seed_body(user);
    missing_objective
        .as_object_mut()
        .expect("object")
        .remove("objective");
    let cases = [
        (with("objective", json!("신규고객유치")), 400, "EVENT_001"),
        (with("objective", json!("")), 400, "EVENT_001"),
        (missing_objective, 400, "EVENT_001"),
        (with("storeName", json!("   ")), 400, "EVENT_002"),
        (with("industry", json!("")), 400, "EVENT_002"),
        (with("address", json!(null)), 400, "EVENT_002"),
        (missing_store, 400, "EVENT_002"),
        (with("userId", json!(user + 1)), 403, "EVENT_003"),
        (with("userId", json!("abc")), 400, "COMMON_400"),
        (with("objective", json!(7)), 400, "COMMON_400"),
        (json!([1, 2]), 400, "COMMON_400"),
    ];
    for (body, status, code) in cases {
        let a = t
            .post("/api/events/purposes", Some(&token), body.clone())
            .await;
        assert_eq!((a.status, a.code()), (status, code), "{body}");
    }
    let raw = t
        .send(
            t.client
                .post(t.url("/api/events/purposes"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("{\"objective\": "),
        )
        .await;
    assert_eq!((raw.status, raw.code()), (400, "COMMON_400"));
    let list = t.get("/api/events", Some(&token)).await;
    assert_eq!(list.body["totalCount"], 0, "no bad input created a draft");
}

#[tokio::test]
async fn without_a_valid_token_the_answer_is_401() {
    let t = spawn().await;
    let a = t.post("/api/events/purposes", None, seed_body(1)).await;
    assert_eq!((a.status, a.code()), (401, "AUTH_001"));
    let a = t
        .post("/api/events/purposes", Some("not.a.jwt"), seed_body(1))
        .await;
    assert_eq!((a.status, a.code()), (401, "AUTH_001"));
}

#[tokio::test]
async fn a_double_tap_answers_the_same_draft_and_a_new_selection_a_new_one() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let topic = t.listen("event-topic");
    let first = t.draft(&token, user).await;
    assert_eq!(t.draft(&token, user).await, first);
    let mut other = seed_body(user);
    other["objective"] = json!("매출 증대");
    let second = t.post("/api/events/purposes", Some(&token), other).await;
    assert_ne!(second.body["eventDraftId"], first.as_str());
    let list = t.get("/api/events", Some(&token)).await;
    assert_eq!(list.body["totalCount"], 2);
    let messages = topic.wait_for_key(&first, |m| !m.is_empty()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(messages.len(), 1);
}

#[tokio::test]
async fn the_double_tap_window_is_thirty_minutes_on_the_event_clock() {
    // The window is a rule and reads the clock tests move: 29 minutes after
    // the first tap it is still the same draft, 31 minutes after it is a new
    // one, although the cached pointer (30 min of real time) is still there.
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let first = t.draft(&token, user).await;
    t.app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        t.draft(&token, user).await,
        first,
        "29 minutes: a double tap"
    );
    t.app.clock.advance(chrono::Duration::minutes(2));
    let later = t.draft(&token, user).await;
    assert_ne!(later, first, "31 minutes: a new draft");
    let list = t.get("/api/events", Some(&token)).await;
    assert_eq!(list.body["totalCount"], 2);
    let created = t.get(&format!("/api/events/{later}"), Some(&token)).await;
    let at = created.body["createdAt"].as_str().expect("createdAt");
    let at = chrono::DateTime::parse_from_rfc3339(at).expect("rfc3339");
    assert!(
        at.with_timezone(&chrono::Utc) > chrono::Utc::now() + chrono::Duration::minutes(30),
        "the new draft is dated by the event clock: {at}"
    );
}

#[tokio::test]
async fn concurrent_identical_taps_create_one_draft_even_without_the_cache() {
    // A dead cache makes every tap reach the database at once.
    let t = spawn_with(|s| {
        s.cache_url = "redis://127.0.0.1:1".into();
        s.cache_timeout_ms = 50;
    })
    .await;
    let (token, user) = t.owner().await;
    let taps = (0..10).map(|_| t.post("/api/events/purposes", Some(&token), seed_body(user)));
    let answers = futures::future::join_all(taps).await;
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 200, "{}", a.body);
            a.body["eventDraftId"].as_str().expect("id").to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let list = t.get("/api/events", Some(&token)).await;
    assert_eq!(list.body["totalCount"], 1);
}

#[tokio::test]
async fn the_whole_flow_works_while_the_cache_is_down() {
    let t = spawn_with(|s| {
        s.cache_url = "redis://127.0.0.1:1".into();
        s.cache_timeout_ms = 50;
    })
    .await;
    let (token, user) = t.owner().await;
    let id = t.draft(&token, user).await;
    let a = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!((a.status, a.body["status"].as_str()), (200, Some("DRAFT")));
    let ready = t.get("/readyz", None).await;
    assert_eq!(ready.status, 503, "readiness names the cache as down");
    assert_eq!(ready.body["checks"]["cache"]["status"], "DOWN");
}

#[tokio::test]
async fn the_owner_reads_the_draft_others_get_403_and_unknown_ids_404() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let (other, _) = t.owner().await;
    let id = t.draft(&token, user).await;
    let a = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["eventId"], id.as_str());
    assert_eq!(a.body["status"], "DRAFT");
    assert_eq!(a.body["userId"], user);
    let a = t.get(&format!("/api/events/{id}"), Some(&other)).await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    assert!(
        a.body.get("objective").is_none(),
        "nothing of the draft leaks"
    );
    // Cold cache: the same answers come from the database.
    t.app.cache.delete(&format!("draft:event:{id}")).await;
    let a = t.get(&format!("/api/events/{id}"), Some(&other)).await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let a = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(a.body["status"], "DRAFT");
    let a = t.get("/api/events/draft-doesnotexist", Some(&token)).await;
    assert_eq!((a.status, a.code()), (404, "EVENT_404"));
    let a = t
        .get(&format!("/api/events/{}", "x".repeat(300)), Some(&token))
        .await;
    assert_eq!((a.status, a.code()), (404, "EVENT_404"));
}
