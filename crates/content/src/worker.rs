//! The bus consumer: image job requests from `image-job-topic`, group
//! `content`. Delivery is at-least-once; the service makes a redelivered
//! job a no-op.

use std::sync::Arc;

use async_trait::async_trait;
use contracts::{content::ImageJobRequested, messages::BusMessage, topics};
use platform::bus::{Bus, BusError, Delivery, MessageHandler, Outcome};
use tokio_util::sync::CancellationToken;

use crate::service::ContentService;

/// Consumer group of the content service.
pub const GROUP: &str = "content";

/// Subscribes the job consumer.
pub fn start(
    service: Arc<ContentService>,
    bus: &Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, BusError> {
    bus.subscribe(
        topics::IMAGE_JOB_TOPIC,
        GROUP,
        Arc::new(ImageJobs { service }),
        shutdown,
    )
}

struct ImageJobs {
    service: Arc<ContentService>,
}

#[async_trait]
impl MessageHandler for ImageJobs {
    async fn handle(&self, delivery: &Delivery) -> Outcome {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&delivery.payload) else {
            tracing::warn!(topic = %delivery.topic, "unreadable record dropped");
            return Outcome::Done;
        };
        if value.get("eventType").and_then(|t| t.as_str()) != Some(ImageJobRequested::EVENT_TYPE) {
            return Outcome::Done;
        }
        let job: ImageJobRequested = match serde_json::from_value(value) {
            Ok(job) => job,
            Err(e) => {
                // A malformed request will not get better by retrying.
                tracing::warn!(error = %e, "malformed ImageJobRequested dropped");
                return Outcome::Done;
            }
        };
        match self.service.handle(&job).await {
            Ok(_) => Outcome::Done,
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }
}
