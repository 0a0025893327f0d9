//! The accessibility study of a regency ("Kajian kebutuhan MPP"), its print
//! view, the regency's own thresholds and district figures, and the national
//! ranking of people living far from any MPP.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use satuatap_service::access::{
    AccessRanking, AccessStudy, DistrictAccess, DistrictPopulationInput, RankingQuery, StudyQuery, StudySettingsInput,
    VisitorCount, WhatIfResult,
};
use satuatap_service::{Actor, Error};
use serde::{Deserialize, Serialize};

use super::{manages_regency, standing_label};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::flash;
use crate::pages::{FormErrors, PageResult, fmt_dec, fmt_int, fmt_pct, render};
use crate::state::{AppState, WebResultExt};
use crate::svg::{self, Marker, MarkerKind};

/// The "what if" point as typed (text, so a wrong value comes back to the form).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct StudyParams {
    #[serde(default)]
    pub lat: Option<String>,
    #[serde(default)]
    pub lng: Option<String>,
}

#[derive(Template)]
#[template(path = "national/study.html")]
struct StudyPage<'a> {
    c: &'a Ctx,
    st: AccessStudy,
    map: String,
    print: bool,
    planner: bool,
    p: StudyParams,
    what_if_error: Option<String>,
    errors: FormErrors,
    notice: Option<String>,
}

impl StudyPage<'_> {
    fn int(&self, n: impl crate::pages::IntLike) -> String {
        fmt_int(self.c.lang, n)
    }
    fn share(&self, n: &i64) -> String {
        fmt_pct(self.c.lang, (self.st.population > 0).then(|| *n as f64 / self.st.population as f64))
    }
    /// A coordinate as a map site expects it (a dot, four decimals: about 10 m).
    fn coord(&self, x: &f64) -> String {
        format!("{x:.4}")
    }
    fn dec(&self, x: &f64) -> String {
        fmt_dec(self.c.lang, *x, if x.fract() == 0.0 { 0 } else { 1 })
    }
    fn opt_km(&self, x: &Option<f64>) -> String {
        x.map(|x| format!("{} km", fmt_dec(self.c.lang, x, 1))).unwrap_or_else(|| "—".into())
    }
    fn opt_min(&self, x: &Option<f64>) -> String {
        crate::pages::fmt_minutes(self.c.lang, *x)
    }
    fn band_fill(&self, b: impl crate::pages::IntLike) -> &'static str {
        svg::BAND_FILLS[(b.as_i64().max(0) as usize).min(svg::BAND_FILLS.len() - 1)]
    }
    fn band_label(&self, b: impl crate::pages::IntLike) -> String {
        band_label(self.c, &self.st, b.as_i64().max(0) as usize)
    }
    fn visitors(&self, v: &VisitorCount) -> String {
        match (v.suppressed, v.count) {
            (true, _) => "< 10".into(),
            (false, Some(n)) => fmt_int(self.c.lang, n),
            _ => "—".into(),
        }
    }
    fn per_1000(&self, v: &VisitorCount) -> String {
        v.per_1000.map(|x| fmt_dec(self.c.lang, x, 1)).unwrap_or_else(|| "—".into())
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::pages::fmt_date_short(self.c.lang, d)
    }
    fn month(&self, d: &chrono::NaiveDate) -> String {
        use chrono::Datelike;
        format!("{} {}", self.c.t(&format!("month-{}", d.month())), d.year())
    }
    fn list(&self, v: &[String]) -> String {
        if v.is_empty() { "—".into() } else { v.join(", ") }
    }
    fn what_if_outside(&self, w: &WhatIfResult) -> bool {
        !w.inside
    }
    fn input(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }
    fn district_row_class(&self, d: &DistrictAccess) -> &'static str {
        if d.within_radius { "" } else { "far" }
    }
}

