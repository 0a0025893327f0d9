//! The yearly MPP evaluation: instruments, cycles, assessments and results.

use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use satuatap_service::evaluation::cycle::{
    AssessmentView, CycleInput, CycleView, EvaluatorInput, ReturnInput, ScoresInput,
};
use satuatap_service::evaluation::incentive::{IncentiveRuleInput, IncentiveView, incentive_csv};
use satuatap_service::evaluation::results::{ReportCard, ResultRow};
use satuatap_service::evaluation::{CloneInput, InstrumentInput, InstrumentView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Every evaluation instrument (public: the rules an MPP is evaluated by).
#[utoipa::path(get, path = "/evaluation/instruments", tag = "evaluation", responses((status = 200, body = [InstrumentView])))]
pub async fn instruments(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<InstrumentView>> {
    Ok(Json(s.app.instruments().await.api(&c)?))
}

/// One instrument: aspects and weights, indicators with rubrics, predicate bands.
#[utoipa::path(get, path = "/evaluation/instruments/{id}", tag = "evaluation", params(("id" = i64, Path)),
    responses((status = 200, body = InstrumentView)))]
pub async fn instrument(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<InstrumentView> {
    Ok(Json(s.app.instrument(id).await.api(&c)?))
}

/// Copy an instrument to adapt it (national admin); the copy is editable until a cycle uses it.
#[utoipa::path(post, path = "/evaluation/instruments/{id}/clone", tag = "evaluation", params(("id" = i64, Path)),
    request_body = CloneInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = InstrumentView)))]
pub async fn clone(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<CloneInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok((StatusCode::CREATED, Json(s.app.clone_instrument(a, id, &input).await.api(&c)?)))
}

/// Replace an instrument's name, aspects or predicates (national admin). Weights must add
/// up to 100 % (aspects, and indicators within each aspect); nothing is saved otherwise.
#[utoipa::path(put, path = "/evaluation/instruments/{id}", tag = "evaluation", params(("id" = i64, Path)),
    request_body = InstrumentInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = InstrumentView),
        (status = 409, description = "`instrument_frozen`: the default or an instrument a cycle used; clone it", body = ErrorEnvelope)))]
pub async fn update(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<InstrumentInput>,
) -> ApiResult<InstrumentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.update_instrument(a, id, &input).await.api(&c)?))
}

// --- cycles and assessments ---------------------------------------------------------------------

/// Every cycle with where each MPP's assessment stands (public).
#[utoipa::path(get, path = "/evaluation/cycles", tag = "evaluation", responses((status = 200, body = [CycleView])))]
pub async fn cycles(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<CycleView>> {
    Ok(Json(s.app.cycles().await.api(&c)?))
}

/// Open a cycle for a year (national admin); its instrument is frozen from then on.
#[utoipa::path(post, path = "/evaluation/cycles", tag = "evaluation", request_body = CycleInput,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = CycleView), (status = 409, description = "`conflict`: a cycle of that year exists", body = ErrorEnvelope)))]
pub async fn open_cycle(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(input): ApiJson<CycleInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok((StatusCode::CREATED, Json(s.app.open_cycle(a, &input).await.api(&c)?)))
}

/// One cycle: its year, instrument, deadlines and each MPP's assessment status (public).
#[utoipa::path(get, path = "/evaluation/cycles/{id}", tag = "evaluation", params(("id" = i64, Path)),
    responses((status = 200, body = CycleView)))]
pub async fn cycle(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<CycleView> {
    Ok(Json(s.app.cycle(id).await.api(&c)?))
}

/// A cycle's finalised results ranked nationally and within each province, with each
/// aspect's score and the change from last year. Public once the cycle is published;
/// before that empty for anyone but the national admin.
#[utoipa::path(get, path = "/evaluation/cycles/{id}/results", tag = "evaluation", params(("id" = i64, Path)),
    responses((status = 200, body = [ResultRow])))]
