//! Complaints on the SP4N-LAPOR! model (Perpres 76/2013, PermenPANRB 62/2018):
//! kinds, the states a report moves through and who may move it, and what an
//! attachment may be.

use crate::catalog::string_enum;

/// Working days the MPP's operator has to verify a new report.
pub const VERIFY_WORKING_DAYS: u32 = 3;
/// Working days the provider has to answer a forwarded report.
pub const ANSWER_WORKING_DAYS: u32 = 5;
/// Largest attachment accepted, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;
/// Attachments per report or per comment.
pub const MAX_ATTACHMENTS: usize = 3;

string_enum! {
    /// What the reporter is sending.
    Kind {
        Aspirasi = "aspirasi",
        Pengaduan = "pengaduan",
        PermintaanInformasi = "permintaan_informasi",
    }
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Aspirasi => "Aspirasi",
            Kind::Pengaduan => "Pengaduan",
            Kind::PermintaanInformasi => "Permintaan informasi",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Kind::Aspirasi => "Suggestion",
            Kind::Pengaduan => "Complaint",
            Kind::PermintaanInformasi => "Request for information",
        }
    }
}

string_enum! {
    /// Where a report stands.
    Status {
        // Waiting for the MPP's operator to verify it (3 working days).
        Submitted = "submitted",
        // Verification held: the operator asked the reporter for more; a reply resumes it.
        Postponed = "postponed",
        // With the provider, who has 5 working days to answer.
        Forwarded = "forwarded",
        // Answered; the reporter may rate it (closing it) or reopen it.
        Answered = "answered",
        // Rated by the reporter; may still be reopened.
        Closed = "closed",
        // Outside the MPP's authority; the referral says where to go.
        NotAuthority = "not_authority",
        Archived = "archived",
    }
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "Menunggu verifikasi",
            Status::Postponed => "Ditunda",
            Status::Forwarded => "Diteruskan ke instansi",
            Status::Answered => "Sudah ditanggapi",
            Status::Closed => "Selesai",
            Status::NotAuthority => "Bukan kewenangan",
            Status::Archived => "Diarsipkan",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Submitted => "Awaiting verification",
            Status::Postponed => "On hold",
            Status::Forwarded => "Forwarded to the provider",
            Status::Answered => "Answered",
            Status::Closed => "Closed",
            Status::NotAuthority => "Not our authority",
            Status::Archived => "Archived",
        }
    }

    /// The status SP4N-LAPOR! uses for the same stage (for the export).
    pub fn lapor(self) -> &'static str {
        match self {
            Status::Submitted | Status::Postponed => "Belum Terverifikasi",
            Status::Forwarded => "Terdisposisi",
            Status::Answered => "Ditindaklanjuti",
            Status::Closed => "Selesai",
            Status::NotAuthority => "Bukan Kewenangan",
            Status::Archived => "Diarsipkan",
        }
    }

    /// Comments are taken while a report is open.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Submitted | Status::Postponed | Status::Forwarded | Status::Answered)
    }
}

/// Who acts on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Reporter,
    Operator,
    Provider,
}

string_enum! {
    /// A step on a report.
    Action {
        // Operator: send to the responsible provider.
        Forward = "forward",
        // Operator: hold, asking the reporter for more.
        Postpone = "postpone",
        // Operator: not the MPP's authority; points to the right channel.
        NotAuthority = "not_authority",
        Archive = "archive",
        // Provider: the follow-up the reporter sees.
        Answer = "answer",
        // Provider: not ours; back to the operator to forward elsewhere.
        Return = "return",
        // Reporter: rate the answer (closes the report).
        Rate = "rate",
        // Reporter: not satisfied; back to the provider.
        Reopen = "reopen",
    }
}

impl Action {
    /// Who may take this step, from which states, and where it leads.
    pub fn transition(self, party: Party, from: Status) -> Option<Status> {
        use Status::*;
        match (self, party, from) {
            (Action::Forward, Party::Operator, Submitted | Postponed) => Some(Forwarded),
            (Action::Postpone, Party::Operator, Submitted) => Some(Postponed),
            (Action::NotAuthority, Party::Operator, Submitted | Postponed) => Some(NotAuthority),
            (Action::Archive, Party::Operator, Submitted | Postponed) => Some(Archived),
            (Action::Answer, Party::Provider, Forwarded) => Some(Answered),
            (Action::Return, Party::Provider, Forwarded) => Some(Submitted),
            (Action::Rate, Party::Reporter, Answered) => Some(Closed),
            (Action::Reopen, Party::Reporter, Answered | Closed) => Some(Forwarded),
            _ => None,
        }
    }
}

/// The content type of an attachment, judged by its first bytes (never by the
/// name or the type the browser claimed).
pub fn sniff_attachment(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_party_moves_a_report() {
        assert_eq!(Action::Forward.transition(Party::Operator, Status::Submitted), Some(Status::Forwarded));
        assert_eq!(Action::Forward.transition(Party::Provider, Status::Submitted), None);
        assert_eq!(Action::Answer.transition(Party::Provider, Status::Forwarded), Some(Status::Answered));
        assert_eq!(Action::Answer.transition(Party::Operator, Status::Forwarded), None);
        assert_eq!(Action::Answer.transition(Party::Provider, Status::Submitted), None);
        assert_eq!(Action::Rate.transition(Party::Reporter, Status::Answered), Some(Status::Closed));
        assert_eq!(Action::Reopen.transition(Party::Reporter, Status::Closed), Some(Status::Forwarded));
        assert_eq!(Action::Reopen.transition(Party::Reporter, Status::Archived), None);
        assert_eq!(Action::Postpone.transition(Party::Operator, Status::Postponed), None);
        assert!(!Status::Closed.is_open() && Status::Answered.is_open());
    }

    #[test]
    fn attachments_are_judged_by_their_bytes() {
        assert_eq!(sniff_attachment(b"%PDF-1.7\n..."), Some(("application/pdf", "pdf")));
        assert_eq!(sniff_attachment(b"\x89PNG\r\n\x1a\n\0\0"), Some(("image/png", "png")));
        assert_eq!(sniff_attachment(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(("image/jpeg", "jpg")));
        assert_eq!(sniff_attachment(b"RIFF\0\0\0\0WEBPVP8 "), Some(("image/webp", "webp")));
        assert_eq!(sniff_attachment(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff_attachment(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert_eq!(sniff_attachment(b""), None);
    }
}
