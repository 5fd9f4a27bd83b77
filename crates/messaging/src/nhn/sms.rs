//! NHN Cloud SMS API v3.0: `POST /sms/v3.0/appKeys/{appKey}/sender/sms`
//! (or `/sender/mms` for a text longer than one SMS, sent as LMS), the
//! delivery list filtered by grouping key, and the single delivery query.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{call, grouping_key, kst, parse_provider_id, provider_id, text, window, Header};
use crate::{
    config::SmsConfig,
    provider::{Accepted, Delivery, NoticeProvider, Outgoing, SendError},
};

/// Most EUC-KR bytes of one SMS (the guide's "standard 90 bytes"; longer
/// texts risk being cut, so they go as LMS).
const SMS_BYTES: usize = 90;

/// The NHN SMS adapter.
pub struct NhnSms {
    http: reqwest::Client,
    base_url: String,
    config: SmsConfig,
}

/// Which of the two send paths: short SMS or LMS (the API's `mms` path
/// without attachments).
#[derive(Clone, Copy)]
enum Path {
    Sms,
    Lms,
}

impl Path {
    fn segment(self) -> &'static str {
        match self {
            Path::Sms => "sms",
            Path::Lms => "mms",
        }
    }
    fn prefix(self) -> &'static str {
        match self {
            Path::Sms => "SMS",
            Path::Lms => "LMS",
        }
    }
    fn of_prefix(prefix: &str) -> Option<Path> {
        match prefix {
            "SMS" => Some(Path::Sms),
            "LMS" => Some(Path::Lms),
            _ => None,
        }
    }
}

