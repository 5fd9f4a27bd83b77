//! Per-channel fault knobs (latency, failure rate, outage), changeable at
//! runtime, and the gate every sandbox call passes through.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::Duration,
};

use axum::{
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use contracts::channels::Channel;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// How a channel misbehaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Knobs {
    /// Added to every publishing call (and stats call) before it answers.
    pub latency_ms: u64,
    /// Chance (0–1) that a call answers 503 after its latency.
    pub failure_rate: f64,
    /// When on, every call answers 503 at once.
    pub outage: bool,
}

impl Knobs {
    /// The knobs with their values brought into range (failure rate 0–1,
    /// latency at most 10 minutes), or why they cannot be.
    pub fn checked(self) -> Result<Knobs, String> {
        if !self.failure_rate.is_finite() || !(0.0..=1.0).contains(&self.failure_rate) {
            return Err("failureRate must be between 0 and 1".into());
        }
        if self.latency_ms > 600_000 {
            return Err("latencyMs must be at most 600000".into());
        }
        Ok(self)
    }
}

/// The knobs of all six channels.
#[derive(Clone, Default)]
pub struct KnobBoard {
    inner: Arc<RwLock<HashMap<Channel, Knobs>>>,
}

impl KnobBoard {
    /// Every channel starting from `initial`.
    pub fn new(initial: Knobs) -> KnobBoard {
        let map = Channel::ALL.into_iter().map(|c| (c, initial)).collect();
        KnobBoard {
            inner: Arc::new(RwLock::new(map)),
        }
    }

    pub fn get(&self, channel: Channel) -> Knobs {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(&channel).copied().unwrap_or_default()
    }

    pub fn set(&self, channel: Channel, knobs: Knobs) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        map.insert(channel, knobs);
    }
}

/// A channel-API-style error answer: `{error: {code, message}}`.
pub fn channel_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

/// How a channel proves the caller.
#[derive(Debug, Clone, Copy)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>` (Instagram Graph API, Naver).
    Bearer,
    /// `Authorization: KakaoAK <admin key>` (Kakao).
    KakaoAk,
    /// `X-Api-Key: <key>` (the partner APIs).
    ApiKey,
}

/// Whether `headers` carry exactly `expected` in `scheme`'s form.
pub fn authorized(headers: &HeaderMap, scheme: AuthScheme, expected: &str) -> bool {
    let presented = match scheme {
        AuthScheme::Bearer => {
            header(headers, "authorization").and_then(|v| v.strip_prefix("Bearer "))
        }
        AuthScheme::KakaoAk => {
            header(headers, "authorization").and_then(|v| v.strip_prefix("KakaoAK "))
        }
        AuthScheme::ApiKey => header(headers, "x-api-key"),
    };
    // An empty expected credential would let anyone in; the sandbox refuses instead.
    !expected.is_empty() && presented == Some(expected)
}

/// The value of header `name` as text.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Applies the channel's knobs and checks the credential: outage → 503 at
/// once; bad credential → 401; then the latency (when `delayed`); then a
/// failure roll → 503. `Ok` means the call may proceed.
pub async fn gate(
    knobs: &KnobBoard,
    channel: Channel,
    auth_ok: bool,
    delayed: bool,
) -> Result<(), Response> {
    let k = knobs.get(channel);
    if k.outage {
        return Err(channel_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "OUTAGE",
            "service unavailable",
        ));
    }
    if !auth_ok {
        return Err(channel_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "invalid or missing credentials",
        ));
    }
    if delayed && k.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(k.latency_ms)).await;
    }
    if k.failure_rate > 0.0 && rand::thread_rng().gen::<f64>() < k.failure_rate {
        return Err(channel_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "TEMPORARY_FAILURE",
            "temporary failure, try again",
        ));
    }
    Ok(())
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
        let nan = Knobs {
            failure_rate: f64::NAN,
            ..Knobs::default()
        };
        assert!(nan.checked().is_err());
        assert!(Knobs {
            latency_ms: 200,
            failure_rate: 0.5,
            outage: false
        }
        .checked()
        .is_ok());
    }

    #[test]
    fn credentials_must_match_in_the_channel_scheme() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer tok".parse().expect("header"));
        assert!(authorized(&h, AuthScheme::Bearer, "tok"));
        assert!(!authorized(&h, AuthScheme::Bearer, "other"));
        assert!(!authorized(&h, AuthScheme::KakaoAk, "tok"));
        assert!(!authorized(&h, AuthScheme::ApiKey, "tok"));
        assert!(!authorized(&HeaderMap::new(), AuthScheme::Bearer, ""));
    }

    #[tokio::test]
    async fn outage_fails_before_auth_and_latency() {
        let board = KnobBoard::new(Knobs::default());
        board.set(
            Channel::Naver,
            Knobs {
                outage: true,
                latency_ms: 60_000,
                ..Knobs::default()
            },
        );
        let r = gate(&board, Channel::Naver, false, true).await.unwrap_err();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(gate(&board, Channel::Kakao, true, true).await.is_ok());
        let r = gate(&board, Channel::Kakao, false, true).await.unwrap_err();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}
