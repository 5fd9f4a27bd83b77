//! AiStore against a real database: SQLite always, PostgreSQL too when
//! `KEM_TEST_DATABASE_URL` is set.

mod common;

use ai::{
    domain::JobState,
    store::{Accepted, AiStore, Finish},
};
use chrono::Utc;
use contracts::{
    ai::{AiJobFailed, AiJobStarted},
    messages::Envelope,
};
use platform::db::Db;

async fn outbox_len(db: &Db) -> i64 {
    platform::with_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(pool).await)
        .expect("count")
}

fn started(job: &str, event: &str) -> Envelope {
    Envelope::wrap(&AiJobStarted {
        job_id: job.into(),
        event_id: event.into(),
        started_at: "2026-11-21T10:00:00Z".into(),
    })
}

fn failed(job: &str, event: &str, reason: &str) -> Envelope {
    Envelope::wrap(&AiJobFailed {
        job_id: job.into(),
        event_id: event.into(),
        reason: reason.into(),
        failed_at: "2026-11-21T10:00:01Z".into(),
    })
}

#[tokio::test]
async fn a_job_is_accepted_once_with_its_started_message() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in common::databases(dir.path()).await {
        let store = AiStore::new(db.clone());
        let request = common::request("신규 고객 유치", "2026-12-01");
        let first = store
            .accept(
                &request,
                Utc::now(),
                &started(&request.job_id, &request.event_id),
            )
            .await
            .expect("accept");
        let Accepted::New(row) = first else {
            panic!("a new job on {}", db.backend())
        };
        assert_eq!(row.state(), JobState::Processing);
        assert_eq!(
            row.request(),
            Some(request.clone()),
            "request kept for a resumed run"
        );
        assert_eq!(outbox_len(&db).await, 1);

        let again = store
            .accept(
                &request,
                Utc::now(),
                &started(&request.job_id, &request.event_id),
            )
            .await
            .expect("accept again");
        assert!(matches!(again, Accepted::Existing(ref r) if r.job_id == request.job_id));
        assert_eq!(outbox_len(&db).await, 1, "a redelivery queues nothing");
        assert_eq!(store.open_jobs(10).await.expect("open").len(), 1);
    }
}

#[tokio::test]
async fn a_job_ends_once_and_only_the_first_outcome_is_queued() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in common::databases(dir.path()).await {
        let store = AiStore::new(db.clone());
        let request = common::request("재방문 유도", "2026-12-01");
        let (job, event) = (request.job_id.clone(), request.event_id.clone());
        store
            .accept(&request, Utc::now(), &started(&job, &event))
            .await
            .expect("accept");
        let ended = store
            .finish(
                &job,
                Finish::Failed {
                    reason: "시간 초과",
                },
                Utc::now(),
                &failed(&job, &event, "시간 초과"),
            )
            .await
            .expect("finish");
        assert!(ended);
        let completed = Finish::Completed {
            provider: "builtin",
            trend_analysis: "{}",
            recommendations: "[]",
        };
        let late = store
            .finish(&job, completed, Utc::now(), &failed(&job, &event, "x"))
            .await
            .expect("late finish");
        assert!(!late, "a finished job stays as it ended");
        assert_eq!(outbox_len(&db).await, 2, "started + the one outcome");
        let row = store.find(&job).await.expect("find").expect("row");
        assert_eq!(
            (row.state(), row.reason.as_deref()),
            (JobState::Failed, Some("시간 초과"))
        );
        assert!(row.finished_at.is_some());
        assert!(store.open_jobs(10).await.expect("open").is_empty());
        assert!(store.find("job-unknown").await.expect("find").is_none());
    }
}
