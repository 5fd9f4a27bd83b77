//! Budgets and expected results, by rules an owner can follow:
//!
//! - **Reach** is the sum of each chosen channel's typical reach, scaled by
//!   the trade area (busy areas reach more people).
//! - **Participants** = reach × the mechanic's take-up; the cost range uses
//!   70 % (min) and 130 % (max) of that estimate.
//! - **Cost** = promotion material (by cost level) + channel fees (scaled by
//!   the area's price level) + the prize pool (winners × prize value, scaled
//!   by the industry) + the incentive each participant receives (a share of
//!   the average ticket). The breakdown lists the items at `max` and adds up
//!   to it exactly; `min` is the same plan at the low participation estimate.
//! - **New customers** = participants × the objective's share of newcomers.
//! - **Revenue increase %** = the objective's base for the cost level plus the
//!   calendar moment's uplift weighted by its relevance.
//! - **ROI %** = (incremental revenue − average cost) / average cost × 100,
//!   where incremental revenue = participants × average ticket × visits per
//!   participant × the share that would not have come anyway (50 %).

use contracts::ai::{CostItem, EstimatedCost, ExpectedMetrics};

use crate::domain::Objective;

use super::{industry::Industry, plans::Mechanic, region::Profile};

/// (code, breakdown item, fee in won, typical reach in people).
const CHANNELS: &[(&str, &str, i64, f64)] = &[
    ("INSTAGRAM", "인스타그램 스폰서 광고", 80_000, 2_500.0),
    ("NAVER", "네이버 블로그·플레이스 홍보", 50_000, 1_800.0),
    ("KAKAO", "카카오 채널 메시지 발송", 40_000, 1_000.0),
    ("URIDONGNETV", "우리동네TV 광고 송출", 300_000, 5_000.0),
    ("RINGOBIZ", "링고비즈 통화연결음 제작", 90_000, 800.0),
    ("GINITV", "지니TV IPTV 광고", 600_000, 8_000.0),
];

/// Promotion material by cost level.
const MATERIAL: [(&str, i64); 3] = [
    ("매장 POP·안내문 제작", 30_000),
    ("포스터·배너 제작", 120_000),
    ("홍보 영상·인쇄물 제작", 350_000),
];

/// Winners per cost level.
const WINNERS: [i64; 3] = [5, 5, 3];

/// How many people an area's channels reach compared with an average area.
fn reach_factor(profile: Profile) -> f64 {
    match profile {
        Profile::Trendy | Profile::Tourist => 1.3,
        Profile::Office | Profile::University => 1.2,
        Profile::Family | Profile::Urban => 1.0,
        Profile::Local => 0.7,
    }
}

/// Newcomers among participants, visits per participant, and the base
/// revenue increase per cost level, by objective.
fn objective_rates(objective: Objective) -> (f64, f64, [f64; 3]) {
    match objective {
        Objective::NewCustomers => (0.6, 1.3, [6.0, 9.0, 14.0]),
        Objective::Revisit => (0.15, 2.5, [8.0, 12.0, 16.0]),
        Objective::Sales => (0.25, 1.6, [10.0, 14.0, 20.0]),
        Objective::Awareness => (0.45, 1.1, [4.0, 7.0, 11.0]),
    }
}

/// Rounds to the nearest 10,000 won, at least 10,000 for a cost that exists.
fn won(amount: f64) -> i64 {
    if amount <= 0.0 {
        return 0;
    }
    (((amount / 10_000.0).round() as i64).max(1)) * 10_000
}

/// The value of one prize at a cost level.
fn prize_value(tier: usize, industry: &Industry) -> f64 {
    match tier {
        0 => (industry.avg_ticket as f64 * 0.5).min(30_000.0),
        1 => 50_000.0 * industry.budget_factor,
        _ => 150_000.0 * industry.budget_factor,
    }
}

