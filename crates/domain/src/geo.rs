//! Geometry for the national map and the accessibility study: great-circle
//! distance, point in polygon, projecting shapes to SVG, and the greedy maximal
//! covering that ranks candidate sites for a new MPP. Distances are straight
//! lines over the earth's surface; in an archipelago they understate travel.

use serde_json::Value;

/// Mean earth radius (IUGG), kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lng: f64,
}

impl Point {
    pub fn new(lat: f64, lng: f64) -> Point {
        Point { lat, lng }
    }

    /// Whether this is a coordinate on the earth (and not the 0,0 of a missing value).
    pub fn is_plausible(self) -> bool {
        (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lng)
            && !(self.lat == 0.0 && self.lng == 0.0)
    }
}

/// Great-circle distance in kilometres (haversine).
pub fn haversine_km(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlng = (b.lng - a.lng).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// An estimated travel time: the straight line made longer by a detour factor
/// (roads are not straight), at an average speed.
pub fn travel_minutes(distance_km: f64, detour: f64, speed_kmh: f64) -> f64 {
    if speed_kmh <= 0.0 { f64::INFINITY } else { distance_km * detour / speed_kmh * 60.0 }
}

/// A closed ring of `[lng, lat]` positions (GeoJSON order).
pub type Ring = Vec<[f64; 2]>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Polygon {
    pub outer: Ring,
    pub holes: Vec<Ring>,
}

/// One area's shape: a polygon or several (islands).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shape {
    pub polygons: Vec<Polygon>,
}

/// Even-odd ray casting: whether `p` lies inside `ring`.
fn in_ring(ring: &Ring, p: Point) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let ([xi, yi], [xj, yj]) = (ring[i], ring[j]);
        if (yi > p.lat) != (yj > p.lat) && p.lng < (xj - xi) * (p.lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

impl Shape {
    pub fn contains(&self, p: Point) -> bool {
        self.polygons.iter().any(|poly| in_ring(&poly.outer, p) && !poly.holes.iter().any(|h| in_ring(h, p)))
    }

    pub fn bbox(&self) -> Option<BBox> {
        let mut b: Option<BBox> = None;
        for poly in &self.polygons {
            for &[lng, lat] in &poly.outer {
                b = Some(match b {
                    None => BBox { min_lng: lng, min_lat: lat, max_lng: lng, max_lat: lat },
                    Some(b) => b.with(lng, lat),
                });
            }
        }
        b
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lng: f64,
    pub min_lat: f64,
    pub max_lng: f64,
    pub max_lat: f64,
}

impl BBox {
    fn with(self, lng: f64, lat: f64) -> BBox {
        BBox {
            min_lng: self.min_lng.min(lng),
            min_lat: self.min_lat.min(lat),
            max_lng: self.max_lng.max(lng),
            max_lat: self.max_lat.max(lat),
        }
    }

    pub fn union(self, o: BBox) -> BBox {
        self.with(o.min_lng, o.min_lat).with(o.max_lng, o.max_lat)
    }

    /// Grown by `f` of its size on every side (room for markers at the edge).
    pub fn padded(self, f: f64) -> BBox {
        let (dx, dy) = ((self.max_lng - self.min_lng) * f, (self.max_lat - self.min_lat) * f);
        BBox {
            min_lng: self.min_lng - dx,
            min_lat: self.min_lat - dy,
            max_lng: self.max_lng + dx,
            max_lat: self.max_lat + dy,
        }
    }
}

/// Longitude and latitude onto an SVG canvas: equirectangular, with the
/// longitude scaled by the cosine of the middle latitude so shapes near the
/// equator (all of Indonesia) keep their proportions; north is up.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    bbox: BBox,
    kx: f64,
    ky: f64,
    pub width: f64,
    pub height: f64,
}

impl Projection {
    /// Fit `bbox` into a canvas `width` wide; the height follows.
    pub fn fit(bbox: BBox, width: f64) -> Projection {
        let mid = ((bbox.min_lat + bbox.max_lat) / 2.0).to_radians().cos().max(0.01);
        let span_x = ((bbox.max_lng - bbox.min_lng) * mid).max(1e-9);
        let span_y = (bbox.max_lat - bbox.min_lat).max(1e-9);
        let k = width / span_x;
        Projection { bbox, kx: k * mid, ky: k, width, height: (span_y * k).ceil() }
    }

    pub fn xy(&self, lng: f64, lat: f64) -> (f64, f64) {
        ((lng - self.bbox.min_lng) * self.kx, (self.bbox.max_lat - lat) * self.ky)
    }

    /// The SVG path data of a shape, to one decimal of the canvas; points that
    /// land on the same spot at this scale are dropped (a national map stays small).
    pub fn path(&self, shape: &Shape) -> String {
        let mut d = String::new();
        for poly in &shape.polygons {
            for ring in std::iter::once(&poly.outer).chain(&poly.holes) {
                self.ring(&mut d, ring);
            }
        }
        d
    }

    fn ring(&self, d: &mut String, ring: &Ring) {
        use std::fmt::Write;
        let mut last: Option<(i64, i64)> = None;
        let mut count = 0;
        let start = d.len();
        for &[lng, lat] in ring {
            let (x, y) = self.xy(lng, lat);
            let q = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
            if last == Some(q) {
                continue;
            }
            let cmd = if last.is_none() { 'M' } else { 'L' };
            let _ = write!(d, "{cmd}{}{}", tenth(q.0), tenth_sep(q.1));
            last = Some(q);
            count += 1;
        }
        if count < 3 {
            d.truncate(start);
        } else {
            d.push('Z');
        }
    }
}

/// A coordinate in tenths as text: `123.4`, `12` (no trailing `.0`).
fn tenth(v: i64) -> String {
    let (sign, a) = if v < 0 { ("-", -v) } else { ("", v) };
    if a % 10 == 0 { format!("{sign}{}", a / 10) } else { format!("{sign}{}.{}", a / 10, a % 10) }
}

/// The second coordinate, with the separator SVG needs (a minus sign separates itself).
fn tenth_sep(v: i64) -> String {
    let t = tenth(v);
    if t.starts_with('-') { t } else { format!(" {t}") }
}

/// One feature of a GeoJSON collection: its `code`, its `name` (if any) and shape.
#[derive(Debug, Clone)]
pub struct Feature {
    pub code: String,
    pub name: Option<String>,
    pub shape: Shape,
}

fn ring_of(v: &Value) -> Option<Ring> {
    v.as_array()?
        .iter()
        .map(|p| {
            let p = p.as_array()?;
            Some([p.first()?.as_f64()?, p.get(1)?.as_f64()?])
        })
        .collect()
}

fn polygon_of(v: &Value) -> Option<Polygon> {
    let rings = v.as_array()?;
    let mut it = rings.iter().map(ring_of);
    let outer = it.next()??;
    let holes = it.collect::<Option<Vec<Ring>>>()?;
    Some(Polygon { outer, holes })
}

/// Read a GeoJSON FeatureCollection of Polygons and MultiPolygons whose
/// features carry `properties.code`; anything else is an error naming the feature.
pub fn parse_features(text: &str) -> Result<Vec<Feature>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let features = v["features"].as_array().ok_or("no features")?;
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let code = f["properties"]["code"].as_str().ok_or(format!("feature {i}: no code"))?.to_string();
            let name = f["properties"]["name"].as_str().map(str::to_string);
            let g = &f["geometry"];
            let coords = &g["coordinates"];
            let polygons = match g["type"].as_str() {
                Some("Polygon") => vec![polygon_of(coords).ok_or(format!("{code}: bad polygon"))?],
                Some("MultiPolygon") => coords
                    .as_array()
                    .ok_or(format!("{code}: bad multipolygon"))?
                    .iter()
                    .map(|p| polygon_of(p).ok_or(format!("{code}: bad polygon")))
                    .collect::<Result<_, _>>()?,
                other => return Err(format!("{code}: geometry {other:?}")),
            };
            Ok(Feature { code, name, shape: Shape { polygons } })
        })
        .collect()
}

