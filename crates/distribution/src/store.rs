//! The distribution service's only SQL.

use chrono::{DateTime, Utc};
use contracts::{channels::Channel, messages::Envelope};
use platform::{
    db::{Db, StoreError},
    outbox_insert, with_db,
};

use crate::domain::ChannelStatus;

/// A distribution row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DistributionRow {
    pub event_id: String,
    pub distribution_id: String,
    pub user_id: i64,
    /// JSON of the latest [`crate::domain::Plan`].
    pub plan: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// One channel of a distribution.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChannelRow {
    pub event_id: String,
    pub channel: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub external_id: Option<String>,
    pub post_url: Option<String>,
    pub estimated_views: i64,
    pub claim_id: Option<String>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl ChannelRow {
    pub fn status(&self) -> ChannelStatus {
        ChannelStatus::parse(&self.status).unwrap_or(ChannelStatus::Pending)
    }
}

/// How a channel's work ended.
#[derive(Debug, Clone)]
pub enum Finish {
    Success {
        external_id: String,
        post_url: Option<String>,
        estimated_views: u64,
    },
    Failed {
        error: String,
    },
}

const DIST_COLUMNS: &str =
    "event_id, distribution_id, user_id, plan, created_at, updated_at, completed_at";
const CHANNEL_COLUMNS: &str = "event_id, channel, status, attempts, last_error, external_id, \
     post_url, estimated_views, claim_id, claimed_until, updated_at";

/// Distribution persistence.
#[derive(Clone)]
pub struct DistributionStore {
    db: Db,
}

impl DistributionStore {
    pub fn new(db: Db) -> DistributionStore {
        DistributionStore { db }
    }

    /// Opens (or reopens) the distribution of `event_id` for `user_id`: the
    /// first call creates it; a later call by the same owner replaces the
    /// plan and adds channels it did not have (as PENDING). Answers the row;
    /// when it belongs to another owner nothing is changed and the caller
    /// refuses.
    pub async fn open(
        &self,
        event_id: &str,
        new_distribution_id: &str,
        user_id: i64,
        plan: &str,
        channels: &[Channel],
        now: DateTime<Utc>,
    ) -> Result<DistributionRow, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO distributions (event_id, distribution_id, user_id, plan, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(event_id)
            .bind(new_distribution_id)
            .bind(user_id)
            .bind(plan)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE distributions SET plan = $2, updated_at = $3 WHERE event_id = $1 AND user_id = $4")
                .bind(event_id)
                .bind(plan)
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            let row = sqlx::query_as::<_, DistributionRow>(&format!(
                "SELECT {DIST_COLUMNS} FROM distributions WHERE event_id = $1"
            ))
            .bind(event_id)
            .fetch_one(&mut *tx)
            .await?;
            if row.user_id == user_id {
                for channel in channels {
                    sqlx::query(
                        "INSERT INTO channel_posts (event_id, channel, status, updated_at) \
                         VALUES ($1, $2, 'PENDING', $3) ON CONFLICT (event_id, channel) DO NOTHING",
                    )
                    .bind(event_id)
                    .bind(channel.code())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(row)
        })
    }

    pub async fn find(&self, event_id: &str) -> Result<Option<DistributionRow>, StoreError> {
        let sql = format!("SELECT {DIST_COLUMNS} FROM distributions WHERE event_id = $1");
        Ok(
            with_db!(&self.db, pool => sqlx::query_as::<_, DistributionRow>(&sql)
            .bind(event_id)
            .fetch_optional(pool)
            .await?),
        )
    }

    /// The distribution's channels, in a stable order.
    pub async fn channels(&self, event_id: &str) -> Result<Vec<ChannelRow>, StoreError> {
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS} FROM channel_posts WHERE event_id = $1 ORDER BY channel"
        );
        Ok(
            with_db!(&self.db, pool => sqlx::query_as::<_, ChannelRow>(&sql)
            .bind(event_id)
            .fetch_all(pool)
            .await?),
        )
    }

    /// Takes `channel` for the caller (`claim_id`) until `until` and counts
    /// its first attempt, when it is PENDING, FAILED, or IN_PROGRESS under a
    /// lapsed claim. Only one caller can win: the database decides.
    pub async fn claim(
        &self,
        event_id: &str,
        channel: Channel,
        claim_id: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let sql =
            "UPDATE channel_posts SET status = 'IN_PROGRESS', claim_id = $3, claimed_until = $5, \
                   attempts = attempts + 1, updated_at = $4 \
                   WHERE event_id = $1 AND channel = $2 AND (status IN ('PENDING', 'FAILED') \
                   OR (status = 'IN_PROGRESS' AND claimed_until < $4))";
        let n = with_db!(&self.db, pool => sqlx::query(sql)
            .bind(event_id)
            .bind(channel.code())
            .bind(claim_id)
            .bind(now)
            .bind(until)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// Counts another attempt and the error of the previous one, while the claim holds.
    pub async fn next_attempt(
        &self,
        event_id: &str,
        channel: Channel,
        claim_id: &str,
        previous_error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql =
            "UPDATE channel_posts SET attempts = attempts + 1, last_error = $4, updated_at = $5 \
                   WHERE event_id = $1 AND channel = $2 AND claim_id = $3";
        with_db!(&self.db, pool => sqlx::query(sql)
            .bind(event_id)
            .bind(channel.code())
            .bind(claim_id)
            .bind(previous_error)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Settles `channel` and releases the claim, if the caller still holds it.
    pub async fn finish(
        &self,
        event_id: &str,
        channel: Channel,
        claim_id: &str,
        finish: &Finish,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = match finish {
            Finish::Success {
                external_id,
                post_url,
                estimated_views,
            } => {
                let sql = "UPDATE channel_posts SET status = 'SUCCESS', external_id = $4, post_url = $5, \
                           estimated_views = $6, last_error = NULL, claim_id = NULL, claimed_until = NULL, \
                           updated_at = $7 WHERE event_id = $1 AND channel = $2 AND claim_id = $3";
                with_db!(&self.db, pool => sqlx::query(sql)
                    .bind(event_id)
                    .bind(channel.code())
                    .bind(claim_id)
                    .bind(external_id)
                    .bind(post_url)
                    .bind(i64::try_from(*estimated_views).unwrap_or(i64::MAX))
                    .bind(now)
                    .execute(pool)
                    .await?
                    .rows_affected())
            }
            Finish::Failed { error } => {
                let sql = "UPDATE channel_posts SET status = 'FAILED', last_error = $4, claim_id = NULL, \
                           claimed_until = NULL, updated_at = $5 \
                           WHERE event_id = $1 AND channel = $2 AND claim_id = $3";
                with_db!(&self.db, pool => sqlx::query(sql)
                    .bind(event_id)
                    .bind(channel.code())
                    .bind(claim_id)
                    .bind(error)
                    .bind(now)
                    .execute(pool)
                    .await?
                    .rows_affected())
            }
        };
        Ok(n == 1)
    }

    /// Marks the distribution ended and queues its message, in one transaction.
    pub async fn complete(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
        message: &Envelope,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE distributions SET completed_at = $2, updated_at = $2 WHERE event_id = $1")
                .bind(event_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            outbox_insert!(&mut *tx, message).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
