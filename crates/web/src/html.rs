//! What a page's path and query may hold (escaping is the templates' own: askama).

/// An event id as it may appear in a path: the API's opaque ids are short
/// ASCII words (`evt-…`, `draft-…`); anything else cannot name an event.
pub fn valid_event_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The channel code of an entry link, if it is one of the six.
pub fn channel(code: Option<&str>) -> Option<contracts::channels::Channel> {
    code.map(str::trim)
        .map(str::to_ascii_uppercase)
        .and_then(|c| contracts::channels::Channel::parse(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids() {
        assert!(valid_event_id("evt-01HX"));
        assert!(!valid_event_id(""));
        assert!(!valid_event_id("a/b"));
        assert!(!valid_event_id("<script>"));
        assert!(!valid_event_id(&"a".repeat(65)));
    }

    #[test]
    fn channels() {
        assert_eq!(
            channel(Some("instagram")).map(|c| c.code()),
            Some("INSTAGRAM")
        );
        assert!(channel(Some("MYSPACE")).is_none());
        assert!(channel(None).is_none());
    }
}
