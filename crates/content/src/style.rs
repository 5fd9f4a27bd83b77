//! The look of each style: palette (tinted by the store's industry),
//! typography and the background art, as SVG fragments.
//!
//! - 심플 SIMPLE: light, calm, one accent colour, thin rules, regular body text.
//! - 화려한 FANCY: deep radial gradient, sunburst, gold frame, confetti and
//!   sparkles, gold headline with a shadow.
//! - 트렌디 TRENDY: vivid diagonal gradient, big translucent blobs and a
//!   stripe band, rounded heavy headline set flush left, black pill.

use std::fmt::Write;

use contracts::content::ImageStyle;
use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::{fonts::Face, layout::Align};

/// Colours of one style for one industry, as `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub text: String,
    pub subtext: String,
    pub accent: String,
    pub cta_fill: String,
    pub cta_text: String,
}

/// Faces and alignment of one style.
#[derive(Debug, Clone, Copy)]
pub struct Typography {
    pub headline: Face,
    pub body: Face,
    pub align: Align,
}

/// The hue (degrees) an industry leans to; unknown industries get a stable
/// hue of their own from their name.
pub fn industry_hue(industry: &str) -> f32 {
    const HUES: &[(&str, f32)] = &[
        ("카페", 28.0),
        ("커피", 28.0),
        ("베이커리", 40.0),
        ("빵", 40.0),
        ("음식", 8.0),
        ("식당", 8.0),
        ("치킨", 20.0),
        ("미용", 330.0),
        ("헤어", 330.0),
        ("네일", 345.0),
        ("학원", 215.0),
        ("교육", 215.0),
        ("헬스", 145.0),
        ("피트니스", 145.0),
        ("꽃", 300.0),
        ("소매", 190.0),
        ("마트", 190.0),
        ("편의점", 190.0),
    ];
    HUES.iter()
        .find(|(word, _)| industry.contains(word))
        .map(|(_, hue)| *hue)
        .unwrap_or_else(|| {
            let sum: u32 = industry
                .chars()
                .map(u32::from)
                .fold(7, |a, c| a.wrapping_mul(31).wrapping_add(c));
            (sum % 360) as f32
        })
}