pub async fn results(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<ResultRow>> {
    Ok(Json(s.app.cycle_results(c.actor.as_ref(), id).await.api(&c)?))
}

/// Publish a cycle's results (national admin), once; at least one assessment must be final.
#[utoipa::path(post, path = "/evaluation/cycles/{id}/publish", tag = "evaluation", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CycleView),
        (status = 409, description = "`cycle_published`: already published; `cycle_not_published`: no assessment is final yet", body = ErrorEnvelope)))]
pub async fn publish(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<CycleView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.publish_cycle(a, id).await.api(&c)?))
}

/// One assessment: the instrument, the scores so far and, when complete, the index
/// (national admin, its evaluator, the MPP's manager).
#[utoipa::path(get, path = "/evaluation/assessments/{id}", tag = "evaluation", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = AssessmentView)))]
pub async fn assessment(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.assessment(a, id).await.api(&c)?))
}

const STATE: &str = "`assessment_state`: the assessment has moved on; `evaluator_conflict`: the evaluator works in the MPP's region; `assessment_returned_once`: it was already returned once";

/// Assign the evaluator (national admin); one employed in the MPP's regency is refused and audited.
#[utoipa::path(put, path = "/evaluation/assessments/{id}/evaluator", tag = "evaluation", params(("id" = i64, Path)),
    request_body = EvaluatorInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope)))]
pub async fn assign(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<EvaluatorInput>,
) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.assign_evaluator(a, id, &input).await.api(&c)?))
}

/// The MPP manager's scores (0–5) and narratives, while a draft or returned.
#[utoipa::path(put, path = "/evaluation/assessments/{id}/self-scores", tag = "evaluation", params(("id" = i64, Path)),
    request_body = ScoresInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope)))]
pub async fn self_scores(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<ScoresInput>,
) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.save_self_scores(a, id, &input).await.api(&c)?))
}

/// Submit the self-assessment (every indicator scored); after the deadline it is flagged late.
#[utoipa::path(post, path = "/evaluation/assessments/{id}/submit", tag = "evaluation", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope),
        (status = 422, description = "`invalid_input`: `fields` names each indicator without a score", body = ErrorEnvelope)))]
pub async fn submit(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.submit_assessment(a, id).await.api(&c)?))
}

/// The evaluator's accepted scores and notes (once submitted).
#[utoipa::path(put, path = "/evaluation/assessments/{id}/verification", tag = "evaluation", params(("id" = i64, Path)),
    request_body = ScoresInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope)))]
pub async fn verification(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<ScoresInput>,
) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.save_verification(a, id, &input).await.api(&c)?))
}

/// Return the assessment once for revision of the indicators named (evaluator).
#[utoipa::path(post, path = "/evaluation/assessments/{id}/return", tag = "evaluation", params(("id" = i64, Path)),
    request_body = ReturnInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope)))]
pub async fn return_assessment(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<ReturnInput>,
) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.return_assessment(a, id, &input).await.api(&c)?))
}

/// Finalise (evaluator): every indicator has an accepted score; the index and predicate are fixed.
#[utoipa::path(post, path = "/evaluation/assessments/{id}/finalise", tag = "evaluation", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope),
        (status = 422, description = "`invalid_input`: `fields` names each indicator without an accepted score", body = ErrorEnvelope)))]
pub async fn finalise(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.finalise_assessment(a, id).await.api(&c)?))
}

// --- evidence -----------------------------------------------------------------------------------

/// Files for one indicator of a self-assessment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvidenceBody {
    pub indicator_key: String,
    /// PDF, JPEG, PNG or WebP (checked by their bytes), at most 2 MB each, five per indicator.
    pub files: Vec<super::complaint::FileBody>,
}

/// Attach evidence to an indicator (the MPP's manager, while the indicator may change).
#[utoipa::path(post, path = "/evaluation/assessments/{id}/evidence", tag = "evaluation", params(("id" = i64, Path)),
    request_body = EvidenceBody, security(("session" = []), ("token" = [])),
    responses((status = 201, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope),
        (status = 413, description = "`payload_too_large`: the request is over the upload limit", body = ErrorEnvelope)))]
pub async fn add_evidence(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<EvidenceBody>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let files = super::complaint::uploads(&c, &b.files)?;
    Ok((StatusCode::CREATED, Json(s.app.add_evidence(a, id, &b.indicator_key, &files).await.api(&c)?)))
}

