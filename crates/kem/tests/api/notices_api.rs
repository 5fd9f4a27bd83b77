//! Winner notices over HTTP (docs/design.md §6.4), against the messaging
//! sandbox that speaks NHN Cloud's SMS and 알림톡 APIs: one message per
//! winner per notice, delivery followed, quiet hours, provider outages
//! retried then FAILED, a later notice retrying only the failed, and a
//! crash between the provider's accept and our commit sending nothing twice.

use chrono::{Duration, TimeZone};
use serde_json::{json, Value};

use crate::support::{
    journey::{end_and_draw, enter_many, published_event},
    spawn_with, TestApp,
};

fn fast_notices(s: &mut platform::config::Settings) {
    s.set_section("distribution", &json!({"retry_backoff_ms": [10, 20, 40]}));
    s.set_section(
        "participation",
        &json!({"notice_poll_interval_ms": 50, "notice_retry_backoff_ms": [50, 100],
                "notice_max_attempts": 3, "notice_lease_secs": 7}),
    );
    s.set_section("messaging", &json!({"timeout_ms": 2000}));
}

/// A drawn event: (event id, owner token, the draw's answer).
async fn drawn(t: &TestApp, winners: i64) -> (String, String, Value) {
    let (id, token, _) = published_event(t, &["INSTAGRAM"]).await;
    enter_many(t, &id, "손님", 7000, 5).await;
    let body = json!({"winnerCount": winners, "claimDays": 7});
    let draw = end_and_draw(t, &token, &id, body).await;
    (id, token, draw)
}

