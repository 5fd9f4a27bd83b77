//! Browser security headers on every answer of the process (issue 15): pages,
//! assets, API JSON, errors, 404s, `/metrics`, the sandboxes. One middleware,
//! applied by the composition root around the whole router.
//!
//! A header a handler set itself is kept (e.g. the content service's
//! long-lived `Cache-Control` on promotional images).

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

/// The headers every answer carries; the policy is built once at start.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    /// `image_urls`: URLs (or origins) of image hosts the pages show besides
    /// their own origin — a configured CDN or bucket, the absolute origin the
    /// event service writes into published events. Relative, empty, invalid
    /// or non-http(s) entries are ignored.
    pub fn new<'a>(image_urls: impl IntoIterator<Item = &'a str>) -> SecurityHeaders {
        let mut img = vec!["'self'".to_string()];
        for raw in image_urls {
            let Ok(url) = url::Url::parse(raw.trim()) else {
                continue;
            };
            if !matches!(url.scheme(), "http" | "https") {
                continue;
            }
            // A tuple origin serialises without spaces, quotes or `;`.
            let origin = url.origin().ascii_serialization();
            if !img.contains(&origin) {
                img.push(origin);
            }
        }
        let policy = [
            // Everything not named below: this origin only.
            "default-src 'self'".to_string(),
            // Only our own script files: no inline <script>, no on…=
            // handlers, no javascript: URLs, no eval. An injected tag cannot run.
            "script-src 'self'".to_string(),
            // Only app.css: no style attributes or <style> either (the app
            // sets computed sizes through element.style, which CSP allows).
            "style-src 'self'".to_string(),
            // Promotional images may live on a configured image host.
            format!("img-src {}", img.join(" ")),
            // fetch() goes to our own API only.
            "connect-src 'self'".to_string(),
            "object-src 'none'".to_string(),
            // A <base> tag cannot redirect our relative script URLs.
            "base-uri 'none'".to_string(),
            "form-action 'self'".to_string(),
            // No page may be framed (clickjacking of the redeem or draw buttons).
            "frame-ancestors 'none'".to_string(),
        ]
        .join("; ");
        SecurityHeaders {
            csp: HeaderValue::from_str(&policy).expect("origins serialise to header text"),
        }
    }

    /// The `Content-Security-Policy` value.
    pub fn content_security_policy(&self) -> &str {
        self.csp.to_str().unwrap_or_default()
    }

    fn apply(&self, path: &str, headers: &mut HeaderMap) {
        let mut keep_or_set = |name: HeaderName, value: HeaderValue| {
            headers.entry(name).or_insert(value);
        };
        keep_or_set(header::CONTENT_SECURITY_POLICY, self.csp.clone());
        // Browsers must not guess a script or page out of a JSON or image body.
        keep_or_set(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        // frame-ancestors for browsers that predate CSP level 2.
        keep_or_set(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        // Paths carry secrets (coupon codes in /c/{code}): other sites see
        // only our origin, never the path.
        keep_or_set(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        // The camera is for the counter's QR scan on our own pages; nothing
        // listens or locates.
        keep_or_set(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
        );
        // API and sandbox answers hold personal data (participant lists, the
        // CSV, winners' contacts, tokens, recipients' numbers): no browser or
        // proxy may keep them. Handlers that may be cached say so themselves.
        if path.starts_with("/api/") || path.starts_with("/sandbox/") {
            keep_or_set(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// Adds the [`SecurityHeaders`] to every answer, keeping any a handler set.
pub async fn add_security_headers(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    headers.apply(&path, response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_hosts_are_origins_and_nothing_else() {
        let h = SecurityHeaders::new([
            "https://cdn.example.com/images/",
            "http://127.0.0.1:8080",
            "https://cdn.example.com/other",
            "/api/content/images",
            "",
            "javascript:alert(1)",
            "data:image/png;base64,AA",
        ]);
        let csp = h.content_security_policy();
        assert!(
            csp.contains("; img-src 'self' https://cdn.example.com http://127.0.0.1:8080; "),
            "{csp}"
        );
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    }

    #[test]
    fn headers_a_handler_set_are_kept_and_only_api_answers_get_no_store() {
        let h = SecurityHeaders::new([]);
        let mut set = HeaderMap::new();
        set.insert(header::CACHE_CONTROL, HeaderValue::from_static("public"));
        h.apply("/api/content/images/a.png", &mut set);
        assert_eq!(set[header::CACHE_CONTROL], "public");
        assert_eq!(set[header::X_FRAME_OPTIONS], "DENY");

        let mut api = HeaderMap::new();
        h.apply("/api/events/1/participants", &mut api);
        assert_eq!(api[header::CACHE_CONTROL], "no-store");

        let mut page = HeaderMap::new();
        h.apply("/assets/app.js", &mut page);
        assert!(page.get(header::CACHE_CONTROL).is_none());
        assert_eq!(page[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
