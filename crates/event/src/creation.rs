//! The creation steps between purpose and publish: AI recommendations
//! (UFR-EVENT-030), choosing a plan, images (UFR-CONT-010) and the content
//! edit (UFR-CONT-020). The ai and content services do the work; requests go
//! out through the outbox and results come back over the bus ([`crate::worker`]).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use contracts::{
    ai::{AiJobRequested, Recommendation, TrendAnalysis},
    content::{ImageJobRequested, ImagePlatform, ImageStyle, ImageText},
    messages::{rfc3339, Envelope},
};
use platform::ids::new_id;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    jobs_store::{AiJobRow, AiOutcome, ImageJobRow, ImageRow, PlanColumns, GENERATE, RERENDER},
    plan::{
        call_to_action, default_caption, period, ChosenContent, ContentEdit, JobStatus,
        RecommendationChoice,
    },
    service::{EventError, EventService, EventView},
    store::EventRow,
};

/// An AI job as the owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AiJobView {
    pub job_id: String,
    #[schema(value_type = String, example = "COMPLETED")]
    pub status: JobStatus,
    #[schema(value_type = Option<Object>)]
    pub trend_analysis: Option<TrendAnalysis>,
    #[schema(value_type = Vec<Object>)]
    pub recommendations: Vec<Recommendation>,
    /// Why the job failed, when it did.
    pub reason: Option<String>,
    pub provider: Option<String>,
    pub requested_at: String,
    pub updated_at: String,
}

impl From<&AiJobRow> for AiJobView {
    fn from(row: &AiJobRow) -> Self {
        AiJobView {
            job_id: row.job_id.clone(),
            status: row.status(),
            trend_analysis: row
                .trend_analysis
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok()),
            recommendations: row
                .recommendations
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default(),
            reason: row.reason.clone(),
            provider: row.provider.clone(),
            requested_at: rfc3339(row.requested_at),
            updated_at: rfc3339(row.updated_at),
        }
    }
}

/// One rendered image.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageView {
    pub image_id: String,
    #[schema(example = "SIMPLE")]
    pub style: String,
    #[schema(example = "INSTAGRAM")]
    pub platform: String,
    pub url: String,
    pub width: i32,
    pub height: i32,
    pub content_type: String,
    pub bytes: i64,
}

impl From<&ImageRow> for ImageView {
    fn from(row: &ImageRow) -> Self {
        ImageView {
            image_id: row.image_id.clone(),
            style: row.style.clone(),
            platform: row.platform.clone(),
            url: row.url.clone(),
            width: row.width,
            height: row.height,
            content_type: row.content_type.clone(),
            bytes: row.bytes,
        }
    }
}

/// The newest image generation of an event and its images.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImagesView {
    pub job_id: String,
    #[schema(value_type = String, example = "COMPLETED")]
    pub status: JobStatus,
    pub reason: Option<String>,
    pub images: Vec<ImageView>,
}

/// What an image job request answers (202).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobAccepted {
    pub job_id: String,
    #[schema(value_type = String, example = "PENDING")]
    pub status: JobStatus,
}

fn timed_out(requested_at: DateTime<Utc>, timeout_secs: u64) -> bool {
    let timeout = chrono::Duration::from_std(Duration::from_secs(timeout_secs))
        .unwrap_or(chrono::Duration::MAX);
    Utc::now() - requested_at > timeout
}

impl EventService {
    /// A draft of this owner, read from the database (writes need its latest state).
    pub(crate) async fn owned_draft(&self, user_id: i64, id: &str) -> Result<EventRow, EventError> {
        let row = self.store.find(id).await?.ok_or(EventError::NotFound)?;
        if row.user_id != user_id {
            return Err(EventError::Forbidden);
        }
        if !row.status().is_editable() {
            return Err(EventError::WrongStatus(row.status()));
        }
        Ok(row)
    }

    /// Starts an AI job (202). A job still running is answered instead of a
    /// second one, so a double tap costs one job.
    pub async fn request_recommendations(
        &self,
        user_id: i64,
        id: &str,
        start_date: Option<NaiveDate>,
    ) -> Result<AiJobView, EventError> {
        let row = self.owned_draft(user_id, id).await?;
        let today = self.clock.korea_today();
        // Plans start tomorrow unless the owner says otherwise: a day to prepare.
        let start = start_date.unwrap_or(today + chrono::Duration::days(1));
        if start < today {
            return Err(EventError::InvalidRecommendation(
                crate::plan::ChoiceError::Field {
                    field: "startDate",
                    reason: "오늘 이후의 날짜여야 합니다".into(),
                },
            ));
        }
        if let Some(job) = self.current_ai_job(id).await? {
            if job.status().is_open() {
                return Ok(AiJobView::from(&job));
            }
        }
        let now = Utc::now();
        let job_id = new_id("aijob");
        let message = Envelope::wrap(&AiJobRequested {
            job_id: job_id.clone(),
            event_id: row.id.clone(),
            user_id,
            objective: row.objective.clone(),
            store_name: row.store_name.clone(),
            industry: row.industry.clone(),
            address: row.address.clone(),
            start_date: start.format("%Y-%m-%d").to_string(),
            requested_at: rfc3339(now),
        });
        self.store.insert_ai_job(&job_id, id, now, &message).await?;
        self.outbox.send(std::slice::from_ref(&message)).await;
        tracing::info!(event_id = id, job_id, "ai job requested");
        let job = self
            .store
            .latest_ai_job(id)
            .await?
            .ok_or(EventError::NotFound)?;
        Ok(AiJobView::from(&job))
    }

