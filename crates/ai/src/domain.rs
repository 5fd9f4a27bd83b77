//! The job's inputs parsed at the boundary, the job states, and the checks
//! every set of recommendations must pass whichever provider made it.

use chrono::NaiveDate;
use contracts::ai::{AiJobRequested, Recommendation};

/// The owner's objective: one home, in `contracts`.
pub use contracts::objective::Objective;

/// What a provider plans from: the request with its fields parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct JobInput {
    pub objective: Objective,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    pub start_date: NaiveDate,
}

/// Why a request cannot be planned at all (the job fails with this, in Korean).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("알 수 없는 이벤트 목적입니다: {0}")]
    Objective(String),
    #[error("매장 정보(매장명·업종·주소)가 비어 있습니다")]
    StoreInfo,
    #[error("시작일 형식이 올바르지 않습니다 (YYYY-MM-DD): {0}")]
    StartDate(String),
}

impl JobInput {
    /// Parses the request's fields; blank store fields and unknown objectives are refused.
    pub fn parse(request: &AiJobRequested) -> Result<JobInput, InputError> {
        let objective = Objective::parse(&request.objective)
            .ok_or_else(|| InputError::Objective(request.objective.clone()))?;
        let (store_name, industry, address) = (
            request.store_name.trim(),
            request.industry.trim(),
            request.address.trim(),
        );
        if store_name.is_empty() || industry.is_empty() || address.is_empty() {
            return Err(InputError::StoreInfo);
        }
        let start_date = NaiveDate::parse_from_str(request.start_date.trim(), "%Y-%m-%d")
            .map_err(|_| InputError::StartDate(request.start_date.clone()))?;
        Ok(JobInput {
            objective,
            store_name: store_name.to_string(),
            industry: industry.to_string(),
            address: address.to_string(),
            start_date,
        })
    }
}

/// A job as the ai service keeps it. There is no PENDING here: the event
/// service shows PENDING until this service has taken the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Processing,
    Completed,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Processing => "PROCESSING",
            JobState::Completed => "COMPLETED",
            JobState::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        match s {
            "PROCESSING" => Some(JobState::Processing),
            "COMPLETED" => Some(JobState::Completed),
            "FAILED" => Some(JobState::Failed),
            _ => None,
        }
    }
}

/// The cost level of each option, in option order.
pub const COST_LEVELS: [&str; 3] = ["저비용", "중비용", "고비용"];

/// Checks a provider's plans against the contract: exactly three options
/// numbered 1..3 with their cost levels, no blank text, known channel codes,
/// a cost range with 0 < min ≤ max whose breakdown adds up to a sum within
/// it (the built-in engine's adds up to max exactly), valid
/// dates with the end not before the start and the day count matching.
/// Answers the first problem found, in words a log reader understands.
pub fn validate_recommendations(plans: &[Recommendation]) -> Result<(), String> {
    if plans.len() != 3 {
        return Err(format!("expected 3 recommendations, got {}", plans.len()));
    }
    for (i, plan) in plans.iter().enumerate() {
        let n = i + 1;
        let at = |what: &str| format!("option {n}: {what}");
        if usize::from(plan.option_number) != n {
            return Err(at("optionNumber out of order"));
        }
        if plan.cost_level != COST_LEVELS[i] {
            return Err(at("costLevel must be 저비용/중비용/고비용 in order"));
        }
        let texts = [
            ("title", &plan.title),
            ("description", &plan.description),
            ("concept", &plan.concept),
            ("targetAudience", &plan.target_audience),
            ("prize", &plan.prize),
            ("mechanics.type", &plan.mechanics.kind),
            ("mechanics.details", &plan.mechanics.details),
        ];
        if let Some((name, _)) = texts.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(at(&format!("{name} is blank")));
        }
        if plan.customer_copy.text.trim().is_empty() {
            return Err(at("customerCopy.text is blank"));
        }
        if plan.customer_copy.text.contains(plan.description.trim()) {
            return Err(at("customerCopy.text must not repeat the description"));
        }
        if plan.promotion_channels.is_empty()
            || plan
                .promotion_channels
                .iter()
                .any(|c| contracts::channels::Channel::parse(c).is_none())
        {
            return Err(at("promotionChannels must be non-empty channel codes"));
        }
        let cost = &plan.estimated_cost;
        if cost.min <= 0 || cost.min > cost.max {
            return Err(at("estimatedCost needs 0 < min <= max"));
        }
        let total: i64 = cost.breakdown.iter().map(|b| b.amount).sum();
        if cost.breakdown.is_empty()
            || cost
                .breakdown
                .iter()
                .any(|b| b.amount < 0 || b.item.trim().is_empty())
            || total < cost.min
            || total > cost.max
        {
            return Err(at(
                "estimatedCost.breakdown must add up to between min and max",
            ));
        }
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let (Some(start), Some(end)) = (
            date(&plan.duration.start_date),
            date(&plan.duration.end_date),
        ) else {
            return Err(at("duration dates must be YYYY-MM-DD"));
        };
        let days = (end - start).num_days() + 1;
        if days < 1 || days != i64::from(plan.duration.recommended_days) {
            return Err(at("duration.recommendedDays must count start..=end"));
        }
        let metrics = &plan.expected_metrics;
        if !metrics.revenue_increase.is_finite() || !metrics.roi.is_finite() {
            return Err(at("expectedMetrics must be numbers"));
        }
    }
    Ok(())
}
