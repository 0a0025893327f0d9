//! The satisfaction survey (SKM) for citizens and the public: the form after a
//! served visit or with a one-time code, the thank-you page, the counter's
//! tablet, and the IKM results per MPP and nationally (page, print view, CSV).
//! Every figure comes from `service::survey`; this module only formats.
//!
//! `answer` holds the pages that take answers (after a visit, by code, on the
//! tablet), `results` the IKM pages; this module the questions both show.

mod answer;
mod results;

pub use answer::*;
pub use results::*;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use satuatap_domain::survey::{AGE_BANDS, EDUCATION, ELEMENTS, Element, Grade, OCCUPATIONS, Period, SEXES};
use satuatap_service::Error;
use satuatap_service::survey::{GroupResult, IkmReport, SurveyInput, SurveyTarget};
use satuatap_store::MppRow;
use satuatap_store::mpps::MppFilter;
use serde::Deserialize;

use super::FormErrors;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

/// The regulation the survey and its index follow.
pub const REGULATION: &str = "PermenPANRB 14/2017";

// --- the questions, as forms show them ---------------------------------------------------

/// One answer of a question.
pub struct Choice {
    pub value: u8,
    /// The official (Indonesian) label.
    pub label: &'static str,
    /// The English label, shown smaller.
    pub label_en: &'static str,
    pub checked: bool,
}

/// One element U1–U9 as a radio group.
pub struct Question {
    pub code: &'static str,
    /// The form field: `u1` … `u9`.
    pub field: String,
    pub name: &'static str,
    pub question: &'static str,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
}

pub fn questions(lang: Lang, input: &SurveyInput, errors: &FormErrors) -> Vec<Question> {
    ELEMENTS
        .into_iter()
        .map(|e| {
            let field = e.code().to_ascii_lowercase();
            let chosen = input.chosen(e);
            let (labels, labels_en) = (e.labels(), e.labels_en());
            Question {
                code: e.code(),
                error: errors.has(&field).then(|| lang.t("sv-choose-answer")),
                field,
                name: if lang == Lang::En { e.name_en() } else { e.name() },
                question: if lang == Lang::En { e.question_en() } else { e.question() },
                choices: (0..4)
                    .map(|i| Choice {
                        value: i as u8 + 1,
                        label: labels[i],
                        label_en: labels_en[i],
                        checked: chosen == Some(i as i64 + 1),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// An optional profile question (a select with "rather not say" first).
pub struct ProfileField {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<ProfileOption>,
    pub error: Option<String>,
}

pub struct ProfileOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

fn age_key(band: &str) -> String {
    match band {
        "<20" => "sv-age-under20".into(),
        "60+" => "sv-age-60plus".into(),
        other => format!("sv-age-{other}"),
    }
}

pub fn profile(lang: Lang, input: &SurveyInput, errors: &FormErrors) -> Vec<ProfileField> {
    let field =
        |name: &'static str, label: &str, values: &[&'static str], key: &dyn Fn(&str) -> String, v: &Option<String>| {
            let current = v.as_deref().map(str::trim).unwrap_or("");
            ProfileField {
                name,
                label: lang.t(label),
                options: values
                    .iter()
                    .map(|x| ProfileOption { value: x, label: lang.t(&key(x)), selected: *x == current })
                    .collect(),
                error: errors.get(name).map(str::to_string),
            }
        };
    vec![
        field("sex", "sv-sex", &SEXES, &|x| format!("sv-sex-{x}"), &input.sex),
        field("age_band", "sv-age", &AGE_BANDS, &age_key, &input.age_band),
        field("education", "sv-education", &EDUCATION, &|x| format!("sv-edu-{x}"), &input.education),
        field("occupation", "sv-occupation", &OCCUPATIONS, &|x| format!("sv-job-{x}"), &input.occupation),
    ]
}

/// The questions left unanswered or out of range, for the summary above the form.
pub fn missing(lang: Lang, errors: &FormErrors) -> Vec<(String, String)> {
    ELEMENTS
        .into_iter()
        .filter(|e| errors.has(&e.code().to_ascii_lowercase()))
        .map(|e| {
            let name = if lang == Lang::En { e.name_en() } else { e.name() };
            (e.code().to_ascii_lowercase(), format!("{} {}", e.code(), name))
        })
        .collect()
}
