//! The bus consumer: image job requests from `image-job-topic`, group
//! `content`. Delivery is at-least-once; the service makes a redelivered
//! job a no-op.

use std::sync::Arc;

use async_trait::async_trait;
use contracts::topics::ImageJobTopicMessage;
use platform::bus::{self, Bus, BusError, Consumer, Message, Outcome};
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
    bus::consume(bus, GROUP, Arc::new(ImageJobs { service }), shutdown)
}

struct ImageJobs {
    service: Arc<ContentService>,
}

#[async_trait]
impl Consumer<ImageJobTopicMessage> for ImageJobs {
    async fn handle(&self, message: Message<ImageJobTopicMessage>) -> Outcome {
        match message.body {
            ImageJobTopicMessage::ImageJobRequested(job) => {
                Outcome::retry_on_error(self.service.handle(&job).await)
            }
        }
    }
}
