//! The user service as a client uses it: sign-up, login, lockout, logout,
//! profile, password change, store info — and what each bad input gets.

use crate::support::{registration, spawn, spawn_with};
use serde_json::json;

#[tokio::test]
async fn sign_up_answers_201_with_a_working_token() {
    let t = spawn().await;
    let a = t
        .post(
            "/api/users/register",
            None,
            registration("Owner@Example.com", "010-1234-5678"),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["email"], "owner@example.com");
    assert_eq!(a.body["tokenType"], "Bearer");
    let token = a.body["token"].as_str().expect("token");
    let me = t.get("/api/users/me", Some(token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["phoneNumber"], "01012345678");
    assert_eq!(me.body["storeName"], "맛있는집");
    assert!(me.body.get("passwordHash").is_none() && !me.body.to_string().contains("argon2"));
}

#[tokio::test]
async fn duplicate_email_is_409_user_001_and_duplicate_phone_409_user_002() {
    let t = spawn().await;
    t.register("owner@example.com", "010-1234-5678").await;
    let a = t
        .post(
            "/api/users/register",
            None,
            registration(" OWNER@example.com ", "01099998888"),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "USER_001"));
    let a = t
        .post(
            "/api/users/register",
            None,
            registration("other@example.com", "01012345678"),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "USER_002"));
}

#[tokio::test]
async fn bad_sign_ups_get_400_and_leave_the_email_free() {
    let t = spawn().await;
    let base = registration("new@example.com", "010-2222-3333");
    let with = |field: &str, value: serde_json::Value| {
        let mut b = base.clone();
        b[field] = value;
        b
    };
    let cases = [
        (with("password", json!("short1!")), "USER_003"),
        (with("password", json!("password123")), "USER_003"),
        (with("password", json!("!!!!!!!!a")), "USER_003"),
        (with("email", json!("not-an-email")), "USER_003"),
        (with("email", json!("a@b")), "USER_003"),
        (with("phoneNumber", json!("010-12")), "USER_003"),
        (with("phoneNumber", json!("010-abcd-3333")), "USER_003"),
        (with("name", json!("  ")), "USER_003"),
        (with("storeName", json!("")), "USER_003"),
        (with("address", json!(null)), "USER_003"),
        (with("email", json!(42)), "COMMON_400"),
    ];
    for (body, code) in cases {
        let a = t.post("/api/users/register", None, body.clone()).await;
        assert_eq!((a.status, a.code()), (400, code), "{body}");
    }
    let no_type = t
        .send(
            t.client
                .post(t.url("/api/users/register"))
                .body(base.to_string()),
        )
        .await;
    assert_eq!((no_type.status, no_type.code()), (415, "COMMON_400"));
    let a = t.post("/api/users/register", None, base).await;
    assert_eq!(
        a.status, 201,
        "nothing was taken by the refused attempts: {}",
        a.body
    );
}

