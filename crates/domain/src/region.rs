//! Kemendagri area codes and the time zone each province lives in.

use chrono_tz::Tz;

/// The time zone of a province, by its two-digit code (DOMAIN.md, "Time").
///
/// West and Central Kalimantan are WIB but use `Asia/Pontianak`, the zone
/// database's name for that part of the country.
pub fn zone_for_province(code: &str) -> Option<Tz> {
    let n: u8 = code.parse().ok()?;
    let tz = match n {
        61 | 62 => Tz::Asia__Pontianak,
        11..=19 | 21 | 31..=36 => Tz::Asia__Jakarta,
        51..=53 | 63..=65 | 71..=76 => Tz::Asia__Makassar,
        81 | 82 | 91..=96 => Tz::Asia__Jayapura,
        _ => return None,
    };
    Some(tz)
}

/// The Indonesian abbreviation of a zone as citizens know it.
pub fn zone_label(tz: Tz) -> &'static str {
    match tz {
        Tz::Asia__Makassar => "WITA",
        Tz::Asia__Jayapura => "WIT",
        _ => "WIB",
    }
}

/// The province part of a regency (`32.71`) or district (`32.71.03`) code.
pub fn province_of(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// `NN.NN`: a regency or city code.
pub fn is_regency_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    parts.len() == 2 && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `NN`: a province code.
pub fn is_province_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}

/// `NN.NN.NN`: a district (kecamatan) code.
pub fn is_district_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_map_to_their_zones() {
        assert_eq!(zone_for_province("32"), Some(Tz::Asia__Jakarta));
        assert_eq!(zone_for_province("61"), Some(Tz::Asia__Pontianak));
        assert_eq!(zone_for_province("62"), Some(Tz::Asia__Pontianak));
        assert_eq!(zone_for_province("73"), Some(Tz::Asia__Makassar));
        assert_eq!(zone_for_province("65"), Some(Tz::Asia__Makassar));
        assert_eq!(zone_for_province("91"), Some(Tz::Asia__Jayapura));
        assert_eq!(zone_for_province("96"), Some(Tz::Asia__Jayapura));
        assert_eq!(zone_for_province("20"), None);
        assert_eq!(zone_for_province("x"), None);
    }

    #[test]
    fn every_province_in_the_registry_has_a_zone() {
        for code in [
            "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51", "52",
            "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94",
            "95", "96",
        ] {
            assert!(zone_for_province(code).is_some(), "{code}");
        }
    }

    #[test]
    fn codes_are_recognised() {
        assert!(is_regency_code("32.71"));
        assert!(!is_regency_code("32.7"));
        assert!(!is_regency_code("32.71.01"));
        assert!(is_district_code("32.71.01"));
        assert!(!is_district_code("32.71"));
        assert!(is_province_code("32"));
        assert!(!is_province_code("3") && !is_province_code("32.71") && !is_province_code("ab"));
        assert_eq!(province_of("32.71.01"), "32");
        assert_eq!(zone_label(Tz::Asia__Pontianak), "WIB");
    }
}
