//! Winner notices in SQL (docs/design.md §6.4). Every state change is a
//! conditional `UPDATE … WHERE status = 'PENDING'` with its bus message in
//! the same transaction; a sender claims a notice with a lease, so of
//! several processes one sends it, and a crashed sender's notice is taken
//! over once the lease runs out.

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{db::StoreError, outbox_insert, with_db};

use super::ParticipationStore;

/// A winner's notice.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct NoticeRow {
    pub idempotency_key: String,
    pub notice_id: String,
    pub event_id: String,
    pub participant_id: String,
    pub coupon_code: String,
    pub channel: String,
    pub status: String,
    pub attempts: i64,
    pub provider_id: Option<String>,
    pub last_error: Option<String>,
    pub not_before: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const NOTICE_COLUMNS: &str = "idempotency_key, notice_id, event_id, participant_id, coupon_code, \
     channel, status, attempts, provider_id, last_error, not_before, next_attempt_at, \
     claimed_until, created_at, updated_at";

/// What a notice's send or delivery came to.
#[derive(Debug, Clone)]
pub enum NoticeOutcome {
    /// The provider accepted it (`provider_id`).
    Sent(String),
    Delivered,
    /// Given up, with the reason.
    Failed(String),
    /// Try again at this time (the reason kept).
    Retry(DateTime<Utc>, String),
}

impl ParticipationStore {
    /// Queues one notice per current coupon holder of the event who has no
    /// notice pending, sent or delivered (so a second notify reaches only
    /// those whose notice failed or who were never told). Answers the rows
    /// queued and how many holders were skipped.
    pub async fn queue_notices(
        &self,
        event_id: &str,
        notice_id: &str,
        channel: &str,
        not_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(Vec<NoticeRow>, i64), StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            // The event row's lock orders two notifies of one event.
            sqlx::query("UPDATE events SET updated_at = updated_at WHERE event_id = $1")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            let holders: Vec<(String, String)> = sqlx::query_as(
                "SELECT participant_id, code FROM coupons WHERE event_id = $1 \
                 AND redeemed_at IS NULL AND passed_at IS NULL AND claim_deadline > $2 \
                 ORDER BY prize_rank",
            )
            .bind(event_id)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
            let told: Vec<String> = sqlx::query_scalar(
                "SELECT participant_id FROM notices WHERE event_id = $1 \
                 AND status IN ('PENDING', 'SENT', 'DELIVERED')",
            )
            .bind(event_id)
            .fetch_all(&mut *tx)
            .await?;
            let mut queued = Vec::new();
            let mut skipped = 0;
            let insert = format!(
                "INSERT INTO notices (idempotency_key, notice_id, event_id, participant_id, \
                 coupon_code, channel, status, attempts, not_before, next_attempt_at, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', 0, $7, $7, $8, $8) \
                 RETURNING {NOTICE_COLUMNS}"
            );
            for (participant_id, code) in holders {
                if told.contains(&participant_id) {
                    skipped += 1;
                    continue;
                }
                let row = sqlx::query_as::<_, NoticeRow>(&insert)
                    .bind(format!("{notice_id}:{participant_id}"))
                    .bind(notice_id)
                    .bind(event_id)
                    .bind(&participant_id)
                    .bind(&code)
                    .bind(channel)
                    .bind(not_before)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                queued.push(row);
            }
            tx.commit().await?;
            Ok((queued, skipped))
        })
    }

    /// Claims up to `limit` pending notices that are due, until
    /// `lease_until`, counting an attempt. Two processes claiming at once
    /// get different notices: PostgreSQL re-checks the lease on the locked
    /// row, SQLite has one writer.
    pub async fn claim_due_notices(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<NoticeRow>, StoreError> {
        let due = "status = 'PENDING' AND next_attempt_at <= $1 AND not_before <= $1 \
                   AND (claimed_until IS NULL OR claimed_until < $1)";
        let sql = format!(
            "UPDATE notices SET claimed_until = $2, attempts = attempts + 1, updated_at = $1 \
             WHERE idempotency_key IN (SELECT idempotency_key FROM notices WHERE {due} \
             ORDER BY next_attempt_at LIMIT $3) AND {due} RETURNING {NOTICE_COLUMNS}"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, NoticeRow>(&sql)
                .bind(now)
                .bind(lease_until)
                .bind(limit)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Sent notices whose delivery is not known yet, oldest first.
    pub async fn sent_notices(&self, limit: i64) -> Result<Vec<NoticeRow>, StoreError> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices WHERE status = 'SENT' ORDER BY updated_at LIMIT $1"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, NoticeRow>(&sql).bind(limit).fetch_all(pool).await
        })?)
    }

    /// Records what a notice came to, with `message` (its bus message) in
    /// the outbox, if the notice is still in the state the outcome follows
    /// from (`PENDING` for a send, `SENT` for a delivery) and, for a send,
    /// still held under `lease` (a sender whose lease ran out was replaced:
    /// its late outcome is dropped); whether it was.
    pub async fn record_notice(
        &self,
        key: &str,
        outcome: &NoticeOutcome,
        now: DateTime<Utc>,
        lease: Option<DateTime<Utc>>,
        message: Option<&Envelope>,
    ) -> Result<bool, StoreError> {
        let (sql, status, detail, when): (&str, &str, Option<&str>, DateTime<Utc>) = match outcome {
            NoticeOutcome::Sent(id) => (
                "UPDATE notices SET status = $2, provider_id = $3, claimed_until = NULL, \
                 last_error = NULL, updated_at = $4 WHERE idempotency_key = $1 AND status = 'PENDING' \
                 AND ($6 IS NULL OR claimed_until = $6)",
                "SENT",
                Some(id.as_str()),
                now,
            ),
            NoticeOutcome::Delivered => (
                "UPDATE notices SET status = $2, updated_at = $4 \
                 WHERE idempotency_key = $1 AND status = 'SENT' AND $3 IS NULL AND $6 IS NULL",
                "DELIVERED",
                None,
                now,
            ),
            NoticeOutcome::Failed(reason) => (
                "UPDATE notices SET status = $2, last_error = $3, claimed_until = NULL, \
                 updated_at = $4 WHERE idempotency_key = $1 AND status IN ('PENDING', 'SENT') \
                 AND ($6 IS NULL OR claimed_until = $6)",
                "FAILED",
                Some(reason.as_str()),
                now,
            ),
            NoticeOutcome::Retry(at, reason) => (
                "UPDATE notices SET next_attempt_at = $5, last_error = $3, claimed_until = NULL, \
                 updated_at = $4 WHERE idempotency_key = $1 AND status = 'PENDING' AND $2 = 'PENDING' \
                 AND ($6 IS NULL OR claimed_until = $6)",
                "PENDING",
                Some(reason.as_str()),
                *at,
            ),
        };
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(sql)
                .bind(key)
                .bind(status)
                .bind(detail)
                .bind(now)
                .bind(when)
                .bind(lease)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if changed {
                if let Some(envelope) = message {
                    outbox_insert!(&mut *tx, envelope).await?;
                }
            }
            tx.commit().await?;
            Ok(changed)
        })
    }

    /// Marks a sent notice as looked at now, so the delivery poll moves on.
    pub async fn touch_notice(&self, key: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query("UPDATE notices SET updated_at = $2 WHERE idempotency_key = $1")
                .bind(key)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Every notice of an event, newest last.
    pub async fn notices_of(&self, event_id: &str) -> Result<Vec<NoticeRow>, StoreError> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices WHERE event_id = $1 ORDER BY created_at, participant_id"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, NoticeRow>(&sql).bind(event_id).fetch_all(pool).await
        })?)
    }
}
