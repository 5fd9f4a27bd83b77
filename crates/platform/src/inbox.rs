//! The inbox: `processed_messages`, the ids of the bus messages a consumer
//! has applied. The bus delivers at least once, so a consumer records a
//! message's id in the same transaction as its effect ([`inbox_insert!`](crate::inbox_insert),
//! [`insert_many`]) and skips an id it has seen. The table is defined by the
//! platform's migrations ([`PlatformTable::Inbox`](crate::db::PlatformTable::Inbox)).
//!
//! An id only needs remembering while the broker could deliver its message
//! again, i.e. for the broker's retention (Kafka's default is 7 days). Kept
//! forever, the table would grow by one row per entry. The pruner deletes ids
//! older than the configured retention (default 14 days) every hour, a few
//! thousand rows per statement so that the consumers' inserts never wait long.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::{db::Db, with_db};

/// The statement [`inbox_insert!`](crate::inbox_insert) runs, as a literal
/// for `concat!`: a store that applies a message in one statement (a CTE)
/// builds it around this. Binds `$1` the message id, `$2` the time; inserts
/// nothing when the id was recorded before.
#[macro_export]
macro_rules! inbox_insert_sql {
    () => {
        "INSERT INTO processed_messages (message_id, processed_at) VALUES ($1, $2) \
         ON CONFLICT (message_id) DO NOTHING"
    };
}

/// Records `$message_id` as applied at `$at` on `$conn` (the transaction
/// that applies it). Evaluates to a future of `Result<bool, sqlx::Error>`:
/// `true` when the id is new, `false` when it was applied before and the
/// caller must change nothing.
#[macro_export]
macro_rules! inbox_insert {
    ($conn:expr, $message_id:expr, $at:expr) => {
        async {
            sqlx::query($crate::inbox_insert_sql!())
                .bind($message_id)
                .bind($at)
                .execute($conn)
                .await
                .map(|done| done.rows_affected() == 1)
        }
    };
}

/// The INSERT that records several message ids at once, answering (with
/// `build_query_scalar::<String>()`) the ids that were new.
pub fn insert_many<'a, DB, I>(message_ids: I, at: DateTime<Utc>) -> sqlx::QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    I: IntoIterator<Item = &'a str>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut insert =
        sqlx::QueryBuilder::new("INSERT INTO processed_messages (message_id, processed_at) ");
    insert.push_values(message_ids, |mut row, id| {
        row.push_bind(id).push_bind(at);
    });
    insert.push(" ON CONFLICT (message_id) DO NOTHING RETURNING message_id");
    insert
}

const PRUNE_BATCH: i64 = 5_000;
const PRUNE_INTERVAL: Duration = Duration::from_secs(3_600);

/// Deletes the ids recorded before `cutoff`; answers how many.
pub async fn prune_processed(db: &Db, cutoff: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let mut deleted = 0;
    loop {
        let batch = with_db!(db, pool => {
            sqlx::query(
                "DELETE FROM processed_messages WHERE message_id IN \
                 (SELECT message_id FROM processed_messages WHERE processed_at < $1 LIMIT $2)",
            )
            .bind(cutoff)
            .bind(PRUNE_BATCH)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        deleted += batch;
        if batch < PRUNE_BATCH as u64 {
            return Ok(deleted);
        }
        // Let the consumers' inserts in between (SQLite has one writer).
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Prunes `db`'s `processed_messages` every hour (first a minute after the
/// start) until `shutdown`, keeping `retention`.
pub fn spawn_pruner(
    db: Db,
    retention: Duration,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = Duration::from_secs(60);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.cancelled() => return,
            }
            wait = PRUNE_INTERVAL;
            let Some(cutoff) = cutoff(Utc::now(), retention) else {
                continue;
            };
            match prune_processed(&db, cutoff).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "old processed message ids pruned"),
                Err(e) => tracing::warn!(error = %e, "processed message ids not pruned"),
            }
        }
    })
}

/// The instant before which ids are forgotten; `None` (keep everything) for
/// a zero retention, which would forget ids of messages still in flight, and
/// for one too long to subtract.
fn cutoff(now: DateTime<Utc>, retention: Duration) -> Option<DateTime<Utc>> {
    if retention.is_zero() {
        return None;
    }
    now.checked_sub_signed(chrono::Duration::from_std(retention).ok()?)
}

/// The retention in `settings`.
pub fn retention(settings: &crate::config::Settings) -> Duration {
    Duration::from_secs(
        settings
            .processed_message_retention_hours
            .saturating_mul(3_600),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_or_endless_retention_forgets_nothing() {
        let now = Utc::now();
        assert_eq!(cutoff(now, Duration::ZERO), None);
        assert_eq!(cutoff(now, Duration::from_secs(u64::MAX)), None);
        assert_eq!(
            cutoff(now, Duration::from_secs(3_600)),
            Some(now - chrono::Duration::hours(1))
        );
    }
}
