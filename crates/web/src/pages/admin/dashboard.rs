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
    heat: String,
    late_complaints: usize,
    must_change_password: bool,
    errors: FormErrors,
    /// Where the period form goes: `/admin` for the manager, the MPP's page otherwise.
    action: String,
}

/// Minutes as people read them ("15 mnt"), or a dash when there is nothing to tell.
fn minutes_text(c: &Ctx, v: &Option<f64>) -> String {
    match v {
        Some(m) => c.tn("dash-minutes", "n", m.round() as i64),
        None => "—".into(),
    }
}

/// A share as a percentage with one decimal in the page's language ("88,9%").
fn percent_text(c: &Ctx, v: &Option<f64>) -> String {
    v.map(|r| format!("{:.1}%", r * 100.0).replace('.', if c.lang.code() == "id" { "," } else { "." }))
        .unwrap_or_else(|| "—".into())
}

fn share_text(c: &Ctx, part: i64, all: i64) -> String {
    percent_text(c, &((all > 0).then(|| part as f64 / all as f64)))
}

/// The hour × weekday heatmap of a dashboard, empty when no ticket was taken.
fn heat_svg(c: &Ctx, d: &MppDashboard) -> String {
    if d.heat.is_empty() {
        return String::new();
    }
    let rows: Vec<(String, Vec<f64>)> = d
        .heat
        .iter()
        .map(|r| {
            let wd = chrono::Weekday::try_from(u8::try_from(r.weekday.saturating_sub(1)).unwrap_or(0))
                .unwrap_or(chrono::Weekday::Mon);
            (crate::pages::weekday_name(c.lang, wd), r.average.clone())
        })
        .collect();
    let cols: Vec<String> = d.heat_hours.iter().map(|h| format!("{h:02}")).collect();
    crate::svg::heatmap(&c.t("dash-heat"), &rows, &cols, |v| format!("{v:.0}"))
}

impl Page<'_> {
    fn minutes(&self, v: &Option<f64>) -> String {
        minutes_text(self.c, v)
    }
    fn whole_minutes(&self, v: &Option<i64>) -> String {
        minutes_text(self.c, &v.map(|m| m as f64))
    }
    fn percent(&self, v: &Option<f64>) -> String {
        percent_text(self.c, v)
    }
    fn share(&self, part: impl std::borrow::Borrow<i64>, all: impl std::borrow::Borrow<i64>) -> String {
        share_text(self.c, *part.borrow(), *all.borrow())
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
    let heat = heat_svg(c, &d);
    let nav = super::nav(a, "/admin");
    render(Page {
        c,
        nav,
        d,
        chart,
        heat,
        late_complaints,
        must_change_password: a.must_change_password,
        errors,
        action,
    })
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

#[derive(Debug, Default, Deserialize)]
pub struct MonthParams {
    /// `YYYY-MM`; default the last full month.
    #[serde(default)]
    pub bulan: Option<String>,
    #[serde(default)]
    pub mpp: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/monthly_report.html")]
struct Report<'a> {
    c: &'a Ctx,
    d: MppDashboard,
    month: String,
    heat: String,
}

impl Report<'_> {
    fn minutes(&self, v: &Option<f64>) -> String {
        minutes_text(self.c, v)
    }
    fn share(&self, part: impl std::borrow::Borrow<i64>, all: impl std::borrow::Borrow<i64>) -> String {
        share_text(self.c, *part.borrow(), *all.borrow())
    }
    fn printed(&self) -> String {
        crate::pages::fmt_instant(self.c.lang, &self.d.at, &self.d.time_zone)
    }
}

/// The monthly report (laporan bulanan) for the ministry: one calendar month
/// of the dashboard's figures on paper.
pub async fn monthly(
    axum::extract::State(s): axum::extract::State<AppState>,
    c: Ctx,
    axum::extract::Query(p): axum::extract::Query<MonthParams>,
) -> PageResult {
    use chrono::Datelike;
    let a = super::staff(&c)?;
    let mpp_id = if a.is_national() { p.mpp } else { a.mpp_id }
        .ok_or(crate::error::WebError::In(c.lang, satuatap_service::Error::NotFound))?;
    let today = s.app.local_today_of(mpp_id).await.web(&c)?;
    let first = p
        .bulan
        .as_deref()
        .and_then(|m| NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").ok())
        .unwrap_or_else(|| {
            let this = today.with_day(1).unwrap_or(today);
            (this - chrono::Duration::days(1)).with_day(1).unwrap_or(this)
        });
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .unwrap_or(first);
    let q = DashboardQuery { from: Some(first), to: Some(next - chrono::Duration::days(1)) };
    let d = s.app.mpp_dashboard(&a, mpp_id, &q).await.web(&c)?;
    let month = format!("{} {}", c.t(&format!("month-{}", first.month())), first.year());
    let heat = heat_svg(&c, &d);
    render(Report { c: &c, d, month, heat })
}
