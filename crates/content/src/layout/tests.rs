use super::*;
use crate::fonts::{Face, Fonts};
use contracts::content::ImagePlatform;

fn bold(text: &str, size: f32) -> f32 {
    Fonts::get().width(Face::Bold, text, size)
}

const ROLES: [Role; 5] = [
    Role::Store,
    Role::Title,
    Role::Prize,
    Role::Period,
    Role::CallToAction,
];

fn title_slot(platform: ImagePlatform) -> (Rect, Fit) {
    let (w, h) = platform.size();
    slot(Role::Title, w, h, Align::Center)
}

fn assert_fits(block: &TextBlock, fit: Fit) {
    assert!(block.lines.len() <= fit.max_lines, "{:?}", block.lines);
    assert!(block.size >= fit.min_size - 0.01 && block.size <= fit.max_size + 0.01);
    assert!(
        block.height() <= block.area.h + 0.01,
        "{} > {}",
        block.height(),
        block.area.h
    );
    for line in &block.lines {
        let w = bold(line, block.size);
        assert!(
            w <= block.area.w + 0.01,
            "{line:?} is {w} wide in {}",
            block.area.w
        );
    }
}

#[test]
fn a_short_title_keeps_the_largest_size_on_one_line() {
    for platform in ImagePlatform::ALL {
        let (area, fit) = title_slot(platform);
        let block = fit_text("봄맞이 할인", area, fit, &bold);
        assert_eq!(block.lines, vec!["봄맞이 할인"]);
        assert_eq!(block.size, fit.max_size);
        assert!(!block.ellipsized);
    }
}

#[test]
fn a_long_title_wraps_at_word_boundaries_instead_of_overflowing() {
    let title = "신규 고객 여러분을 위한 특별한 봄맞이 커피 한 잔 무료 증정 이벤트";
    for platform in ImagePlatform::ALL {
        let (area, fit) = title_slot(platform);
        let block = fit_text(title, area, fit, &bold);
        assert!(block.lines.len() >= 2, "{platform:?}: {:?}", block.lines);
        assert_fits(&block, fit);
        assert!(!block.ellipsized);
        // Every word survives whole, in order.
        assert_eq!(block.lines.join(" "), title);
    }
}

#[test]
fn a_longer_title_shrinks_but_not_below_the_minimum() {
    let (area, fit) = title_slot(ImagePlatform::Naver);
    let short = fit_text("커피 무료 증정", area, fit, &bold);
    let long = fit_text(
        "우리 동네 단골손님과 새로 오신 손님 모두를 위한 따뜻한 겨울 음료 할인 대잔치",
        area,
        fit,
        &bold,
    );
    assert!(long.size < short.size, "{} !< {}", long.size, short.size);
    assert!(long.size >= fit.min_size);
    assert_fits(&long, fit);
}

#[test]
fn an_endless_title_is_cut_with_an_ellipsis_at_the_minimum_size() {
    let title = "아주 긴 제목 ".repeat(60);
    for platform in ImagePlatform::ALL {
        let (area, fit) = title_slot(platform);
        let block = fit_text(&title, area, fit, &bold);
        assert!(block.ellipsized);
        assert_eq!(block.size, fit.min_size);
        assert!(block.lines.last().is_some_and(|l| l.ends_with(ELLIPSIS)));
        assert_fits(&block, fit);
    }
}

#[test]
fn a_word_wider_than_the_line_is_broken_between_characters() {
    let word = "가".repeat(80);
    let lines = wrap(&word, 300.0, 40.0, &bold);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), word);
    assert!(lines.iter().all(|l| bold(l, 40.0) <= 300.0));
}

#[test]
fn empty_text_takes_no_lines() {
    let (area, fit) = title_slot(ImagePlatform::Kakao);
    assert!(fit_text("  ", area, fit, &bold).lines.is_empty());
}

#[test]
fn every_slot_is_inside_the_canvas_and_slots_do_not_overlap() {
    for platform in ImagePlatform::ALL {
        let (w, h) = platform.size();
        for align in [Align::Center, Align::Left] {
            let rects: Vec<Rect> = ROLES.iter().map(|r| slot(*r, w, h, align).0).collect();
            for (i, r) in rects.iter().enumerate() {
                assert!(
                    r.inside(w as f32, h as f32),
                    "{platform:?} {:?}: {r:?}",
                    ROLES[i]
                );
                for other in &rects[i + 1..] {
                    assert!(!r.overlaps(other), "{platform:?}: {r:?} overlaps {other:?}");
                }
            }
            let pill = slot(Role::CallToAction, w, h, align).0;
            let inner = pill_text_area(pill);
            assert!(inner.x > pill.x && inner.right() < pill.right());
        }
    }
}

#[test]
fn even_the_minimum_size_fits_every_slot_in_height() {
    for platform in ImagePlatform::ALL {
        let (w, h) = platform.size();
        for role in ROLES {
            let (area, fit) = slot(role, w, h, Align::Center);
            assert!(
                fit.min_size * fit.leading <= area.h,
                "{platform:?} {role:?}: one line at the minimum does not fit"
            );
            let block = fit_text(&"긴 문구 ".repeat(40), area, fit, &bold);
            assert_fits(&block, fit);
        }
    }
}

#[test]
fn a_long_word_shrinks_before_it_is_broken() {
    let (area, fit) = title_slot(ImagePlatform::Kakao);
    // One word that fits at a smaller size stays whole.
    let block = fit_text("초특급할인대축제한정판", area, fit, &bold);
    assert_eq!(block.lines, vec!["초특급할인대축제한정판"]);
    assert!(block.size < fit.max_size);
}
