//! Partner-style JSON APIs (key in `X-Api-Key`): 우리동네TV ad booking,
//! 링고비즈 ringback update, 지니TV ad registration.

use async_trait::async_trait;
use contracts::channels::Channel;
use serde_json::{json, Value};

use super::{
    count, field, AdapterError, Api, ChannelAdapter, ChannelStats, PostRequest, Published,
};
use crate::domain::ChannelSettings;

/// 우리동네TV: books a local-TV slot (radius, time slot) showing the image.
pub struct Uridongnetv(pub(super) Api);

/// 링고비즈: replaces the store phone's ringback with the event script.
pub struct Ringobiz(pub(super) Api);

/// 지니TV: registers an IPTV ad (region, schedule, budget).
pub struct Ginitv(pub(super) Api);

impl Api {
    async fn partner_post(
        &self,
        path: &str,
        key: &str,
        body: &Value,
    ) -> Result<Value, AdapterError> {
        self.send(
            self.http
                .post(self.url(path))
                .header("X-Api-Key", self.endpoint.credential.expose())
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    async fn partner_get(&self, path: &str) -> Result<Value, AdapterError> {
        self.send(
            self.http
                .get(self.url(path))
                .header("X-Api-Key", self.endpoint.credential.expose()),
        )
        .await
    }
}

/// Settings that do not belong to the channel: the plan was checked at
/// parse time, so this is a bug on our side, reported as a refusal.
fn wrong_settings(channel: Channel) -> AdapterError {
    AdapterError::Rejected(format!("{}: settings missing", channel.code()))
}

#[async_trait]
impl ChannelAdapter for Uridongnetv {
    fn channel(&self) -> Channel {
        Channel::Uridongnetv
    }

    async fn publish(&self, post: &PostRequest<'_>) -> Result<Published, AdapterError> {
        let ChannelSettings::LocalTv { radius, time_slot } = post.settings else {
            return Err(wrong_settings(self.channel()));
        };
        let c = post.content;
        let body = json!({
            "storeName": c.store_name, "title": c.title, "imageUrl": c.image_url,
            "radius": radius, "timeSlot": time_slot,
            "startDate": c.start_date, "endDate": c.end_date,
        });
        let answer = self
            .0
            .partner_post("/api/v1/ad-bookings", post.idempotency_key, &body)
            .await?;
        Ok(Published {
            external_id: field(&answer, "/bookingId")?,
            post_url: answer["previewUrl"].as_str().map(str::to_string),
            estimated_views: answer["estimatedReach"].as_u64(),
        })
    }

    async fn stats(&self, external_id: &str) -> Result<ChannelStats, AdapterError> {
        let body = self
            .0
            .partner_get(&format!("/api/v1/ad-bookings/{external_id}/stats"))
            .await?;
        Ok(ChannelStats {
            views: count(&body, "/views"),
            clicks: count(&body, "/clicks"),
            calls: 0,
        })
    }
}

#[async_trait]
impl ChannelAdapter for Ringobiz {
    fn channel(&self) -> Channel {
        Channel::Ringobiz
    }

    async fn publish(&self, post: &PostRequest<'_>) -> Result<Published, AdapterError> {
        let ChannelSettings::Ringback {
            phone_number,
            script,
        } = post.settings
        else {
            return Err(wrong_settings(self.channel()));
        };
        let c = post.content;
        let script = script.clone().unwrap_or_else(|| {
            let mut s = format!(
                "안녕하세요, {}입니다. 지금 {} 이벤트를 진행하고 있습니다.",
                c.store_name, c.title
            );
            if !c.prize.is_empty() {
                s.push_str(&format!(" 경품은 {}입니다.", c.prize));
            }
            s
        });
        let body = json!({
            "phoneNumber": phone_number, "script": script.chars().take(500).collect::<String>(),
            "startDate": c.start_date, "endDate": c.end_date,
        });
        let answer = self
            .0
            .partner_post("/api/v1/ringback", post.idempotency_key, &body)
            .await?;
        Ok(Published {
            external_id: field(&answer, "/requestId")?,
            post_url: answer["previewUrl"].as_str().map(str::to_string),
            estimated_views: None,
        })
    }

    async fn stats(&self, external_id: &str) -> Result<ChannelStats, AdapterError> {
        let body = self
            .0
            .partner_get(&format!("/api/v1/ringback/{external_id}/stats"))
            .await?;
        Ok(ChannelStats {
            views: count(&body, "/plays"),
            clicks: 0,
            calls: count(&body, "/calls"),
        })
    }
}

#[async_trait]
impl ChannelAdapter for Ginitv {
    fn channel(&self) -> Channel {
        Channel::Ginitv
    }

    async fn publish(&self, post: &PostRequest<'_>) -> Result<Published, AdapterError> {
        let ChannelSettings::Iptv { region, budget } = post.settings else {
            return Err(wrong_settings(self.channel()));
        };
        let c = post.content;
        let body = json!({
            "title": c.title, "imageUrl": c.image_url, "region": region, "budget": budget,
            "schedule": {"startDate": c.start_date, "endDate": c.end_date},
        });
        let answer = self
            .0
            .partner_post("/api/v1/ads", post.idempotency_key, &body)
            .await?;
        Ok(Published {
            external_id: field(&answer, "/adId")?,
            post_url: answer["previewUrl"].as_str().map(str::to_string),
            estimated_views: answer["estimatedImpressions"].as_u64(),
        })
    }

    async fn stats(&self, external_id: &str) -> Result<ChannelStats, AdapterError> {
        let body = self
            .0
            .partner_get(&format!("/api/v1/ads/{external_id}/stats"))
            .await?;
        Ok(ChannelStats {
            views: count(&body, "/impressions"),
            clicks: count(&body, "/clicks"),
            calls: 0,
        })
    }
}
