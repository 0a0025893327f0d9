//! The satisfaction survey over HTTP: answering after a served visit, one
//! response per ticket or code even under a race, IKM with hand-computed
//! numbers, paper entry, the counter's tablet, follow-ups and tenant isolation.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

async fn spawn() -> TestApp {
    TestApp::spawn_with(satuatap_web::WebConfig {
        tickets_per_minute: 100_000,
        surveys_per_minute: 100_000,
        ..Default::default()
    })
    .await
}

/// Monday 30 Nov 2026, 09:00 WIB (the fourth quarter).
fn monday() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()
}

struct Desk {
    mpp: i64,
    provider: i64,
    service: i64,
    counter: i64,
    officer: Session,
}

/// The Bogor immigration desk with an open counter.
async fn desk(t: &TestApp) -> Desk {
    t.app.clock.set(Some(monday()));
    let mpp = t.mpp_id("kota-bogor").await;
    let provider = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={provider}&limit=1")).await;
    let service = page["services"][0]["id"].as_i64().unwrap();
    let officer = t.session(accounts::OFFICER).await;
    let (_, list) = officer.get(&format!("/api/v1/providers/{provider}/counters")).await;
    let counter = list[0]["id"].as_i64().unwrap();
    let (s, b) = officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    Desk { mpp, provider, service, counter, officer }
}

