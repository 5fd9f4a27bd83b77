//! Event rules, free of I/O: the four objectives, store info, the status
//! machine and the double-tap rule of purpose selection.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The four objectives of seed 1, travelling as their Korean labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Objective {
    #[serde(rename = "신규 고객 유치")]
    NewCustomers,
    #[serde(rename = "재방문 유도")]
    Revisit,
    #[serde(rename = "매출 증대")]
    SalesIncrease,
    #[serde(rename = "인지도 향상")]
    Awareness,
}

/// Domain-level refusals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventRuleError {
    /// EVENT_001
    #[error("invalid objective")]
    InvalidObjective,
    /// EVENT_002, naming the missing fields.
    #[error("store info missing: {0:?}")]
    StoreInfoMissing(Vec<&'static str>),
    #[error("cannot go from {from:?} to {to:?}")]
    InvalidTransition { from: EventStatus, to: EventStatus },
}

impl Objective {
    pub const ALL: [Objective; 4] = [
        Objective::NewCustomers,
        Objective::Revisit,
        Objective::SalesIncrease,
        Objective::Awareness,
    ];

    /// Exactly one of the four labels (surrounding spaces ignored).
    pub fn parse(raw: &str) -> Result<Objective, EventRuleError> {
        let raw = raw.trim();
        Objective::ALL
            .into_iter()
            .find(|o| o.label() == raw)
            .ok_or(EventRuleError::InvalidObjective)
    }

    pub fn label(self) -> &'static str {
        match self {
            Objective::NewCustomers => "신규 고객 유치",
            Objective::Revisit => "재방문 유도",
            Objective::SalesIncrease => "매출 증대",
            Objective::Awareness => "인지도 향상",
        }
    }
}

/// The store an event is for, as given at purpose selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    pub store_name: String,
    pub industry: String,
    pub address: String,
}

impl StoreInfo {
    /// All three required and non-blank (trimmed); over-long values count as invalid.
    pub fn parse(
        store_name: Option<&str>,
        industry: Option<&str>,
        address: Option<&str>,
    ) -> Result<StoreInfo, EventRuleError> {
        let mut missing = Vec::new();
        let mut field = |name: &'static str, raw: Option<&str>, max: usize| {
            let value = raw.map(str::trim).unwrap_or_default();
            if value.is_empty() || value.chars().count() > max {
                missing.push(name);
            }
            value.to_string()
        };
        let info = StoreInfo {
            store_name: field("storeName", store_name, 100),
            industry: field("industry", industry, 50),
            address: field("address", address, 200),
        };
        if missing.is_empty() {
            Ok(info)
        } else {
            Err(EventRuleError::StoreInfoMissing(missing))
        }
    }
}

/// `DRAFT → APPROVED → ACTIVE → ENDED` (seed 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventStatus {
    Draft,
    Approved,
    Active,
    Ended,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Draft => "DRAFT",
            EventStatus::Approved => "APPROVED",
            EventStatus::Active => "ACTIVE",
            EventStatus::Ended => "ENDED",
        }
    }

    pub fn parse(raw: &str) -> Option<EventStatus> {
        [
            EventStatus::Draft,
            EventStatus::Approved,
            EventStatus::Active,
            EventStatus::Ended,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// The allowed moves. APPROVED may fall back to nothing: a failed
    /// distribution leaves it APPROVED and a new publish retries from there.
    pub fn transition(self, to: EventStatus) -> Result<EventStatus, EventRuleError> {
        use EventStatus::*;
        match (self, to) {
            (Draft, Approved) | (Approved, Active) | (Active, Ended) | (Approved, Ended) => Ok(to),
            (from, to) => Err(EventRuleError::InvalidTransition { from, to }),
        }
    }

    /// Only drafts can be edited.
    pub fn is_editable(self) -> bool {
        self == EventStatus::Draft
    }
}

/// A validated purpose selection (seed 1's input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeSelection {
    pub user_id: i64,
    pub objective: Objective,
    pub store: StoreInfo,
}

