//! The national side: the programme page with its map (public), a regency's
//! page with its locations and history, the accessibility study, the ranking of
//! people far from any MPP, the ministry's dashboard and the register's editing.

pub mod dashboard;
pub mod register;
pub mod study;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use chrono::{Datelike, NaiveDate};
use satuatap_domain::role::Role;
use satuatap_domain::rollout::{Building, Funding, Stage, Standing};
use satuatap_service::Actor;
use satuatap_service::rollout::{LocationView, NationalRollout, RegencyRollout, RolloutFilter};
use serde::Deserialize;

use super::{PageResult, render};
use crate::ctx::Ctx;
use crate::i18n::Lang;
use crate::state::{AppState, WebResultExt};
use crate::svg;

pub fn standing_label(lang: Lang, s: &Standing) -> &'static str {
    if lang == Lang::En { s.label_en() } else { s.label() }
}

pub fn stage_label(lang: Lang, s: &Stage) -> &'static str {
    if lang == Lang::En { s.label_en() } else { s.label() }
}

pub fn building_label(lang: Lang, b: &Building) -> String {
    lang.t(&format!("ro-building-{}", b.as_str()))
}

pub fn funding_label(lang: Lang, f: &Funding) -> String {
    lang.t(&format!("ro-funding-{}", f.as_str()))
}

/// The filters of the programme page, as typed in its form (empty means all).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProgrammeParams {
    #[serde(default)]
    pub provinsi: Option<String>,
    #[serde(default)]
    pub tahap: Option<String>,
    #[serde(default)]
    pub gedung: Option<String>,
    #[serde(default)]
    pub dana: Option<String>,
}

impl ProgrammeParams {
    fn filter(&self) -> RolloutFilter {
        let pick = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        RolloutFilter {
            province: pick(&self.provinsi),
            standing: pick(&self.tahap).as_deref().and_then(Standing::parse),
            building: pick(&self.gedung).as_deref().and_then(Building::parse),
            funding: pick(&self.dana).as_deref().and_then(Funding::parse),
        }
    }

    fn is_filtered(&self) -> bool {
        let f = self.filter();
        f.province.is_some() || f.standing.is_some() || f.building.is_some() || f.funding.is_some()
    }

    /// This page's query string (for the CSV link).
    fn query(&self) -> String {
        let f = self.filter();
        let mut parts = Vec::new();
        if let Some(p) = &f.province {
            parts.push(format!("provinsi={}", super::q(p)));
        }
        if let Some(s) = f.standing {
            parts.push(format!("tahap={}", s.as_str()));
        }
        if let Some(b) = f.building {
            parts.push(format!("gedung={}", b.as_str()));
        }
        if let Some(d) = f.funding {
            parts.push(format!("dana={}", d.as_str()));
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

struct LegendItem {
    fill: &'static str,
    label: &'static str,
    count: usize,
}

struct YearRow {
    year: i32,
    register: i64,
    reported: Option<i64>,
}

#[derive(Template)]
#[template(path = "national/programme.html")]
struct ProgrammePage<'a> {
    c: &'a Ctx,
    n: NationalRollout,
    p: ProgrammeParams,
    map: String,
    chart: String,
    legend: Vec<LegendItem>,
    years: Vec<YearRow>,
    /// The latest reported total, the register's count that day, and the day.
    gap: Option<(i64, i64, NaiveDate)>,
    provinces: Vec<(String, String)>,
    chosen_population: i64,
    is_national: bool,
}

impl ProgrammePage<'_> {
    fn standing(&self, s: &Standing) -> &'static str {
        standing_label(self.c.lang, s)
    }
    fn int(&self, n: impl crate::pages::IntLike) -> String {
        super::fmt_int(self.c.lang, n)
    }
    fn usize(&self, n: impl crate::pages::IntLike) -> String {
        super::fmt_int(self.c.lang, n)
    }
    fn pct(&self, x: &f64) -> String {
        super::fmt_pct(self.c.lang, Some(*x))
    }
    /// Regencies still to open this year to meet the target.
    fn target_left(&self) -> i64 {
        self.n.target.map_or(0, |t| t - self.n.operating_regencies as i64)
    }
    fn share_of_all(&self) -> String {
        super::fmt_pct(self.c.lang, Some(self.n.operating_regencies as f64 / self.n.total_regencies.max(1) as f64))
    }
    fn building(&self, key: &str) -> String {
        Building::parse(key).map(|b| building_label(self.c.lang, &b)).unwrap_or_else(|| self.c.t("ro-unknown"))
    }
    fn funding(&self, key: &str) -> String {
        Funding::parse(key).map(|f| funding_label(self.c.lang, &f)).unwrap_or_else(|| self.c.t("ro-unknown"))
    }
    fn sel(&self, v: &Option<String>, key: &str) -> bool {
        v.as_deref().map(str::trim) == Some(key)
    }
    fn date(&self, d: &NaiveDate) -> String {
        super::fmt_date_short(self.c.lang, d)
    }
}

