//! The 9-image job (3 styles × 3 platforms) as the worker runs it: every
//! image rendered and encoded in parallel on the blocking pool, then stored
//! in a local object store. Prints p50/p95 over the runs and each file's size.
//!
//! `cargo bench -p content --bench render_job` (release). Environment:
//! `RUNS` (default 20); `SAMPLES_DIR` to also write the nine PNGs there.

use std::time::Instant;

use contracts::content::{ImagePlatform, ImageStyle, ImageText};

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(1);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tmp");
    let images =
        content::objects::ImageStore::local(dir.path(), "/api/content/images").expect("store");
    let text = ImageText {
        title: "신규 고객 환영! 겨울 한정 따뜻한 라떼 1+1 이벤트".into(),
        prize: "아메리카노 1잔 무료 + 케이크 20% 할인".into(),
        period: "2026.12.01 ~ 2026.12.14".into(),
        store_name: "맛있는집 강남점".into(),
        call_to_action: "지금 참여하세요!".into(),
    };
    let styles = ImageStyle::ALL.to_vec();
    let platforms = ImagePlatform::ALL.to_vec();
    // One warm-up run parses the fonts, as a running server has already done.
    let warm = runtime
        .block_on(content::service::render_all(
            &text,
            "카페",
            &Default::default(),
            &styles,
            &platforms,
        ))
        .expect("render");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        runtime.block_on(async {
            let rendered = content::service::render_all(
                &text,
                "카페",
                &Default::default(),
                &styles,
                &platforms,
            )
            .await
            .expect("render");
            for (i, image) in rendered.into_iter().enumerate() {
                images
                    .put(&format!("bench-{i}.{}", image.extension), image.data)
                    .await
                    .expect("put");
            }
        });
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    println!("9-image job (render + encode + store), {runs} runs: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms", pick(0.5), pick(0.95), pick(1.0));
    let samples = std::env::var("SAMPLES_DIR").ok();
    for image in &warm {
        println!(
            "  {:<7} {:<9} {}x{} {:>7} bytes",
            image.style.code(),
            image.platform.code(),
            image.width,
            image.height,
            image.data.len()
        );
        if let Some(dir) = &samples {
            let path = std::path::Path::new(dir).join(format!(
                "{}-{}.png",
                image.style.code().to_lowercase(),
                image.platform.code().to_lowercase()
            ));
            std::fs::create_dir_all(dir).expect("samples dir");
            std::fs::write(path, &image.data).expect("write sample");
        }
    }
}
