//! Entry intake: the entries of one event are written in batches.
//!
//! Why: an entry holds its event's row lock (the row hands out the next
//! entry number) until its transaction commits, so the entries of one event
//! are written one after another and each waits for the previous commit's
//! flush. At about 1.4 ms per commit that capped a popular event near 700
//! entries per second. Here a writer takes every entry that queued up while
//! its previous batch was committing and stores them in one transaction (one
//! lock, one flush): a burst costs a few commits instead of one per entry,
//! and a lone entry never waits for company (there is no timer).
//!
//! Events are spread over a few writers by a hash of their id, so one
//! event's entries always reach the same writer in arrival order, and
//! different events are written in parallel. Several processes may run
//! intakes side by side: the row lock still orders their batches.

use std::{
    collections::hash_map::DefaultHasher,
    hash::{Hash, Hasher},
    panic::AssertUnwindSafe,
};

use contracts::messages::Envelope;
use futures::FutureExt;
use platform::{db::StoreError, outbox::Outbox};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::{
    domain::Entry,
    store::{ParticipantRow, ParticipationStore, RegisterError},
};

/// How an entry becomes its `ParticipantRegistered` message.
pub type MessageFn = fn(&ParticipantRow) -> Envelope;

/// The largest batch: 13 values per entry stay well under SQLite's 32,766
/// and PostgreSQL's 65,535 bound parameters per statement.
pub const MAX_BATCH: usize = 1_000;

/// Entries waiting per writer before senders wait too (back-pressure).
const QUEUE_PER_WRITER: usize = 4096;

/// One entry on its way to a writer.
struct Pending {
    event_id: String,
    participant_id: String,
    entry: Entry,
    reply: oneshot::Sender<Result<ParticipantRow, RegisterError>>,
}

/// The writers' front door.
#[derive(Clone)]
pub struct Intake {
    writers: Vec<mpsc::Sender<Pending>>,
}

/// How the intake writes.
#[derive(Debug, Clone, Copy)]
pub struct IntakeOptions {
    /// Writer tasks (events written in parallel).
    pub writers: usize,
    /// Most entries of one transaction.
    pub max_batch: usize,
}

impl Intake {
    /// Starts the writer tasks; they stop on `shutdown` after the batch in hand.
    pub fn start(
        store: ParticipationStore,
        outbox: Outbox,
        message: MessageFn,
        options: IntakeOptions,
        clock: platform::clock::Clock,
        shutdown: CancellationToken,
    ) -> (Intake, Vec<tokio::task::JoinHandle<()>>) {
        let (writers, tasks) = (0..options.writers.max(1))
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_PER_WRITER);
                let writer = Writer {
                    store: store.clone(),
                    outbox: outbox.clone(),
                    message,
                    max_batch: options.max_batch.clamp(1, MAX_BATCH),
                    clock: clock.clone(),
                };
                (tx, tokio::spawn(writer.run(rx, shutdown.clone())))
            })
            .unzip();
        (Intake { writers }, tasks)
    }

    /// Stores the entry with the event's next number; answers the stored row
    /// once its transaction has committed and its message is on its way.
    pub async fn register(
        &self,
        event_id: &str,
        participant_id: String,
        entry: Entry,
    ) -> Result<ParticipantRow, RegisterError> {
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            event_id: event_id.to_string(),
            participant_id,
            entry,
            reply,
        };
        if self.writer_of(event_id).send(pending).await.is_err() {
            return Err(stopped());
        }
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }

    fn writer_of(&self, event_id: &str) -> &mpsc::Sender<Pending> {
        let mut hasher = DefaultHasher::new();
        event_id.hash(&mut hasher);
        let index = (hasher.finish() % self.writers.len() as u64) as usize;
        &self.writers[index]
    }
}

/// The answer when the service is shutting down: a 503, try again.
fn stopped() -> RegisterError {
    RegisterError::Store(StoreError::Unavailable("the entry writers stopped".into()))
}

struct Writer {
    store: ParticipationStore,
    outbox: Outbox,
    message: MessageFn,
    max_batch: usize,
    /// Decides whether the event's entry window is open.
    clock: platform::clock::Clock,
}

impl Writer {
    async fn run(self, mut queue: mpsc::Receiver<Pending>, shutdown: CancellationToken) {
        let mut taken = Vec::with_capacity(self.max_batch);
        loop {
            let received = tokio::select! {
                n = queue.recv_many(&mut taken, self.max_batch) => n,
                _ = shutdown.cancelled() => return,
            };
            if received == 0 {
                return;
            }
            for (event_id, batch) in by_event(taken.drain(..)) {
                // A panic while writing one batch must not stop the writer
                // (and every event it serves): that batch's entrants get a
                // 503 (their answer channels close) and the next one goes on.
                let write = AssertUnwindSafe(self.write(&event_id, batch));
                if write.catch_unwind().await.is_err() {
                    tracing::error!(
                        event_id,
                        "entry batch panicked; its entrants were told to retry"
                    );
                }
            }
        }
    }

    async fn write(&self, event_id: &str, batch: Vec<Pending>) {
        platform::metrics::entry_batch(batch.len());
        let entries: Vec<(String, Entry)> = batch
            .iter()
            .map(|p| (p.participant_id.clone(), p.entry.clone()))
            .collect();
        let results = self
            .store
            .register_batch(event_id, &entries, self.clock.now(), self.message)
            .await;
        let envelopes: Vec<Envelope> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|(_, envelope)| envelope.clone()))
            .collect();
        self.outbox.send(&envelopes).await;
        for (pending, result) in batch.into_iter().zip(results) {
            // A caller that went away (client hung up) is fine: the entry stands.
            let _ = pending.reply.send(result.map(|(row, _)| row));
        }
    }
}

/// Groups entries by event, keeping arrival order within each event and the
/// order in which events first appear.
fn by_event(pendings: impl Iterator<Item = Pending>) -> Vec<(String, Vec<Pending>)> {
    let mut groups: Vec<(String, Vec<Pending>)> = Vec::new();
    for pending in pendings {
        match groups.iter_mut().find(|(id, _)| *id == pending.event_id) {
            Some((_, group)) => group.push(pending),
            None => groups.push((pending.event_id.clone(), vec![pending])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(event_id: &str, participant_id: &str) -> Pending {
        let entry = Entry::parse(&crate::domain::EntryInput {
            name: Some("홍길동"),
            phone_number: Some("010-1234-5678"),
            agree_privacy: Some(true),
            ..Default::default()
        })
        .expect("valid entry");
        Pending {
            event_id: event_id.into(),
            participant_id: participant_id.into(),
            entry,
            reply: oneshot::channel().0,
        }
    }

    #[test]
    fn batches_keep_arrival_order_per_event() {
        let groups = by_event(
            [("a", "1"), ("b", "2"), ("a", "3"), ("b", "4"), ("a", "5")]
                .into_iter()
                .map(|(e, p)| pending(e, p)),
        );
        let shape: Vec<(String, Vec<String>)> = groups
            .into_iter()
            .map(|(e, ps)| (e, ps.into_iter().map(|p| p.participant_id).collect()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("a".into(), vec!["1".into(), "3".into(), "5".into()]),
                ("b".into(), vec!["2".into(), "4".into()]),
            ]
        );
    }
}
