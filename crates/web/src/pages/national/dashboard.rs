//! The ministry's dashboard across MPPs (a public summary; the national admin
//! sees complaint and booking detail), one MPP's drill-down, and the national
//! admin's summaries of bookings, surveys and complaints without picking an MPP.

use askama::Template;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use satuatap_domain::survey::Period;
use satuatap_service::national::{DashboardQuery, DayBookingSummary, MinistryDashboard, MppFigures};
use satuatap_service::{Actor, Error};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::admin::{NavItem, nav};
use crate::pages::{PageResult, fmt_dec, fmt_int, fmt_minutes, fmt_pct, render};
use crate::state::{AppState, WebResultExt};
use crate::svg;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct DashboardParams {
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub provinsi: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub order: Option<String>,
}

/// The period a page asks for: `?period=` or this quarter (in WIB).
fn period_of(s: &AppState, c: &Ctx, p: &Option<String>) -> Result<Period, WebError> {
    match p.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(s.app.current_quarter(chrono_tz::Asia::Jakarta)),
        Some(v) => Period::parse(v).ok_or_else(|| {
            WebError::In(c.lang, Error::field("period", satuatap_domain::Invalid::Format { hint: "hint-period" }))
        }),
    }
}

fn query_of(p: &DashboardParams) -> DashboardQuery {
    let keep = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    DashboardQuery {
        period: keep(&p.period),
        province: keep(&p.provinsi),
        sort: keep(&p.sort).filter(|k| satuatap_service::national::SORT_KEYS.contains(&k.as_str())),
        order: keep(&p.order).filter(|o| o == "asc" || o == "desc"),
    }
}

/// Shared formatting of figures for the dashboard's templates.
pub struct Fmt<'a>(pub &'a Ctx);

impl Fmt<'_> {
    pub fn int(&self, n: impl crate::pages::IntLike) -> String {
        fmt_int(self.0.lang, n)
    }
    pub fn pct(&self, x: &Option<f64>) -> String {
        fmt_pct(self.0.lang, *x)
    }
    pub fn min(&self, x: &Option<f64>) -> String {
        fmt_minutes(self.0.lang, *x)
    }
    pub fn ikm(&self, f: &MppFigures) -> String {
        match (&f.ikm, f.grade) {
            (Some(i), Some(g)) => {
                format!("{} ({g})", crate::pages::dec_text(self.0.lang, i))
            }
            _ => "—".into(),
        }
    }
    pub fn sample(&self, f: &MppFigures) -> String {
        if f.respondents == 0 {
            return self.0.t("nd-no-respondents");
        }
        let n = format!(
            "{} / {}",
            fmt_int(self.0.lang, f.respondents as i64),
            fmt_int(self.0.lang, f.required_sample as i64)
        );
        if f.sample_reached { format!("{n} ✓") } else { format!("{n} ({})", self.0.t("nd-sample-short")) }
    }
    pub fn spark(&self, f: &MppFigures) -> String {
        svg::sparkline(&f.trend, &self.0.t("nd-trend-label"))
    }
    pub fn share_of(&self, part: &i64, all: &i64) -> String {
        fmt_pct(self.0.lang, (*all > 0).then(|| *part as f64 / *all as f64))
    }
    pub fn dec(&self, x: &f64) -> String {
        fmt_dec(self.0.lang, *x, 1)
    }
    /// "Mal Pelayanan Publik Kota Bogor" as "MPP Kota Bogor" (tables have little room).
    pub fn short(&self, name: &str) -> String {
        match name.strip_prefix("Mal Pelayanan Publik ") {
            Some(rest) => format!("MPP {rest}"),
            None => name.to_string(),
        }
    }
    /// The MPP runs nothing on the platform yet (no catalogue, no queue, no reports).
    pub fn no_data(&self, f: &MppFigures) -> bool {
        f.visitors == 0 && f.published == 0 && f.verified == 0 && f.respondents == 0
    }
}

#[derive(Template)]
#[template(path = "national/dashboard.html")]
struct DashboardPage<'a> {
    c: &'a Ctx,
    f: Fmt<'a>,
    d: MinistryDashboard,
    q: DashboardQuery,
    provinces: Vec<(String, String)>,
    periods: Vec<(String, String)>,
}

