//! Transactional outbox. A service writes its bus messages into its own
//! `outbox` table (defined by the platform's migrations, see
//! [`PlatformTable::Outbox`](crate::db::PlatformTable::Outbox)) in the same
//! transaction as the state change
//! ([`outbox_insert!`](crate::outbox_insert)); after the commit
//! [`Outbox::send`] publishes them at once, and a relay task re-sends whatever
//! is still there (broker down, process crash) until the broker takes it.
//! Sent rows are deleted in batches. Delivery is at-least-once.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::Utc;
use contracts::messages::Envelope;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::{bus::Bus, db::Db, with_db};

/// The INSERT every service runs inside its transaction.
pub const INSERT_SQL: &str =
    "INSERT INTO outbox (message_id, topic, msg_key, payload, created_at) \
                              VALUES ($1, $2, $3, $4, $5)";

/// Inserts an [`Envelope`] into the outbox on `$conn` (a transaction).
/// Evaluates to the `execute` future.
#[macro_export]
macro_rules! outbox_insert {
    ($conn:expr, $envelope:expr) => {
        sqlx::query($crate::outbox::INSERT_SQL)
            .bind(&$envelope.message_id)
            .bind(&$envelope.topic)
            .bind(&$envelope.key)
            .bind(&$envelope.payload)
            .bind(chrono::Utc::now())
            .execute($conn)
    };
}

/// The INSERT of several messages at once, for a transaction that commits
/// a batch of changes; build and execute it on that transaction.
pub fn insert_many<'a, DB>(
    envelopes: &'a [Envelope],
    at: chrono::DateTime<Utc>,
) -> sqlx::QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    chrono::DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut insert = sqlx::QueryBuilder::new(
        "INSERT INTO outbox (message_id, topic, msg_key, payload, created_at) ",
    );
    insert.push_values(envelopes, |mut row, envelope| {
        row.push_bind(envelope.message_id.as_str())
            .push_bind(envelope.topic.as_str())
            .push_bind(envelope.key.as_str())
            .push_bind(envelope.payload.as_str())
            .push_bind(at);
    });
    insert
}

/// Rows younger than this are left to the sender that committed them.
const RELAY_GRACE: Duration = Duration::from_secs(3);
/// After a failed publish, later commits skip the immediate send for this
/// long and leave their messages to the relay, so a dead broker does not
/// slow every request down by the publish timeout.
const BROKER_DOWN_BACKOFF_MS: i64 = 5_000;
const RELAY_BATCH: i64 = 500;

/// What is waiting in an outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    /// Rows the broker has not acknowledged.
    pub rows: i64,
    /// Age of the oldest of them (zero when none).
    pub oldest_age: Duration,
    /// The most sends the broker refused of any of them (zero when none).
    pub max_attempts: i32,
}

/// One service's outbox: immediate send after commit plus the relay.
#[derive(Clone)]
pub struct Outbox {
    service: &'static str,
    db: Db,
    bus: Arc<dyn Bus>,
    sent: mpsc::UnboundedSender<String>,
    broker_down_until_ms: Arc<AtomicI64>,
}

impl Outbox {
    /// Starts the relay and the batch deleter for `service`'s outbox table
    /// in `db`; the relay also reports the backlog as metrics.
    pub fn start(
        service: &'static str,
        db: Db,
        bus: Arc<dyn Bus>,
        relay_interval: Duration,
        shutdown: CancellationToken,
    ) -> (Outbox, Vec<tokio::task::JoinHandle<()>>) {
        let (sent, sent_rx) = mpsc::unbounded_channel();
        let outbox = Outbox {
            service,
            db: db.clone(),
            bus,
            sent,
            broker_down_until_ms: Arc::new(AtomicI64::new(0)),
        };
        let deleter = tokio::spawn(delete_sent(db, sent_rx, shutdown.clone()));
        let relay = tokio::spawn(outbox.clone().relay(service, relay_interval, shutdown));
        (outbox, vec![deleter, relay])
    }

    /// Hands committed messages to the broker client now, in order, without
    /// waiting for the acknowledgements: a background task awaits them and
    /// marks the acknowledged rows for deletion. Whatever is not acknowledged
    /// stays in the table for the relay. The caller's request therefore never
    /// waits on the broker's round trip.
    pub async fn send(&self, envelopes: &[Envelope]) {
        if envelopes.is_empty()
            || Utc::now().timestamp_millis() < self.broker_down_until_ms.load(Ordering::Relaxed)
        {
            return;
        }
        let mut acks = Vec::with_capacity(envelopes.len());
        for envelope in envelopes {
            let ack = self
                .bus
                .enqueue(&envelope.topic, &envelope.key, &envelope.payload);
            acks.push((envelope.message_id.clone(), ack));
        }
        let outbox = self.clone();
        tokio::spawn(async move {
            for (message_id, ack) in acks {
                if let Err(e) = ack.await {
                    outbox.broker_failed(&e);
                    return;
                }
                outbox.acknowledged(message_id);
            }
        });
    }

    /// The broker took the message: its row can go.
    fn acknowledged(&self, message_id: String) {
        metrics::counter!(crate::metrics::OUTBOX_SENT, "service" => self.service).increment(1);
        let _ = self.sent.send(message_id);
    }