/// The programme's regencies as CSV (the filtered list).
fn programme_csv(n: &NationalRollout) -> String {
    let mut sheet = satuatap_service::csv::Sheet::new(&[
        "regency_code",
        "regency_name",
        "province_code",
        "province_name",
        "standing",
        "locations",
        "operating_locations",
        "via_province",
        "population",
    ]);
    for r in &n.regencies {
        sheet.row([
            r.code.as_str(),
            r.name.as_str(),
            r.province_code.as_str(),
            r.province_name.as_str(),
            r.standing.as_str(),
            &r.locations.to_string(),
            &r.operating_locations.to_string(),
            if r.via_province { "true" } else { "false" },
            &r.population.to_string(),
        ]);
    }
    sheet.into_string()
}

pub async fn programme(State(s): State<AppState>, c: Ctx, Query(p): Query<ProgrammeParams>) -> PageResult {
    let n = s.app.national_rollout(&p.filter()).await.web(&c)?;
    let all =
        if p.is_filtered() { s.app.national_rollout(&RolloutFilter::default()).await.web(&c)? } else { n.clone() };
    let chosen: std::collections::HashSet<&str> = n.regencies.iter().map(|r| r.code.as_str()).collect();
    let by_code: HashMap<&str, &satuatap_service::rollout::RegencyStanding> =
        all.regencies.iter().map(|r| (r.code.as_str(), r)).collect();
    let lang = c.lang;
    let map = svg::choropleth(satuatap_service::atlas::atlas().national_map(), &c.t("ro-map-title"), |code| {
        let r = by_code.get(code)?;
        let via = if r.via_province { format!(" ({})", lang.t("ro-via-province")) } else { String::new() };
        Some(svg::Area {
            href: format!("/nasional/wilayah/{code}"),
            title: format!("{}, {} — {}{via}", r.name, r.province_name, standing_label(lang, &r.standing)),
            fill: svg::standing_fill(r.standing),
            dim: !chosen.contains(code),
        })
    });
    let legend = svg::STANDINGS
        .iter()
        .map(|st| LegendItem {
            fill: svg::standing_fill(*st),
            label: standing_label(lang, st),
            count: all.regencies.iter().filter(|r| r.standing == *st).count(),
        })
        .filter(|l| l.count > 0 || l.fill != svg::standing_fill(Standing::Closed))
        .collect();
    let series: Vec<(NaiveDate, i64)> = n.series.iter().map(|p| (p.date, p.operating)).collect();
    let reported: Vec<(NaiveDate, i64)> = n.reported.iter().filter_map(|r| Some((r.date, r.total?))).collect();
    let goal = satuatap_service::rollout::ALL_REGENCIES as i64;
    let chart =
        svg::rollout_chart(&c.t("ro-chart-title"), &series, &reported, goal, n.today, &c.t("ro-chart-goal"), |d| {
            crate::pages::fmt_date_short(c.lang, d)
        });
    let count_at = |d: NaiveDate| series.iter().take_while(|p| p.0 <= d).last().map_or(0, |p| p.1);
    let gap = reported.last().map(|(d, total)| (*total, count_at(*d), *d));
    let years = (2017..=n.today.year())
        .map(|y| {
            let end = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(n.today);
            YearRow {
                year: y,
                register: count_at(end.min(n.today)),
                reported: reported.iter().rfind(|(d, _)| d.year() == y).map(|(_, t)| *t),
            }
        })
        .collect();
    let provinces = all.provinces.iter().map(|p| (p.code.clone(), p.name.clone())).collect();
    let chosen_population = n.regencies.iter().map(|r| r.population).sum();
    let is_national = c.actor.as_ref().is_some_and(Actor::is_national);
    render(ProgrammePage { c: &c, n, p, map, chart, legend, years, gap, provinces, chosen_population, is_national })
}

