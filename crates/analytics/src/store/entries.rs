//! Many entries in one transaction: how the dashboard keeps up with a
//! popular event. Applied one by one, each entry cost a commit (~1 ms on
//! PostgreSQL), which capped the feed below the rate customers can enter.
//! Here a run of `ParticipantRegistered` records records its message ids
//! at once, and only the new ones are summed into one upsert per (event,
//! channel), per (event, hour) and per event.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use platform::{db::StoreError, with_db};

use super::{AnalyticsStore, Fact};

/// Sums of new entries for one key.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Sums {
    participants: i64,
    store_visitors: i64,
    marketing_consents: i64,
}

impl Sums {
    fn add(&mut self, store_visited: bool, agree_marketing: bool) {
        self.participants += 1;
        self.store_visitors += i64::from(store_visited);
        self.marketing_consents += i64::from(agree_marketing);
    }
}

/// What a run of new entries adds, keyed for the upserts (sorted keys, so
/// that concurrent appliers lock rows in one order).
#[derive(Debug, Default, PartialEq)]
struct Additions {
    by_event: BTreeMap<String, Sums>,
    by_channel: BTreeMap<(String, String), Sums>,
    by_hour: BTreeMap<(String, String), i64>,
}

fn additions<'a>(entries: impl Iterator<Item = &'a Fact>) -> Additions {
    let mut sums = Additions::default();
    for fact in entries {
        if let Fact::Entry {
            event_id,
            channel,
            store_visited,
            agree_marketing,
            hour,
        } = fact
        {
            sums.by_event
                .entry(event_id.clone())
                .or_default()
                .add(*store_visited, *agree_marketing);
            sums.by_channel
                .entry((event_id.clone(), channel.clone()))
                .or_default()
                .add(*store_visited, *agree_marketing);
            *sums
                .by_hour
                .entry((event_id.clone(), hour.clone()))
                .or_default() += 1;
        }
    }
    sums
}

const ADD_CHANNEL: &str = "INSERT INTO channel_participants (event_id, channel, participants, \
     store_visitors, marketing_consents) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (event_id, channel) DO UPDATE SET \
     participants = channel_participants.participants + excluded.participants, \
     store_visitors = channel_participants.store_visitors + excluded.store_visitors, \
     marketing_consents = channel_participants.marketing_consents + excluded.marketing_consents";

const ADD_HOUR: &str = "INSERT INTO hourly_participants (event_id, hour_start, participants) \
     VALUES ($1, $2, $3) ON CONFLICT (event_id, hour_start) DO UPDATE SET \
     participants = hourly_participants.participants + excluded.participants";

impl AnalyticsStore {
    /// Applies the `Fact::Entry` items of `entries` (message id, fact) whose
    /// message ids are new, in one transaction; other facts are ignored.
    /// Answers the event ids whose figures changed.
    pub async fn apply_entries(
        &self,
        entries: &[(String, Fact)],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        // A record redelivered within the batch counts once, like one
        // redelivered later.
        let mut seen = HashSet::new();
        let candidates: Vec<&(String, Fact)> = entries
            .iter()
            .filter(|(id, fact)| matches!(fact, Fact::Entry { .. }) && seen.insert(id.as_str()))
            .collect();
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let changed = with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let mut record =
                platform::inbox::insert_many(candidates.iter().map(|(id, _)| id.as_str()), now);
            let fresh: HashSet<String> = record
                .build_query_scalar::<String>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
            let sums = additions(
                candidates
                    .iter()
                    .filter(|(id, _)| fresh.contains(id))
                    .map(|(_, fact)| fact),
            );
            for ((event_id, channel), s) in &sums.by_channel {
                sqlx::query(ADD_CHANNEL)
                    .bind(event_id)
                    .bind(channel)
                    .bind(s.participants)
                    .bind(s.store_visitors)
                    .bind(s.marketing_consents)
                    .execute(&mut *tx)
                    .await?;
            }
            for ((event_id, hour), count) in &sums.by_hour {
                sqlx::query(ADD_HOUR)
                    .bind(event_id)
                    .bind(hour)
                    .bind(*count)
                    .execute(&mut *tx)
                    .await?;
            }
            for (event_id, s) in &sums.by_event {
                sqlx::query(crate::store_sql::UPSERT_TOTALS)
                    .bind(event_id)
                    .bind(s.participants)
                    .bind(s.store_visitors)
                    .bind(s.marketing_consents)
                    .bind(None::<DateTime<Utc>>)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            sums.by_event.into_keys().collect::<Vec<_>>()
        });
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(event: &str, channel: &str, visited: bool, hour: &str) -> Fact {
        Fact::Entry {
            event_id: event.into(),
            channel: channel.into(),
            store_visited: visited,
            agree_marketing: !visited,
            hour: hour.into(),
        }
    }

    #[test]
    fn entries_are_summed_per_event_channel_and_hour() {
        let facts = [
            entry("e1", "INSTAGRAM", true, "h1"),
            entry("e1", "INSTAGRAM", false, "h1"),
            entry("e1", "DIRECT", true, "h2"),
            entry("e2", "DIRECT", false, "h1"),
        ];
        let sums = additions(facts.iter());
        assert_eq!(
            sums.by_event["e1"],
            Sums {
                participants: 3,
                store_visitors: 2,
                marketing_consents: 1
            }
        );
        assert_eq!(
            sums.by_channel[&("e1".to_string(), "INSTAGRAM".to_string())].participants,
            2
        );
        assert_eq!(sums.by_hour[&("e1".to_string(), "h2".to_string())], 1);
        assert_eq!(sums.by_hour[&("e2".to_string(), "h1".to_string())], 1);
        assert_eq!(sums.by_event.len(), 2);
    }
}
