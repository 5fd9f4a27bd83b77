//! The engine's rules seen from a whole request.

use chrono::NaiveDate;

use super::*;
use crate::domain::validate_recommendations;

fn input(objective: Objective, industry: &str, address: &str, start: (i32, u32, u32)) -> JobInput {
    JobInput {
        objective,
        store_name: "맛있는집".into(),
        industry: industry.into(),
        address: address.into(),
        start_date: NaiveDate::from_ymd_opt(start.0, start.1, start.2).expect("date"),
    }
}

fn plans_for(i: &JobInput) -> Vec<Recommendation> {
    recommend(i, &Facts::of(i))
}

#[test]
fn three_distinct_valid_options_in_cost_order() {
    let i = input(
        Objective::NewCustomers,
        "음식점",
        "서울시 강남구",
        (2026, 12, 5),
    );
    let plans = plans_for(&i);
    validate_recommendations(&plans).expect("valid");
    let titles: std::collections::HashSet<_> = plans.iter().map(|p| &p.title).collect();
    let kinds: std::collections::HashSet<_> = plans.iter().map(|p| &p.mechanics.kind).collect();
    assert_eq!((titles.len(), kinds.len()), (3, 3), "{plans:#?}");
    assert!(plans[0].estimated_cost.max < plans[1].estimated_cost.max);
    assert!(plans[1].estimated_cost.max < plans[2].estimated_cost.max);
    assert!(plans[0].promotion_channels.len() < plans[2].promotion_channels.len());
    assert!(plans[0]
        .promotion_channels
        .iter()
        .all(|c| ["INSTAGRAM", "KAKAO", "NAVER"].contains(&c.as_str())));
    for c in ["URIDONGNETV", "GINITV", "RINGOBIZ"] {
        assert!(plans[2].promotion_channels.iter().any(|p| p == c));
    }
    // Christmas is ahead: the plans are themed and timed on it.
    assert!(
        plans[0].title.starts_with("크리스마스 맞이"),
        "{}",
        plans[0].title
    );
    assert_eq!(plans[0].duration.end_date, "2026-12-25");
}

#[test]
fn the_same_inputs_give_the_same_plans() {
    let i = input(
        Objective::Revisit,
        "카페",
        "부산 해운대구 우동",
        (2026, 7, 20),
    );
    assert_eq!(plans_for(&i), plans_for(&i));
    let facts = Facts::of(&i);
    assert_eq!(base_trends(&facts), base_trends(&Facts::of(&i)));
}

#[test]
fn the_objective_picks_the_mechanics() {
    let kinds = |o| -> Vec<String> {
        plans_for(&input(o, "카페", "서울 마포구", (2026, 6, 1)))
            .into_iter()
            .map(|p| p.mechanics.kind)
            .collect()
    };
    assert_eq!(kinds(Objective::NewCustomers)[0], "DISCOUNT");
    assert_eq!(kinds(Objective::NewCustomers)[1], "LOTTERY");
    assert_eq!(kinds(Objective::Revisit)[0], "STAMP");
    assert_eq!(kinds(Objective::SalesIncrease)[0], "BUNDLE");
    assert_eq!(kinds(Objective::Awareness)[1], "HASHTAG");
}

#[test]
fn different_inputs_give_visibly_different_plans() {
    let base = input(
        Objective::NewCustomers,
        "음식점",
        "서울시 강남구",
        (2026, 3, 2),
    );
    let first = plans_for(&base);
    let variants = [
        input(
            Objective::NewCustomers,
            "헬스장",
            "서울시 강남구",
            (2026, 3, 2),
        ),
        input(
            Objective::NewCustomers,
            "음식점",
            "부산 해운대구",
            (2026, 3, 2),
        ),
        input(
            Objective::NewCustomers,
            "음식점",
            "서울시 강남구",
            (2026, 9, 10),
        ),
        input(
            Objective::SalesIncrease,
            "음식점",
            "서울시 강남구",
            (2026, 3, 2),
        ),
    ];
    for v in &variants {
        let other = plans_for(v);
        validate_recommendations(&other).expect("valid");
        let differs = first.iter().zip(&other).all(|(a, b)| {
            a.title != b.title || a.target_audience != b.target_audience || a.prize != b.prize
        });
        assert!(differs, "{v:?} gave the same plans");
    }
    // The industry changes the prizes; the area the audience and channels.
    let gym = plans_for(&variants[0]);
    assert_ne!(first[1].prize, gym[1].prize);
    let busan = plans_for(&variants[1]);
    assert!(
        busan[0].target_audience.contains("관광객"),
        "{}",
        busan[0].target_audience
    );
    assert_eq!(busan[0].promotion_channels[0], "NAVER");
    // September: 추석 becomes the theme and the prize a holiday gift.
    let autumn = plans_for(&variants[2]);
    assert!(
        autumn[0].title.starts_with("추석 맞이"),
        "{}",
        autumn[0].title
    );
    assert!(autumn[2].prize.contains("추석"));
}

