//! The process: settings that stop the start (through `kem::start` and the
//! built binary) and a graceful stop on SIGTERM.

use std::time::Duration;

use serde_json::{json, Value as Json};

use crate::support::test_settings;

#[tokio::test]
async fn each_invalid_setting_stops_the_start_naming_it() {
    for (table, value, setting) in [
        ("ai", json!({"provider": "gpt"}), "ai.provider"),
        ("ai", json!({"provder": "llm"}), "ai.provder"),
        (
            "distribution",
            json!({"channels": {"kakao": {"base_ur": "http://x"}}}),
            "distribution.channels.kakao.base_ur",
        ),
        ("ai", json!({"job_timeout_ms": "soon"}), "ai.job_timeout_ms"),
        (
            "ai",
            json!({"provider": "llm", "llm_base_url": "localhost"}),
            "ai.llm_base_url",
        ),
        (
            "event",
            json!({"distribution_url": "not a url"}),
            "event.distribution_url",
        ),
        (
            "event",
            json!({"distribution_timeout_secs": 0}),
            "event.distribution_timeout_secs",
        ),
        (
            "participation",
            json!({"entry_writers": 0}),
            "participation.entry_writers",
        ),
        (
            "participation",
            json!({"max_entry_batch": 100000}),
            "participation.max_entry_batch",
        ),
        (
            "distribution",
            json!({"retry_attempts": 0}),
            "distribution.retry_attempts",
        ),
        (
            "distribution",
            json!({"channels": {"kakao": {"base_url": "ftp://x"}}}),
            "distribution.channels.kakao.base_url",
        ),
        (
            "analytics",
            json!({"max_owner_events": 0}),
            "analytics.max_owner_events",
        ),
        (
            "content",
            json!({"store_url": "ftp://bucket"}),
            "content.store_url",
        ),
        (
            "sandbox",
            json!({"failure_rate": 2.0}),
            "sandbox.failure_rate",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = test_settings(dir.path());
        settings.set_section(table, &value);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let error = match kem::start(settings, listener).await {
            Ok(app) => {
                app.stop().await.expect("stop");
                panic!("{setting} = {value} was accepted");
            }
            Err(e) => format!("{e:#}"),
        };
        assert!(error.contains(setting), "{setting}: {error}");
        assert!(
            error.contains("allowed") || error.contains("invalid"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn kem_serve_exits_non_zero_naming_a_bad_setting_and_its_allowed_values() {
    for (var, value, expected) in [
        ("KEM_AI__PROVIDER", "gpt", ["ai.provider", "builtin, llm"]),
        ("KEM_LOG_FORMAT", "xml", ["log_format", "text, json"]),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_kem"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env(var, value)
            .env_remove("KEM_DATABASE_URL")
            .env_remove("KEM_BUS_URL")
            .env_remove("KEM_CACHE_URL")
            .kill_on_drop(true)
            .output();
        let out = tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .expect("kem exits by itself")
            .expect("kem runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{var}={value} was accepted");
        for text in expected {
            assert!(stderr.contains(text), "{var}: {text} not in {stderr}");
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish_then_exits_cleanly() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let dir = tempfile::tempdir().expect("tempdir");
    let mut kem = tokio::process::Command::new(env!("CARGO_BIN_EXE_kem"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("KEM_LOG_FORMAT", "json")
        // Sandbox calls take 1.5 s: a request still running at the signal.
        .env("KEM_SANDBOX__LATENCY_MS", "1500")
        .env_remove("KEM_DATABASE_URL")
        .env_remove("KEM_BUS_URL")
        .env_remove("KEM_CACHE_URL")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("kem starts");
    let mut lines = BufReader::new(kem.stderr.take().expect("stderr")).lines();
    let addr = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("log line") {
            let Ok(entry) = serde_json::from_str::<Json>(&line) else {
                continue;
            };
            if entry["fields"]["message"] == "kem serving" {
                return entry["fields"]["addr"].as_str().expect("addr").to_string();
            }
        }
        panic!("kem ended before serving");
    })
    .await
    .expect("kem serves");
    let url = format!("http://{addr}/sandbox/instagram/v21.0/some-post/insights");
    let slow = tokio::spawn(async move {
        reqwest::Client::new()
            .get(url)
            .bearer_auth("sandbox-instagram-key")
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = kem.id().expect("pid").to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill");
    assert!(killed.success());
    let answered = slow.await.expect("task");
    assert!(
        answered.as_ref().is_ok_and(|status| *status != 503),
        "the in-flight request was cut: {answered:?}"
    );
    let exit = tokio::time::timeout(Duration::from_secs(30), kem.wait())
        .await
        .expect("kem stops within the shutdown timeout")
        .expect("exit status");
    assert!(exit.success(), "{exit:?}");
}
