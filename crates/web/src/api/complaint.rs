//! Complaints over the API: filing one (public), following it with the tracking
//! code (public), the operator's and provider's steps and comments (staff),
//! attachments served safely, and the SP4N-LAPOR! export.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::NaiveDate;
use satuatap_service::complaint::{
    CommentInput, ComplaintInput, ComplaintView, Filed, LaporRecord, ListQuery, RatingInput, ReopenInput, StepInput,
    Upload, lapor_csv,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A file as JSON: its name and its bytes in base64.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FileBody {
    #[serde(default)]
    pub filename: String,
    /// Standard base64; JPEG, PNG, WebP or PDF, at most 2 MB.
    pub data_base64: String,
}

pub(crate) fn uploads(c: &Ctx, files: &[FileBody]) -> Result<Vec<Upload>, ApiError> {
    files
        .iter()
        .map(|f| {
            base64::engine::general_purpose::STANDARD
                .decode(f.data_base64.trim())
                .map(|data| Upload { filename: f.filename.clone(), data })
                .map_err(|_| ApiError::bad_json(c.lang, "attachments: data_base64 is not base64".into()))
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewComplaintBody {
    #[serde(flatten)]
    #[schema(inline)]
    pub report: ComplaintInput,
    #[serde(default)]
    pub attachments: Vec<FileBody>,
}

/// File a complaint, suggestion or request for information; the tracking code is shown only now.
#[utoipa::path(post, path = "/mpps/{id}/complaints", tag = "complaints", params(("id" = i64, Path)),
    request_body = NewComplaintBody,
    responses((status = 201, description = "Filed; the tracking code is shown only now", body = Filed), (status = 429, body = ErrorEnvelope)))]
pub async fn file(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Id(id): Id,
    ApiJson(b): ApiJson<NewComplaintBody>,
) -> Result<impl IntoResponse, ApiError> {
    let files = uploads(&c, &b.attachments)?;
    let filed = s.app.submit_complaint(id, &b.report, &files).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(filed)))
}

/// A report and its public timeline, by tracking code.
#[utoipa::path(get, path = "/complaint-tracking/{code}", tag = "complaints", params(("code" = String, Path)),
    responses((status = 200, description = "The report and its public timeline", body = ComplaintView), (status = 429, body = ErrorEnvelope)))]
