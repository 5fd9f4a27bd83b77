//! The analytics service's only SQL: facts learnt from the bus, applied
//! once per message id, and the per-event snapshot dashboards are built from.

use chrono::{DateTime, Utc};
use platform::{
    db::{Db, StoreError},
    with_db,
};

mod entries;

use crate::store_sql::{
    ADD_AFTER_DRAW, ENTRY_PG, UPSERT_CHANNEL_CLAIM, UPSERT_CHANNEL_ENTRY,
    UPSERT_CHANNEL_REDEMPTION, UPSERT_DISTRIBUTED, UPSERT_EVENT, UPSERT_HOUR, UPSERT_STATS,
    UPSERT_TOTALS,
};

/// An event as `EventPublished` described it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventInfo {
    pub event_id: String,
    pub owner_id: i64,
    pub title: String,
    pub store_name: String,
    pub industry: String,
    pub objective: String,
    pub prize: String,
    pub start_date: String,
    pub end_date: String,
    /// JSON array of channel codes (see [`EventInfo::channel_list`]).
    pub channels: String,
    pub target_participants: i64,
    pub estimated_cost: i64,
    pub published_at: DateTime<Utc>,
    /// JSON of the event's cost (see [`EventInfo::cost`]); '' when unknown.
    pub cost: String,
}

impl EventInfo {
    /// The planned channel codes.
    pub fn channel_list(&self) -> Vec<String> {
        serde_json::from_str(&self.channels).unwrap_or_default()
    }

    /// The event's cost by the one cost model. An event published before
    /// the cost travelled with `EventPublished` is priced from its channels
    /// with their default settings (its prize's value is unknown).
    pub fn cost(&self) -> contracts::money::Cost {
        serde_json::from_str(&self.cost).unwrap_or_else(|_| {
            let channels: Vec<_> = self
                .channel_list()
                .iter()
                .filter_map(|c| contracts::channels::Channel::parse(c))
                .map(|c| (c, None))
                .collect();
            contracts::money::cost(&channels, None)
        })
    }
}

/// Per-event counters.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct Totals {
    pub participants: i64,
    pub store_visitors: i64,
    pub marketing_consents: i64,
    pub ended_at: Option<DateTime<Utc>>,
    /// Grows with every transaction that applied messages about the event.
    pub version: i64,
    /// Winners' coupons redeemed at the counter: measured store visits.
    pub redemptions: i64,
    pub notices_sent: i64,
    pub notices_delivered: i64,
    pub notices_failed: i64,
    /// Winners who opened their claim page.
    pub claims: i64,
}

/// Entries that came through one channel (or `DIRECT`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChannelEntries {
    pub channel: String,
    pub participants: i64,
    pub store_visitors: i64,
    pub marketing_consents: i64,
    /// Coupons redeemed by winners who came through this channel.
    pub redemptions: i64,
    /// Claim pages opened by winners who came through this channel.
    pub claims: i64,
}

/// One channel's distribution outcome and latest reported figures.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Reach {
    pub channel: String,
    /// `SUCCESS` / `FAILED`; `None` until `DistributionCompleted` names the channel.
    pub status: Option<String>,
    pub expected_views: i64,
    pub views: i64,
    pub clicks: i64,
    pub calls: i64,
    pub stats_at: Option<DateTime<Utc>>,
}

/// Everything known about one event, read for a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub info: EventInfo,
    pub totals: Totals,
    pub entries: Vec<ChannelEntries>,
    pub hours: Vec<crate::domain::HourCount>,
    pub reach: Vec<Reach>,
}

/// One fact from the bus, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Published(EventInfo),
    Ended {
        event_id: String,
        at: DateTime<Utc>,
    },
    Entry {
        event_id: String,
        /// A channel code or `DIRECT`.
        channel: String,
        store_visited: bool,
        agree_marketing: bool,
        /// The Korea-time hour, from [`crate::domain::kst_hour`].
        hour: String,
    },
    Distributed {
        event_id: String,
        /// (channel, status, expected views).
        channels: Vec<(String, String, i64)>,
    },
    Stats {
        event_id: String,
        channel: String,
        views: i64,
        clicks: i64,
        calls: i64,
        at: DateTime<Utc>,
    },
    /// A winner's coupon redeemed; `channel` is the holder's entry channel or `DIRECT`.
    Redeemed {
        event_id: String,
        channel: String,
    },
    /// A winner opened the claim page (once per coupon).
    Claimed {
        event_id: String,
        channel: String,
    },
    /// A winner notice reached `status` (`SENT`, `DELIVERED` or `FAILED`).
    Notice {
        event_id: String,
        status: String,
    },
}

