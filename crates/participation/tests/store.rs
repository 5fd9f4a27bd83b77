//! ParticipationStore against a real database: SQLite always, and the same
//! test bodies on a fresh PostgreSQL database when `KEM_TEST_DATABASE_URL` is set.

use chrono::{SubsecRound, Utc};
use contracts::messages::{rfc3339, Envelope, ParticipantRegistered};
use participation::{
    domain::{Entry, EntryInput},
    store::{
        Closed, DrawRow, EventFact, EventRow, NewCoupon, ParticipantFilter, ParticipantRow,
        ParticipationStore, RegisterError, SeedOffer,
    },
    Signals,
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
        verify_phone: false,
    }))
}

/// Today in Korea plus `offset` days, `YYYY-MM-DD`: events in these tests
/// are open now.
fn day(offset: i64) -> String {
    (contracts::schedule::korea_date(Utc::now()) + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

fn redeemed(row: &participation::store::CouponRow, channel: Option<String>) -> Envelope {
    Envelope::wrap(&contracts::messages::CouponRedeemed {
        event_id: row.event_id.clone(),
        participant_id: row.participant_id.clone(),
        prize_rank: row.prize_rank,
        channel,
        redeemed_at: rfc3339(row.issued_at),
    })
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
        honeypot: Some(""),
        fill_ms: Some(6_000.0),
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
            let mut e = entry(name, &format!("0109999000{i}"), *visited);
            if i % 2 == 1 {
                // Entries 2 and 4: a filled honeypot and no fill time.
                e.signals = Signals::classify(Some("bot"), None);
            }
            store
                .register("evt-l", &format!("part-{i}"), &e, now, message)
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
        let flagged = ParticipantFilter {
            flagged: Some(true),
            ..Default::default()
        };
        let (rows, total) = store
            .participants("evt-l", &flagged, None)
            .await
            .expect("flagged");
        assert_eq!(total, 2);
        assert!(
            rows.iter().all(|r| r.signals == 5),
            "HONEYPOT | NO_FILL_TIME"
        );
        let clean = ParticipantFilter {
            flagged: Some(false),
            ..Default::default()
        };
        assert_eq!(
            store
                .participants("evt-l", &clean, None)
                .await
                .expect("clean")
                .1,
            3
        );
        assert_eq!(
            store.signal_counts("evt-l").await.expect("counts"),
            ([2, 0, 2], 2)
        );
        assert_eq!(
            store.signal_counts("evt-none").await.expect("counts"),
            ([0, 0, 0], 0)
        );
        let visitors = ParticipantFilter {
            store_visited: Some(true),
            ..Default::default()
        };
        let (rows, total) = store
            .participants("evt-l", &visitors, None)
            .await
            .expect("list");
        assert_eq!((total, rows.len()), (3, 3));
        let min = ParticipantFilter {
            name: Some("민".into()),
            ..Default::default()
        };
        assert_eq!(
            store.participants("evt-l", &min, None).await.expect("q").1,
            2
        );
        let literal = ParticipantFilter {
            name: Some("%".into()),
            ..Default::default()
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
        assert_eq!(
            (
                entries[0].entry_number,
                entries[0].participant_id.as_str(),
                entries[0].store_visited,
                entries[0].signals
            ),
            (1, "part-0", true, 0)
        );
        assert_eq!(entries[1].signals, 5);
        let draw = DrawRow {
            exclude_flagged: true,
            excluded: "[2,4]".into(),
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
        store.save_draw(&draw, &[]).await.expect("first draw");
        let second = DrawRow {
            draw_id: "draw-2".into(),
            ..draw.clone()
        };
        assert!(matches!(
            store.save_draw(&second, &[]).await,
            Err(StoreError::Conflict(_))
        ));
        let saved = store.draw("evt-l").await.expect("draw").expect("saved");
        assert_eq!(
            (saved.draw_id.as_str(), saved.winners.as_str()),
            ("draw-1", r#"["part-2"]"#)
        );
        assert!(saved.exclude_flagged);
        assert_eq!(saved.excluded_numbers(), [2, 4]);
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

#[tokio::test]
async fn entries_close_once_with_one_seed_and_the_draw_erases_everyone_not_drawn() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        let now = Utc::now();
        store
            .apply_event("p1", &published("evt-e", 1), now, &seed())
            .await
            .expect("publish");
        for i in 0..5 {
            store
                .register(
                    "evt-e",
                    &format!("part-{i}"),
                    &entry("김민수", &format!("0107777000{i}"), i == 0),
                    now,
                    message,
                )
                .await
                .expect("entry");
        }
        // Before the end date nothing closes.
        let today = contracts::schedule::korea_date(now);
        assert!(!store
            .close_if_past_end("evt-e", today, now, &seed())
            .await
            .expect("close"));
        // Past it, two closes race: the event ends once, with the first seed offered.
        let later = today + chrono::Duration::days(31);
        let (a, b) = (seed(), seed());
        let (first, second) = tokio::join!(
            store.close_if_past_end("evt-e", later, now, &a),
            store.close_if_past_end("evt-e", later, now, &b)
        );
        assert!(first.expect("first") && second.expect("second"));
        let event = store.event("evt-e").await.expect("event").expect("row");
        let committed = event.seed_commitment.clone().expect("commitment");
        assert!(committed == a.commitment || committed == b.commitment);
        let kept = store
            .event_seed("evt-e")
            .await
            .expect("seed")
            .expect("seed");
        assert_eq!(
            participation::draw::commitment(&participation::draw::parse_seed(&kept).expect("hex")),
            committed
        );
        // An EventEnded redelivered later keeps the seed.
        store
            .apply_event(
                "e1",
                &EventFact::Ended {
                    event_id: "evt-e".into(),
                },
                now,
                &seed(),
            )
            .await
            .expect("end");
        assert_eq!(
            store.event_seed("evt-e").await.expect("seed").as_deref(),
            Some(kept.as_str())
        );
        let refused = store
            .register(
                "evt-e",
                "part-9",
                &entry("늦은이", "01077779999", false),
                now,
                message,
            )
            .await;
        assert!(matches!(
            refused,
            Err(RegisterError::NotAccepting(Closed::Ended(_)))
        ));

        let draw = DrawRow {
            event_id: "evt-e".into(),
            draw_id: "draw-e".into(),
            drawn_by: 1,
            drawn_at: now,
            winner_count: 1,
            apply_bonus: false,
            algorithm: participation::draw::ALGORITHM.into(),
            seed: kept.clone(),
            entry_count: 5,
            entry_digest: "d".into(),
            visitor_weight: 1,
            base_weight: 1,
            winners: r#"["part-1"]"#.into(),
            reserve_count: 1,
            reserves: r#"["part-3"]"#.into(),
            seed_commitment: Some(committed.clone()),
            claim_deadline: Some(now + chrono::Duration::days(14)),
            entrants_erased_at: Some(now),
            entrants_erased_count: 0,
            winners_erased_at: None,
            exclude_flagged: false,
            excluded: "[]".into(),
        };
        let coupon = NewCoupon {
            code: "COUPONE1WINNER2345".into(),
            participant_id: "part-1".into(),
            prize_rank: 1,
        };
        store.save_draw(&draw, &[coupon]).await.expect("draw");
        let saved = store.draw("evt-e").await.expect("draw").expect("row");
        assert_eq!(saved.entrants_erased_count, 3, "{}", db.backend());
        let (rows, total) = store
            .participants("evt-e", &ParticipantFilter::default(), None)
            .await
            .expect("list");
        assert_eq!(total, 5, "rows stay");
        let erased: Vec<&ParticipantRow> = rows.iter().filter(|r| r.erased_at.is_some()).collect();
        assert_eq!(erased.len(), 3);
        assert!(erased
            .iter()
            .all(|r| r.name.is_none() && r.phone.is_none() && r.email.is_none()));
        assert!(rows
            .iter()
            .all(|r| r.consent_version.as_deref() == Some(participation::domain::CONSENT_VERSION)));
        assert_eq!(
            store.draw_entries("evt-e", 5).await.expect("entries").len(),
            5,
            "the draw's input stays"
        );

        // The job: nothing before the claim deadline + retention, then winners and reserves, once.
        let nothing = store.erase_due(now, now).await.expect("erase");
        assert_eq!(nothing, participation::store::ErasureCounts::default());
        let after = now + chrono::Duration::days(45);
        let cutoff = after - chrono::Duration::days(30);
        let erased = store.erase_due(after, cutoff).await.expect("erase");
        assert_eq!((erased.entrants, erased.winners), (0, 2));
        assert_eq!(
            store.erase_due(after, cutoff).await.expect("again"),
            participation::store::ErasureCounts::default()
        );
        let saved = store.draw("evt-e").await.expect("draw").expect("row");
        assert!(saved.winners_erased_at.is_some());
        let (rows, _) = store
            .participants("evt-e", &ParticipantFilter::default(), None)
            .await
            .expect("list");
        assert!(rows.iter().all(|r| r.phone.is_none()));
    }
}

#[tokio::test]
async fn a_coupon_is_redeemed_once_under_a_race_and_an_unclaimed_prize_passes_once() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = std::sync::Arc::new(ParticipationStore::new(db.clone()));
        let now = Utc::now();
        store
            .apply_event("p1", &published("evt-c1", 1), now, &seed())
            .await
            .expect("publish");
        for i in 0..4 {
            store
                .register(
                    "evt-c1",
                    &format!("part-{i}"),
                    &entry("김민수", &format!("0108888000{i}"), false),
                    now,
                    message,
                )
                .await
                .expect("entry");
        }
        let draw = DrawRow {
            event_id: "evt-c1".into(),
            draw_id: "draw-c1".into(),
            drawn_by: 1,
            drawn_at: now,
            winner_count: 2,
            apply_bonus: false,
            algorithm: participation::draw::ALGORITHM.into(),
            seed: "00".repeat(32),
            entry_count: 4,
            entry_digest: "d".into(),
            visitor_weight: 1,
            base_weight: 1,
            winners: r#"["part-0","part-1"]"#.into(),
            reserve_count: 2,
            reserves: r#"["part-2","part-3"]"#.into(),
            seed_commitment: None,
            claim_deadline: Some(now + chrono::Duration::days(14)),
            entrants_erased_at: Some(now),
            entrants_erased_count: 0,
            winners_erased_at: None,
            exclude_flagged: false,
            excluded: "[]".into(),
        };
        let coupons = [
            NewCoupon {
                code: "AAAAAABBBBBBCCCCC2".into(),
                participant_id: "part-0".into(),
                prize_rank: 1,
            },
            NewCoupon {
                code: "AAAAAABBBBBBCCCCC3".into(),
                participant_id: "part-1".into(),
                prize_rank: 2,
            },
        ];
        store.save_draw(&draw, &coupons).await.expect("draw");
        // Two phones at the counter at the same instant: one redemption.
        let races: Vec<_> = (0..6)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .redeem("AAAAAABBBBBBCCCCC2", 1, Utc::now(), redeemed)
                        .await
                })
            })
            .collect();
        let mut won = 0;
        for race in races {
            if race.await.expect("join").expect("redeem").is_some() {
                won += 1;
            }
        }
        assert_eq!(won, 1, "{}", db.backend());
        // Past the deadline the other coupon cannot be redeemed; its prize passes once.
        let late = now + chrono::Duration::days(15);
        assert!(store
            .redeem("AAAAAABBBBBBCCCCC3", 1, late, redeemed)
            .await
            .expect("late")
            .is_none());
        let order = vec!["part-2".to_string(), "part-3".to_string()];
        let mut n = 0;
        let passed = store
            .pass_unclaimed(
                "evt-c1",
                &order,
                late,
                late + chrono::Duration::days(14),
                || {
                    n += 1;
                    format!("PASSEDCOUPON{n:06}")
                },
            )
            .await
            .expect("pass");
        assert_eq!(passed.len(), 1, "only the unclaimed prize");
        assert_eq!(
            (
                passed[0].from.participant_id.as_str(),
                passed[0].to.participant_id.as_str(),
                passed[0].to.prize_rank
            ),
            ("part-1", "part-2", 2)
        );
        let again = store
            .pass_unclaimed("evt-c1", &order, late, late, || "NEVERUSED000000000".into())
            .await
            .expect("again");
        assert!(again.is_empty(), "a prize passes once");
        let fresh = store
            .coupon(&passed[0].to.code)
            .await
            .expect("coupon")
            .expect("row");
        let before = outbox_len(&db).await;
        let (_, envelope) = store
            .redeem(&fresh.code, 1, late, redeemed)
            .await
            .expect("redeem")
            .expect("redeemed");
        assert_eq!(
            outbox_len(&db).await,
            before + 1,
            "the redemption's message commits with it"
        );
        assert!(
            envelope.payload.contains("CouponRedeemed") && !envelope.payload.contains("0108888")
        );
    }
}

