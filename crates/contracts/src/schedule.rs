//! The event's clock rules (docs/design.md, "The event's clock"): Korea time,
//! the entry window of an event, and its phase. One home for these rules:
//! participation decides entries with them, the event service reports the
//! phase to the owner, the entry page shows it.
//!
//! Pure: "now" is always an argument, so the caller's clock (which tests can
//! move) decides.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// The longest an event may run: its end date is at most this many days
/// after its start date.
pub const MAX_EVENT_DAYS: i64 = 90;

/// Korea Standard Time. Korea has no daylight saving time, so a fixed
/// offset is exact (no time-zone database needed).
pub fn korea() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The calendar day in Korea at `now`.
pub fn korea_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&korea()).date_naive()
}

/// 00:00 Korea time of `day`, as an instant.
pub fn korea_midnight(day: NaiveDate) -> DateTime<Utc> {
    korea()
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `YYYY-MM-DD`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// Where an event stands in its own time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    /// Before the start date: 시작 전.
    Upcoming,
    /// Taking entries: 진행중.
    Open,
    /// After the end date, or ended by its owner: 종료.
    Ended,
}

impl Phase {
    /// The words an owner and a customer read.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Upcoming => "시작 전",
            Phase::Open => "진행중",
            Phase::Ended => "종료",
        }
    }
}

/// An event's entry window: from its start date 00:00 to its end date
/// 23:59:59 Korea time, both dates inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryWindow {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl EntryWindow {
    /// From the stored `YYYY-MM-DD` dates; `None` when either is missing or malformed.
    pub fn parse(start: Option<&str>, end: Option<&str>) -> Option<EntryWindow> {
        Some(EntryWindow {
            start: parse_date(start?)?,
            end: parse_date(end?)?,
        })
    }

    /// The first instant entries are taken.
    pub fn opens_at(&self) -> DateTime<Utc> {
        korea_midnight(self.start)
    }

    /// The first instant entries are no longer taken (the day after the end date, 00:00).
    pub fn closes_at(&self) -> DateTime<Utc> {
        korea_midnight(self.end.checked_add_days(Days::new(1)).unwrap_or(self.end))
    }

    /// The phase at `now` by the dates alone.
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        if now < self.opens_at() {
            Phase::Upcoming
        } else if now < self.closes_at() {
            Phase::Open
        } else {
            Phase::Ended
        }
    }
}

/// The phase of an event that is `ACTIVE` (taking entries by its dates) or
/// already ended by its status. Events before publish have no phase.
pub fn phase_of(
    active: bool,
    ended: bool,
    start: Option<&str>,
    end: Option<&str>,
    now: DateTime<Utc>,
) -> Option<Phase> {
    if ended {
        return Some(Phase::Ended);
    }
    if !active {
        return None;
    }
    // An active event without readable dates takes entries (older data).
    Some(EntryWindow::parse(start, end).map_or(Phase::Open, |w| w.phase(now)))
}

/// Notices wait outside 08:00–21:00 Korea time (quiet hours, 정보통신망법
/// §50's night hours): the instant a notice asked for at `now` may go out,
/// `now` itself in the day.
pub fn quiet_hours_end(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&korea());
    let hour = chrono::Timelike::hour(&local);
    let day = local.date_naive();
    let eight = |d: NaiveDate| korea_midnight(d) + chrono::Duration::hours(8);
    if hour >= 21 {
        eight(day.checked_add_days(Days::new(1)).unwrap_or(day))
    } else if hour < 8 {
        eight(day)
    } else {
        now
    }
}

/// Why a new end date for an active event is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndDateError {
    Malformed,
    BeforeToday(NaiveDate),
    BeforeStart(NaiveDate),
    TooLong(NaiveDate),
}

impl std::fmt::Display for EndDateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndDateError::Malformed => write!(f, "종료일은 YYYY-MM-DD 형식의 날짜여야 합니다"),
            EndDateError::BeforeToday(today) => write!(
                f,
                "종료일은 오늘({}) 이후여야 합니다",
                today.format("%Y-%m-%d")
            ),
            EndDateError::BeforeStart(start) => write!(
                f,
                "종료일은 시작일({})과 같거나 이후여야 합니다",
                start.format("%Y-%m-%d")
            ),
            EndDateError::TooLong(last) => write!(
                f,
                "종료일은 시작일부터 {MAX_EVENT_DAYS}일 이내({} 까지)여야 합니다",
                last.format("%Y-%m-%d")
            ),
        }
    }
}

