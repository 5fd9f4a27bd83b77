//! Circuit breaker, retry schedule and bulkhead, on tokio's paused clock.

use std::{
    sync::{
        atomic::{AtomicU32, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use async_trait::async_trait;
use platform::{
    cache::{Cache, CacheBackend, CacheError},
    resilience::{
        retry, BreakerConfig, BreakerError, BreakerState, Bulkhead, BulkheadError, CircuitBreaker,
        RetrySchedule,
    },
};

fn config() -> BreakerConfig {
    BreakerConfig {
        failure_threshold: 3,
        open_for: Duration::from_secs(10),
    }
}

async fn fail(
    breaker: &CircuitBreaker,
    calls: &AtomicU32,
) -> Result<(), BreakerError<&'static str>> {
    breaker
        .call(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>("boom")
        })
        .await
}

async fn succeed(
    breaker: &CircuitBreaker,
    calls: &AtomicU32,
) -> Result<u32, BreakerError<&'static str>> {
    breaker
        .call(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, &'static str>(7)
        })
        .await
}

#[tokio::test(start_paused = true)]
async fn opens_after_threshold_and_fails_fast() {
    let breaker = CircuitBreaker::new("ch", config());
    let calls = AtomicU32::new(0);
    for _ in 0..2 {
        assert!(matches!(
            fail(&breaker, &calls).await,
            Err(BreakerError::Inner("boom"))
        ));
        assert_eq!(breaker.state().await, BreakerState::Closed);
    }
    assert!(matches!(
        fail(&breaker, &calls).await,
        Err(BreakerError::Inner(_))
    ));
    assert_eq!(breaker.state().await, BreakerState::Open);

    assert!(matches!(
        succeed(&breaker, &calls).await,
        Err(BreakerError::Open)
    ));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "an open breaker must not call"
    );
}

#[tokio::test(start_paused = true)]
async fn success_resets_the_consecutive_count() {
    let breaker = CircuitBreaker::new("ch", config());
    let calls = AtomicU32::new(0);
    for _ in 0..2 {
        let _ = fail(&breaker, &calls).await;
    }
    assert_eq!(succeed(&breaker, &calls).await.unwrap(), 7);
    for _ in 0..2 {
        let _ = fail(&breaker, &calls).await;
    }
    assert_eq!(breaker.state().await, BreakerState::Closed);
}

#[tokio::test(start_paused = true)]
async fn half_open_probe_success_closes() {
    let breaker = CircuitBreaker::new("ch", config());
    let calls = AtomicU32::new(0);
    for _ in 0..3 {
        let _ = fail(&breaker, &calls).await;
    }
    tokio::time::advance(Duration::from_secs(9)).await;
    assert_eq!(breaker.state().await, BreakerState::Open);
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(breaker.state().await, BreakerState::HalfOpen);
    assert_eq!(succeed(&breaker, &calls).await.unwrap(), 7);
    assert_eq!(breaker.state().await, BreakerState::Closed);
    // Closed again means a fresh count: two failures do not re-open.
    for _ in 0..2 {
        let _ = fail(&breaker, &calls).await;
    }
    assert_eq!(breaker.state().await, BreakerState::Closed);
}

#[tokio::test(start_paused = true)]
async fn half_open_probe_failure_reopens_for_another_period() {
    let breaker = CircuitBreaker::new("ch", config());
    let calls = AtomicU32::new(0);
    for _ in 0..3 {
        let _ = fail(&breaker, &calls).await;
    }
    tokio::time::advance(Duration::from_secs(11)).await;
    assert!(matches!(
        fail(&breaker, &calls).await,
        Err(BreakerError::Inner(_))
    ));
    assert_eq!(breaker.state().await, BreakerState::Open);
    assert!(matches!(
        succeed(&breaker, &calls).await,
        Err(BreakerError::Open)
    ));
    tokio::time::advance(Duration::from_secs(11)).await;
    assert_eq!(breaker.state().await, BreakerState::HalfOpen);
}

