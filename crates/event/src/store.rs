//! The event service's only SQL.

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{
    db::{Db, StoreError},
    outbox_insert, with_db,
};

use crate::domain::{EventStatus, Objective, PurposeSelection, Transition};

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
    pub ended_at: Option<DateTime<Utc>>,
    /// JSON array of channel codes, once chosen.
    pub channels: Option<String>,
    /// JSON object: channel code → its settings.
    pub channel_settings: Option<String>,
    pub prize: Option<String>,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub end_date: Option<String>,
    /// JSON of the chosen, adjusted recommendation.
    pub recommendation: Option<String>,
    /// JSON of the chosen content ([`crate::plan::ChosenContent`]).
    pub content: Option<String>,
    /// JSON array of the channels' results, once distributed.
    pub distribution_results: Option<String>,
    /// Entrants confirm their phone with an SMS code (chosen at publish).
    pub verify_phone: bool,
    /// The short id of the entry link (`/e/{publicId}`).
    pub public_id: Option<String>,
    /// JSON array of the owner's photos ([`crate::photos::Photo`]).
    pub photos: Option<String>,
}

impl EventRow {
    /// The row a new draft gets when it is inserted at `now`.
    pub(crate) fn new_draft(
        id: &str,
        selection: &PurposeSelection,
        now: DateTime<Utc>,
    ) -> EventRow {
        EventRow {
            id: id.to_string(),
            user_id: selection.user_id,
            objective: selection.objective.label().to_string(),
            store_name: selection.store.store_name.clone(),
            industry: selection.store.industry.clone(),
            address: selection.store.address.clone(),
            status: EventStatus::INITIAL.as_str().to_string(),
            title: None,
            created_at: now,
            updated_at: now,
            approved_at: None,
            published_at: None,
            ended_at: None,
            channels: None,
            channel_settings: None,
            prize: None,
            start_date: None,
            end_date: None,
            recommendation: None,
            content: None,
            distribution_results: None,
            verify_phone: false,
            public_id: Some(crate::public_id::generate()),
            photos: None,
        }
    }

    /// The chosen channel codes (the `channels` JSON column), empty until chosen.
    pub fn channel_codes(&self) -> Vec<String> {
        json_column(&self.channels).unwrap_or_default()
    }

    /// Per-channel settings keyed by channel code (the `channel_settings` JSON column).
    pub fn channel_settings_map(&self) -> serde_json::Map<String, serde_json::Value> {
        json_column(&self.channel_settings).unwrap_or_default()
    }

    /// The chosen, adjusted recommendation.
    pub fn plan(&self) -> Option<contracts::ai::Recommendation> {
        json_column(&self.recommendation)
    }

    /// The chosen content.
    pub fn chosen_content(&self) -> Option<crate::plan::ChosenContent> {
        json_column(&self.content)
    }

    /// The owner's photos.
    pub fn photo_list(&self) -> Vec<crate::photos::Photo> {
        json_column(&self.photos).unwrap_or_default()
    }

    /// The entry link's id: the public one (an event from before public ids
    /// and their migration answers its own id).
    pub fn public_id(&self) -> String {
        self.public_id.clone().unwrap_or_else(|| self.id.clone())
    }

    /// Each channel's result, once distributed.
    pub fn distribution_results(&self) -> Vec<contracts::distribution::ChannelResult> {
        json_column(&self.distribution_results).unwrap_or_default()
    }

    /// The event's title: the one the owner last gave it (the content
    /// edit, else the chosen plan's, possibly adjusted). The `title` column
    /// is its only home; both steps write it.
    pub fn event_title(&self) -> String {
        self.title.clone().unwrap_or_default()
    }

    pub fn status(&self) -> EventStatus {
        EventStatus::parse(&self.status).unwrap_or(EventStatus::Draft)
    }
}

/// A JSON text column, decoded; a column this service wrote always decodes,
/// so anything else reads as absent.
fn json_column<T: serde::de::DeserializeOwned>(column: &Option<String>) -> Option<T> {
    column.as_deref().and_then(|c| serde_json::from_str(c).ok())
}

