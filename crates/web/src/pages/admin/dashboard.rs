//! The MPP manager's home: the queue now, today so far, and a chosen period,
//! each chart drawn on the server with its table as CSV.

use askama::Template;
use chrono::NaiveDate;
use satuatap_service::Actor;
use satuatap_service::dashboard::{DashboardQuery, MppDashboard};
use serde::Deserialize;

use super::NavItem;
use crate::ctx::Ctx;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Debug, Default, Deserialize)]
pub struct PeriodParams {
    #[serde(default)]
    pub dari: Option<String>,
    #[serde(default)]
    pub sampai: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/mpp_dashboard.html")]
struct Page<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    d: MppDashboard,
    chart: String,
    late_complaints: usize,
    must_change_password: bool,
    errors: FormErrors,
    /// Where the period form goes: `/admin` for the manager, the MPP's page otherwise.
    action: String,
}

impl Page<'_> {
    fn minutes(&self, v: &Option<f64>) -> String {
        match v {
            Some(m) => self.c.tn("dash-minutes", "n", m.round() as i64),
            None => "—".into(),
        }
    }
    fn whole_minutes(&self, v: &Option<i64>) -> String {
        self.minutes(&v.map(|m| m as f64))
    }
    fn percent(&self, v: &Option<f64>) -> String {
        v.map(|r| format!("{:.1}%", r * 100.0).replace('.', if self.c.lang.code() == "id" { "," } else { "." }))
            .unwrap_or_else(|| "—".into())
    }
    fn share(&self, part: impl std::borrow::Borrow<i64>, all: impl std::borrow::Borrow<i64>) -> String {
        let (part, all) = (*part.borrow(), *all.borrow());
        self.percent(&((all > 0).then(|| part as f64 / all as f64)))
    }
    fn csv(&self, table: &str) -> String {
        format!("/api/v1/mpps/{}/dashboard?from={}&to={}&csv={table}", self.d.mpp_id, self.d.from, self.d.to)
    }
    fn day(&self, d: &NaiveDate) -> String {
        crate::pages::fmt_date(self.c.lang, *d)
    }
    fn updated(&self) -> String {
        crate::pages::fmt_instant(self.c.lang, &self.d.at, &self.d.time_zone)
    }
}

fn day_param(v: &Option<String>) -> Option<NaiveDate> {
    v.as_deref().and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
}

pub async fn page(
    s: &AppState,
    c: &Ctx,
    a: &Actor,
    mpp_id: i64,
    p: &PeriodParams,
    late_complaints: usize,
    action: String,
) -> PageResult {
    let q = DashboardQuery { from: day_param(&p.dari), to: day_param(&p.sampai) };
    let (d, errors) = match s.app.mpp_dashboard(a, mpp_id, &q).await {
        Ok(d) => (d, FormErrors::default()),
        Err(satuatap_service::Error::Invalid(errs)) => {
            // A period that cannot be read falls back to the last 30 days, and says why.
            (
                s.app.mpp_dashboard(a, mpp_id, &DashboardQuery::default()).await.web(c)?,
                FormErrors::from_fields(c.lang, &errs),
            )
        }
        Err(e) => return Err(crate::error::WebError::In(c.lang, e)),
    };
    let lang = c.lang;
    let series: Vec<(NaiveDate, i64)> = d.days.iter().map(|r| (r.day, r.visitors)).collect();
    let chart = crate::svg::day_bars(
        &c.t("dash-chart-visitors"),
        &series,
        |day, n| format!("{}: {}", crate::pages::fmt_date(lang, day), lang.tn("dash-visitors-n", "n", n)),
        |day| {
            use chrono::Datelike;
            let month: String = lang.t(&format!("month-{}", day.month())).chars().take(3).collect();
            format!("{} {month}", day.day())
        },
    );
    let nav = super::nav(a, "/admin");
    render(Page { c, nav, d, chart, late_complaints, must_change_password: a.must_change_password, errors, action })
}

/// Any MPP's dashboard, for national admins (and the MPP's own manager).
pub async fn of_mpp(
    axum::extract::State(s): axum::extract::State<AppState>,
    c: Ctx,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(p): axum::extract::Query<PeriodParams>,
) -> PageResult {
    let a = super::staff(&c)?;
    let path = format!("/admin/mpp/{id}/dasbor");
    page(&s, &c, &a, id, &p, 0, path).await
}
