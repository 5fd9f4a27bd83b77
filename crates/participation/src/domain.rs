//! Entry rules, parsed at the boundary (UFR-PART-010), and the masking of
//! personal data in owner views (UFR-PART-020). Pure: no I/O.

use contracts::channels::Channel;

use crate::signals::Signals;

/// Why an entry was refused before anything was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("이름은 2자 이상 50자 이하로 입력해 주세요")]
    Name,
    #[error("휴대폰 번호를 확인해 주세요 (010, 011, 016, 017, 018, 019로 시작하는 10~11자리)")]
    Phone,
    #[error("개인정보 수집 및 이용에 동의해야 참여할 수 있습니다")]
    PrivacyRequired,
    #[error("올바른 이메일 주소를 입력해 주세요")]
    Email,
    #[error("알 수 없는 참여 채널입니다 (URIDONGNETV, RINGOBIZ, GINITV, INSTAGRAM, NAVER, KAKAO)")]
    Channel,
}

/// A customer's name: trimmed, 2 to 50 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str) -> Result<Name, EntryError> {
        let name = raw.trim();
        let len = name.chars().count();
        if !(2..=50).contains(&len) || name.chars().any(char::is_control) {
            return Err(EntryError::Name);
        }
        Ok(Name(name.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The version of the privacy consent text the entry page shows; stored
/// with each entry so that what an entrant agreed to can be told later.
pub const CONSENT_VERSION: &str = "2026-12-privacy-v1";

/// A Korean mobile number as digits only: `01[016789]` then 7 or 8 digits
/// once hyphens and spaces are removed (prize notices go by SMS, so a
/// landline is refused), so `010-1234-5678` and `01012345678` are the same
/// entrant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<PhoneNumber, EntryError> {
        let digits: String = raw.chars().filter(|c| *c != '-' && *c != ' ').collect();
        let mobile_prefix = digits.len() >= 3
            && digits.starts_with("01")
            && matches!(
                digits.as_bytes()[2],
                b'0' | b'1' | b'6' | b'7' | b'8' | b'9'
            );
        if !(10..=11).contains(&digits.len())
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || !mobile_prefix
        {
            return Err(EntryError::Phone);
        }
        Ok(PhoneNumber(digits))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A normalised (trimmed, lower-case) email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, EntryError> {
        let email = raw.trim().to_lowercase();
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EntryError::Email);
        }
        let (local, domain) = email.split_once('@').ok_or(EntryError::Email)?;
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if local.is_empty() || domain.contains('@') || !domain.contains('.') || !labels_ok {
            return Err(EntryError::Email);
        }
        Ok(Email(email))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The entry channel from a code, upper-cased first so that hand-typed
/// links (`?ch=instagram`) still count.
pub fn parse_channel(raw: &str) -> Result<Channel, EntryError> {
    Channel::parse(&raw.trim().to_ascii_uppercase()).ok_or(EntryError::Channel)
}

/// The request as it arrives; every field optional so that each missing
/// one gets its own code.
#[derive(Debug, Clone, Default)]
pub struct EntryInput<'a> {
    pub name: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub email: Option<&'a str>,
    pub agree_privacy: Option<bool>,
    pub agree_marketing: Option<bool>,
    pub store_visited: Option<bool>,
    /// The body's `channel`; wins over `link_channel`.
    pub channel: Option<&'a str>,
    /// The entry link's `?ch=` parameter.
    pub link_channel: Option<&'a str>,
    /// The hidden `website` field (bot signals, `crate::signals`).
    pub honeypot: Option<&'a str>,
    /// Milliseconds the page took to fill.
    pub fill_ms: Option<f64>,
}

/// A valid entry, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: Name,
    pub phone: PhoneNumber,
    pub email: Option<Email>,
    pub agree_marketing: bool,
    pub store_visited: bool,
    pub channel: Option<Channel>,
    /// Bot signals: flags only, never a reason to refuse.
    pub signals: Signals,
}

