//! User use cases: sign-up, login with lockout, logout, profile, password.

use std::sync::{Arc, OnceLock};

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use chrono::{DateTime, Utc};
use platform::{
    auth::{IssuedToken, Tokens},
    blocking::spawn_blocking_in_span,
    db::StoreError,
    http::AuthUser,
};

use crate::{
    domain::{
        self, Email, InvalidField, LockoutPolicy, Password, PhoneNumber, Registration, StoreInfo,
    },
    store::{taken_field, Taken, UserRow, UserStore},
};

/// Why a user use case failed.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("invalid input: {0}")]
    Invalid(#[from] InvalidField),
    #[error("email taken")]
    EmailTaken,
    #[error("phone taken")]
    PhoneTaken,
    #[error("bad credentials")]
    BadCredentials,
    #[error("account locked")]
    Locked { retry_after_secs: i64 },
    #[error("wrong current password")]
    WrongCurrentPassword,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("token revoked")]
    Revoked,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<Taken> for UserError {
    fn from(t: Taken) -> UserError {
        match t {
            Taken::Email => UserError::EmailTaken,
            Taken::Phone => UserError::PhoneTaken,
        }
    }
}

/// A signed-in session.
pub struct Session {
    pub user: UserRow,
    pub token: IssuedToken,
}

/// Profile changes; absent fields stay as they are.
#[derive(Debug, Default)]
pub struct ProfileChange<'a> {
    pub name: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub store_name: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub address: Option<&'a str>,
    pub business_hours: Option<&'a str>,
}

pub struct UserService {
    store: UserStore,
    tokens: Arc<Tokens>,
    lockout: LockoutPolicy,
}

impl UserService {
    pub fn new(store: UserStore, tokens: Arc<Tokens>, lockout: LockoutPolicy) -> UserService {
        UserService {
            store,
            tokens,
            lockout,
        }
    }