    /// The newest AI job, failed here if it outlived the AI timeout.
    async fn current_ai_job(&self, id: &str) -> Result<Option<AiJobRow>, EventError> {
        let Some(job) = self.store.latest_ai_job(id).await? else {
            return Ok(None);
        };
        if job.status().is_open() && timed_out(job.requested_at, self.config.ai_job_timeout_secs) {
            let reason = format!(
                "AI 응답 시간({}초)을 초과했습니다. 다시 요청해 주세요",
                self.config.ai_job_timeout_secs
            );
            let outcome = AiOutcome {
                reason: Some(&reason),
                ..AiOutcome::default()
            };
            self.store
                .finish_ai_job(&job.job_id, JobStatus::Failed, outcome, Utc::now())
                .await?;
            return self.store.latest_ai_job(id).await.map_err(Into::into);
        }
        Ok(Some(job))
    }

    /// The newest AI job's status and, when done, its analysis and three plans.
    pub async fn recommendations(&self, user_id: i64, id: &str) -> Result<AiJobView, EventError> {
        self.get(user_id, id).await?;
        let job = self
            .current_ai_job(id)
            .await?
            .ok_or(EventError::NoRecommendations)?;
        Ok(AiJobView::from(&job))
    }

    /// Chooses one of the three plans, with the owner's adjustments; the
    /// draft takes its title, prize and dates.
    pub async fn select_recommendation(
        &self,
        user_id: i64,
        id: &str,
        choice: RecommendationChoice,
    ) -> Result<EventView, EventError> {
        let row = self.owned_draft(user_id, id).await?;
        let options = match self.current_ai_job(id).await? {
            Some(job) if job.status() == JobStatus::Completed => {
                AiJobView::from(&job).recommendations
            }
            Some(_) => {
                return Err(EventError::StepNotReady(
                    "AI 추천이 아직 완료되지 않았습니다",
                ))
            }
            // A duplicated draft carries its source's plan and no AI job:
            // the owner adjusts that plan (its dates, above all).
            None => row.plan().into_iter().collect(),
        };
        if options.is_empty() {
            return Err(EventError::NoRecommendations);
        }
        let plan = choice
            .apply(&options)
            .map_err(EventError::InvalidRecommendation)?;
        let json = serde_json::to_string(&plan).unwrap_or_default();
        let columns = PlanColumns {
            title: &plan.title,
            prize: &plan.prize,
            start_date: &plan.duration.start_date,
            end_date: &plan.duration.end_date,
            json: &json,
        };
        match self.store.set_recommendation(id, user_id, &columns).await? {
            Some(row) => Ok(self.refresh_cache(&row).await),
            None => Err(self.explain_miss(user_id, id).await),
        }
    }

    /// Starts rendering the three styles for `platforms` (all when empty).
    pub async fn request_images(
        &self,
        user_id: i64,
        id: &str,
        platforms: Vec<ImagePlatform>,
    ) -> Result<JobAccepted, EventError> {
        let row = self.owned_draft(user_id, id).await?;
        if row.recommendation.is_none() {
            return Err(EventError::StepNotReady(
                "먼저 AI 추천 중 하나를 선택하세요",
            ));
        }
        if let Some(job) = self.current_image_job(id).await? {
            if job.status().is_open() {
                return Ok(JobAccepted {
                    status: job.status(),
                    job_id: job.job_id,
                });
            }
        }
        let platforms = if platforms.is_empty() {
            ImagePlatform::ALL.to_vec()
        } else {
            platforms
        };
        let text = image_text(&row, None, None);
        let job_id = self
            .start_image_job(&row, GENERATE, ImageStyle::ALL.to_vec(), platforms, text)
            .await?;
        Ok(JobAccepted {
            job_id,
            status: JobStatus::Pending,
        })
    }

    async fn start_image_job(
        &self,
        row: &EventRow,
        kind: &str,
        styles: Vec<ImageStyle>,
        platforms: Vec<ImagePlatform>,
        text: ImageText,
    ) -> Result<String, EventError> {
        let now = Utc::now();
        let job_id = new_id("imgjob");
        let message = Envelope::wrap(&ImageJobRequested {
            job_id: job_id.clone(),
            event_id: row.id.clone(),
            user_id: row.user_id,
            styles,
            platforms,
            text,
            industry: row.industry.clone(),
            requested_at: rfc3339(now),
            photos: crate::photos::refs(row),
        });
        self.store
            .insert_image_job(&job_id, &row.id, kind, now, &message)
            .await?;
        self.outbox.send(std::slice::from_ref(&message)).await;
        tracing::info!(event_id = %row.id, job_id, kind, "image job requested");
        Ok(job_id)
    }

