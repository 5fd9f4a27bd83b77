//! Database pools chosen by URL: SQLite (one file per service) or
//! PostgreSQL (one schema per service). Stores write their SQL once, with
//! `$n` placeholders that both backends accept, and run it through
//! [`with_db!`](crate::with_db) on whichever pool is configured.

use std::{path::Path, str::FromStr, time::Duration};

use futures::future::BoxFuture;
use sqlx::{
    error::BoxDynError,
    migrate::{Migration, MigrationSource, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

/// A service's connection pool on one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A service's migrations, one folder per backend (the DDL differs in types).
pub struct Migrations {
    pub sqlite: &'static Migrator,
    pub postgres: &'static Migrator,
    /// The platform's tables the service keeps in its database; their
    /// migrations run after the service's own.
    pub platform: &'static [PlatformTable],
}

/// A table the platform defines and uses, kept in each service's database
/// that needs it: its migrations (one per backend) live in the platform, the
/// SQL that reads and writes it in [`crate::outbox`] and [`crate::inbox`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformTable {
    /// `outbox`: messages committed with a state change until the broker takes them.
    Outbox,
    /// `processed_messages`: ids of the bus messages a consumer applied.
    Inbox,
}

// Versions far above any service's own (those count from 1), so the two
// never collide in `_sqlx_migrations`. The DDL says `IF NOT EXISTS`: the
// services that predate these migrations made the same tables themselves.
static OUTBOX_SQLITE: Migrator = sqlx::migrate!("./migrations/outbox/sqlite");
static OUTBOX_POSTGRES: Migrator = sqlx::migrate!("./migrations/outbox/postgres");
static INBOX_SQLITE: Migrator = sqlx::migrate!("./migrations/inbox/sqlite");
static INBOX_POSTGRES: Migrator = sqlx::migrate!("./migrations/inbox/postgres");

impl PlatformTable {
    /// The table's migrations on `db`'s backend.
    pub fn migrations(self, db: &Db) -> &'static Migrator {
        match (self, db) {
            (PlatformTable::Outbox, Db::Sqlite(_)) => &OUTBOX_SQLITE,
            (PlatformTable::Outbox, Db::Postgres(_)) => &OUTBOX_POSTGRES,
            (PlatformTable::Inbox, Db::Sqlite(_)) => &INBOX_SQLITE,
            (PlatformTable::Inbox, Db::Postgres(_)) => &INBOX_POSTGRES,
        }
    }
}

/// Migrations already in memory, for a [`Migrator`] that runs a service's
/// and the platform's as one set (one `_sqlx_migrations` table per database).
#[derive(Debug)]
struct Resolved(Vec<Migration>);

impl<'s> MigrationSource<'s> for Resolved {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(std::future::ready(Ok(self.0)))
    }
}

