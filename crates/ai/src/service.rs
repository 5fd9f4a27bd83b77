//! The job's life: take a request (idempotent by `jobId`), plan it within
//! the AI timeout, and record the outcome with its result message.
//!
//! A redelivered request for a job that is already COMPLETED or FAILED
//! publishes nothing: its outcome went into the outbox in the same
//! transaction that ended the job, so it reaches the bus at least once
//! anyway, and the event service keeps the first outcome it hears. A
//! redelivery for a job still PROCESSING that no task of this process runs
//! (the process restarted mid-job) runs it again, within the original deadline.
//!
//! Jobs run on their own tasks, at most `max_concurrent_jobs` at once, so a
//! five-minute LLM call never holds up the bus consumer (Kafka would evict a
//! consumer that stops polling that long); the consumer waits only for a free slot.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use contracts::{
    ai::{
        AiJobCompleted, AiJobFailed, AiJobRequested, AiJobStarted, Recommendation, TrendAnalysis,
    },
    messages::{rfc3339, Envelope},
};
use platform::{cache::Cache, db::StoreError, outbox::Outbox};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::{
    domain::{JobInput, JobState},
    engine::{self, Facts},
    provider::Provider,
    store::{Accepted, AiStore, Finish, JobRow},
    AiConfig,
};

/// The ai service.
pub struct AiService {
    store: AiStore,
    cache: Cache,
    outbox: Outbox,
    provider: Arc<dyn Provider>,
    config: AiConfig,
    slots: Arc<Semaphore>,
    /// Jobs a task of this process is running, so a redelivery does not start a twin.
    running: Mutex<HashSet<String>>,
    shutdown: CancellationToken,
}

/// What became of a request handed to [`AiService::receive`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// A new job: started.
    Started,
    /// A known job still PROCESSING and not running here: run again.
    Resumed,
    /// A known job running here or already finished: nothing to do.
    Duplicate,
    /// Older than `stale_after_secs`: its requester has given up on it.
    Stale,
}

impl AiService {
    pub fn new(
        store: AiStore,
        cache: Cache,
        outbox: Outbox,
        provider: Arc<dyn Provider>,
        config: AiConfig,
        shutdown: CancellationToken,
    ) -> Arc<AiService> {
        Arc::new(AiService {
            slots: Arc::new(Semaphore::new(config.max_concurrent_jobs.max(1))),
            store,
            cache,
            outbox,
            provider,
            config,
            running: Mutex::new(HashSet::new()),
            shutdown,
        })
    }

    pub fn store(&self) -> &AiStore {
        &self.store
    }

    fn job_timeout(&self) -> Duration {
        Duration::from_millis(self.config.job_timeout_ms.max(1))
    }

    /// Takes a request off the bus. Errors are the store's: the consumer retries.
    pub async fn receive(
        self: &Arc<Self>,
        request: AiJobRequested,
    ) -> Result<Received, StoreError> {
        let now = Utc::now();
        let stale = DateTime::parse_from_rfc3339(&request.requested_at)
            .map(|at| {
                now.signed_duration_since(at).num_seconds() > self.config.stale_after_secs as i64
            })
            .unwrap_or(false);
        if stale {
            tracing::debug!(job_id = %request.job_id, "stale ai job request skipped");
            return Ok(Received::Stale);
        }
        let started = Envelope::wrap(&AiJobStarted {
            job_id: request.job_id.clone(),
            event_id: request.event_id.clone(),
            started_at: rfc3339(now),
        });
        match self.store.accept(&request, now, &started).await? {
            Accepted::New(row) => {
                self.outbox.send(std::slice::from_ref(&started)).await;
                tracing::info!(job_id = %row.job_id, event_id = %row.event_id, "ai job started");
                Ok(self.spawn(row, Received::Started).await)
            }
            Accepted::Existing(row) if row.state() == JobState::Processing => {
                Ok(self.spawn(row, Received::Resumed).await)
            }
            Accepted::Existing(row) => {
                tracing::debug!(job_id = %row.job_id, status = %row.status, "ai job already finished");
                Ok(Received::Duplicate)
            }
        }
    }

    /// Runs again the jobs a stopped process left PROCESSING.
    pub async fn resume_open_jobs(self: &Arc<Self>) -> Result<usize, StoreError> {
        let rows = self.store.open_jobs(1_000).await?;
        let mut resumed = 0;
        for row in rows {
            if self.spawn(row, Received::Resumed).await == Received::Resumed {
                resumed += 1;
            }
        }
        Ok(resumed)
    }

