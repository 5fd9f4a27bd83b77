//! Winner notices by SMS and KakaoTalk 알림톡: the provider interface the
//! notice use case sends through ([`provider`]), the NHN Cloud Notification
//! adapters ([`nhn`]), their settings ([`config`]) and a local sandbox
//! speaking the same APIs ([`sandbox`], the adapters' default target).
//!
//! Face: `MessagingConfig` and the provider types at the root (what
//! participation sends through), `SECTION`, and `sandbox` (mounted by `kem`);
//! the rest is `pub(crate)`.

pub(crate) mod config;
pub(crate) mod nhn;
pub(crate) mod provider;
pub mod sandbox;

pub use config::{MessagingConfig, SECTION};
pub use provider::{
    providers, Accepted, Delivery, Kind, NoticeProvider, Outgoing, Providers, SendError,
};