impl DashboardPage<'_> {
    /// The sort keys as a list: on a phone the table's header is hidden, so the
    /// filter form carries the sort too.
    fn sort_options(&self) -> Vec<(&'static str, String)> {
        let c = self.c;
        vec![
            ("name", "MPP".to_string()),
            ("province", c.t("province")),
            ("visitors", c.t("nd-col-visitors")),
            ("wait_p50", c.t("nd-col-wait")),
            ("service_p50", c.t("nd-col-service")),
            ("no_show_rate", c.t("nd-col-no-show")),
            ("booking_share", c.t("nd-col-bookings")),
            ("ikm", "IKM".to_string()),
            ("verified_on_time", c.t("nd-col-verified")),
            ("answered_on_time", c.t("nd-col-answered")),
            ("complete_share", c.t("nd-col-standards")),
        ]
    }
    /// A header link that sorts by `key` (flipping the order when already sorted by it).
    fn sort_href(&self, key: &str) -> String {
        let current = self.q.sort.as_deref().filter(|s| !s.is_empty()).unwrap_or("name");
        let desc_now = match self.q.order.as_deref().filter(|o| !o.is_empty()) {
            Some(o) => o == "desc",
            None => !matches!(current, "name" | "province"),
        };
        let order = if current == key {
            if desc_now { "asc" } else { "desc" }
        } else if matches!(key, "name" | "province") {
            "asc"
        } else {
            "desc"
        };
        let mut parts = vec![format!("sort={key}"), format!("order={order}")];
        if let Some(p) = &self.q.period {
            parts.push(format!("period={}", crate::pages::q(p)));
        }
        if let Some(p) = &self.q.province {
            parts.push(format!("provinsi={}", crate::pages::q(p)));
        }
        format!("/nasional/dasbor?{}#tabel", parts.join("&"))
    }
    fn aria_sort(&self, key: &str) -> &'static str {
        let current = self.q.sort.as_deref().filter(|s| !s.is_empty()).unwrap_or("name");
        if current != key {
            return "none";
        }
        let desc = match self.q.order.as_deref().filter(|o| !o.is_empty()) {
            Some(o) => o == "desc",
            None => !matches!(current, "name" | "province"),
        };
        if desc { "descending" } else { "ascending" }
    }
    fn csv_href(&self) -> String {
        let mut parts = vec![format!("period={}", crate::pages::q(&self.d.period))];
        if let Some(p) = &self.q.province {
            parts.push(format!("provinsi={}", crate::pages::q(p)));
        }
        format!("/nasional/dasbor.csv?{}", parts.join("&"))
    }
    fn sel(&self, v: &Option<String>, key: &str) -> bool {
        v.as_deref() == Some(key)
    }
    fn range(&self) -> String {
        format!(
            "{} – {}",
            crate::pages::fmt_date_short(self.c.lang, self.d.from),
            crate::pages::fmt_date_short(self.c.lang, self.d.to)
        )
    }
}

/// Periods offered in the form: the last four quarters, this and last year.
fn recent_periods(s: &AppState, c: &Ctx) -> Vec<(String, String)> {
    let mut p = s.app.current_quarter(chrono_tz::Asia::Jakarta);
    let mut out = Vec::new();
    for _ in 0..4 {
        if let Period::Quarter(y, q) = p {
            out.push((p.key(), c.ta("nd-quarter", &[("q", &q.to_string()), ("year", &y.to_string())])));
        }
        p = p.previous();
    }
    let year = s.app.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
    let y = chrono::Datelike::year(&year);
    for y in [y, y - 1] {
        out.push((y.to_string(), c.ta("nd-year", &[("year", &y.to_string())])));
    }
    out
}

pub async fn dashboard(State(s): State<AppState>, c: Ctx, Query(p): Query<DashboardParams>) -> PageResult {
    let period = period_of(&s, &c, &p.period)?;
    let q = query_of(&p);
    let d = s.app.ministry_dashboard(c.actor.as_ref(), &period, &q).await.web(&c)?;
    let provinces = s.app.provinces().await.web(&c)?.into_iter().map(|p| (p.code, p.name)).collect();
    let periods = recent_periods(&s, &c);
    render(DashboardPage { c: &c, f: Fmt(&c), d, q, provinces, periods })
}

