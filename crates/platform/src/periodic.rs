//! A job that runs at start (catching up on what it missed while no process
//! ran) and then every interval until shutdown; a failed run is logged and
//! the next one tries again. The automatic end, the erasure job and the
//! winner notices all run this way; each decides in the database what is
//! due, so any number of processes may run the same job.

use std::{fmt::Display, future::Future, time::Duration};

use tokio_util::sync::CancellationToken;

/// Spawns `run` now and every `interval` (a late tick waits rather than
/// bursting), until `shutdown`. `name` names the job in logs.
pub fn every<F, Fut, E>(
    name: &'static str,
    interval: Duration,
    shutdown: CancellationToken,
    mut run: F,
) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: Display,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            if let Err(e) = run().await {
                tracing::warn!(job = name, error = %e, "periodic job failed; the next run retries");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };

    #[tokio::test]
    async fn runs_at_start_again_after_a_failure_and_stops_on_shutdown() {
        let runs = Arc::new(AtomicUsize::new(0));
        let shutdown = tokio_util::sync::CancellationToken::new();
        let counted = runs.clone();
        let job = super::every(
            "test",
            std::time::Duration::from_millis(10),
            shutdown.clone(),
            move || {
                let counted = counted.clone();
                async move {
                    let n = counted.fetch_add(1, Ordering::SeqCst);
                    if n == 0 {
                        Err("first run fails")
                    } else {
                        Ok(())
                    }
                }
            },
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        shutdown.cancel();
        job.await.expect("stops");
        assert!(
            runs.load(Ordering::SeqCst) >= 3,
            "kept running after a failure"
        );
    }
}
