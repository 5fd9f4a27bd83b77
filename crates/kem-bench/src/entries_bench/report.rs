//! What `kem-bench entries` measured: a table for people and one JSON line.

use serde_json::{json, Value};

use crate::bench::report::{per_second, PhaseReport};

/// One load phase and the entries it got accepted.
#[derive(Debug, Clone)]
pub struct EntryPhase {
    pub phase: PhaseReport,
    /// 201 answers within the phase.
    pub accepted: u64,
}

impl EntryPhase {
    pub fn accepted_per_s(&self) -> f64 {
        per_second(self.accepted, self.phase.elapsed)
    }
}

/// Counted after the load: the client's view against the tables'.
#[derive(Debug, Clone, Default)]
pub struct Integrity {
    /// 201 answers, every phase.
    pub accepted: u64,
    /// Distinct phones among them.
    pub distinct_phones: u64,
    /// `totalCount` of the participant list.
    pub stored: u64,
    /// Entry numbers in the CSV export.
    pub exported: u64,
    /// Numbers missing from 1..=N, and numbers repeated (or 0).
    pub gaps: u64,
    pub repeated_numbers: u64,
    /// 409 PART_001 to repeated phones, 400 to bad bodies.
    pub repeats_refused: u64,
    pub bad_refused: u64,
}

impl Integrity {
    /// Accepted but not stored.
    pub fn lost(&self) -> i64 {
        self.accepted as i64 - self.stored as i64
    }

    /// Stored more than once per phone.
    pub fn duplicates(&self) -> i64 {
        self.stored as i64 - self.distinct_phones as i64
    }
}

/// The dashboard against the tables: per-second samples during the open loop, and after it.
#[derive(Debug, Clone, Default)]
pub struct Freshness {
    /// `stored − dashboard total` at each sample.
    pub lag_samples: Vec<i64>,
    /// From the last answer of the load to a dashboard total equal to the stored count;
    /// `None` when it never got there within the wait.
    pub caught_up_ms: Option<f64>,
}

impl Freshness {
    pub fn max_lag(&self) -> i64 {
        self.lag_samples.iter().copied().max().unwrap_or(0)
    }

    pub fn mean_lag(&self) -> f64 {
        if self.lag_samples.is_empty() {
            return 0.0;
        }
        self.lag_samples.iter().sum::<i64>() as f64 / self.lag_samples.len() as f64
    }
}

/// Targets of issue 5 item 6.
pub const TARGET_PER_S: f64 = 2000.0;
pub const TARGET_P95_MS: f64 = 20.0;

/// Everything one run measured.
#[derive(Debug, Clone)]
pub struct EntriesReport {
    pub backends: Vec<(String, String)>,
    pub concurrency: usize,
    pub rate: f64,
    pub duration_s: f64,
    pub baseline: PhaseReport,
    pub closed: EntryPhase,
    pub open: EntryPhase,
    pub integrity: Integrity,
    pub freshness: Freshness,
}

impl EntriesReport {
    /// How long the open loop took to accept `entries`: a lag in entries
    /// read as a delay.
    pub fn lag_ms(&self, entries: f64) -> f64 {
        let rate = self.open.accepted_per_s();
        if rate > 0.0 {
            entries / rate * 1000.0
        } else {
            0.0
        }
    }
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

impl EntriesReport {
    fn backend(&self, role: &str) -> &str {
        let found = self.backends.iter().find(|(r, _)| r == role);
        found.map_or("?", |(_, b)| b.as_str())
    }

