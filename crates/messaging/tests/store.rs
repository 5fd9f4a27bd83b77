//! MessageStore on SQLite, and on PostgreSQL when `KEM_TEST_DATABASE_URL` is set.

use chrono::{Duration, Utc};
use messaging::sandbox::{
    self,
    store::{Filter, MessageStore, Received, Status},
};

async fn stores(dir: &std::path::Path) -> Vec<MessageStore> {
    platform::db::test_databases(dir, sandbox::NAME, &sandbox::migrations())
        .await
        .into_iter()
        .map(MessageStore::new)
        .collect()
}

fn message(request: &str, key: &str, recipient: &str, product: &str) -> Received {
    let now = Utc::now();
    Received {
        request_id: request.into(),
        recipient_seq: 1,
        product: product.into(),
        kind: if product == "sms" { "SMS" } else { "ALIMTALK" }.into(),
        dedupe_key: format!("r:{key}"),
        sender_grouping_key: Some(key.into()),
        recipient_grouping_key: Some(key.into()),
        recipient: recipient.into(),
        title: None,
        text: Some("당첨 안내".into()),
        template_code: None,
        template_params: "{}".into(),
        outcome: "DELIVERED".into(),
        received_at: now,
        deliver_at: now + Duration::milliseconds(200),
        repeats: 0,
    }
}

#[tokio::test]
async fn one_key_stores_one_message_per_product_and_lists_by_key() {
    let dir = tempfile::tempdir().expect("dir");
    for store in stores(dir.path()).await {
        let (first, fresh) = store
            .record(&message("req-1", "k-1", "01012345678", "sms"))
            .await
            .expect("record");
        assert!(fresh);
        let (again, fresh) = store
            .record(&message("req-2", "k-1", "01012345678", "sms"))
            .await
            .expect("repeat");
        assert!(!fresh);
        assert_eq!(again.request_id, first.request_id);
        // The same key in the other product is another message.
        let (other, fresh) = store
            .record(&message("req-3", "k-1", "01012345678", "alimtalk"))
            .await
            .expect("alimtalk");
        assert!(fresh && other.request_id == "req-3");

        let by_key = Filter {
            recipient_grouping_key: Some("k-1".into()),
            from: Some(Utc::now() - Duration::minutes(5)),
            to: Some(Utc::now() + Duration::minutes(5)),
            ..Filter::default()
        };
        let found = store.list("sms", &by_key, 15).await.expect("list");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].request_id, "req-1");
        let elsewhere = Filter {
            recipient: Some("01099999999".into()),
            ..by_key.clone()
        };
        assert!(store
            .list("sms", &elsewhere, 15)
            .await
            .expect("list")
            .is_empty());
        let earlier = Filter {
            to: Some(Utc::now() - Duration::minutes(1)),
            ..by_key
        };
        assert!(store
            .list("sms", &earlier, 15)
            .await
            .expect("list")
            .is_empty());

        let got = store
            .get("sms", "req-1", 1)
            .await
            .expect("get")
            .expect("row");
        assert_eq!(got.status(got.received_at), Status::Pending);
        assert_eq!(got.status(got.deliver_at), Status::Delivered);
        assert!(store.get("sms", "req-3", 1).await.expect("get").is_none());
        assert_eq!(store.all(100).await.expect("all").len(), 2);
    }
}

#[tokio::test]
async fn concurrent_repeats_of_one_key_store_one_message() {
    let dir = tempfile::tempdir().expect("dir");
    for store in stores(dir.path()).await {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .record(&message(
                            &format!("req-{i}"),
                            "k-race",
                            "01012345678",
                            "alimtalk",
                        ))
                        .await
                        .expect("record")
                })
            })
            .collect();
        let mut results = Vec::new();
        for h in handles {
            results.push(h.await.expect("task"));
        }
        let ids: std::collections::BTreeSet<_> =
            results.iter().map(|(m, _)| m.request_id.clone()).collect();
        assert_eq!(ids.len(), 1);
        assert_eq!(results.iter().filter(|(_, fresh)| *fresh).count(), 1);
        assert_eq!(store.all(100).await.expect("all").len(), 1);
    }
}
