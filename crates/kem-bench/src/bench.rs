//! `kem-bench purposes` (was `kem bench`): load generator for `POST /api/events/purposes` (issue 2, item 7).
//!
//! One run, in this order:
//! 1. setup: registers `--users` owners (argon2, so before any timing), one
//!    cached draft per owner, and `--warmup` seconds of unrecorded load;
//! 2. closed loop: `--concurrency` clients as fast as answers come back;
//! 3. open loop: `--rate` requests/s on a fixed timetable, latency from the
//!    scheduled send time (coordinated omission accounted);
//! 4. cache read: `GET /api/events/{id}` of drafts in `draft:event:{id}`;
//! 5. the database's own limit: the endpoint's transaction straight through
//!    sqlx on a scratch database of the same backend, same concurrency.
//!
//! By default the app runs in this process on 127.0.0.1:0 with the loaded
//! settings (`KEM_DATABASE_URL`, `KEM_CACHE_URL`, `KEM_BUS_URL` choose the
//! backends) and, unless a data directory was configured (`--data-dir`,
//! `KEM_DATA_DIR`, a config file), SQLite files in a fresh temporary
//! directory; on PostgreSQL, a fresh database on the configured server
//! (`--reuse-database` to use the configured one), and a cache key prefix of
//! its own. `--target URL` loads a running server instead; phase 5 then uses
//! this process's `KEM_DATABASE_URL`, which should name the server's.
//! The table goes to stdout at the end, followed by one JSON line.

mod db;
pub(crate) mod http;
pub(crate) mod isolate;
pub(crate) mod load;
pub(crate) mod report;

use std::{path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use platform::config::Settings;

use self::{
    load::{closed_loop, open_loop, Sequence},
    report::BenchReport,
};

#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// A running server to load, e.g. http://127.0.0.1:8080 (default: start the app in this process).
    #[arg(long)]
    pub target: Option<String>,
    /// Owners to register; requests rotate over them.
    #[arg(long, default_value_t = 50)]
    pub users: usize,
    /// Concurrent clients of the closed loop, and tasks of the database insert loop.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Seconds each timed phase runs (closed loop, open loop, database insert loop).
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Requests per second of the open loop.
    #[arg(long, default_value_t = 1000.0)]
    pub rate: f64,
    /// Seconds of unrecorded load before the closed loop (connections, caches, statement caches).
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Seconds of the cache-read phase (default: a fifth of --duration, at least 1).
    #[arg(long)]
    pub cache_read_duration: Option<f64>,
    /// Concurrent clients of the cache-read phase.
    #[arg(long, default_value_t = 8)]
    pub cache_read_concurrency: usize,
    /// Registrations in flight during setup (each one is a password hash).
    #[arg(long, default_value_t = 4)]
    pub setup_concurrency: usize,
    /// Most open-loop requests in flight at once; beyond it sends wait, and the wait counts as latency.
    #[arg(long, default_value_t = 1024)]
    pub max_in_flight: usize,
    /// Skip the database insert loop.
    #[arg(long)]
    pub skip_db: bool,
    /// Run the in-process app on the configured PostgreSQL database itself
    /// instead of a fresh database created (and dropped) on the same server.
    #[arg(long)]
    pub reuse_database: bool,
}

/// Runs the bench and prints the table and the JSON line.
pub async fn run(settings: Settings, args: BenchArgs) -> anyhow::Result<()> {
    let report = measure(settings, &args).await?;
    println!("\n{}", report.table());
    println!("{}", report.json_line());
    Ok(())
}

fn secs(name: &str, value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("--{name} must be a non-negative number of seconds"))
}

/// Checked durations of one run.
struct Timing {
    duration: Duration,
    warmup: Duration,
    cache_read: Duration,
}

