//! `GET /api/events/{id}/entry-state`: the event service's own answer to
//! "may this event take entries, and what does its entry page show?".
//! Participation keeps a copy learnt from `event-topic`; when that copy is
//! missing or says no, it asks here, so an event the owner was just told is
//! `ACTIVE` takes entries whatever the bus lag (docs/design.md, "Open means open").

use serde::{Deserialize, Serialize};

/// Public facts of a published (or ended) event: nothing personal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventEntryState {
    pub event_id: String,
    /// The short id of the entry link (`/e/{publicId}`); this endpoint
    /// answers to it as well as to the event id (absent in older answers).
    #[serde(default)]
    pub public_id: String,
    /// The owner's account id, so participation can check ownership.
    pub user_id: i64,
    /// `APPROVED`, `ACTIVE` or `ENDED`.
    pub status: String,
    pub title: String,
    pub store_name: String,
    pub prize: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `YYYY-MM-DD`, inclusive.
    pub end_date: String,
    /// Channel codes the event was published to.
    pub channels: Vec<String>,
    /// The promotional image (a path of this system or a URL).
    pub image_url: String,
    /// Entrants confirm their phone with an SMS code (absent in older answers: false).
    #[serde(default)]
    pub verify_phone: bool,
}

/// Whether `id` is an entry link's public id rather than an event id:
/// short, lower-case letters and digits, no `-` (event ids are `draft-…`).
/// Events made before public ids existed got 10 hex digits.
pub fn is_public_id(id: &str) -> bool {
    (6..=16).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}