    /// The plain-text table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "kem-bench entries: POST /api/events/{{id}}/participate (database {}, cache {}, bus {})\n\
             concurrency {}, {:.1} s per phase, open-loop rate {}/s; ~5 % repeated phones, ~2 % bad bodies\n\n",
            self.backend("database"),
            self.backend("cache"),
            self.backend("bus"),
            self.concurrency,
            self.duration_s,
            self.rate
        );
        out.push_str(&format!(
            "{:<38} {:>8} {:>6} {:>9} {:>10} {:>7} {:>7} {:>7} {:>7}\n",
            "phase",
            "answers",
            "errors",
            "req/s",
            "entries/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms"
        ));
        let rows = [
            (&self.baseline, None),
            (&self.closed.phase, Some(self.closed.accepted_per_s())),
            (&self.open.phase, Some(self.open.accepted_per_s())),
        ];
        for (p, entries) in rows {
            let l = p.latency;
            out.push_str(&format!(
                "{:<38} {:>8} {:>6} {:>9.1} {:>10} {:>7.2} {:>7.2} {:>7.2} {:>7.2}\n",
                p.label,
                p.ok + p.errors,
                p.errors,
                per_second(p.ok + p.errors, p.elapsed),
                entries.map_or("-".to_string(), |e| format!("{e:.1}")),
                l.p50_ms,
                l.p95_ms,
                l.p99_ms,
                l.max_ms
            ));
            if let Some(e) = &p.first_error {
                out.push_str(&format!("    first error: {e}\n"));
            }
        }
        let i = &self.integrity;
        out.push_str(&format!(
            "\ncounted afterwards: accepted (201) {}, stored {}, lost {}, duplicates {}; \
             entry numbers exported {}, gaps {}, repeated {}; refused: repeats 409 {}, bad 400 {}\n",
            i.accepted,
            i.stored,
            i.lost(),
            i.duplicates(),
            i.exported,
            i.gaps,
            i.repeated_numbers,
            i.repeats_refused,
            i.bad_refused
        ));
        let f = &self.freshness;
        out.push_str(&format!(
            "dashboard: during the open loop {} samples, lag behind stored mean {:.1} max {} entries \
             (≈ {:.0} / {:.0} ms of entries at the open loop's rate); after the load equal to stored in {}\n",
            f.lag_samples.len(),
            f.mean_lag(),
            f.max_lag(),
            self.lag_ms(f.mean_lag()),
            self.lag_ms(f.max_lag() as f64),
            f.caught_up_ms
                .map_or("NEVER (60 s wait)".to_string(), |ms| format!("{ms:.0} ms"))
        ));
        out.push_str(&format!(
            "targets: closed loop >= {TARGET_PER_S:.0} entries/s: {}; open loop p95 <= {TARGET_P95_MS:.0} ms at {}/s: {}; \
             0 lost: {}; 0 duplicates: {}; numbers 1..N without gaps: {}\n",
            verdict(self.closed.accepted_per_s() >= TARGET_PER_S),
            self.rate,
            verdict(self.open.phase.latency.p95_ms <= TARGET_P95_MS && self.open.phase.errors == 0),
            verdict(i.lost() == 0),
            verdict(i.duplicates() == 0),
            verdict(i.gaps == 0 && i.repeated_numbers == 0 && i.exported == i.stored),
        ));
        out
    }

    fn phase_json(p: &PhaseReport, accepted: Option<u64>) -> Value {
        let l = p.latency;
        json!({
            "answers": p.ok + p.errors, "errors": p.errors, "accepted": accepted,
            "entriesPerSecond": accepted.map(|a| r2(per_second(a, p.elapsed))),
            "requestsPerSecond": r2(per_second(p.ok + p.errors, p.elapsed)),
            "p50Ms": r2(l.p50_ms), "p95Ms": r2(l.p95_ms), "p99Ms": r2(l.p99_ms), "maxMs": r2(l.max_ms),
        })
    }

    /// One line of JSON with every figure.
    pub fn json_line(&self) -> String {
        let i = &self.integrity;
        let backends: serde_json::Map<String, Value> = self
            .backends
            .iter()
            .map(|(r, b)| (r.clone(), Value::from(b.as_str())))
            .collect();
        json!({
            "bench": "kem-entries", "backends": backends, "concurrency": self.concurrency,
            "rate": self.rate, "durationS": self.duration_s,
            "baselineHealthz": Self::phase_json(&self.baseline, None),
            "closedLoop": Self::phase_json(&self.closed.phase, Some(self.closed.accepted)),
            "openLoop": Self::phase_json(&self.open.phase, Some(self.open.accepted)),
            "accepted": i.accepted, "stored": i.stored, "lost": i.lost(), "duplicates": i.duplicates(),
            "entryNumberGaps": i.gaps, "entryNumbersRepeated": i.repeated_numbers,
            "repeatsRefused": i.repeats_refused, "badRefused": i.bad_refused,
            "dashboardLagMax": self.freshness.max_lag(),
            "dashboardLagMean": r2(self.freshness.mean_lag()),
            "dashboardLagMeanMs": r2(self.lag_ms(self.freshness.mean_lag())),
            "dashboardCaughtUpMs": self.freshness.caught_up_ms.map(r2),
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::bench::report::Latency;

    fn phase(label: &str, ok: u64, p95_ms: f64) -> PhaseReport {
        PhaseReport {
            label: label.into(),
            ok,
            errors: 0,
            elapsed: Duration::from_secs(10),
            latency: Latency {
                p95_ms,
                ..Latency::default()
            },
            first_error: None,
        }
    }

    #[test]
    fn lost_duplicates_and_verdicts_follow_the_counts() {
        let report = EntriesReport {
            backends: vec![("database".into(), "postgres".into())],
            concurrency: 64,
            rate: 2000.0,
            duration_s: 10.0,
            baseline: phase("healthz", 100, 1.0),
            closed: EntryPhase {
                phase: phase("closed", 30_000, 30.0),
                accepted: 25_000,
            },
            open: EntryPhase {
                phase: phase("open", 20_000, 10.0),
                accepted: 18_000,
            },
            integrity: Integrity {
                accepted: 43_000,
                distinct_phones: 42_999,
                stored: 42_999,
                exported: 42_999,
                ..Integrity::default()
            },
            freshness: Freshness {
                lag_samples: vec![0, 4, 2],
                caught_up_ms: Some(120.0),
            },
        };
        assert_eq!(report.integrity.lost(), 1);
        assert_eq!(report.integrity.duplicates(), 0);
        let table = report.table();
        assert!(table.contains(">= 2000 entries/s: met"), "{table}");
        assert!(
            table.contains("0 lost: MISSED; 0 duplicates: met"),
            "{table}"
        );
        assert!(table.contains("mean 2.0 max 4 entries"), "{table}");
        let v: Value = serde_json::from_str(&report.json_line()).expect("json");
        assert_eq!(v["closedLoop"]["entriesPerSecond"], 2500.0);
        assert_eq!(v["lost"], 1);
        assert_eq!(v["dashboardCaughtUpMs"], 120.0);
        assert_eq!(v["backends"]["database"], "postgres");
    }
}
