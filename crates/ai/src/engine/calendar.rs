//! Korean calendar moments and seasons around an event's start date.
//!
//! 설날 and 추석 follow the lunar calendar; their solar dates come from the
//! table below, which covers 2024–2030 (the years the product plans events
//! in). Outside it those two are simply not suggested rather than guessed.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A moment owners plan promotions around.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub name: &'static str,
    /// First and last day the moment drives demand.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day itself (the end of a lead-up), for ending an event on it.
    pub peak: NaiveDate,
    /// People buy gifts for it (prizes and bundles become gift sets).
    pub gift: bool,
    /// Revenue uplift it adds to a well-timed event, in percent points.
    pub uplift: f64,
    /// Categories it matters most to (empty: everyone).
    pub industries: &'static [&'static str],
    pub description: &'static str,
}

/// (year, 설날, 추석) in solar dates, from the official Korean calendar.
/// A (month, day) pair.
type MonthDay = (u32, u32);

const LUNAR: &[(i32, MonthDay, MonthDay)] = &[
    (2024, (2, 10), (9, 17)),
    (2025, (1, 29), (10, 6)),
    (2026, (2, 17), (9, 25)),
    (2027, (2, 7), (9, 15)),
    (2028, (1, 27), (10, 3)),
    (2029, (2, 13), (9, 22)),
    (2030, (2, 3), (9, 12)),
];

/// 수능 days announced so far; later years take the usual third Thursday of November.
const SUNEUNG: &[(i32, u32)] = &[(2024, 14), (2025, 13), (2026, 19)];

type Spec = (
    &'static str,
    (u32, u32),
    (u32, u32),
    bool,
    f64,
    &'static [&'static str],
    &'static str,
);

/// Fixed-date moments: (name, from (month, day), peak, gift, uplift, industries, why).
/// The window ends on the peak except where noted in [`moments_of_year`].
const FIXED: &[Spec] = &[
    (
        "새해 결심",
        (1, 1),
        (1, 1),
        false,
        4.0,
        &["헬스장", "학원"],
        "새해 목표를 세운 고객이 운동·자기계발 등록을 가장 많이 하는 때입니다",
    ),
    (
        "발렌타인데이",
        (2, 1),
        (2, 14),
        true,
        6.0,
        &["카페", "베이커리", "소매점"],
        "초콜릿과 디저트 선물 수요가 몰리는 날입니다",
    ),
    (
        "새학기",
        (2, 20),
        (3, 2),
        false,
        5.0,
        &["학원", "소매점", "미용실"],
        "입학·개학을 앞두고 학원 등록과 학용품·헤어 스타일 변화 수요가 큽니다",
    ),
    (
        "화이트데이",
        (3, 1),
        (3, 14),
        true,
        6.0,
        &["카페", "베이커리", "소매점"],
        "사탕·디저트 선물과 커플 방문이 많은 날입니다",
    ),
    (
        "벚꽃 시즌",
        (3, 25),
        (4, 10),
        false,
        5.0,
        &["카페", "음식점", "베이커리"],
        "나들이와 피크닉 수요로 포장 메뉴와 봄 한정 메뉴가 잘 팔립니다",
    ),
    (
        "어린이날",
        (4, 25),
        (5, 5),
        true,
        7.0,
        &["소매점", "음식점", "학원", "베이커리"],
        "아이 선물과 가족 외식이 몰리는 날입니다",
    ),
    (
        "어버이날",
        (4, 29),
        (5, 8),
        true,
        7.0,
        &["음식점", "소매점", "미용실", "베이커리"],
        "부모님 선물과 가족 식사 예약이 많은 날입니다",
    ),
    (
        "가정의 달",
        (5, 1),
        (5, 31),
        true,
        5.0,
        &[],
        "어린이날·어버이날·스승의날이 이어지는 5월은 가족 단위 소비가 가장 큰 달입니다",
    ),
    (
        "여름 대비 다이어트",
        (5, 10),
        (6, 30),
        false,
        6.0,
        &["헬스장", "미용실"],
        "여름 휴가 전 몸매·스타일 관리 수요가 가장 높은 때입니다",
    ),
    (
        "여름 휴가",
        (7, 15),
        (8, 15),
        false,
        4.0,
        &["카페", "음식점", "소매점"],
        "시원한 음료·보양식·여행 준비 수요가 늘고 관광지 방문객이 많아집니다",
    ),
    (
        "할로윈",
        (10, 20),
        (10, 31),
        false,
        4.0,
        &["카페", "베이커리", "음식점"],
        "한정 디저트와 파티 분위기 메뉴가 젊은 층의 방문을 부릅니다",
    ),
    (
        "빼빼로데이",
        (11, 1),
        (11, 11),
        true,
        6.0,
        &["베이커리", "소매점", "카페"],
        "막대과자와 수제 과자 선물 수요가 몰리는 날입니다",
    ),
    (
        "크리스마스",
        (12, 1),
        (12, 25),
        true,
        9.0,
        &[],
        "연중 선물·외식·모임 수요가 가장 큰 시기입니다",
    ),
    (
        "연말 송년회",
        (12, 15),
        (12, 31),
        false,
        7.0,
        &["음식점", "미용실", "카페"],
        "송년 모임 예약과 연말 스타일 변화 수요가 몰립니다",
    ),
];

