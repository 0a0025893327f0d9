//! The yearly MPP evaluation: instruments.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
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
