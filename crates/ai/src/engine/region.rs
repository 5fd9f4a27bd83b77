//! Regions: the 시/도 and 구/군/시 parsed from a free-form address, and what
//! kind of trade area that district is (office, tourist, university,
//! family, trend street or local neighbourhood).

/// The kind of trade area, which decides the target audience and channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Office,
    Tourist,
    University,
    Family,
    Trendy,
    /// A neighbourhood of a big city not named in the table.
    Urban,
    /// Towns and counties: regulars and word of mouth.
    Local,
}

impl Profile {
    /// Who to aim at, as a phrase.
    pub fn audience(self) -> &'static str {
        match self {
            Profile::Office => "점심·퇴근길 직장인",
            Profile::Tourist => "관광객과 주말 나들이객",
            Profile::University => "대학생과 20대",
            Profile::Family => "아이를 둔 가족과 주부",
            Profile::Trendy => "트렌드에 민감한 2030",
            Profile::Urban => "인근 주민과 유동 인구",
            Profile::Local => "동네 주민과 단골 고객",
        }
    }

    /// A trend about the area: (keyword, relevance, why).
    pub fn trend(self) -> (&'static str, f64, &'static str) {
        match self {
            Profile::Office => (
                "직장인 상권",
                0.84,
                "평일 점심과 퇴근 시간에 방문이 몰리고 빠른 회전과 모바일 쿠폰 반응이 좋습니다",
            ),
            Profile::Tourist => (
                "관광 상권",
                0.86,
                "외지 방문객이 많아 지도 앱 검색과 블로그 후기가 매장 선택을 좌우합니다",
            ),
            Profile::University => (
                "대학가 상권",
                0.82,
                "가격에 민감하고 SNS 공유가 활발해 인증 이벤트 확산이 빠릅니다",
            ),
            Profile::Family => (
                "주거·학군 상권",
                0.8,
                "주말 가족 방문과 맘카페·카카오 채널 입소문이 큰 영향을 줍니다",
            ),
            Profile::Trendy => (
                "트렌드 상권",
                0.88,
                "팝업과 한정 메뉴에 반응이 빠르고 인스타그램 인증이 방문 동기가 됩니다",
            ),
            Profile::Urban => (
                "도심 생활 상권",
                0.7,
                "주민과 유동 인구가 섞여 있어 재방문 혜택과 지도 앱 노출이 모두 중요합니다",
            ),
            Profile::Local => (
                "지역 밀착 상권",
                0.72,
                "단골 비중이 높아 입소문과 동네 TV·전화 안내 같은 생활 채널이 효과적입니다",
            ),
        }
    }

    /// Scales budgets: prices and ad rates are higher in central areas.
    pub fn cost_factor(self) -> f64 {
        match self {
            Profile::Office | Profile::Trendy => 1.2,
            Profile::Tourist => 1.1,
            Profile::University | Profile::Urban | Profile::Family => 1.0,
            Profile::Local => 0.85,
        }
    }
}

/// A parsed address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Short 시/도 name (`서울`, `부산`, `경기` …); `전국` when none was found.
    pub sido: &'static str,
    /// The 구/군/시 token as written (`강남구`), when one was found.
    pub district: Option<String>,
    pub profile: Profile,
}

impl Region {
    /// `서울 강남구`, or just the 시/도: used in texts and the trend cache key.
    pub fn label(&self) -> String {
        match &self.district {
            Some(d) => format!("{} {d}", self.sido),
            None => self.sido.to_string(),
        }
    }
}

/// (short name, spellings) of the 17 시/도.
const SIDO: &[(&str, &[&str])] = &[
    ("서울", &["서울특별시", "서울시", "서울"]),
    ("부산", &["부산광역시", "부산시", "부산"]),
    ("대구", &["대구광역시", "대구시", "대구"]),
    ("인천", &["인천광역시", "인천시", "인천"]),
    ("광주", &["광주광역시", "광주시", "광주"]),
    ("대전", &["대전광역시", "대전시", "대전"]),
    ("울산", &["울산광역시", "울산시", "울산"]),
    ("세종", &["세종특별자치시", "세종시", "세종"]),
    ("경기", &["경기도", "경기"]),
    ("강원", &["강원특별자치도", "강원도", "강원"]),
    ("충북", &["충청북도", "충북"]),
    ("충남", &["충청남도", "충남"]),
    ("전북", &["전북특별자치도", "전라북도", "전북"]),
    ("전남", &["전라남도", "전남"]),
    ("경북", &["경상북도", "경북"]),
    ("경남", &["경상남도", "경남"]),
    ("제주", &["제주특별자치도", "제주도", "제주"]),
];

const METROPOLITAN: &[&str] = &["서울", "부산", "대구", "인천", "광주", "대전", "울산"];

