//! The draw as a use case (docs/design.md, "A draw that anyone can check"):
//! only after the end, once, with the seed committed to when entries closed;
//! winners then reserves in one run; everyone else's personal data erased
//! in the same transaction; a public proof to re-run it.

use std::time::Instant;

use chrono::{Days, Duration};
use contracts::status::EventStatus;
use contracts::{messages::rfc3339, schedule::korea_midnight};
use platform::{blocking::spawn_blocking_in_span, db::StoreError, ids::new_id};

use crate::{
    coupon::CouponCode,
    draw::{self, Candidate, Verification, Weights},
    service::{masked, PartError, ParticipationService},
    signals::Signals,
    store::{DrawEntry, DrawRow, NewCoupon},
    views::{DrawLogView, DrawProof, ErasureView, ProofEntry, WinnerView, WinnersView},
};

/// Default days a winner has to claim the prize.
pub const DEFAULT_CLAIM_DAYS: i64 = 14;
/// Longest claim period an owner may choose.
pub const MAX_CLAIM_DAYS: i64 = 90;
/// Most winners plus reserves of one draw.
pub const MAX_DRAWN: i64 = 1_000;

/// The draw request, checked by [`ParticipationService::draw_winners`].
#[derive(Debug, Clone, Copy)]
pub struct DrawRequest {
    pub winner_count: i64,
    pub reserve_count: i64,
    pub apply_store_visit_bonus: bool,
    pub claim_days: i64,
    /// Leave entries with a bot signal out (docs/design.md §6.5).
    pub exclude_flagged: bool,
}

impl ParticipationService {
    /// Draws the winners and reserves once per event, after its end.
    pub async fn draw_winners(
        &self,
        user_id: i64,
        event_id: &str,
        request: DrawRequest,
    ) -> Result<WinnersView, PartError> {
        let mut event = self.owned(user_id, event_id).await?;
        if self.store.draw(event_id).await?.is_some() {
            return Err(PartError::AlreadyDrawn);
        }
        if !event.is(EventStatus::Ended) {
            // This copy may not have heard of an early end yet.
            self.refresh_quietly(event_id).await;
            event = self.owned(user_id, event_id).await?;
            if !event.is(EventStatus::Ended) {
                return Err(PartError::NotEnded(event.end_date));
            }
        }
        if !(1..=MAX_CLAIM_DAYS).contains(&request.claim_days) {
            return Err(PartError::InvalidWinnerCount(format!(
                "수령 기한(claimDays)은 1일 이상 {MAX_CLAIM_DAYS}일 이하여야 합니다"
            )));
        }
        // Events ended before seeds existed get theirs now (the first offer wins).
        self.store
            .ensure_seed(event_id, self.clock.now(), &crate::service::seed_offer())
            .await?;
        let seed_hex = self
            .store
            .event_seed(event_id)
            .await?
            .ok_or_else(|| PartError::Internal("ended event without a seed".into()))?;
        let seed = draw::parse_seed(&seed_hex)
            .ok_or_else(|| PartError::Internal("stored seed is not 32 bytes".into()))?;
        let entries = self.store.draw_entries(event_id, event.entry_count).await?;
        let entry_count = entries.len() as i64;
        let excluded: Vec<i64> = entries
            .iter()
            .filter(|e| request.exclude_flagged && Signals::from_bits(e.signals).is_flagged())
            .map(|e| e.entry_number)
            .collect();
        check_counts(&request, entry_count - excluded.len() as i64)?;
        let weights = Weights::for_bonus(request.apply_store_visit_bonus);
        let candidates = candidates(entries, weights, &excluded);
        let total = (request.winner_count + request.reserve_count) as usize;
        // Hashing and sorting every entry is CPU work; keep it off the async threads.
        let (digest, drawn) = spawn_blocking_in_span(move || {
            (
                draw::digest(&candidates),
                draw::draw(&candidates, total, &seed),
            )
        })
        .await
        .map_err(|e| PartError::Internal(e.to_string()))?;
        let winners = &drawn[..(request.winner_count as usize).min(drawn.len())];
        let reserves = &drawn[winners.len()..];
        let drawn_at = self.clock.now();
        let row = DrawRow {
            event_id: event_id.to_string(),
            draw_id: new_id("draw"),
            drawn_by: user_id,
            drawn_at,
            winner_count: request.winner_count,
            apply_bonus: request.apply_store_visit_bonus,
            algorithm: draw::ALGORITHM.to_string(),
            seed: seed_hex,
            entry_count,
            entry_digest: digest,
            visitor_weight: i64::from(weights.visitor),
            base_weight: i64::from(weights.base),
            winners: serde_json::to_string(winners).unwrap_or_default(),
            reserve_count: reserves.len() as i64,
            reserves: serde_json::to_string(reserves).unwrap_or_default(),
            seed_commitment: event.seed_commitment.clone(),
            claim_deadline: Some(claim_deadline(drawn_at, request.claim_days)),
            entrants_erased_at: Some(drawn_at),
            entrants_erased_count: 0,
            winners_erased_at: None,
            exclude_flagged: request.exclude_flagged,
            excluded: serde_json::to_string(&excluded).unwrap_or_else(|_| "[]".into()),
        };
        let coupons: Vec<NewCoupon> = winners
            .iter()
            .enumerate()
            .map(|(i, participant_id)| NewCoupon {
                code: CouponCode::generate().as_str().to_string(),
                participant_id: participant_id.clone(),
                prize_rank: i as i64 + 1,
            })
            .collect();
        match self.store.save_draw(&row, &coupons).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(PartError::AlreadyDrawn),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(event_id, draw_id = %row.draw_id, winners = winners.len(), reserves = reserves.len(), entries = entry_count, excluded = excluded.len(), "winners drawn; the others' personal data erased");
        self.winners_view(event_id).await
    }

