//! AnalyticsStore against a real database: SQLite always, and the same test
//! bodies on a fresh PostgreSQL database when `KEM_TEST_DATABASE_URL` is set.

use analytics::{
    domain::kst_hour,
    store::{AnalyticsStore, EventInfo, Fact},
};
use chrono::{DateTime, Duration, Utc};

async fn stores(dir: &std::path::Path) -> Vec<AnalyticsStore> {
    platform::db::test_databases(dir, analytics::NAME, &analytics::migrations())
        .await
        .into_iter()
        .map(AnalyticsStore::new)
        .collect()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("timestamp")
        .with_timezone(&Utc)
}

fn published(event_id: &str, owner: i64, published_at: &str) -> Fact {
    Fact::Published(EventInfo {
        event_id: event_id.into(),
        owner_id: owner,
        title: "겨울 이벤트".into(),
        store_name: "맛있는집".into(),
        industry: "음식점".into(),
        objective: "신규 고객 유치".into(),
        prize: "커피".into(),
        start_date: "2026-11-21".into(),
        end_date: "2026-11-30".into(),
        channels: r#"["INSTAGRAM","KAKAO"]"#.into(),
        target_participants: 100,
        estimated_cost: 400_000,
        published_at: at(published_at),
        cost: r#"{"total":400000,"items":[{"kind":"PRIZE","label":"경품","amount":400000}]}"#
            .into(),
    })
}

fn entry(event_id: &str, channel: &str, visited: bool, at_utc: &str) -> Fact {
    Fact::Entry {
        event_id: event_id.into(),
        channel: channel.into(),
        store_visited: visited,
        agree_marketing: !visited,
        hour: kst_hour(at(at_utc)),
    }
}

#[tokio::test]
async fn a_message_id_is_applied_once_and_entries_before_publish_are_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    for store in stores(dir.path()).await {
        let now = Utc::now();
        // Two entries arrive before the event is known.
        assert!(store
            .apply(
                "m-1",
                &entry("evt-1", "KAKAO", true, "2026-11-21T10:05:00Z"),
                now
            )
            .await
            .expect("apply"));
        assert!(!store
            .apply(
                "m-1",
                &entry("evt-1", "KAKAO", true, "2026-11-21T10:05:00Z"),
                now
            )
            .await
            .expect("redelivery"));
        store
            .apply(
                "m-2",
                &entry("evt-1", "DIRECT", false, "2026-11-21T12:59:00Z"),
                now,
            )
            .await
            .expect("apply");
        assert_eq!(
            store.snapshot("evt-1").await.expect("read"),
            None,
            "owner unknown yet"
        );
        assert_eq!(store.version("evt-1").await.expect("version"), 2);

        store
            .apply("m-3", &published("evt-1", 7, "2026-11-21T09:00:00Z"), now)
            .await
            .expect("publish");
        store
            .apply(
                "m-4",
                &entry("evt-1", "KAKAO", false, "2026-11-21T10:30:00Z"),
                now,
            )
            .await
            .expect("apply");
        let s = store.snapshot("evt-1").await.expect("read").expect("known");
        assert_eq!(s.info.owner_id, 7);
        assert_eq!(s.info.channel_list(), vec!["INSTAGRAM", "KAKAO"]);
        assert_eq!(s.info.published_at, at("2026-11-21T09:00:00Z"));
        assert_eq!(
            s.info.cost().total,
            400_000,
            "the cost survives the round trip"
        );
        assert_eq!(
            (
                s.totals.participants,
                s.totals.store_visitors,
                s.totals.marketing_consents
            ),
            (3, 1, 2)
        );
        assert_eq!(s.totals.version, 4);
        let by_channel: Vec<(&str, i64, i64)> = s
            .entries
            .iter()
            .map(|e| (e.channel.as_str(), e.participants, e.store_visitors))
            .collect();
        assert_eq!(by_channel, vec![("DIRECT", 1, 0), ("KAKAO", 2, 1)]);
        let hours: Vec<(&str, i64)> = s
            .hours
            .iter()
            .map(|h| (h.hour_start.as_str(), h.participants))
            .collect();
        assert_eq!(
            hours,
            vec![
                ("2026-11-21T19:00:00+09:00", 2),
                ("2026-11-21T21:00:00+09:00", 1)
            ]
        );
    }
}

/// channel, status, expected views, views, clicks, calls.
type ReachRow<'a> = (&'a str, Option<&'a str>, i64, i64, i64, i64);