/// A place people live, for the covering: a district's inside point and population.
#[derive(Debug, Clone, Copy)]
pub struct Demand {
    pub point: Point,
    pub population: f64,
}

/// One step of the greedy covering: the candidate chosen, the population it
/// newly covers, and which demands those are.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub candidate: usize,
    pub gain: f64,
    pub covered: Vec<usize>,
}

/// Greedy maximal covering (Church & ReVelle's problem, the greedy heuristic):
/// with demands already covered by `existing` sites within `radius_km`, pick
/// up to `k` candidates one at a time, each the one that newly covers the most
/// population (ties to the lower index); stop early when nothing more is gained.
pub fn greedy_cover(
    demands: &[Demand],
    candidates: &[Point],
    existing: &[Point],
    radius_km: f64,
    k: usize,
) -> Vec<Pick> {
    let mut covered: Vec<bool> =
        demands.iter().map(|d| existing.iter().any(|e| haversine_km(d.point, *e) <= radius_km)).collect();
    // Which demands each candidate reaches, computed once.
    let reach: Vec<Vec<usize>> = candidates
        .iter()
        .map(|c| (0..demands.len()).filter(|&i| haversine_km(demands[i].point, *c) <= radius_km).collect())
        .collect();
    let mut picks = Vec::new();
    for _ in 0..k {
        let mut best: Option<(usize, f64)> = None;
        for (ci, r) in reach.iter().enumerate() {
            if picks.iter().any(|p: &Pick| p.candidate == ci) {
                continue;
            }
            let gain: f64 = r.iter().filter(|&&i| !covered[i]).map(|&i| demands[i].population).sum();
            if best.is_none_or(|(_, g)| gain > g) {
                best = Some((ci, gain));
            }
        }
        let Some((ci, gain)) = best.filter(|(_, g)| *g > 0.0) else { break };
        let newly: Vec<usize> = reach[ci].iter().copied().filter(|&i| !covered[i]).collect();
        for &i in &newly {
            covered[i] = true;
        }
        picks.push(Pick { candidate: ci, gain, covered: newly });
    }
    picks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn distances_match_known_values() {
        // One degree of latitude is πR/180 ≈ 111.195 km.
        assert!(close(haversine_km(Point::new(0.0, 106.0), Point::new(1.0, 106.0)), 111.195, 0.01));
        // One degree of longitude at 60° is half that.
        assert!(close(haversine_km(Point::new(60.0, 0.0), Point::new(60.0, 1.0)), 55.596, 0.01));
        // Bogor (Balai Kota) to Jakarta (Monas): about 47 km as the crow flies.
        let d = haversine_km(Point::new(-6.5950, 106.7978), Point::new(-6.1754, 106.8272));
        assert!(close(d, 46.8, 0.5), "{d}");
        assert_eq!(haversine_km(Point::new(-6.6, 106.8), Point::new(-6.6, 106.8)), 0.0);
        // 10 km with a detour of 1.3 at 30 km/h: 26 minutes.
        assert!(close(travel_minutes(10.0, 1.3, 30.0), 26.0, 1e-9));
    }

    fn square(x0: f64, y0: f64, s: f64) -> Ring {
        vec![[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]]
    }

    #[test]
    fn points_in_polygons_with_holes_and_islands() {
        let shape = Shape {
            polygons: vec![
                Polygon { outer: square(0.0, 0.0, 10.0), holes: vec![square(4.0, 4.0, 2.0)] },
                Polygon { outer: square(20.0, 0.0, 1.0), holes: vec![] },
            ],
        };
        assert!(shape.contains(Point::new(1.0, 1.0)));
        assert!(!shape.contains(Point::new(5.0, 5.0)), "inside the hole");
        assert!(shape.contains(Point::new(0.5, 20.5)), "on the island");
        assert!(!shape.contains(Point::new(5.0, 15.0)));
        assert_eq!(shape.bbox().unwrap(), BBox { min_lng: 0.0, min_lat: 0.0, max_lng: 21.0, max_lat: 10.0 });
    }

    #[test]
    fn projection_keeps_north_up_and_proportions() {
        let b = BBox { min_lng: 100.0, min_lat: -10.0, max_lng: 110.0, max_lat: 0.0 };
        let p = Projection::fit(b, 1000.0);
        assert_eq!(p.xy(100.0, 0.0), (0.0, 0.0));
        let (x, y) = p.xy(110.0, -10.0);
        assert!(close(x, 1000.0, 1e-6));
        // cos(5°) squeezes longitude: the canvas is a little taller than wide.
        assert!(close(y, 1000.0 / 5f64.to_radians().cos(), 1e-6), "{y}");
        let s = Shape { polygons: vec![Polygon { outer: square(100.0, -10.0, 10.0), holes: vec![] }] };
        let d = p.path(&s);
        assert!(d.starts_with("M0 1003.8L1000 1003.8L1000 0L0 0") && d.ends_with('Z'), "{d}");
        assert_eq!(tenth_sep(-25), "-2.5");
    }

    #[test]
    fn geojson_polygons_and_multipolygons_are_read() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"32.71","name":"Bogor"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
            {"type":"Feature","properties":{"code":"32.01"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}}]}"#;
        let f = parse_features(text).unwrap();
        assert_eq!((f[0].code.as_str(), f[0].name.as_deref()), ("32.71", Some("Bogor")));
        assert_eq!(f[1].shape.polygons.len(), 2);
        assert!(parse_features(r#"{"features":[{"properties":{},"geometry":{}}]}"#).unwrap_err().contains("no code"));
    }

    /// Five villages on a line, 10 km apart near the equator (0.0899° of
    /// longitude each), an existing MPP at the first; radius 12 km: it covers
    /// villages 0 and 1. Computed by hand: a site at village 3 reaches 2, 3 and
    /// 4 (population 300 + 500 + 50 = 850); after it, nothing is left to gain.
    #[test]
    fn the_greedy_covering_picks_what_a_hand_count_picks() {
        let step = 10.0 / 111.195;
        let pts: Vec<Point> = (0..5).map(|i| Point::new(0.0, 100.0 + step * i as f64)).collect();
        let pops = [1000.0, 200.0, 300.0, 500.0, 50.0];
        let demands: Vec<Demand> =
            pts.iter().zip(pops).map(|(p, population)| Demand { point: *p, population }).collect();
        let picks = greedy_cover(&demands, &pts, &pts[..1], 12.0, 3);
        assert_eq!(picks.len(), 1, "{picks:?}");
        assert_eq!(picks[0], Pick { candidate: 3, gain: 850.0, covered: vec![2, 3, 4] });
        // With a 6 km radius each site covers only itself: 500, then 300, then 200.
        let picks = greedy_cover(&demands, &pts, &pts[..1], 6.0, 3);
        let order: Vec<(usize, f64)> = picks.iter().map(|p| (p.candidate, p.gain)).collect();
        assert_eq!(order, vec![(3, 500.0), (2, 300.0), (1, 200.0)]);
    }
}
