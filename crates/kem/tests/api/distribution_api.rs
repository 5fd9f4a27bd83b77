//! The distribution service through HTTP with the whole app, against the
//! in-process channel sandbox (real adapters, real HTTP): all channels,
//! partial failure and retry without double posts, every channel down, the
//! breaker opening and closing, the overall budget, concurrent distributes,
//! ownership and bad bodies.

use std::time::Duration;

use crate::support::{spawn_with, unique, TestApp};
use distribution::DistributionConfig;
use serde_json::{json, Value};

const ALL: [&str; 6] = [
    "URIDONGNETV",
    "RINGOBIZ",
    "GINITV",
    "INSTAGRAM",
    "NAVER",
    "KAKAO",
];

/// Fast retries and a breaker that stays out of the way unless a test wants it.
fn config() -> DistributionConfig {
    DistributionConfig {
        budget_ms: 10_000,
        retry_backoff_ms: vec![20, 40, 80],
        breaker_failures: 1_000,
        breaker_open_ms: 60_000,
        call_timeout_ms: 5_000,
        ..DistributionConfig::default()
    }
}

async fn app(tweak: impl FnOnce(&mut DistributionConfig)) -> TestApp {
    let mut c = config();
    tweak(&mut c);
    spawn_with(|s| s.set_section(distribution::NAME, &c)).await
}

fn body(event_id: &str, channels: &[&str]) -> Value {
    json!({
        "eventId": event_id,
        "channels": channels,
        "channelSettings": {
            "URIDONGNETV": {"radius": "1km", "timeSlot": "evening"},
            "GINITV": {"region": "서울 강남구", "budget": 300000},
            "RINGOBIZ": {"phoneNumber": "0212345678"}
        },
        "content": {"title": "가을맞이 커피 이벤트", "description": "참여하면 커피 증정",
                    "imageUrl": "/api/content/images/sample.png", "prize": "아메리카노",
                    "hashtags": ["카페", "이벤트"], "startDate": "2026-10-01", "endDate": "2026-10-31",
                    "storeName": "맛있는집", "entryUrl": "http://localhost/e/1"}
    })
}

async fn knobs(t: &TestApp, channel: &str, latency_ms: u64, failure_rate: f64, outage: bool) {
    let a = t
        .put(
            &format!("/sandbox/{}/knobs", channel.to_ascii_lowercase()),
            None,
            json!({"latencyMs": latency_ms, "failureRate": failure_rate, "outage": outage}),
        )
        .await;
    assert_eq!(a.status, 200, "knobs: {}", a.body);
}

/// How many posts `channel`'s sandbox recorded for `event_id` (by our
/// idempotency key; Instagram posts are keyed by their container instead).
async fn posts(t: &TestApp, channel: &str, event_id: &str) -> usize {
    let a = t
        .get(
            &format!("/sandbox/{}/posts", channel.to_ascii_lowercase()),
            None,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let prefix = format!("{event_id}:");
    a.body["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .filter(|p| {
            p["idempotencyKey"]
                .as_str()
                .is_some_and(|k| k.starts_with(&prefix))
        })
        .count()
}

/// Every Instagram post this app's sandbox recorded.
async fn instagram_posts(t: &TestApp) -> usize {
    let a = t.get("/sandbox/instagram/posts", None).await;
    a.body["count"].as_u64().expect("count") as usize
}

fn result<'a>(answer: &'a Value, channel: &str) -> &'a Value {
    answer["channelResults"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["channel"] == channel)
        .unwrap_or_else(|| panic!("{channel} in {answer}"))
}

async fn distribute(t: &TestApp, token: &str, body: Value) -> crate::support::Answer {
    t.post("/api/distribution/distribute", Some(token), body)
        .await
}