/// The comparison table as CSV (what the page shows, every column).
pub fn dashboard_csv(d: &MinistryDashboard) -> String {
    let mut sheet = satuatap_service::csv::Sheet::new(&[
        "mpp",
        "regency",
        "province",
        "period",
        "visitors",
        "served",
        "wait_p50_min",
        "wait_p90_min",
        "service_p50_min",
        "service_p90_min",
        "no_show_rate",
        "walk_ins",
        "bookings_checked_in",
        "booking_share",
        "ikm",
        "grade",
        "respondents",
        "required_sample",
        "sample_reached",
        "verified",
        "verified_on_time",
        "answered",
        "answered_on_time",
        "published_services",
        "complete_standards",
        "providers",
        "oss_desk",
        "oss_assisted",
        "oss_nib",
    ]);
    let opt = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_default();
    for f in d.mpps.iter().chain(std::iter::once(&d.total)) {
        sheet.row([
            f.name.as_str(),
            &f.regency_name,
            &f.province_name,
            &d.period,
            &f.visitors.to_string(),
            &f.served.to_string(),
            &opt(f.wait_p50),
            &opt(f.wait_p90),
            &opt(f.service_p50),
            &opt(f.service_p90),
            &opt(f.no_show_rate),
            &f.walk_ins.to_string(),
            &f.bookings_checked_in.to_string(),
            &opt(f.booking_share),
            f.ikm.as_deref().unwrap_or(""),
            f.grade.unwrap_or(""),
            &f.respondents.to_string(),
            &f.required_sample.to_string(),
            if f.sample_reached { "true" } else { "false" },
            &f.verified.to_string(),
            &f.verified_on_time.to_string(),
            &f.answered.to_string(),
            &f.answered_on_time.to_string(),
            &f.published.to_string(),
            &f.complete.to_string(),
            &f.providers.to_string(),
            &f.oss_desks.to_string(),
            &f.oss_assisted.to_string(),
            &f.oss_nib.to_string(),
        ]);
    }
    sheet.into_string()
}

pub async fn dashboard_csv_download(State(s): State<AppState>, c: Ctx, Query(p): Query<DashboardParams>) -> PageResult {
    let period = period_of(&s, &c, &p.period)?;
    let d = s.app.ministry_dashboard(c.actor.as_ref(), &period, &query_of(&p)).await.web(&c)?;
    Ok(super::csv_download(dashboard_csv(&d), &format!("dasbor-mpp-{}.csv", d.period)))
}

#[derive(Template)]
#[template(path = "national/dashboard_mpp.html")]
struct DrillPage<'a> {
    c: &'a Ctx,
    f: Fmt<'a>,
    d: MinistryDashboard,
    m: MppFigures,
    is_national: bool,
    periods: Vec<(String, String)>,
}

impl DrillPage<'_> {
    fn range(&self) -> String {
        format!(
            "{} – {}",
            crate::pages::fmt_date_short(self.c.lang, self.d.from),
            crate::pages::fmt_date_short(self.c.lang, self.d.to)
        )
    }
    fn month(&self, key: &str) -> String {
        let mut it = key.split('-');
        match (it.next(), it.next().and_then(|m| m.parse::<u32>().ok())) {
            (Some(y), Some(m)) => format!("{} {y}", self.c.t(&format!("month-{m}"))),
            _ => key.to_string(),
        }
    }
    fn sel(&self, key: &str) -> bool {
        self.d.period == key
    }
}

pub async fn drill(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<DashboardParams>,
) -> PageResult {
    let period = period_of(&s, &c, &p.period)?;
    let d = s.app.ministry_dashboard(c.actor.as_ref(), &period, &DashboardQuery::default()).await.web(&c)?;
    let m = d.mpps.iter().find(|m| m.slug == slug).cloned().ok_or(WebError::In(c.lang, Error::NotFound))?;
    let is_national = c.actor.as_ref().is_some_and(Actor::is_national);
    let periods = recent_periods(&s, &c);
    render(DrillPage { c: &c, f: Fmt(&c), d, m, is_national, periods })
}

/// What a national admin's summary across MPPs is about.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Across {
    Bookings,
    Surveys,
    Complaints,
}

#[derive(Template)]
#[template(path = "national/across.html")]
struct AcrossPage<'a> {
    c: &'a Ctx,
    f: Fmt<'a>,
    nav: Vec<NavItem>,
    what: Across,
    d: MinistryDashboard,
    bookings: Vec<DayBookingSummary>,
    day: NaiveDate,
}

impl AcrossPage<'_> {
    fn range(&self) -> String {
        format!(
            "{} – {}",
            crate::pages::fmt_date_short(self.c.lang, self.d.from),
            crate::pages::fmt_date_short(self.c.lang, self.d.to)
        )
    }
    fn day(&self) -> String {
        crate::pages::fmt_date(self.c.lang, self.day)
    }
    fn is(&self, w: Across) -> bool {
        self.what == w
    }
}

/// The national admin's page across MPPs for bookings, surveys or complaints (this quarter; bookings: today).
pub async fn across(s: &AppState, c: &Ctx, a: &Actor, what: Across, current: &str) -> PageResult {
    let period = s.app.current_quarter(chrono_tz::Asia::Jakarta);
    let d = s.app.ministry_dashboard(Some(a), &period, &DashboardQuery::default()).await.web(c)?;
    let day = s.app.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
    let bookings = if what == Across::Bookings { s.app.bookings_across(a, day).await.web(c)? } else { Vec::new() };
    render(AcrossPage { c, f: Fmt(c), nav: nav(a, current), what, d, bookings, day })
}
