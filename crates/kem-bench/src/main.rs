//! `kem-bench`: the load generators (`purposes`, `flow`, `entries`). The
//! global flags are `kem`'s, so a bench loads the same settings a server would.

use clap::{Parser, Subcommand};
use platform::config::CliArgs;

#[derive(Parser)]
#[command(
    name = "kem-bench",
    version,
    about = "Load generators for KT AI Event Marketing"
)]
struct Cli {
    #[command(flatten)]
    global: CliArgs,
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
    let settings = cli.global.load()?;
    platform::telemetry::init(&settings.log_format);
    match cli.command {
        Command::Purposes(args) => kem_bench::bench::run(settings, args).await,
        Command::Flow(args) => kem_bench::flow_bench::run(settings, args).await,
        Command::Entries(args) => kem_bench::entries_bench::run(settings, args).await,
    }
}
