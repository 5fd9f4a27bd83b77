//! `GET /e/{eventId}`: the customers' entry page, rendered on the server from
//! the participation service's public `GET /api/events/{id}/entry-info`, so
//! the first paint already shows the event (and an unknown id answers a
//! Korean 404 page rather than an empty shell).

use std::sync::Arc;

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::Value;

use platform::ratelimit::ClientAddr;

use crate::{html, ApiAnswer, WebState};

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
    /// `UPCOMING`, `OPEN` or `ENDED`; none before publish.
    pub phase: Option<String>,
    /// 시작 전 / 진행중 / 종료.
    pub phase_label: Option<String>,
    pub accepting: bool,
    pub participant_count: i64,
    pub image_url: Option<String>,
    /// sha256 of the draw's seed (64 hex), once entries closed.
    pub seed_commitment: Option<String>,
    pub drawn: bool,
    /// Entrants confirm their phone with an SMS code.
    pub verify_phone: bool,
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
            phase: text("phase").filter(|p| ["UPCOMING", "OPEN", "ENDED"].contains(&p.as_str())),
            phase_label: text("phaseLabel").filter(|s| !s.is_empty()),
            accepting: v["acceptingEntries"].as_bool().unwrap_or(false),
            participant_count: v["participantCount"].as_i64().unwrap_or(0),
            image_url: text("imageUrl").filter(|u| u.starts_with('/') || u.starts_with("http")),
            seed_commitment: text("seedCommitment")
                .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_hexdigit())),
            drawn: v["drawn"].as_bool().unwrap_or(false),
            verify_phone: v["verifyPhone"].as_bool().unwrap_or(false),
        }
    }

    /// The phase, from the API's answer or (older answers) the status.
    fn phase(&self) -> &str {
        match (self.phase.as_deref(), self.status.as_str(), self.accepting) {
            (Some(p), _, _) => p,
            (None, _, true) => "OPEN",
            (None, "ENDED", _) => "ENDED",
            _ => "",
        }
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
    let view = EntryView::from_json(&body);
    // An unknown channel in a shared link should not stop a customer from
    // entering: the entry is simply recorded without a channel.
    let channel = html::channel(q.ch.as_deref())
        .map(|c| c.code())
        .unwrap_or("");
    let today = contracts::schedule::korea_date(chrono::Utc::now());
    page_response(StatusCode::OK, render(&view, &event_id, channel, today))
}

