//! The satisfaction survey over the API: its questions, answering it (by ticket,
//! one-time code or the counter's tablet), paper entry and codes for staff, IKM
//! reports (public), suggestions and follow-ups (staff).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use satuatap_domain::survey::{ELEMENTS, Period};
use satuatap_service::survey::{FollowupInput, IkmReport, SurveyInput, SurveyTarget};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::ApiErrorBody;
use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

#[derive(Serialize, ToSchema)]
pub struct ElementDoc {
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    question: &'static str,
    question_en: &'static str,
    /// The official answers for 1, 2, 3, 4.
    labels: [&'static str; 4],
    labels_en: [&'static str; 4],
}

#[utoipa::path(get, path = "/api/v1/survey/elements", tag = "survey",
    responses((status = 200, description = "U1–U9 as PermenPANRB 14/2017 defines them", body = [ElementDoc])))]
pub async fn elements() -> Json<Vec<ElementDoc>> {
    Json(
        ELEMENTS
            .into_iter()
            .map(|e| ElementDoc {
                code: e.code(),
                name: e.name(),
                name_en: e.name_en(),
                question: e.question(),
                question_en: e.question_en(),
                labels: e.labels(),
                labels_en: e.labels_en(),
            })
            .collect(),
    )
}

#[derive(Serialize, ToSchema)]
#[schema(as = SurveyTarget)]
pub struct TargetDoc {
    mpp_name: String,
    provider_name: String,
    service_name: String,
    /// Already answered: a second response is refused.
    answered: bool,
    ticket_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Submitted {
    id: i64,
}

fn limited(s: &AppState, c: &Ctx) -> Result<(), ApiError> {
    match s.limits.check_survey(c.ip.as_deref()) {
        Some(wait) => Err(ApiError::rate_limited(c.lang, wait)),
        None => Ok(()),
    }
}

#[utoipa::path(get, path = "/api/v1/tickets/{token}/survey", tag = "survey", params(("token" = String, Path)),
    responses((status = 200, body = TargetDoc), (status = 409, description = "`survey_not_open`: the visit was not served, or too long ago", body = ApiErrorBody)))]
