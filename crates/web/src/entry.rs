//! `GET /e/{eventId}`: the customers' entry page, rendered on the server from
//! the participation service's public `GET /api/events/{id}/entry-info`, so
//! the first paint already shows the event (and an unknown id answers a
//! Korean 404 page rather than an empty shell).

use std::sync::Arc;

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{Datelike, NaiveDate};
use contracts::{entry_info::EntryInfo, schedule::Phase};
use serde::Deserialize;

use platform::ratelimit::ClientAddr;

use crate::{html, ApiAnswer, WebState};

/// `?ch=` of an entry link.
#[derive(Debug, Deserialize)]
pub struct EntryQuery {
    ch: Option<String>,
}

/// `assets/entry.html`: every `{{ … }}` is escaped by askama, and the
/// template is checked against these fields when the crate compiles.
#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage<'a> {
    info: &'a EntryInfo,
    event_id: &'a str,
    channel: &'a str,
    /// The badge's class: `UPCOMING`, `OPEN` or `ENDED`.
    phase: &'static str,
    badge: String,
    notice: String,
    period: String,
    image: Option<&'a str>,
    /// The draw's sealed seed (hex), once entries closed.
    seal: Option<&'a str>,
}

/// `assets/message.html`: a Korean page with a title and one sentence.
#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    title: &'a str,
    text: &'a str,
}

/// `entry-info` as the page may show it: empty dates and labels as none,
/// an image only from this site or http(s), a seal only when it is hex.
fn checked(mut info: EntryInfo) -> EntryInfo {
    info.start_date = info.start_date.filter(|s| !s.is_empty());
    info.end_date = info.end_date.filter(|s| !s.is_empty());
    info.phase_label = info.phase_label.filter(|s| !s.is_empty());
    info.image_url = info
        .image_url
        .filter(|u| u.starts_with('/') || u.starts_with("http"));
    info.seed_commitment = info
        .seed_commitment
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_hexdigit()));
    info
}

/// The phase, from the API's answer or (older answers) the status.
fn phase(info: &EntryInfo) -> Option<Phase> {
    match (info.phase, info.status.as_str(), info.accepting_entries) {
        (Some(p), _, _) => Some(p),
        (None, _, true) => Some(Phase::Open),
        (None, "ENDED", _) => Some(Phase::Ended),
        _ => None,
    }
}

/// The page for an event, or a Korean message page.
pub async fn page(
    State(state): State<Arc<WebState>>,
    ClientAddr(client): ClientAddr,
    Path(event_id): Path<String>,
    Query(q): Query<EntryQuery>,
) -> Response {
    if !html::valid_event_id(&event_id) {
        return not_found();
    }
    let body = match state
        .public_json(&format!("/api/events/{event_id}/entry-info"), client)
        .await
    {
        ApiAnswer::Found(body) => body,
        ApiAnswer::NotFound => return not_found(),
        ApiAnswer::Limited {
            message: text,
            retry_after,
        } => return limited(&text, retry_after),
        ApiAnswer::Failed => return unavailable(),
    };
    // Read as the API's own type; an answer that is not one is a failure.
    let Ok(info) = serde_json::from_value::<EntryInfo>(body) else {
        tracing::warn!("entry-info answer is not an EntryInfo");
        return unavailable();
    };
    // An unknown channel in a shared link should not stop a customer from
    // entering: the entry is simply recorded without a channel.
    let channel = html::channel(q.ch.as_deref())
        .map(|c| c.code())
        .unwrap_or("");
    let today = contracts::schedule::korea_date(chrono::Utc::now());
    html_response(
        StatusCode::OK,
        render(&checked(info), &event_id, channel, today),
    )
}

fn period(view: &EntryInfo, today: NaiveDate) -> String {
    let k = |s: &String| korean_day(s, today).unwrap_or_else(|| day(s).to_string());
    match (&view.start_date, &view.end_date) {
        (Some(s), Some(e)) => format!("{} ~ {}", k(s), k(e)),
        (Some(s), None) => format!("{} 부터", k(s)),
        (None, Some(e)) => format!("{} 까지", k(e)),
        (None, None) => "기간 미정".to_string(),
    }
}

