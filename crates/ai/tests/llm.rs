//! The LLM provider against a local fake OpenAI-compatible server over HTTP:
//! good, slow, failing and malformed answers.

mod common;

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use ai::{
    domain::{JobInput, Objective},
    engine,
    llm::{LlmProvider, LlmSettings},
    provider::{Provider, ProviderError},
    AiConfig,
};
use axum::{extract::State, http::HeaderMap, http::StatusCode, routing::post, Json, Router};
use chrono::NaiveDate;
use common::{of_type, Results};
use platform::{
    config::Secret,
    resilience::{BreakerConfig, BreakerState, CircuitBreaker},
};
use serde_json::{json, Value};

/// What the fake model does with one call.
#[derive(Clone)]
enum Reply {
    Good,
    Malformed,
    Fails,
    Slow(Duration),
}

#[derive(Default)]
struct Fake {
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<(Option<String>, Value)>>,
}

fn input() -> JobInput {
    JobInput {
        objective: Objective::NewCustomers,
        store_name: "맛있는집".into(),
        industry: "카페".into(),
        address: "서울 마포구 연남동".into(),
        start_date: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
    }
}

/// A valid answer in the contract's shape, as a model would write it.
fn good_content() -> String {
    let i = input();
    let plans = engine::recommend(&i, &engine::Facts::of(&i));
    json!({ "recommendations": plans }).to_string()
}

async fn completions(
    State(fake): State<Arc<Fake>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    fake.requests.lock().expect("lock").push((auth, body));
    let reply = fake
        .script
        .lock()
        .expect("lock")
        .pop_front()
        .unwrap_or(Reply::Good);
    let content = match reply {
        Reply::Fails => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": "boom"})),
            )
        }
        Reply::Malformed => "죄송합니다, 다음과 같이 제안합니다: 1) 할인".to_string(),
        Reply::Slow(wait) => {
            tokio::time::sleep(wait).await;
            good_content()
        }
        Reply::Good => good_content(),
    };
    let answer =
        json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]});
    (StatusCode::OK, Json(answer))
}

/// Starts the fake on port 0; answers its base URL (with `/v1`).
async fn fake(script: Vec<Reply>) -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake {
        script: Mutex::new(script.into()),
        ..Fake::default()
    });
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), fake)
}

fn provider(base_url: &str, breaker_failures: u32, timeout: Duration) -> LlmProvider {
    let settings = LlmSettings {
        base_url: base_url.into(),
        model: "test-model".into(),
        api_key: Secret::new("sk-test"),
        request_timeout: timeout,
        temperature: 0.2,
    };
    let breaker = CircuitBreaker::new(
        "test-llm",
        BreakerConfig {
            failure_threshold: breaker_failures,
            open_for: Duration::from_secs(600),
        },
    );
    LlmProvider::new(settings, breaker)
}

fn hits(fake: &Fake) -> usize {
    fake.requests.lock().expect("lock").len()
}

#[tokio::test]
async fn a_good_answer_gives_three_plans_and_the_request_is_openai_shaped() {
    let (url, fake) = fake(vec![Reply::Good]).await;
    let llm = provider(&url, 3, Duration::from_secs(10));
    let plans = llm
        .recommend(&input(), &Default::default())
        .await
        .expect("plans");
    assert_eq!(plans.len(), 3);
    assert_eq!(llm.name(), "llm:test-model");
    let (auth, body) = fake.requests.lock().expect("lock")[0].clone();
    assert_eq!(auth.as_deref(), Some("Bearer sk-test"));
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["response_format"]["type"], "json_object");
    let prompt = body["messages"][1]["content"].as_str().expect("prompt");
    assert!(
        prompt.contains("맛있는집")
            && prompt.contains("신규 고객 유치")
            && prompt.contains("2026-12-01")
    );
}

#[tokio::test]
async fn a_malformed_answer_is_retried_once_with_the_problem_shown() {
    let (url, fake) = fake(vec![Reply::Malformed, Reply::Good]).await;
    let llm = provider(&url, 3, Duration::from_secs(10));
    let plans = llm
        .recommend(&input(), &Default::default())
        .await
        .expect("plans");
    assert_eq!(plans.len(), 3);
    assert_eq!(hits(&fake), 2);
    let retry = fake.requests.lock().expect("lock")[1].1.clone();
    let messages = retry["messages"].as_array().expect("messages");
    assert_eq!(
        messages.len(),
        4,
        "the bad answer and a correction are sent back"
    );
    assert!(messages[3]["content"]
        .as_str()
        .expect("text")
        .contains("형식 검사"));
}

