//! The industry table: one home for what each kind of shop is like. The
//! words owners use for it (matched in the owner's free text, so "동네 빵집"
//! is a bakery), the typical spend per visit, the share of entrants who
//! become paying customers and the industry's average event ROI (analytics'
//! estimates), and what the ai service plans with (trends, prizes, bundles).
//! The ai plans and the analytics dashboard read the same row for the same
//! owner text, so their figures agree.

/// One industry category.
#[derive(Debug, PartialEq)]
pub struct Industry {
    /// The category name used in texts and the trend cache key.
    pub name: &'static str,
    /// Words that, found in the owner's industry text, mean this category.
    pub keywords: &'static [&'static str],
    /// What customers buy here, for sentences ("메뉴", "헤어 시술" …).
    pub product: &'static str,
    /// A typical spend of one customer visit, in won.
    pub spend_per_visit: i64,
    /// Percent of entrants expected to become paying customers.
    pub conversion_rate_pct: i64,
    /// The industry's average event ROI, in percent (what owners compare with).
    pub average_roi_pct: f64,
    /// Scales budgets: shops with bigger tickets can spend more per customer.
    pub budget_factor: f64,
    /// Current trends: (keyword, relevance 0..1, why).
    pub trends: &'static [(&'static str, f64, &'static str)],
    /// Prizes by cost level (low, middle, high).
    pub prizes: [&'static str; 3],
    /// The bundle or upsell that fits (for the 매출 증대 plans).
    pub bundle: &'static str,
}

