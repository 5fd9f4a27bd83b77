use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("timestamp")
        .with_timezone(&Utc)
}

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| c.to_string()).collect()
}

fn cost(channels: &[(Channel, Option<&serde_json::Value>)], prize: i64) -> Cost {
    money::cost(
        channels,
        Some(&money::Prize {
            text: "경품",
            value: prize,
            winners: 1,
        }),
    )
}

#[test]
fn the_industry_row_is_found_in_the_owners_own_words() {
    let r = roi(&Cost::default(), &[], 0, " 동네 빵집 ");
    assert_eq!(r.industry.name, "베이커리");
    let r = roi(&Cost::default(), &[], 0, "카페");
    assert_eq!(
        (r.industry.conversion_rate_pct, r.industry.spend_per_visit),
        (35, 8_000)
    );
}

#[test]
fn roi_breakdown_shows_its_inputs() {
    // INSTAGRAM (free) + KAKAO (free) and a 500,000 won prize.
    let c = cost(
        &[(Channel::Instagram, None), (Channel::Kakao, None)],
        500_000,
    );
    let r = roi(&c, &codes(&["INSTAGRAM", "KAKAO"]), 40, "음식점");
    assert_eq!(r.prize_cost, 500_000);
    assert_eq!(
        r.channel_costs,
        vec![("INSTAGRAM".to_string(), 0), ("KAKAO".to_string(), 0)]
    );
    assert_eq!(r.investment, 500_000);
    // 40 entrants × 30 % × 25,000 won.
    assert_eq!(r.expected_customers, 12.0);
    assert_eq!(r.expected_revenue, 300_000);
    assert_eq!(r.roi_pct, Some(-40.0));
    assert_eq!(r.roi_vs_industry_pct, Some(-190.0));
}

#[test]
fn a_failed_channel_is_not_paid_for_and_roi_waits_for_an_entry() {
    let budget = serde_json::json!({"budget": 300_000});
    let c = cost(
        &[(Channel::Ginitv, Some(&budget)), (Channel::Ringobiz, None)],
        50_000,
    );
    assert_eq!(c.total, 380_000);
    let r = roi(&c, &codes(&["RINGOBIZ"]), 7, "카페");
    assert_eq!(r.investment, 30_000 + 50_000);
    // 7 × 35 % × 8,000 = 19,600.
    assert_eq!(r.expected_revenue, 19_600);
    assert_eq!(r.expected_customers, 2.5);
    assert_eq!(r.roi_pct, Some(-75.5));
    let none_yet = roi(&c, &codes(&["RINGOBIZ"]), 0, "카페");
    assert_eq!(
        (none_yet.roi_pct, none_yet.roi_vs_industry_pct),
        (None, None)
    );
}

#[test]
fn achievement_and_conversion_are_percentages_with_one_decimal() {
    assert_eq!(achievement_pct(3, 8), Some(37.5));
    assert_eq!(achievement_pct(120, 100), Some(120.0));
    assert_eq!(achievement_pct(5, 0), None);
    assert_eq!(conversion_pct(2, 300), Some(0.7));
    assert_eq!(conversion_pct(2, 0), None);
}

#[test]
fn entries_fall_into_korea_time_hours() {
    assert_eq!(
        kst_hour(at("2026-11-21T10:42:10Z")),
        "2026-11-21T19:00:00+09:00"
    );
    // 15:30 UTC is already the next day in Korea.
    assert_eq!(
        kst_hour(at("2026-11-21T15:30:00Z")),
        "2026-11-22T00:00:00+09:00"
    );
    assert_eq!(
        kst_hour(at("2026-11-21T14:59:59.999Z")),
        "2026-11-21T23:00:00+09:00"
    );
}

fn bucket(hour: &str, n: i64) -> HourCount {
    HourCount {
        hour_start: hour.to_string(),
        participants: n,
    }
}

#[test]
fn the_timeline_shows_hours_without_entries() {
    let buckets = [
        bucket("2026-11-21T22:00:00+09:00", 1),
        bucket("2026-11-21T19:00:00+09:00", 2),
    ];
    let line = timeline(&buckets, Some(at("2026-11-21T09:10:00Z")));
    let got: Vec<(&str, i64)> = line
        .iter()
        .map(|h| (h.hour_start.as_str(), h.participants))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-11-21T18:00:00+09:00", 0),
            ("2026-11-21T19:00:00+09:00", 2),
            ("2026-11-21T20:00:00+09:00", 0),
            ("2026-11-21T21:00:00+09:00", 0),
            ("2026-11-21T22:00:00+09:00", 1),
        ]
    );
    // A publish time after the first entry does not cut it off.
    assert_eq!(
        timeline(&buckets, Some(at("2026-11-21T12:00:00Z"))).len(),
        4
    );
    assert!(timeline(&[], Some(at("2026-11-21T12:00:00Z"))).is_empty());
}

#[test]
fn a_long_timeline_keeps_the_latest_hours() {
    let buckets = [
        bucket("2026-01-01T00:00:00+09:00", 5),
        bucket("2026-03-01T10:00:00+09:00", 1),
    ];
    let line = timeline(&buckets, None);
    assert_eq!(line.len(), MAX_TIMELINE_HOURS);
    assert_eq!(line.last().map(|h| h.participants), Some(1));
    assert_eq!(line.iter().map(|h| h.participants).sum::<i64>(), 1);
}

#[test]
fn channels_keep_the_display_order_and_unknown_entry_channels_are_direct() {
    assert_eq!(
        ordered_channels(["KAKAO", "URIDONGNETV", "KAKAO", "INSTAGRAM"]),
        codes(&["URIDONGNETV", "INSTAGRAM", "KAKAO"])
    );
    assert_eq!(entry_channel(Some("NAVER")), "NAVER");
    assert_eq!(entry_channel(Some("web")), DIRECT);
    assert_eq!(entry_channel(None), DIRECT);
}