/// Districts with a known character: (시/도, district, profile).
const DISTRICTS: &[(&str, &str, Profile)] = &[
    ("서울", "강남구", Profile::Office),
    ("서울", "서초구", Profile::Office),
    ("서울", "중구", Profile::Office),
    ("서울", "종로구", Profile::Tourist),
    ("서울", "영등포구", Profile::Office),
    ("서울", "마포구", Profile::Trendy),
    ("서울", "성동구", Profile::Trendy),
    ("서울", "용산구", Profile::Trendy),
    ("서울", "관악구", Profile::University),
    ("서울", "서대문구", Profile::University),
    ("서울", "광진구", Profile::University),
    ("서울", "동대문구", Profile::University),
    ("서울", "성북구", Profile::University),
    ("서울", "노원구", Profile::Family),
    ("서울", "양천구", Profile::Family),
    ("서울", "송파구", Profile::Family),
    ("서울", "강동구", Profile::Family),
    ("부산", "해운대구", Profile::Tourist),
    ("부산", "수영구", Profile::Tourist),
    ("부산", "중구", Profile::Tourist),
    ("부산", "부산진구", Profile::Trendy),
    ("부산", "금정구", Profile::University),
    ("대구", "중구", Profile::Trendy),
    ("대구", "북구", Profile::University),
    ("대구", "수성구", Profile::Family),
    ("인천", "연수구", Profile::Family),
    ("인천", "중구", Profile::Tourist),
    ("대전", "유성구", Profile::University),
    ("대전", "서구", Profile::Office),
    ("광주", "동구", Profile::Trendy),
    ("경기", "성남시", Profile::Office),
    ("경기", "분당구", Profile::Family),
    ("경기", "수원시", Profile::University),
    ("경기", "용인시", Profile::Family),
    ("경기", "고양시", Profile::Family),
    ("강원", "강릉시", Profile::Tourist),
    ("강원", "속초시", Profile::Tourist),
    ("경북", "경주시", Profile::Tourist),
    ("전북", "전주시", Profile::Tourist),
    ("전남", "여수시", Profile::Tourist),
    ("제주", "제주시", Profile::Tourist),
    ("제주", "서귀포시", Profile::Tourist),
];

/// Neighbourhood names that say more than their district.
const NEIGHBOURHOODS: &[(&str, Profile)] = &[
    ("여의도", Profile::Office),
    ("판교", Profile::Office),
    ("성수", Profile::Trendy),
    ("홍대", Profile::Trendy),
    ("연남", Profile::Trendy),
    ("이태원", Profile::Trendy),
    ("신촌", Profile::University),
    ("대학로", Profile::University),
    ("해운대", Profile::Tourist),
    ("광안리", Profile::Tourist),
    ("서면", Profile::Trendy),
    ("목동", Profile::Family),
    ("대치", Profile::Family),
];

fn is_district(token: &str) -> bool {
    token.chars().count() >= 2
        && (token.ends_with('구') || token.ends_with('군') || token.ends_with('시'))
}

/// Parses a free-form Korean address such as `서울시 강남구 테헤란로 1`
/// or `부산 해운대구 우동`.
pub fn parse(address: &str) -> Region {
    let tokens: Vec<&str> = address
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| c == ',' || c == '(' || c == ')'))
        .collect();
    let exact = |t: &str| {
        SIDO.iter()
            .find(|(_, spellings)| spellings.contains(&t))
            .map(|(short, _)| *short)
    };
    // The tokens after the 시/도 name the district; a 시/도 glued to the
    // district ("서울강남구") is split off its token.
    let (sido, rest): (Option<&'static str>, Vec<&str>) =
        match tokens.iter().position(|t| exact(t).is_some()) {
            Some(i) => (exact(tokens[i]), tokens[i + 1..].to_vec()),
            None => {
                let first = tokens.first().copied().unwrap_or_default();
                let glued = SIDO.iter().find_map(|(short, spellings)| {
                    spellings
                        .iter()
                        .find_map(|s| first.strip_prefix(s))
                        .map(|remainder| (*short, remainder))
                });
                match glued {
                    Some((short, remainder)) => {
                        let mut rest = vec![remainder];
                        rest.extend(tokens.iter().skip(1));
                        (Some(short), rest)
                    }
                    None => (None, tokens.clone()),
                }
            }
        };
    let district = rest.iter().find(|t| is_district(t)).map(|t| t.to_string());
    let sido_name = sido.unwrap_or("전국");
    let known = |d: &str| {
        DISTRICTS
            .iter()
            .find(|(s, name, _)| *s == sido_name && *name == d)
            .map(|(_, _, p)| *p)
    };
    let profile = NEIGHBOURHOODS
        .iter()
        .find(|(n, _)| address.contains(n))
        .map(|(_, p)| *p)
        // "경기 성남시 분당구": the most specific district token decides.
        .or_else(|| {
            rest.iter()
                .rev()
                .filter(|t| is_district(t))
                .find_map(|t| known(t))
        })
        .unwrap_or(if sido.is_some_and(|s| METROPOLITAN.contains(&s)) {
            Profile::Urban
        } else {
            Profile::Local
        });
    Region {
        sido: sido_name,
        district,
        profile,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_give_their_region_and_profile() {
        let cases = [
            ("서울시 강남구", "서울 강남구", Profile::Office),
            (
                "서울특별시 강남구 테헤란로 123",
                "서울 강남구",
                Profile::Office,
            ),
            ("부산 해운대구 우동", "부산 해운대구", Profile::Tourist),
            ("서울 관악구 신림동", "서울 관악구", Profile::University),
            ("서울 마포구 연남동", "서울 마포구", Profile::Trendy),
            ("서울 노원구 상계동", "서울 노원구", Profile::Family),
            ("서울 도봉구 창동", "서울 도봉구", Profile::Urban),
            (
                "경기도 성남시 분당구 정자동",
                "경기 성남시",
                Profile::Family,
            ),
            ("경기 성남시 판교역로", "경기 성남시", Profile::Office),
            ("전라남도 순천시 연향동", "전남 순천시", Profile::Local),
            ("제주 제주시 연동", "제주 제주시", Profile::Tourist),
            ("서울강남구", "서울 강남구", Profile::Office),
            ("경기도 광주시 오포읍", "경기 광주시", Profile::Local),
        ];
        for (address, label, profile) in cases {
            let r = parse(address);
            assert_eq!(
                (r.label().as_str(), r.profile),
                (label, profile),
                "{address}"
            );
        }
    }

    #[test]
    fn an_address_without_a_province_still_parses() {
        let r = parse("해운대 바닷가 앞");
        assert_eq!((r.sido, r.profile), ("전국", Profile::Tourist));
        assert_eq!(parse("시골 마을").profile, Profile::Local);
    }
}
