//! `GET /c/{code}`: a winner's claim page, rendered on the server from the
//! participation service's public `GET /api/coupons/{code}` (no personal
//! data: the code is the secret). Phone-sized and in Korean: the store, the
//! event, the prize, the deadline, whether the coupon can still be used, and
//! the code as a QR and in large grouped letters to show at the counter.

use std::sync::Arc;

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qrcode::{EcLevel, QrCode};
use serde_json::Value;

use platform::ratelimit::ClientAddr;

use crate::{entry, ApiAnswer, WebState};

/// `assets/claim.html`, escaped by askama and checked when the crate compiles.
#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage<'a> {
    title: &'a str,
    store: &'a str,
    prize: &'a str,
    /// `USABLE`, `REDEEMED`, `EXPIRED` or `PASSED`.
    status: &'static str,
    /// The badge's class.
    badge: &'static str,
    status_label: String,
    note: String,
    /// Inline SVG that [`qr_svg`] built from the code's letters (not escaped).
    qr: String,
    groups: Vec<String>,
    deadline: String,
}

/// What the page shows, read leniently from the coupon answer.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ClaimView {
    pub code: String,
    pub title: String,
    pub store_name: String,
    pub prize: String,
    pub claim_deadline: Option<DateTime<Utc>>,
    /// `USABLE`, `REDEEMED`, `EXPIRED` or `PASSED`.
    pub status: String,
    pub redeemed_at: Option<DateTime<Utc>>,
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl ClaimView {
    pub(crate) fn from_json(v: &Value) -> ClaimView {
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        ClaimView {
            code: text("couponCode"),
            title: text("title"),
            store_name: text("storeName"),
            prize: text("prize"),
            claim_deadline: instant(&v["claimDeadline"]),
            status: text("status"),
            redeemed_at: instant(&v["redeemedAt"]),
        }
    }
}

/// A code as it may appear in a path: letters, digits and hyphens, short.
/// Anything else cannot be a coupon and never reaches the API.
pub(crate) fn plausible_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `K7M3QX-9TZB2H-4WQ8NP` as the groups the page prints large: the code
/// without hyphens, upper case, in sixes.
pub(crate) fn groups(code: &str) -> Vec<String> {
    let plain: Vec<char> = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    plain.chunks(6).map(|c| c.iter().collect()).collect()
}

/// Korea's wall time of an instant.
fn korea(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&contracts::schedule::korea()).naive_local()
}

/// `12월 20일` (with the year when it is not this year's).
fn korean_day(d: NaiveDate, today: NaiveDate) -> String {
    if d.year() == today.year() {
        format!("{}월 {}일", d.month(), d.day())
    } else {
        format!("{}년 {}월 {}일", d.year(), d.month(), d.day())
    }
}

/// `12월 12일 14:05`.
fn korean_moment(t: DateTime<Utc>, today: NaiveDate) -> String {
    let k = korea(t);
    format!("{} {}", korean_day(k.date(), today), k.format("%H:%M"))
}

/// The badge class, its words and the one line under it.
fn status_words(view: &ClaimView, today: NaiveDate) -> (&'static str, String, String) {
    let deadline = view
        .claim_deadline
        .map(|d| korean_day(korea(d).date(), today));
    match view.status.as_str() {
        "USABLE" => (
            "OPEN",
            "사용 가능".into(),
            "매장 카운터에서 이 화면을 보여 주세요.".into(),
        ),
        "REDEEMED" => (
            "ENDED",
            match view.redeemed_at {
                Some(at) => format!("사용 완료 ({})", korean_moment(at, today)),
                None => "사용 완료".into(),
            },
            "이미 경품을 받으신 쿠폰입니다. 축하드립니다!".into(),
        ),
        "PASSED" => (
            "ENDED",
            "예비 당첨자에게 넘어감".into(),
            "사용 기한이 지나 경품이 예비 당첨자에게 넘어갔습니다.".into(),
        ),
        _ => (
            "ENDED",
            "기한 만료".into(),
            match deadline {
                Some(d) => format!("{d}까지 사용할 수 있는 쿠폰이었습니다."),
                None => "사용 기한이 지난 쿠폰입니다.".into(),
            },
        ),
    }
}

