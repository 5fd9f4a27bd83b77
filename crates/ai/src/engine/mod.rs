//! The built-in trend engine: knowledge tables (industries, calendar,
//! regions, mechanics) combined by fixed rules into a trend analysis and
//! three plans. No randomness and no clock: the same request always gives
//! the same answer.

pub mod budget;
pub mod calendar;
pub mod plans;
pub mod region;

use chrono::{Datelike, Duration, NaiveDate};
use contracts::{
    ai::{CustomerCopy, Mechanics, PlanDuration, Recommendation, Trend, TrendAnalysis},
    industry::{self, Industry},
};

use crate::domain::{JobInput, Objective, COST_LEVELS};

use self::{calendar::Moment, region::Region};

/// What the engine reads out of a request.
#[derive(Debug)]
pub struct Facts {
    pub industry: &'static Industry,
    pub region: Region,
    /// Calendar moments around the start date, most relevant first.
    pub moments: Vec<(Moment, f64)>,
    pub season: (&'static str, &'static str),
}

impl Facts {
    pub fn of(input: &JobInput) -> Facts {
        let industry = industry::classify(&input.industry);
        Facts {
            industry,
            region: region::parse(&input.address),
            moments: calendar::moments_around(input.start_date, industry.name),
            season: calendar::season(input.start_date),
        }
    }

    /// The cache key of the part of the analysis that depends only on the
    /// industry and the region (the seasonal part is computed per date).
    pub fn trend_key(&self) -> String {
        format!("ai:trend:{}:{}", self.industry.name, self.region.label())
    }
}

fn trend(keyword: impl Into<String>, relevance: f64, description: impl Into<String>) -> Trend {
    Trend {
        keyword: keyword.into(),
        relevance,
        description: description.into(),
    }
}

/// Industry and regional trends (cacheable under [`Facts::trend_key`]).
pub fn base_trends(facts: &Facts) -> TrendAnalysis {
    let industry_trends = facts
        .industry
        .trends
        .iter()
        .map(|(k, r, d)| trend(format!("{} {k}", facts.industry.name), *r, *d))
        .collect();
    let (keyword, relevance, description) = facts.region.profile.trend();
    let mut regional_trends = vec![trend(
        format!("{} {keyword}", facts.region.label()),
        relevance,
        description,
    )];
    regional_trends.push(if facts.region.profile == region::Profile::Local {
        trend(
            "생활 밀착 채널",
            0.7,
            "지역 TV·전화 안내·동네 커뮤니티 입소문의 도달률이 높습니다",
        )
    } else {
        trend(
            "모바일 쿠폰·예약",
            0.66,
            "도시 고객은 카카오·네이버 예약과 모바일 쿠폰 사용이 익숙합니다",
        )
    });
    TrendAnalysis {
        industry_trends,
        regional_trends,
        seasonal_trends: Vec::new(),
    }
}

/// The season and up to three calendar moments around the start date.
pub fn seasonal_trends(facts: &Facts) -> Vec<Trend> {
    let mut out = vec![trend(facts.season.0, 0.6, facts.season.1)];
    for (m, relevance) in facts.moments.iter().take(3) {
        let when = format!("{}월 {}일", m.peak.month(), m.peak.day());
        out.push(trend(
            m.name,
            *relevance,
            format!("{when} — {}", m.description),
        ));
    }
    out
}

fn season_theme(season: &str) -> String {
    format!("{}맞이", season.trim_end_matches(" 시즌"))
}

fn won_text(amount: i64) -> String {
    if amount >= 10_000 {
        format!("{}만원", amount / 10_000)
    } else {
        format!("{}천원", (amount / 1_000).max(1))
    }
}

fn target_audience(objective: Objective, audience: &str, region: &str) -> String {
    match objective {
        Objective::NewCustomers => format!("아직 매장을 방문하지 않은 {region}의 {audience}"),
        Objective::Revisit => format!("한 번 이상 방문한 {audience} (단골 후보)"),
        Objective::SalesIncrease => {
            format!("이미 찾아오는 {audience} 중 객단가를 높일 수 있는 고객")
        }
        Objective::Awareness => format!("매장을 아직 모르는 {region}의 {audience}"),
    }
}

/// How long a plan runs: its mechanic's base length, unless a calendar
/// moment peaks within reach, in which case the event ends on that day
/// (loyalty mechanics keep their full length).
fn plan_days(start: NaiveDate, mechanic: &plans::Mechanic, moment: Option<&Moment>) -> u32 {
    let base = i64::from(mechanic.base_days);
    let to_peak = moment.map(|m| (m.peak - start).num_days() + 1);
    match to_peak {
        Some(days) if !mechanic.fixed_length && (7..=base + 7).contains(&days) => days as u32,
        _ => mechanic.base_days,
    }
}

