//! Final approval and publish, exactly as seed 2 (UFR-EVENT-050).

use std::time::Duration;

use chrono::Utc;
use contracts::{
    distribution::{ChannelResult, DistributeRequest, DistributionContent},
    messages::{rfc3339, Envelope, EventCreated, EventPublished},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    channels::ChannelPlan,
    distribution_client::DistributionFailure,
    domain::EventStatus,
    readiness::{validate_publish_ready, DraftFacts},
    service::{purpose_key, EventError, EventService},
    store::EventRow,
};

/// Seed 2's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublishAnswer {
    pub event_id: String,
    #[schema(example = "ACTIVE")]
    pub status: String,
    #[schema(value_type = Vec<Object>)]
    pub distribution_results: Vec<ChannelResult>,
}

/// How often a publish that found another one distributing looks again.
const WAIT_STEP: Duration = Duration::from_millis(200);

fn answer(row: &EventRow) -> PublishAnswer {
    PublishAnswer {
        event_id: row.id.clone(),
        status: row.status().as_str().to_string(),
        distribution_results: row.distribution_results(),
    }
}

impl EventService {
    /// Seed 2, in its order: find by id and owner, validate, APPROVED +
    /// `EventCreated`, distribute (breaker, 70 s), ACTIVE, drop
    /// `purpose:{userId}`, answer. An ACTIVE event answers its stored results;
    /// an APPROVED one (a failed distribution) distributes again.
    pub async fn publish(
        &self,
        user_id: i64,
        id: &str,
        bearer: &str,
        channels: Option<Vec<String>>,
        verify_phone: bool,
    ) -> Result<PublishAnswer, EventError> {
        // 1. findById (id and owner).
        let row = self.store.find(id).await?.ok_or(EventError::NotFound)?;
        if row.user_id != user_id {
            return Err(EventError::Forbidden);
        }
        let row = match row.status() {
            EventStatus::Active => return Ok(answer(&row)),
            EventStatus::Ended => return Err(EventError::WrongStatus(EventStatus::Ended)),
            EventStatus::Approved => row,
            EventStatus::Draft => self.approve(row, channels, verify_phone).await?,
        };
        self.distribute(row, bearer).await
    }

    /// Steps 2–4: `validatePublishReady`, then APPROVED with `EventCreated`.
    async fn approve(
        &self,
        row: EventRow,
        channels: Option<Vec<String>>,
        verify_phone: bool,
    ) -> Result<EventRow, EventError> {
        let settings = row.channel_settings_map();
        let chosen = match channels {
            // Channels named at publish must be valid, with their saved settings.
            Some(codes) => {
                let settings = settings
                    .into_iter()
                    .filter(|(code, _)| codes.contains(code))
                    .collect();
                ChannelPlan::parse(&codes, &settings)?
                    .channels
                    .iter()
                    .map(|c| c.code().to_string())
                    .collect()
            }
            None => row.channel_codes(),
        };
        let content = row.chosen_content();
        let missing = validate_publish_ready(DraftFacts {
            has_objective: !row.objective.is_empty(),
            has_recommendation: row.recommendation.is_some(),
            has_content: content.is_some(),
            content_rendering: content.is_some_and(|c| c.rendering_job_id.is_some()),
            channel_count: chosen.len(),
            has_dates: row.start_date.is_some() && row.end_date.is_some(),
            end_date_passed: row
                .end_date
                .as_deref()
                .and_then(contracts::schedule::parse_date)
                .is_some_and(|end| end < self.clock.korea_today()),
        });
        if !missing.is_empty() {
            return Err(EventError::NotReady(missing));
        }
        let channels_json = serde_json::to_string(&chosen).unwrap_or_else(|_| "[]".into());
        let step = row.status().transition(EventStatus::Approved)?;
        let approved = self
            .store
            .approve(
                &row.id,
                row.user_id,
                step,
                &channels_json,
                verify_phone,
                Utc::now(),
                |r| {
                    Envelope::wrap(&EventCreated {
                        event_id: r.id.clone(),
                        user_id: r.user_id,
                        title: r.event_title(),
                        objective: r.objective.clone(),
                        created_at: rfc3339(r.approved_at.unwrap_or_else(Utc::now)),
                    })
                },
            )
            .await?;
        let Some((row, message)) = approved else {
            // Changed under us (another publish approved it first): start over from its state.
            let row = self
                .store
                .find(&row.id)
                .await?
                .ok_or(EventError::NotFound)?;
            return match row.status() {
                EventStatus::Approved | EventStatus::Active => Ok(row),
                other => Err(EventError::WrongStatus(other)),
            };
        };
        self.refresh_cache(&row).await;
        // No longer a draft in progress: a later tap of the same objective
        // starts a new draft, even if this publish then fails and the event
        // stays APPROVED (step 7 drops the pointer again once it is ACTIVE).
        self.cache.delete(&purpose_key(row.user_id)).await;
        self.outbox.send(std::slice::from_ref(&message)).await;
        tracing::info!(event_id = %row.id, "event approved");
        Ok(row)
    }

