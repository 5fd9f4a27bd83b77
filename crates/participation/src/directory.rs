//! Asks the event service for an event's entry state
//! (`GET /api/events/{id}/entry-state`) when this service's own copy, learnt
//! from the bus, is missing or refuses an entry: the owner was told the
//! event is `ACTIVE` before the bus brought `EventPublished` here, and from
//! that moment every entry must be taken (docs/design.md, "Open means open").
//!
//! Refusals of one event that arrive together share one question: each
//! event has a gate, and an entrant refused at `t` waits for an answer
//! asked at or after `t` (someone else's, if one is in flight or done).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use contracts::event_state::EventEntryState;

/// Gates kept before the map is cleared (unknown ids must not grow it forever).
const MAX_GATES: usize = 10_000;

/// What the event service said.
#[derive(Debug)]
pub enum Answer {
    /// Its state now.
    Known(EventEntryState),
    /// No such published event.
    Unknown,
    /// Asked too recently by someone else; their answer stands.
    Shared,
}

/// The event service's client, with one gate per event.
pub struct EventDirectory {
    http: reqwest::Client,
    base_url: String,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
}

impl EventDirectory {
    /// `base_url` is the event service's origin.
    pub fn new(base_url: &str) -> EventDirectory {
        EventDirectory {
            http: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
            gates: Mutex::new(HashMap::new()),
        }
    }

    fn gate(&self, event_id: &str) -> Arc<tokio::sync::Mutex<Option<Instant>>> {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        if gates.len() >= MAX_GATES && !gates.contains_key(event_id) {
            gates.clear();
        }
        gates.entry(event_id.to_string()).or_default().clone()
    }

    /// The event's state as the event service knows it, asked no earlier
    /// than `refused_at`; `apply` stores a fresh answer before the gate
    /// opens for the entrants waiting on it.
    pub async fn ask<F, Fut>(&self, event_id: &str, refused_at: Instant, apply: F) -> Answer
    where
        F: FnOnce(EventEntryState) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let gate = self.gate(event_id);
        let mut asked_at = gate.lock().await;
        if asked_at.is_some_and(|at| at >= refused_at) {
            return Answer::Shared;
        }
        let started = Instant::now();
        let answer = self.fetch(event_id).await;
        if let Answer::Known(state) = &answer {
            apply(state.clone()).await;
        }
        *asked_at = Some(started);
        answer
    }

    async fn fetch(&self, event_id: &str) -> Answer {
        let url = format!("{}/api/events/{event_id}/entry-state", self.base_url);
        let sent = self
            .http
            .get(&url)
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        match sent {
            Ok(answer) if answer.status().is_success() => match answer.json().await {
                Ok(state) => Answer::Known(state),
                Err(e) => {
                    tracing::warn!(event_id, error = %e, "unreadable entry state");
                    Answer::Unknown
                }
            },
            Ok(answer) => {
                if answer.status() != reqwest::StatusCode::NOT_FOUND {
                    tracing::warn!(
                        event_id,
                        status = answer.status().as_u16(),
                        "entry state not available"
                    );
                }
                Answer::Unknown
            }
            Err(e) => {
                tracing::warn!(event_id, error = %e, "event service unreachable for the entry state");
                Answer::Unknown
            }
        }
    }
}
