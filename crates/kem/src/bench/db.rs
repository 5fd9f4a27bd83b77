//! The database's own limit for the endpoint's write: the same transaction
//! (one INSERT into `event_drafts`, one into `outbox`), straight through sqlx,
//! against a scratch database of the same backend with the event service's
//! own migrations, so table shapes and indexes are identical.

use std::{path::Path, sync::Arc, time::Duration};

use chrono::Utc;
use contracts::messages::{rfc3339, Envelope, EventDraftCreated};
use event::{
    domain::{Objective, PurposeSelection, StoreInfo},
    store::{EventStore, Saved},
};
use platform::{
    db::{schema_name, Db},
    ids::new_id,
};

use super::{
    load::{closed_loop, Op, Sequence},
    report::PhaseReport,
};

/// The scratch "service": its SQLite file and PostgreSQL schema (`kem_bench_scratch`).
pub const SCRATCH: &str = "bench_scratch";

/// The insert loop. The scratch database lives in `scratch_dir` for SQLite
/// (whatever directory the app uses) and in schema `kem_bench_scratch` of the
/// configured PostgreSQL database, dropped before and after.
pub async fn insert_phase(
    database_url: &str,
    scratch_dir: &Path,
    pool_size: u32,
    concurrency: usize,
    duration: Duration,
    owners: i64,
) -> anyhow::Result<PhaseReport> {
    let db = open_scratch(database_url, scratch_dir, pool_size).await?;
    let store = EventStore::new(db.clone());
    let op: Op = Arc::new(move |n| {
        let store = store.clone();
        Box::pin(async move { insert_one(&store, n, owners).await })
    });
    let label = format!("db insert, raw sqlx, {concurrency} tasks");
    let report = closed_loop(
        label,
        concurrency,
        duration,
        Arc::new(Sequence::default()),
        op,
    )
    .await;
    drop_scratch(&db).await;
    Ok(report)
}

/// The endpoint's step 3 exactly: the store's own `save_draft`, which is the
/// transaction the endpoint runs, without HTTP, token check, cache or bus.
async fn insert_one(store: &EventStore, n: u64, owners: i64) -> Result<(), String> {
    let selection = PurposeSelection {
        user_id: (n as i64 % owners.max(1)) + 1,
        objective: Objective::NewCustomers,
        store: StoreInfo {
            store_name: format!("맛있는집 {n}"),
            industry: "음식점".into(),
            address: "서울시 강남구".into(),
        },
    };
    let saved = store
        .save_draft(&new_id("draft"), &selection, Utc::now(), |row| {
            Envelope::wrap(&EventDraftCreated {
                event_draft_id: row.id.clone(),
                user_id: row.user_id,
                objective: row.objective.clone(),
                created_at: rfc3339(row.created_at),
            })
        })
        .await
        .map_err(|e| format!("insert: {e}"))?;
    match saved {
        Saved::Created(..) => Ok(()),
        Saved::Existing(_) => Err("insert answered an existing draft".into()),
    }
}

async fn open_scratch(
    database_url: &str,
    scratch_dir: &Path,
    pool_size: u32,
) -> anyhow::Result<Db> {
    // For SQLite, always a file in the scratch directory: `sqlite://DIR` would
    // otherwise put it next to the app's own files.
    let url = if database_url.starts_with("sqlite:") {
        "sqlite://"
    } else {
        database_url
    };
    let db = Db::connect(url, scratch_dir, SCRATCH, pool_size).await?;
    if let Db::Postgres(pool) = &db {
        // A run that died half-way leaves its schema: start from an empty one.
        // The name is our constant, never input.
        let schema = schema_name(SCRATCH);
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(pool)
            .await?;
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(pool)
            .await?;
    }
    db.migrate(SCRATCH, &event::migrations()).await?;
    Ok(db)
}

async fn drop_scratch(db: &Db) {
    if let Db::Postgres(pool) = db {
        let schema = schema_name(SCRATCH);
        if let Err(e) = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(pool)
            .await
        {
            eprintln!("kem bench: could not drop scratch schema {schema}: {e}");
        }
    }
    db.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn count_rows(db: &Db) -> (i64, i64) {
        platform::with_db!(db, pool => {
            let drafts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_drafts").fetch_one(pool).await.expect("count");
            let outbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(pool).await.expect("count");
            (drafts, outbox)
        })
    }

    #[tokio::test]
    async fn each_insert_writes_one_draft_and_one_outbox_row() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = open_scratch("sqlite://", dir.path(), 2)
            .await
            .expect("scratch");
        let store = EventStore::new(db.clone());
        for n in 0..3 {
            insert_one(&store, n, 2).await.expect("insert");
        }
        assert_eq!(count_rows(&db).await, (3, 3));
        db.close().await;
    }
}
