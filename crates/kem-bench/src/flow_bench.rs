//! `kem-bench flow` (was `kem bench-flow`): the creation and publish steps timed end to end through
//! HTTP on an in-process app (issue 3 item 6, issue 4 item 6):
//! 1. AI job: `POST ai-recommendations` → `COMPLETED` seen by polling (built-in engine);
//! 2. image job: 3 styles × 3 platforms → `COMPLETED`, and every file's size;
//! 3. publish with the six sandbox channels at `--channel-latency-ms` each;
//! 4. publish while one channel is in outage, after its breaker opened:
//!    that channel's share is the publish time minus nothing else (the other
//!    channel in those events answers at once).
//!
//! Baselines measured in the same run: the HTTP round trip (`GET /healthz`)
//! for the jobs, and the configured channel latency for publishing. Polls
//! every 2 ms, so job times are upper bounds within 2 ms plus one GET.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use platform::config::Settings;
use reqwest::Client;
use serde_json::{json, Value};

#[derive(clap::Args, Debug, Clone)]
pub struct FlowBenchArgs {
    /// Timed runs of each step.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Latency of every sandbox channel during the publish phase.
    #[arg(long, default_value_t = 200)]
    pub channel_latency_ms: u64,
}

const ALL: [&str; 6] = [
    "URIDONGNETV",
    "RINGOBIZ",
    "GINITV",
    "INSTAGRAM",
    "NAVER",
    "KAKAO",
];
const POLL: Duration = Duration::from_millis(2);

struct Flow {
    client: Client,
    base: String,
    token: String,
    user_id: i64,
}

/// p50 / p95 / max of a set of milliseconds, through the bench's histogram.
fn summary(name: &str, ms: Vec<f64>, target: &str) -> String {
    let mut histogram = crate::bench::report::new_histogram();
    for m in &ms {
        crate::bench::report::record(&mut histogram, Duration::from_secs_f64(m / 1e3));
    }
    let latency = crate::bench::report::Latency::from_histogram(&histogram);
    format!(
        "{name:<44} {:>5} {:>9.1} {:>9.1} {:>9.1}   {target}",
        ms.len(),
        latency.p50_ms,
        latency.p95_ms,
        latency.max_ms
    )
}

impl Flow {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let resp = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = resp.status();
        let text = resp.text().await?;
        ensure!(status.is_success(), "{method} {path}: {status} {text}");
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn poll_done(&self, path: &str) -> anyhow::Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = self.call(reqwest::Method::GET, path, Value::Null).await?;
            match v["status"].as_str() {
                Some("COMPLETED") => return Ok(v),
                Some("FAILED") => anyhow::bail!("{path} failed: {v}"),
                _ => {}
            }
            ensure!(Instant::now() < deadline, "{path} did not complete");
            tokio::time::sleep(POLL).await;
        }
    }

    async fn draft(&self, n: usize) -> anyhow::Result<String> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/api/events/purposes",
                json!({"userId": self.user_id, "objective": "신규 고객 유치",
                       "storeName": format!("벤치카페 {n}"), "industry": "카페", "address": "서울시 마포구"}),
            )
            .await?;
        Ok(v["eventDraftId"].as_str().context("draft id")?.to_string())
    }

    /// AI request → COMPLETED, in ms.
    async fn ai(&self, id: &str) -> anyhow::Result<f64> {
        let path = format!("/api/events/{id}/ai-recommendations");
        let start = Instant::now();
        self.call(reqwest::Method::POST, &path, json!({})).await?;
        self.poll_done(&path).await?;
        Ok(start.elapsed().as_secs_f64() * 1e3)
    }

    /// Image request → COMPLETED, in ms, and the images.
    async fn images(&self, id: &str, platforms: Value) -> anyhow::Result<(f64, Vec<Value>)> {
        let path = format!("/api/events/{id}/images");
        let start = Instant::now();
        self.call(
            reqwest::Method::POST,
            &path,
            json!({"platforms": platforms}),
        )
        .await?;
        let done = self.poll_done(&path).await?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        Ok((ms, done["images"].as_array().cloned().unwrap_or_default()))
    }

    /// A draft with plan, content and `channels`, ready to publish.
    async fn ready(&self, n: usize, channels: &[&str]) -> anyhow::Result<String> {
        let id = self.draft(n).await?;
        self.ai(&id).await?;
        let put = reqwest::Method::PUT;
        self.call(
            put.clone(),
            &format!("/api/events/{id}/recommendation"),
            json!({"optionNumber": 1}),
        )
        .await?;
        let (_, images) = self.images(&id, json!(["INSTAGRAM"])).await?;
        let image = images.first().context("an image")?["imageId"].clone();
        self.call(
            put.clone(),
            &format!("/api/events/{id}/content"),
            json!({"imageId": image}),
        )
        .await?;
        let mut settings = serde_json::Map::new();
        settings.insert(
            "URIDONGNETV".into(),
            json!({"radius": "1km", "timeSlot": "evening"}),
        );
        settings.insert(
            "GINITV".into(),
            json!({"region": "서울 마포구", "budget": 300000}),
        );
        settings.insert("RINGOBIZ".into(), json!({"phoneNumber": "0212345678"}));
        settings.retain(|k, _| channels.contains(&k.as_str()));
        self.call(
            put,
            &format!("/api/events/{id}/channels"),
            json!({"channels": channels, "channelSettings": settings}),
        )
        .await?;
        Ok(id)
    }

    async fn publish(&self, id: &str) -> anyhow::Result<(f64, Value)> {
        let start = Instant::now();
        let v = self
            .call(
                reqwest::Method::POST,
                &format!("/api/events/{id}/publish"),
                Value::Null,
            )
            .await?;
        Ok((start.elapsed().as_secs_f64() * 1e3, v))
    }

    async fn knobs(&self, channel: &str, knobs: Value) -> anyhow::Result<()> {
        let path = format!("/sandbox/{}/knobs", channel.to_ascii_lowercase());
        self.call(reqwest::Method::PUT, &path, knobs)
            .await
            .map(|_| ())
    }
}