    pub async fn register(&self, reg: Registration) -> Result<Session, UserError> {
        // A cheap check first spares a password hash; the unique constraints
        // still decide when two sign-ups race.
        if let Some(taken) = self
            .store
            .taken(Some(reg.email.as_str()), Some(reg.phone.as_str()), 0)
            .await?
        {
            return Err(taken.into());
        }
        let hash = hash_password(reg.password.clone()).await?;
        let id = self.store.insert(&reg, &hash).await.map_err(|e| {
            taken_field(&e)
                .map(UserError::from)
                .unwrap_or(UserError::Store(e))
        })?;
        tracing::info!(user_id = id, "user registered");
        let user = self.store.by_id(id).await?.ok_or(UserError::NotFound)?;
        let token = self.issue(id)?;
        Ok(Session { user, token })
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<Session, UserError> {
        let now = Utc::now();
        let user = match Email::parse(email) {
            Ok(email) => self.store.by_email(email.as_str()).await?,
            Err(_) => None,
        };
        let Some(user) = user else {
            // Same work as a real check, so timing does not tell which emails exist.
            let _ = verify_password(None, password.to_string()).await;
            return Err(UserError::BadCredentials);
        };
        if LockoutPolicy::is_locked(user.locked_until, now) {
            return Err(locked(user.locked_until, now));
        }
        if !verify_password(Some(user.password_hash.clone()), password.to_string()).await? {
            let failures = self.store.record_failure(user.id).await?;
            if let Some(until) = self.lockout.lock_after(failures, now) {
                self.store.lock(user.id, until).await?;
                tracing::warn!(
                    user_id = user.id,
                    "account locked after repeated failed logins"
                );
                return Err(locked(Some(until), now));
            }
            return Err(UserError::BadCredentials);
        }
        if user.failed_logins > 0 || user.locked_until.is_some() {
            self.store.clear_failures(user.id).await?;
        }
        let token = self.issue(user.id)?;
        Ok(Session { user, token })
    }

    /// Revokes the caller's token until it would have expired.
    pub async fn logout(&self, auth: &AuthUser) -> Result<(), UserError> {
        let expires_at = DateTime::from_timestamp(auth.expires_at, 0).unwrap_or_else(Utc::now);
        self.store
            .revoke(&auth.token_id, auth.user_id, expires_at)
            .await?;
        self.tokens
            .mark_revoked(&auth.token_id, auth.expires_at)
            .await;
        Ok(())
    }

    /// The caller's own record; the user service also checks its own
    /// revocation table, so a revoked token stays refused here even when the
    /// cache lost the mark.
    pub async fn me(&self, auth: &AuthUser) -> Result<UserRow, UserError> {
        if self.store.is_revoked(&auth.token_id).await? {
            return Err(UserError::Revoked);
        }
        self.store
            .by_id(auth.user_id)
            .await?
            .ok_or(UserError::NotFound)
    }

    pub async fn update_me(
        &self,
        auth: &AuthUser,
        change: ProfileChange<'_>,
    ) -> Result<UserRow, UserError> {
        let current = self.me(auth).await?;
        let name = domain::parse_name(Some(change.name.unwrap_or(&current.name)))?;
        let phone = PhoneNumber::parse(change.phone_number.unwrap_or(&current.phone_number))?;
        let store = StoreInfo {
            store_name: domain::parse_store_name(Some(
                change.store_name.unwrap_or(&current.store_name),
            ))?,
            industry: domain::parse_industry(Some(change.industry.unwrap_or(&current.industry)))?,
            address: domain::parse_address(Some(change.address.unwrap_or(&current.address)))?,
            business_hours: match change.business_hours {
                Some(hours) => domain::parse_business_hours(Some(hours))?,
                None => current.business_hours.clone(),
            },
        };
        if phone.as_str() != current.phone_number {
            if let Some(taken) = self
                .store
                .taken(None, Some(phone.as_str()), current.id)
                .await?
            {
                return Err(taken.into());
            }
        }
        self.store
            .update_profile(current.id, &name, phone.as_str(), &store)
            .await
            .map_err(|e| {
                taken_field(&e)
                    .map(UserError::from)
                    .unwrap_or(UserError::Store(e))
            })?;
        self.store
            .by_id(current.id)
            .await?
            .ok_or(UserError::NotFound)
    }

    /// Changes the password; the token used for it is revoked and a new one answered.
    pub async fn change_password(
        &self,
        auth: &AuthUser,
        current: &str,
        new: &str,
    ) -> Result<IssuedToken, UserError> {
        let user = self.me(auth).await?;
        if !verify_password(Some(user.password_hash.clone()), current.to_string()).await? {
            return Err(UserError::WrongCurrentPassword);
        }
        let new = Password::parse(new)?;
        let hash = hash_password(new).await?;
        self.store.set_password_hash(user.id, &hash).await?;
        self.logout(auth).await?;
        self.issue(user.id)
    }

    /// Store info of `user_id`, for its owner only.
    pub async fn store_of(&self, auth: &AuthUser, user_id: i64) -> Result<UserRow, UserError> {
        if auth.user_id != user_id {
            return Err(UserError::Forbidden);
        }
        self.me(auth).await
    }

    fn issue(&self, user_id: i64) -> Result<IssuedToken, UserError> {
        self.tokens
            .issue(user_id)
            .map_err(|e| UserError::Internal(e.to_string()))
    }

    pub async fn purge_expired_revocations(&self) -> Result<u64, UserError> {
        Ok(self.store.purge_expired_revocations().await?)
    }
}

fn locked(until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> UserError {
    UserError::Locked {
        retry_after_secs: until.map(|u| (u - now).num_seconds().max(1)).unwrap_or(1),
    }
}

/// Argon2id with the crate's default (OWASP-recommended) parameters, on the blocking pool.
async fn hash_password(password: Password) -> Result<String, UserError> {
    spawn_blocking_in_span(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| UserError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| UserError::Internal(e.to_string()))?
}

/// Verifies `password` against `hash`; with no hash, against a dummy one
/// (same cost, always false).
async fn verify_password(hash: Option<String>, password: String) -> Result<bool, UserError> {
    spawn_blocking_in_span(move || {
        let hash = hash.as_deref().unwrap_or_else(|| dummy_hash());
        let parsed = PasswordHash::new(hash).map_err(|e| UserError::Internal(e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| UserError::Internal(e.to_string()))?
}

/// A hash of a random password, checked against when the email is unknown.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(SaltString::generate(&mut OsRng).as_str().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}
