//! The national side over HTTP: the rollout register (its series against the
//! events and the reported totals, CSV round trips, edits, proposals and their
//! audit), the accessibility study (distances, coverage, candidates, "what if",
//! visitor origins without NIKs), the ranking, and the ministry's dashboard
//! summed from rollups that equal the raw rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

const INAUGURATIONS: &str = include_str!("../../../service/demo/rollout/inaugurations.csv");
const BATCHES: &str = include_str!("../../../service/demo/rollout/batches.csv");

async fn spawn() -> TestApp {
    TestApp::spawn_with(satuatap_web::WebConfig {
        tickets_per_minute: 100_000,
        bookings_per_minute: 100_000,
        reads_per_minute: 100_000,
        max_inflight_bookings: 100_000,
        ..Default::default()
    })
    .await
}

/// Great-circle distance in km (the test's own, to check the study's).
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The operating count the series gives on a day (its last point on or before it).
fn count_on(series: &[(NaiveDate, i64)], d: NaiveDate) -> i64 {
    series.iter().take_while(|p| p.0 <= d).last().map_or(0, |p| p.1)
}

async fn events_count(t: &TestApp) -> usize {
    let (_, csv) = t.get_text("/api/v1/rollout/export").await;
    csv.lines().count() - 1
}

#[tokio::test]
async fn the_chart_series_agrees_with_the_events_and_with_the_reported_totals_where_the_history_is_complete() {
    let t = TestApp::spawn().await;
    let (s, n) = t.get_json("/api/v1/rollout").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(n["total_regencies"], 514);
    assert_eq!(n["regencies"].as_array().unwrap().len(), 514);
    let series: Vec<(NaiveDate, i64)> = n["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (date(p["date"].as_str().unwrap()), p["operating"].as_i64().unwrap()))
        .collect();
    // Counted independently from the file: each location with an inauguration counts
    // from its first one (the history has no closures).
    let mut first: BTreeMap<(String, String), NaiveDate> = BTreeMap::new();
    for line in INAUGURATIONS.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] == "inaugurated" {
            let name = if f[2].is_empty() { format!("MPP {}", f[1]) } else { f[2].to_string() };
            let d = date(f[4]);
            first.entry((f[0].to_string(), name)).and_modify(|x| *x = (*x).min(d)).or_insert(d);
        }
    }
    assert_eq!(first.len(), 277);
    for check in ["2018-01-17", "2019-08-26", "2022-12-05", "2024-06-24", "2024-12-12", "2025-12-15"] {
        let d = date(check);
        let expected = first.values().filter(|x| **x <= d).count() as i64;
        assert_eq!(count_on(&series, d), expected, "operating on {d}");
    }
    assert_eq!(series.last().unwrap().1, 277);
    // From 5 Dec 2022 the batches are complete: each batch is the series' step that day,
    // except 8 Oct 2024, when two of the reported 22 were listed again in December.
    let mut checked = 0;
    for line in BATCHES.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let d = date(f[0]);
        let Ok(batch) = f[1].parse::<i64>() else { continue };
        if d < date("2022-12-05") {
            continue;
        }
        let step = count_on(&series, d) - count_on(&series, d.pred_opt().unwrap());
        if f[0] == "2024-10-08" {
            assert_eq!(step, batch - 2, "the double-listed batch");
        } else {
            assert_eq!(step, batch, "batch of {d}");
        }
        checked += 1;
    }
    assert!(checked >= 17, "{checked} batches checked");
    // The reported totals are there as they were published (the last one 305).
    let reported = n["reported"].as_array().unwrap();
    assert_eq!(reported.len(), BATCHES.lines().count() - 1);
    assert_eq!(reported.last().unwrap()["total"], 305);
    // The regencies with an operating MPP are those with an operating location, plus
    // DKI Jakarta's (served by its province-level MPP).
    let with_own =
        n["regencies"].as_array().unwrap().iter().filter(|r| r["operating_locations"].as_u64() > Some(0)).count();
    let via = n["regencies"].as_array().unwrap().iter().filter(|r| r["via_province"] == true).count();
    assert_eq!(n["operating_regencies"].as_u64().unwrap() as usize, with_own + via);
    assert_eq!(via, 6, "DKI Jakarta's six regencies");
    t.stop().await;
}