    /// The newest generation job, failed here if it outlived its timeout.
    async fn current_image_job(&self, id: &str) -> Result<Option<ImageJobRow>, EventError> {
        let Some(job) = self.store.latest_image_job(id, GENERATE).await? else {
            return Ok(None);
        };
        if job.status().is_open() && timed_out(job.requested_at, self.config.image_job_timeout_secs)
        {
            let reason = "이미지 생성 시간이 초과되었습니다. 다시 요청해 주세요";
            self.store
                .fail_image_job(&job.job_id, reason, Utc::now())
                .await?;
            return Ok(self.store.image_job(&job.job_id).await?);
        }
        Ok(Some(job))
    }

    /// The newest generation's status and images.
    pub async fn images(&self, user_id: i64, id: &str) -> Result<ImagesView, EventError> {
        self.get(user_id, id).await?;
        let job = self
            .current_image_job(id)
            .await?
            .ok_or(EventError::StepNotReady(
                "아직 이미지 생성을 요청하지 않았습니다",
            ))?;
        let images = self.store.images_of_job(&job.job_id).await?;
        Ok(ImagesView {
            status: job.status(),
            reason: job.reason.clone(),
            job_id: job.job_id,
            images: images.iter().map(ImageView::from).collect(),
        })
    }

    /// Chooses an image and edits its texts; a changed title or prize is
    /// re-rendered onto the image (the content switches to the new image
    /// when the render completes).
    pub async fn edit_content(
        &self,
        user_id: i64,
        id: &str,
        edit: ContentEdit,
    ) -> Result<EventView, EventError> {
        let row = self.owned_draft(user_id, id).await?;
        let image = self
            .store
            .find_image(id, &edit.image_id)
            .await?
            .ok_or_else(|| {
                EventError::InvalidContent(crate::plan::ChoiceError::Field {
                    field: "imageId",
                    reason: "이 이벤트의 이미지가 아닙니다".into(),
                })
            })?;
        let plan: Option<Recommendation> = row
            .recommendation
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok());
        let current: Option<ChosenContent> = row
            .content
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok());
        let printed_title = current
            .as_ref()
            .map(|c| c.title.clone())
            .or_else(|| row.title.clone())
            .unwrap_or_default();
        let printed_prize = current
            .as_ref()
            .map(|c| c.prize_text.clone())
            .or_else(|| row.prize.clone())
            .unwrap_or_default();
        let title = edit.title.clone().unwrap_or_else(|| printed_title.clone());
        let prize_text = edit
            .prize_text
            .clone()
            .unwrap_or_else(|| printed_prize.clone());
        let caption = edit
            .caption
            .clone()
            .or_else(|| current.as_ref().map(|c| c.caption.clone()))
            .or_else(|| plan.map(|p| default_caption(&p, &title)))
            .unwrap_or_default();
        let rendering_job_id = if title != printed_title || prize_text != printed_prize {
            let (Some(style), Some(platform)) = (
                ImageStyle::parse(&image.style),
                ImagePlatform::parse(&image.platform),
            ) else {
                return Err(EventError::InvalidImageRequest(image.style.clone()));
            };
            let text = image_text(&row, Some(&title), Some(&prize_text));
            Some(
                self.start_image_job(&row, RERENDER, vec![style], vec![platform], text)
                    .await?,
            )
        } else {
            None
        };
        let content = ChosenContent {
            image_id: image.image_id.clone(),
            style: image.style.clone(),
            platform: image.platform.clone(),
            image_url: image.url.clone(),
            title,
            prize_text,
            caption,
            rendering_job_id,
        };
        match self.store.set_content(id, user_id, None, &content).await? {
            Some(row) => Ok(self.refresh_cache(&row).await),
            None => Err(self.explain_miss(user_id, id).await),
        }
    }
}

/// The words printed on an event's images; `title` and `prize` override the plan's.
fn image_text(row: &EventRow, title: Option<&str>, prize: Option<&str>) -> ImageText {
    let start = row.start_date.clone().unwrap_or_default();
    let end = row.end_date.clone().unwrap_or_default();
    ImageText {
        title: title
            .map(str::to_string)
            .or_else(|| row.title.clone())
            .unwrap_or_default(),
        prize: prize
            .map(str::to_string)
            .or_else(|| row.prize.clone())
            .unwrap_or_default(),
        period: period(&start, &end),
        store_name: row.store_name.clone(),
        call_to_action: call_to_action(&row.objective).to_string(),
    }
}
