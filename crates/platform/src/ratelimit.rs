//! Rate limits on the public and login endpoints (docs/design.md §8.1).
//!
//! A limit allows `count` requests per `per_secs` seconds for one key: a
//! client address, or an event and a client address. In one process the
//! count is kept by `governor` (GCRA, a burst of `count` refilled evenly).
//! When the cache is Redis the count lives there, so that every replica of a
//! service sees the same count: a fixed window per key, `INCR` and `EXPIRE`
//! in one transaction. No well-kept crate limits through the `redis` client
//! we already hold, and the window is two commands, so it is written here.
//!
//! A limit is a guard, not a source of truth: when Redis fails or is slow
//! the request passes (and the failure is logged), as the cache does.
//!
//! The client address is the peer's, or, only when the peer is one of the
//! configured `trusted_proxies` (none by default), the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy. The web pages of
//! this process call its API for their customers; they name the customer
//! in [`ON_BEHALF_OF`] with this process's random [`RateLimits::internal_token`],
//! which nobody outside the process knows. Addresses are never logged nor
//! put in a metric label.

use std::{
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{request::Parts, StatusCode},
};
use contracts::errors as codes;
use governor::{clock::Clock as _, DefaultKeyedRateLimiter, Quota};
use serde::{Deserialize, Serialize};

use crate::{
    config::{Checks, ConfigError, Settings},
    http::ApiError,
};

/// Header naming the customer a page of this process asks the API for.
pub const ON_BEHALF_OF: &str = "x-kem-on-behalf-of";
/// Header carrying [`RateLimits::internal_token`] beside [`ON_BEHALF_OF`].
pub const INTERNAL_TOKEN: &str = "x-kem-internal-token";

/// `count` requests per `per_secs` seconds.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub struct Limit {
    pub count: u32,
    pub per_secs: u64,
}

impl Limit {
    pub const fn new(count: u32, per_secs: u64) -> Limit {
        Limit { count, per_secs }
    }
}

/// The `[rate_limits]` table; see `config/default.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct RateLimitSettings {
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Entries into one event from one address.
    pub entry: Limit,
    /// Entry page loads (entry-info) from one address.
    pub entry_info: Limit,
    /// Claim page / coupon look-ups from one address.
    pub coupon: Limit,
    /// Login attempts from one address.
    pub login: Limit,
    /// Sign-ups from one address.
    pub register: Limit,
    /// Verification codes asked for from one address (every phone, every event).
    pub verification: Limit,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            trusted_proxies: Vec::new(),
            entry: Limit::new(20, 60),
            entry_info: Limit::new(120, 60),
            coupon: Limit::new(30, 60),
            login: Limit::new(10, 60),
            register: Limit::new(5, 600),
            verification: Limit::new(10, 600),
        }
    }
}

impl RateLimitSettings {
    /// Reads and checks `[rate_limits]`.
    pub fn from_settings(settings: &Settings) -> Result<RateLimitSettings, ConfigError> {
        let limits: RateLimitSettings = settings.section_strict("rate_limits", &[])?;
        let checks = Checks::new("rate_limits");
        for (name, limit) in limits.each() {
            checks.range(&format!("{name}.count"), limit.count, 1, 1_000_000)?;
            checks.range(&format!("{name}.per_secs"), limit.per_secs, 1, 86_400)?;
        }
        Ok(limits)
    }

    fn each(&self) -> [(Kind, Limit); 6] {
        [
            (Kind::Entry, self.entry),
            (Kind::EntryInfo, self.entry_info),
            (Kind::Coupon, self.coupon),
            (Kind::Login, self.login),
            (Kind::Register, self.register),
            (Kind::Verification, self.verification),
        ]
    }
}

/// Which limit a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Entry,
    EntryInfo,
    Coupon,
    Login,
    Register,
    Verification,
}

