use serde_json::json;

use super::*;

fn request(v: serde_json::Value) -> DistributeRequest {
    serde_json::from_value(v).expect("request")
}

fn nested(channels: serde_json::Value, settings: serde_json::Value) -> DistributeRequest {
    request(json!({
        "eventId": "evt-1", "channels": channels, "channelSettings": settings,
        "content": {"title": "가을 이벤트", "imageUrl": "/api/content/images/a.png", "prize": "커피",
                    "startDate": "2026-10-01", "endDate": "2026-10-31", "storeName": "맛있는집"}
    }))
}

#[test]
fn nested_content_parses_and_relative_images_become_absolute() {
    let plan = Plan::parse(
        nested(json!(["INSTAGRAM", "NAVER", "INSTAGRAM"]), json!({})),
        "http://127.0.0.1:9/",
    )
    .expect("plan");
    assert_eq!(plan.channels, vec![Channel::Instagram, Channel::Naver]);
    assert_eq!(
        plan.content.image_url,
        "http://127.0.0.1:9/api/content/images/a.png"
    );
    assert_eq!(plan.settings_of(Channel::Naver), &ChannelSettings::None);
}

#[test]
fn flat_form_is_accepted_when_content_is_absent() {
    let plan = Plan::parse(
        request(json!({"eventId": "e", "title": "t", "description": "d",
                       "imageUrl": "https://cdn.example.com/a.png", "channels": ["KAKAO"]})),
        "http://x",
    )
    .expect("plan");
    assert_eq!(plan.content.description, "d");
    assert_eq!(plan.content.image_url, "https://cdn.example.com/a.png");
}

#[test]
fn missing_title_image_and_channels_are_all_named() {
    let err = Plan::parse(
        request(json!({"eventId": "e", "imageUrl": "ftp://x"})),
        "http://x",
    )
    .unwrap_err();
    assert_eq!(
        err,
        RequestError::Invalid(vec!["title".into(), "imageUrl".into(), "channels".into()])
    );
}

#[test]
fn unknown_channels_and_bad_settings_are_channel_errors() {
    let err = Plan::parse(nested(json!(["YOUTUBE"]), json!({})), "http://x").unwrap_err();
    assert!(matches!(err, RequestError::Channel(m) if m.contains("YOUTUBE")));
    for (channel, settings) in [
        (
            "URIDONGNETV",
            json!({"radius": "5km", "timeSlot": "evening"}),
        ),
        ("URIDONGNETV", json!({"radius": "1km"})),
        ("GINITV", json!({"region": "서울", "budget": 0})),
        ("GINITV", json!({"budget": 1000})),
        ("RINGOBIZ", json!({"phoneNumber": "12ab"})),
        ("RINGOBIZ", json!({})),
    ] {
        let err = Plan::parse(
            nested(json!([channel]), json!({channel: settings})),
            "http://x",
        )
        .unwrap_err();
        assert!(
            matches!(&err, RequestError::Channel(m) if m.starts_with(channel)),
            "{err:?}"
        );
    }
}

#[test]
fn partner_settings_parse() {
    let plan = Plan::parse(
        nested(
            json!(["URIDONGNETV", "GINITV", "RINGOBIZ"]),
            json!({"URIDONGNETV": {"radius": "2km", "timeSlot": "evening"},
                   "GINITV": {"region": "서울 강남구", "budget": 300000},
                   "RINGOBIZ": {"phoneNumber": "02-1234-5678"}}),
        ),
        "http://x",
    )
    .expect("plan");
    assert_eq!(
        plan.settings_of(Channel::Ringobiz),
        &ChannelSettings::Ringback {
            phone_number: "0212345678".into(),
            script: None
        }
    );
    assert_eq!(
        expected_views(Channel::Uridongnetv, plan.settings_of(Channel::Uridongnetv)),
        20_000
    );
    assert_eq!(
        expected_views(Channel::Ginitv, plan.settings_of(Channel::Ginitv)),
        10_000
    );
}

#[test]
fn statuses_round_trip_and_keys_are_per_event_and_channel() {
    for s in [
        ChannelStatus::Pending,
        ChannelStatus::InProgress,
        ChannelStatus::Success,
        ChannelStatus::Failed,
    ] {
        assert_eq!(ChannelStatus::parse(s.as_str()), Some(s));
    }
    assert!(!ChannelStatus::InProgress.is_settled());
    assert_eq!(idempotency_key("evt-1", Channel::Naver), "evt-1:NAVER");
    assert_ne!(
        idempotency_key("evt-1", Channel::Naver),
        idempotency_key("evt-2", Channel::Naver)
    );
}
