//! Public pages: the national directory, an MPP's home, the catalogue and service pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use satuatap_domain::catalog::Category;
use satuatap_domain::hours::{OpeningHours, WEEKDAYS};
use satuatap_service::catalog::{Near, SearchQuery};
use satuatap_service::mpps::MppNow;
use satuatap_store::mpps::MppFilter;
use satuatap_store::{MppRow, ProviderRow, ProvinceCoverage, RegencyCoverage, ServiceRow};
use serde::Deserialize;

use super::{PageResult, render};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::{AppState, WebResultExt};

pub const PAGE_SIZE: usize = 20;

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage<'a> {
    c: &'a Ctx,
    provinces: Vec<ProvinceCoverage>,
    operating: Vec<(MppRow, bool, String)>,
    regencies_covered: i64,
    regencies_total: i64,
}

pub async fn home(State(s): State<AppState>, c: Ctx) -> PageResult {
    let provinces = s.app.province_coverage().await.web(&c)?;
    let mpps = s.app.mpps(&MppFilter { status: Some("operating".into()), ..Default::default() }).await.web(&c)?;
    let now = s.app.now();
    let mut operating = Vec::new();
    for m in mpps {
        let st = s.app.mpp_now(&m, now).await.web(&c)?;
        let (open, text) = super::open_text(c.lang, &st.status, &st.local_now, super::zone_label(&m.time_zone));
        operating.push((m, open, text));
    }
    let regencies_covered = provinces.iter().map(|p| p.regencies_with_mpp).sum();
    let regencies_total = provinces.iter().map(|p| p.regencies).sum();
    render(HomePage { c: &c, provinces, operating, regencies_covered, regencies_total })
}

#[derive(Template)]
#[template(path = "public/province.html")]
struct ProvincePage<'a> {
    c: &'a Ctx,
    name: String,
    regencies: Vec<(RegencyCoverage, Vec<MppRow>)>,
}

pub async fn province(State(s): State<AppState>, c: Ctx, Path(code): Path<String>) -> PageResult {
    let p = s.app.province(&code).await.web(&c)?;
    let regs = s.app.regency_coverage(Some(&p.code)).await.web(&c)?;
    let mpps = s.app.mpps(&MppFilter { province_code: Some(p.code.clone()), ..Default::default() }).await.web(&c)?;
    let regencies = regs
        .into_iter()
        .map(|r| {
            let here = mpps.iter().filter(|m| m.regency_code == r.code).cloned().collect();
            (r, here)
        })
        .collect();
    render(ProvincePage { c: &c, name: p.name, regencies })
}

struct HoursRow {
    day: String,
    text: String,
    today: bool,
}

#[derive(Template)]
#[template(path = "public/mpp.html")]
struct MppPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    open: bool,
    open_text: String,
    now: MppNow,
    hours: Vec<HoursRow>,
    providers: Vec<ProviderRow>,
    services: i64,
    zone: &'static str,
    /// The MPP runs an OSS help desk.
    oss: bool,
}

pub async fn mpp(State(s): State<AppState>, c: Ctx, Path(slug): Path<String>) -> PageResult {
    let m = s.app.mpp_by_slug(&slug).await.web(&c)?;
    let now = s.app.mpp_now(&m, s.app.now()).await.web(&c)?;
    let zone = super::zone_label(&m.time_zone);
    let (open, open_text) = super::open_text(c.lang, &now.status, &now.local_now, zone);
    let today = chrono::Datelike::weekday(&now.local_now.date());
    let hours = WEEKDAYS
        .iter()
        .map(|d| {
            let ranges = m.hours.0.day(*d);
            HoursRow {
                day: super::weekday_name(c.lang, *d),
                text: if ranges.is_empty() { c.t("closed") } else { OpeningHours::format_day(ranges) },
                today: *d == today,
            }
        })
        .collect();
    let providers = s.app.providers(c.actor.as_ref(), m.id).await.web(&c)?;
    let services = providers.iter().map(|p| p.published_services).sum();
    let oss = s.app.oss_desk(m.id).await.is_ok_and(|d| d.open);
    render(MppPage { c: &c, m, open, open_text, now, hours, providers, services, zone, oss })
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    page: Option<String>,
    /// Only MPPs of this regency (`32.71`) or province (`32`).
    #[serde(default)]
    wilayah: Option<String>,
    /// The visitor's position, when their browser gave it.
    #[serde(default)]
    lat: Option<String>,
    #[serde(default)]
    lng: Option<String>,
    /// An MPP (slug) whose services come first.
    #[serde(default)]
    dekat: Option<String>,
}

/// A regency that has an MPP, for the region filter.
pub struct RegionChoice {
    pub code: String,
    pub name: String,
}

