//! Health, readiness, the OpenAPI document and unknown routes.

use crate::support::spawn;

#[tokio::test]
async fn health_and_readiness_name_every_backend() {
    let t = spawn().await;
    let h = t.get("/healthz", None).await;
    assert_eq!((h.status, h.body["status"].as_str()), (200, Some("UP")));
    let r = t.get("/readyz", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for check in ["database.user", "database.event", "cache", "bus"] {
        assert_eq!(
            r.body["checks"][check]["status"], "UP",
            "{check}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let t = spawn().await;
    let doc = t.get("/openapi.json", None).await;
    assert_eq!(doc.status, 200);
    let paths = doc.body["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/users/register", "post"),
        ("/api/users/login", "post"),
        ("/api/users/logout", "post"),
        ("/api/users/me", "get"),
        ("/api/users/me", "put"),
        ("/api/users/me/password", "put"),
        ("/api/users/{userId}/store", "get"),
        ("/api/events/purposes", "post"),
        ("/api/events", "get"),
        ("/api/events/dashboard", "get"),
        ("/api/events/{id}", "get"),
        ("/api/events/{id}", "delete"),
        ("/api/events/{id}/channels", "put"),
        ("/api/events/{id}/end", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
}

#[tokio::test]
async fn unknown_routes_get_a_json_404() {
    let t = spawn().await;
    let a = t.get("/api/nothing-here", None).await;
    assert_eq!((a.status, a.code()), (404, "COMMON_404"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let mut body = crate::support::seed_body(user);
    body["storeName"] = serde_json::json!("가".repeat(2_000_000));
    let a = t.post("/api/events/purposes", Some(&token), body).await;
    assert_eq!((a.status, a.code()), (413, "COMMON_413"));
}