/// Everything the plan's numbers depend on.
pub struct Inputs<'a> {
    pub tier: usize,
    pub objective: Objective,
    pub industry: &'a Industry,
    pub profile: Profile,
    pub mechanic: &'a Mechanic,
    pub channels: &'a [&'static str],
    /// Uplift × relevance of the calendar moment the plan rides on (0 without one).
    pub moment_uplift: f64,
}

/// A plan's cost and expected results.
pub fn estimate(i: &Inputs<'_>) -> (EstimatedCost, ExpectedMetrics) {
    let area_price = i.profile.cost_factor();
    let mut reach = 0.0;
    let mut breakdown = vec![CostItem {
        item: MATERIAL[i.tier].0.to_string(),
        amount: won(MATERIAL[i.tier].1 as f64 * area_price),
    }];
    for code in i.channels {
        if let Some((_, item, fee, people)) = CHANNELS.iter().find(|(c, ..)| c == code) {
            reach += people;
            breakdown.push(CostItem {
                item: item.to_string(),
                amount: won(*fee as f64 * area_price),
            });
        }
    }
    let participants = reach * reach_factor(i.profile) * i.mechanic.take_up;
    breakdown.push(CostItem {
        item: format!("경품 ({}명)", WINNERS[i.tier]),
        amount: won(prize_value(i.tier, i.industry) * WINNERS[i.tier] as f64),
    });
    let per_participant = i.industry.avg_ticket as f64 * i.mechanic.incentive;
    let incentive_max = won(participants * 1.3 * per_participant);
    let incentive_min = won(participants * 0.7 * per_participant);
    breakdown.push(CostItem {
        item: "참여 고객 혜택 (할인·사은품)".to_string(),
        amount: incentive_max,
    });
    let max: i64 = breakdown.iter().map(|b| b.amount).sum();
    let min = max - incentive_max + incentive_min;

    let (new_share, visits, base_increase) = objective_rates(i.objective);
    let revenue = participants * i.industry.avg_ticket as f64 * visits * 0.5;
    let average_cost = (min + max) as f64 / 2.0;
    let metrics = ExpectedMetrics {
        new_customers: (participants * new_share).round() as u32,
        revenue_increase: round1(base_increase[i.tier] + i.moment_uplift),
        roi: round1((revenue - average_cost) / average_cost * 100.0),
    };
    (
        EstimatedCost {
            min,
            max,
            breakdown,
        },
        metrics,
    )
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{industry, plans};

    fn inputs<'a>(tier: usize, channels: &'a [&'static str], industry: &'a Industry) -> Inputs<'a> {
        Inputs {
            tier,
            objective: Objective::NewCustomers,
            industry,
            profile: Profile::Office,
            mechanic: &plans::mechanics(Objective::NewCustomers)[tier],
            channels,
            moment_uplift: 0.0,
        }
    }

    #[test]
    fn the_breakdown_adds_up_to_max_and_min_is_the_low_estimate() {
        let food = industry::classify("음식점");
        for tier in 0..3 {
            let channels = plans::channels(tier, Profile::Office, food.name);
            let (cost, metrics) = estimate(&inputs(tier, &channels, food));
            assert_eq!(
                cost.breakdown.iter().map(|b| b.amount).sum::<i64>(),
                cost.max
            );
            assert!(0 < cost.min && cost.min < cost.max, "{cost:?}");
            assert!(cost.breakdown.iter().all(|b| b.amount % 10_000 == 0));
            assert!(metrics.new_customers > 0);
        }
    }

    #[test]
    fn costlier_levels_cost_more_and_reach_more() {
        let cafe = industry::classify("카페");
        let plans: Vec<_> = (0..3)
            .map(|tier| {
                let channels = plans::channels(tier, Profile::Office, cafe.name);
                estimate(&inputs(tier, &channels, cafe))
            })
            .collect();
        assert!(plans[0].0.max < plans[1].0.max && plans[1].0.max < plans[2].0.max);
        assert!(plans[0].1.new_customers < plans[2].1.new_customers);
    }
}
