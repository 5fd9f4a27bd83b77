//! The dashboards as answered and cached: built from a [`Snapshot`] by pure
//! functions, so every figure is unit-tested without a server or a database.

use contracts::{channels::Channel, money, status::EventStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    domain::{self, HourCount, DIRECT},
    store::Snapshot,
};

/// `GET /api/analytics/events/{eventId}/dashboard` (UFR-ANAL-010).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventDashboard {
    pub event_id: String,
    pub owner_id: i64,
    pub title: String,
    pub store_name: String,
    pub industry: String,
    /// `ACTIVE`, or `ENDED` once `EventEnded` arrived.
    #[schema(value_type = String, example = "ACTIVE")]
    pub status: EventStatus,
    /// RFC 3339.
    pub published_at: String,
    pub ended_at: Option<String>,
    pub summary: Summary,
    pub channel_performance: Vec<ChannelPerformance>,
    /// Entries per Korea-time hour, hours without entries included.
    pub timeline: Vec<TimelinePoint>,
    pub participant_profile: ParticipantProfile,
    pub roi: RoiView,
    /// What was measured after the draw, beside the estimates.
    pub measured: MeasuredView,
}

/// After the draw, measured rather than estimated: notices, coupons redeemed
/// at the counter (real store visits), and ROI from those visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeasuredView {
    pub notices_sent: i64,
    pub notices_delivered: i64,
    pub notices_failed: i64,
    /// Winners who opened their claim page.
    pub claims: i64,
    /// Coupons redeemed: winners who came to the store.
    pub store_visits: i64,
    /// Claims and store visits per entry channel.
    pub visits_by_channel: Vec<ChannelVisits>,
    pub spend_per_visit: i64,
    /// Store visits × spend per visit, in won.
    pub revenue: i64,
    pub investment: i64,
    /// `null` (집계 중) until a coupon is redeemed.
    pub roi: Option<f64>,
    /// The formula in the owner's words.
    pub formula: String,
}

/// Store visits of one entry channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelVisits {
    pub channel: String,
    pub claims: i64,
    pub store_visits: i64,
}

/// The headline figures. Rates are percentages with one decimal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub total_participants: i64,
    pub target_participants: i64,
    /// Participants / target × 100; `null` without a target.
    pub achievement_rate: Option<f64>,
    /// Views reported by the channels' stats APIs.
    pub total_views: i64,
    /// Views the channels expected at distribution.
    pub total_expected_views: i64,
    /// `null` (집계 중) until the first entry.
    pub estimated_roi: Option<f64>,
    pub industry_average_roi: f64,
    /// Estimated ROI minus the industry average, in percentage points.
    pub roi_vs_industry: Option<f64>,
    /// Expected sales growth: the revenue the entries are expected to bring, in won.
    pub expected_sales_increase: i64,
}

/// One channel's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPerformance {
    pub channel: String,
    pub channel_name: String,
    /// `SUCCESS` / `FAILED` from the distribution; `null` before it reported.
    pub distribution_status: Option<String>,
    pub expected_views: i64,
    pub views: i64,
    pub clicks: i64,
    /// Calls received: 링고비즈 (`RINGOBIZ`) only, `null` elsewhere.
    pub calls: Option<i64>,
    pub participants: i64,
    /// Participants / views × 100; `null` before any view is reported.
    pub conversion_rate: Option<f64>,
    /// Table cost counted in the investment, in won (0 when not paid for).
    pub cost: i64,
    pub stats_collected_at: Option<String>,
}

/// Entries in one hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePoint {
    /// Start of the hour, Korea time, e.g. `2026-11-21T19:00:00+09:00`.
    pub hour: String,
    pub participants: i64,
}

/// Who entered (counts only; no personal data reaches analytics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantProfile {
    pub total_participants: i64,
    pub store_visitors: i64,
    pub store_visit_rate: Option<f64>,
    pub marketing_consents: i64,
    pub marketing_consent_rate: Option<f64>,
    /// By entry channel; `DIRECT` for entries without one.
    pub by_channel: Vec<ChannelProfile>,
}

