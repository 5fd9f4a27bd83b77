//! The user service's only SQL.

use chrono::{DateTime, Utc};
use platform::{
    db::{Db, StoreError},
    with_db,
};

use crate::domain::{Registration, StoreInfo};

/// A user row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone_number: String,
    pub password_hash: String,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    pub business_hours: Option<String>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Which unique field a write collided with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Email,
    Phone,
}

/// Maps a unique-constraint conflict to the field it protects.
pub fn taken_field(err: &StoreError) -> Option<Taken> {
    match err {
        StoreError::Conflict(hint) if hint.contains("email") => Some(Taken::Email),
        StoreError::Conflict(hint) if hint.contains("phone") => Some(Taken::Phone),
        _ => None,
    }
}

const USER_COLUMNS: &str = "id, name, email, phone_number, password_hash, store_name, industry, \
                            address, business_hours, failed_logins, locked_until, created_at";

/// User persistence.
#[derive(Clone)]
pub struct UserStore {
    db: Db,
}

impl UserStore {
    pub fn new(db: Db) -> UserStore {
        UserStore { db }
    }

    /// Inserts a new user and answers its id.
    pub async fn insert(&self, reg: &Registration, password_hash: &str) -> Result<i64, StoreError> {
        let now = Utc::now();
        with_db!(&self.db, pool => {
            sqlx::query_scalar(
                "INSERT INTO users (name, email, phone_number, password_hash, store_name, industry, \
                 address, business_hours, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(&reg.name)
            .bind(reg.email.as_str())
            .bind(reg.phone.as_str())
            .bind(password_hash)
            .bind(&reg.store.store_name)
            .bind(&reg.store.industry)
            .bind(&reg.store.address)
            .bind(&reg.store.business_hours)
            .bind(now)
            .fetch_one(pool)
            .await
        })
        .map_err(StoreError::classify)
    }

    /// Which of `email` and `phone` (other than `except_user`'s own) are taken.
    pub async fn taken(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
        except_user: i64,
    ) -> Result<Option<Taken>, StoreError> {
        let (email_taken, phone_taken): (bool, bool) = with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM users WHERE email = $1 AND id <> $3), \
                        EXISTS (SELECT 1 FROM users WHERE phone_number = $2 AND id <> $3)",
            )
            .bind(email)
            .bind(phone)
            .bind(except_user)
            .fetch_one(pool)
            .await
        })?;
        Ok(if email_taken {
            Some(Taken::Email)
        } else if phone_taken {
            Some(Taken::Phone)
        } else {
            None
        })
    }

    pub async fn by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, UserRow>(&sql).bind(email).fetch_optional(pool).await
        })?)
    }

    pub async fn by_id(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await
        })?)
    }

    /// Counts one more failed login and answers the new count.
    pub async fn record_failure(&self, id: i64) -> Result<u32, StoreError> {
        let count: i32 = with_db!(&self.db, pool => {
            sqlx::query_scalar(
                "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
            )
            .bind(id)
            .fetch_one(pool)
            .await
        })?;
        Ok(count.max(0) as u32)
    }

    /// Locks the account until `until` and restarts the failure count.
    pub async fn lock(&self, id: i64, until: DateTime<Utc>) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query("UPDATE users SET locked_until = $2, failed_logins = 0 WHERE id = $1")
                .bind(id)
                .bind(until)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Clears failures and lock after a successful login.
    pub async fn clear_failures(&self, id: i64) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Replaces the profile fields.
    pub async fn update_profile(
        &self,
        id: i64,
        name: &str,
        phone: &str,
        store: &StoreInfo,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE users SET name = $2, phone_number = $3, store_name = $4, industry = $5, \
                 address = $6, business_hours = $7, updated_at = $8 WHERE id = $1",
            )
            .bind(id)
            .bind(name)
            .bind(phone)
            .bind(&store.store_name)
            .bind(&store.industry)
            .bind(&store.address)
            .bind(&store.business_hours)
            .bind(Utc::now())
            .execute(pool)
            .await
            .map(|_| ())
        })
        .map_err(StoreError::classify)
    }

    pub async fn set_password_hash(&self, id: i64, hash: &str) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(hash)
                .bind(Utc::now())
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Records a revoked token (idempotent).
    pub async fn revoke(
        &self,
        jti: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (jti) DO NOTHING",
            )
            .bind(jti)
            .bind(user_id)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn is_revoked(&self, jti: &str) -> Result<bool, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1)")
                .bind(jti)
                .fetch_one(pool)
                .await
        })?)
    }

    /// Forgets revocations of tokens that have expired anyway.
    pub async fn purge_expired_revocations(&self) -> Result<u64, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query("DELETE FROM revoked_tokens WHERE expires_at < $1")
                .bind(Utc::now())
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?)
    }
}
