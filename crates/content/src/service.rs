//! Image jobs: render every style × platform in parallel off the async
//! threads, store the files, then record the job, its images and its result
//! message in one transaction. Idempotent by job id.

use std::time::Instant;

use chrono::{DateTime, Utc};
use contracts::{
    content::{
        ImageJobCompleted, ImageJobFailed, ImageJobRequested, ImagePlatform, ImageStyle, ImageText,
        RenderedImage,
    },
    messages::{rfc3339, Envelope},
};
use platform::{db::StoreError, outbox::Outbox};

use contracts::content::StoredPhoto;

use crate::{
    objects::{self, ImageStore, ObjectError},
    photos::{self, PhotoError, PhotoKind},
    render::{self, RenderError, Rendered},
    store::{ContentStore, Finished, ImageRecord, JobStatus},
};

/// What handling a job request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Rendered, stored and `ImageJobCompleted` committed, with this many images.
    Completed(usize),
    /// `ImageJobFailed` committed with this reason.
    Failed(String),
    /// The job was finished before (a redelivery): nothing was done.
    AlreadyDone,
    /// Older than `max_job_age_secs`: its requester has given up on it.
    Stale,
}

/// Why a photo was not stored.
#[derive(Debug)]
pub enum PhotoFailure {
    /// The file itself: too big, not an image, a type we do not take.
    Refused(PhotoError),
    /// The image store failed.
    Storage(ObjectError),
}

/// The content service's use cases.
pub struct ContentService {
    store: ContentStore,
    images: ImageStore,
    outbox: Outbox,
    max_job_age: Option<chrono::Duration>,
}

impl ContentService {
    /// `max_job_age_secs == 0` renders jobs of any age.
    pub fn new(
        store: ContentStore,
        images: ImageStore,
        outbox: Outbox,
        max_job_age_secs: u64,
    ) -> ContentService {
        let max_job_age =
            (max_job_age_secs > 0).then(|| chrono::Duration::seconds(max_job_age_secs as i64));
        ContentService {
            store,
            images,
            outbox,
            max_job_age,
        }
    }

    /// Checks, cleans and stores an owner's photo under a fresh key.
    pub async fn store_photo(
        &self,
        bytes: Vec<u8>,
        kind: PhotoKind,
    ) -> Result<StoredPhoto, PhotoFailure> {
        let processed =
            platform::blocking::spawn_blocking_in_span(move || photos::process(&bytes, kind))
                .await
                .map_err(|e| PhotoFailure::Refused(PhotoError::Encode(e.to_string())))?
                .map_err(PhotoFailure::Refused)?;
        let key = format!(
            "{}.{}",
            platform::ids::new_id(&format!("photo-{}", kind.code())),
            processed.extension
        );
        self.images
            .put(&key, processed.data)
            .await
            .map_err(PhotoFailure::Storage)?;
        tracing::info!(key, kind = kind.code(), "photo stored");
        Ok(StoredPhoto {
            url: self.images.url(&key),
            key,
            width: processed.width,
            height: processed.height,
            content_type: processed.content_type.to_string(),
        })
    }

