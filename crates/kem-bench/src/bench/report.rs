//! What a bench phase measured, and how it is printed: a plain-text table
//! for people and one JSON line for CI logs.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::{json, Value};

/// Latencies are recorded in microseconds up to a minute, 3 significant
/// digits: fine enough for sub-millisecond answers, small enough to merge.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("static histogram bounds are valid")
}

/// Records `latency` in microseconds; anything beyond the range counts as the range's top,
/// so one pathological request cannot abort the run.
pub fn record(histogram: &mut Histogram<u64>, latency: Duration) {
    let micros = u64::try_from(latency.as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    histogram.saturating_record(micros);
}

/// Percentiles of one phase, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Latency {
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn from_histogram(h: &Histogram<u64>) -> Latency {
        if h.is_empty() {
            return Latency::default();
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        Latency {
            mean_ms: h.mean() / 1000.0,
            p50_ms: ms(h.value_at_quantile(0.50)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
        }
    }
}

/// The outcome of one phase.
#[derive(Debug, Clone)]
pub struct PhaseReport {
    /// Row label, e.g. `closed loop, 64 clients`.
    pub label: String,
    /// Answers that were what the phase expects (200, or a committed insert).
    pub ok: u64,
    /// Everything else: other statuses, transport failures, database errors.
    pub errors: u64,
    /// From the first send to the last answer.
    pub elapsed: Duration,
    pub latency: Latency,
    /// The first failure seen, to make a non-zero error count actionable.
    pub first_error: Option<String>,
}

impl PhaseReport {
    /// Successful operations per second of wall time.
    pub fn throughput(&self) -> f64 {
        per_second(self.ok, self.elapsed)
    }

    fn json(&self) -> Value {
        json!({
            "requests": self.ok,
            "errors": self.errors,
            "perSecond": round2(self.throughput()),
            "meanMs": round2(self.latency.mean_ms),
            "p50Ms": round2(self.latency.p50_ms),
            "p95Ms": round2(self.latency.p95_ms),
            "p99Ms": round2(self.latency.p99_ms),
            "maxMs": round2(self.latency.max_ms),
        })
    }
}

pub fn per_second(count: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 {
        0.0
    } else {
        count as f64 / secs
    }
}

/// `endpoint / database`, or `None` when the database phase did nothing.
pub fn ratio(endpoint_per_s: f64, database_per_s: f64) -> Option<f64> {
    (database_per_s > 0.0).then(|| endpoint_per_s / database_per_s)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Everything one run measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// Backends by role (`database`, `cache`, `bus`), as the server reports them.
    pub backends: Vec<(String, String)>,
    pub target: String,
    pub users: usize,
    pub concurrency: usize,
    pub duration: Duration,
    pub rate: f64,
    pub closed: PhaseReport,
    pub open: PhaseReport,
    pub cache_read: PhaseReport,
    pub db_insert: Option<PhaseReport>,
}

/// The targets on PostgreSQL + Redis + Kafka.
pub const TARGET_CLOSED_RPS: f64 = 2000.0;
pub const TARGET_OPEN_P95_MS: f64 = 10.0;

impl BenchReport {
    pub fn endpoint_to_db_ratio(&self) -> Option<f64> {
        let db = self.db_insert.as_ref()?;
        ratio(self.closed.throughput(), db.throughput())
    }

    fn backend(&self, role: &str) -> &str {
        self.backends
            .iter()
            .find(|(r, _)| r == role)
            .map(|(_, b)| b.as_str())
            .unwrap_or("?")
    }

    /// The table printed at the end of a run.
    pub fn table(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "kem-bench purposes: POST /api/events/purposes on {} (database {}, cache {}, bus {})\n",
            self.target,
            self.backend("database"),
            self.backend("cache"),
            self.backend("bus"),
        ));
        out.push_str(&format!(
            "owners {}, concurrency {}, duration {:.1} s per phase, open-loop rate {}/s\n\n",
            self.users,
            self.concurrency,
            self.duration.as_secs_f64(),
            self.rate
        ));
        out.push_str(&format!(
            "{:<44} {:>9} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}\n",
            "phase", "ok", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"
        ));
        let mut rows = vec![&self.closed, &self.open, &self.cache_read];
        rows.extend(self.db_insert.as_ref());
        for row in rows {
            out.push_str(&format!(
                "{:<44} {:>9} {:>7} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2}\n",
                row.label,
                row.ok,
                row.errors,
                row.throughput(),
                row.latency.p50_ms,
                row.latency.p95_ms,
                row.latency.p99_ms,
                row.latency.max_ms
            ));
            if let Some(e) = &row.first_error {
                out.push_str(&format!("    first error: {e}\n"));
            }
        }
        out.push('\n');
        match self.endpoint_to_db_ratio() {
            Some(r) => out.push_str(&format!(
                "endpoint throughput / database insert throughput = {:.1} / {:.1} = {:.2}\n",
                self.closed.throughput(),
                self.db_insert.as_ref().map_or(0.0, PhaseReport::throughput),
                r
            )),
            None => out.push_str("database insert phase skipped\n"),
        }
        let verdict = |met: bool| if met { "met" } else { "MISSED" };
        out.push_str(&format!(
            "targets: closed loop >= {TARGET_CLOSED_RPS:.0} req/s: {}; p95 <= {TARGET_OPEN_P95_MS:.0} ms at {}/s: {}; \
             seed p95 <= 500 ms: {}; cache read p95 <= 50 ms: {}\n",
            verdict(self.closed.throughput() >= TARGET_CLOSED_RPS),
            self.rate,
            verdict(self.open.latency.p95_ms <= TARGET_OPEN_P95_MS && self.open.errors == 0),
            verdict(self.closed.latency.p95_ms <= 500.0 && self.open.latency.p95_ms <= 500.0),
            verdict(self.cache_read.latency.p95_ms <= 50.0),
        ));
        out
    }

    /// One line of JSON with every figure, for CI logs (`kem-bench purposes | tail -1 | jq`).
    pub fn json_line(&self) -> String {
        let backends: serde_json::Map<String, Value> = self
            .backends
            .iter()
            .map(|(role, backend)| (role.clone(), Value::from(backend.as_str())))
            .collect();
        json!({
            "bench": "kem",
            "target": self.target,
            "backends": backends,
            "users": self.users,
            "concurrency": self.concurrency,
            "durationS": self.duration.as_secs_f64(),
            "rate": self.rate,
            "closedLoop": self.closed.json(),
            "openLoop": self.open.json(),
            "cacheRead": self.cache_read.json(),
            "dbInsert": self.db_insert.as_ref().map(PhaseReport::json),
            "endpointToDbRatio": self.endpoint_to_db_ratio().map(round2),
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(label: &str, ok: u64, secs: u64, p95_ms: f64) -> PhaseReport {
        PhaseReport {
            label: label.into(),
            ok,
            errors: 0,
            elapsed: Duration::from_secs(secs),
            latency: Latency {
                p95_ms,
                ..Latency::default()
            },
            first_error: None,
        }
    }

    #[test]
    fn percentiles_come_out_in_milliseconds() {
        let mut h = new_histogram();
        // 1..=100 ms, one sample each: p50 is 50 ms, p95 95 ms, p99 99 ms.
        for ms in 1..=100u64 {
            record(&mut h, Duration::from_millis(ms));
        }
        let l = Latency::from_histogram(&h);
        let close = |a: f64, b: f64| (a - b).abs() <= b * 0.001 + 0.001;
        assert!(close(l.p50_ms, 50.0), "{l:?}");
        assert!(close(l.p95_ms, 95.0), "{l:?}");
        assert!(close(l.p99_ms, 99.0), "{l:?}");
        assert!(close(l.max_ms, 100.0), "{l:?}");
        assert!(close(l.mean_ms, 50.5), "{l:?}");
    }

    #[test]
    fn an_empty_histogram_reports_zeros_and_huge_values_saturate() {
        assert_eq!(
            Latency::from_histogram(&new_histogram()),
            Latency::default()
        );
        let mut h = new_histogram();
        record(&mut h, Duration::from_secs(3600));
        record(&mut h, Duration::ZERO);
        assert_eq!(h.len(), 2);
        assert!(Latency::from_histogram(&h).max_ms >= 59_000.0);
    }

    #[test]
    fn throughput_and_ratio_handle_zero() {
        assert_eq!(per_second(100, Duration::from_secs(4)), 25.0);
        assert_eq!(per_second(100, Duration::ZERO), 0.0);
        assert_eq!(ratio(1000.0, 4000.0), Some(0.25));
        assert_eq!(ratio(1000.0, 0.0), None);
    }

    #[test]
    fn the_table_and_json_line_carry_every_phase_and_the_ratio() {
        let report = BenchReport {
            backends: vec![
                ("database".into(), "postgres".into()),
                ("cache".into(), "redis".into()),
            ],
            target: "in-process".into(),
            users: 5,
            concurrency: 8,
            duration: Duration::from_secs(10),
            rate: 1000.0,
            closed: phase("closed loop", 30_000, 10, 20.0),
            open: phase("open loop", 10_000, 10, 4.0),
            cache_read: phase("cache read", 5_000, 2, 1.0),
            db_insert: Some(phase("db insert", 60_000, 10, 3.0)),
        };
        let table = report.table();
        assert!(
            table.contains("database postgres, cache redis, bus ?"),
            "{table}"
        );
        assert!(table.contains("= 3000.0 / 6000.0 = 0.50"), "{table}");
        assert!(table.contains("closed loop >= 2000 req/s: met"), "{table}");
        assert!(table.contains("p95 <= 10 ms at 1000/s: met"), "{table}");
        let line = report.json_line();
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["closedLoop"]["perSecond"], 3000.0);
        assert_eq!(v["dbInsert"]["requests"], 60_000);
        assert_eq!(v["endpointToDbRatio"], 0.5);
        assert_eq!(v["backends"]["cache"], "redis");

        let skipped = BenchReport {
            db_insert: None,
            ..report
        };
        assert!(skipped.table().contains("database insert phase skipped"));
        assert!(skipped.json_line().contains("\"endpointToDbRatio\":null"));
    }
}