impl Kind {
    /// The name in settings, keys and the metric label.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Entry => "entry",
            Kind::EntryInfo => "entry_info",
            Kind::Coupon => "coupon",
            Kind::Login => "login",
            Kind::Register => "register",
            Kind::Verification => "verification",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A refusal: come back after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> ApiError {
        let secs = refused.retry_after.as_secs().max(1);
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::TOO_MANY_REQUESTS,
            format!(
                "요청이 너무 많습니다. {} 뒤에 다시 시도해 주세요",
                korean_wait(secs)
            ),
        )
        .with_retry_after(secs)
    }
}

/// `45` → `45초`, `120` → `2분`, `150` → `3분` (rounded up: never too early).
pub fn korean_wait(secs: u64) -> String {
    if secs < 60 {
        format!("{secs}초")
    } else {
        format!("{}분", secs.div_ceil(60))
    }
}

/// The limits of this process, shared by every service in it.
#[derive(Clone)]
pub struct RateLimits {
    settings: Arc<RateLimitSettings>,
    backend: Arc<Backend>,
    internal_token: Arc<str>,
}

enum Backend {
    Memory {
        limiters: Vec<(Kind, DefaultKeyedRateLimiter<String>)>,
        checks: AtomicU64,
    },
    Redis {
        client: redis::Client,
        conn: tokio::sync::OnceCell<redis::aio::ConnectionManager>,
        prefix: String,
        timeout: Duration,
    },
}

/// How often the in-process limiter forgets keys that are full again.
const RETAIN_EVERY: u64 = 4096;

impl RateLimits {
    /// In process on `memory://` caches, in Redis on `redis://` ones.
    pub fn new(
        settings: RateLimitSettings,
        cache_url: &str,
        key_prefix: &str,
        timeout: Duration,
    ) -> anyhow::Result<RateLimits> {
        let backend = if cache_url.starts_with("redis://") || cache_url.starts_with("rediss://") {
            Backend::Redis {
                client: redis::Client::open(cache_url)?,
                conn: tokio::sync::OnceCell::new(),
                prefix: format!("{key_prefix}rl:"),
                timeout,
            }
        } else {
            let limiters = settings
                .each()
                .into_iter()
                .map(|(kind, limit)| (kind, DefaultKeyedRateLimiter::keyed(quota(limit))))
                .collect();
            Backend::Memory {
                limiters,
                checks: AtomicU64::new(0),
            }
        };
        Ok(RateLimits {
            settings: Arc::new(settings),
            backend: Arc::new(backend),
            internal_token: crate::ids::new_id("int").into(),
        })
    }

    /// Limits from the process settings (`[rate_limits]` and the cache URL).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<RateLimits> {
        RateLimits::new(
            RateLimitSettings::from_settings(settings)?,
            &settings.cache_url,
            &settings.cache_key_prefix,
            Duration::from_millis(settings.cache_timeout_ms),
        )
    }

    pub fn settings(&self) -> &RateLimitSettings {
        &self.settings
    }

    /// A random value of this process: its web pages send it with the
    /// customer's address when they call the API on the customer's behalf.
    pub fn internal_token(&self) -> &str {
        &self.internal_token
    }

    /// Counts one request of `kind` for `key`; refused once the limit is spent.
    pub async fn check(&self, kind: Kind, key: &str) -> Result<(), Refused> {
        let result = match &*self.backend {
            Backend::Memory { limiters, checks } => {
                let limiter = &limiters
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .expect("a limiter per kind")
                    .1;
                if checks.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
                    limiter.retain_recent();
                }
                limiter.check_key(&key.to_string()).map_err(|not_until| {
                    let now = governor::clock::DefaultClock::default().now();
                    Refused {
                        retry_after: not_until.wait_time_from(now),
                    }
                })
            }
            Backend::Redis { .. } => self.check_redis(kind, key).await,
        };
        if result.is_err() {
            metrics::counter!("kem_rate_limited_total", "limit" => kind.name()).increment(1);
        }
        result
    }

    async fn check_redis(&self, kind: Kind, key: &str) -> Result<(), Refused> {
        let Backend::Redis {
            client,
            conn,
            prefix,
            timeout,
        } = &*self.backend
        else {
            return Ok(());
        };
        let limit = self.limit(kind);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let window = now / limit.per_secs;
        let redis_key = format!("{prefix}{}:{key}:{window}", kind.name());
        let counted = tokio::time::timeout(*timeout, async {
            let mut conn = conn
                .get_or_try_init(|| redis::aio::ConnectionManager::new(client.clone()))
                .await?
                .clone();
            let (count, _): (u64, bool) = redis::pipe()
                .atomic()
                .incr(&redis_key, 1)
                .expire(&redis_key, (limit.per_secs + 1) as i64)
                .query_async(&mut conn)
                .await?;
            Ok::<u64, redis::RedisError>(count)
        })
        .await;
        match counted {
            Ok(Ok(count)) if count > u64::from(limit.count) => Err(Refused {
                retry_after: Duration::from_secs((window + 1) * limit.per_secs - now),
            }),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => {
                tracing::warn!(limit = kind.name(), error = %e, "rate limit store unavailable; request let through");
                Ok(())
            }
            Err(_) => {
                tracing::warn!(
                    limit = kind.name(),
                    "rate limit store timed out; request let through"
                );
                Ok(())
            }
        }
    }

    fn limit(&self, kind: Kind) -> Limit {
        self.settings
            .each()
            .into_iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, limit)| limit)
            .expect("a limit per kind")
    }

    /// The client's address, given the connection's peer and its headers.
    pub fn client_address(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        client_address(&self.settings.trusted_proxies, peer, forwarded_for)
    }
}

