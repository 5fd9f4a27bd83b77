//! Channel selection rules (UFR-EVENT-040): which channels, and the settings
//! each one needs to be booked. Pure; parsed at the boundary.

use std::collections::BTreeMap;

use contracts::channels::Channel;
use serde_json::{Map, Value};

/// Why a channel selection was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// EVENT_006
    #[error("unknown channel {0}")]
    Unknown(String),
    /// EVENT_007
    #[error("{channel}: {message}")]
    Invalid { channel: String, message: String },
}

fn invalid(channel: &str, message: impl Into<String>) -> ChannelError {
    ChannelError::Invalid {
        channel: channel.to_string(),
        message: message.into(),
    }
}

/// 우리동네TV ad radius choices.
pub const RADII: [&str; 3] = ["500m", "1km", "2km"];
/// 우리동네TV time slots.
pub const TIME_SLOTS: [&str; 5] = ["morning", "lunch", "afternoon", "evening", "night"];
/// 지니TV budget bounds in KRW.
pub const GINITV_BUDGET: std::ops::RangeInclusive<i64> = 50_000..=50_000_000;

/// A validated selection: at least one channel, each with normalised settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelPlan {
    pub channels: Vec<Channel>,
    pub settings: BTreeMap<Channel, Value>,
}

impl ChannelPlan {
    /// Parses codes and per-channel settings. Settings may only be given for
    /// selected channels; every field is checked and unknown fields refused.
    pub fn parse(
        codes: &[String],
        settings: &Map<String, Value>,
    ) -> Result<ChannelPlan, ChannelError> {
        if codes.is_empty() {
            return Err(invalid("channels", "배포 채널을 1개 이상 선택해 주세요"));
        }
        let mut channels = Vec::new();
        for code in codes {
            let channel =
                Channel::parse(code.trim()).ok_or_else(|| ChannelError::Unknown(code.clone()))?;
            if !channels.contains(&channel) {
                channels.push(channel);
            }
        }
        for code in settings.keys() {
            let channel =
                Channel::parse(code).ok_or_else(|| ChannelError::Unknown(code.clone()))?;
            if !channels.contains(&channel) {
                return Err(invalid(code, "선택하지 않은 채널의 설정입니다"));
            }
        }
        let empty = Map::new();
        let mut parsed = BTreeMap::new();
        for &channel in &channels {
            let given = match settings.get(channel.code()) {
                None | Some(Value::Null) => &empty,
                Some(Value::Object(map)) => map,
                Some(_) => return Err(invalid(channel.code(), "설정은 객체여야 합니다")),
            };
            parsed.insert(channel, settings_for(channel, given)?);
        }
        Ok(ChannelPlan {
            channels,
            settings: parsed,
        })
    }
}

