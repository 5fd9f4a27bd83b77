//! Coupon codes (docs/design.md §6.4), pure: unguessable (≥ 80 bits from the
//! operating system's generator), no characters a person mixes up when
//! reading them off a phone at the counter (no 0/O, 1/I/L), typed with or
//! without hyphens, in either case.

use rand::{rngs::OsRng, Rng};

/// 31 symbols: the digits 2–9 and the letters without I, L and O.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// 18 symbols of 31: log2(31^18) ≈ 89 bits.
const LENGTH: usize = 18;
/// Shown and printed in groups of six: `K7M3QX-9TZB2H-…`.
const GROUP: usize = 6;

/// A valid coupon code, stored without hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponCode(String);

impl CouponCode {
    /// A fresh random code.
    pub fn generate() -> CouponCode {
        let mut rng = OsRng;
        CouponCode(
            (0..LENGTH)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect(),
        )
    }

    /// A code as typed or scanned; `None` for anything that cannot be one
    /// (wrong length or symbol), so lookups never see junk.
    pub fn parse(raw: &str) -> Option<CouponCode> {
        if raw.len() > 64 {
            return None;
        }
        let code: String = raw
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b)))
            .then_some(CouponCode(code))
    }

    /// As stored (no hyphens).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As shown to people: groups of six joined by hyphens.
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(GROUP)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_at_least_80_bits_and_no_ambiguous_symbols() {
        let bits = (LENGTH as f64) * (ALPHABET.len() as f64).log2();
        assert!(bits >= 80.0, "{bits}");
        for ambiguous in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!ALPHABET.contains(&ambiguous));
        }
        let codes: std::collections::HashSet<String> =
            (0..1000).map(|_| CouponCode::generate().0).collect();
        assert_eq!(codes.len(), 1000);
    }

    #[test]
    fn typed_codes_are_read_with_or_without_hyphens_in_either_case() {
        let code = CouponCode::generate();
        let shown = code.display();
        assert_eq!(shown.len(), LENGTH + 2);
        assert_eq!(CouponCode::parse(&shown), Some(code.clone()));
        assert_eq!(CouponCode::parse(&shown.to_lowercase()), Some(code.clone()));
        assert_eq!(CouponCode::parse(code.as_str()), Some(code));
        for junk in [
            "",
            "ABC",
            "0000-0000-0000-0000-00",
            &"A".repeat(65),
            "K7M3QX-9TZB2H-ABCDE!",
        ] {
            assert_eq!(CouponCode::parse(junk), None, "{junk}");
        }
    }
}
