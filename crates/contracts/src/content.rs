//! Image jobs (UFR-CONT-010/020): the request the event service sends on
//! `image-job-topic` and the result the content service sends back on
//! `image-result-topic`.

use serde::{Deserialize, Serialize};

/// The three visual styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImageStyle {
    Simple,
    Fancy,
    Trendy,
}

impl ImageStyle {
    pub const ALL: [ImageStyle; 3] = [ImageStyle::Simple, ImageStyle::Fancy, ImageStyle::Trendy];

    pub fn code(self) -> &'static str {
        match self {
            ImageStyle::Simple => "SIMPLE",
            ImageStyle::Fancy => "FANCY",
            ImageStyle::Trendy => "TRENDY",
        }
    }

    /// `심플`, `화려한`, `트렌디`.
    pub fn display_name(self) -> &'static str {
        match self {
            ImageStyle::Simple => "심플",
            ImageStyle::Fancy => "화려한",
            ImageStyle::Trendy => "트렌디",
        }
    }

    pub fn parse(code: &str) -> Option<ImageStyle> {
        ImageStyle::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where an image will be shown, which fixes its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImagePlatform {
    Instagram,
    Naver,
    Kakao,
}

impl ImagePlatform {
    pub const ALL: [ImagePlatform; 3] = [
        ImagePlatform::Instagram,
        ImagePlatform::Naver,
        ImagePlatform::Kakao,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ImagePlatform::Instagram => "INSTAGRAM",
            ImagePlatform::Naver => "NAVER",
            ImagePlatform::Kakao => "KAKAO",
        }
    }

    /// Width × height in pixels (docs/design.md §3.4).
    pub fn size(self) -> (u32, u32) {
        match self {
            ImagePlatform::Instagram => (1080, 1080),
            ImagePlatform::Naver => (800, 600),
            ImagePlatform::Kakao => (800, 800),
        }
    }

    pub fn parse(code: &str) -> Option<ImagePlatform> {
        ImagePlatform::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The words printed on an image.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ImageText {
    pub title: String,
    pub prize: String,
    /// e.g. `2026.12.01 ~ 2026.12.14`.
    pub period: String,
    pub store_name: String,
    /// e.g. `지금 참여하세요!`
    pub call_to_action: String,
}

/// Asks the content service to render `styles × platforms` images.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ImageJobRequested {
    pub job_id: String,
    pub event_id: String,
    pub user_id: i64,
    pub styles: Vec<ImageStyle>,
    pub platforms: Vec<ImagePlatform>,
    pub text: ImageText,
    /// Industry of the store, for the palette and decorations.
    pub industry: String,
    pub requested_at: String,
    /// The owner's own photos, drawn into every style (absent: none).
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
}

/// An owner's photo kept by the content service, by its storage key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PhotoRef {
    /// `product` (a photo of the product or the store) or `logo`.
    pub kind: String,
    /// The stored file's key (`photo-….jpg`), as the upload answered it.
    pub key: String,
}

/// What the content service answers for an accepted photo
/// (`POST /api/content/photos`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StoredPhoto {
    pub key: String,
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
}

/// One rendered image, stored and reachable at `url`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RenderedImage {
    pub image_id: String,
    pub style: ImageStyle,
    pub platform: ImagePlatform,
    /// Path under this product's origin (`/api/content/images/...`) or an
    /// absolute URL when the object store is S3-compatible.
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    pub bytes: u64,
}

/// Every image of the job is rendered and stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ImageJobCompleted {
    pub job_id: String,
    pub event_id: String,
    pub images: Vec<RenderedImage>,
    pub completed_at: String,
}

/// The job could not be done; the owner may ask again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ImageJobFailed {
    pub job_id: String,
    pub event_id: String,
    pub reason: String,
    pub failed_at: String,
}
