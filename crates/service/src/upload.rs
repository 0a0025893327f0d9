//! Files people send (complaint attachments, evaluation evidence): checked by
//! their bytes (JPEG, PNG, WebP or PDF), never by their name or declared type,
//! each within the size limit, and stored under a name reduced to safe characters.

use satuatap_domain::Invalid;
use satuatap_domain::complaint::{MAX_ATTACHMENT_BYTES, sniff_attachment};
use satuatap_domain::validate::Checker;
use sha2::{Digest, Sha256};

/// A file sent with a form or a request.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub data: Vec<u8>,
}

/// A checked file: its safe name, its type read off its bytes, its SHA-256.
pub(crate) type Checked = (String, &'static str, String);

/// Check uploads by their bytes and size (at most `max` non-empty files); problems go to `field`.
pub(crate) fn check_uploads(
    c: &mut Checker,
    field: &str,
    uploads: &[Upload],
    max: usize,
    fallback: &str,
) -> Vec<Checked> {
    let mut out = Vec::new();
    let uploads: Vec<&Upload> = uploads.iter().filter(|u| !u.data.is_empty()).collect();
    if uploads.len() > max {
        c.push(field, Invalid::OutOfRange { min: 0, max: max as i64 });
        return out;
    }
    for u in uploads {
        if u.data.len() > MAX_ATTACHMENT_BYTES {
            c.push(field, Invalid::Format { hint: "hint-attachment-size" });
            continue;
        }
        let Some((ctype, ext)) = sniff_attachment(&u.data) else {
            c.push(field, Invalid::Format { hint: "hint-attachment-type" });
            continue;
        };
        let stem: String = u
            .filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or(&u.filename)
            .chars()
            .filter(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | ' '))
            .take(60)
            .collect();
        let stem = stem.trim();
        let name = format!("{}.{ext}", if stem.is_empty() { fallback } else { stem });
        out.push((name, ctype, hex(&Sha256::digest(&u.data))));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