pub(crate) const EVENT_COLUMNS: &str =
    "id, user_id, objective, store_name, industry, address, status, title, \
     created_at, updated_at, approved_at, published_at, ended_at, channels, \
     channel_settings, prize, start_date, end_date, recommendation, content, distribution_results, verify_phone, \
     public_id, photos";

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
    pub(crate) db: Db,
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
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Saved, StoreError> {
        let key = selection.dedupe_key();
        let fresh = EventRow::new_draft(id, selection, now);
        if let Db::Postgres(pool) = &self.db {
            // The common case in one statement (one round trip, no explicit
            // transaction): PostgreSQL runs both inserts of the CTE atomically.
            // Anything else (a repeat, an expired key) takes the general path.
            let envelope = message(&fresh);
            if let Some(row) = self.insert_fresh(pool, &fresh, &key, &envelope).await? {
                return Ok(Saved::Created(row, envelope));
            }
        }
        let insert = format!(
            "INSERT INTO event_drafts (id, user_id, objective, store_name, industry, address, status, \
             dedupe_key, created_at, updated_at, public_id) VALUES ($1, $2, $3, $4, $5, $6, $9, $7, $8, $8, $10) \
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
                    .bind(EventStatus::INITIAL.as_str())
                    .bind(&fresh.public_id)
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

    async fn insert_fresh(
        &self,
        pool: &sqlx::PgPool,
        fresh: &EventRow,
        key: &str,
        envelope: &Envelope,
    ) -> Result<Option<EventRow>, StoreError> {
        let sql = format!(
            "WITH d AS (INSERT INTO event_drafts (id, user_id, objective, store_name, industry, \
             address, status, dedupe_key, created_at, updated_at, public_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $13, $7, $8, $8, $14) \
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING {EVENT_COLUMNS}), \
             o AS (INSERT INTO outbox (message_id, topic, msg_key, payload, created_at) \
             SELECT $9, $10, $11, $12, $15 FROM d) \
             SELECT {EVENT_COLUMNS} FROM d"
        );
        Ok(sqlx::query_as::<_, EventRow>(&sql)
            .bind(&fresh.id)
            .bind(fresh.user_id)
            .bind(&fresh.objective)
            .bind(&fresh.store_name)
            .bind(&fresh.industry)
            .bind(&fresh.address)
            .bind(key)
            .bind(fresh.created_at)
            .bind(&envelope.message_id)
            .bind(&envelope.topic)
            .bind(&envelope.key)
            .bind(&envelope.payload)
            .bind(&fresh.status)
            .bind(&fresh.public_id)
            // The relay's age check reads the system clock, not the event's
            // (which tests move): the outbox row carries real time.
            .bind(Utc::now())
            .fetch_optional(pool)
            .await?)
    }

    /// The event whose entry link id is `public_id`.
    pub async fn find_by_public_id(&self, public_id: &str) -> Result<Option<EventRow>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM event_drafts WHERE public_id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql).bind(public_id).fetch_optional(pool).await
        })?)
    }

    /// The event with `id`, whoever owns it (the caller checks ownership).
    pub async fn find(&self, id: &str) -> Result<Option<EventRow>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM event_drafts WHERE id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql).bind(id).fetch_optional(pool).await
        })?)
    }
}

/// Filters of the owner's event list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<EventStatus>,
    pub objective: Option<Objective>,
    /// Part of the title (or, before a title exists, of the store name).
    pub query: Option<String>,
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