/// Runs the flow bench and prints its table.
pub async fn run(mut settings: Settings, args: FlowBenchArgs) -> anyhow::Result<()> {
    ensure!(args.runs > 0, "--runs must be positive");
    let dir = tempfile::tempdir()?;
    settings.data_dir = dir.path().to_path_buf();
    settings.services = "all".into();
    crate::bench::isolate::one_address_plays_every_client(&mut settings);
    // Breaker opens after 2 failed attempts and stays open for the run.
    settings.set_section(
        "distribution",
        &json!({"retry_backoff_ms": [10, 20, 40], "breaker_failures": 2, "breaker_open_ms": 600000}),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app = kem::start(settings, listener).await?;
    let result = measure(&app.base_url(), &args).await;
    app.stop().await?;
    let lines = result?;
    println!(
        "\n{:<44} {:>5} {:>9} {:>9} {:>9}   target",
        "step (ms)", "runs", "p50", "p95", "max"
    );
    for line in lines {
        println!("{line}");
    }
    Ok(())
}

async fn measure(base: &str, args: &FlowBenchArgs) -> anyhow::Result<Vec<String>> {
    let client = Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let n = ulid::Ulid::new().random() as u64 % 100_000_000;
    let reg: Value = client
        .post(format!("{base}/api/users/register"))
        .json(&json!({"name": "벤치", "phoneNumber": format!("010{n:08}"), "email": format!("bench{n}@example.com"),
                      "password": "Passw0rd!", "storeName": "벤치카페", "industry": "카페", "address": "서울시 마포구"}))
        .send()
        .await?
        .json()
        .await?;
    let flow = Flow {
        client,
        base: base.to_string(),
        token: reg["token"].as_str().context("token")?.to_string(),
        user_id: reg["userId"].as_i64().context("userId")?,
    };
    let mut lines = Vec::new();

    let mut floor = Vec::new();
    for _ in 0..args.runs {
        let start = Instant::now();
        flow.client.get(format!("{base}/healthz")).send().await?;
        floor.push(start.elapsed().as_secs_f64() * 1e3);
    }
    lines.push(summary(
        "baseline: HTTP round trip GET /healthz",
        floor,
        "-",
    ));

    let mut ai = Vec::new();
    let mut drafts = Vec::new();
    for i in 0..args.runs {
        let id = flow.draft(i).await?;
        ai.push(flow.ai(&id).await?);
        drafts.push(id);
    }
    lines.push(summary(
        "AI job request → COMPLETED (built-in)",
        ai,
        "≤ 200",
    ));

    let mut jobs = Vec::new();
    let mut biggest = 0u64;
    for id in &drafts {
        flow.call(
            reqwest::Method::PUT,
            &format!("/api/events/{id}/recommendation"),
            json!({"optionNumber": 2}),
        )
        .await?;
        let (ms, images) = flow
            .images(id, json!(["INSTAGRAM", "NAVER", "KAKAO"]))
            .await?;
        ensure!(images.len() == 9, "9 images expected, got {}", images.len());
        biggest = biggest.max(
            images
                .iter()
                .filter_map(|i| i["bytes"].as_u64())
                .max()
                .unwrap_or(0),
        );
        jobs.push(ms);
    }
    lines.push(summary(
        "image job 3 styles × 3 platforms → COMPLETED",
        jobs,
        "≤ 2000",
    ));
    lines.push(format!(
        "largest image file: {} KB (target ≤ 500 KB)",
        biggest / 1024
    ));

    for c in ALL {
        flow.knobs(c, json!({"latencyMs": args.channel_latency_ms}))
            .await?;
    }
    let mut ready = Vec::new();
    for i in 0..args.runs {
        ready.push(flow.ready(1000 + i, &ALL).await?);
    }
    let mut publish = Vec::new();
    for id in &ready {
        let (ms, v) = flow.publish(id).await?;
        ensure!(v["status"] == "ACTIVE", "publish: {v}");
        publish.push(ms);
    }
    lines.push(summary(
        &format!("publish, 6 channels at {} ms each", args.channel_latency_ms),
        publish,
        "≤ 300",
    ));

    // Outage: INSTAGRAM down, NAVER instant; the first publishes open INSTAGRAM's breaker.
    flow.knobs("INSTAGRAM", json!({"outage": true})).await?;
    flow.knobs("NAVER", json!({"latencyMs": 0})).await?;
    let mut fast = Vec::new();
    for i in 0..args.runs + 2 {
        let id = flow.ready(2000 + i, &["INSTAGRAM", "NAVER"]).await?;
        let (ms, v) = flow.publish(&id).await?;
        let instagram = v["distributionResults"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["channel"] == "INSTAGRAM"))
            .cloned()
            .unwrap_or_default();
        ensure!(instagram["success"] == false, "INSTAGRAM is in outage: {v}");
        if instagram["message"]
            .as_str()
            .is_some_and(|m| m.contains("차단"))
        {
            fast.push(ms);
        }
    }
    ensure!(!fast.is_empty(), "the INSTAGRAM breaker never opened");
    lines.push(summary(
        "publish with INSTAGRAM in outage, breaker open",
        fast,
        "≤ 50",
    ));
    Ok(lines)
}
