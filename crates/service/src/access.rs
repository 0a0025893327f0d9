//! The accessibility study of a regency ("kajian kebutuhan MPP") and the
//! national ranking of people living far from any MPP. Everything is computed
//! on each read from the register, the atlas and a few hundred population rows:
//! nothing here scans bookings or tickets (visitor origins are a monthly rollup).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use satuatap_domain::access::{self, BANDS, District, Settings};
use satuatap_domain::geo::Point;
use satuatap_domain::rollout::{Standing, standing_at};
use satuatap_domain::validate::Checker;
use satuatap_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};

use crate::atlas::atlas;
use crate::input::{Loose, loose};
use crate::{Actor, App, Error, Result, audit};

/// Visitor counts below this are shown as "< 10": no small group is identifiable.
pub const SUPPRESS_BELOW: i64 = 10;
/// How far back visitor origins are counted.
pub const ORIGIN_MONTHS: u32 = 12;
/// Candidate sites proposed by the greedy covering.
pub const CANDIDATES: usize = 3;

/// The thresholds and travel assumptions of a regency's study.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StudySettings {
    /// A district counts as reached when its inside point is this close (straight line) to an MPP.
    pub radius_km: f64,
    /// …or, for the second measure, this many minutes of estimated travel away.
    pub minutes: f64,
    /// Roads are this much longer than the straight line.
    pub detour: f64,
    /// Average door-to-door speed, km/h.
    pub speed_kmh: f64,
    /// The defaults (no figures set by the regency).
    pub is_default: bool,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"radius_km": 5, "minutes": 30, "detour": 1.4, "speed_kmh": 30}))]
pub struct StudySettingsInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub radius_km: Loose<f64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub minutes: Loose<f64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub detour: Loose<f64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub speed_kmh: Loose<f64>,
}

/// Booked visitors from a district: exact from 10 on, otherwise only "fewer than 10".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitorCount {
    /// The count, when it is 0 or at least 10.
    pub count: Option<i64>,
    /// 1–9 visitors: shown as "< 10".
    pub suppressed: bool,
    /// Per 1,000 residents (only with a count).
    pub per_1000: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DistrictAccess {
    pub code: String,
    pub name: String,
    /// The district's inside point (the study measures from it).
    pub latitude: f64,
    pub longitude: f64,
    pub area_km2: f64,
    pub population: i64,
    /// The regency's total split by area, not a figure the regency entered.
    pub population_estimated: bool,
    /// The nearest operating MPP location (this regency's or a neighbour's).
    pub nearest: Option<String>,
    pub nearest_regency: Option<String>,
    /// Straight-line distance to it, km (one decimal).
    pub distance_km: Option<f64>,
    /// Estimated travel time, minutes.
    pub minutes: Option<f64>,
    /// 0 (within half the radius) … 4 (beyond four times it): the map's colour.
    pub band: usize,
    pub within_radius: bool,
    pub within_minutes: bool,
    pub visitors: VisitorCount,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SiteAccess {
    pub id: i64,
    pub name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub latitude: f64,
    pub longitude: f64,
    /// The location's coordinates are not recorded; the regency's most central district stands in.
    pub approximate: bool,
    /// In this regency (otherwise a neighbour's that is nearest to some district).
    pub own: bool,
}

/// A new location at a district's inside point, picked by the greedy covering.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidateSite {
    /// 1, 2, 3: the order of the greedy picks (each after the ones before).
    pub rank: usize,
    pub district_code: String,
    pub district_name: String,
    pub latitude: f64,
    pub longitude: f64,
    /// People newly within the radius.
    pub gain: i64,
    /// Within the radius after this pick and the ones before.
    pub within_radius_after: i64,
    /// The districts it would newly reach.
    pub covered: Vec<String>,
}