/// Issue a ticket, call it and finish it as served; its token.
async fn served_visit(t: &TestApp, d: &Desk) -> String {
    let (s, issued) = t
        .kiosk_of(d.mpp)
        .await
        .post(&format!("/api/v1/mpps/{}/tickets", d.mpp), json!({"service_id": d.service}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{issued}");
    let (s, called) = d.officer.post(&format!("/api/v1/counters/{}/call-next", d.counter), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{called}");
    assert_eq!(called["ticket"]["id"], issued["ticket"]["id"]);
    let (s, b) = d
        .officer
        .post(
            &format!("/api/v1/counters/{}/tickets/{}/finish", d.counter, issued["ticket"]["id"]),
            json!({"served": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    issued["token"].as_str().unwrap().to_string()
}

fn answers(a: [i64; 9]) -> Value {
    json!({"u1": a[0], "u2": a[1], "u3": a[2], "u4": a[3], "u5": a[4], "u6": a[5], "u7": a[6], "u8": a[7], "u9": a[8]})
}

#[tokio::test]
async fn ikm_over_http_matches_the_hand_calculation() {
    let t = spawn().await;
    let d = desk(&t).await;
    let mut tokens = Vec::new();
    for _ in 0..4 {
        tokens.push(served_visit(&t, &d).await);
    }
    let visitor = t.anonymous();
    let rows = [[4, 3, 2, 4, 4, 3, 4, 2, 3], [3, 3, 3, 4, 3, 3, 3, 2, 2], [4, 4, 4, 4, 4, 4, 4, 4, 4]];
    for (token, a) in tokens.iter().zip(rows) {
        let (s, b) = visitor.post(&format!("/api/v1/tickets/{token}/survey"), answers(a)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    // By hand: sums U1 11, U2 10, U3 9, U4 12, U5 11, U6 10, U7 11, U8 8, U9 9 = 91 over 3 people.
    // IKM = 25 × 91 / 27 = 84.259… → 84.26, grade B "Baik". NRR U8 = 8/3, the lowest.
    // Four people were served: Krejcie–Morgan for N = 4 is 4, so 3 answers do not reach it.
    let (s, r) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["ikm"], "84.26");
    assert_eq!(r["grade"], "B");
    assert_eq!(r["grade_label"], "Baik");
    assert_eq!(r["respondents"], 3);
    assert_eq!(r["served"], 4);
    assert_eq!(r["required_sample"], 4);
    assert_eq!(r["sample_reached"], false);
    assert_eq!(r["weakest"][0], "U8");
    let u8 = r["elements"].as_array().unwrap().iter().find(|e| e["code"] == "U8").unwrap();
    assert!((u8["nrr"].as_f64().unwrap() - 8.0 / 3.0).abs() < 1e-9);
    assert_eq!(u8["name"], "Penanganan pengaduan, saran dan masukan");
    let u9 = r["elements"].as_array().unwrap().iter().find(|e| e["code"] == "U9").unwrap();
    assert_eq!(u9["name"], "Sarana dan prasarana");
    assert!((u9["nrr"].as_f64().unwrap() - 3.0).abs() < 1e-9);
    // The provider's row says the same; the provider's own report breaks down per service.
    let row = r["breakdown"].as_array().unwrap().iter().find(|p| p["id"] == d.provider).unwrap();
    assert_eq!(row["ikm"], "84.26");
    let (_, p) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4&provider={}", d.mpp, d.provider)).await;
    assert_eq!(p["breakdown"][0]["id"], d.service);
    // Another quarter has nothing; nationally this MPP is listed with the same figure.
    let (_, q3) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q3", d.mpp)).await;
    assert_eq!(q3["respondents"], 0);
    assert!(q3["ikm"].is_null());
    let (_, n) = t.get_json("/api/v1/ikm?period=2026").await;
    let bogor = n["breakdown"].as_array().unwrap().iter().find(|m| m["id"] == d.mpp).unwrap();
    assert_eq!(bogor["ikm"], "84.26");
    let (s, e) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q9", d.mpp)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");

    // A fourth, perfect answer lifts it to 25 × 127 / 36 = 88.194… → 88.19, still B.
    let (s, _) = visitor.post(&format!("/api/v1/tickets/{}/survey", tokens[3]), answers([4; 9])).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, r) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!(
        (r["ikm"].as_str(), r["grade"].as_str(), r["sample_reached"].as_bool()),
        (Some("88.19"), Some("B"), Some(true))
    );
    t.stop().await;
}

#[tokio::test]
async fn one_response_per_visit_even_when_it_races_and_bad_answers_are_named() {
    let t = spawn().await;
    let d = desk(&t).await;
    let token = served_visit(&t, &d).await;
    // Incomplete and out-of-range answers name their elements; nothing is stored.
    let mut bad = answers([4; 9]);
    bad["u1"] = json!(5);
    bad.as_object_mut().unwrap().remove("u9");
    bad["sex"] = json!("X");
    let (s, e) = t.anonymous().post(&format!("/api/v1/tickets/{token}/survey"), bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["u1", "u9", "sex"]);
    // Twenty tries at once: one is stored.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (c, token) = (t.anonymous(), token.clone());
        tasks.push(tokio::spawn(
            async move { c.post(&format!("/api/v1/tickets/{token}/survey"), answers([3; 9])).await },
        ));
    }
    let mut created = 0;
    for task in tasks {
        let (s, b) = task.await.unwrap();
        match s {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(b["error"]["code"], "survey_answered"),
            other => panic!("unexpected {other}: {b}"),
        }
    }
    assert_eq!(created, 1);
    let (_, r) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!(r["respondents"], 1);
    let (_, target) = t.get_json(&format!("/api/v1/tickets/{token}/survey")).await;
    assert_eq!(target["answered"], true);
    // A ticket still waiting cannot be surveyed.
    let (_, waiting) = t
        .kiosk_of(d.mpp)
        .await
        .post(&format!("/api/v1/mpps/{}/tickets", d.mpp), json!({"service_id": d.service}))
        .await;
    let (s, e) = t
        .anonymous()
        .post(&format!("/api/v1/tickets/{}/survey", waiting["token"].as_str().unwrap()), answers([4; 9]))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "survey_not_open");
    // Nor one served long ago.
    t.app.clock.set(Some(monday() + chrono::Duration::days(15)));
    let (s, _) = t.get_json(&format!("/api/v1/tickets/{token}/survey")).await;
    assert_eq!(s, StatusCode::CONFLICT);
    t.stop().await;
}

#[tokio::test]
async fn one_time_codes_paper_surveys_and_the_counter_tablet() {
    let t = spawn().await;
    let d = desk(&t).await;
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, codes) = admin
        .post(&format!("/api/v1/services/{}/survey-codes", d.service), json!({"count": 3, "note": "paspor"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{codes}");
    let code = codes[0].as_str().unwrap().to_string();
    assert!(code.starts_with("SKM-") && code.len() == 13, "{code}");
    // Typed loosely, it still works, once.
    let typed = code.replace('-', " ").to_lowercase();
    let (s, target) = t.get_json(&format!("/api/v1/survey-codes/{}", typed.replace(' ', "%20"))).await;
    assert_eq!(s, StatusCode::OK, "{target}");
    assert_eq!(target["answered"], false);
    let (s, b) = t.anonymous().post(&format!("/api/v1/survey-codes/{code}/response"), answers([2; 9])).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, e) = t.anonymous().post(&format!("/api/v1/survey-codes/{code}/response"), answers([2; 9])).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "survey_answered");
    let (s, _) = t.anonymous().post("/api/v1/survey-codes/SKM-0000-0000/response", answers([2; 9])).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Another provider's officer cannot make codes for this service; a citizen cannot either.
    let other = t.session(accounts::OFFICER_BPJS).await;
    let (s, _) = other.post(&format!("/api/v1/services/{}/survey-codes", d.service), json!({"count": 1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let citizen = t.session(accounts::CITIZEN).await;
    let (s, _) = citizen.post(&format!("/api/v1/services/{}/paper-surveys", d.service), answers([4; 9])).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A paper survey from last week, typed in by the officer.
    let mut paper = answers([3, 3, 3, 3, 3, 3, 3, 3, 3]);
    paper["day"] = json!("2026-11-23");
    paper["suggestion"] = json!("Kursi ruang tunggu kurang.");
    let (s, b) = d.officer.post(&format!("/api/v1/services/{}/paper-surveys", d.service), paper).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, e) = d
        .officer
        .post(&format!("/api/v1/services/{}/paper-surveys", d.service), json!({"u1": 3, "day": "2027-01-01"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // The counter's tablet offers the visit just finished there, once.
    let (_, none) = d.officer.get(&format!("/api/v1/counters/{}/survey", d.counter)).await;
    assert!(none["token"].is_null());
    let token = served_visit(&t, &d).await;
    let (_, offer) = d.officer.get(&format!("/api/v1/counters/{}/survey", d.counter)).await;
    assert_eq!(offer["token"], token);
    let mut body = answers([4; 9]);
    body["token"] = json!(token);
    let (s, b) = d.officer.post(&format!("/api/v1/counters/{}/survey", d.counter), body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, after) = d.officer.get(&format!("/api/v1/counters/{}/survey", d.counter)).await;
    assert!(after["token"].is_null(), "answered visits are not offered again");

    // Code 2×9 = 18, paper 3×9 = 27, tablet 4×9 = 36: 81 over 3 → 25 × 81 / 27 = 75.00, grade C.
    let (_, r) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!(
        (r["ikm"].as_str(), r["grade"].as_str(), r["respondents"].as_u64()),
        (Some("75.00"), Some("C"), Some(3))
    );
    // Whole months come from the monthly rollup, partial ones from the daily: every
    // cut of the period agrees. Paper on 23 Nov (27), the rest on 30 Nov (18 + 36);
    // one more on 1 Dec 2026 (all 1s, 9).
    let mut december = answers([1; 9]);
    december["day"] = json!("2026-12-01");
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 2, 2, 0, 0).unwrap()));
    let officer = t.session(accounts::OFFICER).await;
    let (s, b) = officer.post(&format!("/api/v1/services/{}/paper-surveys", d.service), december).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    for (period, n, ikm) in [
        ("2026-Q4", 4, "62.50"),                // 90 over 4 → 2500 × 90 / 36
        ("2026-11-01..2026-12-31", 4, "62.50"), // the same, as whole months
        ("2026-11-24..2026-12-01", 3, "58.33"), // 18 + 36 + 9 = 63 → 2500 × 63 / 27 = 5833.3
        ("2026-11-30..2026-11-30", 2, "75.00"), // 54 → 2500 × 54 / 18
        ("2026-11-01..2026-11-30", 3, "75.00"), // November whole
        ("2026-11-23..2026-12-01", 4, "62.50"), // partial November, partial December
        ("2026-12-01..2026-12-31", 1, "25.00"),
    ] {
        let (_, r) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period={period}", d.mpp)).await;
        assert_eq!((r["respondents"].as_u64(), r["ikm"].as_str()), (Some(n), Some(ikm)), "{period}: {r}");
        let (_, p) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period={period}&provider={}", d.mpp, d.provider)).await;
        assert_eq!(p["ikm"], r["ikm"], "{period}: provider scope");
        // Paper typed in beyond the visits is reported, never counted as a sample reached.
        let over = r["respondents"].as_u64() > r["served"].as_u64();
        assert_eq!(r["respondents_exceed_served"], over, "{period}: {r}");
        if over {
            assert_eq!(r["sample_reached"], false, "{period}");
        }
    }
    // December: one paper form, nobody served yet.
    let (_, r) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-12-01..2026-12-31", d.mpp)).await;
    assert_eq!((r["served"].as_u64(), r["respondents_exceed_served"].as_bool()), (Some(0), Some(true)), "{r}");
    let (s, html) = t.get_text("/mpp/kota-bogor/ikm?dari=2026-12-01&sampai=2026-12-31").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("melebihi jumlah orang yang dilayani") && !html.contains("memenuhi sampel minimal"), "warns");
    t.stop().await;
}

#[tokio::test]
async fn suggestions_become_follow_ups_and_stay_within_their_mpp() {
    let t = spawn().await;
    let d = desk(&t).await;
    let token = served_visit(&t, &d).await;
    let mut a = answers([3; 9]);
    a["suggestion"] = json!("Antrean paspor terlalu lama, tambah loket.");
    let (s, _) = t.anonymous().post(&format!("/api/v1/tickets/{token}/survey"), a).await;
    assert_eq!(s, StatusCode::CREATED);
    let manager = t.session(accounts::MANAGER).await;
    let (s, list) = manager.get(&format!("/api/v1/mpps/{}/survey-suggestions?period=2026-Q4", d.mpp)).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list[0]["suggestion"], "Antrean paspor terlalu lama, tambah loket.");
    let response_id = list[0]["id"].as_i64().unwrap();
    // Suggestions are not public, and not another MPP's.
    let (s, _) = t.anonymous().get(&format!("/api/v1/mpps/{}/survey-suggestions", d.mpp)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let makassar = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, _) = makassar.get(&format!("/api/v1/mpps/{}/survey-suggestions", d.mpp)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The manager makes it a follow-up owned by the immigration admin.
    let (_, users) = manager.get("/api/v1/users").await;
    let owner = users.as_array().unwrap().iter().find(|u| u["email"] == accounts::PROVIDER_ADMIN).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, f) = manager
        .post(
            &format!("/api/v1/mpps/{}/followups", d.mpp),
            json!({"title": "Tambah loket paspor pada jam sibuk", "response_id": response_id, "owner_id": owner}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(f["status"], "open");
    assert_eq!(f["provider_id"], d.provider);
    let id = f["id"].as_i64().unwrap();
    // The owner moves it along; another MPP's manager cannot touch it.
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, f) = admin
        .put(&format!("/api/v1/followups/{id}"), json!({"status": "in_progress", "note": "Loket 3 dibuka Senin."}))
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["status"], "in_progress");
    let (s, _) = makassar.put(&format!("/api/v1/followups/{id}"), json!({"status": "done"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = admin.put(&format!("/api/v1/followups/{id}"), json!({"status": "lost"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // An owner from another MPP is refused.
    let (_, mk_users) = makassar.get("/api/v1/users").await;
    let stranger = mk_users[0]["id"].as_i64().unwrap();
    let (s, _) =
        manager.post(&format!("/api/v1/mpps/{}/followups", d.mpp), json!({"title": "x", "owner_id": stranger})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // A national admin may name any MPP, but one that does not exist is a 404, never a refused write.
    let national = t.session(accounts::NATIONAL).await;
    let (s, e) = national.post("/api/v1/mpps/-9223372036854775808/followups", json!({"title": "mÆ"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    // A follow-up may start with its note and status; an unknown status is refused.
    let (s, f) = manager
        .post(
            &format!("/api/v1/mpps/{}/followups", d.mpp),
            json!({"title": "Kursi ruang tunggu", "status": "in_progress", "note": "Sudah dipesan."}),
        )
        .await;
    assert_eq!(
        (s, f["status"].as_str(), f["note"].as_str()),
        (StatusCode::CREATED, Some("in_progress"), Some("Sudah dipesan."))
    );
    let (s, _) =
        manager.post(&format!("/api/v1/mpps/{}/followups", d.mpp), json!({"title": "y", "status": "lost"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = manager.get(&format!("/api/v1/mpps/{}/followups", d.mpp)).await;
    let first = list.as_array().unwrap().iter().find(|f| f["id"] == id).unwrap();
    assert_eq!(first["note"], "Loket 3 dibuka Senin.");
    assert_eq!(first["suggestion"], "Antrean paspor terlalu lama, tambah loket.");
    t.stop().await;
}
