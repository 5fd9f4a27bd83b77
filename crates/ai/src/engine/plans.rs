//! The mechanics each objective calls for at each cost level, and the rule
//! that picks promotion channels. Texts are templates: `{store}`,
//! `{tag}` (the store name as a hashtag), `{product}`, `{bundle}`, `{threshold}` and `{prize_obj}` (the prize with
//! its object particle) are filled in by [`fill`].

use crate::domain::Objective;

use super::region::Profile;

/// One event mechanic at one cost level.
#[derive(Debug)]
pub struct Mechanic {
    /// The contract's upper-case `mechanics.type`.
    pub kind: &'static str,
    /// The plan's name, used in the title.
    pub title: &'static str,
    pub concept: &'static str,
    pub details: &'static str,
    /// The same offer told to customers (the posts' text): what they do and
    /// what they get, without the owner's channel plan.
    pub pitch: &'static str,
    /// Share of the people reached who take part.
    pub take_up: f64,
    /// Cost per participant of the incentive, as a share of the average ticket.
    pub incentive: f64,
    /// How long it runs when no calendar moment sets the end.
    pub base_days: u32,
    /// Loyalty mechanics need their full length to work; moments do not shorten them.
    pub fixed_length: bool,
}

/// The three mechanics (low, middle, high cost) of each objective.
pub fn mechanics(objective: Objective) -> &'static [Mechanic; 3] {
    match objective {
        Objective::NewCustomers => &NEW,
        Objective::Revisit => &REVISIT,
        Objective::SalesIncrease => &SALES,
        Objective::Awareness => &AWARENESS,
    }
}

const NEW: [Mechanic; 3] = [
    Mechanic {
        kind: "DISCOUNT",
        title: "첫 방문 할인",
        concept: "처음 오는 손님의 문턱을 낮추는 첫 방문 혜택",
        details: "처음 방문한 고객에게 {product} 15% 할인을 해 드립니다. 카카오 채널을 추가한 고객 중 추첨으로 {prize_obj} 드립니다.",
        pitch: "처음 오시는 분께 {product} 15% 할인을 해 드려요. 카카오 채널을 추가하시면 추첨으로 {prize_obj} 드립니다.",
        take_up: 0.03,
        incentive: 0.15,
        base_days: 14,
        fixed_length: false,
    },
    Mechanic {
        kind: "LOTTERY",
        title: "SNS 팔로우 추첨",
        concept: "팔로우와 친구 태그로 넓히는 첫 만남",
        details: "인스타그램에서 {store}을(를) 팔로우하고 이벤트 게시물에 친구를 태그하면 추첨으로 {prize_obj} 드립니다. 참여자 전원에게 첫 방문 10% 할인 쿠폰을 드립니다.",
        pitch: "인스타그램에서 {store}을(를) 팔로우하고 이벤트 게시물에 친구를 태그해 주세요. 추첨으로 {prize_obj} 드리고, 참여하신 분 모두 10% 할인 쿠폰을 받으세요.",
        take_up: 0.05,
        incentive: 0.05,
        base_days: 21,
        fixed_length: false,
    },
    Mechanic {
        kind: "REFERRAL",
        title: "친구 초대 대축제",
        concept: "지역 광고로 알리고 친구 초대로 번지는 신규 유입",
        details: "방문 고객이 친구와 함께 오면 두 사람 모두 {product} 20% 할인, 방문 인증 고객 전원 추첨으로 {prize_obj} 드립니다. 동네 TV와 IPTV 광고로 반경 내 주민에게 알립니다.",
        pitch: "친구와 함께 오시면 두 분 모두 {product} 20% 할인! 방문 인증하신 분 중 추첨으로 {prize_obj} 드립니다.",
        take_up: 0.04,
        incentive: 0.12,
        base_days: 28,
        fixed_length: false,
    },
];

