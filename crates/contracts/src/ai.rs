//! AI recommendation jobs (UFR-EVENT-030, UFR-AI-010): the request the event
//! service sends on `ai-job-topic`, and the progress and result messages the
//! ai service sends back on `ai-result-topic`. The recommendation shape is the
//! one the API answers (docs/design.md §3.4), so the event service stores and
//! answers it as received.

use serde::{Deserialize, Serialize};

/// Asks the ai service for a trend analysis and three recommendations.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AiJobRequested {
    pub job_id: String,
    pub event_id: String,
    pub user_id: i64,
    /// One of the four Korean objectives.
    pub objective: String,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    /// The day the event should start (`YYYY-MM-DD`); seasons and calendar
    /// moments are looked up around it.
    pub start_date: String,
    pub requested_at: String,
}

/// The ai service has taken the job (status `PROCESSING`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AiJobStarted {
    pub job_id: String,
    pub event_id: String,
    pub started_at: String,
}

/// The job finished: the analysis and exactly three recommendations (status `COMPLETED`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AiJobCompleted {
    pub job_id: String,
    pub event_id: String,
    /// Which provider answered (`builtin` or `llm:<model>`).
    pub provider: String,
    pub trend_analysis: TrendAnalysis,
    pub recommendations: Vec<Recommendation>,
    pub completed_at: String,
}

/// The job failed or timed out (status `FAILED`); the owner may ask again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AiJobFailed {
    pub job_id: String,
    pub event_id: String,
    /// Why, in words an owner can read (Korean).
    pub reason: String,
    pub failed_at: String,
}

/// Industry, regional and seasonal trends behind the recommendations.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrendAnalysis {
    pub industry_trends: Vec<Trend>,
    pub regional_trends: Vec<Trend>,
    pub seasonal_trends: Vec<Trend>,
}

/// One trend: a keyword, how relevant it is (0.0–1.0) and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Trend {
    pub keyword: String,
    pub relevance: f64,
    pub description: String,
}

/// One event plan; `optionNumber` 1, 2, 3 are the low, middle and high cost plans.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub option_number: u8,
    /// `저비용`, `중비용` or `고비용`.
    pub cost_level: String,
    pub title: String,
    pub description: String,
    pub concept: String,
    pub target_audience: String,
    pub duration: PlanDuration,
    pub mechanics: Mechanics,
    pub prize: String,
    /// What one prize is worth, in won (0 when it has no value); with
    /// `winners`, the prize's part of the cost (`crate::money::cost`).
    #[serde(default)]
    pub prize_value: i64,
    /// How many winners the plan has in mind.
    #[serde(default)]
    pub winners: u32,
    /// Channel codes (`INSTAGRAM`, `RINGOBIZ`, …) the plan suggests.
    pub promotion_channels: Vec<String>,
    pub estimated_cost: EstimatedCost,
    pub expected_metrics: ExpectedMetrics,
    /// What customers read in the posts; `description` is the reasoning
    /// shown to the owner and never published. Absent in plans made before
    /// it existed (empty then: the posts fall back to title and prize).
    #[serde(default)]
    pub customer_copy: CustomerCopy,
}

/// The customer-facing promotional text of a plan and its hashtags.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCopy {
    /// A short promotional text (a few sentences), addressed to customers.
    pub text: String,
    /// Hashtags without the `#`.
    pub hashtags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PlanDuration {
    pub recommended_days: u32,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `YYYY-MM-DD`, inclusive.
    pub end_date: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Mechanics {
    /// An upper-case code: `DISCOUNT`, `GIFT`, `STAMP`, `LOTTERY`, `REVIEW`, `REFERRAL`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub details: String,
}

/// Costs in won.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EstimatedCost {
    pub min: i64,
    pub max: i64,
    pub breakdown: Vec<CostItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CostItem {
    pub item: String,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedMetrics {
    pub new_customers: u32,
    /// Expected revenue increase over the event, in percent.
    pub revenue_increase: f64,
    /// Expected return on investment, in percent.
    pub roi: f64,
}