#[tokio::test]
async fn channel_stats_keep_the_newest_figures_and_distribution_sets_the_status() {
    let dir = tempfile::tempdir().expect("tmp");
    for store in stores(dir.path()).await {
        let now = Utc::now();
        let stats = |views: i64, calls: i64, at: DateTime<Utc>| Fact::Stats {
            event_id: "evt-2".into(),
            channel: "RINGOBIZ".into(),
            views,
            clicks: views / 10,
            calls,
            at,
        };
        let t0 = at("2026-11-21T10:00:00Z");
        store
            .apply("s-1", &stats(100, 3, t0), now)
            .await
            .expect("stats");
        store
            .apply("s-2", &stats(250, 5, t0 + Duration::minutes(1)), now)
            .await
            .expect("newer stats");
        // A late, older report changes nothing.
        store
            .apply("s-3", &stats(120, 4, t0 + Duration::seconds(30)), now)
            .await
            .expect("older stats");
        let distributed = Fact::Distributed {
            event_id: "evt-2".into(),
            channels: vec![
                ("RINGOBIZ".into(), "SUCCESS".into(), 900),
                ("GINITV".into(), "FAILED".into(), 0),
            ],
        };
        store
            .apply("d-1", &distributed, now)
            .await
            .expect("distributed");
        store
            .apply("p-1", &published("evt-2", 8, "2026-11-21T09:00:00Z"), now)
            .await
            .expect("publish");
        store
            .apply(
                "e-1",
                &Fact::Ended {
                    event_id: "evt-2".into(),
                    at: t0 + Duration::days(3),
                },
                now,
            )
            .await
            .expect("ended");
        let s = store.snapshot("evt-2").await.expect("read").expect("known");
        let reach: Vec<ReachRow> = s
            .reach
            .iter()
            .map(|r| {
                (
                    r.channel.as_str(),
                    r.status.as_deref(),
                    r.expected_views,
                    r.views,
                    r.clicks,
                    r.calls,
                )
            })
            .collect();
        assert_eq!(
            reach,
            vec![
                ("GINITV", Some("FAILED"), 0, 0, 0, 0),
                ("RINGOBIZ", Some("SUCCESS"), 900, 250, 25, 5),
            ]
        );
        assert_eq!(s.reach[1].stats_at, Some(t0 + Duration::minutes(1)));
        assert_eq!(s.totals.ended_at, Some(t0 + Duration::days(3)));
        assert_eq!(s.totals.participants, 0);
    }
}

#[tokio::test]
async fn an_owner_sees_only_their_events_newest_first() {
    let dir = tempfile::tempdir().expect("tmp");
    for store in stores(dir.path()).await {
        let now = Utc::now();
        store
            .apply("a", &published("old", 1, "2026-11-01T00:00:00Z"), now)
            .await
            .expect("a");
        store
            .apply("b", &published("new", 1, "2026-11-20T00:00:00Z"), now)
            .await
            .expect("b");
        store
            .apply("c", &published("other", 2, "2026-11-21T00:00:00Z"), now)
            .await
            .expect("c");
        assert_eq!(
            store.owner_events(1, 10).await.expect("list"),
            vec!["new", "old"]
        );
        assert_eq!(store.owner_events(1, 1).await.expect("list"), vec!["new"]);
        assert!(store.owner_events(3, 10).await.expect("list").is_empty());
    }
}

#[tokio::test]
async fn a_burst_of_entries_counts_each_message_once_across_and_within_bursts() {
    let dir = tempfile::tempdir().expect("tmp");
    for store in stores(dir.path()).await {
        let now = Utc::now();
        store
            .apply("m-p", &published("evt-9", 9, "2026-11-21T09:00:00Z"), now)
            .await
            .expect("publish");
        let burst = vec![
            (
                "m-1".to_string(),
                entry("evt-9", "INSTAGRAM", true, "2026-11-21T09:10:00Z"),
            ),
            (
                "m-2".to_string(),
                entry("evt-9", "INSTAGRAM", false, "2026-11-21T09:20:00Z"),
            ),
            (
                "m-1".to_string(),
                entry("evt-9", "INSTAGRAM", true, "2026-11-21T09:10:00Z"),
            ),
            (
                "m-3".to_string(),
                entry("evt-9", "KAKAO", true, "2026-11-21T10:05:00Z"),
            ),
        ];
        let changed = store.apply_entries(&burst, now).await.expect("burst");
        assert_eq!(changed, vec!["evt-9".to_string()]);
        // The same burst again (a redelivery), plus one new entry.
        let mut again = burst.clone();
        again.push((
            "m-4".to_string(),
            entry("evt-9", "KAKAO", false, "2026-11-21T10:06:00Z"),
        ));
        store.apply_entries(&again, now).await.expect("again");
        let nothing_new = store.apply_entries(&burst, now).await.expect("redelivery");
        assert!(nothing_new.is_empty(), "{nothing_new:?}");

        let snapshot = store.snapshot("evt-9").await.expect("snap").expect("known");
        assert_eq!(
            (
                snapshot.totals.participants,
                snapshot.totals.store_visitors,
                snapshot.totals.marketing_consents
            ),
            (4, 2, 2)
        );
        let by_channel: Vec<(String, i64)> = snapshot
            .entries
            .iter()
            .map(|c| (c.channel.clone(), c.participants))
            .collect();
        assert_eq!(
            by_channel,
            vec![("INSTAGRAM".to_string(), 2), ("KAKAO".to_string(), 2)]
        );
        let hours: Vec<i64> = snapshot.hours.iter().map(|h| h.participants).collect();
        assert_eq!(hours, vec![2, 2], "18:00 and 19:00 in Korea");
    }
}

#[tokio::test]
async fn pruned_message_ids_are_forgotten_and_recent_ones_still_ignore_redeliveries() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in
        platform::db::test_databases(dir.path(), analytics::NAME, &analytics::migrations()).await
    {
        let store = AnalyticsStore::new(db.clone());
        let now = Utc::now();
        let fact = entry("evt-p", "KAKAO", false, "2026-11-21T09:10:00Z");
        assert!(store
            .apply("m-old", &fact, now - Duration::days(20))
            .await
            .expect("old"));
        assert!(store.apply("m-new", &fact, now).await.expect("new"));

        let pruned = platform::inbox::prune_processed(&db, now - Duration::days(14))
            .await
            .expect("prune");
        assert_eq!(pruned, 1);
        assert!(
            !store.apply("m-new", &fact, now).await.expect("again"),
            "a recent id still stops its redelivery"
        );
        assert!(
            store.apply("m-old", &fact, now).await.expect("forgotten"),
            "an id past the retention is forgotten"
        );
    }
}