    /// Starts `row` on its own task once a slot is free, unless it already runs here.
    async fn spawn(self: &Arc<Self>, row: JobRow, kind: Received) -> Received {
        if !self.lock_running().insert(row.job_id.clone()) {
            return Received::Duplicate;
        }
        let permit = tokio::select! {
            permit = self.slots.clone().acquire_owned() => permit,
            _ = self.shutdown.cancelled() => {
                self.lock_running().remove(&row.job_id);
                return Received::Duplicate;
            }
        };
        let this = self.clone();
        tokio::spawn(async move {
            let _slot = permit;
            tokio::select! {
                _ = this.run(&row) => {}
                // Left PROCESSING: the next start resumes it.
                _ = this.shutdown.cancelled() => {}
            }
            this.lock_running().remove(&row.job_id);
        });
        kind
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Plans the job within its deadline (counted from when it was first
    /// received, so a resumed run does not get a fresh five minutes) and
    /// records the outcome. Answers the state the job ended in.
    pub async fn run(&self, row: &JobRow) -> JobState {
        let deadline = row.received_at
            + chrono::Duration::from_std(self.job_timeout()).unwrap_or(chrono::Duration::MAX);
        let left = (deadline - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        let outcome = match row.request() {
            None => Err("요청 내용을 읽을 수 없습니다".to_string()),
            Some(request) => match tokio::time::timeout(left, self.plan(&request)).await {
                Ok(result) => result,
                Err(_) => Err(format!(
                    "AI 분석이 제한 시간({}초)을 넘겨 중단되었습니다. 다시 요청해 주세요",
                    self.job_timeout().as_secs_f64().ceil()
                )),
            },
        };
        let now = Utc::now();
        let (finish_state, message, trend_json, plans_json, reason);
        match outcome {
            Ok((analysis, plans)) => {
                trend_json = serde_json::to_string(&analysis).unwrap_or_default();
                plans_json = serde_json::to_string(&plans).unwrap_or_default();
                reason = String::new();
                finish_state = JobState::Completed;
                message = Envelope::wrap(&AiJobCompleted {
                    job_id: row.job_id.clone(),
                    event_id: row.event_id.clone(),
                    provider: self.provider.name(),
                    trend_analysis: analysis,
                    recommendations: plans,
                    completed_at: rfc3339(now),
                });
            }
            Err(why) => {
                (trend_json, plans_json) = (String::new(), String::new());
                finish_state = JobState::Failed;
                message = Envelope::wrap(&AiJobFailed {
                    job_id: row.job_id.clone(),
                    event_id: row.event_id.clone(),
                    reason: why.clone(),
                    failed_at: rfc3339(now),
                });
                reason = why;
            }
        }
        let provider = self.provider.name();
        let finish = match finish_state {
            JobState::Completed => Finish::Completed {
                provider: &provider,
                trend_analysis: &trend_json,
                recommendations: &plans_json,
            },
            _ => Finish::Failed { reason: &reason },
        };
        self.record(row, finish, now, &message).await;
        finish_state
    }

    /// Commits the outcome, retrying a failing database a few times; if it
    /// stays down the job stays PROCESSING and the next start resumes it.
    async fn record(
        &self,
        row: &JobRow,
        finish: Finish<'_>,
        now: DateTime<Utc>,
        message: &Envelope,
    ) {
        for attempt in 1..=5u32 {
            match self.store.finish(&row.job_id, finish, now, message).await {
                Ok(true) => {
                    self.outbox.send(std::slice::from_ref(message)).await;
                    let outcome = if matches!(finish, Finish::Completed { .. }) {
                        "completed"
                    } else {
                        "failed"
                    };
                    let took = (now - row.received_at).to_std().unwrap_or_default();
                    platform::metrics::job_finished("ai", outcome, took);
                    tracing::info!(job_id = %row.job_id, event_id = %row.event_id, outcome, "ai job finished");
                    return;
                }
                // Another run of the same job finished first; its outcome stands.
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(job_id = %row.job_id, attempt, error = %e, "could not record the ai job outcome");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                }
            }
        }
    }

    /// Parses the inputs, builds the analysis and asks the provider for plans.
    /// `Err` carries the reason the owner will read.
    async fn plan(
        &self,
        request: &AiJobRequested,
    ) -> Result<(TrendAnalysis, Vec<Recommendation>), String> {
        let input = JobInput::parse(request).map_err(|e| e.to_string())?;
        let facts = Facts::of(&input);
        let analysis = self.trends(&facts).await;
        let plans = self
            .provider
            .recommend(&input, &analysis)
            .await
            .map_err(|e| e.to_string())?;
        Ok((analysis, plans))
    }

    /// The industry and regional trends from the cache (`ai:trend:{industry}:{region}`,
    /// 24 h) or freshly computed, plus the seasonal trends of the start date.
    pub async fn trends(&self, facts: &Facts) -> TrendAnalysis {
        let key = facts.trend_key();
        let mut analysis = match self.cache.get_json::<TrendAnalysis>(&key).await {
            Some(hit) => hit,
            None => {
                let fresh = engine::base_trends(facts);
                let ttl = Duration::from_secs(self.config.trend_cache_ttl_secs);
                self.cache.set_json(&key, &fresh, ttl).await;
                fresh
            }
        };
        analysis.seasonal_trends = engine::seasonal_trends(facts);
        analysis
    }
}
