//! The cache: an accelerator, never the source of truth. Backends are an
//! in-process map with per-entry TTLs (`memory://`) or Redis (`redis://`).
//! Every failure or slow answer is logged and reported as a miss, so callers
//! fall back to the database instead of failing.

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use serde::{de::DeserializeOwned, Serialize};

/// Backend failures; callers of [`Cache`] never see them.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("cache call timed out")]
    Timeout,
}

/// One cache backend.
#[async_trait]
pub trait CacheBackend: Send + Sync {
    async fn get(&self, key: &str) -> Result<Option<String>, CacheError>;
    async fn set(&self, key: &str, value: String, ttl: Duration) -> Result<(), CacheError>;
    async fn delete(&self, key: &str) -> Result<(), CacheError>;
    /// Remaining time to live, `None` when the key is absent.
    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError>;
    async fn ping(&self) -> Result<(), CacheError>;
    fn name(&self) -> &'static str;
}

/// The cache as services use it: prefixed keys, JSON values, and failures
/// degraded to misses.
#[derive(Clone)]
pub struct Cache {
    backend: Arc<dyn CacheBackend>,
    prefix: Arc<str>,
    timeout: Duration,
}

impl Cache {
    /// Builds the backend named by `url` (`memory://` or `redis://…`).
    pub fn from_url(url: &str, prefix: &str, timeout: Duration) -> anyhow::Result<Cache> {
        let backend: Arc<dyn CacheBackend> = if url.starts_with("memory://") {
            Arc::new(MemoryCache::new(1_000_000))
        } else {
            Arc::new(RedisCache::new(url)?)
        };
        Ok(Cache::with_backend(backend, prefix, timeout))
    }

    pub fn with_backend(backend: Arc<dyn CacheBackend>, prefix: &str, timeout: Duration) -> Cache {
        Cache {
            backend,
            prefix: prefix.into(),
            timeout,
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn guarded<T>(
        &self,
        op: &'static str,
        fut: impl std::future::Future<Output = Result<T, CacheError>>,
    ) -> Option<T> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(e)) => {
                tracing::warn!(op, error = %e, "cache unavailable; falling back");
                None
            }
            Err(_) => {
                tracing::warn!(op, error = %CacheError::Timeout, "cache unavailable; falling back");
                None
            }
        }
    }

    /// The value under `key`, or `None` on a miss, a failure or an unreadable value.
    pub async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let raw = self
            .guarded("get", self.backend.get(&self.key(key)))
            .await??;
        match serde_json::from_str(&raw) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(error = %e, "unreadable cache value ignored");
                None
            }
        }
    }

    /// Stores `value` for `ttl`; returns whether the cache took it.
    pub async fn set_json<T: Serialize>(&self, key: &str, value: &T, ttl: Duration) -> bool {
        let Ok(raw) = serde_json::to_string(value) else {
            return false;
        };
        self.guarded("set", self.backend.set(&self.key(key), raw, ttl))
            .await
            .is_some()
    }

    /// Drops `key`; returns whether the cache confirmed it.
    pub async fn delete(&self, key: &str) -> bool {
        self.guarded("delete", self.backend.delete(&self.key(key)))
            .await
            .is_some()
    }

    /// Remaining TTL of `key` (for diagnostics and tests).
    pub async fn ttl(&self, key: &str) -> Option<Duration> {
        self.guarded("ttl", self.backend.ttl(&self.key(key)))
            .await
            .flatten()
    }

    /// Whether the backend answers, for readiness checks.
    pub async fn ping(&self) -> Result<(), CacheError> {
        tokio::time::timeout(self.timeout, self.backend.ping())
            .await
            .map_err(|_| CacheError::Timeout)?
    }

    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }
}

/// In-process cache with a TTL per entry (moka's per-entry expiry policy).
pub struct MemoryCache {
    inner: moka::future::Cache<String, Arc<TtlValue>>,
}

struct TtlValue {
    value: String,
    ttl: Duration,
    stored_at: std::time::Instant,
}

struct PerEntryTtl;

impl moka::Expiry<String, Arc<TtlValue>> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &String,
        value: &Arc<TtlValue>,
        _now: std::time::Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        value: &Arc<TtlValue>,
        _now: std::time::Instant,
        _remaining: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

