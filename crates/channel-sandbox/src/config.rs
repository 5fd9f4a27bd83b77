//! The `[sandbox]` settings table: defaults, validation at start.

use contracts::channels::Channel;
use platform::config::Secret;
use serde::{Deserialize, Serialize};

/// The credential each channel accepts.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct SandboxCredentials {
    pub instagram: Secret,
    pub naver: Secret,
    pub kakao: Secret,
    pub uridongnetv: Secret,
    pub ringobiz: Secret,
    pub ginitv: Secret,
}

impl Default for SandboxCredentials {
    /// The development credentials; `[distribution]`'s defaults send the same.
    fn default() -> Self {
        let dev = |c: Channel| Secret::new(format!("sandbox-{}-key", crate::slug(c)));
        SandboxCredentials {
            instagram: dev(Channel::Instagram),
            naver: dev(Channel::Naver),
            kakao: dev(Channel::Kakao),
            uridongnetv: dev(Channel::Uridongnetv),
            ringobiz: dev(Channel::Ringobiz),
            ginitv: dev(Channel::Ginitv),
        }
    }
}

impl SandboxCredentials {
    pub fn of(&self, channel: Channel) -> &Secret {
        match channel {
            Channel::Instagram => &self.instagram,
            Channel::Naver => &self.naver,
            Channel::Kakao => &self.kakao,
            Channel::Uridongnetv => &self.uridongnetv,
            Channel::Ringobiz => &self.ringobiz,
            Channel::Ginitv => &self.ginitv,
        }
    }
}

/// The `[sandbox]` settings table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SandboxConfig {
    /// What each channel accepts.
    pub credentials: SandboxCredentials,
    /// Every channel's latency at start, in ms (change a channel's knobs at
    /// runtime with `PUT /sandbox/{channel}/knobs`).
    pub latency_ms: u64,
    /// Every channel's failure rate (0–1) at start.
    pub failure_rate: f64,
    /// Every channel down at start.
    pub outage: bool,
}
