//! Participation use cases: entries, the owner's participant list and CSV,
//! the winner draw and its verification, and the events learnt from the bus.

use chrono::Utc;
use contracts::messages::{rfc3339, Envelope, ParticipantRegistered};
use platform::{blocking::spawn_blocking_in_span, db::StoreError, ids::new_id};

use crate::{
    domain::{mask_email, mask_phone, Entry, EntryError},
    draw::{self, Candidate, Verification, Weights},
    intake::Intake,
    store::{
        DrawRow, EventFact, EventRow, ParticipantFilter, ParticipantRow, ParticipationStore,
        RegisterError,
    },
    views::{DrawLogView, EntryInfo, EntryReceipt, Page, ParticipantView, WinnerView, WinnersView},
};

/// Why a participation use case failed.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error("unknown event")]
    UnknownEvent,
    #[error("event is {0}")]
    NotAccepting(String),
    #[error("already entered")]
    Duplicate,
    #[error("forbidden")]
    Forbidden,
    #[error("already drawn")]
    AlreadyDrawn,
    #[error("invalid winner count: {0}")]
    InvalidWinnerCount(String),
    #[error("not drawn yet")]
    NotDrawn,
    /// Work that failed on our side outside the database (a crashed blocking task).
    #[error("internal: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<RegisterError> for PartError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::UnknownEvent => PartError::UnknownEvent,
            RegisterError::NotAccepting(status) => PartError::NotAccepting(status),
            RegisterError::Duplicate => PartError::Duplicate,
            RegisterError::Store(e) => PartError::Store(e),
        }
    }
}

/// The draw request, checked by [`ParticipationService::draw_winners`].
#[derive(Debug, Clone, Copy)]
pub struct DrawRequest {
    pub winner_count: i64,
    pub apply_store_visit_bonus: bool,
}

/// The participation service.
pub struct ParticipationService {
    pub(crate) store: ParticipationStore,
    intake: Intake,
}

impl ParticipationService {
    pub fn new(store: ParticipationStore, intake: Intake) -> ParticipationService {
        ParticipationService { store, intake }
    }

    /// Stores a customer's entry and announces it without personal data.
    pub async fn register(&self, event_id: &str, entry: Entry) -> Result<EntryReceipt, PartError> {
        let row = self
            .intake
            .register(event_id, new_id("part"), entry)
            .await?;
        tracing::info!(event_id, participant_id = %row.participant_id, entry_number = row.entry_number, "entry registered");
        Ok(EntryReceipt {
            participant_id: row.participant_id,
            event_id: row.event_id,
            entry_number: row.entry_number,
            channel: row.channel,
            store_visited: row.store_visited,
            registered_at: rfc3339(row.registered_at),
            message: "이벤트 참여가 완료되었습니다".to_string(),
        })
    }

    /// The public entry page's facts: no personal data.
    pub async fn entry_info(&self, event_id: &str) -> Result<EntryInfo, PartError> {
        let event = self
            .store
            .event(event_id)
            .await?
            .ok_or(PartError::UnknownEvent)?;
        Ok(EntryInfo {
            channels: serde_json::from_str(&event.channels).unwrap_or_default(),
            accepting_entries: event.status == "ACTIVE",
            event_id: event.event_id,
            title: event.title,
            prize: event.prize,
            store_name: event.store_name,
            start_date: event.start_date,
            end_date: event.end_date,
            status: event.status,
            participant_count: event.entry_count,
            image_url: event.image_url,
        })
    }

    /// The event, when `user_id` owns it.
    async fn owned(&self, user_id: i64, event_id: &str) -> Result<EventRow, PartError> {
        let event = self
            .store
            .event(event_id)
            .await?
            .ok_or(PartError::UnknownEvent)?;
        if event.owner_id != user_id {
            return Err(PartError::Forbidden);
        }
        Ok(event)
    }

    /// One page of the event's entries, masked, for its owner.
    pub async fn participants(
        &self,
        user_id: i64,
        event_id: &str,
        filter: ParticipantFilter,
        page: i64,
        size: i64,
    ) -> Result<Page<ParticipantView>, PartError> {
        self.owned(user_id, event_id).await?;
        let (rows, total) = self
            .store
            .participants(event_id, &filter, Some((page, size)))
            .await?;
        Ok(Page {
            items: rows.iter().map(masked).collect(),
            page,
            size,
            total_count: total,
            total_pages: (total + size - 1) / size,
        })
    }

    /// Every matching entry, masked, as CSV for Excel: UTF-8 with a BOM and a header row.
    pub async fn participants_csv(
        &self,
        user_id: i64,
        event_id: &str,
        filter: ParticipantFilter,
    ) -> Result<Vec<u8>, PartError> {
        self.owned(user_id, event_id).await?;
        let (rows, _) = self.store.participants(event_id, &filter, None).await?;
        let views: Vec<ParticipantView> = rows.iter().map(masked).collect();
        crate::views::csv_bytes(&views).map_err(|e| PartError::Internal(e.to_string()))
    }