pub fn band_label(c: &Ctx, st: &AccessStudy, b: usize) -> String {
    let edges = &st.band_edges_km;
    let km = |x: f64| fmt_dec(c.lang, x, if x.fract() == 0.0 { 0 } else { 1 });
    match b {
        0 => c.ta("ac-band-upto", &[("km", &km(edges[0]))]),
        i if i < edges.len() => c.ta("ac-band-between", &[("from", &km(edges[i - 1])), ("to", &km(edges[i]))]),
        _ => c.ta("ac-band-beyond", &[("km", &km(edges[edges.len() - 1]))]),
    }
}

/// The regency's map: districts by band, MPP locations, candidates and "what if" points.
fn study_map(c: &Ctx, st: &AccessStudy) -> String {
    let Some(map) = satuatap_service::atlas::atlas().regency_map(&st.regency_code) else { return String::new() };
    let by: HashMap<&str, &DistrictAccess> = st.districts.iter().map(|d| (d.code.as_str(), d)).collect();
    let lang = c.lang;
    let area = |code: &str| {
        let d = by.get(code)?;
        let dist = d.distance_km.map(|x| format!("{} km", fmt_dec(lang, x, 1))).unwrap_or_else(|| "—".into());
        Some(svg::Area {
            href: format!("#kec-{}", d.code),
            title: format!("{}: {} {}, {dist}", d.name, fmt_int(lang, d.population), lang.t("ac-people")),
            fill: svg::BAND_FILLS[d.band.min(svg::BAND_FILLS.len() - 1)],
            dim: false,
        })
    };
    let mut markers: Vec<Marker> = st
        .sites
        .iter()
        .map(|s| Marker {
            lat: s.latitude,
            lng: s.longitude,
            label: if s.approximate { format!("{} ({})", s.name, c.t("ac-approximate")) } else { s.name.clone() },
            kind: if s.approximate { MarkerKind::SiteApproximate } else { MarkerKind::Site },
        })
        .collect();
    for w in st.planned.iter().chain(st.what_if.as_ref()) {
        let label = if w.label.is_empty() { c.t("ac-what-if-point") } else { w.label.clone() };
        markers.push(Marker { lat: w.latitude, lng: w.longitude, label, kind: MarkerKind::WhatIf });
    }
    // Candidates last, on top: a planned location often stands at the first candidate.
    for k in &st.candidates {
        markers.push(Marker {
            lat: k.latitude,
            lng: k.longitude,
            label: format!("{} {}: {}", c.t("ac-candidate"), k.rank, k.district_name),
            kind: MarkerKind::Candidate(k.rank),
        });
    }
    svg::regency_map(&map, &c.ta("ac-map-title", &[("regency", &st.regency_name)]), area, &markers)
}

/// A coordinate typed in a form: a decimal with a dot or a comma.
fn coordinate(v: &Option<String>) -> Option<Result<f64, ()>> {
    let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    Some(v.replace(',', ".").parse::<f64>().map_err(|_| ()))
}

async fn study_page(
    s: &AppState,
    c: &Ctx,
    code: &str,
    p: StudyParams,
    print: bool,
    errors: FormErrors,
    notice: Option<String>,
) -> PageResult {
    let (lat, lng) = (coordinate(&p.lat), coordinate(&p.lng));
    let mut what_if_error = None;
    let q = match (lat, lng) {
        (Some(Ok(lat)), Some(Ok(lng))) if lat.abs() <= 90.0 && lng.abs() <= 180.0 => {
            StudyQuery { lat: Some(lat), lng: Some(lng) }
        }
        (None, None) => StudyQuery::default(),
        _ => {
            what_if_error = Some(c.t("hint-coordinate"));
            StudyQuery::default()
        }
    };
    let st = s.app.access_study(code, &q).await.web(c)?;
    let planner = c.actor.as_ref().is_some_and(Actor::is_national) || manages_regency(s, c.actor.as_ref(), code).await;
    let map = study_map(c, &st);
    render(StudyPage { c, st, map, print, planner, p, what_if_error, errors, notice })
}

