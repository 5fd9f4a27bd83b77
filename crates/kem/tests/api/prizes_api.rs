//! From the draw to the prize, over HTTP (docs/design.md §6.4): coupons on the
//! winners, the public claim facts, redemption at the counter (once, in time,
//! by the event's owner only), winners' full contacts with every read
//! recorded, and unclaimed prizes passing to the reserves.

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{
    journey::{end_and_draw, enter_many, published_event},
    spawn_with, TestApp,
};

fn settings(s: &mut platform::config::Settings) {
    s.set_section("distribution", &json!({"retry_backoff_ms": [10, 20, 40]}));
}

/// A drawn event with `entries` entrants: (event id, owner token, the draw's answer).
async fn drawn(
    t: &TestApp,
    entries: usize,
    winners: i64,
    reserves: i64,
) -> (String, String, Value) {
    let (id, token, _) = published_event(t, &["INSTAGRAM"]).await;
    enter_many(t, &id, "당첨후보", 5555, entries).await;
    let body = json!({"winnerCount": winners, "reserveCount": reserves, "claimDays": 7});
    let draw = end_and_draw(t, &token, &id, body).await;
    (id, token, draw)
}

fn code_of(w: &Value) -> String {
    w["couponCode"].as_str().expect("coupon code").to_string()
}

