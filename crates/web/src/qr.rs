//! QR codes of the per-channel entry links, as SVG and PNG. The `qrcode`
//! crate computes the matrix and draws the SVG; the PNG is that matrix
//! scaled up and encoded with `png` (qrcode's own PNG path would pull in the
//! whole `image` crate for the same few lines).

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use contracts::errors as codes;
use contracts::event_state::EventEntryState;
use platform::http::{ApiError, ApiPath, ApiQuery};
use platform::ratelimit::ClientAddr;
use qrcode::{Color, EcLevel, QrCode};
use serde::Deserialize;

use crate::{html, ApiAnswer, WebState};

/// Pixels per QR module in the PNG.
const SCALE: usize = 8;
/// Light modules around the code, as the QR standard asks.
const QUIET: usize = 4;

/// `?ch=` of an entry link.
#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    ch: Option<String>,
}

/// The id a QR code's link carries: the entry link's public id, never the
/// internal event id (`draft-…`). A QR asked for by event id looks the public
/// id up in the event's public entry state; unpublished events have no QR.
async fn link_id(state: &WebState, client: std::net::IpAddr, id: &str) -> Result<String, ApiError> {
    if !html::valid_event_id(id) {
        return Err(not_found());
    }
    if contracts::event_state::is_public_id(id) {
        return Ok(id.to_string());
    }
    match state
        .public_json(&format!("/api/events/{id}/entry-state"), client)
        .await
    {
        ApiAnswer::Found(body) => {
            let entry: EventEntryState =
                serde_json::from_value(body).map_err(ApiError::internal)?;
            // Events from before public ids keep their event id link.
            Ok(if entry.public_id.is_empty() {
                id.to_string()
            } else {
                entry.public_id
            })
        }
        ApiAnswer::NotFound => Err(not_found()),
        ApiAnswer::Limited { message, .. } => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::TOO_MANY_REQUESTS,
            message,
        )),
        ApiAnswer::Failed => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "이벤트 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요",
        )),
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "이벤트를 찾을 수 없습니다",
    )
}

/// The entry link a QR code carries: `{base}/e/{id}` plus `?ch=` when given.
pub(crate) fn entry_link(
    state: &WebState,
    headers: &HeaderMap,
    event_id: &str,
    ch: Option<&str>,
) -> Result<String, ApiError> {
    if !html::valid_event_id(event_id) {
        return Err(not_found());
    }
    let channel = match ch.filter(|c| !c.trim().is_empty()) {
        None => None,
        Some(code) => Some(html::channel(Some(code)).ok_or_else(|| {
            ApiError::bad_request(
                codes::INVALID_REQUEST,
                "채널은 URIDONGNETV, RINGOBIZ, GINITV, INSTAGRAM, NAVER, KAKAO 중 하나여야 합니다",
            )
        })?),
    };
    let base = state
        .public_base_url
        .clone()
        .or_else(|| {
            headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
                })
                .map(|h| format!("http://{h}"))
        })
        .unwrap_or_else(|| state.api_base.clone());
    Ok(match channel {
        Some(c) => format!("{base}/e/{event_id}?ch={}", c.code()),
        None => format!("{base}/e/{event_id}"),
    })
}

fn code_for(link: &str) -> Result<QrCode, ApiError> {
    QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M).map_err(ApiError::internal)
}

/// `GET /e/{eventId}/qr.svg?ch=INSTAGRAM`
pub async fn svg(
    State(state): State<Arc<WebState>>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    ApiPath(event_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<LinkQuery>,
) -> Result<Response, ApiError> {
    let id = link_id(&state, client, &event_id).await?;
    let link = entry_link(&state, &headers, &id, q.ch.as_deref())?;
    let svg = code_for(&link)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// `GET /e/{eventId}/qr.png?ch=INSTAGRAM`
pub async fn png(
    State(state): State<Arc<WebState>>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    ApiPath(event_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<LinkQuery>,
) -> Result<Response, ApiError> {
    let id = link_id(&state, client, &event_id).await?;
    let link = entry_link(&state, &headers, &id, q.ch.as_deref())?;
    let bytes = png_bytes(&code_for(&link)?).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "image/png")], bytes).into_response())
}

/// Encodes the code as an 8-bit greyscale PNG with a quiet zone.
pub(crate) fn png_bytes(code: &QrCode) -> Result<Vec<u8>, png::EncodingError> {
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            pixels[y * side + mx * SCALE..y * side + (mx + 1) * SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_decodes_to_the_code_matrix() {
        let code = QrCode::new(b"http://127.0.0.1:8080/e/evt-1?ch=KAKAO").expect("code");
        let bytes = png_bytes(&code).expect("png");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("frame");
        let side = (code.width() + 2 * QUIET) * SCALE;
        assert_eq!(info.width as usize, side);
        // Every module's centre pixel has the module's colour.
        for (i, color) in code.to_colors().iter().enumerate() {
            let x = (i % code.width() + QUIET) * SCALE + SCALE / 2;
            let y = (i / code.width() + QUIET) * SCALE + SCALE / 2;
            let dark = buf[y * side + x] == 0;
            assert_eq!(dark, *color == Color::Dark, "module {i}");
        }
        // The quiet zone stays light.
        assert!(buf[..side * QUIET * SCALE].iter().all(|p| *p == 255));
    }
}
