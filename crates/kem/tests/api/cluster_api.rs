//! The split topology end to end, through its proxy (`scripts/cluster.sh`,
//! `deploy/nginx.conf`): every service in its own process, two replicas of
//! event, participation, distribution and analytics, on PostgreSQL, Redis
//! and Kafka. Runs when `KEM_CLUSTER_URL` names the proxy (CI sets it after
//! `scripts/cluster.sh up`); `KEM_CLUSTER_PARTICIPATION` lists the
//! participation replicas' own addresses, to see that both took entries.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::support::{
    journey::{published_event, ready_draft, verification_code},
    Api, Remote,
};

/// How many `POST …/participate` answers a replica's `/metrics` counted.
async fn participate_requests(replica: &str) -> f64 {
    let text = reqwest::get(format!("{replica}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .filter(|l| l.starts_with("kem_http_requests_total{") && l.contains("/participate\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// An entry as a customer at `address` behind a proxy sends it.
async fn enter_from(r: &Remote, id: &str, address: &str, body: Value) -> crate::support::Answer {
    let req = r
        .http()
        .post(r.url(&format!("/api/events/{id}/participate")))
        .header("x-forwarded-for", address)
        .json(&body);
    r.send(req).await
}

#[tokio::test]
async fn through_the_proxy_an_event_goes_from_draft_to_a_redeemed_prize() {
    let Ok(proxy) = std::env::var("KEM_CLUSTER_URL") else {
        eprintln!("cluster test skipped: KEM_CLUSTER_URL is not set");
        return;
    };
    let replicas: Vec<String> = std::env::var("KEM_CLUSTER_PARTICIPATION")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let r = Remote::new(&proxy);
    let before: Vec<f64> =
        futures::future::join_all(replicas.iter().map(|p| participate_requests(p))).await;

    let (id, token, _) = published_event(&r, &["INSTAGRAM", "NAVER", "KAKAO"]).await;

    // Right after the owner is told ACTIVE: 600 entries from 30 customers
    // (their addresses as a proxy in front would forward them), spread by
    // nginx; 20 each, the default limit per event and address.
    let total = 600usize;
    let clients = 30usize;
    let numbers: Vec<i64> = futures::future::join_all((0..clients).map(|c| {
        let r = &r;
        let id = &id;
        async move {
            let mut mine = Vec::new();
            for i in (c..total).step_by(clients) {
                let body = json!({"name": format!("손님{i}"), "phoneNumber": format!("010-{:04}-{:04}", 6000 + i / 10_000, i % 10_000),
                                  "agreePrivacy": true, "storeVisited": i % 3 == 0});
                let a = enter_from(r, id, &format!("198.51.100.{c}"), body).await;
                assert_eq!(a.status, 201, "entry {i}: {}", a.body);
                mine.push(a.body["entryNumber"].as_i64().expect("number"));
            }
            mine
        }
    }))
    .await
    .into_iter()
    .flatten()
    .collect();
    let distinct: BTreeSet<i64> = numbers.iter().copied().collect();
    assert_eq!(distinct.len(), total, "no duplicate numbers");
    assert_eq!(
        distinct.iter().copied().collect::<Vec<_>>(),
        (1..=total as i64).collect::<Vec<_>>(),
        "1..N, no gap"
    );
    // The stored list agrees: N rows numbered 1..N.
    let mut stored = Vec::new();
    for page in 0..(total / 100) {
        let a = r
            .get(
                &format!("/api/events/{id}/participants?page={page}&size=100"),
                Some(&token),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        stored.extend(
            a.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|p| p["entryNumber"].as_i64().expect("n")),
        );
        assert_eq!(a.body["totalCount"], total, "nothing lost");
    }
    assert_eq!(stored, (1..=total as i64).collect::<Vec<_>>());
    if replicas.len() > 1 {
        let after: Vec<f64> =
            futures::future::join_all(replicas.iter().map(|p| participate_requests(p))).await;
        for (i, replica) in replicas.iter().enumerate() {
            assert!(
                after[i] > before[i],
                "{replica} took no entry: {before:?} → {after:?}"
            );
        }
    }

    // One address flooding the event over both replicas: the count is
    // shared (Redis), so exactly the limit gets in.
    let answers = futures::future::join_all((0..30).map(|i| {
        let body = json!({"name": "도배", "phoneNumber": format!("010-8888-{i:04}"), "agreePrivacy": true});
        enter_from(&r, &id, "203.0.113.77", body)
    }))
    .await;
    let taken = answers.iter().filter(|a| a.status == 201).count();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    assert_eq!((taken, refused), (20, 10), "limit across replicas");

    // Ended by its owner on one replica: refused at once on every one.
    assert_eq!(
        r.post(&format!("/api/events/{id}/end"), Some(&token), json!({}))
            .await
            .status,
        200
    );
    for i in 0..4 {
        let a = r
            .post(&format!("/api/events/{id}/participate"), None, json!({"name": "늦은손님", "phoneNumber": format!("010-9999-000{i}"), "agreePrivacy": true}))
            .await;
        assert_eq!((a.status, a.code()), (409, "PART_002"));
    }
    let a = r
        .post(
            &format!("/api/events/{id}/draw-winners"),
            Some(&token),
            json!({"winnerCount": 3, "reserveCount": 1}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let proof = r.get(&format!("/api/events/{id}/draw-proof"), None).await;
    let proof: participation::views::DrawProof = serde_json::from_value(proof.body).expect("proof");
    assert!(participation::proof::check(&proof).holds());

    // The prize: notices through the provider sandbox, a coupon redeemed once.
    let a = r
        .post(
            &format!("/api/events/{id}/winners/notify"),
            Some(&token),
            json!({"channel": "SMS", "sendNow": true}),
        )
        .await;
    assert_eq!(
        (a.status, a.body["queued"].as_i64()),
        (202, Some(3)),
        "{}",
        a.body
    );
    let mut winners = Value::Null;
    for _ in 0..100 {
        winners = r
            .get(&format!("/api/events/{id}/winners"), Some(&token))
            .await
            .body;
        if winners["winners"]
            .as_array()
            .is_some_and(|w| w.iter().all(|w| w["noticeStatus"] == "DELIVERED"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        winners["winners"]
            .as_array()
            .is_some_and(|w| w.iter().all(|w| w["noticeStatus"] == "DELIVERED")),
        "{winners}"
    );
    let code = winners["winners"][0]["couponCode"]
        .as_str()
        .expect("code")
        .to_string();
    let redeem = format!("/api/coupons/{code}/redeem");
    let tries = (0..2).map(|_| r.post(&redeem, Some(&token), json!({})));
    let answers = futures::future::join_all(tries).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 1);
}

/// Phone verification across replicas: codes sent by one participation
/// replica are checked by whichever one nginx hands the entry to (the
/// hashing key is derived from the secret every replica shares).
#[tokio::test]
async fn through_the_proxy_a_code_sent_by_one_replica_is_checked_by_another() {
    let Ok(proxy) = std::env::var("KEM_CLUSTER_URL") else {
        eprintln!("cluster test skipped: KEM_CLUSTER_URL is not set");
        return;
    };
    let r = Remote::new(&proxy);
    let (token, owner) = r.owner().await;
    let id = ready_draft(&r, &token, owner, &["INSTAGRAM"]).await;
    let a = r
        .post(
            &format!("/api/events/{id}/publish"),
            Some(&token),
            json!({"verifyPhone": true}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    for i in 0..4 {
        let phone = format!("0107777{i:04}");
        let a = r
            .post(
                &format!("/api/events/{id}/verifications"),
                None,
                json!({"phoneNumber": phone}),
            )
            .await;
        assert_eq!(a.status, 202, "{}", a.body);
        let code = verification_code(&r, &phone).await;
        let a = r
            .post(
                &format!("/api/events/{id}/participate"),
                None,
                json!({"name": "인증손님", "phoneNumber": phone, "agreePrivacy": true, "verificationCode": &code}),
            )
            .await;
        assert_eq!(
            (a.status, &a.body["verified"]),
            (201, &json!(true)),
            "{}",
            a.body
        );
    }
}