fn day(year: i32, (month, d): (u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, d)
}

/// The third Thursday of November, the usual 수능 day.
fn third_thursday_of_november(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Thu, 3)
}

/// Every moment of `year`, in no particular order.
pub fn moments_of_year(year: i32) -> Vec<Moment> {
    let mut out: Vec<Moment> = FIXED
        .iter()
        .filter_map(
            |&(name, from, peak, gift, uplift, industries, description)| {
                let (from, peak) = (day(year, from)?, day(year, peak)?);
                Some(Moment {
                    name,
                    from,
                    to: peak,
                    peak,
                    gift,
                    uplift,
                    industries,
                    description,
                })
            },
        )
        .collect();
    if let Some(&(_, seollal, chuseok)) = LUNAR.iter().find(|(y, ..)| *y == year) {
        for (name, date, description) in [
            (
                "설날",
                seollal,
                "설 선물세트와 귀성 전 모임 수요가 크고, 연휴에는 가족 단위 방문이 늘어납니다",
            ),
            (
                "추석",
                chuseok,
                "추석 선물세트와 연휴 가족 모임 수요가 연중 최고 수준입니다",
            ),
        ] {
            if let Some(peak) = day(year, date) {
                out.push(Moment {
                    name,
                    from: peak - Duration::days(14),
                    to: peak + Duration::days(1),
                    peak,
                    gift: true,
                    uplift: 8.0,
                    industries: &[],
                    description,
                });
            }
        }
    }
    let suneung = SUNEUNG
        .iter()
        .find(|(y, _)| *y == year)
        .and_then(|&(y, d)| NaiveDate::from_ymd_opt(y, 11, d))
        .or_else(|| third_thursday_of_november(year));
    if let Some(peak) = suneung {
        out.push(Moment {
            name: "수능",
            from: peak - Duration::days(10),
            // Students celebrate for weeks after the exam with 수험생 discounts.
            to: peak + Duration::days(30),
            peak,
            gift: false,
            uplift: 5.0,
            industries: &["학원", "음식점", "카페", "미용실", "헬스장"],
            description: "수능 전후 수험생 응원과 시험 후 '수험표 할인' 수요가 큽니다",
        });
    }
    out
}

/// How far ahead a moment still shapes an event starting now.
pub const LOOKAHEAD_DAYS: i64 = 35;

/// The moments that matter for an event starting on `start`: those whose day
/// is still to come and that are running that day or begin within
/// [`LOOKAHEAD_DAYS`], with a relevance that falls the further away they
/// are, and rises when they suit the `industry` category. Most relevant first; ties keep the date order.
pub fn moments_around(start: NaiveDate, industry: &str) -> Vec<(Moment, f64)> {
    let mut found: Vec<(Moment, f64)> = (start.year() - 1..=start.year() + 1)
        .flat_map(moments_of_year)
        .filter_map(|m| {
            // A moment whose day has passed is not a trend to plan for
            // (수능 in mid-November is over by December, whatever its
            // lingering discounts).
            if m.peak < start {
                return None;
            }
            let ahead = (m.from - start).num_days().max(0);
            if ahead > LOOKAHEAD_DAYS {
                return None;
            }
            let fits = m.industries.is_empty() || m.industries.contains(&industry);
            let base = if fits { 0.95 } else { 0.7 };
            let relevance = (base - 0.012 * ahead as f64).max(0.3);
            Some((m, (relevance * 100.0).round() / 100.0))
        })
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.from.cmp(&b.0.from)));
    found
}

