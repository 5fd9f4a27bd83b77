//! An event's inputs to the one cost model (`contracts::money`): its chosen
//! channels with their settings, and its prize as the owner last wrote it,
//! worth the amount its text names or else the value the plan gave it.

use contracts::{
    ai::Recommendation,
    channels::Channel,
    money::{self, Cost, Prize},
};
use serde_json::{Map, Value};

use crate::store::EventRow;

/// The cost of `channels` with `settings` (keyed by channel code) and the prize.
pub fn event_cost(
    channels: &[Channel],
    settings: &Map<String, Value>,
    plan: Option<&Recommendation>,
    prize_text: &str,
) -> Cost {
    let chosen: Vec<(Channel, Option<&Value>)> = channels
        .iter()
        .map(|c| (*c, settings.get(c.code())))
        .collect();
    let prize = plan.map(|p| Prize {
        text: prize_text,
        value: money::value_in_text(prize_text).unwrap_or(p.prize_value),
        winners: i64::from(p.winners),
    });
    money::cost(&chosen, prize.as_ref())
}

impl EventRow {
    /// The prize as the owner last wrote it (content edit), else the plan's.
    pub fn prize_text(&self) -> String {
        self.chosen_content()
            .map(|c| c.prize_text)
            .or_else(|| self.prize.clone())
            .unwrap_or_default()
    }

    /// The event's cost with its chosen channels (none chosen yet: the prize only).
    pub fn cost(&self) -> Cost {
        let channels: Vec<Channel> = self
            .channel_codes()
            .iter()
            .filter_map(|c| Channel::parse(c))
            .collect();
        self.cost_with(&channels, &self.channel_settings_map())
    }

    /// What the event would cost with other channels (the channel step's quote).
    pub fn cost_with(&self, channels: &[Channel], settings: &Map<String, Value>) -> Cost {
        event_cost(channels, settings, self.plan().as_ref(), &self.prize_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_owners_prize_text_names_the_value_else_the_plans_value_counts() {
        let mut plan: Recommendation = serde_json::from_value(json!({
            "optionNumber": 2, "costLevel": "중비용", "title": "t", "description": "d",
            "concept": "c", "targetAudience": "a",
            "duration": {"recommendedDays": 7, "startDate": "2026-12-01", "endDate": "2026-12-07"},
            "mechanics": {"type": "LOTTERY", "details": "x"}, "prize": "3만원 빵 교환권",
            "prizeValue": 30000, "winners": 5, "promotionChannels": ["INSTAGRAM"],
            "estimatedCost": {"min": 1, "max": 1, "breakdown": []},
            "expectedMetrics": {"newCustomers": 1, "revenueIncrease": 1.0, "roi": 1.0}
        }))
        .expect("plan");
        let settings = json!({"GINITV": {"region": "서울", "budget": 300000}});
        let settings = settings.as_object().expect("map");
        let both = [Channel::Ginitv, Channel::Instagram];
        let c = event_cost(&both, settings, Some(&plan), "5만원 상품권");
        assert_eq!(c.total, 300_000 + 250_000);
        let c = event_cost(&both, settings, Some(&plan), "아메리카노 무료");
        assert_eq!(c.total, 300_000 + 150_000);
        plan.winners = 0;
        assert_eq!(event_cost(&both, settings, Some(&plan), "x").total, 300_000);
    }
}
