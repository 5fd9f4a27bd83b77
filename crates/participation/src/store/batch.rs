//! Many entries of one event in one transaction (see `crate::intake` for why).
//!
//! The numbering rule is the single-entry one: the event row is locked
//! before its count is read, and the count moves by exactly the number of
//! entries stored, so numbers stay 1, 2, 3 … without gaps. Duplicates are
//! found before numbers are handed out (phones already stored, and a phone
//! repeated within the batch), because a refused row must not use a number;
//! the unique key on (event, phone) still stands behind that check.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use contracts::messages::Envelope;
use platform::{db::StoreError, outbox, with_db};

use super::{Closed, ParticipantRow, ParticipationStore, RegisterError, PARTICIPANT_COLUMNS};
use crate::domain::{Entry, CONSENT_VERSION};

/// One entry's answer: its row and message, or why it was refused.
pub type EntryResult = Result<(ParticipantRow, Envelope), RegisterError>;

impl ParticipationStore {
    /// Stores `entries` (participant id, entry) of `event_id` in arrival
    /// order and answers one result per entry, in the same order.
    pub async fn register_batch(
        &self,
        event_id: &str,
        entries: &[(String, Entry)],
        now: DateTime<Utc>,
        message: impl Fn(&ParticipantRow) -> Envelope,
    ) -> Vec<EntryResult> {
        match self.try_batch(event_id, entries, now, &message).await {
            Ok(results) => results,
            Err(RegisterError::Duplicate | RegisterError::Store(StoreError::Conflict(_))) => {
                // A unique key refused the batch: a writer that skipped the
                // row lock (none of ours does) stored one of these phones.
                // Each entry on its own, so that only that one is refused.
                tracing::warn!(
                    size = entries.len(),
                    "entry batch hit a stored phone; writing its entries one by one"
                );
                let mut results = Vec::with_capacity(entries.len());
                for (participant_id, entry) in entries {
                    results.push(
                        self.register(event_id, participant_id, entry, now, &message)
                            .await,
                    );
                }
                results
            }
            Err(e) => {
                // The database failed (nothing of the batch is stored, or, if
                // the commit's answer was lost, all of it): every entrant is
                // told to try again (503), which the duplicate rule makes safe.
                tracing::error!(error = %e, size = entries.len(), "entry batch failed");
                entries.iter().map(|_| Err(unavailable(&e))).collect()
            }
        }
    }

    pub(super) async fn try_batch(
        &self,
        event_id: &str,
        entries: &[(String, Entry)],
        now: DateTime<Utc>,
        message: &impl Fn(&ParticipantRow) -> Envelope,
    ) -> Result<Vec<EntryResult>, RegisterError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            // A write that changes nothing: it takes the event row's lock
            // (PostgreSQL) or the database's write lock (SQLite) before the
            // count is read, so no other writer numbers this event's entries
            // until this transaction ends, and no close of the event (which
            // takes the same lock) can fall between the check and the insert.
            let event: Option<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
                "UPDATE events SET entry_count = entry_count \
                 WHERE event_id = $1 RETURNING entry_count, status, start_date, end_date",
            )
            .bind(event_id)
            .fetch_optional(&mut *tx)
            .await?;
            // None inside: the event is unknown.
            let refusal: Option<Option<Closed>> = match &event {
                None => Some(None),
                Some((_, status, start, end)) => closed(status, start, end, now).map(Some),
            };
            if let Some(why) = refusal {
                drop(tx);
                return Ok(entries
                    .iter()
                    .map(|_| {
                        Err(match &why {
                            None => RegisterError::UnknownEvent,
                            Some(closed) => RegisterError::NotAccepting(closed.clone()),
                        })
                    })
                    .collect());
            }
            let count = event.map(|(count, ..)| count).unwrap_or_default();

            let mut stored_phones = sqlx::QueryBuilder::new(
                "SELECT phone FROM participants WHERE event_id = ",
            );
            stored_phones.push_bind(event_id).push(" AND phone IN (");
            let mut list = stored_phones.separated(", ");
            for (_, entry) in entries {
                list.push_bind(entry.phone.as_str());
            }
            stored_phones.push(")");
            let taken: HashSet<String> = stored_phones
                .build_query_scalar::<String>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
            let numbers = number_entries(count, entries, &taken);
            let accepted: Vec<(i64, &(String, Entry))> = numbers
                .iter()
                .zip(entries)
                .filter_map(|(number, entry)| number.map(|n| (n, entry)))
                .collect();
            let mut stored: HashMap<String, (ParticipantRow, Envelope)> = HashMap::new();
            if let Some(&(last, _)) = accepted.last() {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO participants (participant_id, event_id, entry_number, name, \
                     phone, email, agree_privacy, agree_marketing, store_visited, channel, \
                     registered_at, consent_version, signals) ",
                );
                insert.push_values(&accepted, |mut row, (number, (participant_id, entry))| {
                    row.push_bind(participant_id.as_str())
                        .push_bind(event_id)
                        .push_bind(*number)
                        .push_bind(entry.name.as_str())
                        .push_bind(entry.phone.as_str())
                        .push_bind(entry.email.as_ref().map(|e| e.as_str()))
                        .push_bind(true)
                        .push_bind(entry.agree_marketing)
                        .push_bind(entry.store_visited)
                        .push_bind(entry.channel.map(|c| c.code()))
                        .push_bind(now)
                        .push_bind(CONSENT_VERSION)
                        .push_bind(entry.signals.bits());
                });
                insert.push(format!(" RETURNING {PARTICIPANT_COLUMNS}"));
                let rows = insert
                    .build_query_as::<ParticipantRow>()
                    .fetch_all(&mut *tx)
                    .await?;
                let envelopes: Vec<Envelope> = rows.iter().map(message).collect();
                outbox::insert_many(&envelopes, now)
                    .build()
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE events SET entry_count = $2 WHERE event_id = $1")
                    .bind(event_id)
                    .bind(last)
                    .execute(&mut *tx)
                    .await?;
                stored = rows
                    .into_iter()
                    .zip(envelopes)
                    .map(|(row, envelope)| (row.participant_id.clone(), (row, envelope)))
                    .collect();
            }
            tx.commit().await?;
            Ok(entries
                .iter()
                .map(|(participant_id, _)| {
                    stored
                        .remove(participant_id)
                        .ok_or(RegisterError::Duplicate)
                })
                .collect())
        })
    }
}