fn quota(limit: Limit) -> Quota {
    let count = NonZeroU32::new(limit.count.max(1)).expect("positive");
    let period = Duration::from_secs(limit.per_secs.max(1)) / count.get();
    Quota::with_period(period.max(Duration::from_nanos(1)))
        .expect("a positive period")
        .allow_burst(count)
}

/// The peer, or the last forwarded address before the trusted proxies when
/// the peer is one of them. A forged header from any other peer is ignored,
/// and so is a header a trusted proxy passed on from its own client beyond
/// the first address it did not add itself.
pub fn client_address(trusted: &[IpAddr], peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
    if !trusted.contains(&normal(peer)) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for hop in header.rsplit(',') {
        let Ok(address) = hop.trim().parse::<IpAddr>() else {
            // A malformed hop: believe nothing to its left.
            break;
        };
        client = address;
        if !trusted.contains(&normal(address)) {
            break;
        }
    }
    client
}

/// The customer a page of this process asks for, when the call carries this
/// process's internal token.
fn on_behalf_of(limits: &RateLimits, headers: &axum::http::HeaderMap) -> Option<IpAddr> {
    let token = headers.get(INTERNAL_TOKEN)?.as_bytes();
    // Constant time: the token is what lets a caller name its address.
    let expected = limits.internal_token.as_bytes();
    let same = token.len() == expected.len()
        && token
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return None;
    }
    headers
        .get(ON_BEHALF_OF)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// IPv4-mapped IPv6 (`::ffff:127.0.0.1`) as IPv4, so one entry covers both.
fn normal(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(address),
        v4 => v4,
    }
}

/// The client's address as [`RateLimits::client_address`] finds it; the
/// unspecified address when the server was not given peer addresses.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let address = match parts.extensions.get::<RateLimits>() {
            Some(limits) => on_behalf_of(limits, &parts.headers)
                .unwrap_or_else(|| limits.client_address(peer, forwarded)),
            None => peer,
        };
        Ok(ClientAddr(address))
    }
}

/// What a limited handler takes: the client's address and the limits, so
/// that `throttle.check(Kind::Entry, &event_id)` counts the request against
/// the limit for that event and this client. Without limits in the request
/// (a router built without them) nothing is limited.
pub struct Throttle {
    limits: Option<RateLimits>,
    pub client: IpAddr,
}

