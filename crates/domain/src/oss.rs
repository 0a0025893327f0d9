//! The OSS (Online Single Submission, PP 5/2021) help desk: what a consultation
//! is about, how it ended, and the shapes of the numbers it records (a KBLI 2020
//! code has 5 digits, an NIB 13).

use crate::catalog::string_enum;

/// Largest number of seats a group session may offer.
pub const MAX_SESSION_SEATS: i64 = 500;
/// How far ahead a session may be planned, in days (its registration is open from the start).
pub const SESSION_DAYS_AHEAD: i64 = 366;

string_enum! {
    /// What a service is to the OSS desk.
    Role {
        Consultation = "consultation",
        Session = "session",
    }
}

string_enum! {
    /// What the visitor asked about.
    Topic {
        Registration = "registration",
        Kbli = "kbli",
        Certificate = "certificate",
        Permit = "permit",
        Revision = "revision",
        Reporting = "reporting",
        Other = "other",
    }
}

string_enum! {
    /// How a consultation ended.
    Outcome {
        // The visitor left with an NIB.
        Nib = "nib",
        // Sent to another provider at the MPP (a permit, a certificate).
        Referred = "referred",
        // Not finished today: the desk follows up on a date.
        FollowUp = "follow_up",
        // The question was answered; nothing issued.
        Answered = "answered",
    }
}

/// A KBLI 2020 code as typed ("47111", "47 111") when it has its five digits.
pub fn parse_kbli(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    (digits.len() == 5 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// An NIB as typed, when it has its thirteen digits.
pub fn parse_nib(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '.').collect();
    (digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The KBLI section (A–U) a 5-digit code belongs to, by its first two digits
/// (the 2-digit divisions of KBLI 2020, as BPS publishes them).
pub fn kbli_section(code: &str) -> Option<char> {
    let division: u32 = code.get(..2)?.parse().ok()?;
    Some(match division {
        1..=3 => 'A',
        5..=9 => 'B',
        10..=33 => 'C',
        35 => 'D',
        36..=39 => 'E',
        41..=43 => 'F',
        45..=47 => 'G',
        49..=53 => 'H',
        55..=56 => 'I',
        58..=63 => 'J',
        64..=66 => 'K',
        68 => 'L',
        69..=75 => 'M',
        77..=82 => 'N',
        84 => 'O',
        85 => 'P',
        86..=88 => 'Q',
        90..=93 => 'R',
        94..=96 => 'S',
        97..=98 => 'T',
        99 => 'U',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kbli_codes_have_five_digits_in_a_known_division() {
        assert_eq!(parse_kbli("47111").as_deref(), Some("47111"));
        assert_eq!(parse_kbli(" 47 111 ").as_deref(), Some("47111"));
        assert_eq!(parse_kbli("4711"), None);
        assert_eq!(parse_kbli("4711a"), None);
        assert_eq!(kbli_section("47111"), Some('G'), "retail trade");
        assert_eq!(kbli_section("10794"), Some('C'), "manufacturing");
        assert_eq!(kbli_section("56101"), Some('I'), "restaurants");
        assert_eq!(kbli_section("04000"), None, "no division 04");
    }

    #[test]
    fn nib_has_thirteen_digits() {
        assert_eq!(parse_nib("1234567890123").as_deref(), Some("1234567890123"));
        assert_eq!(parse_nib("1234-5678-90123").as_deref(), Some("1234567890123"));
        assert_eq!(parse_nib("123456789012"), None);
        assert_eq!(parse_nib("12345678901234"), None);
    }

    #[test]
    fn enums_round_trip() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.as_str()), Some(*t));
        }
        assert_eq!(Outcome::parse("follow_up"), Some(Outcome::FollowUp));
        assert_eq!(Role::parse("session"), Some(Role::Session));
        assert_eq!(Outcome::parse("nope"), None);
    }
}
