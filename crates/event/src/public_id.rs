//! The short public id of an event, used in entry links (`/e/{publicId}`)
//! instead of the internal `draft-…` id, which says more than a customer
//! needs to see and is long to read out or type.

use rand::Rng;

/// RFC 4648 base32, lower case: no 0/1/8/9, so nothing reads as O, I, l or B.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// 8 characters: 40 random bits, a trillion ids; the database's unique
/// index catches the rare collision and the caller draws again.
pub const LEN: usize = 8;

/// A fresh random public id.
pub fn generate() -> String {
    let mut rng = rand::thread_rng();
    (0..LEN)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Whether `id` can be a public id (new ones, or the hex ones given to
/// events made before public ids existed); internal ids have a `-`.
pub fn looks_public(id: &str) -> bool {
    contracts::event_state::is_public_id(id)
}

/// The entry link path of a public id.
pub fn entry_path(public_id: &str) -> String {
    format!("/e/{public_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_lower_case_base32_and_differ() {
        let a = generate();
        assert_eq!(a.len(), LEN);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)), "{a}");
        assert!(looks_public(&a));
        let many: std::collections::HashSet<String> = (0..1000).map(|_| generate()).collect();
        assert_eq!(many.len(), 1000);
        assert!(!looks_public("draft-01jd2k3m4n5p6q7r8s9t"));
        assert!(looks_public("0a1b2c3d4e"));
        assert_eq!(entry_path("abcd2345"), "/e/abcd2345");
    }
}
