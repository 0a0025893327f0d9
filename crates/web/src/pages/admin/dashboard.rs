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
    let heat_rows: Vec<(String, Vec<f64>)> = d
        .heat
        .iter()
        .map(|r| {
            let wd = chrono::Weekday::try_from(u8::try_from(r.weekday.saturating_sub(1)).unwrap_or(0))
                .unwrap_or(chrono::Weekday::Mon);
            (crate::pages::weekday_name(lang, wd), r.average.clone())
        })
        .collect();
    let heat_cols: Vec<String> = d.heat_hours.iter().map(|h| format!("{h:02}")).collect();
    let decimal = if lang.code() == "id" { "," } else { "." };
    let heat = if d.heat.is_empty() {
        String::new()
    } else {
        crate::svg::heatmap(&c.t("dash-heat"), &heat_rows, &heat_cols, |v| format!("{v:.0}").replace('.', decimal))
    };
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
        match v {
            Some(m) => self.c.tn("dash-minutes", "n", m.round() as i64),
            None => "—".into(),
        }
    }
    fn share(&self, part: impl std::borrow::Borrow<i64>, all: impl std::borrow::Borrow<i64>) -> String {
        let (part, all) = (*part.borrow(), *all.borrow());
        if all == 0 {
            return "—".into();
        }
        let v = format!("{:.1}%", part as f64 / all as f64 * 100.0);
        if self.c.lang.code() == "id" { v.replace('.', ",") } else { v }
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
    let lang = c.lang;
    let month = format!("{} {}", lang.t(&format!("month-{}", first.month())), first.year());
    let heat_rows: Vec<(String, Vec<f64>)> = d
        .heat
        .iter()
        .map(|r| {
            let wd = chrono::Weekday::try_from(u8::try_from(r.weekday.saturating_sub(1)).unwrap_or(0))
                .unwrap_or(chrono::Weekday::Mon);
            (crate::pages::weekday_name(lang, wd), r.average.clone())
        })
        .collect();
    let heat_cols: Vec<String> = d.heat_hours.iter().map(|h| format!("{h:02}")).collect();
    let heat = if d.heat.is_empty() {
        String::new()
    } else {
        crate::svg::heatmap(&c.t("dash-heat"), &heat_rows, &heat_cols, |v| format!("{v:.0}"))
    };
    render(Report { c: &c, d, month, heat })
}
