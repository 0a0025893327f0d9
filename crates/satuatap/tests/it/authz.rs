//! The authorization matrix: every write route × every role, and tenant isolation.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts, service_body};

const ROLES: [&str; 7] = ["anonymous", "citizen", "officer", "provider_admin", "manager", "other_manager", "national"];

async fn sessions(t: &TestApp) -> Vec<Session> {
    vec![
        t.anonymous(),
        t.session(accounts::CITIZEN).await,
        t.session(accounts::OFFICER).await,
        t.session(accounts::PROVIDER_ADMIN).await,
        t.session(accounts::MANAGER).await,
        t.session(accounts::MANAGER_MAKASSAR).await,
        t.session(accounts::NATIONAL).await,
    ]
}

fn allowed(spec: &str) -> Vec<bool> {
    // A spec lists the roles that may: n = national, m = manager (own MPP), p = provider admin
    // (own provider), o = counter officer (own provider), M = another MPP's manager (routes that
    // act on the caller's own scope, such as its own tokens or audit log).
    ROLES
        .iter()
        .map(|r| match *r {
            "national" => spec.contains('n'),
            "manager" => spec.contains('m'),
            "provider_admin" => spec.contains('p'),
            "officer" => spec.contains('o'),
            "other_manager" => spec.contains('M'),
            _ => false,
        })
        .collect()
}

struct Ctx {
    bogor: i64,
    /// MPP Kota Bogor's location in the national register.
    location: i64,
    imigrasi: i64,
    counter: i64,
    service: Value,
    agency: Value,
}

async fn setup(t: &TestApp, national: &Session) -> Ctx {
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, counters) = national.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let counter = counters[0]["id"].as_i64().unwrap();
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={imigrasi}&limit=1")).await;
    let service = page["services"][0].clone();
    let (_, agencies) = t.get_json("/api/v1/agencies").await;
    let agency = agencies[0].clone();
    let (_, register) = t.get_json("/api/v1/rollout/regencies/32.71").await;
    let location = register["locations"].as_array().unwrap().iter().find(|l| l["name"] == "MPP Graha Tiyasa").unwrap()
        ["id"]
        .as_i64()
        .unwrap();
    Ctx { bogor, location, imigrasi, counter, service, agency }
}

/// The service as a full update body, renamed.
fn service_update(s: &Value, name: &str) -> Value {
    let st = &s["standard"];
    json!({
        "provider_id": s["provider_id"], "code": s["code"], "category": s["category"], "name": name,
        "name_en": s["name_en"], "summary": s["summary"], "bookable": s["bookable"],
        "requirements": st["requirements"], "procedure": st["procedure"], "duration_value": st["duration_value"],
        "duration_unit": st["duration_unit"], "fee_free": st["fee_free"], "fee": st["fee"], "product": st["product"],
        "complaints": st["complaints"],
    })
}

