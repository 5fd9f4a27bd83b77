//! Event rules, free of I/O: store info and the double-tap rule of purpose
//! selection. The objectives and the status machine live in `contracts`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The objectives and the status machine have one home, in `contracts`
/// (shared with ai, participation and analytics).
pub use contracts::{
    objective::Objective,
    status::{EventStatus, IllegalTransition, Transition, DOUBLE_TAP_WINDOW},
};

/// Domain-level refusals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventRuleError {
    /// EVENT_001
    #[error("invalid objective")]
    InvalidObjective,
    /// EVENT_002, naming the missing fields.
    #[error("store info missing: {0:?}")]
    StoreInfoMissing(Vec<&'static str>),
    #[error(transparent)]
    InvalidTransition(#[from] IllegalTransition),
}

/// Exactly one of the four objective labels (surrounding spaces ignored).
pub fn parse_objective(raw: &str) -> Result<Objective, EventRuleError> {
    Objective::parse(raw).ok_or(EventRuleError::InvalidObjective)
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

/// A validated purpose selection (seed 1's input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeSelection {
    pub user_id: i64,
    pub objective: Objective,
    pub store: StoreInfo,
}

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
        status == EventStatus::Draft && now - created_at < DOUBLE_TAP_WINDOW
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn only_the_four_objectives_are_accepted() {
        assert_eq!(parse_objective(" 재방문 유도 "), Ok(Objective::Revisit));
        assert_eq!(
            parse_objective("매출"),
            Err(EventRuleError::InvalidObjective)
        );
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
