//! The creation steps between seed 1 and seed 2, driven over HTTP with the
//! real ai and content services behind the bus: recommendations, the plan
//! choice, images, the content edit, and every bad input on the way.

use crate::support::journey::{images, poll, recommendations};
use serde_json::{json, Value};

#[tokio::test]
async fn an_owner_walks_from_objective_to_channels() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let id = t.draft(&token, uid).await;

    // AI: a job, then the analysis and exactly three plans, low to high cost.
    let job = recommendations(&t, &token, &id).await;
    assert_eq!(job["status"], "COMPLETED", "{job}");
    let plans = job["recommendations"].as_array().expect("plans");
    assert_eq!(plans.len(), 3);
    for (i, plan) in plans.iter().enumerate() {
        assert_eq!(plan["optionNumber"], i + 1);
        for field in ["title", "description", "concept", "targetAudience", "prize"] {
            assert!(
                plan[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {plan}"
            );
        }
        assert!(plan["duration"]["recommendedDays"].as_u64().unwrap_or(0) > 0);
        assert!(plan["mechanics"]["type"].is_string());
        assert!(plan["estimatedCost"]["min"].as_i64() <= plan["estimatedCost"]["max"].as_i64());
        assert!(plan["expectedMetrics"]["roi"].is_number());
        assert!(!plan["promotionChannels"]
            .as_array()
            .expect("channels")
            .is_empty());
    }
    assert_eq!(plans[0]["costLevel"], "저비용");
    assert_eq!(plans[2]["costLevel"], "고비용");
    for kind in ["industryTrends", "regionalTrends", "seasonalTrends"] {
        assert!(
            !job["trendAnalysis"][kind]
                .as_array()
                .expect(kind)
                .is_empty(),
            "{kind}"
        );
    }

    // The plan, adjusted: the draft takes its title, prize and dates.
    let chosen = t
        .put(
            &format!("/api/events/{id}/recommendation"),
            Some(&token),
            json!({"optionNumber": 2, "title": "연말 감사 대잔치", "prize": "케이크 교환권",
                   "startDate": "2030-12-20", "endDate": "2030-12-31"}),
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.body);
    assert_eq!(chosen.body["title"], "연말 감사 대잔치");
    assert_eq!(chosen.body["prize"], "케이크 교환권");
    assert_eq!(chosen.body["startDate"], "2030-12-20");
    assert_eq!(chosen.body["endDate"], "2030-12-31");
    assert_eq!(chosen.body["recommendation"]["optionNumber"], 2);
    assert_eq!(
        chosen.body["recommendation"]["duration"]["recommendedDays"],
        12
    );

    // Images: three styles for each platform asked, real files at their URLs.
    let answer = images(
        &t,
        &token,
        &id,
        json!({"platforms": ["INSTAGRAM", "NAVER"]}),
    )
    .await;
    assert_eq!(answer["status"], "COMPLETED", "{answer}");
    let list = answer["images"].as_array().expect("images");
    assert_eq!(list.len(), 6, "{answer}");
    for image in list {
        let (w, h) = match image["platform"].as_str() {
            Some("INSTAGRAM") => (1080, 1080),
            Some("NAVER") => (800, 600),
            other => panic!("unexpected platform {other:?}"),
        };
        assert_eq!(
            (image["width"].as_i64(), image["height"].as_i64()),
            (Some(w), Some(h))
        );
        let file = fetch(&t, image["url"].as_str().expect("url")).await;
        assert!(
            file.len() > 1000 && file.len() <= 500 * 1024,
            "{} bytes",
            file.len()
        );
    }
    let styles: std::collections::BTreeSet<&str> =
        list.iter().filter_map(|i| i["style"].as_str()).collect();
    assert_eq!(
        styles.into_iter().collect::<Vec<_>>(),
        ["FANCY", "SIMPLE", "TRENDY"]
    );

    // Content: choose an image with a caption; no re-render for a caption.
    let first = list[0]["imageId"].as_str().expect("id").to_string();
    let a = t
        .put(
            &format!("/api/events/{id}/content"),
            Some(&token),
            json!({"imageId": first, "caption": "이번 주말까지! #연말"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["content"]["imageId"], first.as_str());
    assert_eq!(a.body["content"]["caption"], "이번 주말까지! #연말");
    assert!(a.body["content"]["renderingJobId"].is_null());

    // A new title is rendered onto the image; the content then shows the new image.
    let a = t
        .put(
            &format!("/api/events/{id}/content"),
            Some(&token),
            json!({"imageId": first, "title": "단 하루! 연말 감사 대잔치"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.body["content"]["renderingJobId"].is_string(),
        "{}",
        a.body
    );
    let event = poll(&t, &token, &format!("/api/events/{id}"), |e| {
        e["content"]["renderingJobId"].is_null()
    })
    .await;
    assert_ne!(event["content"]["imageId"], first.as_str(), "{event}");
    assert_eq!(event["content"]["title"], "단 하루! 연말 감사 대잔치");
    assert_eq!(event["content"]["caption"], "이번 주말까지! #연말");
    fetch(&t, event["content"]["imageUrl"].as_str().expect("url")).await;

    // Channels, and the event shows every step's choice.
    let a = t
        .put(
            &format!("/api/events/{id}/channels"),
            Some(&token),
            json!({"channels": ["INSTAGRAM", "RINGOBIZ"],
                   "channelSettings": {"RINGOBIZ": {"phoneNumber": "0212345678"}}}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let event = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(event["status"], "DRAFT");
    assert_eq!(event["objective"], "신규 고객 유치");
    assert_eq!(event["recommendation"]["optionNumber"], 2);
    assert!(event["content"]["imageUrl"].is_string());
    assert_eq!(event["channels"], json!(["INSTAGRAM", "RINGOBIZ"]));
    t.app.stop().await.expect("stop");
}

async fn fetch(t: &crate::support::TestApp, url: &str) -> Vec<u8> {
    let url = if url.starts_with('/') {
        t.url(url)
    } else {
        url.to_string()
    };
    let res = t.client.get(&url).send().await.expect("image request");
    assert_eq!(res.status(), 200, "{url}");
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(kind == "image/png" || kind == "image/jpeg", "{kind}");
    res.bytes().await.expect("bytes").to_vec()
}

#[tokio::test]
async fn steps_out_of_order_and_bad_inputs_get_clear_codes() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let id = t.draft(&token, uid).await;
    let ai = format!("/api/events/{id}/ai-recommendations");
    let plan = format!("/api/events/{id}/recommendation");
    let imgs = format!("/api/events/{id}/images");
    let content = format!("/api/events/{id}/content");

    // Nothing requested yet.
    assert_eq!(t.get(&ai, Some(&token)).await.code(), "EVENT_010");
    let a = t.put(&plan, Some(&token), json!({"optionNumber": 1})).await;
    assert_eq!((a.status, a.code()), (404, "EVENT_010"));
    let a = t.post(&imgs, Some(&token), json!({})).await;
    assert_eq!((a.status, a.code()), (409, "EVENT_011"));
    let a = t.get(&imgs, Some(&token)).await;
    assert_eq!((a.status, a.code()), (409, "EVENT_011"));

    // Bad AI requests.
    for start in ["2026/12/01", "2026-13-01", "2000-01-01"] {
        let a = t.post(&ai, Some(&token), json!({"startDate": start})).await;
        assert_eq!((a.status, a.code()), (400, "EVENT_012"), "{start}");
    }
    let a = t
        .send(
            t.client
                .post(t.url(&ai))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "COMMON_400"));
    assert_eq!(
        t.get(&ai, Some(&token)).await.code(),
        "EVENT_010",
        "nothing was started"
    );

    // Recommendations done: bad choices.
    let job = recommendations(&t, &token, &id).await;
    assert_eq!(job["status"], "COMPLETED");
    for body in [
        json!({}),
        json!({"optionNumber": 0}),
        json!({"optionNumber": 4}),
        json!({"optionNumber": 1, "title": "   "}),
        json!({"optionNumber": 1, "title": "가".repeat(61)}),
        json!({"optionNumber": 1, "startDate": "2030-12-10", "endDate": "2030-12-09"}),
        json!({"optionNumber": 1, "startDate": "2030-01-01", "endDate": "2030-06-01"}),
    ] {
        let a = t.put(&plan, Some(&token), body.clone()).await;
        assert_eq!((a.status, a.code()), (400, "EVENT_012"), "{body}");
    }
    let a = t
        .put(&plan, Some(&token), json!({"optionNumber": "one"}))
        .await;
    assert_eq!((a.status, a.code()), (400, "COMMON_400"));
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert!(view["recommendation"].is_null(), "nothing chosen: {view}");

    // Images: unknown platform; content: unknown or missing image.
    let a = t.put(&plan, Some(&token), json!({"optionNumber": 3})).await;
    assert_eq!(a.status, 200);
    let a = t
        .post(&imgs, Some(&token), json!({"platforms": ["TIKTOK"]}))
        .await;
    assert_eq!((a.status, a.code()), (400, "EVENT_014"));
    let a = t
        .put(&content, Some(&token), json!({"imageId": "img-nope"}))
        .await;
    assert_eq!((a.status, a.code()), (400, "EVENT_013"));
    let a = t
        .put(&content, Some(&token), json!({"caption": "hi"}))
        .await;
    assert_eq!((a.status, a.code()), (400, "EVENT_013"));

    // Another owner, no token, unknown event.
    let (other, _) = t.owner().await;
    for (method, path) in [
        ("POST", &ai),
        ("GET", &ai),
        ("PUT", &plan),
        ("POST", &imgs),
        ("GET", &imgs),
        ("PUT", &content),
    ] {
        let body = json!({"optionNumber": 1, "imageId": "x"});
        let req = |tok: Option<&str>, p: &str| {
            let mut r = match method {
                "POST" => t.client.post(t.url(p)).json(&body),
                "PUT" => t.client.put(t.url(p)).json(&body),
                _ => t.client.get(t.url(p)),
            };
            if let Some(tok) = tok {
                r = r.bearer_auth(tok);
            }
            r
        };
        let a = t.send(req(Some(&other), path)).await;
        assert_eq!((a.status, a.code()), (403, "EVENT_003"), "{method} {path}");
        let a = t.send(req(None, path)).await;
        assert_eq!(a.status, 401, "{method} {path}");
        let missing = path.replace(&id, "draft-missing");
        let a = t.send(req(Some(&token), &missing)).await;
        assert_eq!(
            (a.status, a.code()),
            (404, "EVENT_404"),
            "{method} {missing}"
        );
    }
    t.app.stop().await.expect("stop");
}

#[tokio::test]
async fn a_job_without_an_answer_fails_after_the_timeout_and_can_be_asked_again() {
    // The ai service is not mounted here, so nobody answers the job.
    let t = crate::support::spawn_with(|s| {
        s.services = "user,event".into();
        s.set_section("event", &json!({"ai_job_timeout_secs": 1}));
    })
    .await;
    let (token, uid) = t.owner().await;
    let id = t.draft(&token, uid).await;
    let ai = format!("/api/events/{id}/ai-recommendations");
    let first = t.post(&ai, Some(&token), Value::Null).await;
    assert_eq!(first.status, 202, "{}", first.body);
    assert_eq!(first.body["status"], "PENDING");
    let again = t.post(&ai, Some(&token), Value::Null).await;
    assert_eq!(
        again.body["jobId"], first.body["jobId"],
        "a double tap is one job"
    );
    let failed = poll(&t, &token, &ai, |j| j["status"] == "FAILED").await;
    assert!(failed["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let retry = t.post(&ai, Some(&token), Value::Null).await;
    assert_eq!(retry.status, 202);
    assert_ne!(retry.body["jobId"], first.body["jobId"]);
    assert_eq!(retry.body["status"], "PENDING");
    t.app.stop().await.expect("stop");
}