/// Entries through one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelProfile {
    pub channel: String,
    pub participants: i64,
    /// Share of all entries, percent.
    pub share: Option<f64>,
    pub store_visitors: i64,
    pub marketing_consents: i64,
}

/// ROI with every input shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoiView {
    /// The formula in the owner's words (`contracts::money::ROI_FORMULA`).
    pub formula: String,
    pub investment: Investment,
    pub revenue: Revenue,
    /// `null` (집계 중) until the first entry.
    pub roi: Option<f64>,
    pub industry_average_roi: f64,
    pub roi_vs_industry: Option<f64>,
}

/// Investment = the event's cost (`contracts::money::cost`, the figure the
/// owner saw before publishing) without the channels that failed, in won.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Investment {
    pub prize: i64,
    pub channels: Vec<ChannelCost>,
    pub channel_total: i64,
    pub total: i64,
    /// Every part with its Korean label: `{kind, label, amount}`.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<money::CostItem>,
}

/// A channel's table cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelCost {
    pub channel: String,
    pub cost: i64,
}

/// Expected revenue = participants × conversion rate × spend per visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Revenue {
    pub participants: i64,
    /// The industry row used (`기타` for industries outside the table).
    pub industry_profile: String,
    /// Percent of entrants expected to become paying customers.
    pub conversion_rate: i64,
    pub spend_per_visit: i64,
    pub expected_customers: f64,
    pub expected_revenue: i64,
}

/// The channels paid for: those the distribution published (`SUCCESS`),
/// or the planned ones while the distribution has not reported.
fn running_channels(snapshot: &Snapshot, planned: &[String]) -> Vec<String> {
    if snapshot.reach.iter().any(|r| r.status.is_some()) {
        let ok = snapshot
            .reach
            .iter()
            .filter(|r| r.status.as_deref() == Some("SUCCESS"))
            .map(|r| r.channel.as_str());
        domain::ordered_channels(ok)
    } else {
        domain::ordered_channels(planned.iter().map(String::as_str))
    }
}

