//! The `[messaging]` settings table: where the NHN Cloud adapters send and
//! with which keys. The defaults are the sandbox's development keys.

use platform::config::{ConfigError, Secret, Settings};
use serde::{Deserialize, Serialize};

/// The name of the settings table.
pub const SECTION: &str = "messaging";

/// The `[messaging]` table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct MessagingConfig {
    /// Longest wait for one provider call, in ms.
    pub timeout_ms: u64,
    pub sms: SmsConfig,
    pub alimtalk: AlimtalkConfig,
}

/// `[messaging.sms]`: NHN Cloud SMS API v3.0.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct SmsConfig {
    /// e.g. `https://api-sms.cloud.toast.com`; empty: the sandbox in this process.
    pub base_url: String,
    pub app_key: String,
    pub secret_key: Secret,
    /// The registered sender number (발신번호), digits only.
    pub send_no: String,
    /// Title of a text longer than one SMS (sent as LMS).
    pub lms_title: String,
}

/// `[messaging.alimtalk]`: NHN Cloud KakaoTalk Bizmessage 알림톡 API v2.3.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct AlimtalkConfig {
    /// e.g. `https://api-alimtalk.cloud.toast.com`; empty: the sandbox in this process.
    pub base_url: String,
    pub app_key: String,
    pub secret_key: Secret,
    /// The sender profile's key (발신 키, 40 characters).
    pub sender_key: Secret,
    /// The approved template used when a message names none.
    pub template_code: String,
}

impl Default for MessagingConfig {
    fn default() -> Self {
        MessagingConfig {
            timeout_ms: 10_000,
            sms: SmsConfig::default(),
            alimtalk: AlimtalkConfig::default(),
        }
    }
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            base_url: String::new(),
            app_key: "sandbox-sms-appkey".into(),
            secret_key: Secret::new("sandbox-sms-secret"),
            send_no: "15446859".into(),
            lms_title: "당첨 안내".into(),
        }
    }
}

impl Default for AlimtalkConfig {
    fn default() -> Self {
        AlimtalkConfig {
            base_url: String::new(),
            app_key: "sandbox-alimtalk-appkey".into(),
            secret_key: Secret::new("sandbox-alimtalk-secret"),
            sender_key: Secret::new("sandbox-alimtalk-senderkey"),
            template_code: "KEM_WINNER_1".into(),
        }
    }
}

impl MessagingConfig {
    /// The `[messaging]` table of `settings`.
    pub fn from_settings(settings: &Settings) -> Result<MessagingConfig, ConfigError> {
        settings.section(SECTION)
    }

    /// Why these settings cannot work, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.timeout_ms == 0 {
            return Err("[messaging] timeout_ms must be positive".into());
        }
        // App keys become path segments: anything but [A-Za-z0-9_-] would
        // change the URL.
        let path_safe = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !path_safe(&self.sms.app_key) || !path_safe(&self.alimtalk.app_key) {
            return Err("[messaging] app_key must be letters, digits, '-' or '_'".into());
        }
        if self.sms.send_no.is_empty() || !self.sms.send_no.chars().all(|c| c.is_ascii_digit()) {
            return Err("[messaging.sms] send_no must be digits".into());
        }
        if self.sms.secret_key.is_empty() || self.alimtalk.secret_key.is_empty() {
            return Err("[messaging] secret_key must be set".into());
        }
        if self.alimtalk.sender_key.is_empty() || self.alimtalk.template_code.is_empty() {
            return Err("[messaging.alimtalk] sender_key and template_code must be set".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_and_secrets_stay_out_of_debug() {
        let c = MessagingConfig::default();
        assert!(c.check().is_ok());
        let shown = format!("{c:?}");
        assert!(!shown.contains("sandbox-sms-secret"));
        assert!(!shown.contains("sandbox-alimtalk-senderkey"));
    }

    #[test]
    fn unusable_settings_are_refused() {
        let mut c = MessagingConfig::default();
        c.sms.app_key = "a/b".into();
        assert!(c.check().is_err());
        let mut c = MessagingConfig::default();
        c.sms.send_no = "1544-6859".into();
        assert!(c.check().is_err());
        let mut c = MessagingConfig::default();
        c.alimtalk.secret_key = Secret::new("");
        assert!(c.check().is_err());
    }
}
