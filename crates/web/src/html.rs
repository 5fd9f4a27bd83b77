//! Small helpers for server-rendered HTML.

/// Escapes text for HTML element content and quoted attributes. Five
/// replacements do not justify a dependency.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

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
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<b a="1">&'x'"#),
            "&lt;b a=&quot;1&quot;&gt;&amp;&#39;x&#39;"
        );
        assert_eq!(escape("맛있는집"), "맛있는집");
    }

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
