//! SQL of the creation steps: AI and image jobs as the event service tracks
//! them, the images the content service reported, and the draft's chosen
//! plan and content.

use chrono::{DateTime, Utc};
use contracts::{content::RenderedImage, messages::Envelope};
use platform::{db::StoreError, outbox_insert, with_db};

use crate::{
    domain::EventStatus,
    plan::JobStatus,
    store::{EventRow, EventStore, EVENT_COLUMNS},
};

/// An AI recommendation job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AiJobRow {
    pub job_id: String,
    pub event_id: String,
    pub status: String,
    pub provider: Option<String>,
    pub trend_analysis: Option<String>,
    pub recommendations: Option<String>,
    pub reason: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An image job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImageJobRow {
    pub job_id: String,
    pub event_id: String,
    pub kind: String,
    pub status: String,
    pub reason: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AiJobRow {
    pub fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status).unwrap_or(JobStatus::Failed)
    }
}

impl ImageJobRow {
    pub fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status).unwrap_or(JobStatus::Failed)
    }
}

/// A rendered image of an event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImageRow {
    pub image_id: String,
    pub event_id: String,
    pub job_id: String,
    pub style: String,
    pub platform: String,
    pub url: String,
    pub width: i32,
    pub height: i32,
    pub content_type: String,
    pub bytes: i64,
}

/// Image jobs are of two kinds.
pub const GENERATE: &str = "GENERATE";
pub const RERENDER: &str = "RERENDER";

const AI_COLUMNS: &str = "job_id, event_id, status, provider, trend_analysis, recommendations, \
                          reason, requested_at, updated_at";
const IMAGE_JOB_COLUMNS: &str = "job_id, event_id, kind, status, reason, requested_at, updated_at";
const IMAGE_COLUMNS: &str =
    "image_id, event_id, job_id, style, platform, url, width, height, content_type, bytes";

