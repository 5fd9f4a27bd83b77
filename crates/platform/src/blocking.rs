//! CPU-heavy work (password hashing, image rendering) off the async threads,
//! keeping the caller's tracing span.

/// Runs `f` on the blocking pool inside the current span.
pub async fn spawn_blocking_in_span<F, R>(f: F) -> Result<R, tokio::task::JoinError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f)).await
}
