//! Event use cases. Purpose selection follows seed 1's six steps in order.

use std::time::Duration;

use contracts::{
    ai::Recommendation,
    channels::Channel,
    messages::{rfc3339, Envelope, EventDraftCreated},
};
use platform::{cache::Cache, db::StoreError, ids::new_id, outbox::Outbox};
use serde::{Deserialize, Serialize};

use crate::{
    channels::{ChannelError, ChannelPlan},
    domain::{EventRuleError, EventStatus, PurposeSelection},
    plan::ChosenContent,
    store::{EventRow, EventStore, ListFilter, Saved},
};

/// `draft:event:{eventDraftId}` lives this long (seed 1, step 4).
pub const DRAFT_TTL: Duration = Duration::from_secs(24 * 3600);
/// `purpose:{userId}` lives as long as a repeat counts as a double tap
/// (seed 1 note; deleted at publish by seed 2).
pub const PURPOSE_TTL: Duration = Duration::from_secs(
    crate::domain::DOUBLE_TAP_WINDOW
        .num_seconds()
        .unsigned_abs(),
);

impl From<crate::domain::IllegalTransition> for EventError {
    fn from(e: crate::domain::IllegalTransition) -> Self {
        EventError::Rule(e.into())
    }
}

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
    #[error("event is {0:?}")]
    WrongStatus(EventStatus),
    #[error(transparent)]
    Channel(#[from] ChannelError),
    #[error("not ready to publish")]
    NotReady(Vec<crate::readiness::Missing>),
    #[error("distribution failed: {0}")]
    DistributionFailed(String),
    #[error("no recommendation requested")]
    NoRecommendations,
    #[error("step not ready: {0}")]
    StepNotReady(&'static str),
    #[error("invalid recommendation choice: {0}")]
    InvalidRecommendation(crate::plan::ChoiceError),
    #[error("invalid content: {0}")]
    InvalidContent(crate::plan::ChoiceError),
    #[error("invalid image request: {0}")]
    InvalidImageRequest(String),
    #[error("invalid schedule: {0}")]
    InvalidSchedule(contracts::schedule::EndDateError),
    #[error("a published event cannot be deleted")]
    NotDeletable,
    #[error("photo not stored: {0:?}")]
    Photo(crate::photos::PhotoRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub size: i64,
    pub total_count: i64,
    pub total_pages: i64,
}

/// The owner's overview: counts per status and the newest five of each.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub total_count: i64,
    pub counts: std::collections::BTreeMap<String, i64>,
    pub recent: std::collections::BTreeMap<String, Vec<EventView>>,
}

/// The cached view of a draft under `draft:event:{id}`: objective, store
/// info and status (seed 1), plus the owner so reads can check ownership.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub event_id: String,
    pub user_id: i64,
    pub objective: String,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    #[schema(value_type = String, example = "DRAFT")]
    pub status: EventStatus,
    pub title: Option<String>,
    pub created_at: String,
    pub approved_at: Option<String>,
    pub published_at: Option<String>,
    #[serde(default)]
    pub ended_at: Option<String>,
    /// Chosen channels (UFR-EVENT-040), empty until chosen.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["INSTAGRAM", "RINGOBIZ"]))]
    pub channels: Vec<Channel>,
    /// Per-channel settings, keyed by channel code.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub channel_settings: serde_json::Value,
    #[serde(default)]
    pub prize: Option<String>,
    /// `YYYY-MM-DD`, once a plan is chosen.
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    /// The chosen recommendation with the owner's adjustments.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub recommendation: Option<Recommendation>,
    /// The chosen image and its texts.
    #[serde(default)]
    pub content: Option<ChosenContent>,
    /// Each channel's result, once distributed (seed 2).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub distribution_results: Vec<contracts::distribution::ChannelResult>,
    /// 시작 전 / 진행중 / 종료 by the dates and the status (`UPCOMING`,
    /// `OPEN`, `ENDED`); none before publish. Computed on read.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "OPEN")]
    pub phase: Option<contracts::schedule::Phase>,
    /// Entrants confirm their phone with an SMS code (chosen at publish).
    #[serde(default)]
    pub verify_phone: bool,
    /// What the event costs, part by part (`contracts::money::cost`): the
    /// figure the review screen shows and the dashboard counts as investment.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"total": 450000, "items": [{"kind": "GINITV", "label": "지니TV 광고 예산", "amount": 300000}, {"kind": "INSTAGRAM", "label": "인스타그램 게시 (무료)", "amount": 0}, {"kind": "PRIZE", "label": "경품: 3만원 빵 교환권 × 5명", "amount": 150000}]}))]
    pub cost: contracts::money::Cost,
    /// The short id of the entry link: 8 lower-case base32 characters.
    #[serde(default)]
    #[schema(example = "k3v9x2mq")]
    pub public_id: String,
    /// The entry page's path, `/e/{publicId}`; a channel's share link adds `?ch=CODE`.
    #[serde(default)]
    #[schema(example = "/e/k3v9x2mq")]
    pub entry_url: String,
    /// The owner's own photos, drawn into the images generated afterwards.
    #[serde(default)]
    pub photos: Vec<crate::photos::PhotoView>,
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
            ended_at: row.ended_at.map(rfc3339),
            channels: row
                .channel_codes()
                .iter()
                .filter_map(|c| Channel::parse(c))
                .collect(),
            channel_settings: serde_json::Value::Object(row.channel_settings_map()),
            prize: row.prize.clone(),
            start_date: row.start_date.clone(),
            end_date: row.end_date.clone(),
            recommendation: row.plan(),
            content: row.chosen_content(),
            distribution_results: row.distribution_results(),
            phase: None,
            verify_phone: row.verify_phone,
            cost: row.cost(),
            public_id: row.public_id(),
            entry_url: crate::public_id::entry_path(&row.public_id()),
            photos: row
                .photo_list()
                .iter()
                .map(crate::photos::PhotoView::from)
                .collect(),
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
            && self.status.is_editable()
    }

    /// Whether a tap at `now` is a repeat of this draft's (the window is on
    /// the event clock; the cache's TTL is real time).
    fn is_repeated_at(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        chrono::DateTime::parse_from_rfc3339(&self.created_at)
            .is_ok_and(|created| PurposeSelection::is_repeat_of(self.status, created.to_utc(), now))
    }
}