fn period(view: &EntryView, today: NaiveDate) -> String {
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
fn status_label(view: &EntryView, today: NaiveDate) -> (&'static str, String, String) {
    let label = |fallback: &str| view.phase_label.clone().unwrap_or_else(|| fallback.into());
    let start = view
        .start_date
        .as_deref()
        .and_then(|s| korean_day(s, today));
    let end = view.end_date.as_deref();
    match view.phase() {
        "OPEN" => (
            "OPEN",
            label("진행중"),
            "지금은 참여를 받지 않습니다.".into(),
        ),
        "UPCOMING" => (
            "UPCOMING",
            label("시작 전"),
            match start {
                Some(d) => format!("{d} 0시부터 참여할 수 있어요."),
                None => "아직 참여를 받지 않는 이벤트입니다.".into(),
            },
        ),
        "ENDED" => {
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
        _ => (
            "UPCOMING",
            "준비중".into(),
            "아직 참여를 받지 않는 이벤트입니다.".into(),
        ),
    }
}

/// The "fair draw" box of an event whose entries closed: one sentence, the
/// sealed value folded away, and the proof once drawn.
fn fairness(view: &EntryView, event_id: &str) -> String {
    let Some(commitment) = &view.seed_commitment else {
        return String::new();
    };
    let proof = if view.drawn {
        format!(
            r#"<p><a class="button" id="draw-proof" href="/api/events/{}/draw-proof">추첨 증명서 보기</a></p>"#,
            html::escape(event_id)
        )
    } else {
        "<p class=\"small muted\">추첨이 끝나면 누구나 결과를 확인할 수 있는 추첨 증명서가 이곳에 올라옵니다.</p>".into()
    };
    format!(
        r#"<section class="card fair" id="fair" aria-labelledby="fair-title"><h2 id="fair-title">공정한 추첨</h2>
    <p>응모가 마감될 때 추첨에 쓸 난수를 미리 봉인해 두어, 누구도 당첨 결과를 미리 정하거나 바꿀 수 없어요.</p>
    {proof}<details><summary>봉인 값 보기</summary><code class="seal">{}</code></details></section>"#,
        html::escape(commitment)
    )
}

/// Fills every `{{name}}` of `template` in one pass: a value is never
/// scanned again, so a title that reads `{{prize}}` stays as typed. Unknown
/// names are left as they are.
pub(crate) fn fill(template: &str, slot: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 512);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match slot(name) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[open..open + close + 4]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// Fills the entry template, each value escaped.
pub(crate) fn render(view: &EntryView, event_id: &str, channel: &str, today: NaiveDate) -> String {
    let (phase, badge, notice) = status_label(view, today);
    let image = match &view.image_url {
        Some(u) => format!(
            r#"<img class="entry-image" src="{}" alt="{} 이벤트 이미지" width="1080" height="1080">"#,
            html::escape(u),
            html::escape(&view.title)
        ),
        None => String::new(),
    };
    fill(ENTRY_HTML, |name| {
        Some(match name {
            "image" => image.clone(),
            "title" => html::escape(&view.title),
            "prize" => html::escape(&view.prize),
            "store" => html::escape(&view.store_name),
            "period" => html::escape(&period(view, today)),
            "phase" => phase.to_string(),
            "badge" => html::escape(&badge),
            "notice" => html::escape(&notice),
            "fair" => fairness(view, event_id),
            "count" => view.participant_count.to_string(),
            "accepting" => (if view.accepting { "true" } else { "false" }).to_string(),
            "verify" => (if view.verify_phone { "true" } else { "false" }).to_string(),
            "eventId" => html::escape(event_id),
            "channel" => html::escape(channel),
            _ => return None,
        })
    })
}

pub(crate) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let body = fill(MESSAGE_HTML, |name| match name {
        "title" => Some(html::escape(title)),
        "text" => Some(html::escape(text)),
        _ => None,
    });
    page_response(status, body)
}

pub(crate) fn page_response(status: StatusCode, body: String) -> Response {
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
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 11).expect("date")
    }

    fn page(info: Value) -> String {
        render(&EntryView::from_json(&info), "evt-1", "", today())
    }

    #[test]
    fn renders_escaped_fields_and_the_channel() {
        let v = EntryView::from_json(&json!({"eventId": "evt-1", "title": "<b>가을</b> 이벤트",
            "prize": "커피 쿠폰", "storeName": "맛있는집", "status": "ACTIVE", "phase": "OPEN",
            "phaseLabel": "진행중", "acceptingEntries": true, "participantCount": 3,
            "startDate": "2026-11-01", "endDate": "2026-11-30T00:00:00Z"}));
        let page = render(&v, "evt-1", "KAKAO", today());
        assert!(page.contains("&lt;b&gt;가을&lt;/b&gt; 이벤트"));
        assert!(!page.contains("<b>가을"));
        assert!(page.contains("11월 1일 ~ 11월 30일"));
        assert!(page.contains(r#"data-channel="KAKAO""#));
        assert!(page.contains(r#"data-accepting="true""#));
        assert!(page.contains(r#"<span class="badge OPEN" id="phase">진행중</span>"#));
        assert!(!page.contains(r#"id="fair""#), "no fairness box while open");
        assert!(!page.contains("{{"), "every slot filled");
    }

    #[test]
    fn a_title_that_looks_like_a_slot_stays_as_typed() {
        let page = page(
            json!({"title": "{{prize}} {{eventId}} 이벤트", "prize": "<커피>",
            "storeName": "{{title}}", "phase": "OPEN", "acceptingEntries": true}),
        );
        assert!(
            page.contains(r#"<h1 id="event-title">{{prize}} {{eventId}} 이벤트</h1>"#),
            "{page}"
        );
        assert!(page.contains(r#"<p class="store">{{title}}</p>"#));
        assert!(page.contains(r#"<dd id="event-prize">&lt;커피&gt;</dd>"#));
    }

    #[test]
    fn fill_leaves_unknown_and_unclosed_slots() {
        let out = fill("a {{x}} {{y}} {{z", |n| {
            (n == "x").then(|| "{{y}}".to_string())
        });
        assert_eq!(out, "a {{y}} {{y}} {{z");
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
    fn a_strange_seal_or_phase_is_dropped() {
        let v = EntryView::from_json(&json!({"seedCommitment": "<script>", "phase": "<b>"}));
        assert_eq!((v.seed_commitment, v.phase), (None, None));
    }

    #[test]
    fn an_older_answer_without_a_phase_still_reads_ended() {
        let page = page(json!({"status": "ENDED", "acceptingEntries": false}));
        assert!(page.contains("종료된 이벤트입니다"));
        assert!(page.contains(r#"data-accepting="false""#));
    }

    #[test]
    fn only_local_or_http_images() {
        let v = EntryView::from_json(&json!({"imageUrl": "javascript:alert(1)"}));
        assert_eq!(v.image_url, None);
    }
}
