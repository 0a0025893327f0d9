//! Devices over the API: a manager registers kiosks, boards and tablets and
//! gets a one-time pairing code; the device exchanges it for its credential
//! and sends that as `X-Device-Token` from then on.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use satuatap_service::devices::{DeviceInput, DeviceView, NewPairing, Paired};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// An MPP's devices, paired or waiting to be (its manager).
#[utoipa::path(get, path = "/mpps/{id}/devices", tag = "devices", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = [DeviceView])))]
pub async fn list(State(s): State<AppState>, c: Ctx, Id(mpp): Id) -> ApiResult<Vec<DeviceView>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.devices(a, mpp).await.api(&c)?))
}

/// Register a device and get its one-time pairing code (shown only now).
#[utoipa::path(post, path = "/mpps/{id}/devices", tag = "devices", params(("id" = i64, Path)), request_body = DeviceInput,
    security(("session" = []), ("token" = [])), responses((status = 201, body = NewPairing)))]
pub async fn register(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiJson(input): ApiJson<DeviceInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok((StatusCode::CREATED, Json(s.app.register_device(a, mpp, &input).await.api(&c)?)))
}

/// A new pairing code for a device (a replaced screen); its old credential stops working.
#[utoipa::path(post, path = "/devices/{id}/pairing", tag = "devices", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = NewPairing)))]
pub async fn repair(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<NewPairing> {
    let a = c.api_actor()?;
    Ok(Json(s.app.repair_device(a, id).await.api(&c)?))
}

/// Revoke a device for good (lost, stolen, retired).
#[utoipa::path(delete, path = "/devices/{id}", tag = "devices", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = DeviceView)))]
pub async fn revoke(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<DeviceView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.revoke_device(a, id).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PairBody {
    /// The code shown to the manager, `XXXX-XXXX` (case and dash do not matter).
    #[schema(example = "7KQ2-M9XD")]
    pub code: String,
}

/// Pair this device: exchange the one-time code for its credential (shown only now).
#[utoipa::path(post, path = "/devices/pair", tag = "devices", request_body = PairBody,
    responses((status = 201, body = Paired),
        (status = 409, description = "`pairing_invalid`: wrong, used or expired code", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn pair(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Login>,
    ApiJson(b): ApiJson<PairBody>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.pair_device(&b.code, c.ip.as_deref()).await.api(&c)?)))
}

/// The device making the request, by its credential.
#[derive(Serialize, ToSchema)]
pub struct ThisDevice {
    pub id: i64,
    pub mpp_id: i64,
    pub kind: satuatap_domain::device::DeviceKind,
    pub name: String,
    pub counter_id: Option<i64>,
    pub zone: Option<String>,
}

/// Which device this is (send `X-Device-Token`).
#[utoipa::path(get, path = "/devices/me", tag = "devices", security(("device" = [])),
    responses((status = 200, body = ThisDevice)))]
pub async fn me(c: Ctx) -> ApiResult<ThisDevice> {
    let d = c.device.as_ref().ok_or_else(|| ApiError::new(c.lang, satuatap_service::Error::Unauthenticated))?;
    Ok(Json(ThisDevice {
        id: d.id,
        mpp_id: d.mpp_id,
        kind: d.kind,
        name: d.name.clone(),
        counter_id: d.counter_id,
        zone: d.zone.clone(),
    }))
}
