use super::*;

fn text(title: &str) -> ImageText {
    ImageText {
        title: title.into(),
        prize: "아메리카노 1잔 무료".into(),
        period: "2026.12.01 ~ 2026.12.14".into(),
        store_name: "맛있는집".into(),
        call_to_action: "지금 참여하세요!".into(),
    }
}

/// Decodes a PNG into (width, height, RGB bytes).
fn decode(data: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(data));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Pixels that differ between two same-size RGB images inside `area`, and outside it.
fn differing(a: &[u8], b: &[u8], width: u32, area: Rect) -> (usize, usize) {
    let (mut inside, mut outside) = (0, 0);
    for (i, (pa, pb)) in a.chunks_exact(3).zip(b.chunks_exact(3)).enumerate() {
        let diff: i32 = pa
            .iter()
            .zip(pb)
            .map(|(x, y)| (i32::from(*x) - i32::from(*y)).abs())
            .sum();
        if diff > 60 {
            let (x, y) = ((i as u32 % width) as f32, (i as u32 / width) as f32);
            if x >= area.x && x < area.right() && y >= area.y && y < area.bottom() {
                inside += 1;
            } else {
                outside += 1;
            }
        }
    }
    (inside, outside)
}

#[test]
fn every_style_and_platform_is_a_png_of_the_exact_size_under_500_kb() {
    for style in ImageStyle::ALL {
        for platform in ImagePlatform::ALL {
            let image = render(
                &text("겨울 한정 따뜻한 라떼 이벤트"),
                "카페",
                style,
                platform,
            )
            .expect("render");
            let (w, h, _) = decode(&image.data);
            assert_eq!((w, h), platform.size(), "{style:?} {platform:?}");
            assert_eq!((image.width, image.height), platform.size());
            assert_eq!(image.content_type, "image/png");
            assert!(
                image.data.len() <= 500 * 1024,
                "{style:?} {platform:?}: {} bytes",
                image.data.len()
            );
        }
    }
}

#[test]
fn a_korean_title_puts_ink_inside_the_title_area_and_nowhere_else() {
    for style in ImageStyle::ALL {
        let platform = ImagePlatform::Kakao;
        let with = decode(
            &render(
                &text("크리스마스 케이크 예약 할인"),
                "베이커리",
                style,
                platform,
            )
            .expect("render")
            .data,
        );
        let without = decode(
            &render(&text(""), "베이커리", style, platform)
                .expect("render")
                .data,
        );
        let area = compose(&text("크리스마스 케이크 예약 할인"), style, platform)
            .get(Role::Title)
            .expect("title")
            .block
            .area;
        let (inside, outside) = differing(&with.2, &without.2, with.0, area);
        // Two lines of bold Hangul at this size cover thousands of pixels.
        assert!(
            inside > 3000,
            "{style:?}: only {inside} pixels of title ink"
        );
        assert_eq!(outside, 0, "{style:?}: the title spilled out of its area");
    }
}

#[test]
fn the_three_styles_differ_in_their_pixels() {
    let images: Vec<Vec<u8>> = ImageStyle::ALL
        .iter()
        .map(|s| {
            decode(
                &render(&text("봄맞이 세일"), "음식점", *s, ImagePlatform::Naver)
                    .expect("render")
                    .data,
            )
            .2
        })
        .collect();
    let (w, h) = ImagePlatform::Naver.size();
    let whole = Rect {
        x: 0.0,
        y: 0.0,
        w: w as f32,
        h: h as f32,
    };
    for (i, j) in [(0, 1), (1, 2), (0, 2)] {
        let (changed, _) = differing(&images[i], &images[j], w, whole);
        assert!(
            changed as f32 > 0.5 * (w * h) as f32,
            "styles {i} and {j} share most pixels ({changed} differ)"
        );
    }
}

#[test]
fn the_industry_tints_the_image() {
    let a = decode(
        &render(
            &text("세일"),
            "카페",
            ImageStyle::Simple,
            ImagePlatform::Kakao,
        )
        .expect("render")
        .data,
    )
    .2;
    let b = decode(
        &render(
            &text("세일"),
            "헬스장",
            ImageStyle::Simple,
            ImagePlatform::Kakao,
        )
        .expect("render")
        .data,
    )
    .2;
    assert_ne!(a, b);
}

#[test]
fn markup_in_the_text_is_printed_not_interpreted() {
    let sneaky = text("<b>1+1</b> & \"특가\"");
    let document = svg(&sneaky, "카페", ImageStyle::Simple, ImagePlatform::Kakao);
    assert!(document.contains("&lt;b&gt;1+1&lt;/b&gt;"));
    assert!(document.contains("&amp;") && document.contains("&quot;특가&quot;"));
    assert!(!document.contains("<b>"));
    render(&sneaky, "카페", ImageStyle::Fancy, ImagePlatform::Kakao).expect("renders");
}

#[test]
fn a_very_long_title_stays_inside_its_area_on_every_platform() {
    let long = "우리 가게를 찾아주시는 모든 손님께 감사드리는 마음으로 준비한 연말 맞이 대박 경품 추첨 이벤트 ".repeat(3);
    for platform in ImagePlatform::ALL {
        let comp = compose(&text(&long), ImageStyle::Simple, platform);
        let title = &comp.get(Role::Title).expect("title").block;
        assert!(title.ellipsized);
        assert!(title.height() <= title.area.h);
        let with = decode(
            &render(&text(&long), "카페", ImageStyle::Simple, platform)
                .expect("render")
                .data,
        );
        let without = decode(
            &render(&text(""), "카페", ImageStyle::Simple, platform)
                .expect("render")
                .data,
        );
        let (inside, outside) = differing(&with.2, &without.2, with.0, title.area);
        assert!(
            inside > 0 && outside == 0,
            "{platform:?}: {inside} in, {outside} out"
        );
    }
}