#[tokio::test]
async fn login_answers_a_token_and_wrong_credentials_get_401_user_004() {
    let t = spawn().await;
    t.register("owner@example.com", "010-1234-5678").await;
    let ok = t
        .post(
            "/api/users/login",
            None,
            json!({"email": "OWNER@example.com", "password": "Passw0rd!"}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body["token"].is_string() && ok.body["userId"].is_i64());
    for body in [
        json!({"email": "owner@example.com", "password": "Wrong0rd!"}),
        json!({"email": "nobody@example.com", "password": "Passw0rd!"}),
        json!({"email": "garbage", "password": "x"}),
    ] {
        let a = t.post("/api/users/login", None, body.clone()).await;
        assert_eq!((a.status, a.code()), (401, "USER_004"), "{body}");
    }
    let a = t
        .post(
            "/api/users/login",
            None,
            json!({"email": "owner@example.com"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "COMMON_400"));
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_account_even_for_the_right_password() {
    let t = spawn_with(|s| s.login_max_failures = 3).await;
    t.register("owner@example.com", "010-1234-5678").await;
    let wrong = json!({"email": "owner@example.com", "password": "Wrong0rd!"});
    for _ in 0..2 {
        let a = t.post("/api/users/login", None, wrong.clone()).await;
        assert_eq!(a.code(), "USER_004");
    }
    let a = t.post("/api/users/login", None, wrong).await;
    assert_eq!((a.status, a.code()), (429, "USER_005"));
    let a = t
        .post(
            "/api/users/login",
            None,
            json!({"email": "owner@example.com", "password": "Passw0rd!"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (429, "USER_005"));
}

#[tokio::test]
async fn a_logged_out_token_is_refused_everywhere() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let a = t.post("/api/users/logout", Some(&token), json!({})).await;
    assert_eq!(a.status, 204);
    let a = t.get("/api/users/me", Some(&token)).await;
    assert_eq!((a.status, a.code()), (401, "AUTH_003"));
    let a = t
        .post(
            "/api/events/purposes",
            Some(&token),
            crate::support::seed_body(user),
        )
        .await;
    assert_eq!((a.status, a.code()), (401, "AUTH_003"));
}

#[tokio::test]
async fn the_profile_can_be_changed_but_not_to_a_taken_phone() {
    let t = spawn().await;
    let (token, _) = t.register("a@example.com", "01011112222").await;
    t.register("b@example.com", "01033334444").await;
    let a = t
        .put(
            "/api/users/me",
            Some(&token),
            json!({"storeName": "새가게", "businessHours": "09:00-21:00"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        (a.body["storeName"].as_str(), a.body["name"].as_str()),
        (Some("새가게"), Some("홍길동"))
    );
    let a = t
        .put(
            "/api/users/me",
            Some(&token),
            json!({"phoneNumber": "010-3333-4444"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "USER_002"));
    let a = t
        .put("/api/users/me", Some(&token), json!({"address": " "}))
        .await;
    assert_eq!((a.status, a.code()), (400, "USER_003"));
    let me = t.get("/api/users/me", Some(&token)).await;
    assert_eq!(
        (
            me.body["phoneNumber"].as_str(),
            me.body["storeName"].as_str()
        ),
        (Some("01011112222"), Some("새가게"))
    );
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_a_strong_new_one() {
    let t = spawn().await;
    let (token, _) = t.register("owner@example.com", "01011112222").await;
    let a = t
        .put(
            "/api/users/me/password",
            Some(&token),
            json!({"currentPassword": "Nope0000!", "newPassword": "N3w-passw0rd"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "USER_006"));
    let a = t
        .put(
            "/api/users/me/password",
            Some(&token),
            json!({"currentPassword": "Passw0rd!", "newPassword": "weak"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "USER_003"));
    let a = t
        .put(
            "/api/users/me/password",
            Some(&token),
            json!({"currentPassword": "Passw0rd!", "newPassword": "N3w-passw0rd"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let fresh = a.body["token"].as_str().expect("new token").to_string();
    assert_eq!(
        t.get("/api/users/me", Some(&token)).await.status,
        401,
        "the old token is revoked"
    );
    assert_eq!(t.get("/api/users/me", Some(&fresh)).await.status, 200);
    let old = t
        .post(
            "/api/users/login",
            None,
            json!({"email": "owner@example.com", "password": "Passw0rd!"}),
        )
        .await;
    assert_eq!(old.code(), "USER_004");
    let new = t
        .post(
            "/api/users/login",
            None,
            json!({"email": "owner@example.com", "password": "N3w-passw0rd"}),
        )
        .await;
    assert_eq!(new.status, 200);
}

#[tokio::test]
async fn store_info_is_for_its_owner_only() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let (_, other) = t.owner().await;
    let a = t
        .get(&format!("/api/users/{user}/store"), Some(&token))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.body,
        json!({"userId": user, "storeName": "맛있는집", "industry": "음식점", "address": "서울시 강남구", "businessHours": null})
    );
    let a = t
        .get(&format!("/api/users/{other}/store"), Some(&token))
        .await;
    assert_eq!((a.status, a.code()), (403, "USER_007"));
    let a = t.get("/api/users/abc/store", Some(&token)).await;
    assert_eq!((a.status, a.code()), (400, "COMMON_400"));
    let a = t.get(&format!("/api/users/{user}/store"), None).await;
    assert_eq!((a.status, a.code()), (401, "AUTH_001"));
}
