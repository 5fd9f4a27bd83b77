//! The embedded files: the owner app's shell, its stylesheet, icon and ES
//! modules. The build lists them: every `*.js`, `*.css` and `*.svg` in
//! `assets/` is compiled in (rust-embed, embedded in debug builds too), so a
//! new module is served without touching this file, and a name that is not
//! one of them never reaches the disk.

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use rust_embed::RustEmbed;

/// `assets/` as compiled into the binary. The HTML pages are not here: the
/// shell is [`INDEX_HTML`], the others are askama templates.
#[derive(RustEmbed)]
#[folder = "assets/"]
#[include = "*.js"]
#[include = "*.css"]
#[include = "*.svg"]
pub(crate) struct Assets;

const INDEX_HTML: &str = include_str!("../assets/index.html");

/// The content type of an asset, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

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
    match Assets::get("icon.svg") {
        Some(icon) => ([(header::CONTENT_TYPE, "image/svg+xml")], icon.data).into_response(),
        None => not_found(),
    }
}

/// `GET /assets/{name}`
pub async fn asset(Path(name): Path<String>) -> Response {
    // Only top-level names: the table has no folders.
    match Assets::get(&name).filter(|_| !name.contains('/')) {
        // no-cache: the browser revalidates, so a new binary's assets are
        // picked up at once without versioned file names.
        Some(file) => (
            [
                (header::CONTENT_TYPE, content_type(&name)),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            file.data,
        )
            .into_response(),
        None => not_found(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "찾을 수 없습니다",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> String {
        let file = Assets::get(name).expect("embedded");
        String::from_utf8(file.data.into_owned()).expect("utf-8")
    }

    #[test]
    fn every_page_and_asset_is_small() {
        let total: usize = Assets::iter()
            .map(|n| Assets::get(&n).map_or(0, |f| f.data.len()))
            .sum::<usize>()
            + INDEX_HTML.len();
        assert!(total < 300 * 1024, "owner app weighs {total} bytes");
    }

    #[test]
    fn the_build_lists_the_app_s_files_with_their_types() {
        let names: Vec<String> = Assets::iter().map(|n| n.into_owned()).collect();
        for expected in ["app.css", "icon.svg", "app.js", "entry.js", "jsqr.js"] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        assert!(!names.iter().any(|n| n.ends_with(".html")), "{names:?}");
        for name in &names {
            assert_ne!(content_type(name), "application/octet-stream", "{name}");
        }
    }

    #[test]
    fn every_module_the_shell_imports_is_served() {
        for name in Assets::iter().filter(|n| n.ends_with(".js")) {
            for line in text(&name).lines().filter(|l| l.starts_with("import ")) {
                let target = line.split('\'').nth(1).expect("quoted import");
                let file = target.trim_start_matches("./");
                assert!(
                    Assets::get(file).is_some(),
                    "{name} imports {target}, which is not served"
                );
            }
        }
        for name in Assets::iter() {
            assert!(!name.contains('/'));
        }
    }
}
