//! Public reads: registry, MPPs, providers, the catalogue and holidays.

use axum::Json;
use axum::extract::{Path, State};
use chrono::Datelike;
use satuatap_domain::catalog::Category;
use satuatap_service::catalog::{Near, SearchQuery};
use satuatap_store::mpps::MppFilter;
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::*;
use super::{ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The 38 provinces with how many of their regencies have an MPP.
#[utoipa::path(get, path = "/provinces", tag = "registry",
    responses((status = 200, description = "The 38 provinces with MPP coverage", body = [ApiProvince])))]
pub async fn provinces(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<ApiProvince>> {
    let rows = s.app.province_coverage().await.api(&c)?;
    Ok(Json(
        rows.into_iter()
            .map(|p| ApiProvince {
                code: p.code,
                name: p.name,
                regencies: p.regencies,
                regencies_with_mpp: p.regencies_with_mpp,
                mpps_operating: p.mpps_operating,
            })
            .collect(),
    ))
}

/// A province's regencies and cities with their MPP counts.
#[utoipa::path(get, path = "/provinces/{code}/regencies", tag = "registry",
    params(("code" = String, Path, description = "Province code, e.g. `32`")),
    responses((status = 200, body = [ApiRegency])))]
pub async fn regencies(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> ApiResult<Vec<ApiRegency>> {
    s.app.province(&code).await.api(&c)?;
    let rows = s.app.regency_coverage(Some(&code)).await.api(&c)?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ApiRegency {
                code: r.code,
                province_code: r.province_code,
                name: r.name,
                mpps_operating: r.operating,
                mpps_planned: r.planned,
            })
            .collect(),
    ))
}

/// A regency's districts (kecamatan).
#[utoipa::path(get, path = "/regencies/{code}/districts", tag = "registry",
    params(("code" = String, Path, description = "Regency code, e.g. `32.71`")),
    responses((status = 200, body = [ApiDistrict])))]
pub async fn districts(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> ApiResult<Vec<ApiDistrict>> {
    s.app.regency(&code).await.api(&c)?;
    let rows = s.app.districts(&code).await.api(&c)?;
    Ok(Json(
        rows.into_iter().map(|d| ApiDistrict { code: d.code, regency_code: d.regency_code, name: d.name }).collect(),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MppParams {
    /// Province code.
    province: Option<String>,
    /// Regency code.
    regency: Option<String>,
    /// `planned`, `operating` or `closed`.
    status: Option<String>,
}

/// MPP locations, filtered by province, regency or status.
#[utoipa::path(get, path = "/mpps", tag = "registry", params(MppParams),
    responses((status = 200, body = [ApiMpp])))]
pub async fn mpps(State(s): State<AppState>, c: Ctx, ApiQuery(p): ApiQuery<MppParams>) -> ApiResult<Vec<ApiMpp>> {
    let rows = s
        .app
        .mpps(&MppFilter { province_code: p.province, regency_code: p.regency, status: p.status, only_id: None })
        .await
        .api(&c)?;
    Ok(Json(rows.iter().map(|m| ApiMpp::from_row(m, None)).collect()))
}

/// An MPP by id or slug.
async fn find_mpp(s: &AppState, c: &Ctx, key: &str) -> Result<satuatap_store::MppRow, ApiError> {
    match key.parse::<i64>() {
        Ok(id) => s.app.mpp(id).await.api(c),
        Err(_) => s.app.mpp_by_slug(key).await.api(c),
    }
}

/// One MPP by id or slug, with whether it is open now in its own zone.
#[utoipa::path(get, path = "/mpps/{id}", tag = "registry",
    params(("id" = String, Path, description = "MPP id or slug")),
    responses((status = 200, description = "The MPP with whether it is open now in its own zone", body = ApiMpp)))]
pub async fn mpp(State(s): State<AppState>, c: Ctx, Path(key): Path<String>) -> ApiResult<ApiMpp> {
    let m = find_mpp(&s, &c, &key).await?;
    let now = s.app.mpp_now(&m, s.app.now()).await.api(&c)?;
    Ok(Json(ApiMpp::from_row(&m, Some(&now))))
}

/// An MPP's providers (instansi); staff also see inactive ones.
#[utoipa::path(get, path = "/mpps/{id}/providers", tag = "catalogue",
    params(("id" = String, Path, description = "MPP id or slug")),
    responses((status = 200, body = [ApiProvider])))]
pub async fn providers(State(s): State<AppState>, c: Ctx, Path(key): Path<String>) -> ApiResult<Vec<ApiProvider>> {
    let m = find_mpp(&s, &c, &key).await?;
    let rows = s.app.providers(c.actor.as_ref(), m.id).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiProvider::from).collect()))
}

/// One provider.
#[utoipa::path(get, path = "/providers/{id}", tag = "catalogue",
    params(("id" = i64, Path)), responses((status = 200, body = ApiProvider)))]
