//! Coupons and the reads of winners' contacts in SQL (docs/design.md §6.4).
//! Redemption is one conditional `UPDATE`: of two phones redeeming one code
//! at the same instant, the database lets exactly one through.

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{db::StoreError, outbox_insert, with_db};

use super::ParticipationStore;

/// A prize holder's coupon.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct CouponRow {
    pub code: String,
    pub event_id: String,
    pub participant_id: String,
    pub prize_rank: i64,
    pub issued_at: DateTime<Utc>,
    pub claim_deadline: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_by: Option<i64>,
    pub passed_at: Option<DateTime<Utc>>,
    pub replaces_code: Option<String>,
    /// When the holder first opened the claim page.
    pub claimed_at: Option<DateTime<Utc>>,
}

const COUPON_COLUMNS: &str = "code, event_id, participant_id, prize_rank, issued_at, \
     claim_deadline, redeemed_at, redeemed_by, passed_at, replaces_code, claimed_at";

/// A coupon to issue.
#[derive(Debug, Clone)]
pub struct NewCoupon {
    pub code: String,
    pub participant_id: String,
    pub prize_rank: i64,
}

/// What passing one unclaimed prize did.
#[derive(Debug, Clone)]
pub struct PassedPrize {
    pub from: CouponRow,
    pub to: CouponRow,
}

/// Inserts coupons of one event (inside the caller's transaction); awaits.
macro_rules! insert_coupons {
    ($conn:expr, $event_id:expr, $coupons:expr, $issued_at:expr, $deadline:expr, $replaces:expr) => {{
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO coupons (code, event_id, participant_id, prize_rank, issued_at, \
             claim_deadline, replaces_code) ",
        );
        insert.push_values($coupons, |mut row, c: &NewCoupon| {
            row.push_bind(c.code.as_str())
                .push_bind($event_id)
                .push_bind(c.participant_id.as_str())
                .push_bind(c.prize_rank)
                .push_bind($issued_at)
                .push_bind($deadline)
                .push_bind($replaces);
        });
        insert.build().execute($conn).await
    }};
}
pub(super) use insert_coupons;

