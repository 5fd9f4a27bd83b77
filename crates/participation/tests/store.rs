//! ParticipationStore against a real database: SQLite always, and the same
//! test bodies on a fresh PostgreSQL database when `KEM_TEST_DATABASE_URL` is set.

use chrono::Utc;
use contracts::messages::{rfc3339, Envelope, ParticipantRegistered};
use participation::{
    domain::{Entry, EntryInput},
    store::{
        Closed, DrawRow, EventFact, EventRow, ParticipantFilter, ParticipantRow,
        ParticipationStore, RegisterError, SeedOffer,
    },
};
use platform::db::{Db, StoreError};

async fn databases(dir: &std::path::Path) -> Vec<Db> {
    platform::db::test_databases(dir, participation::NAME, &participation::migrations()).await
}

fn published(event_id: &str, owner_id: i64) -> EventFact {
    EventFact::Published(Box::new(EventRow {
        event_id: event_id.into(),
        owner_id,
        status: "ACTIVE".into(),
        title: "가을 맞이 커피 이벤트".into(),
        store_name: "맛있는집".into(),
        prize: "아메리카노 1잔".into(),
        start_date: Some(day(-1)),
        end_date: Some(day(30)),
        channels: r#"["INSTAGRAM"]"#.into(),
        entry_count: 0,
        image_url: Some("/api/content/images/img-1.png".into()),
        seed_commitment: None,
        ended_at: None,
    }))
}

/// Today in Korea plus `offset` days, `YYYY-MM-DD`: events in these tests
/// are open now.
fn day(offset: i64) -> String {
    (contracts::schedule::korea_date(Utc::now()) + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

fn seed() -> SeedOffer {
    let (seed, commitment) = participation::draw::new_committed_seed();
    SeedOffer { seed, commitment }
}

fn entry(name: &str, phone: &str, visited: bool) -> Entry {
    Entry::parse(&EntryInput {
        name: Some(name),
        phone_number: Some(phone),
        email: Some("minsu@example.com"),
        agree_privacy: Some(true),
        agree_marketing: Some(false),
        store_visited: Some(visited),
        channel: Some("KAKAO"),
        link_channel: None,
    })
    .expect("valid entry")
}

fn message(row: &ParticipantRow) -> Envelope {
    Envelope::wrap(&ParticipantRegistered {
        event_id: row.event_id.clone(),
        participant_id: row.participant_id.clone(),
        entry_number: row.entry_number,
        channel: row.channel.clone(),
        store_visited: row.store_visited,
        agree_marketing: row.agree_marketing,
        registered_at: rfc3339(row.registered_at),
    })
}

async fn outbox_len(db: &Db) -> i64 {
    platform::with_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(pool).await)
        .expect("count")
}

async fn status(store: &ParticipationStore, id: &str) -> Option<String> {
    store.event(id).await.expect("event").map(|e| e.status)
}

#[tokio::test]
async fn event_messages_apply_once_and_status_only_moves_forward() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        let now = Utc::now();
        let approved = EventFact::Approved {
            event_id: "evt-1".into(),
            owner_id: 7,
            title: "t".into(),
        };
        assert!(store
            .apply_event("m1", &approved, now, &seed())
            .await
            .expect("apply"));
        assert_eq!(status(&store, "evt-1").await.as_deref(), Some("APPROVED"));
        assert!(store
            .apply_event("m2", &published("evt-1", 7), now, &seed())
            .await
            .expect("apply"));
        assert!(
            !store
                .apply_event("m2", &published("evt-1", 7), now, &seed())
                .await
                .expect("again"),
            "a redelivered message is a no-op on {}",
            db.backend()
        );
        let event = store.event("evt-1").await.expect("event").expect("known");
        assert_eq!((event.status.as_str(), event.owner_id), ("ACTIVE", 7));
        assert_eq!(event.prize, "아메리카노 1잔");

        // A late EventCreated cannot take it back to APPROVED.
        assert!(store
            .apply_event("m3", &approved, now, &seed())
            .await
            .expect("apply"));
        assert_eq!(status(&store, "evt-1").await.as_deref(), Some("ACTIVE"));
        let ended = EventFact::Ended {
            event_id: "evt-1".into(),
        };
        assert!(store
            .apply_event("m4", &ended, now, &seed())
            .await
            .expect("apply"));
        assert!(store
            .apply_event("m5", &published("evt-1", 7), now, &seed())
            .await
            .expect("apply"));
        assert_eq!(
            status(&store, "evt-1").await.as_deref(),
            Some("ENDED"),
            "ended stays ended"
        );

        let unknown_end = EventFact::Ended {
            event_id: "evt-x".into(),
        };
        assert!(store
            .apply_event("m6", &unknown_end, now, &seed())
            .await
            .expect("apply"));
        assert_eq!(
            status(&store, "evt-x").await,
            None,
            "nothing invented for an unknown event"
        );
    }
}