const REVISIT: [Mechanic; 3] = [
    Mechanic {
        kind: "STAMP",
        title: "스탬프 적립 이벤트",
        concept: "다시 올 이유를 만드는 스탬프 카드",
        details: "방문할 때마다 스탬프 1개를 찍어 드리고, 5개를 모으면 {prize_obj} 드립니다. 카카오 채널 스탬프로 분실 걱정이 없습니다.",
        pitch: "방문하실 때마다 스탬프 1개, 5개를 모으시면 {prize_obj} 드려요. 카카오 채널 스탬프라 잃어버릴 걱정도 없어요.",
        take_up: 0.06,
        incentive: 0.1,
        base_days: 30,
        fixed_length: true,
    },
    Mechanic {
        kind: "COUPON",
        title: "다음 방문 쿠폰",
        concept: "결제와 동시에 다음 방문을 약속하는 리턴 쿠폰",
        details: "결제 고객에게 2주 안에 쓰는 10% 재방문 쿠폰을 드리고, 기간 중 3회 이상 방문한 고객은 추첨으로 {prize_obj} 드립니다.",
        pitch: "결제하시면 2주 안에 쓰는 10% 쿠폰을 드려요. 기간 중 3번 이상 오시면 추첨으로 {prize_obj} 드립니다.",
        take_up: 0.07,
        incentive: 0.08,
        base_days: 21,
        fixed_length: false,
    },
    Mechanic {
        kind: "MEMBERSHIP",
        title: "단골 멤버십",
        concept: "방문이 쌓일수록 커지는 단골 혜택",
        details: "멤버십에 가입한 고객에게 방문마다 결제 금액의 5%를 적립해 드리고, 기간 중 방문 횟수 상위 고객에게 {prize_obj} 드립니다. 통화연결음과 지역 광고로 멤버십을 알립니다.",
        pitch: "멤버십에 가입하시면 방문마다 결제 금액의 5%를 적립해 드려요. 기간 중 가장 자주 오신 분께는 {prize_obj} 드립니다.",
        take_up: 0.06,
        incentive: 0.07,
        base_days: 30,
        fixed_length: true,
    },
];

const SALES: [Mechanic; 3] = [
    Mechanic {
        kind: "BUNDLE",
        title: "알뜰 세트",
        concept: "함께 사면 더 이득인 세트 구성",
        details: "{bundle}을(를) 단품 합계보다 15% 저렴하게 선보이고, 세트 구매 고객 중 추첨으로 {prize_obj} 드립니다.",
        pitch: "{bundle}을(를) 단품보다 15% 저렴하게 만나 보세요. 세트를 구매하신 분 중 추첨으로 {prize_obj} 드려요.",
        take_up: 0.05,
        incentive: 0.1,
        base_days: 14,
        fixed_length: false,
    },
    Mechanic {
        kind: "GIFT",
        title: "금액별 사은품",
        concept: "조금 더 담게 만드는 금액대별 사은품",
        details: "{threshold} 이상 구매 고객에게 사은품을 드리고, 구매 금액 상위 고객에게 {prize_obj} 드립니다.",
        pitch: "{threshold} 이상 구매하시면 사은품을 드리고, 구매 금액 상위 고객께는 {prize_obj} 드려요.",
        take_up: 0.06,
        incentive: 0.08,
        base_days: 21,
        fixed_length: false,
    },
    Mechanic {
        kind: "LOTTERY",
        title: "구매 응모 경품 대잔치",
        concept: "구매할 때마다 응모권이 쌓이는 경품 추첨",
        details: "{threshold} 이상 구매할 때마다 응모권 1장을 드리고, 기간이 끝나면 추첨으로 {prize_obj} 드립니다. TV 광고와 통화연결음으로 기간 내 재구매를 이끕니다.",
        pitch: "{threshold} 이상 구매하실 때마다 응모권 1장! 기간이 끝나면 추첨으로 {prize_obj} 드려요.",
        take_up: 0.05,
        incentive: 0.04,
        base_days: 28,
        fixed_length: false,
    },
];

const AWARENESS: [Mechanic; 3] = [
    Mechanic {
        kind: "REVIEW",
        title: "사진 리뷰 이벤트",
        concept: "손님의 후기가 곧 광고가 되는 리뷰 이벤트",
        details: "네이버 지도·블로그에 사진 리뷰를 남긴 고객에게 음료·사이드 서비스를 드리고, 정성 리뷰를 골라 {prize_obj} 드립니다.",
        pitch: "네이버 지도·블로그에 사진 리뷰를 남겨 주시면 음료·사이드 서비스를 드려요. 정성 리뷰를 골라 {prize_obj} 드립니다.",
        take_up: 0.04,
        incentive: 0.08,
        base_days: 14,
        fixed_length: false,
    },
    Mechanic {
        kind: "HASHTAG",
        title: "해시태그 인증샷 공모전",
        concept: "해시태그로 퍼지는 우리 가게 이야기",
        details: "매장 인증샷을 #{tag} 해시태그와 함께 인스타그램에 올리면 좋아요가 많은 순으로 {prize_obj} 드립니다.",
        pitch: "매장 인증샷을 #{tag} 해시태그와 함께 인스타그램에 올려 주세요. 좋아요를 많이 받은 분께 {prize_obj} 드려요.",
        take_up: 0.04,
        incentive: 0.03,
        base_days: 21,
        fixed_length: false,
    },
    Mechanic {
        kind: "CONTEST",
        title: "동네 챌린지 캠페인",
        concept: "TV·전화·SNS를 잇는 지역 인지도 캠페인",
        details: "동네 TV·IPTV 광고와 통화연결음으로 이벤트를 알리고, 매장 방문 인증샷 챌린지 참여자 중 추첨으로 {prize_obj} 드립니다.",
        pitch: "매장 방문 인증샷 챌린지에 참여해 주세요. 참여하신 분 중 추첨으로 {prize_obj} 드려요.",
        take_up: 0.03,
        incentive: 0.04,
        base_days: 28,
        fixed_length: false,
    },
];

