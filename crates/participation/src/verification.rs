//! Phone verification, the owner's choice per event (docs/design.md §8.2):
//! the entry page asks for a code sent by SMS, and the entry is stored only
//! once the code matches. A code is good for 3 minutes and 5 tries; a new
//! one can be asked for after 30 s, at most 5 an hour per phone.
//!
//! Neither phone numbers nor codes are stored: rows carry HMAC-SHA256 keyed
//! hashes (a 6-digit code hashed without a key would be found in a million
//! guesses), and the key is derived from the token secret, which every
//! replica shares, so a code sent by one replica is checked by another.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use messaging::{Kind, NoticeProvider, Outgoing};
use rand::Rng;
use sha2::Sha256;

use contracts::schedule::Phase;
use contracts::status::EventStatus;
use platform::ids::new_id;

use crate::{
    domain::PhoneNumber,
    service::{PartError, ParticipationService},
    store::{Closed, EventRow, VerificationRow},
};

/// How long a code may be used.
pub const CODE_VALID: Duration = Duration::from_secs(180);
/// How soon a new code may be asked for one phone and event.
pub const RESEND_AFTER: Duration = Duration::from_secs(30);
/// Wrong codes after which a code is spent.
pub const MAX_TRIES: i64 = 5;
/// Codes per phone (every event) within [`SEND_WINDOW`].
pub const SENDS_PER_WINDOW: usize = 5;
pub const SEND_WINDOW: Duration = Duration::from_secs(3600);
/// Rows are kept this long after sending, then erased (their purpose is over).
pub const KEEP_FOR: Duration = Duration::from_secs(24 * 3600);

/// Why a code was not sent or not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("this event takes entries without phone verification")]
    NotUsed,
    /// A new code too soon after the last one; ask again after this long.
    #[error("resend too soon")]
    TooSoon(Duration),
    /// The phone's hourly codes are spent; ask again after this long.
    #[error("too many codes for this phone")]
    TooMany(Duration),
    #[error("verification code required")]
    Required,
    /// Wrong code; tries left.
    #[error("wrong code ({0} tries left)")]
    Wrong(i64),
    #[error("code expired")]
    Expired,
    /// Used already, or out of tries.
    #[error("code spent")]
    Spent,
    #[error("no code was sent to this phone")]
    NotSent,
    /// The SMS provider did not take the message; nothing was kept.
    #[error("code not sent: {0}")]
    Unavailable(String),
}

/// Makes, hashes and sends codes.
pub struct Verifier {
    key: Vec<u8>,
    sms: Arc<dyn NoticeProvider>,
}

impl Verifier {
    /// `key`: secret bytes every replica shares.
    pub fn new(key: Vec<u8>, sms: Arc<dyn NoticeProvider>) -> Verifier {
        Verifier { key, sms }
    }

