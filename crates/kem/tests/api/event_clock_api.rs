//! The event's clock and a draw anyone can check, over HTTP (docs/design.md):
//! entries by the Korea dates, the automatic end (once, also when two apps
//! share the database), the owner's new end date, the committed seed, the
//! reserves, the public proof re-run on its own, and the erasure of
//! personal data. Time is moved with the app's clock.

use chrono::Duration;
use serde_json::{json, Value};
use sha2::Digest;

use crate::support::{
    journey::{korea_day, published_event, ready_draft},
    spawn_on, spawn_with, unique, TestApp,
};

/// The automatic end sweeps often, and erasure runs often, in these tests.
fn fast_clock_jobs(s: &mut platform::config::Settings) {
    s.set_section(
        "event",
        &json!({"end_sweep_interval_ms": 50, "distribution_timeout_secs": 70}),
    );
    s.set_section("participation", &json!({"erasure_interval_secs": 1}));
    s.set_section("distribution", &json!({"retry_backoff_ms": [10, 20, 40]}));
}

/// A published event of a new owner: (event id, token, owner id).
async fn published(t: &TestApp) -> (String, String, i64) {
    published_event(t, &["INSTAGRAM", "NAVER"]).await
}

fn entry(name: &str, phone: &str, visited: bool) -> Value {
    json!({"name": name, "phoneNumber": phone, "email": "guest@example.com",
           "agreePrivacy": true, "storeVisited": visited})
}

async fn enter(t: &TestApp, id: &str, body: Value) -> crate::support::Answer {
    t.post(&format!("/api/events/{id}/participate"), None, body)
        .await
}