pub struct EventService {
    pub(crate) store: EventStore,
    pub(crate) cache: Cache,
    pub(crate) outbox: Outbox,
    pub(crate) config: crate::EventConfig,
    pub(crate) distribution: crate::distribution_client::DistributionClient,
    pub(crate) distribution_timeout: Duration,
    /// Origin of the public pages (entry links put in posts).
    pub(crate) public_url: String,
    /// The clock every date rule reads.
    pub(crate) clock: platform::clock::Clock,
    /// Tells participation at once that an event's entries closed.
    pub(crate) entries: crate::schedule::EntriesClient,
    /// Stores the owner's photos.
    pub(crate) content: crate::photos::ContentClient,
}

impl EventService {
    /// `base_url` is this process's own origin: the default home of the
    /// distribution service and of the public pages.
    pub fn new(
        store: EventStore,
        cache: Cache,
        outbox: Outbox,
        config: crate::EventConfig,
        base_url: &str,
        clock: platform::clock::Clock,
    ) -> EventService {
        let or_self = |url: &str| {
            if url.is_empty() {
                base_url.to_string()
            } else {
                url.trim_end_matches('/').to_string()
            }
        };
        let distribution_timeout = Duration::from_secs(config.distribution_timeout_secs.max(1));
        let distribution = crate::distribution_client::DistributionClient::new(
            &or_self(&config.distribution_url),
            distribution_timeout,
            platform::resilience::BreakerConfig {
                failure_threshold: config.distribution_breaker_failures.max(1),
                open_for: Duration::from_secs(config.distribution_breaker_open_secs),
            },
        );
        EventService {
            store,
            cache,
            outbox,
            public_url: or_self(&config.public_url),
            entries: crate::schedule::EntriesClient::new(&or_self(&config.participation_url)),
            content: crate::photos::ContentClient::new(&or_self(&config.content_url)),
            clock,
            config,
            distribution,
            distribution_timeout,
        }
    }