    /// The owner's photos of a job, decoded; a missing or unreadable one is
    /// left out (the posters are made without it) rather than failing the job.
    async fn job_photos(&self, job: &ImageJobRequested) -> render::Photos {
        let mut photos = render::Photos::default();
        for photo in &job.photos {
            if !objects::valid_key(&photo.key) {
                continue;
            }
            let bytes = match self.images.get(&photo.key).await {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(key = %photo.key, error = %e, "photo not readable; images made without it");
                    continue;
                }
            };
            let decoded =
                platform::blocking::spawn_blocking_in_span(move || photos::decode_stored(&bytes))
                    .await
                    .ok()
                    .flatten()
                    .map(std::sync::Arc::new);
            match PhotoKind::parse(&photo.kind) {
                Some(PhotoKind::Product) => photos.product = decoded,
                Some(PhotoKind::Logo) => photos.logo = decoded,
                None => {}
            }
        }
        photos
    }

    /// The image files, for the serving route.
    pub fn images(&self) -> &ImageStore {
        &self.images
    }

    /// Handles one `ImageJobRequested`. A store failure is an error (the
    /// worker retries the delivery); everything else ends the job.
    pub async fn handle(&self, job: &ImageJobRequested) -> Result<Handled, StoreError> {
        if self.store.job_status(&job.job_id).await?.is_some() {
            return Ok(Handled::AlreadyDone);
        }
        if self.is_stale(job, Utc::now()) {
            tracing::info!(job_id = %job.job_id, "image job too old to render; skipped");
            return Ok(Handled::Stale);
        }
        if job.text.title.trim().is_empty() {
            return self
                .fail(job, "이미지에 넣을 이벤트 제목이 없습니다", 0)
                .await;
        }
        let styles = or_all(&job.styles, &ImageStyle::ALL);
        let platforms = or_all(&job.platforms, &ImagePlatform::ALL);
        let started = Instant::now();
        let photos = self.job_photos(job).await;
        let rendered =
            match render_all(&job.text, &job.industry, &photos, &styles, &platforms).await {
                Ok(rendered) => rendered,
                Err(e) => {
                    tracing::error!(job_id = %job.job_id, error = %e, "image rendering failed");
                    return self
                        .fail(job, "이미지를 만들지 못했습니다", elapsed_ms(started))
                        .await;
                }
            };
        let records = match self.put_all(job, rendered).await {
            Ok(records) => records,
            Err(e) => {
                tracing::error!(job_id = %job.job_id, backend = self.images.backend(), error = %e, "storing images failed");
                return self
                    .fail(
                        job,
                        "이미지를 저장하지 못했습니다. 다시 요청해 주세요",
                        elapsed_ms(started),
                    )
                    .await;
            }
        };
        let render_ms = elapsed_ms(started);
        let message = Envelope::wrap(&ImageJobCompleted {
            job_id: job.job_id.clone(),
            event_id: job.event_id.clone(),
            images: records.iter().map(to_contract).collect(),
            completed_at: rfc3339(Utc::now()),
        });
        let finished = Finished {
            job_id: &job.job_id,
            event_id: &job.event_id,
            status: JobStatus::Completed,
            reason: None,
            render_ms,
            images: &records,
            message: &message,
        };
        let recorded = self.store.record(&finished, Utc::now()).await;
        if !matches!(recorded, Ok(true)) {
            // Either a concurrent delivery recorded the job first, or the
            // database failed: these files are nobody's.
            self.remove(&records).await;
        }
        if !recorded? {
            return Ok(Handled::AlreadyDone);
        }
        self.outbox.send(std::slice::from_ref(&message)).await;
        platform::metrics::job_finished("image", "completed", job_took(render_ms));
        tracing::info!(job_id = %job.job_id, event_id = %job.event_id, images = records.len(), render_ms, "image job completed");
        Ok(Handled::Completed(records.len()))
    }

    fn is_stale(&self, job: &ImageJobRequested, now: DateTime<Utc>) -> bool {
        let Some(max) = self.max_job_age else {
            return false;
        };
        DateTime::parse_from_rfc3339(&job.requested_at)
            .map(|at| now.signed_duration_since(at) > max)
            // A timestamp we cannot read is not a reason to drop the job.
            .unwrap_or(false)
    }

    async fn put_all(
        &self,
        job: &ImageJobRequested,
        rendered: Vec<Rendered>,
    ) -> Result<Vec<ImageRecord>, ObjectError> {
        let records: Vec<(ImageRecord, Vec<u8>)> = rendered
            .into_iter()
            .map(|image| {
                let image_id = platform::ids::new_id("img");
                let key = format!("{image_id}.{}", image.extension);
                let record = ImageRecord {
                    url: self.images.url(&key),
                    image_id,
                    job_id: job.job_id.clone(),
                    event_id: job.event_id.clone(),
                    style: image.style.code().to_string(),
                    platform: image.platform.code().to_string(),
                    object_key: key,
                    width: image.width as i32,
                    height: image.height as i32,
                    content_type: image.content_type.to_string(),
                    bytes: image.data.len() as i64,
                };
                (record, image.data)
            })
            .collect();
        let puts = records
            .iter()
            .map(|(record, data)| self.images.put(&record.object_key, data.clone()));
        let results = futures::future::join_all(puts).await;
        let records: Vec<ImageRecord> = records.into_iter().map(|(record, _)| record).collect();
        if let Some(Err(e)) = results.into_iter().find(Result::is_err) {
            self.remove(&records).await;
            return Err(e);
        }
        Ok(records)
    }

    async fn remove(&self, records: &[ImageRecord]) {
        for record in records {
            if let Err(e) = self.images.delete(&record.object_key).await {
                tracing::warn!(key = %record.object_key, error = %e, "could not remove an unrecorded image");
            }
        }
    }

    async fn fail(
        &self,
        job: &ImageJobRequested,
        reason: &str,
        render_ms: i64,
    ) -> Result<Handled, StoreError> {
        let message = Envelope::wrap(&ImageJobFailed {
            job_id: job.job_id.clone(),
            event_id: job.event_id.clone(),
            reason: reason.to_string(),
            failed_at: rfc3339(Utc::now()),
        });
        let finished = Finished {
            job_id: &job.job_id,
            event_id: &job.event_id,
            status: JobStatus::Failed,
            reason: Some(reason),
            render_ms,
            images: &[],
            message: &message,
        };
        if !self.store.record(&finished, Utc::now()).await? {
            return Ok(Handled::AlreadyDone);
        }
        self.outbox.send(std::slice::from_ref(&message)).await;
        platform::metrics::job_finished("image", "failed", job_took(render_ms));
        tracing::warn!(job_id = %job.job_id, event_id = %job.event_id, reason, "image job failed");
        Ok(Handled::Failed(reason.to_string()))
    }
}

