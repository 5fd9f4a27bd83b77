//! The participation service's only SQL.
//!
//! Entry numbers: each event row carries `entry_count`. Entries are stored
//! in batches (see `batch`; a single entry is a batch of one): the batch locks
//! the event row (PostgreSQL) or the database (SQLite), numbers only the
//! entries it accepts, and moves the count by exactly that many, so the
//! numbers are 1, 2, 3 … without gaps or repeats, and the committed entries
//! of an event are always numbers 1..=entry_count. Other events do not wait.

mod batch;
mod coupons;
mod draws;
mod events;
mod notices;
mod public_ids;
mod verifications;

pub use batch::EntryResult;
pub use coupons::{CouponRow, NewCoupon, PassedPrize};
pub use draws::{DrawEntry, DrawRow, ErasureCounts, RESERVE, WINNER};
pub use events::SeedOffer;
pub use notices::{NoticeOutcome, NoticeRow};
pub use verifications::VerificationRow;

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use contracts::status::EventStatus;
use platform::{
    db::{Db, StoreError},
    with_db,
};

use crate::{domain::Entry, signals::Signal};

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
    /// sha256 (hex) of the draw's seed, made when the event ends.
    pub seed_commitment: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Entrants confirm their phone with an SMS code before their entry is stored.
    pub verify_phone: bool,
}

impl EventRow {
    /// The status as the machine names it (`None` for a code it does not know).
    pub fn event_status(&self) -> Option<EventStatus> {
        EventStatus::parse(&self.status)
    }

    /// Whether this copy says the event is in `status`.
    pub fn is(&self, status: EventStatus) -> bool {
        self.event_status() == Some(status)
    }

    /// Where the event stands at `now`: its status, then its dates.
    pub fn phase(&self, now: DateTime<Utc>) -> Option<contracts::schedule::Phase> {
        contracts::schedule::phase_of(
            self.is(EventStatus::Active),
            self.is(EventStatus::Ended),
            self.start_date.as_deref(),
            self.end_date.as_deref(),
            now,
        )
    }
}

const EVENT_COLUMNS: &str = "event_id, owner_id, status, title, store_name, prize, start_date, \
     end_date, channels, entry_count, image_url, seed_commitment, ended_at, verify_phone";

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
    /// `EventScheduleChanged`: the owner moved the end date.
    Rescheduled { event_id: String, end_date: String },
}

/// A stored entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipantRow {
    pub participant_id: String,
    pub event_id: String,
    pub entry_number: i64,
    /// `None` once erased.
    pub name: Option<String>,
    /// Digits only; masked before it leaves the service. `None` once erased.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub agree_marketing: bool,
    pub store_visited: bool,
    pub channel: Option<String>,
    pub registered_at: DateTime<Utc>,
    /// When the name, phone and email were erased.
    pub erased_at: Option<DateTime<Utc>>,
    /// The consent text version agreed to.
    pub consent_version: Option<String>,
    /// `WINNER` or `RESERVE` once drawn.
    pub drawn_as: Option<String>,
    /// Bot signals' bits (`crate::signals::Signals`), 0 when none.
    pub signals: i64,
}

const PARTICIPANT_COLUMNS: &str = "participant_id, event_id, entry_number, name, phone, email, \
     agree_marketing, store_visited, channel, registered_at, erased_at, consent_version, drawn_as, \
     signals";

/// Why an entry was not stored.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("unknown event")]
    UnknownEvent,
    #[error("event not taking entries: {0:?}")]
    NotAccepting(Closed),
    #[error("phone already entered")]
    Duplicate,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why an event takes no entry now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// Approved but not published yet.
    NotOpen,
    /// Published, before its start date (`YYYY-MM-DD`).
    Upcoming(String),
    /// Past its end date (`YYYY-MM-DD`), still `ACTIVE` in this copy.
    PastEnd(String),
    /// Ended.
    Ended(Option<String>),
}

impl RegisterError {
    /// A refusal this service's copy of the event may have got wrong (the
    /// bus has not brought the publish, or a later end date, yet): worth
    /// asking the event service before answering.
    pub fn may_be_stale(&self) -> bool {
        matches!(
            self,
            RegisterError::UnknownEvent
                | RegisterError::NotAccepting(Closed::NotOpen | Closed::PastEnd(_))
        )
    }
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

/// Filters of the participant list.
#[derive(Debug, Clone, Default)]
pub struct ParticipantFilter {
    pub store_visited: Option<bool>,
    /// Part of the name.
    pub name: Option<String>,
    /// With (`true`) or without (`false`) a bot signal.
    pub flagged: Option<bool>,
}

/// Participation persistence.
#[derive(Clone)]
pub struct ParticipationStore {
    pub(crate) db: Db,
}

impl ParticipationStore {
    pub fn new(db: Db) -> ParticipationStore {
        ParticipationStore { db }
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

    /// How many of the event's entries carry each signal (in
    /// [`Signal::ALL`] order), and how many carry any.
    pub async fn signal_counts(&self, event_id: &str) -> Result<([i64; 3], i64), StoreError> {
        let sql = format!(
            "SELECT COALESCE(SUM(CASE WHEN (signals & {}) <> 0 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN (signals & {}) <> 0 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN (signals & {}) <> 0 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN signals <> 0 THEN 1 ELSE 0 END), 0) \
             FROM participants WHERE event_id = $1",
            Signal::ALL[0].bit(),
            Signal::ALL[1].bit(),
            Signal::ALL[2].bit()
        );
        let (a, b, c, flagged): (i64, i64, i64, i64) = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(event_id).fetch_one(pool).await
        })?;
        Ok(([a, b, c], flagged))
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
    match filter.flagged {
        Some(true) => builder.push(" AND signals <> 0"),
        Some(false) => builder.push(" AND signals = 0"),
        None => builder,
    };
}
