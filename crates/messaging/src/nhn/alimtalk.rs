//! NHN Cloud KakaoTalk Bizmessage 알림톡 API v2.3:
//! `POST /alimtalk/v2.3/appkeys/{appkey}/messages` (template + parameters),
//! the message list filtered by grouping key, and the single message query
//! `GET …/messages/{requestId}/{recipientSeq}`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{call, grouping_key, kst, parse_provider_id, provider_id, text, window, Header};
use crate::{
    config::AlimtalkConfig,
    provider::{Accepted, Delivery, NoticeProvider, Outgoing, SendError},
};

/// The documented answer to a repeated `X-NC-API-IDEMPOTENCY-KEY` within 10 minutes.
const SAME_IDEMPOTENCY_KEY: i64 = -1005;

/// The provider-id prefix of 알림톡 messages.
const PREFIX: &str = "AT";

/// The NHN 알림톡 adapter.
pub struct NhnAlimtalk {
    http: reqwest::Client,
    base_url: String,
    config: AlimtalkConfig,
}

impl NhnAlimtalk {
    pub fn new(http: reqwest::Client, base_url: String, config: AlimtalkConfig) -> NhnAlimtalk {
        NhnAlimtalk {
            http,
            base_url,
            config,
        }
    }

    fn url(&self, rest: &str) -> String {
        format!(
            "{}/alimtalk/v2.3/appkeys/{}/messages{rest}",
            self.base_url, self.config.app_key
        )
    }

    fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.http
            .get(url)
            .header("X-Secret-Key", self.config.secret_key.expose())
    }
}

/// 알림톡 result codes worth a retry. Inferred: the error-code guide lists
/// request, account and template errors (-1000 invalid appKey, -1001
/// invalid secretKey, -1006/-1027 sender profile, -2xxx parameters); -9999
/// (system error) is taken from the SMS guide of the same platform.
fn classify(h: Header) -> SendError {
    let reason = format!("NHN 알림톡 {}: {}", h.code, h.message);
    match h.code {
        -9999 => SendError::Retryable(reason),
        _ => SendError::Permanent(reason),
    }
}

fn classified(e: Result<Header, SendError>) -> SendError {
    e.map_or_else(|e| e, classify)
}

fn accepted(entry: &Value, request: Option<&str>) -> Option<Accepted> {
    let request = request.or_else(|| entry.get("requestId").and_then(Value::as_str))?;
    let seq = entry.get("recipientSeq").and_then(Value::as_i64)?;
    (!request.is_empty()).then(|| Accepted {
        provider_id: provider_id(PREFIX, request, seq),
    })
}

#[async_trait]
impl NoticeProvider for NhnAlimtalk {
    fn name(&self) -> &'static str {
        "nhn-alimtalk"
    }

    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let key = grouping_key(&msg.idempotency_key);
        let template = msg
            .template_code
            .as_deref()
            .unwrap_or(&self.config.template_code);
        let body = json!({
            "senderKey": self.config.sender_key.expose(),
            "templateCode": template,
            "senderGroupingKey": key,
            "recipientList": [{
                "recipientNo": msg.recipient,
                "templateParameter": msg.template_params,
                "recipientGroupingKey": key,
            }],
        });
        let req = self
            .http
            .post(self.url(""))
            .header("X-Secret-Key", self.config.secret_key.expose())
            // NHN refuses a repeat of this key within 10 minutes (-1005).
            .header("X-NC-API-IDEMPOTENCY-KEY", &key)
            .json(&body);
        let answer = match call(req).await {
            Ok(answer) => answer,
            Err(Ok(h)) if h.code == SAME_IDEMPOTENCY_KEY => {
                // Sent before (a retry after a lost answer): the first one stands.
                let since = Utc::now() - chrono::Duration::hours(1);
                return match self
                    .find(&msg.idempotency_key, &msg.recipient, since)
                    .await?
                {
                    Some(found) => Ok(found),
                    None => Err(SendError::Retryable(
                        "NHN 알림톡 saw this key but lists no message yet".into(),
                    )),
                };
            }
            Err(e) => return Err(classified(e)),
        };
        let message = answer.get("message").cloned().unwrap_or(Value::Null);
        let result = message
            .get("sendResults")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .cloned()
            .unwrap_or(Value::Null);
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
        accepted(&result, message.get("requestId").and_then(Value::as_str))
            .ok_or_else(|| SendError::Retryable("NHN 알림톡 accepted without a request id".into()))
    }

    async fn find(
        &self,
        idempotency_key: &str,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<Accepted>, SendError> {
        let key = grouping_key(idempotency_key);
        let (start, end) = window(since);
        let format = "%Y-%m-%d %H:%M";
        let req = self.get(self.url("")).query(&[
            ("startRequestDate", kst(start, format)),
            ("endRequestDate", kst(end, format)),
            ("recipientNo", recipient.to_string()),
            ("senderGroupingKey", key.clone()),
            ("recipientGroupingKey", key),
            ("pageSize", "15".to_string()),
        ]);
        let body = call(req).await.map_err(classified)?;
        Ok(body
            .pointer("/messageSearchResultResponse/messages")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .and_then(|m| accepted(m, None)))
    }

    async fn delivery(&self, accepted: &Accepted) -> Result<Delivery, SendError> {
        let (prefix, request, seq) = parse_provider_id(&accepted.provider_id)?;
        if prefix != PREFIX {
            return Err(SendError::Permanent(format!(
                "not an 알림톡 id: {}",
                accepted.provider_id
            )));
        }
        let req = self.get(self.url(&format!("/{request}/{seq}")));
        let body = call(req).await.map_err(classified)?;
        match body.get("message") {
            Some(message) if message.is_object() => Ok(delivery_of(message)),
            _ => Err(SendError::Permanent(format!(
                "NHN 알림톡 knows no message {}",
                accepted.provider_id
            ))),
        }
    }
}

/// Reads `messageStatus` (COMPLETED / FAILED / CANCEL; any other value,
/// e.g. while Kakao has not answered, counts as pending — inferred) and the
/// receipt `resultCode` (Kakao's `1000`, or `MRC01` as in the list filter,
/// means received — inferred from the list query's codes).
fn delivery_of(message: &Value) -> Delivery {
    let status = text(message, "messageStatus");
    let code = text(message, "resultCode");
    let reason = || {
        let name = text(message, "resultCodeName");
        format!("{status}/{code} {name}").trim().to_string()
    };
    match status.as_str() {
        "COMPLETED" if code == "1000" || code == "MRC01" => Delivery::Delivered,
        "COMPLETED" if code.is_empty() => Delivery::Pending,
        "COMPLETED" | "FAILED" | "CANCEL" => Delivery::Failed(reason()),
        _ => Delivery::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_follows_status_and_receipt() {
        let d = |s: &str, c: &str| delivery_of(&json!({"messageStatus": s, "resultCode": c}));
        assert_eq!(d("COMPLETED", "1000"), Delivery::Delivered);
        assert_eq!(d("READY", ""), Delivery::Pending);
        assert!(matches!(d("FAILED", "3018"), Delivery::Failed(_)));
        assert!(matches!(d("COMPLETED", "3018"), Delivery::Failed(_)));
    }
}