#[tokio::test]
async fn all_six_channels_publish_once_with_status_stats_and_message() {
    let t = app(|_| {}).await;
    let (token, _) = t.owner().await;
    let completed = t.listen("distribution-topic");
    let event = unique("evt-");
    let a = distribute(&t, &token, body(&event, &ALL)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["success"], true, "{}", a.body);
    assert_eq!(a.body["successCount"], 6);
    assert_eq!(a.body["failureCount"], 0);
    assert!(a.body["distributionId"]
        .as_str()
        .is_some_and(|d| d.starts_with("dist-")));
    for c in ALL {
        let r = result(&a.body, c);
        assert_eq!(r["status"], "SUCCESS", "{r}");
        assert!(
            r["externalId"].as_str().is_some_and(|s| !s.is_empty()),
            "{r}"
        );
        assert!(r["estimatedViews"].as_u64().is_some_and(|v| v > 0), "{r}");
        let url = r["postUrl"].as_str().expect("postUrl");
        let post = t.send(t.client.get(url)).await;
        assert_eq!(post.status, 200, "{url}");
    }
    // The relative image URL reached Instagram absolute.
    let ig = t.get("/sandbox/instagram/posts", None).await;
    let image = ig.body["posts"][0]["body"]["image_url"]
        .as_str()
        .expect("image");
    assert_eq!(image, format!("{}/api/content/images/sample.png", t.base));

    let s = t
        .get(&format!("/api/distribution/{event}/status"), Some(&token))
        .await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.body["status"], "COMPLETED");
    assert!(s.body["completedAt"].is_string());
    assert!(s.body["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .all(|c| c["attempts"] == 1));

    let stats = t
        .get(&format!("/api/distribution/{event}/stats"), Some(&token))
        .await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    let channels = stats.body["channels"].as_array().expect("stats");
    assert_eq!(channels.len(), 6);
    assert!(
        channels
            .iter()
            .all(|c| c["views"].as_u64().is_some_and(|v| v > 0)),
        "{}",
        stats.body
    );

    let msgs = completed.wait_for_key(&event, |m| !m.is_empty()).await;
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(msgs[0]["eventType"], "DistributionCompleted");
    let listed = msgs[0]["distributedChannels"].as_array().expect("channels");
    assert_eq!(listed.len(), 6);
    assert!(listed
        .iter()
        .all(|c| c["status"] == "SUCCESS" && c["expectedViews"].as_u64() > Some(0)));

    // Distributing again posts nothing new and answers the stored results.
    let again = distribute(&t, &token, body(&event, &ALL)).await;
    assert_eq!(again.status, 200);
    assert_eq!(
        result(&again.body, "NAVER")["externalId"],
        result(&a.body, "NAVER")["externalId"]
    );
    for c in ALL {
        if c != "INSTAGRAM" {
            assert_eq!(posts(&t, c, &event).await, 1, "{c}");
        }
    }
    assert_eq!(instagram_posts(&t).await, 1);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn each_channel_failing_alone_is_partial_and_retry_posts_it_once() {
    let t = app(|_| {}).await;
    let (token, _) = t.owner().await;
    for down in ALL {
        knobs(&t, down, 0, 0.0, true).await;
        let event = unique("evt-");
        let a = distribute(&t, &token, body(&event, &ALL)).await;
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.body["success"], false);
        assert_eq!(a.body["successCount"], 5, "{down}: {}", a.body);
        let failed = result(&a.body, down);
        assert_eq!(failed["status"], "FAILED");
        assert!(
            failed["message"]
                .as_str()
                .is_some_and(|m| m.contains("503")),
            "{failed}"
        );
        let s = t
            .get(&format!("/api/distribution/{event}/status"), Some(&token))
            .await;
        assert_eq!(s.body["status"], "PARTIAL");
        let row = s.body["channels"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|c| c["channel"] == down)
            .cloned()
            .expect("row");
        assert_eq!(row["attempts"], 3, "{row}");
        assert!(row["lastError"].is_string());

        knobs(&t, down, 0, 0.0, false).await;
        let r = t
            .post(
                &format!("/api/distribution/{event}/retry"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["success"], true, "{}", r.body);
        assert_eq!(result(&r.body, down)["status"], "SUCCESS");
        for c in ALL {
            // Published channels kept their first post.
            assert!(result(&r.body, c)["externalId"].is_string());
            if c != down {
                assert_eq!(
                    result(&r.body, c)["externalId"],
                    result(&a.body, c)["externalId"],
                    "{c}"
                );
            }
        }
        // A retry after success changes nothing.
        let r2 = t
            .post(
                &format!("/api/distribution/{event}/retry"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(r2.body["channelResults"], r.body["channelResults"]);
        for c in ALL.into_iter().filter(|c| *c != "INSTAGRAM") {
            assert_eq!(posts(&t, c, &event).await, 1, "{c} after {down} failed");
        }
    }
    assert_eq!(
        instagram_posts(&t).await,
        ALL.len(),
        "one Instagram post per event"
    );
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn every_channel_down_answers_all_failed_and_changes_to_success_later() {
    let t = app(|_| {}).await;
    let (token, _) = t.owner().await;
    for c in ALL {
        knobs(&t, c, 0, 0.0, true).await;
    }
    let event = unique("evt-");
    let a = distribute(&t, &token, body(&event, &ALL)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["successCount"], 0);
    assert_eq!(a.body["failureCount"], 6);
    let s = t
        .get(&format!("/api/distribution/{event}/status"), Some(&token))
        .await;
    assert_eq!(s.body["status"], "FAILED");
    for c in ALL {
        knobs(&t, c, 0, 0.0, false).await;
    }
    let again = distribute(&t, &token, body(&event, &ALL)).await;
    assert_eq!(again.body["successCount"], 6, "{}", again.body);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn breaker_opens_after_repeated_failures_then_closes_after_its_wait() {
    let t = app(|c| {
        c.breaker_failures = 3;
        c.breaker_open_ms = 1_500;
    })
    .await;
    let (token, _) = t.owner().await;
    knobs(&t, "NAVER", 0, 0.0, true).await;
    let first = unique("evt-");
    let a = distribute(&t, &token, body(&first, &["NAVER", "KAKAO"])).await;
    assert_eq!(result(&a.body, "NAVER")["status"], "FAILED");
    assert_eq!(result(&a.body, "KAKAO")["status"], "SUCCESS");

    // Open: the next distribute fails NAVER at once, without calling it again.
    let second = unique("evt-");
    let b = distribute(&t, &token, body(&second, &["NAVER", "KAKAO"])).await;
    let naver = result(&b.body, "NAVER");
    assert_eq!(naver["status"], "FAILED");
    assert!(
        naver["message"]
            .as_str()
            .is_some_and(|m| m.contains("차단")),
        "{naver}"
    );
    let s = t
        .get(&format!("/api/distribution/{second}/status"), Some(&token))
        .await;
    let row = s.body["channels"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|c| c["channel"] == "NAVER")
        .cloned()
        .expect("row");
    assert_eq!(row["attempts"], 1, "an open breaker is not retried: {row}");
    assert_eq!(
        result(&b.body, "KAKAO")["status"],
        "SUCCESS",
        "other channels are unaffected"
    );

    // The channel recovers; after the breaker's wait a probe goes through and closes it.
    knobs(&t, "NAVER", 0, 0.0, false).await;
    let still_open = t
        .post(
            &format!("/api/distribution/{second}/retry"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(
        result(&still_open.body, "NAVER")["status"],
        "FAILED",
        "{}",
        still_open.body
    );
    tokio::time::sleep(Duration::from_millis(1_700)).await;
    let retried = t
        .post(
            &format!("/api/distribution/{second}/retry"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(
        result(&retried.body, "NAVER")["status"],
        "SUCCESS",
        "{}",
        retried.body
    );
    let third = distribute(&t, &token, body(&unique("evt-"), &["NAVER"])).await;
    assert_eq!(third.body["success"], true, "{}", third.body);
    assert_eq!(posts(&t, "NAVER", &second).await, 1);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_channel_slower_than_the_budget_fails_alone_and_retry_posts_once() {
    let t = app(|c| c.budget_ms = 700).await;
    let (token, _) = t.owner().await;
    knobs(&t, "KAKAO", 5_000, 0.0, false).await;
    let event = unique("evt-");
    let a = distribute(&t, &token, body(&event, &["KAKAO", "NAVER", "GINITV"])).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let kakao = result(&a.body, "KAKAO");
    assert_eq!(kakao["status"], "FAILED");
    assert!(
        kakao["message"]
            .as_str()
            .is_some_and(|m| m.contains("제한 시간")),
        "{kakao}"
    );
    assert_eq!(a.body["successCount"], 2);

    knobs(&t, "KAKAO", 0, 0.0, false).await;
    let r = t
        .post(
            &format!("/api/distribution/{event}/retry"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(result(&r.body, "KAKAO")["status"], "SUCCESS", "{}", r.body);
    assert_eq!(posts(&t, "KAKAO", &event).await, 1);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn concurrent_distributes_of_one_event_post_once() {
    let t = app(|_| {}).await;
    let (token, _) = t.owner().await;
    for c in ALL {
        knobs(&t, c, 150, 0.0, false).await;
    }
    let event = unique("evt-");
    let calls = (0..3).map(|_| distribute(&t, &token, body(&event, &ALL)));
    let answers = futures::future::join_all(calls).await;
    for a in &answers {
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.body["successCount"], 6, "{}", a.body);
        assert_eq!(a.body["channelResults"], answers[0].body["channelResults"]);
    }
    for c in ALL.into_iter().filter(|c| *c != "INSTAGRAM") {
        assert_eq!(posts(&t, c, &event).await, 1, "{c}");
    }
    assert_eq!(instagram_posts(&t).await, 1);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn another_owner_is_refused_and_unknown_events_are_404() {
    let t = app(|_| {}).await;
    let (owner, _) = t.owner().await;
    let (other, _) = t.owner().await;
    let event = unique("evt-");
    assert_eq!(
        distribute(&t, &owner, body(&event, &["NAVER"]))
            .await
            .status,
        200
    );
    let a = distribute(&t, &other, body(&event, &["NAVER", "KAKAO"])).await;
    assert_eq!((a.status, a.code()), (403, "DIST_003"));
    let s = t
        .get(&format!("/api/distribution/{event}/status"), Some(&other))
        .await;
    assert_eq!((s.status, s.code()), (403, "DIST_003"));
    let r = t
        .post(
            &format!("/api/distribution/{event}/retry"),
            Some(&other),
            json!({}),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "DIST_003"));
    // The refused call changed nothing.
    let s = t
        .get(&format!("/api/distribution/{event}/status"), Some(&owner))
        .await;
    assert_eq!(s.body["channels"].as_array().map(Vec::len), Some(1));
    assert_eq!(posts(&t, "KAKAO", &event).await, 0);

    let missing = t
        .get("/api/distribution/evt-nope/status", Some(&owner))
        .await;
    assert_eq!((missing.status, missing.code()), (404, "DIST_404"));
    let missing = t
        .post("/api/distribution/evt-nope/retry", Some(&owner), json!({}))
        .await;
    assert_eq!((missing.status, missing.code()), (404, "DIST_404"));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn bad_bodies_get_400_with_codes_and_change_nothing() {
    let t = app(|_| {}).await;
    let (token, _) = t.owner().await;
    let event = unique("evt-");
    let no_token = t
        .post(
            "/api/distribution/distribute",
            None,
            body(&event, &["NAVER"]),
        )
        .await;
    assert_eq!(no_token.status, 401);

    let cases = [
        (
            json!({"eventId": event, "channels": ["NAVER"], "content": {"imageUrl": "/a.png"}}),
            "DIST_001",
            "title",
        ),
        (
            json!({"eventId": event, "channels": ["NAVER"], "title": "t"}),
            "DIST_001",
            "imageUrl",
        ),
        (
            json!({"eventId": event, "channels": [], "title": "t", "imageUrl": "/a.png"}),
            "DIST_001",
            "channels",
        ),
        (
            json!({"channels": ["NAVER"], "title": "t", "imageUrl": "/a.png"}),
            "DIST_001",
            "eventId",
        ),
        (
            json!({"eventId": event, "channels": ["YOUTUBE"], "title": "t", "imageUrl": "/a.png"}),
            "DIST_002",
            "YOUTUBE",
        ),
        (
            json!({"eventId": event, "channels": ["URIDONGNETV"], "title": "t", "imageUrl": "/a.png",
                "channelSettings": {"URIDONGNETV": {"radius": "9km", "timeSlot": "am"}}}),
            "DIST_002",
            "URIDONGNETV",
        ),
        (
            json!({"eventId": event, "channels": "NAVER", "title": "t", "imageUrl": "/a.png"}),
            "COMMON_400",
            "",
        ),
        (json!([1, 2]), "COMMON_400", ""),
    ];
    for (bad, code, names) in cases {
        let a = distribute(&t, &token, bad.clone()).await;
        assert_eq!((a.status, a.code()), (400, code), "{bad} → {}", a.body);
        assert!(
            a.body["message"]
                .as_str()
                .is_some_and(|m| m.contains(names)),
            "{}",
            a.body
        );
    }
    let raw = t
        .send(
            t.client
                .post(t.url("/api/distribution/distribute"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!((raw.status, raw.code()), (400, "COMMON_400"));
    let s = t
        .get(&format!("/api/distribution/{event}/status"), Some(&token))
        .await;
    assert_eq!(s.status, 404, "nothing was recorded: {}", s.body);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn flat_form_wrong_credentials_and_sandbox_knob_checks() {
    let t =
        app(|c| c.channels.ginitv.credential = platform::config::Secret::new("wrong-key")).await;
    let (token, _) = t.owner().await;
    let event = unique("evt-");
    let flat = json!({"eventId": event, "title": "가을 이벤트", "description": "설명",
                      "imageUrl": "https://cdn.example.com/a.png", "channels": ["NAVER", "GINITV"],
                      "channelSettings": {"GINITV": {"region": "서울", "budget": 90000}}});
    let a = distribute(&t, &token, flat).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(result(&a.body, "NAVER")["status"], "SUCCESS");
    let gini = result(&a.body, "GINITV");
    assert_eq!(gini["status"], "FAILED");
    assert!(
        gini["message"]
            .as_str()
            .is_some_and(|m| m.contains("401") && !m.contains("wrong-key")),
        "{gini}"
    );
    let s = t
        .get(&format!("/api/distribution/{event}/status"), Some(&token))
        .await;
    let row = s.body["channels"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|c| c["channel"] == "GINITV")
        .cloned()
        .expect("row");
    assert_eq!(row["attempts"], 1, "a refusal is not retried: {row}");

    let bad = t
        .put("/sandbox/naver/knobs", None, json!({"failureRate": 2.0}))
        .await;
    assert_eq!(bad.status, 400);
    let read = t.get("/sandbox/naver/knobs", None).await;
    assert_eq!(
        read.body,
        json!({"latencyMs": 0, "failureRate": 0.0, "outage": false})
    );
    let doc = t.get("/openapi.json", None).await;
    assert!(!doc.body["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .any(|p| p.starts_with("/sandbox")));
    assert!(doc.body["paths"]["/api/distribution/distribute"].is_object());
    t.app.stop().await.expect("stop");
}
