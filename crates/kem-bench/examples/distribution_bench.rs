//! Distribution latency against the in-process channel sandbox (issue 4,
//! item 6). Starts the whole app on SQLite + in-memory cache and bus, then:
//!
//! 1. six channels, each answering after 200 ms: end-to-end p50/p95 of
//!    `POST /api/distribution/distribute` (target: close to 200 ms);
//! 2. NAVER in outage with its breaker already open: p50/p95 of a NAVER-only
//!    distribute (the channel fails fast, target ≤ 50 ms) and of a six-channel
//!    distribute (the others unaffected).
//!
//! Run: `cargo run -p kem-bench --release --example distribution_bench [ROUNDS]`.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use platform::config::{Secret, Settings};
use serde_json::{json, Value};

const ALL: [&str; 6] = [
    "URIDONGNETV",
    "RINGOBIZ",
    "GINITV",
    "INSTAGRAM",
    "NAVER",
    "KAKAO",
];

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn knobs(&self, channel: &str, latency_ms: u64, outage: bool) -> anyhow::Result<()> {
        let res = self
            .http
            .put(format!(
                "{}/sandbox/{}/knobs",
                self.base,
                channel.to_ascii_lowercase()
            ))
            .json(&json!({"latencyMs": latency_ms, "failureRate": 0.0, "outage": outage}))
            .send()
            .await?;
        ensure!(res.status().is_success(), "knobs: {}", res.status());
        Ok(())
    }

    /// One distribute of a fresh event; answers its latency and the answer.
    async fn distribute(&self, channels: &[&str]) -> anyhow::Result<(Duration, Value)> {
        let body = json!({
            "eventId": platform::ids::new_id("bench"),
            "channels": channels,
            "channelSettings": {
                "URIDONGNETV": {"radius": "1km", "timeSlot": "evening"},
                "GINITV": {"region": "서울 강남구", "budget": 300000},
                "RINGOBIZ": {"phoneNumber": "0212345678"}
            },
            "content": {"title": "벤치마크 이벤트", "description": "설명", "imageUrl": "/api/content/images/x.png",
                        "prize": "커피", "startDate": "2026-10-01", "endDate": "2026-10-31", "storeName": "맛있는집"}
        });
        let started = Instant::now();
        let res = self
            .http
            .post(format!("{}/api/distribution/distribute", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = res.status();
        let answer: Value = res.json().await?;
        let took = started.elapsed();
        ensure!(status.is_success(), "distribute: {status} {answer}");
        Ok((took, answer))
    }
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    println!(
        "{name:<58} n={:<3} p50={:>7.1} ms  p95={:>7.1} ms  max={:>7.1} ms",
        samples.len(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
}

fn status_of<'a>(answer: &'a Value, channel: &str) -> &'a str {
    answer["channelResults"]
        .as_array()
        .and_then(|r| r.iter().find(|c| c["channel"] == channel))
        .and_then(|c| c["status"].as_str())
        .unwrap_or("?")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()
        .context("ROUNDS must be a number")?
        .unwrap_or(40);
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::defaults();
    settings.listen = "127.0.0.1:0".parse()?;
    settings.data_dir = dir.path().to_path_buf();
    settings.jwt_secret = Secret::new("bench-secret-bench-secret-bench-secret-1");
    // Production retry schedule and budget; a breaker that opens after three
    // failed attempts and stays open for the whole outage phase.
    settings.set_section(
        distribution::NAME,
        &distribution::DistributionConfig {
            breaker_failures: 3,
            breaker_open_ms: 120_000,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app = kem::start(settings, listener).await?;
    let http = reqwest::Client::new();
    let reg: Value = http
        .post(format!("{}/api/users/register", app.base_url()))
        .json(&json!({"name": "벤치", "phoneNumber": "01012345678", "email": "bench@example.com",
                      "password": "Passw0rd!", "storeName": "맛있는집", "industry": "음식점", "address": "서울시 강남구"}))
        .send()
        .await?
        .json()
        .await?;
    let client = Client {
        http,
        base: app.base_url(),
        token: reg["token"].as_str().context("token")?.to_string(),
    };

    for c in ALL {
        client.knobs(c, 200, false).await?;
    }
    client.distribute(&ALL).await?; // warm-up: connections, statements
    let mut six = Vec::new();
    for _ in 0..rounds {
        let (took, answer) = client.distribute(&ALL).await?;
        ensure!(answer["successCount"] == 6, "not all published: {answer}");
        six.push(took);
    }
    report("six channels, 200 ms sandbox latency each", six);

    client.knobs("NAVER", 200, true).await?;
    // Opens NAVER's breaker: three failed attempts with the 1 s / 2 s backoff.
    let (took, answer) = client.distribute(&["NAVER"]).await?;
    ensure!(status_of(&answer, "NAVER") == "FAILED", "{answer}");
    println!(
        "breaker warm-up (3 attempts, production backoff): {:.1} s",
        took.as_secs_f64()
    );
    let mut alone = Vec::new();
    for _ in 0..rounds {
        let (took, answer) = client.distribute(&["NAVER"]).await?;
        ensure!(status_of(&answer, "NAVER") == "FAILED", "{answer}");
        alone.push(took);
    }
    report(
        "NAVER in outage, breaker open: NAVER-only distribute",
        alone,
    );
    let mut mixed = Vec::new();
    for _ in 0..rounds {
        let (took, answer) = client.distribute(&ALL).await?;
        ensure!(answer["successCount"] == 5, "{answer}");
        mixed.push(took);
    }
    report(
        "NAVER in outage, breaker open: six-channel distribute",
        mixed,
    );
    app.stop().await
}
