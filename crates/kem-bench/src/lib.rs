//! Load generators for `kem`, kept out of the production binary. Each one
//! starts the app in this process through `kem::start` (or loads a running
//! server) and drives it over HTTP, as customers and owners would:
//! - [`bench`]: `POST /api/events/purposes` and the database's own limit;
//! - [`flow_bench`]: the creation and publish steps end to end;
//! - [`entries_bench`]: customers' entries, their integrity and the dashboard's freshness.

pub mod bench;
pub mod entries_bench;
pub mod flow_bench;
