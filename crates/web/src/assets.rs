//! The embedded files: the owner app's shell, its stylesheet and ES modules.
//! Names are matched against a fixed table, so no request can reach the disk.

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

const INDEX_HTML: &str = include_str!("../assets/index.html");
const ICON_SVG: &str = include_str!("../assets/icon.svg");

/// Every asset under `/assets/`: name, content type, bytes.
pub(crate) const ASSETS: &[(&str, &str, &str)] = &[
    ("app.css", CSS, include_str!("../assets/app.css")),
    ("icon.svg", "image/svg+xml", ICON_SVG),
    ("api.js", JS, include_str!("../assets/api.js")),
    ("ui.js", JS, include_str!("../assets/ui.js")),
    ("money.js", JS, include_str!("../assets/money.js")),
    ("app.js", JS, include_str!("../assets/app.js")),
    ("auth.js", JS, include_str!("../assets/auth.js")),
    ("home.js", JS, include_str!("../assets/home.js")),
    ("wizard.js", JS, include_str!("../assets/wizard.js")),
    ("steps.js", JS, include_str!("../assets/steps.js")),
    ("channels.js", JS, include_str!("../assets/channels.js")),
    ("review.js", JS, include_str!("../assets/review.js")),
    ("detail.js", JS, include_str!("../assets/detail.js")),
    ("signals.js", JS, include_str!("../assets/signals.js")),
    ("words.js", JS, include_str!("../assets/words.js")),
    ("dates.js", JS, include_str!("../assets/dates.js")),
    ("draw.js", JS, include_str!("../assets/draw.js")),
    ("results.js", JS, include_str!("../assets/results.js")),
    ("share.js", JS, include_str!("../assets/share.js")),
    ("photos.js", JS, include_str!("../assets/photos.js")),
    ("charts.js", JS, include_str!("../assets/charts.js")),
    ("entry.js", JS, include_str!("../assets/entry.js")),
    ("coupons.js", JS, include_str!("../assets/coupons.js")),
    // Loaded by coupons.js only, when the browser has no BarcodeDetector.
    ("jsqr.js", JS, include_str!("../assets/jsqr.js")),
];

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// `GET /`: the owner app's shell; the modules route by `#/…`.
pub async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        INDEX_HTML,
    )
        .into_response()
}

/// `GET /favicon.ico`: the app icon (browsers accept SVG here).
pub async fn favicon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml")], ICON_SVG).into_response()
}

/// `GET /assets/{name}`
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        // no-cache: the browser revalidates, so a new binary's assets are
        // picked up at once without versioned file names.
        Some((_, kind, body)) => (
            [
                (header::CONTENT_TYPE, *kind),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *body,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "찾을 수 없습니다",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_and_asset_is_small() {
        let total: usize = ASSETS.iter().map(|(_, _, b)| b.len()).sum::<usize>() + INDEX_HTML.len();
        assert!(total < 300 * 1024, "owner app weighs {total} bytes");
    }

    #[test]
    fn every_module_the_shell_imports_is_served() {
        for (name, _, body) in ASSETS {
            for line in body.lines().filter(|l| l.starts_with("import ")) {
                let target = line.split('\'').nth(1).expect("quoted import");
                let file = target.trim_start_matches("./");
                assert!(
                    ASSETS.iter().any(|(n, _, _)| *n == file),
                    "{name} imports {target}, which is not served"
                );
            }
        }
        for (name, _, _) in ASSETS {
            assert!(!name.contains('/'));
        }
    }
}
