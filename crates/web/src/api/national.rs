//! The national side over the API: the rollout register (read by anyone,
//! edited by the national admin, proposals from MPP managers), the
//! accessibility study and ranking, and the ministry's dashboard across MPPs.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satuatap_service::access::{
    AccessRanking, AccessStudy, DistrictPopulationInput, PopulationImport, RankingQuery, StudyQuery, StudySettings,
    StudySettingsInput,
};
use satuatap_service::national::{DashboardQuery, DayBookingSummary, MinistryDashboard};
use satuatap_service::rollout::{
    DecisionInput, EventInput, ImportResult, LocationInput, LocationView, NationalRollout, ProposalInput, ProposalView,
    RegencyRollout, RolloutFilter, TargetInput, TargetView,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub(crate) fn csv_response(body: String, filename: &str) -> Response {
    let mut r = format!("\u{feff}{body}").into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// A regency code in a path: `32.71` (or a province's `31` for a province-level MPP).
fn area_code(c: &Ctx, code: &str) -> Result<String, ApiError> {
    if satuatap_domain::rollout::is_area_code(code) { Ok(code.to_string()) } else { Err(ApiError::not_found(c.lang)) }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParam {
    /// `json` (default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
}

fn wants_csv(c: &Ctx, f: &FormatParam) -> Result<bool, ApiError> {
    match f.format.as_deref() {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(ApiError::bad_query(c.lang, format!("format: {other}"))),
    }
}

// --- the register ---------------------------------------------------------------------------------

/// The national programme: every regency's standing, the operating series, provinces, targets.
#[utoipa::path(get, path = "/rollout", tag = "national", params(RolloutFilter, FormatParam),
    responses((status = 200, description = "The programme (JSON), or the chosen regencies as CSV",
        content((NationalRollout = "application/json"), (String = "text/csv"))), (status = 422, description = "`invalid_input`: a parameter is out of range or not one of the listed values; `fields` names it", body = ErrorEnvelope)))]
pub async fn programme(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(f): ApiQuery<RolloutFilter>,
    ApiQuery(fmt): ApiQuery<FormatParam>,
) -> Result<Response, ApiError> {
    let n = s.app.national_rollout(&f).await.api(&c)?;
    if wants_csv(&c, &fmt)? {
        let mut sheet = satuatap_service::csv::Sheet::new(&[
            "regency_code",
            "regency_name",
            "province_code",
            "province_name",
            "standing",
            "locations",
            "operating_locations",
            "via_province",
            "population",
        ]);
        for r in &n.regencies {
            sheet.row([
                r.code.as_str(),
                &r.name,
                &r.province_code,
                &r.province_name,
                r.standing.as_str(),
                &r.locations.to_string(),
                &r.operating_locations.to_string(),
                if r.via_province { "true" } else { "false" },
                &r.population.to_string(),
            ]);
        }
        return Ok(csv_response(sheet.into_string(), "program-mpp-nasional.csv"));
    }
    Ok(Json(n).into_response())
}

/// One regency: its locations with their dated stages, and its population.
#[utoipa::path(get, path = "/rollout/regencies/{code}", tag = "national", params(("code" = String, Path, description = "e.g. `32.71`")),
    responses((status = 200, body = RegencyRollout)))]
pub async fn regency(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> ApiResult<RegencyRollout> {
    let code = area_code(&c, &code)?;
    Ok(Json(s.app.regency_rollout(&code).await.api(&c)?))
}

/// Add a location to a regency's register (national admin).
#[utoipa::path(post, path = "/rollout/regencies/{code}/locations", tag = "national", params(("code" = String, Path)),
    request_body = LocationInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = LocationView), (status = 409, description = "`conflict`: the name is taken in this regency", body = ErrorEnvelope)))]
pub async fn create_location(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<LocationInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let code = area_code(&c, &code)?;
    Ok((StatusCode::CREATED, Json(s.app.create_rollout_location(a, &code, &input).await.api(&c)?)))
}

/// Change a location's facts (national admin). Coordinates must lie inside its regency.
#[utoipa::path(put, path = "/rollout/locations/{id}", tag = "national", params(("id" = i64, Path)),
    request_body = LocationInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = LocationView), (status = 409, body = ErrorEnvelope)))]
pub async fn update_location(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<LocationInput>,
) -> ApiResult<LocationView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.update_rollout_location(a, id, &input).await.api(&c)?))
}

/// Add a dated stage to a location (national admin).
#[utoipa::path(post, path = "/rollout/locations/{id}/events", tag = "national", params(("id" = i64, Path)),
    request_body = EventInput, security(("session" = []), ("token" = [])), responses((status = 201, body = LocationView)))]
