//! Resilience primitives for calls to other services and outside channels:
//! a circuit breaker (optionally shared between processes through the
//! cache), retry with a named backoff schedule, and a bulkhead.
//!
//! Written here rather than taken from `failsafe`: its breaker keeps state in
//! process only, and the shared, cache-backed state is the point of ours; the
//! remaining logic is a few dozen lines.

use std::{
    future::Future,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use crate::cache::Cache;

/// When a breaker opens and for how long it stays open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failures that open a closed breaker.
    pub failure_threshold: u32,
    /// How long an open breaker fails fast before letting one probe through.
    pub open_for: Duration,
}

/// The three states of a circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BreakerState {
    /// Calls go through; failures are counted.
    Closed,
    /// Calls fail fast with [`BreakerError::Open`].
    Open,
    /// The wait is over; the next call is a probe deciding open or closed.
    HalfOpen,
}

/// Why [`CircuitBreaker::call`] did not return the call's value.
#[derive(Debug, thiserror::Error)]
pub enum BreakerError<E> {
    /// The breaker is open (or its one half-open probe is in flight): the
    /// call was not made.
    #[error("circuit open")]
    Open,
    /// The call was made and failed.
    #[error(transparent)]
    Inner(E),
}

/// What the breaker remembers, locally and under `breaker:{name}` in the cache.
/// Times are milliseconds on [`Clock`] (epoch-based, so processes agree).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    failures: u32,
    opened_at_ms: Option<u64>,
    /// A half-open probe holds this lease; it lapses after `open_for` so a
    /// probe that was cancelled cannot block the breaker forever.
    probe_until_ms: Option<u64>,
}

/// Epoch milliseconds measured through tokio's clock: processes agree on it
/// (it starts from the system time) and tests can pause and advance it.
#[derive(Debug, Clone, Copy)]
struct Clock {
    epoch_ms_at_start: u64,
    started: tokio::time::Instant,
}

impl Clock {
    fn new() -> Clock {
        let epoch_ms_at_start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            epoch_ms_at_start,
            started: tokio::time::Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.epoch_ms_at_start + self.started.elapsed().as_millis() as u64
    }
}

/// A circuit breaker: closed → open after `failure_threshold` consecutive
/// failures, open fails fast for `open_for`, then half-open lets one probe
/// through (success closes, failure re-opens).
///
/// A shared breaker ([`CircuitBreaker::shared`]) reads and writes its state in
/// the cache so several processes agree; the cache has no compare-and-set, so
/// under a race two processes may each send a probe, which is harmless. When
/// the cache fails, the local state decides.
#[derive(Clone)]
pub struct CircuitBreaker {
    inner: Arc<BreakerInner>,
}

struct BreakerInner {
    name: String,
    config: BreakerConfig,
    cache: Option<Cache>,
    local: Mutex<Snapshot>,
    clock: Clock,
}

enum Admission {
    Closed,
    Probe,
}

impl CircuitBreaker {
    /// A breaker whose state lives in this process only.
    pub fn new(name: &str, config: BreakerConfig) -> CircuitBreaker {
        CircuitBreaker::build(name, config, None)
    }

    /// A breaker whose state is also kept in the cache under `breaker:{name}`.
    pub fn shared(name: &str, config: BreakerConfig, cache: Cache) -> CircuitBreaker {
        CircuitBreaker::build(name, config, Some(cache))
    }

    fn build(name: &str, config: BreakerConfig, cache: Option<Cache>) -> CircuitBreaker {
        report_state(name, BreakerState::Closed);
        CircuitBreaker {
            inner: Arc::new(BreakerInner {
                name: name.to_string(),
                config: BreakerConfig {
                    failure_threshold: config.failure_threshold.max(1),
                    open_for: config.open_for,
                },
                cache,
                local: Mutex::new(Snapshot::default()),
                clock: Clock::new(),
            }),
        }
    }

    /// The breaker's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The current state (read from the cache for a shared breaker).
    pub async fn state(&self) -> BreakerState {
        let snap = self.load().await;
        self.state_of(&snap, self.inner.clock.now_ms())
    }

