//! The customers' side: `POST /api/events/{id}/participate` with unique
//! phones, deliberate repeats and bad bodies, and what the client saw.

use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::bench::load::Op;

/// What request number `n` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A phone never sent before: must be 201.
    Fresh,
    /// A phone already answered 201: must be 409 `PART_001`.
    Repeat,
    /// An invalid body (one of four kinds): must be 400.
    Bad(u8),
}

/// About 5 % repeats and 2 % bad bodies, spread over the sequence by a
/// multiplicative hash so that neither clusters in one client.
pub fn kind(n: u64) -> Kind {
    let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    match h % 100 {
        0..=4 => Kind::Repeat,
        5 | 6 => Kind::Bad((h / 100 % 4) as u8),
        _ => Kind::Fresh,
    }
}

/// `010-xxxx-xxxx` for phone number `n` (hyphens are part of the test: the service strips them).
pub fn phone(n: u64) -> String {
    let n = n % 100_000_000;
    format!("010-{:04}-{:04}", n / 10_000, n % 10_000)
}

/// A valid entry for phone `n`; store visits and marketing consent vary.
pub fn entry_body(n: u64) -> Value {
    json!({
        "name": format!("고객 {n}"),
        "phoneNumber": phone(n),
        "agreePrivacy": true,
        "agreeMarketing": n.is_multiple_of(2),
        "storeVisited": n.is_multiple_of(3),
        "channel": "INSTAGRAM",
    })
}

/// The raw body of bad kind `k`: short name, bad phone, no privacy consent, broken JSON.
pub fn bad_body(n: u64, k: u8) -> String {
    let mut body = entry_body(n);
    match k {
        0 => body["name"] = json!("김"),
        1 => body["phoneNumber"] = json!("010-12"),
        2 => body["agreePrivacy"] = json!(false),
        _ => return format!("{{\"name\": \"고객 {n}\", \"phoneNumber\": "),
    }
    body.to_string()
}

/// Counts of what the client saw, shared by every request of the run.
#[derive(Default)]
pub struct Tally {
    /// 201 answers.
    pub accepted: AtomicU64,
    /// 409 `PART_001` to a repeated phone.
    pub repeats_refused: AtomicU64,
    /// 400 to a bad body.
    pub bad_refused: AtomicU64,
    /// Phones answered 201, in order (repeats pick from them) and as a set.
    phones: Mutex<(Vec<u64>, HashSet<u64>)>,
}

impl Tally {
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    /// Distinct phones answered 201.
    pub fn distinct_phones(&self) -> u64 {
        self.lock().1.len() as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Vec<u64>, HashSet<u64>)> {
        self.phones.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn accept(&self, phone: u64) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        let mut phones = self.lock();
        phones.0.push(phone);
        phones.1.insert(phone);
    }

    /// A phone already answered 201, or `None` before the first one.
    fn accepted_phone(&self, n: u64) -> Option<u64> {
        let phones = self.lock();
        let len = phones.0.len() as u64;
        (len > 0).then(|| phones.0[(n.wrapping_mul(31) % len) as usize])
    }
}

/// The entry request of sequence number `n`; `Ok` when the answer is the one
/// its kind must get. Sequence numbers are the phones, so a fresh one is new.
pub fn entry_op(client: Client, base: &str, event_id: &str, tally: Arc<Tally>) -> Op {
    let url: Arc<str> = format!("{base}/api/events/{event_id}/participate").into();
    Arc::new(move |n| {
        let (client, url, tally) = (client.clone(), url.clone(), tally.clone());
        Box::pin(async move {
            let (phone, expect, body) = match (kind(n), tally.accepted_phone(n)) {
                (Kind::Repeat, Some(p)) => (p, Kind::Repeat, entry_body(p).to_string()),
                (Kind::Bad(k), _) => (n, Kind::Bad(k), bad_body(n, k)),
                _ => (n, Kind::Fresh, entry_body(n).to_string()),
            };
            let resp = client
                .post(&*url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .map_err(|e| format!("send: {e}"))?;
            let status = resp.status();
            let text = resp.text().await.map_err(|e| format!("body: {e}"))?;
            if status == StatusCode::CREATED {
                tally.accept(phone);
            }
            let code = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_string));
            match (expect, status) {
                (Kind::Fresh, StatusCode::CREATED) => Ok(()),
                (Kind::Repeat, StatusCode::CONFLICT)
                    if code.as_deref() == Some(contracts::errors::PART_DUPLICATE) =>
                {
                    tally.repeats_refused.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                }
                (Kind::Bad(_), StatusCode::BAD_REQUEST) => {
                    tally.bad_refused.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                }
                _ => Err(format!(
                    "{expect:?} answered {status}: {}",
                    text.chars().take(200).collect::<String>()
                )),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_five_percent_repeats_and_two_percent_bad_bodies() {
        let (mut repeats, mut bad) = (0, 0);
        for n in 0..100_000 {
            match kind(n) {
                Kind::Repeat => repeats += 1,
                Kind::Bad(_) => bad += 1,
                Kind::Fresh => {}
            }
        }
        assert!((4_500..5_500).contains(&repeats), "{repeats}");
        assert!((1_500..2_500).contains(&bad), "{bad}");
    }

    #[test]
    fn phones_are_distinct_valid_and_bad_bodies_are_bad() {
        assert_eq!(phone(12_345_678), "010-1234-5678");
        assert_ne!(phone(1), phone(2));
        let good = entry_body(7);
        assert_eq!(good["agreePrivacy"], true);
        for k in 0..4 {
            let bad = bad_body(7, k);
            assert_ne!(bad, good.to_string());
        }
        assert!(serde_json::from_str::<Value>(&bad_body(7, 3)).is_err());
    }
}
