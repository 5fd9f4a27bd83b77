//! Channel selection, the event list, dashboard, end and delete.

use crate::support::spawn;
use serde_json::json;

fn spec_channels() -> serde_json::Value {
    json!({"channels": ["INSTAGRAM", "URIDONGNETV", "GINITV", "RINGOBIZ"],
           "channelSettings": {"URIDONGNETV": {"radius": "1km", "timeSlot": "evening"},
                               "GINITV": {"region": "서울 강남구", "budget": 300000},
                               "RINGOBIZ": {"phoneNumber": "02-1234-5678"}}})
}

#[tokio::test]
async fn channels_are_saved_with_normalised_settings_and_shown_on_the_event() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let id = t.draft(&token, user).await;
    let a = t
        .put(
            &format!("/api/events/{id}/channels"),
            Some(&token),
            spec_channels(),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let e = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(
        e.body["channels"],
        json!(["INSTAGRAM", "URIDONGNETV", "GINITV", "RINGOBIZ"])
    );
    assert_eq!(
        e.body["channelSettings"]["RINGOBIZ"]["phoneNumber"],
        "0212345678"
    );
    // The cached copy was refreshed with the write, and so was the database.
    t.app.cache.delete(&format!("draft:event:{id}")).await;
    let e = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(e.body["channelSettings"]["GINITV"]["budget"], 300000);
}

#[tokio::test]
async fn bad_channel_choices_get_400_with_a_code_and_change_nothing() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let id = t.draft(&token, user).await;
    let path = format!("/api/events/{id}/channels");
    let cases = [
        (json!({"channels": ["TIKTOK"]}), "EVENT_006"),
        (
            json!({"channels": ["NAVER"], "channelSettings": {"YOUTUBE": {}}}),
            "EVENT_006",
        ),
        (json!({"channels": []}), "EVENT_007"),
        (json!({"channels": ["RINGOBIZ"]}), "EVENT_007"),
        (
            json!({"channels": ["URIDONGNETV"], "channelSettings": {"URIDONGNETV": {"radius": "5km", "timeSlot": "evening"}}}),
            "EVENT_007",
        ),
        (
            json!({"channels": ["GINITV"], "channelSettings": {"GINITV": {"region": "서울", "budget": -1}}}),
            "EVENT_007",
        ),
        (
            json!({"channels": ["NAVER"], "channelSettings": {"KAKAO": {}}}),
            "EVENT_007",
        ),
        (json!({"channels": "NAVER"}), "COMMON_400"),
    ];
    for (body, code) in cases {
        let a = t.put(&path, Some(&token), body.clone()).await;
        assert_eq!((a.status, a.code()), (400, code), "{body}");
    }
    let e = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(e.body["channels"], json!([]));
}

#[tokio::test]
async fn another_owner_can_neither_see_nor_change_nor_end_nor_delete_an_event() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let (other, _) = t.owner().await;
    let id = t.draft(&token, user).await;
    let a = t
        .put(
            &format!("/api/events/{id}/channels"),
            Some(&other),
            spec_channels(),
        )
        .await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let a = t
        .post(&format!("/api/events/{id}/end"), Some(&other), json!({}))
        .await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let a = t.delete(&format!("/api/events/{id}"), Some(&other)).await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let list = t.get("/api/events", Some(&other)).await;
    assert_eq!(list.body["totalCount"], 0);
    let a = t
        .put(
            "/api/events/draft-nope/channels",
            Some(&token),
            spec_channels(),
        )
        .await;
    assert_eq!((a.status, a.code()), (404, "EVENT_404"));
}

#[tokio::test]
async fn the_list_filters_searches_and_pages_newest_first() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let mut ids = Vec::new();
    for (i, objective) in ["신규 고객 유치", "매출 증대", "매출 증대"]
        .iter()
        .enumerate()
    {
        let a = t
            .post(
                "/api/events/purposes",
                Some(&token),
                json!({"userId": user, "objective": objective,
                  "storeName": format!("가게{i}_%"), "industry": "카페", "address": "부산"}),
            )
            .await;
        ids.push(a.body["eventDraftId"].as_str().expect("id").to_string());
    }
    let all = t.get("/api/events?page=0&size=2", Some(&token)).await;
    assert_eq!(
        (
            all.body["totalCount"].as_i64(),
            all.body["totalPages"].as_i64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(
        all.body["items"][0]["eventId"],
        ids[2].as_str(),
        "newest first"
    );
    let page2 = t.get("/api/events?page=1&size=2", Some(&token)).await;
    assert_eq!(page2.body["items"][0]["eventId"], ids[0].as_str());
    let sales = t.get("/api/events?objective=매출 증대", Some(&token)).await;
    assert_eq!(sales.body["totalCount"], 2);
    let searched = t.get("/api/events?q=가게1_%", Some(&token)).await;
    assert_eq!(searched.body["totalCount"], 1, "% and _ are literal");
    let none = t.get("/api/events?status=ACTIVE", Some(&token)).await;
    assert_eq!(none.body["totalCount"], 0);
    for (query, code) in [
        ("status=LIVE", "EVENT_009"),
        ("size=0", "EVENT_009"),
        ("size=101", "EVENT_009"),
        ("page=-1", "EVENT_009"),
        ("page=x", "EVENT_009"),
        ("objective=x", "EVENT_001"),
    ] {
        let a = t.get(&format!("/api/events?{query}"), Some(&token)).await;
        assert_eq!((a.status, a.code()), (400, code), "{query}");
    }
}

#[tokio::test]
async fn the_dashboard_counts_per_status_and_a_draft_can_be_deleted_but_not_ended() {
    let t = spawn().await;
    let (token, user) = t.owner().await;
    let id = t.draft(&token, user).await;
    let d = t.get("/api/events/dashboard", Some(&token)).await;
    assert_eq!(
        d.body["counts"],
        json!({"DRAFT": 1, "APPROVED": 0, "ACTIVE": 0, "ENDED": 0})
    );
    assert_eq!(d.body["recent"]["DRAFT"][0]["eventId"], id.as_str());
    let a = t
        .post(&format!("/api/events/{id}/end"), Some(&token), json!({}))
        .await;
    assert_eq!((a.status, a.code()), (409, "EVENT_008"));
    let a = t.delete(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(a.status, 204);
    let a = t.get(&format!("/api/events/{id}"), Some(&token)).await;
    assert_eq!(
        (a.status, a.code()),
        (404, "EVENT_404"),
        "the cached copy went with it"
    );
    let d = t.get("/api/events/dashboard", Some(&token)).await;
    assert_eq!(d.body["totalCount"], 0);
    // The in-progress pointer went too: the same selection makes a new draft.
    assert_ne!(t.draft(&token, user).await, id);
}
