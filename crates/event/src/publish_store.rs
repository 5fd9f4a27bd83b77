//! SQL of publishing (seed 2): approval, the distribution claim, activation.

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{db::StoreError, outbox_insert, with_db};

use crate::{
    domain::{EventStatus, Transition},
    store::{EventRow, EventStore, EVENT_COLUMNS},
};

impl EventStore {
    /// Seed 2, step 3 and 4: `DRAFT → APPROVED` (the machine's `step`) with
    /// `approved_at`, the channels to publish to, and `EventCreated` in the
    /// outbox, in one transaction. `None` when no event of this owner is
    /// still in the step's `from` status.
    #[allow(clippy::too_many_arguments)]
    pub async fn approve(
        &self,
        id: &str,
        user_id: i64,
        step: Transition,
        channels: &str,
        verify_phone: bool,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Option<(EventRow, Envelope)>, StoreError> {
        let sql = format!(
            "UPDATE event_drafts SET status = $6, approved_at = $3, updated_at = $3, \
             channels = $4, verify_phone = $5, dedupe_key = NULL \
             WHERE id = $1 AND user_id = $2 AND status = $7 RETURNING {EVENT_COLUMNS}"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let Some(row) = sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(now)
                .bind(channels)
                .bind(verify_phone)
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
                 WHERE id = $1 AND status = $4 \
                 AND (publishing_until IS NULL OR publishing_until < $2)",
            )
            .bind(id)
            .bind(now)
            .bind(until)
            .bind(EventStatus::Approved.as_str())
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

    /// Seed 2, step 6: `APPROVED → ACTIVE` (the machine's `step`) with
    /// `published_at` and the channels' results, and `EventPublished` in the
    /// outbox, in one transaction. `None` when the event left `step.from()`.
    pub async fn activate(
        &self,
        id: &str,
        step: Transition,
        results: &str,
        now: DateTime<Utc>,
        message: impl Fn(&EventRow) -> Envelope,
    ) -> Result<Option<(EventRow, Envelope)>, StoreError> {
        let sql = format!(
            "UPDATE event_drafts SET status = $4, published_at = $2, updated_at = $2, \
             distribution_results = $3, publishing_until = NULL \
             WHERE id = $1 AND status = $5 RETURNING {EVENT_COLUMNS}"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let Some(row) = sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(now)
                .bind(results)
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
}
