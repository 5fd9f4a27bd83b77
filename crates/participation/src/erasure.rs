//! The erasure job (docs/design.md, "Personal data after the draw"): at
//! start and then every interval, erase what is due. The draw itself erases
//! everyone not drawn; this job erases winners and reserves once the claim
//! deadline plus the retention has passed, and anything a crash left.
//! Idempotent, so any number of processes may run it.

use std::{sync::Arc, time::Duration};

use tokio_util::sync::CancellationToken;

use crate::{service::ParticipationService, store::ErasureCounts};

impl ParticipationService {
    /// One run of the job at this clock's now.
    pub async fn erase_due(&self) -> Result<ErasureCounts, platform::db::StoreError> {
        let now = self.clock.now();
        let cutoff = now - chrono::Duration::days(self.winner_retention_days);
        let erased = self.store.erase_due(now, cutoff).await?;
        // Verification codes and phone hashes serve for minutes; a day on they go.
        let keep = chrono::Duration::from_std(crate::verification::KEEP_FOR).expect("small");
        let codes = self.store.erase_verifications(now - keep).await?;
        if codes > 0 {
            tracing::info!(codes, "verification codes erased");
        }
        if erased != ErasureCounts::default() {
            tracing::info!(
                entrants = erased.entrants,
                winners = erased.winners,
                "personal data erased"
            );
        }
        Ok(erased)
    }
}

/// Runs [`ParticipationService::erase_due`] now and every `interval`.
pub fn spawn(
    service: Arc<ParticipationService>,
    interval: Duration,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    platform::periodic::every("erasure", interval, shutdown, move || {
        let service = service.clone();
        async move { service.erase_due().await.map(|_| ()) }
    })
}