/// The whole run; answers the figures instead of printing them.
pub async fn measure(mut settings: Settings, args: &BenchArgs) -> anyhow::Result<BenchReport> {
    let duration = secs("duration", args.duration)?;
    anyhow::ensure!(!duration.is_zero(), "--duration must be positive");
    anyhow::ensure!(
        args.rate.is_finite() && args.rate > 0.0,
        "--rate must be positive"
    );
    anyhow::ensure!(
        args.users > 0 && args.concurrency > 0,
        "--users and --concurrency must be positive"
    );
    let timing = Timing {
        duration,
        warmup: secs("warmup", args.warmup)?,
        cache_read: match args.cache_read_duration {
            Some(s) => secs("cache-read-duration", s)?,
            None => (duration / 5).max(Duration::from_secs(1)),
        },
    };
    let run = ulid::Ulid::new().to_string().to_lowercase();
    let scratch = isolate::ScratchDir::new(&run)?;
    let mut fresh = None;
    if args.target.is_none() {
        isolate::one_address_plays_every_client(&mut settings);
        // The default data dir would mix bench rows into `./data`; a chosen one is respected.
        if settings.data_dir == Settings::defaults().data_dir {
            settings.data_dir = scratch.path().join("data");
        }
        if !args.reuse_database {
            if let Some((url, db)) = isolate::fresh_database(&settings.database_url, &run).await? {
                settings.database_url = url;
                fresh = Some(db);
            }
        }
        // Owner ids restart at 1 in a fresh database: keys such as `purpose:1`
        // must not land on those of the configured database's owners.
        if settings.cache_key_prefix.is_empty() {
            settings.cache_key_prefix = format!("kem-bench-{run}:");
        }
    }
    let report = measure_in(settings, args, &timing, scratch.path()).await;
    if let Some(db) = fresh {
        db.drop().await;
    }
    report
}

async fn measure_in(
    settings: Settings,
    args: &BenchArgs,
    timing: &Timing,
    scratch: &Path,
) -> anyhow::Result<BenchReport> {
    let app = match &args.target {
        Some(_) => None,
        None => {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            Some(
                kem::start(settings.clone(), listener)
                    .await
                    .context("starting the app")?,
            )
        }
    };
    let (base, target) = match (&args.target, &app) {
        (Some(url), _) => (url.trim_end_matches('/').to_string(), url.clone()),
        (None, Some(app)) => (
            app.base_url(),
            format!("in-process app at {}", app.base_url()),
        ),
        (None, None) => unreachable!("an app is started when no target is given"),
    };
    let measured = http_phases(args, &base, timing).await;
    // Stopped before the database phase so its relay and pools do not compete with it.
    if let Some(app) = app {
        app.stop().await.context("stopping the app")?;
    }
    let (backends, closed, open, cache_read) = measured?;

    let db_insert = if args.skip_db {
        None
    } else {
        eprintln!(
            "kem-bench purposes: database insert loop, {} tasks, {:.1} s",
            args.concurrency,
            timing.duration.as_secs_f64()
        );
        let phase = db::insert_phase(
            &settings.database_url,
            scratch,
            settings.database_max_connections,
            args.concurrency,
            timing.duration,
            args.users as i64,
        );
        Some(phase.await.context("database insert loop")?)
    };
    Ok(BenchReport {
        backends,
        target,
        users: args.users,
        concurrency: args.concurrency,
        duration: timing.duration,
        rate: args.rate,
        closed,
        open,
        cache_read,
        db_insert,
    })
}

type HttpFigures = (
    Vec<(String, String)>,
    report::PhaseReport,
    report::PhaseReport,
    report::PhaseReport,
);

/// Background work a phase leaves behind (outbox deletes, autovacuum, WAL
/// flushes) settles for this long before the next phase starts.
const SETTLE: Duration = Duration::from_millis(500);

