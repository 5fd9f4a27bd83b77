//! For `kem-bench` only (feature `bench`): the purpose endpoint's write
//! without HTTP, token check, cache or bus, so a load generator can measure
//! the database's own limit of the same transaction. Not in the production
//! binary: `kem` does not enable the feature.

use chrono::Utc;
use contracts::messages::{rfc3339, Envelope, EventDraftCreated};
use platform::{db::Db, ids::new_id};

use crate::{
    domain::{Objective, PurposeSelection, StoreInfo},
    store::{EventStore, Saved},
};

/// Writes drafts the way `POST /api/events/purposes` does.
#[derive(Clone)]
pub struct DraftInserts {
    store: EventStore,
}

impl DraftInserts {
    /// On a database migrated with [`crate::migrations`].
    pub fn new(db: Db) -> DraftInserts {
        DraftInserts {
            store: EventStore::new(db),
        }
    }

    /// Draft number `n` of one of `owners` owners: one row in `event_drafts`
    /// and its `EventDraftCreated` in the outbox, in one transaction.
    pub async fn insert(&self, n: u64, owners: i64) -> Result<(), String> {
        let selection = PurposeSelection {
            user_id: (n as i64 % owners.max(1)) + 1,
            objective: Objective::NewCustomers,
            store: StoreInfo {
                store_name: format!("맛있는집 {n}"),
                industry: "음식점".into(),
                address: "서울시 강남구".into(),
            },
        };
        let saved = self
            .store
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
        let db = Db::connect("sqlite://", dir.path(), crate::NAME, 2)
            .await
            .expect("db");
        db.migrate(crate::NAME, &crate::migrations())
            .await
            .expect("migrate");
        let inserts = DraftInserts::new(db.clone());
        for n in 0..3 {
            inserts.insert(n, 2).await.expect("insert");
        }
        assert_eq!(count_rows(&db).await, (3, 3));
        db.close().await;
    }
}
