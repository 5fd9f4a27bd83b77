//! Participation over HTTP (UFR-PART-010/020/030): entries, the owner's
//! list and CSV, the winner draw, and events learnt from `event-topic`,
//! driven the way the event service drives it: `EventPublished` on the bus.

use crate::support::{spawn, unique, TestApp};
use contracts::messages::{Envelope, EventCreated, EventEnded, EventPublished};
use serde_json::{json, Value};

fn published(event_id: &str, owner_id: i64) -> Envelope {
    Envelope::wrap(&EventPublished {
        event_id: event_id.into(),
        user_id: owner_id,
        title: "가을 맞이 커피 이벤트".into(),
        objective: "신규 고객 유치".into(),
        store_name: "맛있는집".into(),
        industry: "음식점".into(),
        prize: "아메리카노 1잔".into(),
        start_date: crate::support::journey::today_plus(-1),
        end_date: crate::support::journey::today_plus(30),
        channels: vec!["INSTAGRAM".into(), "KAKAO".into()],
        verify_phone: false,
        target_participants: 100,
        estimated_cost: 300_000,
        cost: None,
        image_url: "/api/content/images/img-1.png".into(),
        published_at: "2026-11-21T10:00:00Z".into(),
    })
}

async fn send(t: &TestApp, envelope: &Envelope) {
    t.app
        .bus
        .publish(&envelope.topic, &envelope.key, &envelope.payload)
        .await
        .expect("publish on the bus");
}