/// EUC-KR length of `text`: Hangul and other non-ASCII take two bytes.
pub fn euc_kr_len(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

impl NhnSms {
    pub fn new(http: reqwest::Client, base_url: String, config: SmsConfig) -> NhnSms {
        NhnSms {
            http,
            base_url,
            config,
        }
    }

    fn url(&self, path: Path, rest: &str) -> String {
        format!(
            "{}/sms/v3.0/appKeys/{}/sender/{}{rest}",
            self.base_url,
            self.config.app_key,
            path.segment()
        )
    }

    fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.http
            .get(url)
            .header("X-Secret-Key", self.config.secret_key.expose())
    }

    async fn find_on(
        &self,
        path: Path,
        key: &str,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<Accepted>, SendError> {
        let (start, end) = window(since);
        let format = "%Y-%m-%d %H:%M:%S";
        let req = self.get(self.url(path, "")).query(&[
            ("startRequestDate", kst(start, format)),
            ("endRequestDate", kst(end, format)),
            ("recipientNo", recipient.to_string()),
            ("senderGroupingKey", key.to_string()),
            ("recipientGroupingKey", key.to_string()),
            ("pageSize", "15".to_string()),
        ]);
        let body = call(req).await.map_err(classified)?;
        let found = body
            .pointer("/body/data")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
            .and_then(|m| accepted(path, m, "requestId"));
        Ok(found)
    }
}

/// The result codes of the SMS API that are worth a retry: its system and
/// server errors (error-code guide: -9999, -2021, -2009, -2010). Every other
/// documented failure is about the request or the account (invalid app key
/// -1000…-1004, invalid recipient -2019, unregistered sender number -2312, …).
fn classify(h: Header) -> SendError {
    let reason = format!("NHN SMS {}: {}", h.code, h.message);
    match h.code {
        -9999 | -2021 | -2009 | -2010 => SendError::Retryable(reason),
        _ => SendError::Permanent(reason),
    }
}

fn classified(e: Result<Header, SendError>) -> SendError {
    e.map_or_else(|e| e, classify)
}

/// An `Accepted` from a list/answer entry with `request_field` and `recipientSeq`.
fn accepted(path: Path, entry: &Value, request_field: &str) -> Option<Accepted> {
    let request = entry.get(request_field).and_then(Value::as_str)?;
    let seq = entry.get("recipientSeq").and_then(Value::as_i64)?;
    Some(Accepted {
        provider_id: provider_id(path.prefix(), request, seq),
    })
}

#[async_trait]
impl NoticeProvider for NhnSms {
    fn name(&self) -> &'static str {
        "nhn-sms"
    }

    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let key = grouping_key(&msg.idempotency_key);
        let path = if euc_kr_len(&msg.text) > SMS_BYTES {
            Path::Lms
        } else {
            Path::Sms
        };
        let mut body = json!({
            "body": msg.text,
            "sendNo": self.config.send_no,
            "senderGroupingKey": key,
            "recipientList": [{"recipientNo": msg.recipient, "recipientGroupingKey": key}],
        });
        if let Path::Lms = path {
            // Inferred from the guide's MMS section: `title` beside `body`.
            body["title"] = json!(self.config.lms_title);
        }
        let req = self
            .http
            .post(self.url(path, ""))
            .header("X-Secret-Key", self.config.secret_key.expose())
            .json(&body);
        let answer = call(req).await.map_err(classified)?;
        let data = answer.pointer("/body/data").cloned().unwrap_or(Value::Null);
        let result = data
            .get("sendResultList")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .cloned()
            .unwrap_or(Value::Null);
        // A per-recipient failure carries the same result codes as the header.
        let code = result
            .get("resultCode")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if code != 0 {
            return Err(classify(Header {
                ok: false,
                code,
                message: text(&result, "resultMessage"),
            }));
        }
        let request = data.get("requestId").and_then(Value::as_str).unwrap_or("");
        let seq = result.get("recipientSeq").and_then(Value::as_i64);
        match seq {
            Some(seq) if !request.is_empty() => Ok(Accepted {
                provider_id: provider_id(path.prefix(), request, seq),
            }),
            // Accepted but unidentifiable: looking it up by key finds it.
            _ => Err(SendError::Retryable(
                "NHN SMS accepted without a request id".into(),
            )),
        }
    }

    async fn find(
        &self,
        idempotency_key: &str,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<Accepted>, SendError> {
        let key = grouping_key(idempotency_key);
        // The text's length chose the path; the lookup does not know the text.
        for path in [Path::Sms, Path::Lms] {
            if let Some(found) = self.find_on(path, &key, recipient, since).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    async fn delivery(&self, accepted: &Accepted) -> Result<Delivery, SendError> {
        let (prefix, request, seq) = parse_provider_id(&accepted.provider_id)?;
        let path = Path::of_prefix(prefix).ok_or_else(|| {
            SendError::Permanent(format!("not an SMS id: {}", accepted.provider_id))
        })?;
        let req = self
            .get(self.url(path, &format!("/{request}")))
            .query(&[("recipientSeq", seq)]);
        let body = call(req).await.map_err(classified)?;
        let data = body.pointer("/body/data").cloned().unwrap_or(Value::Null);
        Ok(delivery_of(&data))
    }
}

/// Reads `msgStatus` (0 failed, 1 requesting, 2 processing, 3 successful,
/// 4 cancelled, 5 duplicate) and the receipt `resultCode` (1000 = received).
/// Inferred: status 3 without a receipt code is still waiting for the carrier.
fn delivery_of(data: &Value) -> Delivery {
    let status = text(data, "msgStatus");
    let code = text(data, "resultCode");
    let reason = || {
        let name = text(data, "resultCodeName");
        format!("{status}/{code} {name}").trim().to_string()
    };
    match status.as_str() {
        "3" if code == "1000" || code == "MTR1" => Delivery::Delivered,
        "3" if code.is_empty() => Delivery::Pending,
        "0" | "3" | "4" | "5" => Delivery::Failed(reason()),
        _ => Delivery::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_counts_two_bytes() {
        assert_eq!(euc_kr_len("abc"), 3);
        assert_eq!(euc_kr_len("당첨"), 4);
    }

    #[test]
    fn delivery_follows_status_and_receipt() {
        let d = |s: &str, c: &str| delivery_of(&json!({"msgStatus": s, "resultCode": c}));
        assert_eq!(d("3", "1000"), Delivery::Delivered);
        assert_eq!(d("2", ""), Delivery::Pending);
        assert_eq!(d("3", ""), Delivery::Pending);
        assert!(matches!(d("3", "3001"), Delivery::Failed(_)));
        assert!(matches!(d("0", "3001"), Delivery::Failed(_)));
    }
}