/// The plan's channels. Low cost: the two free-to-start online channels that
/// suit the area; middle: all three online plus one local channel; high:
/// every channel. Phone ringback (RINGOBIZ) suits shops customers call
/// (restaurants, salons, academies); others get the local TV slot instead.
pub fn channels(tier: usize, profile: Profile, industry: &str) -> Vec<&'static str> {
    let online: [&'static str; 3] = match profile {
        Profile::Tourist => ["NAVER", "INSTAGRAM", "KAKAO"],
        Profile::Trendy | Profile::University => ["INSTAGRAM", "NAVER", "KAKAO"],
        Profile::Office => ["KAKAO", "INSTAGRAM", "NAVER"],
        Profile::Family | Profile::Local | Profile::Urban => ["KAKAO", "NAVER", "INSTAGRAM"],
    };
    let phone_first = matches!(industry, "음식점" | "미용실" | "학원");
    match tier {
        0 => online[..2].to_vec(),
        1 => {
            let mut c = online.to_vec();
            c.push(if phone_first {
                "RINGOBIZ"
            } else {
                "URIDONGNETV"
            });
            c
        }
        _ => {
            let mut c = online.to_vec();
            c.extend(["URIDONGNETV", "GINITV", "RINGOBIZ"]);
            c
        }
    }
}

/// Whether the last Hangul syllable of `word` ends in a consonant (받침),
/// which decides 을/를. Trailing brackets and digits are skipped.
fn has_batchim(word: &str) -> bool {
    word.chars()
        .rev()
        .find(|c| ('가'..='힣').contains(c))
        .is_some_and(|c| !(c as u32 - '가' as u32).is_multiple_of(28))
}

/// `word` with its object particle (을/를).
pub fn with_object(word: &str) -> String {
    format!("{word}{}", if has_batchim(word) { "을" } else { "를" })
}

/// Values for a template.
pub struct Slots<'a> {
    pub store: &'a str,
    pub product: &'a str,
    pub bundle: &'a str,
    pub threshold: &'a str,
    pub prize: &'a str,
}

/// Fills a template; `X을(를)` after a slot takes the right particle.
pub fn fill(template: &str, s: &Slots<'_>) -> String {
    let tag: String = s.store.split_whitespace().collect();
    let mut out = template.replace("{prize_obj}", &with_object(s.prize));
    for (slot, value) in [
        ("{store}", s.store),
        ("{tag}", tag.as_str()),
        ("{product}", s.product),
        ("{bundle}", s.bundle),
        ("{threshold}", s.threshold),
    ] {
        out = out.replace(&format!("{slot}을(를)"), &with_object(value));
        out = out.replace(slot, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_follow_the_last_syllable() {
        assert_eq!(with_object("쿠폰"), "쿠폰을");
        assert_eq!(with_object("세트"), "세트를");
        assert_eq!(
            with_object("2인 식사권 (5만원 상당)"),
            "2인 식사권 (5만원 상당)을"
        );
        let slots = Slots {
            store: "맛있는집",
            product: "메뉴",
            bundle: "2+1 묶음 구성",
            threshold: "3만원",
            prize: "커피",
        };
        assert_eq!(
            fill("{store}을(를) 팔로우, {prize_obj} 드립니다", &slots),
            "맛있는집을 팔로우, 커피를 드립니다"
        );
    }

    #[test]
    fn costlier_plans_use_more_channels_and_the_area_orders_them() {
        let low = channels(0, Profile::Tourist, "카페");
        assert_eq!(low, vec!["NAVER", "INSTAGRAM"]);
        assert_eq!(channels(0, Profile::Family, "카페"), vec!["KAKAO", "NAVER"]);
        assert!(channels(1, Profile::Office, "음식점").contains(&"RINGOBIZ"));
        assert!(channels(1, Profile::Office, "카페").contains(&"URIDONGNETV"));
        assert_eq!(channels(2, Profile::Office, "카페").len(), 6);
    }
}
