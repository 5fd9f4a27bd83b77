//! The owner's own photos (a product or store photo, and a logo): checked
//! by their bytes, never by their name or declared type, decoded, turned
//! upright, shrunk to what the posters need and encoded afresh. A fresh
//! encode carries nothing of the original file's metadata: no EXIF, so no
//! GPS position, camera serial or time.

use std::io::Cursor;

use image::{
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits,
};

/// Largest file taken: what a phone camera's JPEG comes to, with room.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Longest side kept of a product photo: twice the largest poster (1080).
const PRODUCT_MAX_SIDE: u32 = 2160;
/// Longest side kept of a logo: it is drawn small.
const LOGO_MAX_SIDE: u32 = 1024;
/// Longest side decoded at all: beyond a 100-megapixel camera.
const MAX_DECODED_SIDE: u32 = 12_000;
/// Memory one decode may take (a decompression bomb stops here).
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// Which photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoKind {
    /// A photo of the product or the store: the posters' picture.
    Product,
    /// The store's logo: drawn small in a corner, transparency kept.
    Logo,
}

impl PhotoKind {
    pub fn parse(raw: &str) -> Option<PhotoKind> {
        match raw.trim() {
            "product" => Some(PhotoKind::Product),
            "logo" => Some(PhotoKind::Logo),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PhotoKind::Product => "product",
            PhotoKind::Logo => "logo",
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("larger than {MAX_BYTES} bytes")]
    TooLarge,
    /// An image, but not one we take; the name of its format.
    #[error("unsupported image type {0}")]
    Unsupported(&'static str),
    /// HEIC/HEIF (an iPhone's own format): no decoder without system libraries.
    #[error("HEIC")]
    Heic,
    /// Not an image at all, or a broken one.
    #[error("not an image")]
    NotAnImage,
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// A photo ready to store.
#[derive(Debug, Clone)]
pub struct Processed {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub extension: &'static str,
}

/// An ISO base media file (`....ftyp`) of one of the HEIF brands.
fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif"
        )
}

/// Checks, decodes and re-encodes one uploaded file (CPU work: call it off
/// the async threads).
pub fn process(bytes: &[u8], kind: PhotoKind) -> Result<Processed, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png)) => f,
        Ok(ImageFormat::Avif) => return Err(PhotoError::Unsupported("AVIF")),
        Ok(other) => return Err(PhotoError::Unsupported(other.extensions_str()[0])),
        Err(_) if is_heif(bytes) => return Err(PhotoError::Heic),
        Err(_) => return Err(PhotoError::NotAnImage),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotAnImage)?;
    // Phones store portrait shots sideways with an EXIF orientation; the
    // EXIF goes, so the turn is applied to the pixels first.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::NotAnImage)?;
    picture.apply_orientation(orientation);
    let max_side = match kind {
        PhotoKind::Product => PRODUCT_MAX_SIDE,
        PhotoKind::Logo => LOGO_MAX_SIDE,
    };
    if picture.width() > max_side || picture.height() > max_side {
        picture = picture.resize(max_side, max_side, image::imageops::FilterType::Triangle);
    }
    let (width, height) = (picture.width(), picture.height());
    let mut data = Vec::new();
    let encoded = match kind {
        PhotoKind::Product => {
            let rgb = picture.to_rgb8();
            JpegEncoder::new_with_quality(&mut data, JPEG_QUALITY).encode_image(&rgb)
        }
        PhotoKind::Logo => picture
            .to_rgba8()
            .write_with_encoder(PngEncoder::new(&mut data)),
    };
    encoded.map_err(|e| PhotoError::Encode(e.to_string()))?;
    let (content_type, extension) = match kind {
        PhotoKind::Product => ("image/jpeg", "jpg"),
        PhotoKind::Logo => ("image/png", "png"),
    };
    Ok(Processed {
        data,
        width,
        height,
        content_type,
        extension,
    })
}

/// A stored photo decoded for drawing, RGBA.
pub fn decode_stored(bytes: &[u8]) -> Option<image::RgbaImage> {
    image::load_from_memory(bytes).ok().map(|i| i.to_rgba8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .expect("jpeg");
        out
    }

    #[test]
    fn a_big_photo_is_shrunk_and_re_encoded_as_jpeg() {
        let done = process(&jpeg(3000, 1500), PhotoKind::Product).expect("ok");
        assert_eq!((done.width, done.height), (2160, 1080));
        assert_eq!(done.content_type, "image/jpeg");
        assert_eq!(
            image::guess_format(&done.data).ok(),
            Some(ImageFormat::Jpeg)
        );
    }

    #[test]
    fn a_logo_keeps_transparency_as_png() {
        let img = image::RgbaImage::from_pixel(40, 20, image::Rgba([0, 0, 0, 0]));
        let mut png = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut png))
            .expect("png");
        let done = process(&png, PhotoKind::Logo).expect("ok");
        assert_eq!((done.width, done.height, done.extension), (40, 20, "png"));
        let back = decode_stored(&done.data).expect("decodes");
        assert_eq!(back.get_pixel(0, 0)[3], 0);
    }

    #[test]
    fn refusals_are_told_apart() {
        assert_eq!(
            process(b"%PDF-1.7 not a photo", PhotoKind::Product).unwrap_err(),
            PhotoError::NotAnImage
        );
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert_eq!(
            process(&heic, PhotoKind::Product).unwrap_err(),
            PhotoError::Heic
        );
        assert_eq!(
            process(b"GIF89a\x01\x00\x01\x00", PhotoKind::Product).unwrap_err(),
            PhotoError::Unsupported("gif")
        );
        let mut broken = jpeg(64, 64);
        broken.truncate(200);
        assert_eq!(
            process(&broken, PhotoKind::Product).unwrap_err(),
            PhotoError::NotAnImage
        );
        assert_eq!(
            process(&vec![0xFF; MAX_BYTES + 1], PhotoKind::Product).unwrap_err(),
            PhotoError::TooLarge
        );
        assert_eq!(PhotoKind::parse("logo"), Some(PhotoKind::Logo));
        assert_eq!(PhotoKind::parse("banner"), None);
    }
}
