use chrono::{DateTime, Utc};

use super::*;
use crate::{
    overview::owner_dashboard,
    store::{ChannelEntries, EventInfo, Reach, Totals},
};
use contracts::status::EventStatus;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("timestamp")
        .with_timezone(&Utc)
}

fn entries(channel: &str, participants: i64, visitors: i64, consents: i64) -> ChannelEntries {
    ChannelEntries {
        channel: channel.into(),
        participants,
        store_visitors: visitors,
        marketing_consents: consents,
        redemptions: 0,
        claims: 0,
    }
}

fn reach(
    channel: &str,
    status: Option<&str>,
    expected: i64,
    views: i64,
    clicks: i64,
    calls: i64,
) -> Reach {
    Reach {
        channel: channel.into(),
        status: status.map(String::from),
        expected_views: expected,
        views,
        clicks,
        calls,
        stats_at: (views > 0).then(|| at("2026-11-21T12:00:00Z")),
    }
}

/// INSTAGRAM (free), RINGOBIZ 30,000, GINITV with a 300,000 budget, and
/// the prize 아메리카노 4,000 × 5 = 20,000: 350,000 in all.
fn cost_json() -> String {
    use contracts::{channels::Channel, money};
    let budget = serde_json::json!({"region": "서울", "budget": 300_000});
    let cost = money::cost(
        &[
            (Channel::Instagram, None),
            (Channel::Ringobiz, None),
            (Channel::Ginitv, Some(&budget)),
        ],
        Some(&money::Prize {
            text: "아메리카노",
            value: 4_000,
            winners: 5,
        }),
    );
    assert_eq!(cost.total, 350_000);
    serde_json::to_string(&cost).expect("json")
}

fn snapshot() -> Snapshot {
    Snapshot {
        info: EventInfo {
            event_id: "evt-1".into(),
            owner_id: 7,
            title: "겨울 커피 이벤트".into(),
            store_name: "맛있는집".into(),
            industry: "카페".into(),
            objective: "신규 고객 유치".into(),
            prize: "아메리카노".into(),
            start_date: "2026-11-21".into(),
            end_date: "2026-11-30".into(),
            channels: r#"["INSTAGRAM","RINGOBIZ","GINITV"]"#.into(),
            target_participants: 8,
            estimated_cost: 350_000,
            published_at: at("2026-11-21T09:30:00Z"),
            cost: cost_json(),
        },
        totals: Totals {
            participants: 4,
            store_visitors: 3,
            marketing_consents: 1,
            ended_at: None,
            version: 9,
            redemptions: 0,
            notices_sent: 0,
            notices_delivered: 0,
            notices_failed: 0,
            claims: 0,
        },
        entries: vec![
            entries("DIRECT", 1, 1, 0),
            entries("INSTAGRAM", 2, 1, 1),
            entries("RINGOBIZ", 1, 1, 0),
        ],
        hours: vec![
            HourCount {
                hour_start: "2026-11-21T18:00:00+09:00".into(),
                participants: 3,
            },
            HourCount {
                hour_start: "2026-11-21T20:00:00+09:00".into(),
                participants: 1,
            },
        ],
        reach: vec![
            reach("GINITV", Some("FAILED"), 0, 0, 0, 0),
            reach("INSTAGRAM", Some("SUCCESS"), 1_000, 400, 40, 0),
            reach("RINGOBIZ", Some("SUCCESS"), 300, 50, 0, 6),
        ],
    }
}

#[test]
fn the_summary_and_roi_add_up_from_the_inputs() {
    let d = event_dashboard(&snapshot());
    assert_eq!(d.status, EventStatus::Active);
    assert_eq!(d.summary.total_participants, 4);
    assert_eq!(d.summary.achievement_rate, Some(50.0));
    assert_eq!(d.summary.total_views, 450);
    assert_eq!(d.summary.total_expected_views, 1_300);
    // The cost the owner saw (350,000) without GINITV, which failed and is
    // not paid for: RINGOBIZ 30,000 + INSTAGRAM 0 + the prize 20,000.
    assert_eq!(d.roi.investment.prize, 20_000);
    assert_eq!(d.roi.investment.channel_total, 30_000);
    assert_eq!(d.roi.investment.total, 50_000);
    assert_eq!(
        d.roi.investment.items.iter().map(|i| i.amount).sum::<i64>(),
        50_000
    );
    // 4 entrants × 35 % × 8,000 won.
    assert_eq!(d.roi.revenue.expected_revenue, 11_200);
    assert_eq!(d.summary.expected_sales_increase, 11_200);
    assert_eq!(d.summary.estimated_roi, Some(-77.6));
    assert_eq!(d.summary.industry_average_roi, 120.0);
    assert_eq!(d.summary.roi_vs_industry, Some(-197.6));
    assert!(d.roi.formula.starts_with("ROI = (예상 매출"));
}

#[test]
fn roi_waits_for_the_first_entry() {
    let mut s = snapshot();
    s.totals.participants = 0;
    s.entries.clear();
    let d = event_dashboard(&s);
    assert_eq!((d.summary.estimated_roi, d.roi.roi), (None, None));
    assert_eq!(d.summary.roi_vs_industry, None);
    assert_eq!(d.roi.investment.total, 50_000);
    assert_eq!(owner_dashboard(7, &[d]).totals.roi, None);
}

