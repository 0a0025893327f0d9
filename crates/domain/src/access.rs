//! The accessibility study of a regency ("kajian kebutuhan MPP"): how far each
//! district's people live from the nearest MPP (straight line, and an estimated
//! travel time), how many live within the regency's thresholds, and where a new
//! location would reach the most people not reached yet (greedy maximal
//! covering over the districts' inside points).

use crate::geo::{Demand, Point, greedy_cover, haversine_km, travel_minutes};

/// What a regency sets for its study; the defaults are stated on every report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// A district counts as covered when its inside point is this close to an MPP.
    pub radius_km: f64,
    /// …or, for the second measure, this many minutes away.
    pub minutes: f64,
    /// Roads are longer than the straight line by this factor.
    pub detour: f64,
    /// Average door-to-door speed.
    pub speed_kmh: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { radius_km: 5.0, minutes: 30.0, detour: 1.4, speed_kmh: 30.0 }
    }
}

impl Settings {
    /// Each value within what a study can mean; the field that is not, otherwise.
    pub fn check(&self) -> Result<(), &'static str> {
        if !(0.5..=200.0).contains(&self.radius_km) {
            return Err("radius_km");
        }
        if !(5.0..=600.0).contains(&self.minutes) {
            return Err("minutes");
        }
        if !(1.0..=3.0).contains(&self.detour) {
            return Err("detour");
        }
        if !(3.0..=120.0).contains(&self.speed_kmh) {
            return Err("speed_kmh");
        }
        Ok(())
    }
}

/// A district as the study needs it.
#[derive(Debug, Clone)]
pub struct District {
    pub code: String,
    pub name: String,
    /// A point guaranteed inside the district.
    pub point: Point,
    pub area_km2: f64,
    pub population: f64,
    /// The population is an estimate (the regency's total split by area), not an entered figure.
    pub estimated: bool,
}

/// An MPP location the study measures from (this regency's or a neighbour's).
#[derive(Debug, Clone)]
pub struct Site {
    pub id: i64,
    pub name: String,
    pub regency_code: String,
    pub point: Point,
    /// The point is a stand-in (the location's coordinates are not recorded).
    pub approximate: bool,
}

/// Distance bands of the map, as multiples of the radius.
pub const BANDS: [f64; 4] = [0.5, 1.0, 2.0, 4.0];

