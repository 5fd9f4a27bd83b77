//! The embedded Korean fonts (NanumSquare, SIL Open Font License 1.1; the
//! licence is in `assets/fonts/`). Embedding them means a fresh machine
//! renders legible Hangul with no font installed, and the layout measures
//! text with the very metrics the renderer draws with.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;

static REGULAR: &[u8] = include_bytes!("../assets/fonts/NanumSquareR.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/NanumSquareB.ttf");
static ROUND_BOLD: &[u8] = include_bytes!("../assets/fonts/NanumSquareRoundB.ttf");

/// One of the embedded faces; the styles pick their typography from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// NanumSquare Regular: body text.
    Regular,
    /// NanumSquare Bold: headlines of the simple and fancy styles.
    Bold,
    /// NanumSquareRound Bold: the rounded, playful headline of the trendy style.
    RoundBold,
}

impl Face {
    pub const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::RoundBold];

    fn data(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::RoundBold => ROUND_BOLD,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What the SVG needs to select a face: its family name and weight as fontdb read them.
#[derive(Debug, Clone)]
pub struct FaceRef {
    pub family: String,
    pub weight: u16,
}

/// The parsed fonts: a fontdb database for the renderer and ttf-parser
/// faces for measuring.
pub struct Fonts {
    db: Arc<fontdb::Database>,
    faces: Vec<ttf_parser::Face<'static>>,
    refs: Vec<FaceRef>,
}

impl Fonts {
    /// The process-wide fonts, parsed once.
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(Fonts::load)
    }

    fn load() -> Fonts {
        let mut db = fontdb::Database::new();
        let mut faces = Vec::new();
        let mut refs = Vec::new();
        for face in Face::ALL {
            // The bytes are compiled in and checked by the tests; failing to
            // parse them is a broken build, not a runtime condition.
            let parsed = ttf_parser::Face::parse(face.data(), 0).expect("embedded font parses");
            let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(face.data())));
            let info = ids
                .first()
                .and_then(|id| db.face(*id))
                .expect("embedded font is registered");
            refs.push(FaceRef {
                family: info.families[0].0.clone(),
                weight: info.weight.0,
            });
            faces.push(parsed);
        }
        Fonts {
            db: Arc::new(db),
            faces,
            refs,
        }
    }

    /// The database handed to usvg; it holds only the embedded faces, so
    /// nothing depends on what the machine has installed.
    pub fn database(&self) -> Arc<fontdb::Database> {
        self.db.clone()
    }

    /// Family and weight to name `face` in SVG.
    pub fn face_ref(&self, face: Face) -> &FaceRef {
        &self.refs[face.index()]
    }

    /// Whether `face` has a glyph for `c`.
    pub fn covers(&self, face: Face, c: char) -> bool {
        self.faces[face.index()].glyph_index(c).is_some()
    }

    /// Width of `text` at `size` px: the sum of the glyphs' advances.
    /// Kerning is left out; it only ever narrows Korean and Latin text
    /// slightly, so this errs on the side of fitting.
    pub fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        let f = &self.faces[face.index()];
        let scale = size / f32::from(f.units_per_em());
        let units: u32 = text
            .chars()
            .map(|c| {
                f.glyph_index(c)
                    .and_then(|g| f.glyph_hor_advance(g))
                    .map(u32::from)
                    .unwrap_or(0)
            })
            .sum();
        units as f32 * scale
    }

    /// Keeps the characters `face` can draw: controls become spaces and
    /// anything without a glyph (emoji, rare symbols) is left out rather
    /// than drawn as a tofu box.
    pub fn drawable(&self, face: Face, text: &str) -> String {
        let cleaned: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .filter(|c| *c == ' ' || self.covers(face, *c))
            .collect();
        cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_draws_all_hangul_syllables_and_printable_ascii() {
        let fonts = Fonts::get();
        for face in Face::ALL {
            let missing: Vec<char> = ('\u{AC00}'..='\u{D7A3}')
                .chain(' '..='~')
                .chain(crate::layout::SYMBOLS.chars())
                .filter(|c| !fonts.covers(face, *c))
                .collect();
            assert!(
                missing.is_empty(),
                "{face:?} lacks {} glyphs, e.g. {:?}",
                missing.len(),
                &missing[..missing.len().min(5)]
            );
        }
    }

    #[test]
    fn the_three_faces_are_distinct_and_named_for_svg() {
        let fonts = Fonts::get();
        let r = fonts.face_ref(Face::Regular);
        let b = fonts.face_ref(Face::Bold);
        let rb = fonts.face_ref(Face::RoundBold);
        assert_eq!(r.family, b.family);
        assert!(
            b.weight > r.weight,
            "bold is heavier: {} vs {}",
            b.weight,
            r.weight
        );
        assert_ne!(rb.family, b.family);
    }

    #[test]
    fn text_without_glyphs_is_left_out_instead_of_drawn_as_tofu() {
        let fonts = Fonts::get();
        assert!(!fonts.covers(Face::Bold, '🎉'));
        assert_eq!(
            fonts.drawable(Face::Bold, "오픈 🎉 기념\n이벤트"),
            "오픈 기념 이벤트"
        );
    }

    #[test]
    fn width_grows_with_text_and_size() {
        let fonts = Fonts::get();
        let one = fonts.width(Face::Bold, "가", 100.0);
        assert!(
            one > 50.0 && one < 130.0,
            "a syllable is about one em wide: {one}"
        );
        let two = fonts.width(Face::Bold, "가나", 100.0);
        assert!((two - 2.0 * one).abs() < 0.01);
        assert!((fonts.width(Face::Bold, "가", 50.0) - one / 2.0).abs() < 0.01);
    }
}
