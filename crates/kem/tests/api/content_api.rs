//! The content service in the whole app: an `ImageJobRequested` on the bus
//! comes back as `ImageJobCompleted`, and every image URL in it serves a
//! real PNG of the exact size over HTTP, without a login. Bad keys get a
//! clear 4xx.

use crate::support::{spawn, unique, TestApp};
use chrono::Utc;
use contracts::{
    content::{ImageJobRequested, ImagePlatform, ImageStyle, ImageText},
    messages::{rfc3339, Envelope},
    topics,
};
use serde_json::Value;

fn job(event_id: &str, platforms: Vec<ImagePlatform>) -> ImageJobRequested {
    ImageJobRequested {
        job_id: unique("job-"),
        event_id: event_id.into(),
        user_id: 1,
        styles: ImageStyle::ALL.to_vec(),
        platforms,
        text: ImageText {
            title: "신규 고객 환영! 겨울 한정 따뜻한 라떼 1+1 이벤트".into(),
            prize: "아메리카노 1잔 무료".into(),
            period: "2026.12.01 ~ 2026.12.14".into(),
            store_name: "맛있는집".into(),
            call_to_action: "지금 참여하세요!".into(),
        },
        industry: "카페".into(),
        requested_at: rfc3339(Utc::now()),
        photos: Vec::new(),
    }
}

async fn request(t: &TestApp, job: &ImageJobRequested) {
    let env = Envelope::wrap(job);
    t.app
        .bus
        .publish(&env.topic, &env.key, &env.payload)
        .await
        .expect("publish");
}

/// Width and height of a PNG, after decoding every pixel.
fn decode(data: &[u8]) -> (u32, u32) {
    let decoder = content::png::Decoder::new(std::io::Cursor::new(data));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png pixels");
    (info.width, info.height)
}

async fn fetch(t: &TestApp, url: &str) -> reqwest::Response {
    let absolute = if url.starts_with("http") {
        url.to_string()
    } else {
        t.url(url)
    };
    t.client.get(absolute).send().await.expect("fetch")
}

#[tokio::test]
async fn a_job_on_the_bus_comes_back_completed_and_every_image_is_served() {
    let t = spawn().await;
    let results = t.listen(topics::IMAGE_RESULT_TOPIC);
    let event_id = unique("evt-");
    let job = job(&event_id, Vec::new());
    request(&t, &job).await;

    let answers = results
        .wait_for_key(&event_id, |m| {
            m.iter().any(|v| v["eventType"] == "ImageJobCompleted")
        })
        .await;
    let done: Vec<&Value> = answers
        .iter()
        .filter(|v| v["jobId"] == job.job_id.as_str())
        .collect();
    assert_eq!(done.len(), 1, "{answers:?}");
    assert_eq!(done[0]["eventType"], "ImageJobCompleted");
    let images = done[0]["images"].as_array().expect("images");
    assert_eq!(
        images.len(),
        9,
        "no platforms named: all three, in three styles"
    );

    let mut seen = std::collections::BTreeSet::new();
    for image in images {
        let style = image["style"].as_str().expect("style");
        let platform = ImagePlatform::parse(image["platform"].as_str().expect("platform"))
            .expect("platform code");
        seen.insert((style.to_string(), platform));
        let url = image["url"].as_str().expect("url");
        let res = fetch(&t, url).await;
        assert_eq!(res.status().as_u16(), 200, "{url}");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("content-type"), "image/png");
        assert_eq!(image["contentType"], "image/png");
        assert!(
            header("cache-control").contains("max-age="),
            "{}",
            header("cache-control")
        );
        let body = res.bytes().await.expect("body");
        assert_eq!(image["bytes"].as_u64(), Some(body.len() as u64));
        assert!(body.len() <= 500 * 1024, "{url}: {} bytes", body.len());
        let (w, h) = decode(&body);
        assert_eq!((w, h), platform.size(), "{style} {platform:?}");
        assert_eq!(
            (image["width"].as_u64(), image["height"].as_u64()),
            (Some(u64::from(w)), Some(u64::from(h)))
        );
    }
    assert_eq!(seen.len(), 9, "every style × platform once");
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_re_render_of_one_style_and_platform_gives_one_new_image() {
    let t = spawn().await;
    let results = t.listen(topics::IMAGE_RESULT_TOPIC);
    let event_id = unique("evt-");
    let mut rerender = job(&event_id, vec![ImagePlatform::Naver]);
    rerender.styles = vec![ImageStyle::Trendy];
    rerender.text.title = "제목을 고쳤습니다".into();
    request(&t, &rerender).await;
    let answers = results.wait_for_key(&event_id, |m| !m.is_empty()).await;
    assert_eq!(answers.len(), 1, "{answers:?}");
    let images = answers[0]["images"].as_array().expect("images");
    assert_eq!(images.len(), 1);
    assert_eq!(images[0]["style"], "TRENDY");
    assert_eq!(images[0]["platform"], "NAVER");
    let res = fetch(&t, images[0]["url"].as_str().expect("url")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(decode(&res.bytes().await.expect("body")), (800, 600));
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn unknown_and_malformed_keys_get_a_clear_error() {
    let t = spawn().await;
    let a = t
        .get("/api/content/images/img-nothing-here.png", None)
        .await;
    assert_eq!((a.status, a.code()), (404, "CONTENT_404"));
    for bad in [
        "/api/content/images/a..b.png",
        "/api/content/images/..png",
        "/api/content/images/a%2Fb.png",
        "/api/content/images/..%2F..%2Fcontent.db",
        "/api/content/images/sub/dir.png",
        "/api/content/images/a%5Cb.png",
    ] {
        let a = t.get(bad, None).await;
        assert_eq!(
            (a.status, a.code()),
            (400, "CONTENT_001"),
            "{bad}: {}",
            a.body
        );
    }
    t.app.stop().await.expect("stop");
}