#[tokio::test(start_paused = true)]
async fn half_open_lets_only_one_probe_through() {
    let breaker = CircuitBreaker::new("ch", config());
    let calls = AtomicU32::new(0);
    for _ in 0..3 {
        let _ = fail(&breaker, &calls).await;
    }
    tokio::time::advance(Duration::from_secs(11)).await;
    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    let probe = {
        let breaker = breaker.clone();
        tokio::spawn(async move {
            breaker
                .call(|| async {
                    let _ = wait.await;
                    Ok::<_, &'static str>(1)
                })
                .await
        })
    };
    tokio::task::yield_now().await;
    assert!(matches!(
        succeed(&breaker, &calls).await,
        Err(BreakerError::Open)
    ));
    release.send(()).unwrap();
    assert_eq!(probe.await.unwrap().unwrap(), 1);
    assert_eq!(breaker.state().await, BreakerState::Closed);
    assert_eq!(succeed(&breaker, &calls).await.unwrap(), 7);
}

#[tokio::test(start_paused = true)]
async fn shared_breakers_agree_through_the_cache() {
    let cache = Cache::from_url("memory://", "t:", Duration::from_secs(1)).unwrap();
    let a = CircuitBreaker::shared("instagram", config(), cache.clone());
    let b = CircuitBreaker::shared("instagram", config(), cache.clone());
    let other = CircuitBreaker::shared("naver", config(), cache.clone());
    let calls = AtomicU32::new(0);
    for _ in 0..3 {
        let _ = fail(&a, &calls).await;
    }
    assert_eq!(b.state().await, BreakerState::Open);
    assert!(matches!(succeed(&b, &calls).await, Err(BreakerError::Open)));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(other.state().await, BreakerState::Closed);
    assert!(cache.ttl("breaker:instagram").await.is_some());

    tokio::time::advance(Duration::from_secs(11)).await;
    assert_eq!(succeed(&b, &calls).await.unwrap(), 7);
    assert_eq!(a.state().await, BreakerState::Closed);
}

/// A cache backend that always fails, as an unreachable Redis would.
struct DownCache;

#[async_trait]
impl CacheBackend for DownCache {
    async fn get(&self, _: &str) -> Result<Option<String>, CacheError> {
        Err(CacheError::Timeout)
    }
    async fn set(&self, _: &str, _: String, _: Duration) -> Result<(), CacheError> {
        Err(CacheError::Timeout)
    }
    async fn delete(&self, _: &str) -> Result<(), CacheError> {
        Err(CacheError::Timeout)
    }
    async fn ttl(&self, _: &str) -> Result<Option<Duration>, CacheError> {
        Err(CacheError::Timeout)
    }
    async fn ping(&self) -> Result<(), CacheError> {
        Err(CacheError::Timeout)
    }
    fn name(&self) -> &'static str {
        "down"
    }
}

#[tokio::test(start_paused = true)]
async fn shared_breaker_falls_back_to_local_state_when_the_cache_fails() {
    let cache = Cache::with_backend(Arc::new(DownCache), "t:", Duration::from_millis(10));
    let breaker = CircuitBreaker::shared("kakao", config(), cache);
    let calls = AtomicU32::new(0);
    for _ in 0..3 {
        let _ = fail(&breaker, &calls).await;
    }
    assert_eq!(breaker.state().await, BreakerState::Open);
    assert!(matches!(
        succeed(&breaker, &calls).await,
        Err(BreakerError::Open)
    ));
    tokio::time::advance(Duration::from_secs(11)).await;
    assert_eq!(succeed(&breaker, &calls).await.unwrap(), 7);
    assert_eq!(breaker.state().await, BreakerState::Closed);
}

