//! API writes and private reads; each checks the caller's role in the service layer.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use satuatap_domain::catalog::ServiceStatus;
use satuatap_service::audit::AuditQuery;
use satuatap_service::auth::TokenInput;
use satuatap_service::catalog::ServiceInput;
use satuatap_service::holidays::HolidayInput;
use satuatap_service::mpps::MppInput;
use satuatap_service::providers::{AgencyInput, CounterInput, ProviderInput};
use satuatap_service::users::UserInput;
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::*;
use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

fn created<T: serde::Serialize>(v: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(v))
}

/// Register an MPP location (national admins).
#[utoipa::path(post, path = "/mpps", tag = "registry", security(("session" = []), ("token" = [])), request_body = MppInput,
    responses((status = 201, body = ApiMpp),
        (status = 409, body = ErrorEnvelope)))]
pub async fn create_mpp(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<MppInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let m = s.app.create_mpp(a, &f).await.api(&c)?;
    Ok(created(ApiMpp::from_row(&m, None)))
}

/// Change an MPP's profile and opening hours (its manager or a national admin).
#[utoipa::path(put, path = "/mpps/{id}", tag = "registry", security(("session" = []), ("token" = [])), request_body = MppInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiMpp), (status = 409, description = "`conflict`: a value that must be unique is taken; `fields` names it", body = ErrorEnvelope)))]
pub async fn update_mpp(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(f): ApiJson<MppInput>,
) -> ApiResult<ApiMpp> {
    let a = c.api_actor()?;
    let m = s.app.update_mpp(a, id, &f).await.api(&c)?;
    Ok(Json(ApiMpp::from_row(&m, None)))
}

/// Add a parent agency (national admins).
#[utoipa::path(post, path = "/agencies", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = AgencyInput,
    responses((status = 201, body = ApiAgency), (status = 409, description = "`conflict`: a value that must be unique is taken; `fields` names it", body = ErrorEnvelope)))]
pub async fn create_agency(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<AgencyInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let row = s.app.create_agency(a, &f).await.api(&c)?;
    Ok(created(ApiAgency::from(&row)))
}

/// Change a parent agency (national admins).
#[utoipa::path(put, path = "/agencies/{id}", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = AgencyInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiAgency), (status = 409, description = "`conflict`: a value that must be unique is taken; `fields` names it", body = ErrorEnvelope)))]
pub async fn update_agency(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(f): ApiJson<AgencyInput>,
) -> ApiResult<ApiAgency> {
    let a = c.api_actor()?;
    let row = s.app.update_agency(a, id, &f).await.api(&c)?;
    Ok(Json(ApiAgency::from(&row)))
}

/// Add a provider to an MPP (its manager).
#[utoipa::path(post, path = "/mpps/{id}/providers", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = ProviderInput, params(("id" = i64, Path)),
    responses((status = 201, body = ApiProvider), (status = 409, body = ErrorEnvelope)))]
pub async fn create_provider(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiJson(f): ApiJson<ProviderInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let row = s.app.create_provider(a, mpp, &f).await.api(&c)?;
    Ok(created(ApiProvider::from(&row)))
}

/// Change a provider (its admin or the MPP's manager).
#[utoipa::path(put, path = "/providers/{id}", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = ProviderInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiProvider), (status = 409, description = "`conflict`: a value that must be unique is taken; `fields` names it", body = ErrorEnvelope)))]
pub async fn update_provider(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(f): ApiJson<ProviderInput>,
) -> ApiResult<ApiProvider> {
    let a = c.api_actor()?;
    let row = s.app.update_provider(a, id, &f).await.api(&c)?;
    Ok(Json(ApiProvider::from(&row)))
}

/// A provider's counters (its staff).
#[utoipa::path(get, path = "/providers/{id}/counters", tag = "catalogue", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [ApiCounter])))]
pub async fn counters(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<ApiCounter>> {
    let a = c.api_actor()?;
    let rows = s.app.counters(a, id).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiCounter::from).collect()))
}

/// Add a counter to a provider.
#[utoipa::path(post, path = "/providers/{id}/counters", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = CounterInput, params(("id" = i64, Path)),
    responses((status = 201, body = ApiCounter), (status = 409, body = ErrorEnvelope)))]
