//! The satisfaction survey over the API: its questions, answering it (by ticket,
//! one-time code or the counter's tablet), paper entry and codes for staff, IKM
//! reports (public), suggestions and follow-ups (staff).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use satuatap_domain::survey::{ELEMENTS, Period};
use satuatap_service::survey::{FollowupInput, IkmReport, SurveyInput, SurveyTarget};
use satuatap_store::{FollowupRow, SuggestionRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

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

/// The nine survey elements U1–U9 with their official answers.
#[utoipa::path(get, path = "/survey/elements", tag = "survey",
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
pub struct Submitted {
    id: i64,
}

/// What the survey of a served visit is about.
#[utoipa::path(get, path = "/tickets/{token}/survey", tag = "survey", params(("token" = String, Path)),
    responses((status = 200, body = SurveyTarget), (status = 409, description = "`survey_not_open`: the visit was not served, or too long ago", body = ErrorEnvelope)))]
pub async fn ticket_target(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<SurveyTarget> {
    Ok(Json(s.app.survey_for_ticket(&token).await.api(&c)?))
}

/// Answer the survey of a served visit (once).
#[utoipa::path(post, path = "/tickets/{token}/survey", tag = "survey", params(("token" = String, Path)),
    request_body = SurveyInput,
    responses((status = 201, body = Submitted), (status = 409, description = "`survey_answered`, `survey_not_open`", body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn answer_ticket(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Survey>,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<SurveyInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = s.app.submit_survey_for_ticket(&token, &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(Submitted { id })))
}

/// What the survey of a one-time code is about.
#[utoipa::path(get, path = "/survey-codes/{code}", tag = "survey", params(("code" = String, Path)),
    responses((status = 200, body = SurveyTarget), (status = 429, body = ErrorEnvelope)))]
pub async fn code_target(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Survey>,
    Path(code): Path<String>,
) -> ApiResult<SurveyTarget> {
    Ok(Json(s.app.survey_for_code(&code).await.api(&c)?.0))
}

/// Answer the survey with a one-time code (once).
#[utoipa::path(post, path = "/survey-codes/{code}/response", tag = "survey", params(("code" = String, Path)),
    request_body = SurveyInput,
    responses((status = 201, body = Submitted),
        (status = 409, description = "`survey_answered`: the code was used", body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn answer_code(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Survey>,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<SurveyInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = s.app.submit_survey_for_code(&code, &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(Submitted { id })))
}

#[derive(Serialize, ToSchema)]
pub struct TabletDoc {
    /// The visit's ticket token, to send back with the answers; null while none waits.
    token: Option<String>,
    target: Option<SurveyTarget>,
}

/// The visit just finished at this counter, for its survey tablet.
#[utoipa::path(get, path = "/counters/{id}/survey", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
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

/// Answer on the counter's survey tablet.
#[utoipa::path(post, path = "/counters/{id}/survey", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    request_body = TabletAnswer,
    responses((status = 201, body = Submitted), (status = 409, body = ErrorEnvelope)))]
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

/// Make one-time survey codes for applications finished later.
#[utoipa::path(post, path = "/services/{id}/survey-codes", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    request_body = CodesBody,
    responses((status = 201, description = "One-time codes `SKM-XXXX-XXXX`", body = [String])))]
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

/// Type in a paper survey.
#[utoipa::path(post, path = "/services/{id}/paper-surveys", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    request_body = SurveyInput,
    responses((status = 201, description = "Stored with channel `paper` and who typed it in", body = Submitted)))]
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
#[into_params(parameter_in = Query)]
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

/// An MPP's IKM for a period, per provider or service.
#[utoipa::path(get, path = "/mpps/{id}/ikm", tag = "survey", params(("id" = i64, Path), IkmParams),
    responses((status = 200, body = IkmReport)))]
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

/// The IKM of every MPP together, with a breakdown per MPP.
#[utoipa::path(get, path = "/ikm", tag = "survey", params(IkmParams),
    responses((status = 200, description = "Every MPP together, with a breakdown per MPP", body = IkmReport)))]
pub async fn national_ikm(State(s): State<AppState>, c: Ctx, ApiQuery(p): ApiQuery<IkmParams>) -> ApiResult<IkmReport> {
    let period = period_of(&s, &c, p.period.as_deref(), "Asia/Jakarta")?;
    Ok(Json(s.app.national_ikm(&period).await.api(&c)?))
}

/// Suggestions respondents left in a period (staff).
#[utoipa::path(get, path = "/mpps/{id}/survey-suggestions", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path), IkmParams),
    responses((status = 200, body = [SuggestionRow])))]
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

/// Follow-up items for suggestions (staff).
#[utoipa::path(get, path = "/mpps/{id}/followups", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [FollowupRow])))]
pub async fn followups(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<FollowupRow>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.followups(a, id).await.api(&c)?))
}

/// Turn a suggestion into a follow-up with an owner.
#[utoipa::path(post, path = "/mpps/{id}/followups", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    request_body = FollowupInput,
    responses((status = 201, body = FollowupRow)))]
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

/// Change a follow-up (owner, status, note).
#[utoipa::path(put, path = "/followups/{id}", tag = "survey", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    request_body = FollowupInput,
    responses((status = 200, body = FollowupRow)))]
pub async fn update_followup(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<FollowupInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok(Json(s.app.update_followup(a, id, &input).await.api(&c)?))
}
