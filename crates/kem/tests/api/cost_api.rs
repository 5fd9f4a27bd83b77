//! Money that adds up (issue 12, item 5): one cost model feeds the channel
//! step's quote, the event view's `cost` at review, the AI plans' estimates
//! and the dashboard's investment; ROI is `null` until the first entry.

use serde_json::{json, Value};

use crate::support::{
    journey::{channel_body, enter_many, publish, ready_draft, recommendations},
    spawn, TestApp,
};

fn amounts(cost: &Value) -> Vec<(String, i64)> {
    cost["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap_or_default().to_string(),
                i["amount"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

fn amount_of(cost: &Value, kind: &str) -> Option<i64> {
    amounts(cost)
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, a)| a)
}

/// The event's dashboard once `done` holds (404 until analytics heard of the publish).
async fn dashboard(t: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let path = format!("/api/analytics/events/{id}/dashboard");
    let mut last = Value::Null;
    for _ in 0..300 {
        let a = t.get(&path, Some(token)).await;
        if a.status == 200 && done(&a.body) {
            return a.body;
        }
        last = a.body;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{path} did not get there: {last}");
}

#[tokio::test]
async fn the_cost_at_review_is_the_dashboards_investment_and_roi_waits_for_an_entry() {
    let t = spawn().await;
    let (token, owner) = t.owner().await;
    let channels = ["GINITV", "INSTAGRAM", "KAKAO"];
    let id = ready_draft(&t, &token, owner, &channels).await;

    // The review screen's figure: 지니TV at the 300,000 the owner set, the
    // free channels at 0, and the prize; the total is the sum of the parts.
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(view.status, 200, "{}", view.body);
    let cost = view.body["cost"].clone();
    assert_eq!(amount_of(&cost, "GINITV"), Some(300_000), "{cost}");
    assert_eq!(amount_of(&cost, "INSTAGRAM"), Some(0), "{cost}");
    assert_eq!(amount_of(&cost, "KAKAO"), Some(0), "{cost}");
    let prize = amount_of(&cost, "PRIZE").expect("the plan's prize has a value");
    assert!(prize > 0);
    let total = cost["total"].as_i64().expect("total");
    assert_eq!(total, 300_000 + prize);
    assert!(cost["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["label"]
            .as_str()
            .is_some_and(|l| !l.is_empty() && !l.contains("GINITV"))));

    // The channel step's quote gives the same figures before saving; its
    // settings are priced as typed (a 1,000,000 budget) and not checked yet.
    let quote_path = format!("/api/events/{id}/cost");
    let q = t
        .post(&quote_path, Some(&token), channel_body(&channels))
        .await;
    assert_eq!(q.status, 200, "{}", q.body);
    assert_eq!(
        (&q.body["total"], &q.body["items"]),
        (&cost["total"], &cost["items"])
    );
    let q = t
        .post(
            &quote_path,
            Some(&token),
            json!({"channels": ["GINITV", "RINGOBIZ"], "channelSettings": {"GINITV": {"budget": 1_000_000}}}),
        )
        .await;
    assert_eq!(q.status, 200, "{}", q.body);
    assert_eq!(amount_of(&q.body, "GINITV"), Some(1_000_000));
    assert_eq!(amount_of(&q.body, "RINGOBIZ"), Some(30_000));
    // Each channel's expected views ("예상 노출") from the one reach table, with
    // the settings as typed: the figure the publish result also shows.
    assert_eq!(
        q.body["reach"],
        json!({"GINITV": 1_000_000 / 30, "RINGOBIZ": 300}),
        "{}",
        q.body
    );
    let bad = t
        .post(&quote_path, Some(&token), json!({"channels": ["YOUTUBE"]}))
        .await;
    assert_eq!((bad.status, bad.code()), (400, "EVENT_006"));
    let (intruder, _) = t.owner().await;
    let other = t
        .post(&quote_path, Some(&intruder), channel_body(&channels))
        .await;
    assert_eq!(other.status, 403);

    publish(&t, &token, &id).await;

    // The dashboard's investment is the same figure, part by part; no entry
    // yet, so no ROI (null, 집계 중) — not −100 %.
    let d = dashboard(&t, &token, &id, |d| {
        d["roi"]["investment"]["total"].is_i64()
    })
    .await;
    let inv = &d["roi"]["investment"];
    assert_eq!(inv["total"].as_i64(), Some(total), "{d}");
    assert_eq!(inv["items"], cost["items"]);
    assert_eq!(inv["prize"].as_i64(), Some(prize));
    assert!(d["summary"]["estimatedRoi"].is_null(), "{d}");
    assert!(d["roi"]["roi"].is_null(), "{d}");
    assert!(d["roi"]["formula"]
        .as_str()
        .is_some_and(|f| f.contains("예상 매출") && f.contains("투자 비용")));
    let home = t
        .get("/api/analytics/users/me/dashboard", Some(&token))
        .await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body["totals"]["roi"].is_null(), "{}", home.body);
    assert_eq!(home.body["totals"]["investment"].as_i64(), Some(total));

    // One entry: now there is something to estimate from.
    enter_many(&t, &id, "참여자", 4321, 1).await;
    let d = dashboard(&t, &token, &id, |d| d["summary"]["totalParticipants"] == 1).await;
    assert!(d["summary"]["estimatedRoi"].is_number(), "{d}");
    assert_eq!(d["roi"]["investment"]["total"].as_i64(), Some(total));
    let home = t
        .get("/api/analytics/users/me/dashboard", Some(&token))
        .await;
    assert!(home.body["totals"]["roi"].is_number(), "{}", home.body);
}

#[tokio::test]
async fn the_ai_plans_are_priced_by_the_same_model() {
    let t = spawn().await;
    let (token, owner) = t.owner().await;
    let id = t.draft(&token, owner).await;
    let job = recommendations(&t, &token, &id).await;
    assert_eq!(job["status"], "COMPLETED", "{job}");
    for plan in job["recommendations"].as_array().expect("plans") {
        let channels: Vec<(contracts::channels::Channel, Option<&Value>)> = plan
            ["promotionChannels"]
            .as_array()
            .expect("channels")
            .iter()
            .filter_map(|c| contracts::channels::Channel::parse(c.as_str().unwrap_or_default()))
            .map(|c| (c, None))
            .collect();
        let model = contracts::money::cost(
            &channels,
            Some(&contracts::money::Prize {
                text: plan["prize"].as_str().unwrap_or_default(),
                value: plan["prizeValue"].as_i64().expect("prizeValue"),
                winners: plan["winners"].as_i64().expect("winners"),
            }),
        );
        let cost = &plan["estimatedCost"];
        assert_eq!(
            (cost["min"].as_i64(), cost["max"].as_i64()),
            (Some(model.total), Some(model.total)),
            "{plan}"
        );
        let labels: Vec<&str> = cost["breakdown"]
            .as_array()
            .expect("breakdown")
            .iter()
            .filter_map(|b| b["item"].as_str())
            .collect();
        let want: Vec<&str> = model.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, want);
    }

    // Keeping the plan's channels, the review shows the plan's figure.
    let plan = &job["recommendations"][0];
    let a = t
        .put(
            &format!("/api/events/{id}/recommendation"),
            Some(&token),
            json!({"optionNumber": 1}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let codes: Vec<&str> = plan["promotionChannels"]
        .as_array()
        .expect("channels")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let a = t
        .put(
            &format!("/api/events/{id}/channels"),
            Some(&token),
            channel_body(&codes),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["cost"]["total"], plan["estimatedCost"]["max"],
        "{}",
        a.body
    );
}

/// One industry table: for the same words of the owner, the ai service plans
/// with the spend per visit the dashboard estimates with.
#[test]
fn ai_and_analytics_read_the_same_spend_per_visit_from_the_owners_words() {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    for text in [
        "동네 빵집",
        "한식당",
        "디저트카페",
        "헤어샵",
        "수학학원",
        "필라테스 스튜디오",
        "꽃집",
        "세탁소",
    ] {
        let input = ai::domain::JobInput {
            objective: contracts::objective::Objective::NewCustomers,
            store_name: "맛있는집".into(),
            industry: text.into(),
            address: "서울시 강남구".into(),
            start_date: start,
        };
        let planned = ai::engine::Facts::of(&input).industry;
        let counted =
            analytics::domain::roi(&contracts::money::Cost::default(), &[], 1, text).industry;
        assert_eq!(
            (planned.name, planned.spend_per_visit),
            (counted.name, counted.spend_per_visit),
            "{text}"
        );
    }
    // The table names its rows in the owner's words, not only exact names.
    assert_eq!(ai_spend("동네 빵집"), 12_000);
}

fn ai_spend(text: &str) -> i64 {
    contracts::industry::classify(text).spend_per_visit
}
