//! Events as this service knows them: learnt from `event-topic`, or asked
//! of the event service when that copy is missing or refuses an entry; and
//! the close of entries, which makes the draw's seed (docs/design.md).
//!
//! Status only moves forward (APPROVED → ACTIVE → ENDED), whatever order
//! the facts arrive in, so a late message cannot reopen an ended event.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use contracts::{
    event_state::EventEntryState,
    status::{EventStatus, END_DUE},
};
use platform::{db::StoreError, with_db};

use super::{EventFact, EventRow, ParticipationStore, EVENT_COLUMNS};

/// A fresh seed (64 hex digits) and its sha256 commitment (hex), offered to
/// every write that may end an event; stored only by the first one.
#[derive(Debug, Clone)]
pub struct SeedOffer {
    pub seed: String,
    pub commitment: String,
}

/// The status after a fact, never backwards: the later of the stored and the
/// incoming status in the machine's order (`EventStatus::rank`, its one home).
static FORWARD_STATUS: LazyLock<String> = LazyLock::new(|| {
    let mut later_first = EventStatus::ALL;
    later_first.sort_by_key(|s| std::cmp::Reverse(s.rank()));
    let arms: String = later_first
        .iter()
        .map(|s| {
            let s = s.as_str();
            format!("WHEN events.status = '{s}' OR excluded.status = '{s}' THEN '{s}' ")
        })
        .collect();
    format!("CASE {arms}ELSE excluded.status END")
});

/// Gives an ended event its seed if it has none (the first offer wins).
const SEED_SQL: &str = "UPDATE events SET draw_seed = $2, seed_commitment = $3, \
     ended_at = COALESCE(ended_at, $4) \
     WHERE event_id = $1 AND status = $5 AND draw_seed IS NULL";

/// Inserts or updates an event from its published facts.
macro_rules! upsert_sql {
    ($conn:expr, $e:expr, $now:expr) => {
        sqlx::query(&format!(
            "INSERT INTO events (event_id, owner_id, status, title, store_name, prize, \
             start_date, end_date, channels, updated_at, image_url, verify_phone) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (event_id) DO UPDATE SET owner_id = excluded.owner_id, \
             title = excluded.title, store_name = excluded.store_name, \
             prize = excluded.prize, start_date = excluded.start_date, \
             end_date = CASE WHEN events.status = '{ended}' THEN events.end_date ELSE excluded.end_date END, \
             channels = excluded.channels, updated_at = excluded.updated_at, \
             image_url = excluded.image_url, verify_phone = excluded.verify_phone, \
             status = {forward}",
            ended = EventStatus::Ended.as_str(),
            forward = *FORWARD_STATUS,
        ))
        .bind(&$e.event_id)
        .bind($e.owner_id)
        .bind(&$e.status)
        .bind(&$e.title)
        .bind(&$e.store_name)
        .bind(&$e.prize)
        .bind(&$e.start_date)
        .bind(&$e.end_date)
        .bind(&$e.channels)
        .bind($now)
        .bind(&$e.image_url)
        .bind($e.verify_phone)
        .execute($conn)
    };
}

macro_rules! seed_sql {
    ($conn:expr, $event_id:expr, $seed:expr, $now:expr) => {
        sqlx::query(SEED_SQL)
            .bind($event_id)
            .bind(&$seed.seed)
            .bind(&$seed.commitment)
            .bind($now)
            .bind(EventStatus::Ended.as_str())
            .execute($conn)
    };
}