/// `hsl(h, s%, l%)` as `#rrggbb`.
pub fn hsl(h: f32, s: f32, l: f32) -> String {
    let (s, l) = (s / 100.0, l / 100.0);
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h.rem_euclid(360.0) / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let byte = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// The palette of `style` tinted for `industry`.
pub fn palette(style: ImageStyle, industry: &str) -> Palette {
    let h = industry_hue(industry);
    match style {
        ImageStyle::Simple => Palette {
            text: hsl(h, 25.0, 14.0),
            subtext: hsl(h, 12.0, 34.0),
            accent: hsl(h, 62.0, 42.0),
            cta_fill: hsl(h, 62.0, 42.0),
            cta_text: "#ffffff".into(),
        },
        ImageStyle::Fancy => Palette {
            text: "#fff8e1".into(),
            subtext: "#f3e3b0".into(),
            accent: "#f5c542".into(),
            cta_fill: "#f5c542".into(),
            cta_text: hsl(h, 70.0, 16.0),
        },
        ImageStyle::Trendy => Palette {
            text: "#111111".into(),
            subtext: "#222222".into(),
            accent: hsl(h + 180.0, 90.0, 55.0),
            cta_fill: "#111111".into(),
            cta_text: "#e6ff3f".into(),
        },
    }
}

/// Headline and body faces and the alignment of `style`.
pub fn typography(style: ImageStyle) -> Typography {
    match style {
        ImageStyle::Simple => Typography {
            headline: Face::Bold,
            body: Face::Regular,
            align: Align::Center,
        },
        ImageStyle::Fancy => Typography {
            headline: Face::Bold,
            body: Face::Bold,
            align: Align::Center,
        },
        ImageStyle::Trendy => Typography {
            headline: Face::RoundBold,
            body: Face::RoundBold,
            align: Align::Left,
        },
    }
}

/// `<defs>` and the background art of `style` on a `w` × `h` canvas.
pub fn background(style: ImageStyle, industry: &str, w: f32, h: f32) -> String {
    let hue = industry_hue(industry);
    let s = w.min(h);
    let mut svg = String::new();
    match style {
        ImageStyle::Simple => {
            let (top, bottom, accent) = (
                hsl(hue, 30.0, 98.0),
                hsl(hue, 28.0, 92.0),
                hsl(hue, 62.0, 42.0),
            );
            let _ = write!(
                svg,
                r#"<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/></linearGradient></defs><rect width="{w}" height="{h}" fill="url(#bg)"/><rect width="{w}" height="{bar}" fill="{accent}"/><rect x="{rx}" y="{ry}" width="{rw}" height="{rh}" fill="{accent}"/><rect x="{m}" y="{by}" width="{bw}" height="{t}" fill="{accent}" opacity="0.35"/>"#,
                bar = 0.014 * h,
                rx = (w - 0.12 * w) / 2.0,
                ry = 0.525 * h,
                rw = 0.12 * w,
                rh = 0.006 * s,
                m = 0.07 * s,
                by = h - 0.045 * s,
                bw = w - 0.14 * s,
                t = 0.003 * s,
            );
        }
        ImageStyle::Fancy => {
            let (centre, edge) = (hsl(hue, 65.0, 30.0), hsl(hue, 70.0, 9.0));
            let _ = write!(
                svg,
                r##"<defs><radialGradient id="bg" cx="0.5" cy="0.38" r="0.75"><stop offset="0" stop-color="{centre}"/><stop offset="1" stop-color="{edge}"/></radialGradient><linearGradient id="gold" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff1b8"/><stop offset="0.55" stop-color="#f5c542"/><stop offset="1" stop-color="#c98a12"/></linearGradient></defs><rect width="{w}" height="{h}" fill="url(#bg)"/>"##
            );
            // Sunburst behind the headline.
            let (cx, cy, r) = (w / 2.0, 0.33 * h, 1.2 * w.max(h));
            for i in 0..18 {
                let a0 = (i as f32) * std::f32::consts::TAU / 18.0;
                let a1 = a0 + std::f32::consts::TAU / 36.0;
                let _ = write!(
                    svg,
                    r##"<path d="M{cx} {cy} L{:.1} {:.1} L{:.1} {:.1} Z" fill="#ffffff" opacity="0.06"/>"##,
                    cx + r * a0.cos(),
                    cy + r * a0.sin(),
                    cx + r * a1.cos(),
                    cy + r * a1.sin()
                );
            }
            // Double gold frame.
            for (inset, width) in [(0.028, 0.008), (0.045, 0.003)] {
                let (i, sw) = (inset * s, width * s);
                let _ = write!(
                    svg,
                    r#"<rect x="{i}" y="{i}" width="{}" height="{}" fill="none" stroke="url(#gold)" stroke-width="{sw}"/>"#,
                    w - 2.0 * i,
                    h - 2.0 * i
                );
            }
            confetti(&mut svg, hue, w, h, s);
        }
        ImageStyle::Trendy => {
            let (a, b, blob) = (
                hsl(hue, 92.0, 66.0),
                hsl(hue + 55.0, 88.0, 72.0),
                hsl(hue + 180.0, 90.0, 60.0),
            );
            let _ = write!(
                svg,
                r##"<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{a}"/><stop offset="1" stop-color="{b}"/></linearGradient></defs><rect width="{w}" height="{h}" fill="url(#bg)"/><circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="{blob}" opacity="0.45"/><circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="#ffffff" opacity="0.35"/><path d="M0 {:.1} L{w} {:.1} L{w} {:.1} L0 {:.1} Z" fill="#ffffff" opacity="0.28"/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#111111"/>"##,
                w * 0.92,
                h * 0.1,
                0.34 * s,
                w * 0.05,
                h * 0.98,
                0.26 * s,
                h * 0.62,
                h * 0.48,
                h * 0.58,
                h * 0.74,
                0.07 * s,
                0.135 * h,
                0.16 * w,
                0.012 * s,
            );
            for i in 0..5 {
                let _ = write!(
                    svg,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="#111111"/>"##,
                    w * 0.74 + i as f32 * 0.035 * s,
                    h * 0.9,
                    0.008 * s
                );
            }
        }
    }
    svg
}

/// Scattered confetti and four-point sparkles, the same every time for an
/// industry so a re-render looks like the image it replaces.
fn confetti(svg: &mut String, hue: f32, w: f32, h: f32, s: f32) {
    let mut rng = StdRng::seed_from_u64(hue as u64 + 17);
    let colours = [
        "#f5c542".to_string(),
        "#ffffff".to_string(),
        hsl(hue + 40.0, 85.0, 62.0),
        hsl(hue + 200.0, 80.0, 65.0),
    ];
    for i in 0..42 {
        // Keep to the edges so the words stay clear.
        // The top band leaves the middle to the store name.
        let x = match (i % 2, rng.gen_bool(0.5)) {
            (0, true) => rng.gen_range(0.05..0.3),
            (0, false) => rng.gen_range(0.7..0.95),
            _ => rng.gen_range(0.05..0.95),
        } * w;
        let y = if i % 2 == 0 {
            rng.gen_range(0.05..0.14)
        } else {
            rng.gen_range(0.9..0.95)
        } * h;
        let (cw, ch) = (
            rng.gen_range(0.008..0.02) * s,
            rng.gen_range(0.004..0.01) * s,
        );
        let angle: f32 = rng.gen_range(0.0..180.0);
        let colour = &colours[i % colours.len()];
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{cw:.1}" height="{ch:.1}" fill="{colour}" opacity="0.9" transform="rotate({angle:.0} {x:.1} {y:.1})"/>"#,
            x - cw / 2.0,
            y - ch / 2.0
        );
    }
    for (fx, fy, fr) in [
        (0.1, 0.1, 0.03),
        (0.9, 0.11, 0.025),
        (0.09, 0.84, 0.025),
        (0.91, 0.83, 0.035),
    ] {
        let (cx, cy, r) = (fx * w, fy * h, fr * s);
        let q = r * 0.22;
        let _ = write!(
            svg,
            r##"<path d="M{cx:.1} {:.1} L{:.1} {:.1} L{:.1} {cy:.1} L{:.1} {:.1} L{cx:.1} {:.1} L{:.1} {:.1} L{:.1} {cy:.1} L{:.1} {:.1} Z" fill="#fff1b8"/>"##,
            cy - r,
            cx + q,
            cy - q,
            cx + r,
            cx + q,
            cy + q,
            cy + r,
            cx - q,
            cy + q,
            cx - r,
            cx - q,
            cy - q
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsl_converts_primary_colours() {
        assert_eq!(hsl(0.0, 100.0, 50.0), "#ff0000");
        assert_eq!(hsl(120.0, 100.0, 50.0), "#00ff00");
        assert_eq!(hsl(240.0, 100.0, 50.0), "#0000ff");
        assert_eq!(hsl(0.0, 0.0, 100.0), "#ffffff");
    }

    #[test]
    fn industries_tint_the_palette_and_unknown_ones_are_stable() {
        assert_ne!(
            palette(ImageStyle::Simple, "카페").accent,
            palette(ImageStyle::Simple, "헬스장").accent
        );
        assert_eq!(
            industry_hue("꽃꽂이 공방 아무개"),
            industry_hue("꽃꽂이 공방 아무개")
        );
        assert_eq!(industry_hue("동네 카페"), industry_hue("카페"));
    }

    #[test]
    fn the_styles_differ_in_palette_typography_and_art() {
        let [s, f, t] = ImageStyle::ALL.map(|st| {
            (
                palette(st, "카페"),
                typography(st),
                background(st, "카페", 800.0, 800.0),
            )
        });
        assert!(s.0 != f.0 && f.0 != t.0 && s.0 != t.0);
        assert_ne!(s.1.body, f.1.body);
        assert_ne!(f.1.headline, t.1.headline);
        assert_ne!(s.1.align, t.1.align);
        assert!(f.2.contains("radialGradient") && !s.2.contains("radialGradient"));
        assert!(t.2.contains("<circle") && !s.2.contains("<circle"));
    }
}