async fn http_phases(args: &BenchArgs, base: &str, timing: &Timing) -> anyhow::Result<HttpFigures> {
    let Timing {
        duration,
        warmup,
        cache_read: cache_duration,
    } = *timing;
    let client = http::client()?;
    let backends = http::backends(&client, base).await?;
    eprintln!(
        "kem-bench purposes: registering {} owners on {base}",
        args.users
    );
    let owners = http::register_owners(&client, base, args.users, args.setup_concurrency).await?;
    let drafts = Arc::new(http::cached_drafts(&client, base, &owners).await?);
    let owners = Arc::new(owners);
    let seq = Arc::new(Sequence::default());
    let purpose = http::purpose_op(client.clone(), base, owners);

    if !warmup.is_zero() {
        eprintln!(
            "kem-bench purposes: warming up for {:.1} s",
            warmup.as_secs_f64()
        );
        closed_loop(
            "warmup".into(),
            args.concurrency,
            warmup,
            seq.clone(),
            purpose.clone(),
        )
        .await;
        tokio::time::sleep(SETTLE).await;
    }
    eprintln!(
        "kem-bench purposes: closed loop, {} clients, {:.1} s",
        args.concurrency,
        duration.as_secs_f64()
    );
    let label = format!("closed loop, {} clients", args.concurrency);
    let closed = closed_loop(
        label,
        args.concurrency,
        duration,
        seq.clone(),
        purpose.clone(),
    )
    .await;
    tokio::time::sleep(SETTLE).await;

    eprintln!(
        "kem-bench purposes: open loop, {}/s, {:.1} s",
        args.rate,
        duration.as_secs_f64()
    );
    let label = format!("open loop, {}/s offered", args.rate);
    let open = open_loop(
        label,
        args.rate,
        duration,
        args.max_in_flight,
        seq.clone(),
        purpose,
    )
    .await;
    tokio::time::sleep(SETTLE).await;

    eprintln!(
        "kem-bench purposes: cache reads, {} clients, {:.1} s",
        args.cache_read_concurrency,
        cache_duration.as_secs_f64()
    );
    let label = format!(
        "cache read GET /api/events/{{id}}, {} clients",
        args.cache_read_concurrency
    );
    let read = http::cache_read_op(client, base, drafts);
    let cache_read = closed_loop(
        label,
        args.cache_read_concurrency,
        cache_duration,
        seq,
        read,
    )
    .await;
    Ok((backends, closed, open, cache_read))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: BenchArgs,
    }

    fn args(argv: &[&str]) -> BenchArgs {
        Cli::parse_from(std::iter::once("bench").chain(argv.iter().copied())).args
    }

    #[test]
    fn the_defaults_are_the_issue_s_figures() {
        let a = args(&[]);
        assert_eq!(
            (a.users, a.concurrency, a.duration, a.rate),
            (50, 64, 10.0, 1000.0)
        );
        assert!(a.target.is_none() && !a.skip_db);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_short_run_against_an_in_process_app_counts_requests_without_errors() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut settings = Settings::defaults();
        settings.data_dir = dir.path().to_path_buf();
        let a = args(&[
            "--users",
            "2",
            "--concurrency",
            "4",
            "--duration",
            "0.5",
            "--rate",
            "40",
            "--warmup",
            "0.2",
            "--cache-read-duration",
            "0.3",
            "--cache-read-concurrency",
            "2",
            "--setup-concurrency",
            "2",
        ]);
        let report = measure(settings, &a).await.expect("bench run");
        let db = report.db_insert.as_ref().expect("database phase ran");
        for phase in [&report.closed, &report.open, &report.cache_read, db] {
            assert!(phase.ok > 0, "{phase:?}");
            assert_eq!(phase.errors, 0, "{phase:?}");
            assert!(
                phase.latency.p50_ms > 0.0 && phase.latency.p99_ms >= phase.latency.p50_ms,
                "{phase:?}"
            );
        }
        assert_eq!(
            report.open.ok, 20,
            "0.5 s at 40/s is exactly 20 scheduled requests"
        );
        assert!(report
            .backends
            .contains(&("database".to_string(), "sqlite".to_string())));
        assert!(report.endpoint_to_db_ratio().is_some_and(|r| r > 0.0));
        assert!(
            dir.path().join("event.db").exists(),
            "a chosen data dir is used as given"
        );
    }
}
