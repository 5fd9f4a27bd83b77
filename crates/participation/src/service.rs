//! Participation use cases: entries, the public entry facts, the owner's
//! participant list and CSV, and the events learnt from the bus or asked of
//! the event service. The draw is in `drawing`, the erasure job in `erasure`.

use std::time::Instant;

use contracts::{
    event_state::EventEntryState,
    messages::{rfc3339, Envelope, ParticipantRegistered},
    schedule::Phase,
    status::EventStatus,
};
use platform::{clock::Clock, db::StoreError, ids::new_id};

use crate::{
    directory::{Answer, EventDirectory},
    domain::{mask_email, mask_name, mask_phone, Entry, EntryError, CONSENT_VERSION},
    intake::Intake,
    signals::{Signal, Signals},
    store::{
        Closed, EventFact, EventRow, ParticipantFilter, ParticipantRow, ParticipationStore,
        RegisterError, SeedOffer,
    },
    views::{EntryInfo, EntryReceipt, Page, ParticipantPage, ParticipantView, SignalCounts},
};

/// Why a participation use case failed.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error("unknown event")]
    UnknownEvent,
    #[error("event not taking entries: {0:?}")]
    NotAccepting(Closed),
    #[error("already entered")]
    Duplicate,
    #[error("forbidden")]
    Forbidden,
    #[error("already drawn")]
    AlreadyDrawn,
    /// The draw waits for the end of the entries (`YYYY-MM-DD` of the end).
    #[error("not ended yet")]
    NotEnded(Option<String>),
    #[error("invalid draw request: {0}")]
    InvalidWinnerCount(String),
    #[error("not drawn yet")]
    NotDrawn,
    #[error("unknown coupon")]
    UnknownCoupon,
    /// Redeemed before, at this time (RFC 3339).
    #[error("coupon redeemed at {0}")]
    CouponRedeemed(String),
    /// Past its deadline; `true` when its prize passed to a reserve.
    #[error("coupon expired (passed on: {0})")]
    CouponExpired(bool),
    /// No prize can pass yet; `true` when coupons are still within their deadline.
    #[error("nothing to pass (coupons still usable: {0})")]
    NothingToPass(bool),
    /// Work that failed on our side outside the database (a crashed blocking task).
    #[error("internal: {0}")]
    Internal(String),
    #[error(transparent)]
    Verify(#[from] crate::verification::VerifyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<RegisterError> for PartError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::UnknownEvent => PartError::UnknownEvent,
            RegisterError::NotAccepting(closed) => PartError::NotAccepting(closed),
            RegisterError::Duplicate => PartError::Duplicate,
            RegisterError::Store(e) => PartError::Store(e),
        }
    }
}

/// A fresh seed offer for a write that may end an event.
pub(crate) fn seed_offer() -> SeedOffer {
    let (seed, commitment) = crate::draw::new_committed_seed();
    SeedOffer { seed, commitment }
}

/// The participation service.
pub struct ParticipationService {
    pub(crate) store: ParticipationStore,
    intake: Intake,
    pub(crate) clock: Clock,
    directory: EventDirectory,
    /// Days winners' data is kept after the claim deadline.
    pub(crate) winner_retention_days: i64,
    /// Origin of the public pages (claim links).
    pub(crate) public_url: String,
    /// Sends messages right after their commit (the relay re-sends the rest).
    pub(crate) outbox: platform::outbox::Outbox,
    /// Sends and checks phone verification codes; `None`: no SMS provider.
    pub(crate) verifier: Option<crate::verification::Verifier>,
    /// Which published events verify phones (fixed at publish, so kept).
    pub(crate) verifying: moka::future::Cache<String, bool>,
}

impl ParticipationService {
    pub fn new(
        store: ParticipationStore,
        intake: Intake,
        clock: Clock,
        directory: EventDirectory,
        winner_retention_days: i64,
        public_url: String,
        outbox: platform::outbox::Outbox,
    ) -> ParticipationService {
        ParticipationService {
            store,
            intake,
            clock,
            directory,
            winner_retention_days,
            public_url: public_url.trim_end_matches('/').to_string(),
            outbox,
            verifier: None,
            verifying: moka::future::Cache::new(10_000),
        }
    }

    /// Phone verification codes go out through `verifier`.
    pub fn with_verifier(mut self, verifier: crate::verification::Verifier) -> Self {
        self.verifier = Some(verifier);
        self
    }