    fn mac(&self, parts: &[&str]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        for part in parts {
            // Length-prefixed, so ("ab","c") and ("a","bc") differ.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }

    /// The phone's stand-in in storage.
    pub fn phone_key(&self, phone: &str) -> String {
        hex::encode(self.mac(&["phone", phone]).finalize().into_bytes())
    }

    /// The stored form of `code` sent under `verification_id`.
    pub fn code_hash(&self, verification_id: &str, code: &str) -> String {
        hex::encode(
            self.mac(&["code", verification_id, code])
                .finalize()
                .into_bytes(),
        )
    }

    /// Whether `code` is the one stored as `stored` (constant time).
    pub fn matches(&self, verification_id: &str, code: &str, stored: &str) -> bool {
        let Ok(expected) = hex::decode(stored) else {
            return false;
        };
        self.mac(&["code", verification_id, code])
            .verify_slice(&expected)
            .is_ok()
    }

    /// Sends `code` to `phone`; the verification id is the idempotency key.
    pub async fn send(
        &self,
        verification_id: &str,
        phone: &str,
        store_name: &str,
        code: &str,
    ) -> Result<(), VerifyError> {
        let message = Outgoing {
            idempotency_key: verification_id.to_string(),
            recipient: phone.to_string(),
            kind: Kind::Sms,
            text: code_text(store_name, code),
            template_code: None,
            template_params: Default::default(),
        };
        self.sms
            .send(&message)
            .await
            .map(|_| ())
            .map_err(|e| VerifyError::Unavailable(e.to_string()))
    }
}

/// A fresh 6-digit code.
pub fn new_code() -> String {
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
}

/// A code as typed: 6 digits, spaces and hyphens ignored.
pub fn typed_code(raw: Option<&str>) -> Option<String> {
    let digits: String = raw?
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The SMS: who sends it, the code, how long it lasts; nothing else.
pub fn code_text(store_name: &str, code: &str) -> String {
    format!("[{store_name}] 이벤트 응모 인증번호는 {code} 입니다. 3분 안에 입력해 주세요.")
}

/// When the phone may be sent another code, given the last code for this
/// event and the phone's sends within the window (oldest first); `None`: now.
pub fn next_send(
    last_for_event: Option<DateTime<Utc>>,
    recent_sends: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Result<(), VerifyError> {
    let wait = |until: DateTime<Utc>| (until - now).to_std().unwrap_or(Duration::from_secs(1));
    if recent_sends.len() >= SENDS_PER_WINDOW {
        let oldest_counted = recent_sends[recent_sends.len() - SENDS_PER_WINDOW];
        return Err(VerifyError::TooMany(wait(
            oldest_counted + chrono::Duration::from_std(SEND_WINDOW).expect("small"),
        )));
    }
    if let Some(last) = last_for_event {
        let ready = last + chrono::Duration::from_std(RESEND_AFTER).expect("small");
        if ready > now {
            return Err(VerifyError::TooSoon(wait(ready)));
        }
    }
    Ok(())
}

/// What the entrant is told after a code went out.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    /// The code works this long.
    pub expires_in_seconds: u64,
    /// A new code may be asked for after this long.
    pub resend_after_seconds: u64,
}

impl ParticipationService {
    /// Sends a code to `phone` for an entry into `event_id`: only for an
    /// event that verifies phones and takes entries now, for a phone that has
    /// not entered, within the resend limits. When the provider fails the
    /// code is forgotten (the entrant asks again).
    pub async fn send_code(
        &self,
        event_id: &str,
        phone: &PhoneNumber,
    ) -> Result<CodeSent, PartError> {
        let verifier = self.verifier()?;
        let event = self.published_event(event_id).await?;
        if !event.verify_phone {
            return Err(VerifyError::NotUsed.into());
        }
        let now = self.clock.now();
        if let Some(closed) = closed_at(&event, now) {
            return Err(PartError::NotAccepting(closed));
        }
        if self.store.has_entered(event_id, phone.as_str()).await? {
            return Err(PartError::Duplicate);
        }
        let phone_key = verifier.phone_key(phone.as_str());
        let last = self.store.latest_verification(event_id, &phone_key).await?;
        let window = chrono::Duration::from_std(SEND_WINDOW).expect("small");
        let recent = self
            .store
            .verification_sends_since(&phone_key, now - window)
            .await?;
        next_send(last.map(|l| l.sent_at), &recent, now)?;
        let code = new_code();
        let verification_id = new_id("ver");
        self.store
            .insert_verification(&VerificationRow {
                code_hash: verifier.code_hash(&verification_id, &code),
                verification_id: verification_id.clone(),
                event_id: event_id.to_string(),
                phone_key,
                sent_at: now,
                expires_at: now + chrono::Duration::from_std(CODE_VALID).expect("small"),
                tries: 0,
                verified_at: None,
            })
            .await?;
        if let Err(e) = verifier
            .send(&verification_id, phone.as_str(), &event.store_name, &code)
            .await
        {
            self.store.delete_verification(&verification_id).await?;
            tracing::warn!(event_id, error = %e, "verification code not sent");
            return Err(e.into());
        }
        tracing::info!(event_id, verification_id, "verification code sent");
        Ok(CodeSent {
            expires_in_seconds: CODE_VALID.as_secs(),
            resend_after_seconds: RESEND_AFTER.as_secs(),
        })
    }

    /// Whether entries into `event_id` need a code (the event's choice at
    /// publish, which never changes after).
    pub(crate) async fn verifies_phones(&self, event_id: &str) -> Result<bool, PartError> {
        if let Some(known) = self.verifying.get(event_id).await {
            return Ok(known);
        }
        match self.published_event(event_id).await {
            Ok(event) => {
                self.verifying
                    .insert(event_id.to_string(), event.verify_phone)
                    .await;
                Ok(event.verify_phone)
            }
            // The intake answers for events it cannot find.
            Err(PartError::UnknownEvent) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Spends the code typed for this entry, or says why it cannot be spent.
    pub(crate) async fn check_code(
        &self,
        event_id: &str,
        phone: &str,
        typed: Option<&str>,
    ) -> Result<(), PartError> {
        let verifier = self.verifier()?;
        let code = typed_code(typed).ok_or(VerifyError::Required)?;
        let phone_key = verifier.phone_key(phone);
        let row = self
            .store
            .latest_verification(event_id, &phone_key)
            .await?
            .ok_or(VerifyError::NotSent)?;
        let now = self.clock.now();
        if row.verified_at.is_some() || row.tries >= MAX_TRIES {
            return Err(VerifyError::Spent.into());
        }
        if row.expires_at <= now {
            return Err(VerifyError::Expired.into());
        }
        if !verifier.matches(&row.verification_id, &code, &row.code_hash) {
            if !self
                .store
                .count_wrong_code(&row.verification_id, MAX_TRIES)
                .await?
            {
                return Err(VerifyError::Spent.into());
            }
            return Err(VerifyError::Wrong((MAX_TRIES - row.tries - 1).max(0)).into());
        }
        if !self
            .store
            .use_code(&row.verification_id, MAX_TRIES, now)
            .await?
        {
            return Err(VerifyError::Spent.into());
        }
        Ok(())
    }

    fn verifier(&self) -> Result<&Verifier, PartError> {
        self.verifier
            .as_ref()
            .ok_or_else(|| VerifyError::Unavailable("no SMS provider".into()).into())
    }

    /// The event as published: this copy, or the event service's word when
    /// this copy has not heard of the publish yet.
    pub(crate) async fn published_event(&self, event_id: &str) -> Result<EventRow, PartError> {
        match self.store.event(event_id).await? {
            Some(event) if !event.is(EventStatus::Approved) => Ok(event),
            _ => {
                self.ask_event_service(event_id, std::time::Instant::now())
                    .await;
                self.store
                    .event(event_id)
                    .await?
                    .filter(|e| !e.is(EventStatus::Approved))
                    .ok_or(PartError::UnknownEvent)
            }
        }
    }
}

/// Why `event` takes no entry at `now`, by the same rule as the intake.
fn closed_at(event: &EventRow, now: DateTime<Utc>) -> Option<Closed> {
    match (event.event_status(), event.phase(now)) {
        (Some(EventStatus::Ended), _) => Some(Closed::Ended(event.end_date.clone())),
        (_, Some(Phase::Upcoming)) => Some(Closed::Upcoming(
            event.start_date.clone().unwrap_or_default(),
        )),
        (_, Some(Phase::Ended)) => {
            Some(Closed::PastEnd(event.end_date.clone().unwrap_or_default()))
        }
        (_, Some(Phase::Open)) => None,
        (_, None) => Some(Closed::NotOpen),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoSms;

    #[async_trait::async_trait]
    impl NoticeProvider for NoSms {
        fn name(&self) -> &'static str {
            "none"
        }
        async fn send(&self, _: &Outgoing) -> Result<messaging::Accepted, messaging::SendError> {
            Err(messaging::SendError::Retryable("down".into()))
        }
        async fn find(
            &self,
            _: &str,
            _: &str,
            _: DateTime<Utc>,
        ) -> Result<Option<messaging::Accepted>, messaging::SendError> {
            Ok(None)
        }
        async fn delivery(
            &self,
            _: &messaging::Accepted,
        ) -> Result<messaging::Delivery, messaging::SendError> {
            Ok(messaging::Delivery::Pending)
        }
    }

    fn verifier(key: &[u8]) -> Verifier {
        Verifier::new(key.to_vec(), Arc::new(NoSms))
    }

    #[test]
    fn hashes_are_keyed_and_match_only_their_code() {
        let v = verifier(b"key-one");
        let stored = v.code_hash("ver-1", "123456");
        assert!(!stored.contains("123456"));
        assert!(v.matches("ver-1", "123456", &stored));
        assert!(!v.matches("ver-1", "123457", &stored));
        assert!(!v.matches("ver-2", "123456", &stored));
        assert!(!verifier(b"key-two").matches("ver-1", "123456", &stored));
        assert_ne!(
            v.phone_key("01012345678"),
            verifier(b"key-two").phone_key("01012345678")
        );
        assert!(!v.phone_key("01012345678").contains("1234"));
    }

    #[test]
    fn codes_are_six_digits_and_typed_codes_are_read_leniently() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(typed_code(Some(&code)), Some(code));
        }
        assert_eq!(typed_code(Some(" 123-456 ")), Some("123456".into()));
        assert_eq!(typed_code(Some("12345")), None);
        assert_eq!(typed_code(Some("12345a")), None);
        assert_eq!(typed_code(None), None);
    }

    #[test]
    fn resends_wait_30_seconds_and_five_an_hour() {
        let now = Utc::now();
        let ago = |s: i64| now - chrono::Duration::seconds(s);
        assert_eq!(next_send(None, &[], now), Ok(()));
        assert_eq!(
            next_send(Some(ago(10)), &[ago(10)], now),
            Err(VerifyError::TooSoon(Duration::from_secs(20)))
        );
        assert_eq!(next_send(Some(ago(31)), &[ago(31)], now), Ok(()));
        let five = [ago(3000), ago(2000), ago(1000), ago(500), ago(100)];
        assert_eq!(
            next_send(Some(ago(100)), &five, now),
            Err(VerifyError::TooMany(Duration::from_secs(600)))
        );
    }

    #[tokio::test]
    async fn a_provider_failure_is_unavailable() {
        let err = verifier(b"k")
            .send("ver-1", "01012345678", "가게", "123456")
            .await;
        assert!(matches!(err, Err(VerifyError::Unavailable(_))));
        assert!(code_text("맛있는집", "123456").contains("맛있는집"));
    }
}
