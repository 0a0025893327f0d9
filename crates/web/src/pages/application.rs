//! The applicant's side of a file: find it by tracking code, see its steps,
//! its deadline and what the MPP asked for, in plain words.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use satuatap_service::Error;
use satuatap_service::application::{ApplicationEventView, ApplicationView, normalize_code};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::AppState;
use crate::throttle::{Throttle, bucket};

#[derive(Template)]
#[template(path = "application/track_entry.html")]
struct EntryPage<'a> {
    c: &'a Ctx,
    code: String,
    errors: FormErrors,
}

pub async fn entry(c: Ctx) -> PageResult {
    render(EntryPage { c: &c, code: String::new(), errors: FormErrors::default() })
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    kode: String,
}

pub async fn lookup(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    axum::Form(f): axum::Form<EntryForm>,
) -> PageResult {
    let code = normalize_code(&f.kode);
    match s.app.track_application(&code).await {
        Ok(_) => Ok(Redirect::to(&format!("/berkas/{code}")).into_response()),
        Err(Error::NotFound) => {
            let errors = FormErrors::general(c.t("app-not-found"));
            render(EntryPage { c: &c, code: f.kode, errors }).map(|r| (StatusCode::NOT_FOUND, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "application/track.html")]
struct TrackPage<'a> {
    c: &'a Ctx,
    v: ApplicationView,
}

impl TrackPage<'_> {
    /// One sentence on where the file is and what the applicant should do.
    fn says(&self) -> String {
        let c = self.c;
        let v = &self.v;
        match v.step.as_str() {
            "needs_completion" => {
                let by = v.completion_due_at.map(|d| crate::pages::complaint::due_text(c, &d, &v.time_zone));
                c.lang.ta("app-says-needs", &[("by", &by.unwrap_or_default())])
            }
            "ready" => c.lang.ta("app-says-ready", &[("mpp", &v.mpp_name)]),
            "picked_up" => c.t("app-says-picked-up"),
            "rejected" => c.t("app-says-rejected"),
            _ => match v.due_at {
                Some(d) => {
                    c.lang.ta("app-says-working", &[("due", &crate::pages::admin::application::due_text(c, v, &d))])
                }
                None => c.t("app-says-working-plain"),
            },
        }
    }
    fn notes(&self) -> Vec<&ApplicationEventView> {
        self.v.events.iter().filter(|e| e.note.is_some() && e.action != "escalate").collect()
    }
}

pub async fn track(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    Path(code): Path<String>,
) -> PageResult {
    match s.app.track_application(&code).await {
        Ok(v) => render(TrackPage { c: &c, v }),
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}