/// What a location at one point would add.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WhatIfResult {
    pub label: String,
    pub latitude: f64,
    pub longitude: f64,
    /// The point lies inside this regency.
    pub inside: bool,
    /// People newly within the radius, and the districts they live in.
    pub gain: i64,
    pub covered: Vec<String>,
    /// People newly within the minutes.
    pub gain_by_minutes: i64,
    pub covered_by_minutes: Vec<String>,
    pub within_radius_after: i64,
    pub within_minutes_after: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccessStudy {
    pub regency_code: String,
    pub regency_name: String,
    pub province_name: String,
    pub settings: StudySettings,
    /// Distance band edges, km (from `BANDS` × the radius).
    pub band_edges_km: Vec<f64>,
    pub population: i64,
    /// Where the regency total comes from.
    pub population_source: String,
    /// Districts whose figure is an estimate.
    pub estimated_districts: usize,
    pub within_radius: i64,
    pub within_minutes: i64,
    pub beyond_radius: i64,
    pub sites: Vec<SiteAccess>,
    pub districts: Vec<DistrictAccess>,
    pub candidates: Vec<CandidateSite>,
    /// The typed point (`lat`, `lng`), when given.
    pub what_if: Option<WhatIfResult>,
    /// Planned locations of the register with a point, each as a "what if".
    pub planned: Vec<WhatIfResult>,
    /// The months the visitor counts cover.
    pub visitors_from: NaiveDate,
    pub visitors_to: NaiveDate,
    /// Booked visitors registered outside this regency (suppressed like the districts).
    pub visitors_outside: VisitorCount,
    /// The regency's MPPs on this platform (where visitor counts come from).
    pub platform_mpps: Vec<String>,
}

/// One regency in the national ranking.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankedRegency {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub province_code: String,
    pub province_name: String,
    pub population: i64,
    /// People whose district's inside point is beyond the radius of every MPP location.
    pub beyond: i64,
    /// `beyond / population`, 0–1.
    pub beyond_share: f64,
    /// Operating locations of its own.
    pub own_locations: usize,
    pub standing: Standing,
    /// Some district figures are estimates.
    pub estimated: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccessRanking {
    pub radius_km: f64,
    pub regencies: Vec<RankedRegency>,
    /// People beyond the radius in all regencies.
    pub beyond_total: i64,
    pub population_total: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The radius, km (default 5).
    #[serde(default)]
    pub radius_km: Option<f64>,
    /// Only this province, e.g. `91`.
    #[serde(default)]
    pub province: Option<String>,
    /// At most this many regencies (default all).
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudyQuery {
    /// "What if" a location stood here: latitude (with `lng`).
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
}

/// One district's entered population.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DistrictPopulationInput {
    pub district_code: String,
    pub population: i64,
    #[serde(default)]
    pub year: Option<i64>,
    #[serde(default)]
    pub source: Option<String>,
}

/// What an import of district figures did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PopulationImport {
    pub districts: usize,
}

/// The columns of the district-population CSV.
pub const POPULATION_CSV: [&str; 4] = ["district_code", "population", "year", "source"];

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn visitor_count(n: i64, population: f64) -> VisitorCount {
    if n > 0 && n < SUPPRESS_BELOW {
        return VisitorCount { count: None, suppressed: true, per_1000: None };
    }
    let per_1000 = (population > 0.0).then(|| round1(n as f64 * 1000.0 / population));
    VisitorCount { count: Some(n), suppressed: false, per_1000 }
}

fn settings_of(row: Option<&satuatap_store::access::AccessSettingsRow>) -> StudySettings {
    match row {
        Some(r) => StudySettings {
            radius_km: r.radius_km,
            minutes: r.minutes as f64,
            detour: r.detour,
            speed_kmh: r.speed_kmh,
            is_default: false,
            updated_at: Some(r.updated_at),
        },
        None => {
            let d = Settings::default();
            StudySettings {
                radius_km: d.radius_km,
                minutes: d.minutes,
                detour: d.detour,
                speed_kmh: d.speed_kmh,
                is_default: true,
                updated_at: None,
            }
        }
    }
}

fn domain_settings(s: &StudySettings) -> Settings {
    Settings { radius_km: s.radius_km, minutes: s.minutes, detour: s.detour, speed_kmh: s.speed_kmh }
}

