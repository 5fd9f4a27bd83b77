//! The event's clock (docs/design.md, "The event's clock"): the automatic
//! end of events whose end date has passed, the owner's new end date, and
//! the public entry state that participation asks for when its own copy
//! is missing or says no.

use std::{sync::Arc, time::Duration};

use contracts::{
    event_state::EventEntryState,
    messages::{rfc3339, Envelope, EventEnded, EventScheduleChanged},
    schedule::{check_new_end, parse_date, Phase},
};
use tokio_util::sync::CancellationToken;

use crate::{
    domain::EventStatus,
    service::{EventError, EventService, EventView},
    store::EventRow,
};

/// `EventEnded.reason` when the end date passed.
pub const ENDED_BY_DATE: &str = "END_DATE";
/// `EventEnded.reason` when the owner ended the event.
pub const ENDED_BY_OWNER: &str = "OWNER";

/// `EventEnded` for an ended row.
pub(crate) fn ended_message(row: &EventRow, reason: &str) -> Envelope {
    Envelope::wrap(&EventEnded {
        event_id: row.id.clone(),
        user_id: row.user_id,
        ended_at: rfc3339(row.ended_at.unwrap_or(row.updated_at)),
        reason: Some(reason.to_string()),
    })
}

impl EventService {
    /// Ends every `ACTIVE` event whose end date is before today (Korea),
    /// each with one `EventEnded`; answers how many this call ended.
    pub async fn end_due_events(&self) -> Result<usize, EventError> {
        let mut total = 0;
        loop {
            let now = self.clock.now();
            let ended = self
                .store
                .end_due(self.clock.korea_today(), now, |row| {
                    ended_message(row, ENDED_BY_DATE)
                })
                .await?;
            if ended.is_empty() {
                return Ok(total);
            }
            total += ended.len();
            let messages: Vec<Envelope> = ended.iter().map(|(_, m)| m.clone()).collect();
            for (row, _) in &ended {
                self.refresh_cache(row).await;
                tracing::info!(event_id = %row.id, end_date = ?row.end_date, "event ended by its end date");
            }
            self.outbox.send(&messages).await;
        }
    }

    /// Moves the end date of an `ACTIVE` event (not before today, at most
    /// 90 days after the start) and announces `EventScheduleChanged`.
    pub async fn reschedule(
        &self,
        user_id: i64,
        id: &str,
        raw_end_date: &str,
        bearer: &str,
    ) -> Result<EventView, EventError> {
        let row = self.store.find(id).await?.ok_or(EventError::NotFound)?;
        if row.user_id != user_id {
            return Err(EventError::Forbidden);
        }
        if row.status() != EventStatus::Active {
            return Err(EventError::WrongStatus(row.status()));
        }
        // Past its end date it is over, even before the sweep records it:
        // participation already refuses its entries and may have drawn.
        if self.with_phase(EventView::from(&row)).phase == Some(Phase::Ended) {
            return Err(EventError::WrongStatus(EventStatus::Ended));
        }
        let now = self.clock.now();
        let start = row
            .start_date
            .as_deref()
            .and_then(parse_date)
            .unwrap_or_else(|| self.clock.korea_today());
        let end = check_new_end(raw_end_date, start, now).map_err(EventError::InvalidSchedule)?;
        let changed = self
            .store
            .reschedule(id, user_id, end, self.clock.korea_today(), now, |r| {
                Envelope::wrap(&EventScheduleChanged {
                    event_id: r.id.clone(),
                    user_id: r.user_id,
                    start_date: r.start_date.clone().unwrap_or_default(),
                    end_date: r.end_date.clone().unwrap_or_default(),
                    changed_at: rfc3339(now),
                })
            })
            .await?;
        let Some((row, message)) = changed else {
            return Err(self.explain_miss(user_id, id).await);
        };
        let view = self.refresh_cache(&row).await;
        self.outbox.send(std::slice::from_ref(&message)).await;
        // An earlier end must hold at once, whatever the bus lag.
        self.entries.closed(id, bearer).await;
        tracing::info!(event_id = %row.id, end_date = ?row.end_date, "end date moved");
        Ok(self.with_phase(view))
    }

    /// The public entry state of a published or ended event; drafts are unknown.
    /// `id` is the event's id or its public id (entry links carry the latter).
    pub async fn entry_state(&self, id: &str) -> Result<EventEntryState, EventError> {
        let found = if crate::public_id::looks_public(id) {
            self.store.find_by_public_id(id).await?
        } else {
            self.store.find(id).await?
        };
        let row = found.ok_or(EventError::NotFound)?;
        match row.status() {
            EventStatus::Draft => Err(EventError::NotFound),
            status => {
                let published = self.published_facts(&row);
                Ok(EventEntryState {
                    public_id: row.public_id(),
                    event_id: row.id,
                    user_id: row.user_id,
                    status: status.as_str().to_string(),
                    title: published.title,
                    store_name: published.store_name,
                    prize: published.prize,
                    start_date: published.start_date,
                    end_date: published.end_date,
                    channels: published.channels,
                    image_url: published.image_url,
                    verify_phone: published.verify_phone,
                })
            }
        }
    }

    /// The view with its phase (시작 전 / 진행중 / 종료) at this clock's now;
    /// computed on every read because the cached view cannot know the time.
    pub fn with_phase(&self, mut view: EventView) -> EventView {
        view.phase = contracts::schedule::phase_of(
            view.status == EventStatus::Active,
            view.status == EventStatus::Ended,
            view.start_date.as_deref(),
            view.end_date.as_deref(),
            self.clock.now(),
        );
        view
    }
}

/// Runs the automatic end now (catching up on whatever ended while no
/// process was running) and then every `interval`, until shutdown.
pub fn spawn_end_sweeper(
    service: Arc<EventService>,
    interval: Duration,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    platform::periodic::every("automatic end", interval, shutdown, move || {
        let service = service.clone();
        async move { service.end_due_events().await.map(|_| ()) }
    })
}

/// Participation's `POST /api/events/{id}/entry-state/refresh`, called with
/// the owner's token when the owner ends an event or moves its end. Best
/// effort: when it fails, the bus brings the change a moment later.
pub struct EntriesClient {
    http: reqwest::Client,
    base_url: String,
}

impl EntriesClient {
    /// `base_url` is the participation service's origin.
    pub fn new(base_url: &str) -> EntriesClient {
        EntriesClient {
            http: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
        }
    }

    /// Tells participation that the event's entries closed.
    pub async fn closed(&self, event_id: &str, bearer: &str) {
        let url = format!(
            "{}/api/events/{event_id}/entry-state/refresh",
            self.base_url
        );
        let sent = self
            .http
            .post(&url)
            .bearer_auth(bearer)
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        match sent {
            Ok(answer) if answer.status().is_success() => {}
            Ok(answer) => {
                tracing::warn!(
                    event_id,
                    status = answer.status().as_u16(),
                    "participation did not close entries; the bus will"
                )
            }
            Err(e) => {
                tracing::warn!(event_id, error = %e, "participation unreachable; the bus will close entries")
            }
        }
    }
}