#[tokio::test]
async fn every_write_route_allows_exactly_the_roles_it_should() {
    let t = TestApp::spawn().await;
    let s = sessions(&t).await;
    let national = &s[6];
    let c = setup(&t, national).await;
    let (_, p) = national.get(&format!("/api/v1/providers/{}", c.imigrasi)).await;
    let provider_body = json!({
        "agency_id": p["agency_id"], "slug": p["slug"], "name": p["name"], "name_en": "Immigration (edited)",
        "kind": p["kind"], "booth": p["booth"], "zone": p["zone"], "queue_prefix": p["queue_prefix"],
        "maklumat": p["maklumat"], "active": true,
    });
    let (_, m) = t.get_json(&format!("/api/v1/mpps/{}", c.bogor)).await;
    let mpp_body = |phone: &str| {
        let mut b = json!({
            "slug": m["slug"], "name": m["name"], "nickname": m["nickname"], "regency_code": m["regency_code"],
            "district_code": m["district_code"], "address": m["address"], "status": m["status"],
            "opened_on": m["opened_on"], "phone": phone,
        });
        for (k, v) in m["hours"].as_object().unwrap() {
            b[format!("hours_{k}")] = v.clone();
        }
        b
    };
    let (_, officer) = national.get("/api/v1/users").await;
    let officer_id =
        officer.as_array().unwrap().iter().find(|u| u["email"] == accounts::OFFICER).unwrap()["id"].as_i64().unwrap();

    for (i, role) in ROLES.iter().enumerate() {
        let me = &s[i];
        let tag = format!("{}{i}", role.chars().next().unwrap().to_ascii_uppercase());
        // Targets consumed by a successful call are made fresh for each role.
        let (_, holiday) = national
            .post(
                &format!("/api/v1/mpps/{}/holidays", c.bogor),
                json!({"date": format!("2027-02-0{}", i + 1), "name": "Tutup"}),
            )
            .await;
        let (_, token) = national.post("/api/v1/tokens", json!({"name": format!("t{i}"), "user_id": officer_id})).await;
        // The national register: a fresh event to delete and a fresh proposal to decide.
        let (_, loc) = national
            .post(
                &format!("/api/v1/rollout/locations/{}/events", c.location),
                json!({"stage": "operating", "date": format!("2026-10-0{}", i + 1)}),
            )
            .await;
        let event = loc["events"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).max().unwrap();
        let (_, proposal) = s[4]
            .post(
                "/api/v1/rollout/regencies/32.71/proposals",
                json!({"kind": "event", "location_id": c.location, "event": {"stage": "operating", "date": "2026-09-01"}}),
            )
            .await;
        let cases: Vec<(Method, String, Option<Value>, &str)> = vec![
            (
                Method::POST,
                "/api/v1/mpps".into(),
                Some(json!({"name": format!("MPP Uji {tag}"), "regency_code": "11.01", "address": "Jl. Uji"})),
                "n",
            ),
            (Method::PUT, format!("/api/v1/mpps/{}", c.bogor), Some(mpp_body(&format!("0251-{i}"))), "nm"),
            (
                Method::POST,
                "/api/v1/agencies".into(),
                Some(json!({"name": format!("Lembaga Uji {tag}"), "kind": "bumn"})),
                "n",
            ),
            (
                Method::PUT,
                format!("/api/v1/agencies/{}", c.agency["id"]),
                Some(
                    json!({"name": c.agency["name"], "slug": c.agency["slug"], "kind": c.agency["kind"], "name_en": format!("Agency {tag}")}),
                ),
                "n",
            ),
            (
                Method::POST,
                format!("/api/v1/mpps/{}/providers", c.bogor),
                Some(
                    json!({"name": format!("Instansi Uji {tag}"), "kind": "private", "queue_prefix": format!("Z{}", (b'A' + i as u8) as char)}),
                ),
                "nm",
            ),
            (Method::PUT, format!("/api/v1/providers/{}", c.imigrasi), Some(provider_body.clone()), "nmp"),
            (
                Method::POST,
                format!("/api/v1/providers/{}/counters", c.imigrasi),
                Some(json!({"code": format!("GX{i}"), "name": "Loket uji"})),
                "nmp",
            ),
            (
                Method::PUT,
                format!("/api/v1/counters/{}", c.counter),
                Some(json!({"code": format!("GY{i}"), "name": "Loket Imigrasi 1"})),
                "nmp",
            ),
            (
                Method::POST,
                format!("/api/v1/mpps/{}/services", c.bogor),
                Some(service_body(c.imigrasi, &format!("UJI-{tag}"), "Layanan Uji")),
                "nmp",
            ),
            (
                Method::PUT,
                format!("/api/v1/services/{}", c.service["id"]),
                Some(service_update(&c.service, &format!("Paspor {tag}"))),
                "nmp",
            ),
            (Method::POST, format!("/api/v1/services/{}/publish", c.service["id"]), Some(json!({})), "nmp"),
            (
                Method::POST,
                "/api/v1/holidays".into(),
                Some(json!({"date": format!("2027-03-0{}", i + 1), "name": "Libur uji", "kind": "cuti_bersama"})),
                "n",
            ),
            (
                Method::POST,
                format!("/api/v1/mpps/{}/holidays", c.bogor),
                Some(json!({"date": format!("2027-04-0{}", i + 1), "name": "Tutup uji"})),
                "nm",
            ),
            (Method::DELETE, format!("/api/v1/holidays/{}", holiday["id"]), None, "nm"),
            (
                Method::POST,
                "/api/v1/users".into(),
                Some(
                    json!({"email": format!("baru{i}@uji.go.id"), "name": "Petugas Baru", "role": "counter_officer", "mpp_id": c.bogor, "provider_id": c.imigrasi, "password": "rahasia-panjang-sekali"}),
                ),
                "nmp",
            ),
            (
                Method::PUT,
                format!("/api/v1/users/{officer_id}"),
                Some(
                    json!({"email": accounts::OFFICER, "name": format!("Petugas {tag}"), "role": "counter_officer", "mpp_id": c.bogor, "provider_id": c.imigrasi, "active": true}),
                ),
                "nmp",
            ),
            (Method::POST, "/api/v1/tokens".into(), Some(json!({"name": format!("kios {tag}")})), "nmM"),
            (Method::DELETE, format!("/api/v1/tokens/{}", token["id"]), None, "nm"),
            (Method::GET, "/api/v1/audit".into(), None, "nmM"),
            (Method::GET, "/api/v1/users".into(), None, "nmpM"),
            (Method::GET, format!("/api/v1/providers/{}/counters", c.imigrasi), None, "nmpo"),
            // Link-writes, with ends inside one provider: who may make them at all.
            (
                Method::PUT,
                format!("/api/v1/counters/{}/services", c.counter),
                Some(json!({"service_ids": [c.service["id"]]})),
                "nmp",
            ),
            (Method::GET, format!("/api/v1/mpps/{}/queue-settings", c.bogor), None, "nmpo"),
            (
                Method::PUT,
                format!("/api/v1/mpps/{}/queue-settings", c.bogor),
                Some(json!({"announcement": format!("Pengumuman {tag}")})),
                "nm",
            ),
            (Method::GET, format!("/api/v1/mpps/{}/devices", c.bogor), None, "nm"),
            (
                Method::POST,
                format!("/api/v1/mpps/{}/devices", c.bogor),
                Some(json!({"name": format!("Kios {tag}"), "kind": "kiosk"})),
                "nm",
            ),
            (
                Method::PUT,
                format!("/api/v1/services/{}/booking-rules", c.service["id"]),
                Some(json!({"capacity_per_slot": 5 + i})),
                "nmp",
            ),
            // The national side: the register is the national admin's, proposals the
            // regency's MPP manager's; a regency's study settings are both of theirs.
            (
                Method::POST,
                "/api/v1/rollout/regencies/32.71/locations".into(),
                Some(json!({"name": format!("Gerai Uji {tag}"), "role": "branch"})),
                "n",
            ),
            (Method::PUT, "/api/v1/rollout/targets".into(), Some(json!({"year": 2030 + i, "regencies": 400})), "n"),
            (
                Method::POST,
                "/api/v1/rollout/import".into(),
                Some(
                    json!({"csv": "regency_code,regency_name,mpp_name,event,date,date_precision,source_url,notes\n11.01,Kabupaten Simeulue,,planned,2027-01-01,year,,\n"}),
                ),
                "n",
            ),
            (Method::DELETE, format!("/api/v1/rollout/events/{event}"), None, "n"),
            (
                Method::POST,
                "/api/v1/rollout/regencies/32.71/proposals".into(),
                Some(
                    json!({"kind": "event", "location_id": c.location, "event": {"stage": "operating", "date": "2026-08-01"}}),
                ),
                "m",
            ),
            (Method::GET, "/api/v1/rollout/proposals".into(), None, "nmM"),
            (
                Method::POST,
                format!("/api/v1/rollout/proposals/{}/decision", proposal["id"]),
                Some(json!({"decision": "reject"})),
                "n",
            ),
            (Method::PUT, "/api/v1/access/regencies/32.71/settings".into(), Some(json!({"radius_km": 5 + i})), "nm"),
            (
                Method::PUT,
                "/api/v1/access/regencies/32.71/population".into(),
                Some(json!([{"district_code": "32.71.01", "population": 100_000 + i}])),
                "nm",
            ),
            (Method::GET, "/api/v1/national/bookings".into(), None, "n"),
        ];
        for (method, path, body, spec) in cases {
            let ok = allowed(spec)[i];
            let (status, resp) = me.call(method.clone(), &path, body).await;
            if ok {
                assert!(status.is_success(), "{role} {method} {path}: expected success, got {status} {resp}");
            } else if i == 0 {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{role} {method} {path}: {resp}");
                assert_eq!(resp["error"]["code"], "unauthenticated");
            } else {
                assert!(
                    status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                    "{role} {method} {path}: expected 403/404, got {status} {resp}"
                );
            }
        }
    }
    t.stop().await;
}

