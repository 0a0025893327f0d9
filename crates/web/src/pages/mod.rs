//! Server-rendered HTML pages. Each handler parses, calls one `service`
//! operation, and renders a template; no business rule lives here.

pub mod account;
pub mod admin;
pub mod application;
pub mod booking;
pub mod complaint;
pub mod device;
pub mod evaluation;
pub mod national;
pub mod oss;
pub mod public;
pub mod queue;
pub mod survey;

use std::collections::HashMap;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use satuatap_domain::FieldError;
use satuatap_domain::catalog::{Category, DurationUnit, ProviderKind, Standard};
use satuatap_domain::hours::OpenStatus;
use satuatap_service::Error;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;

pub type PageResult = Result<Response, WebError>;

pub fn render(t: impl Template) -> PageResult {
    t.render().map(|html| Html(html).into_response()).map_err(|e| WebError::Service(Error::Internal(e.to_string())))
}

/// The current page with the other language selected.
pub fn lang_href(c: &Ctx) -> String {
    let sep = if c.path.contains('?') { '&' } else { '?' };
    format!("{}{sep}lang={}", c.path, c.lang.other().code())
}

/// Field errors of a form, as sentences keyed by field name.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub fields: HashMap<String, String>,
    pub general: Option<String>,
    /// Every problem as a sentence naming its field in words, with the
    /// field's element id: the summary above the form (fields that the form
    /// shows nowhere still get told).
    pub summary: Vec<(String, String)>,
}

impl FormErrors {
    pub fn from_fields(lang: Lang, errs: &[FieldError]) -> FormErrors {
        let mut fields = HashMap::new();
        let mut summary = Vec::new();
        for e in errs {
            if !fields.contains_key(&e.field) {
                fields.insert(e.field.clone(), lang.field_error(e));
                summary.push((format!("f-{}", e.field), lang.field_sentence(e)));
            }
        }
        FormErrors { fields, general: Some(lang.t("err-invalid")), summary }
    }

    /// What a form shows for a failed submission, with its status: field problems (422)
    /// or a refusal in words (409); anything else is an error page.
    pub fn of(lang: Lang, e: satuatap_service::Error) -> Result<(FormErrors, axum::http::StatusCode), WebError> {
        match e {
            satuatap_service::Error::Invalid(errs) => {
                Ok((FormErrors::from_fields(lang, &errs), axum::http::StatusCode::UNPROCESSABLE_ENTITY))
            }
            e @ satuatap_service::Error::Refused { .. } => {
                Ok((FormErrors::general(crate::error::message_of(lang, &e)), axum::http::StatusCode::CONFLICT))
            }
            e => Err(WebError::In(lang, e)),
        }
    }

    pub fn general(msg: String) -> FormErrors {
        FormErrors { fields: HashMap::new(), general: Some(msg), summary: Vec::new() }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_none()
    }
}

pub fn weekday_name(lang: impl Into<Lang>, d: Weekday) -> String {
    let lang: Lang = lang.into();
    lang.t(&format!("day-{}", satuatap_domain::hours::weekday_key(d)))
}

pub fn fmt_date(lang: impl Into<Lang>, d: impl DateLike) -> String {
    let lang: Lang = lang.into();
    let d = &d.to_date();
    let month = lang.t(&format!("month-{}", d.month()));
    format!("{}, {} {} {}", weekday_name(lang, d.weekday()), d.day(), month, d.year())
}

pub fn fmt_date_short(lang: impl Into<Lang>, d: impl DateLike) -> String {
    let lang: Lang = lang.into();
    let d = &d.to_date();
    format!("{} {} {}", d.day(), lang.t(&format!("month-{}", d.month())), d.year())
}

pub fn fmt_time(t: &NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

pub fn fmt_instant(lang: impl Into<Lang>, at: &chrono::DateTime<chrono::Utc>, tz: &str) -> String {
    let lang: Lang = lang.into();
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Tz::Asia__Jakarta);
    let local = at.with_timezone(&tz);
    format!("{} {}", fmt_date_short(lang, local.date_naive()), local.format("%H:%M"),)
}

