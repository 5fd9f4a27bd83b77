//! The job consumer through the real bus (in-process, or Kafka when
//! `KEM_TEST_BUS_URL` is set) with the built-in engine.

mod common;

use std::sync::Arc;

use ai::{provider::Builtin, AiConfig};
use common::{of_type, Results};

async fn running(config: AiConfig) -> (common::Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = common::databases(dir.path()).await.pop().expect("db");
    let bus = common::bus().await;
    (common::start(db, bus, Arc::new(Builtin), config).await, dir)
}

#[tokio::test]
async fn a_request_is_started_then_completed_with_three_plans() {
    let (app, _dir) = running(AiConfig::default()).await;
    let request = common::request("신규 고객 유치", "2026-12-05");
    common::publish(&app.bus, &request).await;
    let messages = app
        .results
        .wait_for(&request.event_id, "AiJobCompleted")
        .await;
    assert_eq!(
        messages[0]["eventType"], "AiJobStarted",
        "started first: {messages:?}"
    );
    let done = of_type(&messages, "AiJobCompleted")[0];
    assert_eq!(done["jobId"], request.job_id.as_str());
    assert_eq!(done["provider"], "builtin");
    let plans = done["recommendations"].as_array().expect("plans");
    let levels: Vec<&str> = plans
        .iter()
        .map(|p| p["costLevel"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(levels, ["저비용", "중비용", "고비용"]);
    assert!(!done["trendAnalysis"]["seasonalTrends"]
        .as_array()
        .expect("seasonal")
        .is_empty());
    // The trend part is cached for the next job of the same industry and region.
    let cached: Option<contracts::ai::TrendAnalysis> =
        app.cache.get_json("ai:trend:음식점:서울 강남구").await;
    assert!(cached.is_some_and(|t| !t.industry_trends.is_empty()));
}

/// On a shared Kafka broker every test's service (each its own consumer
/// group) also answers this request, so the exact count is checked on the
/// in-process bus; on both, the service itself reports the redelivery as a
/// duplicate and every answer about the job is the same plan set.
#[tokio::test]
async fn a_redelivered_request_publishes_nothing_new() {
    let (app, _dir) = running(AiConfig::default()).await;
    let request = common::request("매출 증대", "2026-05-01");
    common::publish(&app.bus, &request).await;
    app.results
        .wait_for(&request.event_id, "AiJobCompleted")
        .await;
    // The same job again (at-least-once delivery), then a marker job behind it.
    common::publish(&app.bus, &request).await;
    let marker = common::request("매출 증대", "2026-05-01");
    common::publish(&app.bus, &marker).await;
    app.results
        .wait_for(&marker.event_id, "AiJobCompleted")
        .await;
    let after = app.results.about(&request.event_id);
    if std::env::var("KEM_TEST_BUS_URL").is_err() {
        assert_eq!(after.len(), 2, "no second Started or Completed: {after:?}");
    }
    let plans: Vec<&serde_json::Value> = of_type(&after, "AiJobCompleted")
        .iter()
        .map(|m| &m["recommendations"])
        .collect();
    assert!(plans.windows(2).all(|w| w[0] == w[1]), "one answer per job");
    let again = app.service.receive(request.clone()).await.expect("receive");
    assert_eq!(again, ai::service::Received::Duplicate);
    let row = app
        .service
        .store()
        .find(&request.job_id)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(row.status, "COMPLETED");
}

#[tokio::test]
async fn bad_inputs_fail_the_job_with_a_reason() {
    let (app, _dir) = running(AiConfig::default()).await;
    let mut request = common::request("아무거나", "2026-05-01");
    request.objective = "아무거나".into();
    common::publish(&app.bus, &request).await;
    let messages = app.results.wait_for(&request.event_id, "AiJobFailed").await;
    let failed = of_type(&messages, "AiJobFailed")[0];
    assert!(
        failed["reason"].as_str().expect("reason").contains("목적"),
        "{failed}"
    );
    assert!(of_type(&messages, "AiJobCompleted").is_empty());

    let mut bad_date = common::request("재방문 유도", "2026-13-45");
    bad_date.start_date = "2026-13-45".into();
    common::publish(&app.bus, &bad_date).await;
    let messages = app
        .results
        .wait_for(&bad_date.event_id, "AiJobFailed")
        .await;
    assert!(of_type(&messages, "AiJobFailed")[0]["reason"]
        .as_str()
        .expect("reason")
        .contains("시작일"));
}

#[tokio::test]
async fn a_request_older_than_the_requesters_timeout_is_skipped() {
    let (app, _dir) = running(AiConfig::default()).await;
    let mut old = common::request("인지도 향상", "2026-05-01");
    old.requested_at = "2020-01-01T00:00:00Z".into();
    common::publish(&app.bus, &old).await;
    let fresh = common::request("인지도 향상", "2026-05-01");
    common::publish(&app.bus, &fresh).await;
    app.results
        .wait_for(&fresh.event_id, "AiJobCompleted")
        .await;
    assert!(app.results.about(&old.event_id).is_empty());
    assert!(app
        .service
        .store()
        .find(&old.job_id)
        .await
        .expect("find")
        .is_none());
}

#[tokio::test]
async fn a_job_left_processing_by_a_restart_is_resumed() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = common::databases(dir.path()).await.pop().expect("db");
    let request = common::request("재방문 유도", "2026-09-10");
    // A previous process accepted the job and stopped before finishing it.
    let store = ai::store::AiStore::new(db.clone());
    let started = contracts::messages::Envelope::wrap(&contracts::ai::AiJobStarted {
        job_id: request.job_id.clone(),
        event_id: request.event_id.clone(),
        started_at: request.requested_at.clone(),
    });
    store
        .accept(&request, chrono::Utc::now(), &started)
        .await
        .expect("accept");
    let app = common::start(
        db,
        common::bus().await,
        Arc::new(Builtin),
        AiConfig::default(),
    )
    .await;
    assert_eq!(app.service.resume_open_jobs().await.expect("resume"), 1);
    app.results
        .wait_for(&request.event_id, "AiJobCompleted")
        .await;
    let row = store
        .find(&request.job_id)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(row.status, "COMPLETED");
}
