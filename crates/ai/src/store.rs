//! The ai service's only SQL: its jobs, each state change committed with the
//! bus message it causes (outbox).

use chrono::{DateTime, Utc};
use contracts::{ai::AiJobRequested, messages::Envelope};
use platform::{
    db::{Db, StoreError},
    outbox_insert, with_db,
};

use crate::domain::JobState;

/// A job row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub job_id: String,
    pub event_id: String,
    pub status: String,
    /// The request as received (JSON), so a resumed run has its inputs.
    pub request: String,
    pub provider: Option<String>,
    pub trend_analysis: Option<String>,
    pub recommendations: Option<String>,
    pub reason: Option<String>,
    pub received_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl JobRow {
    pub fn state(&self) -> JobState {
        // The CHECK constraint allows only the three states.
        JobState::parse(&self.status).unwrap_or(JobState::Failed)
    }

    /// The stored request, when it still reads as one.
    pub fn request(&self) -> Option<AiJobRequested> {
        serde_json::from_str(&self.request).ok()
    }
}

/// What [`AiStore::accept`] found.
#[derive(Debug)]
pub enum Accepted {
    /// A job never seen before, now PROCESSING with its AiJobStarted queued.
    New(JobRow),
    /// The job was already here (a redelivered request); nothing changed.
    Existing(JobRow),
}

/// How a job ended.
#[derive(Debug, Clone, Copy)]
pub enum Finish<'a> {
    Completed {
        provider: &'a str,
        trend_analysis: &'a str,
        recommendations: &'a str,
    },
    Failed {
        reason: &'a str,
    },
}

const COLUMNS: &str = "job_id, event_id, status, request, provider, trend_analysis, \
                       recommendations, reason, received_at, finished_at";

/// The job table and the outbox of the ai service.
#[derive(Clone)]
pub struct AiStore {
    db: Db,
}

impl AiStore {
    pub fn new(db: Db) -> AiStore {
        AiStore { db }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Records a new job as PROCESSING together with its `started` message;
    /// a job id already present changes nothing (idempotent by `jobId`).
    pub async fn accept(
        &self,
        request: &AiJobRequested,
        now: DateTime<Utc>,
        started: &Envelope,
    ) -> Result<Accepted, StoreError> {
        let json = serde_json::to_string(request).unwrap_or_default();
        let inserted = with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO ai_jobs (job_id, event_id, status, request, received_at) \
                 VALUES ($1, $2, 'PROCESSING', $3, $4) ON CONFLICT (job_id) DO NOTHING",
            )
            .bind(&request.job_id)
            .bind(&request.event_id)
            .bind(&json)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if inserted {
                outbox_insert!(&mut *tx, started).await?;
            }
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(inserted)
        })
        .map_err(StoreError::classify)?;
        let row = self
            .find(&request.job_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(if inserted {
            Accepted::New(row)
        } else {
            Accepted::Existing(row)
        })
    }

    /// Ends a PROCESSING job and queues its result `message` in the same
    /// transaction. A job already ended is left alone and nothing is queued,
    /// so of two racing runs exactly one result is published. Whether this
    /// call ended it.
    pub async fn finish(
        &self,
        job_id: &str,
        finish: Finish<'_>,
        now: DateTime<Utc>,
        message: &Envelope,
    ) -> Result<bool, StoreError> {
        let (status, provider, trend, recommendations, reason) = match finish {
            Finish::Completed {
                provider,
                trend_analysis,
                recommendations,
            } => (
                JobState::Completed,
                Some(provider),
                Some(trend_analysis),
                Some(recommendations),
                None,
            ),
            Finish::Failed { reason } => (JobState::Failed, None, None, None, Some(reason)),
        };
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE ai_jobs SET status = $2, provider = $3, trend_analysis = $4, \
                 recommendations = $5, reason = $6, finished_at = $7 \
                 WHERE job_id = $1 AND status = 'PROCESSING'",
            )
            .bind(job_id)
            .bind(status.as_str())
            .bind(provider)
            .bind(trend)
            .bind(recommendations)
            .bind(reason)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if changed {
                outbox_insert!(&mut *tx, message).await?;
            }
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(changed)
        })
        .map_err(StoreError::classify)
    }

    /// A job by id.
    pub async fn find(&self, job_id: &str) -> Result<Option<JobRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM ai_jobs WHERE job_id = $1");
        with_db!(&self.db, pool => {
            sqlx::query_as::<_, JobRow>(&sql).bind(job_id).fetch_optional(pool).await
        })
        .map_err(StoreError::classify)
    }

    /// Jobs still PROCESSING (a run that a restart interrupted), oldest first.
    pub async fn open_jobs(&self, limit: i64) -> Result<Vec<JobRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM ai_jobs WHERE status = 'PROCESSING' \
             ORDER BY received_at, job_id LIMIT $1"
        );
        with_db!(&self.db, pool => {
            sqlx::query_as::<_, JobRow>(&sql).bind(limit).fetch_all(pool).await
        })
        .map_err(StoreError::classify)
    }
}
