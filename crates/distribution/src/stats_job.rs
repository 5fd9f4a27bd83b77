//! The scheduled stats collection: every `[distribution] stats_interval_secs`
//! each published (`SUCCESS`) channel of each running distribution is asked
//! for its figures through its adapter's stats call, and the answer goes out
//! as `ChannelStatsReported` on `distribution-topic` for analytics.
//!
//! Reports carry absolute totals, so the schedule itself is the retry: a
//! report lost to a broker outage or a channel error is replaced by the next
//! round's, and a repeat (or two processes collecting at once) is harmless.
//! That is why the job publishes directly instead of through the outbox: a
//! stale report has no value worth keeping.

use std::{sync::Arc, time::Duration};

use chrono::{NaiveDate, Utc};
use contracts::{
    analytics::ChannelStatsReported,
    messages::{rfc3339, Envelope},
};
use futures::StreamExt;
use platform::{
    bus::Bus,
    db::{Db, StoreError},
    with_db, Deps,
};
use serde::{Deserialize, Serialize};

use crate::{domain::Plan, service::DistributionService};

/// The job's keys in the `[distribution]` table, which the service's own
/// settings type does not have.
pub const KEYS: &[&str] = &["stats_interval_secs", "stats_days_after_end"];

/// The job's keys in the `[distribution]` table (read beside the service's own).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct StatsJobConfig {
    /// Seconds between two collections; 0 turns the job off.
    pub stats_interval_secs: u64,
    /// Events whose end date is more than this many days past are no longer asked.
    pub stats_days_after_end: i64,
}

impl Default for StatsJobConfig {
    fn default() -> Self {
        StatsJobConfig {
            stats_interval_secs: 60,
            stats_days_after_end: 1,
        }
    }
}

/// Distributions asked at once within one round.
const EVENTS_AT_ONCE: usize = 4;

/// Starts the job (no task when it is turned off).
pub fn start(
    deps: &Deps,
    service: Arc<DistributionService>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, platform::config::ConfigError> {
    let config: StatsJobConfig = deps.settings.section(crate::NAME)?;
    let checks = platform::config::Checks::new(crate::NAME);
    checks.range("stats_interval_secs", config.stats_interval_secs, 0, 86_400)?;
    checks.range("stats_days_after_end", config.stats_days_after_end, 0, 365)?;
    if config.stats_interval_secs == 0 {
        return Ok(Vec::new());
    }
    let job = StatsJob {
        db: deps.db.clone(),
        bus: deps.bus.clone(),
        service,
        days_after_end: config.stats_days_after_end,
    };
    let every = Duration::from_secs(config.stats_interval_secs);
    Ok(vec![tokio::spawn(
        job.run(every, deps.shutdown.clone().cancelled_owned()),
    )])
}

struct StatsJob {
    db: Db,
    bus: Arc<dyn Bus>,
    service: Arc<DistributionService>,
    days_after_end: i64,
}

impl StatsJob {
    async fn run(self, every: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut ticks = tokio::time::interval(every);
        // A slow round is not followed by a burst of catch-up rounds.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = &mut shutdown => return,
            }
            match self.round().await {
                Ok(sent) if sent > 0 => tracing::debug!(sent, "channel stats reported"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "stats round failed; next round retries"),
            }
        }
    }

    /// One collection over every running distribution; answers the reports sent.
    async fn round(&self) -> Result<usize, StoreError> {
        let ids = published_events(&self.db).await?;
        let sent = futures::stream::iter(ids)
            .map(|id| async move { self.collect(&id).await })
            .buffer_unordered(EVENTS_AT_ONCE)
            .fold(0, |sum, n| async move { sum + n })
            .await;
        Ok(sent)
    }

    async fn collect(&self, event_id: &str) -> usize {
        let row = match self.service.store.find(event_id).await {
            Ok(Some(row)) => row,
            Ok(None) => return 0,
            Err(e) => {
                tracing::warn!(event_id, error = %e, "distribution unreadable");
                return 0;
            }
        };
        let end_date = serde_json::from_str::<Plan>(&row.plan)
            .ok()
            .and_then(|plan| plan.content.end_date);
        if !still_running(end_date.as_deref(), self.days_after_end, today_in_korea()) {
            return 0;
        }
        let answers = match self.service.stats(row.user_id, event_id).await {
            Ok(answers) => answers,
            Err(e) => {
                tracing::warn!(event_id, error = %e, "stats not collected");
                return 0;
            }
        };
        let mut sent = 0;
        for (channel, _external_id, answer) in answers {
            let stats = match answer {
                Ok(stats) => stats,
                Err(e) => {
                    tracing::debug!(event_id, channel, error = %e, "channel stats unavailable");
                    continue;
                }
            };
            let env = Envelope::wrap(&ChannelStatsReported {
                event_id: event_id.to_string(),
                channel,
                views: stats.views,
                clicks: stats.clicks,
                calls: stats.calls,
                collected_at: rfc3339(Utc::now()),
            });
            if let Err(e) = self.bus.publish(&env.topic, &env.key, &env.payload).await {
                // The broker is down: the rest of this round would fail the same way.
                tracing::warn!(error = %e, "stats report not sent; next round retries");
                return sent;
            }
            sent += 1;
        }
        sent
    }
}

/// Events with at least one published channel.
// This query belongs in `DistributionStore`; it lives here until the store's
// owner moves it, so that the job could be added without editing store.rs.
async fn published_events(db: &Db) -> Result<Vec<String>, StoreError> {
    Ok(with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT event_id FROM channel_posts WHERE status = 'SUCCESS' ORDER BY event_id",
        )
        .fetch_all(pool)
        .await?
    }))
}

fn today_in_korea() -> NaiveDate {
    contracts::schedule::korea_date(Utc::now())
}

/// Whether an event ending on `end_date` (`YYYY-MM-DD`, inclusive) is still
/// worth asking about on `today`: until `days_after_end` days after its end,
/// so its final figures land. Without a readable end date: always.
pub fn still_running(end_date: Option<&str>, days_after_end: i64, today: NaiveDate) -> bool {
    match end_date.and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()) {
        Some(end) => today <= end + chrono::Duration::days(days_after_end.max(0)),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn collection_stops_the_configured_days_after_the_end() {
        assert!(still_running(Some("2026-11-30"), 1, day("2026-11-21")));
        assert!(still_running(Some("2026-11-30"), 1, day("2026-12-01")));
        assert!(!still_running(Some("2026-11-30"), 1, day("2026-12-02")));
        assert!(!still_running(Some("2026-11-30"), 0, day("2026-12-01")));
        assert!(still_running(None, 1, day("2030-01-01")));
        assert!(still_running(Some("soon"), 1, day("2030-01-01")));
    }

    #[test]
    fn the_job_runs_every_minute_unless_configured() {
        let c = StatsJobConfig::default();
        assert_eq!((c.stats_interval_secs, c.stats_days_after_end), (60, 1));
    }
}
