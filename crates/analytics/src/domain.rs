//! Analytics rules, free of HTTP, SQL and the bus: the cost and industry
//! tables, ROI, achievement and conversion rates, and Korea-time hourly
//! bucketing of entries.
//!
//! The tables are estimates a small business owner can check, stated here
//! once and shown with every ROI answer as its inputs:
//!
//! * **Channel cost** (won, one event run): what a campaign of one event on
//!   the channel typically costs a 소상공인 through KT's products — a local-TV
//!   slot (우리동네TV 300,000), an IPTV ad (지니TV 500,000), a ringback
//!   message month (링고비즈 50,000), a boosted Instagram post (50,000), a
//!   Naver blog placement (30,000), a Kakao channel message send (40,000).
//! * **Content cost**: [`CONTENT_COST`] won per event for the image set and
//!   its edits (the price of the equivalent design work).
//! * **Prize cost**: the plan's `estimatedCost` covers prize + content +
//!   channels, so the prize is what remains of it after the content and the
//!   planned channels' table costs (never below 0).
//! * **Industry profile** ([`industry_profile`]): the share of entrants who
//!   become paying customers, the typical spend per visit, and the
//!   industry's average event ROI to compare with.

use chrono::{DateTime, Duration, FixedOffset, Timelike, Utc};
use contracts::channels::Channel;

/// Content production cost per event, in won (see the module docs).
pub const CONTENT_COST: i64 = 50_000;

/// Entry channel recorded for a customer who came without one.
pub const DIRECT: &str = "DIRECT";

/// The longest hourly timeline answered (31 days); older hours are left out.
pub const MAX_TIMELINE_HOURS: usize = 24 * 31;

/// Table cost of running one event on `channel`, in won; 0 for a code that
/// is not one of the six (it cannot have been bought).
pub fn channel_cost(channel: &str) -> i64 {
    match Channel::parse(channel) {
        Some(Channel::Uridongnetv) => 300_000,
        Some(Channel::Ringobiz) => 50_000,
        Some(Channel::Ginitv) => 500_000,
        Some(Channel::Instagram) => 50_000,
        Some(Channel::Naver) => 30_000,
        Some(Channel::Kakao) => 40_000,
        None => 0,
    }
}

/// What entries are worth in one industry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndustryProfile {
    /// The table row used: one of the seven industries or `기타` (default).
    pub industry: &'static str,
    /// Percent of entrants expected to become paying customers.
    pub conversion_rate_pct: i64,
    /// Typical spend of one customer visit, in won.
    pub spend_per_visit: i64,
    /// The industry's average event ROI, in percent.
    pub average_roi_pct: f64,
}

const fn profile(
    industry: &'static str,
    conversion_rate_pct: i64,
    spend_per_visit: i64,
    average_roi_pct: f64,
) -> IndustryProfile {
    IndustryProfile {
        industry,
        conversion_rate_pct,
        spend_per_visit,
        average_roi_pct,
    }
}

const INDUSTRIES: [IndustryProfile; 7] = [
    profile("음식점", 30, 25_000, 150.0),
    profile("카페", 35, 8_000, 120.0),
    profile("베이커리", 30, 12_000, 130.0),
    profile("미용실", 20, 40_000, 180.0),
    profile("소매점", 20, 30_000, 110.0),
    profile("학원", 5, 200_000, 200.0),
    profile("헬스장", 8, 100_000, 160.0),
];

const DEFAULT_INDUSTRY: IndustryProfile = profile("기타", 20, 20_000, 120.0);

/// The profile of `industry` as the owner typed it (surrounding spaces
/// ignored); any other industry gets the `기타` row.
pub fn industry_profile(industry: &str) -> IndustryProfile {
    let industry = industry.trim();
    INDUSTRIES
        .into_iter()
        .find(|p| p.industry == industry)
        .unwrap_or(DEFAULT_INDUSTRY)
}

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

/// ROI = (revenue − investment) / investment × 100, one decimal; `None`
/// when nothing was invested (no ratio to speak of).
pub fn roi_pct(revenue: i64, investment: i64) -> Option<f64> {
    percent(revenue - investment, investment)
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Everything the ROI estimate is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct RoiBreakdown {
    pub prize_cost: i64,
    pub content_cost: i64,
    /// Table cost per channel counted, in channel order.
    pub channel_costs: Vec<(String, i64)>,
    pub channel_cost_total: i64,
    /// prize + content + channels.
    pub investment: i64,
    pub participants: i64,
    pub industry: IndustryProfile,
    /// participants × conversion rate (may be fractional).
    pub expected_customers: f64,
    /// participants × conversion rate × spend per visit, in won (floored).
    pub expected_revenue: i64,
    pub roi_pct: Option<f64>,
    /// ROI minus the industry's average ROI, in percentage points.
    pub roi_vs_industry_pct: Option<f64>,
}

/// The ROI of an event. `planned` are the channels the plan's
/// `estimated_cost` was made for; `running` those actually paid for (the
/// distributed ones), whose table costs make up the channel investment.
pub fn roi(
    estimated_cost: i64,
    planned: &[String],
    running: &[String],
    participants: i64,
    industry: &str,
) -> RoiBreakdown {
    let planned_channels: i64 = planned.iter().map(|c| channel_cost(c)).sum();
    let prize_cost = (estimated_cost - CONTENT_COST - planned_channels).max(0);
    let channel_costs: Vec<(String, i64)> = running
        .iter()
        .map(|c| (c.clone(), channel_cost(c)))
        .collect();
    let channel_cost_total = channel_costs.iter().map(|(_, cost)| cost).sum::<i64>();
    let investment = prize_cost + CONTENT_COST + channel_cost_total;
    let industry = industry_profile(industry);
    let participants = participants.max(0);
    // Integer won: the rate is a whole percent, so only the last division floors.
    let expected_revenue =
        participants * industry.conversion_rate_pct * industry.spend_per_visit / 100;
    let roi_pct = roi_pct(expected_revenue, investment);
    RoiBreakdown {
        prize_cost,
        content_cost: CONTENT_COST,
        channel_costs,
        channel_cost_total,
        investment,
        participants,
        industry,
        expected_customers: round1(
            participants as f64 * industry.conversion_rate_pct as f64 / 100.0,
        ),
        expected_revenue,
        roi_pct,
        roi_vs_industry_pct: roi_pct.map(|r| round1(r - industry.average_roi_pct)),
    }
}

fn korea() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
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
#[path = "domain_tests.rs"]
mod tests;