/// The season of a date and what it means for small shops.
pub fn season(date: NaiveDate) -> (&'static str, &'static str) {
    match date.month() {
        3..=5 => (
            "봄 시즌",
            "나들이와 새 출발의 계절로 신메뉴·신상품 반응이 좋고 야외 활동이 늘어납니다",
        ),
        6..=8 => (
            "여름 시즌",
            "더위로 시원한 메뉴·실내 활동 수요가 크고 저녁 시간대 방문이 늘어납니다",
        ),
        9..=11 => (
            "가을 시즌",
            "선선한 날씨에 외출과 모임이 많아지고 제철 재료 메뉴가 주목받습니다",
        ),
        _ => (
            "겨울 시즌",
            "따뜻한 메뉴와 실내 모임 수요가 크고 연말연시 선물 소비가 이어집니다",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn names(start: NaiveDate, industry: &str) -> Vec<&'static str> {
        moments_around(start, industry)
            .into_iter()
            .map(|(m, _)| m.name)
            .collect()
    }

    #[test]
    fn lunar_holidays_fall_on_their_solar_dates() {
        let seollal: Vec<NaiveDate> = (2024..=2030)
            .flat_map(moments_of_year)
            .filter(|m| m.name == "설날")
            .map(|m| m.peak)
            .collect();
        assert_eq!(
            seollal,
            vec![
                d(2024, 2, 10),
                d(2025, 1, 29),
                d(2026, 2, 17),
                d(2027, 2, 7),
                d(2028, 1, 27),
                d(2029, 2, 13),
                d(2030, 2, 3)
            ]
        );
        let chuseok = |y| {
            moments_of_year(y)
                .into_iter()
                .find(|m| m.name == "추석")
                .map(|m| m.peak)
        };
        assert_eq!(chuseok(2025), Some(d(2025, 10, 6)));
        assert_eq!(chuseok(2026), Some(d(2026, 9, 25)));
        assert_eq!(chuseok(2031), None, "outside the table nothing is guessed");
    }

    #[test]
    fn moments_are_found_around_given_dates() {
        assert!(names(d(2026, 2, 5), "카페").contains(&"설날"));
        assert!(names(d(2026, 2, 5), "카페").contains(&"발렌타인데이"));
        assert!(names(d(2026, 3, 5), "카페").contains(&"화이트데이"));
        assert!(names(d(2026, 4, 28), "음식점").contains(&"어린이날"));
        assert!(names(d(2026, 4, 28), "음식점").contains(&"가정의 달"));
        assert!(names(d(2026, 7, 20), "카페").contains(&"여름 휴가"));
        assert!(names(d(2026, 9, 15), "음식점").contains(&"추석"));
        assert!(names(d(2026, 11, 5), "학원").contains(&"수능"));
        assert!(names(d(2026, 11, 5), "베이커리").contains(&"빼빼로데이"));
        assert!(names(d(2026, 12, 10), "음식점").contains(&"크리스마스"));
        assert!(names(d(2026, 12, 20), "음식점").contains(&"연말 송년회"));
        // Across the year boundary: a late-December start sees 새해 결심.
        assert!(names(d(2026, 12, 20), "헬스장").contains(&"새해 결심"));
        assert!(names(d(2026, 2, 18), "학원").contains(&"새학기"));
        // Passed moments are not suggested, even while their effect lingers.
        assert!(!names(d(2026, 12, 27), "음식점").contains(&"크리스마스"));
        assert!(!names(d(2026, 12, 1), "학원").contains(&"수능"));
        assert!(!names(d(2026, 11, 20), "카페").contains(&"수능"));
    }

    #[test]
    fn suneung_uses_the_announced_day_then_the_third_thursday() {
        let peak = |y| {
            moments_of_year(y)
                .into_iter()
                .find(|m| m.name == "수능")
                .map(|m| m.peak)
        };
        assert_eq!(peak(2025), Some(d(2025, 11, 13)));
        assert_eq!(peak(2026), Some(d(2026, 11, 19)));
        assert_eq!(peak(2027), Some(d(2027, 11, 18)));
    }

    #[test]
    fn fitting_moments_rank_first_and_seasons_follow_the_month() {
        let ranked = names(d(2026, 4, 28), "음식점");
        assert_eq!(ranked.first(), Some(&"어린이날"));
        assert_eq!(season(d(2026, 1, 10)).0, "겨울 시즌");
        assert_eq!(season(d(2026, 4, 10)).0, "봄 시즌");
        assert_eq!(season(d(2026, 8, 10)).0, "여름 시즌");
        assert_eq!(season(d(2026, 10, 10)).0, "가을 시즌");
    }
}