pub async fn programme_csv_download(State(s): State<AppState>, c: Ctx, Query(p): Query<ProgrammeParams>) -> PageResult {
    let n = s.app.national_rollout(&p.filter()).await.web(&c)?;
    Ok(csv_download(programme_csv(&n), "program-mpp-nasional.csv"))
}

/// A CSV body (UTF-8 with BOM, for spreadsheets) as a download.
pub fn csv_download(body: String, filename: &str) -> axum::response::Response {
    let mut r = format!("\u{feff}{body}").into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

#[derive(Template)]
#[template(path = "national/regency.html")]
struct RegencyPage<'a> {
    c: &'a Ctx,
    r: RegencyRollout,
    /// The signed-in national admin may edit; the regency's MPP manager may propose.
    can_edit: bool,
    can_propose: bool,
    pending: usize,
}

impl RegencyPage<'_> {
    fn standing(&self, s: &Standing) -> &'static str {
        standing_label(self.c.lang, s)
    }
    fn stage(&self, s: &Stage) -> &'static str {
        stage_label(self.c.lang, s)
    }
    fn int(&self, n: impl crate::pages::IntLike) -> String {
        super::fmt_int(self.c.lang, n)
    }
    fn building(&self, l: &LocationView) -> String {
        l.building.map(|b| building_label(self.c.lang, &b)).unwrap_or_else(|| "—".into())
    }
    fn funding(&self, l: &LocationView) -> String {
        let f = l.funding.map(|f| funding_label(self.c.lang, &f)).unwrap_or_else(|| "—".into());
        match &l.funding_note {
            Some(n) => format!("{f} ({n})"),
            None => f,
        }
    }
    fn role(&self, l: &LocationView) -> String {
        self.c.t(&format!("ro-role-{}", l.role.as_str()))
    }
    /// A date as precisely as it is known: a day, a month or a year.
    fn when(&self, e: &satuatap_service::rollout::EventView) -> String {
        event_date(self.c.lang, e)
    }
    fn opt_int(&self, n: &Option<i64>) -> String {
        n.map(|n| super::fmt_int(self.c.lang, n)).unwrap_or_else(|| "—".into())
    }
    fn coords(&self, l: &LocationView) -> String {
        match (l.latitude, l.longitude) {
            (Some(a), Some(b)) => format!("{a:.5}, {b:.5}"),
            _ => self.c.t("ro-no-coordinates"),
        }
    }
}

pub fn event_date(lang: Lang, e: &satuatap_service::rollout::EventView) -> String {
    use satuatap_domain::rollout::DatePrecision;
    match e.date_precision {
        DatePrecision::Day => super::fmt_date_short(lang, e.date),
        DatePrecision::Month => format!("{} {}", lang.t(&format!("month-{}", e.date.month())), e.date.year()),
        DatePrecision::Year => e.date.year().to_string(),
    }
}

/// Whether the actor may propose changes for this regency (its MPP's manager).
pub async fn manages_regency(s: &AppState, a: Option<&Actor>, code: &str) -> bool {
    let Some(a) = a else { return false };
    if a.role != Role::MppManager {
        return false;
    }
    let Some(m) = a.mpp_id else { return false };
    s.app.mpp(m).await.is_ok_and(|m| m.regency_code == code)
}

pub async fn regency(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> PageResult {
    let r = s.app.regency_rollout(&code).await.web(&c)?;
    let can_edit = c.actor.as_ref().is_some_and(Actor::is_national);
    let can_propose = manages_regency(&s, c.actor.as_ref(), &code).await;
    let pending = match (&c.actor, can_edit || can_propose) {
        (Some(a), true) => s
            .app
            .rollout_proposals(a, Some("pending"))
            .await
            .map(|v| v.iter().filter(|p| p.regency_code == code).count())
            .unwrap_or(0),
        _ => 0,
    };
    render(RegencyPage { c: &c, r, can_edit, can_propose, pending })
}
