//! The NHN adapters against the messaging sandbox (served on port 0), and
//! against a local fake answering NHN's documented failures.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use chrono::Utc;
use messaging::{
    providers,
    sandbox::{self, store::MessageStore, Sandbox, SandboxConfig},
    Accepted, Delivery, Kind, MessagingConfig, Outgoing, Providers, SendError,
};
use platform::{config::Secret, db::Db};
use serde_json::{json, Value};

struct Running {
    base: String,
    sandbox: Arc<Sandbox>,
    _dir: tempfile::TempDir,
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

async fn sandbox() -> Running {
    let dir = tempfile::tempdir().expect("dir");
    let db = Db::connect("sqlite://", dir.path(), sandbox::NAME, 4)
        .await
        .expect("db");
    db.migrate(sandbox::NAME, &sandbox::migrations())
        .await
        .expect("migrate");
    let mut config = SandboxConfig {
        delivery_delay_ms: 300,
        ..SandboxConfig::default()
    };
    config.alimtalk_templates.insert(
        "KEM_WINNER_1".into(),
        "[#{store}] #{prize} 당첨! #{link}".into(),
    );
    let sandbox = Arc::new(Sandbox::new(MessageStore::new(db), config));
    let base = serve(sandbox::router(sandbox.clone())).await;
    Running {
        base,
        sandbox,
        _dir: dir,
    }
}

fn adapters(base: &str, adjust: impl FnOnce(&mut MessagingConfig)) -> Providers {
    let mut config = MessagingConfig::default();
    adjust(&mut config);
    // The configured base URL is empty: the adapters target "this process".
    providers(&config, base).expect("providers")
}

fn notice(key: &str, recipient: &str, kind: Kind, text: &str) -> Outgoing {
    Outgoing {
        idempotency_key: key.into(),
        recipient: recipient.into(),
        kind,
        text: text.into(),
        template_code: None,
        template_params: BTreeMap::from([
            ("store".to_string(), "맛있는집".to_string()),
            ("prize".to_string(), "커피 1잔".to_string()),
            ("link".to_string(), "http://x/c/ABC".to_string()),
        ]),
    }
}

async fn received(base: &str) -> Vec<Value> {
    let v: Value = reqwest::get(format!("{base}/sandbox/messages"))
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    v["messages"].as_array().cloned().unwrap_or_default()
}

async fn delivered(p: &Providers, kind: Kind, a: &Accepted) -> Delivery {
    for _ in 0..50 {
        let d = p.of(kind).delivery(a).await.expect("delivery");
        if d != Delivery::Pending {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Delivery::Pending
}

#[tokio::test]
async fn sms_is_sent_once_per_key_found_again_and_delivered() {
    let sb = sandbox().await;
    let p = adapters(&sb.base, |_| ());
    let since = Utc::now();
    let msg = notice("evt-1:w-1:n-1", "01012345678", Kind::Sms, "[맛있는집] 당첨");
    let first = p.sms.send(&msg).await.expect("send");
    assert!(first.provider_id.starts_with("SMS:"));
    assert_eq!(
        p.of(Kind::Sms).delivery(&first).await.expect("delivery"),
        Delivery::Pending
    );
    let again = p.sms.send(&msg).await.expect("repeat");
    assert_eq!(again, first, "the same key answers the first acceptance");
    assert_eq!(received(&sb.base).await.len(), 1);

    // After a "crash": a new process, same key → the same message, not a new one.
    let restarted = adapters(&sb.base, |_| ());
    let found = restarted
        .sms
        .find("evt-1:w-1:n-1", "01012345678", since)
        .await;
    assert_eq!(found.expect("find"), Some(first.clone()));
    let other = restarted
        .sms
        .find("evt-1:w-2:n-1", "01012345678", since)
        .await;
    assert_eq!(other.expect("find"), None);

    assert_eq!(delivered(&p, Kind::Sms, &first).await, Delivery::Delivered);
    let listed = received(&sb.base).await;
    assert_eq!(listed[0]["status"], "DELIVERED");
    assert_eq!(listed[0]["groupingKey"], "evt-1:w-1:n-1");
    assert_eq!(listed[0]["providerId"], first.provider_id.as_str());
}

#[tokio::test]
async fn a_long_text_goes_as_lms_and_is_found_there() {
    let sb = sandbox().await;
    let p = adapters(&sb.base, |_| ());
    let text = "[맛있는집] 이벤트에 당첨되셨습니다. 상품: 아메리카노 1잔. 받는 곳: http://127.0.0.1:8080/c/ABCDEFGHJKLMNP 기한 12월 20일";
    let a = p
        .sms
        .send(&notice("k-lms", "01098765432", Kind::Sms, text))
        .await;
    let a = a.expect("send");
    assert!(a.provider_id.starts_with("LMS:"), "{}", a.provider_id);
    let found = p.sms.find(
        "k-lms",
        "01098765432",
        Utc::now() - chrono::Duration::hours(1),
    );
    assert_eq!(found.await.expect("find"), Some(a.clone()));
    let listed = received(&sb.base).await;
    assert_eq!(listed[0]["kind"], "LMS");
    assert_eq!(listed[0]["title"], "당첨 안내");
    assert_eq!(listed[0]["text"], text);
}

#[tokio::test]
async fn alimtalk_is_sent_once_rendered_found_and_reports_failed_recipients() {
    let sb = sandbox().await;
    let p = adapters(&sb.base, |_| ());
    let mut knobs = sb.sandbox.knobs.get();
    knobs.fail_recipients = vec!["01055556666".into()];
    sb.sandbox.knobs.set(knobs);
    let since = Utc::now();
    let ok = notice("n-9:w-1", "01011112222", Kind::Alimtalk, "filled text");
    let a = p.alimtalk.send(&ok).await.expect("send");
    assert!(a.provider_id.starts_with("AT:"));
    assert_eq!(p.alimtalk.send(&ok).await.expect("repeat"), a);
    let found = p.alimtalk.find("n-9:w-1", "01011112222", since).await;
    assert_eq!(found.expect("find"), Some(a.clone()));
    assert_eq!(delivered(&p, Kind::Alimtalk, &a).await, Delivery::Delivered);

    let bad = notice("n-9:w-2", "01055556666", Kind::Alimtalk, "filled text");
    let b = p.alimtalk.send(&bad).await.expect("accepted");
    assert!(matches!(
        delivered(&p, Kind::Alimtalk, &b).await,
        Delivery::Failed(_)
    ));
    let listed = received(&sb.base).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(
        listed[0]["text"],
        "[맛있는집] 커피 1잔 당첨! http://x/c/ABC"
    );
    assert_eq!(listed[0]["templateCode"], "KEM_WINNER_1");
    assert_eq!(listed[1]["status"], "FAILED");
}

#[tokio::test]
async fn refusals_are_permanent_and_faults_retryable() {
    let sb = sandbox().await;
    let wrong_secret = adapters(&sb.base, |c| {
        c.sms.secret_key = Secret::new("nope");
        c.alimtalk.secret_key = Secret::new("nope");
    });
    let msg = notice("k-1", "01012345678", Kind::Sms, "hi");
    let e = wrong_secret.sms.send(&msg).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Permanent(m) if m.contains("-1000")),
        "{e}"
    );
    let e = wrong_secret.alimtalk.send(&msg).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Permanent(m) if m.contains("-1001")),
        "{e}"
    );
    assert!(
        !format!("{e:?}").contains("sandbox-"),
        "no secret in errors"
    );

    let p = adapters(&sb.base, |_| ());
    let bad_number = notice("k-2", "0212345678", Kind::Sms, "hi");
    let e = p.sms.send(&bad_number).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Permanent(m) if m.contains("-2019")),
        "{e}"
    );
    assert!(matches!(
        p.alimtalk.send(&bad_number).await,
        Err(SendError::Permanent(_))
    ));

    let mut knobs = sb.sandbox.knobs.get();
    knobs.outage = true;
    sb.sandbox.knobs.set(knobs.clone());
    assert!(matches!(
        p.sms.send(&msg).await,
        Err(SendError::Retryable(_))
    ));
    assert!(matches!(
        p.alimtalk.find("k-1", "01012345678", Utc::now()).await,
        Err(SendError::Retryable(_))
    ));
    knobs.outage = false;
    knobs.failure_rate = 1.0;
    sb.sandbox.knobs.set(knobs);
    assert!(matches!(
        p.alimtalk.send(&msg).await,
        Err(SendError::Retryable(_))
    ));
    assert!(received(&sb.base).await.is_empty(), "nothing was stored");
}