pub async fn create_counter(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(f): ApiJson<CounterInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let row = s.app.create_counter(a, id, &f).await.api(&c)?;
    Ok(created(ApiCounter::from(&row)))
}

/// Change a counter.
#[utoipa::path(put, path = "/counters/{id}", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = CounterInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiCounter), (status = 409, description = "`conflict`: a value that must be unique is taken; `fields` names it", body = ErrorEnvelope)))]
pub async fn update_counter(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(f): ApiJson<CounterInput>,
) -> ApiResult<ApiCounter> {
    let a = c.api_actor()?;
    let row = s.app.update_counter(a, id, &f).await.api(&c)?;
    Ok(Json(ApiCounter::from(&row)))
}

/// Add a service as a draft.
#[utoipa::path(post, path = "/mpps/{id}/services", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = ServiceInput, params(("id" = i64, Path)),
    responses((status = 201, description = "Created as a draft", body = ApiService),
        (status = 409, body = ErrorEnvelope)))]
pub async fn create_service(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiJson(f): ApiJson<ServiceInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let row = s.app.create_service(a, mpp, &f).await.api(&c)?;
    Ok(created(ApiService::from(&row)))
}

/// Change a service and its standard.
#[utoipa::path(put, path = "/services/{id}", tag = "catalogue", security(("session" = []), ("token" = [])), request_body = ServiceInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiService), (status = 409, description = "`conflict`: a value that must be unique is taken; `fields` names it", body = ErrorEnvelope)))]
pub async fn update_service(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(f): ApiJson<ServiceInput>,
) -> ApiResult<ApiService> {
    let a = c.api_actor()?;
    let row = s.app.update_service(a, id, &f).await.api(&c)?;
    Ok(Json(ApiService::from(&row)))
}

async fn set_status(s: &AppState, c: &Ctx, id: i64, status: ServiceStatus) -> ApiResult<ApiService> {
    let a = c.api_actor()?;
    let row = s.app.set_service_status(a, id, status).await.api(c)?;
    Ok(Json(ApiService::from(&row)))
}

/// Publish a service: only when its six public components are complete.
#[utoipa::path(post, path = "/services/{id}/publish", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = ApiService),
        (status = 422, description = "A public component is missing; `fields` names each", body = ErrorEnvelope)))]
pub async fn publish_service(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiService> {
    set_status(&s, &c, id, ServiceStatus::Published).await
}

/// Take a service back to draft.
#[utoipa::path(post, path = "/services/{id}/unpublish", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = ApiService)))]
pub async fn unpublish_service(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiService> {
    set_status(&s, &c, id, ServiceStatus::Draft).await
}

/// Archive a service.
#[utoipa::path(post, path = "/services/{id}/archive", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = ApiService)))]
pub async fn archive_service(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiService> {
    set_status(&s, &c, id, ServiceStatus::Archived).await
}

/// Add a national holiday or cuti bersama (national admins).
#[utoipa::path(post, path = "/holidays", tag = "calendar", security(("session" = []), ("token" = [])), request_body = HolidayInput,
    responses((status = 201, body = ApiHoliday), (status = 409, body = ErrorEnvelope)))]
pub async fn add_national_holiday(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<HolidayInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let h = s.app.add_holiday(a, None, &f).await.api(&c)?;
    Ok(created(ApiHoliday::from(&h)))
}

/// Add a closure of one MPP (its manager).
#[utoipa::path(post, path = "/mpps/{id}/holidays", tag = "calendar", security(("session" = []), ("token" = [])), request_body = HolidayInput, params(("id" = i64, Path)),
    responses((status = 201, body = ApiHoliday), (status = 409, body = ErrorEnvelope)))]
pub async fn add_mpp_holiday(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiJson(f): ApiJson<HolidayInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let h = s.app.add_holiday(a, Some(mpp), &f).await.api(&c)?;
    Ok(created(ApiHoliday::from(&h)))
}

