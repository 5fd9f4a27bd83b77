//! Fair entries over HTTP (docs/design.md §8): rate limits per client
//! address (and per event for entries) with 429 + Retry-After, the client
//! address taken from `X-Forwarded-For` only from a trusted proxy, limits
//! shared by two apps on one Redis, and phone verification by SMS code
//! against the messaging sandbox: wrong, expired, replayed and spent codes,
//! resend limits, and a provider outage that stores nothing.

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{
    generous_limits,
    journey::{published_event, ready_draft, verification_code},
    spawn_with, Answer, Api, TestApp,
};

/// `[rate_limits]` with `changes` over the generous test defaults.
fn limits(changes: Value) -> impl FnOnce(&mut platform::config::Settings) {
    move |s| {
        let mut table = generous_limits();
        for (k, v) in changes.as_object().expect("object") {
            table[k] = v.clone();
        }
        s.set_section("rate_limits", &table);
    }
}

fn entry(i: usize) -> Value {
    json!({"name": format!("손님{i}"), "phoneNumber": format!("010-5555-{i:04}"), "agreePrivacy": true})
}

/// POST with an optional `X-Forwarded-For`; status, body and `Retry-After`.
async fn post_from(
    t: &TestApp,
    path: &str,
    forwarded: Option<&str>,
    body: Value,
) -> (Answer, Option<u64>) {
    let mut req = t.http().post(t.url(path)).json(&body);
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let res = req.send().await.expect("request");
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let status = res.status().as_u16();
    let body = res.json().await.unwrap_or(Value::Null);
    (Answer { status, body }, retry)
}

async fn count(t: &TestApp, token: &str, id: &str) -> i64 {
    let a = t
        .get(&format!("/api/events/{id}/participants"), Some(token))
        .await;
    a.body["totalCount"].as_i64().expect("count")
}

