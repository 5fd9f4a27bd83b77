//! SandboxStore on SQLite, and on PostgreSQL when `KEM_TEST_DATABASE_URL` is set.

use channel_sandbox::store::{Kind, SandboxStore};
use serde_json::json;

async fn stores(dir: &std::path::Path) -> Vec<SandboxStore> {
    platform::db::test_databases(dir, channel_sandbox::NAME, &channel_sandbox::migrations())
        .await
        .into_iter()
        .map(SandboxStore::new)
        .collect()
}

#[tokio::test]
async fn the_same_key_records_once_and_answers_the_first_post() {
    let dir = tempfile::tempdir().expect("dir");
    for store in stores(dir.path()).await {
        let (first, fresh) = store
            .record("NAVER", Kind::Post, "evt-1:NAVER", &json!({"title": "a"}))
            .await
            .expect("record");
        assert!(fresh);
        let (again, fresh) = store
            .record("NAVER", Kind::Post, "evt-1:NAVER", &json!({"title": "b"}))
            .await
            .expect("repeat");
        assert!(!fresh);
        assert_eq!(again.id, first.id);
        assert!(again.body.contains("\"a\""), "the first body is kept");
        // The same key on another channel or kind is another record.
        let (other, fresh) = store
            .record("KAKAO", Kind::Post, "evt-1:NAVER", &json!({}))
            .await
            .expect("other channel");
        assert!(fresh && other.id != first.id);
        let (container, _) = store
            .record("NAVER", Kind::Container, "evt-1:NAVER", &json!({}))
            .await
            .expect("container");
        assert_ne!(container.id, first.id);

        let posts = store.posts("NAVER", 100).await.expect("posts");
        assert_eq!(posts.len(), 1, "containers are not posts");
        assert!(store
            .find("NAVER", Kind::Post, &first.id)
            .await
            .expect("find")
            .is_some());
        assert!(store
            .find("KAKAO", Kind::Post, &first.id)
            .await
            .expect("find")
            .is_none());
    }
}

#[tokio::test]
async fn concurrent_repeats_of_one_key_record_one_post() {
    let dir = tempfile::tempdir().expect("dir");
    for store in stores(dir.path()).await {
        let calls = (0..8).map(|i| {
            let store = store.clone();
            async move {
                store
                    .record("GINITV", Kind::Post, "evt-2:GINITV", &json!({"n": i}))
                    .await
                    .expect("record")
            }
        });
        let results = futures_join(calls).await;
        let ids: std::collections::BTreeSet<_> =
            results.iter().map(|(p, _)| p.id.clone()).collect();
        assert_eq!(ids.len(), 1);
        assert_eq!(results.iter().filter(|(_, fresh)| *fresh).count(), 1);
        assert_eq!(store.posts("GINITV", 100).await.expect("posts").len(), 1);
    }
}

async fn futures_join<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
