//! `GET /api/events/{id}/entry-info`: the participation service's public
//! facts about an event, as the customers' entry page reads them (the web
//! crate renders the page from this type). No personal data.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schedule::Phase;

/// The public entry page's facts about an event (no personal data).
/// Every field has a default when read, so an older answer that lacks one
/// still renders a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct EntryInfo {
    pub event_id: String,
    pub title: String,
    pub prize: String,
    pub store_name: String,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// `APPROVED` (not yet open), `ACTIVE` or `ENDED`.
    #[schema(example = "ACTIVE")]
    pub status: String,
    /// `UPCOMING` (시작 전), `OPEN` (진행중) or `ENDED` (종료); none before publish.
    #[schema(value_type = Option<String>, example = "OPEN")]
    pub phase: Option<Phase>,
    /// The phase in the customer's words: 시작 전 / 진행중 / 종료.
    pub phase_label: Option<String>,
    pub accepting_entries: bool,
    pub channels: Vec<String>,
    pub participant_count: i64,
    /// The event's promotional image, when it has one.
    pub image_url: Option<String>,
    /// sha256 (hex) of the draw's seed, published when entries close.
    pub seed_commitment: Option<String>,
    /// Whether the winners were drawn (the proof is then public).
    pub drawn: bool,
    /// The privacy consent text version an entry agrees to.
    pub consent_version: String,
    /// Entrants confirm their phone with a code sent by SMS before entering
    /// (`POST /api/events/{id}/verifications`, then `verificationCode`).
    pub verify_phone: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_api_s_camel_case_and_fills_what_is_missing() {
        let info: EntryInfo = serde_json::from_str(
            r#"{"eventId":"evt-1","title":"가을","phase":"OPEN","acceptingEntries":true,"participantCount":3}"#,
        )
        .expect("entry info");
        assert_eq!(info.phase, Some(Phase::Open));
        assert!(info.accepting_entries && !info.verify_phone);
        assert_eq!(
            (info.participant_count, info.image_url.as_deref()),
            (3, None)
        );
        let back = serde_json::to_value(&info).expect("json");
        assert_eq!(back["storeName"], "");
    }
}
