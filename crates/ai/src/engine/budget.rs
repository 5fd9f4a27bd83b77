//! Budgets and expected results, by rules an owner can follow:
//!
//! - **Cost** is [`contracts::money::cost`] of the plan's channels (with the
//!   settings the channel step starts from) and its prize (value × winners):
//!   the figure the review screen and the dashboard show for the same event
//!   if the owner keeps the plan. `min` and `max` are both that figure.
//! - **Reach** is the sum of each chosen channel's typical reach, scaled by
//!   the trade area (busy areas reach more people).
//! - **Participants** = reach × the mechanic's take-up.
//! - **New customers** = participants × the objective's share of newcomers.
//! - **Revenue increase %** = the objective's base for the cost level plus the
//!   calendar moment's uplift weighted by its relevance.
//! - **ROI %** = [`contracts::money::roi_pct`] of the revenue the expected
//!   participants bring ([`contracts::money::expected_revenue`], the same
//!   rule the dashboard estimates with) against the cost.

use contracts::{
    ai::{CostItem, EstimatedCost, ExpectedMetrics, Recommendation},
    channels::Channel,
    industry::Industry,
    money::{self, Prize},
};

use crate::domain::Objective;

use super::{plans::Mechanic, region::Profile};

/// (code, typical reach in people).
const REACH: &[(&str, f64)] = &[
    ("INSTAGRAM", 2_500.0),
    ("NAVER", 1_800.0),
    ("KAKAO", 1_000.0),
    ("URIDONGNETV", 5_000.0),
    ("RINGOBIZ", 800.0),
    ("GINITV", 8_000.0),
];

/// Winners per cost level.
pub const WINNERS: [u32; 3] = [5, 5, 3];

/// How many people an area's channels reach compared with an average area.
fn reach_factor(profile: Profile) -> f64 {
    match profile {
        Profile::Trendy | Profile::Tourist => 1.3,
        Profile::Office | Profile::University => 1.2,
        Profile::Family | Profile::Urban => 1.0,
        Profile::Local => 0.7,
    }
}

/// Newcomers among participants and the base revenue increase per cost
/// level, by objective.
fn objective_rates(objective: Objective) -> (f64, [f64; 3]) {
    match objective {
        Objective::NewCustomers => (0.6, [6.0, 9.0, 14.0]),
        Objective::Revisit => (0.15, [8.0, 12.0, 16.0]),
        Objective::SalesIncrease => (0.25, [10.0, 14.0, 20.0]),
        Objective::Awareness => (0.45, [4.0, 7.0, 11.0]),
    }
}

/// Rounds to the nearest 1,000 won, at least 1,000 for a value that exists.
fn thousands(amount: f64) -> i64 {
    if amount <= 0.0 {
        return 0;
    }
    ((amount / 1_000.0).round() as i64).max(1) * 1_000
}

/// The value of one prize: what its text names ("3만원 교환권"), else a
/// typical value for the cost level and industry.
pub fn prize_value(tier: usize, industry: &Industry, prize: &str) -> i64 {
    money::value_in_text(prize).unwrap_or_else(|| {
        thousands(match tier {
            0 => (industry.spend_per_visit as f64 * 0.5).min(30_000.0),
            1 => 50_000.0 * industry.budget_factor,
            _ => 150_000.0 * industry.budget_factor,
        })
    })
}

/// The plan's cost by the one cost model, in the plan's shape.
pub fn plan_cost(channels: &[&str], prize: &str, value: i64, winners: u32) -> EstimatedCost {
    let chosen: Vec<(Channel, Option<&serde_json::Value>)> = channels
        .iter()
        .filter_map(|c| Channel::parse(c))
        .map(|c| (c, None))
        .collect();
    let cost = money::cost(
        &chosen,
        Some(&Prize {
            text: prize,
            value,
            winners: i64::from(winners),
        }),
    );
    EstimatedCost {
        min: cost.total,
        max: cost.total,
        breakdown: cost
            .items
            .into_iter()
            .map(|i| CostItem {
                item: i.label,
                amount: i.amount,
            })
            .collect(),
    }
}

