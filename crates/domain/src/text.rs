//! Small text helpers shared by validation, slugs and search.

use unicode_normalization::UnicodeNormalization;

/// Lowercase, strip accents (é → e), and keep only letters and digits,
/// with every other run of characters turned into one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A URL-safe identifier made of lowercase letters, digits and dashes.
pub fn slugify(s: &str) -> String {
    fold(s).replace(' ', "-")
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A code such as a service code `IMI-01` or a counter code `G1`.
pub fn is_code(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

/// Enough to catch typing mistakes; deliverability is proven by sending.
pub fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

/// A tracking code: `PREFIX-` and 12 characters of Crockford base32 (60 random bits)
/// in three groups, e.g. `ADU-7K2M-Q9XD-3FHT`.
pub fn tracking_code(prefix: &str, random: &[u8; 8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = u64::from_be_bytes(*random);
    let chars: String = (0..12).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect();
    format!("{prefix}-{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
}

/// A tracking code as typed: prefix and dashes optional, case ignored, the
/// confusable letters I, L and O read as 1 and 0.
pub fn normalize_tracking_code(prefix: &str, input: &str) -> String {
    let up = input.trim().to_ascii_uppercase();
    let rest = up.strip_prefix(prefix).unwrap_or(&up);
    let c: String = rest
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c {
            'I' | 'L' => '1',
            'O' => '0',
            o => o,
        })
        .collect();
    if c.len() == 12 { format!("{prefix}-{}-{}-{}", &c[..4], &c[4..8], &c[8..]) } else { c }
}

/// "Budi Santoso" → "B*** S***": enough for staff to address a person.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace().map(|w| format!("{}***", w.chars().next().unwrap_or('*'))).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_accents_and_punctuation() {
        assert_eq!(fold("  Akta Kelahiran (Baru)! "), "akta kelahiran baru");
        assert_eq!(fold("Pelayanan KTP-el"), "pelayanan ktp el");
        assert_eq!(fold("Café"), "cafe");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Kota Bogor — Graha Tiyasa"), "kota-bogor-graha-tiyasa");
        assert!(is_slug("kota-bogor"));
        assert!(!is_slug("Kota-Bogor"));
        assert!(!is_slug("kota--bogor"));
        assert!(!is_slug(""));
    }

    #[test]
    fn codes() {
        assert!(is_code("IMI-01", 20));
        assert!(!is_code("imi-01", 20));
        assert!(!is_code("-A", 20));
        assert!(!is_code("A B", 20));
    }

    #[test]
    fn emails() {
        assert!(is_plausible_email("a@b.co"));
        assert!(!is_plausible_email("a@b"));
        assert!(!is_plausible_email("@b.co"));
        assert!(!is_plausible_email("a b@c.co"));
    }
}
