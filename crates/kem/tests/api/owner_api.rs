//! An owner's life with more than one event (issue 12), over HTTP: the
//! edited title is the event's title everywhere, posts carry customer copy
//! and the public entry link, duplicate and delete, participant search and
//! one masking format.

use serde_json::{json, Value};

use crate::support::{
    journey::{enter_many, poll, publish, ready_draft_titled, recommendations},
    Api, TestApp,
};

/// The posts a sandbox channel recorded (their bodies as sent).
async fn posts(t: &TestApp, channel: &str) -> Vec<Value> {
    let a = t.get(&format!("/sandbox/{channel}/posts"), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["posts"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_edited_title_is_the_events_title_and_posts_carry_customer_copy() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let title = "우리 가게 첫눈 맞이 라떼 이벤트";
    let id = ready_draft_titled(&t, &token, uid, Some(title), &["INSTAGRAM", "NAVER"]).await;
    let events = t.listen("event-topic");

    // The view, the list, its search and the dashboard say the owner's title.
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["title"], title, "{view}");
    let plan_title = view["recommendation"]["title"]
        .as_str()
        .expect("plan title")
        .to_string();
    assert_ne!(plan_title, title);
    let found = t.get("/api/events?q=첫눈%20맞이", Some(&token)).await.body;
    assert_eq!(found["totalCount"], 1, "{found}");
    assert_eq!(found["items"][0]["title"], title);
    let by_plan = t
        .get(
            &format!("/api/events?q={}", plan_title.replace(' ', "%20")),
            Some(&token),
        )
        .await
        .body;
    assert_eq!(
        by_plan["totalCount"], 0,
        "the plan's title is no longer the event's: {by_plan}"
    );
    let home = t.get("/api/events/dashboard", Some(&token)).await.body;
    assert_eq!(home["recent"]["DRAFT"][0]["title"], title, "{home}");

    publish(&t, &token, &id).await;

    // EventCreated and EventPublished carry it.
    let seen = events
        .wait_for_key(&id, |m| {
            m.iter().any(|m| m["eventType"] == "EventPublished")
        })
        .await;
    for kind in ["EventCreated", "EventPublished"] {
        let m = seen.iter().find(|m| m["eventType"] == kind).expect(kind);
        assert_eq!(m["title"], title, "{m}");
    }
    let info = t
        .get(&format!("/api/events/{id}/entry-info"), None)
        .await
        .body;
    assert_eq!(info["title"], title);

    // The posts: the owner's title, the plan's customer copy and hashtags,
    // the public link; never the owner-facing reasoning or an internal id.
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    let copy = view["recommendation"]["customerCopy"]["text"]
        .as_str()
        .expect("copy")
        .to_string();
    let reasoning = view["recommendation"]["description"]
        .as_str()
        .expect("description")
        .to_string();
    assert!(!copy.is_empty() && copy != reasoning);
    let public_id = view["publicId"].as_str().expect("publicId").to_string();
    let naver = posts(&t, "naver").await;
    assert_eq!(naver.len(), 1, "{naver:?}");
    let blog = naver[0]["body"].to_string();
    let ig = posts(&t, "instagram").await;
    let caption = ig.last().expect("instagram post")["body"].to_string();
    for (channel, body) in [("NAVER", &blog), ("INSTAGRAM", &caption)] {
        assert!(body.contains(title), "{channel}: {body}");
        assert!(
            body.contains(&copy),
            "{channel} carries the customer copy: {body}"
        );
        assert!(!body.contains(&reasoning), "{channel}: {body}");
        for owner_words in ["트렌드", "에게 맞춘", "업종 트렌드"] {
            assert!(
                !body.contains(owner_words),
                "{channel} says {owner_words}: {body}"
            );
        }
        assert!(
            body.contains(&format!("/e/{public_id}")),
            "{channel}: {body}"
        );
        assert!(!body.contains("draft-"), "{channel}: {body}");
        assert!(!body.contains(&plan_title), "{channel}: {body}");
    }
    assert!(caption.contains("#맛있는집"), "{caption}");
}

#[tokio::test]
async fn plans_fit_the_objective_and_the_season_ahead() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let mut body = crate::support::seed_body(uid);
    body["objective"] = json!("재방문 유도");
    body["industry"] = json!("학원");
    let a = t.post("/api/events/purposes", Some(&token), body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.body["eventDraftId"].as_str().expect("id").to_string();
    // The next 1 December: 수능 (mid-November) is behind it.
    let today = chrono::NaiveDate::parse_from_str(&t.korea_day(0), "%Y-%m-%d").expect("today");
    let mut december = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 1).expect("date");
    if december < today {
        december = chrono::NaiveDate::from_ymd_opt(today.year() + 1, 12, 1).expect("date");
    }
    let path = format!("/api/events/{id}/ai-recommendations");
    let a = t
        .post(
            &path,
            Some(&token),
            json!({"startDate": december.format("%Y-%m-%d").to_string()}),
        )
        .await;
    assert_eq!(a.status, 202, "{}", a.body);
    let job = poll(&t, &token, &path, |b| b["status"] == "COMPLETED").await;
    let seasonal = job["trendAnalysis"]["seasonalTrends"]
        .as_array()
        .expect("seasonal");
    assert!(
        seasonal.iter().all(|s| s["keyword"] != "수능"),
        "{seasonal:?}"
    );
    for plan in job["recommendations"].as_array().expect("plans") {
        let text = plan.to_string();
        assert!(
            !text.contains("신규") && !text.contains("처음 오"),
            "{plan}"
        );
        let copy = &plan["customerCopy"];
        assert!(
            copy["text"].as_str().is_some_and(|c| !c.is_empty()),
            "{plan}"
        );
        assert!(
            copy["hashtags"].as_array().is_some_and(|h| !h.is_empty()),
            "{plan}"
        );
    }
}

