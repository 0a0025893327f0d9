//! The national rollout register: every regency's MPP locations and their
//! dated stages, edited by the national admin; MPP managers propose changes for
//! their own regency, which the national admin accepts or rejects. The national
//! programme (standings, the operating series, provinces, targets) is computed
//! from it on each read: a few hundred rows.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use satuatap_domain::FieldError;
use satuatap_domain::Invalid;
use satuatap_domain::geo::Point;
use satuatap_domain::role::Role;
use satuatap_domain::rollout::{
    Building, CSV_COLUMNS, CsvRow, DatePrecision, Dated, Funding, LocationRole, Stage, Standing, most_advanced,
    operating_series, standing_at,
};
use satuatap_domain::validate::Checker;
use satuatap_store::rollout::{EventData, EventRow, LocationData, LocationRow, ProposalRow, ReportedRow, TargetRow};
use serde::{Deserialize, Serialize};

use crate::atlas::atlas;
use crate::input::{Loose, flag, loose};
use crate::mpps::parse_date;
use crate::{Actor, App, Error, Result, audit};

/// Regencies and cities of Indonesia: the programme's goal.
pub const ALL_REGENCIES: usize = 514;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RolloutEventView)]
pub struct EventView {
    pub id: i64,
    pub location_id: i64,
    pub stage: Stage,
    pub date: NaiveDate,
    pub date_precision: DatePrecision,
    pub target_year: Option<i64>,
    pub note: Option<String>,
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    pub id: i64,
    pub regency_code: String,
    pub regency_name: String,
    pub name: String,
    pub role: LocationRole,
    /// The MPP on this platform, when it runs here.
    pub mpp_id: Option<i64>,
    pub mpp_slug: Option<String>,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub building: Option<Building>,
    pub floor_area_m2: Option<i64>,
    pub funding: Option<Funding>,
    pub funding_note: Option<String>,
    pub providers: Option<i64>,
    pub services: Option<i64>,
    /// MPP Digital is in use.
    pub digital: bool,
    pub note: Option<String>,
    /// Where it stands today: its latest event.
    pub standing: Standing,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"name": "MPP Kota Bogor", "role": "main", "district_code": "32.71.03",
    "latitude": -6.605, "longitude": 106.806, "building": "mall_floor", "floor_area_m2": 740,
    "funding": "csr_partner", "providers": 14, "services": 145, "digital": true}))]
pub struct LocationInput {
    #[serde(default)]
    pub name: String,
    /// `main` or `branch`.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub mpp_id: Loose<i64>,
    #[serde(default)]
    pub district_code: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub latitude: Loose<f64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub longitude: Loose<f64>,
    /// `own`, `rented`, `mall_floor` or `partner`.
    #[serde(default)]
    pub building: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub floor_area_m2: Loose<i64>,
    /// `regional_budget`, `csr_partner` or `other`.
    #[serde(default)]
    pub funding: Option<String>,
    #[serde(default)]
    pub funding_note: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub providers: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub services: Loose<i64>,
    #[serde(default, deserialize_with = "flag")]
    pub digital: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"stage": "inaugurated", "date": "2019-08-26", "date_precision": "day",
    "source_url": "https://kotabogor.go.id/berita"}))]
