//! Money: the one cost model and the one ROI rule (issue 12, "money that
//! adds up"). The channel step, the review screen, the event view, the AI
//! plans' estimates and the analytics dashboard's investment all come from
//! [`cost`], so the same event costs the same everywhere.
//!
//! What an event costs the owner, in won:
//!
//! * **지니TV**: the budget the owner set for the IPTV ad (300,000 when none
//!   was set yet).
//! * **우리동네TV**: the local-TV slot by radius: 500m 50,000 · 1km 100,000 ·
//!   2km 200,000.
//! * **링고비즈**: 30,000 for the ringback message.
//! * **인스타그램, 네이버 블로그, 카카오톡 채널**: free (posts on the owner's own
//!   accounts); listed with 0 so the owner sees they cost nothing.
//! * **경품**: the value of one prize × the number of winners, when the prize
//!   has a value.
//!
//! ROI = (예상 매출 − 투자 비용) ÷ 투자 비용 × 100 ([`roi_pct`]). It is `None`
//! (JSON `null`, shown as 집계 중) until there is data to compute it from:
//! an estimate needs at least one entry ([`estimated_roi`]), a measured ROI
//! at least one redeemed coupon. The AI plans' ROI is a forecast made from
//! the plan's own expected participants with the same functions.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{channels::Channel, industry::Industry};

/// 지니TV budget when the owner has not set one (the channel step's default).
pub const GINITV_DEFAULT_BUDGET: i64 = 300_000;
/// 우리동네TV fee per radius; the first radius named is the default.
pub const URIDONGNETV_FEES: [(&str, i64); 3] =
    [("1km", 100_000), ("500m", 50_000), ("2km", 200_000)];
/// 링고비즈 ringback message fee.
pub const RINGOBIZ_FEE: i64 = 30_000;
/// The `kind` of the prize's cost item (channel items carry the channel code).
pub const PRIZE_KIND: &str = "PRIZE";

/// The ROI formula in the owner's words.
pub const ROI_FORMULA: &str = "ROI = (예상 매출 − 투자 비용) ÷ 투자 비용 × 100";
/// The measured ROI formula in the owner's words.
pub const MEASURED_ROI_FORMULA: &str =
    "측정 ROI = (쿠폰 사용 방문 수 × 1회 방문 평균 결제액 − 투자 비용) ÷ 투자 비용 × 100";

/// One part of an event's cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostItem {
    /// A channel code (`GINITV`, …) or [`PRIZE_KIND`].
    pub kind: String,
    /// What it is, in Korean.
    pub label: String,
    /// Won.
    pub amount: i64,
}

/// An event's cost: the items and their sum.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    /// Won; always the sum of the items.
    pub total: i64,
    pub items: Vec<CostItem>,
}

/// The prize as far as money goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prize<'a> {
    /// The prize as the owner reads it.
    pub text: &'a str,
    /// Won per winner; 0 when the prize has no value.
    pub value: i64,
    pub winners: i64,
}

impl Cost {
    fn of(items: Vec<CostItem>) -> Cost {
        Cost {
            total: items.iter().map(|i| i.amount).sum(),
            items,
        }
    }

    /// The same cost with only the channels in `paid` (a channel whose
    /// distribution failed is not paid for); other items stay.
    pub fn for_channels(&self, paid: &[String]) -> Cost {
        Cost::of(
            self.items
                .iter()
                .filter(|i| Channel::parse(&i.kind).is_none() || paid.contains(&i.kind))
                .cloned()
                .collect(),
        )
    }

    /// The amount of the items of `kind` (0 when there is none).
    pub fn amount_of(&self, kind: &str) -> i64 {
        self.items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.amount)
            .sum()
    }
}

fn setting<'a>(settings: Option<&'a Value>, field: &str) -> Option<&'a Value> {
    settings.and_then(|s| s.get(field))
}

/// What running the event on `channel` with its `settings` costs, in won.
pub fn channel_fee(channel: Channel, settings: Option<&Value>) -> i64 {
    match channel {
        Channel::Ginitv => setting(settings, "budget")
            .and_then(Value::as_i64)
            .filter(|b| *b > 0)
            .unwrap_or(GINITV_DEFAULT_BUDGET),
        Channel::Uridongnetv => {
            let radius = setting(settings, "radius").and_then(Value::as_str);
            URIDONGNETV_FEES
                .iter()
                .find(|(r, _)| Some(*r) == radius)
                .unwrap_or(&URIDONGNETV_FEES[0])
                .1
        }
        Channel::Ringobiz => RINGOBIZ_FEE,
        Channel::Instagram | Channel::Naver | Channel::Kakao => 0,
    }
}

fn channel_label(channel: Channel, settings: Option<&Value>) -> String {
    let name = channel.display_name();
    match channel {
        Channel::Ginitv => format!("{name} 광고 예산"),
        Channel::Uridongnetv => {
            let radius = setting(settings, "radius")
                .and_then(Value::as_str)
                .filter(|r| URIDONGNETV_FEES.iter().any(|(x, _)| x == r))
                .unwrap_or(URIDONGNETV_FEES[0].0);
            format!("{name} 광고 (반경 {radius})")
        }
        Channel::Ringobiz => format!("{name} 통화연결음 안내"),
        Channel::Instagram | Channel::Naver | Channel::Kakao => format!("{name} 게시 (무료)"),
    }
}