/// A 503 for one entrant of a failed batch (the batch's error cannot be
/// cloned for each of them).
fn unavailable(cause: &RegisterError) -> RegisterError {
    RegisterError::Store(StoreError::Unavailable(format!(
        "entry batch failed: {cause}"
    )))
}

/// Why an event in `status` with these dates takes no entry at `now`, if so.
fn closed(
    status: &str,
    start: &Option<String>,
    end: &Option<String>,
    now: DateTime<Utc>,
) -> Option<Closed> {
    use contracts::{
        schedule::{EntryWindow, Phase},
        status::EventStatus,
    };
    match EventStatus::parse(status) {
        Some(EventStatus::Active) => {
            match EntryWindow::parse(start.as_deref(), end.as_deref()).map(|w| w.phase(now)) {
                Some(Phase::Upcoming) => Some(Closed::Upcoming(start.clone().unwrap_or_default())),
                Some(Phase::Ended) => Some(Closed::PastEnd(end.clone().unwrap_or_default())),
                Some(Phase::Open) | None => None,
            }
        }
        // Ended by its owner before the end date: the date would mislead.
        Some(EventStatus::Ended) => Some(Closed::Ended(end.clone().filter(|_| {
            EntryWindow::parse(start.as_deref(), end.as_deref())
                .is_some_and(|w| w.phase(now) == Phase::Ended)
        }))),
        _ => Some(Closed::NotOpen),
    }
}

/// The entry number of each entry after `count` stored ones, `None` for a
/// phone that is `taken` already or repeated earlier in the batch.
fn number_entries(
    count: i64,
    entries: &[(String, Entry)],
    taken: &HashSet<String>,
) -> Vec<Option<i64>> {
    let mut seen = HashSet::new();
    let mut next = count;
    entries
        .iter()
        .map(|(_, entry)| {
            let phone = entry.phone.as_str();
            if taken.contains(phone) || !seen.insert(phone) {
                return None;
            }
            next += 1;
            Some(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EntryInput;

    fn entry(phone: &str) -> (String, Entry) {
        let entry = Entry::parse(&EntryInput {
            name: Some("김고객"),
            phone_number: Some(phone),
            agree_privacy: Some(true),
            ..Default::default()
        })
        .expect("valid");
        (format!("part-{phone}"), entry)
    }

    #[test]
    fn numbers_continue_the_count_and_skip_refused_phones() {
        let entries = [
            entry("01000000001"),
            entry("01000000002"),
            entry("01000000001"),
            entry("01000000003"),
            entry("01000000004"),
        ];
        let taken = HashSet::from(["01000000003".to_string()]);
        assert_eq!(
            number_entries(7, &entries, &taken),
            vec![Some(8), Some(9), None, None, Some(10)]
        );
    }
}