/// channel, views, participants, calls, conversion, cost.
type ChannelRow<'a> = (&'a str, i64, i64, Option<i64>, Option<f64>, i64);

#[test]
fn channels_show_views_entries_conversion_cost_and_calls_for_ringobiz() {
    let d = event_dashboard(&snapshot());
    let rows: Vec<ChannelRow> = d
        .channel_performance
        .iter()
        .map(|c| {
            (
                c.channel.as_str(),
                c.views,
                c.participants,
                c.calls,
                c.conversion_rate,
                c.cost,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("RINGOBIZ", 50, 1, Some(6), Some(2.0), 30_000),
            ("GINITV", 0, 0, None, None, 0),
            ("INSTAGRAM", 400, 2, None, Some(0.5), 0),
        ]
    );
    assert_eq!(d.channel_performance[0].channel_name, "링고비즈");
    assert_eq!(
        d.channel_performance[1].distribution_status.as_deref(),
        Some("FAILED")
    );
}

#[test]
fn the_profile_and_timeline_count_every_entry() {
    let d = event_dashboard(&snapshot());
    let p = &d.participant_profile;
    assert_eq!((p.store_visitors, p.store_visit_rate), (3, Some(75.0)));
    assert_eq!(
        (p.marketing_consents, p.marketing_consent_rate),
        (1, Some(25.0))
    );
    let by: Vec<(&str, i64, Option<f64>)> = p
        .by_channel
        .iter()
        .map(|c| (c.channel.as_str(), c.participants, c.share))
        .collect();
    assert_eq!(
        by,
        vec![
            ("RINGOBIZ", 1, Some(25.0)),
            ("INSTAGRAM", 2, Some(50.0)),
            ("DIRECT", 1, Some(25.0))
        ]
    );
    let line: Vec<i64> = d.timeline.iter().map(|t| t.participants).collect();
    assert_eq!(line, vec![3, 0, 1]);
    assert_eq!(d.timeline[0].hour, "2026-11-21T18:00:00+09:00");
}

#[test]
fn before_the_distribution_reports_the_planned_channels_are_counted() {
    let mut s = snapshot();
    s.reach.clear();
    s.totals.ended_at = Some(at("2026-11-30T15:00:00Z"));
    let d = event_dashboard(&s);
    assert_eq!(d.status, EventStatus::Ended);
    assert_eq!(d.roi.investment.channel_total, 330_000);
    assert_eq!(d.roi.investment.total, 350_000);
    assert_eq!(d.summary.total_views, 0);
}

#[test]
fn the_owner_overview_sums_events_and_names_the_best_channel() {
    let first = event_dashboard(&snapshot());
    let mut s = snapshot();
    s.info.event_id = "evt-2".into();
    s.totals.participants = 10;
    s.entries = vec![entries("RINGOBIZ", 10, 0, 0)];
    s.totals.ended_at = Some(at("2026-11-30T15:00:00Z"));
    let second = event_dashboard(&s);
    let o = owner_dashboard(7, &[second.clone(), first.clone()]);
    assert_eq!(o.totals.events, 2);
    assert_eq!(o.totals.active_events, 1);
    assert_eq!(o.totals.participants, 14);
    assert_eq!(o.totals.views, 900);
    assert_eq!(o.totals.investment, 100_000);
    assert_eq!(o.totals.expected_revenue, 11_200 + 28_000);
    assert_eq!(o.totals.roi, Some(-60.8));
    assert_eq!(o.events[0].event_id, "evt-2");
    let best = o.best_channel.expect("best channel");
    assert_eq!(
        (best.channel.as_str(), best.participants, best.views),
        ("RINGOBIZ", 11, 100)
    );
    assert_eq!(owner_dashboard(7, &[]).best_channel, None);
}

#[test]
fn measured_roi_waits_for_a_redemption_then_counts_visits_by_channel() {
    let d = event_dashboard(&snapshot());
    assert_eq!(
        (d.measured.store_visits, d.measured.roi),
        (0, None),
        "집계 중 until a coupon is used"
    );
    let mut s = snapshot();
    s.totals.redemptions = 2;
    s.totals.notices_sent = 3;
    s.totals.notices_delivered = 2;
    s.totals.notices_failed = 1;
    s.entries[1].redemptions = 2;
    s.entries[1].claims = 3;
    s.totals.claims = 3;
    let d = event_dashboard(&s);
    let m = &d.measured;
    assert_eq!(
        (m.notices_sent, m.notices_delivered, m.notices_failed),
        (3, 2, 1)
    );
    assert_eq!(m.revenue, 2 * m.spend_per_visit);
    assert_eq!(m.investment, d.roi.investment.total);
    assert_eq!(m.roi, contracts::money::roi_pct(m.revenue, m.investment));
    assert_eq!(m.claims, 3);
    assert_eq!(
        m.visits_by_channel,
        vec![ChannelVisits {
            channel: "INSTAGRAM".into(),
            claims: 3,
            store_visits: 2
        }]
    );
    assert!(m.formula.contains("쿠폰 사용 방문 수"));
}
