//! `GET /e/{eventId}`: the customers' entry page, rendered on the server from
//! the participation service's public `GET /api/events/{id}/entry-info`, so
//! the first paint already shows the event (and an unknown id answers a
//! Korean 404 page rather than an empty shell).

use std::sync::Arc;

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::Value;

use crate::{html, WebState};

const ENTRY_HTML: &str = include_str!("../assets/entry.html");
const MESSAGE_HTML: &str = include_str!("../assets/message.html");

/// `?ch=` of an entry link.
#[derive(Debug, Deserialize)]
pub struct EntryQuery {
    ch: Option<String>,
}

/// What the page shows, read leniently from `entry-info`.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct EntryView {
    pub event_id: String,
    pub title: String,
    pub prize: String,
    pub store_name: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: String,
    pub accepting: bool,
    pub participant_count: i64,
    pub image_url: Option<String>,
}

impl EntryView {
    pub(crate) fn from_json(v: &Value) -> EntryView {
        let text = |k: &str| v[k].as_str().map(str::to_string);
        EntryView {
            event_id: text("eventId").unwrap_or_default(),
            title: text("title").unwrap_or_default(),
            prize: text("prize").unwrap_or_default(),
            store_name: text("storeName").unwrap_or_default(),
            start_date: text("startDate").filter(|s| !s.is_empty()),
            end_date: text("endDate").filter(|s| !s.is_empty()),
            status: text("status").unwrap_or_default(),
            accepting: v["acceptingEntries"].as_bool().unwrap_or(false),
            participant_count: v["participantCount"].as_i64().unwrap_or(0),
            image_url: text("imageUrl").filter(|u| u.starts_with('/') || u.starts_with("http")),
        }
    }
}

/// The page for an event, or a Korean message page.
pub async fn page(
    State(state): State<Arc<WebState>>,
    Path(event_id): Path<String>,
    Query(q): Query<EntryQuery>,
) -> Response {
    if !html::valid_event_id(&event_id) {
        return not_found();
    }
    let url = format!("{}/api/events/{event_id}/entry-info", state.api_base);
    let answer = match state.client.get(&url).send().await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(error = %e, "entry-info unreachable");
            return unavailable();
        }
    };
    match answer.status() {
        StatusCode::OK => {}
        StatusCode::NOT_FOUND => return not_found(),
        other => {
            tracing::warn!(status = %other, "entry-info failed");
            return unavailable();
        }
    }
    let Ok(body) = answer.json::<Value>().await else {
        return unavailable();
    };
    let view = EntryView::from_json(&body);
    // An unknown channel in a shared link should not stop a customer from
    // entering: the entry is simply recorded without a channel.
    let channel = html::channel(q.ch.as_deref())
        .map(|c| c.code())
        .unwrap_or("");
    page_response(StatusCode::OK, render(&view, &event_id, channel))
}

fn period(view: &EntryView) -> String {
    match (&view.start_date, &view.end_date) {
        (Some(s), Some(e)) => format!("{} ~ {}", day(s), day(e)),
        (Some(s), None) => format!("{} 부터", day(s)),
        (None, Some(e)) => format!("{} 까지", day(e)),
        (None, None) => "기간 미정".to_string(),
    }
}

/// `2026-11-21` out of a date or an RFC 3339 time.
fn day(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

fn status_label(view: &EntryView) -> (&'static str, &'static str) {
    match (view.status.as_str(), view.accepting) {
        (_, true) => ("진행중", "참여하기"),
        ("ENDED", _) => ("종료", "종료된 이벤트입니다. 참여해 주셔서 감사합니다."),
        _ => ("준비중", "아직 참여를 받지 않는 이벤트입니다."),
    }
}

/// Fills the entry template. Plain replacement of a few named slots, each
/// value escaped: a template engine would add a dependency for six fields.
pub(crate) fn render(view: &EntryView, event_id: &str, channel: &str) -> String {
    let (badge, notice) = status_label(view);
    let image = match &view.image_url {
        Some(u) => format!(
            r#"<img class="entry-image" src="{}" alt="{} 이벤트 이미지" width="1080" height="1080">"#,
            html::escape(u),
            html::escape(&view.title)
        ),
        None => String::new(),
    };
    ENTRY_HTML
        .replace("{{image}}", &image)
        .replace("{{title}}", &html::escape(&view.title))
        .replace("{{prize}}", &html::escape(&view.prize))
        .replace("{{store}}", &html::escape(&view.store_name))
        .replace("{{period}}", &html::escape(&period(view)))
        .replace("{{badge}}", badge)
        .replace("{{notice}}", notice)
        .replace("{{count}}", &view.participant_count.to_string())
        .replace(
            "{{accepting}}",
            if view.accepting { "true" } else { "false" },
        )
        .replace("{{eventId}}", &html::escape(event_id))
        .replace("{{channel}}", &html::escape(channel))
}

fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let body = MESSAGE_HTML
        .replace("{{title}}", title)
        .replace("{{text}}", text);
    page_response(status, body)
}

fn page_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The Korean page for an event that does not exist.
pub(crate) fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "이벤트를 찾을 수 없습니다",
        "주소가 올바른지 확인해 주세요. 이벤트가 삭제되었거나 아직 공개되지 않았을 수 있습니다.",
    )
}

fn unavailable() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "잠시 후 다시 시도해 주세요",
        "이벤트 정보를 불러오지 못했습니다. 잠시 후 새로고침해 주세요.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_escaped_fields_and_the_channel() {
        let v = EntryView::from_json(&json!({"eventId": "evt-1", "title": "<b>가을</b> 이벤트",
            "prize": "커피 쿠폰", "storeName": "맛있는집", "status": "ACTIVE",
            "acceptingEntries": true, "participantCount": 3,
            "startDate": "2026-11-01", "endDate": "2026-11-30T00:00:00Z"}));
        let page = render(&v, "evt-1", "KAKAO");
        assert!(page.contains("&lt;b&gt;가을&lt;/b&gt; 이벤트"));
        assert!(!page.contains("<b>가을"));
        assert!(page.contains("2026-11-01 ~ 2026-11-30"));
        assert!(page.contains(r#"data-channel="KAKAO""#));
        assert!(page.contains(r#"data-accepting="true""#));
        assert!(!page.contains("{{"), "every slot filled");
    }

    #[test]
    fn an_ended_event_says_so() {
        let v = EntryView::from_json(&json!({"status": "ENDED", "acceptingEntries": false}));
        let page = render(&v, "evt-2", "");
        assert!(page.contains("종료된 이벤트입니다"));
        assert!(page.contains(r#"data-accepting="false""#));
    }

    #[test]
    fn only_local_or_http_images() {
        let v = EntryView::from_json(&json!({"imageUrl": "javascript:alert(1)"}));
        assert_eq!(v.image_url, None);
    }
}