/// `2026-11-21` out of a date or an RFC 3339 time.
fn day(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

/// `12월 10일` (with the year when it is not this year's) out of `YYYY-MM-DD…`.
fn korean_day(s: &str, today: NaiveDate) -> Option<String> {
    let d = NaiveDate::parse_from_str(day(s), "%Y-%m-%d").ok()?;
    Some(if d.year() == today.year() {
        format!("{}월 {}일", d.month(), d.day())
    } else {
        format!("{}년 {}월 {}일", d.year(), d.month(), d.day())
    })
}

/// The badge (its class and words) and the notice shown while the form is closed.
fn status_label(view: &EntryInfo, today: NaiveDate) -> (&'static str, String, String) {
    let label = |fallback: &str| view.phase_label.clone().unwrap_or_else(|| fallback.into());
    let start = view
        .start_date
        .as_deref()
        .and_then(|s| korean_day(s, today));
    let end = view.end_date.as_deref();
    match phase(view) {
        Some(Phase::Open) => (
            "OPEN",
            label("진행중"),
            "지금은 참여를 받지 않습니다.".into(),
        ),
        Some(Phase::Upcoming) => (
            "UPCOMING",
            label("시작 전"),
            match start {
                Some(d) => format!("{d} 0시부터 참여할 수 있어요."),
                None => "아직 참여를 받지 않는 이벤트입니다.".into(),
            },
        ),
        Some(Phase::Ended) => {
            // Ended early by the owner, the end date is still ahead: no date then.
            let past = end
                .and_then(|e| NaiveDate::parse_from_str(day(e), "%Y-%m-%d").ok())
                .filter(|e| *e < today);
            (
                "ENDED",
                label("종료"),
                match past.and_then(|_| end.and_then(|e| korean_day(e, today))) {
                    Some(d) => format!("{d}에 종료된 이벤트입니다. 참여해 주셔서 감사합니다."),
                    None => "종료된 이벤트입니다. 참여해 주셔서 감사합니다.".into(),
                },
            )
        }
        None => (
            "UPCOMING",
            "준비중".into(),
            "아직 참여를 받지 않는 이벤트입니다.".into(),
        ),
    }
}

/// Renders the entry page of a checked `entry-info`.
pub(crate) fn render(
    info: &EntryInfo,
    event_id: &str,
    channel: &str,
    today: NaiveDate,
) -> Result<String, askama::Error> {
    let (phase, badge, notice) = status_label(info, today);
    EntryPage {
        info,
        event_id,
        channel,
        phase,
        badge,
        notice,
        period: period(info, today),
        image: info.image_url.as_deref(),
        seal: info.seed_commitment.as_deref(),
    }
    .render()
}

pub(crate) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    html_response(status, MessagePage { title, text }.render())
}

/// A rendered page, or (a template that could not be written, which
/// askama's compile-time checks leave to formatting errors) a plain 500.
pub(crate) fn html_response(status: StatusCode, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => page_response(status, body),
        Err(e) => {
            tracing::error!(error = %e, "page not rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "잠시 후 다시 시도해 주세요",
            )
                .into_response()
        }
    }
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

