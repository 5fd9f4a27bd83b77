//! Event use cases. Purpose selection follows seed 1's six steps in order.

use std::time::Duration;

use chrono::Utc;
use contracts::messages::{rfc3339, Envelope, EventDraftCreated};
use platform::{cache::Cache, db::StoreError, ids::new_id, outbox::Outbox};
use serde::{Deserialize, Serialize};

use crate::{
    domain::{EventRuleError, EventStatus, PurposeSelection},
    store::{EventRow, EventStore, Saved},
};

/// `draft:event:{eventDraftId}` lives this long (seed 1, step 4).
pub const DRAFT_TTL: Duration = Duration::from_secs(24 * 3600);
/// `purpose:{userId}` lives this long (seed 1 note; deleted at publish by seed 2).
pub const PURPOSE_TTL: Duration = Duration::from_secs(30 * 60);

pub fn draft_key(id: &str) -> String {
    format!("draft:event:{id}")
}

pub fn purpose_key(user_id: i64) -> String {
    format!("purpose:{user_id}")
}

/// Why an event use case failed.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Rule(#[from] EventRuleError),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The cached view of a draft under `draft:event:{id}`: objective, store
/// info and status (seed 1), plus the owner so reads can check ownership.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub event_id: String,
    pub user_id: i64,
    pub objective: String,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    pub status: EventStatus,
    pub title: Option<String>,
    pub created_at: String,
    pub approved_at: Option<String>,
    pub published_at: Option<String>,
}

impl From<&EventRow> for EventView {
    fn from(row: &EventRow) -> Self {
        EventView {
            event_id: row.id.clone(),
            user_id: row.user_id,
            objective: row.objective.clone(),
            store_name: row.store_name.clone(),
            industry: row.industry.clone(),
            address: row.address.clone(),
            status: row.status(),
            title: row.title.clone(),
            created_at: rfc3339(row.created_at),
            approved_at: row.approved_at.map(rfc3339),
            published_at: row.published_at.map(rfc3339),
        }
    }
}

impl EventView {
    fn matches(&self, selection: &PurposeSelection) -> bool {
        self.user_id == selection.user_id
            && self.objective == selection.objective.label()
            && self.store_name == selection.store.store_name
            && self.industry == selection.store.industry
            && self.address == selection.store.address
            && self.status == EventStatus::Draft
    }
}

pub struct EventService {
    store: EventStore,
    cache: Cache,
    outbox: Outbox,
}

impl EventService {
    pub fn new(store: EventStore, cache: Cache, outbox: Outbox) -> EventService {
        EventService { store, cache, outbox }
    }

    /// Seed 1 (UFR-EVENT-020).
    pub async fn select_purpose(&self, selection: PurposeSelection) -> Result<EventView, EventError> {
        // 1. The owner's in-progress draft: a double tap is answered from the cache.
        let purpose_key = purpose_key(selection.user_id);
        if let Some(view) = self.cache.get_json::<EventView>(&purpose_key).await {
            if view.matches(&selection) {
                return Ok(view);
            }
        }
        // 2. Objective and store info were parsed into `selection` at the boundary.
        // 3. Save the draft (and, in the same transaction, its EventDraftCreated).
        let now = Utc::now();
        let saved = self
            .store
            .save_draft(&new_id("draft"), &selection, now, |row| {
                Envelope::wrap(&EventDraftCreated {
                    event_draft_id: row.id.clone(),
                    user_id: row.user_id,
                    objective: row.objective.clone(),
                    created_at: rfc3339(row.created_at),
                })
            })
            .await?;
        let (row, message) = match saved {
            Saved::Created(row, message) => (row, Some(message)),
            Saved::Existing(row) => (row, None),
        };
        let view = EventView::from(&row);
        // 4. Cache the draft for 24 h and the owner's in-progress pointer for 30 min.
        // The two writes are independent: one round trip's wait instead of two.
        let draft_key = draft_key(&row.id);
        tokio::join!(
            self.cache.set_json(&draft_key, &view, DRAFT_TTL),
            self.cache.set_json(&purpose_key, &view, PURPOSE_TTL),
        );
        // 5. Publish EventDraftCreated (committed in the outbox; sent now, or by the relay).
        if let Some(message) = message {
            tracing::info!(event_id = %row.id, user_id = row.user_id, "event draft created");
            self.outbox.send(std::slice::from_ref(&message)).await;
        }
        // 6. Answer.
        Ok(view)
    }

    /// An event for its owner, read through `draft:event:{id}`.
    pub async fn get(&self, user_id: i64, id: &str) -> Result<EventView, EventError> {
        let key = draft_key(id);
        let view = match self.cache.get_json::<EventView>(&key).await {
            Some(view) => view,
            None => {
                let row = self.store.find(id).await?.ok_or(EventError::NotFound)?;
                let view = EventView::from(&row);
                self.cache.set_json(&key, &view, DRAFT_TTL).await;
                view
            }
        };
        if view.user_id != user_id {
            return Err(EventError::Forbidden);
        }
        Ok(view)
    }
}