    fn broker_failed(&self, error: &crate::bus::BusError) {
        tracing::warn!(%error, "publish failed; the outbox relay will retry");
        self.broker_down_until_ms.store(
            Utc::now().timestamp_millis() + BROKER_DOWN_BACKOFF_MS,
            Ordering::Relaxed,
        );
    }

    async fn publish(&self, message_id: &str, topic: &str, key: &str, payload: &str) -> bool {
        match self.bus.publish(topic, key, payload).await {
            Ok(()) => {
                self.acknowledged(message_id.to_string());
                true
            }
            Err(e) => {
                tracing::debug!(topic, "relay publish failed");
                self.broker_failed(&e);
                false
            }
        }
    }

    /// Sends every pending message older than the grace period; returns how
    /// many were sent, stopping at the first failure.
    pub async fn relay_once(&self, grace: Duration) -> Result<usize, sqlx::Error> {
        let cutoff = Utc::now() - chrono::Duration::from_std(grace).unwrap_or_default();
        let rows: Vec<(String, String, String, String)> = with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT message_id, topic, msg_key, payload FROM outbox \
                 WHERE created_at <= $1 ORDER BY created_at LIMIT $2",
            )
            .bind(cutoff)
            .bind(RELAY_BATCH)
            .fetch_all(pool)
            .await
        })?;
        let mut sent = 0;
        for (message_id, topic, key, payload) in rows {
            if !self.publish(&message_id, &topic, &key, &payload).await {
                self.refused(&message_id).await;
                break;
            }
            sent += 1;
        }
        if sent > 0 {
            tracing::info!(sent, "outbox relay sent pending messages");
        }
        Ok(sent)
    }

    /// Counts a send of `message_id` the broker refused. The relay stops at
    /// the first refusal (order matters), so the row that keeps the most
    /// attempts is the one holding the others back: a broker that is down,
    /// or a message it will never take.
    async fn refused(&self, message_id: &str) {
        let counted = with_db!(&self.db, pool => {
            sqlx::query("UPDATE outbox SET attempts = attempts + 1 WHERE message_id = $1")
                .bind(message_id)
                .execute(pool)
                .await
                .map(|_| ())
        });
        if let Err(e) = counted {
            tracing::warn!(error = %e, "refused outbox send not counted");
        }
    }

    /// Messages not yet acknowledged by the broker.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn pending(&self) -> Result<i64, sqlx::Error> {
        with_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(pool).await
        })
    }

    /// What is waiting in the outbox.
    pub async fn backlog(&self) -> Result<Backlog, sqlx::Error> {
        let (rows, oldest, max_attempts): (i64, Option<chrono::DateTime<Utc>>, Option<i32>) = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT COUNT(*), MIN(created_at), MAX(attempts) FROM outbox")
                .fetch_one(pool)
                .await
        })?;
        let oldest_age = oldest
            .and_then(|at| (Utc::now() - at).to_std().ok())
            .unwrap_or_default();
        Ok(Backlog {
            rows,
            oldest_age,
            max_attempts: max_attempts.unwrap_or(0),
        })
    }

    async fn relay(self, service: &'static str, interval: Duration, shutdown: CancellationToken) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.cancelled() => return,
            }
            if let Err(e) = self.relay_once(RELAY_GRACE).await {
                tracing::warn!(error = %e, "outbox relay could not read the outbox");
            }
            match self.backlog().await {
                Ok(backlog) => {
                    metrics::gauge!(crate::metrics::OUTBOX_PENDING, "service" => service)
                        .set(backlog.rows as f64);
                    metrics::gauge!(crate::metrics::OUTBOX_OLDEST_AGE, "service" => service)
                        .set(backlog.oldest_age.as_secs_f64());
                    metrics::gauge!(crate::metrics::OUTBOX_MAX_ATTEMPTS, "service" => service)
                        .set(f64::from(backlog.max_attempts));
                }
                Err(e) => tracing::warn!(error = %e, "outbox backlog not measured"),
            }
        }
    }
}

/// Deletes acknowledged rows in batches: one statement per burst instead of
/// one per message keeps the write path short.
async fn delete_sent(
    db: Db,
    mut sent: mpsc::UnboundedReceiver<String>,
    shutdown: CancellationToken,
) {
    let mut batch = Vec::with_capacity(256);
    loop {
        let received = tokio::select! {
            n = sent.recv_many(&mut batch, 500) => n,
            _ = shutdown.cancelled() => {
                // Drain what is already acknowledged so a restart does not resend it.
                while let Ok(id) = sent.try_recv() { batch.push(id); }
                0
            }
        };
        if !batch.is_empty() {
            let result = with_db!(&db, pool => {
                let mut query = sqlx::QueryBuilder::new("DELETE FROM outbox WHERE message_id IN (");
                let mut list = query.separated(", ");
                for id in &batch {
                    list.push_bind(id);
                }
                query.push(")");
                query.build().execute(pool).await.map(|r| r.rows_affected())
            });
            if let Err(e) = result {
                // The rows stay and are sent again: duplicates, never losses.
                tracing::warn!(error = %e, "could not delete sent outbox rows");
            }
            batch.clear();
        }
        if received == 0 {
            return;
        }
    }
}

#[cfg(test)]
mod tests;