/// A fake NHN whose app key picks the answer: documented failures, a slow
/// answer, and 알림톡's repeated-idempotency-key refusal with its lookup.
async fn fake_nhn() -> String {
    use axum::{extract::Path, http::StatusCode, response::IntoResponse, routing::get, Json};
    let failed = |code: i64, message: &str| {
        Json(json!({"header": {"isSuccessful": false, "resultCode": code, "resultMessage": message}}))
            .into_response()
    };
    let answer = move |app: String| async move {
        match app.as_str() {
            "invalid-recipient" => failed(-2019, "Recipient number is invalid"),
            "system-error" => failed(-9999, "System error"),
            "http-500" => (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
            "http-401" => StatusCode::UNAUTHORIZED.into_response(),
            "slow" => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                failed(-9999, "too late")
            }
            "seen-key" => failed(-1005, "The same 'X-NC-API-IDEMPOTENCY-KEY' was used"),
            _ => Json(json!({"answer": "without a header"})).into_response(),
        }
    };
    let list = |Path(_app): Path<String>| async move {
        Json(json!({
            "header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
            "messageSearchResultResponse": {"totalCount": 1, "messages": [
                {"requestId": "20260101000000AbCdEfGhIjK", "recipientSeq": 1}
            ]}
        }))
    };
    let router = axum::Router::new()
        .route(
            "/sms/v3.0/appKeys/{app}/sender/sms",
            axum::routing::post(move |Path(app): Path<String>| answer(app)),
        )
        .route(
            "/alimtalk/v2.3/appkeys/{app}/messages",
            get(list).post(move |Path(app): Path<String>| answer(app)),
        );
    serve(router).await
}

