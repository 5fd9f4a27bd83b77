//! The owner's creation steps, walked over HTTP: recommendations, plan,
//! images, content, channels. Used by the creation and publish suites.

use std::time::Duration;

use serde_json::{json, Value};

use super::{Api, TestApp};

/// Polls `path` until `done` holds for the answer body (up to 30 s).
pub async fn poll(t: &impl Api, token: &str, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..300 {
        let a = t.get(path, Some(token)).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        if done(&a.body) {
            return a.body;
        }
        last = a.body;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} did not get there: {last}");
}

fn finished(body: &Value) -> bool {
    matches!(body["status"].as_str(), Some("COMPLETED" | "FAILED"))
}

/// Today in Korea (by the system clock) plus `offset` days, `YYYY-MM-DD`:
/// dates of events made up by a test, open now.
pub fn today_plus(offset: i64) -> String {
    (contracts::schedule::korea_date(chrono::Utc::now()) + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// Today in Korea (by the app's clock) plus `offset` days, `YYYY-MM-DD`.
pub fn korea_day(t: &TestApp, offset: i64) -> String {
    t.korea_day(offset)
}

/// Requests recommendations (plans starting today, so that a published
/// event takes entries at once) and waits for the job; answers the job.
pub async fn recommendations(t: &impl Api, token: &str, id: &str) -> Value {
    let path = format!("/api/events/{id}/ai-recommendations");
    let a = t
        .post(&path, Some(token), json!({"startDate": t.korea_day(0)}))
        .await;
    assert_eq!(a.status, 202, "ai request: {}", a.body);
    poll(t, token, &path, finished).await
}

/// Requests images and waits for them; answers the images answer.
pub async fn images(t: &impl Api, token: &str, id: &str, body: Value) -> Value {
    let path = format!("/api/events/{id}/images");
    let a = t.post(&path, Some(token), body).await;
    assert_eq!(a.status, 202, "image request: {}", a.body);
    poll(t, token, &path, finished).await
}

/// Walks every creation step, leaving a draft ready to publish to `channels`
/// (with settings for the channels that need them).
pub async fn ready_draft(t: &impl Api, token: &str, user_id: i64, channels: &[&str]) -> String {
    ready_draft_titled(t, token, user_id, None, channels).await
}

/// [`ready_draft`], with the title the owner typed at the content step (the
/// image is re-rendered with it before the channels are chosen).
pub async fn ready_draft_titled(
    t: &impl Api,
    token: &str,
    user_id: i64,
    title: Option<&str>,
    channels: &[&str],
) -> String {
    let id = t.draft(token, user_id).await;
    let job = recommendations(t, token, &id).await;
    assert_eq!(job["status"], "COMPLETED", "{job}");
    let a = t
        .put(
            &format!("/api/events/{id}/recommendation"),
            Some(token),
            json!({"optionNumber": 1}),
        )
        .await;
    assert_eq!(a.status, 200, "recommendation: {}", a.body);
    let images = images(t, token, &id, json!({"platforms": ["INSTAGRAM"]})).await;
    assert_eq!(images["status"], "COMPLETED", "{images}");
    let image_id = images["images"][0]["imageId"].as_str().expect("image");
    let mut content = json!({"imageId": image_id});
    if let Some(title) = title {
        content["title"] = json!(title);
    }
    let a = t
        .put(&format!("/api/events/{id}/content"), Some(token), content)
        .await;
    assert_eq!(a.status, 200, "content: {}", a.body);
    if title.is_some() {
        poll(t, token, &format!("/api/events/{id}"), |v| {
            v["content"]["renderingJobId"].is_null()
        })
        .await;
    }
    let a = t
        .put(
            &format!("/api/events/{id}/channels"),
            Some(token),
            channel_body(channels),
        )
        .await;
    assert_eq!(a.status, 200, "channels: {}", a.body);
    id
}

/// `PUT /channels` body with valid settings for each channel.
pub fn channel_body(channels: &[&str]) -> Value {
    let mut settings = serde_json::Map::new();
    for c in channels {
        let s = match *c {
            "URIDONGNETV" => json!({"radius": "1km", "timeSlot": "evening"}),
            "GINITV" => json!({"region": "서울 강남구", "budget": 300000}),
            "RINGOBIZ" => json!({"phoneNumber": "0212345678"}),
            _ => continue,
        };
        settings.insert(c.to_string(), s);
    }
    json!({"channels": channels, "channelSettings": settings})
}

/// A published (ACTIVE, open today) event of a new owner on `channels`:
/// (event id, owner token, owner id).
pub async fn published_event(t: &impl Api, channels: &[&str]) -> (String, String, i64) {
    let (token, owner) = t.owner().await;
    let id = ready_draft(t, &token, owner, channels).await;
    publish(t, &token, &id).await;
    (id, token, owner)
}

/// Publishes a ready draft with the channels saved on it; answers the
/// publish result, which must be ACTIVE.
pub async fn publish(t: &impl Api, token: &str, id: &str) -> Value {
    let a = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(token),
            Value::Null,
        )
        .await;
    assert_eq!(
        (a.status, &a.body["status"]),
        (200, &json!("ACTIVE")),
        "{}",
        a.body
    );
    a.body
}

/// `count` entries named `{name}{i}` with phones `010-{block}-{i:04}`.
pub async fn enter_many(t: &impl Api, id: &str, name: &str, block: u16, count: usize) {
    for i in 0..count {
        let body = json!({"name": format!("{name}{i}"), "phoneNumber": format!("010-{block:04}-{i:04}"),
                          "agreePrivacy": true, "email": "guest@example.com"});
        let a = t
            .post(&format!("/api/events/{id}/participate"), None, body)
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
}

/// Ends the event now and draws with `draw` (the request body); answers the draw.
pub async fn end_and_draw(t: &impl Api, token: &str, id: &str, draw: Value) -> Value {
    let a = t
        .post(&format!("/api/events/{id}/end"), Some(token), json!({}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = t
        .post(&format!("/api/events/{id}/draw-winners"), Some(token), draw)
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body
}

/// The verification code in the last SMS the messaging sandbox received
/// for `phone` (digits only).
pub async fn verification_code(t: &impl Api, phone: &str) -> String {
    let a = t.get("/sandbox/messages", None).await;
    let text = a.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .rev()
        .find(|m| m["recipient"] == json!(phone))
        .and_then(|m| m["text"].as_str())
        .unwrap_or_else(|| panic!("no message to {phone}: {}", a.body))
        .to_string();
    assert!(text.contains("인증번호"), "{text}");
    text.split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_string()
}
