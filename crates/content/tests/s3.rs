//! The S3-compatible backend of the image store, against a local fake S3
//! server speaking the path-style REST calls (PUT, GET, DELETE object).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::put,
    Router,
};
use content::{objects::ImageStore, ContentConfig};
use platform::config::Secret;

#[derive(Default)]
struct FakeS3 {
    objects: Mutex<HashMap<String, Bytes>>,
    authorizations: Mutex<Vec<String>>,
}

type Shared = Arc<FakeS3>;

fn note_auth(s3: &FakeS3, headers: &HeaderMap) {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    s3.authorizations.lock().expect("lock").push(auth);
}

async fn put_object(
    State(s3): State<Shared>,
    Path((bucket, key)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    note_auth(&s3, &headers);
    s3.objects
        .lock()
        .expect("lock")
        .insert(format!("{bucket}/{key}"), body);
    (StatusCode::OK, [(header::ETAG, "\"etag-1\"")]).into_response()
}

async fn get_object(
    State(s3): State<Shared>,
    Path((bucket, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    note_auth(&s3, &headers);
    match s3
        .objects
        .lock()
        .expect("lock")
        .get(&format!("{bucket}/{key}"))
    {
        Some(body) => (
            StatusCode::OK,
            [
                (header::ETAG, "\"etag-1\"".to_string()),
                (
                    header::LAST_MODIFIED,
                    "Sat, 21 Nov 2026 10:00:00 GMT".to_string(),
                ),
                (header::CONTENT_LENGTH, body.len().to_string()),
            ],
            body.clone(),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "<Error><Code>NoSuchKey</Code><Message>no</Message></Error>",
        )
            .into_response(),
    }
}

async fn delete_object(
    State(s3): State<Shared>,
    Path((bucket, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> StatusCode {
    note_auth(&s3, &headers);
    s3.objects
        .lock()
        .expect("lock")
        .remove(&format!("{bucket}/{key}"));
    StatusCode::NO_CONTENT
}

/// DeleteObjects (`POST /{bucket}?delete`), which the client uses for deletes.
async fn delete_objects(
    State(s3): State<Shared>,
    Path(bucket): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    note_auth(&s3, &headers);
    let mut deleted = String::new();
    for part in body.split("<Key>").skip(1) {
        let key = part.split("</Key>").next().unwrap_or_default();
        s3.objects
            .lock()
            .expect("lock")
            .remove(&format!("{bucket}/{key}"));
        deleted.push_str(&format!("<Deleted><Key>{key}</Key></Deleted>"));
    }
    let xml =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult>{deleted}</DeleteResult>");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        xml,
    )
        .into_response()
}

async fn fake_s3() -> (String, Shared) {
    let s3 = Shared::default();
    let app = Router::new()
        .route(
            "/{bucket}/{*key}",
            put(put_object).get(get_object).delete(delete_object),
        )
        .route("/{bucket}", axum::routing::post(delete_objects))
        .with_state(s3.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), s3)
}

fn config(endpoint: &str, public_url: &str) -> ContentConfig {
    ContentConfig {
        store_url: "s3://kem-images".into(),
        public_url: public_url.into(),
        s3_endpoint: endpoint.into(),
        s3_region: "us-east-1".into(),
        s3_access_key_id: Secret::new("AKIDTEST"),
        s3_secret_access_key: Secret::new("not-a-real-secret"),
        ..ContentConfig::default()
    }
}

#[tokio::test]
async fn images_go_to_the_bucket_with_signed_requests_and_come_back() {
    let (endpoint, s3) = fake_s3().await;
    let dir = tempfile::tempdir().expect("tmp");
    let store = ImageStore::from_config(&config(&endpoint, ""), dir.path()).expect("s3 store");
    assert_eq!(store.backend(), "s3");

    store.put("img-1.png", vec![9, 8, 7]).await.expect("put");
    assert_eq!(
        s3.objects
            .lock()
            .expect("lock")
            .get("kem-images/img-1.png")
            .map(|b| b.to_vec()),
        Some(vec![9, 8, 7])
    );
    assert_eq!(
        store.get("img-1.png").await.expect("get").as_deref(),
        Some(&[9u8, 8, 7][..])
    );
    assert_eq!(store.get("img-2.png").await.expect("get"), None);
    store.delete("img-1.png").await.expect("delete");
    assert!(s3.objects.lock().expect("lock").is_empty());

    let auths = s3.authorizations.lock().expect("lock").clone();
    assert!(!auths.is_empty());
    assert!(
        auths
            .iter()
            .all(|a| a.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/")),
        "{auths:?}"
    );
    // Without a public URL, images are served through this service's route.
    assert_eq!(store.url("img-1.png"), "/api/content/images/img-1.png");
    assert!(
        !dir.path().join("images").exists(),
        "nothing written locally"
    );
}

#[tokio::test]
async fn a_bucket_with_a_public_url_hands_out_that_url() {
    let (endpoint, _s3) = fake_s3().await;
    let dir = tempfile::tempdir().expect("tmp");
    let store = ImageStore::from_config(
        &config(&endpoint, "https://cdn.example.com/kem-images/"),
        dir.path(),
    )
    .expect("s3 store");
    assert_eq!(
        store.url("img-1.png"),
        "https://cdn.example.com/kem-images/img-1.png"
    );
}

#[test]
fn credentials_are_not_printed() {
    let shown = format!("{:?}", config("http://127.0.0.1:1", ""));
    assert!(!shown.contains("not-a-real-secret") && !shown.contains("AKIDTEST"));
}
