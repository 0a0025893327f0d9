//! Admin pages for accounts, API tokens and the audit log.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use satuatap_domain::role::Role;
use satuatap_service::Error;
use satuatap_service::audit::AuditQuery;
use satuatap_service::auth::{IssuedToken, TokenInput};
use satuatap_service::users::{UserInput, UserView};
use satuatap_store::{ApiTokenRow, AuditRow, MppRow, ProviderRow};
use serde::Deserialize;

use super::{NavItem, loose_str, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UserList<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    users: Vec<UserView>,
    mpps: Vec<MppRow>,
}

impl UserList<'_> {
    fn mpp_name(&self, id: &Option<i64>) -> String {
        id.and_then(|i| self.mpps.iter().find(|m| m.id == i)).map(|m| m.name.clone()).unwrap_or_default()
    }
}

pub async fn users(State(s): State<AppState>, c: Ctx) -> PageResult {
    let a = staff(&c)?;
    let users = s.app.users(&a).await.web(&c)?;
    let mpps = s.app.managed_mpps(&a).await.unwrap_or_default();
    render(UserList { c: &c, nav: nav(&a, "/admin/pengguna"), users, mpps })
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct UserForm<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    id: Option<i64>,
    f: UserInput,
    errors: FormErrors,
    roles: Vec<Role>,
    mpps: Vec<MppRow>,
    providers: Vec<(String, ProviderRow)>,
    saved: bool,
}

impl UserForm<'_> {
    fn mpp_id(&self) -> String {
        loose_str(&self.f.mpp_id)
    }
    fn provider_id(&self) -> String {
        loose_str(&self.f.provider_id)
    }
    fn password_label(&self) -> String {
        self.c.t(if self.id.is_some() { "password-reset" } else { "password-initial" })
    }
}

fn roles_for(a: &satuatap_service::Actor) -> Vec<Role> {
    match a.role {
        Role::NationalAdmin => Role::ALL.to_vec(),
        Role::MppManager => vec![Role::MppManager, Role::ProviderAdmin, Role::CounterOfficer],
        Role::ProviderAdmin => vec![Role::CounterOfficer],
        _ => Vec::new(),
    }
}

async fn user_form(
    s: &AppState,
    c: &Ctx,
    id: Option<i64>,
    f: UserInput,
    errors: FormErrors,
    saved: bool,
) -> PageResult {
    let a = staff(c)?;
    let roles = roles_for(&a);
    if roles.is_empty() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let mpps = s.app.managed_mpps(&a).await.web(c)?;
    let mut providers = Vec::new();
    for m in
        mpps.iter().filter(|m| m.status.0 != satuatap_domain::catalog::MppStatus::Planned || a.mpp_id == Some(m.id))
    {
        for p in s.app.providers(Some(&a), m.id).await.web(c)? {
            if a.manages_provider(m.id, p.id) {
                providers.push((m.name.clone(), p));
            }
        }
    }
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    render(UserForm { c, nav: nav(&a, "/admin/pengguna"), id, f, errors, roles, mpps, providers, saved })
        .map(|r| (status, r).into_response())
}

pub async fn new_user(State(s): State<AppState>, c: Ctx) -> PageResult {
    let a = staff(&c)?;
    let f = UserInput {
        role: "counter_officer".into(),
        mpp_id: a.mpp_id.map(Ok),
        provider_id: a.provider_id.map(Ok),
        active: true,
        ..UserInput::default()
    };
    user_form(&s, &c, None, f, FormErrors::default(), false).await
}

