//! Bot signals on entries (docs/design.md §6.5): what the entry page tells
//! about how it was filled, turned into flags. Pure: no I/O.
//!
//! A flag never refuses an entry and the entrant is never told of it: a
//! refusal would teach a script which value to send, and a person on a slow
//! phone or with an autofilling browser must not lose their entry. The owner
//! sees the flags and may leave flagged entries out of the draw.

/// One reason to suspect an entry came from a script rather than a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    /// The honeypot field (`website`), hidden from people, was filled: form
    /// fillers fill every text input they find.
    Honeypot,
    /// The form was sent less than [`MIN_FILL_MS`] after it was first touched.
    TooFast,
    /// No fill time came with the entry: the page always sends one, so the
    /// API was called by something else.
    NoFillTime,
}

impl Signal {
    /// Every signal, in the order lists and counts show them.
    pub const ALL: [Signal; 3] = [Signal::Honeypot, Signal::TooFast, Signal::NoFillTime];

    /// The bit of this signal in the stored `signals` column.
    pub const fn bit(self) -> i64 {
        match self {
            Signal::Honeypot => 1,
            Signal::TooFast => 2,
            Signal::NoFillTime => 4,
        }
    }

    /// The code the API answers.
    pub const fn code(self) -> &'static str {
        match self {
            Signal::Honeypot => "HONEYPOT",
            Signal::TooFast => "TOO_FAST",
            Signal::NoFillTime => "NO_FILL_TIME",
        }
    }

    /// The owner's word for it (CSV; the app has the same words).
    pub const fn label(self) -> &'static str {
        match self {
            Signal::Honeypot => "숨은 칸 입력",
            Signal::TooFast => "빠른 입력",
            Signal::NoFillTime => "입력 시간 없음",
        }
    }
}

/// Below this a form of name, phone and two consents was not typed by a
/// person: reading and ticking alone take longer (autofill still needs a
/// tap per field and a look at the consent).
pub const MIN_FILL_MS: i64 = 3_000;

/// A fill time above this (a day) is kept as a day: a tab left open
/// overnight is slow, not suspicious, and the number needs no more range.
pub const MAX_FILL_MS: i64 = 86_400_000;

/// The flags of one entry, stored as a bit set (0: none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals(i64);

impl Signals {
    /// No flag.
    pub const NONE: Signals = Signals(0);

    /// Flags from the stored bits; unknown bits are dropped.
    pub fn from_bits(bits: i64) -> Signals {
        Signals(bits & Signal::ALL.iter().fold(0, |all, s| all | s.bit()))
    }

    pub fn bits(self) -> i64 {
        self.0
    }

    pub fn has(self, signal: Signal) -> bool {
        self.0 & signal.bit() != 0
    }

    pub fn is_flagged(self) -> bool {
        self.0 != 0
    }

    /// The raised signals, in [`Signal::ALL`] order.
    pub fn list(self) -> Vec<Signal> {
        Signal::ALL.into_iter().filter(|s| self.has(*s)).collect()
    }

    /// Classifies an entry by its honeypot value and its fill time in ms.
    /// A negative fill time cannot be measured by the page (its clock only
    /// moves forward), so it counts as missing; one above [`MAX_FILL_MS`] is
    /// clamped to it (it is slow, not fast).
    pub fn classify(honeypot: Option<&str>, fill_ms: Option<f64>) -> Signals {
        let mut bits = 0;
        if honeypot.is_some_and(|v| !v.trim().is_empty()) {
            bits |= Signal::Honeypot.bit();
        }
        match fill_ms.filter(|ms| ms.is_finite() && *ms >= 0.0) {
            None => bits |= Signal::NoFillTime.bit(),
            Some(ms) if (ms.min(MAX_FILL_MS as f64) as i64) < MIN_FILL_MS => {
                bits |= Signal::TooFast.bit()
            }
            Some(_) => {}
        }
        Signals(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: Signals) -> Vec<&'static str> {
        s.list().into_iter().map(Signal::code).collect()
    }

    #[test]
    fn a_person_filling_the_page_raises_nothing() {
        let s = Signals::classify(Some(""), Some(12_000.0));
        assert!(!s.is_flagged(), "{s:?}");
        assert!(!Signals::classify(None, Some(3_000.0)).is_flagged());
        assert!(!Signals::classify(Some("   "), Some(9_999.7)).is_flagged());
    }

    #[test]
    fn each_signal_is_raised_by_its_own_cause() {
        assert_eq!(
            codes(Signals::classify(Some("http://spam"), Some(8_000.0))),
            ["HONEYPOT"]
        );
        assert_eq!(codes(Signals::classify(None, Some(2_999.0))), ["TOO_FAST"]);
        assert_eq!(codes(Signals::classify(None, Some(0.0))), ["TOO_FAST"]);
        assert_eq!(codes(Signals::classify(None, None)), ["NO_FILL_TIME"]);
        assert_eq!(
            codes(Signals::classify(Some("x"), Some(10.0))),
            ["HONEYPOT", "TOO_FAST"]
        );
    }

    #[test]
    fn absurd_fill_times_count_as_missing_or_slow() {
        assert_eq!(codes(Signals::classify(None, Some(-5.0))), ["NO_FILL_TIME"]);
        assert_eq!(
            codes(Signals::classify(None, Some(f64::NAN))),
            ["NO_FILL_TIME"]
        );
        assert!(!Signals::classify(None, Some(1e300)).is_flagged());
        assert_eq!(
            codes(Signals::classify(None, Some(f64::INFINITY))),
            ["NO_FILL_TIME"]
        );
    }

    #[test]
    fn bits_round_trip_and_unknown_bits_are_dropped() {
        let s = Signals::classify(Some("x"), None);
        assert_eq!(Signals::from_bits(s.bits()), s);
        assert_eq!(s.bits(), 5);
        assert_eq!(Signals::from_bits(8 | 2).list(), [Signal::TooFast]);
        assert_eq!(Signals::from_bits(0), Signals::NONE);
    }
}