#[tokio::test]
async fn a_notice_is_claimed_by_one_sender_and_a_replaced_senders_late_outcome_is_dropped() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        let now = Utc::now();
        store
            .apply_event("p1", &published("evt-n", 1), now, &seed())
            .await
            .expect("publish");
        store
            .register(
                "evt-n",
                "part-0",
                &entry("김민수", "01066660000", false),
                now,
                message,
            )
            .await
            .expect("entry");
        let draw = DrawRow {
            event_id: "evt-n".into(),
            draw_id: "draw-n".into(),
            drawn_by: 1,
            drawn_at: now,
            winner_count: 1,
            apply_bonus: false,
            algorithm: participation::draw::ALGORITHM.into(),
            seed: "00".repeat(32),
            entry_count: 1,
            entry_digest: "d".into(),
            visitor_weight: 1,
            base_weight: 1,
            winners: r#"["part-0"]"#.into(),
            reserve_count: 0,
            reserves: "[]".into(),
            seed_commitment: None,
            claim_deadline: Some(now + chrono::Duration::days(14)),
            entrants_erased_at: Some(now),
            entrants_erased_count: 0,
            winners_erased_at: None,
            exclude_flagged: false,
            excluded: "[]".into(),
        };
        let coupon = NewCoupon {
            code: "NNNNNNBBBBBBCCCCC2".into(),
            participant_id: "part-0".into(),
            prize_rank: 1,
        };
        store.save_draw(&draw, &[coupon]).await.expect("draw");
        let (queued, skipped) = store
            .queue_notices("evt-n", "notice-1", "SMS", now, now)
            .await
            .expect("queue");
        assert_eq!((queued.len(), skipped), (1, 0));
        let key = queued[0].idempotency_key.clone();
        // Sender A claims it; while A holds it, nobody else can.
        let a_lease = (now + chrono::Duration::seconds(5)).trunc_subsecs(6);
        let a = store
            .claim_due_notices(now, a_lease, 1)
            .await
            .expect("claim");
        assert_eq!(a.len(), 1);
        assert!(store
            .claim_due_notices(now, a_lease, 1)
            .await
            .expect("claim")
            .is_empty());
        // A's lease runs out; B takes over (a second attempt).
        let later = now + chrono::Duration::seconds(6);
        let b_lease = (later + chrono::Duration::seconds(5)).trunc_subsecs(6);
        let b = store
            .claim_due_notices(later, b_lease, 1)
            .await
            .expect("claim");
        assert_eq!(b[0].attempts, 2, "{}", db.backend());
        let sent = participation::store::NoticeOutcome::Sent("SMS:r:1".into());
        assert!(
            !store
                .record_notice(&key, &sent, later, Some(a_lease), None)
                .await
                .expect("record"),
            "A's late outcome is dropped"
        );
        assert!(store
            .record_notice(&key, &sent, later, Some(b_lease), None)
            .await
            .expect("record"));
        let failed = participation::store::NoticeOutcome::Failed("late".into());
        assert!(
            !store
                .record_notice(&key, &failed, later, Some(a_lease), None)
                .await
                .expect("record"),
            "nor can it undo B's SENT"
        );
        // A second notify skips a winner told already.
        let (again, skipped) = store
            .queue_notices("evt-n", "notice-2", "SMS", later, later)
            .await
            .expect("queue");
        assert_eq!((again.len(), skipped), (0, 1));
    }
}

#[tokio::test]
async fn entrants_of_an_event_never_drawn_are_erased_after_the_retention() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ParticipationStore::new(db.clone());
        let now = Utc::now();
        store
            .apply_event("p1", &published("evt-u", 1), now, &seed())
            .await
            .expect("publish");
        store
            .register(
                "evt-u",
                "part-u",
                &entry("김민수", "01077770000", false),
                now,
                message,
            )
            .await
            .expect("entry");
        store
            .apply_event(
                "e1",
                &EventFact::Ended {
                    event_id: "evt-u".into(),
                },
                now,
                &seed(),
            )
            .await
            .expect("end");
        let within = store
            .erase_due(now, now - chrono::Duration::days(30))
            .await
            .expect("erase");
        assert_eq!(within.entrants, 0, "kept while the owner may still draw");
        let later = now + chrono::Duration::days(31);
        let erased = store
            .erase_due(later, later - chrono::Duration::days(30))
            .await
            .expect("erase");
        assert_eq!(erased.entrants, 1, "{}", db.backend());
        let (rows, total) = store
            .participants("evt-u", &ParticipantFilter::default(), None)
            .await
            .expect("list");
        assert_eq!((total, rows[0].phone.as_deref()), (1, None));
    }
}
