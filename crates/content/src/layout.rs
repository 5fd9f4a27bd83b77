//! Where the words go: slots on the canvas for each piece of text, and text
//! fitted into its slot by wrapping at word boundaries (Korean breaks
//! between 어절), shrinking down to a minimum size, and finally cutting
//! the last line with an ellipsis. Pure geometry: the caller hands in the
//! width of a string at a size, measured with the real font.

/// Characters the templates draw themselves; the font must cover them.
#[cfg(test)]
pub const SYMBOLS: &str = "…~·:!";
/// Appended to a line that had to be cut.
pub const ELLIPSIS: &str = "…";

/// An axis-aligned rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    #[cfg(test)]
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    #[cfg(test)]
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    /// Whether the rectangle lies within a `width` × `height` canvas.
    #[cfg(test)]
    pub fn inside(&self, width: f32, height: f32) -> bool {
        self.x >= 0.0 && self.y >= 0.0 && self.right() <= width && self.bottom() <= height
    }
    /// Whether the two rectangles share any area.
    #[cfg(test)]
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// The pieces of text on an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Store,
    Title,
    Prize,
    Period,
    CallToAction,
}

/// Horizontal alignment of every block on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Center,
    Left,
}

/// How a piece of text may be sized.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub max_size: f32,
    pub min_size: f32,
    pub max_lines: usize,
    /// Line height as a multiple of the font size.
    pub leading: f32,
}

/// Text fitted into a rectangle.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBlock {
    pub lines: Vec<String>,
    pub size: f32,
    /// Line height in pixels.
    pub line_height: f32,
    /// The slot the text was fitted into.
    pub area: Rect,
    /// Whether the text was cut and ends with [`ELLIPSIS`].
    pub ellipsized: bool,
}

impl TextBlock {
    /// Height the lines take up.
    pub fn height(&self) -> f32 {
        self.lines.len() as f32 * self.line_height
    }
    /// Top of the first line: the block is centred vertically in its slot.
    pub fn top(&self) -> f32 {
        self.area.y + (self.area.h - self.height()) / 2.0
    }
}

/// Width of a string at a font size, in pixels.
pub type Measure<'a> = &'a dyn Fn(&str, f32) -> f32;

/// Fits `text` into `area`: the largest size from `fit.max_size` down to
/// `fit.min_size` at which the wrapped lines fit both the line limit and the
/// slot's height; at the minimum size, the lines that fit, the last one cut
/// with an ellipsis.
pub fn fit_text(text: &str, area: Rect, fit: Fit, width: Measure<'_>) -> TextBlock {
    let mut size = fit.max_size;
    loop {
        let line_height = size * fit.leading;
        let room = ((area.h / line_height).floor() as usize).clamp(1, fit.max_lines.max(1));
        let (lines, broke_word) = wrap_words(text, area.w, size, width);
        // Breaking a word apart is the last resort: shrink first.
        if lines.len() <= room && (!broke_word || size <= fit.min_size) {
            return TextBlock {
                lines,
                size,
                line_height,
                area,
                ellipsized: false,
            };
        }
        if size <= fit.min_size {
            let mut kept: Vec<String> = lines[..room - 1].to_vec();
            let rest = lines[room - 1..].join(" ");
            kept.push(ellipsize(&rest, area.w, size, width));
            return TextBlock {
                lines: kept,
                size,
                line_height,
                area,
                ellipsized: true,
            };
        }
        // Small steps keep the chosen size close to the largest that fits.
        size = (size * 0.93).max(fit.min_size);
    }
}

/// Greedy wrapping at spaces; a word wider than the line is broken between
/// characters (long Korean compounds, URLs).
#[cfg(test)]
pub fn wrap(text: &str, max_width: f32, size: f32, width: Measure<'_>) -> Vec<String> {
    wrap_words(text, max_width, size, width).0
}

/// [`wrap`], also telling whether a word had to be broken.
fn wrap_words(text: &str, max_width: f32, size: f32, width: Measure<'_>) -> (Vec<String>, bool) {
    let mut broke = false;
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, size) <= max_width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if width(word, size) <= max_width {
            current = word.to_string();
            continue;
        }
        broke = true;
        for c in word.chars() {
            current.push(c);
            if width(&current, size) > max_width && current.chars().count() > 1 {
                current.pop();
                lines.push(std::mem::replace(&mut current, c.to_string()));
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    (lines, broke)
}

/// `text` cut so that it and the ellipsis fit `max_width`.
fn ellipsize(text: &str, max_width: f32, size: f32, width: Measure<'_>) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    loop {
        let head: String = chars.iter().collect();
        let line = format!("{}{ELLIPSIS}", head.trim_end());
        if width(&line, size) <= max_width || chars.is_empty() {
            return line;
        }
        chars.pop();
    }
}

/// The slot of each role on a `width` × `height` canvas. Sizes scale with
/// the shorter side so square and landscape canvases read the same.
pub fn slot(role: Role, width: u32, height: u32, align: Align) -> (Rect, Fit) {
    let (w, h) = (width as f32, height as f32);
    let s = w.min(h);
    let margin = 0.07 * s;
    let full = |y: f32, rh: f32| Rect {
        x: margin,
        y: y * h,
        w: w - 2.0 * margin,
        h: rh * h,
    };
    let fit = |max: f32, min: f32, lines: usize, leading: f32| Fit {
        max_size: max * s,
        min_size: min * s,
        max_lines: lines,
        leading,
    };
    match role {
        Role::Store => (full(0.07, 0.06), fit(0.042, 0.026, 1, 1.2)),
        Role::Title => (full(0.15, 0.36), fit(0.115, 0.055, 3, 1.2)),
        Role::Prize => (full(0.54, 0.13), fit(0.06, 0.034, 2, 1.25)),
        Role::Period => (full(0.69, 0.06), fit(0.038, 0.026, 1, 1.2)),
        Role::CallToAction => {
            let pill_w = 0.62 * w;
            let x = match align {
                Align::Center => (w - pill_w) / 2.0,
                Align::Left => margin,
            };
            let pill = Rect {
                x,
                y: 0.78 * h,
                w: pill_w,
                h: 0.12 * h,
            };
            (pill, fit(0.05, 0.03, 1, 1.2))
        }
    }
}

/// The text area inside the call-to-action pill (padding on both sides).
pub fn pill_text_area(pill: Rect) -> Rect {
    let pad = pill.h * 0.5;
    Rect {
        x: pill.x + pad,
        y: pill.y,
        w: pill.w - 2.0 * pad,
        h: pill.h,
    }
}

#[cfg(test)]
mod tests;
