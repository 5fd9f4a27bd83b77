//! User rules, free of I/O: inputs parsed into types at the boundary, the
//! password policy and the login lockout rule.

use chrono::{DateTime, Duration, Utc};

/// A field that failed validation, with a message fit for the owner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidField {
    pub field: &'static str,
    pub message: &'static str,
}

fn invalid(field: &'static str, message: &'static str) -> InvalidField {
    InvalidField { field, message }
}

/// A normalised (trimmed, lower-case) email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` without spaces, at most 254 characters.
    /// Hand-written on purpose: full RFC 5322 accepts addresses no mail
    /// provider hands out, and this small rule is what sign-up forms need.
    pub fn parse(raw: &str) -> Result<Email, InvalidField> {
        let email = raw.trim().to_lowercase();
        let bad = || invalid("email", "올바른 이메일 주소를 입력해 주세요");
        if email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(bad());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy: 8–128 characters with a letter, a digit and a symbol.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn parse(raw: &str) -> Result<Password, InvalidField> {
        let count = raw.chars().count();
        let has_letter = raw.chars().any(char::is_alphabetic);
        let has_digit = raw.chars().any(|c| c.is_ascii_digit());
        let has_symbol = raw
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace());
        if !(8..=128).contains(&count) || !has_letter || !has_digit || !has_symbol {
            return Err(invalid(
                "password",
                "비밀번호는 8자 이상이며 영문, 숫자, 특수문자를 모두 포함해야 합니다",
            ));
        }
        Ok(Password(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A Korean phone number as digits only (hyphens and spaces removed), 10 or 11 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<PhoneNumber, InvalidField> {
        let digits: String = raw.chars().filter(|c| *c != '-' && *c != ' ').collect();
        if !(10..=11).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid(
                "phoneNumber",
                "전화번호는 숫자 10~11자리로 입력해 주세요",
            ));
        }
        Ok(PhoneNumber(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Trimmed, non-blank text of bounded length.
pub fn required_text(
    field: &'static str,
    raw: Option<&str>,
    max_chars: usize,
    message: &'static str,
) -> Result<String, InvalidField> {
    let value = raw.map(str::trim).unwrap_or_default();
    if value.is_empty() || value.chars().count() > max_chars {
        return Err(invalid(field, message));
    }
    Ok(value.to_string())
}

/// A sign-up, fully validated.
#[derive(Debug, Clone)]
pub struct Registration {
    pub name: String,
    pub phone: PhoneNumber,
    pub email: Email,
    pub password: Password,
    pub store: StoreInfo,
}

/// The store an owner runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreInfo {
    pub store_name: String,
    pub industry: String,
    pub address: String,
    pub business_hours: Option<String>,
}

/// Raw sign-up fields as they arrive.
#[derive(Debug, Default)]
pub struct RegistrationInput<'a> {
    pub name: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub email: Option<&'a str>,
    pub password: Option<&'a str>,
    pub store_name: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub address: Option<&'a str>,
    pub business_hours: Option<&'a str>,
}

impl Registration {
    /// Validates every field, reporting the first one that is wrong.
    pub fn parse(input: RegistrationInput<'_>) -> Result<Registration, InvalidField> {
        Ok(Registration {
            name: parse_name(input.name)?,
            phone: PhoneNumber::parse(input.phone_number.unwrap_or_default())?,
            email: Email::parse(input.email.unwrap_or_default())?,
            password: Password::parse(input.password.unwrap_or_default())?,
            store: StoreInfo {
                store_name: parse_store_name(input.store_name)?,
                industry: parse_industry(input.industry)?,
                address: parse_address(input.address)?,
                business_hours: parse_business_hours(input.business_hours)?,
            },
        })
    }
}

pub fn parse_name(raw: Option<&str>) -> Result<String, InvalidField> {
    required_text("name", raw, 50, "이름을 입력해 주세요 (50자 이내)")
}

pub fn parse_store_name(raw: Option<&str>) -> Result<String, InvalidField> {
    required_text("storeName", raw, 100, "매장명을 입력해 주세요 (100자 이내)")
}

pub fn parse_industry(raw: Option<&str>) -> Result<String, InvalidField> {
    required_text("industry", raw, 50, "업종을 입력해 주세요 (50자 이내)")
}

pub fn parse_address(raw: Option<&str>) -> Result<String, InvalidField> {
    required_text("address", raw, 200, "주소를 입력해 주세요 (200자 이내)")
}

pub fn parse_business_hours(raw: Option<&str>) -> Result<Option<String>, InvalidField> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() <= 100 => Ok(Some(s.to_string())),
        Some(_) => Err(invalid(
            "businessHours",
            "영업시간은 100자 이내로 입력해 주세요",
        )),
    }
}

/// How failed logins lock an account.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_for: Duration,
}

impl LockoutPolicy {
    /// After the `failures`-th consecutive failure: the time the account stays
    /// locked until, if this failure crosses the limit.
    pub fn lock_after(&self, failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (failures >= self.max_failures).then(|| now + self.lock_for)
    }

    /// Whether the account is locked at `now`.
    pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        locked_until.is_some_and(|until| until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Owner@Example.COM ").expect("ok").as_str(),
            "owner@example.com"
        );
        for bad in [
            "",
            "no-at",
            "a@b",
            "a@@b.com",
            "@b.com",
            "a b@c.com",
            "a@b..com",
            "a@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn passwords_need_letters_digits_and_a_symbol() {
        assert!(Password::parse("Passw0rd!").is_ok());
        assert!(Password::parse("비밀번호1234!").is_ok());
        for weak in [
            "short1!",
            "password!",
            "12345678!",
            "Password1",
            "        ",
            &"a1!".repeat(50),
        ] {
            assert!(Password::parse(weak).is_err(), "{weak} should be weak");
        }
    }

    #[test]
    fn phone_numbers_lose_hyphens_and_need_ten_or_eleven_digits() {
        assert_eq!(
            PhoneNumber::parse("010-1234-5678").expect("ok").as_str(),
            "01012345678"
        );
        assert_eq!(
            PhoneNumber::parse("02-1234-5678").expect("ok").as_str(),
            "0212345678"
        );
        for bad in ["010-123", "0101234567890", "010-abcd-5678", ""] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn registration_reports_the_first_bad_field() {
        let input = RegistrationInput {
            name: Some("홍길동"),
            phone_number: Some("010-1234-5678"),
            email: Some("owner@example.com"),
            password: Some("Passw0rd!"),
            store_name: Some("  "),
            industry: Some("음식점"),
            address: Some("서울시 강남구"),
            business_hours: None,
        };
        assert_eq!(
            Registration::parse(input).expect_err("blank store").field,
            "storeName"
        );
    }

    #[test]
    fn the_fifth_failure_locks_the_account_for_the_lock_period() {
        let policy = LockoutPolicy {
            max_failures: 5,
            lock_for: Duration::minutes(5),
        };
        let now = Utc::now();
        assert_eq!(policy.lock_after(4, now), None);
        let until = policy.lock_after(5, now).expect("locked");
        assert!(LockoutPolicy::is_locked(
            Some(until),
            now + Duration::minutes(4)
        ));
        assert!(!LockoutPolicy::is_locked(
            Some(until),
            now + Duration::minutes(6)
        ));
    }
}