/// Remove an evidence file (the MPP's manager, while its indicator may change).
#[utoipa::path(delete, path = "/evaluation/assessments/{id}/evidence/{file}", tag = "evaluation",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = AssessmentView), (status = 409, description = STATE, body = ErrorEnvelope)))]
pub async fn remove_evidence(
    State(s): State<AppState>,
    c: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> ApiResult<AssessmentView> {
    let a = c.api_actor()?;
    let (Ok(id), Ok(file)) = (id.parse::<i64>(), file.parse::<i64>()) else {
        return Err(ApiError::not_found(c.lang));
    };
    Ok(Json(s.app.remove_evidence(a, id, file).await.api(&c)?))
}

/// An evidence file, as a download (those who may read the assessment; audited).
#[utoipa::path(get, path = "/evaluation/evidence/{id}", tag = "evaluation", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "The file, as a download (`Content-Disposition: attachment`)",
        content(("image/jpeg"), ("image/png"), ("image/webp"), ("application/pdf")))))]
pub async fn evidence(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<Response, ApiError> {
    let a = c.api_actor()?;
    let f = s.app.evidence_file(a, id).await.api(&c)?;
    Ok(super::complaint::download(&f.filename, &f.content_type, f.data))
}

/// An MPP's report card: rank, aspects, weakest indicators, the evaluator's notes and the
/// figures the rules read. Public once the cycle is published.
#[utoipa::path(get, path = "/evaluation/assessments/{id}/report-card", tag = "evaluation", params(("id" = i64, Path)),
    responses((status = 200, body = ReportCard),
        (status = 409, description = "`cycle_not_published`: the assessment is not final yet", body = ErrorEnvelope)))]
pub async fn report_card(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ReportCard> {
    Ok(Json(s.app.report_card(c.actor.as_ref(), id).await.api(&c)?))
}

// --- incentives ---------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncentiveParams {
    /// `csv` for the list as a spreadsheet; JSON otherwise.
    pub format: Option<String>,
}

/// A cycle's incentive list with the figures behind each verdict. Public once signed off
/// (then frozen); before that for the national admin only.
#[utoipa::path(get, path = "/evaluation/cycles/{id}/incentives", tag = "evaluation", params(("id" = i64, Path), IncentiveParams),
    responses((status = 200, description = "The list", content((IncentiveView = "application/json"), (String = "text/csv")))))]
pub async fn incentives(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    super::ApiQuery(p): super::ApiQuery<IncentiveParams>,
) -> Result<Response, ApiError> {
    let v = s.app.incentives(c.actor.as_ref(), id).await.api(&c)?;
    if p.format.as_deref() == Some("csv") {
        return Ok(super::national::csv_response(incentive_csv(&v), &format!("insentif-mpp-{}.csv", v.year)));
    }
    Ok(Json(v).into_response())
}

/// Set the cycle's incentive rule (national admin) while the list is not signed off.
#[utoipa::path(put, path = "/evaluation/cycles/{id}/incentives/rule", tag = "evaluation", params(("id" = i64, Path)),
    request_body = IncentiveRuleInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = IncentiveView),
        (status = 409, description = "`incentives_signed`: the list is signed off and frozen", body = ErrorEnvelope)))]
pub async fn incentive_rule(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<IncentiveRuleInput>,
) -> ApiResult<IncentiveView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_incentive_rule(a, id, &input).await.api(&c)?))
}

/// Sign the incentive list off (national admin): the results must be published and the
/// rule set; the list is frozen from then on.
#[utoipa::path(post, path = "/evaluation/cycles/{id}/incentives/sign", tag = "evaluation", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = IncentiveView),
        (status = 409, description = "`incentives_signed`: already signed; `cycle_not_published`: publish the results first", body = ErrorEnvelope),
        (status = 422, description = "`invalid_input`: no rule set yet (`rule`)", body = ErrorEnvelope)))]
pub async fn sign_incentives(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<IncentiveView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.sign_incentives(a, id).await.api(&c)?))
}
