//! From the draw to the prize in the winner's hand (docs/design.md §6.4):
//! coupons, the claim page's facts, redemption at the counter, winners'
//! contacts for their owner (each read recorded), and unclaimed prizes
//! passing to the reserves.

use chrono::{DateTime, Utc};
use contracts::messages::{rfc3339, CouponClaimed, CouponRedeemed, Envelope};

use crate::{
    coupon::CouponCode,
    domain::{mask_name, mask_phone},
    drawing::claim_deadline,
    service::{PartError, ParticipationService},
    store::{CouponRow, RESERVE},
    views::{
        ContactRead, CouponInfo, CouponView, PassedView, Redeemed, WinnerContact, WinnerContacts,
    },
};

/// Where a coupon stands at `now`.
pub fn coupon_status(coupon: &CouponRow, now: DateTime<Utc>) -> &'static str {
    if coupon.redeemed_at.is_some() {
        "REDEEMED"
    } else if coupon.passed_at.is_some() {
        "PASSED"
    } else if coupon.claim_deadline <= now {
        "EXPIRED"
    } else {
        "USABLE"
    }
}

/// `010-1234-5678` from stored digits.
fn full_phone(digits: &str) -> String {
    match digits.len() {
        11 => format!("{}-{}-{}", &digits[..3], &digits[3..7], &digits[7..]),
        10 => format!("{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..]),
        _ => digits.to_string(),
    }
}

impl ParticipationService {
    /// The owner's view of a coupon.
    pub(crate) fn coupon_view(&self, coupon: &CouponRow) -> CouponView {
        let code = CouponCode::parse(&coupon.code)
            .map(|c| c.display())
            .unwrap_or_else(|| coupon.code.clone());
        CouponView {
            claim_url: format!("{}/c/{}", self.public_url, coupon.code),
            coupon_code: code,
            claim_deadline: rfc3339(coupon.claim_deadline),
            coupon_status: coupon_status(coupon, self.clock.now()).to_string(),
            redeemed_at: coupon.redeemed_at.map(rfc3339),
            prize_rank: coupon.prize_rank,
        }
    }

    /// The claim page's facts (public: the code is the secret).
    pub async fn coupon_info(&self, raw_code: &str) -> Result<CouponInfo, PartError> {
        let code = CouponCode::parse(raw_code).ok_or(PartError::UnknownCoupon)?;
        let coupon = self
            .store
            .coupon(code.as_str())
            .await?
            .ok_or(PartError::UnknownCoupon)?;
        let event = self
            .store
            .event(&coupon.event_id)
            .await?
            .ok_or(PartError::UnknownCoupon)?;
        let now = self.clock.now();
        if coupon.claimed_at.is_none() && coupon_status(&coupon, now) == "USABLE" {
            // The winner opened the page: the prize is claimed (counted once).
            let claimed = self
                .store
                .claim(code.as_str(), now, |row, channel| {
                    Envelope::wrap(&CouponClaimed {
                        event_id: row.event_id.clone(),
                        participant_id: row.participant_id.clone(),
                        prize_rank: row.prize_rank,
                        channel,
                        claimed_at: rfc3339(now),
                    })
                })
                .await?;
            if let Some((_, message)) = claimed {
                self.outbox.send(std::slice::from_ref(&message)).await;
            }
        }
        Ok(CouponInfo {
            coupon_code: code.display(),
            event_id: coupon.event_id.clone(),
            title: event.title,
            store_name: event.store_name,
            prize: event.prize,
            claim_deadline: rfc3339(coupon.claim_deadline),
            status: coupon_status(&coupon, self.clock.now()).to_string(),
            redeemed_at: coupon.redeemed_at.map(rfc3339),
        })
    }

    /// Redeems a coupon at the counter: its event's owner only, once, before
    /// the deadline.
    pub async fn redeem(&self, user_id: i64, raw_code: &str) -> Result<Redeemed, PartError> {
        let code = CouponCode::parse(raw_code).ok_or(PartError::UnknownCoupon)?;
        let coupon = self
            .store
            .coupon(code.as_str())
            .await?
            .ok_or(PartError::UnknownCoupon)?;
        let event = self.owned(user_id, &coupon.event_id).await?;
        let now = self.clock.now();
        let redeemed = self
            .store
            .redeem(code.as_str(), user_id, now, |row, channel| {
                Envelope::wrap(&CouponRedeemed {
                    event_id: row.event_id.clone(),
                    participant_id: row.participant_id.clone(),
                    prize_rank: row.prize_rank,
                    channel,
                    redeemed_at: rfc3339(now),
                })
            })
            .await?;
        let Some((redeemed, message)) = redeemed else {
            // Lost a race or not usable: say why from the row as it is now.
            let current = self.store.coupon(code.as_str()).await?.unwrap_or(coupon);
            return Err(match current.redeemed_at {
                Some(at) => PartError::CouponRedeemed(rfc3339(at)),
                None => PartError::CouponExpired(current.passed_at.is_some()),
            });
        };
        self.outbox.send(std::slice::from_ref(&message)).await;
        let holder = self
            .store
            .participants_by_id(
                &event.event_id,
                std::slice::from_ref(&redeemed.participant_id),
            )
            .await?
            .pop();
        tracing::info!(event_id = %event.event_id, prize_rank = redeemed.prize_rank, "coupon redeemed");
        Ok(Redeemed {
            coupon_code: code.display(),
            event_id: event.event_id,
            prize: event.prize,
            prize_rank: redeemed.prize_rank,
            redeemed_at: rfc3339(now),
            name: holder
                .as_ref()
                .and_then(|h| h.name.as_deref().map(mask_name))
                .unwrap_or_else(|| crate::service::ERASED_NAME.to_string()),
            phone_number: holder
                .and_then(|h| h.phone)
                .map(|p| mask_phone(&p))
                .unwrap_or_default(),
        })
    }

    /// Winners' and reserves' full contacts for the event's owner, after
    /// the draw; the read is recorded before anything is answered.
    pub async fn contacts(
        &self,
        user_id: i64,
        event_id: &str,
    ) -> Result<WinnerContacts, PartError> {
        self.owned(user_id, event_id).await?;
        let draw = self
            .store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        let order: Vec<String> = draw
            .winner_ids()
            .into_iter()
            .chain(draw.reserve_ids())
            .collect();
        let rows = self.store.participants_by_id(event_id, &order).await?;
        let items: Vec<WinnerContact> = order
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let row = rows.iter().find(|r| &r.participant_id == id)?;
                Some(WinnerContact {
                    rank: i as i64 + 1,
                    drawn_as: row.drawn_as.clone().unwrap_or_default(),
                    participant_id: row.participant_id.clone(),
                    name: row.name.clone()?,
                    phone_number: full_phone(row.phone.as_deref()?),
                    email: row.email.clone(),
                })
            })
            .collect();
        self.store
            .record_contact_read(event_id, user_id, self.clock.now(), items.len() as i64)
            .await?;
        tracing::info!(
            event_id,
            read_by = user_id,
            shown = items.len(),
            "winners' contacts read"
        );
        let reads = self
            .store
            .contact_reads(event_id)
            .await?
            .into_iter()
            .map(|(read_by, at, shown)| ContactRead {
                read_by,
                read_at: rfc3339(at),
                shown,
            })
            .collect();
        Ok(WinnerContacts { items, reads })
    }

    /// Passes every prize unclaimed past its deadline to the next reserve in
    /// drawn order, with a new coupon and the draw's claim period.
    pub async fn pass_unclaimed(
        &self,
        user_id: i64,
        event_id: &str,
    ) -> Result<Vec<PassedView>, PartError> {
        self.owned(user_id, event_id).await?;
        let draw = self
            .store
            .draw(event_id)
            .await?
            .ok_or(PartError::NotDrawn)?;
        let now = self.clock.now();
        let claim_days = draw
            .claim_deadline
            .map(|d| (d - draw.drawn_at).num_days().max(1))
            .unwrap_or(crate::drawing::DEFAULT_CLAIM_DAYS);
        let reserves = draw.reserve_ids();
        let passed = self
            .store
            .pass_unclaimed(
                event_id,
                &reserves,
                now,
                claim_deadline(now, claim_days),
                || CouponCode::generate().as_str().to_string(),
            )
            .await?;
        if passed.is_empty() {
            let waiting = self
                .store
                .coupons_of(event_id)
                .await?
                .iter()
                .any(|c| coupon_status(c, now) == "USABLE");
            return Err(PartError::NothingToPass(waiting));
        }
        for p in &passed {
            tracing::info!(event_id, prize_rank = p.to.prize_rank, from = %p.from.participant_id, to = %p.to.participant_id, role = RESERVE, "unclaimed prize passed to the next reserve");
        }
        Ok(passed
            .into_iter()
            .map(|p| PassedView {
                prize_rank: p.to.prize_rank,
                from_participant_id: p.from.participant_id,
                to_participant_id: p.to.participant_id.clone(),
                claim_deadline: rfc3339(p.to.claim_deadline),
                coupon_code: CouponCode::parse(&p.to.code)
                    .map(|c| c.display())
                    .unwrap_or(p.to.code),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn full_phones_are_grouped() {
        assert_eq!(super::full_phone("01012345678"), "010-1234-5678");
        assert_eq!(super::full_phone("0111234567"), "011-123-4567");
    }
}
