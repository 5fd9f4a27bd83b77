//! The LLM provider: the OpenAI-compatible chat-completions API (OpenAI,
//! a local Ollama or vLLM). One HTTP call per attempt, behind a circuit
//! breaker; an answer that is not valid plans is asked for once more.

use std::time::Duration;

use async_trait::async_trait;
use chrono::NaiveDate;
use contracts::ai::{Recommendation, TrendAnalysis};
use platform::{
    config::Secret,
    resilience::{BreakerError, CircuitBreaker},
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    domain::{validate_recommendations, JobInput, COST_LEVELS},
    prompt,
    provider::{Provider, ProviderError},
};

/// Where and how to call the model.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    /// Base URL up to the API version, e.g. `http://127.0.0.1:11434/v1`.
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer …` when not empty.
    pub api_key: Secret,
    /// Limit of one HTTP call (the job has its own, longer limit).
    pub request_timeout: Duration,
    pub temperature: f64,
}

/// Calls attempted per job: the first answer plus one retry when malformed.
const ATTEMPTS: u32 = 2;

/// The LLM provider.
pub struct LlmProvider {
    http: reqwest::Client,
    url: String,
    settings: LlmSettings,
    breaker: CircuitBreaker,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    recommendations: Vec<Recommendation>,
}

impl LlmProvider {
    pub fn new(settings: LlmSettings, breaker: CircuitBreaker) -> LlmProvider {
        LlmProvider {
            http: reqwest::Client::new(),
            url: format!(
                "{}/chat/completions",
                settings.base_url.trim_end_matches('/')
            ),
            settings,
            breaker,
        }
    }

    /// The breaker, so callers and tests can see its state.
    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// One chat completion; answers the assistant's text. Every failure here
    /// counts against the breaker (the model server is unwell or misconfigured).
    async fn complete(&self, messages: &[Value]) -> Result<String, ProviderError> {
        let body = json!({
            "model": self.settings.model,
            "messages": messages,
            "temperature": self.settings.temperature,
            "response_format": {"type": "json_object"},
        });
        let call = || async {
            let mut request = self
                .http
                .post(&self.url)
                .timeout(self.settings.request_timeout)
                .json(&body);
            if !self.settings.api_key.is_empty() {
                request = request.bearer_auth(self.settings.api_key.expose());
            }
            let response = request.send().await.map_err(|e| {
                if e.is_timeout() {
                    "응답 시간 초과".to_string()
                } else {
                    "연결 실패".to_string()
                }
            })?;
            let status = response.status();
            if !status.is_success() {
                return Err(format!("HTTP {}", status.as_u16()));
            }
            let completion: Completion = response
                .json()
                .await
                .map_err(|_| "응답 본문을 읽을 수 없음".to_string())?;
            Ok(completion
                .choices
                .into_iter()
                .next()
                .and_then(|c| c.message.content)
                .unwrap_or_default())
        };
        match self.breaker.call(call).await {
            Ok(text) => Ok(text),
            Err(BreakerError::Open) => Err(ProviderError::Unavailable),
            Err(BreakerError::Inner(why)) => {
                tracing::warn!(url = %self.url, why, "llm call failed");
                Err(ProviderError::Call(why))
            }
        }
    }
}

/// Reads the model's text as plans: the JSON object (a fenced code block is
/// unwrapped, since some models add one despite the JSON mode), values the
/// dates already fix derived from them, then the contract's checks plus
/// "no plan starts before the requested day".
pub fn parse_answer(text: &str, input: &JobInput) -> Result<Vec<Recommendation>, String> {
    let trimmed = text.trim();
    let json = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|t| t.strip_suffix("```"))
        .unwrap_or(trimmed);
    let answer: Answer = serde_json::from_str(json).map_err(|e| format!("JSON: {e}"))?;
    let mut plans = answer.recommendations;
    plans.sort_by_key(|p| p.option_number);
    for plan in &mut plans {
        // The level follows from the option number; the day count from the dates.
        if let Some(level) = COST_LEVELS.get(usize::from(plan.option_number).wrapping_sub(1)) {
            plan.cost_level = level.to_string();
        }
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        if let (Some(start), Some(end)) = (
            date(&plan.duration.start_date),
            date(&plan.duration.end_date),
        ) {
            if start < input.start_date {
                return Err(format!(
                    "option {} starts before {}",
                    plan.option_number, input.start_date
                ));
            }
            if end >= start {
                plan.duration.recommended_days = ((end - start).num_days() + 1) as u32;
            }
        }
    }
    // Whatever prices the model imagined, the owner is shown the cost model's.
    plans.iter_mut().for_each(crate::engine::budget::reprice);
    validate_recommendations(&plans)?;
    Ok(plans)
}

#[async_trait]
impl Provider for LlmProvider {
    fn name(&self) -> String {
        format!("llm:{}", self.settings.model)
    }

    async fn recommend(
        &self,
        input: &JobInput,
        trends: &TrendAnalysis,
    ) -> Result<Vec<Recommendation>, ProviderError> {
        let mut messages = vec![
            json!({"role": "system", "content": prompt::SYSTEM}),
            json!({"role": "user", "content": prompt::request(input, trends)}),
        ];
        let mut problem = String::new();
        for attempt in 1..=ATTEMPTS {
            let text = self.complete(&messages).await?;
            match parse_answer(&text, input) {
                Ok(plans) => return Ok(plans),
                Err(why) => {
                    tracing::warn!(attempt, why, "llm answer malformed");
                    // The retry shows the model its answer and what was wrong with it.
                    messages.push(json!({"role": "assistant", "content": text}));
                    messages.push(json!({"role": "user", "content": prompt::correction(&why)}));
                    problem = why;
                }
            }
        }
        Err(ProviderError::Malformed(problem))
    }
}
