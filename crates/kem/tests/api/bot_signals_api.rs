//! Bot signals (docs/design.md §6.5): flagged entries are taken like any
//! other, listed with their flags and counts, and the owner may leave them
//! out of the draw, which the log, the proof and `kem verify-draw` show.

use crate::participation_api::{active_event, enter, entry};
use crate::support::TestApp;
use serde_json::{json, Value};

/// An entry as the page sends it, with these bot-signal fields.
fn signed(name: &str, phone: &str, website: Value, fill_ms: Value) -> Value {
    let mut body = entry(name, phone);
    body["website"] = website;
    body["fillMs"] = fill_ms;
    body
}

fn signals_of(item: &Value) -> Vec<String> {
    item["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .map(|s| s.as_str().expect("code").to_string())
        .collect()
}

async fn list(t: &TestApp, event_id: &str, token: &str, query: &str) -> Value {
    let a = t
        .get(
            &format!("/api/events/{event_id}/participants?size=100{query}"),
            Some(token),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body
}

#[tokio::test]
async fn flagged_entries_are_taken_and_listed_with_their_signals_and_counts() {
    let t = crate::support::spawn().await;
    let (event_id, token, _) = active_event(&t).await;
    let cases = [
        ("사람", json!(""), json!(8000), vec![]),
        (
            "봇하나",
            json!("https://spam.example"),
            json!(9000),
            vec!["HONEYPOT"],
        ),
        ("봇둘", json!(null), json!(1200), vec!["TOO_FAST"]),
        ("봇셋", json!(null), json!(null), vec!["NO_FILL_TIME"]),
        ("봇넷", json!(""), json!(-50), vec!["NO_FILL_TIME"]),
        ("느린사람", json!(null), json!(1e15), vec![]),
        ("소수점", json!(null), json!(4500.5), vec![]),
        ("둘다", json!("x"), json!(10), vec!["HONEYPOT", "TOO_FAST"]),
    ];
    let mut receipt_keys = Vec::new();
    for (i, (name, website, fill_ms, _)) in cases.iter().enumerate() {
        let a = enter(
            &t,
            &event_id,
            signed(
                name,
                &format!("0107777{i:04}"),
                website.clone(),
                fill_ms.clone(),
            ),
        )
        .await;
        assert_eq!(a.status, 201, "{name}: {}", a.body);
        assert_eq!(a.body["message"], "이벤트 참여가 완료되었습니다");
        let mut keys: Vec<String> = a
            .body
            .as_object()
            .expect("receipt")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        receipt_keys.push(keys);
    }
    assert!(
        receipt_keys.windows(2).all(|w| w[0] == w[1]),
        "a flagged entry gets the same receipt: {receipt_keys:?}"
    );
    assert!(!receipt_keys[0].iter().any(|k| k.contains("ignal")));

    for (bad, i) in [
        (json!({"website": 5, "fillMs": 8000}), 90),
        (json!({"website": "", "fillMs": "fast"}), 91),
    ] {
        let mut body = entry("형식오류", &format!("0107777{i:04}"));
        body.as_object_mut()
            .expect("body")
            .extend(bad.as_object().expect("bad").clone());
        let a = enter(&t, &event_id, body.clone()).await;
        assert_eq!((a.status, a.code()), (400, "COMMON_400"), "{body}");
    }

    let page = list(&t, &event_id, &token, "").await;
    assert_eq!(page["totalCount"], 8);
    for (item, (name, _, _, expected)) in
        page["items"].as_array().expect("items").iter().zip(&cases)
    {
        assert_eq!(item["name"], participation::domain::mask_name(name));
        assert_eq!(signals_of(item), *expected, "{name}");
    }
    let counts = json!({"HONEYPOT": 2, "TOO_FAST": 2, "NO_FILL_TIME": 2});
    assert_eq!(page["signalCounts"], counts);
    assert_eq!(page["flaggedCount"], 5);

    let flagged = list(&t, &event_id, &token, "&flagged=true").await;
    assert_eq!(flagged["totalCount"], 5);
    assert!(flagged["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| !signals_of(i).is_empty()));
    assert_eq!(
        flagged["signalCounts"], counts,
        "counts are the event's, whatever the filter"
    );
    let clean = list(&t, &event_id, &token, "&flagged=false").await;
    assert_eq!(clean["totalCount"], 3);
    assert_eq!(clean["flaggedCount"], 5);
    for bad in ["flagged=maybe", "flagged=1"] {
        let a = t
            .get(
                &format!("/api/events/{event_id}/participants?{bad}"),
                Some(&token),
            )
            .await;
        assert_eq!((a.status, a.code()), (400, "PART_011"), "{bad}");
    }

    let res = t
        .client
        .get(t.url(&format!(
            "/api/events/{event_id}/participants.csv?flagged=true"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("csv text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[0].ends_with(",의심신호"), "{}", lines[0]);
    assert!(lines[1].ends_with(",숨은 칸 입력"), "{}", lines[1]);
    assert!(
        lines[5].ends_with(",숨은 칸 입력 · 빠른 입력"),
        "{}",
        lines[5]
    );
    assert!(!text.contains("TOO_FAST"), "Korean words only: {text}");
    t.app.stop().await.expect("stop");
}

/// `clean` entries as the page sends them, then `flagged` without a fill time.
async fn fill(t: &TestApp, event_id: &str, clean: usize, flagged: usize) {
    for i in 0..clean + flagged {
        let fill_ms = if i < clean { json!(7000) } else { json!(null) };
        let body = signed(
            &format!("응모자{i:02}"),
            &format!("0108888{i:04}"),
            json!(""),
            fill_ms,
        );
        let a = enter(t, event_id, body).await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
}

#[tokio::test]
async fn a_draw_may_leave_flagged_entries_out_and_its_proof_still_verifies() {
    let t = crate::support::spawn().await;
    // Three clean entries among twenty flagged ones; and another event drawn without the option.
    let (event_id, token, _) = active_event(&t).await;
    fill(&t, &event_id, 3, 20).await;
    let (other_id, other_token, _) = active_event(&t).await;
    fill(&t, &other_id, 1, 10).await;
    t.app.clock.advance(chrono::Duration::days(31));

    let draw = format!("/api/events/{event_id}/draw-winners");
    let a = t
        .post(
            &draw,
            Some(&token),
            json!({"winnerCount": 3, "reserveCount": 1, "excludeFlagged": true}),
        )
        .await;
    assert_eq!(
        (a.status, a.code()),
        (400, "PART_005"),
        "four of three clean entries"
    );
    assert!(
        a.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("의심 응모")),
        "{}",
        a.body
    );
    let a = t
        .post(
            &draw,
            Some(&token),
            json!({"winnerCount": 2, "reserveCount": 1, "excludeFlagged": true}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let drawn: Vec<i64> = a.body["winners"]
        .as_array()
        .expect("winners")
        .iter()
        .chain(a.body["reserves"].as_array().expect("reserves"))
        .map(|w| w["entryNumber"].as_i64().expect("number"))
        .collect();
    let mut sorted = drawn.clone();
    sorted.sort();
    assert_eq!(sorted, [1, 2, 3], "only the clean entries are drawn");
    let log = &a.body["drawLog"];
    let excluded: Vec<i64> = (4..=23).collect();
    assert_eq!(log["excludeFlagged"], true);
    assert_eq!(log["excludedCount"], 20);
    assert_eq!(log["excludedEntryNumbers"], json!(excluded));
    assert_eq!(log["entryCount"], 23);
    assert_eq!(
        a.body["erasure"]["entrantsErasedCount"], 20,
        "left out, then erased"
    );

    let proof = t
        .get(&format!("/api/events/{event_id}/draw-proof"), None)
        .await;
    assert_eq!(proof.status, 200, "{}", proof.body);
    assert_eq!(proof.body["excludedEntryNumbers"], json!(excluded));
    let entries = proof.body["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 23);
    for e in entries {
        let n = e["entryNumber"].as_i64().expect("entry number");
        assert_eq!(e["weight"], if n > 3 { 0 } else { 1 }, "{e}");
    }
    let parsed: participation::views::DrawProof =
        serde_json::from_value(proof.body.clone()).expect("proof shape");
    assert!(participation::proof::check(&parsed).holds());
    kem::verify_draw::run(&t.url(&format!("/e/{event_id}")))
        .await
        .expect("a draw with entries left out verifies from its proof");
    let v = t
        .get(
            &format!("/api/events/{event_id}/winners/verify"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (
            v.body["digestMatches"].as_bool(),
            v.body["winnersMatch"].as_bool()
        ),
        (Some(true), Some(true)),
        "{}",
        v.body
    );

    // Without the option flagged entries are drawn like any other: five of
    // eleven with one clean entry means four flagged winners at least.
    let a = t
        .post(
            &format!("/api/events/{other_id}/draw-winners"),
            Some(&other_token),
            json!({"winnerCount": 5}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let flagged_winners = a.body["winners"]
        .as_array()
        .expect("winners")
        .iter()
        .filter(|w| signals_of(w) == ["NO_FILL_TIME"])
        .count();
    assert!(flagged_winners >= 4, "{}", a.body);
    assert_eq!(
        (
            &a.body["drawLog"]["excludeFlagged"],
            &a.body["drawLog"]["excludedCount"]
        ),
        (&json!(false), &json!(0))
    );
    let proof = t
        .get(&format!("/api/events/{other_id}/draw-proof"), None)
        .await;
    assert_eq!(proof.body["excludedEntryNumbers"], json!([]));
    kem::verify_draw::run(&t.url(&format!("/api/events/{other_id}/draw-proof")))
        .await
        .expect("verifies");
    t.app.stop().await.expect("stop");
}
