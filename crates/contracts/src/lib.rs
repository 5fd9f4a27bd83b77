//! The published language shared by every service: topic names, bus message
//! shapes and the error codes that travel in API answers.
//!
//! Nothing here knows about HTTP, SQL or a broker; it is data only.

pub mod ai;
pub mod analytics;
pub mod channels;
pub mod content;
pub mod distribution;
pub mod errors;
pub mod event_state;
pub mod messages;
pub mod schedule;
pub mod topics;
