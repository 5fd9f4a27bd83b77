//! Routes of the creation steps: AI recommendations, the plan choice, images
//! and the content edit (docs/design.md §3.4).

use std::sync::Arc;

use axum::{extract::State, http::StatusCode, Json};
use contracts::content::ImagePlatform;
use platform::http::{ApiError, ApiJson, ApiPath, AuthUser, ErrorBody, OptionalJson};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    creation::{AiJobView, ImagesView, JobAccepted},
    plan::{ContentEdit, RecommendationChoice},
    service::{EventError, EventService, EventView},
};

type AppState = Arc<EventService>;

pub fn router(service: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(request_recommendations, recommendations))
        .routes(routes!(select_recommendation))
        .routes(routes!(request_images, images))
        .routes(routes!(edit_content))
        .with_state(service)
}

/// Optional body of an AI request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecommendationRequest {
    /// The day the event should start (`YYYY-MM-DD`, default tomorrow);
    /// seasons and calendar moments are looked up around it.
    #[schema(example = "2026-12-01")]
    pub start_date: Option<String>,
}

/// Ask the AI for a trend analysis and three plans (UFR-EVENT-030); the job runs in the background.
#[utoipa::path(post, path = "/api/events/{id}/ai-recommendations", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")), request_body(content = Option<RecommendationRequest>),
    responses(
        (status = 202, body = AiJobView, description = "the job (the running one when asked twice)"),
        (status = 400, description = "EVENT_012 bad startDate", body = ErrorBody),
        (status = 403, description = "EVENT_003", body = ErrorBody), (status = 404, description = "EVENT_404", body = ErrorBody),
        (status = 409, description = "EVENT_008 no longer a draft", body = ErrorBody),
    ))]
async fn request_recommendations(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    OptionalJson(req): OptionalJson<RecommendationRequest>,
) -> Result<(StatusCode, Json<AiJobView>), ApiError> {
    let start = crate::plan::date("startDate", req.start_date)
        .map_err(EventError::InvalidRecommendation)?;
    let job = service
        .request_recommendations(auth.user_id, &id, start)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// The AI job's status and, when COMPLETED, the trend analysis and the three plans.
#[utoipa::path(get, path = "/api/events/{id}/ai-recommendations", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = AiJobView),
        (status = 403, description = "EVENT_003", body = ErrorBody),
        (status = 404, description = "EVENT_404 no event, EVENT_010 nothing requested yet", body = ErrorBody),
    ))]
async fn recommendations(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AiJobView>, ApiError> {
    Ok(Json(service.recommendations(auth.user_id, &id).await?))
}

/// The plan chosen, with optional adjustments.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecommendationSelection {
    #[schema(example = 2)]
    pub option_number: Option<i64>,
    pub title: Option<String>,
    pub prize: Option<String>,
    #[schema(example = "2026-12-01")]
    pub start_date: Option<String>,
    #[schema(example = "2026-12-14")]
    pub end_date: Option<String>,
}

/// Choose one of the three plans; the draft takes its title, prize and dates.
#[utoipa::path(put, path = "/api/events/{id}/recommendation", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")), request_body = RecommendationSelection,
    responses(
        (status = 200, body = EventView),
        (status = 400, description = "EVENT_012 bad option number, title, prize or dates", body = ErrorBody),
        (status = 403, description = "EVENT_003", body = ErrorBody),
        (status = 404, description = "EVENT_404, EVENT_010 nothing requested yet", body = ErrorBody),
        (status = 409, description = "EVENT_011 recommendations not ready, EVENT_008 not a draft", body = ErrorBody),
    ))]
async fn select_recommendation(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<RecommendationSelection>,
) -> Result<Json<EventView>, ApiError> {
    let choice = RecommendationChoice::parse(
        req.option_number,
        req.title,
        req.prize,
        req.start_date,
        req.end_date,
    )
    .map_err(EventError::InvalidRecommendation)?;
    Ok(Json(
        service
            .select_recommendation(auth.user_id, &id, choice)
            .await?,
    ))
}

/// Optional body of an image request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImagesRequest {
    /// INSTAGRAM (1080×1080), NAVER (800×600), KAKAO (800×800); all three when absent.
    #[schema(example = json!(["INSTAGRAM", "KAKAO"]))]
    pub platforms: Option<Vec<String>>,
}

/// Render the three styles (SIMPLE, FANCY, TRENDY) for the platforms (UFR-CONT-010).
#[utoipa::path(post, path = "/api/events/{id}/images", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")), request_body(content = Option<ImagesRequest>),
    responses(
        (status = 202, body = JobAccepted, description = "the job (the running one when asked twice)"),
        (status = 400, description = "EVENT_014 unknown platform", body = ErrorBody),
        (status = 403, description = "EVENT_003", body = ErrorBody), (status = 404, description = "EVENT_404", body = ErrorBody),
        (status = 409, description = "EVENT_011 no plan chosen yet, EVENT_008 not a draft", body = ErrorBody),
    ))]
async fn request_images(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    OptionalJson(req): OptionalJson<ImagesRequest>,
) -> Result<(StatusCode, Json<JobAccepted>), ApiError> {
    let mut platforms = Vec::new();
    for code in req.platforms.unwrap_or_default() {
        let platform = ImagePlatform::parse(code.trim()).ok_or_else(|| {
            EventError::InvalidImageRequest(format!(
                "알 수 없는 플랫폼입니다: {code} (INSTAGRAM, NAVER, KAKAO)"
            ))
        })?;
        if !platforms.contains(&platform) {
            platforms.push(platform);
        }
    }
    let job = service.request_images(auth.user_id, &id, platforms).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// The newest generation's status and images.
#[utoipa::path(get, path = "/api/events/{id}/images", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event id")),
    responses(
        (status = 200, body = ImagesView),
        (status = 403, description = "EVENT_003", body = ErrorBody), (status = 404, description = "EVENT_404", body = ErrorBody),
        (status = 409, description = "EVENT_011 no image requested yet", body = ErrorBody),
    ))]
async fn images(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImagesView>, ApiError> {
    Ok(Json(service.images(auth.user_id, &id).await?))
}

/// The image chosen and its texts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContentRequest {
    pub image_id: Option<String>,
    pub title: Option<String>,
    pub prize_text: Option<String>,
    /// The post's text on the channels (not printed on the image).
    pub caption: Option<String>,
}

/// Choose an image and edit its texts (UFR-CONT-020); a new title or prize is re-rendered.
#[utoipa::path(put, path = "/api/events/{id}/content", tag = "event", security(("bearer" = [])),
    params(("id" = String, Path, description = "event (draft) id")), request_body = ContentRequest,
    responses(
        (status = 200, body = EventView, description = "content.renderingJobId is set while the edited image renders"),
        (status = 400, description = "EVENT_013 unknown image or bad text", body = ErrorBody),
        (status = 403, description = "EVENT_003", body = ErrorBody), (status = 404, description = "EVENT_404", body = ErrorBody),
        (status = 409, description = "EVENT_008 not a draft", body = ErrorBody),
    ))]
async fn edit_content(
    State(service): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ContentRequest>,
) -> Result<Json<EventView>, ApiError> {
    let edit = ContentEdit::parse(req.image_id, req.title, req.prize_text, req.caption)
        .map_err(EventError::InvalidContent)?;
    Ok(Json(service.edit_content(auth.user_id, &id, edit).await?))
}
