//! User routes and DTOs; maps [`UserError`] to the error JSON.

use std::sync::Arc;

use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use contracts::errors as codes;
use platform::{
    http::{ApiError, ApiJson, ApiPath, AuthUser, ErrorBody},
    ratelimit::{Kind, Throttle},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    domain::{Registration, RegistrationInput},
    service::{ProfileChange, Session, UserError, UserService},
    store::UserRow,
};

type AppState = Arc<UserService>;

pub fn router(service: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(store_of))
        .with_state(service)
}

impl From<UserError> for ApiError {
    fn from(e: UserError) -> ApiError {
        match e {
            UserError::Invalid(field) => {
                ApiError::bad_request(codes::USER_INVALID_INPUT, field.message)
            }
            UserError::EmailTaken => ApiError::new(
                StatusCode::CONFLICT,
                codes::USER_EMAIL_TAKEN,
                "이미 가입된 이메일입니다",
            ),
            UserError::PhoneTaken => ApiError::new(
                StatusCode::CONFLICT,
                codes::USER_PHONE_TAKEN,
                "이미 가입된 전화번호입니다",
            ),
            UserError::BadCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::USER_BAD_CREDENTIALS,
                "이메일 또는 비밀번호가 올바르지 않습니다",
            ),
            UserError::Locked { retry_after_secs } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::USER_LOCKED,
                format!(
                    "로그인 실패가 반복되어 계정이 잠겼습니다. {}초 후 다시 시도해 주세요",
                    retry_after_secs
                ),
            ),
            UserError::WrongCurrentPassword => ApiError::bad_request(
                codes::USER_WRONG_CURRENT_PASSWORD,
                "현재 비밀번호가 올바르지 않습니다",
            ),
            UserError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                codes::USER_FORBIDDEN,
                "권한이 없습니다",
            ),
            UserError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                codes::USER_NOT_FOUND,
                "사용자를 찾을 수 없습니다",
            ),
            UserError::Revoked => ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::AUTH_REVOKED,
                "로그아웃된 토큰입니다. 다시 로그인해 주세요",
            ),
            UserError::Store(e) => e.into(),
            UserError::Internal(e) => ApiError::internal(e),
        }
    }
}

/// Sign-up request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisterRequest {
    #[schema(example = "홍길동")]
    pub name: Option<String>,
    #[schema(example = "010-1234-5678")]
    pub phone_number: Option<String>,
    #[schema(example = "owner@example.com")]
    pub email: Option<String>,
    #[schema(example = "Passw0rd!")]
    pub password: Option<String>,
    #[schema(example = "맛있는집")]
    pub store_name: Option<String>,
    #[schema(example = "음식점")]
    pub industry: Option<String>,
    #[schema(example = "서울시 강남구")]
    pub address: Option<String>,
    #[schema(example = "10:00-22:00")]
    pub business_hours: Option<String>,
}

/// A signed-in session: the bearer token and who it belongs to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    pub token: String,
    pub token_type: &'static str,
    /// Unix time (seconds) at which the token expires.
    pub expires_at: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub store_name: String,
}

impl From<Session> for SessionResponse {
    fn from(s: Session) -> Self {
        SessionResponse {
            token: s.token.token,
            token_type: "Bearer",
            expires_at: s.token.expires_at,
            user_id: s.user.id,
            name: s.user.name,
            email: s.user.email,
            store_name: s.user.store_name,
        }
    }
}

/// The owner's own profile (their own data, so not masked).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileResponse {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub phone_number: String,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    pub business_hours: Option<String>,
    pub created_at: String,
}

impl From<UserRow> for ProfileResponse {
    fn from(u: UserRow) -> Self {
        ProfileResponse {
            user_id: u.id,
            name: u.name,
            email: u.email,
            phone_number: u.phone_number,
            store_name: u.store_name,
            industry: u.industry,
            address: u.address,
            business_hours: u.business_hours,
            created_at: contracts::messages::rfc3339(u.created_at),
        }
    }
}

/// Sign up; answers a session so the owner can go on at once.
#[utoipa::path(post, path = "/api/users/register", tag = "user", request_body = RegisterRequest,
    responses(
        (status = 201, body = SessionResponse),
        (status = 400, description = "USER_003 invalid field, COMMON_400 malformed body", body = ErrorBody),
        (status = 409, description = "USER_001 email taken, USER_002 phone taken", body = ErrorBody),
        (status = 429, description = "COMMON_429 too many sign-ups from this address; Retry-After", body = ErrorBody),
    ))]