/// The QR code of the code itself, as inline SVG (the counter's scanner
/// reads the letters; nothing else is in it).
fn qr_svg(code: &str) -> String {
    let data = groups(code).join("-");
    match QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M) {
        Ok(qr) => qr
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build()
            // The XML declaration has no place inside HTML.
            .split_once("<svg")
            .map(|(_, rest)| format!("<svg{rest}"))
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Renders the claim page.
pub(crate) fn render(view: &ClaimView, today: NaiveDate) -> Result<String, askama::Error> {
    let (badge, label, note) = status_words(view, today);
    let status = match view.status.as_str() {
        "USABLE" => "USABLE",
        "REDEEMED" => "REDEEMED",
        "PASSED" => "PASSED",
        _ => "EXPIRED",
    };
    let deadline = match view.claim_deadline {
        Some(d) => format!("{}까지", korean_day(korea(d).date(), today)),
        None => "-".into(),
    };
    ClaimPage {
        title: &view.title,
        store: &view.store_name,
        prize: &view.prize,
        status,
        badge,
        status_label: label,
        note,
        qr: if status == "USABLE" {
            qr_svg(&view.code)
        } else {
            String::new()
        },
        groups: groups(&view.code),
        deadline,
    }
    .render()
}

/// The page for a coupon, or a Korean message page.
pub async fn page(
    State(state): State<Arc<WebState>>,
    ClientAddr(client): ClientAddr,
    Path(code): Path<String>,
) -> Response {
    if !plausible_code(&code) {
        return not_found();
    }
    let body = match state
        .public_json(&format!("/api/coupons/{code}"), client)
        .await
    {
        ApiAnswer::Found(body) => body,
        ApiAnswer::NotFound => return not_found(),
        ApiAnswer::Limited {
            message,
            retry_after,
        } => return entry::limited(&message, retry_after),
        ApiAnswer::Failed => return unavailable(),
    };
    let today = contracts::schedule::korea_date(Utc::now());
    entry::html_response(StatusCode::OK, render(&ClaimView::from_json(&body), today))
}

fn not_found() -> Response {
    entry::message(
        StatusCode::NOT_FOUND,
        "쿠폰을 찾을 수 없습니다",
        "받으신 당첨 안내 메시지의 링크가 맞는지 확인해 주세요. 링크가 잘려 열렸다면 메시지의 링크를 길게 눌러 복사한 뒤 열어 보세요.",
    )
}

fn unavailable() -> Response {
    entry::message(
        StatusCode::SERVICE_UNAVAILABLE,
        "잠시 후 다시 시도해 주세요",
        "쿠폰 정보를 불러오지 못했습니다. 잠시 후 새로고침해 주세요.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 11).expect("date")
    }

    fn page(v: Value) -> String {
        render(&ClaimView::from_json(&v), today()).expect("rendered")
    }

    fn usable() -> Value {
        json!({"couponCode": "K7M3QX-9TZB2H-4WQ8NP", "eventId": "evt-1", "title": "겨울 이벤트",
            "storeName": "맛있는집", "prize": "아메리카노 1잔",
            "claimDeadline": "2026-12-20T14:59:59Z", "status": "USABLE", "redeemedAt": null})
    }

    #[test]
    fn a_usable_coupon_shows_the_prize_deadline_qr_and_grouped_code() {
        let page = page(usable());
        assert!(page.contains(r#"<p class="store" id="claim-store">맛있는집</p>"#));
        assert!(page.contains(r#"<h2 id="claim-prize">아메리카노 1잔</h2>"#));
        // 23:59:59 Korea time is still the 20th.
        assert!(
            page.contains(r#"<dd id="claim-deadline">12월 20일까지</dd>"#),
            "{page}"
        );
        assert!(page.contains(r#"id="claim-status">사용 가능</span>"#));
        assert!(page.contains("카운터에서 이 화면을 보여 주세요"));
        assert!(
            page.contains("<span>K7M3QX</span><wbr><span>9TZB2H</span><wbr><span>4WQ8NP</span>")
        );
        assert!(page.contains("<svg") && !page.contains("<?xml"));
        assert!(!page.contains("{{"), "every slot filled");
    }

    #[test]
    fn every_value_is_escaped() {
        let page = page(json!({"couponCode": "<b>", "title": "<script>x</script>",
            "storeName": "\"가게\"", "prize": "{{title}} & 쿠폰", "status": "USABLE"}));
        assert!(page.contains("&#60;script&#62;x&#60;/script&#62;"));
        assert!(!page.contains("<script>x"));
        assert!(page.contains("&#34;가게&#34;"), "{page}");
        assert!(page.contains(r#"<h2 id="claim-prize">{{title}} &#38; 쿠폰</h2>"#));
        assert!(
            page.contains("<span>B</span>"),
            "only letters of the code: {page}"
        );
    }

    #[test]
    fn a_redeemed_coupon_says_when_and_hides_the_qr() {
        let mut v = usable();
        v["status"] = json!("REDEEMED");
        v["redeemedAt"] = json!("2026-12-12T05:05:00Z");
        let page = page(v);
        assert!(page.contains("사용 완료 (12월 12일 14:05)"), "{page}");
        assert!(!page.contains("<svg"));
    }

    #[test]
    fn expired_and_passed_coupons_say_so() {
        let mut v = usable();
        v["status"] = json!("EXPIRED");
        v["claimDeadline"] = json!("2027-01-05T14:59:59Z");
        let expired = page(v.clone());
        assert!(expired.contains(">기한 만료</span>"));
        assert!(expired.contains("2027년 1월 5일까지 사용할 수 있는 쿠폰이었습니다"));
        v["status"] = json!("PASSED");
        assert!(page(v).contains(">예비 당첨자에게 넘어감</span>"));
    }

    #[test]
    fn codes_in_paths_and_groups() {
        assert!(plausible_code("K7M3QX-9TZB2H-4WQ8NP"));
        assert!(plausible_code("k7m3qx9tzb2h4wq8np"));
        assert!(!plausible_code(""));
        assert!(!plausible_code("a/b"));
        assert!(!plausible_code("<x>"));
        assert!(!plausible_code(&"A".repeat(65)));
        assert_eq!(groups("k7m3qx9tzb2h4wq8np"), ["K7M3QX", "9TZB2H", "4WQ8NP"]);
    }

    #[test]
    fn the_qr_carries_the_code() {
        let svg = qr_svg("k7m3qx9tzb2h4wq8np");
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
        let expected = QrCode::with_error_correction_level(b"K7M3QX-9TZB2H-4WQ8NP", EcLevel::M)
            .expect("qr")
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build();
        assert!(expected.ends_with(&svg));
    }
}