    /// Seed 1 (UFR-EVENT-020).
    pub async fn select_purpose(
        &self,
        selection: PurposeSelection,
    ) -> Result<EventView, EventError> {
        // 1. The owner's in-progress draft: a double tap is answered from the cache.
        let purpose_key = purpose_key(selection.user_id);
        // The pointer is dropped when its draft leaves DRAFT (approve, delete), so
        // a hit is a draft still in progress and is answered from the cache, as
        // the seed says. With the cache down every tap takes the database path,
        // which checks the status itself (`save_draft`).
        if let Some(view) = self.cache.get_json::<EventView>(&purpose_key).await {
            if view.matches(&selection) && view.is_repeated_at(self.clock.now()) {
                return Ok(view);
            }
        }
        // 2. Objective and store info were parsed into `selection` at the boundary.
        // 3. Save the draft (and, in the same transaction, its EventDraftCreated).
        // The double-tap window reads the event clock, as every rule does.
        let now = self.clock.now();
        let saved = self
            .store
            .save_draft(&new_id("draft"), &selection, now, draft_created)
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
        Ok(self.with_phase(view))
    }
}

impl EventService {
    /// Why a conditional write matched nothing: absent, another owner's, or the wrong status.
    pub(crate) async fn explain_miss(&self, user_id: i64, id: &str) -> EventError {
        match self.store.find(id).await {
            Ok(None) => EventError::NotFound,
            Ok(Some(row)) if row.user_id != user_id => EventError::Forbidden,
            Ok(Some(row)) => EventError::WrongStatus(row.status()),
            Err(e) => e.into(),
        }
    }

    /// Refreshes `draft:event:{id}` with the row a write just returned, so no
    /// reader sees the previous state.
    pub(crate) async fn refresh_cache(&self, row: &EventRow) -> EventView {
        let view = EventView::from(row);
        let key = draft_key(&row.id);
        // If the write fails the old value may still be there: drop it so
        // readers go to the database instead of seeing the previous state.
        if !self.cache.set_json(&key, &view, DRAFT_TTL).await {
            self.cache.delete(&key).await;
        }
        view
    }

    /// UFR-EVENT-040: the channels a draft will be published to, with their settings.
    pub async fn select_channels(
        &self,
        user_id: i64,
        id: &str,
        plan: ChannelPlan,
    ) -> Result<EventView, EventError> {
        let channels = serde_json::to_string(&plan.channels).unwrap_or_else(|_| "[]".into());
        let settings: serde_json::Map<String, serde_json::Value> = plan
            .settings
            .iter()
            .map(|(c, v)| (c.code().to_string(), v.clone()))
            .collect();
        let settings = serde_json::Value::Object(settings).to_string();
        match self
            .store
            .set_channels(id, user_id, &channels, &settings)
            .await?
        {
            Some(row) => Ok(self.refresh_cache(&row).await),
            None => Err(self.explain_miss(user_id, id).await),
        }
    }