impl Fact {
    /// The marketing event the fact is about.
    pub fn event_id(&self) -> &str {
        match self {
            Fact::Published(info) => &info.event_id,
            Fact::Ended { event_id, .. }
            | Fact::Entry { event_id, .. }
            | Fact::Distributed { event_id, .. }
            | Fact::Stats { event_id, .. }
            | Fact::Redeemed { event_id, .. }
            | Fact::Claimed { event_id, .. }
            | Fact::Notice { event_id, .. } => event_id,
        }
    }
}

/// The store over the service's pool.
#[derive(Clone)]
pub struct AnalyticsStore {
    db: Db,
}

impl AnalyticsStore {
    pub fn new(db: Db) -> AnalyticsStore {
        AnalyticsStore { db }
    }

    /// Applies `fact` unless `message_id` was applied before; the message id
    /// and the counters commit together. Answers whether it was applied now.
    pub async fn apply(
        &self,
        message_id: &str,
        fact: &Fact,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (participants, visitors, consents, ended_at) = match fact {
            Fact::Entry {
                store_visited,
                agree_marketing,
                ..
            } => (
                1i64,
                i64::from(*store_visited),
                i64::from(*agree_marketing),
                None,
            ),
            Fact::Ended { at, .. } => (0, 0, 0, Some(*at)),
            _ => (0, 0, 0, None),
        };
        if let (
            Db::Postgres(pool),
            Fact::Entry {
                event_id,
                channel,
                hour,
                ..
            },
        ) = (&self.db, fact)
        {
            // The hot path under load: one round trip instead of six.
            let applied: i64 = sqlx::query_scalar(ENTRY_PG)
                .bind(message_id)
                .bind(now)
                .bind(event_id)
                .bind(channel)
                .bind(visitors)
                .bind(consents)
                .bind(hour)
                .fetch_one(pool)
                .await?;
            return Ok(applied == 1);
        }
        // `?` inside the block returns the error from this function.
        let applied = with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            if !platform::inbox_insert!(&mut *tx, message_id, now).await? {
                tx.rollback().await?;
                return Ok(false);
            }
            match fact {
                Fact::Published(e) => {
                    sqlx::query(UPSERT_EVENT)
                        .bind(&e.event_id)
                        .bind(e.owner_id)
                        .bind(&e.title)
                        .bind(&e.store_name)
                        .bind(&e.industry)
                        .bind(&e.objective)
                        .bind(&e.prize)
                        .bind(&e.start_date)
                        .bind(&e.end_date)
                        .bind(&e.channels)
                        .bind(e.target_participants)
                        .bind(e.estimated_cost)
                        .bind(e.published_at)
                        .bind(&e.cost)
                        .execute(&mut *tx)
                        .await?;
                }
                Fact::Ended { .. } => {}
                Fact::Entry { event_id, channel, store_visited, agree_marketing, hour } => {
                    sqlx::query(UPSERT_CHANNEL_ENTRY)
                        .bind(event_id)
                        .bind(channel)
                        .bind(i64::from(*store_visited))
                        .bind(i64::from(*agree_marketing))
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(UPSERT_HOUR)
                        .bind(event_id)
                        .bind(hour)
                        .execute(&mut *tx)
                        .await?;
                }
                Fact::Distributed { event_id, channels } => {
                    for (channel, status, expected) in channels {
                        sqlx::query(UPSERT_DISTRIBUTED)
                            .bind(event_id)
                            .bind(channel)
                            .bind(status)
                            .bind(*expected)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                Fact::Redeemed { event_id, channel } => {
                    sqlx::query(UPSERT_CHANNEL_REDEMPTION)
                        .bind(event_id)
                        .bind(channel)
                        .execute(&mut *tx)
                        .await?;
                }
                Fact::Claimed { event_id, channel } => {
                    sqlx::query(UPSERT_CHANNEL_CLAIM)
                        .bind(event_id)
                        .bind(channel)
                        .execute(&mut *tx)
                        .await?;
                }
                Fact::Notice { .. } => {}
                Fact::Stats { event_id, channel, views, clicks, calls, at } => {
                    sqlx::query(UPSERT_STATS)
                        .bind(event_id)
                        .bind(channel)
                        .bind(*views)
                        .bind(*clicks)
                        .bind(*calls)
                        .bind(*at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            sqlx::query(UPSERT_TOTALS)
                .bind(fact.event_id())
                .bind(participants)
                .bind(visitors)
                .bind(consents)
                .bind(ended_at)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let after_draw = match fact {
                Fact::Redeemed { .. } => Some([1, 0, 0, 0, 0]),
                Fact::Claimed { .. } => Some([0, 0, 0, 0, 1]),
                Fact::Notice { status, .. } => match status.as_str() {
                    "SENT" => Some([0, 1, 0, 0, 0]),
                    "DELIVERED" => Some([0, 0, 1, 0, 0]),
                    "FAILED" => Some([0, 0, 0, 1, 0]),
                    _ => None,
                },
                _ => None,
            };
            if let Some([redeemed, sent, delivered, failed, claimed]) = after_draw {
                sqlx::query(ADD_AFTER_DRAW)
                    .bind(fact.event_id())
                    .bind(redeemed)
                    .bind(sent)
                    .bind(delivered)
                    .bind(failed)
                    .bind(claimed)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            true
        });
        Ok(applied)
    }

    /// The event's version: 0 before any message about it.
    pub async fn version(&self, event_id: &str) -> Result<i64, StoreError> {
        let version: Option<i64> = with_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT version FROM event_totals WHERE event_id = $1")
                .bind(event_id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(version.unwrap_or(0))
    }

    /// Everything known about `event_id`, or `None` while no
    /// `EventPublished` has told who owns it. The version is read first, so
    /// the snapshot is never older than the version it carries.
    pub async fn snapshot(&self, event_id: &str) -> Result<Option<Snapshot>, StoreError> {
        let snapshot = with_db!(&self.db, pool => {
            let totals: Option<Totals> = sqlx::query_as(
                "SELECT participants, store_visitors, marketing_consents, ended_at, version, \
                 redemptions, notices_sent, notices_delivered, notices_failed, claims \
                 FROM event_totals WHERE event_id = $1",
            )
            .bind(event_id)
            .fetch_optional(pool)
            .await?;
            let info: Option<EventInfo> = sqlx::query_as(
                "SELECT event_id, owner_id, title, store_name, industry, objective, prize, \
                 start_date, end_date, channels, target_participants, estimated_cost, published_at, \
                 cost FROM events WHERE event_id = $1",
            )
            .bind(event_id)
            .fetch_optional(pool)
            .await?;
            match info {
                None => None,
                Some(info) => {
                    let entries: Vec<ChannelEntries> = sqlx::query_as(
                        "SELECT channel, participants, store_visitors, marketing_consents, redemptions, claims \
                         FROM channel_participants WHERE event_id = $1 ORDER BY channel",
                    )
                    .bind(event_id)
                    .fetch_all(pool)
                    .await?;
                    let hours: Vec<(String, i64)> = sqlx::query_as(
                        "SELECT hour_start, participants FROM hourly_participants \
                         WHERE event_id = $1 ORDER BY hour_start",
                    )
                    .bind(event_id)
                    .fetch_all(pool)
                    .await?;
                    let reach: Vec<Reach> = sqlx::query_as(
                        "SELECT channel, status, expected_views, views, clicks, calls, stats_at \
                         FROM channel_reach WHERE event_id = $1 ORDER BY channel",
                    )
                    .bind(event_id)
                    .fetch_all(pool)
                    .await?;
                    Some(Snapshot {
                        info,
                        totals: totals.unwrap_or_default(),
                        entries,
                        hours: hours
                            .into_iter()
                            .map(|(hour_start, participants)| crate::domain::HourCount {
                                hour_start,
                                participants,
                            })
                            .collect(),
                        reach,
                    })
                }
            }
        });
        Ok(snapshot)
    }

    /// Ids of the events `owner_id` published, newest first (at most `limit`).
    pub async fn owner_events(&self, owner_id: i64, limit: i64) -> Result<Vec<String>, StoreError> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_scalar(
                "SELECT event_id FROM events WHERE owner_id = $1 \
                 ORDER BY published_at DESC, event_id LIMIT $2",
            )
            .bind(owner_id)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }
}
