//! One image: text laid out with the real font metrics, the style's art
//! and words as SVG, rasterised by resvg and encoded as PNG.

use std::fmt::Write;

use contracts::content::{ImagePlatform, ImageStyle, ImageText};
use resvg::{tiny_skia, usvg};

use crate::{
    fonts::{Face, Fonts},
    layout::{self, Align, Rect, Role, TextBlock},
    style,
};

/// Longest text taken from any field; more would not fit on a poster anyway,
/// and it bounds the work one job can ask for.
const MAX_FIELD_CHARS: usize = 300;

/// A rendered, encoded image.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub style: ImageStyle,
    pub platform: ImagePlatform,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    /// File extension matching `content_type`.
    pub extension: &'static str,
    pub data: Vec<u8>,
}

/// Rendering failures; none is expected with the embedded assets, but a
/// worker must report rather than panic.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("svg: {0}")]
    Svg(#[from] usvg::Error),
    #[error("cannot allocate a {0}x{1} canvas")]
    Canvas(u32, u32),
    #[error("png encoding: {0}")]
    Png(#[from] png::EncodingError),
    #[error("render task: {0}")]
    Task(String),
}

/// A placed piece of text.
#[derive(Debug, Clone)]
pub struct Placed {
    pub role: Role,
    pub face: Face,
    pub block: TextBlock,
}

/// Every piece of text of one image, fitted into its slot.
#[derive(Debug, Clone)]
pub struct Composition {
    pub width: u32,
    pub height: u32,
    pub align: Align,
    pub pill: Rect,
    pub texts: Vec<Placed>,
}

impl Composition {
    /// The placed text of `role`.
    #[cfg(test)]
    pub fn get(&self, role: Role) -> Option<&Placed> {
        self.texts.iter().find(|p| p.role == role)
    }
}

/// What each role prints, with the style's small touches.
fn words(role: Role, text: &ImageText, style: ImageStyle) -> String {
    let field = |s: &str| s.chars().take(MAX_FIELD_CHARS).collect::<String>();
    match role {
        Role::Store if style == ImageStyle::Trendy => format!("@{}", field(&text.store_name)),
        Role::Store => field(&text.store_name),
        Role::Title => field(&text.title),
        Role::Prize if text.prize.trim().is_empty() => String::new(),
        Role::Prize => format!("경품 · {}", field(&text.prize)),
        Role::Period if text.period.trim().is_empty() => String::new(),
        Role::Period => format!("기간 {}", field(&text.period)),
        Role::CallToAction => field(&text.call_to_action),
    }
}

/// Lays out `text` for `style` on `platform`'s canvas.
pub fn compose(text: &ImageText, style: ImageStyle, platform: ImagePlatform) -> Composition {
    let fonts = Fonts::get();
    let typo = style::typography(style);
    let (width, height) = platform.size();
    let roles = [
        Role::Store,
        Role::Title,
        Role::Prize,
        Role::Period,
        Role::CallToAction,
    ];
    let mut texts = Vec::new();
    let mut pill = Rect {
        x: 0.0,
        y: 0.0,
        w: 0.0,
        h: 0.0,
    };
    for role in roles {
        let face = if role == Role::Title || role == Role::CallToAction {
            typo.headline
        } else {
            typo.body
        };
        let (mut area, fit) = layout::slot(role, width, height, typo.align);
        if role == Role::CallToAction {
            pill = area;
            area = layout::pill_text_area(area);
        }
        let printable = fonts.drawable(face, &words(role, text, style));
        let measure = |s: &str, size: f32| fonts.width(face, s, size);
        let block = layout::fit_text(&printable, area, fit, &measure);
        texts.push(Placed { role, face, block });
    }
    Composition {
        width,
        height,
        align: typo.align,
        pill,
        texts,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The full SVG document of one image.
#[cfg(test)]
pub fn svg(text: &ImageText, industry: &str, style: ImageStyle, platform: ImagePlatform) -> String {
    svg_over(text, industry, style, platform, None)
}

/// The SVG document, its background art at `backdrop_opacity` when a photo
/// lies under it (the photo shows through; the words stay legible).
fn svg_over(
    text: &ImageText,
    industry: &str,
    style: ImageStyle,
    platform: ImagePlatform,
    backdrop_opacity: Option<f32>,
) -> String {
    let comp = compose(text, style, platform);
    let (w, h) = (comp.width as f32, comp.height as f32);
    let colours = style::palette(style, industry);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    match backdrop_opacity {
        Some(opacity) => {
            let _ = write!(
                svg,
                r#"<g opacity="{opacity:.2}">{}</g>"#,
                style::background(style, industry, w, h)
            );
        }
        None => svg.push_str(&style::background(style, industry, w, h)),
    }
    let p = comp.pill;
    let radius = if style == ImageStyle::Simple {
        p.h * 0.18
    } else {
        p.h / 2.0
    };
    let _ = write!(
        svg,
        r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{radius:.1}" fill="{}"/>"#,
        p.x, p.y, p.w, p.h, colours.cta_fill
    );
    let fonts = Fonts::get();
    for placed in &comp.texts {
        let fill = match placed.role {
            Role::Title if style == ImageStyle::Fancy => "url(#gold)".to_string(),
            Role::Title => colours.text.clone(),
            Role::CallToAction => colours.cta_text.clone(),
            Role::Store if style == ImageStyle::Simple => colours.accent.clone(),
            _ => colours.subtext.clone(),
        };
        let face = fonts.face_ref(placed.face);
        let b = &placed.block;
        let (x, anchor) = match comp.align {
            Align::Center => (b.area.x + b.area.w / 2.0, "middle"),
            Align::Left if placed.role == Role::CallToAction => {
                (b.area.x + b.area.w / 2.0, "middle")
            }
            Align::Left => (b.area.x, "start"),
        };
        for (i, line) in b.lines.iter().enumerate() {
            // Centre the em box in the line: the baseline sits 0.38 em below
            // the line's middle for these faces (ascent 0.8, descent 0.2,
            // with Hangul drawn a little above the baseline).
            let y = b.top() + (i as f32 + 0.5) * b.line_height + 0.34 * b.size;
            let line = escape(line);
            if placed.role == Role::Title && style == ImageStyle::Fancy {
                let d = b.size * 0.05;
                let _ = write!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" font-family="{}" font-weight="{}" font-size="{:.1}" text-anchor="{anchor}" fill="#000000" opacity="0.45">{line}</text>"##,
                    x + d,
                    y + d,
                    face.family,
                    face.weight,
                    b.size
                );
            }
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{y:.1}" font-family="{}" font-weight="{}" font-size="{:.1}" text-anchor="{anchor}" fill="{fill}">{line}</text>"#,
                face.family, face.weight, b.size
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The owner's photos, decoded once per job and shared by its images.
#[derive(Debug, Clone, Default)]
pub struct Photos {
    /// The product or store photo: the picture under every style's art.
    pub product: Option<std::sync::Arc<image::RgbaImage>>,
    /// The store's logo, drawn in the top corner.
    pub logo: Option<std::sync::Arc<image::RgbaImage>>,
}

/// How much of the style's background covers a product photo: enough for
/// the words to stay legible, little enough for the photo to be seen.
const BACKDROP_OVER_PHOTO: f32 = 0.55;
/// The logo's box: this share of the shorter side, this far from the edges.
const LOGO_SHARE: f32 = 0.16;
const LOGO_MARGIN_SHARE: f32 = 0.035;

/// Renders one image: SVG → pixels → PNG (RGB, no alpha: the canvas is opaque).
#[cfg(test)]
pub fn render(
    text: &ImageText,
    industry: &str,
    style: ImageStyle,
    platform: ImagePlatform,
) -> Result<Rendered, RenderError> {
    render_with(text, industry, &Photos::default(), style, platform)
}

/// [`render`] with the owner's photos: the product photo fills the canvas
/// under the style's art, the logo sits in the top right corner.
pub fn render_with(
    text: &ImageText,
    industry: &str,
    photos: &Photos,
    style: ImageStyle,
    platform: ImagePlatform,
) -> Result<Rendered, RenderError> {
    let (width, height) = platform.size();
    let backdrop = photos.product.as_ref().map(|_| BACKDROP_OVER_PHOTO);
    let document = svg_over(text, industry, style, platform, backdrop);
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).ok_or(RenderError::Canvas(width, height))?;
    if let Some(photo) = &photos.product {
        let cover = cover(photo, width, height);
        draw(&mut pixmap, &cover, 0, 0);
    }
    rasterise_onto(&document, &mut pixmap)?;
    if let Some(logo) = &photos.logo {
        let side = (width.min(height) as f32 * LOGO_SHARE).round() as u32;
        let margin = (width.min(height) as f32 * LOGO_MARGIN_SHARE).round() as i32;
        let fitted = image::imageops::resize(
            logo.as_ref(),
            fit(logo.width(), logo.height(), side).0,
            fit(logo.width(), logo.height(), side).1,
            image::imageops::FilterType::Triangle,
        );
        let x = width as i32 - margin - fitted.width() as i32;
        draw(&mut pixmap, &fitted, x, margin);
    }
    let data = encode_png(&pixmap)?;
    Ok(Rendered {
        style,
        platform,
        width,
        height,
        content_type: "image/png",
        extension: "png",
        data,
    })
}

/// `(w, h)` scaled to fit a `side`×`side` box, aspect kept.
fn fit(w: u32, h: u32, side: u32) -> (u32, u32) {
    let scale = side as f32 / w.max(h).max(1) as f32;
    (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    )
}

/// The photo scaled to cover `width`×`height` and cropped to it, centred.
fn cover(photo: &image::RgbaImage, width: u32, height: u32) -> image::RgbaImage {
    let scale = (width as f32 / photo.width().max(1) as f32)
        .max(height as f32 / photo.height().max(1) as f32);
    let w = ((photo.width() as f32 * scale).ceil() as u32).max(width);
    let h = ((photo.height() as f32 * scale).ceil() as u32).max(height);
    let scaled = image::imageops::resize(photo, w, h, image::imageops::FilterType::Triangle);
    image::imageops::crop_imm(&scaled, (w - width) / 2, (h - height) / 2, width, height).to_image()
}

/// Draws an RGBA picture onto the canvas at `(x, y)`, alpha blended.
fn draw(canvas: &mut tiny_skia::Pixmap, picture: &image::RgbaImage, x: i32, y: i32) {
    let Some(mut layer) = tiny_skia::Pixmap::new(picture.width(), picture.height()) else {
        return;
    };
    // tiny-skia holds premultiplied colour.
    for (dst, src) in layer.data_mut().chunks_exact_mut(4).zip(picture.pixels()) {
        let a = u16::from(src[3]);
        let premultiply = |c: u8| ((u16::from(c) * a + 127) / 255) as u8;
        dst.copy_from_slice(&[
            premultiply(src[0]),
            premultiply(src[1]),
            premultiply(src[2]),
            src[3],
        ]);
    }
    canvas.draw_pixmap(
        x,
        y,
        layer.as_ref(),
        &tiny_skia::PixmapPaint::default(),
        tiny_skia::Transform::identity(),
        None,
    );
}

/// Draws an SVG document over what the canvas holds.
fn rasterise_onto(document: &str, pixmap: &mut tiny_skia::Pixmap) -> Result<(), RenderError> {
    let fonts = Fonts::get();
    let options = usvg::Options {
        fontdb: fonts.database(),
        font_family: fonts.face_ref(Face::Regular).family.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(document, &options)?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(())
}

fn encode_png(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, RenderError> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
