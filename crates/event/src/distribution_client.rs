//! The event service's client of the distribution service (seed 2, step 5):
//! a synchronous `POST /api/distribution/distribute` behind a circuit
//! breaker, bounded by the 70 s timeout. The owner's bearer token is passed
//! on, so distribution knows whose event it publishes.

use std::time::Duration;

use contracts::distribution::{DistributeAnswer, DistributeRequest};
use platform::resilience::{BreakerConfig, BreakerError, CircuitBreaker};

/// Why a distribution failed as a whole (the event stays APPROVED).
#[derive(Debug, thiserror::Error)]
pub enum DistributionFailure {
    #[error("circuit open: distribution failed repeatedly")]
    CircuitOpen,
    #[error("distribution timed out")]
    Timeout,
    #[error("distribution unreachable: {0}")]
    Unreachable(String),
    #[error("distribution answered {0}")]
    Status(u16),
    #[error("no channel could be published")]
    NoChannelSucceeded(DistributeAnswer),
}

pub struct DistributionClient {
    http: reqwest::Client,
    url: String,
    timeout: Duration,
    breaker: CircuitBreaker,
}

impl DistributionClient {
    /// `base_url` is the distribution service's origin (`http://host:port`).
    pub fn new(base_url: &str, timeout: Duration, breaker: BreakerConfig) -> DistributionClient {
        DistributionClient {
            http: reqwest::Client::new(),
            url: format!(
                "{}/api/distribution/distribute",
                base_url.trim_end_matches('/')
            ),
            timeout,
            breaker: CircuitBreaker::new("event-distribution", breaker),
        }
    }

    /// Distributes; a 5xx, a timeout, an open circuit or an answer where no
    /// channel succeeded is a failure as a whole.
    pub async fn distribute(
        &self,
        bearer: &str,
        body: &DistributeRequest,
    ) -> Result<DistributeAnswer, DistributionFailure> {
        let call = || async {
            let sent = self
                .http
                .post(&self.url)
                .bearer_auth(bearer)
                // The same trace id in both services' logs for this publish.
                .header("x-request-id", platform::http::trace_id())
                .json(body)
                .timeout(self.timeout)
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) if e.is_timeout() => return Err(DistributionFailure::Timeout),
                Err(e) => return Err(DistributionFailure::Unreachable(e.to_string())),
            };
            let status = response.status();
            if !status.is_success() {
                return Err(DistributionFailure::Status(status.as_u16()));
            }
            let answer: DistributeAnswer = match response.json().await {
                Ok(a) => a,
                Err(e) if e.is_timeout() => return Err(DistributionFailure::Timeout),
                Err(e) => return Err(DistributionFailure::Unreachable(e.to_string())),
            };
            if answer.success_count == 0 {
                return Err(DistributionFailure::NoChannelSucceeded(answer));
            }
            Ok(answer)
        };
        match self.breaker.call(call).await {
            Ok(answer) => Ok(answer),
            Err(BreakerError::Open) => Err(DistributionFailure::CircuitOpen),
            Err(BreakerError::Inner(e)) => Err(e),
        }
    }
}
