//! Instagram Graph API, Naver blog write, Kakao channel posts.

use async_trait::async_trait;
use contracts::channels::Channel;
use serde_json::json;

use super::{
    count, field, AdapterError, Api, ChannelAdapter, ChannelStats, PostRequest, Published,
};
use crate::domain::Content;

/// The Graph API version in Instagram paths.
const GRAPH_VERSION: &str = "v21.0";

/// Instagram: create a media container (image_url + caption), publish it,
/// then read its permalink.
pub struct Instagram(pub(super) Api);

/// Naver blog: one `writePost.json` with title and HTML contents.
pub struct Naver(pub(super) Api);

/// Kakao channel: one post with image and a link to the entry page.
pub struct Kakao(pub(super) Api);

/// The caption: the given one, or the description; then hashtags and the entry link.
fn caption(c: &Content) -> String {
    let mut text = c.caption.clone().unwrap_or_else(|| c.description.clone());
    if !c.prize.is_empty() {
        text.push_str(&format!("\n🎁 {}", c.prize));
    }
    if let Some(url) = &c.entry_url {
        text.push_str(&format!("\n참여하기: {url}"));
    }
    let tags: Vec<String> = c
        .hashtags
        .iter()
        .map(|t| t.trim().trim_start_matches('#').to_string())
        .filter(|t| !t.is_empty())
        .map(|t| format!("#{t}"))
        .collect();
    if !tags.is_empty() {
        text.push_str(&format!("\n{}", tags.join(" ")));
    }
    text
}

/// Escapes text for HTML. Five replacements; not worth a dependency.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The blog post's HTML body.
fn blog_html(c: &Content) -> String {
    let mut html = format!(
        "<h2>{}</h2><p><img src=\"{}\" alt=\"{}\"></p>",
        escape(&c.title),
        escape(&c.image_url),
        escape(&c.title)
    );
    if !c.description.is_empty() {
        html.push_str(&format!("<p>{}</p>", escape(&c.description)));
    }
    if !c.prize.is_empty() {
        html.push_str(&format!("<p>경품: {}</p>", escape(&c.prize)));
    }
    if let (Some(start), Some(end)) = (&c.start_date, &c.end_date) {
        html.push_str(&format!("<p>기간: {} ~ {}</p>", escape(start), escape(end)));
    }
    if !c.store_name.is_empty() {
        html.push_str(&format!("<p>{}</p>", escape(&c.store_name)));
    }
    if let Some(url) = &c.entry_url {
        html.push_str(&format!(
            "<p><a href=\"{}\">이벤트 참여하기</a></p>",
            escape(url)
        ));
    }
    html
}

#[async_trait]
impl ChannelAdapter for Instagram {
    fn channel(&self) -> Channel {
        Channel::Instagram
    }

    async fn publish(&self, post: &PostRequest<'_>) -> Result<Published, AdapterError> {
        let api = &self.0;
        let user = &api.endpoint.account;
        let token = api.endpoint.credential.expose();
        let container = api
            .send(
                api.http
                    .post(api.url(&format!("/{GRAPH_VERSION}/{user}/media")))
                    .bearer_auth(token)
                    .header("Idempotency-Key", post.idempotency_key)
                    .json(&json!({"image_url": post.content.image_url, "caption": caption(post.content)})),
            )
            .await?;
        let creation_id = field(&container, "/id")?;
        let media = api
            .send(
                api.http
                    .post(api.url(&format!("/{GRAPH_VERSION}/{user}/media_publish")))
                    .bearer_auth(token)
                    .json(&json!({"creation_id": creation_id})),
            )
            .await?;
        let media_id = field(&media, "/id")?;
        // The permalink is a nicety: the post is live without it.
        let permalink = api
            .send(
                api.http
                    .get(api.url(&format!("/{GRAPH_VERSION}/{media_id}")))
                    .query(&[("fields", "permalink")])
                    .bearer_auth(token),
            )
            .await
            .ok()
            .and_then(|v| v["permalink"].as_str().map(str::to_string));
        Ok(Published {
            external_id: media_id,
            post_url: permalink,
            estimated_views: None,
        })
    }

    async fn stats(&self, external_id: &str) -> Result<ChannelStats, AdapterError> {
        let api = &self.0;
        let body = api
            .send(
                api.http
                    .get(api.url(&format!("/{GRAPH_VERSION}/{external_id}/insights")))
                    .query(&[("metric", "impressions,reach,website_clicks")])
                    .bearer_auth(api.endpoint.credential.expose()),
            )
            .await?;
        let metric = |name: &str| {
            body["data"]
                .as_array()
                .and_then(|d| d.iter().find(|m| m["name"] == name))
                .map(|m| count(m, "/values/0/value"))
                .unwrap_or(0)
        };
        Ok(ChannelStats {
            views: metric("impressions"),
            clicks: metric("website_clicks"),
            calls: 0,
        })
    }
}

