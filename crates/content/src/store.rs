//! The content service's only SQL: finished jobs, their images, the outbox.

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{
    db::{Db, StoreError},
    outbox_insert, with_db,
};

/// A stored image, as recorded with its job.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImageRecord {
    pub image_id: String,
    pub job_id: String,
    pub event_id: String,
    /// `SIMPLE` | `FANCY` | `TRENDY`.
    pub style: String,
    /// `INSTAGRAM` | `NAVER` | `KAKAO`.
    pub platform: String,
    pub object_key: String,
    pub url: String,
    pub width: i32,
    pub height: i32,
    pub content_type: String,
    pub bytes: i64,
}

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Completed,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Completed => "COMPLETED",
            JobStatus::Failed => "FAILED",
        }
    }
    fn parse(s: &str) -> Option<JobStatus> {
        match s {
            "COMPLETED" => Some(JobStatus::Completed),
            "FAILED" => Some(JobStatus::Failed),
            _ => None,
        }
    }
}

/// A finished job to record: its images (none when it failed) and the
/// result message that goes out with it.
pub struct Finished<'a> {
    pub job_id: &'a str,
    pub event_id: &'a str,
    pub status: JobStatus,
    pub reason: Option<&'a str>,
    pub render_ms: i64,
    pub images: &'a [ImageRecord],
    pub message: &'a Envelope,
}

/// Content persistence.
#[derive(Clone)]
pub struct ContentStore {
    db: Db,
}

impl ContentStore {
    pub fn new(db: Db) -> ContentStore {
        ContentStore { db }
    }

    /// How job `job_id` ended, if this service has finished it.
    pub async fn job_status(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
        let status: Option<String> = with_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT status FROM content_jobs WHERE job_id = $1")
                .bind(job_id)
                .fetch_optional(pool)
                .await
        })
        .map_err(StoreError::classify)?;
        Ok(status.as_deref().and_then(JobStatus::parse))
    }

    /// Records the job, its images and its result message in one
    /// transaction. Answers `false`, writing nothing, when the job was
    /// already recorded (a redelivery that raced the first delivery).
    pub async fn record(&self, job: &Finished<'_>, now: DateTime<Utc>) -> Result<bool, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await.map_err(StoreError::classify)?;
            let inserted = sqlx::query(
                "INSERT INTO content_jobs (job_id, event_id, status, reason, render_ms, finished_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job_id) DO NOTHING",
            )
            .bind(job.job_id)
            .bind(job.event_id)
            .bind(job.status.as_str())
            .bind(job.reason)
            .bind(job.render_ms)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::classify)?
            .rows_affected();
            if inserted == 0 {
                tx.rollback().await.map_err(StoreError::classify)?;
                return Ok(false);
            }
            for image in job.images {
                sqlx::query(
                    "INSERT INTO content_images (image_id, job_id, event_id, style, platform, object_key, \
                     url, width, height, content_type, bytes, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(&image.image_id)
                .bind(&image.job_id)
                .bind(&image.event_id)
                .bind(&image.style)
                .bind(&image.platform)
                .bind(&image.object_key)
                .bind(&image.url)
                .bind(image.width)
                .bind(image.height)
                .bind(&image.content_type)
                .bind(image.bytes)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::classify)?;
            }
            outbox_insert!(&mut *tx, job.message).await.map_err(StoreError::classify)?;
            tx.commit().await.map_err(StoreError::classify)?;
            Ok(true)
        })
    }

    /// The images of job `job_id`, in the order they were rendered.
    pub async fn images_of_job(&self, job_id: &str) -> Result<Vec<ImageRecord>, StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT image_id, job_id, event_id, style, platform, object_key, url, width, height, \
                 content_type, bytes FROM content_images WHERE job_id = $1 ORDER BY image_id",
            )
            .bind(job_id)
            .fetch_all(pool)
            .await
        })
        .map_err(StoreError::classify)
    }

    /// The image stored under `object_key`.
    pub async fn image_by_key(&self, object_key: &str) -> Result<Option<ImageRecord>, StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT image_id, job_id, event_id, style, platform, object_key, url, width, height, \
                 content_type, bytes FROM content_images WHERE object_key = $1",
            )
            .bind(object_key)
            .fetch_optional(pool)
            .await
        })
        .map_err(StoreError::classify)
    }
}
