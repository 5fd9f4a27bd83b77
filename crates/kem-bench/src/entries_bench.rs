//! `kem-bench entries` (was `kem bench-entries`): customers' entries under load (issue 5 item 6).
//!
//! Starts the app in this process on the configured backends (SQLite files
//! in a scratch directory unless a data directory was chosen; on PostgreSQL
//! a fresh database on the same server, dropped afterwards; a cache key
//! prefix and Kafka consumer groups of the run's own), registers an owner and
//! makes one ACTIVE event by walking the real API. Then:
//! 0. baseline: `GET /healthz` at the same concurrency (up to 3 s);
//! 1. closed loop: `--concurrency` clients `POST …/participate` with unique
//!    phones, ~5 % repeated phones (must be 409 `PART_001`) and ~2 % bad
//!    bodies (must be 400), for `--duration` s, after `--warmup` s unrecorded;
//! 2. open loop: the same mix at `--rate`/s for `--duration` s, latency from
//!    the scheduled send time; meanwhile the dashboard's participant total is
//!    compared with the stored count once a second;
//! 3. counted afterwards: 201s against the participant list's `totalCount`
//!    (lost, duplicates) and the CSV export's entry numbers (1..N, no gaps);
//! 4. how long after the last answer the dashboard's total equals the stored count.
//!
//! The table goes to stdout, then one JSON line.

mod entries;
mod owner;
mod report;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use platform::config::Settings;
use reqwest::Client;
use tokio_util::sync::CancellationToken;

use self::{
    entries::Tally,
    owner::OwnerApi,
    report::{EntriesReport, EntryPhase, Freshness, Integrity},
};
use crate::bench::{
    http, isolate,
    load::{closed_loop, open_loop, Op, Sequence},
};

#[derive(clap::Args, Debug, Clone)]
pub struct EntriesBenchArgs {
    /// Concurrent clients of the closed loop and of the /healthz baseline.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Seconds of the closed loop and of the open loop, each.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Entries per second offered by the open loop.
    #[arg(long, default_value_t = 2000.0)]
    pub rate: f64,
    /// Seconds of unrecorded entries before the closed loop (their entries are counted afterwards).
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Most open-loop requests in flight; beyond it sends wait, and the wait counts as latency.
    #[arg(long, default_value_t = 1024)]
    pub max_in_flight: usize,
    /// Use the configured PostgreSQL database instead of a fresh one on the same server.
    #[arg(long)]
    pub reuse_database: bool,
}

/// Background work of a phase (outbox relay, analytics consumer) settles this long before the next.
const SETTLE: Duration = Duration::from_millis(500);
/// How long the dashboard may take to catch up after the load before it is reported as never.
const CATCH_UP_WAIT: Duration = Duration::from_secs(60);

/// Runs the bench and prints the table and the JSON line.
pub async fn run(settings: Settings, args: EntriesBenchArgs) -> anyhow::Result<()> {
    let report = measure(settings, &args).await?;
    println!("\n{}", report.table());
    println!("{}", report.json_line());
    Ok(())
}

fn secs(name: &str, value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("--{name} must be a non-negative number of seconds"))
}

/// The whole run on an in-process app; answers the figures.
pub async fn measure(
    mut settings: Settings,
    args: &EntriesBenchArgs,
) -> anyhow::Result<EntriesReport> {
    let duration = secs("duration", args.duration)?;
    let warmup = secs("warmup", args.warmup)?;
    anyhow::ensure!(!duration.is_zero(), "--duration must be positive");
    anyhow::ensure!(args.concurrency > 0, "--concurrency must be positive");
    anyhow::ensure!(
        args.rate.is_finite() && args.rate > 0.0,
        "--rate must be positive"
    );
    let run = ulid::Ulid::new().to_string().to_lowercase();
    let scratch = isolate::ScratchDir::new(&run)?;
    if settings.data_dir == Settings::defaults().data_dir {
        settings.data_dir = scratch.path().join("data");
    }
    let mut fresh = None;
    if !args.reuse_database {
        if let Some((url, db)) = isolate::fresh_database(&settings.database_url, &run).await? {
            settings.database_url = url;
            fresh = Some(db);
        }
    }
    if settings.cache_key_prefix.is_empty() {
        settings.cache_key_prefix = format!("kem-bench-{run}:");
    }
    // Consumer groups of the bench's own, so a shared broker's other apps do
    // not take our partitions; the same ones every run, so their committed
    // offsets spare later runs from skipping the broker's whole history.
    if settings.bus_group_prefix.is_empty() {
        settings.bus_group_prefix = "kem-bench-entries-".into();
    }
    settings.bus_skip_history = true;
    settings.services = "all".into();
    isolate::one_address_plays_every_client(&mut settings);
    let measured = async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let app = kem::start(settings, listener)
            .await
            .context("starting the app")?;
        let report = phases(&app.base_url(), args, duration, warmup).await;
        app.stop().await.context("stopping the app")?;
        report
    }
    .await;
    if let Some(db) = fresh {
        db.drop().await;
    }
    measured
}

/// `GET /healthz`: the HTTP round trip with no work behind it.
fn healthz_op(client: Client, base: &str) -> Op {
    let url: Arc<str> = format!("{base}/healthz").into();
    Arc::new(move |_| {
        let request = client.get(&*url);
        Box::pin(async move {
            let resp = request.send().await.map_err(|e| format!("send: {e}"))?;
            let status = resp.status();
            resp.bytes().await.map_err(|e| format!("body: {e}"))?;
            status
                .is_success()
                .then_some(())
                .ok_or_else(|| format!("healthz: {status}"))
        })
    })
}

