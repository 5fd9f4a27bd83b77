//! The `[distribution]` settings table: defaults, validation at start.

use contracts::channels::Channel;
use platform::config::{Checks, ConfigError, Secret};
use serde::{Deserialize, Serialize};

use crate::NAME;

/// Where one channel's API is and how to prove ourselves to it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct Endpoint {
    /// Origin (and path prefix) of the channel API; empty: the in-process
    /// sandbox at `{this process}/sandbox/{channel}`.
    pub base_url: String,
    /// Access token (Instagram, Naver), admin key (Kakao) or API key (partners).
    pub credential: Secret,
    /// The account posted as: Instagram user id, Kakao channel id (unused elsewhere).
    pub account: String,
}

impl Endpoint {
    fn dev(channel: Channel, account: &str) -> Endpoint {
        Endpoint {
            base_url: String::new(),
            // The channel sandbox's default credential for this channel.
            credential: Secret::new(format!(
                "sandbox-{}-key",
                channel.code().to_ascii_lowercase()
            )),
            account: account.to_string(),
        }
    }
}

/// Every channel's endpoint.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct Endpoints {
    pub instagram: Endpoint,
    pub naver: Endpoint,
    pub kakao: Endpoint,
    pub uridongnetv: Endpoint,
    pub ringobiz: Endpoint,
    pub ginitv: Endpoint,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            instagram: Endpoint::dev(Channel::Instagram, "17841400000000000"),
            naver: Endpoint::dev(Channel::Naver, ""),
            kakao: Endpoint::dev(Channel::Kakao, "_sandbox"),
            uridongnetv: Endpoint::dev(Channel::Uridongnetv, ""),
            ringobiz: Endpoint::dev(Channel::Ringobiz, ""),
            ginitv: Endpoint::dev(Channel::Ginitv, ""),
        }
    }
}

impl Endpoints {
    pub fn of_mut(&mut self, channel: Channel) -> &mut Endpoint {
        match channel {
            Channel::Instagram => &mut self.instagram,
            Channel::Naver => &mut self.naver,
            Channel::Kakao => &mut self.kakao,
            Channel::Uridongnetv => &mut self.uridongnetv,
            Channel::Ringobiz => &mut self.ringobiz,
            Channel::Ginitv => &mut self.ginitv,
        }
    }
}

/// The `[distribution]` settings table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct DistributionConfig {
    /// The whole distribution finishes within this (docs/design.md: 60 s).
    pub budget_ms: u64,
    /// Attempts per channel, the first included (docs/design.md: 3).
    pub retry_attempts: u32,
    /// Waits between attempts; the last repeats (docs/design.md: 1 s / 2 s / 4 s).
    pub retry_backoff_ms: Vec<u64>,
    /// Consecutive failed attempts that open a channel's breaker.
    pub breaker_failures: u32,
    /// How long an open breaker fails a channel fast before one probe.
    pub breaker_open_ms: u64,
    /// Calls at once per channel (the bulkhead).
    pub bulkhead_size: usize,
    /// How long a call waits for a bulkhead slot.
    pub bulkhead_wait_ms: u64,
    /// Timeout of one HTTP call to a channel.
    pub call_timeout_ms: u64,
    /// Origin of the channel sandbox for channels without a `base_url`;
    /// empty: this process. (Set this, not each channel's `base_url`, to
    /// reach a sandbox elsewhere: a channel table given only some fields
    /// loses the others' development defaults.)
    pub sandbox_url: String,
    pub channels: Endpoints,
}

impl Default for DistributionConfig {
    fn default() -> Self {
        DistributionConfig {
            budget_ms: 60_000,
            retry_attempts: 3,
            retry_backoff_ms: vec![1_000, 2_000, 4_000],
            breaker_failures: 5,
            breaker_open_ms: 30_000,
            bulkhead_size: 16,
            bulkhead_wait_ms: 5_000,
            call_timeout_ms: 20_000,
            sandbox_url: String::new(),
            channels: Endpoints::default(),
        }
    }
}

impl DistributionConfig {
    /// Every field in its allowed range, every channel URL an http(s) URL or empty.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = Checks::new(NAME);
        c.range("budget_ms", self.budget_ms, 1, 3_600_000)?;
        c.range("retry_attempts", self.retry_attempts, 1, 20)?;
        c.range("breaker_failures", self.breaker_failures, 1, 1_000)?;
        c.range("breaker_open_ms", self.breaker_open_ms, 1, 86_400_000)?;
        c.range("bulkhead_size", self.bulkhead_size, 1, 10_000)?;
        c.range("bulkhead_wait_ms", self.bulkhead_wait_ms, 0, 3_600_000)?;
        c.range("call_timeout_ms", self.call_timeout_ms, 1, 3_600_000)?;
        for ms in &self.retry_backoff_ms {
            c.range("retry_backoff_ms", *ms, 0, 3_600_000)?;
        }
        let mut channels = self.channels.clone();
        for channel in Channel::ALL {
            let field = format!("channels.{}.base_url", channel.code().to_ascii_lowercase());
            c.http_url(&field, &channels.of_mut(channel).base_url, true)?;
        }
        c.http_url("sandbox_url", &self.sandbox_url, true)?;
        Ok(())
    }
}
