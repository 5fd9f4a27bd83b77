//! Security headers (issue 15 item 4) on every kind of answer the process
//! gives — pages, assets, API JSON, API errors, 404s, `/metrics`, the
//! sandboxes — and no caching of answers that hold personal data.

use reqwest::{header::HeaderMap, Method};
use serde_json::{json, Value};

use crate::support::{
    journey::{end_and_draw, enter_many, published_event},
    registration, spawn_with, unique, TestApp,
};

fn settings(s: &mut platform::config::Settings) {
    s.set_section("distribution", &json!({"retry_backoff_ms": [10, 20, 40]}));
}

/// A request: what it is, method, path, bearer token, JSON body.
type Call<'a> = (&'a str, Method, String, Option<&'a str>, Option<Value>);
/// A request and the status it must answer.
type Case<'a> = (&'a str, Method, String, Option<&'a str>, Option<Value>, u16);

/// Status and headers of one request.
async fn answer(
    t: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, HeaderMap) {
    let mut req = t.client.request(method, t.url(path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.headers().clone())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The headers every answer must carry, whatever it is.
fn assert_secured(t: &TestApp, what: &str, headers: &HeaderMap) {
    let csp = header(headers, "content-security-policy");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for want in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&want), "{what}: {want:?} in {csp:?}");
    }
    // Images: ours, and the absolute origin published events carry (this
    // process, as no public_url is set); no wildcard scheme.
    assert!(
        directives.contains(&format!("img-src 'self' {}", t.base).as_str()),
        "{what}: img-src in {csp:?}"
    );
    assert!(!csp.contains("unsafe-"), "{what}: {csp}");
    for (name, want) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        (
            "permissions-policy",
            "camera=(self), microphone=(), geolocation=()",
        ),
    ] {
        assert_eq!(header(headers, name), want, "{what}: {name}");
    }
}

