//! The published language shared by every service: topic names, bus message
//! shapes and the error codes that travel in API answers, and the business
//! rules every service shares (industries, objectives, statuses, money, time).
//!
//! Nothing here knows about HTTP, SQL or a broker; it is data only (the
//! OpenAPI schema derives describe the data, they serve nothing).

pub mod ai;
pub mod analytics;
pub mod channels;
pub mod content;
pub mod distribution;
pub mod entry_info;
pub mod errors;
pub mod event_state;
pub mod industry;
pub mod messages;
pub mod money;
pub mod objective;
pub mod schedule;
pub mod status;
pub mod topics;
