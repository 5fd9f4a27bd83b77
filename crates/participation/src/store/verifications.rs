//! Phone verification codes in SQL (docs/design.md §8.2). Each spend of a
//! code is a conditional `UPDATE`, so of two concurrent uses one wins, and
//! wrong guesses never pass the limit even when they race.

use chrono::{DateTime, Utc};
use platform::{db::StoreError, with_db};

use super::ParticipationStore;

/// A code sent to one phone for one event (both keyed hashes).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VerificationRow {
    pub verification_id: String,
    pub event_id: String,
    pub phone_key: String,
    pub code_hash: String,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub tries: i64,
    pub verified_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "verification_id, event_id, phone_key, code_hash, sent_at, expires_at, tries, verified_at";

impl ParticipationStore {
    /// The last code sent to this phone for this event.
    pub async fn latest_verification(
        &self,
        event_id: &str,
        phone_key: &str,
    ) -> Result<Option<VerificationRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM phone_verifications WHERE event_id = $1 AND phone_key = $2 \
             ORDER BY sent_at DESC LIMIT 1"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, VerificationRow>(&sql)
                .bind(event_id)
                .bind(phone_key)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Send times of codes to this phone (any event) since `since`, oldest first.
    pub async fn verification_sends_since(
        &self,
        phone_key: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_scalar::<_, DateTime<Utc>>(
                "SELECT sent_at FROM phone_verifications WHERE phone_key = $1 AND sent_at > $2 \
                 ORDER BY sent_at",
            )
            .bind(phone_key)
            .bind(since)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn insert_verification(&self, row: &VerificationRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO phone_verifications ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        );
        with_db!(&self.db, pool => {
            sqlx::query(&sql)
                .bind(&row.verification_id)
                .bind(&row.event_id)
                .bind(&row.phone_key)
                .bind(&row.code_hash)
                .bind(row.sent_at)
                .bind(row.expires_at)
                .bind(row.tries)
                .bind(row.verified_at)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Forgets a code that never reached the phone.
    pub async fn delete_verification(&self, verification_id: &str) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query("DELETE FROM phone_verifications WHERE verification_id = $1")
                .bind(verification_id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Counts a wrong guess; `false` when the code was spent already.
    pub async fn count_wrong_code(
        &self,
        verification_id: &str,
        max_tries: i64,
    ) -> Result<bool, StoreError> {
        let done = with_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE phone_verifications SET tries = tries + 1 \
                 WHERE verification_id = $1 AND tries < $2 AND verified_at IS NULL",
            )
            .bind(verification_id)
            .bind(max_tries)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Spends a matching code; `false` when it was used, expired or spent
    /// meanwhile (a second use of one code loses here).
    pub async fn use_code(
        &self,
        verification_id: &str,
        max_tries: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = with_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE phone_verifications SET verified_at = $3 \
                 WHERE verification_id = $1 AND verified_at IS NULL AND tries < $2 \
                 AND expires_at > $3",
            )
            .bind(verification_id)
            .bind(max_tries)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Forgets codes sent before `before` (their purpose is over); how many.
    pub async fn erase_verifications(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query("DELETE FROM phone_verifications WHERE sent_at < $1")
                .bind(before)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?)
    }

    /// Whether this phone entered the event already.
    pub async fn has_entered(&self, event_id: &str, phone: &str) -> Result<bool, StoreError> {
        let found = with_db!(&self.db, pool => {
            sqlx::query_scalar::<_, String>(
                "SELECT participant_id FROM participants WHERE event_id = $1 AND phone = $2",
            )
            .bind(event_id)
            .bind(phone)
            .fetch_optional(pool)
            .await
        })?;
        Ok(found.is_some())
    }
}