pub async fn provider(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiProvider> {
    let p = s.app.provider(id).await.api(&c)?;
    if !p.active && !c.actor.as_ref().is_some_and(|a| a.is_staff_of(p.mpp_id)) {
        return Err(ApiError::not_found(c.lang));
    }
    Ok(Json(ApiProvider::from(&p)))
}

/// Parent agencies shared by providers across MPPs.
#[utoipa::path(get, path = "/agencies", tag = "catalogue", responses((status = 200, body = [ApiAgency])))]
pub async fn agencies(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<ApiAgency>> {
    let rows = s.app.agencies().await.api(&c)?;
    Ok(Json(rows.iter().map(ApiAgency::from).collect()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceParams {
    /// Search words; typos and partial words are tolerated.
    q: Option<String>,
    /// MPP id or slug (all MPPs when absent).
    mpp: Option<String>,
    provider: Option<i64>,
    category: Option<String>,
    /// At most 200 (default 50).
    limit: Option<usize>,
    offset: Option<usize>,
    /// Only MPPs of this regency (`32.71`) or province (`32`).
    region: Option<String>,
    /// The visitor's position (both or neither): services of the nearest MPPs come first,
    /// and `distances` lists each MPP's distance.
    #[param(minimum = -90.0, maximum = 90.0)]
    lat: Option<f64>,
    #[param(minimum = -180.0, maximum = 180.0)]
    lng: Option<f64>,
}

/// Search published services, across all MPPs or one; typos and partial words are tolerated.
#[utoipa::path(get, path = "/services", tag = "catalogue", params(ServiceParams),
    responses((status = 200, description = "Published services, best match first", body = ApiServicePage),
        (status = 404, description = "`not_found`: no MPP with the id or slug given as `mpp`", body = ErrorEnvelope)))]
pub async fn services(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(p): ApiQuery<ServiceParams>,
) -> ApiResult<ApiServicePage> {
    let mpp_id = match p.mpp.as_deref().filter(|m| !m.is_empty()) {
        Some(key) => Some(find_mpp(&s, &c, key).await?.id),
        None => None,
    };
    let category = match p.category.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Some(Category::parse(v).ok_or_else(|| ApiError::bad_query(c.lang, format!("category: {v}")))?),
        None => None,
    };
    let region = match p.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if satuatap_service::catalog::is_region_code(r) => Some(r.to_string()),
        Some(r) => return Err(ApiError::bad_query(c.lang, format!("region: {r}"))),
        None => None,
    };
    let near = match (p.lat, p.lng) {
        (None, None) => Near::Anywhere,
        (Some(lat), Some(lng)) if satuatap_domain::geo::Point::new(lat, lng).is_plausible() => Near::Point { lat, lng },
        _ => return Err(ApiError::bad_query(c.lang, "lat, lng".to_string())),
    };
    let page = s
        .app
        .search_services(&SearchQuery {
            text: p.q.unwrap_or_default(),
            mpp_id,
            provider_id: p.provider,
            category,
            limit: p.limit.unwrap_or(50),
            offset: p.offset.unwrap_or(0),
            region,
            near,
        })
        .await
        .api(&c)?;
    Ok(Json(ApiServicePage {
        total: page.total,
        services: page.services.iter().map(ApiService::from).collect(),
        distances: page.distances.iter().map(|(mpp_id, km)| MppDistance { mpp_id: *mpp_id, km: *km }).collect(),
    }))
}

/// One service with its published standard (staff also see drafts).
#[utoipa::path(get, path = "/services/{id}", tag = "catalogue", params(("id" = i64, Path)),
    responses((status = 200, body = ApiService)))]
pub async fn service(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApiService> {
    let row = s.app.service(c.actor.as_ref(), id).await.api(&c)?;
    Ok(Json(ApiService::from(&row)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// Defaults to the current year (1900–2200).
    #[param(minimum = 1900, maximum = 2200)]
    year: Option<i32>,
}

/// National holidays and cuti bersama of a year.
#[utoipa::path(get, path = "/holidays", tag = "calendar", params(YearParams),
    responses((status = 200, description = "National holidays and cuti bersama", body = [ApiHoliday])))]
pub async fn national_holidays(
    State(s): State<AppState>,
    c: Ctx,
    ApiQuery(p): ApiQuery<YearParams>,
) -> ApiResult<Vec<ApiHoliday>> {
    let year = p.year.unwrap_or_else(|| s.app.now().year());
    super::in_calendar(c.lang, "year", year)?;
    let rows = s.app.holidays(None, year).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiHoliday::from).collect()))
}

/// An MPP's own closures of a year.
#[utoipa::path(get, path = "/mpps/{id}/holidays", tag = "calendar", params(("id" = String, Path), YearParams),
    responses((status = 200, description = "The MPP's own closures", body = [ApiHoliday])))]
pub async fn mpp_holidays(
    State(s): State<AppState>,
    c: Ctx,
    Path(key): Path<String>,
    ApiQuery(p): ApiQuery<YearParams>,
) -> ApiResult<Vec<ApiHoliday>> {
    let m = find_mpp(&s, &c, &key).await?;
    let year = p.year.unwrap_or_else(|| s.app.now().year());
    super::in_calendar(c.lang, "year", year)?;
    let rows = s.app.holidays(Some(m.id), year).await.api(&c)?;
    Ok(Json(rows.iter().map(ApiHoliday::from).collect()))
}