    /// Runs `f` unless the breaker is open, and records its outcome.
    pub async fn call<T, E, Fut>(&self, f: impl FnOnce() -> Fut) -> Result<T, BreakerError<E>>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        let admission = self.admit().await.ok_or(BreakerError::Open)?;
        let result = f().await;
        let now = self.inner.clock.now_ms();
        let mut snap = self.load().await;
        let before = snap;
        match (&result, admission) {
            (Ok(_), _) => snap = Snapshot::default(),
            (Err(_), Admission::Probe) => {
                snap.opened_at_ms = Some(now);
                snap.probe_until_ms = None;
            }
            (Err(_), Admission::Closed) => {
                snap.failures = snap.failures.saturating_add(1);
                if snap.failures >= self.inner.config.failure_threshold
                    && snap.opened_at_ms.is_none()
                {
                    snap.opened_at_ms = Some(now);
                    tracing::warn!(breaker = %self.inner.name, "circuit opened");
                }
            }
        }
        if snap != before {
            self.store(snap).await;
        }
        report_state(&self.inner.name, self.state_of(&snap, now));
        result.map_err(BreakerError::Inner)
    }

    /// Decides whether a call may go, claiming the probe lease when half-open.
    async fn admit(&self) -> Option<Admission> {
        let now = self.inner.clock.now_ms();
        let mut snap = self.load().await;
        let state = self.state_of(&snap, now);
        report_state(&self.inner.name, state);
        match state {
            BreakerState::Closed => Some(Admission::Closed),
            BreakerState::Open => None,
            BreakerState::HalfOpen => {
                if snap.probe_until_ms.is_some_and(|until| until > now) {
                    return None;
                }
                snap.probe_until_ms = Some(now + self.open_for_ms());
                self.store(snap).await;
                Some(Admission::Probe)
            }
        }
    }

    fn open_for_ms(&self) -> u64 {
        self.inner.config.open_for.as_millis() as u64
    }

    fn state_of(&self, snap: &Snapshot, now: u64) -> BreakerState {
        match snap.opened_at_ms {
            None => BreakerState::Closed,
            Some(at) if now < at + self.open_for_ms() => BreakerState::Open,
            Some(_) => BreakerState::HalfOpen,
        }
    }

    fn cache_key(&self) -> String {
        format!("breaker:{}", self.inner.name)
    }

    /// The shared state when the cache answers, else the local one.
    async fn load(&self) -> Snapshot {
        if let Some(cache) = &self.inner.cache {
            if let Some(snap) = cache.get_json::<Snapshot>(&self.cache_key()).await {
                *self.lock() = snap;
                return snap;
            }
        }
        *self.lock()
    }

    async fn store(&self, snap: Snapshot) {
        *self.lock() = snap;
        if let Some(cache) = &self.inner.cache {
            // Long enough to outlive an open period and its probe; a closed
            // breaker's entry may lapse, which reads as closed anyway.
            let ttl = self.inner.config.open_for * 4 + Duration::from_secs(60);
            cache.set_json(&self.cache_key(), &snap, ttl).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Snapshot> {
        // The guarded data is plain Copy state; a poisoned lock still holds a
        // usable value.
        self.inner.local.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Publishes a breaker's state as the `kem_breaker_state` gauge.
fn report_state(name: &str, state: BreakerState) {
    let value = match state {
        BreakerState::Closed => 0.0,
        BreakerState::Open => 1.0,
        BreakerState::HalfOpen => 2.0,
    };
    metrics::gauge!(crate::metrics::BREAKER_STATE, "breaker" => name.to_string()).set(value);
}

/// How many attempts a retried call gets and how long to wait between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    /// Total attempts, the first included (at least 1).
    pub max_attempts: u32,
    /// Wait before attempt `n + 2` is `delays[n]`; the last entry repeats.
    pub delays: Vec<Duration>,
}

impl RetrySchedule {
    /// Three attempts with 1 s, 2 s, 4 s backoff, as production uses.
    pub fn production() -> RetrySchedule {
        RetrySchedule {
            max_attempts: 3,
            delays: [1, 2, 4].map(Duration::from_secs).to_vec(),
        }
    }

    /// `max_attempts` attempts with the given waits (tests use milliseconds).
    pub fn new(max_attempts: u32, delays: Vec<Duration>) -> RetrySchedule {
        RetrySchedule {
            max_attempts: max_attempts.max(1),
            delays,
        }
    }

    /// The wait after failed attempt `attempt` (1-based).
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let index = attempt.saturating_sub(1) as usize;
        self.delays
            .get(index)
            .or(self.delays.last())
            .copied()
            .unwrap_or_default()
    }
}

/// Runs `op(attempt)` (attempt is 1-based) until it succeeds, `retryable`
/// says its error is final, or the schedule's attempts are spent; the last
/// error is returned.
pub async fn retry<T, E, Fut>(
    schedule: &RetrySchedule,
    retryable: impl Fn(&E) -> bool,
    mut op: impl FnMut(u32) -> Fut,
) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(e) if attempt >= schedule.max_attempts.max(1) || !retryable(&e) => return Err(e),
            Err(_) => {
                tokio::time::sleep(schedule.delay_after(attempt)).await;
                attempt += 1;
            }
        }
    }
}

/// Why [`Bulkhead::call`] did not return the call's value.
#[derive(Debug, thiserror::Error)]
pub enum BulkheadError<E> {
    /// No slot freed up within the bulkhead's wait; the call was not made.
    #[error("bulkhead full")]
    Full,
    /// The call was made and failed.
    #[error(transparent)]
    Inner(E),
}

/// Bounded concurrency: at most `max_concurrent` calls at once; a caller
/// waits at most `max_wait` for a slot.
#[derive(Clone)]
pub struct Bulkhead {
    name: Arc<str>,
    permits: Arc<Semaphore>,
    max_wait: Duration,
}

impl Bulkhead {
    /// A bulkhead of `max_concurrent` slots (at least one).
    pub fn new(name: &str, max_concurrent: usize, max_wait: Duration) -> Bulkhead {
        Bulkhead {
            name: name.into(),
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            max_wait,
        }
    }

    /// Slots free right now.
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    /// Runs `f` holding one slot.
    pub async fn call<T, E, Fut>(&self, f: impl FnOnce() -> Fut) -> Result<T, BulkheadError<E>>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        let permit = match tokio::time::timeout(self.max_wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => permit,
            // Timed out, or the semaphore was closed (never done here).
            _ => {
                tracing::warn!(bulkhead = %self.name, "bulkhead full");
                return Err(BulkheadError::Full);
            }
        };
        let result = f().await;
        drop(permit);
        result.map_err(BulkheadError::Inner)
    }
}