/// A new end date for an event that started (or starts) on `start`: not
/// before today (Korea) and at most [`MAX_EVENT_DAYS`] after the start.
pub fn check_new_end(
    raw: &str,
    start: NaiveDate,
    now: DateTime<Utc>,
) -> Result<NaiveDate, EndDateError> {
    let end = parse_date(raw).ok_or(EndDateError::Malformed)?;
    let today = korea_date(now);
    if end < today {
        return Err(EndDateError::BeforeToday(today));
    }
    if end < start {
        return Err(EndDateError::BeforeStart(start));
    }
    let last = start
        .checked_add_days(Days::new(MAX_EVENT_DAYS as u64))
        .unwrap_or(start);
    if end > last {
        return Err(EndDateError::TooLong(last));
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn window() -> EntryWindow {
        EntryWindow::parse(Some("2026-12-10"), Some("2026-12-12")).expect("window")
    }

    #[test]
    fn the_window_runs_from_start_midnight_to_end_23_59_59_korea_time() {
        let w = window();
        assert_eq!(w.phase(at("2026-12-09T23:59:59+09:00")), Phase::Upcoming);
        assert_eq!(w.phase(at("2026-12-10T00:00:00+09:00")), Phase::Open);
        // 00:00 KST is 15:00 UTC the day before.
        assert_eq!(w.phase(at("2026-12-09T15:00:00Z")), Phase::Open);
        assert_eq!(w.phase(at("2026-12-12T23:59:59+09:00")), Phase::Open);
        assert_eq!(w.phase(at("2026-12-13T00:00:00+09:00")), Phase::Ended);
        assert_eq!(w.closes_at(), at("2026-12-12T15:00:00Z"));
    }

    #[test]
    fn the_korea_date_turns_at_15_utc() {
        assert_eq!(
            korea_date(at("2026-12-06T14:59:59Z")).to_string(),
            "2026-12-06"
        );
        assert_eq!(
            korea_date(at("2026-12-06T15:00:00Z")).to_string(),
            "2026-12-07"
        );
    }

    #[test]
    fn status_wins_over_dates_and_drafts_have_no_phase() {
        let now = at("2026-12-11T12:00:00+09:00");
        let (s, e) = (Some("2026-12-10"), Some("2026-12-12"));
        assert_eq!(phase_of(true, false, s, e, now), Some(Phase::Open));
        assert_eq!(phase_of(false, true, s, e, now), Some(Phase::Ended));
        assert_eq!(phase_of(false, false, s, e, now), None);
        assert_eq!(phase_of(true, false, None, None, now), Some(Phase::Open));
    }

    #[test]
    fn notices_wait_from_21_to_08_korea_time() {
        let day = at("2026-12-10T14:00:00+09:00");
        assert_eq!(quiet_hours_end(day), day);
        assert_eq!(
            quiet_hours_end(at("2026-12-10T20:59:59+09:00")),
            at("2026-12-10T20:59:59+09:00")
        );
        assert_eq!(
            quiet_hours_end(at("2026-12-10T21:00:00+09:00")),
            at("2026-12-11T08:00:00+09:00")
        );
        assert_eq!(
            quiet_hours_end(at("2026-12-11T07:59:00+09:00")),
            at("2026-12-11T08:00:00+09:00")
        );
        assert_eq!(
            quiet_hours_end(at("2026-12-11T08:00:00+09:00")),
            at("2026-12-11T08:00:00+09:00")
        );
    }

    #[test]
    fn a_new_end_date_is_between_today_and_90_days_after_the_start() {
        let now = at("2026-12-11T12:00:00+09:00");
        let start = parse_date("2026-12-10").expect("date");
        assert_eq!(
            check_new_end("2026-12-11", start, now).map(|d| d.to_string()),
            Ok("2026-12-11".to_string())
        );
        assert!(matches!(
            check_new_end("2026-12-10", start, now),
            Err(EndDateError::BeforeToday(_))
        ));
        assert!(check_new_end("2027-03-10", start, now).is_ok());
        assert!(matches!(
            check_new_end("2027-03-11", start, now),
            Err(EndDateError::TooLong(_))
        ));
        assert_eq!(
            check_new_end("12/20", start, now),
            Err(EndDateError::Malformed)
        );
        let later = parse_date("2026-12-20").expect("date");
        assert!(matches!(
            check_new_end("2026-12-15", later, now),
            Err(EndDateError::BeforeStart(_))
        ));
        assert!(EndDateError::BeforeToday(start)
            .to_string()
            .contains("2026-12-10"));
    }
}
