//! `GET /api/analytics/users/me/dashboard`: the owner's events side by side,
//! summed up from their event dashboards by pure functions.

use contracts::{channels::Channel, money, status::EventStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{dashboard::EventDashboard, domain};

/// Across all of the owner's published events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnerDashboard {
    pub user_id: i64,
    pub totals: OwnerTotals,
    /// Newest first.
    pub events: Vec<EventSummaryRow>,
    /// The channel that brought the most entries over all events
    /// (ties: more views, then display order); `null` before any entry or view.
    pub best_channel: Option<BestChannel>,
}

/// Sums over the owner's events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnerTotals {
    pub events: i64,
    pub active_events: i64,
    pub participants: i64,
    pub views: i64,
    /// Won.
    pub investment: i64,
    /// Won.
    pub expected_revenue: i64,
    /// ROI of all events together, percent; `null` (집계 중) before any entry.
    pub roi: Option<f64>,
}

/// One event's line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventSummaryRow {
    pub event_id: String,
    pub title: String,
    #[schema(value_type = String, example = "ACTIVE")]
    pub status: EventStatus,
    pub published_at: String,
    pub participants: i64,
    pub target_participants: i64,
    pub achievement_rate: Option<f64>,
    pub views: i64,
    pub estimated_roi: Option<f64>,
}

/// The best channel and its figures summed over the events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BestChannel {
    pub channel: String,
    pub channel_name: String,
    pub participants: i64,
    pub views: i64,
    pub conversion_rate: Option<f64>,
}

/// The owner's overview from their event dashboards (newest first).
pub fn owner_dashboard(user_id: i64, dashboards: &[EventDashboard]) -> OwnerDashboard {
    let mut channels: Vec<(String, i64, i64)> = Vec::new();
    for d in dashboards {
        for c in &d.channel_performance {
            match channels.iter_mut().find(|(code, _, _)| *code == c.channel) {
                Some((_, participants, views)) => {
                    *participants += c.participants;
                    *views += c.views;
                }
                None => channels.push((c.channel.clone(), c.participants, c.views)),
            }
        }
    }
    let order = domain::ordered_channels(channels.iter().map(|(c, _, _)| c.as_str()));
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(usize::MAX);
    let best_channel = channels
        .iter()
        .filter(|(_, participants, views)| *participants > 0 || *views > 0)
        // Most entries, then most views, then the earlier channel in display order.
        .min_by_key(|(code, participants, views)| (-participants, -views, rank(code)))
        .map(|(code, participants, views)| BestChannel {
            channel: code.clone(),
            channel_name: Channel::parse(code)
                .map_or_else(|| code.clone(), |c| c.display_name().to_string()),
            participants: *participants,
            views: *views,
            conversion_rate: domain::conversion_pct(*participants, *views),
        });
    let investment: i64 = dashboards.iter().map(|d| d.roi.investment.total).sum();
    let participants: i64 = dashboards
        .iter()
        .map(|d| d.summary.total_participants)
        .sum();
    let expected_revenue: i64 = dashboards
        .iter()
        .map(|d| d.roi.revenue.expected_revenue)
        .sum();
    OwnerDashboard {
        user_id,
        totals: OwnerTotals {
            events: dashboards.len() as i64,
            active_events: dashboards
                .iter()
                .filter(|d| d.status == EventStatus::Active)
                .count() as i64,
            participants,
            views: dashboards.iter().map(|d| d.summary.total_views).sum(),
            investment,
            expected_revenue,
            // Nothing to estimate from before the first entry.
            roi: (participants > 0)
                .then(|| money::roi_pct(expected_revenue, investment))
                .flatten(),
        },
        events: dashboards
            .iter()
            .map(|d| EventSummaryRow {
                event_id: d.event_id.clone(),
                title: d.title.clone(),
                status: d.status,
                published_at: d.published_at.clone(),
                participants: d.summary.total_participants,
                target_participants: d.summary.target_participants,
                achievement_rate: d.summary.achievement_rate,
                views: d.summary.total_views,
                estimated_roi: d.summary.estimated_roi,
            })
            .collect(),
        best_channel,
    }
}
