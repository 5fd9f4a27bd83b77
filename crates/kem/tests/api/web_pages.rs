//! The web app over plain HTTP: pages answer with Korean content and the
//! right content types, stay under 300 KB, the entry page is rendered from the
//! public event data (and says so in Korean for an unknown id), and the QR
//! codes carry the per-channel entry links.

use serde_json::json;

use crate::support::{journey, spawn};

const LIMIT: usize = 300 * 1024;

async fn fetch(t: &crate::support::TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let res = t.client.get(t.url(path)).send().await.expect("request");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, kind, res.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn the_owner_app_and_its_assets_are_served_small_and_in_korean() {
    let t = spawn().await;
    let (status, kind, body) = fetch(&t, "/").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.contains(r#"<html lang="ko">"#) && html.contains("KT AI 이벤트 마케팅"));
    let mut total = html.len();
    for (asset, want) in [
        ("app.css", "text/css"),
        ("app.js", "text/javascript"),
        ("steps.js", "text/javascript"),
        ("detail.js", "text/javascript"),
        ("entry.js", "text/javascript"),
        ("icon.svg", "image/svg+xml"),
    ] {
        let (status, kind, body) = fetch(&t, &format!("/assets/{asset}")).await;
        assert_eq!(status, 200, "{asset}");
        assert!(kind.starts_with(want), "{asset}: {kind}");
        total += body.len();
    }
    assert!(total < LIMIT, "shell and assets weigh {total} bytes");
    let (status, _, _) = fetch(&t, "/assets/../Cargo.toml").await;
    assert_eq!(status, 404);
    let (status, _, _) = fetch(&t, "/assets/nope.js").await;
    assert_eq!(status, 404);
    // The services keep their own paths.
    let (status, kind, _) = fetch(&t, "/healthz").await;
    assert_eq!((status, kind.starts_with("application/json")), (200, true));
    let a = t.get("/api/nothing-here", None).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.code(), "COMMON_404");
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn an_unknown_event_gets_a_korean_not_found_page() {
    let t = spawn().await;
    for path in ["/e/evt-does-not-exist", "/e/%3Cscript%3E"] {
        let (status, kind, body) = fetch(&t, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(kind.starts_with("text/html"), "{kind}");
        let html = String::from_utf8(body).expect("utf-8");
        assert!(html.contains("이벤트를 찾을 수 없습니다"), "{html}");
        assert!(!html.contains("<script>"));
    }
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_published_event_has_an_entry_page_and_channel_qr_codes() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let id = journey::ready_draft(&t, &token, user, &["INSTAGRAM", "KAKAO"]).await;
    let a = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(a.status, 200, "publish: {}", a.body);
    // Participation opens entries when EventPublished reaches it over the bus.
    let mut info = t.get(&format!("/api/events/{id}/entry-info"), None).await;
    for _ in 0..300 {
        if info.status == 200 && info.body["acceptingEntries"] == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        info = t.get(&format!("/api/events/{id}/entry-info"), None).await;
    }
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.body["acceptingEntries"], true, "{}", info.body);

    let (status, kind, body) = fetch(&t, &format!("/e/{id}?ch=KAKAO")).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(body.len() < LIMIT);
    let html = String::from_utf8(body).expect("utf-8");
    let title = info.body["title"].as_str().expect("title");
    assert!(
        !title.is_empty() && html.contains(title),
        "title on the page"
    );
    assert!(html.contains("개인정보 수집·이용") && html.contains("마케팅 정보 수신"));
    assert!(html.contains(r#"data-channel="KAKAO""#));
    assert!(html.contains(r#"data-accepting="true""#));
    // The chosen promotional image travels with EventPublished to the entry page.
    let image = info.body["imageUrl"].as_str().expect("imageUrl");
    assert!(image.starts_with("/api/content/images/"), "{image}");
    assert!(html.contains(r#"class="entry-image""#) && html.contains(image));
    // An unknown channel in a link does not stop the customer.
    let (status, _, body) = fetch(&t, &format!("/e/{id}?ch=MYSPACE")).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8(body)
        .expect("utf-8")
        .contains(r#"data-channel="""#));

    let (status, kind, svg) = fetch(&t, &format!("/e/{id}/qr.svg?ch=INSTAGRAM")).await;
    assert_eq!((status, kind.as_str()), (200, "image/svg+xml"));
    assert!(String::from_utf8(svg).expect("svg").contains("<svg"));
    let (status, kind, png) = fetch(&t, &format!("/e/{id}/qr.png?ch=KAKAO")).await;
    assert_eq!((status, kind.as_str()), (200, "image/png"));
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let bad = t.get(&format!("/e/{id}/qr.svg?ch=MYSPACE"), None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body["message"]
        .as_str()
        .expect("message")
        .contains("채널"));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_winners_coupon_has_a_korean_claim_page_and_unknown_codes_a_korean_404() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let id = journey::ready_draft(&t, &token, user, &["INSTAGRAM"]).await;
    let a = t
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(a.status, 200, "publish: {}", a.body);
    let body = json!({"name": "김당첨", "phoneNumber": "010-5555-0001", "agreePrivacy": true});
    let a = t
        .post(&format!("/api/events/{id}/participate"), None, body)
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let a = t
        .post(&format!("/api/events/{id}/end"), Some(&token), json!({}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = t
        .post(
            &format!("/api/events/{id}/draw-winners"),
            Some(&token),
            json!({"winnerCount": 1, "claimDays": 7}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let code = a.body["winners"][0]["couponCode"]
        .as_str()
        .expect("coupon code")
        .to_string();

    // Typed any way, the page shows the store, the prize, the status and the code.
    for path in [
        format!("/c/{code}"),
        format!("/c/{}", code.replace('-', "").to_lowercase()),
    ] {
        let (status, kind, body) = fetch(&t, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(kind.starts_with("text/html"), "{kind}");
        let html = String::from_utf8(body).expect("utf-8");
        assert!(html.contains("사용 가능") && html.contains("카운터에서 이 화면을 보여 주세요"));
        assert!(html.contains("까지</dd>") && html.contains("<svg"));
        for group in code.split('-') {
            assert!(html.contains(&format!("<span>{group}</span>")), "{group}");
        }
        assert!(
            !html.contains("김당첨") && !html.contains("5555"),
            "nothing personal"
        );
    }
    let a = t
        .post(
            &format!("/api/coupons/{code}/redeem"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let (_, _, body) = fetch(&t, &format!("/c/{code}")).await;
    let html = String::from_utf8(body).expect("utf-8");
    assert!(
        html.contains("사용 완료 (") && !html.contains("<svg"),
        "{html}"
    );

    for path in ["/c/ABCDEF-GHJKMN-PQRSTU", "/c/%3Cscript%3E", "/c/x"] {
        let (status, kind, body) = fetch(&t, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(kind.starts_with("text/html"), "{kind}");
        let html = String::from_utf8(body).expect("utf-8");
        assert!(html.contains("쿠폰을 찾을 수 없습니다"), "{html}");
        assert!(!html.contains("<script>"));
    }
    t.app.stop().await.expect("stop");
}
