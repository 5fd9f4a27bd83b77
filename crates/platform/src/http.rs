//! HTTP plumbing shared by every service: the one error shape
//! `{code, message, traceId}`, extractors that turn malformed input into a
//! 400 with a code, the trace-id middleware and the bearer-token extractor.

use axum::{
    extract::{rejection::JsonRejection, FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use contracts::errors as codes;
use serde::Serialize;

use crate::auth::{AuthError, Tokens};

tokio::task_local! {
    static TRACE_ID: String;
}

/// The current request's trace id (empty outside a request).
pub fn trace_id() -> String {
    TRACE_ID.try_with(Clone::clone).unwrap_or_default()
}

/// Gives every request a trace id (the caller's `x-request-id` when it sent a
/// sane one), visible to handlers, error bodies, logs and the response header.
pub async fn trace_requests(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| ulid::Ulid::new().to_string());
    let span = tracing::info_span!("request", trace_id = %id, method = %request.method(), path = %request.uri().path());
    let mut response = TRACE_ID
        .scope(
            id.clone(),
            tracing::Instrument::instrument(next.run(request), span),
        )
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The error body of every failed call.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `EVENT_001`.
    pub code: String,
    /// Human-readable Korean message.
    pub message: String,
    /// Id to find this request in the logs.
    pub trace_id: String,
}

/// An error answer: status, code and a message safe to show.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header (429 and 503 answers).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Tells the client, in `Retry-After`, when to come back.
    pub fn with_retry_after(mut self, secs: u64) -> ApiError {
        self.retry_after = Some(secs);
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A failure on our side: the cause is logged with the trace id, the body says nothing of it.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요",
        )
    }

    /// A dependency we need (the database) is down.
    pub fn unavailable(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "dependency unavailable");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "서비스를 일시적으로 사용할 수 없습니다",
        )
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                ApiError::unavailable(e)
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<crate::db::StoreError> for ApiError {
    fn from(e: crate::db::StoreError) -> ApiError {
        match e {
            crate::db::StoreError::Other(e) => e.into(),
            crate::db::StoreError::Unavailable(reason) => ApiError::unavailable(reason),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_string(),
            message: self.message,
            trace_id: trace_id(),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// JSON body extractor whose rejections are 400/413/415 answers in the error shape.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// A JSON body that may be left out entirely (an empty body or `null` is
/// `T::default()`); a body that is there must be valid JSON of `T`.
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: serde::de::DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    codes::PAYLOAD_TOO_LARGE,
                    "요청 본문이 너무 큽니다",
                )
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        serde_json::from_slice::<Option<T>>(&bytes)
            .map(|value| OptionalJson(value.unwrap_or_default()))
            .map_err(|e| {
                let message = if e.is_syntax() || e.is_eof() {
                    "요청 본문이 올바른 JSON이 아닙니다".to_string()
                } else {
                    format!("요청 본문의 값이 올바르지 않습니다: {e}")
                };
                ApiError::bad_request(codes::INVALID_REQUEST, message)
            })
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::INVALID_REQUEST,
            "Content-Type: application/json 이 필요합니다",
        ),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request(codes::INVALID_REQUEST, "요청 본문이 올바른 JSON이 아닙니다")
        }
        JsonRejection::JsonDataError(e) => ApiError::bad_request(
            codes::INVALID_REQUEST,
            format!("요청 본문의 값이 올바르지 않습니다: {}", e.body_text()),
        ),
        JsonRejection::BytesRejection(_) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PAYLOAD_TOO_LARGE,
            "요청 본문이 너무 큽니다",
        ),
        other => ApiError::bad_request(codes::INVALID_REQUEST, other.body_text()),
    }
}

/// Path extractor whose rejections are 400 answers in the error shape.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|e| {
                ApiError::bad_request(
                    codes::INVALID_REQUEST,
                    format!("경로 값이 올바르지 않습니다: {}", e.body_text()),
                )
            })
    }
}

/// Query-string extractor whose rejections are 400 answers in the error shape.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|e| {
                ApiError::bad_request(
                    codes::INVALID_REQUEST,
                    format!("쿼리 값이 올바르지 않습니다: {}", e.body_text()),
                )
            })
    }
}

/// The caller, proven by a valid, unexpired, unrevoked bearer token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: i64,
    pub token_id: String,
    pub expires_at: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let tokens = parts
            .extensions
            .get::<std::sync::Arc<Tokens>>()
            .cloned()
            .ok_or_else(|| ApiError::internal("token verifier not installed"))?;
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    codes::AUTH_MISSING,
                    "로그인이 필요합니다",
                )
            })?;
        let claims = tokens.verify(token).await.map_err(|e| match e {
            AuthError::Expired => ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::AUTH_EXPIRED,
                "로그인이 만료되었습니다. 다시 로그인해 주세요",
            ),
            AuthError::Revoked => ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::AUTH_REVOKED,
                "로그아웃된 토큰입니다. 다시 로그인해 주세요",
            ),
            AuthError::Invalid | AuthError::Issue(_) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::AUTH_MISSING,
                "유효하지 않은 인증 정보입니다",
            ),
        })?;
        Ok(AuthUser {
            user_id: claims.user_id,
            token_id: claims.jti,
            expires_at: claims.exp,
        })
    }
}

/// Answer for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "요청한 경로를 찾을 수 없습니다",
    )
}

/// Registers the bearer scheme in the OpenAPI document.
pub struct BearerSecurity;

impl utoipa::Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