impl MemoryCache {
    pub fn new(max_entries: u64) -> MemoryCache {
        MemoryCache {
            inner: moka::future::Cache::builder()
                .max_capacity(max_entries)
                .expire_after(PerEntryTtl)
                .build(),
        }
    }
}

#[async_trait]
impl CacheBackend for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        Ok(self.inner.get(key).await.map(|v| v.value.clone()))
    }

    async fn set(&self, key: &str, value: String, ttl: Duration) -> Result<(), CacheError> {
        let entry = TtlValue {
            value,
            ttl,
            stored_at: std::time::Instant::now(),
        };
        self.inner.insert(key.to_string(), Arc::new(entry)).await;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.inner.invalidate(key).await;
        Ok(())
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        Ok(self
            .inner
            .get(key)
            .await
            .map(|v| v.ttl.saturating_sub(v.stored_at.elapsed())))
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}

/// Redis through a self-reconnecting connection manager, opened lazily so
/// that the process starts (degraded) while Redis is down.
pub struct RedisCache {
    client: redis::Client,
    conn: tokio::sync::OnceCell<redis::aio::ConnectionManager>,
}

impl RedisCache {
    pub fn new(url: &str) -> Result<RedisCache, CacheError> {
        Ok(RedisCache {
            client: redis::Client::open(url)?,
            conn: tokio::sync::OnceCell::new(),
        })
    }

    async fn conn(&self) -> Result<redis::aio::ConnectionManager, CacheError> {
        let conn = self
            .conn
            .get_or_try_init(|| {
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Duration::from_secs(1))
                    .set_response_timeout(Duration::from_secs(1))
                    .set_number_of_retries(1);
                redis::aio::ConnectionManager::new_with_config(self.client.clone(), config)
            })
            .await?;
        Ok(conn.clone())
    }
}

#[async_trait]
impl CacheBackend for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let mut conn = self.conn().await?;
        Ok(redis::cmd("GET").arg(key).query_async(&mut conn).await?)
    }

    async fn set(&self, key: &str, value: String, ttl: Duration) -> Result<(), CacheError> {
        let mut conn = self.conn().await?;
        let millis = ttl.as_millis().max(1) as u64;
        redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(millis)
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        let mut conn = self.conn().await?;
        redis::cmd("DEL")
            .arg(key)
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        let mut conn = self.conn().await?;
        let millis: i64 = redis::cmd("PTTL").arg(key).query_async(&mut conn).await?;
        Ok((millis >= 0).then(|| Duration::from_millis(millis as u64)))
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let mut conn = self.conn().await?;
        redis::cmd("PING").query_async::<()>(&mut conn).await?;
        Ok(())
    }

    fn name(&self) -> &'static str {
        "redis"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Cache {
        Cache::with_backend(
            Arc::new(MemoryCache::new(100)),
            "t:",
            Duration::from_secs(1),
        )
    }

    #[tokio::test]
    async fn memory_cache_round_trips_json_and_honours_ttl() {
        let cache = memory();
        assert!(
            cache
                .set_json("k", &vec![1, 2], Duration::from_millis(150))
                .await
        );
        assert_eq!(cache.get_json::<Vec<i32>>("k").await, Some(vec![1, 2]));
        let ttl = cache.ttl("k").await.expect("ttl");
        assert!(ttl <= Duration::from_millis(150));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(cache.get_json::<Vec<i32>>("k").await, None);
    }

    #[tokio::test]
    async fn delete_removes_the_key() {
        let cache = memory();
        cache.set_json("k", &1, Duration::from_secs(60)).await;
        assert!(cache.delete("k").await);
        assert_eq!(cache.get_json::<i32>("k").await, None);
    }

    #[tokio::test]
    async fn an_unreachable_redis_degrades_to_misses() {
        // Port 1 on loopback refuses connections.
        let cache = Cache::from_url("redis://127.0.0.1:1", "", Duration::from_millis(300))
            .expect("url parses");
        assert!(!cache.set_json("k", &1, Duration::from_secs(1)).await);
        assert_eq!(cache.get_json::<i32>("k").await, None);
        assert!(!cache.delete("k").await);
        assert!(cache.ping().await.is_err());
    }
}