/// A local moment the service layer gives as `YYYY-MM-DD HH:MM` ("when a quota
/// opens"), as people read it: "Selasa, 1 Desember 2026 pukul 06:00". Anything else
/// is shown as it is.
pub fn fmt_local_when(lang: impl Into<Lang>, when: &str) -> String {
    let lang: Lang = lang.into();
    match chrono::NaiveDateTime::parse_from_str(when.trim(), "%Y-%m-%d %H:%M") {
        Ok(t) => {
            lang.ta("at-day-time", &[("day", &fmt_date(lang, t.date())), ("time", &t.format("%H:%M").to_string())])
        }
        Err(_) => when.to_string(),
    }
}

pub fn zone_label(tz: &str) -> &'static str {
    satuatap_domain::region::zone_label(tz.parse().unwrap_or(chrono_tz::Tz::Asia__Jakarta))
}

pub fn category_label(lang: impl Into<Lang>, c: &Category) -> String {
    let lang: Lang = lang.into();
    lang.t(&format!("cat-{}", c.as_str()))
}

pub fn kind_label(lang: impl Into<Lang>, k: &ProviderKind) -> String {
    let lang: Lang = lang.into();
    lang.t(&format!("kind-{}", k.as_str()))
}

pub fn duration_text(lang: impl Into<Lang>, s: &Standard) -> String {
    let lang: Lang = lang.into();
    match (s.duration_value, s.duration_unit) {
        (Some(v), Some(u)) => {
            let key = match u {
                DurationUnit::Minutes => "dur-minutes",
                DurationUnit::Hours => "dur-hours",
                DurationUnit::WorkingDays => "dur-working-days",
                DurationUnit::Days => "dur-days",
            };
            lang.tn(key, "n", v)
        }
        _ => lang.t("not-stated"),
    }
}

pub fn fee_text(lang: impl Into<Lang>, s: &Standard) -> String {
    let lang: Lang = lang.into();
    let text = lang.pick(s.fee.as_deref().unwrap_or(""), s.fee_en.as_deref());
    if s.fee_free && text.trim().is_empty() {
        lang.t("fee-free")
    } else if text.trim().is_empty() {
        lang.t("not-stated")
    } else {
        text.to_string()
    }
}

/// "Open now, closes at 16:00 WIB" or "Closed, opens Monday 07:30 WIB".
pub fn open_text(lang: impl Into<Lang>, s: &OpenStatus, now: &NaiveDateTime, zone: &str) -> (bool, String) {
    let lang: Lang = lang.into();
    match s {
        OpenStatus::Open { closes_at } => {
            (true, lang.ta("open-now", &[("time", &fmt_time(closes_at)), ("zone", zone)]))
        }
        OpenStatus::Closed { opens_at: Some(at) } => {
            let when = if at.date() == now.date() {
                lang.t("today")
            } else if at.date() == now.date().succ_opt().unwrap_or(at.date()) {
                lang.t("tomorrow")
            } else if at.date() - now.date() < chrono::Duration::days(7) {
                weekday_name(lang, at.date().weekday())
            } else {
                fmt_date(lang, at.date())
            };
            (false, lang.ta("closed-opens", &[("when", &when), ("time", &fmt_time(&at.time())), ("zone", zone)]))
        }
        OpenStatus::Closed { opens_at: None } => (false, lang.t("closed-no-hours")),
    }
}

/// A whole number however a template borrowed it.
pub trait IntLike {
    fn as_i64(&self) -> i64;
}