/// Districts of a regency with their figures: entered where the regency entered
/// them, the rest of the regency total split by area (labelled as estimates).
fn districts_with_population(
    regency: &str,
    total: i64,
    entered: &HashMap<String, i64>,
    names: &HashMap<String, String>,
) -> Vec<District> {
    let geo = atlas().districts_of(regency);
    let entered_sum: i64 = geo.iter().filter_map(|d| entered.get(&d.code)).sum();
    let rest: Vec<f64> = geo.iter().filter(|d| !entered.contains_key(&d.code)).map(|d| d.area_km2).collect();
    let mut estimates = access::estimate_by_area((total - entered_sum).max(0) as f64, &rest).into_iter();
    geo.iter()
        .map(|d| {
            let (population, estimated) = match entered.get(&d.code) {
                Some(n) => (*n as f64, false),
                None => (estimates.next().unwrap_or(0.0), true),
            };
            District {
                code: d.code.clone(),
                name: names.get(&d.code).cloned().unwrap_or_else(|| d.code.clone()),
                point: d.point,
                area_km2: d.area_km2,
                population,
                estimated,
            }
        })
        .collect()
}

fn parse_settings(input: &StudySettingsInput) -> std::result::Result<Settings, Vec<FieldError>> {
    let mut c = Checker::new();
    let d = Settings::default();
    let mut get = |field: &str, v: &Loose<f64>, default: f64| match v {
        None => default,
        Some(Ok(x)) if x.is_finite() => *x,
        Some(_) => {
            c.push(field, Invalid::Format { hint: "hint-number" });
            default
        }
    };
    let s = Settings {
        radius_km: get("radius_km", &input.radius_km, d.radius_km),
        minutes: get("minutes", &input.minutes, d.minutes),
        detour: get("detour", &input.detour, d.detour),
        speed_kmh: get("speed_kmh", &input.speed_kmh, d.speed_kmh),
    };
    if c.is_ok()
        && let Err(field) = s.check()
    {
        let hint = match field {
            "radius_km" => "hint-access-radius",
            "minutes" => "hint-access-minutes",
            "detour" => "hint-access-detour",
            _ => "hint-access-speed",
        };
        c.push(field, Invalid::Format { hint });
    }
    c.finish(s)
}

impl App {
    /// National admins, or the manager of an MPP in this regency.
    async fn require_regency_planner(&self, actor: &Actor, regency: &str) -> Result<()> {
        if actor.is_national() {
            return Ok(());
        }
        let own = self.managed_regency(actor).await?;
        actor.require(own.as_deref() == Some(regency))
    }

    /// Every regency's district figures the regencies entered.
    async fn entered_populations(&self, regency: Option<&str>) -> Result<HashMap<String, i64>> {
        let mut r = self.store.read().await?;
        Ok(r.district_populations(regency).await?.into_iter().map(|d| (d.district_code, d.population)).collect())
    }

    pub async fn access_settings(&self, regency: &str) -> Result<StudySettings> {
        let mut r = self.store.read().await?;
        r.regency(regency).await?.ok_or(Error::NotFound)?;
        Ok(settings_of(r.access_settings(regency).await?.as_ref()))
    }