fn settings_for(channel: Channel, given: &Map<String, Value>) -> Result<Value, ChannelError> {
    let code = channel.code();
    let allowed: &[&str] = match channel {
        Channel::Uridongnetv => &["radius", "timeSlot"],
        Channel::Ringobiz => &["phoneNumber"],
        Channel::Ginitv => &["region", "budget"],
        Channel::Instagram => &["hashtags"],
        Channel::Naver | Channel::Kakao => &[],
    };
    if let Some(unknown) = given.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(invalid(
            code,
            format!("알 수 없는 설정 항목입니다: {unknown}"),
        ));
    }
    let text = |field: &str| given.get(field).and_then(Value::as_str).map(str::trim);
    let mut out = Map::new();
    match channel {
        Channel::Uridongnetv => {
            let radius = text("radius")
                .filter(|r| RADII.contains(r))
                .ok_or_else(|| invalid(code, "반경은 500m, 1km, 2km 중 하나여야 합니다"))?;
            let slot = text("timeSlot")
                .filter(|s| TIME_SLOTS.contains(s))
                .ok_or_else(|| {
                    invalid(
                        code,
                        "시간대는 morning, lunch, afternoon, evening, night 중 하나여야 합니다",
                    )
                })?;
            out.insert("radius".into(), radius.into());
            out.insert("timeSlot".into(), slot.into());
        }
        Channel::Ringobiz => {
            let digits: String = text("phoneNumber")
                .unwrap_or_default()
                .chars()
                .filter(|c| *c != '-' && *c != ' ')
                .collect();
            if !(9..=11).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(invalid(code, "매장 전화번호(숫자 9~11자리)가 필요합니다"));
            }
            out.insert("phoneNumber".into(), digits.into());
        }
        Channel::Ginitv => {
            let region = text("region")
                .filter(|r| !r.is_empty() && r.chars().count() <= 50)
                .ok_or_else(|| invalid(code, "광고 지역이 필요합니다"))?;
            let budget = given
                .get("budget")
                .and_then(Value::as_i64)
                .filter(|b| GINITV_BUDGET.contains(b))
                .ok_or_else(|| {
                    invalid(
                        code,
                        "예산은 50,000원 이상 50,000,000원 이하의 정수여야 합니다",
                    )
                })?;
            out.insert("region".into(), region.into());
            out.insert("budget".into(), budget.into());
        }
        Channel::Instagram => {
            if let Some(tags) = given.get("hashtags") {
                let tags = tags
                    .as_array()
                    .filter(|a| a.len() <= 30)
                    .and_then(|a| {
                        a.iter()
                            .map(|t| t.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| {
                        invalid(code, "해시태그는 30개 이하의 문자열 목록이어야 합니다")
                    })?;
                out.insert("hashtags".into(), tags.into());
            }
        }
        Channel::Naver | Channel::Kakao => {}
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(codes: &[&str], settings: Value) -> Result<ChannelPlan, ChannelError> {
        let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        ChannelPlan::parse(&codes, settings.as_object().expect("object"))
    }

    #[test]
    fn the_spec_example_is_accepted_and_normalised() {
        let plan = parse(
            &["INSTAGRAM", "URIDONGNETV", "GINITV", "RINGOBIZ"],
            json!({"URIDONGNETV": {"radius": "1km", "timeSlot": "evening"},
                   "GINITV": {"region": "서울 강남구", "budget": 300000},
                   "RINGOBIZ": {"phoneNumber": "02-1234-5678"}}),
        )
        .expect("valid");
        assert_eq!(plan.channels.len(), 4);
        assert_eq!(
            plan.settings[&Channel::Ringobiz]["phoneNumber"],
            "0212345678"
        );
        assert_eq!(plan.settings[&Channel::Instagram], json!({}));
    }

    #[test]
    fn each_channel_refuses_what_it_cannot_book_with() {
        let cases = [
            (vec!["RINGOBIZ"], json!({})),
            (vec!["RINGOBIZ"], json!({"RINGOBIZ": {"phoneNumber": "12"}})),
            (
                vec!["URIDONGNETV"],
                json!({"URIDONGNETV": {"radius": "3km", "timeSlot": "evening"}}),
            ),
            (
                vec!["URIDONGNETV"],
                json!({"URIDONGNETV": {"radius": "1km"}}),
            ),
            (
                vec!["GINITV"],
                json!({"GINITV": {"region": "서울", "budget": 10}}),
            ),
            (
                vec!["GINITV"],
                json!({"GINITV": {"region": "", "budget": 300000}}),
            ),
            (
                vec!["GINITV"],
                json!({"GINITV": {"region": "서울", "budget": "300000"}}),
            ),
            (vec!["NAVER"], json!({"NAVER": {"color": "red"}})),
            (vec!["KAKAO"], json!({"KAKAO": 5})),
            (vec!["INSTAGRAM"], json!({"NAVER": {}})),
            (vec![], json!({})),
        ];
        for (codes, settings) in cases {
            let result = parse(&codes, settings.clone());
            assert!(
                matches!(result, Err(ChannelError::Invalid { .. })),
                "{codes:?} {settings} → {result:?}"
            );
        }
    }

    #[test]
    fn unknown_codes_are_named() {
        assert_eq!(
            parse(&["YOUTUBE"], json!({})),
            Err(ChannelError::Unknown("YOUTUBE".into()))
        );
        assert_eq!(
            parse(&["NAVER"], json!({"TIKTOK": {}})),
            Err(ChannelError::Unknown("TIKTOK".into()))
        );
    }

    #[test]
    fn duplicates_collapse() {
        assert_eq!(
            parse(&["NAVER", "NAVER"], json!({})).expect("ok").channels,
            vec![Channel::Naver]
        );
    }
}
