//! The yearly MPP evaluation: instruments, cycles, assessments and results.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use satuatap_service::evaluation::cycle::{
    AssessmentView, CycleInput, CycleView, EvaluatorInput, ResultRow, ReturnInput, ScoresInput,
};
use satuatap_service::evaluation::{CloneInput, InstrumentInput, InstrumentView};

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

/// A cycle's finalised results ranked by index, with each aspect's score (public).
#[utoipa::path(get, path = "/evaluation/cycles/{id}/results", tag = "evaluation", params(("id" = i64, Path)),
    responses((status = 200, body = [ResultRow])))]
pub async fn results(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<ResultRow>> {
    Ok(Json(s.app.cycle_results(id).await.api(&c)?))
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
