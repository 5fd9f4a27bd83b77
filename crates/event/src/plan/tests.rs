use contracts::ai::{
    CostItem, EstimatedCost, ExpectedMetrics, Mechanics, PlanDuration, Recommendation,
};

use super::*;

fn option(n: u8) -> Recommendation {
    Recommendation {
        option_number: n,
        cost_level: ["저비용", "중비용", "고비용"][usize::from(n - 1)].into(),
        title: format!("플랜 {n}"),
        description: "설명".into(),
        concept: "콘셉트".into(),
        target_audience: "직장인".into(),
        duration: PlanDuration {
            recommended_days: 14,
            start_date: "2026-12-01".into(),
            end_date: "2026-12-14".into(),
        },
        mechanics: Mechanics {
            kind: "DISCOUNT".into(),
            details: "첫 방문 10% 할인".into(),
        },
        prize: "아메리카노 1잔".into(),
        prize_value: 4_000,
        winners: 5,
        promotion_channels: vec!["INSTAGRAM".into()],
        estimated_cost: EstimatedCost {
            min: 100_000,
            max: 200_000,
            breakdown: vec![CostItem {
                item: "경품".into(),
                amount: 150_000,
            }],
        },
        expected_metrics: ExpectedMetrics {
            new_customers: 40,
            revenue_increase: 12.0,
            roi: 150.0,
        },
        customer_copy: contracts::ai::CustomerCopy {
            text: "맛있는 집에서 겨울맞이 이벤트를 준비했어요!".into(),
            hashtags: vec!["맛있는집".into(), "음식점".into()],
        },
    }
}

fn options() -> Vec<Recommendation> {
    (1..=3).map(option).collect()
}

fn choice(n: i64) -> RecommendationChoice {
    RecommendationChoice::parse(Some(n), None, None, None, None).expect("valid")
}

#[test]
fn option_numbers_are_one_to_three() {
    for bad in [None, Some(0), Some(4), Some(-1)] {
        assert_eq!(
            RecommendationChoice::parse(bad, None, None, None, None),
            Err(ChoiceError::OptionNumber)
        );
    }
    assert_eq!(choice(2).apply(&options()).expect("plan").title, "플랜 2");
}

#[test]
fn adjustments_replace_title_prize_and_dates() {
    let chosen = RecommendationChoice::parse(
        Some(1),
        Some("  연말 감사 이벤트 ".into()),
        Some("케이크 교환권".into()),
        Some("2026-12-20".into()),
        Some("2026-12-31".into()),
    )
    .expect("valid")
    .apply(&options())
    .expect("plan");
    assert_eq!(chosen.title, "연말 감사 이벤트");
    assert_eq!(chosen.prize, "케이크 교환권");
    assert_eq!(chosen.duration.start_date, "2026-12-20");
    assert_eq!(chosen.duration.end_date, "2026-12-31");
    assert_eq!(chosen.duration.recommended_days, 12);
}

#[test]
fn moving_only_the_start_keeps_the_plans_length() {
    let chosen = RecommendationChoice::parse(Some(3), None, None, Some("2027-01-10".into()), None)
        .expect("valid")
        .apply(&options())
        .expect("plan");
    assert_eq!(chosen.duration.end_date, "2027-01-23");
    assert_eq!(chosen.duration.recommended_days, 14);
}

#[test]
fn bad_dates_and_texts_are_refused() {
    let parse = |title: Option<&str>, start: Option<&str>, end: Option<&str>| {
        RecommendationChoice::parse(
            Some(1),
            title.map(String::from),
            None,
            start.map(String::from),
            end.map(String::from),
        )
        .and_then(|c| c.apply(&options()))
    };
    assert!(parse(Some("   "), None, None).is_err());
    assert!(parse(Some(&"가".repeat(61)), None, None).is_err());
    assert!(parse(None, Some("2026/12/01"), None).is_err());
    assert!(parse(None, Some("2026-02-30"), None).is_err());
    assert!(parse(None, Some("2026-12-10"), Some("2026-12-09")).is_err());
    assert!(parse(None, Some("2026-01-01"), Some("2026-04-01")).is_err());
    assert!(parse(None, Some("2026-12-10"), Some("2026-12-10")).is_ok());
}

#[test]
fn content_edits_need_an_image_and_bounded_texts() {
    assert!(ContentEdit::parse(None, None, None, None).is_err());
    assert!(ContentEdit::parse(Some(" ".into()), None, None, None).is_err());
    assert!(ContentEdit::parse(Some("img".into()), None, None, Some("x".repeat(2201))).is_err());
    let edit = ContentEdit::parse(Some("img".into()), Some(" 새 제목 ".into()), None, None)
        .expect("valid");
    assert_eq!(edit.title.as_deref(), Some("새 제목"));
}

#[test]
fn printed_words_follow_the_plan() {
    assert_eq!(
        period("2026-12-01", "2026-12-14"),
        "2026.12.01 ~ 2026.12.14"
    );
    assert_ne!(
        call_to_action("재방문 유도"),
        call_to_action("신규 고객 유치")
    );
    let caption = default_caption(&option(1), "새 제목");
    assert!(caption.starts_with("새 제목\n\n맛있는 집에서 겨울맞이"));
    assert!(caption.contains("2026.12.01 ~ 2026.12.14"));
    // The owner's reasoning is not customer copy.
    assert!(!caption.contains("설명"), "{caption}");
    assert_eq!(
        hashtags(Some(&option(1)), "x", "y"),
        vec!["맛있는집".to_string(), "음식점".to_string()]
    );
    assert_eq!(
        hashtags(None, "맛있는 집", "음식점"),
        vec![
            "맛있는집".to_string(),
            "음식점".to_string(),
            "이벤트".to_string()
        ]
    );
}

#[test]
fn job_states_round_trip() {
    for s in ["PENDING", "PROCESSING", "COMPLETED", "FAILED"] {
        assert_eq!(JobStatus::parse(s).map(JobStatus::as_str), Some(s));
    }
    assert!(JobStatus::Processing.is_open() && !JobStatus::Failed.is_open());
}
