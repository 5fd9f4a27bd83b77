//! Use cases: apply bus facts, answer dashboards through the cache.
//!
//! Cache upkeep: `analytics:dashboard:{eventId}` holds the dashboard with the
//! event's version (which grows with every transaction that applies messages
//! about it: one message, or a burst of entries). New data drops
//! the key, so the next read recomputes it; a read also compares the cached
//! version with the stored one, so a drop lost to a cache outage, or a
//! reader that cached an older snapshot just after the drop, can never
//! serve figures older than the last applied message.

use std::{collections::BTreeSet, time::Duration};

use chrono::Utc;
use platform::{cache::Cache, db::StoreError};
use serde::{Deserialize, Serialize};

use crate::{
    dashboard::{event_dashboard, EventDashboard},
    overview::{owner_dashboard, OwnerDashboard},
    store::{AnalyticsStore, Fact},
    AnalyticsConfig,
};

/// What a dashboard call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error("no such event")]
    NotFound,
    #[error("another owner's event")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The cache key of an event's dashboard.
pub fn cache_key(event_id: &str) -> String {
    format!("analytics:dashboard:{event_id}")
}

#[derive(Serialize, Deserialize)]
struct Cached {
    version: i64,
    dashboard: EventDashboard,
}

/// The analytics service.
pub struct AnalyticsService {
    store: AnalyticsStore,
    cache: Cache,
    config: AnalyticsConfig,
}

impl AnalyticsService {
    pub fn new(store: AnalyticsStore, cache: Cache, config: AnalyticsConfig) -> AnalyticsService {
        AnalyticsService {
            store,
            cache,
            config,
        }
    }

    /// Applies `(message id, fact)` pairs in their order, each once per
    /// message id: runs of entries in one transaction each, other facts one
    /// by one. Drops the cached dashboard of every event that changed.
    pub async fn apply_batch(&self, facts: &[(String, Fact)]) -> Result<(), StoreError> {
        let is_entry = |(_, fact): &(String, Fact)| matches!(fact, Fact::Entry { .. });
        let now = Utc::now();
        for run in facts.chunk_by(|a, b| is_entry(a) == is_entry(b)) {
            // Cached dashboards are dropped as soon as their change commits,
            // so a later failure (and retry) cannot leave them behind.
            let mut changed = BTreeSet::new();
            if is_entry(&run[0]) && run.len() > 1 {
                changed.extend(self.store.apply_entries(run, now).await?);
            } else {
                // One at a time (a lone entry takes the store's one-statement path).
                for (message_id, fact) in run {
                    if self.store.apply(message_id, fact, now).await? {
                        changed.insert(fact.event_id().to_string());
                    }
                }
            }
            for event_id in changed {
                self.cache.delete(&cache_key(&event_id)).await;
            }
        }
        Ok(())
    }

    /// The dashboard of `event_id` for the caller `user_id`, who must own it.
    pub async fn event_dashboard(
        &self,
        user_id: i64,
        event_id: &str,
    ) -> Result<EventDashboard, AnalyticsError> {
        // Ids are ours and short; a longer one cannot exist.
        if event_id.is_empty() || event_id.len() > 128 {
            return Err(AnalyticsError::NotFound);
        }
        let dashboard = self.current(event_id).await?;
        if dashboard.owner_id != user_id {
            return Err(AnalyticsError::Forbidden);
        }
        Ok(dashboard)
    }

    /// Every event of `user_id` side by side.
    pub async fn owner_dashboard(&self, user_id: i64) -> Result<OwnerDashboard, AnalyticsError> {
        let ids = self
            .store
            .owner_events(user_id, self.config.max_owner_events)
            .await?;
        let mut dashboards = Vec::with_capacity(ids.len());
        for id in ids {
            match self.current(&id).await {
                Ok(d) if d.owner_id == user_id => dashboards.push(d),
                // Changed hands or vanished between the two reads: leave it out.
                Ok(_) | Err(AnalyticsError::NotFound | AnalyticsError::Forbidden) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(owner_dashboard(user_id, &dashboards))
    }

    /// The up-to-date dashboard, from the cache when it is current.
    async fn current(&self, event_id: &str) -> Result<EventDashboard, AnalyticsError> {
        let key = cache_key(event_id);
        let version = self.store.version(event_id).await?;
        if let Some(cached) = self.cache.get_json::<Cached>(&key).await {
            if cached.version == version {
                return Ok(cached.dashboard);
            }
        }
        let snapshot = self
            .store
            .snapshot(event_id)
            .await?
            .ok_or(AnalyticsError::NotFound)?;
        let dashboard = event_dashboard(&snapshot);
        let cached = Cached {
            version: snapshot.totals.version,
            dashboard,
        };
        let ttl = Duration::from_secs(self.config.dashboard_cache_ttl_secs.max(1));
        self.cache.set_json(&key, &cached, ttl).await;
        Ok(cached.dashboard)
    }
}
