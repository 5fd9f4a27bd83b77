//! NHN Cloud Notification adapters (SMS API v3.0, KakaoTalk Bizmessage
//! 알림톡 API v2.3): what both share — the call, the answer's `header`,
//! the grouping key and the dates of lookups.
//!
//! Documented at <https://docs.nhncloud.com/ko/Notification/SMS/ko/api-guide/>,
//! <https://docs.nhncloud.com/ko/Notification/SMS/ko/error-code/> and
//! <https://docs.nhncloud.com/en/Notification/KakaoTalk%20Bizmessage/en/alimtalk-api-guide/>.

pub mod alimtalk;
pub mod sms;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::provider::SendError;

/// Longest grouping key NHN stores (both APIs: "up to 100 characters").
const GROUPING_KEY_MAX: usize = 100;

/// How far back the lookups search at most: NHN refuses ranges over a month
/// (SMS `-4000`; 알림톡 "up to 30 days").
const LOOKUP_DAYS_MAX: i64 = 29;

/// The grouping key that carries `idempotency_key`: itself when it fits
/// NHN's limits, otherwise a digest of it (the same key → the same digest).
pub fn grouping_key(idempotency_key: &str) -> String {
    let fits = idempotency_key.len() <= GROUPING_KEY_MAX
        && !idempotency_key.is_empty()
        && idempotency_key
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '&' && c != '#');
    if fits {
        idempotency_key.to_string()
    } else {
        format!(
            "k-{}",
            hex::encode(Sha256::digest(idempotency_key.as_bytes()))
        )
    }
}

/// NHN's dates are Korea time without an offset (inferred: the guides show
/// `yyyy-MM-dd HH:mm[:ss]` and name no zone; the consoles run on KST).
pub fn kst(at: DateTime<Utc>, format: &str) -> String {
    at.with_timezone(&contracts::schedule::korea())
        .format(format)
        .to_string()
}

/// The lookup window from `since` (a minute earlier, for clock skew) to an
/// hour from now, shortened to what NHN allows.
pub fn window(since: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = Utc::now();
    let earliest = now - chrono::Duration::days(LOOKUP_DAYS_MAX);
    let start = (since - chrono::Duration::minutes(1)).max(earliest);
    (start, now + chrono::Duration::hours(1))
}

/// The documented answer header: `{isSuccessful, resultCode, resultMessage}`.
pub struct Header {
    pub ok: bool,
    pub code: i64,
    pub message: String,
}

impl Header {
    fn of(body: &Value) -> Option<Header> {
        let h = body.get("header")?;
        Some(Header {
            ok: h.get("isSuccessful")?.as_bool()?,
            code: h.get("resultCode").and_then(Value::as_i64).unwrap_or(0),
            message: text(h, "resultMessage"),
        })
    }
}

/// Text field `name` of `v` (numbers as text too), empty when absent.
pub fn text(v: &Value, name: &str) -> String {
    match v.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Sends `req` and answers the body of a successful NHN answer, or the
/// header of an unsuccessful one (`Err(Ok(header))`) for the caller to
/// classify by its API's result codes, or a transport/HTTP failure.
pub async fn call(req: reqwest::RequestBuilder) -> Result<Value, Result<Header, SendError>> {
    let res = req.send().await.map_err(|e| {
        // Without the URL: it holds the app key.
        let e = e.without_url();
        Err(if e.is_timeout() {
            SendError::Retryable("provider timed out".into())
        } else {
            SendError::Retryable(format!("provider unreachable: {e}"))
        })
    })?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
        return Err(Err(SendError::Retryable(format!(
            "provider answered HTTP {}",
            status.as_u16()
        ))));
    }
    if status.as_u16() == 401 || status.as_u16() == 403 {
        return Err(Err(SendError::Permanent(format!(
            "provider refused the credentials (HTTP {})",
            status.as_u16()
        ))));
    }
    match Header::of(&body) {
        Some(h) if h.ok && status.is_success() => Ok(body),
        Some(h) if !h.ok => Err(Ok(h)),
        // A 2xx without the documented header: the provider may have acted,
        // so the caller must look before sending again.
        _ if status.is_success() => Err(Err(SendError::Retryable(
            "provider answered without a result header".into(),
        ))),
        _ => Err(Err(SendError::Permanent(format!(
            "provider answered HTTP {}",
            status.as_u16()
        )))),
    }
}

/// A provider id of the form `{prefix}:{requestId}:{recipientSeq}`.
pub fn provider_id(prefix: &str, request_id: &str, seq: i64) -> String {
    format!("{prefix}:{request_id}:{seq}")
}

/// The parts of a provider id made by [`provider_id`].
pub fn parse_provider_id(id: &str) -> Result<(&str, &str, i64), SendError> {
    let mut parts = id.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(prefix), Some(request), Some(seq)) if !request.is_empty() => {
            let seq = seq
                .parse()
                .map_err(|_| SendError::Permanent(format!("not a provider id: {id}")))?;
            Ok((prefix, request, seq))
        }
        _ => Err(SendError::Permanent(format!("not a provider id: {id}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_or_odd_keys_become_a_stable_digest() {
        assert_eq!(grouping_key("evt-1:win-3:notice-1"), "evt-1:win-3:notice-1");
        let long = "x".repeat(150);
        assert_eq!(grouping_key(&long), grouping_key(&long));
        assert!(grouping_key(&long).len() <= GROUPING_KEY_MAX);
        assert_ne!(grouping_key("a b"), "a b");
    }

    #[test]
    fn provider_ids_round_trip() {
        let id = provider_id("LMS", "20180810100630ReZQ6KZzAH0", 1);
        assert_eq!(
            parse_provider_id(&id).expect("parses"),
            ("LMS", "20180810100630ReZQ6KZzAH0", 1)
        );
        assert!(parse_provider_id("nonsense").is_err());
    }

    #[test]
    fn dates_are_korea_time() {
        let at = DateTime::parse_from_rfc3339("2026-11-21T15:30:00Z")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(kst(at, "%Y-%m-%d %H:%M:%S"), "2026-11-22 00:30:00");
    }
}
