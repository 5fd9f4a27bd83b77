//! `kem`: serve (default), migrate, openapi, sandbox, verify-draw. The load
//! generators are the `kem-bench` binary (crates/kem-bench).

use anyhow::Context;
use clap::{Parser, Subcommand};
use platform::config::{CliArgs, Settings};

#[derive(Parser)]
#[command(name = "kem", version, about = "KT AI Event Marketing")]
struct Cli {
    #[command(flatten)]
    global: CliArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the mounted services (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Run only the sandboxes (the six channel APIs and NHN's SMS / 알림톡
    /// APIs, with their knobs), e.g. `kem sandbox --listen 127.0.0.1:9090`.
    Sandbox,
    /// Re-run a draw from its public proof: `kem verify-draw https://…/e/{eventId}`
    /// (or the `/api/events/{eventId}/draw-proof` URL itself).
    VerifyDraw { url: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = cli.global.load()?;
    platform::telemetry::init(&settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Sandbox => {
            let mut settings = settings;
            settings.services = format!("{},{}", channel_sandbox::NAME, messaging::sandbox::NAME);
            serve(settings).await
        }
        Command::Migrate => {
            kem::migrate(&settings).await?;
            Ok(())
        }
        Command::Openapi => {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let app = kem::start(settings, listener).await?;
            let doc: serde_json::Value = reqwest::get(format!("{}/openapi.json", app.base_url()))
                .await?
                .json()
                .await?;
            println!("{}", serde_json::to_string_pretty(&doc)?);
            app.stop().await
        }
        Command::VerifyDraw { url } => kem::verify_draw::run(&url).await,
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let app = kem::start(settings, listener).await?;
    let shutdown = app.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        shutdown.cancel();
    });
    app.wait().await
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
