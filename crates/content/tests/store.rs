//! ContentStore against a real database: SQLite always, and the same test
//! bodies on a fresh PostgreSQL database when `KEM_TEST_DATABASE_URL` is set.

use chrono::Utc;
use content::store::{ContentStore, Finished, ImageRecord, JobStatus};
use contracts::{
    content::ImageJobFailed,
    messages::{rfc3339, Envelope},
};
use platform::db::Db;

async fn databases(dir: &std::path::Path) -> Vec<Db> {
    platform::db::test_databases(dir, content::NAME, &content::migrations()).await
}

async fn outbox_len(db: &Db) -> i64 {
    platform::with_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(pool).await)
        .expect("count")
}

fn image(job: &str, n: usize) -> ImageRecord {
    let id = platform::ids::new_id("img");
    ImageRecord {
        object_key: format!("{id}.png"),
        url: format!("/api/content/images/{id}.png"),
        image_id: id,
        job_id: job.into(),
        event_id: "evt-1".into(),
        style: ["SIMPLE", "FANCY", "TRENDY"][n % 3].into(),
        platform: "KAKAO".into(),
        width: 800,
        height: 800,
        content_type: "image/png".into(),
        bytes: 123_456,
    }
}

fn message(job: &str) -> Envelope {
    Envelope::wrap(&ImageJobFailed {
        job_id: job.into(),
        event_id: "evt-1".into(),
        reason: "test".into(),
        failed_at: rfc3339(Utc::now()),
    })
}

fn sorted(mut images: Vec<ImageRecord>) -> Vec<ImageRecord> {
    images.sort_by(|a, b| a.image_id.cmp(&b.image_id));
    images
}

#[tokio::test]
async fn a_finished_job_is_recorded_once_with_its_images_and_message() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ContentStore::new(db.clone());
        let job = platform::ids::new_id("job");
        assert_eq!(store.job_status(&job).await.expect("status"), None);
        let images: Vec<ImageRecord> = (0..3).map(|n| image(&job, n)).collect();
        let msg = message(&job);
        let finished = Finished {
            job_id: &job,
            event_id: "evt-1",
            status: JobStatus::Completed,
            reason: None,
            render_ms: 420,
            images: &images,
            message: &msg,
        };
        assert!(
            store.record(&finished, Utc::now()).await.expect("record"),
            "{}",
            db.backend()
        );
        assert_eq!(
            store.job_status(&job).await.expect("status"),
            Some(JobStatus::Completed)
        );
        let stored = store.images_of_job(&job).await.expect("images");
        assert_eq!(sorted(stored), sorted(images.clone()));
        assert_eq!(
            store
                .image_by_key(&images[1].object_key)
                .await
                .expect("by key"),
            Some(images[1].clone())
        );
        assert_eq!(store.image_by_key("nope.png").await.expect("by key"), None);
        assert_eq!(outbox_len(&db).await, 1);

        // The same job again (a redelivery that raced the first): nothing changes.
        let again: Vec<ImageRecord> = (0..3).map(|n| image(&job, n)).collect();
        let msg2 = message(&job);
        let repeat = Finished {
            images: &again,
            message: &msg2,
            ..finished
        };
        assert!(!store.record(&repeat, Utc::now()).await.expect("record"));
        assert_eq!(
            sorted(store.images_of_job(&job).await.expect("images")),
            sorted(images)
        );
        assert_eq!(outbox_len(&db).await, 1, "no second message");
    }
}

#[tokio::test]
async fn a_failed_job_keeps_its_reason_and_no_images() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ContentStore::new(db.clone());
        let job = platform::ids::new_id("job");
        let msg = message(&job);
        let finished = Finished {
            job_id: &job,
            event_id: "evt-2",
            status: JobStatus::Failed,
            reason: Some("제목이 없습니다"),
            render_ms: 0,
            images: &[],
            message: &msg,
        };
        assert!(store.record(&finished, Utc::now()).await.expect("record"));
        assert_eq!(
            store.job_status(&job).await.expect("status"),
            Some(JobStatus::Failed)
        );
        assert!(store.images_of_job(&job).await.expect("images").is_empty());
        let reason: Option<String> = platform::with_db!(&db, pool => {
            sqlx::query_scalar("SELECT reason FROM content_jobs WHERE job_id = $1")
                .bind(&job)
                .fetch_one(pool)
                .await
        })
        .expect("reason");
        assert_eq!(reason.as_deref(), Some("제목이 없습니다"));
    }
}

#[tokio::test]
async fn a_failed_write_leaves_no_job_no_image_and_no_message() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = ContentStore::new(db.clone());
        let job = platform::ids::new_id("job");
        let one = image(&job, 0);
        // Two images with one key: the unique key refuses the second and the
        // whole transaction (job row, first image, message) is rolled back.
        let mut twin = image(&job, 1);
        twin.object_key = one.object_key.clone();
        let images = vec![one, twin];
        let msg = message(&job);
        let finished = Finished {
            job_id: &job,
            event_id: "evt-3",
            status: JobStatus::Completed,
            reason: None,
            render_ms: 1,
            images: &images,
            message: &msg,
        };
        assert!(store.record(&finished, Utc::now()).await.is_err());
        assert_eq!(store.job_status(&job).await.expect("status"), None);
        assert!(store.images_of_job(&job).await.expect("images").is_empty());
        assert_eq!(outbox_len(&db).await, 0);
    }
}
