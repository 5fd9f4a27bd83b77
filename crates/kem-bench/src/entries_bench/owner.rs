//! The owner's side of the bench: one ACTIVE event made by walking the real
//! API, and the owner-only reads that count what was stored.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

/// Polls of jobs and of the entry page: short enough to add little to setup.
const POLL: Duration = Duration::from_millis(20);
/// Setup steps go over the bus; a broker with a long history keeps new
/// consumer groups busy skipping it for a while, so setup waits this long.
const SETUP_WAIT: Duration = Duration::from_secs(300);

/// The owner's authenticated calls.
pub struct OwnerApi {
    pub client: Client,
    pub base: String,
    pub token: String,
}

impl OwnerApi {
    /// `method path` with `body` (none for `Value::Null`); answers status and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if !body.is_null() {
            request = request.json(&body);
        }
        let resp = request.send().await.with_context(|| path.to_string())?;
        let status = resp.status();
        let text = resp.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Like [`OwnerApi::send`], but anything other than 2xx is an error.
    pub async fn ok(&self, method: Method, path: &str, body: Value) -> anyhow::Result<Value> {
        let (status, answer) = self.send(method.clone(), path, body).await?;
        ensure!(status.is_success(), "{method} {path}: {status} {answer}");
        Ok(answer)
    }

    /// Polls a job resource until it is `COMPLETED`.
    async fn completed(&self, path: &str) -> anyhow::Result<Value> {
        let deadline = Instant::now() + SETUP_WAIT;
        loop {
            let answer = self.ok(Method::GET, path, Value::Null).await?;
            match answer["status"].as_str() {
                Some("COMPLETED") => return Ok(answer),
                Some("FAILED") => bail!("{path} failed: {answer}"),
                _ => {}
            }
            ensure!(
                Instant::now() < deadline,
                "{path} did not complete in {SETUP_WAIT:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Walks every creation step as the owner (purposes → recommendations →
    /// plan → images → content → channels → publish) and waits until the
    /// entry page says the event takes entries; answers the event id.
    pub async fn active_event(&self, user_id: i64) -> anyhow::Result<String> {
        let draft = self
            .ok(
                Method::POST,
                "/api/events/purposes",
                json!({"userId": user_id, "objective": "신규 고객 유치", "storeName": "응모벤치카페",
                       "industry": "카페", "address": "서울시 마포구"}),
            )
            .await?;
        let id = draft["eventDraftId"].as_str().context("eventDraftId")?;
        let ai = format!("/api/events/{id}/ai-recommendations");
        // Plans start today so that the event takes entries as soon as it is published.
        let today = contracts::schedule::korea_date(chrono::Utc::now()).to_string();
        self.ok(Method::POST, &ai, json!({"startDate": today}))
            .await?;
        self.completed(&ai).await?;
        self.ok(
            Method::PUT,
            &format!("/api/events/{id}/recommendation"),
            json!({"optionNumber": 1}),
        )
        .await?;
        let images = format!("/api/events/{id}/images");
        self.ok(Method::POST, &images, json!({"platforms": ["INSTAGRAM"]}))
            .await?;
        let done = self.completed(&images).await?;
        let image = done["images"][0]["imageId"].clone();
        ensure!(image.is_string(), "no image in {done}");
        self.ok(
            Method::PUT,
            &format!("/api/events/{id}/content"),
            json!({"imageId": image}),
        )
        .await?;
        self.ok(
            Method::PUT,
            &format!("/api/events/{id}/channels"),
            json!({"channels": ["INSTAGRAM"], "channelSettings": {}}),
        )
        .await?;
        let published = self
            .ok(
                Method::POST,
                &format!("/api/events/{id}/publish"),
                Value::Null,
            )
            .await?;
        ensure!(published["status"] == "ACTIVE", "publish: {published}");
        // The participation service learns of the event from EventPublished on the bus.
        let deadline = Instant::now() + SETUP_WAIT;
        let info = format!("/api/events/{id}/entry-info");
        loop {
            let (status, answer) = self.send(Method::GET, &info, Value::Null).await?;
            if status == StatusCode::OK && answer["acceptingEntries"] == true {
                return Ok(id.to_string());
            }
            ensure!(
                Instant::now() < deadline,
                "event {id} not accepting entries after {SETUP_WAIT:?}: {status} {answer}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// `totalCount` of the participant list: the entries stored.
    pub async fn stored(&self, id: &str) -> anyhow::Result<u64> {
        let page = self
            .ok(
                Method::GET,
                &format!("/api/events/{id}/participants?size=1"),
                Value::Null,
            )
            .await?;
        page["totalCount"].as_u64().context("totalCount")
    }

    /// The dashboard's participant total; 0 while analytics has not heard of the event.
    pub async fn dashboard_total(&self, id: &str) -> anyhow::Result<u64> {
        let path = format!("/api/analytics/events/{id}/dashboard");
        let (status, answer) = self.send(Method::GET, &path, Value::Null).await?;
        match status {
            StatusCode::OK => answer["summary"]["totalParticipants"]
                .as_u64()
                .context("summary.totalParticipants"),
            StatusCode::NOT_FOUND => Ok(0),
            _ => bail!("GET {path}: {status} {answer}"),
        }
    }

    /// Every stored entry number, from the CSV export (one request for all).
    pub async fn entry_numbers(&self, id: &str) -> anyhow::Result<Vec<u64>> {
        let resp = self
            .client
            .get(format!("{}/api/events/{id}/participants.csv", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        ensure!(resp.status() == StatusCode::OK, "csv: {}", resp.status());
        entry_numbers_of_csv(&resp.text().await?)
    }
}

/// The first column of each data row. The bench's names hold no comma,
/// quote or line break, so a row is a line and needs no CSV parser.
pub fn entry_numbers_of_csv(csv: &str) -> anyhow::Result<Vec<u64>> {
    csv.lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let first = line.split(',').next().unwrap_or_default();
            first
                .parse::<u64>()
                .with_context(|| format!("entry number {first:?}"))
        })
        .collect()
}

/// Numbers missing from 1..=max of `numbers`, and numbers that are repeated
/// or invalid (0): entry numbers must be exactly 1..=N.
pub fn gaps_and_repeats(mut numbers: Vec<u64>) -> (u64, u64) {
    let total = numbers.len() as u64;
    numbers.retain(|&n| n > 0);
    numbers.sort_unstable();
    numbers.dedup();
    let distinct = numbers.len() as u64;
    let max = numbers.last().copied().unwrap_or(0);
    // Distinct positive numbers up to `max` are at most `max` of them.
    (max - distinct, total - distinct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_numbers_come_from_the_first_column_after_the_header() {
        let csv = "\u{feff}응모번호,이름\n1,고객 1\n3,고객 3\n2,고객 2\n";
        assert_eq!(entry_numbers_of_csv(csv).expect("csv"), vec![1, 3, 2]);
        assert!(entry_numbers_of_csv("h\nx,y\n").is_err());
    }

    #[test]
    fn gaps_and_repeats_are_counted() {
        assert_eq!(gaps_and_repeats(vec![3, 1, 2]), (0, 0));
        assert_eq!(gaps_and_repeats(vec![1, 4, 4]), (2, 1));
        assert_eq!(gaps_and_repeats(vec![]), (0, 0));
        assert_eq!(gaps_and_repeats(vec![0, 1]), (0, 1));
    }
}