async fn register(
    State(service): State<AppState>,
    throttle: Throttle,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<impl IntoResponse, ApiError> {
    throttle.check(Kind::Register, "").await?;
    let registration = Registration::parse(RegistrationInput {
        name: req.name.as_deref(),
        phone_number: req.phone_number.as_deref(),
        email: req.email.as_deref(),
        password: req.password.as_deref(),
        store_name: req.store_name.as_deref(),
        industry: req.industry.as_deref(),
        address: req.address.as_deref(),
        business_hours: req.business_hours.as_deref(),
    })
    .map_err(UserError::from)?;
    let session = service.register(registration).await?;
    Ok((StatusCode::CREATED, Json(SessionResponse::from(session))))
}

/// Login request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "owner@example.com")]
    pub email: String,
    #[schema(example = "Passw0rd!")]
    pub password: String,
}

/// Log in with email and password.
#[utoipa::path(post, path = "/api/users/login", tag = "user", request_body = LoginRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, description = "USER_004 wrong email or password", body = ErrorBody),
        (status = 429, description = "USER_005 locked after repeated failures; COMMON_429 too many attempts from this address (Retry-After)", body = ErrorBody),
    ))]
async fn login(
    State(service): State<AppState>,
    throttle: Throttle,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    throttle.check(Kind::Login, "").await?;
    Ok(Json(service.login(&req.email, &req.password).await?.into()))
}

/// Log out: the token is refused from now on.
#[utoipa::path(post, path = "/api/users/logout", tag = "user", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(service): State<AppState>, auth: AuthUser) -> Result<StatusCode, ApiError> {
    service.logout(&auth).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's profile.
#[utoipa::path(get, path = "/api/users/me", tag = "user", security(("bearer" = [])),
    responses((status = 200, body = ProfileResponse), (status = 401, body = ErrorBody)))]
async fn me(
    State(service): State<AppState>,
    auth: AuthUser,
) -> Result<Json<ProfileResponse>, ApiError> {
    Ok(Json(service.me(&auth).await?.into()))
}

/// Profile changes; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProfileRequest {
    pub name: Option<String>,
    pub phone_number: Option<String>,
    pub store_name: Option<String>,
    pub industry: Option<String>,
    pub address: Option<String>,
    pub business_hours: Option<String>,
}

/// Change the caller's profile and store info.
#[utoipa::path(put, path = "/api/users/me", tag = "user", security(("bearer" = [])), request_body = UpdateProfileRequest,
    responses(
        (status = 200, body = ProfileResponse),
        (status = 400, body = ErrorBody),
        (status = 409, description = "USER_002 phone taken", body = ErrorBody),
    ))]
async fn update_me(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<UpdateProfileRequest>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let change = ProfileChange {
        name: req.name.as_deref(),
        phone_number: req.phone_number.as_deref(),
        store_name: req.store_name.as_deref(),
        industry: req.industry.as_deref(),
        address: req.address.as_deref(),
        business_hours: req.business_hours.as_deref(),
    };
    Ok(Json(service.update_me(&auth, change).await?.into()))
}

/// Password change request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// A new token after a password change.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub token: String,
    pub token_type: &'static str,
    pub expires_at: i64,
}

/// Change the password; the token used is revoked and a new one answered.
#[utoipa::path(put, path = "/api/users/me/password", tag = "user", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 400, description = "USER_006 wrong current password, USER_003 weak new password", body = ErrorBody),
    ))]
async fn change_password(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let token = service
        .change_password(&auth, &req.current_password, &req.new_password)
        .await?;
    Ok(Json(TokenResponse {
        token: token.token,
        token_type: "Bearer",
        expires_at: token.expires_at,
    }))
}

/// A user's store info.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoreResponse {
    pub user_id: i64,
    pub store_name: String,
    pub industry: String,
    pub address: String,
    pub business_hours: Option<String>,
}

/// Store info of a user (its owner only).
#[utoipa::path(get, path = "/api/users/{userId}/store", tag = "user", security(("bearer" = [])),
    params(("userId" = i64, Path, description = "user id")),
    responses(
        (status = 200, body = StoreResponse),
        (status = 403, description = "USER_007 another user's store", body = ErrorBody),
    ))]
async fn store_of(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(user_id): ApiPath<i64>,
) -> Result<Json<StoreResponse>, ApiError> {
    let user = service.store_of(&auth, user_id).await?;
    Ok(Json(StoreResponse {
        user_id: user.id,
        store_name: user.store_name,
        industry: user.industry,
        address: user.address,
        business_hours: user.business_hours,
    }))
}