/// The client asked too often: the API's words, and when to come back.
pub(crate) fn limited(text: &str, retry_after: Option<HeaderValue>) -> Response {
    let mut page = message(
        StatusCode::TOO_MANY_REQUESTS,
        "잠시 후 다시 시도해 주세요",
        text,
    );
    if let Some(value) = retry_after {
        page.headers_mut().insert(header::RETRY_AFTER, value);
    }
    page
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
    use serde_json::{json, Value};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 11).expect("date")
    }

    /// `entry-info` as the page reads it: the typed answer, checked.
    fn info(v: Value) -> EntryInfo {
        checked(serde_json::from_value(v).expect("an EntryInfo"))
    }

    fn page(v: Value) -> String {
        render(&info(v), "evt-1", "", today()).expect("rendered")
    }

    #[test]
    fn renders_escaped_fields_and_the_channel() {
        let v = info(json!({"eventId": "evt-1", "title": "<b>가을</b> 이벤트",
            "prize": "커피 쿠폰", "storeName": "맛있는집", "status": "ACTIVE", "phase": "OPEN",
            "phaseLabel": "진행중", "acceptingEntries": true, "participantCount": 3,
            "startDate": "2026-11-01", "endDate": "2026-11-30T00:00:00Z"}));
        let page = render(&v, "evt-1", "KAKAO", today()).expect("rendered");
        assert!(page.contains("&#60;b&#62;가을&#60;/b&#62; 이벤트"));
        assert!(!page.contains("<b>가을"));
        assert!(page.contains("11월 1일 ~ 11월 30일"));
        assert!(page.contains(r#"data-channel="KAKAO""#));
        assert!(page.contains(r#"data-accepting="true""#));
        assert!(page.contains(r#"<span class="badge OPEN" id="phase">진행중</span>"#));
        assert!(!page.contains(r#"id="fair""#), "no fairness box while open");
        assert!(!page.contains("{{"), "every slot filled");
    }

    #[test]
    fn a_title_that_looks_like_a_slot_or_markup_renders_literally() {
        let page = page(
            json!({"title": "{{prize}} {{eventId}} <script>alert(1)</script>",
            "prize": "<커피>", "storeName": "{{title}}", "phase": "OPEN", "acceptingEntries": true}),
        );
        assert!(
            page.contains(
                r#"<h1 id="event-title">{{prize}} {{eventId}} &#60;script&#62;alert(1)&#60;/script&#62;</h1>"#
            ),
            "{page}"
        );
        assert!(!page.contains("<script>alert"));
        assert!(page.contains(r#"<p class="store">{{title}}</p>"#));
        assert!(page.contains(r#"<dd id="event-prize">&#60;커피&#62;</dd>"#));
    }

    #[test]
    fn a_message_page_escapes_its_words() {
        let body = MessagePage {
            title: "{{text}} <b>",
            text: "x",
        }
        .render()
        .expect("rendered");
        assert!(body.contains("<h1>{{text}} &#60;b&#62;</h1>"), "{body}");
    }

    #[test]
    fn an_upcoming_event_names_its_first_day() {
        let page = page(
            json!({"status": "ACTIVE", "phase": "UPCOMING", "phaseLabel": "시작 전",
            "acceptingEntries": false, "startDate": "2026-12-20", "endDate": "2027-01-05"}),
        );
        assert!(page.contains(r#"<span class="badge UPCOMING" id="phase">시작 전</span>"#));
        assert!(page.contains("12월 20일 0시부터 참여할 수 있어요"));
        assert!(page.contains(r#"data-accepting="false""#));
    }

    #[test]
    fn an_ended_event_names_its_last_day_and_shows_the_seal() {
        let seal = "ab".repeat(32);
        let page = page(
            json!({"status": "ENDED", "phase": "ENDED", "phaseLabel": "종료",
            "acceptingEntries": false, "startDate": "2026-12-01", "endDate": "2026-12-10",
            "seedCommitment": seal, "drawn": false}),
        );
        assert!(page.contains(r#"<span class="badge ENDED" id="phase">종료</span>"#));
        assert!(page.contains("12월 10일에 종료된 이벤트입니다"));
        assert!(page.contains("공정한 추첨") && page.contains("봉인"));
        // The hex only inside the folded details.
        let details = page
            .find("<details><summary>봉인 값 보기")
            .expect("details");
        assert!(page.find(&seal).is_some_and(|at| at > details));
        assert!(
            !page.contains("추첨 증명서 보기"),
            "no proof before the draw"
        );
    }

    #[test]
    fn an_event_ended_early_does_not_name_a_future_date_and_links_the_proof() {
        let page = page(
            json!({"status": "ENDED", "phase": "ENDED", "phaseLabel": "종료",
            "endDate": "2026-12-31", "seedCommitment": "cd".repeat(32), "drawn": true}),
        );
        assert!(page.contains("종료된 이벤트입니다") && !page.contains("12월 31일에"));
        assert!(page.contains(r#"href="/api/events/evt-1/draw-proof">추첨 증명서 보기</a>"#));
    }

    #[test]
    fn a_strange_seal_is_dropped_and_a_strange_phase_is_no_entry_info() {
        assert_eq!(
            info(json!({"seedCommitment": "<script>"})).seed_commitment,
            None
        );
        assert!(serde_json::from_value::<EntryInfo>(json!({"phase": "<b>"})).is_err());
    }

    #[test]
    fn an_older_answer_without_a_phase_still_reads_ended() {
        let page = page(json!({"status": "ENDED", "acceptingEntries": false}));
        assert!(page.contains("종료된 이벤트입니다"));
        assert!(page.contains(r#"data-accepting="false""#));
    }

    #[test]
    fn only_local_or_http_images() {
        assert_eq!(
            info(json!({"imageUrl": "javascript:alert(1)"})).image_url,
            None
        );
    }
}