pub async fn ticket_target(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<SurveyTarget> {
    Ok(Json(s.app.survey_for_ticket(&token).await.api(&c)?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{token}/survey", tag = "survey", params(("token" = String, Path)),
    request_body = SurveyInput,
    responses((status = 201, body = Submitted), (status = 409, description = "`survey_answered`, `survey_not_open`", body = ApiErrorBody),
        (status = 422, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn answer_ticket(
    State(s): State<AppState>,
    c: Ctx,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<SurveyInput>,
) -> Result<impl IntoResponse, ApiError> {
    limited(&s, &c)?;
    let id = s.app.submit_survey_for_ticket(&token, &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(Submitted { id })))
}

#[utoipa::path(get, path = "/api/v1/survey-codes/{code}", tag = "survey", params(("code" = String, Path)),
    responses((status = 200, body = TargetDoc), (status = 404, body = ApiErrorBody)))]
pub async fn code_target(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> ApiResult<SurveyTarget> {
    limited(&s, &c)?;
    Ok(Json(s.app.survey_for_code(&code).await.api(&c)?.0))
}

#[utoipa::path(post, path = "/api/v1/survey-codes/{code}/response", tag = "survey", params(("code" = String, Path)),
    request_body = SurveyInput,
    responses((status = 201, body = Submitted), (status = 404, body = ApiErrorBody),
        (status = 409, description = "`survey_answered`: the code was used", body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn answer_code(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<SurveyInput>,
) -> Result<impl IntoResponse, ApiError> {
    limited(&s, &c)?;
    let id = s.app.submit_survey_for_code(&code, &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(Submitted { id })))
}

#[derive(Serialize, ToSchema)]
pub struct TabletDoc {
    /// The visit's ticket token, to send back with the answers; null while none waits.
    token: Option<String>,
    #[schema(value_type = Option<TargetDoc>)]
    target: Option<SurveyTarget>,
}

#[utoipa::path(get, path = "/api/v1/counters/{id}/survey", tag = "survey", params(("id" = i64, Path)),
    responses((status = 200, description = "The visit just finished at this counter, for its survey tablet", body = TabletDoc)))]
pub async fn tablet(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<TabletDoc> {
    let a = c.api_actor()?;
    let found = s.app.tablet_survey(a, id).await.api(&c)?;
    let (token, target) = match found {
        Some((t, target)) => (Some(t), Some(target)),
        None => (None, None),
    };
    Ok(Json(TabletDoc { token, target }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TabletAnswer {
    pub token: String,
    #[serde(flatten)]
    #[schema(inline)]
    pub answers: SurveyInput,
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/survey", tag = "survey", params(("id" = i64, Path)),
    request_body = TabletAnswer,
    responses((status = 201, body = Submitted), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn answer_tablet(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<TabletAnswer>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let id = s.app.submit_tablet_survey(a, id, &b.token, &b.answers).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(Submitted { id })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodesBody {
    /// How many one-time codes (1–500).
    pub count: i64,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/services/{id}/survey-codes", tag = "survey", params(("id" = i64, Path)),
    request_body = CodesBody,
    responses((status = 201, description = "One-time codes `SKM-XXXX-XXXX`", body = [String]), (status = 403, body = ApiErrorBody)))]
pub async fn create_codes(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<CodesBody>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let codes = s.app.create_survey_codes(a, id, b.count, b.note.as_deref()).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(codes)))
}

#[utoipa::path(post, path = "/api/v1/services/{id}/paper-surveys", tag = "survey", params(("id" = i64, Path)),
    request_body = SurveyInput,
    responses((status = 201, description = "Stored with channel `paper` and who typed it in", body = Submitted),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn paper(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<SurveyInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let id = s.app.enter_paper_survey(a, id, &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(Submitted { id })))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct IkmParams {
    /// `2026-Q4`, `2026-S2`, `2026`, or `2026-01-01..2026-03-31` (default: the current quarter).
    pub period: Option<String>,
    pub provider: Option<i64>,
    pub service: Option<i64>,
}

/// The period asked for, or the current quarter in the MPP's zone.
pub fn period_of(s: &AppState, c: &Ctx, p: Option<&str>, tz: &str) -> Result<Period, ApiError> {
    match p.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(s.app.current_quarter(tz.parse().unwrap_or(chrono_tz::Tz::Asia__Jakarta))),
        Some(p) => Period::parse(p).ok_or_else(|| ApiError::bad_query(c.lang, format!("period: {p}"))),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = IkmReport)]
pub struct IkmDoc {
    period: String,
    respondents: u64,
    served: u64,
    required_sample: u64,
    sample_reached: bool,
    /// `88.31`: (Σ NRR × 1/9) × 25 with the exact weight, rounded half up.
    ikm: Option<String>,
    /// `A`–`D`.
    grade: Option<String>,
    grade_label: Option<String>,
    /// `[{code, name, name_en, nrr, score}]` for U1–U9.
    #[schema(value_type = Vec<Object>)]
    elements: Vec<serde_json::Value>,
    weakest: Vec<String>,
    /// Per provider (or per service within a provider; per MPP nationally).
    #[schema(value_type = Vec<Object>)]
    breakdown: Vec<serde_json::Value>,
}

#[utoipa::path(get, path = "/api/v1/mpps/{id}/ikm", tag = "survey", params(("id" = i64, Path), IkmParams),
    responses((status = 200, body = IkmDoc), (status = 400, body = ApiErrorBody)))]
pub async fn mpp_ikm(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiQuery(p): ApiQuery<IkmParams>,
) -> ApiResult<IkmReport> {
    let m = s.app.mpp(id).await.api(&c)?;
    let period = period_of(&s, &c, p.period.as_deref(), &m.time_zone)?;
    Ok(Json(s.app.mpp_ikm(id, p.provider, p.service, &period).await.api(&c)?))
}

#[utoipa::path(get, path = "/api/v1/ikm", tag = "survey", params(IkmParams),
    responses((status = 200, description = "Every MPP together, with a breakdown per MPP", body = IkmDoc)))]
pub async fn national_ikm(State(s): State<AppState>, c: Ctx, ApiQuery(p): ApiQuery<IkmParams>) -> ApiResult<IkmReport> {
    let period = period_of(&s, &c, p.period.as_deref(), "Asia/Jakarta")?;
    Ok(Json(s.app.national_ikm(&period).await.api(&c)?))
}

#[utoipa::path(get, path = "/api/v1/mpps/{id}/survey-suggestions", tag = "survey", params(("id" = i64, Path), IkmParams),
    responses((status = 200, body = [Object]), (status = 403, body = ApiErrorBody)))]
pub async fn suggestions(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiQuery(p): ApiQuery<IkmParams>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let m = s.app.mpp(id).await.api(&c)?;
    let period = period_of(&s, &c, p.period.as_deref(), &m.time_zone)?;
    Ok(Json(s.app.survey_suggestions(a, id, &period).await.api(&c)?))
}

#[utoipa::path(get, path = "/api/v1/mpps/{id}/followups", tag = "survey", params(("id" = i64, Path)),
    responses((status = 200, body = [Object]), (status = 403, body = ApiErrorBody)))]
pub async fn followups(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok(Json(s.app.followups(a, id).await.api(&c)?))
}

#[utoipa::path(post, path = "/api/v1/mpps/{id}/followups", tag = "survey", params(("id" = i64, Path)),
    request_body = FollowupInput,
    responses((status = 201, body = Object), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_followup(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<FollowupInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let f = s.app.create_followup(a, id, &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(f)))
}

#[utoipa::path(put, path = "/api/v1/followups/{id}", tag = "survey", params(("id" = i64, Path)),
    request_body = FollowupInput,
    responses((status = 200, body = Object), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_followup(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<FollowupInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok(Json(s.app.update_followup(a, id, &input).await.api(&c)?))
}