/// The three plans (저비용, 중비용, 고비용) for a request.
pub fn recommend(input: &JobInput, facts: &Facts) -> Vec<Recommendation> {
    let industry = facts.industry;
    let top = facts.moments.first();
    let theme = match top {
        Some((m, _)) => format!("{} 맞이", m.name),
        None => season_theme(facts.season.0),
    };
    let when = match top {
        Some((m, _)) => format!(
            "{}({}월 {}일): {}.",
            m.name,
            m.peak.month(),
            m.peak.day(),
            m.description
        ),
        None => format!("{}: {}.", facts.season.0, facts.season.1),
    };
    let region = facts.region.label();
    let (area_keyword, ..) = facts.region.profile.trend();
    let audience = facts.region.profile.audience();
    let threshold = won_text(
        ((industry.spend_per_visit as f64 * 1.5 / 10_000.0).round() as i64).max(1) * 10_000,
    );
    let mechanics = plans::mechanics(input.objective);
    (0..3)
        .map(|tier| {
            let mechanic = &mechanics[tier];
            let (trend_keyword, _, trend_why) = fitting_trend(industry, tier, input.objective);
            let prize = match top {
                Some((m, _)) if m.gift && tier > 0 => {
                    format!("{} 기념 {}", m.name, industry.prizes[tier])
                }
                _ => industry.prizes[tier].to_string(),
            };
            let days = plan_days(input.start_date, mechanic, top.map(|(m, _)| m));
            let end = input.start_date + Duration::days(i64::from(days) - 1);
            let channels = plans::channels(tier, facts.region.profile, industry.name);
            let (prize_value, estimated_cost, expected_metrics) =
                budget::estimate(&budget::Inputs {
                    tier,
                    objective: input.objective,
                    industry,
                    profile: facts.region.profile,
                    mechanic,
                    channels: &channels,
                    prize: &prize,
                    moment_uplift: top.map(|(m, r)| m.uplift * r).unwrap_or(0.0),
                });
            let slots = plans::Slots {
                store: &input.store_name,
                product: industry.product,
                bundle: industry.bundle,
                threshold: &threshold,
                prize: &prize,
            };
            let customer_copy = customer_copy(
                &input.store_name,
                &theme,
                plans::fill(mechanic.pitch, &slots),
                hashtags(input, industry.name, top.map(|(m, _)| m.name), mechanic),
            );
            Recommendation {
                option_number: tier as u8 + 1,
                cost_level: COST_LEVELS[tier].to_string(),
                title: format!("{theme} {} {}", input.store_name, mechanic.title),
                description: format!(
                    "{region} {area_keyword}의 {audience}에게 맞춘 {} 이벤트입니다. {when} \
                     업종 트렌드 '{trend_keyword}': {trend_why}.",
                    input.objective.label()
                ),
                concept: format!("{} × {trend_keyword}", mechanic.concept),
                target_audience: target_audience(input.objective, audience, &region),
                duration: PlanDuration {
                    recommended_days: days,
                    start_date: input.start_date.format("%Y-%m-%d").to_string(),
                    end_date: end.format("%Y-%m-%d").to_string(),
                },
                mechanics: Mechanics {
                    kind: mechanic.kind.to_string(),
                    details: plans::fill(mechanic.details, &slots),
                },
                prize,
                prize_value,
                winners: budget::WINNERS[tier],
                promotion_channels: channels.iter().map(|c| c.to_string()).collect(),
                estimated_cost,
                expected_metrics,
                customer_copy,
            }
        })
        .collect()
}

/// Wording that speaks of first-time customers, which only fits the
/// 신규 고객 유치 objective.
fn speaks_of_newcomers(text: &str) -> bool {
    ["신규", "처음 오", "첫 방문"]
        .iter()
        .any(|w| text.contains(w))
}

/// The industry trend a plan cites: the tier's own, unless its reason talks
/// about newcomers on a plan that is not about them; then the next one that fits.
fn fitting_trend(
    industry: &Industry,
    tier: usize,
    objective: Objective,
) -> (&'static str, f64, &'static str) {
    let n = industry.trends.len();
    (0..n)
        .map(|i| industry.trends[(tier + i) % n])
        .find(|(_, _, why)| objective == Objective::NewCustomers || !speaks_of_newcomers(why))
        .unwrap_or(industry.trends[tier % n])
}

/// The text customers read in the posts: an invitation from the store and
/// what they do and get. The owner's reasoning (`description`) stays out.
fn customer_copy(store: &str, theme: &str, pitch: String, hashtags: Vec<String>) -> CustomerCopy {
    CustomerCopy {
        text: format!("{store}에서 {theme} 이벤트를 준비했어요! {pitch}"),
        hashtags,
    }
}

/// The store, its industry, the moment and the mechanic as hashtags (no
/// spaces, no repeats).
fn hashtags(
    input: &JobInput,
    industry: &str,
    moment: Option<&str>,
    mechanic: &plans::Mechanic,
) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for word in [
        Some(input.store_name.as_str()),
        Some(industry),
        moment,
        Some(mechanic.title),
        Some("이벤트"),
    ]
    .into_iter()
    .flatten()
    {
        let tag: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

#[cfg(test)]
mod tests;
