//! Opaque, globally unique, time-ordered ids with a readable prefix.

/// A new id such as `draft-01jd3v9q8f2c7m6t5x4w3z2y1a`: unique across
/// processes and databases (so bus keys never collide) and sortable by creation.
pub fn new_id(prefix: &str) -> String {
    format!(
        "{prefix}-{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_prefixed_unique_and_ordered() {
        let a = super::new_id("draft");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::new_id("draft");
        assert!(a.starts_with("draft-") && a.len() == 32);
        assert!(a < b);
    }
}