pub async fn study(
    State(s): State<AppState>,
    c: Ctx,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(p): Query<StudyParams>,
) -> PageResult {
    let (saved, clear) = flash::take::<Saved>(&s, &headers);
    let notice = saved.map(|x| match x {
        Saved::Settings => c.t("ac-settings-saved"),
        Saved::Population(n) => c.ta("ac-population-saved", &[("n", &n.to_string())]),
    });
    let page = study_page(&s, &c, &code, p, false, FormErrors::default(), notice).await?;
    Ok(flash::clearing(clear, page))
}

pub async fn study_print(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    Query(p): Query<StudyParams>,
) -> PageResult {
    study_page(&s, &c, &code, p, true, FormErrors::default(), None).await
}

/// What the settings or population form saved, shown once after the redirect.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Saved {
    Settings,
    Population(usize),
}

fn saved_redirect(s: &AppState, code: &str, what: Saved, anchor: &str) -> axum::response::Response {
    flash::redirect(s, &format!("/nasional/wilayah/{code}/kajian#{anchor}"), &what)
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    radius_km: Option<String>,
    #[serde(default)]
    minutes: Option<String>,
    #[serde(default)]
    detour: Option<String>,
    #[serde(default)]
    speed_kmh: Option<String>,
}

pub async fn save_settings(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    Form(f): Form<SettingsForm>,
) -> PageResult {
    let a = c.actor()?.clone();
    let num = |v: &Option<String>| coordinate(v).map(|r| r.map_err(|_| "x".to_string()));
    let input = StudySettingsInput {
        radius_km: num(&f.radius_km),
        minutes: num(&f.minutes),
        detour: num(&f.detour),
        speed_kmh: num(&f.speed_kmh),
    };
    match s.app.set_access_settings(&a, &code, &input).await {
        Ok(_) => Ok(saved_redirect(&s, &code, Saved::Settings, "pengaturan")),
        Err(Error::Invalid(errs)) => {
            study_page(&s, &c, &code, StudyParams::default(), false, FormErrors::from_fields(c.lang, &errs), None).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

/// District figures: one number field per district (`pop_<code>`), a year and a source,
/// or a pasted CSV (`csv`).
pub async fn save_population(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = c.actor()?.clone();
    let result = match f.get("csv").map(|t| t.trim()).filter(|t| !t.is_empty()) {
        Some(text) => s.app.import_district_population_csv(&a, &code, text).await,
        None => {
            let year = f.get("year").and_then(|y| y.trim().parse::<i64>().ok());
            let source = f.get("source").map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            let mut rows: Vec<DistrictPopulationInput> = Vec::new();
            let mut errs = Vec::new();
            let mut keys: Vec<&String> = f.keys().filter(|k| k.starts_with("pop_")).collect();
            keys.sort();
            for k in keys {
                let v = f[k].trim().replace(['.', ','], "");
                if v.is_empty() {
                    continue;
                }
                match v.parse::<i64>() {
                    Ok(n) => rows.push(DistrictPopulationInput {
                        district_code: k.trim_start_matches("pop_").to_string(),
                        population: n,
                        year,
                        source: source.clone(),
                    }),
                    Err(_) => errs.push(satuatap_domain::FieldError::new(
                        k.clone(),
                        satuatap_domain::Invalid::Format { hint: "hint-population" },
                    )),
                }
            }
            if errs.is_empty() {
                s.app.set_district_populations(&a, &code, &rows).await
            } else {
                Err(Error::Invalid(errs))
            }
        }
    };
    match result {
        Ok(r) => Ok(saved_redirect(&s, &code, Saved::Population(r.districts), "penduduk")),
        Err(Error::Invalid(errs)) => {
            let mut e = FormErrors::from_fields(c.lang, &errs);
            // Lines of a pasted file are listed together above the form.
            let lines: Vec<String> = errs.iter().filter(|x| x.line.is_some()).map(|x| c.lang.field_error(x)).collect();
            if !lines.is_empty() {
                e.general = Some(lines.join(" · "));
            }
            study_page(&s, &c, &code, StudyParams::default(), false, e, None).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

/// The district figures as a CSV the regency can fill in and paste back.
pub async fn population_csv(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> PageResult {
    let body = s.app.district_population_csv(&code).await.web(&c)?;
    Ok(super::csv_download(body, &format!("penduduk-kecamatan-{code}.csv")))
}

#[derive(Debug, Default, Deserialize)]
pub struct RankingParams {
    #[serde(default)]
    radius: Option<String>,
    #[serde(default)]
    provinsi: Option<String>,
    #[serde(default)]
    hal: Option<String>,
}

/// Rows per page of the ranking: 514 cards are too long for a phone; the CSV has them all.
const RANKING_PAGE: usize = 50;

/// The radii the ranking page offers.
pub const RADII: [f64; 4] = [5.0, 10.0, 20.0, 30.0];

#[derive(Template)]
#[template(path = "national/ranking.html")]
struct RankingPage<'a> {
    c: &'a Ctx,
    r: AccessRanking,
    provinces: Vec<(String, String)>,
    province: String,
    page: usize,
    pages: usize,
    total: usize,
}

impl RankingPage<'_> {
    fn page_href(&self, page: usize) -> String {
        format!(
            "/nasional/jangkauan?radius={}&provinsi={}&hal={page}#daftar",
            self.radius(),
            crate::pages::q(&self.province)
        )
    }
    fn shown(&self) -> String {
        let from = (self.page - 1) * RANKING_PAGE + 1;
        let to = (from + self.r.regencies.len()).saturating_sub(1);
        self.c.ta(
            "rk-shown",
            &[
                ("from", from.to_string().as_str()),
                ("to", to.to_string().as_str()),
                ("n", self.total.to_string().as_str()),
            ],
        )
    }
    fn int(&self, n: impl crate::pages::IntLike) -> String {
        fmt_int(self.c.lang, n)
    }
    fn pct(&self, x: &f64) -> String {
        fmt_pct(self.c.lang, Some(*x))
    }
    fn radius(&self) -> String {
        fmt_dec(self.c.lang, self.r.radius_km, 0)
    }
    fn is_radius(&self, r: &f64) -> bool {
        (self.r.radius_km - r).abs() < 1e-9
    }
    fn km(&self, r: &f64) -> String {
        fmt_dec(self.c.lang, *r, 0)
    }
    fn standing(&self, s: &satuatap_domain::rollout::Standing) -> &'static str {
        standing_label(self.c.lang, s)
    }
}

fn ranking_query(p: &RankingParams) -> RankingQuery {
    RankingQuery {
        radius_km: p.radius.as_deref().and_then(|r| r.trim().parse().ok()).filter(|r| RADII.contains(r)),
        province: p.provinsi.clone().filter(|v| !v.trim().is_empty()),
        limit: None,
    }
}

pub async fn ranking(State(s): State<AppState>, c: Ctx, Query(p): Query<RankingParams>) -> PageResult {
    let r = s.app.access_ranking(&ranking_query(&p)).await.web(&c)?;
    let provinces = s.app.provinces().await.web(&c)?.into_iter().map(|p| (p.code, p.name)).collect();
    let mut r = r;
    let total = r.regencies.len();
    let pages = total.div_ceil(RANKING_PAGE).max(1);
    let page = p.hal.as_deref().and_then(|h| h.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, pages);
    r.regencies = r.regencies.into_iter().skip((page - 1) * RANKING_PAGE).take(RANKING_PAGE).collect();
    render(RankingPage { c: &c, r, provinces, province: p.provinsi.unwrap_or_default(), page, pages, total })
}

pub async fn ranking_csv(State(s): State<AppState>, c: Ctx, Query(p): Query<RankingParams>) -> PageResult {
    let r = s.app.access_ranking(&ranking_query(&p)).await.web(&c)?;
    Ok(super::csv_download(satuatap_service::access::ranking_csv(&r), "jangkauan-mpp.csv"))
}