#[tokio::test]
async fn entries_are_numbered_without_gaps_and_a_phone_enters_once() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        let now = Utc::now();
        store
            .apply_event("p1", &published("evt-a", 1), now, &seed())
            .await
            .expect("publish");
        let (first, envelope) = store
            .register(
                "evt-a",
                "part-1",
                &entry("김민수", "010-1111-2222", true),
                now,
                message,
            )
            .await
            .expect("first");
        assert_eq!(
            (
                first.entry_number,
                first.phone.as_deref().unwrap_or_default()
            ),
            (1, "01011112222")
        );
        assert_eq!(envelope.key, "evt-a");
        assert!(!envelope.payload.contains("01011112222") && !envelope.payload.contains("김민수"));

        let again = store
            .register(
                "evt-a",
                "part-2",
                &entry("김민수", "01011112222", false),
                now,
                message,
            )
            .await;
        assert!(matches!(again, Err(RegisterError::Duplicate)), "{again:?}");
        let (second, _) = store
            .register(
                "evt-a",
                "part-3",
                &entry("이영희", "01033334444", false),
                now,
                message,
            )
            .await
            .expect("second");
        assert_eq!(second.entry_number, 2, "the refused entry left no gap");
        assert_eq!(outbox_len(&db).await, 2, "one message per stored entry");

        let unknown = store
            .register(
                "evt-none",
                "part-4",
                &entry("박철수", "01055556666", false),
                now,
                message,
            )
            .await;
        assert!(matches!(unknown, Err(RegisterError::UnknownEvent)));
        store
            .apply_event(
                "e1",
                &EventFact::Ended {
                    event_id: "evt-a".into(),
                },
                now,
                &seed(),
            )
            .await
            .expect("end");
        let closed = store
            .register(
                "evt-a",
                "part-5",
                &entry("박철수", "01055556666", false),
                now,
                message,
            )
            .await;
        assert!(matches!(
            closed,
            Err(RegisterError::NotAccepting(Closed::Ended(_)))
        ));
        assert_eq!(
            store
                .event("evt-a")
                .await
                .expect("e")
                .expect("known")
                .entry_count,
            2
        );
    }
}

#[tokio::test]
async fn concurrent_entries_get_distinct_consecutive_numbers() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        store
            .apply_event("p1", &published("evt-c", 1), Utc::now(), &seed())
            .await
            .expect("publish");
        let mut tasks = Vec::new();
        // 30 distinct phones, each sent twice at once.
        for i in 0..60 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let phone = format!("010{:08}", i % 30);
                store
                    .register(
                        "evt-c",
                        &format!("part-{i}"),
                        &entry("참여자", &phone, false),
                        Utc::now(),
                        message,
                    )
                    .await
            }));
        }
        let mut numbers = Vec::new();
        let mut duplicates = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok((row, _)) => numbers.push(row.entry_number),
                Err(RegisterError::Duplicate) => duplicates += 1,
                Err(e) => panic!("unexpected on {}: {e}", db.backend()),
            }
        }
        numbers.sort_unstable();
        assert_eq!(
            numbers,
            (1..=30).collect::<Vec<i64>>(),
            "on {}",
            db.backend()
        );
        assert_eq!(duplicates, 30);
    }
}

#[tokio::test]
async fn the_list_filters_searches_and_pages_and_a_draw_is_saved_once() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        let now = Utc::now();
        store
            .apply_event("p1", &published("evt-l", 1), now, &seed())
            .await
            .expect("publish");
        let people = [
            ("김민수", true),
            ("김%수", false),
            ("이영희", true),
            ("박철수", false),
            ("최민", true),
        ];
        for (i, (name, visited)) in people.iter().enumerate() {
            store
                .register(
                    "evt-l",
                    &format!("part-{i}"),
                    &entry(name, &format!("0109999000{i}"), *visited),
                    now,
                    message,
                )
                .await
                .expect("entry");
        }
        let all = ParticipantFilter::default();
        let (page, total) = store
            .participants("evt-l", &all, Some((1, 2)))
            .await
            .expect("list");
        assert_eq!(total, 5);
        assert_eq!(
            page.iter().map(|p| p.entry_number).collect::<Vec<_>>(),
            vec![3, 4]
        );
        let visitors = ParticipantFilter {
            store_visited: Some(true),
            name: None,
        };
        let (rows, total) = store
            .participants("evt-l", &visitors, None)
            .await
            .expect("list");
        assert_eq!((total, rows.len()), (3, 3));
        let min = ParticipantFilter {
            store_visited: None,
            name: Some("민".into()),
        };
        assert_eq!(
            store.participants("evt-l", &min, None).await.expect("q").1,
            2
        );
        let literal = ParticipantFilter {
            store_visited: None,
            name: Some("%".into()),
        };
        assert_eq!(
            store
                .participants("evt-l", &literal, None)
                .await
                .expect("q")
                .1,
            1,
            "% is literal"
        );

        let entries = store.draw_entries("evt-l", 3).await.expect("entries");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0], ("part-0".to_string(), true));
        let draw = DrawRow {
            event_id: "evt-l".into(),
            draw_id: "draw-1".into(),
            drawn_by: 1,
            drawn_at: now,
            winner_count: 1,
            apply_bonus: true,
            algorithm: participation::draw::ALGORITHM.into(),
            seed: "00".repeat(32),
            entry_count: 5,
            entry_digest: "d".into(),
            visitor_weight: 2,
            base_weight: 1,
            winners: r#"["part-2"]"#.into(),
            reserve_count: 0,
            reserves: "[]".into(),
            seed_commitment: None,
            claim_deadline: Some(now),
            entrants_erased_at: Some(now),
            entrants_erased_count: 0,
            winners_erased_at: None,
        };
        store.save_draw(&draw).await.expect("first draw");
        let second = DrawRow {
            draw_id: "draw-2".into(),
            ..draw.clone()
        };
        assert!(matches!(
            store.save_draw(&second).await,
            Err(StoreError::Conflict(_))
        ));
        let saved = store.draw("evt-l").await.expect("draw").expect("saved");
        assert_eq!(
            (saved.draw_id.as_str(), saved.winners.as_str()),
            ("draw-1", r#"["part-2"]"#)
        );
        let winners = store
            .participants_by_id("evt-l", &["part-2".into()])
            .await
            .expect("by id");
        assert_eq!(winners[0].name.as_deref(), Some("이영희"));
    }
}

