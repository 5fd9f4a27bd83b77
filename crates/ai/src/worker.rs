//! The bus consumer: `AiJobRequested` on `ai-job-topic`, consumer group `ai`.

use std::sync::Arc;

use async_trait::async_trait;
use contracts::topics::AiJobTopicMessage;
use platform::bus::{self, Bus, BusError, Consumer, Message, Outcome};
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
    bus::consume(bus, GROUP, Arc::new(JobRequests { service }), shutdown)
}

/// Hands each request to the service.
pub struct JobRequests {
    pub service: Arc<AiService>,
}

#[async_trait]
impl Consumer<AiJobTopicMessage> for JobRequests {
    async fn handle(&self, message: Message<AiJobTopicMessage>) -> Outcome {
        match message.body {
            AiJobTopicMessage::AiJobRequested(request) => {
                Outcome::retry_on_error(self.service.receive(request).await)
            }
        }
    }
}
