//! UserStore against a real database: SQLite always, and the same test
//! bodies on a fresh PostgreSQL database when `KEM_TEST_DATABASE_URL` is set.

use chrono::{Duration, Utc};
use platform::db::Db;
use user::{
    domain::{Registration, RegistrationInput},
    store::{taken_field, Taken, UserStore},
};

async fn databases(dir: &std::path::Path) -> Vec<Db> {
    platform::db::test_databases(dir, user::NAME, &user::migrations()).await
}

fn registration(email: &str, phone: &str) -> Registration {
    Registration::parse(RegistrationInput {
        name: Some("홍길동"),
        phone_number: Some(phone),
        email: Some(email),
        password: Some("Passw0rd!"),
        store_name: Some("맛있는집"),
        industry: Some("음식점"),
        address: Some("서울시 강남구"),
        business_hours: None,
    })
    .expect("valid")
}

#[tokio::test]
async fn unique_email_and_phone_are_enforced_by_the_database() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = UserStore::new(db.clone());
        let id = store
            .insert(&registration("a@example.com", "01011112222"), "hash")
            .await
            .expect("insert");
        assert_eq!(
            store
                .by_email("a@example.com")
                .await
                .expect("get")
                .map(|u| u.id),
            Some(id)
        );
        let email = store
            .insert(&registration("a@example.com", "01099990000"), "h")
            .await
            .expect_err("dup");
        assert_eq!(
            taken_field(&email),
            Some(Taken::Email),
            "{}: {email:?}",
            db.backend()
        );
        let phone = store
            .insert(&registration("b@example.com", "01011112222"), "h")
            .await
            .expect_err("dup");
        assert_eq!(
            taken_field(&phone),
            Some(Taken::Phone),
            "{}: {phone:?}",
            db.backend()
        );
        assert_eq!(
            store
                .taken(Some("a@example.com"), None, 0)
                .await
                .expect("taken"),
            Some(Taken::Email)
        );
        assert_eq!(
            store
                .taken(None, Some("01011112222"), id)
                .await
                .expect("taken"),
            None,
            "own phone is not taken"
        );
    }
}

#[tokio::test]
async fn failures_count_up_lock_and_clear() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = UserStore::new(db.clone());
        let id = store
            .insert(&registration("a@example.com", "01011112222"), "hash")
            .await
            .expect("insert");
        assert_eq!(store.record_failure(id).await.expect("fail"), 1);
        assert_eq!(store.record_failure(id).await.expect("fail"), 2);
        let until = Utc::now() + Duration::minutes(5);
        store.lock(id, until).await.expect("lock");
        let user = store.by_id(id).await.expect("get").expect("user");
        assert_eq!(user.failed_logins, 0);
        assert!(
            user.locked_until
                .is_some_and(|u| (u - until).num_seconds().abs() < 2),
            "{}",
            db.backend()
        );
        store.clear_failures(id).await.expect("clear");
        assert!(store
            .by_id(id)
            .await
            .expect("get")
            .expect("user")
            .locked_until
            .is_none());
    }
}

#[tokio::test]
async fn revocations_are_recorded_once_and_purged_after_expiry() {
    let dir = tempfile::tempdir().expect("tmp");
    for db in databases(dir.path()).await {
        let store = UserStore::new(db.clone());
        store
            .revoke("jti-1", 1, Utc::now() + Duration::hours(1))
            .await
            .expect("revoke");
        store
            .revoke("jti-1", 1, Utc::now() + Duration::hours(1))
            .await
            .expect("idempotent");
        store
            .revoke("jti-old", 1, Utc::now() - Duration::hours(1))
            .await
            .expect("revoke");
        assert!(store.is_revoked("jti-1").await.expect("check"));
        assert!(!store.is_revoked("jti-2").await.expect("check"));
        assert_eq!(
            store.purge_expired_revocations().await.expect("purge"),
            1,
            "{}",
            db.backend()
        );
        assert!(store.is_revoked("jti-1").await.expect("check"));
    }
}
