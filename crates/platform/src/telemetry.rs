//! Logging setup. Level from `RUST_LOG` (default `info`); format text or JSON.
//! Handlers log ids and outcomes only, never personal data or secrets.

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber once; later calls are ignored.
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,rdkafka=warn,tower_http=warn"));
    // Logs go to stderr so that stdout carries only a command's output
    // (`kem openapi`, `kem bench`).
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
