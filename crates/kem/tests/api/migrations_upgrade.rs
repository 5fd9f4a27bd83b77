//! A database made before the platform owned the outbox and inbox tables
//! (each service's own migrations and nothing else, which is what that
//! version ran) keeps working: the platform's migrations apply on top of it,
//! every migration applied before keeps its checksum (sqlx refuses to run
//! otherwise), the rows waiting in the tables stay, and the tables work
//! through the platform's code.

use chrono::Utc;
use contracts::messages::{Envelope, EventDraftCreated};
use platform::{
    db::{Db, Migrations, PlatformTable},
    inbox_insert, outbox_insert, with_db,
};

fn services() -> Vec<(&'static str, Migrations)> {
    vec![
        (user::NAME, user::migrations()),
        (event::NAME, event::migrations()),
        (ai::NAME, ai::migrations()),
        (content::NAME, content::migrations()),
        (distribution::NAME, distribution::migrations()),
        (participation::NAME, participation::migrations()),
        (analytics::NAME, analytics::migrations()),
    ]
}

fn waiting_message() -> Envelope {
    Envelope::wrap(&EventDraftCreated {
        event_draft_id: "draft-upgrade".into(),
        user_id: 1,
        objective: "신규 고객 유치".into(),
        created_at: "2026-11-21T10:00:00Z".into(),
    })
}

/// Runs only the service's own migrations, as the version before did.
async fn migrate_as_before(db: &Db, migrations: &Migrations) {
    let own = match db {
        Db::Sqlite(_) => migrations.sqlite,
        Db::Postgres(_) => migrations.postgres,
    };
    with_db!(db, pool => own.run(pool).await).expect("the old migrations");
}

async fn platform_versions(db: &Db) -> Vec<i64> {
    with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT version FROM _sqlx_migrations WHERE version >= 9000000000 ORDER BY version",
        )
        .fetch_all(pool)
        .await
    })
    .expect("applied versions")
}

#[tokio::test]
async fn databases_of_the_version_before_migrate_and_keep_their_waiting_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    for url in platform::db::test_database_urls().await {
        for (service, migrations) in services() {
            let db = Db::connect(&url, dir.path(), service, 2)
                .await
                .expect("connect");
            migrate_as_before(&db, &migrations).await;
            let outbox = migrations.platform.contains(&PlatformTable::Outbox);
            let inbox = migrations.platform.contains(&PlatformTable::Inbox);
            let message = waiting_message();
            with_db!(&db, pool => {
                if outbox {
                    outbox_insert!(pool, &message).await.expect("outbox row");
                }
                if inbox {
                    assert!(inbox_insert!(pool, "m-1", Utc::now()).await.expect("inbox row"));
                }
            });

            db.migrate(service, &migrations)
                .await
                .unwrap_or_else(|e| panic!("{service} on {}: {e}", db.backend()));
            // A second start changes nothing.
            db.migrate(service, &migrations).await.expect("again");

            let expected: Vec<i64> = [(outbox, 9_000_000_001), (inbox, 9_000_000_002)]
                .into_iter()
                .filter_map(|(kept, version)| kept.then_some(version))
                .collect();
            assert_eq!(platform_versions(&db).await, expected, "{service}");
            if outbox {
                let (payload, attempts): (String, i32) = with_db!(&db, pool => {
                    sqlx::query_as("SELECT payload, attempts FROM outbox WHERE message_id = $1")
                        .bind(&message.message_id)
                        .fetch_one(pool)
                        .await
                })
                .expect("the waiting message stayed");
                assert_eq!((payload, attempts), (message.payload.clone(), 0));
            }
            if inbox {
                let again = with_db!(&db, pool => inbox_insert!(pool, "m-1", Utc::now()).await)
                    .expect("inbox");
                assert!(!again, "{service}: the applied id is still known");
            }
            db.close().await;
        }
    }
}