/// The cost of an event: each channel with its settings, then the prize.
pub fn cost(channels: &[(Channel, Option<&Value>)], prize: Option<&Prize<'_>>) -> Cost {
    let mut items: Vec<CostItem> = channels
        .iter()
        .map(|&(channel, settings)| CostItem {
            kind: channel.code().to_string(),
            label: channel_label(channel, settings),
            amount: channel_fee(channel, settings),
        })
        .collect();
    if let Some(p) = prize.filter(|p| p.value > 0 && p.winners > 0) {
        let text = p.text.trim();
        items.push(CostItem {
            kind: PRIZE_KIND.to_string(),
            label: if text.is_empty() {
                format!("경품 {}명", p.winners)
            } else {
                format!("경품: {text} × {}명", p.winners)
            },
            amount: p.value.saturating_mul(p.winners),
        });
    }
    Cost::of(items)
}

/// The won amount a prize text names ("3만원 교환권" → 30,000, "5천원 쿠폰" →
/// 5,000, "50,000원" → 50,000; several amounts add up), `None` when it names
/// none ("아메리카노 1잔").
pub fn value_in_text(text: &str) -> Option<i64> {
    let chars: Vec<char> = text.chars().collect();
    let mut total: i64 = 0;
    let mut found = false;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == ',') {
            if chars[i] != ',' {
                digits.push(chars[i]);
            }
            i += 1;
        }
        let rest: String = chars[i..]
            .iter()
            .take(3)
            .collect::<String>()
            .replace(' ', "");
        let unit = if rest.starts_with("만원") {
            10_000
        } else if rest.starts_with("천원") {
            1_000
        } else if rest.starts_with('원') {
            1
        } else {
            continue;
        };
        if let Ok(n) = digits.parse::<i64>() {
            total = total.saturating_add(n.saturating_mul(unit));
            found = true;
        }
    }
    found.then_some(total)
}

/// ROI = (revenue − investment) ÷ investment × 100, one decimal; `None`
/// when nothing was invested (no ratio to speak of).
pub fn roi_pct(revenue: i64, investment: i64) -> Option<f64> {
    (investment > 0).then(|| round1((revenue - investment) as f64 * 100.0 / investment as f64))
}

/// Revenue the entries are expected to bring: participants × the industry's
/// conversion rate × its spend per visit, in won (floored).
pub fn expected_revenue(participants: i64, industry: &Industry) -> i64 {
    participants.max(0) * industry.conversion_rate_pct * industry.spend_per_visit / 100
}

/// The estimated ROI of an event: `None` before the first entry (there is
/// nothing to estimate from yet) or without an investment.
pub fn estimated_roi(participants: i64, industry: &Industry, investment: i64) -> Option<f64> {
    if participants <= 0 {
        return None;
    }
    roi_pct(expected_revenue(participants, industry), investment)
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::industry::classify;
    use serde_json::json;

    #[test]
    fn the_owners_settings_and_free_channels_make_the_cost() {
        let ginitv = json!({"region": "서울 강남구", "budget": 300_000});
        let uri = json!({"radius": "2km", "timeSlot": "evening"});
        let c = cost(
            &[
                (Channel::Ginitv, Some(&ginitv)),
                (Channel::Uridongnetv, Some(&uri)),
                (Channel::Ringobiz, None),
                (Channel::Instagram, None),
                (Channel::Naver, None),
                (Channel::Kakao, None),
            ],
            Some(&Prize {
                text: "3만원 빵 교환권",
                value: 30_000,
                winners: 5,
            }),
        );
        let amounts: Vec<(&str, i64)> = c
            .items
            .iter()
            .map(|i| (i.kind.as_str(), i.amount))
            .collect();
        assert_eq!(
            amounts,
            vec![
                ("GINITV", 300_000),
                ("URIDONGNETV", 200_000),
                ("RINGOBIZ", 30_000),
                ("INSTAGRAM", 0),
                ("NAVER", 0),
                ("KAKAO", 0),
                ("PRIZE", 150_000),
            ]
        );
        assert_eq!(c.total, 680_000);
        assert_eq!(c.items[3].label, "인스타그램 게시 (무료)");
        assert_eq!(c.items[6].label, "경품: 3만원 빵 교환권 × 5명");
        // A failed channel is not paid for; the prize still is.
        let paid = c.for_channels(&["RINGOBIZ".to_string()]);
        assert_eq!(paid.total, 30_000 + 150_000);
    }

    #[test]
    fn defaults_apply_before_the_owner_sets_anything_and_a_prize_without_value_costs_nothing() {
        let c = cost(
            &[(Channel::Ginitv, None), (Channel::Uridongnetv, None)],
            Some(&Prize {
                text: "아메리카노 1잔",
                value: 0,
                winners: 3,
            }),
        );
        assert_eq!(c.total, GINITV_DEFAULT_BUDGET + 100_000);
        assert_eq!(c.items.len(), 2);
        assert_eq!(cost(&[], None), Cost::default());
    }

    #[test]
    fn prize_texts_name_their_value() {
        assert_eq!(value_in_text("3만원 빵 교환권"), Some(30_000));
        assert_eq!(value_in_text("2인 식사권 (5만원 상당)"), Some(50_000));
        assert_eq!(value_in_text("5천원 할인 쿠폰"), Some(5_000));
        assert_eq!(value_in_text("50,000원 상품권 + 1만 원 쿠폰"), Some(60_000));
        assert_eq!(value_in_text("아메리카노 1잔 무료 쿠폰"), None);
        assert_eq!(value_in_text(""), None);
    }

    #[test]
    fn roi_is_null_until_there_is_an_entry() {
        assert_eq!(roi_pct(150, 100), Some(50.0));
        assert_eq!(roi_pct(1, 3), Some(-66.7));
        assert_eq!(roi_pct(10, 0), None);
        let cafe = classify("카페");
        assert_eq!(estimated_roi(0, cafe, 430_000), None);
        // 100 entrants × 35 % × 8,000 = 280,000 won against 200,000.
        assert_eq!(expected_revenue(100, cafe), 280_000);
        assert_eq!(estimated_roi(100, cafe, 200_000), Some(40.0));
    }
}