    /// Set a regency's thresholds (its MPP manager or a national admin; audited).
    pub async fn set_access_settings(
        &self,
        actor: &Actor,
        regency: &str,
        input: &StudySettingsInput,
    ) -> Result<StudySettings> {
        self.require_regency_planner(actor, regency).await?;
        let s = parse_settings(input).map_err(Error::Invalid)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.regency(regency).await?.ok_or(Error::NotFound)?;
        let before = tx.access_settings(regency).await?;
        tx.set_access_settings(
            regency,
            s.radius_km,
            s.minutes.round() as i64,
            s.detour,
            s.speed_kmh,
            actor.audit_id(),
            now,
        )
        .await?;
        let after = tx.access_settings(regency).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(actor.mpp_id, "access_settings", regency, "update"),
            before.as_ref(),
            after.as_ref(),
        )
        .await?;
        tx.commit().await?;
        Ok(settings_of(after.as_ref()))
    }

    /// Enter district figures for a regency (all or nothing; audited).
    pub async fn set_district_populations(
        &self,
        actor: &Actor,
        regency: &str,
        rows: &[DistrictPopulationInput],
    ) -> Result<PopulationImport> {
        self.require_regency_planner(actor, regency).await?;
        let known: HashMap<String, ()> = {
            let mut r = self.store.read().await?;
            r.regency(regency).await?.ok_or(Error::NotFound)?;
            r.districts(regency).await?.into_iter().map(|d| (d.code, ())).collect()
        };
        let mut errors = Vec::new();
        let mut clean = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let line = i + 2;
            let code = row.district_code.trim();
            if !known.contains_key(code) {
                errors.push(FieldError::line(line, "district_code", "hint-district-of-regency"));
            }
            if !(0..=20_000_000).contains(&row.population) {
                errors.push(FieldError::line(line, "population", "hint-population"));
            }
            if row.year.is_some_and(|y| !(1990..=2100).contains(&y)) {
                errors.push(FieldError::line(line, "year", "hint-year"));
            }
            let source = row.source.as_deref().map(str::trim).filter(|s| !s.is_empty());
            if source.is_some_and(|s| s.chars().count() > 300 || s.chars().any(char::is_control)) {
                errors.push(FieldError::line(line, "source", "ro-csv-text"));
            }
            clean.push((code.to_string(), row.population, row.year, source.map(str::to_string)));
        }
        if rows.is_empty() {
            errors.push(FieldError::new("rows", Invalid::Required));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        for (code, population, year, source) in &clean {
            tx.set_district_population(code, regency, *population, *year, source.as_deref(), actor.audit_id(), now)
                .await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(actor.mpp_id, "district_population", regency, "import"),
            None::<&()>,
            Some(&serde_json::json!({"districts": clean.len()})),
        )
        .await?;
        tx.commit().await?;
        Ok(PopulationImport { districts: clean.len() })
    }

    /// District figures from CSV (`district_code,population,year,source`); one bad line refuses the file.
    pub async fn import_district_population_csv(
        &self,
        actor: &Actor,
        regency: &str,
        text: &str,
    ) -> Result<PopulationImport> {
        self.require_regency_planner(actor, regency).await?;
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(_) => return Err(Error::field("csv", Invalid::Format { hint: "hint-population-header" })),
        };
        if header.len() < 2 || header[0] != POPULATION_CSV[0] || header[1] != POPULATION_CSV[1] {
            return Err(Error::field("csv", Invalid::Format { hint: "hint-population-header" }));
        }
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for (i, rec) in reader.records().enumerate() {
            let line = i + 2;
            let Ok(rec) = rec else {
                errors.push(FieldError::line(line, "row", "ro-csv-columns"));
                continue;
            };
            let get = |i: usize| rec.get(i).map(str::trim).unwrap_or("");
            let population = get(1).replace(['.', ','], "").parse::<i64>();
            let year = match get(2) {
                "" => Ok(None),
                y => y.parse::<i64>().map(Some),
            };
            match (population, year) {
                (Ok(population), Ok(year)) => rows.push(DistrictPopulationInput {
                    district_code: get(0).to_string(),
                    population,
                    year,
                    source: Some(get(3).to_string()),
                }),
                (p, y) => {
                    if p.is_err() {
                        errors.push(FieldError::line(line, "population", "hint-population"));
                    }
                    if y.is_err() {
                        errors.push(FieldError::line(line, "year", "hint-year"));
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.set_district_populations(actor, regency, &rows).await
    }

    /// The district figures of a regency as CSV (entered ones; estimates are marked).
    pub async fn district_population_csv(&self, regency: &str) -> Result<String> {
        let study = self.access_study(regency, &StudyQuery::default()).await?;
        let mut sheet = crate::csv::Sheet::new(&["district_code", "population", "year", "source", "district_name"]);
        let entered = {
            let mut r = self.store.read().await?;
            r.district_populations(Some(regency)).await?
        };
        let by: HashMap<&str, &satuatap_store::access::DistrictPopulationRow> =
            entered.iter().map(|e| (e.district_code.as_str(), e)).collect();
        for d in &study.districts {
            let e = by.get(d.code.as_str());
            let year = e.and_then(|e| e.year).map(|y| y.to_string()).unwrap_or_default();
            let source = match e {
                Some(e) => e.source.clone().unwrap_or_default(),
                None => "perkiraan (jumlah kabupaten/kota dibagi menurut luas)".into(),
            };
            sheet.row([d.code.as_str(), &d.population.to_string(), &year, &source, &d.name]);
        }
        Ok(sheet.into_string())
    }

    /// The study of one regency ("kajian kebutuhan MPP").
    pub async fn access_study(&self, regency: &str, q: &StudyQuery) -> Result<AccessStudy> {
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        let (info, province, settings_row, total, names, mpps, origins_from) = {
            let mut r = self.store.read().await?;
            let info = r.regency(regency).await?.ok_or(Error::NotFound)?;
            let province = r.provinces().await?.into_iter().find(|p| p.code == info.province_code);
            let settings_row = r.access_settings(regency).await?;
            let total =
                r.regency_populations().await?.into_iter().find(|p| p.code == regency).map(|p| p.total).unwrap_or(0);
            let names: HashMap<String, String> =
                r.districts(regency).await?.into_iter().map(|d| (d.code, d.name)).collect();
            let mpps = r
                .mpps(&satuatap_store::mpps::MppFilter {
                    regency_code: Some(regency.to_string()),
                    ..Default::default()
                })
                .await?;
            let from = months_back(today, ORIGIN_MONTHS - 1);
            (info, province, settings_row, total, names, mpps, from)
        };
        let entered = self.entered_populations(Some(regency)).await?;
        let origins: HashMap<String, i64> = {
            let ids: Vec<i64> = mpps.iter().map(|m| m.id).collect();
            let mut r = self.store.read().await?;
            r.visitor_origins(&ids, origins_from).await?.into_iter().map(|o| (o.district_code, o.visitors)).collect()
        };
        let settings = settings_of(settings_row.as_ref());
        let s = domain_settings(&settings);
        let districts = districts_with_population(regency, total, &entered, &names);
        let sites = self.operating_sites().await?;
        let study = access::study(&districts, &sites, &s, CANDIDATES);
        let regency_names = self.regency_names().await?;
        let district_rows: Vec<DistrictAccess> = study
            .districts
            .iter()
            .map(|res| {
                let d = &districts[res.index];
                let site = res.nearest.map(|i| &sites[i]);
                DistrictAccess {
                    code: d.code.clone(),
                    name: d.name.clone(),
                    latitude: d.point.lat,
                    longitude: d.point.lng,
                    area_km2: d.area_km2,
                    population: d.population.round() as i64,
                    population_estimated: d.estimated,
                    nearest: site.map(|s| s.name.clone()),
                    nearest_regency: site.map(|s| regency_names.get(&s.regency_code).cloned().unwrap_or_default()),
                    distance_km: site.map(|_| round1(res.distance_km)),
                    minutes: site.map(|_| res.minutes.round()),
                    band: res.band,
                    within_radius: res.within_radius,
                    within_minutes: res.within_minutes,
                    visitors: visitor_count(origins.get(&d.code).copied().unwrap_or(0), d.population),
                }
            })
            .collect();
        // The sites on the map: this regency's, and any neighbour's that is some district's nearest.
        let nearest_ids: std::collections::HashSet<usize> = study.districts.iter().filter_map(|r| r.nearest).collect();
        let site_rows: Vec<SiteAccess> = sites
            .iter()
            .enumerate()
            .filter(|(i, x)| {
                x.regency_code == regency || x.regency_code == info.province_code || nearest_ids.contains(i)
            })
            .map(|(_, x)| SiteAccess {
                id: x.id,
                name: x.name.clone(),
                regency_code: x.regency_code.clone(),
                regency_name: regency_names.get(&x.regency_code).cloned().unwrap_or_default(),
                latitude: x.point.lat,
                longitude: x.point.lng,
                approximate: x.approximate,
                own: x.regency_code == regency,
            })
            .collect();
        let mut within_after = study.within_radius;
        let candidates = study
            .candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                within_after += c.gain;
                let d = &districts[c.district];
                CandidateSite {
                    rank: i + 1,
                    district_code: d.code.clone(),
                    district_name: d.name.clone(),
                    latitude: d.point.lat,
                    longitude: d.point.lng,
                    gain: c.gain.round() as i64,
                    within_radius_after: within_after.round() as i64,
                    covered: c.covered.iter().map(|i| districts[*i].name.clone()).collect(),
                }
            })
            .collect();
        let what_if_at = |label: String, at: Point| -> WhatIfResult {
            let w = access::what_if(&districts, &sites, &s, at);
            WhatIfResult {
                label,
                latitude: at.lat,
                longitude: at.lng,
                inside: atlas().inside(regency, at),
                gain: w.gain.round() as i64,
                covered: w.covered.iter().map(|i| districts[*i].name.clone()).collect(),
                gain_by_minutes: w.gain_by_minutes.round() as i64,
                covered_by_minutes: w.covered_by_minutes.iter().map(|i| districts[*i].name.clone()).collect(),
                within_radius_after: (study.within_radius + w.gain).round() as i64,
                within_minutes_after: (study.within_minutes + w.gain_by_minutes).round() as i64,
            }
        };
        let what_if = match (q.lat, q.lng) {
            (Some(lat), Some(lng)) if lat.is_finite() && lng.is_finite() && lat.abs() <= 90.0 && lng.abs() <= 180.0 => {
                Some(what_if_at(String::new(), Point::new(lat, lng)))
            }
            (None, None) => None,
            _ => return Err(Error::field("lat", Invalid::Format { hint: "hint-coordinate" })),
        };
        let planned =
            self.planned_points(regency, today).await?.into_iter().map(|(name, p)| what_if_at(name, p)).collect();
        let outside: i64 =
            origins.iter().filter(|(k, _)| !k.starts_with(&format!("{regency}."))).map(|(_, v)| *v).sum();
        let population: i64 = district_rows.iter().map(|d| d.population).sum();
        Ok(AccessStudy {
            regency_code: info.code.clone(),
            regency_name: info.name.clone(),
            province_name: province.map(|p| p.name).unwrap_or_default(),
            band_edges_km: BANDS.iter().map(|b| round1(b * s.radius_km)).collect(),
            settings,
            population,
            population_source: satuatap_store::access::POPULATION_SOURCE.into(),
            estimated_districts: district_rows.iter().filter(|d| d.population_estimated).count(),
            within_radius: study.within_radius.round() as i64,
            within_minutes: study.within_minutes.round() as i64,
            beyond_radius: (study.population - study.within_radius).round() as i64,
            sites: site_rows,
            districts: district_rows,
            candidates,
            what_if,
            planned,
            visitors_from: origins_from,
            visitors_to: today,
            visitors_outside: visitor_count(outside, 0.0),
            platform_mpps: mpps.iter().map(|m| m.name.clone()).collect(),
        })
    }

    /// Planned (not yet operating) register locations of a regency with a point:
    /// their coordinates, or their district's inside point.
    async fn planned_points(&self, regency: &str, today: NaiveDate) -> Result<Vec<(String, Point)>> {
        let mut r = self.store.read().await?;
        let locations = r.rollout_locations(Some(regency)).await?;
        let events = r.rollout_events(Some(regency)).await?;
        drop(r);
        let all: Vec<satuatap_domain::rollout::Dated> = events
            .iter()
            .filter_map(|e| {
                Some(satuatap_domain::rollout::Dated {
                    location: e.location_id,
                    stage: satuatap_domain::rollout::Stage::parse(&e.stage)?,
                    date: e.date,
                    order: e.id,
                })
            })
            .collect();
        Ok(locations
            .iter()
            .filter(|l| {
                matches!(standing_at(&all, l.id, today), Standing::Planned | Standing::Preparing | Standing::SoftLaunch)
            })
            .filter_map(|l| {
                let p = match (l.latitude, l.longitude) {
                    (Some(lat), Some(lng)) => Point::new(lat, lng),
                    _ => atlas().district(l.district_code.as_deref()?)?.point,
                };
                Some((l.name.clone(), p))
            })
            .collect())
    }

    async fn regency_names(&self) -> Result<HashMap<String, String>> {
        let mut r = self.store.read().await?;
        let mut names: HashMap<String, String> =
            r.regencies(None).await?.into_iter().map(|g| (g.code, g.name)).collect();
        names.extend(r.provinces().await?.into_iter().map(|p| (p.code, p.name)));
        Ok(names)
    }

    /// Every regency ranked by the people living beyond `radius_km` of any operating MPP location.
    pub async fn access_ranking(&self, q: &RankingQuery) -> Result<AccessRanking> {
        let radius_km = q.radius_km.unwrap_or(Settings::default().radius_km);
        if !(0.5..=200.0).contains(&radius_km) {
            return Err(Error::field("radius_km", Invalid::Format { hint: "hint-access-radius" }));
        }
        let national = self.national_rollout(&Default::default()).await?;
        let entered = self.entered_populations(None).await?;
        let sites = self.operating_sites().await?;
        let empty = HashMap::new();
        let province = q.province.as_deref().map(str::trim).filter(|p| !p.is_empty());
        let mut rows: Vec<RankedRegency> = national
            .regencies
            .iter()
            .filter(|g| province.is_none_or(|p| g.province_code == p))
            .map(|g| {
                let districts = districts_with_population(&g.code, g.population, &entered, &empty);
                let beyond = access::beyond(&districts, &sites, radius_km).round() as i64;
                let population = districts.iter().map(|d| d.population).sum::<f64>().round() as i64;
                RankedRegency {
                    rank: 0,
                    code: g.code.clone(),
                    name: g.name.clone(),
                    province_code: g.province_code.clone(),
                    province_name: g.province_name.clone(),
                    population,
                    beyond,
                    beyond_share: if population > 0 { beyond as f64 / population as f64 } else { 0.0 },
                    own_locations: g.operating_locations,
                    standing: g.standing,
                    estimated: districts.iter().any(|d| d.estimated),
                }
            })
            .collect();
        rows.sort_by(|a, b| b.beyond.cmp(&a.beyond).then(a.code.cmp(&b.code)));
        for (i, r) in rows.iter_mut().enumerate() {
            r.rank = i + 1;
        }
        let beyond_total = rows.iter().map(|r| r.beyond).sum();
        let population_total = rows.iter().map(|r| r.population).sum();
        if let Some(n) = q.limit {
            rows.truncate(n);
        }
        Ok(AccessRanking { radius_km, regencies: rows, beyond_total, population_total })
    }

    /// The study of every regency in one run (the bench measures it).
    pub async fn access_study_all(&self) -> Result<Vec<(String, i64, i64)>> {
        let national = self.national_rollout(&Default::default()).await?;
        let entered = self.entered_populations(None).await?;
        let sites = self.operating_sites().await?;
        let settings: HashMap<String, Settings> = {
            let mut r = self.store.read().await?;
            r.all_access_settings()
                .await?
                .iter()
                .map(|row| (row.regency_code.clone(), domain_settings(&settings_of(Some(row)))))
                .collect()
        };
        let empty = HashMap::new();
        Ok(national
            .regencies
            .iter()
            .map(|g| {
                let districts = districts_with_population(&g.code, g.population, &entered, &empty);
                let s = settings.get(&g.code).copied().unwrap_or_default();
                let st = access::study(&districts, &sites, &s, CANDIDATES);
                let gain: f64 = st.candidates.iter().map(|c| c.gain).sum();
                (g.code.clone(), st.within_radius.round() as i64, gain.round() as i64)
            })
            .collect())
    }
}