/// The regencies with MPPs, grouped by province.
pub struct RegionGroup {
    pub province: String,
    pub code: String,
    pub regencies: Vec<RegionChoice>,
}

/// Where the results are ordered from, as the page says it.
pub enum PlaceNote {
    /// From the visitor's position: the nearest MPP and its distance.
    Nearest { mpp: String, km: String },
    /// The chosen MPP first.
    Mpp(String),
    /// The browser's position could not be read.
    BadPosition,
}

#[derive(Template)]
#[template(path = "public/catalogue.html")]
struct CataloguePage<'a> {
    c: &'a Ctx,
    mpp: Option<MppRow>,
    q: String,
    provider: Option<i64>,
    category: Option<Category>,
    providers: Vec<ProviderRow>,
    categories: &'static [Category],
    results: Vec<ServiceRow>,
    total: usize,
    page: usize,
    pages: usize,
    base: String,
    region: Option<String>,
    regions: Vec<RegionGroup>,
    /// The position kept in links (`lat`, `lng`), when given.
    position: Option<(f64, f64)>,
    dekat: Option<String>,
    place_note: Option<PlaceNote>,
    /// MPP id → distance text (`± 4 km`) with a position.
    distances: std::collections::HashMap<i64, String>,
}

impl CataloguePage<'_> {
    fn distance_of(&self, mpp_id: &i64) -> Option<&String> {
        self.distances.get(mpp_id)
    }
    fn region_selected(&self, code: &str) -> bool {
        self.region.as_deref() == Some(code)
    }
    /// This page without the visitor's position.
    fn without_position_href(&self) -> String {
        let mut qs = vec![format!("q={}", super::q(&self.q))];
        if let Some(r) = &self.region {
            qs.push(format!("wilayah={}", super::q(r)));
        }
        format!("{}?{}", self.base, qs.join("&"))
    }
    fn total_n(&self) -> i64 {
        self.total as i64
    }

    /// The link to page `n` keeping the filters.
    fn page_href(&self, n: usize) -> String {
        let mut qs = vec![format!("q={}", super::q(&self.q))];
        if let Some(p) = self.provider {
            qs.push(format!("provider={p}"));
        }
        if let Some(cat) = self.category {
            qs.push(format!("category={}", cat.as_str()));
        }
        if let Some(r) = &self.region {
            qs.push(format!("wilayah={}", super::q(r)));
        }
        if let Some((lat, lng)) = self.position {
            qs.push(format!("lat={lat:.5}&lng={lng:.5}"));
        }
        if let Some(d) = &self.dekat {
            qs.push(format!("dekat={}", super::q(d)));
        }
        qs.push(format!("page={n}"));
        format!("{}?{}", self.base, qs.join("&"))
    }
}

async fn catalogue_page(s: &AppState, c: &Ctx, mpp: Option<MppRow>, p: CatalogueParams) -> PageResult {
    let provider = p.provider.as_deref().and_then(|v| v.parse::<i64>().ok());
    let category = p.category.as_deref().and_then(Category::parse);
    let page = p.page.as_deref().and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).clamp(1, 500);
    let q = p.q.chars().take(200).collect::<String>();
    // Places matter only across MPPs; a wrong value is left out, never an error page.
    let national = mpp.is_none();
    let region = p
        .wilayah
        .as_deref()
        .map(str::trim)
        .filter(|r| national && satuatap_service::catalog::is_region_code(r))
        .map(str::to_string);
    let typed_position = p.lat.as_deref().is_some_and(|v| !v.trim().is_empty());
    let position = match (p.lat.as_deref(), p.lng.as_deref()) {
        (Some(a), Some(b)) if national => match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
            (Ok(lat), Ok(lng)) if satuatap_domain::geo::Point::new(lat, lng).is_plausible() => Some((lat, lng)),
            _ => None,
        },
        _ => None,
    };
    let chosen = match p.dekat.as_deref().map(str::trim).filter(|d| national && !d.is_empty()) {
        Some(slug) => s.app.mpp_by_slug(slug).await.ok(),
        None => None,
    };
    let near = match (position, &chosen) {
        (Some((lat, lng)), _) => Near::Point { lat, lng },
        (None, Some(m)) => Near::Mpp(m.id),
        _ => Near::Anywhere,
    };
    let result = s
        .app
        .search_services(&SearchQuery {
            text: q.clone(),
            mpp_id: mpp.as_ref().map(|m| m.id),
            provider_id: provider,
            category,
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
            region: region.clone(),
            near,
        })
        .await
        .web(c)?;
    let km = |d: f64| if d < 1.0 { "< 1 km".to_string() } else { format!("± {:.0} km", d) };
    let distances: std::collections::HashMap<i64, String> =
        result.distances.iter().map(|(id, d)| (*id, km(*d))).collect();
    let place_note = if let (Some(_), Some((id, d))) = (position, result.distances.first()) {
        let name = s.app.mpp(*id).await.map(|m| m.name).unwrap_or_default();
        Some(PlaceNote::Nearest { mpp: name, km: km(*d) })
    } else if typed_position && position.is_none() && national {
        Some(PlaceNote::BadPosition)
    } else {
        chosen.as_ref().map(|m| PlaceNote::Mpp(m.name.clone()))
    };
    let regions = if national { region_groups(s).await.web(c)? } else { Vec::new() };
    let providers = match &mpp {
        Some(m) => s.app.providers(None, m.id).await.web(c)?,
        None => Vec::new(),
    };
    let base = match &mpp {
        Some(m) => format!("/mpp/{}/layanan", m.slug),
        None => "/cari".to_string(),
    };
    let pages = result.total.div_ceil(PAGE_SIZE).max(1);
    render(CataloguePage {
        c,
        mpp,
        q,
        provider,
        category,
        providers,
        categories: Category::ALL,
        results: result.services,
        total: result.total,
        page,
        pages,
        base,
        region,
        regions,
        position,
        dekat: chosen.map(|m| m.slug),
        place_note,
        distances,
    })
}