pub async fn track(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    Path(code): Path<String>,
) -> ApiResult<ComplaintView> {
    Ok(Json(s.app.complaint_by_code(&code).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentBody {
    #[serde(flatten)]
    #[schema(inline)]
    pub comment: CommentInput,
    #[serde(default)]
    pub attachments: Vec<FileBody>,
}

/// The reporter adds details or files.
#[utoipa::path(post, path = "/complaint-tracking/{code}/comments", tag = "complaints",
    params(("code" = String, Path)), request_body = CommentBody,
    responses((status = 200, body = ComplaintView), (status = 409, description = "`complaint_closed`", body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn reporter_comment(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<CommentBody>,
) -> ApiResult<ComplaintView> {
    let files = uploads(&c, &b.attachments)?;
    let input = CommentInput { internal: false, ..b.comment };
    Ok(Json(s.app.reporter_comment(&code, &input, &files).await.api(&c)?))
}

/// The reporter rates the answer, which closes the report.
#[utoipa::path(post, path = "/complaint-tracking/{code}/rating", tag = "complaints",
    params(("code" = String, Path)), request_body = RatingInput,
    responses((status = 200, description = "Rated and closed", body = ComplaintView),
        (status = 409, description = "`complaint_step_not_allowed`: not answered yet", body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn rate(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<RatingInput>,
) -> ApiResult<ComplaintView> {
    Ok(Json(s.app.rate_complaint(&code, &b).await.api(&c)?))
}

/// The reporter reopens an answered report.
#[utoipa::path(post, path = "/complaint-tracking/{code}/reopen", tag = "complaints",
    params(("code" = String, Path)), request_body = ReopenInput,
    responses((status = 200, description = "Back with the provider, 5 working days", body = ComplaintView),
        (status = 409, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn reopen(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Complaint>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<ReopenInput>,
) -> ApiResult<ComplaintView> {
    Ok(Json(s.app.reopen_complaint(&code, &b).await.api(&c)?))
}

/// A file of the report, as a download, for its reporter.
#[utoipa::path(get, path = "/complaint-tracking/{code}/attachments/{attachment}", tag = "complaints",
    params(("code" = String, Path), ("attachment" = i64, Path)),
    responses((status = 200, description = "The file, as a download (`Content-Disposition: attachment`)",
        content(("image/jpeg"), ("image/png"), ("image/webp"), ("application/pdf"))), (status = 429, body = ErrorEnvelope)))]
pub async fn reporter_attachment(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    Path((code, attachment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = attachment.parse().map_err(|_| ApiError::not_found(c.lang))?;
    let f = s.app.attachment_for_reporter(&code, id).await.api(&c)?;
    Ok(download(&f.filename, &f.content_type, f.data))
}

/// An MPP's reports, late ones first (staff; providers see what was forwarded to them).
#[utoipa::path(get, path = "/mpps/{id}/complaints", tag = "complaints", security(("session" = []), ("token" = [])), params(("id" = i64, Path), ListQuery),
    responses((status = 200, description = "Newest first; provider admins see what was forwarded to them", body = [ComplaintView])))]
pub async fn list(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Vec<ComplaintView>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.complaints(a, id, &q).await.api(&c)?))
}

/// One report with its whole timeline, internal notes included (staff).
#[utoipa::path(get, path = "/complaints/{id}", tag = "complaints", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "With the full timeline, internal notes included", body = ComplaintView)))]
pub async fn get_one(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ComplaintView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.complaint(a, id).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StepBody {
    #[serde(flatten)]
    #[schema(inline)]
    pub step: StepInput,
    #[serde(default)]
    pub attachments: Vec<FileBody>,
}

/// Move a report on: forward, postpone, not our authority, archive, answer or return.
#[utoipa::path(post, path = "/complaints/{id}/steps", tag = "complaints", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    request_body = StepBody,
    responses((status = 200, body = ComplaintView),
        (status = 409, description = "`complaint_step_not_allowed`, `complaint_changed`", body = ErrorEnvelope)))]
pub async fn step(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<StepBody>,
) -> ApiResult<ComplaintView> {
    let a = c.api_actor()?;
    let files = uploads(&c, &b.attachments)?;
    Ok(Json(s.app.complaint_step(a, id, &b.step, &files).await.api(&c)?))
}

/// A comment or internal note by staff.
#[utoipa::path(post, path = "/complaints/{id}/comments", tag = "complaints", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    request_body = CommentBody,
    responses((status = 200, body = ComplaintView), (status = 409, body = ErrorEnvelope)))]
pub async fn staff_comment(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<CommentBody>,
) -> ApiResult<ComplaintView> {
    let a = c.api_actor()?;
    let files = uploads(&c, &b.attachments)?;
    Ok(Json(s.app.staff_comment(a, id, &b.comment, &files).await.api(&c)?))
}

/// A file of a report, as a download (staff).
#[utoipa::path(get, path = "/complaint-attachments/{id}", tag = "complaints", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The file, as a download (`Content-Disposition: attachment`)",
        content(("image/jpeg"), ("image/png"), ("image/webp"), ("application/pdf")))))]
pub async fn staff_attachment(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<Response, ApiError> {
    let a = c.api_actor()?;
    let f = s.app.attachment_for_staff(a, id).await.api(&c)?;
    Ok(download(&f.filename, &f.content_type, f.data))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default) or `json`.
    pub format: Option<String>,
    /// First day filed (YYYY-MM-DD, the MPP's zone).
    pub from: Option<NaiveDate>,
    /// Last day filed.
    pub to: Option<NaiveDate>,
}

/// An MPP's reports for SP4N-LAPOR!, as CSV or JSON (confidential reporters masked).
#[utoipa::path(get, path = "/mpps/{id}/complaints/export", tag = "complaints", security(("session" = []), ("token" = [])), params(("id" = i64, Path), ExportParams),
    responses((status = 200, description = "SP4N-LAPOR! records (docs/LAPOR_EXPORT.md); confidential reporters masked",
        content(([LaporRecord] = "application/json"), (String = "text/csv")))))]
pub async fn export(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let a = c.api_actor()?;
    for d in [p.from, p.to].into_iter().flatten() {
        super::in_calendar(c.lang, "date", chrono::Datelike::year(&d))?;
    }
    let records = s.app.export_complaints(a, id, p.from, p.to).await.api(&c)?;
    Ok(export_response(&records, p.format.as_deref(), id))
}

/// The export as CSV (UTF-8 with BOM, for spreadsheets) or JSON, as a download.
pub fn export_response(records: &[LaporRecord], format: Option<&str>, mpp_id: i64) -> Response {
    if format == Some("json") {
        let mut r = Json(records).into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"pengaduan-mpp-{mpp_id}.json\"")) {
            r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        return r;
    }
    let body = format!("\u{feff}{}", lapor_csv(records));
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"pengaduan-mpp-{mpp_id}.csv\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// An attachment as a download: its type is one of four fixed ones checked by
/// its bytes on upload, never rendered inline, never sniffed, never scripted.
pub fn download(filename: &str, content_type: &str, data: Vec<u8>) -> Response {
    let mut r = data.into_response();
    let h = r.headers_mut();
    let ctype = match content_type {
        "image/jpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "application/pdf" => "application/pdf",
        _ => "application/octet-stream",
    };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    let name: String = filename.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}
