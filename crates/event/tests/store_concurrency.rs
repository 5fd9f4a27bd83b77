//! `EventStore::save_draft` under contention and after a status change, on
//! SQLite and (with `KEM_TEST_DATABASE_URL`) on a fresh PostgreSQL database.

use std::{future::Future, sync::Arc};

use chrono::Utc;
use contracts::messages::{rfc3339, Envelope, EventDraftCreated};
use event::{
    domain::{Objective, PurposeSelection, StoreInfo},
    store::{EventRow, EventStore, Saved},
};
use platform::{db::Db, with_db};

/// Runs `body` on a migrated SQLite database, then on a fresh PostgreSQL one
/// when `KEM_TEST_DATABASE_URL` is set (`.ci/run` drops the `kem_t_*` databases).
async fn on_each_backend<F, Fut>(body: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("tempdir");
    for db in platform::db::test_databases(dir.path(), event::NAME, &event::migrations()).await {
        body(db.clone()).await;
        db.close().await;
    }
}

fn selection() -> PurposeSelection {
    PurposeSelection {
        user_id: 9,
        objective: Objective::NewCustomers,
        store: StoreInfo {
            store_name: "맛있는집".into(),
            industry: "음식점".into(),
            address: "서울시 강남구".into(),
        },
    }
}

fn message(row: &EventRow) -> Envelope {
    Envelope::wrap(&EventDraftCreated {
        event_draft_id: row.id.clone(),
        user_id: row.user_id,
        objective: row.objective.clone(),
        created_at: rfc3339(row.created_at),
    })
}

fn new_id() -> String {
    platform::ids::new_id("draft")
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    with_db!(db, pool => sqlx::query_scalar(&sql).fetch_one(pool).await.expect("count"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_saves_of_one_selection_leave_one_row_and_one_message() {
    on_each_backend(|db| async move {
        let store = Arc::new(EventStore::new(db.clone()));
        let now = Utc::now();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .save_draft(&new_id(), &selection(), now, message)
                        .await
                })
            })
            .collect();
        let (mut created, mut ids) = (0, Vec::new());
        for task in tasks {
            match task.await.expect("join").expect("save under contention") {
                Saved::Created(row, _) => {
                    created += 1;
                    ids.push(row.id);
                }
                Saved::Existing(row) => ids.push(row.id),
            }
        }
        ids.dedup();
        assert_eq!((created, ids.len()), (1, 1), "{}: {ids:?}", db.backend());
        assert_eq!(count(&db, "event_drafts").await, 1);
        assert_eq!(count(&db, "outbox").await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_draft_that_left_the_draft_status_is_not_answered_to_a_repeat() {
    on_each_backend(|db| async move {
        let store = EventStore::new(db.clone());
        let Saved::Created(first, _) = store
            .save_draft(&new_id(), &selection(), Utc::now(), message)
            .await
            .expect("save")
        else {
            panic!("a new draft")
        };
        with_db!(&db, pool => {
            sqlx::query("UPDATE event_drafts SET status = 'APPROVED' WHERE id = $1")
                .bind(&first.id)
                .execute(pool)
                .await
                .map(|_| ())
                .expect("approve")
        });
        let again = store
            .save_draft(&new_id(), &selection(), Utc::now(), message)
            .await
            .expect("save");
        assert!(
            matches!(&again, Saved::Created(row, _) if row.id != first.id),
            "{}: {again:?}",
            db.backend()
        );
        let old = store.find(&first.id).await.expect("find").expect("kept");
        assert_eq!(old.status, "APPROVED");
        assert_eq!(count(&db, "outbox").await, 2);
    })
    .await;
}

/// Publishes a draft by hand: ACTIVE with these dates.
async fn active(db: &Db, store: &EventStore, start: &str, end: &str) -> String {
    let id = new_id();
    store
        .save_draft(
            &id,
            &PurposeSelection {
                user_id: rand_user(),
                ..selection()
            },
            Utc::now(),
            message,
        )
        .await
        .expect("draft");
    with_db!(db, pool => sqlx::query(
        "UPDATE event_drafts SET status = 'ACTIVE', start_date = $2, end_date = $3 WHERE id = $1",
    )
    .bind(&id)
    .bind(start)
    .bind(end)
    .execute(pool)
    .await
    .map(|_| ())
    .expect("activate"));
    id
}

/// A user per draft, so that the double-tap rule does not merge them.
fn rand_user() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static NEXT: AtomicI64 = AtomicI64::new(1_000);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn ended(row: &EventRow) -> Envelope {
    Envelope::wrap(&contracts::messages::EventEnded {
        event_id: row.id.clone(),
        user_id: row.user_id,
        ended_at: rfc3339(row.updated_at),
        reason: Some("END_DATE".into()),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweeps_racing_each_other_end_each_due_event_once() {
    on_each_backend(|db| async move {
        let store = Arc::new(EventStore::new(db.clone()));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 20).expect("date");
        let mut due = Vec::new();
        for _ in 0..5 {
            due.push(active(&db, &store, "2026-12-01", "2026-12-19").await);
        }
        let running = active(&db, &store, "2026-12-01", "2026-12-20").await;
        let messages_before = count(&db, "outbox").await;
        let sweeps: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.end_due(today, Utc::now(), ended).await })
            })
            .collect();
        let mut ended_ids = Vec::new();
        for sweep in sweeps {
            for (row, envelope) in sweep.await.expect("join").expect("sweep") {
                assert_eq!(
                    (row.status.as_str(), envelope.key.as_str()),
                    ("ENDED", row.id.as_str())
                );
                ended_ids.push(row.id);
            }
        }
        ended_ids.sort();
        due.sort();
        assert_eq!(
            ended_ids,
            due,
            "each due event ended by exactly one sweep on {}",
            db.backend()
        );
        assert_eq!(
            count(&db, "outbox").await - messages_before,
            5,
            "one EventEnded each"
        );
        let still = store.find(&running).await.expect("find").expect("row");
        assert_eq!(
            still.status, "ACTIVE",
            "ends on its end date's last second, not before"
        );
        // A process started late catches up; nothing is ended twice.
        assert!(store
            .end_due(today, Utc::now(), ended)
            .await
            .expect("again")
            .is_empty());
        let next_day = today.succ_opt().expect("date");
        let late = store
            .end_due(next_day, Utc::now(), ended)
            .await
            .expect("late");
        assert_eq!(late.len(), 1);
        // An ended event's end date cannot move.
        let moved = store
            .reschedule(&running, still.user_id, next_day, today, Utc::now(), ended)
            .await
            .expect("reschedule");
        assert!(moved.is_none());
        // An ACTIVE event whose end date passed a moment ago keeps it.
        let just_over = active(&db, &store, "2026-12-01", "2026-12-19").await;
        let row = store.find(&just_over).await.expect("find").expect("row");
        let moved = store
            .reschedule(&just_over, row.user_id, next_day, today, Utc::now(), ended)
            .await
            .expect("reschedule");
        assert!(moved.is_none(), "its end passed before the move committed");
    })
    .await;
}
