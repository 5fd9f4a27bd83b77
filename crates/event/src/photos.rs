//! The owner's own photos of an event (a product or store photo, a logo).
//! The content service checks, cleans and stores the file
//! (`POST /api/content/photos`, called with the owner's token); this
//! service keeps which photo is the event's and hands them to every image
//! job requested afterwards.

use std::time::Duration;

use contracts::content::{PhotoRef, StoredPhoto};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    service::{EventError, EventService, EventView},
    store::EventRow,
};

/// Largest photo taken (the content service checks it again).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// One photo of an event, as kept on its row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Photo {
    /// `product` or `logo`.
    pub kind: String,
    /// The content service's storage key.
    pub key: String,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// A photo as the owner's app sees it (`photos` of the event view, and the
/// upload's answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PhotoView {
    #[schema(example = "product")]
    pub kind: String,
    #[schema(example = "/api/content/images/photo-product-01jd….jpg")]
    pub url: String,
    pub width: u32,
    pub height: u32,
}

impl From<&Photo> for PhotoView {
    fn from(p: &Photo) -> Self {
        PhotoView {
            kind: p.kind.clone(),
            url: p.url.clone(),
            width: p.width,
            height: p.height,
        }
    }
}

/// `product` or `logo`.
pub fn parse_kind(raw: &str) -> Option<&'static str> {
    match raw.trim() {
        "product" => Some("product"),
        "logo" => Some("logo"),
        _ => None,
    }
}

/// The photos an image job draws.
pub fn refs(row: &EventRow) -> Vec<PhotoRef> {
    row.photo_list()
        .into_iter()
        .map(|p| PhotoRef {
            kind: p.kind,
            key: p.key,
        })
        .collect()
}

/// What the content service said of an upload.
#[derive(Debug)]
pub enum PhotoRefusal {
    /// It refused the file: its status, code and Korean message, passed on.
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// It could not be reached or failed.
    Unavailable(String),
}

#[derive(Deserialize)]
struct ErrorAnswer {
    code: String,
    message: String,
}

/// The content service's photo route.
pub struct ContentClient {
    http: reqwest::Client,
    url: String,
}

impl ContentClient {
    /// `base_url` is the content service's origin.
    pub fn new(base_url: &str) -> ContentClient {
        ContentClient {
            http: reqwest::Client::new(),
            url: format!("{}/api/content/photos", base_url.trim_end_matches('/')),
        }
    }

    /// Sends the file; the content service answers the stored, cleaned photo.
    pub async fn store(
        &self,
        bearer: &str,
        kind: &str,
        bytes: Vec<u8>,
    ) -> Result<StoredPhoto, PhotoRefusal> {
        let sent = self
            .http
            .post(&self.url)
            .query(&[("kind", kind)])
            .bearer_auth(bearer)
            .header("x-request-id", platform::http::trace_id())
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .timeout(Duration::from_secs(30))
            .body(bytes)
            .send()
            .await
            .map_err(|e| PhotoRefusal::Unavailable(e.to_string()))?;
        let status = sent.status();
        if status.is_success() {
            return sent
                .json()
                .await
                .map_err(|e| PhotoRefusal::Unavailable(e.to_string()));
        }
        if status.is_client_error() {
            if let Ok(answer) = sent.json::<ErrorAnswer>().await {
                return Err(PhotoRefusal::Refused {
                    status: status.as_u16(),
                    code: answer.code,
                    message: answer.message,
                });
            }
        }
        Err(PhotoRefusal::Unavailable(format!(
            "HTTP {}",
            status.as_u16()
        )))
    }
}

impl EventService {
    /// Checks that the owner may add a photo to this event now (before the
    /// file is read): an owned draft.
    pub async fn photo_target(&self, user_id: i64, id: &str) -> Result<(), EventError> {
        self.owned_draft(user_id, id).await.map(|_| ())
    }

    /// Stores the photo through the content service and makes it the
    /// event's photo of its kind (replacing an earlier one).
    pub async fn upload_photo(
        &self,
        user_id: i64,
        id: &str,
        bearer: &str,
        kind: &'static str,
        bytes: Vec<u8>,
    ) -> Result<PhotoView, EventError> {
        let row = self.owned_draft(user_id, id).await?;
        let stored = self
            .content
            .store(bearer, kind, bytes)
            .await
            .map_err(EventError::Photo)?;
        let photo = Photo {
            kind: kind.to_string(),
            key: stored.key,
            url: stored.url,
            width: stored.width,
            height: stored.height,
        };
        let mut photos: Vec<Photo> = row
            .photo_list()
            .into_iter()
            .filter(|p| p.kind != kind)
            .collect();
        photos.push(photo.clone());
        match self.store.set_photos(id, user_id, &photos).await? {
            Some(row) => {
                self.refresh_cache(&row).await;
                tracing::info!(event_id = id, kind, "photo set");
                Ok(PhotoView::from(&photo))
            }
            None => Err(self.explain_miss(user_id, id).await),
        }
    }

    /// Removes the event's photo of `kind` (done when there is none).
    pub async fn delete_photo(
        &self,
        user_id: i64,
        id: &str,
        kind: &str,
    ) -> Result<EventView, EventError> {
        let row = self.owned_draft(user_id, id).await?;
        let photos: Vec<Photo> = row
            .photo_list()
            .into_iter()
            .filter(|p| p.kind != kind)
            .collect();
        match self.store.set_photos(id, user_id, &photos).await? {
            Some(row) => Ok(self.refresh_cache(&row).await),
            None => Err(self.explain_miss(user_id, id).await),
        }
    }
}
