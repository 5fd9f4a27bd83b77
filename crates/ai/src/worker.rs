//! The bus consumer: `AiJobRequested` on `ai-job-topic`, consumer group `ai`.

use std::sync::Arc;

use async_trait::async_trait;
use contracts::{ai::AiJobRequested, topics};
use platform::bus::{Bus, BusError, Delivery, MessageHandler, Outcome};
use tokio_util::sync::CancellationToken;

use crate::service::AiService;

/// Consumer group of the ai service.
pub const GROUP: &str = "ai";

/// Subscribes the job consumer.
pub fn start(
    service: Arc<AiService>,
    bus: &Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, BusError> {
    bus.subscribe(
        topics::AI_JOB_TOPIC,
        GROUP,
        Arc::new(JobRequests { service }),
        shutdown,
    )
}

/// Hands each request to the service.
pub struct JobRequests {
    pub service: Arc<AiService>,
}

#[async_trait]
impl MessageHandler for JobRequests {
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        let value: serde_json::Value = match serde_json::from_str(&delivery.payload) {
            Ok(v) => v,
            Err(_) => {
                // Unreadable now means unreadable forever: retrying would stall the topic.
                tracing::warn!(key = %delivery.key, "unreadable ai job request dropped");
                return Outcome::Done;
            }
        };
        if value.get("eventType").and_then(|t| t.as_str()) != Some("AiJobRequested") {
            return Outcome::Done;
        }
        let request: AiJobRequested = match serde_json::from_value(value) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(key = %delivery.key, error = %e, "malformed ai job request dropped");
                return Outcome::Done;
            }
        };
        match self.service.receive(request).await {
            Ok(_) => Outcome::Done,
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }
}
