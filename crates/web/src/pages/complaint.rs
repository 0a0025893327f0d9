//! Public complaint pages: the form (with photos or PDFs attached), the page
//! that hands out the tracking code, and tracking, where the reporter reads
//! each follow-up, adds to the report, rates the answer or reopens it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use satuatap_domain::complaint::{Kind, Status};
use satuatap_service::Error;
use satuatap_service::complaint::{
    CommentInput, ComplaintInput, ComplaintView, Filed, RatingInput, ReopenInput, Upload, normalize_tracking_code,
};
use satuatap_store::{MppRow, ProviderRow};
use serde::Deserialize;

use super::{FormErrors, PageResult, render};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

/// A multipart form: its text fields and its files (empty file inputs skipped).
pub(crate) async fn read_form(
    c: &Ctx,
    mut form: Multipart,
) -> Result<(HashMap<String, String>, Vec<Upload>), WebError> {
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    let bad = |_| {
        WebError::In(
            c.lang,
            Error::field("attachments", satuatap_domain::Invalid::Format { hint: "hint-attachment-size" }),
        )
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let data = field.bytes().await.map_err(bad)?;
            if !data.is_empty() {
                files.push(Upload { filename, data: data.to_vec() });
            }
        } else {
            let text = field.text().await.map_err(bad)?;
            fields.insert(name, text);
        }
    }
    Ok((fields, files))
}

/// Text fields into an input struct, through the same loose parsing as JSON.
pub(crate) fn parse_fields<T: serde::de::DeserializeOwned + Default>(fields: &HashMap<String, String>) -> T {
    let map: serde_json::Map<String, serde_json::Value> =
        fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    serde_json::from_value(serde_json::Value::Object(map)).unwrap_or_default()
}

pub fn kind_text(c: &Ctx, kind: &Kind) -> String {
    c.lang.pick(kind.label(), Some(kind.label_en())).to_string()
}

pub fn status_text(c: &Ctx, status: &Status) -> String {
    c.lang.pick(status.label(), Some(status.label_en())).to_string()
}

/// A deadline (the midnight after its last day) as the last day, in the MPP's zone.
pub fn due_text(c: &Ctx, at: &chrono::DateTime<chrono::Utc>, tz: &str) -> String {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Tz::Asia__Jakarta);
    let last = (*at - chrono::Duration::seconds(1)).with_timezone(&tz).date_naive();
    super::fmt_date(c.lang, last)
}

pub fn when_text(c: &Ctx, at: &chrono::DateTime<chrono::Utc>, tz: &str) -> String {
    super::fmt_instant(c.lang, at, tz)
}

pub fn action_text(c: &Ctx, action: &str) -> String {
    c.tf("cp-action", action)
}

#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    #[serde(default)]
    layanan: Option<i64>,
    #[serde(default)]
    instansi: Option<i64>,
}

#[derive(Template)]
#[template(path = "complaint/form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    providers: Vec<ProviderRow>,
    service: Option<(i64, String)>,
    f: HashMap<String, String>,
    errors: FormErrors,
}

impl FormPage<'_> {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map(String::as_str).unwrap_or("")
    }
    fn is_kind(&self, k: &str) -> bool {
        self.v("kind") == k
    }
    fn checked(&self, k: &str) -> bool {
        matches!(self.v(k), "on" | "true" | "1")
    }
    fn kinds(&self) -> Vec<(&'static str, String, String)> {
        Kind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label().to_string(), self.c.t(&format!("cp-kind-{}-help", k.as_str()))))
            .collect()
    }
}

async fn form_page(
    s: &AppState,
    c: &Ctx,
    slug: &str,
    service_id: Option<i64>,
    f: HashMap<String, String>,
    errors: FormErrors,
) -> PageResult {
    let m = s.app.mpp_by_slug(slug).await.web(c)?;
    let providers = s.app.providers(None, m.id).await.web(c)?;
    let service = match service_id {
        Some(id) => s
            .app
            .service(None, id)
            .await
            .ok()
            .filter(|sv| sv.mpp_id == m.id)
            .map(|sv| (sv.id, c.lang.pick(&sv.name, sv.name_en.as_deref()).to_string())),
        None => None,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(FormPage { c, m, providers, service, f, errors }).map(|r| (status, r).into_response())
}

pub async fn form(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<FormQuery>,
) -> PageResult {
    let mut f = HashMap::new();
    if let Some(p) = q.instansi {
        f.insert("provider_id".to_string(), p.to_string());
    }
    f.insert("kind".to_string(), "pengaduan".to_string());
    form_page(&s, &c, &slug, q.layanan, f, FormErrors::default()).await
}

#[derive(Template)]
#[template(path = "complaint/filed.html")]
struct FiledPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    filed: Filed,
}