    async fn refresh_quietly(&self, event_id: &str) {
        self.ask_event_service(event_id, Instant::now()).await;
    }

    /// The event's draw: winners and reserves (masked), its log and what was erased.
    pub async fn winners(&self, user_id: i64, event_id: &str) -> Result<WinnersView, PartError> {
        self.owned(user_id, event_id).await?;
        self.winners_view(event_id).await
    }

    async fn winners_view(&self, event_id: &str) -> Result<WinnersView, PartError> {
        let row = self
            .store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        let winner_ids = row.winner_ids();
        let reserve_ids = row.reserve_ids();
        let all: Vec<String> = winner_ids.iter().chain(&reserve_ids).cloned().collect();
        let rows = self.store.participants_by_id(event_id, &all).await?;
        let coupons = self.store.coupons_of(event_id).await?;
        let notices = self.notice_statuses(event_id).await?;
        let view_of = |rank: usize, id: &String| {
            rows.iter()
                .find(|r| &r.participant_id == id)
                .map(|r| WinnerView {
                    rank: rank as i64 + 1,
                    participant: masked(r),
                    // The coupon the holder has now (a newer one after a pass).
                    coupon: coupons
                        .iter()
                        .rev()
                        .find(|c| &c.participant_id == id)
                        .map(|c| self.coupon_view(c)),
                    notice_status: notices.get(id).cloned(),
                })
        };
        let winners = winner_ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| view_of(i, id))
            .collect();
        let reserves = reserve_ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| view_of(winner_ids.len() + i, id))
            .collect();
        let erasure = ErasureView {
            entrants_erased_count: row.entrants_erased_count,
            entrants_erased_at: row.entrants_erased_at.map(rfc3339),
            winners_erase_due_at: row
                .claim_deadline
                .map(|d| rfc3339(d + Duration::days(self.winner_retention_days))),
            winners_erased_at: row.winners_erased_at.map(rfc3339),
        };
        Ok(WinnersView {
            winners,
            reserves,
            draw_log: DrawLogView::from(row),
            erasure,
        })
    }

    /// Re-runs the logged draw on the stored entries and says whether it holds.
    pub async fn verify(&self, user_id: i64, event_id: &str) -> Result<Verification, PartError> {
        self.owned(user_id, event_id).await?;
        let row = self
            .store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        let weights = logged_weights(&row);
        let candidates = candidates(
            self.store.draw_entries(event_id, row.entry_count).await?,
            weights,
            &row.excluded_numbers(),
        );
        let logged: Vec<String> = row
            .winner_ids()
            .into_iter()
            .chain(row.reserve_ids())
            .collect();
        let count = logged.len();
        spawn_blocking_in_span(move || {
            draw::verify(&candidates, count, &row.seed, &row.entry_digest, &logged)
        })
        .await
        .map_err(|e| PartError::Internal(e.to_string()))
    }

    /// The public proof of a drawn event: no personal data.
    pub async fn draw_proof(&self, event_id: &str) -> Result<DrawProof, PartError> {
        let row = self
            .store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        let weights = logged_weights(&row);
        let excluded = row.excluded_numbers();
        let entries = candidates(
            self.store.draw_entries(event_id, row.entry_count).await?,
            weights,
            &excluded,
        )
        .into_iter()
        .enumerate()
        .map(|(i, c)| ProofEntry {
            entry_number: i as i64 + 1,
            participant_id: c.participant_id,
            weight: c.weight,
        })
        .collect();
        Ok(DrawProof {
            winners: row.winner_ids(),
            reserves: row.reserve_ids(),
            event_id: row.event_id,
            algorithm: row.algorithm,
            seed_commitment: row.seed_commitment,
            seed: row.seed,
            entry_count: row.entry_count,
            entry_digest: row.entry_digest,
            winner_count: row.winner_count,
            reserve_count: row.reserve_count,
            drawn_at: rfc3339(row.drawn_at),
            entries,
            excluded_entry_numbers: excluded,
        })
    }
}

