//! The creation steps' rules (UFR-EVENT-030, UFR-CONT-010/020), pure: job
//! states, choosing and adjusting a recommendation, choosing and editing the
//! content, and the words printed on the images.

use chrono::NaiveDate;
use contracts::ai::Recommendation;
use serde::{Deserialize, Serialize};

/// Longest event the owner may plan: long events lose their urgency and
/// the channels' bookings are priced by the month.
pub const MAX_EVENT_DAYS: i64 = 90;
const MAX_TITLE_CHARS: usize = 60;
const MAX_PRIZE_CHARS: usize = 80;
/// Instagram's caption limit, the strictest of the channels.
const MAX_CAPTION_CHARS: usize = 2200;

/// Where an AI or image job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Pending,
    Processing,
    Completed,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "PENDING",
            JobStatus::Processing => "PROCESSING",
            JobStatus::Completed => "COMPLETED",
            JobStatus::Failed => "FAILED",
        }
    }

    pub fn parse(code: &str) -> Option<JobStatus> {
        [
            JobStatus::Pending,
            JobStatus::Processing,
            JobStatus::Completed,
            JobStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == code)
    }

    /// Still waiting for the worker.
    pub fn is_open(self) -> bool {
        matches!(self, JobStatus::Pending | JobStatus::Processing)
    }
}

/// Why a choice or an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    #[error("optionNumber는 1, 2, 3 중 하나여야 합니다")]
    OptionNumber,
    #[error("{field}: {reason}")]
    Field { field: &'static str, reason: String },
}

fn field(field: &'static str, reason: impl Into<String>) -> ChoiceError {
    ChoiceError::Field {
        field,
        reason: reason.into(),
    }
}

/// A text the owner typed: trimmed, non-blank, at most `max` characters.
fn owner_text(
    name: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ChoiceError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim().to_string();
    if value.is_empty() {
        return Err(field(name, "비어 있을 수 없습니다"));
    }
    if value.chars().count() > max {
        return Err(field(name, format!("{max}자 이하로 입력하세요")));
    }
    Ok(Some(value))
}

/// An optional `YYYY-MM-DD` field.
pub fn date(name: &'static str, value: Option<String>) -> Result<Option<NaiveDate>, ChoiceError> {
    value
        .map(|v| {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| field(name, "YYYY-MM-DD 형식의 날짜여야 합니다"))
        })
        .transpose()
}

/// `PUT /api/events/{id}/recommendation`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationChoice {
    pub option_number: u8,
    pub title: Option<String>,
    pub prize: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

impl RecommendationChoice {
    pub fn parse(
        option_number: Option<i64>,
        title: Option<String>,
        prize: Option<String>,
        start_date: Option<String>,
        end_date: Option<String>,
    ) -> Result<RecommendationChoice, ChoiceError> {
        let option_number = match option_number {
            Some(n @ 1..=3) => n as u8,
            _ => return Err(ChoiceError::OptionNumber),
        };
        Ok(RecommendationChoice {
            option_number,
            title: owner_text("title", title, MAX_TITLE_CHARS)?,
            prize: owner_text("prize", prize, MAX_PRIZE_CHARS)?,
            start_date: date("startDate", start_date)?,
            end_date: date("endDate", end_date)?,
        })
    }