pub async fn submit(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Path(slug): Path<String>,
    form: Multipart,
) -> PageResult {
    let (fields, files) = read_form(&c, form).await?;
    let m = s.app.mpp_by_slug(&slug).await.web(&c)?;
    let input: ComplaintInput = parse_fields(&fields);
    let service_id = fields.get("service_id").and_then(|v| v.parse().ok());
    match s.app.submit_complaint(m.id, &input, &files).await {
        Ok(filed) => render(FiledPage { c: &c, m, filed }).map(|r| (StatusCode::CREATED, r).into_response()),
        Err(Error::Invalid(errs)) => {
            form_page(&s, &c, &slug, service_id, fields, FormErrors::from_fields(c.lang, &errs)).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "complaint/track_entry.html")]
struct EntryPage<'a> {
    c: &'a Ctx,
    code: String,
    errors: FormErrors,
}

pub async fn track_entry(c: Ctx) -> PageResult {
    render(EntryPage { c: &c, code: String::new(), errors: FormErrors::default() })
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    kode: String,
}

pub async fn track_lookup(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    axum::Form(f): axum::Form<EntryForm>,
) -> PageResult {
    let code = normalize_tracking_code(&f.kode);
    match s.app.complaint_by_code(&code).await {
        Ok(_) => Ok(Redirect::to(&format!("/pengaduan/{code}")).into_response()),
        Err(Error::NotFound) => {
            let errors = FormErrors::general(c.t("cp-not-found"));
            render(EntryPage { c: &c, code: f.kode, errors }).map(|r| (StatusCode::NOT_FOUND, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "complaint/track.html")]
struct TrackPage<'a> {
    c: &'a Ctx,
    code: String,
    v: ComplaintView,
    done: Option<String>,
    errors: FormErrors,
}

impl TrackPage<'_> {
    fn can_rate(&self) -> bool {
        self.v.status == Status::Answered
    }
    fn can_reopen(&self) -> bool {
        matches!(self.v.status, Status::Answered | Status::Closed)
    }
    fn can_comment(&self) -> bool {
        self.v.status.is_open()
    }
}

async fn track_page(s: &AppState, c: &Ctx, code: &str, done: Option<String>, errors: FormErrors) -> PageResult {
    let code = normalize_tracking_code(code);
    let v = s.app.complaint_by_code(&code).await.web(c)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(TrackPage { c, code, v, done, errors }).map(|r| (status, r).into_response())
}

pub async fn track(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    Path(code): Path<String>,
) -> PageResult {
    track_page(&s, &c, &code, None, FormErrors::default()).await
}

/// After a reporter's step: the page again with a note, or with the problem.
async fn after(s: &AppState, c: &Ctx, code: &str, r: Result<ComplaintView, Error>, done_key: &str) -> PageResult {
    match r {
        Ok(_) => track_page(s, c, code, Some(c.t(done_key)), FormErrors::default()).await,
        Err(Error::Invalid(errs)) => track_page(s, c, code, None, FormErrors::from_fields(c.lang, &errs)).await,
        Err(e @ Error::Refused { .. }) => {
            track_page(s, c, code, None, FormErrors::general(crate::error::message_of(c.lang, &e))).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn comment(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Path(code): Path<String>,
    form: Multipart,
) -> PageResult {
    let (fields, files) = read_form(&c, form).await?;
    let input = CommentInput { internal: false, ..parse_fields(&fields) };
    let r = s.app.reporter_comment(&code, &input, &files).await;
    after(&s, &c, &code, r, "cp-commented").await
}

pub async fn rate(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let input: RatingInput = parse_fields(&f);
    let r = s.app.rate_complaint(&code, &input).await;
    after(&s, &c, &code, r, "cp-rated").await
}

pub async fn reopen(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let input: ReopenInput = parse_fields(&f);
    let r = s.app.reopen_complaint(&code, &input).await;
    after(&s, &c, &code, r, "cp-reopened").await
}

pub async fn attachment(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = id.parse().map_err(|_| WebError::In(c.lang, Error::NotFound))?;
    let a = s.app.attachment_for_reporter(&code, id).await.web(&c)?;
    Ok(crate::api::complaint::download(&a.filename, &a.content_type, a.data))
}