/// The ranking as CSV (the page's download).
pub fn ranking_csv(r: &AccessRanking) -> String {
    let mut sheet = crate::csv::Sheet::new(&[
        "rank",
        "regency_code",
        "regency_name",
        "province_name",
        "population",
        "beyond_km",
        "beyond",
        "beyond_share",
        "operating_locations",
        "standing",
        "estimated",
    ]);
    for g in &r.regencies {
        sheet.row([
            g.rank.to_string().as_str(),
            &g.code,
            &g.name,
            &g.province_name,
            &g.population.to_string(),
            &r.radius_km.to_string(),
            &g.beyond.to_string(),
            &format!("{:.4}", g.beyond_share),
            &g.own_locations.to_string(),
            g.standing.as_str(),
            if g.estimated { "true" } else { "false" },
        ]);
    }
    sheet.into_string()
}

/// The first day of the month `n` months before `day`'s.
pub(crate) fn months_back(day: NaiveDate, n: u32) -> NaiveDate {
    let total = day.year() * 12 + day.month0() as i32 - n as i32;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed() {
        assert!(visitor_count(9, 1000.0).suppressed);
        assert_eq!(visitor_count(9, 1000.0).count, None);
        assert_eq!(visitor_count(10, 1000.0).count, Some(10));
        assert_eq!(visitor_count(10, 1000.0).per_1000, Some(10.0));
        assert_eq!(visitor_count(0, 1000.0).count, Some(0));
    }

    #[test]
    fn twelve_months_back_from_december() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(months_back(d, 11), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(
            months_back(NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(), 11),
            NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()
        );
    }

    #[test]
    fn settings_out_of_range_name_their_field() {
        let bad = StudySettingsInput { radius_km: Some(Ok(0.1)), ..Default::default() };
        assert_eq!(parse_settings(&bad).unwrap_err()[0].field, "radius_km");
        assert!(parse_settings(&StudySettingsInput::default()).is_ok());
    }
}