impl Entry {
    /// Checks in the order a customer reads the form: name, phone, email,
    /// consent, channel. A blank email or channel counts as absent.
    pub fn parse(input: &EntryInput<'_>) -> Result<Entry, EntryError> {
        let name = Name::parse(input.name.unwrap_or_default())?;
        let phone = PhoneNumber::parse(input.phone_number.unwrap_or_default())?;
        let email = match input.email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Some(Email::parse(e)?),
            None => None,
        };
        if input.agree_privacy != Some(true) {
            return Err(EntryError::PrivacyRequired);
        }
        let channel = match input
            .channel
            .or(input.link_channel)
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(c) => Some(parse_channel(c)?),
            None => None,
        };
        Ok(Entry {
            name,
            phone,
            email,
            agree_marketing: input.agree_marketing.unwrap_or(false),
            store_visited: input.store_visited.unwrap_or(false),
            channel,
            signals: Signals::classify(input.honeypot, input.fill_ms),
        })
    }
}

// One masking format for every screen and file that shows an entrant to
// the owner (list, CSV, winners, coupon redemption): the name keeps its first
// and last character (`김*수`, two letters `김*`), the phone its prefix and
// last four digits (`010-****-5678`), the email two letters of its local part.

/// `김민수` → `김*수`, `남궁민수` → `남**수`, `이안` → `이*`: enough to tell
/// entries apart and greet a winner at the counter, not to identify anyone.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// `01012345678` → `010-****-5678`; Seoul numbers keep `02`; anything
/// unexpected is masked whole rather than shown.
pub fn mask_phone(digits: &str) -> String {
    if digits.len() < 9 || !digits.is_ascii() {
        return "*".repeat(digits.chars().count().max(4));
    }
    let head = if digits.starts_with("02") { 2 } else { 3 };
    let tail = &digits[digits.len() - 4..];
    let middle = digits.len() - head - 4;
    format!("{}-{}-{tail}", &digits[..head], "*".repeat(middle))
}

