//! The `[content]` settings table: defaults, validation at start.

use platform::config::Secret;
use serde::{Deserialize, Serialize};

/// The `[content]` settings table (see `config/default.toml`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ContentConfig {
    /// `file://` (`{data_dir}/images`), `file:///DIR`, or `s3://BUCKET`.
    pub store_url: String,
    /// Prefix of image URLs; empty: this service's own route `/api/content/images`.
    pub public_url: String,
    /// S3-compatible endpoint, e.g. `http://127.0.0.1:9000`; empty: AWS.
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_access_key_id: Secret,
    pub s3_secret_access_key: Secret,
    /// Jobs requested longer ago than this are skipped (their requester has
    /// timed them out); 0 renders jobs of any age.
    pub max_job_age_secs: u64,
}

impl Default for ContentConfig {
    fn default() -> Self {
        ContentConfig {
            store_url: "file://".into(),
            public_url: String::new(),
            s3_endpoint: String::new(),
            s3_region: String::new(),
            s3_access_key_id: Secret::default(),
            s3_secret_access_key: Secret::default(),
            max_job_age_secs: 120,
        }
    }
}
