//! Distribution rules, free of HTTP and SQL: the request parsed into a
//! [`Plan`], each channel's settings, the per-channel status machine, the
//! idempotency key and the views a channel is expected to bring.

use std::collections::BTreeMap;

use contracts::{channels::Channel, distribution::DistributeRequest};
use serde::{Deserialize, Serialize};

/// Where a channel stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChannelStatus {
    Pending,
    InProgress,
    Success,
    Failed,
}

impl ChannelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelStatus::Pending => "PENDING",
            ChannelStatus::InProgress => "IN_PROGRESS",
            ChannelStatus::Success => "SUCCESS",
            ChannelStatus::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<ChannelStatus> {
        [Self::Pending, Self::InProgress, Self::Success, Self::Failed]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    /// Whether the channel is done (for now): published or failed.
    pub fn is_settled(self) -> bool {
        matches!(self, ChannelStatus::Success | ChannelStatus::Failed)
    }
}

/// What is published, with the image URL made absolute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub title: String,
    pub description: String,
    pub image_url: String,
    pub prize: String,
    pub caption: Option<String>,
    pub hashtags: Vec<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub store_name: String,
    pub entry_url: Option<String>,
}

/// A channel's settings, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ChannelSettings {
    /// INSTAGRAM, NAVER, KAKAO need none.
    None,
    /// URIDONGNETV: booking radius (500m/1km/2km) and time slot.
    LocalTv { radius: String, time_slot: String },
    /// RINGOBIZ: the store phone whose ringback plays the event, and an optional script.
    Ringback {
        phone_number: String,
        script: Option<String>,
    },
    /// GINITV: region and budget in won.
    Iptv { region: String, budget: u64 },
}

/// A parsed distribution request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub event_id: String,
    pub channels: Vec<Channel>,
    pub settings: BTreeMap<Channel, ChannelSettings>,
    pub content: Content,
}

/// Why a request cannot be distributed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Required fields missing or malformed (DIST_001), by name.
    #[error("missing or invalid: {}", .0.join(", "))]
    Invalid(Vec<String>),
    /// A channel code unknown, or a channel's settings invalid (DIST_002).
    #[error("{0}")]
    Channel(String),
}

impl Plan {
    /// Parses the request; a relative `imageUrl` is resolved against `origin`.
    pub fn parse(req: DistributeRequest, origin: &str) -> Result<Plan, RequestError> {
        let mut missing = Vec::new();
        if req.event_id.trim().is_empty() || req.event_id.len() > 100 {
            missing.push("eventId".to_string());
        }
        let mut content = match req.content {
            Some(c) => Content {
                title: c.title,
                description: c.description,
                image_url: c.image_url,
                prize: c.prize,
                caption: c.caption.filter(|s| !s.trim().is_empty()),
                hashtags: c.hashtags.unwrap_or_default(),
                start_date: c.start_date,
                end_date: c.end_date,
                store_name: c.store_name,
                entry_url: c.entry_url.filter(|s| !s.trim().is_empty()),
            },
            None => Content {
                title: req.title.unwrap_or_default(),
                description: req.description.unwrap_or_default(),
                image_url: req.image_url.unwrap_or_default(),
                ..Content::default()
            },
        };
        if content.title.trim().is_empty() {
            missing.push("title".to_string());
        }
        match resolve_url(&content.image_url, origin) {
            Some(url) => content.image_url = url,
            None => missing.push("imageUrl".to_string()),
        }
        if req.channels.is_empty() {
            missing.push("channels".to_string());
        }
        if !missing.is_empty() {
            return Err(RequestError::Invalid(missing));
        }
        let mut channels = Vec::new();
        for code in &req.channels {
            let channel = Channel::parse(code).ok_or_else(|| {
                RequestError::Channel(format!(
                    "알 수 없는 채널입니다: {code} (URIDONGNETV, RINGOBIZ, GINITV, INSTAGRAM, NAVER, KAKAO)"
                ))
            })?;
            if !channels.contains(&channel) {
                channels.push(channel);
            }
        }
        let given = req.channel_settings.unwrap_or_default();
        let mut settings = BTreeMap::new();
        for &channel in &channels {
            let raw = given.get(channel.code()).cloned().unwrap_or_default();
            settings.insert(channel, parse_settings(channel, &raw)?);
        }
        Ok(Plan {
            event_id: req.event_id.trim().to_string(),
            channels,
            settings,
            content,
        })
    }

    pub fn settings_of(&self, channel: Channel) -> &ChannelSettings {
        self.settings
            .get(&channel)
            .unwrap_or(&ChannelSettings::None)
    }
}

/// `url` made absolute: kept when http(s), prefixed with `origin` when it is a path.
fn resolve_url(url: &str, origin: &str) -> Option<String> {
    let url = url.trim();
    if url.starts_with("http://") || url.starts_with("https://") {
        Some(url.to_string())
    } else if url.starts_with('/') && !url.starts_with("//") {
        Some(format!("{}{url}", origin.trim_end_matches('/')))
    } else {
        None
    }
}

fn text(raw: &serde_json::Value, name: &str) -> Option<String> {
    raw[name]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn parse_settings(
    channel: Channel,
    raw: &serde_json::Value,
) -> Result<ChannelSettings, RequestError> {
    let bad = |message: &str| RequestError::Channel(format!("{}: {message}", channel.code()));
    match channel {
        Channel::Instagram | Channel::Naver | Channel::Kakao => Ok(ChannelSettings::None),
        Channel::Uridongnetv => {
            let radius = text(raw, "radius")
                .filter(|r| ["500m", "1km", "2km"].contains(&r.as_str()))
                .ok_or_else(|| bad("radius는 500m, 1km, 2km 중 하나여야 합니다"))?;
            let time_slot = text(raw, "timeSlot").ok_or_else(|| bad("timeSlot이 필요합니다"))?;
            Ok(ChannelSettings::LocalTv { radius, time_slot })
        }
        Channel::Ringobiz => {
            let phone: String = text(raw, "phoneNumber")
                .unwrap_or_default()
                .chars()
                .filter(|c| *c != '-' && *c != ' ')
                .collect();
            if !(9..=11).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("phoneNumber는 9~11자리 숫자여야 합니다"));
            }
            Ok(ChannelSettings::Ringback {
                phone_number: phone,
                script: text(raw, "script"),
            })
        }
        Channel::Ginitv => {
            let region = text(raw, "region").ok_or_else(|| bad("region이 필요합니다"))?;
            let budget = raw["budget"]
                .as_u64()
                .filter(|b| *b > 0)
                .ok_or_else(|| bad("budget은 0보다 큰 금액이어야 합니다"))?;
            Ok(ChannelSettings::Iptv { region, budget })
        }
    }
}

/// The key sent to the channel API with every attempt, so that retries and
/// repeated distributes of one event never post twice on one channel.
pub fn idempotency_key(event_id: &str, channel: Channel) -> String {
    format!("{event_id}:{}", channel.code())
}

/// Views a channel is expected to bring when its API gives no estimate:
/// the one table in contracts, so the publish result says what the channel
/// step said.
pub fn expected_views(channel: Channel, settings: &ChannelSettings) -> u64 {
    let (radius, budget) = match settings {
        ChannelSettings::LocalTv { radius, .. } => (Some(radius.as_str()), None),
        ChannelSettings::Iptv { budget, .. } => (None, Some(*budget)),
        _ => (None, None),
    };
    contracts::channels::expected_reach(channel, radius, budget)
}

#[cfg(test)]
mod tests;
