//! The sandbox's only SQL: what each channel received.

use chrono::{DateTime, Utc};
use platform::{db::Db, with_db};

/// What a recorded row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An Instagram media container, not yet visible.
    Container,
    /// A live post, booking or registration.
    Post,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Container => "container",
            Kind::Post => "post",
        }
    }
}

/// One thing a channel received.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SandboxPost {
    pub id: String,
    pub channel: String,
    pub kind: String,
    pub idempotency_key: String,
    /// The request body as JSON text.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Sandbox persistence.
#[derive(Clone)]
pub struct SandboxStore {
    db: Db,
}

const COLUMNS: &str = "id, channel, kind, idempotency_key, body, created_at";

impl SandboxStore {
    pub fn new(db: Db) -> SandboxStore {
        SandboxStore { db }
    }

    /// Records `body` unless the same key was already recorded for this
    /// channel and kind; answers the stored row and whether it is new. The
    /// unique key settles concurrent repeats.
    pub async fn record(
        &self,
        channel: &str,
        kind: Kind,
        key: &str,
        body: &serde_json::Value,
    ) -> Result<(SandboxPost, bool), sqlx::Error> {
        let id = platform::ids::new_id(&format!("sbx-{}", channel.to_ascii_lowercase()));
        let sql =
            "INSERT INTO sandbox_posts (id, channel, kind, idempotency_key, body, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6) \
                   ON CONFLICT (channel, kind, idempotency_key) DO NOTHING";
        let inserted = with_db!(&self.db, pool => sqlx::query(sql)
            .bind(&id)
            .bind(channel)
            .bind(kind.as_str())
            .bind(key)
            .bind(body.to_string())
            .bind(Utc::now())
            .execute(pool)
            .await?
            .rows_affected());
        let select = format!(
            "SELECT {COLUMNS} FROM sandbox_posts WHERE channel = $1 AND kind = $2 AND idempotency_key = $3"
        );
        let row = with_db!(&self.db, pool => sqlx::query_as::<_, SandboxPost>(&select)
            .bind(channel)
            .bind(kind.as_str())
            .bind(key)
            .fetch_one(pool)
            .await?);
        Ok((row, inserted == 1))
    }

    /// The row `id` of `channel` and `kind`, if any.
    pub async fn find(
        &self,
        channel: &str,
        kind: Kind,
        id: &str,
    ) -> Result<Option<SandboxPost>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM sandbox_posts WHERE channel = $1 AND kind = $2 AND id = $3"
        );
        with_db!(&self.db, pool => sqlx::query_as::<_, SandboxPost>(&sql)
            .bind(channel)
            .bind(kind.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await)
    }

    /// The posts `channel` received, oldest first.
    pub async fn posts(&self, channel: &str, limit: i64) -> Result<Vec<SandboxPost>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM sandbox_posts WHERE channel = $1 AND kind = 'post' \
             ORDER BY created_at, id LIMIT $2"
        );
        with_db!(&self.db, pool => sqlx::query_as::<_, SandboxPost>(&sql)
            .bind(channel)
            .bind(limit)
            .fetch_all(pool)
            .await)
    }
}