impl ParticipationStore {
    /// The coupon with this code, if any.
    pub async fn coupon(&self, code: &str) -> Result<Option<CouponRow>, StoreError> {
        let sql = format!("SELECT {COUPON_COLUMNS} FROM coupons WHERE code = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, CouponRow>(&sql).bind(code).fetch_optional(pool).await
        })?)
    }

    /// Every coupon of an event, by prize and then issue time.
    pub async fn coupons_of(&self, event_id: &str) -> Result<Vec<CouponRow>, StoreError> {
        let sql = format!(
            "SELECT {COUPON_COLUMNS} FROM coupons WHERE event_id = $1 ORDER BY prize_rank, issued_at"
        );
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, CouponRow>(&sql).bind(event_id).fetch_all(pool).await
        })?)
    }

    /// Marks the coupon redeemed at `now` by `owner_id` if it is usable
    /// (not redeemed, not passed on, not past its deadline), with the
    /// message `message(row, holder's entry channel)` in the outbox; the
    /// updated row and message, or `None` when it was not usable.
    pub async fn redeem(
        &self,
        code: &str,
        owner_id: i64,
        now: DateTime<Utc>,
        message: impl Fn(&CouponRow, Option<String>) -> Envelope,
    ) -> Result<Option<(CouponRow, Envelope)>, StoreError> {
        let sql = format!(
            "UPDATE coupons SET redeemed_at = $2, redeemed_by = $3 WHERE code = $1 \
             AND redeemed_at IS NULL AND passed_at IS NULL AND claim_deadline > $2 \
             RETURNING {COUPON_COLUMNS}"
        );
        self.mark(&sql, code, now, Some(owner_id), message).await
    }

    /// Marks the coupon claimed (its page first opened) at `now`, with its
    /// message; `None` when it was claimed before.
    pub async fn claim(
        &self,
        code: &str,
        now: DateTime<Utc>,
        message: impl Fn(&CouponRow, Option<String>) -> Envelope,
    ) -> Result<Option<(CouponRow, Envelope)>, StoreError> {
        let sql = format!(
            "UPDATE coupons SET claimed_at = $2 WHERE code = $1 AND claimed_at IS NULL \
             AND $3 IS NULL RETURNING {COUPON_COLUMNS}"
        );
        self.mark(&sql, code, now, None, message).await
    }

    /// One conditional update of a coupon (`$1` code, `$2` now, `$3` owner)
    /// and its message, built with the holder's entry channel, in one transaction.
    async fn mark(
        &self,
        sql: &str,
        code: &str,
        now: DateTime<Utc>,
        owner_id: Option<i64>,
        message: impl Fn(&CouponRow, Option<String>) -> Envelope,
    ) -> Result<Option<(CouponRow, Envelope)>, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let Some(row) = sqlx::query_as::<_, CouponRow>(sql)
                .bind(code)
                .bind(now)
                .bind(owner_id)
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(None);
            };
            let channel: Option<Option<String>> = sqlx::query_scalar(
                "SELECT channel FROM participants WHERE event_id = $1 AND participant_id = $2",
            )
            .bind(&row.event_id)
            .bind(&row.participant_id)
            .fetch_optional(&mut *tx)
            .await?;
            let envelope = message(&row, channel.flatten());
            outbox_insert!(&mut *tx, envelope).await?;
            tx.commit().await?;
            Ok(Some((row, envelope)))
        })
    }

    /// Passes each prize whose coupon went unclaimed past its deadline to the
    /// next reserve without a coupon, in `reserve_order` (drawn order), with
    /// a new coupon from `new_code`; one transaction, so a prize passes once.
    pub async fn pass_unclaimed(
        &self,
        event_id: &str,
        reserve_order: &[String],
        now: DateTime<Utc>,
        new_deadline: DateTime<Utc>,
        mut new_code: impl FnMut() -> String,
    ) -> Result<Vec<PassedPrize>, StoreError> {
        let unclaimed_sql = format!(
            "SELECT {COUPON_COLUMNS} FROM coupons WHERE event_id = $1 AND redeemed_at IS NULL \
             AND passed_at IS NULL AND claim_deadline <= $2 ORDER BY prize_rank"
        );
        let pass_sql = format!(
            "UPDATE coupons SET passed_at = $2 WHERE code = $1 AND passed_at IS NULL \
             AND redeemed_at IS NULL RETURNING {COUPON_COLUMNS}"
        );
        let issued_sql = format!("SELECT {COUPON_COLUMNS} FROM coupons WHERE code = $1");
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            // Locks the event's row so two passes of one event run one after the other.
            sqlx::query("UPDATE events SET updated_at = updated_at WHERE event_id = $1")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            let unclaimed = sqlx::query_as::<_, CouponRow>(&unclaimed_sql)
                .bind(event_id)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
            let holders: Vec<String> =
                sqlx::query_scalar("SELECT participant_id FROM coupons WHERE event_id = $1")
                    .bind(event_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let mut next = reserve_order.iter().filter(|r| !holders.contains(r));
            let mut passed = Vec::new();
            for coupon in unclaimed {
                let Some(reserve) = next.next() else { break };
                let Some(from) = sqlx::query_as::<_, CouponRow>(&pass_sql)
                    .bind(&coupon.code)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    continue;
                };
                let fresh = NewCoupon {
                    code: new_code(),
                    participant_id: reserve.clone(),
                    prize_rank: from.prize_rank,
                };
                insert_coupons!(&mut *tx, event_id, std::slice::from_ref(&fresh), now, new_deadline, Some(from.code.as_str()))?;
                let to = sqlx::query_as::<_, CouponRow>(&issued_sql)
                    .bind(&fresh.code)
                    .fetch_one(&mut *tx)
                    .await?;
                passed.push(PassedPrize { from, to });
            }
            tx.commit().await?;
            Ok(passed)
        })
    }

    /// Records that `read_by` was shown `shown` winners' full phone numbers.
    pub async fn record_contact_read(
        &self,
        event_id: &str,
        read_by: i64,
        at: DateTime<Utc>,
        shown: i64,
    ) -> Result<(), StoreError> {
        with_db!(&self.db, pool => {
            sqlx::query("INSERT INTO contact_reads (event_id, read_by, read_at, shown) VALUES ($1, $2, $3, $4)")
                .bind(event_id)
                .bind(read_by)
                .bind(at)
                .bind(shown)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// The reads of an event's winners' contacts, newest first: (who, when, how many).
    pub async fn contact_reads(
        &self,
        event_id: &str,
    ) -> Result<Vec<(i64, DateTime<Utc>, i64)>, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT read_by, read_at, shown FROM contact_reads WHERE event_id = $1 ORDER BY read_at DESC",
            )
            .bind(event_id)
            .fetch_all(pool)
            .await
        })?)
    }
}