impl Throttle {
    /// Counts this request against `kind` for `scope` (e.g. an event id; empty
    /// for a limit per address alone) and this client.
    pub async fn check(&self, kind: Kind, scope: &str) -> Result<(), ApiError> {
        match &self.limits {
            Some(limits) => Ok(limits
                .check(kind, &format!("{scope}|{}", self.client))
                .await?),
            None => Ok(()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Throttle {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ClientAddr(client) = ClientAddr::from_request_parts(parts, state).await?;
        Ok(Throttle {
            limits: parts.extensions.get::<RateLimits>().cloned(),
            client,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_peer() {
        let trusted = [ip("10.0.0.2")];
        // An untrusted peer's header is ignored.
        assert_eq!(
            client_address(&trusted, ip("203.0.113.9"), Some("1.2.3.4")),
            ip("203.0.113.9")
        );
        // The proxy's last hop is the client.
        assert_eq!(
            client_address(&trusted, ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.7")),
            ip("198.51.100.7")
        );
        // Hops the proxies added themselves are skipped.
        assert_eq!(
            client_address(&trusted, ip("10.0.0.2"), Some("198.51.100.7, 10.0.0.2")),
            ip("198.51.100.7")
        );
        // No header, or garbage: the peer.
        assert_eq!(
            client_address(&trusted, ip("10.0.0.2"), None),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(&trusted, ip("10.0.0.2"), Some("not-an-address")),
            ip("10.0.0.2")
        );
        // A mapped IPv6 peer counts as its IPv4 address.
        assert_eq!(
            client_address(&trusted, ip("::ffff:10.0.0.2"), Some("198.51.100.7")),
            ip("198.51.100.7")
        );
    }

    #[tokio::test]
    async fn the_memory_limit_refuses_past_the_count_and_keys_are_apart() {
        let settings = RateLimitSettings {
            entry: Limit::new(3, 60),
            ..RateLimitSettings::default()
        };
        let limits =
            RateLimits::new(settings, "memory://", "", Duration::from_millis(100)).unwrap();
        for _ in 0..3 {
            limits.check(Kind::Entry, "e1|a").await.unwrap();
        }
        let refused = limits.check(Kind::Entry, "e1|a").await.unwrap_err();
        assert!(refused.retry_after > Duration::from_secs(1));
        assert!(refused.retry_after <= Duration::from_secs(20));
        // Another address, another event, another kind: their own counts.
        limits.check(Kind::Entry, "e1|b").await.unwrap();
        limits.check(Kind::Entry, "e2|a").await.unwrap();
        limits.check(Kind::Login, "e1|a").await.unwrap();
    }

    #[test]
    fn only_this_process_s_token_names_a_customer() {
        let limits = RateLimits::new(
            RateLimitSettings::default(),
            "memory://",
            "",
            Duration::from_millis(100),
        )
        .unwrap();
        let headers = |token: &str| {
            let mut h = axum::http::HeaderMap::new();
            h.insert(ON_BEHALF_OF, "198.51.100.7".parse().unwrap());
            h.insert(INTERNAL_TOKEN, token.parse().unwrap());
            h
        };
        assert_eq!(
            on_behalf_of(&limits, &headers(limits.internal_token())),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(on_behalf_of(&limits, &headers("int-guess")), None);
        let other = RateLimits::new(
            RateLimitSettings::default(),
            "memory://",
            "",
            Duration::from_millis(100),
        )
        .unwrap();
        assert_ne!(limits.internal_token(), other.internal_token());
        // By default no peer is a trusted proxy: a forwarded header is ignored.
        assert_eq!(
            limits.client_address(ip("127.0.0.1"), Some("203.0.113.5")),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn waits_read_in_korean() {
        assert_eq!(korean_wait(45), "45초");
        assert_eq!(korean_wait(60), "1분");
        assert_eq!(korean_wait(61), "2분");
    }

    #[test]
    fn zero_limits_are_refused_with_their_name() {
        let mut settings = Settings::defaults();
        settings.set_section(
            "rate_limits",
            &serde_json::json!({"entry": {"count": 0, "per_secs": 60}}),
        );
        let err = RateLimitSettings::from_settings(&settings).unwrap_err();
        assert!(err.to_string().contains("rate_limits.entry.count"), "{err}");
    }
}
