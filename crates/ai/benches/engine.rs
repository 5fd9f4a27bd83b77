//! Time the built-in engine takes per job: parse the request, read the
//! trends (the analysis as a cache miss would compute it), plan the three
//! options and validate them; then the same through a whole job on SQLite
//! and the in-process bus (accept + outbox, plan, finish + outbox).
//!
//! `cargo bench -p ai --bench engine` (add `-- 20000` for more jobs).

use std::{sync::Arc, time::Duration, time::Instant};

use ai::{
    domain::{validate_recommendations, JobInput},
    engine,
    provider::Builtin,
    service::AiService,
    store::AiStore,
    AiConfig,
};
use contracts::ai::AiJobRequested;
use hdrhistogram::Histogram;

const INDUSTRIES: [&str; 8] = [
    "음식점",
    "카페",
    "베이커리",
    "소매점",
    "미용실",
    "학원",
    "헬스장",
    "세탁소",
];
const ADDRESSES: [&str; 5] = [
    "서울시 강남구",
    "부산 해운대구 우동",
    "서울 관악구",
    "경기도 성남시 분당구",
    "전남 순천시",
];
const OBJECTIVES: [&str; 4] = ["신규 고객 유치", "재방문 유도", "매출 증대", "인지도 향상"];

fn request(n: usize) -> AiJobRequested {
    AiJobRequested {
        job_id: format!("job-bench-{n}-{}", ulid::Ulid::new()),
        event_id: format!("evt-bench-{n}"),
        user_id: 1,
        objective: OBJECTIVES[n % 4].into(),
        store_name: "벤치마크 상회".into(),
        industry: INDUSTRIES[n % 8].into(),
        address: ADDRESSES[n % 5].into(),
        start_date: format!("2027-{:02}-{:02}", n % 12 + 1, n % 28 + 1),
        requested_at: contracts::messages::rfc3339(chrono::Utc::now()),
    }
}

fn report(label: &str, h: &Histogram<u64>) {
    println!(
        "{label}: n={} p50={:.1} µs p95={:.1} µs p99={:.1} µs max={:.1} µs",
        h.len(),
        h.value_at_quantile(0.5) as f64 / 1000.0,
        h.value_at_quantile(0.95) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0,
    );
}

fn engine_only(jobs: usize) {
    let mut h = Histogram::<u64>::new(3).expect("histogram");
    for n in 0..jobs {
        let req = request(n);
        let started = Instant::now();
        let input = JobInput::parse(&req).expect("input");
        let facts = engine::Facts::of(&input);
        let mut analysis = engine::base_trends(&facts);
        analysis.seasonal_trends = engine::seasonal_trends(&facts);
        let plans = engine::recommend(&input, &facts);
        validate_recommendations(&plans).expect("valid");
        std::hint::black_box((analysis, plans));
        h.record(started.elapsed().as_nanos() as u64)
            .expect("record");
    }
    report("engine per job (parse + trends + 3 plans + validation)", &h);
}

async fn whole_job(jobs: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = platform::db::Db::connect("sqlite://", dir.path(), ai::NAME, 4)
        .await
        .expect("db");
    db.migrate(ai::NAME, &ai::migrations())
        .await
        .expect("migrate");
    let bus: Arc<dyn platform::bus::Bus> = Arc::new(platform::bus::MemoryBus::new());
    let cache = platform::cache::Cache::from_url("memory://", "", Duration::from_millis(250))
        .expect("cache");
    let stop = tokio_util::sync::CancellationToken::new();
    let (outbox, _tasks) = platform::outbox::Outbox::start(
        "ai",
        db.clone(),
        bus,
        Duration::from_secs(1),
        stop.clone(),
    );
    let service = AiService::new(
        AiStore::new(db),
        cache,
        outbox,
        Arc::new(Builtin),
        AiConfig::default(),
        stop.clone(),
    );
    let mut h = Histogram::<u64>::new(3).expect("histogram");
    for n in 0..jobs {
        let req = request(n);
        let started = Instant::now();
        let envelope = contracts::messages::Envelope::wrap(&contracts::ai::AiJobStarted {
            job_id: req.job_id.clone(),
            event_id: req.event_id.clone(),
            started_at: req.requested_at.clone(),
        });
        let ai::store::Accepted::New(row) = service
            .store()
            .accept(&req, chrono::Utc::now(), &envelope)
            .await
            .expect("accept")
        else {
            panic!("new job");
        };
        let state = service.run(&row).await;
        assert_eq!(state, ai::domain::JobState::Completed);
        h.record(started.elapsed().as_nanos() as u64)
            .expect("record");
    }
    report(
        "whole job on SQLite (accept + plan + finish, outbox rows)",
        &h,
    );
    stop.cancel();
}

fn main() {
    let jobs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5_000);
    engine_only(jobs);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(whole_job(jobs.min(1_000)));
}