    /// The chosen plan with the owner's adjustments applied. Moving only the
    /// start keeps the plan's length; dates must be in order and the event
    /// at most [`MAX_EVENT_DAYS`] long.
    pub fn apply(&self, options: &[Recommendation]) -> Result<Recommendation, ChoiceError> {
        let mut plan = options
            .iter()
            .find(|r| r.option_number == self.option_number)
            .cloned()
            .ok_or(ChoiceError::OptionNumber)?;
        let planned_start = NaiveDate::parse_from_str(&plan.duration.start_date, "%Y-%m-%d")
            .map_err(|_| field("startDate", "추천의 시작일이 올바르지 않습니다"))?;
        let planned_days = i64::from(plan.duration.recommended_days.max(1));
        let start = self.start_date.unwrap_or(planned_start);
        let end = match self.end_date {
            Some(end) => end,
            None => start + chrono::Duration::days(planned_days - 1),
        };
        if end < start {
            return Err(field("endDate", "종료일은 시작일과 같거나 이후여야 합니다"));
        }
        let days = (end - start).num_days() + 1;
        if days > MAX_EVENT_DAYS {
            return Err(field(
                "endDate",
                format!("이벤트 기간은 {MAX_EVENT_DAYS}일 이하여야 합니다"),
            ));
        }
        if let Some(title) = &self.title {
            plan.title = title.clone();
        }
        if let Some(prize) = &self.prize {
            plan.prize = prize.clone();
        }
        plan.duration.start_date = start.format("%Y-%m-%d").to_string();
        plan.duration.end_date = end.format("%Y-%m-%d").to_string();
        plan.duration.recommended_days = days as u32;
        Ok(plan)
    }
}

/// `PUT /api/events/{id}/content`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentEdit {
    pub image_id: String,
    pub title: Option<String>,
    pub prize_text: Option<String>,
    pub caption: Option<String>,
}

impl ContentEdit {
    pub fn parse(
        image_id: Option<String>,
        title: Option<String>,
        prize_text: Option<String>,
        caption: Option<String>,
    ) -> Result<ContentEdit, ChoiceError> {
        let image_id = image_id
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .ok_or_else(|| field("imageId", "선택할 이미지가 필요합니다"))?;
        Ok(ContentEdit {
            image_id,
            title: owner_text("title", title, MAX_TITLE_CHARS)?,
            prize_text: owner_text("prizeText", prize_text, MAX_PRIZE_CHARS)?,
            caption: owner_text("caption", caption, MAX_CAPTION_CHARS)?,
        })
    }
}

/// The content chosen for publishing, kept as JSON on the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChosenContent {
    pub image_id: String,
    pub style: String,
    pub platform: String,
    pub image_url: String,
    pub title: String,
    pub prize_text: String,
    pub caption: String,
    /// The re-render of the edited text in progress, if any; the image
    /// fields switch to the new image when it completes.
    pub rendering_job_id: Option<String>,
}

/// `2026.12.01 ~ 2026.12.14`, as printed on the images.
pub fn period(start: &str, end: &str) -> String {
    let dotted = |d: &str| d.replace('-', ".");
    format!("{} ~ {}", dotted(start), dotted(end))
}

/// The call to action printed on the images, by objective.
pub fn call_to_action(objective: &str) -> &'static str {
    match objective {
        "신규 고객 유치" => "처음 오시는 분 환영! 지금 참여하세요",
        "재방문 유도" => "다시 방문하고 혜택 받으세요",
        "매출 증대" => "기간 한정 혜택, 놓치지 마세요",
        _ => "참여하고 소문내 주세요",
    }
}

/// The caption a post gets until the owner writes one: the title, the
/// plan's customer copy and the dates. The plan's `description` is the
/// owner's reasoning and never goes to customers; the prize, the entry link
/// and the hashtags are added by the channels ([`crate::publish`] sends the
/// copy's hashtags).
pub fn default_caption(plan: &Recommendation, title: &str) -> String {
    let mut caption = title.to_string();
    let copy = plan.customer_copy.text.trim();
    if !copy.is_empty() {
        caption.push_str(&format!("\n\n{copy}"));
    }
    caption.push_str(&format!(
        "\n📅 {}",
        period(&plan.duration.start_date, &plan.duration.end_date)
    ));
    caption
}

/// The hashtags of the posts: the plan's, else the store's name and industry.
pub fn hashtags(plan: Option<&Recommendation>, store_name: &str, industry: &str) -> Vec<String> {
    match plan {
        Some(p) if !p.customer_copy.hashtags.is_empty() => p.customer_copy.hashtags.clone(),
        _ => [store_name, industry, "이벤트"]
            .iter()
            .map(|s| {
                s.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|t| !t.is_empty())
            .collect(),
    }
}

#[cfg(test)]
mod tests;