#[tokio::test]
async fn each_winner_gets_a_coupon_redeemed_once_by_the_owner_before_the_deadline() {
    let t = spawn_with(settings).await;
    let (id, token, draw) = drawn(&t, 5, 2, 1).await;
    let winners = draw["winners"].as_array().expect("winners");
    assert!(winners.iter().all(|w| w["couponStatus"] == "USABLE"
        && w["claimUrl"].as_str().is_some_and(|u| u.contains("/c/"))));
    assert!(
        draw["reserves"][0]["couponCode"].is_null(),
        "reserves hold no coupon yet"
    );
    let code = code_of(&winners[0]);
    assert_eq!(code.len(), 20, "18 symbols in three groups: {code}");

    // The claim page's facts, public, nothing personal.
    let info = t.get(&format!("/api/coupons/{code}"), None).await;
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(
        (info.body["status"].as_str(), info.body["eventId"].as_str()),
        (Some("USABLE"), Some(id.as_str()))
    );
    assert!(!info.body.to_string().contains("당첨후보") && !info.body.to_string().contains("010-"));

    // Unknown, malformed and over-long codes: 404 alike.
    for bad in ["AAAAAABBBBBBCCCCC2", "not-a-code", &"Z".repeat(80)] {
        let a = t
            .post(
                &format!("/api/coupons/{bad}/redeem"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!((a.status, a.code()), (404, "PART_017"), "{bad}");
    }
    // Another owner: 403, and the coupon stays usable.
    let (intruder, _) = t.owner().await;
    let a = t
        .post(
            &format!("/api/coupons/{code}/redeem"),
            Some(&intruder),
            json!({}),
        )
        .await;
    assert_eq!((a.status, a.code()), (403, "PART_003"));
    // Two phones at the counter at once: exactly one 200.
    let paths = [code.clone(), code.to_lowercase()].map(|c| format!("/api/coupons/{c}/redeem"));
    let tries = paths.iter().map(|p| t.post(p, Some(&token), json!({})));
    let answers = futures::future::join_all(tries).await;
    assert_eq!(
        answers.iter().filter(|a| a.status == 200).count(),
        1,
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    let second = answers.iter().find(|a| a.status != 200).expect("the other");
    assert_eq!((second.status, second.code()), (409, "PART_014"));
    assert!(
        second.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("사용")),
        "says when: {}",
        second.body
    );
    let info = t.get(&format!("/api/coupons/{code}"), None).await.body;
    assert_eq!(info["status"], "REDEEMED");
    // The redemption is a measured store visit on the dashboard, with ROI from it.
    let mut measured = Value::Null;
    for _ in 0..100 {
        let d = t
            .get(
                &format!("/api/analytics/events/{id}/dashboard"),
                Some(&token),
            )
            .await;
        measured = d.body["measured"].clone();
        if measured["storeVisits"] == 1 && measured["claims"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(measured["storeVisits"], 1, "{measured}");
    assert_eq!(
        measured["claims"], 1,
        "the claim page opened (twice) counts once: {measured}"
    );
    assert!(measured["roi"].is_number(), "{measured}");
    assert_eq!(measured["revenue"], measured["spendPerVisit"]);

    // After the deadline (7 days): 409 PART_015.
    t.app.clock.advance(Duration::days(8));
    let other = code_of(&winners[1]);
    let a = t
        .post(
            &format!("/api/coupons/{other}/redeem"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "PART_015"));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn the_owner_reads_full_contacts_each_read_recorded_and_unclaimed_prizes_pass_to_reserves() {
    let t = spawn_with(settings).await;
    let (id, token, draw) = drawn(&t, 6, 2, 2).await;
    let contacts = format!("/api/events/{id}/winners/contacts");
    let (intruder, _) = t.owner().await;
    let a = t.get(&contacts, Some(&intruder)).await;
    assert_eq!((a.status, a.code()), (403, "PART_003"));
    let a = t.get(&contacts, Some(&token)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let items = a.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 4, "winners and reserves");
    assert!(
        items.iter().all(|c| c["phoneNumber"]
            .as_str()
            .is_some_and(|p| p.starts_with("010-5555-"))),
        "full numbers: {}",
        a.body
    );
    let again = t.get(&contacts, Some(&token)).await.body;
    assert_eq!(
        again["reads"].as_array().map(Vec::len),
        Some(2),
        "every read recorded: {again}"
    );
    // The list stays masked.
    let list = t
        .get(&format!("/api/events/{id}/participants"), Some(&token))
        .await
        .body;
    assert!(!list.to_string().contains("010-5555-0"), "{list}");

    // Before any deadline: nothing to pass.
    let replace = format!("/api/events/{id}/winners/replace");
    let a = t.post(&replace, Some(&token), json!({})).await;
    assert_eq!((a.status, a.code()), (409, "PART_016"));
    let first = code_of(&draw["winners"][0]);
    assert_eq!(
        t.post(
            &format!("/api/coupons/{first}/redeem"),
            Some(&token),
            json!({})
        )
        .await
        .status,
        200
    );
    t.app.clock.advance(Duration::days(8));
    let a = t.post(&replace, Some(&token), json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let passed = a.body.as_array().expect("passed");
    assert_eq!(passed.len(), 1, "only the unclaimed prize: {}", a.body);
    assert_eq!(
        passed[0]["fromParticipantId"],
        draw["winners"][1]["participantId"]
    );
    assert_eq!(
        passed[0]["toParticipantId"], draw["reserves"][0]["participantId"],
        "the next reserve in drawn order"
    );
    assert_eq!(passed[0]["prizeRank"], 2);
    let a = t.post(&replace, Some(&token), json!({})).await;
    assert_eq!((a.status, a.code()), (409, "PART_016"), "passed once");
    let winners = t
        .get(&format!("/api/events/{id}/winners"), Some(&token))
        .await
        .body;
    assert_eq!(winners["winners"][1]["couponStatus"], "PASSED");
    assert_eq!(winners["reserves"][0]["couponStatus"], "USABLE");
    let fresh = code_of(&winners["reserves"][0]);
    assert_eq!(
        t.post(
            &format!("/api/coupons/{fresh}/redeem"),
            Some(&token),
            json!({})
        )
        .await
        .status,
        200
    );
    let old = code_of(&draw["winners"][1]);
    let a = t
        .post(
            &format!("/api/coupons/{old}/redeem"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "PART_015"));
    t.app.stop().await.expect("stop");
}
