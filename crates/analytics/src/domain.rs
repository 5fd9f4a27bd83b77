//! Analytics rules, free of HTTP, SQL and the bus: ROI with its inputs,
//! achievement and conversion rates, and Korea-time hourly bucketing of
//! entries.
//!
//! The figures come from the shared homes in `contracts`, so the dashboard
//! agrees with what the owner saw before publishing and with the AI plans:
//!
//! * **Investment**: the event's cost as `EventPublished` carried it
//!   (`contracts::money::cost`: the channels with the owner's settings, the
//!   prize), without the channels whose distribution failed.
//! * **Industry** (`contracts::industry::classify`, matching the owner's own
//!   words): the share of entrants who become paying customers, the spend
//!   per visit, and the industry's average event ROI to compare with.
//! * **ROI** (`contracts::money`): `null` until the first entry.

use chrono::{DateTime, Duration, FixedOffset, Timelike, Utc};
use contracts::{
    channels::Channel,
    industry::{self, Industry},
    money::{self, Cost},
    schedule::korea,
};

/// Entry channel recorded for a customer who came without one.
pub const DIRECT: &str = "DIRECT";

/// The longest hourly timeline answered (31 days); older hours are left out.
pub const MAX_TIMELINE_HOURS: usize = 24 * 31;

/// `part / whole × 100`, rounded to one decimal; `None` when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round1(part as f64 * 100.0 / whole as f64))
}

/// Participants against the plan's target, in percent (`None` without a target).
pub fn achievement_pct(participants: i64, target: i64) -> Option<f64> {
    percent(participants, target)
}

/// Entries per view of a channel, in percent (`None` before any view is reported).
pub fn conversion_pct(participants: i64, views: i64) -> Option<f64> {
    percent(participants, views)
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Everything the ROI estimate is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct RoiBreakdown {
    /// The event's cost without the channels that were not paid for.
    pub cost: Cost,
    pub prize_cost: i64,
    /// Cost per channel counted, in channel order.
    pub channel_costs: Vec<(String, i64)>,
    pub channel_cost_total: i64,
    /// `cost.total`.
    pub investment: i64,
    pub participants: i64,
    pub industry: &'static Industry,
    /// participants × conversion rate (may be fractional).
    pub expected_customers: f64,
    /// participants × conversion rate × spend per visit, in won (floored).
    pub expected_revenue: i64,
    /// `None` until the first entry.
    pub roi_pct: Option<f64>,
    /// ROI minus the industry's average ROI, in percentage points.
    pub roi_vs_industry_pct: Option<f64>,
}

/// The ROI of an event whose cost is `cost` (every chosen channel), of
/// which the channels in `running` were paid for (the distributed ones).
pub fn roi(cost: &Cost, running: &[String], participants: i64, industry: &str) -> RoiBreakdown {
    let cost = cost.for_channels(running);
    let channel_costs: Vec<(String, i64)> = cost
        .items
        .iter()
        .filter(|i| i.kind != money::PRIZE_KIND)
        .map(|i| (i.kind.clone(), i.amount))
        .collect();
    let industry = industry::classify(industry);
    let participants = participants.max(0);
    let roi_pct = money::estimated_roi(participants, industry, cost.total);
    RoiBreakdown {
        prize_cost: cost.amount_of(money::PRIZE_KIND),
        channel_cost_total: channel_costs.iter().map(|(_, c)| c).sum(),
        channel_costs,
        investment: cost.total,
        participants,
        industry,
        expected_customers: round1(
            participants as f64 * industry.conversion_rate_pct as f64 / 100.0,
        ),
        expected_revenue: money::expected_revenue(participants, industry),
        roi_pct,
        roi_vs_industry_pct: roi_pct.map(|r| round1(r - industry.average_roi_pct)),
        cost,
    }
}

/// The start of the Korea-time hour holding `at`, e.g.
/// `2026-11-21T19:00:00+09:00` for `2026-11-21T10:42:10Z`. Sorting these
/// strings sorts the hours, since the offset never changes (no DST in Korea).
pub fn kst_hour(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&korea());
    let hour = local
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(local);
    hour.to_rfc3339()
}

/// Entries in one Korea-time hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourCount {
    /// As made by [`kst_hour`].
    pub hour_start: String,
    pub participants: i64,
}

/// The hourly timeline: every hour from the earlier of `since` (the
/// publish time) and the first entry up to the last entry, hours without
/// entries shown as 0, at most [`MAX_TIMELINE_HOURS`] (the latest ones).
/// Buckets that are not [`kst_hour`] strings are ignored.
pub fn timeline(buckets: &[HourCount], since: Option<DateTime<Utc>>) -> Vec<HourCount> {
    let mut known: Vec<(DateTime<FixedOffset>, i64)> = buckets
        .iter()
        .filter_map(|b| {
            DateTime::parse_from_rfc3339(&b.hour_start)
                .ok()
                .map(|h| (h, b.participants))
        })
        .collect();
    known.sort_by_key(|(h, _)| *h);
    let (Some(first), Some(last)) = (known.first().map(|k| k.0), known.last().map(|k| k.0)) else {
        return Vec::new();
    };
    let since = since
        .and_then(|s| DateTime::parse_from_rfc3339(&kst_hour(s)).ok())
        .filter(|s| *s < first)
        .unwrap_or(first);
    let hours = ((last - since).num_hours().max(0) as usize + 1).min(MAX_TIMELINE_HOURS);
    let start = last - Duration::hours(hours as i64 - 1);
    let mut out = Vec::with_capacity(hours);
    let mut next = known.iter().peekable();
    for i in 0..hours {
        let hour = start + Duration::hours(i as i64);
        let mut count = 0;
        while let Some((h, n)) = next.peek() {
            if *h > hour {
                break;
            }
            if *h == hour {
                count += n;
            }
            next.next();
        }
        out.push(HourCount {
            hour_start: hour.to_rfc3339(),
            participants: count,
        });
    }
    out
}

/// The channels in their fixed display order (the order of [`Channel::ALL`]),
/// then any other code alphabetically, without repeats.
pub fn ordered_channels<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut codes: Vec<&str> = codes.into_iter().collect();
    codes.sort_by_key(|c| {
        (
            Channel::parse(c).map_or(usize::MAX, |ch| {
                Channel::ALL.iter().position(|x| *x == ch).unwrap_or(0)
            }),
            c.to_string(),
        )
    });
    codes.dedup();
    codes.into_iter().map(str::to_string).collect()
}

/// The entry channel to count a customer under: one of the six codes, or
/// [`DIRECT`] for none or anything else.
pub fn entry_channel(channel: Option<&str>) -> &'static str {
    channel
        .and_then(|c| Channel::parse(c.trim()))
        .map_or(DIRECT, Channel::code)
}

#[cfg(test)]
mod tests;