/// Polls `GET /api/events/{id}` until `done` holds (the sweeper runs every 50 ms).
async fn wait_event(t: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let a = t.get(&format!("/api/events/{id}"), Some(token)).await;
        if done(&a.body) {
            return a.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("event {id} never got there");
}

fn sha256_hex(hex_seed: &str) -> String {
    let bytes = hex::decode(hex_seed).expect("hex seed");
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn entries_follow_the_dates_and_the_event_ends_by_itself_once() {
    let t = spawn_with(fast_clock_jobs).await;
    let events = t.listen("event-topic");
    let (id, token, _) = published(&t).await;
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(
        (view["phase"].as_str(), view["startDate"].as_str()),
        (Some("OPEN"), Some(korea_day(&t, 0).as_str()))
    );
    assert_eq!(
        enter(&t, &id, entry("김민수", "010-1111-0001", true))
            .await
            .status,
        201
    );
    let info = t
        .get(&format!("/api/events/{id}/entry-info"), None)
        .await
        .body;
    assert_eq!(
        (
            info["phaseLabel"].as_str(),
            info["acceptingEntries"].as_bool()
        ),
        (Some("진행중"), Some(true))
    );
    assert!(
        info["seedCommitment"].is_null(),
        "no commitment while entries are open: {info}"
    );

    // The day before the start: 시작 전, and the refusal names the start date.
    t.app.clock.advance(Duration::days(-1));
    let early = enter(&t, &id, entry("이른손님", "010-1111-0002", false)).await;
    assert_eq!((early.status, early.code()), (409, "PART_002"));
    let start = contracts::schedule::parse_date(&korea_day(&t, 1)).expect("date");
    let named = start.format("%Y년 %-m월 %-d일").to_string();
    assert!(
        early.body["message"]
            .as_str()
            .is_some_and(|m| m.contains(&named)),
        "{}",
        early.body
    );
    let info = t
        .get(&format!("/api/events/{id}/entry-info"), None)
        .await
        .body;
    assert_eq!(info["phaseLabel"], "시작 전");
    t.app.clock.advance(Duration::days(1));

    // Bad new end dates change nothing.
    let schedule = format!("/api/events/{id}/schedule");
    let start_date = view["startDate"].as_str().expect("start").to_string();
    let too_far = (contracts::schedule::parse_date(&start_date).expect("start")
        + Duration::days(91))
    .format("%Y-%m-%d")
    .to_string();
    for bad in [
        json!({"endDate": "12/31"}),
        json!({}),
        json!({"endDate": korea_day(&t, -1)}),
        json!({"endDate": too_far}),
    ] {
        let a = t.put(&schedule, Some(&token), bad.clone()).await;
        assert_eq!(
            (a.status, a.code()),
            (400, "EVENT_012"),
            "{bad}: {}",
            a.body
        );
    }
    let (intruder, _) = t.owner().await;
    let a = t
        .put(
            &schedule,
            Some(&intruder),
            json!({"endDate": korea_day(&t, 1)}),
        )
        .await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let unchanged = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(unchanged["endDate"], view["endDate"]);

    // The owner ends it tomorrow instead.
    let a = t
        .put(
            &schedule,
            Some(&token),
            json!({"endDate": korea_day(&t, 1)}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["endDate"], json!(korea_day(&t, 1)));
    let moved = events
        .wait_for_key(&id, |m| {
            m.iter().any(|m| m["eventType"] == "EventScheduleChanged")
        })
        .await;
    assert!(moved
        .iter()
        .any(|m| m["endDate"] == json!(korea_day(&t, 1))));

    // Two days later the sweeper has ended it, once.
    t.app.clock.advance(Duration::days(2));
    let ended = wait_event(&t, &token, &id, |v| v["status"] == "ENDED").await;
    assert_eq!(ended["phase"], "ENDED");
    let late = enter(&t, &id, entry("늦은손님", "010-1111-0003", false)).await;
    assert_eq!((late.status, late.code()), (409, "PART_002"));
    assert!(
        late.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("종료")),
        "{}",
        late.body
    );
    let seen = events
        .wait_for_key(&id, |m| m.iter().any(|m| m["eventType"] == "EventEnded"))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let ends: Vec<Value> = events
        .with_key(&id)
        .into_iter()
        .filter(|m| m["eventType"] == "EventEnded")
        .collect();
    assert_eq!(ends.len(), 1, "{seen:?}");
    assert_eq!(ends[0]["reason"], "END_DATE");
    let a = t
        .put(
            &schedule,
            Some(&token),
            json!({"endDate": korea_day(&t, 1)}),
        )
        .await;
    assert_eq!(
        (a.status, a.code()),
        (409, "EVENT_008"),
        "an ended event keeps its dates"
    );
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn the_draw_uses_the_committed_seed_and_anyone_can_rerun_it_from_the_proof() {
    let t = spawn_with(fast_clock_jobs).await;
    let (id, token, _) = published(&t).await;
    for i in 0..12 {
        let a = enter(
            &t,
            &id,
            entry(
                &format!("참여자{i:02}"),
                &format!("010-2222-{i:04}"),
                i % 3 == 0,
            ),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let draw = format!("/api/events/{id}/draw-winners");
    let a = t.post(&draw, Some(&token), json!({"winnerCount": 3})).await;
    assert_eq!(
        (a.status, a.code()),
        (409, "PART_013"),
        "not before the end"
    );
    let a = t.get(&format!("/api/events/{id}/draw-proof"), None).await;
    assert_eq!((a.status, a.code()), (404, "PART_012"));

    let ended = t
        .post(&format!("/api/events/{id}/end"), Some(&token), json!({}))
        .await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    // Closed at once, whatever the bus lag.
    let late = enter(&t, &id, entry("늦은손님", "010-2222-9999", false)).await;
    assert_eq!((late.status, late.code()), (409, "PART_002"));
    assert_eq!(
        late.body["message"], "종료된 이벤트입니다",
        "ended early: no end date that never came"
    );
    let info = t
        .get(&format!("/api/events/{id}/entry-info"), None)
        .await
        .body;
    let commitment = info["seedCommitment"]
        .as_str()
        .expect("commitment published at the end")
        .to_string();
    assert_eq!(
        (commitment.len(), info["phaseLabel"].as_str()),
        (64, Some("종료"))
    );

    for bad in [
        json!({"winnerCount": 3, "reserveCount": 10}),
        json!({"winnerCount": 3, "reserveCount": -1}),
        json!({"winnerCount": 1, "reserveCount": i64::MAX}),
        json!({"winnerCount": 3, "reserveCount": "two"}),
        json!({"winnerCount": 3, "claimDays": 0}),
        json!({"winnerCount": 3, "claimDays": 91}),
        json!({"winnerCount": 13}),
    ] {
        let a = t.post(&draw, Some(&token), bad.clone()).await;
        assert_eq!((a.status, a.code()), (400, "PART_005"), "{bad}");
    }
    let a = t
        .post(
            &draw,
            Some(&token),
            json!({"winnerCount": 3, "reserveCount": 2, "applyStoreVisitBonus": true}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let log = &a.body["drawLog"];
    let seed = log["seed"].as_str().expect("seed revealed");
    assert_eq!(
        sha256_hex(seed),
        commitment,
        "the revealed seed is the committed one"
    );
    assert_eq!(log["seedCommitment"], json!(commitment));
    assert_eq!(a.body["winners"].as_array().map(Vec::len), Some(3));
    assert_eq!(a.body["reserves"].as_array().map(Vec::len), Some(2));
    assert_eq!(a.body["reserves"][0]["rank"], 4);
    let again = t.post(&draw, Some(&token), json!({"winnerCount": 1})).await;
    assert_eq!((again.status, again.code()), (409, "PART_004"));

    // The proof, without a login, is enough to re-run the draw.
    let proof = t.get(&format!("/api/events/{id}/draw-proof"), None).await;
    assert_eq!(proof.status, 200, "{}", proof.body);
    let text = proof.body.to_string();
    assert!(
        // "010-" and not "010": a hex seed or digest may hold the digits 010.
        !text.contains("참여자") && !text.contains("010-") && !text.contains("guest@"),
        "no personal data: {text}"
    );
    let proof: participation::views::DrawProof =
        serde_json::from_value(proof.body).expect("proof shape");
    let candidates: Vec<participation::draw::Candidate> = proof
        .entries
        .iter()
        .map(|e| participation::draw::Candidate {
            participant_id: e.participant_id.clone(),
            weight: e.weight,
        })
        .collect();
    assert_eq!(candidates.len(), 12);
    assert_eq!(participation::draw::digest(&candidates), proof.entry_digest);
    let seed = participation::draw::parse_seed(&proof.seed).expect("seed");
    assert_eq!(participation::draw::commitment(&seed), commitment);
    let rerun = participation::draw::draw(&candidates, 5, &seed);
    assert_eq!(rerun[..3], proof.winners[..]);
    assert_eq!(rerun[3..], proof.reserves[..]);
    let drawn_ids: Vec<Value> = a.body["winners"]
        .as_array()
        .expect("w")
        .iter()
        .map(|w| w["participantId"].clone())
        .collect();
    assert_eq!(
        drawn_ids,
        proof.winners.iter().map(|w| json!(w)).collect::<Vec<_>>()
    );
    // What `kem verify-draw` does, from the entry page's address.
    kem::verify_draw::run(&t.url(&format!("/e/{id}")))
        .await
        .expect("the draw verifies from its proof");
    assert!(participation::proof::check(&proof).holds());
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn personal_data_is_erased_after_the_draw_and_after_the_claim_period() {
    let t = spawn_with(fast_clock_jobs).await;
    let (id, token, _) = published(&t).await;
    for i in 0..6 {
        let a = enter(
            &t,
            &id,
            entry(&format!("손님{i}"), &format!("010-3333-{i:04}"), false),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let a = t
        .post(&format!("/api/events/{id}/end"), Some(&token), json!({}))
        .await;
    assert_eq!(a.status, 200);
    let a = t
        .post(
            &format!("/api/events/{id}/draw-winners"),
            Some(&token),
            json!({"winnerCount": 1, "reserveCount": 1, "claimDays": 7}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["erasure"]["entrantsErasedCount"], 4);
    assert!(a.body["erasure"]["winnersErasedAt"].is_null());
    let list = t
        .get(
            &format!("/api/events/{id}/participants?size=100"),
            Some(&token),
        )
        .await
        .body;
    let items = list["items"].as_array().expect("items");
    assert_eq!(
        (list["totalCount"].as_i64(), items.len()),
        (Some(6), 6),
        "rows stay"
    );
    let erased: Vec<&Value> = items.iter().filter(|p| p["erasedAt"].is_string()).collect();
    assert_eq!(erased.len(), 4);
    assert!(erased
        .iter()
        .all(|p| p["name"] == "비공개 (삭제됨)" && p["phoneNumber"] == "" && p["email"].is_null()));
    let kept: Vec<&Value> = items.iter().filter(|p| p["erasedAt"].is_null()).collect();
    assert!(kept.iter().all(|p| p["drawnAs"].is_string()
        && p["phoneNumber"]
            .as_str()
            .is_some_and(|n| n.contains("****"))));
    let csv = t
        .client
        .get(t.url(&format!("/api/events/{id}/participants.csv")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("csv");
    let csv = csv.text().await.expect("text");
    assert_eq!(csv.matches("비공개 (삭제됨)").count(), 4, "{csv}");
    let proof_before = t
        .get(&format!("/api/events/{id}/draw-proof"), None)
        .await
        .body;

    // 7 claim days + 30 days of retention later, the winners' data goes too.
    t.app.clock.advance(Duration::days(39));
    let mut winners = Value::Null;
    for _ in 0..60 {
        winners = t
            .get(&format!("/api/events/{id}/winners"), Some(&token))
            .await
            .body;
        if winners["erasure"]["winnersErasedAt"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        winners["erasure"]["winnersErasedAt"].is_string(),
        "{winners}"
    );
    assert_eq!(winners["winners"][0]["name"], "비공개 (삭제됨)");
    assert_eq!(winners["reserves"][0]["phoneNumber"], "");
    assert_eq!(
        t.get(&format!("/api/events/{id}/draw-proof"), None)
            .await
            .body,
        proof_before,
        "the proof stands"
    );
    let info = t
        .get(&format!("/api/events/{id}/entry-info"), None)
        .await
        .body;
    assert_eq!(info["participantCount"], 6, "counts stand");
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_landline_or_malformed_phone_is_refused_with_part_007() {
    let t = spawn_with(fast_clock_jobs).await;
    let (id, _, _) = published(&t).await;
    for phone in ["02-1234-5678", "012-3456-7890", "010-123", "010-1234-56789"] {
        let a = enter(&t, &id, entry("김민수", phone, false)).await;
        assert_eq!((a.status, a.code()), (400, "PART_007"), "{phone}");
    }
    assert_eq!(
        enter(&t, &id, entry("김민수", "011-123-4567", false))
            .await
            .status,
        201
    );
    t.app.stop().await.expect("stop");
}

/// Participation in another process that never hears the bus (its own
/// in-process bus): it must still take entries for an event the owner was
/// told is ACTIVE, by asking the event service, and stop at once when the
/// owner ends it.
#[tokio::test]
async fn open_means_open_whatever_the_bus_lag_and_ended_means_closed_at_once() {
    let events_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let parts_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let events_url = format!("http://{}", events_listener.local_addr().expect("addr"));
    let parts_url = format!("http://{}", parts_listener.local_addr().expect("addr"));
    let lonely = spawn_on(parts_listener, |s| {
        s.services = "participation".into();
        s.bus_url = "memory://".into();
        s.set_section("participation", &json!({"event_url": events_url}));
    })
    .await;
    let t = spawn_on(events_listener, |s| {
        fast_clock_jobs(s);
        s.set_section("event", &json!({"participation_url": parts_url}));
    })
    .await;
    let (id, token, _) = published(&t).await;
    let a = enter(&lonely, &id, entry("김민수", "010-4444-0001", false)).await;
    assert_eq!(
        a.status, 201,
        "taken although this process never heard EventPublished: {}",
        a.body
    );
    let unknown = enter(
        &lonely,
        &unique("evt-"),
        entry("김민수", "010-4444-0002", false),
    )
    .await;
    assert_eq!((unknown.status, unknown.code()), (404, "PART_404"));
    let a = t
        .post(&format!("/api/events/{id}/end"), Some(&token), json!({}))
        .await;
    assert_eq!(a.status, 200);
    let late = enter(&lonely, &id, entry("늦은손님", "010-4444-0003", false)).await;
    assert_eq!(
        (late.status, late.code()),
        (409, "PART_002"),
        "closed at once"
    );
    let info = lonely
        .get(&format!("/api/events/{id}/entry-info"), None)
        .await
        .body;
    assert_eq!(
        (
            info["status"].as_str(),
            info["seedCommitment"].as_str().map(str::len)
        ),
        (Some("ENDED"), Some(64))
    );
    lonely.app.stop().await.expect("stop");
    t.app.stop().await.expect("stop");
}

/// Two apps on one database (PostgreSQL in CI's second run, one SQLite
/// directory on the embedded run): the event ends once, one `EventEnded`.
#[tokio::test]
async fn two_apps_on_one_database_end_an_event_once() {
    let first = spawn_with(fast_clock_jobs).await;
    let (id, token, _) = published(&first).await;
    let first_events = first.listen("event-topic");
    let database_url = first.app.settings.database_url.clone();
    let data_dir = first.app.settings.data_dir.clone();
    let second = spawn_with(|s| {
        fast_clock_jobs(s);
        s.database_url = database_url;
        s.data_dir = data_dir;
    })
    .await;
    let second_events = second.listen("event-topic");
    first.app.clock.advance(Duration::days(120));
    second.app.clock.advance(Duration::days(120));
    // Each app's cache is its own on the embedded defaults: watch the bus.
    let _ = token;
    for _ in 0..100 {
        let seen = first_events
            .with_key(&id)
            .into_iter()
            .chain(second_events.with_key(&id));
        if seen.filter(|m| m["eventType"] == "EventEnded").count() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut ids: Vec<String> = first_events
        .with_key(&id)
        .into_iter()
        .chain(second_events.with_key(&id))
        .filter(|m| m["eventType"] == "EventEnded")
        .map(|m| m["messageId"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "one EventEnded: {ids:?}");
    second.app.stop().await.expect("stop");
    first.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_draft_whose_end_date_passed_is_not_published() {
    let t = spawn_with(fast_clock_jobs).await;
    let (token, owner) = t.owner().await;
    let id = ready_draft(&t, &token, owner, &["INSTAGRAM"]).await;
    t.app.clock.advance(Duration::days(100));
    let a = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "EVENT_004"));
    assert!(
        a.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("종료일")),
        "{}",
        a.body
    );
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["status"], "DRAFT", "nothing published");
    t.app.stop().await.expect("stop");
}
