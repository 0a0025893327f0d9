//! Sessions over the API: sign in, sign out, who am I, password, registration.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use satuatap_service::auth::{PasswordChange, RegisterInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::ApiJson;
use super::dto::*;
use crate::ctx::{Ctx, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "manajer.bogor@demo.satuatap.id", "password": "satuatap-demo"}))]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

/// Sign in; sets the session cookie.
#[utoipa::path(post, path = "/session", tag = "accounts", request_body = LoginBody,
    responses((status = 200, description = "Signed in; the session cookie is set", body = ApiMe),
        (status = 429, description = "Locked out or rate limited; see `Retry-After`", body = ErrorEnvelope)))]
pub async fn login(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Login>,
    ApiJson(b): ApiJson<LoginBody>,
) -> Result<impl IntoResponse, ApiError> {
    let session = s.app.login(&b.email, &b.password, c.ip.as_deref(), c.user_agent.as_deref()).await.api(&c)?;
    let a = &session.actor;
    let me = ApiMe {
        id: a.user_id,
        email: a.email.clone(),
        name: a.name.clone(),
        role: a.role.as_str().into(),
        mpp_id: a.mpp_id,
        provider_id: a.provider_id,
        must_change_password: a.must_change_password,
        csrf_token: s.app.keys.csrf_token(a.session.as_deref().unwrap_or_default()),
    };
    let cookie = set_cookie(&s, SESSION_COOKIE, &session.token, Some(s.app.config.session_idle.num_seconds()), true);
    Ok(([(SET_COOKIE, cookie)], Json(me)))
}

/// Sign out.
#[utoipa::path(delete, path = "/session", tag = "accounts", responses((status = 204)))]
pub async fn logout(State(s): State<AppState>, c: Ctx) -> Result<impl IntoResponse, ApiError> {
    if let Some(a) = &c.actor {
        s.app.logout(a).await.api(&c)?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, set_cookie(&s, SESSION_COOKIE, "", Some(0), true))]))
}

/// The signed-in account and the CSRF token for writes.
#[utoipa::path(get, path = "/me", tag = "accounts", security(("session" = []), ("token" = [])),
    responses((status = 200, body = ApiMe)))]
pub async fn me(c: Ctx) -> Result<Json<ApiMe>, ApiError> {
    let a = c.api_actor()?;
    Ok(Json(ApiMe {
        id: a.user_id,
        email: a.email.clone(),
        name: a.name.clone(),
        role: a.role.as_str().into(),
        mpp_id: a.mpp_id,
        provider_id: a.provider_id,
        must_change_password: a.must_change_password,
        csrf_token: c.csrf.clone(),
    }))
}

/// Change the signed-in account's password.
#[utoipa::path(post, path = "/me/password", tag = "accounts", security(("session" = []), ("token" = [])), request_body = PasswordChange,
    responses((status = 204)))]
pub async fn change_password(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(b): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let a = c.api_actor()?;
    s.app.change_password(a, &b).await.api(&c)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create a citizen account.
#[utoipa::path(post, path = "/register", tag = "accounts", request_body = RegisterInput,
    responses((status = 201, description = "Citizen account created"), (status = 409, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn register(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Register>,
    ApiJson(b): ApiJson<RegisterInput>,
) -> Result<StatusCode, ApiError> {
    s.app.register_citizen(&b, c.ip.as_deref()).await.api(&c)?;
    Ok(StatusCode::CREATED)
}