/// Remove a holiday or closure.
#[utoipa::path(delete, path = "/holidays/{id}", tag = "calendar", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 204)))]
pub async fn delete_holiday(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<StatusCode, ApiError> {
    let a = c.api_actor()?;
    s.app.delete_holiday(a, id).await.api(&c)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accounts the caller manages.
#[utoipa::path(get, path = "/users", tag = "accounts", security(("session" = []), ("token" = [])),
    responses((status = 200, description = "Accounts the caller manages", body = [ApiUser])))]
pub async fn users(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<ApiUser>> {
    let a = c.api_actor()?;
    let rows = s.app.users(a).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiUser::from).collect()))
}

/// One account the caller manages.
#[utoipa::path(get, path = "/users/{id}", tag = "accounts", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ApiUser)))]
pub async fn user(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiUser> {
    let a = c.api_actor()?;
    let u = s.app.user(a, id).await.api(&c)?;
    Ok(Json(ApiUser::from(&u)))
}

/// Create an account (in the caller's scope).
#[utoipa::path(post, path = "/users", tag = "accounts", security(("session" = []), ("token" = [])), request_body = UserInput,
    responses((status = 201, body = ApiUser), (status = 409, body = ErrorEnvelope)))]
pub async fn create_user(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<UserInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let u = s.app.create_user(a, &f).await.api(&c)?;
    Ok(created(ApiUser::from(&u)))
}

/// Change an account (role, scope, active).
#[utoipa::path(put, path = "/users/{id}", tag = "accounts", security(("session" = []), ("token" = [])), request_body = UserInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiUser), (status = 409, description = "`conflict`: a value that must be unique is taken; `fields` names it", body = ErrorEnvelope)))]
pub async fn update_user(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(f): ApiJson<UserInput>,
) -> ApiResult<ApiUser> {
    let a = c.api_actor()?;
    let u = s.app.update_user(a, id, &f).await.api(&c)?;
    Ok(Json(ApiUser::from(&u)))
}

/// API tokens the caller manages.
#[utoipa::path(get, path = "/tokens", tag = "accounts", security(("session" = []), ("token" = [])),
    responses((status = 200, body = [ApiToken])))]
pub async fn tokens(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<ApiToken>> {
    let a = c.api_actor()?;
    let rows = s.app.tokens(a).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiToken::from).collect()))
}

/// Issue an API token; it is shown once.
#[utoipa::path(post, path = "/tokens", tag = "accounts", security(("session" = []), ("token" = [])), request_body = TokenInput,
    responses((status = 201, body = ApiIssuedToken)))]
pub async fn issue_token(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<TokenInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let t = s.app.issue_token(a, &f).await.api(&c)?;
    Ok(created(ApiIssuedToken { id: t.id, token: t.token, prefix: t.prefix }))
}

/// Revoke an API token.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 204)))]
pub async fn revoke_token(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<StatusCode, ApiError> {
    let a = c.api_actor()?;
    s.app.revoke_token(a, id).await.api(&c)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    mpp: Option<i64>,
    entity: Option<String>,
    entity_id: Option<String>,
    /// Whose actions: part of the person's e-mail or name.
    actor: Option<String>,
    /// From this day (`YYYY-MM-DD`, WIB) and through that one.
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    /// The next page: entries older than the entry with this id (the last one seen).
    before: Option<i64>,
    /// At most 500 (default 100).
    limit: Option<i64>,
}

/// The audit log: who changed or viewed what, newest first.
#[utoipa::path(get, path = "/audit", tag = "accounts", security(("session" = []), ("token" = [])), params(AuditParams),
    responses((status = 200, description = "Newest first", body = [ApiAuditEntry])))]
pub async fn audit(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<Vec<ApiAuditEntry>> {
    let a = c.api_actor()?;
    let rows = s
        .app
        .audit_log(
            a,
            AuditQuery {
                mpp_id: p.mpp,
                entity: p.entity,
                entity_id: p.entity_id,
                actor: p.actor,
                from: p.from.map(crate::pages::admin::people::wib_start),
                to: p.to.and_then(|d| d.succ_opt()).map(crate::pages::admin::people::wib_start),
                before_id: p.before,
                limit: p.limit.unwrap_or(100),
            },
        )
        .await
        .api(&c)?;
    Ok(Json(rows.iter().map(ApiAuditEntry::from).collect()))
}
