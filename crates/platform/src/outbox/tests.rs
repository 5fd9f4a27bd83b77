//! The outbox against a broker that can be switched off.

use super::*;
use crate::bus::{BusError, MessageHandler};
use async_trait::async_trait;
use contracts::messages::EventDraftCreated;
use std::sync::{atomic::AtomicBool, Mutex};

/// A broker that can be switched off, standing in for Kafka going down.
#[derive(Default)]
struct SwitchableBroker {
    down: AtomicBool,
    received: Mutex<Vec<String>>,
}

#[async_trait]
impl Bus for SwitchableBroker {
    fn enqueue(&self, t: &str, k: &str, payload: &str) -> crate::bus::Ack {
        let result = futures::executor::block_on(self.publish(t, k, payload));
        Box::pin(std::future::ready(result))
    }
    async fn publish(&self, _t: &str, _k: &str, payload: &str) -> Result<(), BusError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(BusError::Unavailable("switched off".into()));
        }
        self.received
            .lock()
            .expect("lock")
            .push(payload.to_string());
        Ok(())
    }
    fn subscribe(
        &self,
        _: &str,
        _: &str,
        _: Arc<dyn MessageHandler>,
        _: CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, BusError> {
        unreachable!("not used")
    }
    async fn ping(&self) -> Result<(), BusError> {
        Ok(())
    }
    fn name(&self) -> &'static str {
        "switchable"
    }
}

/// A database with only the platform's outbox: what a service gets that
/// names `PlatformTable::Outbox` and has no copy of the table of its own.
async fn sqlite_with_outbox(dir: &std::path::Path) -> Db {
    let db = Db::connect("sqlite://", dir, "outbox_test", 2)
        .await
        .expect("db");
    let migrator = crate::db::PlatformTable::Outbox.migrations(&db);
    with_db!(&db, pool => migrator.run(pool).await).expect("outbox migrations");
    db
}

async fn commit(db: &Db, envelope: &Envelope) {
    with_db!(db, pool => {
        let mut tx = pool.begin().await.expect("tx");
        outbox_insert!(&mut *tx, envelope).await.expect("insert");
        tx.commit().await.expect("commit")
    });
}

fn envelope(n: i64) -> Envelope {
    Envelope::wrap(&EventDraftCreated {
        event_draft_id: format!("draft-{n}"),
        user_id: n,
        objective: "매출 증대".into(),
        created_at: "2026-11-21T10:00:00Z".into(),
    })
}

async fn wait_pending(outbox: &Outbox, expected: i64) -> i64 {
    for _ in 0..100 {
        if outbox.pending().await.expect("count") == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    outbox.pending().await.expect("count")
}

/// An outbox on a scratch SQLite database, sending to a broker the test
/// switches off and on; its relay only runs when the test calls it.
struct Fixture {
    _dir: tempfile::TempDir,
    db: Db,
    broker: Arc<SwitchableBroker>,
    stop: CancellationToken,
    outbox: Outbox,
    _tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Fixture {
    async fn start() -> Fixture {
        let dir = tempfile::tempdir().expect("tmp");
        let db = sqlite_with_outbox(dir.path()).await;
        let broker = Arc::new(SwitchableBroker::default());
        let stop = CancellationToken::new();
        let (outbox, tasks) = Outbox::start(
            "test",
            db.clone(),
            broker.clone(),
            Duration::from_secs(3600),
            stop.clone(),
        );
        Fixture {
            _dir: dir,
            db,
            broker,
            stop,
            outbox,
            _tasks: tasks,
        }
    }
}

#[tokio::test]
async fn a_message_committed_while_the_broker_is_down_is_sent_when_it_returns() {
    let Fixture {
        _dir,
        db,
        broker,
        stop,
        outbox,
        _tasks,
    } = Fixture::start().await;

    broker.down.store(true, Ordering::SeqCst);
    let env = envelope(1);
    commit(&db, &env).await;
    outbox.send(std::slice::from_ref(&env)).await;
    assert_eq!(
        outbox.pending().await.expect("count"),
        1,
        "kept while the broker is down"
    );
    assert!(broker.received.lock().expect("lock").is_empty());

    broker.down.store(false, Ordering::SeqCst);
    assert_eq!(outbox.relay_once(Duration::ZERO).await.expect("relay"), 1);
    assert_eq!(
        wait_pending(&outbox, 0).await,
        0,
        "deleted once acknowledged"
    );
    assert_eq!(
        *broker.received.lock().expect("lock"),
        vec![env.payload.clone()]
    );
    stop.cancel();
}

#[tokio::test]
async fn an_immediate_send_removes_the_row_and_the_relay_sends_nothing_twice() {
    let Fixture {
        _dir,
        db,
        broker,
        stop,
        outbox,
        _tasks,
    } = Fixture::start().await;
    let envs: Vec<Envelope> = (0..3).map(envelope).collect();
    for env in &envs {
        commit(&db, env).await;
    }
    outbox.send(&envs).await;
    assert_eq!(wait_pending(&outbox, 0).await, 0);
    assert_eq!(outbox.relay_once(Duration::ZERO).await.expect("relay"), 0);
    assert_eq!(broker.received.lock().expect("lock").len(), 3);
    stop.cancel();
}

#[tokio::test]
async fn refused_sends_are_counted_on_the_row_that_waits() {
    let Fixture {
        _dir,
        db,
        broker,
        stop,
        outbox,
        _tasks,
    } = Fixture::start().await;
    broker.down.store(true, Ordering::SeqCst);
    let envs: Vec<Envelope> = (0..2).map(envelope).collect();
    for env in &envs {
        commit(&db, env).await;
    }
    let before = outbox.backlog().await.expect("backlog");
    assert_eq!((before.rows, before.max_attempts), (2, 0));
    for _ in 0..3 {
        assert_eq!(outbox.relay_once(Duration::ZERO).await.expect("relay"), 0);
    }
    let refused = outbox.backlog().await.expect("backlog");
    assert_eq!((refused.rows, refused.max_attempts), (2, 3));
    let attempts: Vec<i64> = with_db!(&db, pool => {
        sqlx::query_scalar("SELECT attempts FROM outbox ORDER BY created_at, message_id")
            .fetch_all(pool)
            .await
    })
    .expect("attempts");
    assert_eq!(
        attempts.iter().sum::<i64>(),
        3,
        "only the head of the queue was tried"
    );

    broker.down.store(false, Ordering::SeqCst);
    assert_eq!(outbox.relay_once(Duration::ZERO).await.expect("relay"), 2);
    assert_eq!(wait_pending(&outbox, 0).await, 0);
    assert_eq!(outbox.backlog().await.expect("backlog").max_attempts, 0);
    stop.cancel();
}
