//! Use cases: distribute, retry, status, stats. Channels run in parallel,
//! each behind its own bulkhead → circuit breaker → adapter, with retries on
//! the configured schedule, all bounded by one deadline. Which caller works a
//! channel is decided by a claim in the database.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use chrono::Utc;
use contracts::{
    channels::Channel,
    distribution::{ChannelStatusView, DistributeAnswer, DistributeRequest, DistributionStatus},
    messages::{rfc3339, Envelope},
};
use platform::{
    db::StoreError,
    outbox::Outbox,
    resilience::{retry, BreakerError, Bulkhead, BulkheadError, CircuitBreaker, RetrySchedule},
};

use crate::{
    adapters::{AdapterError, ChannelAdapter, ChannelStats, PostRequest, Published},
    domain::{expected_views, idempotency_key, ChannelStatus, Plan, RequestError},
    results::{answer, completed},
    store::{ChannelRow, DistributionRow, DistributionStore, Finish},
};

/// What a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DistError {
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error("another owner's distribution")]
    Forbidden,
    #[error("no distribution for this event")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("distribution task failed: {0}")]
    Internal(String),
}

/// One channel's client and its guards.
pub struct ChannelKit {
    pub adapter: Arc<dyn ChannelAdapter>,
    pub breaker: CircuitBreaker,
    pub bulkhead: Bulkhead,
}

/// Why one attempt on a channel failed.
#[derive(Debug)]
enum AttemptError {
    Adapter(AdapterError),
    CircuitOpen,
    Busy,
}

impl AttemptError {
    fn retryable(&self) -> bool {
        matches!(
            self,
            AttemptError::Adapter(AdapterError::Transient(_)) | AttemptError::Busy
        )
    }

    fn describe(&self, channel: Channel) -> String {
        match self {
            AttemptError::Adapter(AdapterError::Transient(m)) => format!("채널 오류: {m}"),
            AttemptError::Adapter(AdapterError::Rejected(m)) => {
                format!("채널이 요청을 거부했습니다: {m}")
            }
            AttemptError::CircuitOpen => format!(
                "{} 채널이 일시 차단되었습니다 (연속 실패로 서킷 브레이커 열림)",
                channel.display_name()
            ),
            AttemptError::Busy => "채널 동시 처리 한도를 초과했습니다".into(),
        }
    }
}

/// The distribution service.
pub struct DistributionService {
    pub(crate) store: DistributionStore,
    outbox: Outbox,
    kits: BTreeMap<Channel, ChannelKit>,
    schedule: RetrySchedule,
    budget: Duration,
    origin: String,
}

/// How often a caller looks again at channels another caller is working.
const SETTLE_POLL: Duration = Duration::from_millis(25);

impl DistributionService {
    pub fn new(
        store: DistributionStore,
        outbox: Outbox,
        kits: BTreeMap<Channel, ChannelKit>,
        schedule: RetrySchedule,
        budget: Duration,
        origin: &str,
    ) -> DistributionService {
        DistributionService {
            store,
            outbox,
            kits,
            schedule,
            budget,
            origin: origin.to_string(),
        }
    }

    /// Distributes the event to the requested channels; channels already
    /// published are answered from the record, not posted again.
    pub async fn distribute(
        self: &Arc<Self>,
        user_id: i64,
        req: DistributeRequest,
    ) -> Result<DistributeAnswer, DistError> {
        let plan = Plan::parse(req, &self.origin)?;
        let plan_json =
            serde_json::to_string(&plan).map_err(|e| DistError::Internal(e.to_string()))?;
        let row = self
            .store
            .open(
                &plan.event_id,
                &platform::ids::new_id("dist"),
                user_id,
                &plan_json,
                &plan.channels,
                Utc::now(),
            )
            .await?;
        if row.user_id != user_id {
            return Err(DistError::Forbidden);
        }
        self.run(row, plan).await
    }

    /// Works the failed channels of the last distribution again.
    pub async fn retry(
        self: &Arc<Self>,
        user_id: i64,
        event_id: &str,
    ) -> Result<DistributeAnswer, DistError> {
        let row = self.owned(user_id, event_id).await?;
        let plan: Plan =
            serde_json::from_str(&row.plan).map_err(|e| DistError::Internal(e.to_string()))?;
        self.run(row, plan).await
    }