/// Prices a plan made elsewhere (an LLM's) by the one cost model, so every
/// plan's cost is the one the owner will see at review.
pub fn reprice(plan: &mut Recommendation) {
    if plan.winners == 0 {
        plan.winners = WINNERS[usize::from(plan.option_number.clamp(1, 3)) - 1];
    }
    if let Some(value) = money::value_in_text(&plan.prize) {
        plan.prize_value = value;
    }
    let channels: Vec<&str> = plan.promotion_channels.iter().map(String::as_str).collect();
    plan.estimated_cost = plan_cost(&channels, &plan.prize, plan.prize_value, plan.winners);
}

/// Everything the plan's numbers depend on.
pub struct Inputs<'a> {
    pub tier: usize,
    pub objective: Objective,
    pub industry: &'a Industry,
    pub profile: Profile,
    pub mechanic: &'a Mechanic,
    pub channels: &'a [&'static str],
    pub prize: &'a str,
    /// Uplift × relevance of the calendar moment the plan rides on (0 without one).
    pub moment_uplift: f64,
}

/// A plan's prize value, cost and expected results.
pub fn estimate(i: &Inputs<'_>) -> (i64, EstimatedCost, ExpectedMetrics) {
    let reach: f64 = i
        .channels
        .iter()
        .filter_map(|code| REACH.iter().find(|(c, _)| c == code))
        .map(|(_, people)| people)
        .sum();
    let participants = reach * reach_factor(i.profile) * i.mechanic.take_up;
    let value = prize_value(i.tier, i.industry, i.prize);
    let cost = plan_cost(i.channels, i.prize, value, WINNERS[i.tier]);
    let (new_share, base_increase) = objective_rates(i.objective);
    let revenue = money::expected_revenue(participants.round() as i64, i.industry);
    let metrics = ExpectedMetrics {
        new_customers: (participants * new_share).round() as u32,
        revenue_increase: round1(base_increase[i.tier] + i.moment_uplift),
        roi: money::roi_pct(revenue, cost.max).unwrap_or(0.0),
    };
    (value, cost, metrics)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plans;
    use contracts::industry;

    fn inputs<'a>(tier: usize, channels: &'a [&'static str], industry: &'a Industry) -> Inputs<'a> {
        Inputs {
            tier,
            objective: Objective::NewCustomers,
            industry,
            profile: Profile::Office,
            mechanic: &plans::mechanics(Objective::NewCustomers)[tier],
            channels,
            prize: industry.prizes[tier],
            moment_uplift: 0.0,
        }
    }

    #[test]
    fn the_plan_costs_what_the_cost_model_says() {
        let food = industry::classify("음식점");
        for (tier, winners) in WINNERS.into_iter().enumerate() {
            let channels = plans::channels(tier, Profile::Office, food.name);
            let (value, cost, metrics) = estimate(&inputs(tier, &channels, food));
            let chosen: Vec<_> = channels
                .iter()
                .filter_map(|c| Channel::parse(c))
                .map(|c| (c, None))
                .collect();
            let model = money::cost(
                &chosen,
                Some(&Prize {
                    text: food.prizes[tier],
                    value,
                    winners: i64::from(winners),
                }),
            );
            assert_eq!((cost.min, cost.max), (model.total, model.total));
            assert_eq!(
                cost.breakdown.iter().map(|b| b.amount).sum::<i64>(),
                cost.max
            );
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
        assert!(plans[0].1.max < plans[1].1.max && plans[1].1.max < plans[2].1.max);
        assert!(plans[0].2.new_customers < plans[2].2.new_customers);
    }

    #[test]
    fn a_prize_text_with_an_amount_is_worth_that_amount() {
        let bakery = industry::classify("베이커리");
        assert_eq!(prize_value(1, bakery, "3만원 빵 교환권"), 30_000);
        assert_eq!(prize_value(0, bakery, "시그니처 빵 1개 무료 쿠폰"), 6_000);
    }
}
