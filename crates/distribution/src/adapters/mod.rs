//! One HTTP adapter per channel, each speaking that channel's API shape.
//! Base URL and credentials come from `[distribution.channels.*]`; the
//! default target is the in-process channel sandbox. Credentials travel in
//! headers only and are never logged or put into error messages.

mod partners;
mod social;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use contracts::channels::Channel;
use serde_json::Value;

use crate::{
    domain::{ChannelSettings, Content},
    Endpoint,
};

/// What a publish gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The channel's id of the post, booking or registration.
    pub external_id: String,
    pub post_url: Option<String>,
    /// The channel's own estimate, when it gives one.
    pub estimated_views: Option<u64>,
}

/// What a channel reports for one post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChannelStats {
    pub views: u64,
    pub clicks: u64,
    /// Calls to the store (RINGOBIZ), 0 elsewhere.
    pub calls: u64,
}

/// Why a channel call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdapterError {
    /// Worth another attempt: timeout, connection failure, 5xx, 429.
    #[error("{0}")]
    Transient(String),
    /// The channel refused the request (4xx): another attempt would fail the same way.
    #[error("{0}")]
    Rejected(String),
}

/// One post on one channel.
pub struct PostRequest<'a> {
    pub content: &'a Content,
    pub settings: &'a ChannelSettings,
    /// Sent as `Idempotency-Key`: same key, same post.
    pub idempotency_key: &'a str,
}

/// A channel API client.
#[async_trait]
pub trait ChannelAdapter: Send + Sync {
    fn channel(&self) -> Channel;
    /// Publishes; repeating the call with the same key does not post twice.
    async fn publish(&self, post: &PostRequest<'_>) -> Result<Published, AdapterError>;
    /// Views, clicks and calls of a published post.
    async fn stats(&self, external_id: &str) -> Result<ChannelStats, AdapterError>;
}

/// The six adapters, sharing one HTTP client.
pub fn build(endpoints: &[(Channel, Endpoint)], timeout: Duration) -> Vec<Arc<dyn ChannelAdapter>> {
    let http = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .unwrap_or_default();
    endpoints
        .iter()
        .map(|(channel, endpoint)| -> Arc<dyn ChannelAdapter> {
            let api = Api {
                http: http.clone(),
                endpoint: endpoint.clone(),
            };
            match channel {
                Channel::Instagram => Arc::new(social::Instagram(api)),
                Channel::Naver => Arc::new(social::Naver(api)),
                Channel::Kakao => Arc::new(social::Kakao(api)),
                Channel::Uridongnetv => Arc::new(partners::Uridongnetv(api)),
                Channel::Ringobiz => Arc::new(partners::Ringobiz(api)),
                Channel::Ginitv => Arc::new(partners::Ginitv(api)),
            }
        })
        .collect()
}

/// A channel's HTTP client and where it points.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    endpoint: Endpoint,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.base_url.trim_end_matches('/'))
    }

    /// Sends and reads a JSON answer; classifies failures.
    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, AdapterError> {
        let res = req.send().await.map_err(|e| {
            // Without the URL: it names the endpoint, never needed in the message.
            let e = e.without_url();
            if e.is_timeout() {
                AdapterError::Transient("channel timed out".into())
            } else {
                AdapterError::Transient(format!("channel unreachable: {e}"))
            }
        })?;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(body);
        }
        let detail = body["error"]["message"]
            .as_str()
            .or(body["errorMessage"].as_str())
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        let message = format!("HTTP {}: {detail}", status.as_u16());
        if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
            Err(AdapterError::Transient(message))
        } else {
            Err(AdapterError::Rejected(message))
        }
    }
}

/// A required text field of a channel's answer.
fn field(body: &Value, pointer: &str) -> Result<String, AdapterError> {
    match body.pointer(pointer) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(AdapterError::Transient(format!(
            "unexpected channel answer: no {pointer}"
        ))),
    }
}

/// A number in a channel's answer (0 when absent).
fn count(body: &Value, pointer: &str) -> u64 {
    body.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}