/// `stored − dashboard total` once a second until `stop`; the dashboard is
/// read first, so entries landing in between make the lag look larger, never smaller.
async fn sample_lag(
    api: Arc<OwnerApi>,
    id: String,
    stop: CancellationToken,
) -> anyhow::Result<Vec<i64>> {
    let mut samples = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.cancelled() => return Ok(samples),
        }
        let dashboard = api.dashboard_total(&id).await?;
        let stored = api.stored(&id).await?;
        samples.push(stored as i64 - dashboard as i64);
    }
}

async fn phases(
    base: &str,
    args: &EntriesBenchArgs,
    duration: Duration,
    warmup: Duration,
) -> anyhow::Result<EntriesReport> {
    let c = args.concurrency;
    let client = http::client()?;
    let backends = http::backends(&client, base).await?;
    let owner = http::register_owners(&client, base, 1, 1)
        .await?
        .pop()
        .context("an owner")?;
    let api = Arc::new(OwnerApi {
        client: client.clone(),
        base: base.to_string(),
        token: owner.token,
    });
    eprintln!("kem-bench entries: publishing an event on {base}");
    let id = api.active_event(owner.user_id).await?;

    let baseline_for = duration.min(Duration::from_secs(3));
    eprintln!("kem-bench entries: baseline GET /healthz, {c} clients");
    let baseline = closed_loop(
        format!("baseline GET /healthz, {c} clients"),
        c,
        baseline_for,
        Arc::new(Sequence::default()),
        healthz_op(client.clone(), base),
    )
    .await;

    let tally = Arc::new(Tally::default());
    // Sequence numbers are phone numbers: start past 0 so none is all zeros.
    let seq = Arc::new(Sequence::default());
    seq.next();
    let op = entries::entry_op(client.clone(), base, &id, tally.clone());
    if !warmup.is_zero() {
        eprintln!(
            "kem-bench entries: warming up for {:.1} s",
            warmup.as_secs_f64()
        );
        closed_loop("warmup".into(), c, warmup, seq.clone(), op.clone()).await;
        tokio::time::sleep(SETTLE).await;
    }

    eprintln!(
        "kem-bench entries: closed loop, {c} clients, {:.1} s",
        duration.as_secs_f64()
    );
    let before = tally.accepted();
    let phase = closed_loop(
        format!("closed loop, {c} clients"),
        c,
        duration,
        seq.clone(),
        op.clone(),
    )
    .await;
    let closed = EntryPhase {
        phase,
        accepted: tally.accepted() - before,
    };
    tokio::time::sleep(SETTLE).await;

    eprintln!(
        "kem-bench entries: open loop, {}/s, {:.1} s",
        args.rate,
        duration.as_secs_f64()
    );
    let stop = CancellationToken::new();
    let sampler = tokio::spawn(sample_lag(api.clone(), id.clone(), stop.clone()));
    let before = tally.accepted();
    let phase = open_loop(
        format!("open loop, {}/s offered", args.rate),
        args.rate,
        duration,
        args.max_in_flight,
        seq,
        op,
    )
    .await;
    let load_ended = Instant::now();
    stop.cancel();
    let open = EntryPhase {
        phase,
        accepted: tally.accepted() - before,
    };

    let stored = api.stored(&id).await?;
    let caught_up_ms = loop {
        if api.dashboard_total(&id).await? == stored {
            break Some(load_ended.elapsed().as_secs_f64() * 1e3);
        }
        if load_ended.elapsed() > CATCH_UP_WAIT {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let lag_samples = sampler.await.context("lag sampler")??;

    let numbers = api.entry_numbers(&id).await?;
    let exported = numbers.len() as u64;
    let (gaps, repeated_numbers) = owner::gaps_and_repeats(numbers);
    let integrity = Integrity {
        accepted: tally.accepted(),
        distinct_phones: tally.distinct_phones(),
        stored,
        exported,
        gaps,
        repeated_numbers,
        repeats_refused: tally
            .repeats_refused
            .load(std::sync::atomic::Ordering::Relaxed),
        bad_refused: tally.bad_refused.load(std::sync::atomic::Ordering::Relaxed),
    };
    Ok(EntriesReport {
        backends,
        concurrency: c,
        rate: args.rate,
        duration_s: duration.as_secs_f64(),
        baseline,
        closed,
        open,
        integrity,
        freshness: Freshness {
            lag_samples,
            caught_up_ms,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: EntriesBenchArgs,
    }

    #[test]
    fn the_defaults_are_the_brief_s() {
        let a = Cli::parse_from(["bench-entries"]).args;
        assert_eq!((a.concurrency, a.duration, a.rate), (64, 10.0, 2000.0));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_short_run_stores_every_accepted_entry_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut settings = Settings::defaults();
        settings.data_dir = dir.path().to_path_buf();
        let a = Cli::parse_from([
            "bench-entries",
            "--concurrency",
            "4",
            "--duration",
            "0.5",
            "--rate",
            "100",
            "--warmup",
            "0.2",
        ])
        .args;
        let report = measure(settings, &a).await.expect("bench run");
        let i = &report.integrity;
        assert!(i.accepted > 0 && i.repeats_refused > 0, "{i:?}");
        assert_eq!((i.lost(), i.duplicates(), i.gaps), (0, 0, 0), "{i:?}");
        assert_eq!(i.exported, i.stored);
        assert_eq!(report.open.phase.ok + report.open.phase.errors, 50);
        assert_eq!(report.closed.phase.errors + report.open.phase.errors, 0);
        assert!(report.freshness.caught_up_ms.is_some());
    }
}