/// `hong@example.com` → `ho***@example.com`: enough for the owner to tell
/// entries apart, not enough to write to.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let keep = if local.chars().count() > 2 { 2 } else { 1 };
            let shown: String = local.chars().take(keep).collect();
            format!("{shown}***@{domain}")
        }
        None => "***".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>() -> EntryInput<'a> {
        EntryInput {
            name: Some("  김민수 "),
            phone_number: Some("010-1234-5678"),
            email: Some("Minsu@Example.com"),
            agree_privacy: Some(true),
            agree_marketing: Some(true),
            store_visited: Some(true),
            channel: None,
            link_channel: Some("instagram"),
            honeypot: Some(""),
            fill_ms: Some(8_000.0),
        }
    }

    #[test]
    fn a_good_entry_is_normalised() {
        let entry = Entry::parse(&input()).expect("valid");
        assert_eq!(entry.name.as_str(), "김민수");
        assert_eq!(entry.phone.as_str(), "01012345678");
        assert_eq!(
            entry.email.as_ref().map(Email::as_str),
            Some("minsu@example.com")
        );
        assert_eq!(entry.channel, Some(Channel::Instagram));
        assert!(entry.agree_marketing && entry.store_visited);
        assert!(!entry.signals.is_flagged());
    }

    #[test]
    fn bot_signals_flag_an_entry_without_refusing_it() {
        let entry = Entry::parse(&EntryInput {
            honeypot: Some("https://spam.example"),
            fill_ms: None,
            ..input()
        })
        .expect("a flagged entry is still an entry");
        assert_eq!(
            entry.signals.list(),
            [
                crate::signals::Signal::Honeypot,
                crate::signals::Signal::NoFillTime
            ]
        );
    }

    #[test]
    fn each_bad_field_has_its_own_error() {
        let cases: Vec<(EntryInput, EntryError)> = vec![
            (
                EntryInput {
                    name: Some(" 김 "),
                    ..input()
                },
                EntryError::Name,
            ),
            (
                EntryInput {
                    name: None,
                    ..input()
                },
                EntryError::Name,
            ),
            (
                EntryInput {
                    phone_number: Some("010-123-456"),
                    ..input()
                },
                EntryError::Phone,
            ),
            (
                EntryInput {
                    phone_number: Some("010123456789"),
                    ..input()
                },
                EntryError::Phone,
            ),
            (
                EntryInput {
                    phone_number: Some("010-12a4-5678"),
                    ..input()
                },
                EntryError::Phone,
            ),
            (
                EntryInput {
                    phone_number: Some("０１０１２３４５６７８"),
                    ..input()
                },
                EntryError::Phone,
            ),
            (
                EntryInput {
                    phone_number: Some("02-1234-5678"),
                    ..input()
                },
                EntryError::Phone,
            ),
            (
                EntryInput {
                    phone_number: Some("012-1234-5678"),
                    ..input()
                },
                EntryError::Phone,
            ),
            (
                EntryInput {
                    phone_number: Some("0701234567"),
                    ..input()
                },
                EntryError::Phone,
            ),
            (
                EntryInput {
                    email: Some("no-at-sign"),
                    ..input()
                },
                EntryError::Email,
            ),
            (
                EntryInput {
                    email: Some("a@b"),
                    ..input()
                },
                EntryError::Email,
            ),
            (
                EntryInput {
                    agree_privacy: Some(false),
                    ..input()
                },
                EntryError::PrivacyRequired,
            ),
            (
                EntryInput {
                    agree_privacy: None,
                    ..input()
                },
                EntryError::PrivacyRequired,
            ),
            (
                EntryInput {
                    channel: Some("YOUTUBE"),
                    ..input()
                },
                EntryError::Channel,
            ),
            (
                EntryInput {
                    link_channel: Some("TIKTOK"),
                    ..input()
                },
                EntryError::Channel,
            ),
        ];
        for (case, expected) in cases {
            assert_eq!(Entry::parse(&case), Err(expected.clone()), "{case:?}");
        }
    }

    #[test]
    fn optional_fields_may_be_absent_or_blank_and_the_body_channel_wins() {
        let entry = Entry::parse(&EntryInput {
            email: Some("  "),
            link_channel: None,
            agree_marketing: None,
            store_visited: None,
            ..input()
        })
        .expect("valid");
        assert_eq!((entry.email, entry.channel), (None, None));
        assert!(!entry.agree_marketing && !entry.store_visited);
        let entry = Entry::parse(&EntryInput {
            channel: Some("KAKAO"),
            ..input()
        })
        .expect("valid");
        assert_eq!(entry.channel, Some(Channel::Kakao));
        let spaced = Entry::parse(&EntryInput {
            phone_number: Some("010 1234 5678"),
            ..input()
        });
        assert_eq!(spaced.expect("valid").phone.as_str(), "01012345678");
        for old_mobile in ["011-123-4567", "016 1234 5678", "0191234567"] {
            assert!(
                PhoneNumber::parse(old_mobile).is_ok(),
                "{old_mobile} is a mobile number"
            );
        }
    }

    #[test]
    fn phones_and_emails_are_masked() {
        assert_eq!(mask_phone("01012345678"), "010-****-5678");
        assert_eq!(mask_name("김민수"), "김*수");
        assert_eq!(mask_name("남궁민수"), "남**수");
        assert_eq!(mask_name(" 이안 "), "이*");
        assert_eq!(mask_name("J"), "*");
        assert_eq!(mask_name("Kim Minsu"), "K*******u");
        assert_eq!(mask_phone("0111234567"), "011-***-4567");
        assert_eq!(mask_phone("0212345678"), "02-****-5678");
        assert_eq!(mask_phone("123"), "****");
        assert_eq!(mask_email("minsu@example.com"), "mi***@example.com");
        assert_eq!(mask_email("ab@example.com"), "a***@example.com");
        assert!(!mask_email("minsu@example.com").contains("minsu"));
    }
}
