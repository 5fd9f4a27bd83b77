//! The event's clock in SQL: the automatic end and the owner's new end date.
//! Each write is one conditional `UPDATE … WHERE status = ACTIVE` plus its
//! bus message in the outbox, in one transaction: the database decides which
//! of several processes ends an event, and a crash cannot split the end from
//! its `EventEnded`.

use chrono::{DateTime, NaiveDate, Utc};
use contracts::{messages::Envelope, status::END_DUE};
use platform::{db::StoreError, outbox_insert, with_db};

use crate::{
    domain::EventStatus,
    store::{EventRow, EventStore, EVENT_COLUMNS},
};

/// Most events ended by one transaction of the sweep; it loops until none is due.
const END_BATCH: i64 = 100;

impl EventStore {
    /// Ends up to [`END_BATCH`] `ACTIVE` events whose end date is before
    /// `today` (Korea), queueing `message(row)` for each. Two processes
    /// sweeping at once end each event once: PostgreSQL re-checks
    /// the status on the locked row, SQLite has one writer.
    pub async fn end_due(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Vec<(EventRow, Envelope)>, StoreError> {
        let today = today.format("%Y-%m-%d").to_string();
        let sql = format!(
            "UPDATE event_drafts SET status = $3, ended_at = $2, updated_at = $2, dedupe_key = NULL \
             WHERE id IN (SELECT id FROM event_drafts WHERE status = $4 AND end_date < $1 \
             ORDER BY end_date LIMIT {END_BATCH}) \
             AND status = $4 AND end_date < $1 RETURNING {EVENT_COLUMNS}"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let rows = sqlx::query_as::<_, EventRow>(&sql)
                .bind(&today)
                .bind(now)
                .bind(END_DUE.to().as_str())
                .bind(END_DUE.from().as_str())
                .fetch_all(&mut *tx)
                .await?;
            let mut ended = Vec::with_capacity(rows.len());
            for row in rows {
                let envelope = message(&row);
                outbox_insert!(&mut *tx, envelope).await?;
                ended.push((row, envelope));
            }
            tx.commit().await?;
            Ok(ended)
        })
    }

    /// Moves the end date of this owner's `ACTIVE` event and queues
    /// `message(row)`; `None` when no such event is active.
    pub async fn reschedule(
        &self,
        id: &str,
        user_id: i64,
        end_date: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Option<(EventRow, Envelope)>, StoreError> {
        // `end_date >= $5`: an end that passed meanwhile (a request at
        // 23:59:59 committing after midnight) is over and stays over.
        let sql = format!(
            "UPDATE event_drafts SET end_date = $3, updated_at = $4 \
             WHERE id = $1 AND user_id = $2 AND status = $6 AND end_date >= $5 \
             RETURNING {EVENT_COLUMNS}"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let Some(row) = sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(end_date.format("%Y-%m-%d").to_string())
                .bind(now)
                .bind(today.format("%Y-%m-%d").to_string())
                .bind(EventStatus::Active.as_str())
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
}