macro_rules! int_like {
    ($($t:ty),*) => {$(
        impl IntLike for $t {
            fn as_i64(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
int_like!(i64, i32, u32, u64, usize);

impl<T: IntLike + ?Sized> IntLike for &T {
    fn as_i64(&self) -> i64 {
        (**self).as_i64()
    }
}

/// Two texts equal, however a template borrowed them.
pub fn same_str(a: impl AsRef<str>, b: impl AsRef<str>) -> bool {
    a.as_ref() == b.as_ref()
}

/// A whole number with the language's thousands separator: `1.144.108` / `1,144,108`.
pub fn fmt_int(lang: impl Into<Lang>, n: impl IntLike) -> String {
    let lang: Lang = lang.into();
    let n = n.as_i64();
    let digits = n.unsigned_abs().to_string();
    let sep = if lang == Lang::En { ',' } else { '.' };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A decimal with `places` digits and the language's decimal mark: `62,3` / `62.3`.
pub fn fmt_dec(lang: impl Into<Lang>, x: impl std::borrow::Borrow<f64>, places: usize) -> String {
    dec_text(lang, &format!("{:.*}", places, *x.borrow()))
}

/// A decimal already written with a point (`84.26`, as reports carry it) in the language's mark.
pub fn dec_text(lang: impl Into<Lang>, s: &str) -> String {
    if lang.into() == Lang::En { s.to_string() } else { s.replace('.', ",") }
}

/// A share (0–1) as a percentage with one decimal, or a dash without a base.
pub fn fmt_pct(lang: impl Into<Lang>, share: impl std::borrow::Borrow<Option<f64>>) -> String {
    let lang: Lang = lang.into();
    match *share.borrow() {
        Some(x) => format!("{} %", fmt_dec(lang, x * 100.0, 1)),
        None => "—".into(),
    }
}

/// Minutes (a rollup's bucket edge), or a dash.
pub fn fmt_minutes(lang: impl Into<Lang>, m: impl std::borrow::Borrow<Option<f64>>) -> String {
    let lang: Lang = lang.into();
    match *m.borrow() {
        Some(x) => format!("{} {}", fmt_dec(lang, x, 0), lang.t("unit-minutes")),
        None => "—".into(),
    }
}

/// Percent-encode a query value.
pub fn q(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `opt == Some(v)`, for templates (which pass arguments by reference).
pub fn same<T: PartialEq>(opt: &Option<T>, v: &T) -> bool {
    opt.as_ref() == Some(v)
}

pub fn eq_opt(opt: &Option<String>, v: &str) -> bool {
    opt.as_deref() == Some(v)
}

/// A date however deeply a template borrowed it.
pub trait DateLike {
    fn to_date(&self) -> NaiveDate;
}

impl DateLike for NaiveDate {
    fn to_date(&self) -> NaiveDate {
        *self
    }
}

impl<T: DateLike + ?Sized> DateLike for &T {
    fn to_date(&self) -> NaiveDate {
        (**self).to_date()
    }
}

/// What an outbox message is about, in words (never its kind key).
pub fn message_kind(lang: impl Into<Lang>, kind: &str) -> String {
    let lang: Lang = lang.into();
    lang.lookup(&format!("bk-kind-{kind}")).unwrap_or_else(|| lang.t("bk-kind-other"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_kinds_read_as_words() {
        for kind in [
            "booked",
            "rescheduled",
            "cancelled",
            "reminder",
            "complaint",
            "complaint_escalation",
            "login_failures",
            "eval_opened",
            "eval_assigned",
            "eval_submitted",
            "eval_returned",
            "eval_finalised",
            "eval_published",
            "application",
            "oss_follow_up",
            "turn_near",
        ] {
            for lang in [Lang::Id, Lang::En] {
                let text = message_kind(lang, kind);
                assert!(!text.contains(kind) && !text.starts_with("bk-"), "{kind}: {text}");
                assert_ne!(text, lang.t("bk-kind-other"), "{kind} has its own label");
            }
        }
        assert_eq!(message_kind(Lang::Id, "something_new"), "Pesan");
    }
}