#[tokio::test]
async fn a_flood_from_one_address_stops_at_the_limit_and_nothing_more_is_stored() {
    let t = spawn_with(limits(json!({
        "entry": {"count": 5, "per_secs": 60},
        // The test client stands for a proxy in front.
        "trusted_proxies": ["127.0.0.1"],
    })))
    .await;
    let (id, token, _) = published_event(&t, &["INSTAGRAM"]).await;
    let path = format!("/api/events/{id}/participate");
    for i in 0..5 {
        let (a, _) = post_from(&t, &path, None, entry(i)).await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    for i in 5..40 {
        let (a, retry) = post_from(&t, &path, None, entry(i)).await;
        assert_eq!((a.status, a.code()), (429, "COMMON_429"), "{}", a.body);
        let retry = retry.expect("Retry-After");
        assert!((1..=60).contains(&retry), "{retry}");
        assert!(a.body["message"].as_str().unwrap().contains("다시 시도"));
    }
    assert_eq!(
        count(&t, &token, &id).await,
        5,
        "nothing stored beyond the limit"
    );
    // Another client behind the trusted proxy has its own count.
    let (a, _) = post_from(&t, &path, Some("198.51.100.7"), entry(100)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    // So has another event, from the same address.
    let (other, _, _) = published_event(&t, &["INSTAGRAM"]).await;
    let (a, _) = post_from(
        &t,
        &format!("/api/events/{other}/participate"),
        None,
        entry(1),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
}

#[tokio::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // By default nobody's X-Forwarded-For is believed.
    let t = spawn_with(limits(json!({"entry": {"count": 3, "per_secs": 60}}))).await;
    let (id, token, _) = published_event(&t, &["INSTAGRAM"]).await;
    let path = format!("/api/events/{id}/participate");
    for i in 0..3 {
        let forged = format!("203.0.113.{i}");
        let (a, _) = post_from(&t, &path, Some(&forged), entry(i)).await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let (a, _) = post_from(&t, &path, Some("203.0.113.99"), entry(9)).await;
    assert_eq!((a.status, a.code()), (429, "COMMON_429"));
    assert_eq!(count(&t, &token, &id).await, 3);
}

#[tokio::test]
async fn logins_sign_ups_entry_pages_and_claim_pages_are_limited_per_address() {
    let t = spawn_with(limits(json!({
        "login": {"count": 3, "per_secs": 60},
        "register": {"count": 2, "per_secs": 600},
        "entry_info": {"count": 12, "per_secs": 60},
        "coupon": {"count": 2, "per_secs": 60},
        // The test client stands for a proxy in front of several customers.
        "trusted_proxies": ["127.0.0.1"],
    })))
    .await;
    // Sign-ups: two, then 429 before anything is stored.
    for (who, phone) in [("a", "010-4000-0001"), ("b", "010-4000-0002")] {
        let email = format!("{}@example.com", crate::support::unique(who));
        t.register(&email, phone).await;
    }
    let body = json!({"email": "third@example.com", "password": "password123!", "name": "셋째",
        "phoneNumber": "010-4000-0003", "storeName": "가게", "industry": "카페", "address": "서울"});
    let (a, retry) = post_from(&t, "/api/users/register", None, body).await;
    assert_eq!((a.status, a.code()), (429, "COMMON_429"), "{}", a.body);
    assert!(retry.is_some_and(|r| r <= 600));
    // Logins: three wrong passwords are USER_004, the fourth try is 429.
    let login = json!({"email": "nobody@example.com", "password": "wrong-password"});
    for _ in 0..3 {
        let (a, _) = post_from(&t, "/api/users/login", None, login.clone()).await;
        assert_eq!((a.status, a.code()), (401, "USER_004"));
    }
    let (a, _) = post_from(&t, "/api/users/login", None, login).await;
    assert_eq!((a.status, a.code()), (429, "COMMON_429"));

    // The entry page: entry-info and /e/{id} count together, per customer.
    // (Publishing below made no entry-info calls of this client.)
    let id = {
        // The owner of this event signs up from another address.
        let (token, owner) = {
            let body = json!({"email": format!("{}@example.com", crate::support::unique("o")),
                "password": "password123!", "name": "사장님", "phoneNumber": "010-4000-0009",
                "storeName": "맛있는집", "industry": "카페", "address": "서울 강남구"});
            let (a, _) = post_from(&t, "/api/users/register", Some("192.0.2.50"), body).await;
            assert_eq!(a.status, 201, "{}", a.body);
            (
                a.body["token"].as_str().expect("token").to_string(),
                a.body["userId"].as_i64().expect("user id"),
            )
        };
        let id = ready_draft(&t, &token, owner, &["INSTAGRAM"]).await;
        let a = t
            .post(
                &format!("/api/events/{id}/publish"),
                Some(&token),
                Value::Null,
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        id
    };
    let page = |who: &'static str| {
        let t = &t;
        let id = id.clone();
        async move {
            t.http()
                .get(t.url(&format!("/e/{id}")))
                .header("x-forwarded-for", who)
                .send()
                .await
                .expect("page")
        }
    };
    let mut last = None;
    for _ in 0..13 {
        last = Some(page("198.51.100.20").await);
    }
    let limited = last.expect("answers");
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    let text = limited.text().await.unwrap();
    assert!(text.contains("잠시 후 다시 시도해 주세요"), "{text}");
    assert_eq!(
        page("198.51.100.21").await.status(),
        200,
        "another customer"
    );

    // The claim page and its API: unknown codes are 404 until the limit.
    let claim = |code: &'static str| {
        let t = &t;
        async move {
            t.http()
                .get(t.url(&format!("/c/{code}")))
                .header("x-forwarded-for", "198.51.100.30")
                .send()
                .await
                .expect("claim page")
                .status()
        }
    };
    assert_eq!(claim("ABCDEFGHJKLMNPQRST").await, 404);
    assert_eq!(claim("ABCDEFGHJKLMNPQRSU").await, 404);
    assert_eq!(claim("ABCDEFGHJKLMNPQRSV").await, 429);
}

#[tokio::test]
async fn two_apps_on_one_redis_share_the_count() {
    let Ok(url) = std::env::var("KEM_TEST_CACHE_URL") else {
        eprintln!("KEM_TEST_CACHE_URL not set: the shared count is checked in the Redis run");
        return;
    };
    let prefix = crate::support::unique("rl") + ":";
    let shared = |prefix: String, url: String| {
        move |s: &mut platform::config::Settings| {
            limits(json!({"login": {"count": 4, "per_secs": 60}}))(s);
            s.cache_url = url;
            s.cache_key_prefix = prefix;
        }
    };
    let a = spawn_with(shared(prefix.clone(), url.clone())).await;
    let b = spawn_with(shared(prefix, url)).await;
    let login = json!({"email": "nobody@example.com", "password": "wrong-password"});
    for app in [&a, &b, &a, &b] {
        let (r, _) = post_from(app, "/api/users/login", None, login.clone()).await;
        assert_eq!(r.status, 401, "{}", r.body);
    }
    for app in [&a, &b] {
        let (r, _) = post_from(app, "/api/users/login", None, login.clone()).await;
        assert_eq!(
            (r.status, r.code()),
            (429, "COMMON_429"),
            "shared by both apps"
        );
    }
}

/// A published event whose entrants verify their phone: (id, owner token).
async fn verifying_event(t: &TestApp) -> (String, String) {
    let (token, owner) = t.owner().await;
    let id = ready_draft(t, &token, owner, &["INSTAGRAM"]).await;
    let a = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            json!({"verifyPhone": true}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    (id, token)
}

fn with_code(phone: &str, code: &str) -> Value {
    json!({"name": "인증손님", "phoneNumber": phone, "agreePrivacy": true, "verificationCode": code})
}

#[tokio::test]
async fn a_verifying_event_stores_an_entry_only_with_the_code_sent_to_its_phone() {
    let t = spawn_with(|_| {}).await;
    let (id, token) = verifying_event(&t).await;
    let info = t.get(&format!("/api/events/{id}/entry-info"), None).await;
    assert_eq!(info.body["verifyPhone"], true, "{}", info.body);
    let send = format!("/api/events/{id}/verifications");
    let enter = format!("/api/events/{id}/participate");

    // No code, or a malformed one: PART_021; a bad phone gets no code.
    let a = t.post(&enter, None, entry(1)).await;
    assert_eq!((a.status, a.code()), (400, "PART_021"));
    let a = t.post(&enter, None, with_code("01055550001", "12ab")).await;
    assert_eq!((a.status, a.code()), (400, "PART_021"));
    let a = t
        .post(&send, None, json!({"phoneNumber": "02-123-4567"}))
        .await;
    assert_eq!((a.status, a.code()), (400, "PART_007"));
    // Entering before asking for a code: PART_023.
    let a = t
        .post(&enter, None, with_code("01055550001", "123456"))
        .await;
    assert_eq!((a.status, a.code()), (400, "PART_023"));

    let a = t
        .post(&send, None, json!({"phoneNumber": "010-5555-0001"}))
        .await;
    assert_eq!(a.status, 202, "{}", a.body);
    assert_eq!(
        (
            a.body["expiresInSeconds"].as_i64(),
            a.body["resendAfterSeconds"].as_i64()
        ),
        (Some(180), Some(30))
    );
    let code = verification_code(&t, "01055550001").await;
    // Again at once: 429 PART_020 with when to come back.
    let (a, retry) = post_from(&t, &send, None, json!({"phoneNumber": "01055550001"})).await;
    assert_eq!((a.status, a.code()), (429, "PART_020"));
    assert!(retry.is_some_and(|r| (1..=30).contains(&r)), "{retry:?}");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let a = t.post(&enter, None, with_code("01055550001", wrong)).await;
    assert_eq!((a.status, a.code()), (400, "PART_022"));
    assert!(
        a.body["message"].as_str().unwrap().contains("4회"),
        "{}",
        a.body
    );
    // Another phone cannot use this phone's code.
    let a = t.post(&enter, None, with_code("01055550002", &code)).await;
    assert_eq!((a.status, a.code()), (400, "PART_023"));
    assert_eq!(
        count(&t, &token, &id).await,
        0,
        "nothing stored without a code"
    );

    let a = t
        .post(&enter, None, with_code("010-5555-0001", &code))
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["verified"], true);
    // Replayed: the code is spent (and the phone entered).
    let a = t.post(&enter, None, with_code("01055550001", &code)).await;
    assert_eq!((a.status, a.code()), (400, "PART_023"));
    // An entered phone gets no new code.
    t.app.clock.advance(Duration::seconds(31));
    let a = t
        .post(&send, None, json!({"phoneNumber": "01055550001"}))
        .await;
    assert_eq!((a.status, a.code()), (409, "PART_001"));
    assert_eq!(count(&t, &token, &id).await, 1);
    let list = t
        .get(&format!("/api/events/{id}/participants"), Some(&token))
        .await;
    assert_eq!(list.body["items"][0]["verified"], true, "{}", list.body);
}

#[tokio::test]
async fn codes_expire_run_out_of_tries_and_are_sent_at_most_five_an_hour() {
    let t = spawn_with(|_| {}).await;
    let (id, _) = verifying_event(&t).await;
    let send = format!("/api/events/{id}/verifications");
    let enter = format!("/api/events/{id}/participate");

    // Expired after 3 minutes.
    let a = t
        .post(&send, None, json!({"phoneNumber": "01066660001"}))
        .await;
    assert_eq!(a.status, 202, "{}", a.body);
    let code = verification_code(&t, "01066660001").await;
    t.app.clock.advance(Duration::seconds(181));
    let a = t.post(&enter, None, with_code("01066660001", &code)).await;
    assert_eq!((a.status, a.code()), (400, "PART_023"));
    assert!(a.body["message"].as_str().unwrap().contains("3분"));

    // Five wrong tries spend the code, even the right one after them.
    let a = t
        .post(&send, None, json!({"phoneNumber": "01066660002"}))
        .await;
    assert_eq!(a.status, 202, "{}", a.body);
    let code = verification_code(&t, "01066660002").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let a = t.post(&enter, None, with_code("01066660002", wrong)).await;
        assert_eq!((a.status, a.code()), (400, "PART_022"), "{left} left");
    }
    let a = t.post(&enter, None, with_code("01066660002", &code)).await;
    assert_eq!((a.status, a.code()), (400, "PART_023"));

    // Five codes an hour per phone; the sixth waits.
    for _ in 0..4 {
        t.app.clock.advance(Duration::seconds(31));
        let a = t
            .post(&send, None, json!({"phoneNumber": "01066660002"}))
            .await;
        assert_eq!(a.status, 202, "{}", a.body);
    }
    t.app.clock.advance(Duration::seconds(31));
    let (a, retry) = post_from(&t, &send, None, json!({"phoneNumber": "01066660002"})).await;
    assert_eq!((a.status, a.code()), (429, "PART_020"));
    assert!(retry.is_some_and(|r| r > 30), "{retry:?}");
    // The last code still works, and the entry is stored once.
    let code = verification_code(&t, "01066660002").await;
    let a = t.post(&enter, None, with_code("01066660002", &code)).await;
    assert_eq!(a.status, 201, "{}", a.body);
}

#[tokio::test]
async fn a_provider_outage_keeps_nothing_and_plain_events_send_no_codes() {
    let t = spawn_with(|_| {}).await;
    let (id, _) = verifying_event(&t).await;
    let send = format!("/api/events/{id}/verifications");
    let a = t
        .put("/sandbox/messages/knobs", None, json!({"outage": true}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let (a, retry) = post_from(&t, &send, None, json!({"phoneNumber": "01077770001"})).await;
    assert_eq!((a.status, a.code()), (503, "PART_024"), "{}", a.body);
    assert!(retry.is_some());
    let a = t
        .put("/sandbox/messages/knobs", None, json!({"outage": false}))
        .await;
    assert_eq!(a.status, 200);
    // Nothing was kept: no 30-second wait for a code that never went out.
    let a = t
        .post(&send, None, json!({"phoneNumber": "01077770001"}))
        .await;
    assert_eq!(a.status, 202, "{}", a.body);

    let (plain, _, _) = published_event(&t, &["INSTAGRAM"]).await;
    let a = t
        .post(
            &format!("/api/events/{plain}/verifications"),
            None,
            json!({"phoneNumber": "01077770002"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "PART_019"));
    let info = t
        .get(&format!("/api/events/{plain}/entry-info"), None)
        .await;
    assert_eq!(info.body["verifyPhone"], false);
    let a = t
        .post(&format!("/api/events/{plain}/participate"), None, entry(7))
        .await;
    assert_eq!((a.status, &a.body["verified"]), (201, &json!(false)));
}
