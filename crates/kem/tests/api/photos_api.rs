//! The owner's photos over HTTP (issue 12): a phone's JPEG is taken,
//! re-encoded without its EXIF (no GPS position leaves the store), and
//! drawn into the images generated afterwards; oversized, non-image and
//! unsupported files are refused with a code and a Korean message.

use content::image::{codecs::jpeg::JpegEncoder, RgbImage};
use serde_json::Value;

use crate::support::{journey::images, Answer, Api, TestApp};

const BOUNDARY: &str = "kem-photo-boundary-7d1f";

/// A multipart body with `kind` and a `file` named `filename` of `mime`.
fn form(kind: &str, filename: &str, mime: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(t: &TestApp, token: Option<&str>, id: &str, body: Vec<u8>) -> Answer {
    let mut req = t
        .http()
        .post(t.url(&format!("/api/events/{id}/photos")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    t.send(req).await
}

/// A photo as a phone makes it: a JPEG whose EXIF block holds a GPS
/// position (37.5665 N, the centre of Seoul) and a camera name.
fn phone_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        content::image::Rgb([(x * 7 % 256) as u8, (y * 3 % 256) as u8, 160])
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&img)
        .expect("jpeg");
    // TIFF (little endian): IFD0 = {Make, GPSInfo → GPS IFD}; GPS IFD = {GPSLatitudeRef "N", GPSLatitude 37/1 33/1 5994/100}.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend_from_slice(&kind.to_le_bytes());
        e.extend_from_slice(&count.to_le_bytes());
        e.extend_from_slice(&value.to_le_bytes());
        e
    };
    // IFD0 at 8: 2 entries (2 + 24 + 4 bytes) → ends at 38; "KEMPHONE\0" at 38 (9 bytes) → 47, pad to 48.
    let gps_ifd = 48u32;
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend(entry(0x010F, 2, 9, 38));
    tiff.extend(entry(0x8825, 4, 1, gps_ifd));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"KEMPHONE\0\0");
    // GPS IFD at 48: 2 entries → ends at 78; rationals at 78.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
    tiff.extend(entry(0x0002, 5, 3, 78));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (n, d) in [(37u32, 1u32), (33, 1), (5994, 100)] {
        tiff.extend_from_slice(&n.to_le_bytes());
        tiff.extend_from_slice(&d.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_phone_photo_is_taken_without_its_location_and_drawn_into_the_images() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let id = crate::support::journey::ready_draft(&t, &token, uid, &["INSTAGRAM"]).await;
    let photo = phone_jpeg(1600, 1200);
    assert!(contains(&photo, b"Exif\0\0") && contains(&photo, b"KEMPHONE"));
    assert!(
        content::image::load_from_memory(&photo).is_ok(),
        "the test photo is a valid JPEG"
    );

    let a = upload(
        &t,
        Some(&token),
        &id,
        form("product", "IMG_0001.JPG", "image/jpeg", &photo),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["kind"], "product");
    assert_eq!(
        (a.body["width"].as_u64(), a.body["height"].as_u64()),
        (Some(1600), Some(1200))
    );
    let url = a.body["url"].as_str().expect("url").to_string();
    let stored = t.http().get(t.url(&url)).send().await.expect("photo");
    assert_eq!(stored.status(), 200);
    let stored = stored.bytes().await.expect("bytes");
    assert!(!contains(&stored, b"Exif"), "no EXIF block is kept");
    assert!(!contains(&stored, b"KEMPHONE"), "no camera name is kept");
    let decoded = content::image::load_from_memory(&stored).expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (1600, 1200));

    // The view lists it; a logo joins it; a second product photo replaces the first.
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(
        view["photos"],
        serde_json::json!([{"kind": "product", "url": url, "width": 1600, "height": 1200}])
    );
    let mut logo = Vec::new();
    content::image::RgbaImage::from_pixel(300, 120, content::image::Rgba([200, 30, 30, 255]))
        .write_with_encoder(content::image::codecs::png::PngEncoder::new(&mut logo))
        .expect("png");
    let a = upload(
        &t,
        Some(&token),
        &id,
        form("logo", "logo.png", "image/png", &logo),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let a = upload(
        &t,
        Some(&token),
        &id,
        form("product", "second.jpg", "image/jpeg", &phone_jpeg(800, 800)),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    let photos = view["photos"].as_array().expect("photos");
    assert_eq!(photos.len(), 2, "{view}");
    assert!(photos
        .iter()
        .any(|p| p["kind"] == "product" && p["width"] == 800));

    // Images generated now carry the photo: they differ from the plain ones.
    let plain = images(&t, &token, &id, serde_json::json!({"platforms": ["KAKAO"]})).await;
    assert_eq!(plain["status"], "COMPLETED", "{plain}");
    let with_photo_url = plain["images"][0]["url"].as_str().expect("url").to_string();
    let bytes = t
        .http()
        .get(t.url(&with_photo_url))
        .send()
        .await
        .expect("image")
        .bytes()
        .await
        .expect("bytes");
    let poster = content::image::load_from_memory(&bytes)
        .expect("png")
        .to_rgb8();
    // The logo (red) is drawn in the top right corner.
    let (w, _) = poster.dimensions();
    let corner = poster.get_pixel(w - 800 * 35 / 1000 - 10, 800 * 35 / 1000 + 10);
    assert!(corner[0] > 150 && corner[1] < 90, "logo pixel {corner:?}");

    // Removing a photo: 204, and it is gone from the view.
    let a = t
        .delete(&format!("/api/events/{id}/photos/logo"), Some(&token))
        .await;
    assert_eq!(a.status, 204, "{}", a.body);
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["photos"].as_array().map(Vec::len), Some(1), "{view}");
}

#[tokio::test]
async fn files_that_are_not_usable_photos_are_refused_with_a_reason() {
    let t = crate::support::spawn().await;
    let (token, uid) = t.owner().await;
    let id = t.draft(&token, uid).await;
    let korean = |a: &Answer| {
        let m = a.body["message"].as_str().unwrap_or_default().to_string();
        assert!(
            m.chars().any(|c| ('가'..='힣').contains(&c)),
            "Korean message: {}",
            a.body
        );
        m
    };

    // Larger than 10 MB.
    let mut big = phone_jpeg(64, 64);
    big.resize(10 * 1024 * 1024 + 10, 0);
    let a = upload(
        &t,
        Some(&token),
        &id,
        form("product", "big.jpg", "image/jpeg", &big),
    )
    .await;
    assert_eq!((a.status, a.code()), (413, "PHOTO_002"), "{}", a.body);
    korean(&a);
    // Not an image (a text file).
    let a = upload(
        &t,
        Some(&token),
        &id,
        form("product", "memo.txt", "text/plain", b"hello"),
    )
    .await;
    assert_eq!((a.status, a.code()), (415, "PHOTO_004"), "{}", a.body);
    // Not an image, named and typed as one.
    let a = upload(
        &t,
        Some(&token),
        &id,
        form(
            "product",
            "photo.jpg",
            "image/jpeg",
            b"%PDF-1.7 not a photo at all",
        ),
    )
    .await;
    assert_eq!((a.status, a.code()), (415, "PHOTO_004"), "{}", a.body);
    korean(&a);
    // An image of a type we do not take.
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let a = upload(
        &t,
        Some(&token),
        &id,
        form("logo", "logo.gif", "image/gif", gif),
    )
    .await;
    assert_eq!((a.status, a.code()), (415, "PHOTO_003"), "{}", a.body);
    // An iPhone's HEIC: refused, telling the owner the phone can send JPEG.
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.resize(4096, 0);
    let a = upload(
        &t,
        Some(&token),
        &id,
        form("product", "IMG_0002.HEIC", "image/heic", &heic),
    )
    .await;
    assert_eq!((a.status, a.code()), (415, "PHOTO_003"), "{}", a.body);
    assert!(korean(&a).contains("JPEG"), "{}", a.body);
    // A kind that is neither product nor logo, and no file at all.
    let a = upload(
        &t,
        Some(&token),
        &id,
        form("banner", "a.jpg", "image/jpeg", &phone_jpeg(8, 8)),
    )
    .await;
    assert_eq!((a.status, a.code()), (400, "PHOTO_001"), "{}", a.body);
    let only_kind = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nlogo\r\n--{BOUNDARY}--\r\n");
    let a = upload(&t, Some(&token), &id, only_kind.into_bytes()).await;
    assert_eq!((a.status, a.code()), (400, "PHOTO_001"), "{}", a.body);
    // JSON instead of a form.
    let a = t
        .post(
            &format!("/api/events/{id}/photos"),
            Some(&token),
            Value::Null,
        )
        .await;
    assert_eq!((a.status, a.code()), (400, "PHOTO_001"), "{}", a.body);

    // Only the owner, with a token.
    let a = upload(
        &t,
        None,
        &id,
        form("product", "a.jpg", "image/jpeg", &phone_jpeg(8, 8)),
    )
    .await;
    assert_eq!(a.status, 401);
    let (other, _) = t.owner().await;
    let a = upload(
        &t,
        Some(&other),
        &id,
        form("product", "a.jpg", "image/jpeg", &phone_jpeg(8, 8)),
    )
    .await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let a = t
        .delete(&format!("/api/events/{id}/photos/product"), Some(&other))
        .await;
    assert_eq!((a.status, a.code()), (403, "EVENT_003"));
    let a = t
        .delete(&format!("/api/events/{id}/photos/banner"), Some(&token))
        .await;
    assert_eq!((a.status, a.code()), (400, "PHOTO_001"));
    // Nothing was kept of the refused files.
    let view = t.get(&format!("/api/events/{id}"), Some(&token)).await.body;
    assert_eq!(view["photos"], serde_json::json!([]), "{view}");
}

#[tokio::test]
async fn the_openapi_document_has_the_owner_endpoints_and_fields() {
    let t = crate::support::spawn().await;
    let doc = t.get("/openapi.json", None).await.body;
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/events/{id}/photos", "post"),
        ("/api/events/{id}/photos/{kind}", "delete"),
        ("/api/events/{id}/duplicate", "post"),
        ("/api/content/photos", "post"),
        ("/api/events/{id}/participants", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path}"
        );
    }
    let view = &doc["components"]["schemas"]["EventView"]["properties"];
    for field in ["publicId", "entryUrl", "photos"] {
        assert!(view.get(field).is_some(), "EventView.{field}: {view}");
    }
}