    /// Draws the winners once per event and logs how (UFR-PART-030).
    pub async fn draw_winners(
        &self,
        user_id: i64,
        event_id: &str,
        request: DrawRequest,
    ) -> Result<WinnersView, PartError> {
        let event = self.owned(user_id, event_id).await?;
        if self.store.draw(event_id).await?.is_some() {
            return Err(PartError::AlreadyDrawn);
        }
        let entries = self.store.draw_entries(event_id, event.entry_count).await?;
        let available = entries.len() as i64;
        if available == 0 {
            return Err(PartError::InvalidWinnerCount(
                "참여자가 없어 추첨할 수 없습니다".into(),
            ));
        }
        if !(1..=available).contains(&request.winner_count) {
            return Err(PartError::InvalidWinnerCount(format!(
                "당첨자 수는 1 이상 참여자 수({available}) 이하여야 합니다"
            )));
        }
        let weights = Weights::for_bonus(request.apply_store_visit_bonus);
        let candidates: Vec<Candidate> = entries
            .into_iter()
            .map(|(participant_id, visited)| Candidate {
                participant_id,
                weight: weights.of(visited),
            })
            .collect();
        let seed = draw::new_seed();
        let count = request.winner_count as usize;
        // Hashing and sorting every entry is CPU work; keep it off the async threads.
        let (digest, winners) = spawn_blocking_in_span(move || {
            (
                draw::digest(&candidates),
                draw::draw(&candidates, count, &seed),
            )
        })
        .await
        .map_err(|e| PartError::Internal(e.to_string()))?;
        let row = DrawRow {
            event_id: event_id.to_string(),
            draw_id: new_id("draw"),
            drawn_by: user_id,
            drawn_at: Utc::now(),
            winner_count: request.winner_count,
            apply_bonus: request.apply_store_visit_bonus,
            algorithm: draw::ALGORITHM.to_string(),
            seed: hex::encode(seed),
            entry_count: available,
            entry_digest: digest,
            visitor_weight: i64::from(weights.visitor),
            base_weight: i64::from(weights.base),
            winners: serde_json::to_string(&winners).unwrap_or_default(),
        };
        match self.store.save_draw(&row).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(PartError::AlreadyDrawn),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(event_id, draw_id = %row.draw_id, winners = count, entries = available, "winners drawn");
        self.winners_of(row).await
    }

    /// The event's draw: winners (masked) and its log.
    pub async fn winners(&self, user_id: i64, event_id: &str) -> Result<WinnersView, PartError> {
        self.owned(user_id, event_id).await?;
        let row = self
            .store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        self.winners_of(row).await
    }

    /// Re-runs the logged draw on the stored entries and says whether it holds.
    pub async fn verify(&self, user_id: i64, event_id: &str) -> Result<Verification, PartError> {
        self.owned(user_id, event_id).await?;
        let row = self
            .store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        let weights = Weights {
            visitor: u32::try_from(row.visitor_weight).unwrap_or(0),
            base: u32::try_from(row.base_weight).unwrap_or(0),
        };
        let candidates: Vec<Candidate> = self
            .store
            .draw_entries(event_id, row.entry_count)
            .await?
            .into_iter()
            .map(|(participant_id, visited)| Candidate {
                participant_id,
                weight: weights.of(visited),
            })
            .collect();
        let logged: Vec<String> = serde_json::from_str(&row.winners).unwrap_or_default();
        let count = usize::try_from(row.winner_count).unwrap_or(0);
        spawn_blocking_in_span(move || {
            draw::verify(&candidates, count, &row.seed, &row.entry_digest, &logged)
        })
        .await
        .map_err(|e| PartError::Internal(e.to_string()))
    }

    async fn winners_of(&self, row: DrawRow) -> Result<WinnersView, PartError> {
        let ids: Vec<String> = serde_json::from_str(&row.winners).unwrap_or_default();
        let rows = self.store.participants_by_id(&row.event_id, &ids).await?;
        let winners = ids
            .iter()
            .enumerate()
            .filter_map(|(rank, id)| {
                rows.iter()
                    .find(|r| &r.participant_id == id)
                    .map(|r| WinnerView {
                        rank: rank as i64 + 1,
                        participant: masked(r),
                    })
            })
            .collect();
        Ok(WinnersView {
            winners,
            draw_log: DrawLogView::from(row),
        })
    }

    /// Applies an `event-topic` message once (by `messageId`).
    pub async fn apply_event(&self, message_id: &str, fact: EventFact) -> Result<(), StoreError> {
        if self
            .store
            .apply_event(message_id, &fact, Utc::now())
            .await?
        {
            let (kind, event_id) = match &fact {
                EventFact::Approved { event_id, .. } => ("approved", event_id.as_str()),
                EventFact::Published(e) => ("published", e.event_id.as_str()),
                EventFact::Ended { event_id } => ("ended", event_id.as_str()),
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

/// The owner's view of an entry: phone and email masked.
fn masked(row: &ParticipantRow) -> ParticipantView {
    ParticipantView {
        participant_id: row.participant_id.clone(),
        entry_number: row.entry_number,
        name: row.name.clone(),
        phone_number: mask_phone(&row.phone),
        email: row.email.as_deref().map(mask_email),
        store_visited: row.store_visited,
        agree_marketing: row.agree_marketing,
        channel: row.channel.clone(),
        registered_at: rfc3339(row.registered_at),
    }
}