    /// Stores a customer's entry and announces it without personal data. A
    /// refusal this service's copy may have got wrong is checked with the
    /// event service first (see `directory`).
    /// An event that verifies phones takes the entry only with the code
    /// sent to its phone (see `verification`).
    pub async fn register(
        &self,
        event_id: &str,
        entry: Entry,
        verification_code: Option<&str>,
    ) -> Result<EntryReceipt, PartError> {
        let verified = self.verifies_phones(event_id).await?;
        if verified {
            self.check_code(event_id, entry.phone.as_str(), verification_code)
                .await?;
        }
        let participant_id = new_id("part");
        let refused_at = Instant::now();
        let row = match self
            .intake
            .register(event_id, participant_id.clone(), entry.clone())
            .await
        {
            Err(refusal) if refusal.may_be_stale() => {
                if self.ask_event_service(event_id, refused_at).await {
                    self.intake
                        .register(event_id, participant_id, entry)
                        .await?
                } else {
                    return Err(refusal.into());
                }
            }
            other => other?,
        };
        tracing::info!(event_id, participant_id = %row.participant_id, entry_number = row.entry_number, "entry registered");
        Ok(EntryReceipt {
            participant_id: row.participant_id,
            event_id: row.event_id,
            entry_number: row.entry_number,
            channel: row.channel,
            store_visited: row.store_visited,
            registered_at: rfc3339(row.registered_at),
            message: "이벤트 참여가 완료되었습니다".to_string(),
            verified,
        })
    }

    /// Asks the event service for the event's state and stores what it
    /// says; whether another try may now succeed.
    pub(crate) async fn ask_event_service(&self, event_id: &str, refused_at: Instant) -> bool {
        let answer = self
            .directory
            .ask(event_id, refused_at, |state| self.apply_state(state))
            .await;
        !matches!(answer, Answer::Unknown)
    }

    async fn apply_state(&self, state: EventEntryState) {
        if !state.public_id.is_empty() {
            if let Err(e) = self
                .store
                .remember_public_id(&state.public_id, &state.event_id)
                .await
            {
                tracing::warn!(event_id = %state.event_id, error = %e, "public id not stored");
            }
        }
        let now = self.clock.now();
        if let Err(e) = self
            .store
            .apply_entry_state(&state, now, &seed_offer())
            .await
        {
            tracing::warn!(event_id = %state.event_id, error = %e, "entry state not stored");
        }
    }

    /// The event id behind an id from an entry link: the event's public
    /// id (`/e/{publicId}`) or, for older links, the event id itself. An
    /// unknown public id is asked of the event service once.
    pub async fn resolve(&self, id: &str) -> Result<String, PartError> {
        if !contracts::event_state::is_public_id(id) {
            return Ok(id.to_string());
        }
        if let Some(event_id) = self.store.event_for_public_id(id).await? {
            return Ok(event_id);
        }
        self.ask_event_service(id, Instant::now()).await;
        self.store
            .event_for_public_id(id)
            .await?
            .ok_or(PartError::UnknownEvent)
    }

    /// The owner asks this service to take the event service's word for the
    /// event's state now (the event service does so when the owner ends an
    /// event, so entries close at once).
    pub async fn refresh(&self, user_id: i64, event_id: &str) -> Result<EntryInfo, PartError> {
        // Another owner learns nothing and costs nothing: checked first when
        // this copy knows the event.
        if let Some(known) = self.store.event(event_id).await? {
            if known.owner_id != user_id {
                return Err(PartError::Forbidden);
            }
        }
        self.ask_event_service(event_id, Instant::now()).await;
        self.owned(user_id, event_id).await?;
        self.entry_info(event_id).await
    }

    /// The event, closed first if its end date has passed (which makes its
    /// seed), so the entry page and the draw see the end as soon as it comes.
    pub(crate) async fn current_event(&self, event_id: &str) -> Result<EventRow, PartError> {
        let event = self
            .store
            .event(event_id)
            .await?
            .ok_or(PartError::UnknownEvent)?;
        self.closed_if_past_end(event).await
    }

    /// `event` as read, or re-read after closing it when its end date has passed.
    async fn closed_if_past_end(&self, event: EventRow) -> Result<EventRow, PartError> {
        let event_id = event.event_id.as_str();
        if event.is(EventStatus::Active) && event.phase(self.clock.now()) == Some(Phase::Ended) {
            // This copy's end date may be stale (a later one still on the
            // bus): the event service's word first, then close only if the
            // end has really passed; closing is for good.
            self.ask_event_service(event_id, Instant::now()).await;
            self.store
                .close_if_past_end(
                    event_id,
                    self.clock.korea_today(),
                    self.clock.now(),
                    &seed_offer(),
                )
                .await?;
            return self
                .store
                .event(event_id)
                .await?
                .ok_or(PartError::UnknownEvent);
        }
        Ok(event)
    }

    /// The public entry page's facts: no personal data.
    pub async fn entry_info(&self, event_id: &str) -> Result<EntryInfo, PartError> {
        // A customer may open the page seconds after the post, before the bus
        // brought the publish here: the event service's word first, so the
        // page takes entries (and asks for a code) as the owner was told.
        let event = match self.published_event(event_id).await {
            Ok(event) => self.closed_if_past_end(event).await?,
            // Not published (yet): the page says so from this copy's row.
            Err(PartError::UnknownEvent) => self.current_event(event_id).await?,
            Err(e) => return Err(e),
        };
        let phase = event.phase(self.clock.now());
        let drawn = event.is(EventStatus::Ended) && self.store.draw(event_id).await?.is_some();
        Ok(EntryInfo {
            channels: serde_json::from_str(&event.channels).unwrap_or_default(),
            accepting_entries: phase == Some(Phase::Open),
            phase_label: phase.map(|p| p.label().to_string()),
            phase,
            event_id: event.event_id,
            title: event.title,
            prize: event.prize,
            store_name: event.store_name,
            start_date: event.start_date,
            end_date: event.end_date,
            status: event.status,
            participant_count: event.entry_count,
            image_url: event.image_url,
            seed_commitment: event.seed_commitment,
            drawn,
            consent_version: CONSENT_VERSION.to_string(),
            verify_phone: event.verify_phone,
        })
    }