/// The event's dashboard.
pub fn event_dashboard(s: &Snapshot) -> EventDashboard {
    let planned = s.info.channel_list();
    let running = running_channels(s, &planned);
    let t = &s.totals;
    let roi = domain::roi(&s.info.cost(), &running, t.participants, &s.info.industry);
    let entries_of = |channel: &str| s.entries.iter().find(|e| e.channel == channel);
    let codes = planned
        .iter()
        .map(String::as_str)
        .chain(s.reach.iter().map(|r| r.channel.as_str()))
        .chain(s.entries.iter().map(|e| e.channel.as_str()))
        .filter(|c| *c != DIRECT);
    let channel_performance: Vec<ChannelPerformance> = domain::ordered_channels(codes)
        .into_iter()
        .map(|channel| {
            let reach = s.reach.iter().find(|r| r.channel == channel);
            let participants = entries_of(&channel).map_or(0, |e| e.participants);
            let views = reach.map_or(0, |r| r.views);
            ChannelPerformance {
                channel_name: Channel::parse(&channel)
                    .map_or_else(|| channel.clone(), |c| c.display_name().to_string()),
                distribution_status: reach.and_then(|r| r.status.clone()),
                expected_views: reach.map_or(0, |r| r.expected_views),
                views,
                clicks: reach.map_or(0, |r| r.clicks),
                calls: (channel == Channel::Ringobiz.code()).then(|| reach.map_or(0, |r| r.calls)),
                participants,
                conversion_rate: domain::conversion_pct(participants, views),
                cost: roi
                    .channel_costs
                    .iter()
                    .find(|(c, _)| *c == channel)
                    .map_or(0, |(_, cost)| *cost),
                stats_collected_at: reach
                    .and_then(|r| r.stats_at)
                    .map(contracts::messages::rfc3339),
                channel,
            }
        })
        .collect();
    let total_views = s.reach.iter().map(|r| r.views).sum();
    let total_expected_views = s.reach.iter().map(|r| r.expected_views).sum();
    let mut by_channel: Vec<ChannelProfile> =
        domain::ordered_channels(s.entries.iter().map(|e| e.channel.as_str()))
            .into_iter()
            .filter_map(|channel| entries_of(&channel))
            .map(|e| ChannelProfile {
                channel: e.channel.clone(),
                participants: e.participants,
                share: domain::percent(e.participants, t.participants),
                store_visitors: e.store_visitors,
                marketing_consents: e.marketing_consents,
            })
            .collect();
    by_channel.retain(|c| c.participants > 0);
    let timeline = domain::timeline(&s.hours, Some(s.info.published_at))
        .into_iter()
        .map(
            |HourCount {
                 hour_start,
                 participants,
             }| TimelinePoint {
                hour: hour_start,
                participants,
            },
        )
        .collect();
    let average = roi.industry.average_roi_pct;
    let measured_revenue = t.redemptions.saturating_mul(roi.industry.spend_per_visit);
    let measured = MeasuredView {
        notices_sent: t.notices_sent,
        notices_delivered: t.notices_delivered,
        notices_failed: t.notices_failed,
        claims: t.claims,
        store_visits: t.redemptions,
        visits_by_channel: s
            .entries
            .iter()
            .filter(|e| e.redemptions > 0 || e.claims > 0)
            .map(|e| ChannelVisits {
                channel: e.channel.clone(),
                claims: e.claims,
                store_visits: e.redemptions,
            })
            .collect(),
        spend_per_visit: roi.industry.spend_per_visit,
        revenue: measured_revenue,
        investment: roi.investment,
        roi: (t.redemptions > 0)
            .then(|| money::roi_pct(measured_revenue, roi.investment))
            .flatten(),
        formula: money::MEASURED_ROI_FORMULA.to_string(),
    };
    EventDashboard {
        measured,
        event_id: s.info.event_id.clone(),
        owner_id: s.info.owner_id,
        title: s.info.title.clone(),
        store_name: s.info.store_name.clone(),
        industry: s.info.industry.clone(),
        status: if t.ended_at.is_some() {
            EventStatus::Ended
        } else {
            EventStatus::Active
        },
        published_at: contracts::messages::rfc3339(s.info.published_at),
        ended_at: t.ended_at.map(contracts::messages::rfc3339),
        summary: Summary {
            total_participants: t.participants,
            target_participants: s.info.target_participants,
            achievement_rate: domain::achievement_pct(t.participants, s.info.target_participants),
            total_views,
            total_expected_views,
            estimated_roi: roi.roi_pct,
            industry_average_roi: average,
            roi_vs_industry: roi.roi_vs_industry_pct,
            expected_sales_increase: roi.expected_revenue,
        },
        channel_performance,
        timeline,
        participant_profile: ParticipantProfile {
            total_participants: t.participants,
            store_visitors: t.store_visitors,
            store_visit_rate: domain::percent(t.store_visitors, t.participants),
            marketing_consents: t.marketing_consents,
            marketing_consent_rate: domain::percent(t.marketing_consents, t.participants),
            by_channel,
        },
        roi: RoiView {
            formula: money::ROI_FORMULA.to_string(),
            investment: Investment {
                prize: roi.prize_cost,
                items: roi.cost.items.clone(),
                channels: roi
                    .channel_costs
                    .iter()
                    .map(|(channel, cost)| ChannelCost {
                        channel: channel.clone(),
                        cost: *cost,
                    })
                    .collect(),
                channel_total: roi.channel_cost_total,
                total: roi.investment,
            },
            revenue: Revenue {
                participants: roi.participants,
                industry_profile: roi.industry.name.to_string(),
                conversion_rate: roi.industry.conversion_rate_pct,
                spend_per_visit: roi.industry.spend_per_visit,
                expected_customers: roi.expected_customers,
                expected_revenue: roi.expected_revenue,
            },
            roi: roi.roi_pct,
            industry_average_roi: average,
            roi_vs_industry: roi.roi_vs_industry_pct,
        },
    }
}

#[cfg(test)]
mod tests;
