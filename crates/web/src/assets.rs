//! Static files, embedded in the binary: the stylesheet, page scripts and the
//! voice clips of the display boards.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Bumped when an asset changes, so browsers refetch despite long caching.
pub const VERSION: &str = "24";

macro_rules! files {
    ($($name:literal => $ty:literal),+ $(,)?) => {
        &[$(($name, $ty, include_bytes!(concat!("../assets/", $name)) as &[u8])),+]
    };
}

static FILES: &[(&str, &str, &[u8])] = files! {
    "app.css" => "text/css; charset=utf-8",
    "queue.css" => "text/css; charset=utf-8",
    "common.js" => "text/javascript; charset=utf-8",
    "page.js" => "text/javascript; charset=utf-8",
    "kiosk.js" => "text/javascript; charset=utf-8",
    "ticket.js" => "text/javascript; charset=utf-8",
    "board.js" => "text/javascript; charset=utf-8",
    "console.js" => "text/javascript; charset=utf-8",
    "waiting.js" => "text/javascript; charset=utf-8",
    "survey.css" => "text/css; charset=utf-8",
    "tablet.js" => "text/javascript; charset=utf-8",
    "complaint.css" => "text/css; charset=utf-8",
    "voice/nomor-antrean.ogg" => "audio/ogg",
    "voice/silakan-menuju-loket.ogg" => "audio/ogg",
    "voice/nol.ogg" => "audio/ogg",
    "voice/satu.ogg" => "audio/ogg",
    "voice/dua.ogg" => "audio/ogg",
    "voice/tiga.ogg" => "audio/ogg",
    "voice/empat.ogg" => "audio/ogg",
    "voice/lima.ogg" => "audio/ogg",
    "voice/enam.ogg" => "audio/ogg",
    "voice/tujuh.ogg" => "audio/ogg",
    "voice/delapan.ogg" => "audio/ogg",
    "voice/sembilan.ogg" => "audio/ogg",
    "voice/a.ogg" => "audio/ogg", "voice/b.ogg" => "audio/ogg", "voice/c.ogg" => "audio/ogg",
    "voice/d.ogg" => "audio/ogg", "voice/e.ogg" => "audio/ogg", "voice/f.ogg" => "audio/ogg",
    "voice/g.ogg" => "audio/ogg", "voice/h.ogg" => "audio/ogg", "voice/i.ogg" => "audio/ogg",
    "voice/j.ogg" => "audio/ogg", "voice/k.ogg" => "audio/ogg", "voice/l.ogg" => "audio/ogg",
    "voice/m.ogg" => "audio/ogg", "voice/n.ogg" => "audio/ogg", "voice/o.ogg" => "audio/ogg",
    "voice/p.ogg" => "audio/ogg", "voice/q.ogg" => "audio/ogg", "voice/r.ogg" => "audio/ogg",
    "voice/s.ogg" => "audio/ogg", "voice/t.ogg" => "audio/ogg", "voice/u.ogg" => "audio/ogg",
    "voice/v.ogg" => "audio/ogg", "voice/w.ogg" => "audio/ogg", "voice/x.ogg" => "audio/ogg",
    "voice/y.ogg" => "audio/ogg", "voice/z.ogg" => "audio/ogg",
};

pub async fn file(Path(name): Path<String>) -> Response {
    let Some((_, ty, body)) = FILES.iter().find(|(n, _, _)| *n == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut r = body.to_vec().into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ty));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_voice_clip_a_call_needs_is_shipped() {
        for clip in satuatap_domain::queue::all_clips() {
            let name = format!("voice/{clip}.ogg");
            assert!(FILES.iter().any(|(n, _, b)| *n == name && b.len() > 500), "{name} missing");
        }
    }
}