/// The categories, most specific first where keywords overlap
/// ("베이커리카페" is a bakery; "디저트카페" a café).
pub const INDUSTRIES: &[Industry] = &[
    Industry {
        name: "베이커리",
        keywords: &[
            "베이커리",
            "빵",
            "제과",
            "케이크",
            "도넛",
            "베이글",
            "디저트",
        ],
        product: "빵과 디저트",
        spend_per_visit: 12_000,
        conversion_rate_pct: 30,
        average_roi_pct: 130.0,
        budget_factor: 0.9,
        trends: &[
            (
                "소금빵·베이글 열풍",
                0.86,
                "담백한 식사빵과 베이글 전문점이 SNS에서 꾸준히 인기입니다",
            ),
            (
                "빵지순례",
                0.8,
                "지역 유명 빵집을 찾아다니는 '빵지순례' 방문객이 늘고 있습니다",
            ),
            (
                "건강빵·비건",
                0.66,
                "저당·통밀·비건 빵을 찾는 고객이 늘고 있습니다",
            ),
        ],
        prizes: [
            "시그니처 빵 1개 무료 쿠폰",
            "3만원 빵 교환권",
            "홀케이크 + 10만원 빵 교환권",
        ],
        bundle: "빵 3개 + 음료 세트",
    },
    Industry {
        name: "카페",
        keywords: &[
            "카페",
            "디저트카페",
            "커피",
            "티하우스",
            "찻집",
            "로스터리",
            "cafe",
            "coffee",
        ],
        product: "음료와 디저트",
        spend_per_visit: 8_000,
        conversion_rate_pct: 35,
        average_roi_pct: 120.0,
        budget_factor: 0.8,
        trends: &[
            (
                "시즌 한정 음료",
                0.88,
                "계절 한정 메뉴가 재방문과 SNS 인증의 가장 큰 계기입니다",
            ),
            (
                "디저트 페어링",
                0.76,
                "음료와 디저트를 함께 고르는 세트 구매가 객단가를 올립니다",
            ),
            (
                "카공·작업 공간",
                0.62,
                "오래 머무는 고객을 위한 좌석·콘센트가 선택 기준이 되고 있습니다",
            ),
        ],
        prizes: [
            "아메리카노 1잔 무료 쿠폰",
            "음료+디저트 2인 세트 교환권",
            "원두 1kg + 10만원 카페 이용권",
        ],
        bundle: "음료 + 디저트 페어링 세트",
    },
    Industry {
        name: "음식점",
        keywords: &[
            "음식",
            "식당",
            "한식",
            "중식",
            "일식",
            "양식",
            "분식",
            "고깃집",
            "고기",
            "치킨",
            "피자",
            "레스토랑",
            "주점",
            "술집",
            "횟집",
            "국밥",
            "족발",
            "보쌈",
            "요리",
        ],
        product: "메뉴",
        spend_per_visit: 25_000,
        conversion_rate_pct: 30,
        average_roi_pct: 150.0,
        budget_factor: 1.0,
        trends: &[
            (
                "가성비 점심 세트",
                0.84,
                "외식 물가가 오르며 구성이 분명한 세트 메뉴를 찾는 손님이 많습니다",
            ),
            (
                "지역 맛집 리뷰",
                0.8,
                "네이버 지도·블로그 리뷰가 처음 오는 손님의 가게 선택을 좌우합니다",
            ),
            (
                "혼밥·소용량 메뉴",
                0.64,
                "1인 가구가 늘며 혼자 먹기 좋은 메뉴 수요가 커졌습니다",
            ),
        ],
        prizes: [
            "대표 메뉴 1인분 무료 쿠폰",
            "2인 식사권 (5만원 상당)",
            "10만원 외식 상품권 + 한우 선물세트",
        ],
        bundle: "2인 세트 + 사이드 메뉴 업그레이드",
    },
    Industry {
        name: "미용실",
        keywords: &[
            "미용",
            "헤어",
            "네일",
            "뷰티",
            "바버",
            "피부",
            "왁싱",
            "속눈썹",
            "살롱",
        ],
        product: "시술",
        spend_per_visit: 40_000,
        conversion_rate_pct: 20,
        average_roi_pct: 180.0,
        budget_factor: 1.3,
        trends: &[
            (
                "퍼스널 컬러·맞춤 스타일",
                0.82,
                "나에게 맞는 색과 스타일을 진단받는 상담형 서비스가 인기입니다",
            ),
            (
                "두피·모발 케어",
                0.74,
                "손상 모발과 두피 관리를 함께 받는 고객이 늘고 있습니다",
            ),
            (
                "시술 전후 사진 후기",
                0.7,
                "인스타그램 전후 사진이 새 고객 유입의 주요 경로입니다",
            ),
        ],
        prizes: [
            "커트 10% 할인 쿠폰",
            "클리닉 트리트먼트 무료 시술권",
            "펌·염색 무료 시술권 + 홈케어 세트",
        ],
        bundle: "커트 + 클리닉 패키지",
    },
    Industry {
        name: "학원",
        keywords: &[
            "학원",
            "교습",
            "과외",
            "교육",
            "공부방",
            "어학",
            "코딩",
            "수학",
            "영어",
            "음악",
            "미술",
            "태권도",
        ],
        product: "수업",
        spend_per_visit: 200_000,
        conversion_rate_pct: 5,
        average_roi_pct: 200.0,
        budget_factor: 1.4,
        trends: &[
            (
                "무료 체험 수업",
                0.86,
                "학부모는 등록 전에 체험 수업으로 수업 방식을 확인하고 싶어 합니다",
            ),
            (
                "소수 정예·맞춤 관리",
                0.76,
                "학생 개별 관리와 성적 리포트를 중시하는 경향이 강해졌습니다",
            ),
            (
                "방학 특강",
                0.68,
                "방학 기간 단기 특강이 신규 등록의 계기가 됩니다",
            ),
        ],
        prizes: [
            "체험 수업 1회 무료",
            "교재비 지원 + 첫 달 수강료 10% 할인",
            "1개월 수강료 지원 + 학습용 태블릿 추첨",
        ],
        bundle: "형제·친구 동반 등록 패키지",
    },
    Industry {
        name: "헬스장",
        keywords: &[
            "헬스",
            "피트니스",
            "필라테스",
            "요가",
            "크로스핏",
            "체육관",
            "짐",
            "gym",
            "PT",
            "수영",
            "복싱",
            "클라이밍",
        ],
        product: "운동 프로그램",
        spend_per_visit: 100_000,
        conversion_rate_pct: 8,
        average_roi_pct: 160.0,
        budget_factor: 1.2,
        trends: &[
            (
                "바디프로필·목표형 운동",
                0.8,
                "기간과 목표가 분명한 챌린지형 프로그램이 등록을 이끕니다",
            ),
            (
                "소그룹 PT",
                0.74,
                "1:1 PT보다 부담이 적은 2~4인 소그룹 수업 수요가 늘었습니다",
            ),
            (
                "운동 인증 챌린지",
                0.7,
                "출석·운동 인증을 SNS에 올리는 챌린지가 꾸준한 출석을 만듭니다",
            ),
        ],
        prizes: [
            "1일 무료 이용권",
            "PT 1회 무료 체험권",
            "3개월 회원권 + 스마트워치 추첨",
        ],
        bundle: "회원권 + PT 패키지",
    },
    Industry {
        name: "소매점",
        keywords: &[
            "소매",
            "편의점",
            "마트",
            "상점",
            "잡화",
            "의류",
            "옷",
            "꽃",
            "문구",
            "쇼핑",
            "가게",
            "소품",
            "슈퍼",
            "편집숍",
        ],
        product: "상품",
        spend_per_visit: 30_000,
        conversion_rate_pct: 20,
        average_roi_pct: 110.0,
        budget_factor: 1.0,
        trends: &[
            (
                "가치 소비·로컬 브랜드",
                0.76,
                "동네 가게만의 개성 있는 상품과 로컬 브랜드를 찾는 고객이 늘었습니다",
            ),
            (
                "오프라인 체험",
                0.7,
                "직접 보고 만져 보는 경험이 온라인과 다른 동네 가게의 강점입니다",
            ),
            (
                "SNS 쇼핑 정보",
                0.68,
                "신상품·할인 소식을 인스타그램과 카카오 채널로 받아 보는 고객이 많습니다",
            ),
        ],
        prizes: [
            "5천원 할인 쿠폰",
            "3만원 상품권",
            "10만원 상품권 + 인기 상품 세트",
        ],
        bundle: "2+1 묶음 구성",
    },
];