impl EventStore {
    /// Records a new AI job and its request message in one transaction.
    pub async fn insert_ai_job(
        &self,
        job_id: &str,
        event_id: &str,
        now: DateTime<Utc>,
        message: &Envelope,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO ai_jobs (job_id, event_id, status, requested_at, updated_at) \
                 VALUES ($1, $2, 'PENDING', $3, $3)",
            )
            .bind(job_id)
            .bind(event_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            outbox_insert!(&mut *tx, message).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The newest AI job of an event.
    pub async fn latest_ai_job(&self, event_id: &str) -> Result<Option<AiJobRow>, StoreError> {
        let sql = format!(
            "SELECT {AI_COLUMNS} FROM ai_jobs WHERE event_id = $1 \
             ORDER BY requested_at DESC, job_id DESC LIMIT 1"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, AiJobRow>(&sql).bind(event_id).fetch_optional(pool).await
        })?)
    }

    /// Moves an open AI job on; a job already finished is left as it is, so
    /// redelivered or late messages change nothing. Whether a row changed.
    pub async fn finish_ai_job(
        &self,
        job_id: &str,
        status: JobStatus,
        outcome: AiOutcome<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let from = match status {
            JobStatus::Processing => "('PENDING')",
            _ => "('PENDING', 'PROCESSING')",
        };
        let sql = format!(
            "UPDATE ai_jobs SET status = $2, provider = COALESCE($3, provider), \
             trend_analysis = COALESCE($4, trend_analysis), \
             recommendations = COALESCE($5, recommendations), reason = $6, updated_at = $7 \
             WHERE job_id = $1 AND status IN {from}"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query(&sql)
                .bind(job_id)
                .bind(status.as_str())
                .bind(outcome.provider)
                .bind(outcome.trend_analysis)
                .bind(outcome.recommendations)
                .bind(outcome.reason)
                .bind(now)
                .execute(pool)
                .await
                .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// Saves the chosen plan on a draft of this owner; `None` when none matched.
    pub async fn set_recommendation(
        &self,
        id: &str,
        user_id: i64,
        plan: &PlanColumns<'_>,
    ) -> Result<Option<EventRow>, StoreError> {
        let sql = format!(
            "UPDATE event_drafts SET title = $3, prize = $4, start_date = $5, end_date = $6, \
             recommendation = $7, updated_at = $8 \
             WHERE id = $1 AND user_id = $2 AND status = $9 RETURNING {EVENT_COLUMNS}"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(plan.title)
                .bind(plan.prize)
                .bind(plan.start_date)
                .bind(plan.end_date)
                .bind(plan.json)
                .bind(Utc::now())
                .bind(EventStatus::EDITABLE.as_str())
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Records a new image job and its request message in one transaction.
    pub async fn insert_image_job(
        &self,
        job_id: &str,
        event_id: &str,
        kind: &str,
        now: DateTime<Utc>,
        message: &Envelope,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO image_jobs (job_id, event_id, kind, status, requested_at, updated_at) \
                 VALUES ($1, $2, $3, 'PENDING', $4, $4)",
            )
            .bind(job_id)
            .bind(event_id)
            .bind(kind)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            outbox_insert!(&mut *tx, message).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn image_job(&self, job_id: &str) -> Result<Option<ImageJobRow>, StoreError> {
        let sql = format!("SELECT {IMAGE_JOB_COLUMNS} FROM image_jobs WHERE job_id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, ImageJobRow>(&sql).bind(job_id).fetch_optional(pool).await
        })?)
    }

    /// The newest job of `kind` for an event.
    pub async fn latest_image_job(
        &self,
        event_id: &str,
        kind: &str,
    ) -> Result<Option<ImageJobRow>, StoreError> {
        let sql = format!(
            "SELECT {IMAGE_JOB_COLUMNS} FROM image_jobs WHERE event_id = $1 AND kind = $2 \
             ORDER BY requested_at DESC, job_id DESC LIMIT 1"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, ImageJobRow>(&sql)
                .bind(event_id)
                .bind(kind)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Completes an open image job with its images in one transaction;
    /// whether it was open (a redelivered result changes nothing).
    pub async fn complete_image_job(
        &self,
        job_id: &str,
        event_id: &str,
        images: &[RenderedImage],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let opened = sqlx::query(
                "UPDATE image_jobs SET status = 'COMPLETED', updated_at = $2 \
                 WHERE job_id = $1 AND status IN ('PENDING', 'PROCESSING')",
            )
            .bind(job_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if opened == 0 {
                return Ok(false);
            }
            for image in images {
                sqlx::query(
                    "INSERT INTO event_images (image_id, event_id, job_id, style, platform, url, \
                     width, height, content_type, bytes, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (image_id) DO NOTHING",
                )
                .bind(&image.image_id)
                .bind(event_id)
                .bind(job_id)
                .bind(image.style.code())
                .bind(image.platform.code())
                .bind(&image.url)
                .bind(image.width as i32)
                .bind(image.height as i32)
                .bind(&image.content_type)
                .bind(image.bytes as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Fails an open image job; whether it was open.
    pub async fn fail_image_job(
        &self,
        job_id: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE image_jobs SET status = 'FAILED', reason = $2, updated_at = $3 \
                 WHERE job_id = $1 AND status IN ('PENDING', 'PROCESSING')",
            )
            .bind(job_id)
            .bind(reason)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// The images a job produced, in a stable order.
    pub async fn images_of_job(&self, job_id: &str) -> Result<Vec<ImageRow>, StoreError> {
        let sql = format!(
            "SELECT {IMAGE_COLUMNS} FROM event_images WHERE job_id = $1 ORDER BY platform, style"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, ImageRow>(&sql).bind(job_id).fetch_all(pool).await
        })?)
    }

    /// One image of an event.
    pub async fn find_image(
        &self,
        event_id: &str,
        image_id: &str,
    ) -> Result<Option<ImageRow>, StoreError> {
        let sql = format!(
            "SELECT {IMAGE_COLUMNS} FROM event_images WHERE event_id = $1 AND image_id = $2"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, ImageRow>(&sql)
                .bind(event_id)
                .bind(image_id)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Replaces the chosen content of a draft of this owner, but only if it
    /// is still `expected` (None: any), so a late re-render never overwrites
    /// a newer choice. `None` when nothing matched. The content's title and
    /// prize become the event's: the owner's last word is the title the
    /// list, the search, the posts and `EventCreated` read.
    pub async fn set_content(
        &self,
        id: &str,
        user_id: i64,
        expected: Option<&str>,
        content: &crate::plan::ChosenContent,
    ) -> Result<Option<EventRow>, StoreError> {
        let json = serde_json::to_string(content).unwrap_or_default();
        let sql = format!(
            "UPDATE event_drafts SET content = $3, updated_at = $4, title = $7, prize = $8 \
             WHERE id = $1 AND user_id = $2 AND status = $6 \
             AND ($5 IS NULL OR content = $5) RETURNING {EVENT_COLUMNS}"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, EventRow>(&sql)
                .bind(id)
                .bind(user_id)
                .bind(&json)
                .bind(Utc::now())
                .bind(expected)
                .bind(EventStatus::EDITABLE.as_str())
                .bind(&content.title)
                .bind(&content.prize_text)
                .fetch_optional(pool)
                .await
        })?)
    }
}

/// What a finished AI job carries (JSON texts), all optional.
#[derive(Debug, Default)]
pub struct AiOutcome<'a> {
    pub provider: Option<&'a str>,
    pub trend_analysis: Option<&'a str>,
    pub recommendations: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// The chosen plan as the draft's columns.
#[derive(Debug)]
pub struct PlanColumns<'a> {
    pub title: &'a str,
    pub prize: &'a str,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub json: &'a str,
}