/// Renders every style × platform, each image on the blocking pool, all at once.
pub async fn render_all(
    text: &ImageText,
    industry: &str,
    photos: &render::Photos,
    styles: &[ImageStyle],
    platforms: &[ImagePlatform],
) -> Result<Vec<Rendered>, RenderError> {
    let tasks = styles.iter().flat_map(|style| {
        platforms.iter().map(move |platform| {
            let (text, industry, style, platform, photos) = (
                text.clone(),
                industry.to_string(),
                *style,
                *platform,
                photos.clone(),
            );
            platform::blocking::spawn_blocking_in_span(move || {
                render::render_with(&text, &industry, &photos, style, platform)
            })
        })
    });
    futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.map_err(|e| RenderError::Task(e.to_string()))?)
        .collect()
}

/// `asked` without repeats, or every value when nothing was asked.
fn or_all<T: Copy + PartialEq>(asked: &[T], all: &[T]) -> Vec<T> {
    let mut chosen: Vec<T> = Vec::new();
    for value in if asked.is_empty() { all } else { asked } {
        if !chosen.contains(value) {
            chosen.push(*value);
        }
    }
    chosen
}

fn job_took(render_ms: i64) -> std::time::Duration {
    std::time::Duration::from_millis(u64::try_from(render_ms).unwrap_or_default())
}

fn elapsed_ms(started: Instant) -> i64 {
    started.elapsed().as_millis() as i64
}

/// A stored image in the contract's shape.
pub fn to_contract(record: &ImageRecord) -> RenderedImage {
    RenderedImage {
        image_id: record.image_id.clone(),
        style: ImageStyle::parse(&record.style).unwrap_or(ImageStyle::Simple),
        platform: ImagePlatform::parse(&record.platform).unwrap_or(ImagePlatform::Instagram),
        url: record.url.clone(),
        width: record.width as u32,
        height: record.height as u32,
        content_type: record.content_type.clone(),
        bytes: record.bytes as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_asked_means_everything_and_repeats_count_once() {
        assert_eq!(or_all(&[], &ImageStyle::ALL), ImageStyle::ALL.to_vec());
        assert_eq!(
            or_all(
                &[ImagePlatform::Kakao, ImagePlatform::Kakao],
                &ImagePlatform::ALL
            ),
            vec![ImagePlatform::Kakao]
        );
    }
}
