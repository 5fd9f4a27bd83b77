//! The one clock every time-dependent rule reads (entry windows, the
//! automatic end, the draw's deadlines, erasure). It is the system clock
//! plus an offset that only tests move, so a test can walk an event across
//! its start and end dates without waiting; processes started under
//! `faketime` see the faked system time through the same clock.

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A cheap, cloneable handle; clones share the offset.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Clock(offset {} ms)",
            self.offset_ms.load(Ordering::Relaxed)
        )
    }
}

impl Clock {
    /// The system clock, unshifted.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Now, as every rule sees it.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Today's date in Korea.
    pub fn korea_today(&self) -> NaiveDate {
        contracts::schedule::korea_date(self.now())
    }

    /// Moves this clock (and every clone of it) by `by`.
    #[cfg(any(test, feature = "test-support"))]
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Sets this clock to `at` (the offset keeps running with real time).
    #[cfg(any(test, feature = "test-support"))]
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = (at - Utc::now()).num_milliseconds();
        self.offset_ms.store(offset, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_move_together() {
        let clock = Clock::system();
        let other = clock.clone();
        clock.advance(Duration::days(3));
        let gap = other.now() - Utc::now();
        assert!(gap > Duration::days(3) - Duration::seconds(1), "{gap}");
        let at = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        other.set(at);
        assert!((clock.now() - at).num_seconds().abs() < 2);
    }
}
