//! DistributionStore on SQLite, and on PostgreSQL when `KEM_TEST_DATABASE_URL` is set.

use chrono::{Duration, Utc};
use contracts::{
    channels::Channel,
    distribution::{DistributedChannel, DistributionCompleted},
    messages::Envelope,
};
use distribution::{
    domain::ChannelStatus,
    store::{DistributionStore, Finish},
};
use platform::db::Db;

async fn databases(dir: &std::path::Path) -> Vec<Db> {
    platform::db::test_databases(dir, distribution::NAME, &distribution::migrations()).await
}

const CHANNELS: [Channel; 2] = [Channel::Naver, Channel::Kakao];

#[tokio::test]
async fn open_is_once_per_event_and_keeps_the_owner() {
    let dir = tempfile::tempdir().expect("dir");
    for db in databases(dir.path()).await {
        let store = DistributionStore::new(db);
        let now = Utc::now();
        let first = store
            .open("evt-1", "dist-a", 7, "{}", &CHANNELS, now)
            .await
            .expect("open");
        assert_eq!(
            (first.distribution_id.as_str(), first.user_id),
            ("dist-a", 7)
        );
        // The same owner reopening keeps the id, replaces the plan, adds channels.
        let again = store
            .open("evt-1", "dist-b", 7, "{\"v\":2}", &[Channel::Ginitv], now)
            .await
            .expect("reopen");
        assert_eq!(again.distribution_id, "dist-a");
        assert_eq!(again.plan, "{\"v\":2}");
        assert_eq!(store.channels("evt-1").await.expect("rows").len(), 3);
        // Another owner changes nothing.
        let foreign = store
            .open(
                "evt-1",
                "dist-c",
                8,
                "{\"v\":3}",
                &[Channel::Instagram],
                now,
            )
            .await
            .expect("foreign");
        assert_eq!(foreign.user_id, 7);
        assert_eq!(foreign.plan, "{\"v\":2}");
        assert_eq!(store.channels("evt-1").await.expect("rows").len(), 3);
        assert!(store.find("evt-2").await.expect("find").is_none());
    }
}

#[tokio::test]
async fn a_channel_is_claimed_once_and_settled_only_by_its_claimant() {
    let dir = tempfile::tempdir().expect("dir");
    for db in databases(dir.path()).await {
        let store = DistributionStore::new(db);
        let now = Utc::now();
        let until = now + Duration::seconds(60);
        store
            .open("evt-1", "dist-a", 7, "{}", &CHANNELS, now)
            .await
            .expect("open");
        assert!(store
            .claim("evt-1", Channel::Naver, "c1", now, until)
            .await
            .expect("claim"));
        assert!(!store
            .claim("evt-1", Channel::Naver, "c2", now, until)
            .await
            .expect("second claim"));
        store
            .next_attempt("evt-1", Channel::Naver, "c1", "HTTP 503", now)
            .await
            .expect("attempt");
        // A stranger cannot settle the channel.
        let fail = Finish::Failed { error: "x".into() };
        assert!(!store
            .finish("evt-1", Channel::Naver, "c2", &fail, now)
            .await
            .expect("finish"));
        let ok = Finish::Success {
            external_id: "post-1".into(),
            post_url: Some("http://x/p/1".into()),
            estimated_views: 800,
        };
        assert!(store
            .finish("evt-1", Channel::Naver, "c1", &ok, now)
            .await
            .expect("finish"));
        let rows = store.channels("evt-1").await.expect("rows");
        let naver = rows.iter().find(|r| r.channel == "NAVER").expect("naver");
        assert_eq!(naver.status(), ChannelStatus::Success);
        assert_eq!((naver.attempts, naver.estimated_views), (2, 800));
        assert_eq!(naver.external_id.as_deref(), Some("post-1"));
        assert!(naver.last_error.is_none() && naver.claim_id.is_none());
        // A published channel is never claimed again.
        assert!(!store
            .claim("evt-1", Channel::Naver, "c3", now, until)
            .await
            .expect("claim"));
    }
}

#[tokio::test]
async fn failed_and_lapsed_claims_can_be_taken_again() {
    let dir = tempfile::tempdir().expect("dir");
    for db in databases(dir.path()).await {
        let store = DistributionStore::new(db);
        let now = Utc::now();
        store
            .open("evt-1", "dist-a", 7, "{}", &CHANNELS, now)
            .await
            .expect("open");
        assert!(store
            .claim(
                "evt-1",
                Channel::Naver,
                "c1",
                now,
                now + Duration::seconds(60)
            )
            .await
            .expect("claim"));
        let fail = Finish::Failed {
            error: "HTTP 503".into(),
        };
        assert!(store
            .finish("evt-1", Channel::Naver, "c1", &fail, now)
            .await
            .expect("finish"));
        assert!(store
            .claim(
                "evt-1",
                Channel::Naver,
                "c2",
                now,
                now + Duration::seconds(60)
            )
            .await
            .expect("retry claim"));

        // A worker that died leaves IN_PROGRESS; once its claim lapses another may take over.
        assert!(store
            .claim(
                "evt-1",
                Channel::Kakao,
                "dead",
                now,
                now + Duration::seconds(1)
            )
            .await
            .expect("claim"));
        assert!(!store
            .claim(
                "evt-1",
                Channel::Kakao,
                "c3",
                now,
                now + Duration::seconds(60)
            )
            .await
            .expect("busy"));
        let later = now + Duration::seconds(2);
        assert!(store
            .claim(
                "evt-1",
                Channel::Kakao,
                "c3",
                later,
                later + Duration::seconds(60)
            )
            .await
            .expect("lapsed"));
        let ok = Finish::Success {
            external_id: "k".into(),
            post_url: None,
            estimated_views: 1,
        };
        assert!(!store
            .finish("evt-1", Channel::Kakao, "dead", &ok, later)
            .await
            .expect("late finish"));
    }
}

#[tokio::test]
async fn completion_and_its_message_commit_together() {
    let dir = tempfile::tempdir().expect("dir");
    for db in databases(dir.path()).await {
        let store = DistributionStore::new(db.clone());
        let now = Utc::now();
        store
            .open("evt-1", "dist-a", 7, "{}", &CHANNELS, now)
            .await
            .expect("open");
        let message = Envelope::wrap(&DistributionCompleted {
            event_id: "evt-1".into(),
            distributed_channels: vec![DistributedChannel {
                channel: "NAVER".into(),
                status: "SUCCESS".into(),
                expected_views: 800,
            }],
            completed_at: "2026-11-21T10:00:00Z".into(),
        });
        store
            .complete("evt-1", now, &message)
            .await
            .expect("complete");
        assert!(store
            .find("evt-1")
            .await
            .expect("find")
            .expect("row")
            .completed_at
            .is_some());
        let queued: i64 = platform::with_db!(&db, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE msg_key = 'evt-1' AND topic = 'distribution-topic'")
            .fetch_one(pool).await)
        .expect("count");
        assert_eq!(queued, 1);
    }
}