pub async fn add_event(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<EventInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok((StatusCode::CREATED, Json(s.app.add_rollout_event(a, id, &input).await.api(&c)?)))
}

/// Delete an event entered in error (national admin; audited).
#[utoipa::path(delete, path = "/rollout/events/{id}", tag = "national", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 204, description = "Deleted")))]
pub async fn delete_event(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<StatusCode, ApiError> {
    let a = c.api_actor()?;
    s.app.delete_rollout_event(a, id).await.api(&c)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The national targets per year.
#[utoipa::path(get, path = "/rollout/targets", tag = "national", responses((status = 200, body = [TargetView])))]
pub async fn targets(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<TargetView>> {
    Ok(Json(s.app.rollout_targets().await.api(&c)?))
}

/// Set the target for a year (national admin); returns all targets.
#[utoipa::path(put, path = "/rollout/targets", tag = "national", request_body = TargetInput,
    security(("session" = []), ("token" = [])), responses((status = 200, body = [TargetView])))]
pub async fn set_target(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(input): ApiJson<TargetInput>,
) -> ApiResult<Vec<TargetView>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_rollout_target(a, &input).await.api(&c)?))
}

/// Propose a change for the regency of one's MPP (MPP manager); nothing changes until accepted.
#[utoipa::path(post, path = "/rollout/regencies/{code}/proposals", tag = "national", params(("code" = String, Path)),
    request_body = ProposalInput, security(("session" = []), ("token" = [])), responses((status = 201, body = ProposalView)))]
pub async fn propose(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let code = area_code(&c, &code)?;
    Ok((StatusCode::CREATED, Json(s.app.propose_rollout(a, &code, &input).await.api(&c)?)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalFilter {
    /// `pending`, `accepted` or `rejected`.
    #[serde(default)]
    pub status: Option<String>,
}

/// Proposals: all (national admin) or one's own regency's (MPP manager).
#[utoipa::path(get, path = "/rollout/proposals", tag = "national", params(ProposalFilter),
    security(("session" = []), ("token" = [])), responses((status = 200, body = [ProposalView]), (status = 422, description = "`invalid_input`: a parameter is out of range or not one of the listed values; `fields` names it", body = ErrorEnvelope)))]
pub async fn proposals(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(f): ApiQuery<ProposalFilter>,
) -> ApiResult<Vec<ProposalView>> {
    let a = c.api_actor()?;
    let status = match f.status.as_deref() {
        None => None,
        Some(v @ ("pending" | "accepted" | "rejected")) => Some(v),
        Some(other) => return Err(ApiError::bad_query(c.lang, format!("status: {other}"))),
    };
    Ok(Json(s.app.rollout_proposals(a, status).await.api(&c)?))
}

/// Accept (the change is written) or reject a pending proposal (national admin; once).
#[utoipa::path(post, path = "/rollout/proposals/{id}/decision", tag = "national", params(("id" = i64, Path)),
    request_body = DecisionInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ProposalView), (status = 409, description = "`proposal_decided`: already accepted or rejected", body = ErrorEnvelope)))]
pub async fn decide(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<ProposalView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.decide_rollout_proposal(a, id, &input).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportBody {
    /// The register's CSV: `regency_code,regency_name,mpp_name,event,date,date_precision,source_url,notes`.
    pub csv: String,
    /// Empty the register first (in the same transaction).
    #[serde(default)]
    pub replace: bool,
}

/// Import events in the register's CSV shape (national admin). One bad line refuses the
/// whole file: each problem is named by `line` and `field`, and nothing is written.
#[utoipa::path(post, path = "/rollout/import", tag = "national", request_body = ImportBody,
    security(("session" = []), ("token" = [])), responses((status = 200, body = ImportResult)))]
pub async fn import(State(s): State<AppState>, c: Ctx, ApiJson(b): ApiJson<ImportBody>) -> ApiResult<ImportResult> {
    let a = c.api_actor()?;
    Ok(Json(s.app.import_rollout_csv(a, &b.csv, b.replace).await.api(&c)?))
}

/// The register as CSV (the shape the import reads), one line per event.
#[utoipa::path(get, path = "/rollout/export", tag = "national",
    responses((status = 200, description = "The register", content((String = "text/csv")))))]
pub async fn export(State(s): State<AppState>, c: Ctx) -> Result<Response, ApiError> {
    Ok(csv_response(s.app.export_rollout_csv().await.api(&c)?, "register-mpp.csv"))
}

// --- the accessibility study ---------------------------------------------------------------------

