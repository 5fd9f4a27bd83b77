//! The database's own limit for the endpoint's write: the same transaction
//! (one INSERT into `event_drafts`, one into `outbox`), straight through sqlx,
//! against a scratch database of the same backend with the event service's
//! own migrations, so table shapes and indexes are identical.

use std::{path::Path, sync::Arc, time::Duration};

use event::bench::DraftInserts;
use platform::db::{schema_name, Db};

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
    // The endpoint's step 3 exactly: the store's own transaction, without
    // HTTP, token check, cache or bus.
    let inserts = DraftInserts::new(db.clone());
    let op: Op = Arc::new(move |n| {
        let inserts = inserts.clone();
        Box::pin(async move { inserts.insert(n, owners).await })
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
            eprintln!("kem-bench purposes: could not drop scratch schema {schema}: {e}");
        }
    }
    db.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_scratch_database_has_the_event_tables_and_takes_inserts() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = open_scratch("sqlite://", dir.path(), 2)
            .await
            .expect("scratch");
        let inserts = DraftInserts::new(db.clone());
        for n in 0..3 {
            inserts.insert(n, 2).await.expect("insert");
        }
        drop_scratch(&db).await;
        assert!(dir.path().join(format!("{SCRATCH}.db")).exists());
    }
}
