//! The draw's SQL: its log, its input (the entry list) and the erasure of
//! personal data that follows it (docs/design.md, "Personal data after the
//! draw"). The draw and the erasure of everyone not drawn commit together,
//! so no entrant's data outlives the draw by a crash.

use chrono::{DateTime, Utc};
use contracts::status::EventStatus;
use platform::{db::StoreError, with_db};

use super::{
    coupons::{insert_coupons, NewCoupon},
    ParticipationStore,
};

/// `drawn_as` of a winner.
pub const WINNER: &str = "WINNER";
/// `drawn_as` of a reserve.
pub const RESERVE: &str = "RESERVE";

/// The log of an event's draw, and its winners and reserves in drawn order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DrawRow {
    pub event_id: String,
    pub draw_id: String,
    pub drawn_by: i64,
    pub drawn_at: DateTime<Utc>,
    pub winner_count: i64,
    pub apply_bonus: bool,
    pub algorithm: String,
    /// 64 hex digits: the seed committed to when the event ended.
    pub seed: String,
    /// Entries 1..=entry_count took part.
    pub entry_count: i64,
    pub entry_digest: String,
    pub visitor_weight: i64,
    pub base_weight: i64,
    /// JSON array of participant ids.
    pub winners: String,
    pub reserve_count: i64,
    /// JSON array of participant ids, drawn after the winners.
    pub reserves: String,
    /// sha256 (hex) of the seed, published before the draw.
    pub seed_commitment: Option<String>,
    /// Winners claim their prize until then.
    pub claim_deadline: Option<DateTime<Utc>>,
    /// When everyone not drawn was erased, and how many they were.
    pub entrants_erased_at: Option<DateTime<Utc>>,
    pub entrants_erased_count: i64,
    /// When the winners' and reserves' data was erased.
    pub winners_erased_at: Option<DateTime<Utc>>,
    /// The owner asked to leave entries with a bot signal out.
    pub exclude_flagged: bool,
    /// JSON array of the entry numbers left out, ascending.
    pub excluded: String,
}

impl DrawRow {
    /// Winners' participant ids, in drawn order.
    pub fn winner_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.winners).unwrap_or_default()
    }

    /// Reserves' participant ids, in drawn order.
    pub fn reserve_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.reserves).unwrap_or_default()
    }

    /// Entry numbers left out of the draw, ascending.
    pub fn excluded_numbers(&self) -> Vec<i64> {
        serde_json::from_str(&self.excluded).unwrap_or_default()
    }
}

/// One entry of the draw's input.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DrawEntry {
    pub entry_number: i64,
    pub participant_id: String,
    pub store_visited: bool,
    /// Bot signals' bits.
    pub signals: i64,
}

const DRAW_COLUMNS: &str = "event_id, draw_id, drawn_by, drawn_at, winner_count, apply_bonus, \
     algorithm, seed, entry_count, entry_digest, visitor_weight, base_weight, winners, \
     reserve_count, reserves, seed_commitment, claim_deadline, entrants_erased_at, \
     entrants_erased_count, winners_erased_at, exclude_flagged, excluded";

/// Personal data erased by one run of the erasure job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErasureCounts {
    /// Entrants neither winner nor reserve (normally erased by the draw itself).
    pub entrants: u64,
    /// Winners and reserves past the claim deadline plus the retention.
    pub winners: u64,
}

/// Blanks an entry's personal data (at `$2`); the row keeps what counts need.
const ERASE_SET: &str = "name = NULL, phone = NULL, email = NULL, erased_at = $2";

/// Events whose every claim deadline (the draw's, and a passed prize's
/// later one) is before `$1`.
const PAST_CLAIMS: &str = "SELECT event_id FROM draws WHERE claim_deadline < $1 \
     AND event_id NOT IN (SELECT event_id FROM coupons WHERE claim_deadline >= $1)";

