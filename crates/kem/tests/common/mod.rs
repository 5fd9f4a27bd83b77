//! Test harness: starts the real app on 127.0.0.1:0 with a fresh data dir and
//! drives it over HTTP like a client.
//!
//! Backends come from the environment, each isolated per test:
//! - `KEM_TEST_DATABASE_URL` (postgres://…): a fresh database `kem_t_<ulid>` per test;
//!   otherwise SQLite files in the test's tempdir.
//! - `KEM_TEST_CACHE_URL` (redis://…): a unique `cache_key_prefix` per test.
//! - `KEM_TEST_BUS_URL` (kafka://host:port): the real broker; tests read it
//!   through their own consumer group and filter by record key.
#![allow(dead_code)]

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
    time::Duration,
};

use platform::{
    bus::{Delivery, MessageHandler, Outcome},
    config::{Secret, Settings},
};
use serde_json::{json, Value};

/// A strong password that satisfies the policy.
pub const PASSWORD: &str = "Passw0rd!";

/// A running app and a client for it. Dropping it ends the test's app.
pub struct TestApp {
    pub app: kem::App,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// A unique lower-case token: `prefix` + a ULID.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    )
}

/// Starts the app with the test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with the test defaults, then `tweak` applied to the settings.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::defaults();
    settings.listen = "127.0.0.1:0".parse().expect("addr");
    settings.data_dir = dir.path().to_path_buf();
    settings.jwt_secret = Secret::new("kem-test-secret-0123456789-abcdefghijklmnop");
    settings.outbox_relay_interval_ms = 100;
    settings.database_max_connections = 4;
    if let Ok(url) = std::env::var("KEM_TEST_DATABASE_URL") {
        settings.database_url = platform::db::create_scratch_database(&url, "kem_t_")
            .await
            .expect("scratch database");
    }
    if let Ok(url) = std::env::var("KEM_TEST_CACHE_URL") {
        settings.cache_url = url;
        settings.cache_key_prefix = format!("{}:", unique("t"));
    }
    if let Ok(url) = std::env::var("KEM_TEST_BUS_URL") {
        settings.bus_url = url;
    }
    tweak(&mut settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind port 0");
    let app = kem::start(settings, listener).await.expect("app starts");
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    TestApp {
        app,
        client,
        _dir: dir,
    }
}

/// An answer: status and JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
}

impl Reply {
    /// The error code, after checking the one error shape `{code, message, traceId}`.
    pub fn code(&self) -> &str {
        assert!(
            self.content_type.starts_with("application/json"),
            "error answers are JSON: {self:?}"
        );
        let non_empty = |field: &str| self.body[field].as_str().is_some_and(|v| !v.is_empty());
        assert!(non_empty("code"), "error has a code: {}", self.body);
        assert!(non_empty("message"), "error has a message: {}", self.body);
        assert!(non_empty("traceId"), "error has a traceId: {}", self.body);
        self.body["code"].as_str().unwrap_or_default()
    }

    /// Asserts an error answer with this status and code.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "status of {}", self.body);
        assert_eq!(self.code(), code, "code of {}", self.body);
    }

    /// The string field `name` of the body.
    pub fn str(&self, name: &str) -> String {
        self.body[name]
            .as_str()
            .unwrap_or_else(|| panic!("{name} is a string in {}", self.body))
            .to_string()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base_url())
    }

    /// Sends `req`, optionally with a bearer token, and reads the answer.
    pub async fn send(&self, mut req: reqwest::RequestBuilder, token: Option<&str>) -> Reply {
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let text = res.text().await.expect("body read");
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            content_type,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(self.client.get(self.url(path)), token).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(self.client.post(self.url(path)).json(body), token)
            .await
    }

    pub async fn put_json(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(self.client.put(self.url(path)).json(body), token)
            .await
    }

    /// POSTs `raw` bytes with the given content type (`None`: no header at all).
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        raw: &str,
    ) -> Reply {
        let mut req = self.client.post(self.url(path)).body(raw.to_string());
        if let Some(ct) = content_type {
            req = req.header(reqwest::header::CONTENT_TYPE, ct);
        }
        self.send(req, token).await
    }

    /// Registers an owner; answers (token, userId).
    pub async fn register(&self, email: &str, phone: &str) -> (String, i64) {
        let reply = self
            .post_json("/api/users/register", None, &registration(email, phone))
            .await;
        assert_eq!(reply.status, 201, "register {email}: {}", reply.body);
        let user_id = reply.body["userId"].as_i64().expect("userId is an integer");
        (reply.str("token"), user_id)
    }

    /// Registers an owner with a fresh email and phone number.
    pub async fn owner(&self) -> (String, i64) {
        let id = ulid::Ulid::new();
        let digits = (id.random() % 100_000_000) as u64;
        self.register(
            &format!("{}@example.com", unique("o")),
            &format!("010{digits:08}"),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post_json(
            "/api/users/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// POST /api/events/purposes with seed 1's body for `user_id`.
    pub async fn select_purpose(&self, token: &str, user_id: i64) -> Reply {
        self.post_json("/api/events/purposes", Some(token), &seed_body(user_id))
            .await
    }

    /// Collects every record of `topic` through a fresh consumer group; it
    /// stops with the app.
    pub fn collect(&self, topic: &str) -> Arc<Collector> {
        let collector = Arc::new(Collector::default());
        self.app
            .bus
            .subscribe(
                topic,
                &unique("kem-test-"),
                collector.clone(),
                self.app.shutdown_token().child_token(),
            )
            .expect("subscribe");
        collector
    }
}

/// A valid sign-up body.
pub fn registration(email: &str, phone: &str) -> Value {
    json!({
        "name": "홍길동",
        "phoneNumber": phone,
        "email": email,
        "password": PASSWORD,
        "storeName": "맛있는집",
        "industry": "음식점",
        "address": "서울시 강남구",
    })
}

/// Seed 1's request body, verbatim except for the user id.
pub fn seed_body(user_id: i64) -> Value {
    json!({
        "userId": user_id,
        "objective": "신규 고객 유치",
        "storeName": "맛있는집",
        "industry": "음식점",
        "address": "서울시 강남구",
    })
}

/// Keeps every delivery it is handed.
#[derive(Default)]
pub struct Collector {
    seen: Mutex<Vec<Delivery>>,
}

// Written out instead of `#[async_trait]`: the same signature the macro generates.
impl MessageHandler for Collector {
    fn handle<'a, 'b, 'f>(
        &'a self,
        delivery: &'b Delivery,
    ) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'f>>
    where
        'a: 'f,
        'b: 'f,
        Self: 'f,
    {
        self.seen.lock().expect("lock").push(delivery.clone());
        Box::pin(async { Outcome::Done })
    }
}

impl Collector {
    /// Payloads (as JSON) of the records with `key` seen so far.
    pub fn with_key(&self, key: &str) -> Vec<Value> {
        self.seen
            .lock()
            .expect("lock")
            .iter()
            .filter(|d| d.key == key)
            .map(|d| serde_json::from_str(&d.payload).expect("payload is JSON"))
            .collect()
    }

    /// Waits until at least `n` records with `key` arrived (bounded: a Kafka
    /// consumer group takes seconds to join) and answers them.
    pub async fn wait_for(&self, key: &str, n: usize) -> Vec<Value> {
        for _ in 0..300 {
            let found = self.with_key(key);
            if found.len() >= n {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.with_key(key)
    }
}