/// The fallback for industries the tables do not name.
pub const GENERAL: Industry = Industry {
    name: "일반 매장",
    keywords: &[],
    product: "상품과 서비스",
    spend_per_visit: 20_000,
    conversion_rate_pct: 20,
    average_roi_pct: 120.0,
    budget_factor: 1.0,
    trends: &[
        (
            "동네 단골 만들기",
            0.74,
            "가까운 생활권 고객의 반복 방문이 작은 매장의 매출을 지탱합니다",
        ),
        (
            "온라인 리뷰",
            0.72,
            "지도 앱 리뷰와 별점이 처음 오는 손님의 선택을 좌우합니다",
        ),
        (
            "SNS 소식 받기",
            0.62,
            "카카오 채널·인스타그램 팔로우가 재방문 알림 역할을 합니다",
        ),
    ],
    prizes: [
        "5천원 할인 쿠폰",
        "3만원 이용권",
        "10만원 이용권 + 매장 인기 상품",
    ],
    bundle: "인기 상품 묶음 구성",
};

/// The category the owner's industry text means: the longest keyword found
/// wins (so "한식당" is 음식점 and "디저트카페" is 카페), the table's order
/// breaks ties, and text matching nothing gets the general category.
pub fn classify(text: &str) -> &'static Industry {
    let lower = text.to_lowercase();
    let mut best: Option<(&'static Industry, usize)> = None;
    for industry in INDUSTRIES {
        for keyword in industry.keywords {
            let len = keyword.chars().count();
            if lower.contains(&keyword.to_lowercase()) && best.is_none_or(|(_, l)| len > l) {
                best = Some((industry, len));
            }
        }
    }
    best.map(|(i, _)| i).unwrap_or(&GENERAL)
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn loose_industry_texts_map_to_their_category() {
        for (text, want) in [
            ("음식점", "음식점"),
            ("한식당", "음식점"),
            ("치킨 전문점", "음식점"),
            ("커피", "카페"),
            ("디저트카페", "카페"),
            ("베이커리", "베이커리"),
            ("동네 빵집", "베이커리"),
            ("소매점", "소매점"),
            ("꽃집", "소매점"),
            ("헤어샵", "미용실"),
            ("네일아트", "미용실"),
            ("수학학원", "학원"),
            ("필라테스 스튜디오", "헬스장"),
            ("헬스장", "헬스장"),
            ("세탁소", "일반 매장"),
        ] {
            assert_eq!(classify(text).name, want, "{text}");
        }
    }

    #[test]
    fn every_row_is_found_by_its_own_name_and_has_its_figures() {
        for industry in super::INDUSTRIES {
            assert_eq!(classify(industry.name), industry, "{}", industry.name);
            assert!(industry.spend_per_visit > 0 && industry.conversion_rate_pct > 0);
        }
        assert_eq!(classify("").spend_per_visit, super::GENERAL.spend_per_visit);
    }
}