/// A regency's study: districts with distance, travel time, population and visitor origins
/// (counts under 10 suppressed), coverage, candidate sites and "what if" for `lat`/`lng`.
#[utoipa::path(get, path = "/access/regencies/{code}", tag = "national", params(("code" = String, Path), StudyQuery),
    responses((status = 200, body = AccessStudy), (status = 422, description = "`invalid_input`: a parameter is out of range or not one of the listed values; `fields` names it", body = ErrorEnvelope)))]
pub async fn study(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<StudyQuery>,
) -> ApiResult<AccessStudy> {
    let code = area_code(&c, &code)?;
    Ok(Json(s.app.access_study(&code, &q).await.api(&c)?))
}

/// A regency's thresholds and travel assumptions (defaults when it set none).
#[utoipa::path(get, path = "/access/regencies/{code}/settings", tag = "national", params(("code" = String, Path)),
    responses((status = 200, body = StudySettings)))]
pub async fn settings(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> ApiResult<StudySettings> {
    let code = area_code(&c, &code)?;
    Ok(Json(s.app.access_settings(&code).await.api(&c)?))
}

/// Set a regency's thresholds (its MPP manager or the national admin).
#[utoipa::path(put, path = "/access/regencies/{code}/settings", tag = "national", params(("code" = String, Path)),
    request_body = StudySettingsInput, security(("session" = []), ("token" = [])), responses((status = 200, body = StudySettings)))]
pub async fn set_settings(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<StudySettingsInput>,
) -> ApiResult<StudySettings> {
    let a = c.api_actor()?;
    let code = area_code(&c, &code)?;
    Ok(Json(s.app.set_access_settings(a, &code, &input).await.api(&c)?))
}

/// Enter district populations (its MPP manager or the national admin); all or nothing.
#[utoipa::path(put, path = "/access/regencies/{code}/population", tag = "national", params(("code" = String, Path)),
    request_body = [DistrictPopulationInput], security(("session" = []), ("token" = [])), responses((status = 200, body = PopulationImport)))]
pub async fn set_population(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(rows): ApiJson<Vec<DistrictPopulationInput>>,
) -> ApiResult<PopulationImport> {
    let a = c.api_actor()?;
    let code = area_code(&c, &code)?;
    Ok(Json(s.app.set_district_populations(a, &code, &rows).await.api(&c)?))
}

/// Regencies ranked by the people living beyond `radius_km` of any MPP.
#[utoipa::path(get, path = "/access/ranking", tag = "national", params(RankingQuery, FormatParam),
    responses((status = 200, description = "The ranking (JSON) or CSV",
        content((AccessRanking = "application/json"), (String = "text/csv"))), (status = 422, description = "`invalid_input`: a parameter is out of range or not one of the listed values; `fields` names it", body = ErrorEnvelope)))]
pub async fn ranking(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(q): ApiQuery<RankingQuery>,
    ApiQuery(fmt): ApiQuery<FormatParam>,
) -> Result<Response, ApiError> {
    let r = s.app.access_ranking(&q).await.api(&c)?;
    if wants_csv(&c, &fmt)? {
        return Ok(csv_response(satuatap_service::access::ranking_csv(&r), "jangkauan-mpp.csv"));
    }
    Ok(Json(r).into_response())
}

// --- the ministry's dashboard --------------------------------------------------------------------

/// Every MPP's figures for a period, from rollups (the public summary; the national admin sees all).
#[utoipa::path(get, path = "/national/dashboard", tag = "national", params(DashboardQuery),
    responses((status = 200, body = MinistryDashboard), (status = 422, description = "`invalid_input`: a parameter is out of range or not one of the listed values; `fields` names it", body = ErrorEnvelope)))]
pub async fn dashboard(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<MinistryDashboard> {
    let tz = "Asia/Jakarta";
    let period = super::survey::period_of(&s, &c, q.period.as_deref(), tz)?;
    Ok(Json(s.app.ministry_dashboard(c.actor.as_ref(), &period, &q).await.api(&c)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayParam {
    /// `YYYY-MM-DD` (default: today in WIB).
    #[serde(default)]
    pub day: Option<chrono::NaiveDate>,
}

/// Seats booked and offered per MPP for a day (national admin).
#[utoipa::path(get, path = "/national/bookings", tag = "national", params(DayParam),
    security(("session" = []), ("token" = [])), responses((status = 200, body = [DayBookingSummary]), (status = 422, description = "`invalid_input`: a parameter is out of range or not one of the listed values; `fields` names it", body = ErrorEnvelope)))]
pub async fn bookings(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(p): ApiQuery<DayParam>,
) -> ApiResult<Vec<DayBookingSummary>> {
    let a = c.api_actor()?;
    let day = p.day.unwrap_or_else(|| s.app.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive());
    super::in_calendar(c.lang, "day", chrono::Datelike::year(&day))?;
    Ok(Json(s.app.bookings_across(a, day).await.api(&c)?))
}
