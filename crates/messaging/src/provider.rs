//! The interface the notice use case sends through: one message to one
//! winner, found again by its idempotency key, followed to delivery.

use std::{collections::BTreeMap, fmt, sync::Arc};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::config::MessagingConfig;

/// How a notice reaches the winner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A text message (sent as LMS when longer than one SMS).
    Sms,
    /// A KakaoTalk 알림톡 from a registered template.
    Alimtalk,
}

impl Kind {
    /// The code used in APIs and storage: `SMS` or `ALIMTALK`.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Sms => "SMS",
            Kind::Alimtalk => "ALIMTALK",
        }
    }

    /// The kind named by `code` (`SMS` / `ALIMTALK`, any case).
    pub fn parse(code: &str) -> Option<Kind> {
        match code.to_ascii_uppercase().as_str() {
            "SMS" => Some(Kind::Sms),
            "ALIMTALK" => Some(Kind::Alimtalk),
            _ => None,
        }
    }
}

/// One message to one recipient.
#[derive(Clone)]
pub struct Outgoing {
    /// One per winner and notice; the provider call carries it (grouping keys).
    pub idempotency_key: String,
    /// Digits only, Korean mobile number.
    pub recipient: String,
    pub kind: Kind,
    /// Full text (SMS body; 알림톡 template text already filled).
    pub text: String,
    /// 알림톡 template code; `None` takes the configured one.
    pub template_code: Option<String>,
    /// 알림톡 template parameters (`#{key}` → value).
    pub template_params: BTreeMap<String, String>,
}

impl fmt::Debug for Outgoing {
    // Never the phone number or the text: both are personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("idempotency_key", &self.idempotency_key)
            .field("kind", &self.kind)
            .field("template_code", &self.template_code)
            .finish_non_exhaustive()
    }
}

/// The provider took the message; `provider_id` finds it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub provider_id: String,
}

/// Where an accepted message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Not yet reported by the carrier / Kakao.
    Pending,
    Delivered,
    /// Reported undeliverable, with the provider's reason.
    Failed(String),
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (provider down, 5xx, timeout). The message
    /// may have been accepted anyway (a timeout after the provider's accept):
    /// call [`NoticeProvider::find`] before sending it again.
    #[error("retryable: {0}")]
    Retryable(String),
    /// Will fail the same way again (bad number, bad credentials, rejected
    /// template); the message was not accepted.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl SendError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Retryable(_))
    }
}

/// A provider of one kind of notice.
#[async_trait]
pub trait NoticeProvider: Send + Sync {
    /// The provider's name for logs (`nhn-sms`, `nhn-alimtalk`).
    fn name(&self) -> &'static str;
    /// Sends `msg`; the call carries `msg.idempotency_key`.
    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError>;
    /// A message sent earlier with this idempotency key (after a crash
    /// between the provider's accept and our commit): look it up instead of
    /// sending twice. `since`: no earlier than this was it sent.
    async fn find(
        &self,
        idempotency_key: &str,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<Accepted>, SendError>;
    /// Whether an accepted message reached the phone.
    async fn delivery(&self, accepted: &Accepted) -> Result<Delivery, SendError>;
}

/// One provider per kind.
#[derive(Clone)]
pub struct Providers {
    pub sms: Arc<dyn NoticeProvider>,
    pub alimtalk: Arc<dyn NoticeProvider>,
}

impl Providers {
    /// The provider that sends `kind`.
    pub fn of(&self, kind: Kind) -> &Arc<dyn NoticeProvider> {
        match kind {
            Kind::Sms => &self.sms,
            Kind::Alimtalk => &self.alimtalk,
        }
    }
}

/// The NHN Cloud adapters as configured. `base_url` is this process's origin
/// (`http://host:port`): an empty configured base URL targets the sandbox
/// mounted in it.
pub fn providers(config: &MessagingConfig, base_url: &str) -> Result<Providers, String> {
    config.check()?;
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(config.timeout_ms))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let or_here = |configured: &str| {
        let url = if configured.trim().is_empty() {
            base_url
        } else {
            configured
        };
        url.trim_end_matches('/').to_string()
    };
    let sms = crate::nhn::sms::NhnSms::new(
        http.clone(),
        or_here(&config.sms.base_url),
        config.sms.clone(),
    );
    let alimtalk = crate::nhn::alimtalk::NhnAlimtalk::new(
        http,
        or_here(&config.alimtalk.base_url),
        config.alimtalk.clone(),
    );
    Ok(Providers {
        sms: Arc::new(sms),
        alimtalk: Arc::new(alimtalk),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_personal_data_and_kinds_round_trip() {
        let msg = Outgoing {
            idempotency_key: "n-1:w-1".into(),
            recipient: "01012345678".into(),
            kind: Kind::Sms,
            text: "홍길동님 당첨".into(),
            template_code: None,
            template_params: BTreeMap::new(),
        };
        let shown = format!("{msg:?}");
        assert!(shown.contains("n-1:w-1"));
        assert!(!shown.contains("01012345678") && !shown.contains("홍길동"));
        for kind in [Kind::Sms, Kind::Alimtalk] {
            assert_eq!(Kind::parse(kind.code()), Some(kind));
        }
        assert_eq!(Kind::parse("fax"), None);
    }
}
