//! Starts the real app on port 0 with an isolated database, cache prefix and
//! data dir, and drives it over HTTP like a client. Backends come from
//! `KEM_TEST_DATABASE_URL` (PostgreSQL: a fresh database per test),
//! `KEM_TEST_CACHE_URL` (Redis: a fresh key prefix per test) and
//! `KEM_TEST_BUS_URL` (Kafka); without them, the embedded defaults.
#![allow(dead_code)]

pub mod journey;

use std::sync::Arc;

pub use platform::bus::Recorder as Collector;
use platform::config::{Secret, Settings};
use serde_json::{json, Value};

pub struct TestApp {
    pub app: kem::App,
    pub base: String,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// `prefix` followed by a fresh lowercase ULID.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    )
}

pub fn test_settings(dir: &std::path::Path) -> Settings {
    let mut s = Settings::defaults();
    s.listen = "127.0.0.1:0".parse().expect("addr");
    s.data_dir = dir.to_path_buf();
    s.jwt_secret = Secret::new("test-secret-test-secret-test-secret-123");
    s.outbox_relay_interval_ms = 100;
    // Every test client is 127.0.0.1 and many tests enter hundreds of
    // entries: limits out of the way, except where a test sets its own.
    s.set_section("rate_limits", &generous_limits());
    if let Ok(url) = std::env::var("KEM_TEST_CACHE_URL") {
        s.cache_url = url;
        s.cache_key_prefix = unique("t") + ":";
    }
    if let Ok(url) = std::env::var("KEM_TEST_BUS_URL") {
        s.bus_url = url;
        s.bus_group_prefix = unique("t") + "-";
        // Every app has its own groups: without this each would work
        // through all earlier tests' records on the shared broker.
        s.bus_skip_history = true;
    }
    s
}

/// `[rate_limits]` far above what any test sends.
pub fn generous_limits() -> Value {
    let wide = serde_json::json!({"count": 1_000_000, "per_secs": 60});
    serde_json::json!({"entry": wide, "entry_info": wide, "coupon": wide, "login": wide,
                       "register": wide, "verification": wide})
}

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    spawn_on(listener, tweak).await
}

/// Starts an app on a listener bound beforehand, so that two apps can be
/// told each other's address.
pub async fn spawn_on(
    listener: tokio::net::TcpListener,
    tweak: impl FnOnce(&mut Settings),
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = test_settings(dir.path());
    if let Ok(url) = std::env::var("KEM_TEST_DATABASE_URL") {
        settings.database_url = platform::db::create_scratch_database(&url, "kem_t_")
            .await
            .expect("scratch database");
        // Eight services with a pool each, several apps at once: PostgreSQL's
        // 100 connections are shared by the whole suite.
        settings.database_max_connections = 2;
    }
    tweak(&mut settings);
    let app = kem::start(settings, listener).await.expect("app starts");
    TestApp {
        base: app.base_url(),
        app,
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

/// A status and a JSON body (Null when the body is empty or not JSON).
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// The error code of an error answer, after checking the error shape.
    pub fn code(&self) -> &str {
        assert!(
            self.body["message"].is_string(),
            "error has a message: {}",
            self.body
        );
        assert!(
            self.body["traceId"].as_str().is_some_and(|t| !t.is_empty()),
            "error has a traceId: {}",
            self.body
        );
        self.body["code"].as_str().unwrap_or_default()
    }
}

/// Drives the API over HTTP: the in-process [`TestApp`], or a [`Remote`]
/// deployment such as the split topology behind its proxy.
#[allow(async_fn_in_trait)]
pub trait Api {
    fn base(&self) -> &str;
    fn http(&self) -> &reqwest::Client;
    /// Today in Korea plus `offset` days (`YYYY-MM-DD`), by the server's clock.
    fn korea_day(&self, offset: i64) -> String;

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        let mut req = self.http().post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.send(req).await
    }

    async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        let mut req = self.http().put(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.send(req).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut req = self.http().get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.send(req).await
    }

    async fn delete(&self, path: &str, token: Option<&str>) -> Answer {
        let mut req = self.http().delete(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.send(req).await
    }

    /// Registers an owner; answers (token, userId).
    async fn register(&self, email: &str, phone: &str) -> (String, i64) {
        let a = self
            .post("/api/users/register", None, registration(email, phone))
            .await;
        assert_eq!(a.status, 201, "register: {}", a.body);
        (
            a.body["token"].as_str().expect("token").to_string(),
            a.body["userId"].as_i64().expect("userId"),
        )
    }

    /// Registers an owner with a generated email and phone.
    async fn owner(&self) -> (String, i64) {
        let n: u64 = rand_digits();
        self.register(
            &format!("owner{n}@example.com"),
            &format!("010{:08}", n % 100_000_000),
        )
        .await
    }

    /// Seed 1 with the seed's body for `user_id`; answers the draft id.
    async fn draft(&self, token: &str, user_id: i64) -> String {
        let a = self
            .post("/api/events/purposes", Some(token), seed_body(user_id))
            .await;
        assert_eq!(a.status, 200, "purposes: {}", a.body);
        a.body["eventDraftId"].as_str().expect("id").to_string()
    }
}

impl Api for TestApp {
    fn base(&self) -> &str {
        &self.base
    }
    fn http(&self) -> &reqwest::Client {
        &self.client
    }
    fn korea_day(&self, offset: i64) -> String {
        (self.app.clock.korea_today() + chrono::Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    }
}

/// A deployment reached only over HTTP (the split topology behind nginx).
pub struct Remote {
    pub base: String,
    pub client: reqwest::Client,
}

impl Remote {
    pub fn new(base: &str) -> Remote {
        Remote {
            base: base.trim_end_matches('/').to_string(),
            client: reqwest::Client::new(),
        }
    }
}

impl Api for Remote {
    fn base(&self) -> &str {
        &self.base
    }
    fn http(&self) -> &reqwest::Client {
        &self.client
    }
    fn korea_day(&self, offset: i64) -> String {
        journey::today_plus(offset)
    }
}

// The suites call these as inherent methods of the in-process app.
impl TestApp {
    pub fn url(&self, path: &str) -> String {
        Api::url(self, path)
    }
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        Api::send(self, req).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        Api::post(self, path, token, body).await
    }
    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        Api::put(self, path, token, body).await
    }
    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        Api::get(self, path, token).await
    }
    pub async fn delete(&self, path: &str, token: Option<&str>) -> Answer {
        Api::delete(self, path, token).await
    }
    pub async fn register(&self, email: &str, phone: &str) -> (String, i64) {
        Api::register(self, email, phone).await
    }
    pub async fn owner(&self) -> (String, i64) {
        Api::owner(self).await
    }
    pub async fn draft(&self, token: &str, user_id: i64) -> String {
        Api::draft(self, token, user_id).await
    }

    /// Collects every message of `topic` through a fresh consumer group.
    pub fn listen(&self, topic: &str) -> Arc<Collector> {
        Collector::listen(&self.app.bus, topic)
    }
}

fn rand_digits() -> u64 {
    let id = ulid::Ulid::new();
    (id.random() as u64) % 10_000_000_000
}

pub fn registration(email: &str, phone: &str) -> Value {
    json!({"name": "홍길동", "phoneNumber": phone, "email": email, "password": "Passw0rd!",
           "storeName": "맛있는집", "industry": "음식점", "address": "서울시 강남구"})
}

pub fn seed_body(user_id: i64) -> Value {
    json!({"userId": user_id, "objective": "신규 고객 유치", "storeName": "맛있는집",
           "industry": "음식점", "address": "서울시 강남구"})
}