#[tokio::test]
async fn an_mpp_manager_cannot_read_or_change_another_mpps_data() {
    let t = TestApp::spawn().await;
    let national = t.session(accounts::NATIONAL).await;
    let bogor_mgr = t.session(accounts::MANAGER).await;
    let makassar = t.mpp_id("kota-makassar").await;
    let (_, mks_providers) = t.get_json("/api/v1/mpps/kota-makassar/providers").await;
    let mks_provider = mks_providers[0]["id"].as_i64().unwrap();
    // A draft in Makassar, visible to its staff only.
    let (s, draft) = national
        .post(&format!("/api/v1/mpps/{makassar}/services"), service_body(mks_provider, "DRAF-1", "Draf Makassar"))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let draft_id = draft["id"].as_i64().unwrap();
    let mks_mgr = t.session(accounts::MANAGER_MAKASSAR).await;
    assert_eq!(mks_mgr.get(&format!("/api/v1/services/{draft_id}")).await.0, StatusCode::OK);
    assert_eq!(bogor_mgr.get(&format!("/api/v1/services/{draft_id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get_json(&format!("/api/v1/services/{draft_id}")).await.0, StatusCode::NOT_FOUND);

    let (s, _) =
        bogor_mgr.put(&format!("/api/v1/services/{draft_id}"), service_body(mks_provider, "DRAF-1", "Dibajak")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = bogor_mgr
        .post(
            &format!("/api/v1/mpps/{makassar}/providers"),
            json!({"name": "X", "kind": "private", "queue_prefix": "QQ"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = bogor_mgr
        .post(&format!("/api/v1/providers/{mks_provider}/counters"), json!({"code": "QQ1", "name": "X"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = bogor_mgr.get(&format!("/api/v1/providers/{mks_provider}/counters")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = bogor_mgr.get(&format!("/api/v1/audit?mpp={makassar}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Its own audit log has no Makassar entries; its user list no Makassar staff.
    let (_, audit) = bogor_mgr.get("/api/v1/audit?limit=500").await;
    assert!(audit.as_array().unwrap().iter().all(|e| e["mpp_id"] != makassar));
    let (_, users) = bogor_mgr.get("/api/v1/users").await;
    assert!(!users.as_array().unwrap().is_empty());
    assert!(users.as_array().unwrap().iter().all(|u| u["mpp_id"] != makassar && u["role"] != "national_admin"));
    // Nor can it create staff there or promote anyone to national admin.
    let (s, e) = bogor_mgr
        .post("/api/v1/users", json!({"email": "x@uji.go.id", "name": "X", "role": "national_admin", "password": "rahasia-panjang-sekali"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "role");
    // Nothing was changed.
    let (_, after) = mks_mgr.get(&format!("/api/v1/services/{draft_id}")).await;
    assert_eq!(after["name"], "Draf Makassar");
    t.stop().await;
}

#[tokio::test]
async fn a_provider_admin_cannot_touch_another_provider() {
    let t = TestApp::spawn().await;
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let dukcapil = t.provider_id("kota-bogor", "disdukcapil").await;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={dukcapil}&limit=1")).await;
    let svc = &page["services"][0];
    let (s, _) = padmin.put(&format!("/api/v1/services/{}", svc["id"]), service_update(svc, "Diubah")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = padmin.post(&format!("/api/v1/services/{}/archive", svc["id"]), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) =
        padmin.post(&format!("/api/v1/mpps/{bogor}/services"), service_body(dukcapil, "DUK-X", "Sisipan")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) =
        padmin.post(&format!("/api/v1/providers/{dukcapil}/counters"), json!({"code": "DX9", "name": "X"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Its own identity fields are the manager's to change.
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, p) = padmin.get(&format!("/api/v1/providers/{imigrasi}")).await;
    let (s, e) = padmin
        .put(&format!("/api/v1/providers/{imigrasi}"), json!({"name": "Nama Baru", "kind": p["kind"], "queue_prefix": "Q", "slug": p["slug"], "agency_id": p["agency_id"], "zone": p["zone"]}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "queue_prefix"]);
    let (_, still) = t.get_json(&format!("/api/v1/services/{}", svc["id"])).await;
    assert_eq!(still["name"], svc["name"]);
    t.stop().await;
}

#[tokio::test]
async fn admin_pages_follow_the_same_rules() {
    let t = TestApp::spawn().await;
    let makassar = t.mpp_id("kota-makassar").await;
    let bogor = t.mpp_id("kota-bogor").await;
    // Anonymous visitors are sent to sign in.
    let r = t.anonymous().client.get(t.at("/admin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mgr = t.session(accounts::MANAGER).await;
    assert_eq!(mgr.page(&format!("/admin/mpp/{bogor}")).await.0, StatusCode::OK);
    assert_eq!(mgr.page(&format!("/admin/mpp/{makassar}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(mgr.page("/admin/mpp/baru").await.0, StatusCode::FORBIDDEN);
    let citizen = t.session(accounts::CITIZEN).await;
    assert_eq!(citizen.page("/admin").await.0, StatusCode::FORBIDDEN);
    let officer = t.session(accounts::OFFICER).await;
    assert_eq!(officer.page("/admin").await.0, StatusCode::OK);
    assert_eq!(officer.page("/admin/pengguna/baru").await.0, StatusCode::FORBIDDEN);
    t.stop().await;
}

/// Writes that link two records: each must keep both ends within one provider
/// (or one MPP), whoever makes it. Refused for every role, the national admin too.
#[tokio::test]
async fn link_writes_never_reach_across_a_provider_or_an_mpp() {
    let t = TestApp::spawn().await;
    // Monday 30 November 2026, 09:00 WIB: the MPP is open.
    t.app.clock.set(Some(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 30, 2, 0, 0).unwrap()));
    let national = t.session(accounts::NATIONAL).await;
    let manager = t.session(accounts::MANAGER).await;
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let dukcapil = t.provider_id("kota-bogor", "disdukcapil").await;
    let services = |p: i64| {
        let t = &t;
        async move {
            let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={p}&limit=5")).await;
            page["services"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect::<Vec<_>>()
        }
    };
    let (ours, theirs) = (services(imigrasi).await, services(dukcapil).await);
    let (_, counters) = national.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let counter = counters[0]["id"].as_i64().unwrap();
    let (_, dk_counters) = national.get(&format!("/api/v1/providers/{dukcapil}/counters")).await;
    let dk_counter = dk_counters[0]["id"].as_i64().unwrap();

    // A counter calls only its own provider's services: over the API…
    for who in [&padmin, &manager, &national] {
        let (s, e) = who
            .put(&format!("/api/v1/counters/{counter}/services"), json!({"service_ids": [ours[0], theirs[0]]}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["fields"][0]["field"], "service_ids");
    }
    // …and through the admin form.
    let r = padmin
        .form(
            &format!("/admin/loket/{counter}/layanan"),
            &format!("/admin/loket/{counter}/layanan"),
            &[("service_id", &theirs[0].to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, chosen) = padmin.get(&format!("/api/v1/counters/{counter}/console")).await;
    assert!(chosen["queues"].as_array().unwrap().iter().all(|q| q["provider_id"] == imigrasi), "{chosen}");
    // Its own provider's services are fine.
    let (s, ids) = padmin.put(&format!("/api/v1/counters/{counter}/services"), json!({"service_ids": [ours[0]]})).await;
    assert_eq!(s, StatusCode::OK, "{ids}");

    // So the Imigrasi officer never calls a Dukcapil visitor.
    let kiosk = t.kiosk_of(bogor).await;
    let (s, issued) = kiosk.post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": theirs[0]})).await;
    assert_eq!(s, StatusCode::CREATED, "{issued}");
    let officer = t.session(accounts::OFFICER).await;
    officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await;
    let (s, called) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(called["ticket"].is_null() || called["ticket"]["provider_id"] == imigrasi, "{called}");
    // Nor can that officer open, or act at, Dukcapil's counter.
    let (s, _) = officer.post(&format!("/api/v1/counters/{dk_counter}/open"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A ticket sent on to a Dukcapil service cannot be pinned to an Imigrasi counter.
    let (_, mine) = kiosk.post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": ours[0]})).await;
    let (_, at) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
    let ticket = at["ticket"]["id"].as_i64().unwrap_or_else(|| mine["ticket"]["id"].as_i64().unwrap());
    let (s, e) = officer
        .post(
            &format!("/api/v1/counters/{counter}/tickets/{ticket}/transfer"),
            json!({"service_id": theirs[0], "counter_id": counter}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "counter_id");

    // A provider's follow-up is owned by that provider's staff (or the MPP's managers).
    let (_, users) = national.get("/api/v1/users").await;
    let id_of =
        |email: &str| users.as_array().unwrap().iter().find(|u| u["email"] == email).unwrap()["id"].as_i64().unwrap();
    let dk_officer = id_of(accounts::OFFICER_DUKCAPIL);
    let (s, e) = padmin
        .post(&format!("/api/v1/mpps/{bogor}/followups"), json!({"title": "Kursi tambahan", "owner_id": dk_officer}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "owner_id");
    let (s, f) = padmin
        .post(
            &format!("/api/v1/mpps/{bogor}/followups"),
            json!({"title": "Kursi tambahan", "owner_id": id_of(accounts::OFFICER)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");

    // A survey tablet stands at a counter of its own MPP.
    let (_, mks_providers) = t.get_json("/api/v1/mpps/kota-makassar/providers").await;
    let (_, mks_counters) = national.get(&format!("/api/v1/providers/{}/counters", mks_providers[0]["id"])).await;
    let (s, e) = manager
        .post(
            &format!("/api/v1/mpps/{bogor}/devices"),
            json!({"name": "Tablet", "kind": "tablet", "counter_id": mks_counters[0]["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "counter_id");
    // And a complaint is forwarded only to a provider of its own MPP.
    let (s, filed) = t
        .anonymous()
        .post(
            &format!("/api/v1/mpps/{bogor}/complaints"),
            json!({"kind": "pengaduan", "title": "Antrean paspor lama", "body": "Saya menunggu dua jam di loket paspor.", "anonymous": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    let report = filed["id"].clone();
    let (s, e) = manager
        .post(
            &format!("/api/v1/complaints/{report}/steps"),
            json!({"action": "forward", "provider_id": mks_providers[0]["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e} {filed}");
    assert_eq!(e["error"]["fields"][0]["field"], "provider_id");
    let _ = makassar;
    t.stop().await;
}