/// A drawn event: (event id, owner token, a winner's coupon code).
async fn drawn(t: &TestApp) -> (String, String, String) {
    let (id, token, _) = published_event(t, &["INSTAGRAM"]).await;
    enter_many(t, &id, "헤더", 4242, 3).await;
    let draw = end_and_draw(t, &token, &id, json!({"winnerCount": 1, "reserveCount": 1})).await;
    let code = draw["winners"][0]["couponCode"]
        .as_str()
        .expect("coupon code")
        .to_string();
    (id, token, code)
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let t = spawn_with(settings).await;
    let (id, token, code) = drawn(&t).await;
    let too_big = json!({"name": "x".repeat(2 * 1024 * 1024)});
    let cases: Vec<Case> = vec![
        ("owner app", Method::GET, "/".into(), None, None, 200),
        (
            "script asset",
            Method::GET,
            "/assets/app.js".into(),
            None,
            None,
            200,
        ),
        (
            "style asset",
            Method::GET,
            "/assets/app.css".into(),
            None,
            None,
            200,
        ),
        (
            "unknown asset",
            Method::GET,
            "/assets/nope.js".into(),
            None,
            None,
            404,
        ),
        (
            "favicon",
            Method::GET,
            "/favicon.ico".into(),
            None,
            None,
            200,
        ),
        (
            "entry page",
            Method::GET,
            format!("/e/{id}"),
            None,
            None,
            200,
        ),
        (
            "entry QR",
            Method::GET,
            format!("/e/{id}/qr.svg"),
            None,
            None,
            200,
        ),
        (
            "unknown entry page",
            Method::GET,
            "/e/evt-nope".into(),
            None,
            None,
            404,
        ),
        (
            "claim page",
            Method::GET,
            format!("/c/{code}"),
            None,
            None,
            200,
        ),
        (
            "unknown claim page",
            Method::GET,
            "/c/ABCDEF-GHJKMN-PQRSTU".into(),
            None,
            None,
            404,
        ),
        (
            "API JSON",
            Method::GET,
            format!("/api/events/{id}/entry-info"),
            None,
            None,
            200,
        ),
        (
            "API 401",
            Method::GET,
            format!("/api/events/{id}/participants"),
            None,
            None,
            401,
        ),
        (
            "API 400",
            Method::POST,
            "/api/users/login".into(),
            None,
            Some(json!({"email": 1})),
            400,
        ),
        (
            "API 404",
            Method::GET,
            "/api/nothing-here".into(),
            None,
            None,
            404,
        ),
        (
            "API 413",
            Method::POST,
            "/api/users/login".into(),
            None,
            Some(too_big),
            413,
        ),
        ("404", Method::GET, "/no/such/page".into(), None, None, 404),
        ("metrics", Method::GET, "/metrics".into(), None, None, 200),
        (
            "OpenAPI",
            Method::GET,
            "/openapi.json".into(),
            None,
            None,
            200,
        ),
        ("health", Method::GET, "/healthz".into(), None, None, 200),
        (
            "messaging sandbox",
            Method::GET,
            "/sandbox/messages".into(),
            None,
            None,
            200,
        ),
        (
            "owner API",
            Method::GET,
            format!("/api/events/{id}"),
            Some(&token),
            None,
            200,
        ),
    ];
    for (what, method, path, token, body, status) in cases {
        let (got, headers) = answer(&t, method, &path, token, body).await;
        assert_eq!(got, status, "{what}: {path}");
        assert_secured(&t, what, &headers);
    }
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn answers_with_personal_data_are_never_cached() {
    let t = spawn_with(settings).await;
    let (id, token, code) = drawn(&t).await;
    let login = json!({"email": "nobody@example.com", "password": "Wrong-pass1!"});
    let cases: Vec<Call> = vec![
        (
            "participants",
            Method::GET,
            format!("/api/events/{id}/participants"),
            Some(&token),
            None,
        ),
        (
            "CSV",
            Method::GET,
            format!("/api/events/{id}/participants.csv"),
            Some(&token),
            None,
        ),
        (
            "winners",
            Method::GET,
            format!("/api/events/{id}/winners"),
            Some(&token),
            None,
        ),
        (
            "contacts",
            Method::GET,
            format!("/api/events/{id}/winners/contacts"),
            Some(&token),
            None,
        ),
        (
            "draw proof",
            Method::GET,
            format!("/api/events/{id}/draw-proof"),
            None,
            None,
        ),
        (
            "coupon",
            Method::GET,
            format!("/api/coupons/{code}"),
            None,
            None,
        ),
        (
            "profile",
            Method::GET,
            "/api/users/me".into(),
            Some(&token),
            None,
        ),
        (
            "failed login",
            Method::POST,
            "/api/users/login".into(),
            None,
            Some(login),
        ),
        (
            "messaging sandbox",
            Method::GET,
            "/sandbox/messages".into(),
            None,
            None,
        ),
        // Pages with a coupon code or entrants' form say no-store themselves.
        ("claim page", Method::GET, format!("/c/{code}"), None, None),
        ("entry page", Method::GET, format!("/e/{id}"), None, None),
    ];
    for (what, method, path, token, body) in cases {
        let (status, headers) = answer(&t, method, &path, token, body).await;
        assert!(status < 500, "{what}: {status}");
        assert_eq!(
            header(&headers, "cache-control"),
            "no-store",
            "{what}: {path}"
        );
    }
    // A successful login answers a token: not kept either.
    let email = format!("{}@example.com", unique("cache"));
    let (status, headers) = answer(
        &t,
        Method::POST,
        "/api/users/register",
        None,
        Some(registration(&email, "010-2222-3434")),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(header(&headers, "cache-control"), "no-store", "register");
    let login = json!({"email": email, "password": "Passw0rd!"});
    let (status, headers) = answer(&t, Method::POST, "/api/users/login", None, Some(login)).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "cache-control"), "no-store", "login");

    // Headers a handler chose are kept: promotional images (nothing personal)
    // stay cacheable, assets are revalidated.
    let event = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    let image = event.body["content"]["imageUrl"]
        .as_str()
        .expect("image url");
    let image = &image[image.find("/api/").expect("image path")..];
    let (status, headers) = answer(&t, Method::GET, image, None, None).await;
    assert_eq!(status, 200, "{image}");
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_secured(&t, "image", &headers);
    let (_, headers) = answer(&t, Method::GET, "/assets/app.js", None, None).await;
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    t.app.stop().await.expect("stop");
}
