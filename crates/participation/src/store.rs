//! The participation service's only SQL.
//!
//! Entry numbers: each event row carries `entry_count`. Entries are stored
//! in batches (see `batch`; a single entry is a batch of one): the batch locks
//! the event row (PostgreSQL) or the database (SQLite), numbers only the
//! entries it accepts, and moves the count by exactly that many, so the
//! numbers are 1, 2, 3 … without gaps or repeats, and the committed entries
//! of an event are always numbers 1..=entry_count. Other events do not wait.

mod batch;

pub use batch::EntryResult;

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{
    db::{Db, StoreError},
    with_db,
};

use crate::domain::Entry;

/// An event as this service knows it from `event-topic`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub event_id: String,
    pub owner_id: i64,
    /// `APPROVED`, `ACTIVE` or `ENDED`.
    pub status: String,
    pub title: String,
    pub store_name: String,
    pub prize: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// JSON array of channel codes.
    pub channels: String,
    pub entry_count: i64,
    /// The event's promotional image for the entry page.
    pub image_url: Option<String>,
}

const EVENT_COLUMNS: &str = "event_id, owner_id, status, title, store_name, prize, start_date, \
     end_date, channels, entry_count, image_url";

/// What an `event-topic` message tells this service.
#[derive(Debug, Clone)]
pub enum EventFact {
    /// `EventCreated`: approved, not yet taking entries.
    Approved {
        event_id: String,
        owner_id: i64,
        title: String,
    },
    /// `EventPublished`: ACTIVE with its entry-page details.
    Published(Box<EventRow>),
    /// `EventEnded`.
    Ended { event_id: String },
}

/// A stored entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipantRow {
    pub participant_id: String,
    pub event_id: String,
    pub entry_number: i64,
    pub name: String,
    /// Digits only; masked before it leaves the service.
    pub phone: String,
    pub email: Option<String>,
    pub agree_marketing: bool,
    pub store_visited: bool,
    pub channel: Option<String>,
    pub registered_at: DateTime<Utc>,
}

const PARTICIPANT_COLUMNS: &str = "participant_id, event_id, entry_number, name, phone, email, \
     agree_marketing, store_visited, channel, registered_at";

/// Why an entry was not stored.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("unknown event")]
    UnknownEvent,
    #[error("event is {0}")]
    NotAccepting(String),
    #[error("phone already entered")]
    Duplicate,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for RegisterError {
    /// The unique key on (event, phone) is the duplicate-entry rule; its name
    /// (PostgreSQL) or its columns (SQLite) say "phone".
    fn from(e: sqlx::Error) -> Self {
        match StoreError::classify(e) {
            StoreError::Conflict(hint) if hint.contains("phone") => RegisterError::Duplicate,
            other => RegisterError::Store(other),
        }
    }
}

/// The log of an event's draw, and its winners in drawn order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DrawRow {
    pub event_id: String,
    pub draw_id: String,
    pub drawn_by: i64,
    pub drawn_at: DateTime<Utc>,
    pub winner_count: i64,
    pub apply_bonus: bool,
    pub algorithm: String,
    /// 64 hex digits.
    pub seed: String,
    /// Entries 1..=entry_count took part.
    pub entry_count: i64,
    pub entry_digest: String,
    pub visitor_weight: i64,
    pub base_weight: i64,
    /// JSON array of participant ids.
    pub winners: String,
}

const DRAW_COLUMNS: &str = "event_id, draw_id, drawn_by, drawn_at, winner_count, apply_bonus, \
     algorithm, seed, entry_count, entry_digest, visitor_weight, base_weight, winners";

/// Filters of the participant list.
#[derive(Debug, Clone, Default)]
pub struct ParticipantFilter {
    pub store_visited: Option<bool>,
    /// Part of the name.
    pub name: Option<String>,
}

/// Participation persistence.
#[derive(Clone)]
pub struct ParticipationStore {
    db: Db,
}

impl ParticipationStore {
    pub fn new(db: Db) -> ParticipationStore {
        ParticipationStore { db }
    }

    /// Applies an `event-topic` message once: `false` when `message_id` was
    /// applied before. Status only moves forward (APPROVED → ACTIVE → ENDED),
    /// so late or reordered messages cannot reopen an ended event.
    pub async fn apply_event(
        &self,
        message_id: &str,
        fact: &EventFact,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let fresh = sqlx::query(
                "INSERT INTO processed_messages (message_id, processed_at) VALUES ($1, $2) \
                 ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(message_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !fresh {
                return Ok(false);
            }
            match fact {
                EventFact::Approved { event_id, owner_id, title } => {
                    sqlx::query(
                        "INSERT INTO events (event_id, owner_id, status, title, updated_at) \
                         VALUES ($1, $2, 'APPROVED', $3, $4) ON CONFLICT (event_id) DO NOTHING",
                    )
                    .bind(event_id)
                    .bind(owner_id)
                    .bind(title)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                EventFact::Published(e) => {
                    sqlx::query(
                        "INSERT INTO events (event_id, owner_id, status, title, store_name, prize, \
                         start_date, end_date, channels, updated_at, image_url) \
                         VALUES ($1, $2, 'ACTIVE', $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (event_id) DO UPDATE SET owner_id = excluded.owner_id, \
                         title = excluded.title, store_name = excluded.store_name, \
                         prize = excluded.prize, start_date = excluded.start_date, \
                         end_date = excluded.end_date, channels = excluded.channels, \
                         updated_at = excluded.updated_at, image_url = excluded.image_url, \
                         status = CASE WHEN events.status = 'ENDED' THEN 'ENDED' ELSE 'ACTIVE' END",
                    )
                    .bind(&e.event_id)
                    .bind(e.owner_id)
                    .bind(&e.title)
                    .bind(&e.store_name)
                    .bind(&e.prize)
                    .bind(&e.start_date)
                    .bind(&e.end_date)
                    .bind(&e.channels)
                    .bind(now)
                    .bind(&e.image_url)
                    .execute(&mut *tx)
                    .await?;
                }
                EventFact::Ended { event_id } => {
                    // An end of an event never heard of is dropped: nothing to close.
                    sqlx::query("UPDATE events SET status = 'ENDED', updated_at = $2 WHERE event_id = $1")
                        .bind(event_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The event with `event_id`, if this service has heard of it.
    pub async fn event(&self, event_id: &str) -> Result<Option<EventRow>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE event_id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql).bind(event_id).fetch_optional(pool).await
        })?)
    }

