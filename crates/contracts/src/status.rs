//! The event status machine (seed 2): `DRAFT → APPROVED → ACTIVE → ENDED`,
//! and the double-tap window of purpose selection. One home: the event
//! service changes a status only through a [`Transition`] this module made,
//! its SQL binds the statuses from here, and participation and analytics
//! compare these typed statuses instead of strings.

use chrono::Duration;
use serde::{Deserialize, Serialize};

/// An event's status; travels as its upper-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventStatus {
    Draft,
    Approved,
    Active,
    Ended,
}

/// How long a repeat of the same purpose selection counts as a double tap
/// (it answers the draft in progress instead of making a second one); also
/// the lifetime of the cached in-progress draft.
pub const DOUBLE_TAP_WINDOW: Duration = Duration::minutes(30);

/// A move the machine allows, from one status to the next. Only
/// [`EventStatus::transition`] makes one, so a store that takes a
/// `Transition` can only write a status the machine returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    from: EventStatus,
    to: EventStatus,
}

impl Transition {
    /// The status the row must still have when the change is written.
    pub fn from(self) -> EventStatus {
        self.from
    }

    /// The status written.
    pub fn to(self) -> EventStatus {
        self.to
    }
}

/// A move the machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    pub from: EventStatus,
    pub to: EventStatus,
}

impl std::fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot go from {:?} to {:?}", self.from, self.to)
    }
}

impl std::error::Error for IllegalTransition {}

/// The end of an event whose last day has passed: the event service's sweep
/// and participation's own copy make this move, checked by the compiler.
pub const END_DUE: Transition = match EventStatus::Active.transition(EventStatus::Ended) {
    Ok(step) => step,
    Err(_) => panic!("the status machine lets an ACTIVE event end"),
};

impl EventStatus {
    /// The status a new draft starts in.
    pub const INITIAL: EventStatus = EventStatus::Draft;
    /// The only status in which an owner may edit or delete the event.
    pub const EDITABLE: EventStatus = EventStatus::Draft;

    pub const ALL: [EventStatus; 4] = [
        EventStatus::Draft,
        EventStatus::Approved,
        EventStatus::Active,
        EventStatus::Ended,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventStatus::Draft => "DRAFT",
            EventStatus::Approved => "APPROVED",
            EventStatus::Active => "ACTIVE",
            EventStatus::Ended => "ENDED",
        }
    }

    /// The status in the owner's words, for messages and screens: a code
    /// such as `ACTIVE` never reaches an owner.
    pub const fn label(self) -> &'static str {
        match self {
            EventStatus::Draft => "작성 중",
            EventStatus::Approved => "게시 준비 중",
            EventStatus::Active => "게시 중",
            EventStatus::Ended => "종료됨",
        }
    }

    /// Why an action is refused in this status, in the owner's words.
    pub fn refusal(self) -> String {
        format!("현재 상태({})에서는 할 수 없는 작업입니다", self.label())
    }

    /// Exactly one of the four codes.
    pub fn parse(raw: &str) -> Option<EventStatus> {
        EventStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The allowed moves. APPROVED may also end: a failed distribution
    /// leaves it APPROVED, and the owner may give up on it. `const`, so a
    /// fixed move (the sweep's `ACTIVE → ENDED`) is checked by the compiler.
    pub const fn transition(self, to: EventStatus) -> Result<Transition, IllegalTransition> {
        use EventStatus::*;
        match (self, to) {
            (Draft, Approved) | (Approved, Active) | (Active, Ended) | (Approved, Ended) => {
                Ok(Transition { from: self, to })
            }
            (from, to) => Err(IllegalTransition { from, to }),
        }
    }

    /// Only drafts can be edited.
    pub fn is_editable(self) -> bool {
        self == EventStatus::EDITABLE
    }

    /// Only `ACTIVE` events take entries (within their dates).
    pub fn accepts_entries(self) -> bool {
        self == EventStatus::Active
    }

    /// Later in the machine's order (a copy kept from the bus only moves forward).
    pub fn rank(self) -> u8 {
        match self {
            EventStatus::Draft => 0,
            EventStatus::Approved => 1,
            EventStatus::Active => 2,
            EventStatus::Ended => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventStatus::*;

    #[test]
    fn statuses_are_named_in_korean_without_codes() {
        for s in EventStatus::ALL {
            let words = s.refusal();
            assert!(words.contains(s.label()), "{words}");
            assert!(!words.bytes().any(|b| b.is_ascii_alphabetic()), "{words}");
        }
        assert_eq!(
            Active.refusal(),
            "현재 상태(게시 중)에서는 할 수 없는 작업입니다"
        );
    }

    #[test]
    fn the_machine_moves_forward_only() {
        let ok = Draft.transition(Approved).expect("legal");
        assert_eq!((ok.from(), ok.to()), (Draft, Approved));
        assert!(Approved.transition(Active).is_ok());
        assert!(Active.transition(Ended).is_ok());
        assert!(Approved.transition(Ended).is_ok());
        for (from, to) in [
            (Draft, Active),
            (Draft, Ended),
            (Active, Draft),
            (Active, Approved),
            (Ended, Active),
            (Draft, Draft),
        ] {
            assert_eq!(from.transition(to), Err(IllegalTransition { from, to }));
        }
        assert!(Draft.is_editable() && !Approved.is_editable());
        assert!(Active.accepts_entries() && !Ended.accepts_entries());
    }

    #[test]
    fn every_legal_move_goes_up_the_order_copies_keep() {
        // `rank` is the order a forward-only copy (participation) keeps; it
        // must agree with the machine, or a copy could refuse a real move.
        for from in EventStatus::ALL {
            for to in EventStatus::ALL {
                if from.transition(to).is_ok() {
                    assert!(from.rank() < to.rank(), "{from:?} → {to:?}");
                }
            }
        }
        assert_eq!((END_DUE.from(), END_DUE.to()), (Active, Ended));
    }

    #[test]
    fn codes_round_trip_through_parse_and_serde() {
        for s in EventStatus::ALL {
            assert_eq!(EventStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).expect("json"), s.as_str());
        }
        assert_eq!(EventStatus::parse("active"), None);
    }
}
