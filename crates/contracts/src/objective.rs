//! The four objectives an owner picks an event for (seed 1). One home: the
//! event service parses them at purpose selection, the ai service plans by
//! them, analytics shows them.

use serde::{Deserialize, Serialize};

/// An event's objective, travelling as its Korean label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Objective {
    #[serde(rename = "신규 고객 유치")]
    NewCustomers,
    #[serde(rename = "재방문 유도")]
    Revisit,
    #[serde(rename = "매출 증대")]
    SalesIncrease,
    #[serde(rename = "인지도 향상")]
    Awareness,
}

impl Objective {
    pub const ALL: [Objective; 4] = [
        Objective::NewCustomers,
        Objective::Revisit,
        Objective::SalesIncrease,
        Objective::Awareness,
    ];

    /// Exactly one of the four labels (surrounding spaces ignored).
    pub fn parse(raw: &str) -> Option<Objective> {
        let raw = raw.trim();
        Objective::ALL.into_iter().find(|o| o.label() == raw)
    }

    /// The Korean label, as the API and the bus carry it.
    pub fn label(self) -> &'static str {
        match self {
            Objective::NewCustomers => "신규 고객 유치",
            Objective::Revisit => "재방문 유도",
            Objective::SalesIncrease => "매출 증대",
            Objective::Awareness => "인지도 향상",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Objective;

    #[test]
    fn labels_round_trip_through_parse_and_serde() {
        for o in Objective::ALL {
            assert_eq!(Objective::parse(&format!(" {} ", o.label())), Some(o));
            assert_eq!(serde_json::to_value(o).expect("json"), o.label());
        }
        for bad in ["", "신규고객유치", "NEW_CUSTOMERS", "매출"] {
            assert_eq!(Objective::parse(bad), None, "{bad}");
        }
    }
}
