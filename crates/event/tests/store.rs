//! EventStore against a real database: SQLite always, and the same test
//! bodies on a fresh PostgreSQL database when `KEM_TEST_DATABASE_URL` is set.

use chrono::{Duration, Utc};
use contracts::messages::{Envelope, EventDraftCreated};
use event::{
    domain::{EventStatus, Objective, PurposeSelection, StoreInfo},
    store::{EventStore, ListFilter, Saved},
};
use platform::db::Db;

async fn databases(dir: &std::path::Path) -> Vec<Db> {
    platform::db::test_databases(dir, event::NAME, &event::migrations()).await
}

fn selection(user_id: i64, store: &str) -> PurposeSelection {
    PurposeSelection {
        user_id,
        objective: Objective::NewCustomers,
        store: StoreInfo {
            store_name: store.into(),
            industry: "음식점".into(),
            address: "서울시 강남구".into(),
        },
    }
}

fn message(row: &event::store::EventRow) -> Envelope {
    Envelope::wrap(&EventDraftCreated {
        event_draft_id: row.id.clone(),
        user_id: row.user_id,
        objective: row.objective.clone(),
        created_at: row.created_at.to_rfc3339(),
    })
}

async fn outbox_len(db: &Db) -> i64 {
    platform::with_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(pool).await)
        .expect("count")
}

#[tokio::test]
async fn a_new_selection_is_saved_with_its_message_and_a_repeat_finds_it() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = EventStore::new(db.clone());
        let now = Utc::now();
        let first = store
            .save_draft("draft-a", &selection(1, "맛있는집"), now, message)
            .await
            .expect("save");
        let Saved::Created(row, envelope) = first else {
            panic!("expected a new draft on {}", db.backend())
        };
        assert_eq!(
            (row.id.as_str(), row.status.as_str(), row.user_id),
            ("draft-a", "DRAFT", 1)
        );
        assert_eq!(envelope.key, "draft-a");
        assert_eq!(outbox_len(&db).await, 1, "message committed with the row");

        let again = store
            .save_draft("draft-b", &selection(1, "맛있는집"), now, message)
            .await
            .expect("save");
        assert!(
            matches!(again, Saved::Existing(ref r) if r.id == "draft-a"),
            "{}",
            db.backend()
        );
        assert_eq!(outbox_len(&db).await, 1, "no second message");

        let other_user = store
            .save_draft("draft-c", &selection(2, "맛있는집"), now, message)
            .await
            .expect("save");
        assert!(matches!(other_user, Saved::Created(..)));
        assert!(store.find("draft-a").await.expect("find").is_some());
        assert!(store.find("draft-zzz").await.expect("find").is_none());
    }
}

#[tokio::test]
async fn after_thirty_minutes_the_same_selection_makes_a_new_draft() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = EventStore::new(db.clone());
        let then = Utc::now() - Duration::minutes(31);
        store
            .save_draft("draft-old", &selection(1, "가게"), then, message)
            .await
            .expect("save");
        let now = Utc::now();
        let saved = store
            .save_draft("draft-new", &selection(1, "가게"), now, message)
            .await
            .expect("save");
        assert!(
            matches!(saved, Saved::Created(ref r, _) if r.id == "draft-new"),
            "{}",
            db.backend()
        );
        assert!(
            store.find("draft-old").await.expect("find").is_some(),
            "the old draft stays"
        );
    }
}

#[tokio::test]
async fn the_list_counts_filters_and_pages_per_owner() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = EventStore::new(db.clone());
        for i in 0..5 {
            store
                .save_draft(
                    &format!("draft-{i}"),
                    &selection(7, &format!("가게{i}")),
                    Utc::now(),
                    message,
                )
                .await
                .expect("save");
        }
        store
            .save_draft("draft-x", &selection(8, "남의가게"), Utc::now(), message)
            .await
            .expect("save");
        let (page, total) = store
            .list(7, &ListFilter::default(), 1, 2)
            .await
            .expect("list");
        assert_eq!((total, page.len()), (5, 2), "{}", db.backend());
        let filter = ListFilter {
            query: Some("가게3".into()),
            ..ListFilter::default()
        };
        let (found, total) = store.list(7, &filter, 0, 10).await.expect("list");
        assert_eq!((total, found[0].id.as_str()), (1, "draft-3"));
        assert_eq!(
            store.count_by_status(7).await.expect("counts"),
            vec![("DRAFT".to_string(), 5)]
        );
        assert!(
            store
                .delete_draft("draft-x", 7)
                .await
                .is_ok_and(|deleted| !deleted),
            "not the owner"
        );
        assert!(store.delete_draft("draft-0", 7).await.expect("delete"));
        // The machine refuses a draft's end, so the store cannot be asked for
        // it; a legal move from the wrong status writes nothing either.
        assert!(EventStatus::Draft.transition(EventStatus::Ended).is_err());
        let active_to_ended = EventStatus::Active
            .transition(EventStatus::Ended)
            .expect("legal");
        assert!(
            store
                .end("draft-1", 7, active_to_ended, Utc::now(), message)
                .await
                .expect("end")
                .is_none(),
            "a draft cannot end"
        );
        let still = store.find("draft-1").await.expect("find").expect("row");
        assert_eq!(still.status(), EventStatus::Draft);
    }
}
