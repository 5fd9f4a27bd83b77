//! Load generator (filled in below).
use platform::config::Settings;

#[derive(clap::Args, Debug)]
pub struct BenchArgs {}

pub async fn run(_settings: Settings, _args: BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