/// The regencies that have an MPP, by province, for the region filter.
async fn region_groups(s: &AppState) -> satuatap_service::Result<Vec<RegionGroup>> {
    let mut groups: Vec<RegionGroup> = Vec::new();
    let mut mpps = s.app.mpps(&Default::default()).await?;
    mpps.sort_by(|a, b| a.province_name.cmp(&b.province_name).then(a.regency_name.cmp(&b.regency_name)));
    for m in mpps {
        if groups.last().is_none_or(|g| g.code != m.province_code) {
            groups.push(RegionGroup {
                province: m.province_name.clone(),
                code: m.province_code.clone(),
                regencies: vec![],
            });
        }
        if let Some(g) = groups.last_mut()
            && g.regencies.last().is_none_or(|r| r.code != m.regency_code)
        {
            g.regencies.push(RegionChoice { code: m.regency_code, name: m.regency_name });
        }
    }
    Ok(groups)
}

pub async fn search(State(s): State<AppState>, c: Ctx, Query(p): Query<CatalogueParams>) -> PageResult {
    catalogue_page(&s, &c, None, p).await
}

pub async fn catalogue(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<CatalogueParams>,
) -> PageResult {
    let m = s.app.mpp_by_slug(&slug).await.web(&c)?;
    catalogue_page(&s, &c, Some(m), p).await
}

#[derive(Template)]
#[template(path = "public/service.html")]
struct ServicePage<'a> {
    c: &'a Ctx,
    s: ServiceRow,
    m: MppRow,
    print: bool,
    printed_at: String,
}

impl ServicePage<'_> {
    /// The checklist in the visitor's language (Indonesian when no English is given).
    fn requirements(&self) -> &[String] {
        let st = &self.s.standard.0;
        if self.c.lang == crate::i18n::Lang::En && !st.requirements_en.is_empty() {
            &st.requirements_en
        } else {
            &st.requirements
        }
    }
    fn procedure(&self) -> &[String] {
        let st = &self.s.standard.0;
        if self.c.lang == crate::i18n::Lang::En && !st.procedure_en.is_empty() {
            &st.procedure_en
        } else {
            &st.procedure
        }
    }
}

async fn service_page(s: &AppState, c: &Ctx, slug: &str, code: &str, print: bool) -> PageResult {
    let m = s.app.mpp_by_slug(slug).await.web(c)?;
    let svc = s.app.service_by_code(c.actor.as_ref(), m.id, code).await.web(c)?;
    let printed_at = super::fmt_instant(c.lang, &s.app.now(), &m.time_zone);
    render(ServicePage { c, s: svc, m, print, printed_at })
}

pub async fn service(State(s): State<AppState>, c: Ctx, Path((slug, code)): Path<(String, String)>) -> PageResult {
    service_page(&s, &c, &slug, &code, false).await
}

pub async fn service_print(
    State(s): State<AppState>,
    c: Ctx,
    Path((slug, code)): Path<(String, String)>,
) -> PageResult {
    service_page(&s, &c, &slug, &code, true).await
}

#[derive(Template)]
#[template(path = "public/about_data.html")]
struct AboutData<'a> {
    c: &'a Ctx,
}

pub async fn about_data(c: Ctx) -> PageResult {
    render(AboutData { c: &c })
}

pub async fn not_found(c: Ctx) -> WebError {
    WebError::In(c.lang, satuatap_service::Error::NotFound)
}
