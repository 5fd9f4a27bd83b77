//! The two load shapes, independent of what one operation is.

use std::{
    future::Future,
    pin::Pin,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;
use tokio::sync::Semaphore;

use super::report::{new_histogram, record, Latency, PhaseReport};

/// One operation of a phase, given a sequence number unique within the run;
/// `Err` carries a short description of what went wrong.
pub type Op =
    Arc<dyn Fn(u64) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// Hands out sequence numbers across phases, so that every request of a run
/// is distinct (the purposes endpoint answers identical repeats from the
/// existing draft, which would measure the double-tap path instead).
#[derive(Default)]
pub struct Sequence(AtomicU64);

impl Sequence {
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

#[derive(Default)]
struct Tally {
    ok: u64,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn add(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => self.ok += 1,
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.ok += other.ok;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn report(self, label: String, elapsed: Duration, histogram: &Histogram<u64>) -> PhaseReport {
        PhaseReport {
            label,
            ok: self.ok,
            errors: self.errors,
            elapsed,
            latency: Latency::from_histogram(histogram),
            first_error: self.first_error,
        }
    }
}

/// Closed loop: `concurrency` clients, each sending its next request as soon
/// as the previous one is answered, until `duration` has passed. Measures the
/// most the system under test can do; requests started before the deadline
/// are allowed to finish and are counted.
pub async fn closed_loop(
    label: String,
    concurrency: usize,
    duration: Duration,
    seq: Arc<Sequence>,
    op: Op,
) -> PhaseReport {
    let start = Instant::now();
    let deadline = start + duration;
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let op = op.clone();
            let seq = seq.clone();
            tokio::spawn(async move {
                let mut histogram = new_histogram();
                let mut tally = Tally::default();
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let result = op(seq.next()).await;
                    record(&mut histogram, sent.elapsed());
                    tally.add(result);
                }
                (histogram, tally)
            })
        })
        .collect();
    let mut histogram = new_histogram();
    let mut tally = Tally::default();
    for worker in workers {
        match worker.await {
            Ok((h, t)) => {
                // Same bounds on every histogram, so adding cannot fail.
                let _ = histogram.add(&h);
                tally.merge(t);
            }
            Err(e) => tally.add(Err(format!("worker failed: {e}"))),
        }
    }
    tally.report(label, start.elapsed(), &histogram)
}

/// Open loop: requests leave on a fixed timetable, `rate` per second, whatever
/// the answers do. Each latency is measured from the request's *scheduled*
/// send time, so a stall that delays later sends shows up in their latency
/// instead of silently lowering the load (coordinated omission).
/// `max_in_flight` bounds the open connections; when it is reached, sends wait
/// and that wait is part of their latency.
pub async fn open_loop(
    label: String,
    rate: f64,
    duration: Duration,
    max_in_flight: usize,
    seq: Arc<Sequence>,
    op: Op,
) -> PhaseReport {
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let interval = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let max_in_flight = max_in_flight.max(1);
    let permits = Arc::new(Semaphore::new(max_in_flight));
    let results = Arc::new(Mutex::new((new_histogram(), Tally::default())));
    // A short lead so the first sends are not already late when the loop starts.
    let start = Instant::now() + Duration::from_millis(5);
    for k in 0..total {
        let scheduled = start + interval.mul_f64(k as f64);
        tokio::time::sleep_until(scheduled.into()).await;
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let op = op.clone();
        let n = seq.next();
        let results = results.clone();
        tokio::spawn(async move {
            let result = op(n).await;
            let latency = scheduled.elapsed();
            let mut guard = results.lock().unwrap_or_else(|e| e.into_inner());
            record(&mut guard.0, latency);
            guard.1.add(result);
            drop(permit);
        });
    }
    // Every permit back means every request has been answered.
    let all = u32::try_from(max_in_flight).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
    let elapsed = start.elapsed();
    let (histogram, tally) = std::mem::replace(
        &mut *results.lock().unwrap_or_else(|e| e.into_inner()),
        (new_histogram(), Tally::default()),
    );
    tally.report(label, elapsed, &histogram)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counting_op(fail_every: u64) -> Op {
        Arc::new(move |n| {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(1)).await;
                if fail_every > 0 && n % fail_every == 0 {
                    Err(format!("failed {n}"))
                } else {
                    Ok(())
                }
            })
        })
    }

    #[tokio::test]
    async fn the_closed_loop_counts_successes_and_failures_separately() {
        let seq = Arc::new(Sequence::default());
        let r = closed_loop(
            "c".into(),
            4,
            Duration::from_millis(100),
            seq.clone(),
            counting_op(2),
        )
        .await;
        let issued = seq.next();
        assert_eq!(r.ok + r.errors, issued, "every request is counted once");
        assert!(r.ok > 0 && r.errors > 0, "{r:?}");
        assert!(r
            .first_error
            .as_deref()
            .is_some_and(|e| e.starts_with("failed")));
    }

    #[tokio::test]
    async fn the_open_loop_sends_exactly_the_scheduled_number() {
        let seq = Arc::new(Sequence::default());
        let r = open_loop(
            "o".into(),
            200.0,
            Duration::from_millis(250),
            8,
            seq,
            counting_op(0),
        )
        .await;
        assert_eq!(r.ok, 50);
        assert_eq!(r.errors, 0);
        assert!(
            r.latency.p50_ms >= 1.0,
            "latency includes the operation: {r:?}"
        );
    }
}