fn logged_weights(row: &DrawRow) -> Weights {
    Weights {
        visitor: u32::try_from(row.visitor_weight).unwrap_or(0),
        base: u32::try_from(row.base_weight).unwrap_or(0),
    }
}

/// The draw's input in entry order. An entry left out keeps its place with
/// weight 0: it never wins, it still takes its number from the seed's stream
/// (so everyone else's chances are what they would have been), and the
/// digest pins down which entries were left out.
fn candidates(entries: Vec<DrawEntry>, weights: Weights, excluded: &[i64]) -> Vec<Candidate> {
    entries
        .into_iter()
        .map(|e| Candidate {
            weight: if excluded.binary_search(&e.entry_number).is_ok() {
                0
            } else {
                weights.of(e.store_visited)
            },
            participant_id: e.participant_id,
        })
        .collect()
}

/// Winners from 1, reserves from 0, together at most the entries in the draw.
fn check_counts(request: &DrawRequest, available: i64) -> Result<(), PartError> {
    let pool = if request.exclude_flagged {
        "의심 응모를 뺀 참여자 수"
    } else {
        "참여자 수"
    };
    if available == 0 {
        return Err(PartError::InvalidWinnerCount(if request.exclude_flagged {
            "의심 응모를 빼면 추첨할 참여자가 없습니다".into()
        } else {
            "참여자가 없어 추첨할 수 없습니다".into()
        }));
    }
    if !(1..=available).contains(&request.winner_count) {
        return Err(PartError::InvalidWinnerCount(format!(
            "당첨자 수는 1 이상 {pool}({available}) 이하여야 합니다"
        )));
    }
    if !(0..=MAX_DRAWN).contains(&request.reserve_count) {
        return Err(PartError::InvalidWinnerCount(format!(
            "예비 당첨자 수는 0 이상 {MAX_DRAWN} 이하여야 합니다"
        )));
    }
    // Both are bounded above, so the sum cannot overflow.
    let total = request.winner_count + request.reserve_count;
    if total > available || total > MAX_DRAWN {
        return Err(PartError::InvalidWinnerCount(format!(
            "당첨자와 예비 당첨자는 합쳐서 {pool}({}) 이하여야 합니다",
            available.min(MAX_DRAWN)
        )));
    }
    Ok(())
}

/// The end of the claim period: 23:59:59 Korea time `claim_days` days after
/// the draw's day, i.e. the next midnight.
pub(crate) fn claim_deadline(
    drawn_at: chrono::DateTime<chrono::Utc>,
    claim_days: i64,
) -> chrono::DateTime<chrono::Utc> {
    let day = contracts::schedule::korea_date(drawn_at)
        .checked_add_days(Days::new(claim_days.max(0) as u64 + 1))
        .unwrap_or_else(|| contracts::schedule::korea_date(drawn_at));
    korea_midnight(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_deadline_is_midnight_korea_time_after_the_last_day() {
        let drawn = chrono::DateTime::parse_from_rfc3339("2026-12-13T10:00:00+09:00")
            .expect("time")
            .with_timezone(&chrono::Utc);
        assert_eq!(
            rfc3339(claim_deadline(drawn, 14)),
            "2026-12-27T15:00:00Z",
            "14 days after 12-13 is 12-27, claimable until its 23:59:59 KST"
        );
    }

    #[test]
    fn entries_left_out_weigh_nothing_and_keep_their_place() {
        let entries: Vec<DrawEntry> = (1..=5)
            .map(|n| DrawEntry {
                entry_number: n,
                participant_id: format!("p{n}"),
                store_visited: n % 2 == 0,
                signals: 0,
            })
            .collect();
        let list = candidates(entries, Weights::for_bonus(true), &[2, 5]);
        let weights: Vec<u32> = list.iter().map(|c| c.weight).collect();
        assert_eq!(weights, [1, 0, 1, 2, 0]);
        assert_eq!(list[4].participant_id, "p5");
        let seed = [7u8; 32];
        let drawn = draw::draw(&list, 3, &seed);
        assert_eq!(drawn.len(), 3);
        assert!(
            !drawn.iter().any(|id| id == "p2" || id == "p5"),
            "{drawn:?}"
        );
    }

    #[test]
    fn counts_are_checked_against_the_entries() {
        let request = |w, r| DrawRequest {
            winner_count: w,
            reserve_count: r,
            apply_store_visit_bonus: false,
            claim_days: 14,
            exclude_flagged: false,
        };
        assert!(check_counts(&request(3, 2), 5).is_ok());
        assert!(check_counts(&request(3, 3), 5).is_err());
        assert!(check_counts(&request(0, 1), 5).is_err());
        assert!(check_counts(&request(1, -1), 5).is_err());
        assert!(check_counts(&request(1, 0), 0).is_err());
        assert!(
            check_counts(&request(1, i64::MAX), 5).is_err(),
            "no overflow"
        );
        assert!(check_counts(&request(i64::MAX, 1), 5).is_err());
    }
}
