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
use crate::error::ApiError;
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

fn created<T: serde::Serialize>(v: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(v))
}

#[utoipa::path(post, path = "/api/v1/mpps", tag = "registry", request_body = MppInput,
    responses((status = 201, body = ApiMpp), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_mpp(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<MppInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let m = s.app.create_mpp(a, &f).await.api(&c)?;
    Ok(created(ApiMpp::from_row(&m, None)))
}

#[utoipa::path(put, path = "/api/v1/mpps/{id}", tag = "registry", request_body = MppInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiMpp), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(post, path = "/api/v1/agencies", tag = "catalogue", request_body = AgencyInput,
    responses((status = 201, body = ApiAgency), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_agency(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<AgencyInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let row = s.app.create_agency(a, &f).await.api(&c)?;
    Ok(created(ApiAgency::from(&row)))
}

#[utoipa::path(put, path = "/api/v1/agencies/{id}", tag = "catalogue", request_body = AgencyInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiAgency), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(post, path = "/api/v1/mpps/{id}/providers", tag = "catalogue", request_body = ProviderInput, params(("id" = i64, Path)),
    responses((status = 201, body = ApiProvider), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(put, path = "/api/v1/providers/{id}", tag = "catalogue", request_body = ProviderInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiProvider), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(get, path = "/api/v1/providers/{id}/counters", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = [ApiCounter]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn counters(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<ApiCounter>> {
    let a = c.api_actor()?;
    let rows = s.app.counters(a, id).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiCounter::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/providers/{id}/counters", tag = "catalogue", request_body = CounterInput, params(("id" = i64, Path)),
    responses((status = 201, body = ApiCounter), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(put, path = "/api/v1/counters/{id}", tag = "catalogue", request_body = CounterInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiCounter), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(post, path = "/api/v1/mpps/{id}/services", tag = "catalogue", request_body = ServiceInput, params(("id" = i64, Path)),
    responses((status = 201, description = "Created as a draft", body = ApiService), (status = 403, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(put, path = "/api/v1/services/{id}", tag = "catalogue", request_body = ServiceInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiService), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(post, path = "/api/v1/services/{id}/publish", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = ApiService), (status = 403, body = ApiErrorBody),
        (status = 422, description = "A public component is missing; `fields` names each", body = ApiErrorBody)))]
pub async fn publish_service(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiService> {
    set_status(&s, &c, id, ServiceStatus::Published).await
}

#[utoipa::path(post, path = "/api/v1/services/{id}/unpublish", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = ApiService), (status = 403, body = ApiErrorBody)))]
pub async fn unpublish_service(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiService> {
    set_status(&s, &c, id, ServiceStatus::Draft).await
}

#[utoipa::path(post, path = "/api/v1/services/{id}/archive", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = ApiService), (status = 403, body = ApiErrorBody)))]
pub async fn archive_service(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiService> {
    set_status(&s, &c, id, ServiceStatus::Archived).await
}

#[utoipa::path(post, path = "/api/v1/holidays", tag = "calendar", request_body = HolidayInput,
    responses((status = 201, body = ApiHoliday), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn add_national_holiday(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<HolidayInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let h = s.app.add_holiday(a, None, &f).await.api(&c)?;
    Ok(created(ApiHoliday::from(&h)))
}

#[utoipa::path(post, path = "/api/v1/mpps/{id}/holidays", tag = "calendar", request_body = HolidayInput, params(("id" = i64, Path)),
    responses((status = 201, body = ApiHoliday), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(delete, path = "/api/v1/holidays/{id}", tag = "calendar", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn delete_holiday(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<StatusCode, ApiError> {
    let a = c.api_actor()?;
    s.app.delete_holiday(a, id).await.api(&c)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, description = "Accounts the caller manages", body = [ApiUser]), (status = 403, body = ApiErrorBody)))]
pub async fn users(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<ApiUser>> {
    let a = c.api_actor()?;
    let rows = s.app.users(a).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiUser::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = ApiUser), (status = 404, body = ApiErrorBody)))]
pub async fn user(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiUser> {
    let a = c.api_actor()?;
    let u = s.app.user(a, id).await.api(&c)?;
    Ok(Json(ApiUser::from(&u)))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserInput,
    responses((status = 201, body = ApiUser), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<UserInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let u = s.app.create_user(a, &f).await.api(&c)?;
    Ok(created(ApiUser::from(&u)))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "accounts", request_body = UserInput, params(("id" = i64, Path)),
    responses((status = 200, body = ApiUser), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
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

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = [ApiToken]), (status = 403, body = ApiErrorBody)))]
pub async fn tokens(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<ApiToken>> {
    let a = c.api_actor()?;
    let rows = s.app.tokens(a).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiToken::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenInput,
    responses((status = 201, body = ApiIssuedToken), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn issue_token(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(f): ApiJson<TokenInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let t = s.app.issue_token(a, &f).await.api(&c)?;
    Ok(created(ApiIssuedToken { id: t.id, token: t.token, prefix: t.prefix }))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn revoke_token(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<StatusCode, ApiError> {
    let a = c.api_actor()?;
    s.app.revoke_token(a, id).await.api(&c)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditParams {
    mpp: Option<i64>,
    entity: Option<String>,
    entity_id: Option<String>,
    /// At most 500 (default 100).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", params(AuditParams),
    responses((status = 200, description = "Newest first", body = [ApiAuditEntry]), (status = 403, body = ApiErrorBody)))]
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
            AuditQuery { mpp_id: p.mpp, entity: p.entity, entity_id: p.entity_id, limit: p.limit.unwrap_or(100) },
        )
        .await
        .api(&c)?;
    Ok(Json(rows.iter().map(ApiAuditEntry::from).collect()))
}