#[async_trait]
impl ChannelAdapter for Naver {
    fn channel(&self) -> Channel {
        Channel::Naver
    }

    async fn publish(&self, post: &PostRequest<'_>) -> Result<Published, AdapterError> {
        let api = &self.0;
        let body = api
            .send(
                api.http
                    .post(api.url("/blog/writePost.json"))
                    .bearer_auth(api.endpoint.credential.expose())
                    .header("Idempotency-Key", post.idempotency_key)
                    .form(&[
                        ("title", post.content.title.as_str()),
                        ("contents", blog_html(post.content).as_str()),
                    ]),
            )
            .await?;
        let post_id = field(&body, "/message/result/postId")?;
        let url = body
            .pointer("/message/result/url")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .or_else(|| {
                let blog = body.pointer("/message/result/blogId")?.as_str()?;
                Some(format!("https://blog.naver.com/{blog}/{post_id}"))
            });
        Ok(Published {
            external_id: post_id,
            post_url: url,
            estimated_views: None,
        })
    }

    async fn stats(&self, external_id: &str) -> Result<ChannelStats, AdapterError> {
        let api = &self.0;
        let body = api
            .send(
                api.http
                    .get(api.url("/blog/postStats.json"))
                    .query(&[("postId", external_id)])
                    .bearer_auth(api.endpoint.credential.expose()),
            )
            .await?;
        Ok(ChannelStats {
            views: count(&body, "/views"),
            clicks: count(&body, "/clicks"),
            calls: 0,
        })
    }
}

#[async_trait]
impl ChannelAdapter for Kakao {
    fn channel(&self) -> Channel {
        Channel::Kakao
    }

    async fn publish(&self, post: &PostRequest<'_>) -> Result<Published, AdapterError> {
        let api = &self.0;
        let c = post.content;
        let link = c.entry_url.clone().unwrap_or_default();
        let body = api
            .send(
                api.http
                    .post(api.url(&format!("/v1/channels/{}/posts", api.endpoint.account)))
                    .header(
                        "Authorization",
                        format!("KakaoAK {}", api.endpoint.credential.expose()),
                    )
                    .header("Idempotency-Key", post.idempotency_key)
                    .json(&json!({
                        "title": c.title,
                        "description": caption(c),
                        "image_url": c.image_url,
                        "link": {"web_url": link, "mobile_web_url": link},
                        "button_title": "이벤트 참여하기",
                    })),
            )
            .await?;
        Ok(Published {
            external_id: field(&body, "/id")?,
            post_url: body["url"].as_str().map(str::to_string),
            estimated_views: None,
        })
    }

    async fn stats(&self, external_id: &str) -> Result<ChannelStats, AdapterError> {
        let api = &self.0;
        let body = api
            .send(
                api.http
                    .get(api.url(&format!(
                        "/v1/channels/{}/posts/{external_id}/stats",
                        api.endpoint.account
                    )))
                    .header(
                        "Authorization",
                        format!("KakaoAK {}", api.endpoint.credential.expose()),
                    ),
            )
            .await?;
        Ok(ChannelStats {
            views: count(&body, "/views"),
            clicks: count(&body, "/clicks"),
            calls: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blog_html_escapes_owner_text() {
        let c = Content {
            title: "<b>가을</b> & 커피".into(),
            image_url: "http://x/a.png".into(),
            entry_url: Some("http://x/e/1?a=1&b=2".into()),
            ..Content::default()
        };
        let html = blog_html(&c);
        assert!(html.contains("&lt;b&gt;가을&lt;/b&gt; &amp; 커피"));
        assert!(html.contains("href=\"http://x/e/1?a=1&amp;b=2\""));
    }

    #[test]
    fn caption_carries_prize_link_and_hashtags() {
        let c = Content {
            description: "설명".into(),
            prize: "커피".into(),
            entry_url: Some("http://x/e/1".into()),
            hashtags: vec!["#카페".into(), "이벤트".into(), " ".into()],
            ..Content::default()
        };
        let text = caption(&c);
        assert!(text.starts_with("설명"));
        assert!(text.contains("커피") && text.contains("http://x/e/1"));
        assert!(text.ends_with("#카페 #이벤트"));
    }
}
