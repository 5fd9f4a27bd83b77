//! Where image files live: a local directory (the default, `file://`) or an
//! S3-compatible bucket (`s3://bucket`), both through the `object_store`
//! crate so the service code is the same for either.

use std::{path::Path, sync::Arc};

use bytes::Bytes;
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path as ObjectPath, ObjectStore,
    ObjectStoreExt, PutPayload,
};

use crate::ContentConfig;

/// Object store failures.
#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    #[error("invalid [content] store settings: {0}")]
    Config(String),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("cannot create the image directory {0}: {1}")]
    Dir(String, std::io::Error),
}

/// The image files and the URLs they are reached at.
#[derive(Clone, Debug)]
pub struct ImageStore {
    store: Arc<dyn ObjectStore>,
    /// Prefix of every image URL: this service's own route, or the
    /// bucket's public URL.
    public_base: String,
    backend: &'static str,
}

/// The path of this service's image route; URLs under it are served by [`crate::http`].
pub const ROUTE_BASE: &str = "/api/content/images";

impl ImageStore {
    /// Files in `dir` (created when missing), reached under `public_base`.
    pub fn local(dir: &Path, public_base: &str) -> Result<ImageStore, ObjectError> {
        std::fs::create_dir_all(dir).map_err(|e| ObjectError::Dir(dir.display().to_string(), e))?;
        let store = LocalFileSystem::new_with_prefix(dir)?;
        Ok(ImageStore {
            store: Arc::new(store),
            public_base: public_base.trim_end_matches('/').to_string(),
            backend: "file",
        })
    }

    /// The store `[content]` names: `file://` (`{data_dir}/images`),
    /// `file:///some/dir`, or `s3://bucket` with endpoint, region and keys.
    pub fn from_config(config: &ContentConfig, data_dir: &Path) -> Result<ImageStore, ObjectError> {
        let public = if config.public_url.trim().is_empty() {
            ROUTE_BASE.to_string()
        } else {
            config.public_url.trim().to_string()
        };
        let url = config.store_url.trim();
        if let Some(dir) = url.strip_prefix("file://") {
            let dir = if dir.is_empty() {
                data_dir.join("images")
            } else {
                Path::new(dir).to_path_buf()
            };
            return ImageStore::local(&dir, &public);
        }
        let Some(bucket) = url.strip_prefix("s3://").map(|b| b.trim_end_matches('/')) else {
            return Err(ObjectError::Config(format!(
                "store_url {url:?}: use file://[DIR] or s3://BUCKET"
            )));
        };
        if bucket.is_empty() || bucket.contains('/') {
            return Err(ObjectError::Config(
                "store_url: s3://BUCKET names one bucket".into(),
            ));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(if config.s3_region.is_empty() {
                "us-east-1"
            } else {
                &config.s3_region
            })
            .with_access_key_id(config.s3_access_key_id.expose())
            .with_secret_access_key(config.s3_secret_access_key.expose());
        if !config.s3_endpoint.is_empty() {
            // S3-compatible servers (MinIO, Ceph, R2) are addressed by path:
            // {endpoint}/{bucket}/{key}.
            builder = builder
                .with_endpoint(&config.s3_endpoint)
                .with_allow_http(config.s3_endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(ImageStore {
            store: Arc::new(builder.build()?),
            public_base: public.trim_end_matches('/').to_string(),
            backend: "s3",
        })
    }

    /// `"file"` or `"s3"`, for logs.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// The URL at which the image `key` is reached.
    pub fn url(&self, key: &str) -> String {
        format!("{}/{key}", self.public_base)
    }

    /// Stores `data` under `key`, replacing whatever was there.
    pub async fn put(&self, key: &str, data: Vec<u8>) -> Result<(), ObjectError> {
        self.store
            .put(&ObjectPath::from(key), PutPayload::from(data))
            .await?;
        Ok(())
    }

    /// The bytes under `key`, or `None` when there are none.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, ObjectError> {
        match self.store.get(&ObjectPath::from(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes `key`; a missing key is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), ObjectError> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Whether `key` is one this service could have made: a plain file name of
/// letters, digits, `-`, `_` and one `.` before the extension. Anything else
/// (a `..`, a slash, a backslash) never reaches the store.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 128
        && !key.contains("..")
        && !key.starts_with('.')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// The content type of a stored key, from its extension.
pub fn content_type(key: &str) -> &'static str {
    match key.rsplit_once('.').map(|(_, ext)| ext) {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_plain_file_names() {
        assert!(valid_key("img-01jd3v9q8f2c7m6t5x4w3z2y1a.png"));
        for bad in [
            "",
            "..",
            "../secret",
            "a/b.png",
            "a\\b.png",
            "..png",
            ".hidden",
            "a b.png",
            "%2e%2e",
        ] {
            assert!(!valid_key(bad), "{bad:?}");
        }
        assert!(!valid_key(&"a".repeat(129)));
    }

    #[tokio::test]
    async fn a_local_store_keeps_reads_and_deletes_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let store =
            ImageStore::local(&dir.path().join("images"), "/api/content/images/").expect("store");
        assert_eq!(store.url("a.png"), "/api/content/images/a.png");
        assert_eq!(store.get("a.png").await.expect("get"), None);
        store.put("a.png", vec![1, 2, 3]).await.expect("put");
        assert_eq!(
            store.get("a.png").await.expect("get").as_deref(),
            Some(&[1u8, 2, 3][..])
        );
        assert!(dir.path().join("images/a.png").is_file());
        store.delete("a.png").await.expect("delete");
        store.delete("a.png").await.expect("deleting twice is fine");
        assert_eq!(store.get("a.png").await.expect("get"), None);
    }

    #[test]
    fn store_urls_other_than_file_and_s3_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let config = ContentConfig {
            store_url: "ftp://x".into(),
            ..ContentConfig::default()
        };
        assert!(matches!(
            ImageStore::from_config(&config, dir.path()),
            Err(ObjectError::Config(_))
        ));
        let config = ContentConfig {
            store_url: "s3://".into(),
            ..ContentConfig::default()
        };
        assert!(matches!(
            ImageStore::from_config(&config, dir.path()),
            Err(ObjectError::Config(_))
        ));
        let config = ContentConfig {
            public_url: "https://cdn.example.com/img/".into(),
            ..ContentConfig::default()
        };
        let store = ImageStore::from_config(&config, dir.path()).expect("file store");
        assert_eq!(store.url("k.png"), "https://cdn.example.com/img/k.png");
        assert!(dir.path().join("images").is_dir());
    }
}