    /// Steps 5–8, once per event at a time: the database's claim decides who
    /// distributes; a concurrent publish waits for that one's outcome.
    async fn distribute(&self, row: EventRow, bearer: &str) -> Result<PublishAnswer, EventError> {
        if row.status() == EventStatus::Active {
            return Ok(answer(&row));
        }
        let budget = self.distribution_timeout + Duration::from_secs(5);
        let deadline = tokio::time::Instant::now() + budget;
        loop {
            let now = Utc::now();
            let until = now + chrono::Duration::from_std(budget).unwrap_or_default();
            if self.store.claim_distribution(&row.id, now, until).await? {
                break;
            }
            let current = self
                .store
                .find(&row.id)
                .await?
                .ok_or(EventError::NotFound)?;
            match current.status() {
                EventStatus::Approved => {}
                EventStatus::Active => return Ok(answer(&current)),
                other => return Err(EventError::WrongStatus(other)),
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(EventError::DistributionFailed(
                    "다른 배포 요청이 아직 끝나지 않았습니다".into(),
                ));
            }
            tokio::time::sleep(WAIT_STEP).await;
        }
        // 5. The synchronous distribution call.
        let body = self.distribution_request(&row);
        let outcome = self.distribution.distribute(bearer, &body).await;
        let results = match outcome {
            Ok(answer) => answer,
            Err(failure) => {
                self.store.release_distribution(&row.id).await?;
                tracing::warn!(event_id = %row.id, error = %failure, "distribution failed; the event stays APPROVED");
                return Err(EventError::DistributionFailed(describe(&failure)));
            }
        };
        // 6. ACTIVE with `published_at` (and `EventPublished` for participation and analytics).
        let results_json =
            serde_json::to_string(&results.channel_results).unwrap_or_else(|_| "[]".into());
        let published = succeeded_channels(&results.channel_results);
        let step = row.status().transition(EventStatus::Active)?;
        let activated = self
            .store
            .activate(&row.id, step, &results_json, Utc::now(), |r| {
                self.event_published(r, &published)
            })
            .await?;
        let Some((row, message)) = activated else {
            let current = self
                .store
                .find(&row.id)
                .await?
                .ok_or(EventError::NotFound)?;
            return Ok(answer(&current));
        };
        self.outbox.send(std::slice::from_ref(&message)).await;
        // `draft:event:{id}` must never be stale.
        self.refresh_cache(&row).await;
        // 7. The owner's in-progress pointer goes.
        self.cache.delete(&purpose_key(row.user_id)).await;
        tracing::info!(event_id = %row.id, successes = results.success_count, failures = results.failure_count, "event published");
        // 8. Answer.
        Ok(answer(&row))
    }

