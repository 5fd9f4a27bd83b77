//! The recommendation step behind one trait: the built-in engine or an LLM.
//! Both receive the same trend analysis (the engine's, cached), so the
//! analysis an owner sees does not depend on which provider planned.

use async_trait::async_trait;
use contracts::ai::{Recommendation, TrendAnalysis};

use crate::{
    domain::{validate_recommendations, JobInput},
    engine,
};

/// Why a provider gave no plans. `Display` is the reason an owner reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider is failing and its circuit breaker is open.
    #[error("AI 서비스가 일시적으로 응답하지 않습니다. 잠시 후 다시 요청해 주세요")]
    Unavailable,
    /// The call failed (network, HTTP status, timeout of one request).
    #[error("AI 서비스 호출에 실패했습니다 ({0})")]
    Call(String),
    /// The answer was not usable plans, even after one retry.
    #[error("AI 응답 형식이 올바르지 않습니다 ({0})")]
    Malformed(String),
}

/// Plans three recommendations for a request.
#[async_trait]
pub trait Provider: Send + Sync {
    /// `builtin` or `llm:<model>`, reported in `AiJobCompleted.provider`.
    fn name(&self) -> String;
    async fn recommend(
        &self,
        input: &JobInput,
        trends: &TrendAnalysis,
    ) -> Result<Vec<Recommendation>, ProviderError>;
}

/// The built-in trend engine: no network, deterministic.
pub struct Builtin;

#[async_trait]
impl Provider for Builtin {
    fn name(&self) -> String {
        "builtin".to_string()
    }

    async fn recommend(
        &self,
        input: &JobInput,
        _trends: &TrendAnalysis,
    ) -> Result<Vec<Recommendation>, ProviderError> {
        // Microseconds of table lookups: no need to leave the async thread.
        let plans = engine::recommend(input, &engine::Facts::of(input));
        // The engine's own output passes the same gate as an LLM's.
        validate_recommendations(&plans).map_err(ProviderError::Malformed)?;
        Ok(plans)
    }
}
