//! The map data, read once per process: every regency's shape (for the national
//! map), every district's inside point and area (for the accessibility study),
//! and, on first use, the districts' shapes (for a regency's map). Projected
//! SVG paths are made once and kept.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use satuatap_domain::geo::{BBox, Feature, Point, Projection, Shape, parse_features};
use satuatap_store::registry::{GEO_DISTRICT_POINTS, GEO_DISTRICTS, GEO_REGENCIES};

/// Width of the national map's canvas.
pub const NATIONAL_WIDTH: f64 = 1000.0;
/// Width of a regency map's canvas.
pub const REGENCY_WIDTH: f64 = 640.0;

#[derive(Debug, Clone)]
pub struct DistrictGeo {
    pub code: String,
    pub regency_code: String,
    /// A point guaranteed inside the district.
    pub point: Point,
    pub area_km2: f64,
}

/// A projected map: the canvas and each area's path.
#[derive(Debug, Clone)]
pub struct MapPaths {
    pub width: f64,
    pub height: f64,
    pub projection: Projection,
    pub paths: Vec<(String, String)>,
}

pub struct Atlas {
    regencies: HashMap<String, Shape>,
    districts: Vec<DistrictGeo>,
    by_regency: HashMap<String, Vec<usize>>,
    national: OnceLock<MapPaths>,
    district_shapes: OnceLock<HashMap<String, Vec<Feature>>>,
    regency_maps: Mutex<HashMap<String, std::sync::Arc<MapPaths>>>,
}

static ATLAS: OnceLock<Atlas> = OnceLock::new();

/// The atlas (parsed on first use; the data is in the binary, so it cannot be missing).
pub fn atlas() -> &'static Atlas {
    ATLAS.get_or_init(|| Atlas::load().unwrap_or_else(|e| panic!("embedded map data is broken: {e}")))
}

impl Atlas {
    fn load() -> Result<Atlas, String> {
        let regencies = parse_features(GEO_REGENCIES)?.into_iter().map(|f| (f.code, f.shape)).collect();
        let mut districts = Vec::new();
        let mut reader = csv::Reader::from_reader(GEO_DISTRICT_POINTS.as_bytes());
        for r in reader.records() {
            let r = r.map_err(|e| format!("districts-geo.csv: {e}"))?;
            let num = |i: usize| r[i].parse::<f64>().map_err(|_| format!("districts-geo.csv: {} column {i}", &r[0]));
            let code = r[0].to_string();
            let regency_code = code.rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or_default();
            districts.push(DistrictGeo { point: Point::new(num(3)?, num(4)?), area_km2: num(5)?, code, regency_code });
        }
        let mut by_regency: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in districts.iter().enumerate() {
            by_regency.entry(d.regency_code.clone()).or_default().push(i);
        }
        Ok(Atlas {
            regencies,
            districts,
            by_regency,
            national: OnceLock::new(),
            district_shapes: OnceLock::new(),
            regency_maps: Mutex::new(HashMap::new()),
        })
    }

    pub fn regency_shape(&self, code: &str) -> Option<&Shape> {
        self.regencies.get(code)
    }

    /// The districts of a regency (or, for a province-level code such as `31`, of the province).
    pub fn districts_of(&self, area: &str) -> Vec<&DistrictGeo> {
        if area.len() == 2 {
            let prefix = format!("{area}.");
            return self.districts.iter().filter(|d| d.code.starts_with(&prefix)).collect();
        }
        self.by_regency.get(area).map(|ix| ix.iter().map(|i| &self.districts[*i]).collect()).unwrap_or_default()
    }

    pub fn district(&self, code: &str) -> Option<&DistrictGeo> {
        let regency = code.rsplit_once('.').map(|(a, _)| a)?;
        self.by_regency.get(regency)?.iter().map(|i| &self.districts[*i]).find(|d| d.code == code)
    }

    /// Whether a point lies inside a regency's shape (for a province-level code, any of its regencies).
    pub fn inside(&self, area: &str, p: Point) -> bool {
        if area.len() == 2 {
            let prefix = format!("{area}.");
            return self.regencies.iter().any(|(code, s)| code.starts_with(&prefix) && s.contains(p));
        }
        self.regencies.get(area).is_some_and(|s| s.contains(p))
    }

    /// The 514 regencies projected for the national map (made once).
    pub fn national_map(&self) -> &MapPaths {
        self.national.get_or_init(|| {
            let bbox = self
                .regencies
                .values()
                .filter_map(Shape::bbox)
                .reduce(BBox::union)
                .unwrap_or(BBox { min_lng: 95.0, min_lat: -11.0, max_lng: 141.0, max_lat: 6.0 })
                .padded(0.01);
            let projection = Projection::fit(bbox, NATIONAL_WIDTH);
            let mut paths: Vec<(String, String)> =
                self.regencies.iter().map(|(code, s)| (code.clone(), projection.path(s))).collect();
            paths.sort();
            MapPaths { width: projection.width, height: projection.height, projection, paths }
        })
    }

    /// One regency's districts projected for its map (made on first use, then kept).
    pub fn regency_map(&self, regency: &str) -> Option<std::sync::Arc<MapPaths>> {
        if let Ok(maps) = self.regency_maps.lock()
            && let Some(m) = maps.get(regency)
        {
            return Some(m.clone());
        }
        let shapes = self.district_shapes.get_or_init(|| {
            let mut by: HashMap<String, Vec<Feature>> = HashMap::new();
            for f in parse_features(GEO_DISTRICTS).unwrap_or_default() {
                let regency = f.code.rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or_default();
                by.entry(regency).or_default().push(f);
            }
            by
        });
        let features: Vec<&Feature> = if regency.len() == 2 {
            let prefix = format!("{regency}.");
            shapes.iter().filter(|(k, _)| k.starts_with(&prefix)).flat_map(|(_, v)| v).collect()
        } else {
            shapes.get(regency)?.iter().collect()
        };
        let bbox = features.iter().filter_map(|f| f.shape.bbox()).reduce(BBox::union)?.padded(0.04);
        let projection = Projection::fit(bbox, REGENCY_WIDTH);
        let mut paths: Vec<(String, String)> =
            features.iter().map(|f| (f.code.clone(), projection.path(&f.shape))).collect();
        paths.sort();
        let map =
            std::sync::Arc::new(MapPaths { width: projection.width, height: projection.height, projection, paths });
        if let Ok(mut maps) = self.regency_maps.lock() {
            maps.insert(regency.to_string(), map.clone());
        }
        Some(map)
    }
}