    fn distribution_request(&self, row: &EventRow) -> DistributeRequest {
        let plan = row.plan();
        let content = row.chosen_content();
        let settings = Some(row.channel_settings_map()).filter(|s| !s.is_empty());
        DistributeRequest {
            event_id: row.id.clone(),
            channels: row.channel_codes(),
            channel_settings: settings,
            content: Some(DistributionContent {
                title: row.event_title(),
                // What customers read: the plan's customer copy, never its
                // `description` (the owner's reasoning).
                description: plan
                    .as_ref()
                    .map(|p| p.customer_copy.text.clone())
                    .unwrap_or_default(),
                // Channels fetch the image from outside: a path becomes a full URL.
                image_url: content
                    .as_ref()
                    .map(|c| absolute(&self.public_url, &c.image_url))
                    .unwrap_or_default(),
                prize: row.prize.clone().unwrap_or_default(),
                caption: content.as_ref().map(|c| c.caption.clone()),
                hashtags: Some(crate::plan::hashtags(
                    plan.as_ref(),
                    &row.store_name,
                    &row.industry,
                )),
                start_date: row.start_date.clone(),
                end_date: row.end_date.clone(),
                store_name: row.store_name.clone(),
                // The public link: no internal `draft-…` id in a post.
                entry_url: Some(format!(
                    "{}{}",
                    self.public_url,
                    crate::public_id::entry_path(&row.public_id())
                )),
            }),
            ..DistributeRequest::default()
        }
    }

    fn event_published(&self, row: &EventRow, channels: &[String]) -> Envelope {
        let mut message = self.published_facts(row);
        message.channels = channels.to_vec();
        Envelope::wrap(&message)
    }

    /// What `EventPublished` says of a published row (channels: those whose
    /// distribution succeeded); also the public entry state's source.
    pub(crate) fn published_facts(&self, row: &EventRow) -> EventPublished {
        let plan = row.plan();
        let content = row.chosen_content();
        // Every chosen channel: analytics leaves out those that failed.
        let cost = row.cost();
        EventPublished {
            event_id: row.id.clone(),
            user_id: row.user_id,
            title: row.event_title(),
            objective: row.objective.clone(),
            store_name: row.store_name.clone(),
            industry: row.industry.clone(),
            // The prize as the owner last wrote it (content edit), else the plan's.
            prize: row.prize.clone().unwrap_or_default(),
            start_date: row.start_date.clone().unwrap_or_default(),
            end_date: row.end_date.clone().unwrap_or_default(),
            verify_phone: row.verify_phone,
            channels: succeeded_channels(&row.distribution_results()),
            image_url: content
                .as_ref()
                .map(|c| c.image_url.clone())
                .unwrap_or_default(),
            target_participants: plan
                .as_ref()
                .map(|p| p.expected_metrics.new_customers)
                .unwrap_or(0),
            estimated_cost: cost.total,
            cost: Some(cost),
            published_at: rfc3339(row.published_at.unwrap_or_else(Utc::now)),
        }
    }
}

fn absolute(origin: &str, url: &str) -> String {
    if url.starts_with('/') {
        format!("{origin}{url}")
    } else {
        url.to_string()
    }
}

/// The channels whose result says success.
fn succeeded_channels(results: &[ChannelResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.success)
        .map(|r| r.channel.clone())
        .collect()
}

fn describe(failure: &DistributionFailure) -> String {
    match failure {
        DistributionFailure::CircuitOpen => {
            "배포 서비스가 일시적으로 차단되었습니다. 잠시 후 다시 시도하세요".into()
        }
        DistributionFailure::Timeout => "배포 서비스 응답 시간이 초과되었습니다".into(),
        DistributionFailure::Unreachable(_) | DistributionFailure::Status(_) => {
            "배포 서비스를 사용할 수 없습니다. 잠시 후 다시 시도하세요".into()
        }
        DistributionFailure::NoChannelSucceeded(_) => {
            "모든 채널 배포에 실패했습니다. 잠시 후 다시 시도하세요".into()
        }
    }
}