    /// What the event would cost with `channels` and `settings` (the channel
    /// step's figures, before anything is saved).
    pub async fn quote(
        &self,
        user_id: i64,
        id: &str,
        channels: &[Channel],
        settings: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<contracts::money::Cost, EventError> {
        let row = self.store.find(id).await?.ok_or(EventError::NotFound)?;
        if row.user_id != user_id {
            return Err(EventError::Forbidden);
        }
        Ok(row.cost_with(channels, settings))
    }

    /// The owner's events, newest first.
    pub async fn list(
        &self,
        user_id: i64,
        filter: ListFilter,
        page: i64,
        size: i64,
    ) -> Result<Page<EventView>, EventError> {
        let (rows, total) = self.store.list(user_id, &filter, page, size).await?;
        Ok(Page {
            items: rows
                .iter()
                .map(|r| self.with_phase(EventView::from(r)))
                .collect(),
            page,
            size,
            total_count: total,
            total_pages: (total + size - 1) / size,
        })
    }

    /// Counts per status and the newest five events of each status.
    pub async fn dashboard(&self, user_id: i64) -> Result<Dashboard, EventError> {
        let mut counts: std::collections::BTreeMap<String, i64> = [
            EventStatus::Draft,
            EventStatus::Approved,
            EventStatus::Active,
            EventStatus::Ended,
        ]
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
        for (status, count) in self.store.count_by_status(user_id).await? {
            counts.insert(status, count);
        }
        let mut recent = std::collections::BTreeMap::new();
        for status in counts.keys().cloned().collect::<Vec<_>>() {
            let filter = ListFilter {
                status: EventStatus::parse(&status),
                ..ListFilter::default()
            };
            let (rows, _) = self.store.list(user_id, &filter, 0, 5).await?;
            recent.insert(
                status,
                rows.iter()
                    .map(|r| self.with_phase(EventView::from(r)))
                    .collect(),
            );
        }
        Ok(Dashboard {
            total_count: counts.values().sum(),
            counts,
            recent,
        })
    }

    /// Ends an ACTIVE event (UFR-EVENT-070) and announces `EventEnded`;
    /// participation is told at once (with the owner's `bearer`) so that no
    /// entry is taken after the owner saw "종료", whatever the bus lag.
    pub async fn end(&self, user_id: i64, id: &str, bearer: &str) -> Result<EventView, EventError> {
        let current = self.store.find(id).await?;
        let Some(step) = current
            .filter(|row| row.user_id == user_id)
            .and_then(|row| row.status().transition(EventStatus::Ended).ok())
        else {
            return Err(self.explain_miss(user_id, id).await);
        };
        let ended = self
            .store
            .end(id, user_id, step, self.clock.now(), |row| {
                crate::schedule::ended_message(row, crate::schedule::ENDED_BY_OWNER)
            })
            .await?;
        let Some((row, message)) = ended else {
            return Err(self.explain_miss(user_id, id).await);
        };
        let view = self.refresh_cache(&row).await;
        self.outbox.send(std::slice::from_ref(&message)).await;
        self.entries.closed(id, bearer).await;
        tracing::info!(event_id = %row.id, "event ended");
        Ok(self.with_phase(view))
    }

    /// Deletes a draft at any step before publishing, and its cache
    /// entries; an approved, published or ended event is refused (it can
    /// only be ended: its entries and results stay).
    pub async fn delete_draft(&self, user_id: i64, id: &str) -> Result<(), EventError> {
        if !self.store.delete_draft(id, user_id).await? {
            return Err(match self.explain_miss(user_id, id).await {
                EventError::WrongStatus(_) => EventError::NotDeletable,
                other => other,
            });
        }
        self.cache.delete(&draft_key(id)).await;
        let purpose_key = purpose_key(user_id);
        if let Some(current) = self.cache.get_json::<EventView>(&purpose_key).await {
            if current.event_id == id {
                self.cache.delete(&purpose_key).await;
            }
        }
        Ok(())
    }
}

/// `EventDraftCreated` for a new draft row: a purpose selection's or a
/// duplicate's, written in the same transaction as the row.
pub(crate) fn draft_created(row: &EventRow) -> Envelope {
    Envelope::wrap(&EventDraftCreated {
        event_draft_id: row.id.clone(),
        user_id: row.user_id,
        objective: row.objective.clone(),
        created_at: rfc3339(row.created_at),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};

    use super::*;
    use crate::domain::{parse_objective, StoreInfo};

    #[test]
    fn a_cached_draft_is_a_repeat_for_thirty_minutes_of_the_event_clock() {
        // The hit path answers from the cached view alone, so its createdAt
        // must read back and carry the window.
        let at = Utc::now();
        let selection = PurposeSelection {
            user_id: 7,
            objective: parse_objective("신규 고객 유치").expect("objective"),
            store: StoreInfo::parse(Some("행복한 카페"), Some("카페"), Some("서울 강남구"))
                .expect("store"),
        };
        let view = EventView::from(&EventRow::new_draft("draft-1", &selection, at));
        assert!(view.matches(&selection));
        assert!(view.is_repeated_at(at + Duration::minutes(29)));
        assert!(!view.is_repeated_at(at + Duration::minutes(31)));
        let approved = EventView {
            status: EventStatus::Approved,
            ..view
        };
        assert!(!approved.matches(&selection));
    }
}