impl EventStore {
    /// Saves the channel choice of a draft; `None` when no draft of this owner matched.
    pub async fn set_channels(
        &self,
        id: &str,
        user_id: i64,
        channels: &str,
        settings: &str,
    ) -> Result<Option<EventRow>, StoreError> {
        let sql = format!(
            "UPDATE event_drafts SET channels = $3, channel_settings = $4, updated_at = $5 \
             WHERE id = $1 AND user_id = $2 AND status = $6 RETURNING {EVENT_COLUMNS}"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(channels)
                .bind(settings)
                .bind(Utc::now())
                .bind(EventStatus::EDITABLE.as_str())
                .fetch_optional(pool)
                .await
        })?)
    }

    /// One page of the owner's events, newest first, and the total count.
    pub async fn list(
        &self,
        user_id: i64,
        filter: &ListFilter,
        page: i64,
        size: i64,
    ) -> Result<(Vec<EventRow>, i64), StoreError> {
        with_db!(&self.db, pool => {
            let mut count = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM event_drafts WHERE user_id = ");
            push_filter(&mut count, user_id, filter);
            let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
            let mut rows = sqlx::QueryBuilder::new(format!("SELECT {EVENT_COLUMNS} FROM event_drafts WHERE user_id = "));
            push_filter(&mut rows, user_id, filter);
            rows.push(" ORDER BY created_at DESC, id DESC LIMIT ");
            rows.push_bind(size);
            rows.push(" OFFSET ");
            rows.push_bind(page.saturating_mul(size));
            let items = rows.build_query_as::<EventRow>().fetch_all(pool).await?;
            Ok((items, total))
        })
    }

    /// How many events the owner has in each status.
    pub async fn count_by_status(&self, user_id: i64) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as("SELECT status, COUNT(*) FROM event_drafts WHERE user_id = $1 GROUP BY status")
                .bind(user_id)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Ends an event by the machine's `step` (from ACTIVE or APPROVED) and
    /// queues its `EventEnded` in one transaction; `None` when no event of
    /// this owner is still in `step.from()`.
    pub async fn end(
        &self,
        id: &str,
        user_id: i64,
        step: Transition,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Option<(EventRow, Envelope)>, StoreError> {
        let sql = format!(
            "UPDATE event_drafts SET status = $4, ended_at = $3, updated_at = $3, dedupe_key = NULL \
             WHERE id = $1 AND user_id = $2 AND status = $5 RETURNING {EVENT_COLUMNS}"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let Some(row) = sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(now)
                .bind(step.to().as_str())
                .bind(step.from().as_str())
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(None);
            };
            let envelope = message(&row);
            outbox_insert!(&mut *tx, envelope).await?;
            tx.commit().await?;
            Ok(Some((row, envelope)))
        })
    }

    /// Deletes a draft of this owner (at any step before publishing) with
    /// its AI and image jobs and image records, in one transaction; whether
    /// one was deleted.
    pub async fn delete_draft(&self, id: &str, user_id: i64) -> Result<bool, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let deleted = sqlx::query(
                "DELETE FROM event_drafts WHERE id = $1 AND user_id = $2 AND status = $3",
            )
            .bind(id)
            .bind(user_id)
            .bind(EventStatus::EDITABLE.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if deleted {
                for table in ["ai_jobs", "image_jobs", "event_images"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE event_id = $1"))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(deleted)
        })
    }

    /// Saves the owner's photos of a draft; `None` when no draft of this owner matched.
    pub async fn set_photos(
        &self,
        id: &str,
        user_id: i64,
        photos: &[crate::photos::Photo],
    ) -> Result<Option<EventRow>, StoreError> {
        let json = serde_json::to_string(photos).unwrap_or_else(|_| "[]".into());
        let sql = format!(
            "UPDATE event_drafts SET photos = $3, updated_at = $4 \
             WHERE id = $1 AND user_id = $2 AND status = $5 RETURNING {EVENT_COLUMNS}"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(&json)
                .bind(Utc::now())
                .bind(EventStatus::EDITABLE.as_str())
                .fetch_optional(pool)
                .await
        })?)
    }

    /// A new draft copying `source`'s objective, store, plan, content and
    /// photos (no channels, no dates, nothing of its publishing), saved with
    /// its `EventDraftCreated` in one transaction.
    pub async fn duplicate(
        &self,
        source: &EventRow,
        id: &str,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<(EventRow, Envelope), StoreError> {
        let row = EventRow {
            title: source.title.clone(),
            prize: source.prize.clone(),
            recommendation: source.recommendation.clone(),
            content: source.content.clone(),
            photos: source.photos.clone(),
            ..EventRow::new_draft(
                id,
                &PurposeSelection {
                    user_id: source.user_id,
                    objective: Objective::parse(&source.objective)
                        .ok_or_else(|| StoreError::Conflict("objective".into()))?,
                    store: crate::domain::StoreInfo {
                        store_name: source.store_name.clone(),
                        industry: source.industry.clone(),
                        address: source.address.clone(),
                    },
                },
                now,
            )
        };
        let sql = format!(
            "INSERT INTO event_drafts (id, user_id, objective, store_name, industry, address, status, \
             title, prize, recommendation, content, photos, public_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $14, $7, $8, $9, $10, $11, $12, $13, $13) \
             RETURNING {EVENT_COLUMNS}"
        );
        let envelope = message(&row);
        let row = with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let row = sqlx::query_as::<_, EventRow>(&sql)
                .bind(&row.id)
                .bind(row.user_id)
                .bind(&row.objective)
                .bind(&row.store_name)
                .bind(&row.industry)
                .bind(&row.address)
                .bind(&row.title)
                .bind(&row.prize)
                .bind(&row.recommendation)
                .bind(&row.content)
                .bind(&row.photos)
                .bind(&row.public_id)
                .bind(now)
                .bind(EventStatus::INITIAL.as_str())
                .fetch_one(&mut *tx)
                .await?;
            outbox_insert!(&mut *tx, envelope).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(row)
        })?;
        Ok((row, envelope))
    }
}

fn push_filter<'a, DB>(
    builder: &mut sqlx::QueryBuilder<'a, DB>,
    user_id: i64,
    filter: &'a ListFilter,
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    builder.push_bind(user_id);
    if let Some(status) = filter.status {
        builder.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(objective) = filter.objective {
        builder
            .push(" AND objective = ")
            .push_bind(objective.label());
    }
    if let Some(query) = filter.query.as_deref() {
        let pattern = like_pattern(query);
        builder
            .push(" AND LOWER(COALESCE(title, store_name)) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'");
    }
}
