//! `validatePublishReady` (seed 2, step 2), pure: what a draft still lacks
//! before it can be published.

/// One thing a draft lacks, named for the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Objective,
    Recommendation,
    Content,
    ContentRendering,
    Channels,
    /// The plan's end date is already over: the event would end at once.
    EndDatePassed,
    /// No dates yet (a duplicated event starts without them).
    Dates,
}

impl Missing {
    /// Field name and Korean label, e.g. `recommendation(AI 추천 선택)`.
    pub fn describe(self) -> &'static str {
        match self {
            Missing::Objective => "objective(목적 선택)",
            Missing::Recommendation => "recommendation(AI 추천 선택)",
            Missing::Content => "content(콘텐츠 선택)",
            Missing::ContentRendering => "content(편집한 이미지를 생성하는 중)",
            Missing::Channels => "channels(배포 채널 최소 1개)",
            Missing::EndDatePassed => "endDate(이미 지난 종료일: 이벤트 기간을 다시 정해 주세요)",
            Missing::Dates => "startDate(이벤트 기간을 정해 주세요)",
        }
    }
}

/// The facts of a draft that decide whether it can be published.
#[derive(Debug, Clone, Copy, Default)]
pub struct DraftFacts {
    pub has_objective: bool,
    pub has_recommendation: bool,
    pub has_content: bool,
    /// The edited content's image is still being rendered.
    pub content_rendering: bool,
    pub channel_count: usize,
    /// The chosen end date is before today (Korea).
    pub end_date_passed: bool,
    /// Start and end dates are set.
    pub has_dates: bool,
}

/// Everything missing, in the seed's order; empty when ready.
pub fn validate_publish_ready(facts: DraftFacts) -> Vec<Missing> {
    let mut missing = Vec::new();
    if !facts.has_objective {
        missing.push(Missing::Objective);
    }
    if !facts.has_recommendation {
        missing.push(Missing::Recommendation);
    }
    if facts.has_recommendation && !facts.has_dates {
        missing.push(Missing::Dates);
    }
    if !facts.has_content {
        missing.push(Missing::Content);
    } else if facts.content_rendering {
        missing.push(Missing::ContentRendering);
    }
    if facts.channel_count == 0 {
        missing.push(Missing::Channels);
    }
    if facts.end_date_passed {
        missing.push(Missing::EndDatePassed);
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> DraftFacts {
        DraftFacts {
            has_objective: true,
            has_recommendation: true,
            has_content: true,
            content_rendering: false,
            channel_count: 1,
            end_date_passed: false,
            has_dates: true,
        }
    }

    #[test]
    fn a_plan_whose_end_date_passed_is_not_published() {
        let stale = DraftFacts {
            end_date_passed: true,
            ..ready()
        };
        assert_eq!(validate_publish_ready(stale), vec![Missing::EndDatePassed]);
    }

    #[test]
    fn a_complete_draft_is_ready() {
        assert!(validate_publish_ready(ready()).is_empty());
    }

    #[test]
    fn every_missing_step_is_named_in_order() {
        let missing = validate_publish_ready(DraftFacts::default());
        assert_eq!(
            missing,
            vec![
                Missing::Objective,
                Missing::Recommendation,
                Missing::Content,
                Missing::Channels
            ]
        );
        let rendering = DraftFacts {
            content_rendering: true,
            ..ready()
        };
        assert_eq!(
            validate_publish_ready(rendering),
            vec![Missing::ContentRendering]
        );
        let no_channels = DraftFacts {
            channel_count: 0,
            ..ready()
        };
        assert_eq!(validate_publish_ready(no_channels), vec![Missing::Channels]);
        let no_dates = DraftFacts {
            has_dates: false,
            ..ready()
        };
        assert_eq!(validate_publish_ready(no_dates), vec![Missing::Dates]);
    }
}
