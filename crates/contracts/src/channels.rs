//! The six distribution channels. Codes travel upper-case; Korean names are for display.

use serde::{Deserialize, Serialize};

/// A distribution channel (docs/design.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Channel {
    Uridongnetv,
    Ringobiz,
    Ginitv,
    Instagram,
    Naver,
    Kakao,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Uridongnetv,
        Channel::Ringobiz,
        Channel::Ginitv,
        Channel::Instagram,
        Channel::Naver,
        Channel::Kakao,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Uridongnetv => "URIDONGNETV",
            Channel::Ringobiz => "RINGOBIZ",
            Channel::Ginitv => "GINITV",
            Channel::Instagram => "INSTAGRAM",
            Channel::Naver => "NAVER",
            Channel::Kakao => "KAKAO",
        }
    }

    /// The name owners know the channel by.
    pub fn display_name(self) -> &'static str {
        match self {
            Channel::Uridongnetv => "우리동네TV",
            Channel::Ringobiz => "링고비즈",
            Channel::Ginitv => "지니TV",
            Channel::Instagram => "인스타그램",
            Channel::Naver => "네이버 블로그",
            Channel::Kakao => "카카오톡 채널",
        }
    }

    /// Exactly one of the six codes.
    pub fn parse(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Views a channel is expected to bring with its settings: the one table
/// behind every "예상 노출" figure (the channel step, the publish result, the
/// distribution fallback, the sandbox partners). `radius` matters to
/// 우리동네TV (`500m`, `1km`, `2km`; 1 km otherwise), `budget` (won) to 지니TV
/// (about 30 won per impression; 300,000 won when not given).
pub fn expected_reach(channel: Channel, radius: Option<&str>, budget: Option<u64>) -> u64 {
    match channel {
        Channel::Uridongnetv => match radius {
            Some("500m") => 3_000,
            Some("2km") => 20_000,
            _ => 8_000,
        },
        Channel::Ginitv => budget.unwrap_or(300_000) / 30,
        Channel::Instagram => 1_500,
        Channel::Naver => 800,
        Channel::Kakao => 1_200,
        Channel::Ringobiz => 300,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(c));
            assert_eq!(serde_json::to_value(c).expect("json"), c.code());
        }
        assert_eq!(Channel::parse("instagram"), None);
        assert_eq!(Channel::parse("YOUTUBE"), None);
    }
}
