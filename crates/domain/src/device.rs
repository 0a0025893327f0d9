//! Devices an MPP runs unattended: kiosks that issue tickets and check
//! bookings in, display boards, and survey tablets at a counter. Each is paired
//! once with a one-time code typed on the device, and then carries its own
//! credential.

use chrono::Duration;

use crate::catalog::string_enum;

string_enum! {
    /// What a device is for.
    DeviceKind {
        Kiosk = "kiosk",
        Board = "board",
        Tablet = "tablet",
    }
}

/// How long a pairing code may be typed in after it was made.
pub const PAIRING_VALID: Duration = Duration::hours(24);

/// How often a device's "last seen" is written (not on every request).
pub const SEEN_EVERY: Duration = Duration::minutes(1);

/// The prefix of a device credential, so a leaked one is recognised.
pub const CREDENTIAL_PREFIX: &str = "sat_dev_";

impl DeviceKind {
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::Kiosk => "Kios antrean",
            DeviceKind::Board => "Papan informasi",
            DeviceKind::Tablet => "Tablet survei",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DeviceKind::Kiosk => "Queue kiosk",
            DeviceKind::Board => "Display board",
            DeviceKind::Tablet => "Survey tablet",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in DeviceKind::ALL {
            assert_eq!(DeviceKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(DeviceKind::parse("phone"), None);
    }
}