pub async fn create_user(State(s): State<AppState>, c: Ctx, Form(f): Form<UserInput>) -> PageResult {
    let a = staff(&c)?;
    match s.app.create_user(&a, &f).await {
        Ok(u) => Ok(Redirect::to(&format!("/admin/pengguna/{}?saved=1", u.id)).into_response()),
        Err(Error::Invalid(errs)) => user_form(&s, &c, None, f, FormErrors::from_fields(c.lang, &errs), false).await,
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn edit_user(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<super::mpps::Saved>,
) -> PageResult {
    let a = staff(&c)?;
    let u = s.app.user(&a, id).await.web(&c)?;
    let f = UserInput {
        email: u.email,
        name: u.name,
        role: u.role.as_str().into(),
        mpp_id: u.mpp_id.map(Ok),
        provider_id: u.provider_id.map(Ok),
        active: u.active,
        password: None,
    };
    user_form(&s, &c, Some(id), f, FormErrors::default(), q.saved.is_some()).await
}

pub async fn update_user(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<UserInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.update_user(&a, id, &f).await {
        Ok(u) => Ok(Redirect::to(&format!("/admin/pengguna/{}?saved=1", u.id)).into_response()),
        Err(Error::Invalid(errs)) => {
            user_form(&s, &c, Some(id), f, FormErrors::from_fields(c.lang, &errs), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

// --- API tokens ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokenPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    tokens: Vec<ApiTokenRow>,
    users: Vec<UserView>,
    issued: Option<IssuedToken>,
    errors: FormErrors,
}

async fn token_page(s: &AppState, c: &Ctx, issued: Option<IssuedToken>, errors: FormErrors) -> PageResult {
    let a = staff(c)?;
    let tokens = s.app.tokens(&a).await.web(c)?;
    let users = s.app.users(&a).await.web(c)?;
    render(TokenPage { c, nav: nav(&a, "/admin/token"), tokens, users, issued, errors })
}

pub async fn tokens(State(s): State<AppState>, c: Ctx) -> PageResult {
    token_page(&s, &c, None, FormErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    user_id: Option<String>,
}

pub async fn issue_token(State(s): State<AppState>, c: Ctx, Form(f): Form<TokenForm>) -> PageResult {
    let a = staff(&c)?;
    let input = TokenInput { name: f.name, user_id: f.user_id.as_deref().and_then(|v| v.parse().ok()) };
    match s.app.issue_token(&a, &input).await {
        Ok(t) => token_page(&s, &c, Some(t), FormErrors::default()).await,
        Err(Error::Invalid(errs)) => token_page(&s, &c, None, FormErrors::from_fields(c.lang, &errs))
            .await
            .map(|r| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, r).into_response()),
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn revoke_token(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let a = staff(&c)?;
    s.app.revoke_token(&a, id).await.web(&c)?;
    Ok(Redirect::to("/admin/token").into_response())
}

// --- audit log ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    entries: Vec<AuditRow>,
    p: AuditParams,
    /// The link to the next (older) page, when this one is full.
    next: Option<String>,
}

/// What the log can be filtered to, as people name it.
const AUDIT_SUBJECTS: [&str; 16] = [
    "service",
    "provider",
    "counter",
    "mpp",
    "holiday",
    "user",
    "api_token",
    "device",
    "booking",
    "application",
    "complaint",
    "oss_session",
    "oss_consultation",
    "survey_response",
    "eval_assessment",
    "rollout_location",
];

const AUDIT_PAGE: i64 = 100;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct AuditParams {
    #[serde(default)]
    entity: Option<String>,
    #[serde(default)]
    entity_id: Option<String>,
    #[serde(default)]
    mpp: Option<String>,
    /// Part of a person's e-mail or name.
    #[serde(default)]
    siapa: Option<String>,
    #[serde(default)]
    dari: Option<String>,
    #[serde(default)]
    sampai: Option<String>,
    /// The page after the entry with this id.
    #[serde(default)]
    sebelum: Option<String>,
}

/// The start of a WIB day, as the log's times are shown.
pub fn wib_start(d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono_tz::Asia::Jakarta
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc())
}

fn day_of(v: &Option<String>) -> Option<chrono::NaiveDate> {
    v.as_deref().and_then(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
}

impl AuditPage<'_> {
    fn subjects(&self) -> Vec<(&'static str, String)> {
        AUDIT_SUBJECTS.iter().map(|e| (*e, audit_entity(self.c, e))).collect()
    }
    fn val<'b>(&self, v: &'b Option<String>) -> &'b str {
        v.as_deref().unwrap_or("")
    }
    fn sentence(&self, e: &AuditRow) -> String {
        audit_sentence(self.c, e)
    }
}

/// A subject of the log in words ("layanan"); an unknown one in plain words too.
pub fn audit_entity(c: &Ctx, entity: &str) -> String {
    c.lang.lookup(&format!("audit-ent-{entity}")).unwrap_or_else(|| entity.replace('_', " "))
}

/// An entry as a sentence: "Manajer MPP Kota Bogor menerbitkan layanan «Paspor Biasa» (#12)".
pub fn audit_sentence(c: &Ctx, e: &AuditRow) -> String {
    let who = e
        .actor_name
        .clone()
        .or_else(|| e.actor_email.clone())
        .filter(|w| w != "system")
        .unwrap_or_else(|| c.t("audit-system"));
    let act = c
        .lang
        .lookup(&format!("audit-act-{}", e.action))
        .unwrap_or_else(|| c.ta("audit-act-other", &[("action", &e.action.replace('_', " "))]));
    let named = |j: &Option<String>| {
        let v: serde_json::Value = serde_json::from_str(j.as_deref()?).ok()?;
        ["name", "title", "code", "email"].iter().find_map(|k| v.get(*k).and_then(|x| x.as_str()).map(String::from))
    };
    let subject = match named(&e.after).or_else(|| named(&e.before)) {
        Some(n) => format!("«{n}» (#{})", e.entity_id),
        None => format!("#{}", e.entity_id),
    };
    c.ta(
        "audit-sentence",
        &[("who", &who), ("act", &act), ("what", &audit_entity(c, &e.entity)), ("subject", &subject)],
    )
}

pub async fn audit(State(s): State<AppState>, c: Ctx, Query(p): Query<AuditParams>) -> PageResult {
    let a = staff(&c)?;
    let entries = s
        .app
        .audit_log(
            &a,
            AuditQuery {
                mpp_id: p.mpp.as_deref().and_then(|v| v.parse().ok()),
                entity: p.entity.clone().filter(|e| !e.is_empty()),
                entity_id: p.entity_id.clone().filter(|e| !e.is_empty()),
                actor: p.siapa.clone(),
                from: day_of(&p.dari).map(wib_start),
                to: day_of(&p.sampai).and_then(|d| d.succ_opt()).map(wib_start),
                before_id: p.sebelum.as_deref().and_then(|v| v.trim().parse().ok()),
                limit: AUDIT_PAGE,
            },
        )
        .await
        .web(&c)?;
    let next = (entries.len() as i64 == AUDIT_PAGE).then(|| entries.last().map(|l| l.id)).flatten().map(|last| {
        let mut q: Vec<String> = Vec::new();
        for (k, v) in
            [("entity", &p.entity), ("mpp", &p.mpp), ("siapa", &p.siapa), ("dari", &p.dari), ("sampai", &p.sampai)]
        {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.push(format!("{k}={}", crate::pages::q(v)));
            }
        }
        q.push(format!("sebelum={last}"));
        format!("/admin/audit?{}", q.join("&"))
    });
    render(AuditPage { c: &c, nav: nav(&a, "/admin/audit"), entries, p, next })
}

/// Pretty JSON for the audit table.
pub fn pretty(v: &Option<String>) -> String {
    v.as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}
