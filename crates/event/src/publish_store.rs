//! SQL of publishing (seed 2): approval, the distribution claim, activation.

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{db::StoreError, outbox_insert, with_db};

use crate::store::{EventRow, EventStore, EVENT_COLUMNS};

impl EventStore {
    /// Seed 2, step 3 and 4: `DRAFT → APPROVED` with `approved_at`, the
    /// channels to publish to, and `EventCreated` in the outbox, in one
    /// transaction. `None` when no draft of this owner matched.
    pub async fn approve(
        &self,
        id: &str,
        user_id: i64,
        channels: &str,
        verify_phone: bool,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Option<(EventRow, Envelope)>, StoreError> {
        let sql = format!(
            "UPDATE event_drafts SET status = 'APPROVED', approved_at = $3, updated_at = $3, \
             channels = $4, verify_phone = $5, dedupe_key = NULL \
             WHERE id = $1 AND user_id = $2 AND status = 'DRAFT' RETURNING {EVENT_COLUMNS}"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let Some(row) = sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(now)
                .bind(channels)
                .bind(verify_phone)
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

    /// Claims the distribution of an APPROVED event until `until`: the
    /// database decides which of two concurrent publishes distributes.
    pub async fn claim_distribution(
        &self,
        id: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE event_drafts SET publishing_until = $3 \
                 WHERE id = $1 AND status = 'APPROVED' \
                 AND (publishing_until IS NULL OR publishing_until < $2)",
            )
            .bind(id)
            .bind(now)
            .bind(until)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// Gives the claim up after a failed distribution, so a retry can start at once.
    pub async fn release_distribution(&self, id: &str) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query("UPDATE event_drafts SET publishing_until = NULL WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Seed 2, step 6: `APPROVED → ACTIVE` with `published_at` and the
    /// channels' results, and `EventPublished` in the outbox, in one transaction.
    pub async fn activate(
        &self,
        id: &str,
        results: &str,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Option<(EventRow, Envelope)>, StoreError> {
        let sql = format!(
            "UPDATE event_drafts SET status = 'ACTIVE', published_at = $2, updated_at = $2, \
             distribution_results = $3, publishing_until = NULL \
             WHERE id = $1 AND status = 'APPROVED' RETURNING {EVENT_COLUMNS}"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let Some(row) = sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(now)
                .bind(results)
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