use chrono::Datelike;

#[tokio::test]
async fn entry_links_use_the_public_id_and_entries_through_it_count() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let id = ready_draft_titled(&t, &token, uid, Some("공개 링크 이벤트"), &["INSTAGRAM"]).await;
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    let public_id = view["publicId"].as_str().expect("publicId").to_string();
    assert_eq!(public_id.len(), 8, "{view}");
    assert!(
        public_id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
        "{public_id}"
    );
    assert_eq!(view["entryUrl"], format!("/e/{public_id}"));
    publish(&t, &token, &id).await;

    // The page, its facts, an entry attributed to its channel, the QR.
    for path in [format!("/e/{public_id}"), format!("/e/{id}")] {
        let page = t.http().get(t.url(&path)).send().await.expect("page");
        assert_eq!(page.status(), 200, "{path}");
        assert!(
            page.text()
                .await
                .expect("html")
                .contains("공개 링크 이벤트"),
            "{path}"
        );
    }
    let info = t
        .get(&format!("/api/events/{public_id}/entry-info"), None)
        .await;
    assert_eq!(
        (info.status, &info.body["eventId"]),
        (200, &json!(id)),
        "{}",
        info.body
    );
    let entry = json!({"name": "김민수", "phoneNumber": "010-2222-3333", "agreePrivacy": true});
    let a = t
        .post(
            &format!("/api/events/{public_id}/participate?ch=INSTAGRAM"),
            None,
            entry.clone(),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let again = t
        .post(&format!("/api/events/{public_id}/participate"), None, entry)
        .await;
    assert_eq!(
        (again.status, again.code()),
        (409, "PART_001"),
        "one entry per phone, whichever link"
    );
    let list = t
        .get(&format!("/api/events/{id}/participants"), Some(&token))
        .await
        .body;
    assert_eq!(list["totalCount"], 1, "{list}");
    assert_eq!(list["items"][0]["channel"], "INSTAGRAM");
    let qr = t
        .http()
        .get(t.url(&format!("/e/{public_id}/qr.svg?ch=KAKAO")))
        .send()
        .await
        .expect("qr");
    assert_eq!(qr.status(), 200);
    let by_public = qr.bytes().await.expect("qr body");
    // Asked for by the event id, the QR still carries the public link: the
    // same code, so the same picture, as the one asked for by public id.
    let by_event = t
        .http()
        .get(t.url(&format!("/e/{id}/qr.svg?ch=KAKAO")))
        .send()
        .await
        .expect("qr");
    assert_eq!(by_event.status(), 200);
    assert_eq!(by_event.bytes().await.expect("qr body"), by_public);
    let png = |path: String| {
        let (t, url) = (&t, t.url(&path));
        async move {
            let r = t.http().get(url).send().await.expect("qr");
            assert_eq!(r.status(), 200, "{path}");
            r.bytes().await.expect("png")
        }
    };
    assert_eq!(
        png(format!("/e/{id}/qr.png")).await,
        png(format!("/e/{public_id}/qr.png")).await
    );
    let code = t
        .post(
            &format!("/api/events/{public_id}/verifications"),
            None,
            json!({"phoneNumber": "010-2222-4444"}),
        )
        .await;
    // This event does not verify phones: the id was understood, the step refused.
    assert_eq!(
        (code.status, code.code()),
        (409, "PART_019"),
        "{}",
        code.body
    );

    // An unknown public id is no event.
    let none = t.get("/api/events/zzzz2345/entry-info", None).await;
    assert_eq!((none.status, none.code()), (404, "PART_404"));
    let page = t
        .http()
        .get(t.url("/e/zzzz2345"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn duplicate_makes_a_fresh_draft_and_any_draft_can_be_deleted() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let id = ready_draft_titled(
        &t,
        &token,
        uid,
        Some("복제할 이벤트"),
        &["INSTAGRAM", "GINITV"],
    )
    .await;
    publish(&t, &token, &id).await;
    let source = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;

    let a = t
        .post(
            &format!("/api/events/{id}/duplicate"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!(
        (a.status, &a.body["status"]),
        (201, &json!("DRAFT")),
        "{}",
        a.body
    );
    let copy_id = a.body["eventDraftId"].as_str().expect("id").to_string();
    assert_ne!(copy_id, id);
    let copy = t
        .get(&format!("/api/events/{copy_id}"), Some(&token))
        .await
        .body;
    for field in [
        "objective",
        "storeName",
        "industry",
        "address",
        "title",
        "prize",
    ] {
        assert_eq!(copy[field], source[field], "{field}");
    }
    assert_eq!(
        copy["recommendation"]["title"],
        source["recommendation"]["title"]
    );
    assert_eq!(copy["content"]["title"], "복제할 이벤트");
    assert_eq!(copy["channels"], json!([]), "no channels: {copy}");
    assert!(
        copy["startDate"].is_null() && copy["endDate"].is_null(),
        "no dates: {copy}"
    );
    assert!(copy["publishedAt"].is_null() && copy["approvedAt"].is_null());
    assert_eq!(copy["distributionResults"], json!([]));
    assert_ne!(copy["publicId"], source["publicId"]);

    // Without dates it cannot be published; new dates on its plan make it ready.
    let a = t
        .put(
            &format!("/api/events/{copy_id}/channels"),
            Some(&token),
            json!({"channels": ["KAKAO"]}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = t
        .post(
            &format!("/api/events/{copy_id}/publish"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "EVENT_004"), "{}", a.body);
    let option = copy["recommendation"]["optionNumber"].clone();
    let a = t
        .put(
            &format!("/api/events/{copy_id}/recommendation"),
            Some(&token),
            json!({"optionNumber": option, "startDate": t.korea_day(1), "endDate": t.korea_day(10)}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["startDate"], json!(t.korea_day(1)));

    // Another owner can neither copy nor delete it.
    let (other, _) = t.owner().await;
    let a = t
        .post(
            &format!("/api/events/{id}/duplicate"),
            Some(&other),
            Value::Null,
        )
        .await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let a = t
        .delete(&format!("/api/events/{copy_id}"), Some(&other))
        .await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));

    // Drafts go at any step; a published event only ends.
    let a = t
        .delete(&format!("/api/events/{copy_id}"), Some(&token))
        .await;
    assert_eq!(a.status, 204);
    assert_eq!(
        t.get(&format!("/api/events/{copy_id}"), Some(&token))
            .await
            .status,
        404
    );
    let a = t.delete(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!((a.status, a.code()), (409, "EVENT_015"), "{}", a.body);
    assert!(a.body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("종료"));
    let fresh = t.draft(&token, uid).await;
    assert_eq!(
        t.delete(&format!("/api/events/{fresh}"), Some(&token))
            .await
            .status,
        204
    );
    let mut body = crate::support::seed_body(uid);
    body["objective"] = json!("매출 증대");
    let planned = t
        .post("/api/events/purposes", Some(&token), body)
        .await
        .body["eventDraftId"]
        .as_str()
        .expect("id")
        .to_string();
    recommendations(&t, &token, &planned).await;
    let a = t
        .put(
            &format!("/api/events/{planned}/recommendation"),
            Some(&token),
            json!({"optionNumber": 2}),
        )
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(
        t.delete(&format!("/api/events/{planned}"), Some(&token))
            .await
            .status,
        204
    );
    assert_eq!(
        t.get(
            &format!("/api/events/{planned}/ai-recommendations"),
            Some(&token)
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn participants_are_found_by_name_and_masked_one_way_everywhere() {
    let t = crate::support::spawn().await;
    let (id, token, _) = crate::support::journey::published_event(&t, &["INSTAGRAM"]).await;
    for (name, phone) in [
        ("김민수", "010-1111-0001"),
        ("이영희", "010-1111-0002"),
        ("박민지", "010-1111-0003"),
    ] {
        let a = t
            .post(
                &format!("/api/events/{id}/participate"),
                None,
                json!({"name": name, "phoneNumber": phone, "agreePrivacy": true}),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    enter_many(&t, &id, "손님", 2222, 2).await;

    let found = t
        .get(&format!("/api/events/{id}/participants?q=민"), Some(&token))
        .await
        .body;
    assert_eq!(found["totalCount"], 2, "{found}");
    let names: Vec<&str> = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert!(
        names.contains(&"김*수") && names.contains(&"박*지"),
        "{names:?}"
    );
    for item in found["items"].as_array().expect("items") {
        let phone = item["phoneNumber"].as_str().expect("phone");
        assert!(phone.starts_with("010-****-"), "{phone}");
    }
    let none = t
        .get(
            &format!("/api/events/{id}/participants?q=%25"),
            Some(&token),
        )
        .await
        .body;
    assert_eq!(
        none["totalCount"], 0,
        "a % is a character, not a wildcard: {none}"
    );
    let all = t
        .get(
            &format!("/api/events/{id}/participants?q=%20"),
            Some(&token),
        )
        .await
        .body;
    assert_eq!(all["totalCount"], 5, "a blank search lists everyone: {all}");

    // The CSV and the winners say the same masked name.
    let csv = t
        .http()
        .get(t.url(&format!("/api/events/{id}/participants.csv?q=김민")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    assert!(csv.contains("김*수") && !csv.contains("김민수"), "{csv}");
    assert!(csv.contains("010-****-0001"), "{csv}");
    let draw = crate::support::journey::end_and_draw(
        &t,
        &token,
        &id,
        json!({"winnerCount": 5, "applyStoreVisitBonus": false}),
    )
    .await;
    let winners = draw["winners"].as_array().expect("winners");
    assert!(winners.iter().any(|w| w["name"] == "이*희"), "{draw}");
    assert!(
        winners.iter().all(|w| !w.to_string().contains("이영희")),
        "{draw}"
    );
}