pub struct EventInput {
    /// `planned`, `location_decided`, `preparing`, `soft_launch`, `inaugurated`, `operating`, `relocated` or `closed`.
    #[serde(default)]
    pub stage: String,
    /// `YYYY-MM-DD` (for a month or a year, its first day).
    #[serde(default)]
    pub date: Option<String>,
    /// `day` (default), `month` or `year`.
    #[serde(default)]
    pub date_precision: Option<String>,
    /// For `planned`: the year the MPP is to open.
    #[serde(default)]
    pub target_year: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TargetInput {
    pub year: i64,
    /// Regencies with an operating MPP by the end of that year.
    pub regencies: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// A change an MPP manager proposes for their regency.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposalInput {
    /// `event` (a dated stage for `location_id`) or `location` (new when `location_id` is empty, else a change).
    pub kind: String,
    #[serde(default)]
    pub location_id: Option<i64>,
    #[serde(default)]
    pub event: Option<EventInput>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub location: Option<serde_json::Value>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalView {
    pub id: i64,
    pub regency_code: String,
    pub regency_name: String,
    pub location_id: Option<i64>,
    pub kind: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    pub note: Option<String>,
    pub proposer_name: String,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decision_note: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// `accept` or `reject`.
    pub decision: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A regency on the national map.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegencyStanding {
    pub code: String,
    pub name: String,
    pub province_code: String,
    pub province_name: String,
    pub standing: Standing,
    /// Its own locations in the register.
    pub locations: usize,
    pub operating_locations: usize,
    /// Served by a province-level MPP (DKI Jakarta) rather than one of its own.
    pub via_province: bool,
    pub population: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProvinceRollout {
    pub code: String,
    pub name: String,
    pub regencies: usize,
    pub with_mpp: usize,
    pub population: i64,
    /// Registered population of the regencies with an operating MPP.
    pub population_with_mpp: i64,
    /// `population_with_mpp / population`, 0–1.
    pub share_with_mpp: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeriesPoint {
    pub date: NaiveDate,
    pub operating: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportedTotal {
    pub date: NaiveDate,
    pub total: Option<i64>,
    pub in_batch: Option<i64>,
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FactCount {
    pub key: String,
    pub locations: usize,
}

/// The whole programme at a glance, and what the filters left.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalRollout {
    pub today: NaiveDate,
    pub total_regencies: usize,
    /// Regencies (of all) with an operating MPP today.
    pub operating_regencies: usize,
    /// Operating MPP locations (a regency may have several).
    pub operating_locations: usize,
    pub year: i32,
    pub target: Option<i64>,
    pub targets: Vec<TargetView>,
    pub series: Vec<SeriesPoint>,
    pub reported: Vec<ReportedTotal>,
    pub provinces: Vec<ProvinceRollout>,
    /// The regencies the filters chose (all when none).
    pub regencies: Vec<RegencyStanding>,
    /// Counts of operating locations by building, funding and MPP Digital.
    pub by_building: Vec<FactCount>,
    pub by_funding: Vec<FactCount>,
    pub digital: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetView {
    pub year: i64,
    pub regencies: i64,
    pub note: Option<String>,
}

/// One regency's page: its locations with their history, and its population.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegencyRollout {
    pub code: String,
    pub name: String,
    pub province_code: String,
    pub province_name: String,
    pub standing: Standing,
    pub population: i64,
    pub population_source: String,
    pub locations: Vec<LocationView>,
    /// A province-level MPP that serves this regency too (DKI Jakarta).
    pub province_locations: Vec<LocationView>,
}

/// Which regencies a national view shows.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RolloutFilter {
    /// A province code, e.g. `32`.
    #[serde(default)]
    pub province: Option<String>,
    /// `none`, `planned`, `preparing`, `soft_launch`, `operating` or `closed`.
    #[serde(default)]
    pub standing: Option<Standing>,
    /// Only regencies with a location of this building: `own`, `rented`, `mall_floor`, `partner`.
    #[serde(default)]
    pub building: Option<Building>,
    /// Only regencies with a location of this funding: `regional_budget`, `csr_partner`, `other`.
    #[serde(default)]
    pub funding: Option<Funding>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    pub rows: usize,
    pub locations_created: usize,
    pub events_added: usize,
    /// Rows already in the register (same location, stage and date), left as they were.
    pub duplicates: usize,
}

fn event_view(e: &EventRow) -> EventView {
    EventView {
        id: e.id,
        location_id: e.location_id,
        stage: Stage::parse(&e.stage).unwrap_or(Stage::Planned),
        date: e.date,
        date_precision: DatePrecision::parse(&e.date_precision).unwrap_or(DatePrecision::Day),
        target_year: e.target_year,
        note: e.note.clone(),
        source_url: e.source_url.clone(),
    }
}

fn dated(events: &[EventRow]) -> Vec<Dated> {
    events
        .iter()
        .filter_map(|e| {
            Some(Dated { location: e.location_id, stage: Stage::parse(&e.stage)?, date: e.date, order: e.id })
        })
        .collect()
}

fn location_view(l: &LocationRow, events: &[EventRow], all: &[Dated], today: NaiveDate) -> LocationView {
    LocationView {
        id: l.id,
        regency_code: l.regency_code.clone(),
        regency_name: l.regency_name.clone(),
        name: l.name.clone(),
        role: LocationRole::parse(&l.role).unwrap_or(LocationRole::Main),
        mpp_id: l.mpp_id,
        mpp_slug: l.mpp_slug.clone(),
        district_code: l.district_code.clone(),
        address: l.address.clone(),
        latitude: l.latitude,
        longitude: l.longitude,
        building: l.building.as_deref().and_then(Building::parse),
        floor_area_m2: l.floor_area_m2,
        funding: l.funding.as_deref().and_then(Funding::parse),
        funding_note: l.funding_note.clone(),
        providers: l.providers,
        services: l.services,
        digital: l.digital,
        note: l.note.clone(),
        standing: standing_at(all, l.id, today),
        events: events.iter().filter(|e| e.location_id == l.id).map(event_view).collect(),
    }
}

/// The name of a regency's main MPP when the register gives none.
fn main_name(regency_name: &str) -> String {
    format!("MPP {regency_name}")
}

fn text_opt(c: &mut Checker, field: &str, v: Option<&str>, max: usize) -> Option<String> {
    c.opt_text(field, v, max)
}

impl App {
    fn require_national(actor: &Actor) -> Result<()> {
        actor.require(actor.is_national())
    }

    /// The regency an MPP manager may propose changes for.
    pub(crate) async fn managed_regency(&self, actor: &Actor) -> Result<Option<String>> {
        if actor.role != Role::MppManager {
            return Ok(None);
        }
        let Some(m) = actor.mpp_id else { return Ok(None) };
        Ok(Some(self.mpp(m).await?.regency_code))
    }

    /// An area of the register: a regency, or a province for a province-level MPP. Its name.
    async fn area_name(&self, code: &str) -> Result<Option<String>> {
        let mut r = self.store.read().await?;
        if code.len() == 2 {
            return Ok(r.provinces().await?.into_iter().find(|p| p.code == code).map(|p| p.name));
        }
        Ok(r.regency(code).await?.map(|x| x.name))
    }

    // --- reading --------------------------------------------------------------------------

    /// The national programme: standings of all 514 regencies, the operating
    /// series, provinces, targets and facts; `filter` narrows the regency list.
    pub async fn national_rollout(&self, filter: &RolloutFilter) -> Result<NationalRollout> {
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        let mut r = self.store.read().await?;
        let locations = r.rollout_locations(None).await?;
        let events = r.rollout_events(None).await?;
        let regencies = r.regencies(None).await?;
        let provinces = r.provinces().await?;
        let population: HashMap<String, i64> =
            r.regency_populations().await?.into_iter().map(|p| (p.code, p.total)).collect();
        let province_population: HashMap<String, i64> =
            r.province_populations().await?.into_iter().map(|p| (p.code, p.total)).collect();
        let targets = r.rollout_targets().await?;
        let reported = r.rollout_reported().await?;
        drop(r);
        let all = dated(&events);
        let standing_of: HashMap<i64, Standing> =
            locations.iter().map(|l| (l.id, standing_at(&all, l.id, today))).collect();
        let mut by_area: HashMap<&str, Vec<&LocationRow>> = HashMap::new();
        for l in &locations {
            by_area.entry(l.regency_code.as_str()).or_default().push(l);
        }
        let province_names: HashMap<&str, &str> =
            provinces.iter().map(|p| (p.code.as_str(), p.name.as_str())).collect();
        let mut standings: Vec<RegencyStanding> = regencies
            .iter()
            .map(|g| {
                let own = by_area.get(g.code.as_str()).cloned().unwrap_or_default();
                let own_standing = most_advanced(own.iter().map(|l| standing_of[&l.id]));
                // A province-level MPP serves the regencies that have none of their own.
                let province = by_area.get(g.province_code.as_str()).cloned().unwrap_or_default();
                let province_standing = most_advanced(province.iter().map(|l| standing_of[&l.id]));
                let via_province = own_standing != Standing::Operating && province_standing == Standing::Operating;
                RegencyStanding {
                    code: g.code.clone(),
                    name: g.name.clone(),
                    province_code: g.province_code.clone(),
                    province_name: province_names.get(g.province_code.as_str()).unwrap_or(&"").to_string(),
                    standing: if via_province { Standing::Operating } else { own_standing },
                    locations: own.len(),
                    operating_locations: own.iter().filter(|l| standing_of[&l.id] == Standing::Operating).count(),
                    via_province,
                    population: population.get(&g.code).copied().unwrap_or(0),
                }
            })
            .collect();
        let operating_regencies = standings.iter().filter(|s| s.standing == Standing::Operating).count();
        let operating: Vec<&LocationRow> =
            locations.iter().filter(|l| standing_of[&l.id] == Standing::Operating).collect();
        let provinces_view = provinces
            .iter()
            .map(|p| {
                let of: Vec<&RegencyStanding> = standings.iter().filter(|s| s.province_code == p.code).collect();
                let with: Vec<&&RegencyStanding> = of.iter().filter(|s| s.standing == Standing::Operating).collect();
                let population =
                    province_population.get(&p.code).copied().unwrap_or_else(|| of.iter().map(|s| s.population).sum());
                let population_with_mpp: i64 = with.iter().map(|s| s.population).sum();
                ProvinceRollout {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    regencies: of.len(),
                    with_mpp: with.len(),
                    population,
                    population_with_mpp,
                    share_with_mpp: if population > 0 { population_with_mpp as f64 / population as f64 } else { 0.0 },
                }
            })
            .collect();
        let count_by = |key: &dyn Fn(&LocationRow) -> Option<String>| -> Vec<FactCount> {
            let mut m: HashMap<String, usize> = HashMap::new();
            for l in &operating {
                *m.entry(key(l).unwrap_or_else(|| "unknown".into())).or_default() += 1;
            }
            let mut v: Vec<FactCount> = m.into_iter().map(|(key, locations)| FactCount { key, locations }).collect();
            v.sort_by(|a, b| b.locations.cmp(&a.locations).then(a.key.cmp(&b.key)));
            v
        };
        let by_building = count_by(&|l| l.building.clone());
        let by_funding = count_by(&|l| l.funding.clone());
        let digital = operating.iter().filter(|l| l.digital).count();
        // Filters.
        if let Some(p) = filter.province.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            standings.retain(|s| s.province_code == p);
        }
        if let Some(st) = filter.standing {
            standings.retain(|s| s.standing == st);
        }
        let has =
            |code: &str, f: &dyn Fn(&LocationRow) -> bool| by_area.get(code).is_some_and(|ls| ls.iter().any(|l| f(l)));
        if let Some(b) = filter.building {
            standings.retain(|s| has(&s.code, &|l| l.building.as_deref() == Some(b.as_str())));
        }
        if let Some(f) = filter.funding {
            standings.retain(|s| has(&s.code, &|l| l.funding.as_deref() == Some(f.as_str())));
        }
        let year = today.year();
        Ok(NationalRollout {
            today,
            total_regencies: regencies.len().max(ALL_REGENCIES.min(regencies.len())),
            operating_regencies,
            operating_locations: operating.len(),
            year,
            target: targets.iter().find(|t| t.year == i64::from(year)).map(|t| t.regencies),
            targets: targets.iter().map(target_view).collect(),
            series: operating_series(&all)
                .into_iter()
                .map(|(date, operating)| SeriesPoint { date, operating })
                .collect(),
            reported: reported.iter().map(reported_view).collect(),
            provinces: provinces_view,
            regencies: standings,
            by_building,
            by_funding,
            digital,
        })
    }

    /// One regency's register: its locations and their history.
    pub async fn regency_rollout(&self, code: &str) -> Result<RegencyRollout> {
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        let mut r = self.store.read().await?;
        let regency = r.regency(code).await?.ok_or(Error::NotFound)?;
        let province = r.provinces().await?.into_iter().find(|p| p.code == regency.province_code);
        let population = r.regency_populations().await?.into_iter().find(|p| p.code == code).map(|p| p.total);
        let own = r.rollout_locations(Some(code)).await?;
        let prov = r.rollout_locations(Some(&regency.province_code)).await?;
        let events: Vec<EventRow> = {
            let mut e = r.rollout_events(Some(code)).await?;
            e.extend(r.rollout_events(Some(&regency.province_code)).await?);
            e
        };
        drop(r);
        let all = dated(&events);
        let locations: Vec<LocationView> = own.iter().map(|l| location_view(l, &events, &all, today)).collect();
        let province_locations: Vec<LocationView> =
            prov.iter().map(|l| location_view(l, &events, &all, today)).collect();
        let standing = most_advanced(locations.iter().chain(&province_locations).map(|l| l.standing));
        Ok(RegencyRollout {
            code: regency.code,
            name: regency.name,
            province_code: regency.province_code,
            province_name: province.map(|p| p.name).unwrap_or_default(),
            standing,
            population: population.unwrap_or(0),
            population_source: satuatap_store::access::POPULATION_SOURCE.into(),
            locations,
            province_locations,
        })
    }

    /// Every operating location with a point: its own coordinates, its platform
    /// MPP's, or (marked approximate) its area's most central district.
    pub async fn operating_sites(&self) -> Result<Vec<satuatap_domain::access::Site>> {
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        let mut r = self.store.read().await?;
        let locations = r.rollout_locations(None).await?;
        let events = r.rollout_events(None).await?;
        let mpps = r.mpps(&Default::default()).await?;
        drop(r);
        let coords: HashMap<i64, (f64, f64)> =
            mpps.iter().filter_map(|m| Some((m.id, (m.latitude?, m.longitude?)))).collect();
        let all = dated(&events);
        let atlas = atlas();
        let linked: HashSet<i64> = locations.iter().filter_map(|l| l.mpp_id).collect();
        // Operating MPPs on this platform that the register does not list yet count too.
        let unlisted = mpps
            .iter()
            .filter(|m| m.status.0 == satuatap_domain::catalog::MppStatus::Operating && !linked.contains(&m.id))
            .filter_map(|m| {
                Some(satuatap_domain::access::Site {
                    id: -m.id,
                    name: m.name.clone(),
                    regency_code: m.regency_code.clone(),
                    point: Point::new(m.latitude?, m.longitude?),
                    approximate: false,
                })
            });
        let listed: Vec<satuatap_domain::access::Site> = locations
            .iter()
            .filter(|l| standing_at(&all, l.id, today) == Standing::Operating)
            .filter_map(|l| {
                let own = l.latitude.zip(l.longitude).or_else(|| l.mpp_id.and_then(|m| coords.get(&m).copied()));
                let (point, approximate) = match own {
                    Some((lat, lng)) => (Point::new(lat, lng), false),
                    None => {
                        let pts: Vec<Point> = atlas.districts_of(&l.regency_code).iter().map(|d| d.point).collect();
                        (satuatap_domain::access::central_point(&pts)?, true)
                    }
                };
                Some(satuatap_domain::access::Site {
                    id: l.id,
                    name: l.name.clone(),
                    regency_code: l.regency_code.clone(),
                    point,
                    approximate,
                })
            })
            .collect();
        Ok(listed.into_iter().chain(unlisted).collect())
    }

    // --- editing (national admins) ------------------------------------------------------------

    async fn parse_location(&self, area: &str, input: &LocationInput) -> Result<LocationData> {
        let mut c = Checker::new();
        let name = c.text("name", &input.name, 200);
        let role = match input.role.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => LocationRole::Main,
            Some(v) => LocationRole::parse(v).unwrap_or_else(|| {
                c.push("role", Invalid::NotAllowed);
                LocationRole::Main
            }),
        };
        let num = |c: &mut Checker, field: &str, v: &Loose<i64>, max: i64| match v {
            None => None,
            Some(Ok(n)) => Some(c.range(field, *n, 0, max)),
            Some(Err(_)) => {
                c.push(field, Invalid::Format { hint: "hint-number" });
                None
            }
        };
        let coord = |c: &mut Checker, field: &str, v: &Loose<f64>, lim: f64| match v {
            None => None,
            Some(Ok(x)) if x.abs() <= lim && x.is_finite() => Some(*x),
            Some(_) => {
                c.push(field, Invalid::Format { hint: "hint-coordinate" });
                None
            }
        };
        let latitude = coord(&mut c, "latitude", &input.latitude, 90.0);
        let longitude = coord(&mut c, "longitude", &input.longitude, 180.0);
        if latitude.is_some() != longitude.is_some() && !c.has("latitude") && !c.has("longitude") {
            c.push(if latitude.is_none() { "latitude" } else { "longitude" }, Invalid::Required);
        }
        if let (Some(lat), Some(lng)) = (latitude, longitude)
            && !atlas().inside(area, Point::new(lat, lng))
        {
            c.push("latitude", Invalid::Format { hint: "hint-coordinate-outside" });
        }
        let building = match input.building.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(v) => {
                let b = Building::parse(v);
                if b.is_none() {
                    c.push("building", Invalid::NotAllowed);
                }
                b
            }
        };
        let funding = match input.funding.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(v) => {
                let f = Funding::parse(v);
                if f.is_none() {
                    c.push("funding", Invalid::NotAllowed);
                }
                f
            }
        };
        let floor_area_m2 = num(&mut c, "floor_area_m2", &input.floor_area_m2, 200_000);
        let providers = num(&mut c, "providers", &input.providers, 500);
        let services = num(&mut c, "services", &input.services, 10_000);
        let address = text_opt(&mut c, "address", input.address.as_deref(), 500);
        let funding_note = text_opt(&mut c, "funding_note", input.funding_note.as_deref(), 300);
        let note = text_opt(&mut c, "note", input.note.as_deref(), 2000);
        let district_code = input.district_code.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let mpp_id = match &input.mpp_id {
            None => None,
            Some(Ok(id)) => Some(*id),
            Some(Err(_)) => {
                c.push("mpp_id", Invalid::Unknown);
                None
            }
        };
        let mut r = self.store.read().await?;
        if let Some(d) = &district_code
            && r.district(d).await?.is_none_or(|x| !(x.regency_code == area || x.code.starts_with(&format!("{area}."))))
        {
            c.push("district_code", Invalid::Unknown);
        }
        if let Some(m) = mpp_id
            && r.mpp(m)
                .await?
                .is_none_or(|x| !(x.regency_code == area || x.regency_code.starts_with(&format!("{area}."))))
        {
            c.push("mpp_id", Invalid::Unknown);
        }
        c.finish(LocationData {
            regency_code: area.to_string(),
            name,
            role: role.as_str().into(),
            mpp_id,
            district_code,
            address,
            latitude,
            longitude,
            building: building.map(|b| b.as_str().into()),
            floor_area_m2,
            funding: funding.map(|f| f.as_str().into()),
            funding_note,
            providers,
            services,
            digital: input.digital,
            note,
        })
        .map_err(Error::Invalid)
    }

    fn parse_event(location_id: i64, input: &EventInput) -> Result<EventData> {
        let mut c = Checker::new();
        let stage = Stage::parse(input.stage.trim());
        if stage.is_none() {
            c.push("stage", if input.stage.trim().is_empty() { Invalid::Required } else { Invalid::NotAllowed });
        }
        let date = parse_date(&mut c, "date", input.date.as_deref());
        if date.is_none() && !c.has("date") {
            c.push("date", Invalid::Required);
        }
        let precision = match input.date_precision.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => DatePrecision::Day,
            Some(v) => DatePrecision::parse(v).unwrap_or_else(|| {
                c.push("date_precision", Invalid::NotAllowed);
                DatePrecision::Day
            }),
        };
        if let Some(y) = input.target_year {
            c.range("target_year", y, 2017, 2100);
        }
        let note = c.opt_text("note", input.note.as_deref(), 2000);
        let source_url = c.opt_url("source_url", input.source_url.as_deref());
        let (stage, date) = c.finish((stage, date)).map_err(Error::Invalid)?;
        let (Some(stage), Some(date)) = (stage, date) else {
            return Err(Error::field("stage", Invalid::Required));
        };
        Ok(EventData {
            location_id,
            stage: stage.as_str().into(),
            date,
            date_precision: precision.as_str().into(),
            target_year: input.target_year.filter(|_| stage == Stage::Planned),
            note,
            source_url,
        })
    }