    /// Per-channel status of the event's distribution.
    pub async fn status(
        &self,
        user_id: i64,
        event_id: &str,
    ) -> Result<DistributionStatus, DistError> {
        let row = self.owned(user_id, event_id).await?;
        let rows = self.store.channels(event_id).await?;
        let statuses: Vec<ChannelStatus> = rows.iter().map(ChannelRow::status).collect();
        let overall = if statuses.iter().any(|s| !s.is_settled()) {
            "IN_PROGRESS"
        } else if statuses.iter().all(|s| *s == ChannelStatus::Success) {
            "COMPLETED"
        } else if statuses.contains(&ChannelStatus::Success) {
            "PARTIAL"
        } else {
            "FAILED"
        };
        Ok(DistributionStatus {
            distribution_id: row.distribution_id,
            event_id: row.event_id,
            status: overall.to_string(),
            completed_at: row
                .completed_at
                .filter(|_| overall != "IN_PROGRESS")
                .map(rfc3339),
            channels: rows
                .iter()
                .map(|r| ChannelStatusView {
                    channel: r.channel.clone(),
                    status: r.status.clone(),
                    attempts: r.attempts.max(0) as u32,
                    last_error: r.last_error.clone(),
                    external_id: r.external_id.clone(),
                    post_url: r.post_url.clone(),
                    estimated_views: r.estimated_views.max(0) as u64,
                    updated_at: rfc3339(r.updated_at),
                })
                .collect(),
        })
    }

    /// Each published channel's stats as the channel reports them now.
    pub async fn stats(
        &self,
        user_id: i64,
        event_id: &str,
    ) -> Result<Vec<(String, String, Result<ChannelStats, String>)>, DistError> {
        self.owned(user_id, event_id).await?;
        let rows = self.store.channels(event_id).await?;
        let asks = rows.iter().filter_map(|r| {
            let channel = Channel::parse(&r.channel)?;
            let external_id = r
                .external_id
                .clone()
                .filter(|_| r.status() == ChannelStatus::Success)?;
            let kit = self.kits.get(&channel)?;
            Some(async move {
                let stats = kit
                    .adapter
                    .stats(&external_id)
                    .await
                    .map_err(|e| e.to_string());
                (channel.code().to_string(), external_id, stats)
            })
        });
        Ok(futures::future::join_all(asks).await)
    }

    async fn owned(&self, user_id: i64, event_id: &str) -> Result<DistributionRow, DistError> {
        let row = self
            .store
            .find(event_id)
            .await?
            .ok_or(DistError::NotFound)?;
        if row.user_id != user_id {
            return Err(DistError::Forbidden);
        }
        Ok(row)
    }

    /// Runs the work on its own task so that a caller who hangs up (the
    /// event service's timeout) does not cancel posts half-way.
    async fn run(
        self: &Arc<Self>,
        row: DistributionRow,
        plan: Plan,
    ) -> Result<DistributeAnswer, DistError> {
        let this = self.clone();
        tokio::spawn(async move { this.work(row, plan).await })
            .await
            .map_err(|e| DistError::Internal(e.to_string()))?
    }

    async fn work(&self, row: DistributionRow, plan: Plan) -> Result<DistributeAnswer, DistError> {
        let deadline = tokio::time::Instant::now() + self.budget;
        let claim_id = platform::ids::new_id("claim");
        let now = Utc::now();
        // The claim outlives the budget a little, so nobody takes a channel
        // from a worker that is still inside its deadline.
        let until = now
            + chrono::Duration::from_std(self.budget + Duration::from_secs(5)).unwrap_or_default();
        let mut mine = Vec::new();
        for &channel in &plan.channels {
            if self
                .store
                .claim(&plan.event_id, channel, &claim_id, now, until)
                .await?
            {
                mine.push(channel);
            }
        }
        let work = mine
            .iter()
            .map(|&channel| self.work_channel(&plan, channel, &claim_id, deadline));
        futures::future::join_all(work).await;
        let rows = self.wait_settled(&plan, deadline).await?;
        if !mine.is_empty() {
            let envelope = Envelope::wrap(&completed(&plan.event_id, &rows));
            self.store
                .complete(&plan.event_id, Utc::now(), &envelope)
                .await?;
            self.outbox.send(std::slice::from_ref(&envelope)).await;
        }
        Ok(answer(&row, &plan, &rows))
    }

