//! The messaging sandbox's only SQL: what it received.

use chrono::{DateTime, TimeZone, Utc};
use platform::{db::Db, with_db};

/// One message to one recipient, as received.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Received {
    pub request_id: String,
    pub recipient_seq: i64,
    /// `sms` (SMS and LMS) or `alimtalk`.
    pub product: String,
    /// `SMS`, `LMS` or `ALIMTALK`.
    pub kind: String,
    pub dedupe_key: String,
    pub sender_grouping_key: Option<String>,
    pub recipient_grouping_key: Option<String>,
    pub recipient: String,
    pub title: Option<String>,
    /// The text (알림톡: rendered from a known template, else none).
    pub text: Option<String>,
    pub template_code: Option<String>,
    /// Template parameters as JSON text.
    pub template_params: String,
    /// What delivery turns into at `deliver_at`: `DELIVERED` or `FAILED`.
    pub outcome: String,
    pub received_at: DateTime<Utc>,
    pub deliver_at: DateTime<Utc>,
    /// Sends of the same grouping key after the first (answered with the first).
    #[sqlx(default)]
    pub repeats: i64,
}

/// Where a received message is at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Delivered,
    Failed,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Delivered => "DELIVERED",
            Status::Failed => "FAILED",
        }
    }
}

impl Received {
    /// Pending until `deliver_at`, then its outcome.
    pub fn status(&self, now: DateTime<Utc>) -> Status {
        if now < self.deliver_at {
            Status::Pending
        } else if self.outcome == "FAILED" {
            Status::Failed
        } else {
            Status::Delivered
        }
    }

    /// The grouping key it was sent with (the recipient's, else the sender's).
    pub fn grouping_key(&self) -> Option<&str> {
        self.recipient_grouping_key
            .as_deref()
            .or(self.sender_grouping_key.as_deref())
    }
}

/// What a list query asks for; `None` matches anything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub request_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub recipient: Option<String>,
    pub sender_grouping_key: Option<String>,
    pub recipient_grouping_key: Option<String>,
}

const COLUMNS: &str = "request_id, recipient_seq, product, kind, dedupe_key, sender_grouping_key, \
    recipient_grouping_key, recipient, title, text, template_code, template_params, outcome, \
    received_at, deliver_at";

/// What reads select: the inserted columns and the repeat count.
const SELECTED: &str =
    "request_id, recipient_seq, product, kind, dedupe_key, sender_grouping_key, \
    recipient_grouping_key, recipient, title, text, template_code, template_params, outcome, \
    received_at, deliver_at, repeats";

/// Sandbox persistence.
#[derive(Clone)]
pub struct MessageStore {
    db: Db,
}

impl MessageStore {
    pub fn new(db: Db) -> MessageStore {
        MessageStore { db }
    }

    /// Records `m` unless its product already holds its dedupe key; answers
    /// the stored row and whether it is new. The unique key settles
    /// concurrent repeats.
    pub async fn record(&self, m: &Received) -> Result<(Received, bool), sqlx::Error> {
        let sql = format!(
            "INSERT INTO received_messages ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (product, dedupe_key) DO NOTHING"
        );
        let inserted = with_db!(&self.db, pool => sqlx::query(&sql)
            .bind(&m.request_id)
            .bind(m.recipient_seq)
            .bind(&m.product)
            .bind(&m.kind)
            .bind(&m.dedupe_key)
            .bind(&m.sender_grouping_key)
            .bind(&m.recipient_grouping_key)
            .bind(&m.recipient)
            .bind(&m.title)
            .bind(&m.text)
            .bind(&m.template_code)
            .bind(&m.template_params)
            .bind(&m.outcome)
            .bind(m.received_at)
            .bind(m.deliver_at)
            .execute(pool)
            .await?
            .rows_affected());
        if inserted == 0 {
            with_db!(&self.db, pool => sqlx::query(
                "UPDATE received_messages SET repeats = repeats + 1 WHERE product = $1 AND dedupe_key = $2",
            )
            .bind(&m.product)
            .bind(&m.dedupe_key)
            .execute(pool)
            .await
            .map(|_| ())?);
        }
        let select = format!(
            "SELECT {SELECTED} FROM received_messages WHERE product = $1 AND dedupe_key = $2"
        );
        let row = with_db!(&self.db, pool => sqlx::query_as::<_, Received>(&select)
            .bind(&m.product)
            .bind(&m.dedupe_key)
            .fetch_one(pool)
            .await?);
        Ok((row, inserted == 1))
    }

    /// Message `seq` of request `request_id` of `product`, if any.
    pub async fn get(
        &self,
        product: &str,
        request_id: &str,
        seq: i64,
    ) -> Result<Option<Received>, sqlx::Error> {
        let sql = format!(
            "SELECT {SELECTED} FROM received_messages \
             WHERE product = $1 AND request_id = $2 AND recipient_seq = $3"
        );
        with_db!(&self.db, pool => sqlx::query_as::<_, Received>(&sql)
            .bind(product)
            .bind(request_id)
            .bind(seq)
            .fetch_optional(pool)
            .await)
    }

    /// Messages of `product` matching `f`, newest first, at most `limit`.
    pub async fn list(
        &self,
        product: &str,
        f: &Filter,
        limit: i64,
    ) -> Result<Vec<Received>, sqlx::Error> {
        // Bounds instead of NULL checks on dates: both backends compare them.
        let from = f
            .from
            .unwrap_or_else(|| Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap());
        let to =
            f.to.unwrap_or_else(|| Utc.with_ymd_and_hms(9999, 1, 1, 0, 0, 0).unwrap());
        let sql = format!(
            "SELECT {SELECTED} FROM received_messages \
             WHERE product = $1 AND received_at >= $2 AND received_at <= $3 \
             AND (CAST($4 AS TEXT) IS NULL OR request_id = $4) \
             AND (CAST($5 AS TEXT) IS NULL OR recipient = $5) \
             AND (CAST($6 AS TEXT) IS NULL OR sender_grouping_key = $6) \
             AND (CAST($7 AS TEXT) IS NULL OR recipient_grouping_key = $7) \
             ORDER BY received_at DESC, request_id, recipient_seq LIMIT $8"
        );
        with_db!(&self.db, pool => sqlx::query_as::<_, Received>(&sql)
            .bind(product)
            .bind(from)
            .bind(to)
            .bind(&f.request_id)
            .bind(&f.recipient)
            .bind(&f.sender_grouping_key)
            .bind(&f.recipient_grouping_key)
            .bind(limit)
            .fetch_all(pool)
            .await)
    }

    /// Everything received, oldest first, at most `limit`.
    pub async fn all(&self, limit: i64) -> Result<Vec<Received>, sqlx::Error> {
        let sql = format!(
            "SELECT {SELECTED} FROM received_messages \
             ORDER BY received_at, request_id, recipient_seq LIMIT $1"
        );
        with_db!(&self.db, pool => sqlx::query_as::<_, Received>(&sql)
            .bind(limit)
            .fetch_all(pool)
            .await)
    }
}
