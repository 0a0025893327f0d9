//! Signing in and out, registering, and changing one's password.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect};
use satuatap_service::Error;
use satuatap_service::auth::{PasswordChange, RegisterInput};
use serde::Deserialize;

use super::{FormErrors, PageResult, render};
use crate::ctx::{Ctx, SESSION_COOKIE, set_cookie};
use crate::error::WebError;
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    c: &'a Ctx,
    email: String,
    next: String,
    errors: FormErrors,
    registered: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    registered: Option<String>,
}

/// Only same-site paths are followed after signing in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => String::new(),
    }
}

pub async fn login_form(c: Ctx, Query(p): Query<NextParam>) -> PageResult {
    render(LoginPage {
        c: &c,
        email: String::new(),
        next: safe_next(p.next.as_deref()),
        errors: FormErrors::default(),
        registered: p.registered.is_some(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn login(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Login>,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let next = safe_next(f.next.as_deref());
    match s.app.login(&f.email, &f.password, c.ip.as_deref(), c.user_agent.as_deref()).await {
        Ok(session) => {
            let target = if session.actor.must_change_password {
                "/akun/sandi".to_string()
            } else if !next.is_empty() {
                next
            } else if session.actor.role == satuatap_domain::role::Role::Evaluator {
                "/admin/evaluasi/saya".to_string()
            } else if session.actor.role == satuatap_domain::role::Role::CounterOfficer {
                // An officer's day is at the counter: straight to the console.
                "/konsol".to_string()
            } else if session.actor.role.is_staff() {
                "/admin".to_string()
            } else {
                "/akun".to_string()
            };
            let mut resp = Redirect::to(&target).into_response();
            resp.headers_mut().append(
                SET_COOKIE,
                set_cookie(&s, SESSION_COOKIE, &session.token, Some(s.app.config.session_idle.num_seconds()), true),
            );
            Ok(resp)
        }
        Err(e @ (Error::BadCredentials | Error::LockedOut { .. })) => {
            let status = crate::error::status_of(&e).0;
            let page = LoginPage {
                c: &c,
                email: f.email.chars().take(254).collect(),
                next,
                errors: FormErrors::general(crate::error::message_of(c.lang, &e)),
                registered: false,
            };
            render(page).map(|r| (status, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn logout(State(s): State<AppState>, c: Ctx) -> PageResult {
    if let Some(a) = &c.actor {
        s.app.logout(a).await.web(&c)?;
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().append(SET_COOKIE, set_cookie(&s, SESSION_COOKIE, "", Some(0), true));
    Ok(resp)
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    c: &'a Ctx,
    name: String,
    email: String,
    errors: FormErrors,
}

pub async fn register_form(c: Ctx) -> PageResult {
    render(RegisterPage { c: &c, name: String::new(), email: String::new(), errors: FormErrors::default() })
}

pub async fn register(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Register>,
    Form(f): Form<RegisterInput>,
) -> PageResult {
    match s.app.register_citizen(&f, c.ip.as_deref()).await {
        Ok(_) => Ok(Redirect::to("/masuk?registered=1").into_response()),
        Err(Error::Invalid(errs)) => {
            let page =
                RegisterPage { c: &c, name: f.name, email: f.email, errors: FormErrors::from_fields(c.lang, &errs) };
            render(page).map(|r| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    c: &'a Ctx,
    changed: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangedParam {
    #[serde(default)]
    changed: Option<String>,
}

pub async fn account(c: Ctx, Query(p): Query<ChangedParam>) -> PageResult {
    c.actor()?;
    render(AccountPage { c: &c, changed: p.changed.is_some() })
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    c: &'a Ctx,
    errors: FormErrors,
}

pub async fn password_form(c: Ctx) -> PageResult {
    c.actor()?;
    render(PasswordPage { c: &c, errors: FormErrors::default() })
}

pub async fn password(State(s): State<AppState>, c: Ctx, Form(f): Form<PasswordChange>) -> PageResult {
    let actor = c.actor()?.clone();
    match s.app.change_password(&actor, &f).await {
        Ok(()) => Ok(Redirect::to("/akun?changed=1").into_response()),
        Err(Error::Invalid(errs)) => {
            let page = PasswordPage { c: &c, errors: FormErrors::from_fields(c.lang, &errs) };
            render(page).map(|r| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example")), "");
        assert_eq!(safe_next(Some("https://evil.example")), "");
        assert_eq!(safe_next(Some("/\\evil")), "");
        assert_eq!(safe_next(None), "");
    }
}
