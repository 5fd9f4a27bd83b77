//! A local stand-in for NHN Cloud's SMS and 알림톡 APIs, with latency,
//! failure, outage and undeliverable-recipient knobs: the default target of
//! the adapters. Mounted in-process (service `messaging_sandbox`).
//!
//! It checks the configured app key / secret key, stores each recipient's
//! message once per grouping key (a repeat answers the first acceptance),
//! answers the lookup and result queries, and reports delivery a little
//! after acceptance. The routes are not part of the public OpenAPI document.

pub mod admin;
pub mod alimtalk;
pub mod knobs;
pub mod sms;
pub mod store;

use std::{collections::BTreeMap, sync::Arc};

use axum::{http::StatusCode, response::Response};
use chrono::Utc;
use platform::{
    config::{Checks, ConfigError, Secret},
    db::Migrations,
    Deps, Module,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;

use crate::config::MessagingConfig;
use knobs::{failure, KnobBoard, Knobs};
use store::{MessageStore, Received};

/// This service's name: its SQLite file, PostgreSQL schema and settings table.
pub const NAME: &str = "messaging_sandbox";

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The service's migrations.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: &SQLITE,
        postgres: &POSTGRES,
        platform: &[],
    }
}

/// The `[messaging_sandbox]` settings table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct SandboxConfig {
    /// What the SMS API accepts.
    pub sms_app_key: String,
    pub sms_secret_key: Secret,
    /// The registered sender number.
    pub sms_send_no: String,
    /// What the 알림톡 API accepts.
    pub alimtalk_app_key: String,
    pub alimtalk_secret_key: Secret,
    pub alimtalk_sender_key: Secret,
    /// 알림톡 templates the sandbox renders into the stored text
    /// (code → text with `#{key}`); unknown codes are stored without text.
    pub alimtalk_templates: BTreeMap<String, String>,
    /// Knobs at start (change them with `PUT /sandbox/messages/knobs`).
    pub latency_ms: u64,
    pub failure_rate: f64,
    pub outage: bool,
    pub delivery_delay_ms: u64,
}

impl Default for SandboxConfig {
    /// Accepts what `[messaging]`'s defaults send.
    fn default() -> Self {
        let m = MessagingConfig::default();
        SandboxConfig {
            sms_app_key: m.sms.app_key,
            sms_secret_key: m.sms.secret_key,
            sms_send_no: m.sms.send_no,
            alimtalk_app_key: m.alimtalk.app_key,
            alimtalk_secret_key: m.alimtalk.secret_key,
            alimtalk_sender_key: m.alimtalk.sender_key,
            // The winner notice's template as it would be registered with Kakao.
            alimtalk_templates: BTreeMap::from([(
                m.alimtalk.template_code.clone(),
                "[#{store}] 이벤트 당첨 안내\n#{name}님, '#{title}' 이벤트에 당첨되셨습니다.\n경품: #{prize}\n쿠폰 받기: #{link}\n수령 기한: #{deadline}까지 매장에서 쿠폰을 보여 주세요.".to_string(),
            )]),
            latency_ms: 0,
            failure_rate: 0.0,
            outage: false,
            delivery_delay_ms: Knobs::default().delivery_delay_ms,
        }
    }
}

/// The sandbox's shared state.
pub struct Sandbox {
    pub store: MessageStore,
    pub knobs: KnobBoard,
    pub config: SandboxConfig,
}

/// Most rows a list answers.
pub const LIST_LIMIT: i64 = 1_000;

impl Sandbox {
    /// A sandbox on `store` with `config`'s credentials and starting knobs
    /// (out-of-range knobs start without faults).
    pub fn new(store: MessageStore, config: SandboxConfig) -> Sandbox {
        let initial = Knobs {
            latency_ms: config.latency_ms,
            failure_rate: config.failure_rate,
            outage: config.outage,
            delivery_delay_ms: config.delivery_delay_ms,
            ..Knobs::default()
        };
        let knobs = initial.checked().unwrap_or_else(|e| {
            tracing::error!(error = %e, "invalid [messaging_sandbox] knobs; starting without faults");
            Knobs::default()
        });
        Sandbox {
            store,
            knobs: KnobBoard::new(knobs),
            config,
        }
    }

    /// Stores `m` (its outcome and delivery time from the knobs) unless its
    /// key was seen; answers the stored row either way.
    pub async fn accept(&self, mut m: Received) -> Result<Received, Response> {
        let k = self.knobs.get();
        let now = Utc::now();
        m.received_at = now;
        m.deliver_at = now + chrono::Duration::milliseconds(k.delivery_delay_ms as i64);
        m.outcome = if k.fail_recipients.contains(&m.recipient) {
            "FAILED"
        } else {
            "DELIVERED"
        }
        .into();
        match self.store.record(&m).await {
            Ok((row, fresh)) => {
                tracing::info!(
                    kind = %row.kind,
                    request_id = %row.request_id,
                    fresh,
                    "messaging sandbox received a message"
                );
                Ok(row)
            }
            Err(e) => Err(internal(e)),
        }
    }
}

/// The key a recipient's message is stored under: its recipient grouping
/// key, else the sender grouping key with the number, else nothing shared.
pub fn dedupe_key(
    sender_key: Option<&str>,
    recipient_key: Option<&str>,
    recipient: &str,
    fallback: &str,
) -> String {
    match (recipient_key, sender_key) {
        (Some(r), _) if !r.is_empty() => format!("r:{r}"),
        (_, Some(s)) if !s.is_empty() => format!("s:{s}/{recipient}"),
        _ => format!("n:{fallback}"),
    }
}

/// A store failure: logged, answered as NHN's system error.
pub fn internal(e: sqlx::Error) -> Response {
    tracing::error!(error = %e, "messaging sandbox store failed");
    failure(StatusCode::INTERNAL_SERVER_ERROR, -9999, "System error")
}

/// The sandbox's routes on `sandbox`, for `module` and for tests that serve
/// it alone.
pub fn router(sandbox: Arc<Sandbox>) -> axum::Router {
    axum::Router::new()
        .merge(sms::router())
        .merge(alimtalk::router())
        .merge(admin::router())
        .with_state(sandbox)
}

/// Builds the service from `[messaging_sandbox]`.
pub fn module(deps: &Deps) -> Result<Module, ConfigError> {
    let config: SandboxConfig = deps.settings.section_strict(NAME, &[])?;
    let c = Checks::new(NAME);
    c.range("failure_rate", config.failure_rate, 0.0, 1.0)?;
    c.range("latency_ms", config.latency_ms, 0, 600_000)?;
    c.range("delivery_delay_ms", config.delivery_delay_ms, 0, 600_000)?;
    let sandbox = Arc::new(Sandbox::new(MessageStore::new(deps.db.clone()), config));
    // Plain routes (no `routes!`): the sandbox stays out of the public API document.
    Ok(Module {
        name: NAME,
        router: OpenApiRouter::new().merge(OpenApiRouter::from(router(sandbox))),
        tasks: Vec::new(),
    })
}
