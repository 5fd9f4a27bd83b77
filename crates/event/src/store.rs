//! The event service's only SQL.

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{db::{Db, StoreError}, outbox_insert, with_db};

use crate::domain::{EventStatus, PurposeSelection};

/// An event row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub user_id: i64,
    pub objective: String,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    pub status: String,
    pub title: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

impl EventRow {
    pub fn status(&self) -> EventStatus {
        EventStatus::parse(&self.status).unwrap_or(EventStatus::Draft)
    }
}

const EVENT_COLUMNS: &str = "id, user_id, objective, store_name, industry, address, status, title, \
                             created_at, updated_at, approved_at, published_at";

/// What saving a purpose selection did.
#[derive(Debug)]
pub enum Saved {
    /// A new draft; its `EventDraftCreated` is in the outbox.
    Created(EventRow, Envelope),
    /// The same selection's draft still in progress (double tap).
    Existing(EventRow),
}

/// Event persistence.
#[derive(Clone)]
pub struct EventStore {
    db: Db,
}

impl EventStore {
    pub fn new(db: Db) -> EventStore {
        EventStore { db }
    }

    /// Saves a new draft and its message in one transaction, unless the same
    /// selection's draft is still in progress, which is answered instead.
    /// The unique `dedupe_key` settles concurrent double taps.
    pub async fn save_draft(
        &self,
        id: &str,
        selection: &PurposeSelection,
        now: DateTime<Utc>,
        message: impl FnOnce(&EventRow) -> Envelope,
    ) -> Result<Saved, StoreError> {
        let key = selection.dedupe_key();
        let insert = format!(
            "INSERT INTO event_drafts (id, user_id, objective, store_name, industry, address, status, \
             dedupe_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'DRAFT', $7, $8, $8) \
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING {EVENT_COLUMNS}"
        );
        let by_key = format!("SELECT {EVENT_COLUMNS} FROM event_drafts WHERE dedupe_key = $1");
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let run_insert = || {
                sqlx::query_as::<_, EventRow>(&insert)
                    .bind(id)
                    .bind(selection.user_id)
                    .bind(selection.objective.label())
                    .bind(&selection.store.store_name)
                    .bind(&selection.store.industry)
                    .bind(&selection.store.address)
                    .bind(&key)
                    .bind(now)
            };
            let mut created = run_insert().fetch_optional(&mut *tx).await?;
            if created.is_none() {
                let existing = sqlx::query_as::<_, EventRow>(&by_key)
                    .bind(&key)
                    .fetch_one(&mut *tx)
                    .await?;
                if PurposeSelection::is_repeat_of(existing.status(), existing.created_at, now) {
                    tx.commit().await?;
                    return Ok(Saved::Existing(existing));
                }
                // The earlier draft is no longer in progress: release its key.
                sqlx::query("UPDATE event_drafts SET dedupe_key = NULL WHERE id = $1")
                    .bind(&existing.id)
                    .execute(&mut *tx)
                    .await?;
                created = run_insert().fetch_optional(&mut *tx).await?;
            }
            let row = created.ok_or(StoreError::Conflict("dedupe_key".into()))?;
            let envelope = message(&row);
            outbox_insert!(&mut *tx, envelope).await?;
            tx.commit().await?;
            Ok(Saved::Created(row, envelope))
        })
    }

    /// The event with `id`, whoever owns it (the caller checks ownership).
    pub async fn find(&self, id: &str) -> Result<Option<EventRow>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM event_drafts WHERE id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql).bind(id).fetch_optional(pool).await
        })?)
    }
}