#[tokio::test]
async fn a_batch_numbers_on_from_the_count_and_refuses_repeated_phones() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        let now = Utc::now();
        store
            .apply_event("p1", &published("evt-b", 1), now, &seed())
            .await
            .expect("publish");
        store
            .register(
                "evt-b",
                "part-0",
                &entry("김민수", "01000000000", true),
                now,
                message,
            )
            .await
            .expect("single");
        let batch: Vec<(String, Entry)> = [
            "01000000001",
            "01000000000", // stored before the batch
            "01000000002",
            "01000000001", // repeated within the batch
            "01000000003",
        ]
        .iter()
        .enumerate()
        .map(|(i, phone)| (format!("part-b{i}"), entry("참여자", phone, i % 2 == 0)))
        .collect();
        let results = store.register_batch("evt-b", &batch, now, message).await;
        let shape: Vec<Result<i64, String>> = results
            .iter()
            .map(|r| match r {
                Ok((row, envelope)) => {
                    assert_eq!(envelope.key, "evt-b");
                    Ok(row.entry_number)
                }
                Err(e) => Err(e.to_string()),
            })
            .collect();
        let duplicate = Err("phone already entered".to_string());
        assert_eq!(
            shape,
            vec![Ok(2), duplicate.clone(), Ok(3), duplicate, Ok(4)],
            "on {}",
            db.backend()
        );
        assert_eq!(outbox_len(&db).await, 4, "one message per stored entry");
        let event = store.event("evt-b").await.expect("e").expect("known");
        assert_eq!(event.entry_count, 4);

        let unknown = store
            .register_batch("evt-none", &batch[..2], now, message)
            .await;
        assert!(unknown
            .iter()
            .all(|r| matches!(r, Err(RegisterError::UnknownEvent))));
        store
            .apply_event(
                "e1",
                &EventFact::Ended {
                    event_id: "evt-b".into(),
                },
                now,
                &seed(),
            )
            .await
            .expect("end");
        let late = vec![(
            "part-late".to_string(),
            entry("늦은이", "01099999999", false),
        )];
        let closed = store.register_batch("evt-b", &late, now, message).await;
        assert!(matches!(
            &closed[..],
            [Err(RegisterError::NotAccepting(Closed::Ended(_)))]
        ));
        assert_eq!(outbox_len(&db).await, 4, "refused batches store nothing");
    }
}

#[tokio::test]
async fn batches_and_single_entries_at_once_share_one_gapless_numbering() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        store
            .apply_event("p1", &published("evt-m", 1), Utc::now(), &seed())
            .await
            .expect("publish");
        // Four writers (as if in four processes) with overlapping phones.
        let mut tasks = Vec::new();
        for writer in 0..4 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let batch: Vec<(String, Entry)> = (0..20)
                    .map(|i| {
                        let phone = format!("010{:08}", (writer * 10 + i) % 50);
                        (format!("part-{writer}-{i}"), entry("참여자", &phone, false))
                    })
                    .collect();
                if writer == 0 {
                    let mut one_by_one = Vec::new();
                    for (id, e) in &batch {
                        one_by_one.push(store.register("evt-m", id, e, Utc::now(), message).await);
                    }
                    one_by_one
                } else {
                    store
                        .register_batch("evt-m", &batch, Utc::now(), message)
                        .await
                }
            }));
        }
        let mut numbers = Vec::new();
        for task in tasks {
            for result in task.await.expect("task") {
                match result {
                    Ok((row, _)) => numbers.push(row.entry_number),
                    Err(RegisterError::Duplicate) => {}
                    Err(e) => panic!("unexpected on {}: {e}", db.backend()),
                }
            }
        }
        numbers.sort_unstable();
        assert_eq!(
            numbers,
            (1..=50).collect::<Vec<i64>>(),
            "on {}",
            db.backend()
        );
    }
}
