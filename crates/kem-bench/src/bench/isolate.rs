//! Keeps an in-process run apart from the data already on the configured
//! backends: a fresh PostgreSQL database on the same server (the counterpart
//! of the temporary directory used for SQLite) and a cache key prefix of its
//! own. Figures then do not depend on what earlier runs left behind (table
//! and index sizes, dead outbox rows), and the run leaves no rows behind.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection};

/// A database created for one run, dropped by [`FreshDatabase::drop`].
pub struct FreshDatabase {
    server_url: String,
    name: String,
}

/// `url` pointing at database `name` on the same server, with the same
/// credentials and options.
/// The load generator is one address standing for thousands of customers
/// and owners: the per-address rate limits (docs/design.md §8.1) would
/// measure themselves, not the product, so the bench's own app lifts them.
pub fn one_address_plays_every_client(settings: &mut platform::config::Settings) {
    let wide = serde_json::json!({"count": 1_000_000, "per_secs": 1});
    settings.set_section(
        "rate_limits",
        &serde_json::json!({"entry": wide, "entry_info": wide, "coupon": wide, "login": wide,
                            "register": wide, "verification": wide}),
    );
}

pub fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let mut parsed = reqwest::Url::parse(url).context("database url")?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.to_string())
}

/// Creates database `kem_bench_{run}` next to the one `url` names; answers
/// its URL. `None` for non-PostgreSQL URLs.
pub async fn fresh_database(
    url: &str,
    run: &str,
) -> anyhow::Result<Option<(String, FreshDatabase)>> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Ok(None);
    }
    // Lower-case ASCII letters and digits only: safe to splice into DDL.
    let name = format!("kem_bench_{}", run.to_ascii_lowercase());
    anyhow::ensure!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    let mut conn = url.parse::<PgConnectOptions>()?.connect().await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .with_context(|| {
            format!("CREATE DATABASE {name} (use --reuse-database without the privilege)")
        })?;
    conn.close().await?;
    let fresh_url = with_database(url, &name)?;
    Ok(Some((
        fresh_url,
        FreshDatabase {
            server_url: url.to_string(),
            name,
        },
    )))
}

impl FreshDatabase {
    /// Drops the database; a failure is reported, not fatal (the figures are already taken).
    pub async fn drop(self) {
        let dropped = async {
            let mut conn = self
                .server_url
                .parse::<PgConnectOptions>()?
                .connect()
                .await?;
            // FORCE: a pool that has not finished closing must not keep it alive.
            sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await?;
            conn.close().await
        };
        if let Err(e) = dropped.await {
            eprintln!("kem-bench: could not drop database {}: {e}", self.name);
        }
    }
}

/// A temporary directory removed when the run ends, also on failure.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(run: &str) -> anyhow::Result<ScratchDir> {
        let dir = std::env::temp_dir().join(format!("kem-bench-{run}"));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(ScratchDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_database_name_changes() {
        assert_eq!(
            with_database("postgres://u:p@h:5433/test?sslmode=disable", "kem_bench_x")
                .expect("url"),
            "postgres://u:p@h:5433/kem_bench_x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1", "kem_bench_x").expect("url"),
            "postgres://postgres@127.0.0.1/kem_bench_x"
        );
    }

    #[tokio::test]
    async fn other_backends_need_no_database() {
        assert!(fresh_database("sqlite://", "r")
            .await
            .expect("ok")
            .is_none());
    }
}
