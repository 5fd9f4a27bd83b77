//! Bus consumers of the event service: the results of AI and image jobs.
//! Idempotent: a job only moves forward from an open state, so a
//! redelivered or late result changes nothing; results about jobs this
//! service does not know are acknowledged and dropped.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use contracts::{
    ai::{AiJobCompleted, AiJobFailed, AiJobStarted},
    content::{ImageJobCompleted, ImageJobFailed},
    topics::{AiResultTopicMessage, ImageResultTopicMessage},
};
use platform::{
    bus::{self, Bus, BusError, Consumer, Message, Outcome},
    db::StoreError,
};
use tokio_util::sync::CancellationToken;

use crate::{
    jobs_store::{AiOutcome, RERENDER},
    plan::JobStatus,
    service::EventService,
};

/// Consumer group of the event service.
pub const GROUP: &str = "event";

/// Subscribes the result consumers.
pub fn start(
    service: Arc<EventService>,
    bus: &Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> Result<Vec<tokio::task::JoinHandle<()>>, BusError> {
    let results = Arc::new(JobResults { service });
    Ok(vec![
        bus::consume::<AiResultTopicMessage, _>(bus, GROUP, results.clone(), shutdown.clone())?,
        bus::consume::<ImageResultTopicMessage, _>(bus, GROUP, results, shutdown)?,
    ])
}

struct JobResults {
    service: Arc<EventService>,
}

#[async_trait]
impl Consumer<AiResultTopicMessage> for JobResults {
    async fn handle(&self, message: Message<AiResultTopicMessage>) -> Outcome {
        let service = &self.service;
        Outcome::retry_on_error(match message.body {
            AiResultTopicMessage::AiJobStarted(m) => service.ai_job_started(&m).await,
            AiResultTopicMessage::AiJobCompleted(m) => service.ai_job_completed(&m).await,
            AiResultTopicMessage::AiJobFailed(m) => service.ai_job_failed(&m).await,
        })
    }
}

#[async_trait]
impl Consumer<ImageResultTopicMessage> for JobResults {
    async fn handle(&self, message: Message<ImageResultTopicMessage>) -> Outcome {
        let service = &self.service;
        Outcome::retry_on_error(match message.body {
            ImageResultTopicMessage::ImageJobCompleted(m) => service.image_job_completed(&m).await,
            ImageResultTopicMessage::ImageJobFailed(m) => service.image_job_failed(&m).await,
        })
    }
}

impl EventService {
    async fn ai_job_started(&self, m: &AiJobStarted) -> Result<(), StoreError> {
        self.store
            .finish_ai_job(
                &m.job_id,
                JobStatus::Processing,
                AiOutcome::default(),
                Utc::now(),
            )
            .await?;
        Ok(())
    }

    async fn ai_job_completed(&self, m: &AiJobCompleted) -> Result<(), StoreError> {
        let trend = serde_json::to_string(&m.trend_analysis).unwrap_or_default();
        let recommendations = serde_json::to_string(&m.recommendations).unwrap_or_default();
        let outcome = AiOutcome {
            provider: Some(&m.provider),
            trend_analysis: Some(&trend),
            recommendations: Some(&recommendations),
            reason: None,
        };
        let changed = self
            .store
            .finish_ai_job(&m.job_id, JobStatus::Completed, outcome, Utc::now())
            .await?;
        if changed {
            tracing::info!(event_id = %m.event_id, job_id = %m.job_id, "ai job completed");
        }
        Ok(())
    }

    async fn ai_job_failed(&self, m: &AiJobFailed) -> Result<(), StoreError> {
        let outcome = AiOutcome {
            reason: Some(&m.reason),
            ..AiOutcome::default()
        };
        self.store
            .finish_ai_job(&m.job_id, JobStatus::Failed, outcome, Utc::now())
            .await?;
        Ok(())
    }

    async fn image_job_completed(&self, m: &ImageJobCompleted) -> Result<(), StoreError> {
        let Some(job) = self.store.image_job(&m.job_id).await? else {
            return Ok(());
        };
        if !self
            .store
            .complete_image_job(&m.job_id, &job.event_id, &m.images, Utc::now())
            .await?
        {
            return Ok(());
        }
        tracing::info!(event_id = %job.event_id, job_id = %m.job_id, images = m.images.len(), "image job completed");
        if job.kind == RERENDER {
            if let Some(image) = m.images.first() {
                self.switch_content(&job.event_id, &m.job_id, Some(image))
                    .await?;
            }
        }
        Ok(())
    }

    async fn image_job_failed(&self, m: &ImageJobFailed) -> Result<(), StoreError> {
        let Some(job) = self.store.image_job(&m.job_id).await? else {
            return Ok(());
        };
        if self
            .store
            .fail_image_job(&m.job_id, &m.reason, Utc::now())
            .await?
            && job.kind == RERENDER
        {
            // The edit's text stays; the previous image stays until a new edit.
            self.switch_content(&job.event_id, &m.job_id, None).await?;
        }
        Ok(())
    }

    /// Ends the re-render `job_id` of the chosen content: the content takes
    /// the new image, or (on failure) just stops waiting. A content chosen
    /// again since then is left alone.
    async fn switch_content(
        &self,
        event_id: &str,
        job_id: &str,
        image: Option<&contracts::content::RenderedImage>,
    ) -> Result<(), StoreError> {
        let Some(row) = self.store.find(event_id).await? else {
            return Ok(());
        };
        let (Some(old_json), Some(mut content)) = (row.content.clone(), row.chosen_content())
        else {
            return Ok(());
        };
        if content.rendering_job_id.as_deref() != Some(job_id) {
            return Ok(());
        }
        if let Some(image) = image {
            content.image_id = image.image_id.clone();
            content.image_url = image.url.clone();
        }
        content.rendering_job_id = None;
        if let Some(row) = self
            .store
            .set_content(event_id, row.user_id, Some(&old_json), &content)
            .await?
        {
            self.refresh_cache(&row).await;
        }
        Ok(())
    }
}