/// Runs the same code against whichever pool `$db` holds. The body is
/// compiled once per backend, so it must use SQL both accept.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Failures while opening a database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the {service} database: {source}")]
    Connect {
        service: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the {service} database: {source}")]
    Migrate {
        service: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
}

impl Db {
    /// Opens the pool for `service`: `sqlite://` → `data_dir/{service}.db`,
    /// `sqlite://DIR` → `DIR/{service}.db`, `postgres://…` → schema `kem_{service}`.
    pub async fn connect(
        url: &str,
        data_dir: &Path,
        service: &str,
        max_connections: u32,
    ) -> Result<Db, DbError> {
        let connect_err = |source| DbError::Connect {
            service: service.to_string(),
            source,
        };
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let dir = rest.trim_start_matches("//");
            let dir = if dir.is_empty() {
                data_dir
            } else {
                Path::new(dir)
            };
            std::fs::create_dir_all(dir)
                .map_err(|e| DbError::DataDir(dir.display().to_string(), e))?;
            let options = SqliteConnectOptions::new()
                .filename(dir.join(format!("{service}.db")))
                .create_if_missing(true)
                // WAL lets readers proceed while one writer commits.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections.clamp(1, 8))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            return Ok(Db::Sqlite(pool));
        }
        let schema = schema_name(service);
        let base = PgConnectOptions::from_str(url).map_err(connect_err)?;
        create_schema(&base, &schema).await.map_err(connect_err)?;
        let options = base.options([("search_path", schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        Ok(Db::Postgres(pool))
    }

    /// Applies the service's pending migrations, then those of the
    /// platform's tables it keeps.
    pub async fn migrate(&self, service: &str, migrations: &Migrations) -> Result<(), DbError> {
        let own = match self {
            Db::Sqlite(_) => migrations.sqlite,
            Db::Postgres(_) => migrations.postgres,
        };
        let all = own
            .iter()
            .chain(
                migrations
                    .platform
                    .iter()
                    .flat_map(|table| table.migrations(self).iter()),
            )
            .cloned()
            .collect();
        let result = match Migrator::new(Resolved(all)).await {
            Ok(migrator) => with_db!(self, pool => migrator.run(pool).await),
            Err(e) => Err(e),
        };
        result.map_err(|source| DbError::Migrate {
            service: service.to_string(),
            source,
        })
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    /// `"sqlite"` or `"postgres"`, for readiness answers and logs.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        with_db!(self, pool => pool.close().await)
    }
}

/// Creates an empty PostgreSQL database beside the one `url` names and
/// answers its URL; tests isolate themselves with it.
#[cfg(any(test, feature = "test-support"))]
pub async fn create_scratch_database(url: &str, prefix: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection;
    let name = format!(
        "{prefix}{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    );
    let mut conn = sqlx::PgConnection::connect(url).await?;
    // The name is ours (prefix + ULID), never input.
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let base = url.split('?').next().unwrap_or(url);
    let (server, _) = base
        .rsplit_once('/')
        .ok_or_else(|| sqlx::Error::Configuration("no database in url".into()))?;
    Ok(format!("{server}/{name}"))
}

/// The database URLs a store test runs on: SQLite always, plus a fresh
/// PostgreSQL database when `KEM_TEST_DATABASE_URL` is set (CI drops the
/// `kem_t_*` databases afterwards).
#[cfg(any(test, feature = "test-support"))]
pub async fn test_database_urls() -> Vec<String> {
    let mut urls = vec!["sqlite://".to_string()];
    if let Ok(url) = std::env::var("KEM_TEST_DATABASE_URL") {
        let scratch = create_scratch_database(&url, "kem_t_").await;
        urls.push(scratch.expect("scratch PostgreSQL database"));
    }
    urls
}

/// The databases of [`test_database_urls`] (SQLite in `dir`), each migrated
/// for `service`.
#[cfg(any(test, feature = "test-support"))]
pub async fn test_databases(dir: &Path, service: &str, migrations: &Migrations) -> Vec<Db> {
    let mut dbs = Vec::new();
    for url in test_database_urls().await {
        let db = Db::connect(&url, dir, service, 4)
            .await
            .expect("test database");
        db.migrate(service, migrations)
            .await
            .expect("test migrations");
        dbs.push(db);
    }
    dbs
}

/// The PostgreSQL schema that holds a service's tables.
pub fn schema_name(service: &str) -> String {
    format!("kem_{service}")
}

async fn create_schema(base: &PgConnectOptions, schema: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect_with(base).await?;
    // Schema names come from our own service list, never from input.
    let created = sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
        .execute(&mut conn)
        .await;
    // Two processes creating the same schema at once can race on the catalog's
    // unique index; the schema exists either way.
    if let Err(e) = created {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
                .bind(schema)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            return Err(e);
        }
    }
    conn.close().await
}

/// Store-level failure kinds that services map to answers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; carries the constraint or column hint.
    #[error("conflict on {0}")]
    Conflict(String),
    /// The store cannot do the work now, for a reason that passes (the
    /// service is stopping, or the batch the work was part of failed): a 503,
    /// try again.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Other(#[from] sqlx::Error),
}

impl StoreError {
    /// Classifies a sqlx error: unique violations become [`StoreError::Conflict`]
    /// with the constraint name (PostgreSQL) or the message naming the column (SQLite).
    pub fn classify(err: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                let hint = db
                    .constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| db.message().to_string());
                return StoreError::Conflict(hint);
            }
        }
        if matches!(err, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        StoreError::Other(err)
    }
}