#[tokio::test]
async fn two_malformed_answers_fail_the_job_with_a_reason() {
    let (url, fake) = fake(vec![Reply::Malformed, Reply::Malformed]).await;
    let llm = provider(&url, 3, Duration::from_secs(10));
    let err = llm
        .recommend(&input(), &Default::default())
        .await
        .expect_err("malformed");
    assert!(matches!(err, ProviderError::Malformed(_)), "{err:?}");
    assert_eq!(hits(&fake), 2, "exactly one retry");

    // Through the bus: the job ends FAILED with the reason.
    let (url, _fake) = self::fake(vec![Reply::Malformed, Reply::Malformed]).await;
    let (app, _dir) = llm_app(&url, 30_000).await;
    let request = common::request("신규 고객 유치", "2026-12-01");
    common::publish(&app.bus, &request).await;
    let messages = app.results.wait_for(&request.event_id, "AiJobFailed").await;
    let reason = of_type(&messages, "AiJobFailed")[0]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("형식"), "{reason}");
}

#[tokio::test]
async fn failing_calls_open_the_breaker_and_later_calls_fail_fast() {
    let (url, fake) = fake(vec![Reply::Fails; 10]).await;
    let llm = provider(&url, 2, Duration::from_secs(10));
    for _ in 0..2 {
        let err = llm
            .recommend(&input(), &Default::default())
            .await
            .expect_err("500");
        assert_eq!(err, ProviderError::Call("HTTP 500".into()));
    }
    assert_eq!(llm.breaker().state().await, BreakerState::Open);
    let err = llm
        .recommend(&input(), &Default::default())
        .await
        .expect_err("open");
    assert_eq!(err, ProviderError::Unavailable);
    assert_eq!(hits(&fake), 2, "an open breaker makes no call");
}

#[tokio::test]
async fn a_slow_answer_times_out_the_job() {
    // One HTTP call slower than its own limit.
    let (url, _fake) = fake(vec![Reply::Slow(Duration::from_secs(3))]).await;
    let llm = provider(&url, 3, Duration::from_millis(200));
    let err = llm
        .recommend(&input(), &Default::default())
        .await
        .expect_err("timeout");
    assert!(
        matches!(err, ProviderError::Call(ref why) if why.contains("시간")),
        "{err:?}"
    );

    // A job slower than the AI timeout fails with the timeout reason.
    let (url, _fake) = fake(vec![Reply::Slow(Duration::from_secs(5))]).await;
    let (app, _dir) = llm_app(&url, 500).await;
    let request = common::request("신규 고객 유치", "2026-12-01");
    common::publish(&app.bus, &request).await;
    let messages = app.results.wait_for(&request.event_id, "AiJobFailed").await;
    let reason = of_type(&messages, "AiJobFailed")[0]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("제한 시간"), "{reason}");
    let row = app
        .service
        .store()
        .find(&request.job_id)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(row.status, "FAILED");
}

#[tokio::test]
async fn the_llm_provider_completes_a_job_from_the_settings() {
    let (url, _fake) = fake(vec![Reply::Good]).await;
    let (app, _dir) = llm_app(&url, 30_000).await;
    let request = common::request("신규 고객 유치", "2026-12-01");
    common::publish(&app.bus, &request).await;
    let messages = app
        .results
        .wait_for(&request.event_id, "AiJobCompleted")
        .await;
    let done = of_type(&messages, "AiJobCompleted")[0];
    assert_eq!(done["provider"], "llm:test-model");
    assert_eq!(done["recommendations"].as_array().map(Vec::len), Some(3));
}

/// The service with the `llm` provider built from `[ai]` settings, on the
/// in-process bus: these tests are about the provider, and on a shared Kafka
/// broker every test's service (each with its own fake model) would answer
/// every request. The bus itself is covered by `tests/worker.rs`.
async fn llm_app(url: &str, job_timeout_ms: u64) -> (common::Running, tempfile::TempDir) {
    let config = AiConfig {
        provider: "llm".into(),
        llm_base_url: url.into(),
        llm_model: "test-model".into(),
        job_timeout_ms,
        ..AiConfig::default()
    };
    let cache = common::cache();
    let provider = ai::provider_from(&config, &cache).expect("provider");
    let dir = tempfile::tempdir().expect("tmp");
    let db = common::databases(dir.path()).await.pop().expect("db");
    let bus: Arc<dyn platform::bus::Bus> = Arc::new(platform::bus::MemoryBus::new());
    (common::start(db, bus, provider, config).await, dir)
}
