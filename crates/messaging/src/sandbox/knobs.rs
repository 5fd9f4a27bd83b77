//! The sandbox's fault knobs, changeable at runtime, the gate every provider
//! call passes through, and NHN's answer shapes.

use std::{
    sync::{Arc, RwLock},
    time::Duration,
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How the sandbox misbehaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Knobs {
    /// Added to every provider call before it answers.
    pub latency_ms: u64,
    /// Chance (0–1) that a call answers 500 after its latency.
    pub failure_rate: f64,
    /// When on, every provider call answers 503 at once.
    pub outage: bool,
    /// Recipients whose messages are accepted but then reported FAILED.
    pub fail_recipients: Vec<String>,
    /// How long after acceptance delivery is reported.
    pub delivery_delay_ms: u64,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            latency_ms: 0,
            failure_rate: 0.0,
            outage: false,
            fail_recipients: Vec::new(),
            delivery_delay_ms: 200,
        }
    }
}

impl Knobs {
    /// The knobs if their values are in range (failure rate 0–1, latency and
    /// delivery delay at most 10 minutes), or why not.
    pub fn checked(self) -> Result<Knobs, String> {
        if !self.failure_rate.is_finite() || !(0.0..=1.0).contains(&self.failure_rate) {
            return Err("failureRate must be between 0 and 1".into());
        }
        if self.latency_ms > 600_000 || self.delivery_delay_ms > 600_000 {
            return Err("latencyMs and deliveryDelayMs must be at most 600000".into());
        }
        Ok(self)
    }
}

/// The current knobs, shared by every route.
#[derive(Clone, Default)]
pub struct KnobBoard {
    inner: Arc<RwLock<Knobs>>,
}

impl KnobBoard {
    pub fn new(initial: Knobs) -> KnobBoard {
        KnobBoard {
            inner: Arc::new(RwLock::new(initial)),
        }
    }

    pub fn get(&self) -> Knobs {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set(&self, knobs: Knobs) {
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = knobs;
    }
}

/// NHN's answer header.
pub fn header(ok: bool, code: i64, message: &str) -> Value {
    json!({"isSuccessful": ok, "resultCode": code, "resultMessage": message})
}

/// A successful NHN answer: the header beside `rest`'s fields.
pub fn success(rest: Value) -> Response {
    let mut body = json!({"header": header(true, 0, "SUCCESS")});
    if let (Some(map), Value::Object(rest)) = (body.as_object_mut(), rest) {
        map.extend(rest);
    }
    Json(body).into_response()
}

/// An unsuccessful NHN answer. NHN reports request errors in the header
/// with HTTP 200 (inferred from the guides, which show only the header).
pub fn failure(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        Json(json!({"header": header(false, code, message)})),
    )
        .into_response()
}

/// Applies the knobs and the credential check: outage → 503 at once; bad
/// credential → its NHN error; then the latency; then a failure roll → 500.
pub async fn gate(knobs: &KnobBoard, auth: Result<(), Response>) -> Result<(), Response> {
    let k = knobs.get();
    if k.outage {
        return Err(failure(
            StatusCode::SERVICE_UNAVAILABLE,
            -9999,
            "System error (sandbox outage)",
        ));
    }
    auth?;
    if k.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(k.latency_ms)).await;
    }
    if k.failure_rate > 0.0 && rand::thread_rng().gen::<f64>() < k.failure_rate {
        return Err(failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            -9999,
            "System error (sandbox failure roll)",
        ));
    }
    Ok(())
}

/// Whether `no` is a Korean mobile number: digits, `01x`, 10 or 11 long.
pub fn korean_mobile(no: &str) -> bool {
    no.starts_with("01") && (10..=11).contains(&no.len()) && no.chars().all(|c| c.is_ascii_digit())
}

/// An NHN-style request id: `yyyyMMddHHmmss` (Korea time) and 11 random
/// letters/digits, as in the guides' `20180810100630ReZQ6KZzAH0`.
pub fn request_id() -> String {
    use rand::distributions::Alphanumeric;
    let stamp = crate::nhn::kst(chrono::Utc::now(), "%Y%m%d%H%M%S");
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(11)
        .map(char::from)
        .collect();
    format!("{stamp}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knobs_out_of_range_are_refused() {
        let bad = Knobs {
            failure_rate: 1.5,
            ..Knobs::default()
        };
        assert!(bad.checked().is_err());
        assert!(Knobs::default().checked().is_ok());
    }

    #[test]
    fn mobile_numbers() {
        assert!(korean_mobile("01012345678"));
        assert!(!korean_mobile("0212345678"));
        assert!(!korean_mobile("010-1234-5678"));
        assert_eq!(request_id().len(), 25);
    }
}