#[derive(Debug, Clone)]
pub struct DistrictResult {
    pub index: usize,
    pub nearest: Option<usize>,
    pub distance_km: f64,
    pub minutes: f64,
    /// 0 (within half the radius) … 4 (beyond four times it).
    pub band: usize,
    pub within_radius: bool,
    pub within_minutes: bool,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    /// The district whose inside point the new location would stand at.
    pub district: usize,
    /// People newly within the radius, and which districts they live in.
    pub gain: f64,
    pub covered: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Study {
    pub districts: Vec<DistrictResult>,
    pub population: f64,
    pub within_radius: f64,
    pub within_minutes: f64,
    /// The greedy picks, k = 1, 2, 3 (fewer when nothing more is gained).
    pub candidates: Vec<Candidate>,
}

fn band(distance: f64, radius: f64) -> usize {
    BANDS.iter().position(|b| distance <= b * radius).unwrap_or(BANDS.len())
}

/// Split a regency's registered population over its districts by area: the
/// estimate used until the regency enters its own figures.
pub fn estimate_by_area(total: f64, areas: &[f64]) -> Vec<f64> {
    let sum: f64 = areas.iter().sum();
    if sum <= 0.0 {
        let n = areas.len().max(1) as f64;
        return areas.iter().map(|_| total / n).collect();
    }
    areas.iter().map(|a| total * a / sum).collect()
}

/// The nearest site to `p`: its index and the distance.
pub fn nearest(sites: &[Site], p: Point) -> Option<(usize, f64)> {
    sites.iter().enumerate().map(|(i, s)| (i, haversine_km(p, s.point))).min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The study of one regency's districts against every site.
pub fn study(districts: &[District], sites: &[Site], s: &Settings, k: usize) -> Study {
    let results: Vec<DistrictResult> = districts
        .iter()
        .enumerate()
        .map(|(index, d)| {
            let (nearest, distance_km) = match nearest(sites, d.point) {
                Some((i, km)) => (Some(i), km),
                None => (None, f64::INFINITY),
            };
            let minutes = travel_minutes(distance_km, s.detour, s.speed_kmh);
            DistrictResult {
                index,
                nearest,
                distance_km,
                minutes,
                band: band(distance_km, s.radius_km),
                within_radius: distance_km <= s.radius_km,
                within_minutes: minutes <= s.minutes,
            }
        })
        .collect();
    let population = districts.iter().map(|d| d.population).sum();
    let sum_where = |f: &dyn Fn(&DistrictResult) -> bool| -> f64 {
        results.iter().filter(|r| f(r)).map(|r| districts[r.index].population).sum()
    };
    let within_radius = sum_where(&|r| r.within_radius);
    let within_minutes = sum_where(&|r| r.within_minutes);
    let demands: Vec<Demand> = districts.iter().map(|d| Demand { point: d.point, population: d.population }).collect();
    let points: Vec<Point> = districts.iter().map(|d| d.point).collect();
    let existing: Vec<Point> = sites.iter().map(|x| x.point).collect();
    let candidates = greedy_cover(&demands, &points, &existing, s.radius_km, k)
        .into_iter()
        .map(|p| Candidate { district: p.candidate, gain: p.gain, covered: p.covered })
        .collect();
    Study { districts: results, population, within_radius, within_minutes, candidates }
}

/// What a new location at `at` would add: the districts newly within the radius
/// (and within the minutes) and the people living there.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub covered: Vec<usize>,
    pub gain: f64,
    pub covered_by_minutes: Vec<usize>,
    pub gain_by_minutes: f64,
}

pub fn what_if(districts: &[District], sites: &[Site], s: &Settings, at: Point) -> WhatIf {
    let mut out = WhatIf { covered: Vec::new(), gain: 0.0, covered_by_minutes: Vec::new(), gain_by_minutes: 0.0 };
    for (i, d) in districts.iter().enumerate() {
        let now = nearest(sites, d.point).map(|(_, km)| km).unwrap_or(f64::INFINITY);
        let then = haversine_km(d.point, at);
        if then <= s.radius_km && now > s.radius_km {
            out.covered.push(i);
            out.gain += d.population;
        }
        let (now_min, then_min) =
            (travel_minutes(now, s.detour, s.speed_kmh), travel_minutes(then, s.detour, s.speed_kmh));
        if then_min <= s.minutes && now_min > s.minutes {
            out.covered_by_minutes.push(i);
            out.gain_by_minutes += d.population;
        }
    }
    out
}

/// The people of a regency beyond the radius of any site (the national ranking).
pub fn beyond(districts: &[District], sites: &[Site], radius_km: f64) -> f64 {
    districts
        .iter()
        .filter(|d| nearest(sites, d.point).is_none_or(|(_, km)| km > radius_km))
        .map(|d| d.population)
        .sum()
}

/// A stand-in point for a location whose coordinates are not recorded: the
/// inside point of its regency's district closest on average to all the others
/// (a medoid: the regency's most central place), always labelled as approximate.
pub fn central_point(points: &[Point]) -> Option<Point> {
    points
        .iter()
        .map(|p| (p, points.iter().map(|q| haversine_km(*p, *q)).sum::<f64>()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(p, _)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four districts on a line 4 km apart at the equator; one MPP at the first.
    fn line() -> (Vec<District>, Vec<Site>) {
        let step = 4.0 / 111.195;
        let pops = [10_000.0, 20_000.0, 30_000.0, 40_000.0];
        let districts = (0..4)
            .map(|i| District {
                code: format!("99.01.0{}", i + 1),
                name: format!("D{i}"),
                point: Point::new(0.0, 100.0 + step * i as f64),
                area_km2: 10.0,
                population: pops[i],
                estimated: false,
            })
            .collect();
        let sites = vec![Site {
            id: 1,
            name: "MPP".into(),
            regency_code: "99.01".into(),
            point: Point::new(0.0, 100.0),
            approximate: false,
        }];
        (districts, sites)
    }

    #[test]
    fn distances_coverage_and_candidates_by_hand() {
        let (districts, sites) = line();
        let s = Settings::default(); // 5 km, 30 min, detour 1.4, 30 km/h
        let st = study(&districts, &sites, &s, 3);
        let km: Vec<f64> = st.districts.iter().map(|r| (r.distance_km * 10.0).round() / 10.0).collect();
        assert_eq!(km, [0.0, 4.0, 8.0, 12.0]);
        // 8 km × 1.4 / 30 km/h = 22.4 minutes; 12 km → 33.6 minutes.
        assert!((st.districts[2].minutes - 22.4).abs() < 0.01 && (st.districts[3].minutes - 33.6).abs() < 0.01);
        assert_eq!(st.population, 100_000.0);
        assert_eq!(st.within_radius, 30_000.0, "D0 and D1 within 5 km");
        assert_eq!(st.within_minutes, 60_000.0, "D0, D1 and D2 within 30 minutes");
        let bands: Vec<usize> = st.districts.iter().map(|r| r.band).collect();
        assert_eq!(bands, [0, 1, 2, 3], "≤ 2.5, ≤ 5, ≤ 10, ≤ 20 km");
        // A site at D2 reaches D1, D2 and D3 (4 km each way): 70,000 newly covered (D1 is
        // already); at D3 the same 70,000, and a tie goes to the first. Then nothing is left.
        assert_eq!(st.candidates.len(), 1);
        assert_eq!((st.candidates[0].district, st.candidates[0].gain), (2, 70_000.0));
        assert_eq!(st.candidates[0].covered, vec![2, 3]);
        // The people beyond 5 km of any MPP.
        assert_eq!(beyond(&districts, &sites, 5.0), 70_000.0);
    }

    #[test]
    fn what_if_uses_the_typed_point() {
        let (districts, sites) = line();
        let s = Settings::default();
        // Between D2 and D3 (10 km from the MPP): both within 5 km of it.
        let at = Point::new(0.0, 100.0 + 10.0 / 111.195);
        let w = what_if(&districts, &sites, &s, at);
        assert_eq!((w.covered.clone(), w.gain), (vec![2, 3], 70_000.0));
        // By time only D3 was beyond 30 minutes; it is now within.
        assert_eq!((w.covered_by_minutes, w.gain_by_minutes), (vec![3], 40_000.0));
        // A point on the existing MPP adds no one.
        assert_eq!(what_if(&districts, &sites, &s, Point::new(0.0, 100.0)).gain, 0.0);
    }

    #[test]
    fn estimates_split_by_area_and_settings_are_checked() {
        assert_eq!(estimate_by_area(1000.0, &[1.0, 3.0]), vec![250.0, 750.0]);
        assert_eq!(estimate_by_area(900.0, &[0.0, 0.0, 0.0]), vec![300.0, 300.0, 300.0]);
        assert_eq!(Settings::default().check(), Ok(()));
        assert_eq!(Settings { radius_km: 0.0, ..Settings::default() }.check(), Err("radius_km"));
        assert_eq!(Settings { speed_kmh: 500.0, ..Settings::default() }.check(), Err("speed_kmh"));
        let (d, _) = line();
        let pts: Vec<Point> = d.iter().map(|x| x.point).collect();
        // Of four points on a line, the second and third are the most central; the first found wins.
        assert_eq!(central_point(&pts), Some(pts[1]));
    }
}
