//! Bearer tokens: HS256 JWTs with an id (`jti`) and an expiry. Revocation
//! (logout, password change) is recorded by the user service in its table and
//! announced in the cache under `auth:revoked:{jti}` until the token would
//! have expired anyway; every service checks that key.

use std::time::Duration;

use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::cache::Cache;

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid token")]
    Invalid,
    #[error("token expired")]
    Expired,
    #[error("token revoked")]
    Revoked,
    #[error("cannot issue token: {0}")]
    Issue(String),
}

#[derive(Debug, Serialize, Deserialize)]
struct RawClaims {
    sub: String,
    jti: String,
    iat: i64,
    exp: i64,
}

/// What a valid token proves.
#[derive(Debug, Clone)]
pub struct Claims {
    pub user_id: i64,
    pub jti: String,
    pub exp: i64,
}

/// A freshly issued token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub jti: String,
    pub expires_at: i64,
}

/// Issues and verifies tokens.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    cache: Cache,
    /// Revocations made in this process (jti → expiry), checked before the
    /// cache: the services of one process refuse a revoked token even when
    /// the shared cache was unavailable at logout or has lost the mark.
    revoked_here: std::sync::Mutex<std::collections::HashMap<String, i64>>,
    /// sha256 of the secret: the root of [`Tokens::derived_key`].
    key_root: [u8; 32],
}

fn revoked_key(jti: &str) -> String {
    format!("auth:revoked:{jti}")
}

impl Tokens {
    pub fn new(secret: &[u8], ttl: Duration, cache: Cache) -> Tokens {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
            cache,
            revoked_here: Default::default(),
            key_root: <sha2::Sha256 as sha2::Digest>::digest(secret).into(),
        }
    }

    /// A key for another purpose (e.g. hashing verification codes), derived
    /// from the token secret: every process sharing the secret derives the
    /// same key, and the key reveals nothing of the secret.
    pub fn derived_key(&self, purpose: &str) -> [u8; 32] {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        hash.update(self.key_root);
        hash.update(purpose.as_bytes());
        hash.finalize().into()
    }

    /// A token for `user_id` valid for the configured lifetime.
    pub fn issue(&self, user_id: i64) -> Result<IssuedToken, AuthError> {
        let now = chrono::Utc::now().timestamp();
        let claims = RawClaims {
            sub: user_id.to_string(),
            jti: uuid::Uuid::new_v4().simple().to_string(),
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AuthError::Issue(e.to_string()))?;
        Ok(IssuedToken {
            token,
            jti: claims.jti,
            expires_at: claims.exp,
        })
    }

    /// Checks signature, expiry and the revocation mark.
    pub async fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let data = jsonwebtoken::decode::<RawClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthError::Expired,
                _ => AuthError::Invalid,
            })?;
        let user_id = data.claims.sub.parse().map_err(|_| AuthError::Invalid)?;
        let revoked_here = self
            .revoked_here
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(&data.claims.jti);
        if revoked_here
            || self
                .cache
                .get_json::<bool>(&revoked_key(&data.claims.jti))
                .await
                == Some(true)
        {
            return Err(AuthError::Revoked);
        }
        Ok(Claims {
            user_id,
            jti: data.claims.jti,
            exp: data.claims.exp,
        })
    }

    /// Marks a token revoked, in this process and in the cache, until its
    /// expiry; answers whether the cache took the mark.
    pub async fn mark_revoked(&self, jti: &str, expires_at: i64) -> bool {
        let now = chrono::Utc::now().timestamp();
        {
            let mut here = self.revoked_here.lock().unwrap_or_else(|p| p.into_inner());
            here.retain(|_, exp| *exp > now);
            here.insert(jti.to_string(), expires_at);
        }
        let remaining = (expires_at - now).max(1) as u64;
        self.cache
            .set_json(&revoked_key(jti), &true, Duration::from_secs(remaining))
            .await
    }
}

/// Loads the signing secret: the configured one, or a random one generated
/// once and kept in `data_dir/jwt-secret` (owner-only permissions).
pub fn load_or_create_secret(
    configured: &crate::config::Secret,
    data_dir: &std::path::Path,
) -> std::io::Result<Vec<u8>> {
    if !configured.is_empty() {
        return Ok(configured.expose().as_bytes().to_vec());
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read(&path) {
        if existing.len() >= 32 {
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let mut secret = [0u8; 48];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut secret);
    let encoded: Vec<u8> = secret
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .into_bytes();
    std::fs::write(&path, &encoded)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::MemoryCache;
    use std::sync::Arc;

    fn tokens(ttl: Duration) -> Tokens {
        let cache = Cache::with_backend(Arc::new(MemoryCache::new(10)), "", Duration::from_secs(1));
        Tokens::new(b"0123456789abcdef0123456789abcdef", ttl, cache)
    }

    #[tokio::test]
    async fn an_issued_token_verifies_to_its_user() {
        let t = tokens(Duration::from_secs(60));
        let issued = t.issue(42).expect("issue");
        let claims = t.verify(&issued.token).await.expect("valid");
        assert_eq!(claims.user_id, 42);
        assert_eq!(claims.jti, issued.jti);
    }

    #[tokio::test]
    async fn tampered_foreign_and_revoked_tokens_are_refused() {
        let t = tokens(Duration::from_secs(60));
        let issued = t.issue(1).expect("issue");
        let mut tampered = issued.token.clone();
        tampered.push('x');
        assert!(matches!(t.verify(&tampered).await, Err(AuthError::Invalid)));
        let other = Tokens::new(
            b"another-secret-another-secret-123",
            Duration::from_secs(60),
            Cache::with_backend(Arc::new(MemoryCache::new(10)), "", Duration::from_secs(1)),
        );
        assert!(matches!(
            other.verify(&issued.token).await,
            Err(AuthError::Invalid)
        ));
        t.mark_revoked(&issued.jti, issued.expires_at).await;
        assert!(matches!(
            t.verify(&issued.token).await,
            Err(AuthError::Revoked)
        ));
    }

    #[tokio::test]
    async fn a_token_revoked_while_the_cache_is_down_stays_refused_in_this_process() {
        // Port 1 on loopback refuses connections: the cache cannot take the mark.
        let down = Cache::from_url("redis://127.0.0.1:1", "", Duration::from_millis(200))
            .expect("url parses");
        let t = Tokens::new(
            b"0123456789abcdef0123456789abcdef",
            Duration::from_secs(60),
            down,
        );
        let issued = t.issue(1).expect("issue");
        let kept = t.issue(1).expect("issue");
        assert!(
            !t.mark_revoked(&issued.jti, issued.expires_at).await,
            "cache refused"
        );
        assert!(matches!(
            t.verify(&issued.token).await,
            Err(AuthError::Revoked)
        ));
        assert!(
            t.verify(&kept.token).await.is_ok(),
            "other tokens still work"
        );
    }

    #[tokio::test]
    async fn an_expired_token_is_refused_as_expired() {
        let t = tokens(Duration::from_secs(1));
        let issued = t.issue(1).expect("issue");
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert!(matches!(
            t.verify(&issued.token).await,
            Err(AuthError::Expired)
        ));
    }
}