#[tokio::test]
async fn the_register_exports_and_imports_as_csv_and_a_bad_line_refuses_the_whole_file() {
    let t = TestApp::spawn().await;
    let national = t.session(accounts::NATIONAL).await;
    let (s, csv) = t.get_text("/api/v1/rollout/export").await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.trim_start_matches('\u{feff}').to_string();
    assert!(csv.starts_with("regency_code,regency_name,mpp_name,event,date,date_precision,source_url,notes"));
    let before = events_count(&t).await;
    assert_eq!(before, 367 + 2, "the history and the demo's two planned locations");
    // Importing the export again changes nothing: every line is already there.
    let (s, r) = national.post("/api/v1/rollout/import", json!({"csv": csv})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["duplicates"], before);
    assert_eq!(r["events_added"], 0);
    // Replacing the register with its own export gives the same export back.
    let (s, r) = national.post("/api/v1/rollout/import", json!({"csv": csv, "replace": true})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["events_added"], before);
    let (_, again) = t.get_text("/api/v1/rollout/export").await;
    let sorted = |s: &str| {
        let mut v: Vec<String> = s.trim_start_matches('\u{feff}').lines().map(str::to_string).collect();
        v.sort();
        v
    };
    assert_eq!(sorted(&again), sorted(&csv));
    // A file with good lines and two bad ones: refused with the line and reason of each.
    let bad = "regency_code,regency_name,mpp_name,event,date,date_precision,source_url,notes\n\
        11.01,Kabupaten Simeulue,,planned,2027-01-01,year,,target\n\
        11.02,Kabupaten Aceh Singkil,,inaugurated,2027-02-30,day,,\n\
        11.03,Kabupaten Aceh Selatan,,planned,2027-01-01,year,,\n\
        99.99,Nowhere,,planned,2027-01-01,year,,\n";
    let (s, e) = national.post("/api/v1/rollout/import", json!({"csv": bad})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields = e["error"]["fields"].as_array().unwrap();
    let at: Vec<(u64, &str)> =
        fields.iter().map(|f| (f["line"].as_u64().unwrap(), f["field"].as_str().unwrap())).collect();
    assert_eq!(at, vec![(3, "date"), (5, "regency_code")]);
    assert!(fields[0]["message"].as_str().unwrap().contains("Baris 3"), "{e}");
    assert!(fields[0]["message_en"].as_str().unwrap().contains("Line 3"), "{e}");
    assert_eq!(events_count(&t).await, before, "nothing half-imported");
    // A wrong header is named as such.
    let (s, e) = national.post("/api/v1/rollout/import", json!({"csv": "code,date\n11.01,2027-01-01\n"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "csv");
    // Only the national admin imports.
    let (s, _) = t.session(accounts::MANAGER).await.post("/api/v1/rollout/import", json!({"csv": csv})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    t.stop().await;
}

async fn bogor_location(t: &TestApp, name: &str) -> Value {
    let (_, r) = t.get_json("/api/v1/rollout/regencies/32.71").await;
    r["locations"].as_array().unwrap().iter().find(|l| l["name"] == name).cloned().expect("location")
}

async fn audit_actions(national: &Session, entity: &str) -> Vec<String> {
    let (_, a) = national.get("/api/v1/audit?limit=500").await;
    a.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == entity)
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_national_admin_edits_and_a_manager_proposes_which_is_decided_once_and_audited() {
    let t = TestApp::spawn().await;
    let national = t.session(accounts::NATIONAL).await;
    let manager = t.session(accounts::MANAGER).await;
    let other = t.session(accounts::MANAGER_MAKASSAR).await;
    // A location whose point lies outside the regency is refused, with the field named.
    let (s, e) = national
        .post(
            "/api/v1/rollout/regencies/32.71/locations",
            json!({"name": "Gerai Uji", "role": "branch", "latitude": -6.2, "longitude": 106.8}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "latitude");
    let (s, l) = national
        .post(
            "/api/v1/rollout/regencies/32.71/locations",
            json!({"name": "Gerai Uji", "role": "branch", "latitude": -6.57, "longitude": 106.77,
                   "building": "rented", "funding": "other", "floor_area_m2": "250"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    assert_eq!(l["floor_area_m2"], 250);
    assert_eq!(l["standing"], "none");
    let (s, e) = national.post("/api/v1/rollout/regencies/32.71/locations", json!({"name": "Gerai Uji"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let id = l["id"].as_i64().unwrap();
    let (s, l) = national
        .post(
            &format!("/api/v1/rollout/locations/{id}/events"),
            json!({"stage": "planned", "date": "2026-06-01", "target_year": 2028}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    assert_eq!(l["standing"], "planned");
    assert_eq!(l["events"][0]["target_year"], 2028);
    // The manager of MPP Kota Bogor proposes: the register does not change yet.
    let main = bogor_location(&t, "MPP Graha Tiyasa").await;
    let main_id = main["id"].as_i64().unwrap();
    let proposal = json!({"kind": "event", "location_id": main_id, "note": "Pindah ke gedung baru",
        "event": {"stage": "relocated", "date": "2026-11-02", "note": "Ke Jl. Pajajaran"}});
    let (s, p) = manager.post("/api/v1/rollout/regencies/32.71/proposals", proposal.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["status"], "pending");
    assert_eq!(bogor_location(&t, "MPP Graha Tiyasa").await["events"].as_array().unwrap().len(), 1);
    // Not for another regency, and not the register itself.
    assert_eq!(
        other.post("/api/v1/rollout/regencies/32.71/proposals", proposal.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        manager.post(&format!("/api/v1/rollout/locations/{main_id}/events"), proposal["event"].clone()).await.0,
        StatusCode::FORBIDDEN
    );
    // A proposal that could never apply is refused when made.
    let (s, _) = manager
        .post(
            "/api/v1/rollout/regencies/32.71/proposals",
            json!({"kind": "event", "location_id": main_id, "event": {"stage": "moved"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The manager sees its own proposals, the other manager none of them.
    let (_, mine) = manager.get("/api/v1/rollout/proposals").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (_, theirs) = other.get("/api/v1/rollout/proposals").await;
    assert!(theirs.as_array().unwrap().is_empty());
    assert_eq!(
        manager.post(&format!("/api/v1/rollout/proposals/{}/decision", p["id"]), json!({"decision": "accept"})).await.0,
        StatusCode::FORBIDDEN
    );
    // Two national admins decide at the same moment: one decision wins, the other is told.
    let second = t.session(accounts::NATIONAL).await;
    let path = format!("/api/v1/rollout/proposals/{}/decision", p["id"]);
    let (a, b) = tokio::join!(
        national.post(&path, json!({"decision": "accept", "note": "Sesuai SK"})),
        second.post(&path, json!({"decision": "reject"})),
    );
    let mut codes = vec![a.0, b.0];
    codes.sort();
    assert_eq!(codes, vec![StatusCode::OK, StatusCode::CONFLICT], "{} {}", a.1, b.1);
    let loser = if a.0 == StatusCode::CONFLICT { &a.1 } else { &b.1 };
    assert_eq!(loser["error"]["code"], "proposal_decided");
    let winner = if a.0 == StatusCode::OK { &a.1 } else { &b.1 };
    let events = bogor_location(&t, "MPP Graha Tiyasa").await["events"].as_array().unwrap().len();
    if winner["status"] == "accepted" {
        assert_eq!(events, 2, "the accepted event is in the register");
    } else {
        assert_eq!(events, 1, "a rejected proposal writes nothing");
    }
    // A location proposal (new branch) accepted becomes a location.
    let (s, p2) = manager
        .post(
            "/api/v1/rollout/regencies/32.71/proposals",
            json!({"kind": "location", "location": {"name": "Gerai Tanah Sareal", "role": "branch", "district_code": "32.71.06"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p2}");
    let (s, d) =
        national.post(&format!("/api/v1/rollout/proposals/{}/decision", p2["id"]), json!({"decision": "accept"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(bogor_location(&t, "Gerai Tanah Sareal").await["district_code"], "32.71.06");
    // Every step is in the audit log.
    let proposals = audit_actions(&national, "rollout_proposal").await;
    assert_eq!(proposals.iter().filter(|a| *a == "propose").count(), 2, "{proposals:?}");
    assert_eq!(proposals.iter().filter(|a| *a == "accept" || *a == "reject").count(), 2, "{proposals:?}");
    assert!(audit_actions(&national, "rollout_location").await.contains(&"create".to_string()));
    assert!(audit_actions(&national, "rollout_event").await.contains(&"create".to_string()));
    // Targets: national admins set them; the page and the API read them back.
    let (s, ts) = national.put("/api/v1/rollout/targets", json!({"year": 2028, "regencies": 500, "note": "uji"})).await;
    assert_eq!(s, StatusCode::OK, "{ts}");
    assert!(ts.as_array().unwrap().iter().any(|x| x["year"] == 2028 && x["regencies"] == 500));
    let (s, e) = national.put("/api/v1/rollout/targets", json!({"year": 2028, "regencies": 600})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    t.stop().await;
}

/// Kota Bogor's study, checked against the test's own arithmetic on what it returns.
#[tokio::test]
async fn kota_bogors_study_measures_each_district_and_ranks_candidates_by_new_reach() {
    let t = TestApp::spawn().await;
    let (s, st) = t.get_json("/api/v1/access/regencies/32.71").await;
    assert_eq!(s, StatusCode::OK, "{st}");
    let districts = st["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 6, "Kota Bogor's six districts");
    let radius = st["settings"]["radius_km"].as_f64().unwrap();
    assert_eq!(radius, 5.0);
    assert_eq!(st["settings"]["is_default"], true);
    // Population: the regency's registered total, split by area while no figures are entered.
    let total: i64 = districts.iter().map(|d| d["population"].as_i64().unwrap()).sum();
    assert!((total - 1_144_108).abs() <= 3, "{total}");
    assert!(districts.iter().all(|d| d["population_estimated"] == true));
    let sites: Vec<(f64, f64, String)> = st["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["latitude"].as_f64().unwrap(), s["longitude"].as_f64().unwrap(), s["name"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(sites.iter().any(|s| s.2 == "MPP Graha Tiyasa" && (s.0 + 6.605).abs() < 1e-9));
    let mut within = 0;
    for d in districts {
        let p = (d["latitude"].as_f64().unwrap(), d["longitude"].as_f64().unwrap());
        let nearest = sites.iter().map(|s| km(p, (s.0, s.1))).fold(f64::INFINITY, f64::min);
        let got = d["distance_km"].as_f64().unwrap();
        assert!((got - nearest).abs() <= 0.051, "{}: {got} vs {nearest}", d["name"]);
        // Minutes: distance × 1.4 ÷ 30 km/h.
        let minutes = (nearest * 1.4 / 30.0 * 60.0).round();
        assert!((d["minutes"].as_f64().unwrap() - minutes).abs() <= 1.0, "{d}");
        assert_eq!(d["within_radius"], nearest <= radius, "{d}");
        if nearest <= radius {
            within += d["population"].as_i64().unwrap();
        }
    }
    assert!((st["within_radius"].as_i64().unwrap() - within).abs() <= 1);
    assert!(within < total, "some of Kota Bogor is beyond 5 km: the case for a second MPP");
    // The first candidate reaches exactly the people of the districts it newly covers.
    let top = &st["candidates"][0];
    let by_name: HashMap<&str, &Value> = districts.iter().map(|d| (d["name"].as_str().unwrap(), d)).collect();
    let covered: i64 = top["covered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| by_name[n.as_str().unwrap()]["population"].as_i64().unwrap())
        .sum();
    assert!((top["gain"].as_i64().unwrap() - covered).abs() <= 1, "{top}");
    for n in top["covered"].as_array().unwrap() {
        assert_eq!(
            by_name[n.as_str().unwrap()]["within_radius"],
            false,
            "a candidate only counts people not reached yet"
        );
    }
    assert_eq!(top["rank"], 1);
    // Gains never grow from one pick to the next (greedy).
    let gains: Vec<i64> = st["candidates"].as_array().unwrap().iter().map(|c| c["gain"].as_i64().unwrap()).collect();
    assert!(gains.windows(2).all(|w| w[0] >= w[1]), "{gains:?}");
    // The planned Gerai Bogor Barat is evaluated as a "what if".
    assert!(st["planned"].as_array().unwrap().iter().any(|p| p["label"] == "MPP Kota Bogor — Gerai Bogor Barat"));
    // "What if" at a typed point: the point is the one typed, the gain the people newly within 5 km of it.
    let (lat, lng) = (-6.5700, 106.7700);
    let (s, w) = t.get_json(&format!("/api/v1/access/regencies/32.71?lat={lat}&lng={lng}")).await;
    assert_eq!(s, StatusCode::OK);
    let w = &w["what_if"];
    assert_eq!(w["latitude"], lat);
    assert_eq!(w["longitude"], lng);
    assert_eq!(w["inside"], true);
    let expected: i64 = districts
        .iter()
        .filter(|d| d["within_radius"] == false)
        .filter(|d| km((d["latitude"].as_f64().unwrap(), d["longitude"].as_f64().unwrap()), (lat, lng)) <= radius)
        .map(|d| d["population"].as_i64().unwrap())
        .sum();
    assert!((w["gain"].as_i64().unwrap() - expected).abs() <= 1, "{w}");
    // A half-typed or impossible point is a clear refusal.
    let (s, e) = t.get_json("/api/v1/access/regencies/32.71?lat=-6.57").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(t.get_json("/api/v1/access/regencies/32.71?lat=abc&lng=1").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(t.get_json("/api/v1/access/regencies/99.99").await.0, StatusCode::NOT_FOUND);
    // The page says the figures are estimates and that distances are straight lines.
    let (s, html) = t.get_text("/nasional/wilayah/32.71/kajian").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("perkiraan"));
    assert!(html.contains("garis lurus"));
    assert!(html.contains(top["district_name"].as_str().unwrap()));
    t.stop().await;
}

#[tokio::test]
async fn a_regency_sets_its_thresholds_and_population_and_the_study_follows() {
    let t = TestApp::spawn().await;
    let manager = t.session(accounts::MANAGER).await;
    let other = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, e) = manager.put("/api/v1/access/regencies/32.71/settings", json!({"radius_km": 0.1})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "radius_km");
    assert_eq!(
        other.put("/api/v1/access/regencies/32.71/settings", json!({"radius_km": 3})).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, set) = manager.put("/api/v1/access/regencies/32.71/settings", json!({"radius_km": 3, "minutes": 15})).await;
    assert_eq!(s, StatusCode::OK, "{set}");
    assert_eq!(set["is_default"], false);
    let (_, st) = t.get_json("/api/v1/access/regencies/32.71").await;
    assert_eq!(st["settings"]["radius_km"], 3.0);
    for d in st["districts"].as_array().unwrap() {
        assert_eq!(d["within_radius"], d["distance_km"].as_f64().unwrap() <= 3.0, "{d}");
    }
    // District figures: a bad line refuses all of them.
    let rows = json!([
        {"district_code": "32.71.01", "population": 200000, "year": 2025, "source": "BPS"},
        {"district_code": "32.01.01", "population": 5},
    ]);
    let (s, e) = manager.put("/api/v1/access/regencies/32.71/population", rows).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["line"], 3);
    let (_, st) = t.get_json("/api/v1/access/regencies/32.71").await;
    assert_eq!(st["estimated_districts"], 6, "nothing written");
    let (s, r) = manager
        .put(
            "/api/v1/access/regencies/32.71/population",
            json!([{"district_code": "32.71.01", "population": 200000, "year": 2025}]),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, st) = t.get_json("/api/v1/access/regencies/32.71").await;
    assert_eq!(st["estimated_districts"], 5);
    let d = st["districts"].as_array().unwrap().iter().find(|d| d["code"] == "32.71.01").unwrap().clone();
    assert_eq!(d["population"], 200000);
    assert_eq!(d["population_estimated"], false);
    // The rest of the regency's total is split over the other districts.
    let total: i64 = st["districts"].as_array().unwrap().iter().map(|d| d["population"].as_i64().unwrap()).sum();
    assert!((total - 1_144_108).abs() <= 3, "{total}");
    t.stop().await;
}

/// A valid NIK issued in `district` (`327104` = Kota Bogor, Bogor Barat) with serial `n`.
fn nik_in(district: &str, n: usize) -> String {
    format!("{district}120585{:04}", n + 1)
}

#[tokio::test]
async fn visitor_origins_count_districts_of_the_nik_and_hide_small_numbers() {
    let t = spawn().await;
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let (_, page) = t.get_json("/api/v1/services?q=paspor+biasa+baru+elektronik&mpp=kota-bogor&limit=1").await;
    let service = page["services"][0]["id"].as_i64().unwrap();
    let slot = t.first_open_slot(service, 20).await;
    // Eleven from Bogor Barat, three from Dramaga (Kabupaten Bogor).
    let mut people = Vec::new();
    for n in 0..11 {
        people.push(nik_in("327104", n));
    }
    for n in 0..3 {
        people.push(nik_in("320130", n));
    }
    let mut codes = Vec::new();
    let mut starts: Option<DateTime<Utc>> = None;
    for (n, nik) in people.iter().enumerate() {
        let (s, b) = t
            .anonymous()
            .post(
                "/api/v1/bookings",
                json!({"slot_id": slot["id"], "name": format!("Warga {n}"), "nik": nik, "phone": "0812 3456 7890"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        starts = Some(b["starts_at"].as_str().unwrap().parse().unwrap());
        codes.push(b["code"].as_str().unwrap().to_string());
    }
    t.app.clock.set(starts);
    let kiosk = t.kiosk_of(mpp).await;
    // Three of them check in first: fewer than ten, so the count is hidden.
    for code in &codes[..3] {
        assert_eq!(kiosk.post(&format!("/api/v1/mpps/{mpp}/check-in"), json!({"code": code})).await.0, StatusCode::OK);
    }
    let (_, st) = t.get_json("/api/v1/access/regencies/32.71").await;
    let barat =
        |st: &Value| st["districts"].as_array().unwrap().iter().find(|d| d["code"] == "32.71.04").unwrap().clone();
    assert_eq!(barat(&st)["visitors"]["suppressed"], true, "3 visitors are shown as < 10");
    assert_eq!(barat(&st)["visitors"]["count"], Value::Null);
    assert_eq!(barat(&st)["visitors"]["per_1000"], Value::Null);
    for code in &codes[3..] {
        assert_eq!(kiosk.post(&format!("/api/v1/mpps/{mpp}/check-in"), json!({"code": code})).await.0, StatusCode::OK);
    }
    let (_, st) = t.get_json("/api/v1/access/regencies/32.71").await;
    assert_eq!(barat(&st)["visitors"]["count"], 11);
    assert_eq!(barat(&st)["visitors"]["suppressed"], false);
    let per = barat(&st)["visitors"]["per_1000"].as_f64().unwrap();
    let pop = barat(&st)["population"].as_f64().unwrap();
    assert!((per - (11.0 * 1000.0 / pop * 10.0).round() / 10.0).abs() < 1e-9);
    // From outside the regency: three, so hidden.
    assert_eq!(st["visitors_outside"]["suppressed"], true);
    // No response or page carries a NIK.
    let (_, html) = t.get_text("/nasional/wilayah/32.71/kajian").await;
    let (_, ranking) = t.get_text("/api/v1/access/ranking").await;
    let (_, dash) = t.get_text("/api/v1/national/dashboard").await;
    for text in [st.to_string(), html.clone(), ranking, dash] {
        for nik in &people {
            assert!(!text.contains(nik.as_str()), "a NIK leaked");
            assert!(!text.contains(&nik[..12]), "a NIK's first twelve digits leaked");
        }
    }
    let note = html.split("Dari luar wilayah").nth(1).map(|s| &s[..40.min(s.len())]).unwrap_or_default();
    assert!(note.contains("&lt; 10") || note.contains("&#60; 10"), "{note}");
    t.stop().await;
}

#[tokio::test]
async fn the_ranking_puts_the_most_people_far_from_any_mpp_first() {
    let t = TestApp::spawn().await;
    let (s, r) = t.get_json("/api/v1/access/ranking?radius_km=10").await;
    assert_eq!(s, StatusCode::OK);
    let rows = r["regencies"].as_array().unwrap();
    assert_eq!(rows.len(), 514);
    let beyond: Vec<i64> = rows.iter().map(|g| g["beyond"].as_i64().unwrap()).collect();
    assert!(beyond.windows(2).all(|w| w[0] >= w[1]));
    assert!(rows.iter().all(|g| g["beyond"].as_i64() <= g["population"].as_i64()));
    assert_eq!(r["beyond_total"].as_i64().unwrap(), beyond.iter().sum::<i64>());
    // It agrees with a regency's own study at the same radius.
    let (_, st) = t.get_json("/api/v1/access/regencies/32.71").await;
    let (_, r5) = t.get_json("/api/v1/access/ranking?radius_km=5&province=32").await;
    let bogor = r5["regencies"].as_array().unwrap().iter().find(|g| g["code"] == "32.71").unwrap().clone();
    assert_eq!(bogor["beyond"], st["beyond_radius"]);
    assert!(r5["regencies"].as_array().unwrap().iter().all(|g| g["province_code"] == "32"));
    assert_eq!(t.get_json("/api/v1/access/ranking?radius_km=0").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, csv) = t.get_text("/api/v1/access/ranking?format=csv&radius_km=10").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(csv.lines().count(), 515);
    t.stop().await;
}

/// Kota Bogor's queue: `served` served and one no-show, at a counter of Imigrasi.
pub(crate) async fn serve_some(t: &TestApp, served: usize) -> (i64, usize) {
    let mpp = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={imigrasi}&limit=1")).await;
    let service = page["services"][0]["id"].as_i64().unwrap();
    let kiosk = t.kiosk_of(mpp).await;
    for _ in 0..served + 1 {
        let (s, b) = kiosk.post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let officer = t.session(accounts::OFFICER).await;
    let (_, counters) = officer.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let counter = counters[0]["id"].as_i64().unwrap();
    assert!(officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await.0.is_success());
    for _ in 0..served {
        let (_, c) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
        let id = c["ticket"]["id"].clone();
        let (s, b) =
            officer.post(&format!("/api/v1/counters/{counter}/tickets/{id}/finish"), json!({"served": true})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    (mpp, served + 1)
}

#[tokio::test]
async fn the_ministry_dashboard_is_summed_from_rollups_that_equal_the_raw_rows() {
    let t = spawn().await;
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()));
    let (mpp, issued) = serve_some(&t, 4).await;
    let national = t.session(accounts::NATIONAL).await;
    let (s, d) = national.get("/api/v1/national/dashboard?period=2026-Q4").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["full"], true);
    let bogor = d["mpps"].as_array().unwrap().iter().find(|m| m["mpp_id"] == mpp).unwrap().clone();
    assert_eq!(bogor["visitors"], issued);
    assert_eq!(bogor["served"], 4);
    assert_eq!(bogor["walk_ins"], issued);
    assert!(bogor["wait_p50"].as_f64().is_some());
    assert!(bogor["providers"].as_i64().unwrap() > 5);
    assert!(bogor["published"].as_i64().unwrap() > 0);
    assert!(bogor["complete"].as_i64() <= bogor["published"].as_i64());
    // The rollups equal the raw tickets.
    let raw: i64 = {
        use sqlx::Row;
        let sql = "SELECT COUNT(*) AS n FROM tickets WHERE mpp_id = $1";
        if t.db_url.starts_with("postgres") {
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&t.db_url).await.unwrap();
            sqlx::query(sql).bind(mpp).fetch_one(&mut c).await.unwrap().get("n")
        } else {
            let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&t.db_url).await.unwrap();
            sqlx::query(sql).bind(mpp).fetch_one(&mut c).await.unwrap().get("n")
        }
    };
    assert_eq!(bogor["visitors"].as_i64().unwrap(), raw);
    // Whole months come from the month rollups, ragged ends from the day rollups:
    // every way of cutting the period gives the same figures.
    for period in ["2026-11-01..2026-11-30", "2026-11-30..2026-11-30", "2026-10-15..2026-12-02", "2026"] {
        let (s, d) = national.get(&format!("/api/v1/national/dashboard?period={period}")).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let b = d["mpps"].as_array().unwrap().iter().find(|m| m["mpp_id"] == mpp).unwrap().clone();
        for k in ["visitors", "served", "walk_ins", "wait_p50", "wait_p90", "service_p50"] {
            assert_eq!(b[k], bogor[k], "{k} over {period}");
        }
    }
    let (_, before) = national.get("/api/v1/national/dashboard?period=2026-11-01..2026-11-29").await;
    let b = before["mpps"].as_array().unwrap().iter().find(|m| m["mpp_id"] == mpp).unwrap().clone();
    assert_eq!(b["visitors"], 0, "nothing before the day it happened");
    // Sorting, filters and the public summary.
    let (_, by_visitors) = t.get_json("/api/v1/national/dashboard?period=2026-Q4&sort=visitors").await;
    let v: Vec<i64> = by_visitors["mpps"].as_array().unwrap().iter().map(|m| m["visitors"].as_i64().unwrap()).collect();
    assert!(v.windows(2).all(|w| w[0] >= w[1]), "{v:?}");
    assert_eq!(by_visitors["full"], false);
    let (_, jabar) = t.get_json("/api/v1/national/dashboard?period=2026-Q4&province=32").await;
    assert!(jabar["mpps"].as_array().unwrap().iter().all(|m| m["province_code"] == "32"));
    assert_eq!(t.get_json("/api/v1/national/dashboard?sort=nope").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.get_json("/api/v1/national/dashboard?period=2026-Q9").await.0, StatusCode::BAD_REQUEST);
    // The national admin sees bookings across MPPs without picking one; nobody else does.
    assert_eq!(national.get("/api/v1/national/bookings").await.0, StatusCode::OK);
    assert_eq!(t.session(accounts::MANAGER).await.get("/api/v1/national/bookings").await.0, StatusCode::FORBIDDEN);
    for page in ["/admin/pemesanan", "/admin/survei", "/admin/pengaduan"] {
        let (s, html, _) = national.page(page).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(html.contains("semua MPP"), "{page}: the summary across MPPs");
        assert!(html.contains("Kota Bogor"), "{page}");
    }
    let (s, html, _) = national.page("/nasional/dasbor?period=2026-Q4&sort=ikm").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("aria-sort=\"descending\""));
    let (s, csv) = t.get_text("/nasional/dasbor.csv?period=2026-Q4").await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.contains("Mal Pelayanan Publik Kota Bogor"));
    t.stop().await;
}

#[tokio::test]
async fn the_national_pages_draw_every_regency_and_filter_the_list() {
    let t = TestApp::spawn().await;
    let (s, html) = t.get_text("/nasional").await;
    assert_eq!(s, StatusCode::OK);
    let links: HashSet<&str> = html
        .match_indices("<a href=\"/nasional/wilayah/")
        .map(|(i, _)| {
            let rest = &html[i + 27..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert!(links.len() >= 514, "each regency is a link ({})", links.len());
    assert!(html.contains("<title>Kota Bogor, Jawa Barat — Beroperasi</title>"));
    let (_, jabar) = t.get_text("/nasional?provinsi=32&tahap=operating").await;
    let rows = jabar.matches("data-label=\"Kabupaten/kota\"").count();
    let (_, n) = t.get_json("/api/v1/rollout?province=32&standing=operating").await;
    assert_eq!(rows, n["regencies"].as_array().unwrap().len());
    assert!(rows > 10 && rows < 27);
    let (s, csv) = t.get_text("/nasional.csv?provinsi=32").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(csv.lines().count(), 28, "the header and Jawa Barat's 27");
    let (s, r) = t.get_text("/nasional/wilayah/32.71").await;
    assert_eq!(s, StatusCode::OK);
    assert!(r.contains("MPP Graha Tiyasa") && r.contains("Lantai di pusat perbelanjaan") && r.contains("Mitra CSR"));
    assert_eq!(t.get_text("/nasional/wilayah/99.99").await.0, StatusCode::NOT_FOUND);
    // The ranking comes in pages of 50 (514 cards are too long for a phone); the CSV has every regency.
    let (s, first) = t.get_text("/nasional/jangkauan?radius=20").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(first.matches("data-label=\"#\"").count(), 50);
    assert!(first.contains("Peringkat 1–50 dari 514") && first.contains("rel=\"next\""));
    let (_, last) = t.get_text("/nasional/jangkauan?radius=20&hal=11").await;
    assert_eq!(last.matches("data-label=\"#\"").count(), 14);
    assert!(last.contains("Peringkat 501–514 dari 514") && !last.contains("rel=\"next\""));
    let (_, csv) = t.get_text("/nasional/jangkauan.csv?radius=20").await;
    assert_eq!(csv.lines().count(), 515, "the header and all 514 regencies");
    // The map's SVG is small enough for a phone once gzipped.
    let body = t.client().get(t.at("/nasional")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(body.headers()["content-encoding"], "gzip");
    let bytes = body.bytes().await.unwrap();
    assert!(bytes.len() < 300 * 1024, "{} bytes gzipped", bytes.len());
    t.stop().await;
}

#[tokio::test]
async fn a_manager_proposes_through_the_pages_and_the_national_admin_decides_there() {
    let t = TestApp::spawn().await;
    let manager = t.session(accounts::MANAGER).await;
    let national = t.session(accounts::NATIONAL).await;
    let main = bogor_location(&t, "MPP Graha Tiyasa").await;
    let r = manager
        .form(
            "/admin/nasional/wilayah/32.71",
            &format!("/admin/nasional/lokasi/{}/peristiwa", main["id"]),
            &[
                ("stage", "operating"),
                ("date", "2026-11-20"),
                ("date_precision", "day"),
                ("note", "Jam layanan diperpanjang"),
            ],
        )
        .await;
    assert!(r.status().is_redirection() || r.status().is_success(), "{}", r.status());
    let (_, html, _) = manager.page("/admin/nasional").await;
    assert!(html.contains("Menunggu"), "the manager sees the proposal pending");
    let (_, html, _) = national.page("/admin/nasional").await;
    let id = html.split("id=\"usulan-").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let r = national
        .form("/admin/nasional", &format!("/admin/nasional/usulan/{id}"), &[("decision", "accept"), ("note", "OK")])
        .await;
    assert!(r.status().is_redirection() || r.status().is_success());
    let (_, l) = t.get_json("/api/v1/rollout/regencies/32.71").await;
    let events = l["locations"].as_array().unwrap().iter().find(|x| x["id"] == main["id"]).unwrap()["events"].clone();
    assert!(events.as_array().unwrap().iter().any(|e| e["note"] == "Jam layanan diperpanjang"));
    // A bad date sent through the page comes back next to its field, nothing written.
    let r = national
        .form(
            "/admin/nasional/wilayah/32.71",
            &format!("/admin/nasional/lokasi/{}/peristiwa", main["id"]),
            &[("stage", "closed"), ("date", "2026-02-30")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("class=\"error\""), "the error is shown beside the field");
    let (_, l2) = t.get_json("/api/v1/rollout/regencies/32.71").await;
    assert_eq!(l2["standing"], "operating", "nothing closed");
    // The other manager cannot open Kota Bogor's editing page.
    let (s, _, _) = t.session(accounts::MANAGER_MAKASSAR).await.page("/admin/nasional/wilayah/32.71").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    t.stop().await;
}