    /// Stores one entry with the next entry number and its message (built
    /// by `message` from the stored row) in one transaction: a batch of one,
    /// so that one piece of SQL numbers every entry.
    pub async fn register(
        &self,
        event_id: &str,
        participant_id: &str,
        entry: &Entry,
        now: DateTime<Utc>,
        message: impl Fn(&ParticipantRow) -> Envelope,
    ) -> Result<(ParticipantRow, Envelope), RegisterError> {
        let one = [(participant_id.to_string(), entry.clone())];
        self.try_batch(event_id, &one, now, &message)
            .await?
            .pop()
            // One answer per entry: `pop` always finds it.
            .unwrap_or(Err(RegisterError::Duplicate))
    }

    /// One page of an event's entries in entry order, and how many match.
    pub async fn participants(
        &self,
        event_id: &str,
        filter: &ParticipantFilter,
        paging: Option<(i64, i64)>,
    ) -> Result<(Vec<ParticipantRow>, i64), StoreError> {
        with_db!(&self.db, pool => {
            let mut count = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM participants WHERE event_id = ");
            push_filter(&mut count, event_id, filter);
            let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
            let mut rows = sqlx::QueryBuilder::new(format!(
                "SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE event_id = "
            ));
            push_filter(&mut rows, event_id, filter);
            rows.push(" ORDER BY entry_number");
            if let Some((page, size)) = paging {
                rows.push(" LIMIT ").push_bind(size);
                rows.push(" OFFSET ").push_bind(page.saturating_mul(size));
            }
            let items = rows.build_query_as::<ParticipantRow>().fetch_all(pool).await?;
            Ok((items, total))
        })
    }

    /// Entries 1..=`up_to` of an event as (participant id, store visited),
    /// in entry order: the draw's input.
    pub async fn draw_entries(
        &self,
        event_id: &str,
        up_to: i64,
    ) -> Result<Vec<(String, bool)>, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT participant_id, store_visited FROM participants \
                 WHERE event_id = $1 AND entry_number <= $2 ORDER BY entry_number",
            )
            .bind(event_id)
            .bind(up_to)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Records a draw; `Conflict` when the event already has one (the
    /// primary key decides between concurrent draws).
    pub async fn save_draw(&self, draw: &DrawRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO draws ({DRAW_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        );
        with_db!(&self.db, pool => {
            sqlx::query(&sql)
                .bind(&draw.event_id)
                .bind(&draw.draw_id)
                .bind(draw.drawn_by)
                .bind(draw.drawn_at)
                .bind(draw.winner_count)
                .bind(draw.apply_bonus)
                .bind(&draw.algorithm)
                .bind(&draw.seed)
                .bind(draw.entry_count)
                .bind(&draw.entry_digest)
                .bind(draw.visitor_weight)
                .bind(draw.base_weight)
                .bind(&draw.winners)
                .execute(pool)
                .await
                .map(|_| ())
                .map_err(StoreError::classify)
        })
    }

    /// The event's draw, if there was one.
    pub async fn draw(&self, event_id: &str) -> Result<Option<DrawRow>, StoreError> {
        let sql = format!("SELECT {DRAW_COLUMNS} FROM draws WHERE event_id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, DrawRow>(&sql).bind(event_id).fetch_optional(pool).await
        })?)
    }

    /// The event's entries with these ids (any order).
    pub async fn participants_by_id(
        &self,
        event_id: &str,
        ids: &[String],
    ) -> Result<Vec<ParticipantRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_db!(&self.db, pool => {
            let mut query = sqlx::QueryBuilder::new(format!(
                "SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE event_id = "
            ));
            query.push_bind(event_id).push(" AND participant_id IN (");
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            query.push(")");
            query.build_query_as::<ParticipantRow>().fetch_all(pool).await
        })?)
    }
}

/// `%` and `_` in a search are literal characters, not wildcards.
fn like_pattern(query: &str) -> String {
    let escaped = query
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn push_filter<'a, DB>(
    builder: &mut sqlx::QueryBuilder<'a, DB>,
    event_id: &'a str,
    filter: &'a ParticipantFilter,
) where
    DB: sqlx::Database,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    builder.push_bind(event_id);
    if let Some(visited) = filter.store_visited {
        builder.push(" AND store_visited = ").push_bind(visited);
    }
    if let Some(name) = filter.name.as_deref() {
        builder
            .push(" AND LOWER(name) LIKE ")
            .push_bind(like_pattern(name))
            .push(" ESCAPE '\\'");
    }
}
