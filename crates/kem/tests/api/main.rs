//! The HTTP API as a client drives it, over the whole app started on port 0.
//!
//! One test binary instead of one per file: every file links the entire
//! product, so separate binaries multiplied link time and disk use in CI
//! without isolating anything (each test starts its own app and databases).

mod support;

mod ai_jobs;
mod analytics_api;
mod bot_signals_api;
mod cluster_api;
mod content_api;
mod cost_api;
mod creation_api;
mod distribution_api;
mod event_clock_api;
mod events_api;
mod fair_entries_api;
mod metrics_api;
mod migrations_upgrade;
mod notices_api;
mod ops_api;
mod owner_api;
mod participation_api;
mod photos_api;
mod prizes_api;
mod process_api;
mod publish_api;
mod purpose_api;
mod security_headers;
mod seed1_messages;
mod user_api;
mod web_pages;