    /// Add a location to a regency's register (national admins).
    pub async fn create_rollout_location(
        &self,
        actor: &Actor,
        area: &str,
        input: &LocationInput,
    ) -> Result<LocationView> {
        Self::require_national(actor)?;
        self.area_name(area).await?.ok_or(Error::NotFound)?;
        let data = self.parse_location(area, input).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if tx.rollout_location_by_name(area, &data.name).await?.is_some() {
            return Err(Error::field("name", Invalid::Taken));
        }
        let id = tx.insert_rollout_location(&data, now).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "rollout_location", id, "create"),
            None::<&()>,
            Some(&data),
        )
        .await?;
        tx.commit().await?;
        self.rollout_location_view(id).await
    }

    /// Change a location's facts (national admins).
    pub async fn update_rollout_location(&self, actor: &Actor, id: i64, input: &LocationInput) -> Result<LocationView> {
        Self::require_national(actor)?;
        let before = {
            let mut r = self.store.read().await?;
            r.rollout_location(id).await?.ok_or(Error::NotFound)?
        };
        let data = self.parse_location(&before.regency_code, input).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if tx.rollout_location_by_name(&before.regency_code, &data.name).await?.is_some_and(|l| l.id != id) {
            return Err(Error::field("name", Invalid::Taken));
        }
        tx.update_rollout_location(id, &data, now).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "rollout_location", id, "update"),
            Some(&before),
            Some(&data),
        )
        .await?;
        tx.commit().await?;
        self.rollout_location_view(id).await
    }

    pub async fn rollout_location_view(&self, id: i64) -> Result<LocationView> {
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        let mut r = self.store.read().await?;
        let l = r.rollout_location(id).await?.ok_or(Error::NotFound)?;
        let events: Vec<EventRow> =
            r.rollout_events(Some(&l.regency_code)).await?.into_iter().filter(|e| e.location_id == id).collect();
        let all = dated(&events);
        Ok(location_view(&l, &events, &all, today))
    }

    /// Add a dated stage to a location (national admins).
    pub async fn add_rollout_event(&self, actor: &Actor, location_id: i64, input: &EventInput) -> Result<LocationView> {
        Self::require_national(actor)?;
        let data = Self::parse_event(location_id, input)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.rollout_location(location_id).await?.ok_or(Error::NotFound)?;
        let id = tx.insert_rollout_event(&data, actor.audit_id(), now).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "rollout_event", id, "create"),
            None::<&()>,
            Some(&data),
        )
        .await?;
        tx.commit().await?;
        self.rollout_location_view(location_id).await
    }

    /// Remove an event entered in error (national admins).
    pub async fn delete_rollout_event(&self, actor: &Actor, id: i64) -> Result<()> {
        Self::require_national(actor)?;
        let mut tx = self.store.begin().await?;
        let before = tx.rollout_event(id).await?.ok_or(Error::NotFound)?;
        tx.delete_rollout_event(id).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "rollout_event", id, "delete"),
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The national target for a year (national admins).
    pub async fn set_rollout_target(&self, actor: &Actor, input: &TargetInput) -> Result<Vec<TargetView>> {
        Self::require_national(actor)?;
        let mut c = Checker::new();
        c.range("year", input.year, 2017, 2100);
        c.range("regencies", input.regencies, 0, ALL_REGENCIES as i64);
        let note = c.opt_text("note", input.note.as_deref(), 500);
        c.finish(()).map_err(Error::Invalid)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.set_rollout_target(input.year, input.regencies, note.as_deref(), actor.audit_id(), now).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "rollout_target", input.year, "set"),
            None::<&()>,
            Some(&serde_json::json!({"year": input.year, "regencies": input.regencies, "note": note})),
        )
        .await?;
        let targets = tx.rollout_targets().await?;
        tx.commit().await?;
        Ok(targets.iter().map(target_view).collect())
    }

    pub async fn rollout_targets(&self) -> Result<Vec<TargetView>> {
        let mut r = self.store.read().await?;
        Ok(r.rollout_targets().await?.iter().map(target_view).collect())
    }

    // --- proposals (MPP managers) ---------------------------------------------------------------

    /// An MPP manager proposes a change for their own regency; nothing changes until accepted.
    pub async fn propose_rollout(&self, actor: &Actor, area: &str, input: &ProposalInput) -> Result<ProposalView> {
        let own = self.managed_regency(actor).await?;
        if own.as_deref() != Some(area) {
            return Err(Error::Forbidden);
        }
        let mut tx = self.store.read().await?;
        if let Some(id) = input.location_id
            && tx.rollout_location(id).await?.is_none_or(|l| l.regency_code != area)
        {
            return Err(Error::field("location_id", Invalid::Unknown));
        }
        drop(tx);
        // Check the change now, so the national admin decides on something that will apply.
        let payload = match input.kind.as_str() {
            "event" => {
                let id = input.location_id.ok_or_else(|| Error::field("location_id", Invalid::Required))?;
                let e = input.event.clone().ok_or_else(|| Error::field("event", Invalid::Required))?;
                Self::parse_event(id, &e)?;
                serde_json::to_value(&e).unwrap_or_default()
            }
            "location" => {
                let l = input.location.clone().ok_or_else(|| Error::field("location", Invalid::Required))?;
                let parsed: LocationInput = serde_json::from_value(l.clone())
                    .map_err(|_| Error::field("location", Invalid::Format { hint: "hint-json" }))?;
                self.parse_location(area, &parsed).await?;
                l
            }
            _ => return Err(Error::field("kind", Invalid::NotAllowed)),
        };
        let note = {
            let mut c = Checker::new();
            let n = c.opt_text("note", input.note.as_deref(), 1000);
            c.finish(n).map_err(Error::Invalid)?
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let text = payload.to_string();
        let id = tx
            .insert_rollout_proposal(area, input.location_id, &input.kind, &text, note.as_deref(), actor.user_id, now)
            .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(actor.mpp_id, "rollout_proposal", id, "propose"),
            None::<&()>,
            Some(&serde_json::json!({"kind": input.kind, "location_id": input.location_id, "payload": payload})),
        )
        .await?;
        let row = tx.rollout_proposal(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(proposal_view(&row))
    }

    /// Proposals: all for national admins, a manager's own regency's for them.
    pub async fn rollout_proposals(&self, actor: &Actor, status: Option<&str>) -> Result<Vec<ProposalView>> {
        let regency =
            if actor.is_national() { None } else { Some(self.managed_regency(actor).await?.ok_or(Error::Forbidden)?) };
        let mut r = self.store.read().await?;
        Ok(r.rollout_proposals(status, regency.as_deref()).await?.iter().map(proposal_view).collect())
    }

    /// Accept (apply) or reject a pending proposal (national admins); decided once.
    pub async fn decide_rollout_proposal(&self, actor: &Actor, id: i64, input: &DecisionInput) -> Result<ProposalView> {
        Self::require_national(actor)?;
        let accept = match input.decision.as_str() {
            "accept" => true,
            "reject" => false,
            _ => return Err(Error::field("decision", Invalid::NotAllowed)),
        };
        let p = {
            let mut r = self.store.read().await?;
            r.rollout_proposal(id).await?.ok_or(Error::NotFound)?
        };
        let payload: serde_json::Value = serde_json::from_str(&p.payload).unwrap_or_default();
        // What an accepted proposal writes, checked against the register as it is now.
        let apply = if accept {
            match p.kind.as_str() {
                "event" => {
                    let e: EventInput = serde_json::from_value(payload.clone()).unwrap_or_default();
                    Some((None, Some(Self::parse_event(p.location_id.ok_or(Error::NotFound)?, &e)?)))
                }
                _ => {
                    let l: LocationInput = serde_json::from_value(payload.clone()).unwrap_or_default();
                    Some((Some(self.parse_location(&p.regency_code, &l).await?), None))
                }
            }
        } else {
            None
        };
        let now = self.now();
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(1000).collect::<String>());
        let mut tx = self.store.begin().await?;
        let status = if accept { "accepted" } else { "rejected" };
        if !tx.decide_rollout_proposal(id, status, actor.user_id, note.as_deref(), now).await? {
            return Err(Error::refused(crate::Refusal::ProposalDecided));
        }
        match apply {
            Some((_, Some(event))) => {
                tx.insert_rollout_event(&event, Some(p.proposed_by), now).await?;
            }
            Some((Some(location), None)) => match p.location_id {
                Some(lid) => {
                    tx.update_rollout_location(lid, &location, now).await?;
                }
                None => {
                    if tx.rollout_location_by_name(&p.regency_code, &location.name).await?.is_some() {
                        return Err(Error::field("name", Invalid::Taken));
                    }
                    tx.insert_rollout_location(&location, now).await?;
                }
            },
            _ => {}
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "rollout_proposal", id, if accept { "accept" } else { "reject" }),
            Some(&serde_json::json!({"status": "pending"})),
            Some(&serde_json::json!({"status": status, "note": note})),
        )
        .await?;
        let row = tx.rollout_proposal(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(proposal_view(&row))
    }

    // --- CSV ------------------------------------------------------------------------------------

    /// Import events in the register's CSV shape (`regency_code,regency_name,mpp_name,event,date,
    /// date_precision,source_url,notes`). Every row is checked first; one bad row refuses the
    /// whole file (each problem named by line and column) and nothing is written. With
    /// `replace`, the register is emptied first (in the same transaction).
    pub async fn import_rollout_csv(&self, actor: &Actor, text: &str, replace: bool) -> Result<ImportResult> {
        Self::require_national(actor)?;
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(_) => return Err(Error::field("csv", Invalid::Format { hint: "ro-csv-header" })),
        };
        if header != CSV_COLUMNS {
            return Err(Error::field("csv", Invalid::Format { hint: "ro-csv-header" }));
        }
        let (areas, names) = {
            let mut r = self.store.read().await?;
            let mut names: HashMap<String, String> =
                r.regencies(None).await?.into_iter().map(|g| (g.code, g.name)).collect();
            names.extend(r.provinces().await?.into_iter().map(|p| (p.code, p.name)));
            (names.keys().cloned().collect::<HashSet<String>>(), names)
        };
        let mut rows = Vec::new();
        let mut errors: Vec<FieldError> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = match record {
                Ok(r) => r,
                Err(_) => {
                    errors.push(FieldError::line(line, "row", "ro-csv-columns"));
                    continue;
                }
            };
            let fields: Vec<&str> = record.iter().collect();
            match CsvRow::parse(&fields) {
                Ok(row) if !areas.contains(&row.regency_code) => {
                    errors.push(FieldError::line(line, "regency_code", "ro-csv-unknown-area"))
                }
                Ok(row) => rows.push(row),
                Err(problems) => errors.extend(problems.iter().map(|p| FieldError::line(line, p.column, p.key))),
            }
            if errors.len() > 200 {
                break;
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if replace {
            tx.clear_rollout().await?;
        }
        let mut result = ImportResult { rows: rows.len(), locations_created: 0, events_added: 0, duplicates: 0 };
        let mut location_ids: HashMap<(String, String), i64> = HashMap::new();
        let mut seen: HashSet<(i64, String, NaiveDate)> =
            tx.rollout_events(None).await?.into_iter().map(|e| (e.location_id, e.stage, e.date)).collect();
        for row in &rows {
            let area_name = names.get(&row.regency_code).cloned().unwrap_or_default();
            let name = if row.mpp_name.is_empty() { main_name(&area_name) } else { row.mpp_name.clone() };
            let key = (row.regency_code.clone(), name.clone());
            let id = match location_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = match tx.rollout_location_by_name(&row.regency_code, &name).await? {
                        Some(l) => l.id,
                        None => {
                            // A regency's first location is its main MPP; later ones are branches.
                            let first = !location_ids.keys().any(|(a, _)| *a == row.regency_code)
                                && tx.rollout_locations(Some(&row.regency_code)).await?.is_empty();
                            let data = LocationData {
                                regency_code: row.regency_code.clone(),
                                name: name.clone(),
                                role: if first { "main" } else { "branch" }.into(),
                                ..LocationData::default()
                            };
                            result.locations_created += 1;
                            tx.insert_rollout_location(&data, now).await?
                        }
                    };
                    location_ids.insert(key, id);
                    id
                }
            };
            if !seen.insert((id, row.stage.as_str().to_string(), row.date)) {
                result.duplicates += 1;
                continue;
            }
            let e = EventData {
                location_id: id,
                stage: row.stage.as_str().into(),
                date: row.date,
                date_precision: row.precision.as_str().into(),
                target_year: (row.stage == Stage::Planned).then(|| i64::from(row.date.year())),
                note: row.notes.clone(),
                source_url: row.source_url.clone(),
            };
            tx.insert_rollout_event(&e, actor.audit_id(), now).await?;
            result.events_added += 1;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "rollout", "register", if replace { "import_replace" } else { "import" }),
            None::<&()>,
            Some(&result),
        )
        .await?;
        tx.commit().await?;
        Ok(result)
    }

    /// The register as CSV, one row per event, oldest first (the shape the import reads).
    pub async fn export_rollout_csv(&self) -> Result<String> {
        let mut r = self.store.read().await?;
        let locations = r.rollout_locations(None).await?;
        let events = r.rollout_events(None).await?;
        drop(r);
        let by_id: HashMap<i64, &LocationRow> = locations.iter().map(|l| (l.id, l)).collect();
        let mut sheet = crate::csv::Sheet::new(&CSV_COLUMNS);
        for e in &events {
            let Some(l) = by_id.get(&e.location_id) else { continue };
            sheet.row([
                l.regency_code.as_str(),
                l.regency_name.as_str(),
                l.name.as_str(),
                e.stage.as_str(),
                &e.date.to_string(),
                e.date_precision.as_str(),
                e.source_url.as_deref().unwrap_or(""),
                e.note.as_deref().unwrap_or(""),
            ]);
        }
        Ok(sheet.into_string())
    }

    /// Load reported national totals (`date,count_in_batch,national_total_after,source_url`).
    pub async fn import_reported_totals(&self, actor: &Actor, text: &str) -> Result<usize> {
        Self::require_national(actor)?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let Ok(r) = record else {
                errors.push(FieldError::line(line, "row", "ro-csv-columns"));
                continue;
            };
            let date = r.get(0).and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
            let num = |i: usize| r.get(i).map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse::<i64>());
            match (date, num(1).transpose(), num(2).transpose()) {
                (Some(d), Ok(batch), Ok(total)) => rows.push((d, total, batch, r.get(3).map(str::to_string))),
                _ => errors.push(FieldError::line(line, "row", "ro-csv-date")),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let mut tx = self.store.begin().await?;
        for (d, total, batch, url) in &rows {
            tx.insert_rollout_reported(*d, *total, *batch, url.as_deref().filter(|u| !u.is_empty())).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Link a register location to the MPP running on this platform, with its facts.
    pub(crate) async fn link_rollout_location(
        &self,
        area: &str,
        name: &str,
        mpp_id: i64,
        input: &LocationInput,
    ) -> Result<i64> {
        let data = LocationData { mpp_id: Some(mpp_id), ..self.parse_location(area, input).await? };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let id = match tx.rollout_location_by_name(area, name).await? {
            Some(l) => {
                tx.update_rollout_location(l.id, &data, now).await?;
                l.id
            }
            None => tx.insert_rollout_location(&data, now).await?,
        };
        tx.commit().await?;
        Ok(id)
    }
}

fn target_view(t: &TargetRow) -> TargetView {
    TargetView { year: t.year, regencies: t.regencies, note: t.note.clone() }
}

fn reported_view(r: &ReportedRow) -> ReportedTotal {
    ReportedTotal { date: r.date, total: r.total, in_batch: r.in_batch, source_url: r.source_url.clone() }
}

fn proposal_view(p: &ProposalRow) -> ProposalView {
    ProposalView {
        id: p.id,
        regency_code: p.regency_code.clone(),
        regency_name: p.regency_name.clone(),
        location_id: p.location_id,
        kind: p.kind.clone(),
        payload: serde_json::from_str(&p.payload).unwrap_or_default(),
        status: p.status.clone(),
        note: p.note.clone(),
        proposer_name: p.proposer_name.clone(),
        decided_at: p.decided_at,
        decision_note: p.decision_note.clone(),
        created_at: p.created_at,
    }
}