impl ParticipationStore {
    /// Records a draw, marks its winners and reserves and erases everyone
    /// else's personal data, in one transaction; `Conflict` when the event
    /// already has a draw (the primary key decides between concurrent draws).
    pub async fn save_draw(&self, draw: &DrawRow, coupons: &[NewCoupon]) -> Result<(), StoreError> {
        let insert = format!(
            "INSERT INTO draws ({DRAW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
        );
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await.map_err(StoreError::classify)?;
            sqlx::query(&insert)
                .bind(&draw.event_id)
                .bind(&draw.draw_id)
                .bind(draw.drawn_by)
                .bind(draw.drawn_at)
                .bind(draw.winner_count)
                .bind(draw.apply_bonus)
                .bind(&draw.algorithm)
                .bind(&draw.seed)
                .bind(draw.entry_count)
                .bind(&draw.entry_digest)
                .bind(draw.visitor_weight)
                .bind(draw.base_weight)
                .bind(&draw.winners)
                .bind(draw.reserve_count)
                .bind(&draw.reserves)
                .bind(&draw.seed_commitment)
                .bind(draw.claim_deadline)
                .bind(draw.drawn_at)
                .bind(0_i64)
                .bind(None::<DateTime<Utc>>)
                .bind(draw.exclude_flagged)
                .bind(&draw.excluded)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::classify)?;
            for (role, ids) in [(WINNER, draw.winner_ids()), (RESERVE, draw.reserve_ids())] {
                if ids.is_empty() {
                    continue;
                }
                let mut mark = sqlx::QueryBuilder::new("UPDATE participants SET drawn_as = ");
                mark.push_bind(role)
                    .push(" WHERE event_id = ")
                    .push_bind(&draw.event_id)
                    .push(" AND participant_id IN (");
                let mut list = mark.separated(", ");
                for id in &ids {
                    list.push_bind(id);
                }
                mark.push(")");
                mark.build().execute(&mut *tx).await.map_err(StoreError::classify)?;
            }
            if !coupons.is_empty() {
                insert_coupons!(&mut *tx, &draw.event_id, coupons, draw.drawn_at, draw.claim_deadline, None::<&str>)
                    .map_err(StoreError::classify)?;
            }
            let erased = sqlx::query(&format!(
                "UPDATE participants SET {ERASE_SET} \
                 WHERE event_id = $1 AND drawn_as IS NULL AND erased_at IS NULL"
            ))
            .bind(&draw.event_id)
            .bind(draw.drawn_at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::classify)?
            .rows_affected();
            sqlx::query("UPDATE draws SET entrants_erased_count = $2 WHERE event_id = $1")
                .bind(&draw.event_id)
                .bind(erased as i64)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::classify)?;
            tx.commit().await.map_err(StoreError::classify)
        })
    }

    /// The event's draw, if there was one.
    pub async fn draw(&self, event_id: &str) -> Result<Option<DrawRow>, StoreError> {
        let sql = format!("SELECT {DRAW_COLUMNS} FROM draws WHERE event_id = $1");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as::<_, DrawRow>(&sql).bind(event_id).fetch_optional(pool).await
        })?)
    }

    /// Entries 1..=`up_to` of an event in entry order: the draw's input.
    /// Erased entries keep everything it reads.
    pub async fn draw_entries(
        &self,
        event_id: &str,
        up_to: i64,
    ) -> Result<Vec<DrawEntry>, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT entry_number, participant_id, store_visited, signals FROM participants \
                 WHERE event_id = $1 AND entry_number <= $2 ORDER BY entry_number",
            )
            .bind(event_id)
            .bind(up_to)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The erasure job: everyone not drawn in a drawn event (a no-op unless
    /// a draw was stored without its erasure), winners and reserves of
    /// draws whose claim deadlines are before `deadline_before` (now minus
    /// the retention), and every entrant of an event that ended before it
    /// and was never drawn. Idempotent: erased rows are skipped.
    pub async fn erase_due(
        &self,
        now: DateTime<Utc>,
        deadline_before: DateTime<Utc>,
    ) -> Result<ErasureCounts, StoreError> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let entrants = sqlx::query(&format!(
                "UPDATE participants SET {ERASE_SET} WHERE erased_at IS NULL AND drawn_as IS NULL \
                 AND event_id IN (SELECT event_id FROM draws WHERE drawn_at <= $1)"
            ))
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let winners = sqlx::query(&format!(
                "UPDATE participants SET {ERASE_SET} WHERE erased_at IS NULL AND drawn_as IS NOT NULL \
                 AND event_id IN ({PAST_CLAIMS})"
            ))
            .bind(deadline_before)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query(&format!(
                "UPDATE draws SET winners_erased_at = $2 \
                 WHERE winners_erased_at IS NULL AND event_id IN ({PAST_CLAIMS})"
            ))
            .bind(deadline_before)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // An event its owner never drew keeps nobody's data past the
            // retention after its end (the draw would need it; it is over).
            let undrawn = sqlx::query(&format!(
                "UPDATE participants SET {ERASE_SET} WHERE erased_at IS NULL \
                 AND event_id IN (SELECT event_id FROM events WHERE status = $3 \
                 AND ended_at < $1 AND event_id NOT IN (SELECT event_id FROM draws))"
            ))
            .bind(deadline_before)
            .bind(now)
            .bind(EventStatus::Ended.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(ErasureCounts {
                entrants: entrants + undrawn,
                winners,
            })
        })
    }
}
