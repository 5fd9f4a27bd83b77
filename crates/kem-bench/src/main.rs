//! `kem-bench`: the load generators (`purposes`, `flow`, `entries`). The
//! global flags are `kem`'s, so a bench loads the same settings a server would.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand};
use platform::config::{CliOverrides, Settings};

#[derive(Parser)]
#[command(
    name = "kem-bench",
    version,
    about = "Load generators for KT AI Event Marketing"
)]
struct Cli {
    /// Settings file (TOML) layered over the embedded defaults.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Address the in-process app would listen on (the benches bind port 0 themselves).
    #[arg(long, global = true)]
    listen: Option<SocketAddr>,
    /// Directory for SQLite files and the generated secret (default: a scratch directory).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Services to mount: "all" or a comma list such as "user,event".
    #[arg(long, global = true)]
    services: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load-test POST /api/events/purposes and the database's own insert limit.
    #[command(alias = "bench")]
    Purposes(kem_bench::bench::BenchArgs),
    /// Time the creation and publish steps end to end (AI job, image job, publish, breaker).
    #[command(alias = "bench-flow")]
    Flow(kem_bench::flow_bench::FlowBenchArgs),
    /// Load-test customers' entries: throughput, latency, lost/duplicate counts, dashboard freshness.
    #[command(alias = "bench-entries")]
    Entries(kem_bench::entries_bench::EntriesBenchArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let overrides = CliOverrides {
        listen: cli.listen,
        data_dir: cli.data_dir.clone(),
        services: cli.services.clone(),
    };
    let settings = Settings::load(cli.config.as_deref(), overrides)?;
    platform::telemetry::init(&settings.log_format);
    match cli.command {
        Command::Purposes(args) => kem_bench::bench::run(settings, args).await,
        Command::Flow(args) => kem_bench::flow_bench::run(settings, args).await,
        Command::Entries(args) => kem_bench::entries_bench::run(settings, args).await,
    }
}