fn on_fake(fake: &str, app: &str) -> Providers {
    adapters("http://unused.invalid", |c| {
        c.timeout_ms = 500;
        c.sms.base_url = fake.to_string();
        c.sms.app_key = app.to_string();
        c.alimtalk.base_url = fake.to_string();
        c.alimtalk.app_key = app.to_string();
    })
}

async fn sms_error(fake: &str, app: &str) -> SendError {
    let msg = notice("k-9", "01012345678", Kind::Sms, "hi");
    on_fake(fake, app).sms.send(&msg).await.unwrap_err()
}

#[tokio::test]
async fn documented_failures_of_the_real_api_are_classified() {
    let fake = fake_nhn().await;
    let e = |app: &'static str| sms_error(&fake, app);
    assert!(matches!(
        e("invalid-recipient").await,
        SendError::Permanent(_)
    ));
    assert!(matches!(e("system-error").await, SendError::Retryable(_)));
    assert!(matches!(e("http-500").await, SendError::Retryable(_)));
    assert!(matches!(e("http-401").await, SendError::Permanent(_)));
    let started = std::time::Instant::now();
    assert!(matches!(e("slow").await, SendError::Retryable(m) if m.contains("timed out")));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout holds"
    );
    // A 2xx the adapter cannot read may have been accepted: look before resending.
    assert!(matches!(e("no-header").await, SendError::Retryable(_)));

    // 알림톡 refuses a repeated idempotency key; the adapter finds the first message.
    let msg = notice("k-9", "01012345678", Kind::Alimtalk, "hi");
    let a = on_fake(&fake, "seen-key").alimtalk.send(&msg).await;
    assert_eq!(
        a.expect("found").provider_id,
        "AT:20260101000000AbCdEfGhIjK:1"
    );
}