#[test]
fn production_schedule_is_three_attempts_at_1_2_4_seconds() {
    let s = RetrySchedule::production();
    assert_eq!(s.max_attempts, 3);
    assert_eq!(s.delay_after(1), Duration::from_secs(1));
    assert_eq!(s.delay_after(2), Duration::from_secs(2));
    assert_eq!(s.delay_after(3), Duration::from_secs(4));
    assert_eq!(
        s.delay_after(9),
        Duration::from_secs(4),
        "last delay repeats"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_waits_the_schedule_and_succeeds_on_a_later_attempt() {
    let start = tokio::time::Instant::now();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let result = retry(
        &RetrySchedule::production(),
        |_: &&str| true,
        |attempt| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(start.elapsed().as_secs());
                if attempt < 3 {
                    Err("flaky")
                } else {
                    Ok(attempt)
                }
            }
        },
    )
    .await;
    assert_eq!(result, Ok(3));
    // Attempts start at virtual 0 s, 1 s and 1+2 s.
    assert_eq!(*seen.lock().unwrap(), vec![0, 1, 3]);
}

#[tokio::test(start_paused = true)]
async fn retry_gives_up_after_max_attempts_with_the_last_error() {
    let schedule = RetrySchedule::new(2, vec![Duration::from_millis(5)]);
    let calls = AtomicU32::new(0);
    let result: Result<(), String> = retry(
        &schedule,
        |_| true,
        |attempt| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move { Err(format!("fail {attempt}")) }
        },
    )
    .await;
    assert_eq!(result, Err("fail 2".to_string()));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_stops_at_a_final_error() {
    let calls = AtomicU32::new(0);
    let result: Result<(), &str> = retry(
        &RetrySchedule::production(),
        |e| *e != "rejected",
        |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err("rejected") }
        },
    )
    .await;
    assert_eq!(result, Err("rejected"));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn bulkhead_bounds_concurrency_and_refuses_after_its_wait() {
    let bulkhead = Bulkhead::new("ch", 2, Duration::from_millis(100));
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (bulkhead, running, peak) = (bulkhead.clone(), running.clone(), peak.clone());
        tasks.push(tokio::spawn(async move {
            bulkhead
                .call(|| async {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok::<_, ()>(())
                })
                .await
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap().is_ok(), "waits under max_wait succeed");
    }
    assert_eq!(peak.load(Ordering::SeqCst), 2);

    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    let holders: Vec<_> = {
        let wait = Arc::new(tokio::sync::Mutex::new(Some(wait)));
        (0..2)
            .map(|_| {
                let (bulkhead, wait) = (bulkhead.clone(), wait.clone());
                tokio::spawn(async move {
                    bulkhead
                        .call(|| async {
                            if let Some(w) = wait.lock().await.take() {
                                let _ = w.await;
                            } else {
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                            Ok::<_, ()>(())
                        })
                        .await
                })
            })
            .collect()
    };
    tokio::task::yield_now().await;
    assert_eq!(bulkhead.available(), 0);
    let refused = bulkhead.call(|| async { Ok::<_, ()>(()) }).await;
    assert!(matches!(refused, Err(BulkheadError::Full)));
    release.send(()).unwrap();
    for h in holders {
        assert!(h.await.unwrap().is_ok());
    }
    assert!(bulkhead
        .call(|| async { Err::<(), _>("inner") })
        .await
        .is_err());
    assert_eq!(bulkhead.available(), 2);
}

/// The `kem_breaker_state` value of breaker `name` in the rendered metrics.
fn state_gauge(name: &str) -> Option<f64> {
    let text = platform::metrics::install().expect("recorder").render();
    let prefix = format!("kem_breaker_state{{breaker=\"{name}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix).and_then(|v| v.parse().ok()))
}

#[tokio::test(start_paused = true)]
async fn the_state_gauge_follows_the_breaker() {
    platform::metrics::install();
    let breaker = CircuitBreaker::new("gauge-test", config());
    let calls = AtomicU32::new(0);
    assert_eq!(state_gauge("gauge-test"), Some(0.0), "closed");
    for _ in 0..3 {
        let _ = fail(&breaker, &calls).await;
    }
    assert_eq!(state_gauge("gauge-test"), Some(1.0), "open");
    tokio::time::advance(Duration::from_secs(11)).await;
    assert!(
        succeed(&breaker, &calls).await.is_ok(),
        "the probe goes through"
    );
    assert_eq!(state_gauge("gauge-test"), Some(0.0), "closed again");
}
