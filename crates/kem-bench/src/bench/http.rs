//! The HTTP side: owners and their tokens, and the two requests the bench sends.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use futures::{stream, StreamExt, TryStreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::load::Op;

/// A registered owner the load runs as.
#[derive(Debug, Clone)]
pub struct Owner {
    pub user_id: i64,
    pub token: String,
}

/// One client for every worker: HTTP/1.1 keep-alive with an unbounded idle
/// pool, so each concurrent request keeps its own connection across requests
/// and the bench measures requests, not TCP handshakes.
pub fn client() -> anyhow::Result<Client> {
    Ok(Client::builder()
        .http1_only()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(usize::MAX)
        .pool_idle_timeout(Duration::from_secs(300))
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Seed 1's body for `owner`, with a numbered store name so that every request
/// creates a new draft instead of hitting the double-tap path.
pub fn purpose_body(owner: &Owner, n: u64) -> Value {
    json!({
        "userId": owner.user_id,
        "objective": "신규 고객 유치",
        "storeName": format!("맛있는집 {n}"),
        "industry": "음식점",
        "address": "서울시 강남구",
    })
}

/// A short description of an unexpected answer.
async fn unexpected(resp: reqwest::Response) -> String {
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    let body: String = body.chars().take(200).collect();
    format!("HTTP {status}: {body}")
}

/// Digits that differ between runs, so owners of an earlier run against the
/// same server do not collide on email or phone number.
fn run_digits() -> u64 {
    (ulid::Ulid::new().random() % 90_000_000) as u64
}

/// Registers `count` owners, `parallel` at a time. Registration hashes the
/// password (argon2, deliberately slow), so it happens before any timing and
/// at modest concurrency. The register answer is already a session, so its
/// token is used directly; a login would only hash the password a second time.
pub async fn register_owners(
    client: &Client,
    base: &str,
    count: usize,
    parallel: usize,
) -> anyhow::Result<Vec<Owner>> {
    let run = run_digits();
    let url = format!("{base}/api/users/register");
    stream::iter(0..count)
        .map(|i| {
            let url = url.clone();
            async move {
                // A phone number taken by an earlier run is answered 409 USER_002: try another.
                for attempt in 0..5u64 {
                    let digits = (run + i as u64 * 7_919 + attempt * 1_000_003) % 100_000_000;
                    let body = json!({
                        "name": format!("벤치 사장님 {i}"),
                        "phoneNumber": format!("010{digits:08}"),
                        "email": format!("bench-{run}-{i}-{attempt}@bench.example.com"),
                        "password": "Bench-pass-1!",
                        "storeName": "맛있는집",
                        "industry": "음식점",
                        "address": "서울시 강남구",
                    });
                    let resp = client
                        .post(&url)
                        .json(&body)
                        .send()
                        .await
                        .context("register")?;
                    match resp.status() {
                        StatusCode::CREATED => {
                            let session: Value = resp.json().await.context("register answer")?;
                            return Ok(Owner {
                                user_id: session["userId"]
                                    .as_i64()
                                    .context("userId in register answer")?,
                                token: session["token"]
                                    .as_str()
                                    .context("token in register answer")?
                                    .to_string(),
                            });
                        }
                        StatusCode::CONFLICT => continue,
                        _ => anyhow::bail!("register: {}", unexpected(resp).await),
                    }
                }
                anyhow::bail!("register: no free phone number after 5 attempts")
            }
        })
        .buffer_unordered(parallel.max(1))
        .try_collect()
        .await
}

/// Creates one draft per owner and reads it once, so `draft:event:{id}` is in
/// the cache before the cache-read phase; answers (owner, draft id) pairs.
pub async fn cached_drafts(
    client: &Client,
    base: &str,
    owners: &[Owner],
) -> anyhow::Result<Vec<(Owner, String)>> {
    let mut drafts = Vec::with_capacity(owners.len());
    for owner in owners {
        let body = json!({
            "userId": owner.user_id,
            "objective": "재방문 유도",
            "storeName": "맛있는집 캐시",
            "industry": "음식점",
            "address": "서울시 강남구",
        });
        let resp = client
            .post(format!("{base}/api/events/purposes"))
            .bearer_auth(&owner.token)
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(
            resp.status() == StatusCode::OK,
            "draft: {}",
            unexpected(resp).await
        );
        let answer: Value = resp.json().await?;
        let id = answer["eventDraftId"]
            .as_str()
            .context("eventDraftId")?
            .to_string();
        let resp = client
            .get(format!("{base}/api/events/{id}"))
            .bearer_auth(&owner.token)
            .send()
            .await?;
        anyhow::ensure!(
            resp.status() == StatusCode::OK,
            "read draft: {}",
            unexpected(resp).await
        );
        drafts.push((owner.clone(), id));
    }
    Ok(drafts)
}

/// `POST /api/events/purposes` as owner `n % owners`, with store name number `n`.
pub fn purpose_op(client: Client, base: &str, owners: Arc<Vec<Owner>>) -> Op {
    let url: Arc<str> = format!("{base}/api/events/purposes").into();
    Arc::new(move |n| {
        let owner = &owners[(n % owners.len() as u64) as usize];
        let request = client
            .post(&*url)
            .bearer_auth(&owner.token)
            .json(&purpose_body(owner, n));
        Box::pin(async move {
            let resp = request.send().await.map_err(|e| format!("send: {e}"))?;
            if resp.status() != StatusCode::OK {
                return Err(unexpected(resp).await);
            }
            // Reading the body to its end returns the connection to the pool.
            resp.bytes()
                .await
                .map(|_| ())
                .map_err(|e| format!("body: {e}"))
        })
    })
}

/// `GET /api/events/{id}` of a draft that is in the cache.
pub fn cache_read_op(client: Client, base: &str, drafts: Arc<Vec<(Owner, String)>>) -> Op {
    let base: Arc<str> = base.into();
    Arc::new(move |n| {
        let (owner, id) = &drafts[(n % drafts.len() as u64) as usize];
        let request = client
            .get(format!("{base}/api/events/{id}"))
            .bearer_auth(&owner.token);
        Box::pin(async move {
            let resp = request.send().await.map_err(|e| format!("send: {e}"))?;
            if resp.status() != StatusCode::OK {
                return Err(unexpected(resp).await);
            }
            resp.bytes()
                .await
                .map(|_| ())
                .map_err(|e| format!("body: {e}"))
        })
    })
}

/// The server's backends by role, from `/readyz` (which names each one), so
/// the report says what was measured also when the server is not ours.
pub async fn backends(client: &Client, base: &str) -> anyhow::Result<Vec<(String, String)>> {
    let resp = client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .context("readyz")?;
    anyhow::ensure!(
        resp.status() == StatusCode::OK,
        "server not ready: {}",
        unexpected(resp).await
    );
    let ready: Value = resp.json().await?;
    let checks = ready["checks"].as_object().context("readyz checks")?;
    let backend = |key: &str| {
        checks
            .get(key)
            .and_then(|c| c["backend"].as_str())
            .unwrap_or("?")
            .to_string()
    };
    Ok(vec![
        ("database".into(), backend("database.event")),
        ("cache".into(), backend("cache")),
        ("bus".into(), backend("bus")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_body_is_seed_one_with_a_distinct_store_name() {
        let owner = Owner {
            user_id: 7,
            token: "t".into(),
        };
        let a = purpose_body(&owner, 1);
        let b = purpose_body(&owner, 2);
        assert_eq!(a["userId"], 7);
        assert_eq!(a["objective"], "신규 고객 유치");
        assert_eq!(a["storeName"], "맛있는집 1");
        assert_ne!(a["storeName"], b["storeName"]);
        assert_eq!(
            (a["industry"].clone(), a["address"].clone()),
            (b["industry"].clone(), b["address"].clone())
        );
    }
}