#[test]
fn the_analysis_names_industry_region_and_moments() {
    let i = input(
        Objective::Awareness,
        "한식당",
        "서울시 강남구",
        (2026, 4, 28),
    );
    let facts = Facts::of(&i);
    assert_eq!(facts.trend_key(), "ai:trend:음식점:서울 강남구");
    let base = base_trends(&facts);
    assert!(base
        .industry_trends
        .iter()
        .all(|t| t.keyword.starts_with("음식점")));
    assert!(base.regional_trends[0].keyword.contains("직장인"));
    let seasonal = seasonal_trends(&facts);
    assert_eq!(seasonal[0].keyword, "봄 시즌");
    assert!(seasonal.iter().any(|t| t.keyword == "어린이날"));
    assert!(seasonal
        .iter()
        .chain(&base.industry_trends)
        .all(|t| (0.0..=1.0).contains(&t.relevance)));
}

#[test]
fn every_industry_objective_and_month_validates() {
    let objectives = [
        Objective::NewCustomers,
        Objective::Revisit,
        Objective::SalesIncrease,
        Objective::Awareness,
    ];
    for industry in [
        "음식점",
        "카페",
        "베이커리",
        "소매점",
        "미용실",
        "학원",
        "헬스장",
        "세탁소",
    ] {
        for objective in objectives {
            for month in 1..=12 {
                let i = input(objective, industry, "전남 순천시", (2027, month, 15));
                let plans = plans_for(&i);
                if let Err(e) = validate_recommendations(&plans) {
                    panic!("{industry} {objective:?} {month}: {e}");
                }
                assert!(plans.iter().all(|p| p.expected_metrics.roi.is_finite()));
            }
        }
    }
}

#[test]
fn plans_not_about_newcomers_never_speak_of_them() {
    for objective in [
        Objective::Revisit,
        Objective::SalesIncrease,
        Objective::Awareness,
    ] {
        for industry in ["카페", "음식점", "미용실", "학원", "베이커리", "꽃집"] {
            let i = input(objective, industry, "서울시 마포구", (2026, 12, 1));
            for plan in plans_for(&i) {
                let texts = [
                    &plan.title,
                    &plan.description,
                    &plan.concept,
                    &plan.target_audience,
                    &plan.mechanics.details,
                    &plan.customer_copy.text,
                ];
                for text in texts {
                    assert!(
                        !text.contains("신규") && !text.contains("처음 오"),
                        "{objective:?} {industry}: {text}"
                    );
                }
            }
        }
    }
}

#[test]
fn customer_copy_is_for_customers_not_the_owners_reasoning() {
    let i = input(
        Objective::NewCustomers,
        "카페",
        "서울시 강남구",
        (2026, 12, 1),
    );
    for plan in plans_for(&i) {
        let copy = &plan.customer_copy;
        assert!(copy.text.starts_with("맛있는집에서"), "{}", copy.text);
        assert!(!copy.text.contains("트렌드"), "{}", copy.text);
        assert!(!copy.text.contains(&plan.description));
        assert!(!copy.text.contains("광고"), "{}", copy.text);
        assert!(copy.hashtags.contains(&"맛있는집".to_string()));
        assert!(copy
            .hashtags
            .iter()
            .all(|t| !t.contains(' ') && !t.starts_with('#')));
        let unique: std::collections::HashSet<_> = copy.hashtags.iter().collect();
        assert_eq!(unique.len(), copy.hashtags.len());
    }
}

#[test]
fn trends_on_the_first_of_december_are_ahead_of_it() {
    let i = input(
        Objective::NewCustomers,
        "학원",
        "서울시 강남구",
        (2026, 12, 1),
    );
    let facts = Facts::of(&i);
    let seasonal = seasonal_trends(&facts);
    assert!(
        seasonal.iter().all(|t| t.keyword != "수능"),
        "{seasonal:#?}"
    );
    assert!(
        seasonal.iter().any(|t| t.keyword == "크리스마스"),
        "{seasonal:#?}"
    );
}