impl ParticipationStore {
    /// Applies an `event-topic` message once: `false` when `message_id` was
    /// applied before.
    pub async fn apply_event(
        &self,
        message_id: &str,
        fact: &EventFact,
        now: DateTime<Utc>,
        seed: &SeedOffer,
    ) -> Result<bool, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            if !platform::inbox_insert!(&mut *tx, message_id, now).await? {
                return Ok(false);
            }
            let event_id = match fact {
                EventFact::Approved { event_id, owner_id, title } => {
                    sqlx::query(
                        "INSERT INTO events (event_id, owner_id, status, title, updated_at) \
                         VALUES ($1, $2, $5, $3, $4) ON CONFLICT (event_id) DO NOTHING",
                    )
                    .bind(event_id)
                    .bind(owner_id)
                    .bind(title)
                    .bind(now)
                    .bind(EventStatus::Approved.as_str())
                    .execute(&mut *tx)
                    .await?;
                    event_id
                }
                EventFact::Published(e) => {
                    upsert_sql!(&mut *tx, e, now).await?;
                    &e.event_id
                }
                EventFact::Ended { event_id } => {
                    // An end of an event never heard of is dropped: nothing to close.
                    sqlx::query(
                        "UPDATE events SET status = $3, updated_at = $2 WHERE event_id = $1",
                    )
                    .bind(event_id)
                    .bind(now)
                    .bind(EventStatus::Ended.as_str())
                    .execute(&mut *tx)
                    .await?;
                    event_id
                }
                EventFact::Rescheduled { event_id, end_date } => {
                    sqlx::query(
                        "UPDATE events SET end_date = $2, updated_at = $3 \
                         WHERE event_id = $1 AND status <> $4",
                    )
                    .bind(event_id)
                    .bind(end_date)
                    .bind(now)
                    .bind(EventStatus::Ended.as_str())
                    .execute(&mut *tx)
                    .await?;
                    event_id
                }
            };
            seed_sql!(&mut *tx, event_id, seed, now).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Applies the event service's own answer (status forward only).
    pub async fn apply_entry_state(
        &self,
        state: &EventEntryState,
        now: DateTime<Utc>,
        seed: &SeedOffer,
    ) -> Result<(), StoreError> {
        let row = EventRow {
            event_id: state.event_id.clone(),
            owner_id: state.user_id,
            status: state.status.clone(),
            title: state.title.clone(),
            store_name: state.store_name.clone(),
            prize: state.prize.clone(),
            start_date: Some(state.start_date.clone()).filter(|d| !d.is_empty()),
            end_date: Some(state.end_date.clone()).filter(|d| !d.is_empty()),
            channels: serde_json::to_string(&state.channels).unwrap_or_else(|_| "[]".into()),
            entry_count: 0,
            image_url: Some(state.image_url.clone()).filter(|u| !u.is_empty()),
            seed_commitment: None,
            ended_at: None,
            verify_phone: state.verify_phone,
        };
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            upsert_sql!(&mut *tx, &row, now).await?;
            seed_sql!(&mut *tx, &row.event_id, seed, now).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Ends an `ACTIVE` event whose end date is before `today` (Korea) and
    /// gives it its seed; whether the event is now ended.
    pub async fn close_if_past_end(
        &self,
        event_id: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
        seed: &SeedOffer,
    ) -> Result<bool, StoreError> {
        let today = today.format("%Y-%m-%d").to_string();
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            // The row lock orders this after any entry batch in flight, so
            // the entries of an ended event are final once this commits.
            sqlx::query(
                "UPDATE events SET status = $5, updated_at = $3 \
                 WHERE event_id = $1 AND status = $4 AND end_date < $2",
            )
            .bind(event_id)
            .bind(&today)
            .bind(now)
            .bind(END_DUE.from().as_str())
            .bind(END_DUE.to().as_str())
            .execute(&mut *tx)
            .await?;
            seed_sql!(&mut *tx, event_id, seed, now).await?;
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM events WHERE event_id = $1")
                    .bind(event_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok(status.as_deref().and_then(EventStatus::parse) == Some(EventStatus::Ended))
        })
    }

    /// The event with `event_id`, if this service has heard of it.
    pub async fn event(&self, event_id: &str) -> Result<Option<EventRow>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE event_id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql).bind(event_id).fetch_optional(pool).await
        })?)
    }

    /// Gives an ended event its seed if it has none.
    pub async fn ensure_seed(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
        seed: &SeedOffer,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            seed_sql!(pool, event_id, seed, now).await.map(|_| ())
        })?;
        Ok(())
    }

    /// The committed seed (hex) of an ended event; secret until the draw.
    pub async fn event_seed(&self, event_id: &str) -> Result<Option<String>, StoreError> {
        let seed: Option<Option<String>> = with_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT draw_seed FROM events WHERE event_id = $1")
                .bind(event_id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(seed.flatten())
    }
}