/// What the sandbox received.
async fn received(t: &TestApp) -> Vec<Value> {
    let a = t.get("/sandbox/messages", None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["messages"].as_array().cloned().unwrap_or_default()
}

/// Polls the winners until every one's notice is `status`.
async fn wait_notices(t: &TestApp, token: &str, id: &str, status: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = t
            .get(&format!("/api/events/{id}/winners"), Some(token))
            .await
            .body;
        let all = last["winners"].as_array().expect("winners");
        if all.iter().all(|w| w["noticeStatus"] == status) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("notices never all {status}: {last}");
}

async fn knobs(t: &TestApp, knobs: Value) {
    let a = t.put("/sandbox/messages/knobs", None, knobs).await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test]
async fn each_winner_is_told_once_with_the_prize_the_store_and_the_claim_link() {
    let t = spawn_with(fast_notices).await;
    let (id, token, draw) = drawn(&t, 2).await;
    let notify = format!("/api/events/{id}/winners/notify");
    let (intruder, _) = t.owner().await;
    let a = t
        .post(&notify, Some(&intruder), json!({"channel": "SMS"}))
        .await;
    assert_eq!((a.status, a.code()), (403, "PART_003"));
    for bad in [json!({"channel": "FAX"}), json!({})] {
        let a = t.post(&notify, Some(&token), bad.clone()).await;
        assert_eq!((a.status, a.code()), (400, "PART_018"), "{bad}");
    }
    let a = t
        .post(
            &notify,
            Some(&token),
            json!({"channel": "SMS", "sendNow": true}),
        )
        .await;
    assert_eq!(a.status, 202, "{}", a.body);
    assert_eq!(
        (
            a.body["queued"].as_i64(),
            a.body["alreadyNotified"].as_i64()
        ),
        (Some(2), Some(0))
    );
    let winners = wait_notices(&t, &token, &id, "DELIVERED").await;
    let messages = received(&t).await;
    assert_eq!(messages.len(), 2, "one message per winner: {messages:?}");
    let contacts = t
        .get(&format!("/api/events/{id}/winners/contacts"), Some(&token))
        .await
        .body;
    for w in winners["winners"].as_array().expect("winners") {
        let phone: String = contacts["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["participantId"] == w["participantId"])
            .and_then(|c| c["phoneNumber"].as_str())
            .expect("phone")
            .replace('-', "");
        let m = messages
            .iter()
            .find(|m| m["recipient"] == json!(phone))
            .expect("a message to the winner");
        let text = m["text"].as_str().expect("text");
        let link = w["claimUrl"].as_str().expect("claim url");
        assert!(
            text.contains(link)
                && text.contains(
                    draw["winners"][0]["name"]
                        .as_str()
                        .map(|_| "경품")
                        .unwrap_or("경품")
                ),
            "{text}"
        );
        assert!(
            !text.contains("(광고)"),
            "informational, not advertising: {text}"
        );
    }
    // Asking again tells nobody twice.
    let a = t
        .post(
            &notify,
            Some(&token),
            json!({"channel": "SMS", "sendNow": true}),
        )
        .await;
    assert_eq!(
        (
            a.body["queued"].as_i64(),
            a.body["alreadyNotified"].as_i64()
        ),
        (Some(0), Some(2))
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(received(&t).await.len(), 2);
    // Analytics counts them.
    let mut measured = Value::Null;
    for _ in 0..100 {
        measured = t
            .get(
                &format!("/api/analytics/events/{id}/dashboard"),
                Some(&token),
            )
            .await
            .body["measured"]
            .clone();
        if measured["noticesDelivered"] == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        (
            measured["noticesSent"].as_i64(),
            measured["noticesDelivered"].as_i64()
        ),
        (Some(2), Some(2)),
        "{measured}"
    );
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_notice_asked_for_at_night_waits_until_eight_unless_sent_now() {
    let t = spawn_with(fast_notices).await;
    let (id, token, _) = drawn(&t, 2).await;
    let korea = contracts::schedule::korea();
    let today = t.app.clock.korea_today();
    let night = korea
        .from_local_datetime(&today.and_hms_opt(22, 30, 0).expect("time"))
        .single()
        .expect("22:30")
        .with_timezone(&chrono::Utc);
    t.app.clock.set(night);
    let a = t
        .post(
            &format!("/api/events/{id}/winners/notify"),
            Some(&token),
            json!({"channel": "ALIMTALK"}),
        )
        .await;
    assert_eq!(a.status, 202, "{}", a.body);
    assert_eq!(a.body["quietHours"], true);
    let eight = night + Duration::hours(9) + Duration::minutes(30);
    assert_eq!(
        a.body["notBefore"],
        json!(contracts::messages::rfc3339(eight))
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(received(&t).await.is_empty(), "nothing during quiet hours");
    t.app.clock.set(eight + Duration::minutes(1));
    wait_notices(&t, &token, &id, "DELIVERED").await;
    let messages = received(&t).await;
    assert_eq!(messages.len(), 2);
    assert!(
        messages.iter().all(|m| m["kind"]
            .as_str()
            .is_some_and(|k| k.contains("ALIMTALK") || k == "AT")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .all(|m| m["text"].as_str().is_some_and(|t| t.contains("당첨"))),
        "the template was filled: {messages:?}"
    );
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn an_outage_is_retried_then_failed_and_a_later_notice_retries_only_the_failed() {
    let t = spawn_with(fast_notices).await;
    let (id, token, _) = drawn(&t, 2).await;
    let notify = format!("/api/events/{id}/winners/notify");
    knobs(&t, json!({"outage": true})).await;
    let a = t
        .post(
            &notify,
            Some(&token),
            json!({"channel": "SMS", "sendNow": true}),
        )
        .await;
    assert_eq!(a.status, 202);
    wait_notices(&t, &token, &id, "FAILED").await;
    assert!(received(&t).await.is_empty());
    knobs(&t, json!({"outage": false})).await;
    let a = t
        .post(
            &notify,
            Some(&token),
            json!({"channel": "SMS", "sendNow": true}),
        )
        .await;
    assert_eq!(a.body["queued"], 2, "the failed ones again: {}", a.body);
    wait_notices(&t, &token, &id, "DELIVERED").await;
    assert_eq!(received(&t).await.len(), 2);
    t.app.stop().await.expect("stop");
}

/// A sender that died after the provider accepted a message, before it
/// stored that: another process takes the notice over when the lease runs
/// out, finds the message by its idempotency key and sends nothing again.
#[tokio::test]
async fn a_crash_between_the_providers_accept_and_our_commit_sends_nothing_twice() {
    // The first app never sends on its own (its sender passes once at start).
    let first = spawn_with(|s| {
        fast_notices(s);
        s.set_section(
            "participation",
            &json!({"notice_poll_interval_ms": 600000, "notice_lease_secs": 7}),
        );
    })
    .await;
    let (id, token, _) = drawn(&first, 2).await;
    let a = first
        .post(
            &format!("/api/events/{id}/winners/notify"),
            Some(&token),
            json!({"channel": "SMS", "sendNow": true}),
        )
        .await;
    assert_eq!(a.body["queued"], 2, "{}", a.body);
    let settings = first.app.settings.clone();
    let db = platform::db::Db::connect(
        &settings.database_url,
        &settings.data_dir,
        participation::NAME,
        2,
    )
    .await
    .expect("participation database");
    let rows: Vec<(String, String)> = platform::with_db!(&db, pool => {
        sqlx::query_as("SELECT idempotency_key, participant_id FROM notices ORDER BY idempotency_key").fetch_all(pool).await
    })
    .expect("notices");
    assert_eq!(rows.len(), 2);
    let contacts = first
        .get(&format!("/api/events/{id}/winners/contacts"), Some(&token))
        .await
        .body;
    let phone_of = |pid: &str| {
        contacts["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["participantId"] == pid)
            .and_then(|c| c["phoneNumber"].as_str())
            .expect("phone")
            .replace('-', "")
    };
    // The dead sender's attempt: the provider took it; our row still says PENDING, claimed.
    let providers = messaging::providers(&messaging::MessagingConfig::default(), &first.base)
        .expect("providers");
    let accepted = providers
        .sms
        .send(&messaging::Outgoing {
            idempotency_key: rows[0].0.clone(),
            recipient: phone_of(&rows[0].1),
            kind: messaging::Kind::Sms,
            text: "당첨 안내".into(),
            template_code: None,
            template_params: Default::default(),
        })
        .await
        .expect("accepted");
    let expired = chrono::Utc::now() - Duration::seconds(1);
    platform::with_db!(&db, pool => {
        sqlx::query("UPDATE notices SET attempts = 1, claimed_until = $2 WHERE idempotency_key = $1")
            .bind(&rows[0].0)
            .bind(expired)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .expect("simulate the crash");
    // Another process on the same database takes over.
    let database_url = settings.database_url.clone();
    let data_dir = settings.data_dir.clone();
    let second = spawn_with(|s| {
        fast_notices(s);
        s.database_url = database_url;
        s.data_dir = data_dir;
    })
    .await;
    let mut statuses: Vec<(String, Option<String>)> = Vec::new();
    for _ in 0..100 {
        statuses = platform::with_db!(&db, pool => {
            sqlx::query_as("SELECT status, provider_id FROM notices ORDER BY idempotency_key").fetch_all(pool).await
        })
        .expect("statuses");
        if statuses
            .iter()
            .all(|(s, _)| s == "SENT" || s == "DELIVERED")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        statuses
            .iter()
            .all(|(s, _)| s == "SENT" || s == "DELIVERED"),
        "{statuses:?}"
    );
    assert_eq!(
        statuses[0].1.as_deref(),
        Some(accepted.provider_id.as_str()),
        "found, not sent again"
    );
    let messages = received(&second).await;
    let to_first = messages
        .iter()
        .filter(|m| m["recipient"] == json!(phone_of(&rows[0].1)))
        .count();
    assert_eq!((to_first, messages.len()), (1, 2), "{messages:?}");
    // The sandbox answers a repeated key with the first message; a sender
    // that skipped the lookup would show here as a repeat.
    assert!(
        messages.iter().all(|m| m["repeats"] == 0),
        "looked up, not sent again: {messages:?}"
    );
    db.close().await;
    second.app.stop().await.expect("stop");
    first.app.stop().await.expect("stop");
}