/// How long a repeat of the same selection counts as a double tap: the
/// lifetime of the `purpose:{userId}` cache entry.
pub const IN_PROGRESS_WINDOW: Duration = Duration::minutes(30);

impl PurposeSelection {
    /// The key under which the in-progress draft of this exact selection is
    /// found again: same user, objective and store info.
    pub fn dedupe_key(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.user_id,
            self.objective.label(),
            self.store.store_name,
            self.store.industry,
            self.store.address
        )
    }

    /// Whether an existing draft of the same selection is still the one in progress.
    pub fn is_repeat_of(
        status: EventStatus,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        status == EventStatus::Draft && now - created_at < IN_PROGRESS_WINDOW
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_four_objectives_are_accepted() {
        assert_eq!(
            Objective::parse("신규 고객 유치"),
            Ok(Objective::NewCustomers)
        );
        assert_eq!(Objective::parse(" 재방문 유도 "), Ok(Objective::Revisit));
        assert_eq!(Objective::parse("매출 증대"), Ok(Objective::SalesIncrease));
        assert_eq!(Objective::parse("인지도 향상"), Ok(Objective::Awareness));
        for bad in ["", "신규고객유치", "NEW_CUSTOMERS", "매출", "인지도 향상!"] {
            assert_eq!(
                Objective::parse(bad),
                Err(EventRuleError::InvalidObjective),
                "{bad}"
            );
        }
    }

    #[test]
    fn store_info_names_every_missing_field() {
        let ok = StoreInfo::parse(Some(" 맛있는집 "), Some("음식점"), Some("서울시 강남구"))
            .expect("ok");
        assert_eq!(ok.store_name, "맛있는집");
        assert_eq!(
            StoreInfo::parse(Some(""), None, Some("  ")),
            Err(EventRuleError::StoreInfoMissing(vec![
                "storeName",
                "industry",
                "address"
            ]))
        );
        let long = "가".repeat(101);
        assert!(StoreInfo::parse(Some(&long), Some("카페"), Some("부산")).is_err());
    }

    #[test]
    fn the_status_machine_moves_forward_only() {
        use EventStatus::*;
        assert_eq!(Draft.transition(Approved), Ok(Approved));
        assert_eq!(Approved.transition(Active), Ok(Active));
        assert_eq!(Active.transition(Ended), Ok(Ended));
        assert!(Draft.transition(Active).is_err());
        assert!(Active.transition(Draft).is_err());
        assert!(Ended.transition(Active).is_err());
        assert!(Draft.is_editable() && !Approved.is_editable());
        assert_eq!(EventStatus::parse("ACTIVE"), Some(Active));
        assert_eq!(EventStatus::parse("active"), None);
    }

    #[test]
    fn a_repeat_within_thirty_minutes_of_a_draft_is_a_double_tap() {
        let now = Utc::now();
        assert!(PurposeSelection::is_repeat_of(
            EventStatus::Draft,
            now - Duration::minutes(29),
            now
        ));
        assert!(!PurposeSelection::is_repeat_of(
            EventStatus::Draft,
            now - Duration::minutes(31),
            now
        ));
        assert!(!PurposeSelection::is_repeat_of(
            EventStatus::Approved,
            now,
            now
        ));
    }

    #[test]
    fn dedupe_keys_differ_when_any_input_differs() {
        let base = PurposeSelection {
            user_id: 1,
            objective: Objective::NewCustomers,
            store: StoreInfo {
                store_name: "a".into(),
                industry: "b".into(),
                address: "c".into(),
            },
        };
        let mut other = base.clone();
        other.store.address = "d".into();
        assert_ne!(base.dedupe_key(), other.dedupe_key());
        let mut other_user = base.clone();
        other_user.user_id = 2;
        assert_ne!(base.dedupe_key(), other_user.dedupe_key());
    }
}