    /// Publishes one channel within `deadline` and stores how it ended.
    async fn work_channel(
        &self,
        plan: &Plan,
        channel: Channel,
        claim_id: &str,
        deadline: tokio::time::Instant,
    ) {
        let event_id = plan.event_id.as_str();
        let finish = match self.kits.get(&channel) {
            None => Finish::Failed {
                error: "채널 어댑터가 없습니다".into(),
            },
            Some(kit) => {
                let settings = plan.settings_of(channel);
                let key = idempotency_key(event_id, channel);
                let post = PostRequest {
                    content: &plan.content,
                    settings,
                    idempotency_key: &key,
                };
                match tokio::time::timeout_at(
                    deadline,
                    self.attempts(kit, &post, event_id, claim_id),
                )
                .await
                {
                    Ok(Ok(p)) => Finish::Success {
                        estimated_views: p
                            .estimated_views
                            .unwrap_or_else(|| expected_views(channel, settings)),
                        external_id: p.external_id,
                        post_url: p.post_url,
                    },
                    Ok(Err(e)) => Finish::Failed {
                        error: e.describe(channel),
                    },
                    Err(_) => Finish::Failed {
                        error: format!(
                            "배포 제한 시간({}초)을 초과했습니다",
                            self.budget.as_secs_f64()
                        ),
                    },
                }
            }
        };
        if let Finish::Failed { error } = &finish {
            tracing::warn!(event_id, channel = channel.code(), %error, "channel failed");
        }
        if let Err(e) = self
            .store
            .finish(event_id, channel, claim_id, &finish, Utc::now())
            .await
        {
            tracing::error!(event_id, channel = channel.code(), error = %e, "channel result not stored");
        }
    }

    /// Attempts on the retry schedule; each attempt passes the bulkhead, then the breaker.
    async fn attempts(
        &self,
        kit: &ChannelKit,
        post: &PostRequest<'_>,
        event_id: &str,
        claim_id: &str,
    ) -> Result<Published, AttemptError> {
        let channel = kit.adapter.channel();
        let last_error = std::sync::Mutex::new(String::new());
        let last_error = &last_error;
        retry(
            &self.schedule,
            AttemptError::retryable,
            |attempt| async move {
                if attempt > 1 {
                    let previous = last_error.lock().map(|e| e.clone()).unwrap_or_default();
                    if let Err(e) = self
                        .store
                        .next_attempt(event_id, channel, claim_id, &previous, Utc::now())
                        .await
                    {
                        tracing::warn!(error = %e, "attempt count not stored");
                    }
                }
                let outcome = kit
                    .bulkhead
                    .call(|| async {
                        // A refusal (4xx) means the channel is up: it is not a
                        // breaker failure, so it travels inside Ok.
                        match kit
                            .breaker
                            .call(|| async {
                                match kit.adapter.publish(post).await {
                                    Err(AdapterError::Transient(m)) => Err(m),
                                    other => Ok(other),
                                }
                            })
                            .await
                        {
                            Ok(Ok(published)) => Ok(published),
                            Ok(Err(refused)) => Err(AttemptError::Adapter(refused)),
                            Err(BreakerError::Open) => Err(AttemptError::CircuitOpen),
                            Err(BreakerError::Inner(m)) => {
                                Err(AttemptError::Adapter(AdapterError::Transient(m)))
                            }
                        }
                    })
                    .await;
                let result = match outcome {
                    Ok(p) => Ok(p),
                    Err(BulkheadError::Full) => Err(AttemptError::Busy),
                    Err(BulkheadError::Inner(e)) => Err(e),
                };
                if let Err(e) = &result {
                    if let Ok(mut last) = last_error.lock() {
                        *last = e.describe(channel);
                    }
                }
                result
            },
        )
        .await
    }

    /// The requested channels' rows once none is being worked (by anyone),
    /// or as they stand when the deadline passes.
    async fn wait_settled(
        &self,
        plan: &Plan,
        deadline: tokio::time::Instant,
    ) -> Result<Vec<ChannelRow>, DistError> {
        loop {
            let rows = self.store.channels(&plan.event_id).await?;
            let busy = rows.iter().any(|r| {
                !r.status().is_settled()
                    && Channel::parse(&r.channel).is_some_and(|c| plan.channels.contains(&c))
            });
            if !busy || tokio::time::Instant::now() >= deadline {
                return Ok(rows);
            }
            tokio::time::sleep(SETTLE_POLL).await;
        }
    }
}