/// Polls the public entry page until the event has `status` (a Kafka
/// consumer group takes a while to join), and answers the entry info.
async fn wait_status(t: &TestApp, event_id: &str, status: &str) -> Value {
    for _ in 0..300 {
        let a = t
            .get(&format!("/api/events/{event_id}/entry-info"), None)
            .await;
        if a.status == 200 && a.body["status"] == status {
            return a.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("event {event_id} never became {status}");
}

/// An ACTIVE event of a new owner: (event id, owner token, owner id).
pub(crate) async fn active_event(t: &TestApp) -> (String, String, i64) {
    let (token, owner) = t.owner().await;
    let event_id = unique("evt-");
    send(t, &published(&event_id, owner)).await;
    wait_status(t, &event_id, "ACTIVE").await;
    (event_id, token, owner)
}

pub(crate) fn entry(name: &str, phone: &str) -> Value {
    json!({"name": name, "phoneNumber": phone, "email": "minsu@example.com",
           "agreePrivacy": true, "agreeMarketing": true, "storeVisited": false})
}

pub(crate) async fn enter(t: &TestApp, event_id: &str, body: Value) -> crate::support::Answer {
    t.post(&format!("/api/events/{event_id}/participate"), None, body)
        .await
}

async fn total(t: &TestApp, event_id: &str, token: &str) -> i64 {
    let a = t
        .get(&format!("/api/events/{event_id}/participants"), Some(token))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["totalCount"].as_i64().expect("totalCount")
}

#[tokio::test]
async fn a_good_entry_is_numbered_and_each_bad_input_has_its_code_and_stores_nothing() {
    let t = spawn().await;
    let (event_id, token, _) = active_event(&t).await;
    let info = wait_status(&t, &event_id, "ACTIVE").await;
    assert_eq!(info["prize"], "아메리카노 1잔");
    assert_eq!(info["acceptingEntries"], true);

    let a = enter(&t, &event_id, entry("  김민수 ", "010-1234-5678")).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["entryNumber"], 1);
    assert!(a.body["participantId"]
        .as_str()
        .is_some_and(|p| !p.is_empty()));

    let mut bad_channel = entry("이영희", "01022223333");
    bad_channel["channel"] = json!("YOUTUBE");
    let cases = [
        (entry("김", "01022223333"), "PART_006"),
        (
            json!({"phoneNumber": "01022223333", "agreePrivacy": true}),
            "PART_006",
        ),
        (entry("이영희", "010-222-333"), "PART_007"),
        (entry("이영희", "010-2222-33334"), "PART_007"),
        (entry("이영희", "phone"), "PART_007"),
        (
            json!({"name": "이영희", "phoneNumber": "01022223333", "agreePrivacy": false}),
            "PART_008",
        ),
        (
            json!({"name": "이영희", "phoneNumber": "01022223333"}),
            "PART_008",
        ),
        (
            json!({"name": "이영희", "phoneNumber": "01022223333", "agreePrivacy": true, "email": "nope"}),
            "PART_009",
        ),
        (bad_channel, "PART_010"),
        (
            json!({"name": 5, "phoneNumber": "01022223333", "agreePrivacy": true}),
            "COMMON_400",
        ),
    ];
    for (body, code) in cases {
        let a = enter(&t, &event_id, body.clone()).await;
        assert_eq!((a.status, a.code()), (400, code), "{body}");
    }
    let a = t
        .post(
            &format!("/api/events/{event_id}/participate?ch=TIKTOK"),
            None,
            entry("이영희", "01022223333"),
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "PART_010"));
    let raw = t
        .send(
            t.client
                .post(t.url(&format!("/api/events/{event_id}/participate")))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!((raw.status, raw.code()), (400, "COMMON_400"));
    assert_eq!(
        total(&t, &event_id, &token).await,
        1,
        "no bad input was stored"
    );

    // A per-channel link sets the channel; the number follows without gaps.
    let a = t
        .post(
            &format!("/api/events/{event_id}/participate?ch=instagram"),
            None,
            entry("이영희", "010 2222 3333"),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        (a.body["entryNumber"].as_i64(), a.body["channel"].as_str()),
        (Some(2), Some("INSTAGRAM"))
    );

    let a = enter(&t, "evt-unknown", entry("박철수", "01055556666")).await;
    assert_eq!((a.status, a.code()), (404, "PART_404"));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn fifty_concurrent_entries_of_one_phone_store_one() {
    let t = spawn().await;
    let (event_id, token, _) = active_event(&t).await;
    let attempts = (0..50).map(|_| enter(&t, &event_id, entry("김민수", "010-7777-8888")));
    let answers = futures::future::join_all(attempts).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(created, 1);
    for a in answers.iter().filter(|a| a.status != 201) {
        assert_eq!((a.status, a.code()), (409, "PART_001"));
        assert_eq!(a.body["message"], "이미 참여하신 이벤트입니다");
    }
    assert_eq!(total(&t, &event_id, &token).await, 1);
    let next = enter(&t, &event_id, entry("이영희", "01011112222")).await;
    assert_eq!(
        next.body["entryNumber"], 2,
        "the refused entries left no gap"
    );
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn only_active_events_take_entries_and_a_redelivered_publish_changes_nothing() {
    let t = spawn().await;
    let (_, owner) = t.owner().await;
    let event_id = unique("evt-");
    send(
        &t,
        &Envelope::wrap(&EventCreated {
            event_id: event_id.clone(),
            user_id: owner,
            title: "준비 중".into(),
            objective: "매출 증대".into(),
            created_at: "2026-11-21T10:00:00Z".into(),
        }),
    )
    .await;
    let info = wait_status(&t, &event_id, "APPROVED").await;
    assert_eq!(info["acceptingEntries"], false);
    let a = enter(&t, &event_id, entry("김민수", "01012345678")).await;
    assert_eq!((a.status, a.code()), (409, "PART_002"));

    let publish = published(&event_id, owner);
    send(&t, &publish).await;
    wait_status(&t, &event_id, "ACTIVE").await;
    assert_eq!(
        enter(&t, &event_id, entry("김민수", "01012345678"))
            .await
            .status,
        201
    );

    send(
        &t,
        &Envelope::wrap(&EventEnded {
            event_id: event_id.clone(),
            user_id: owner,
            ended_at: "2026-11-30T23:00:00Z".into(),
            reason: None,
        }),
    )
    .await;
    wait_status(&t, &event_id, "ENDED").await;
    // The same EventPublished record again (same messageId): still ended, count kept.
    send(&t, &publish).await;
    let marker = unique("evt-");
    send(&t, &published(&marker, owner)).await;
    // Gives the consumer time to reach the redelivery (same partition on one-partition topics).
    wait_status(&t, &marker, "ACTIVE").await;
    let info = wait_status(&t, &event_id, "ENDED").await;
    assert_eq!(info["participantCount"], 1);
    let a = enter(&t, &event_id, entry("이영희", "01022223333")).await;
    assert_eq!((a.status, a.code()), (409, "PART_002"));
    t.app.stop().await.expect("stop");
}

/// 12 entries: even ones visited the store; names 참여자00..참여자11, one 김민수.
async fn fill(t: &TestApp, event_id: &str) {
    for i in 0..12 {
        let name = if i == 5 {
            "김민수".to_string()
        } else {
            format!("참여자{i:02}")
        };
        let mut body = entry(&name, &format!("0105555{i:04}"));
        body["storeVisited"] = json!(i % 2 == 0);
        body["channel"] = json!("KAKAO");
        let a = enter(t, event_id, body).await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
}

#[tokio::test]
async fn the_owner_lists_masked_participants_with_paging_filters_search_and_csv() {
    let t = spawn().await;
    let (event_id, token, _) = active_event(&t).await;
    fill(&t, &event_id).await;
    let path = format!("/api/events/{event_id}/participants");

    let a = t.get(&format!("{path}?page=1&size=5"), Some(&token)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        (a.body["totalCount"].as_i64(), a.body["totalPages"].as_i64()),
        (Some(12), Some(3))
    );
    let items = a.body["items"].as_array().expect("items");
    let numbers: Vec<i64> = items
        .iter()
        .filter_map(|i| i["entryNumber"].as_i64())
        .collect();
    assert_eq!(numbers, vec![6, 7, 8, 9, 10]);
    assert_eq!(items[0]["phoneNumber"], "010-****-0005");
    assert_eq!(items[0]["email"], "mi***@example.com");
    assert!(
        !a.body.to_string().contains("01055550005"),
        "no raw phone in the list"
    );

    let a = t
        .get(&format!("{path}?storeVisited=true&size=100"), Some(&token))
        .await;
    assert_eq!(a.body["totalCount"], 6);
    assert!(a.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["storeVisited"] == true));
    let a = t
        .get(&format!("{path}?q=%EB%AF%BC%EC%88%98"), Some(&token))
        .await; // 민수
    assert_eq!(a.body["totalCount"], 1);
    assert_eq!(a.body["items"][0]["name"], "김*수");
    for bad in [
        "page=-1",
        "size=0",
        "size=1000",
        "storeVisited=maybe",
        "page=x",
    ] {
        let a = t.get(&format!("{path}?{bad}"), Some(&token)).await;
        assert_eq!((a.status, a.code()), (400, "PART_011"), "{bad}");
    }
    let a = t.get(&path, None).await;
    assert_eq!(a.status, 401);

    let res = t
        .client
        .get(t.url(&format!(
            "/api/events/{event_id}/participants.csv?storeVisited=false"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"]
        .to_str()
        .expect("ct")
        .to_string();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let bytes = res.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "header and six non-visitors: {text}");
    assert!(lines[0].starts_with("응모번호,이름,휴대폰번호"));
    assert!(lines[1].starts_with("2,참***1,010-****-0001,mi***@example.com,N,Y,KAKAO,"));
    assert!(!text.contains("01055550001") && !text.contains("minsu@"));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn another_owner_is_refused_on_every_owner_endpoint() {
    let t = spawn().await;
    let (event_id, _, _) = active_event(&t).await;
    fill(&t, &event_id).await;
    let (intruder, _) = t.owner().await;
    let base = format!("/api/events/{event_id}");
    for path in [
        "participants",
        "participants.csv",
        "winners",
        "winners/verify",
    ] {
        let a = t.get(&format!("{base}/{path}"), Some(&intruder)).await;
        assert_eq!((a.status, a.code()), (403, "PART_003"), "{path}");
    }
    let a = t
        .post(
            &format!("{base}/draw-winners"),
            Some(&intruder),
            json!({"winnerCount": 1}),
        )
        .await;
    assert_eq!((a.status, a.code()), (403, "PART_003"));
    let a = t
        .get("/api/events/evt-unknown/participants", Some(&intruder))
        .await;
    assert_eq!((a.status, a.code()), (404, "PART_404"));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn winners_are_drawn_once_logged_and_verifiable() {
    let t = spawn().await;
    let (event_id, token, owner) = active_event(&t).await;
    let draw = format!("/api/events/{event_id}/draw-winners");
    let a = t
        .get(&format!("/api/events/{event_id}/winners"), Some(&token))
        .await;
    assert_eq!((a.status, a.code()), (404, "PART_012"));
    let a = t.post(&draw, Some(&token), json!({"winnerCount": 1})).await;
    assert_eq!((a.status, a.code()), (409, "PART_013"), "not ended yet");
    fill(&t, &event_id).await;
    // Past the end date (today + 30): entries close, the draw may run.
    t.app.clock.advance(chrono::Duration::days(31));
    for bad in [
        json!({"winnerCount": 0}),
        json!({"winnerCount": 13}),
        json!({"winnerCount": "abc"}),
        json!({}),
    ] {
        let a = t.post(&draw, Some(&token), bad.clone()).await;
        assert_eq!((a.status, a.code()), (400, "PART_005"), "{bad}");
    }
    let a = t
        .post(
            &draw,
            Some(&token),
            json!({"winnerCount": 3, "applyStoreVisitBonus": true}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let winners = a.body["winners"].as_array().expect("winners");
    assert_eq!(winners.len(), 3);
    assert!(winners.iter().all(|w| w["phoneNumber"]
        .as_str()
        .is_some_and(|p| p.contains("****"))));
    let log = &a.body["drawLog"];
    assert_eq!(log["algorithm"], "efraimidis-spirakis-a-es/chacha20/v1");
    assert_eq!(
        (log["entryCount"].as_i64(), log["winnerCount"].as_i64()),
        (Some(12), Some(3))
    );
    assert_eq!(
        (
            log["weights"]["storeVisitor"].as_i64(),
            log["weights"]["other"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(log["drawnBy"], owner);
    assert_eq!(log["seed"].as_str().map(str::len), Some(64));
    assert_eq!(log["entryDigest"].as_str().map(str::len), Some(64));

    let again = t.post(&draw, Some(&token), json!({"winnerCount": 1})).await;
    assert_eq!((again.status, again.code()), (409, "PART_004"));
    let stored = t
        .get(&format!("/api/events/{event_id}/winners"), Some(&token))
        .await;
    assert_eq!(stored.status, 200);
    assert_eq!(stored.body, a.body, "GET /winners answers the same");

    // No entry after the end; the draw's verification stands.
    let late = enter(&t, &event_id, entry("늦은참여", "01099990000")).await;
    assert_eq!((late.status, late.code()), (409, "PART_002"));
    let v = t
        .get(
            &format!("/api/events/{event_id}/winners/verify"),
            Some(&token),
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(
        (
            v.body["digestMatches"].as_bool(),
            v.body["winnersMatch"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert_eq!(v.body["recomputedWinners"], log["winnerIds"]);
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn of_concurrent_draws_exactly_one_wins() {
    let t = spawn().await;
    let (event_id, token, _) = active_event(&t).await;
    fill(&t, &event_id).await;
    t.app.clock.advance(chrono::Duration::days(31));
    let draw = format!("/api/events/{event_id}/draw-winners");
    let attempts = (0..8).map(|_| t.post(&draw, Some(&token), json!({"winnerCount": 2})));
    let answers = futures::future::join_all(attempts).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 1);
    for a in answers.iter().filter(|a| a.status != 200) {
        assert_eq!((a.status, a.code()), (409, "PART_004"));
    }
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn each_entry_is_announced_on_the_bus_without_personal_data() {
    let t = spawn().await;
    let collector = t.listen(contracts::topics::PARTICIPANT_TOPIC);
    let (event_id, _, _) = active_event(&t).await;
    let mut body = entry("김민수", "010-4444-5555");
    body["storeVisited"] = json!(true);
    let a = t
        .post(
            &format!("/api/events/{event_id}/participate?ch=NAVER"),
            None,
            body,
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let seen = collector.wait_for_key(&event_id, |m| !m.is_empty()).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    let m = &seen[0];
    assert_eq!(m["eventType"], "ParticipantRegistered");
    assert!(m["messageId"].is_string());
    assert_eq!(m["participantId"], a.body["participantId"]);
    assert_eq!(
        (m["entryNumber"].as_i64(), m["channel"].as_str()),
        (Some(1), Some("NAVER"))
    );
    assert_eq!(
        (m["storeVisited"].as_bool(), m["agreeMarketing"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(m["registeredAt"].is_string());
    let raw = m.to_string();
    for personal in ["01044445555", "4444-5555", "김민수", "minsu", "example.com"] {
        assert!(!raw.contains(personal), "{personal} in {raw}");
    }
    t.app.stop().await.expect("stop");
}