    /// The event, when `user_id` owns it.
    pub(crate) async fn owned(&self, user_id: i64, event_id: &str) -> Result<EventRow, PartError> {
        let event = self.current_event(event_id).await?;
        if event.owner_id != user_id {
            return Err(PartError::Forbidden);
        }
        Ok(event)
    }

    /// One page of the event's entries, masked, for its owner, with the
    /// event's bot-signal counts.
    pub async fn participants(
        &self,
        user_id: i64,
        event_id: &str,
        filter: ParticipantFilter,
        page: i64,
        size: i64,
    ) -> Result<ParticipantPage, PartError> {
        let event = self.owned(user_id, event_id).await?;
        let (rows, total) = self
            .store
            .participants(event_id, &filter, Some((page, size)))
            .await?;
        let ([honeypot, too_fast, no_fill_time], flagged_count) =
            self.store.signal_counts(event_id).await?;
        Ok(ParticipantPage {
            page: Page {
                items: rows.iter().map(listed(&event)).collect(),
                page,
                size,
                total_count: total,
                total_pages: (total + size - 1) / size,
            },
            signal_counts: SignalCounts {
                honeypot,
                too_fast,
                no_fill_time,
            },
            flagged_count,
        })
    }

    /// Every matching entry, masked, as CSV for Excel: UTF-8 with a BOM and a header row.
    pub async fn participants_csv(
        &self,
        user_id: i64,
        event_id: &str,
        filter: ParticipantFilter,
    ) -> Result<Vec<u8>, PartError> {
        let event = self.owned(user_id, event_id).await?;
        let (rows, _) = self.store.participants(event_id, &filter, None).await?;
        let views: Vec<ParticipantView> = rows.iter().map(listed(&event)).collect();
        crate::views::csv_bytes(&views).map_err(|e| PartError::Internal(e.to_string()))
    }

    /// Applies an `event-topic` message once (by `messageId`).
    pub async fn apply_event(&self, message_id: &str, fact: EventFact) -> Result<(), StoreError> {
        if self
            .store
            .apply_event(message_id, &fact, self.clock.now(), &seed_offer())
            .await?
        {
            let (kind, event_id) = match &fact {
                EventFact::Approved { event_id, .. } => ("approved", event_id.as_str()),
                EventFact::Published(e) => ("published", e.event_id.as_str()),
                EventFact::Ended { event_id } => ("ended", event_id.as_str()),
                EventFact::Rescheduled { event_id, .. } => ("rescheduled", event_id.as_str()),
            };
            tracing::info!(event_id, kind, "event learnt from the bus");
        }
        Ok(())
    }
}

/// `ParticipantRegistered` for a stored entry: ids, flags and time only.
pub fn message(row: &ParticipantRow) -> Envelope {
    Envelope::wrap(&ParticipantRegistered {
        event_id: row.event_id.clone(),
        participant_id: row.participant_id.clone(),
        entry_number: row.entry_number,
        channel: row.channel.clone(),
        store_visited: row.store_visited,
        agree_marketing: row.agree_marketing,
        registered_at: rfc3339(row.registered_at),
    })
}

/// What the owner's screens say in place of erased personal data.
pub const ERASED_NAME: &str = "비공개 (삭제됨)";

/// The owner's view of an entry: phone and email masked, erased ones said so.
pub(crate) fn masked(row: &ParticipantRow) -> ParticipantView {
    ParticipantView {
        participant_id: row.participant_id.clone(),
        entry_number: row.entry_number,
        name: row
            .name
            .as_deref()
            .map(mask_name)
            .unwrap_or_else(|| ERASED_NAME.to_string()),
        phone_number: row.phone.as_deref().map(mask_phone).unwrap_or_default(),
        email: row.email.as_deref().map(mask_email),
        store_visited: row.store_visited,
        agree_marketing: row.agree_marketing,
        channel: row.channel.clone(),
        registered_at: rfc3339(row.registered_at),
        erased_at: row.erased_at.map(rfc3339),
        drawn_as: row.drawn_as.clone(),
        signals: Signals::from_bits(row.signals)
            .list()
            .into_iter()
            .map(|s| Signal::code(s).to_string())
            .collect(),
        verified: false,
    }
}

/// [`masked`], with whether the event verifies phones.
fn listed(event: &EventRow) -> impl Fn(&ParticipantRow) -> ParticipantView + '_ {
    move |row| ParticipantView {
        verified: event.verify_phone,
        ..masked(row)
    }
}
