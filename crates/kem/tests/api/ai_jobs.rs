//! The ai service inside the whole app: requests published on `ai-job-topic`
//! as the event service does, results collected on `ai-result-topic`, and
//! the owner's path through the event API to three recommendations.

use crate::support::{spawn, unique, TestApp};
use contracts::{ai::AiJobRequested, messages::Envelope, topics};
use serde_json::{json, Value};

fn request(industry: &str, address: &str, start_date: &str) -> AiJobRequested {
    AiJobRequested {
        job_id: unique("job-"),
        event_id: unique("evt-"),
        user_id: 1,
        objective: "재방문 유도".into(),
        store_name: "연남 커피".into(),
        industry: industry.into(),
        address: address.into(),
        start_date: start_date.into(),
        requested_at: contracts::messages::rfc3339(chrono::Utc::now()),
    }
}

async fn publish(t: &TestApp, request: &AiJobRequested) {
    let envelope = Envelope::wrap(request);
    t.app
        .bus
        .publish(&envelope.topic, &envelope.key, &envelope.payload)
        .await
        .expect("publish");
}

fn of_type<'a>(messages: &'a [Value], event_type: &str) -> Vec<&'a Value> {
    messages
        .iter()
        .filter(|m| m["eventType"] == event_type)
        .collect()
}

fn completed(messages: &[Value]) -> bool {
    messages.iter().any(|m| m["eventType"] == "AiJobCompleted")
}

#[tokio::test]
async fn a_request_on_the_bus_is_answered_with_every_field_of_the_contract() {
    let t = spawn().await;
    let results = t.listen(topics::AI_RESULT_TOPIC);
    let req = request("카페", "서울 마포구 연남동", "2027-02-01");
    publish(&t, &req).await;
    let messages = results.wait_for_key(&req.event_id, completed).await;
    assert!(completed(&messages), "no result: {messages:?}");
    assert_eq!(messages[0]["eventType"], "AiJobStarted");
    let done = of_type(&messages, "AiJobCompleted")[0];
    assert_eq!(
        (done["jobId"].as_str(), done["provider"].as_str()),
        (Some(req.job_id.as_str()), Some("builtin"))
    );
    let analysis = &done["trendAnalysis"];
    for part in ["industryTrends", "regionalTrends", "seasonalTrends"] {
        let trends = analysis[part].as_array().expect(part);
        assert!(!trends.is_empty(), "{part}");
        for trend in trends {
            assert!(trend["keyword"].is_string() && trend["description"].is_string());
            assert!(trend["relevance"]
                .as_f64()
                .is_some_and(|r| (0.0..=1.0).contains(&r)));
        }
    }
    // 설날 2027 is Feb 7 and 발렌타인데이 Feb 14: both are around a Feb 1 start.
    let seasonal: Vec<&str> = analysis["seasonalTrends"]
        .as_array()
        .expect("seasonal")
        .iter()
        .filter_map(|t| t["keyword"].as_str())
        .collect();
    assert!(
        seasonal.contains(&"설날") && seasonal.contains(&"발렌타인데이"),
        "{seasonal:?}"
    );

    let plans = done["recommendations"].as_array().expect("plans");
    assert_eq!(plans.len(), 3);
    for (i, plan) in plans.iter().enumerate() {
        assert_eq!(plan["optionNumber"], i + 1);
        assert_eq!(plan["costLevel"], ["저비용", "중비용", "고비용"][i]);
        for field in ["title", "description", "concept", "targetAudience", "prize"] {
            assert!(
                plan[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field}: {plan}"
            );
        }
        assert!(plan["duration"]["recommendedDays"]
            .as_u64()
            .is_some_and(|d| d > 0));
        assert_eq!(plan["duration"]["startDate"], "2027-02-01");
        assert!(plan["mechanics"]["type"].is_string() && plan["mechanics"]["details"].is_string());
        assert!(!plan["promotionChannels"]
            .as_array()
            .expect("channels")
            .is_empty());
        let cost = &plan["estimatedCost"];
        let sum: i64 = cost["breakdown"]
            .as_array()
            .expect("breakdown")
            .iter()
            .filter_map(|b| b["amount"].as_i64())
            .sum();
        assert_eq!(Some(sum), cost["max"].as_i64());
        assert!(cost["min"].as_i64() <= cost["max"].as_i64());
        let metrics = &plan["expectedMetrics"];
        assert!(
            metrics["newCustomers"].is_u64()
                && metrics["revenueIncrease"].is_f64()
                && metrics["roi"].is_f64()
        );
    }
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_redelivered_request_gets_no_second_answer() {
    let t = spawn().await;
    let results = t.listen(topics::AI_RESULT_TOPIC);
    let req = request("한식당", "부산 해운대구 우동", "2027-07-20");
    publish(&t, &req).await;
    results.wait_for_key(&req.event_id, completed).await;
    publish(&t, &req).await;
    let marker = request("한식당", "부산 해운대구 우동", "2027-07-20");
    publish(&t, &marker).await;
    results.wait_for_key(&marker.event_id, completed).await;
    let seen = results.with_key(&req.event_id);
    let answers = of_type(&seen, "AiJobCompleted");
    // Apps of parallel tests sharing a Kafka broker answer too (each its own
    // group), with the same deterministic plans; alone, this app answers once.
    if std::env::var("KEM_TEST_BUS_URL").is_err() {
        assert_eq!(answers.len(), 1, "{seen:?}");
    }
    assert!(answers
        .windows(2)
        .all(|w| w[0]["recommendations"] == w[1]["recommendations"]));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn an_owner_gets_three_recommendations_through_the_event_api() {
    let t = spawn().await;
    let (token, user_id) = t.owner().await;
    let id = t.draft(&token, user_id).await;
    let path = format!("/api/events/{id}/ai-recommendations");
    let asked = t
        .post(&path, Some(&token), json!({"startDate": "2027-12-01"}))
        .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    let mut answer = t.get(&path, Some(&token)).await;
    for _ in 0..300 {
        if answer.body["status"] == "COMPLETED" || answer.body["status"] == "FAILED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        answer = t.get(&path, Some(&token)).await;
    }
    assert_eq!(answer.body["status"], "COMPLETED", "{}", answer.body);
    let plans = answer.body["recommendations"].as_array().expect("plans");
    assert_eq!(plans.len(), 3);
    // The seed's store: a restaurant in 강남, new customers, before Christmas.
    assert!(
        plans[0]["title"]
            .as_str()
            .is_some_and(|s| s.contains("크리스마스") && s.contains("맛있는집")),
        "{}",
        plans[0]
    );
    assert!(plans[0]["targetAudience"]
        .as_str()
        .is_some_and(|s| s.contains("직장인")));
    assert_eq!(plans[0]["mechanics"]["type"], "DISCOUNT");
    t.app.stop().await.expect("stop");
}
