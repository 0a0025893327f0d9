//! The complaint desk: the MPP's operator verifies and forwards reports, the
//! provider answers them; late ones stand out; the LAPOR! export is a click away.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use satuatap_domain::complaint::Status;
use satuatap_domain::role::Role;
use satuatap_service::complaint::{CommentInput, ComplaintView, ListQuery, StepInput};
use satuatap_service::{Actor, Error};
use satuatap_store::{MppRow, ProviderRow};
use serde::Deserialize;

use super::{NavItem, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::complaint::{parse_fields, read_form};
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

/// Operators (MPP managers, national admins) and provider admins work here.
fn desk_actor(c: &Ctx) -> Result<Actor, WebError> {
    let a = staff(c)?;
    if matches!(a.role, Role::CounterOfficer | Role::Citizen) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    Ok(a)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    mpp: Option<i64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    terlambat: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/complaints.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    mpps: Vec<MppRow>,
    m: Option<MppRow>,
    items: Vec<ComplaintView>,
    status: String,
    overdue_only: bool,
    late: usize,
    operator: bool,
}

impl ListPage<'_> {
    fn statuses(&self) -> Vec<(&'static str, String)> {
        Status::ALL.iter().map(|s| (s.as_str(), crate::pages::complaint::status_text(self.c, s))).collect()
    }
    fn href(&self, status: &str, late: bool) -> String {
        let mut h = format!("/admin/pengaduan?mpp={}", self.m.as_ref().map(|m| m.id).unwrap_or_default());
        if !status.is_empty() {
            h.push_str(&format!("&status={status}"));
        }
        if late {
            h.push_str("&terlambat=1");
        }
        h
    }
}

pub async fn list(State(s): State<AppState>, c: Ctx, Query(p): Query<ListParams>) -> PageResult {
    let a = desk_actor(&c)?;
    let mpps = if a.is_national() { s.app.managed_mpps(&a).await.web(&c)? } else { Vec::new() };
    let mpp_id = if a.is_national() { p.mpp } else { a.mpp_id };
    let status = p.status.clone().unwrap_or_default();
    let overdue_only = p.terlambat.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let Some(mpp_id) = mpp_id else {
        if a.is_national() {
            // The national admin starts from every MPP's deadlines, then picks one.
            return crate::pages::national::dashboard::across(
                &s,
                &c,
                &a,
                crate::pages::national::dashboard::Across::Complaints,
                "/admin/pengaduan",
            )
            .await;
        }
        return render(ListPage {
            c: &c,
            nav: nav(&a, "/admin/pengaduan"),
            mpps,
            m: None,
            items: Vec::new(),
            status,
            overdue_only,
            late: 0,
            operator: true,
        });
    };
    let m = s.app.mpp(mpp_id).await.web(&c)?;
    let q = ListQuery {
        status: p.status.as_deref().and_then(satuatap_domain::complaint::Status::parse),
        overdue: overdue_only,
    };
    let items = s.app.complaints(&a, mpp_id, &q).await.web(&c)?;
    let late = s.app.complaints(&a, mpp_id, &ListQuery { status: None, overdue: true }).await.web(&c)?.len();
    let operator = a.manages_mpp(mpp_id);
    render(ListPage {
        c: &c,
        nav: nav(&a, "/admin/pengaduan"),
        mpps,
        m: Some(m),
        items,
        status,
        overdue_only,
        late,
        operator,
    })
}

#[derive(Template)]
#[template(path = "admin/complaint.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    v: ComplaintView,
    providers: Vec<ProviderRow>,
    operator: bool,
    errors: FormErrors,
    done: Option<String>,
}

impl DetailPage<'_> {
    fn can(&self, action: &str) -> bool {
        let from = self.v.status;
        let party = if self.operator {
            satuatap_domain::complaint::Party::Operator
        } else {
            satuatap_domain::complaint::Party::Provider
        };
        satuatap_domain::complaint::Action::parse(action).and_then(|a| a.transition(party, from)).is_some()
    }
    fn open(&self) -> bool {
        self.v.status.is_open()
    }
}

async fn detail_page(s: &AppState, c: &Ctx, id: i64, errors: FormErrors, done: Option<String>) -> PageResult {
    let a = desk_actor(c)?;
    let v = s.app.complaint(&a, id).await.web(c)?;
    let operator = a.manages_mpp(v.mpp_id);
    let providers = if operator { s.app.providers(Some(&a), v.mpp_id).await.web(c)? } else { Vec::new() };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(DetailPage { c, nav: nav(&a, "/admin/pengaduan"), v, providers, operator, errors, done })
        .map(|r| (status, r).into_response())
}

pub async fn detail(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    let done = q.contains_key("ok").then(|| c.t("cp-saved"));
    detail_page(&s, &c, id, FormErrors::default(), done).await
}

async fn after(s: &AppState, c: &Ctx, id: i64, r: Result<ComplaintView, Error>) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/admin/pengaduan/{id}?ok=1")).into_response()),
        Err(Error::Invalid(errs)) => detail_page(s, c, id, FormErrors::from_fields(c.lang, &errs), None).await,
        Err(e @ Error::Refused { .. }) => {
            detail_page(s, c, id, FormErrors::general(crate::error::message_of(c.lang, &e)), None).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn step(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let a = desk_actor(&c)?;
    let (fields, files) = read_form(&c, form).await?;
    let input: StepInput = parse_fields(&fields);
    let r = s.app.complaint_step(&a, id, &input, &files).await;
    after(&s, &c, id, r).await
}

pub async fn comment(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let a = desk_actor(&c)?;
    let (fields, files) = read_form(&c, form).await?;
    let input: CommentInput = parse_fields(&fields);
    let r = s.app.staff_comment(&a, id, &input, &files).await;
    after(&s, &c, id, r).await
}

pub async fn attachment(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let a = desk_actor(&c)?;
    let file = s.app.attachment_for_staff(&a, id).await.web(&c)?;
    Ok(crate::api::complaint::download(&file.filename, &file.content_type, file.data))
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportParams {
    mpp: i64,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    dari: Option<String>,
    #[serde(default)]
    sampai: Option<String>,
}

pub async fn export(State(s): State<AppState>, c: Ctx, Query(p): Query<ExportParams>) -> Result<Response, WebError> {
    let a = desk_actor(&c)?;
    let day = |v: &Option<String>| v.as_deref().and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
    let records = s.app.export_complaints(&a, p.mpp, day(&p.dari), day(&p.sampai)).await.web(&c)?;
    Ok(crate::api::complaint::export_response(&records, p.format.as_deref(), p.mpp))
}
