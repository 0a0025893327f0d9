//! Applications (berkas) over HTTP: intake at the counter with the standard's
//! requirements ticked, the deadline in working days across weekends,
//! holidays and closures, the clock stopped while documents are owed, steps
//! that two officers cannot both take, tracking by code, messages at each
//! step, the survey code and the people-served count at finish, and isolation.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

/// The texts of the messages of one kind queued for an MPP.
async fn outbox(t: &TestApp, mpp: Option<i64>, kind: &str) -> Vec<String> {
    let mut r = t.app.store.read().await.expect("read");
    let all = r.messages(mpp, None, 5000).await.expect("messages");
    all.into_iter().filter(|m| m.kind == kind).map(|m| t.app.keys.open(&m.body_sealed).expect("open")).collect()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Kota Bogor's new-passport service: 4 working days, 4 requirements.
async fn passport(t: &TestApp) -> i64 {
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={imigrasi}&limit=200")).await;
    page["services"].as_array().unwrap().iter().find(|s| s["code"] == "IMI-01").unwrap()["id"].as_i64().unwrap()
}

async fn intake(officer: &Session, body: Value) -> Value {
    let (s, v) = officer.post("/api/v1/applications", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn step(officer: &Session, file: &Value, to: &str, extra: Value) -> Value {
    let mut body = json!({"from": file["step"], "to": to});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (s, v) = officer.post(&format!("/api/v1/applications/{}/steps", file["id"]), body).await;
    assert_eq!(s, StatusCode::OK, "{to}: {v}");
    v
}

fn applicant(service: i64, met: &[usize]) -> Value {
    json!({
        "service_id": service,
        "applicant_name": "Rina Marlina",
        "phone": "0812-7777-1234",
        "email": "rina.marlina@example.id",
        "requirements_met": met,
    })
}

async fn served_in(t: &TestApp, mpp: i64, period: &str) -> i64 {
    let (s, r) = t.get_json(&format!("/api/v1/mpps/{mpp}/ikm?period={period}")).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r["served"].as_i64().unwrap()
}

#[tokio::test]
async fn a_file_runs_from_intake_to_pickup_within_its_working_days() {
    let t = TestApp::spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let service = passport(&t).await;
    // Wednesday 23 Dec 2026, 10:00 WIB. Four working days: 24–25 closed (cuti bersama,
    // Christmas), 26–27 weekend, 28 the demo's own closure, 29 (1), 30 (2), 31 (3),
    // 1 Jan closed, 2–3 weekend, 4 (4) → due at the end of Monday 4 January 2027.
    t.app.clock.set(Some(at("2026-12-23T03:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let file = intake(&officer, applicant(service, &[0, 1, 2, 3])).await;
    assert_eq!(file["step"], "received");
    assert_eq!(file["due_at"], "2027-01-04T17:00:00Z");
    assert_eq!(file["paused"], false);
    let code = file["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("BRK-"), "{code}");
    assert_eq!(file["phone_masked"], "0812****1234");
    assert_eq!(file["next"][0]["key"], "verified");
    // The applicant is told at intake, with the tracking code.
    let sent = outbox(&t, Some(mpp), "application").await;
    assert!(sent.iter().any(|m| m.contains(&code)), "{sent:?}");

    let file = step(&officer, &file, "verified", json!({})).await;
    // Tuesday 29 Dec 09:00: the officer finds the birth certificate missing; the clock stops.
    t.app.clock.set(Some(at("2026-12-29T02:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let (s, e) = officer
        .post(
            &format!("/api/v1/applications/{}/steps", file["id"]),
            json!({"from": "verified", "to": "needs_completion"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "the applicant must be told what to bring: {e}");
    let file = step(
        &officer,
        &file,
        "needs_completion",
        json!({"note": "Akta kelahiran tidak terbaca; bawa aslinya.", "requirements_met": [0, 1, 3]}),
    )
    .await;
    assert_eq!(file["paused"], true);
    assert_eq!(file["late"], false);
    let sent = outbox(&t, Some(mpp), "application").await;
    assert!(sent.iter().any(|m| m.contains("Akta kelahiran tidak terbaca")), "{sent:?}");
    // Back on Thursday 31 Dec: 30 and 31 do not count, so two more working days:
    // 29 (1), 30 and 31 paused, 4 (2), 5 (3), 6 (4)... counted from the start, the
    // promise becomes 6 working days from 23 Dec → end of Wednesday 6 January.
    t.app.clock.set(Some(at("2026-12-31T03:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    assert_eq!(file["next"][0]["key"], "verified");
    let (s, e) = officer
        .post(
            &format!("/api/v1/applications/{}/steps", file["id"]),
            json!({"from": "needs_completion", "to": "verified", "requirements_met": [0, 1, 3]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "all requirements must be there: {e}");
    let file = step(&officer, &file, "verified", json!({"requirements_met": [0, 1, 2, 3]})).await;
    assert_eq!(file["paused"], false);
    assert_eq!(file["due_at"], "2027-01-06T17:00:00Z");

    // Steps out of order are refused.
    let (s, e) = officer
        .post(&format!("/api/v1/applications/{}/steps", file["id"]), json!({"from": "verified", "to": "ready"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "application_step_not_allowed");

    let file = step(&officer, &file, "processed", json!({})).await;
    let file = step(&officer, &file, "approved", json!({})).await;
    assert!(file["survey_code"].is_null());
    // Finished on Monday 4 January 2027, on time: a survey code, a person served.
    t.app.clock.set(Some(at("2027-01-04T04:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let before = served_in(&t, mpp, "2027-Q1").await;
    let file = step(&officer, &file, "ready", json!({})).await;
    assert_eq!(file["on_time"], true);
    let survey = file["survey_code"].as_str().unwrap().to_string();
    assert!(survey.starts_with("SKM-"), "{survey}");
    assert_eq!(served_in(&t, mpp, "2027-Q1").await, before + 1);
    let sent = outbox(&t, Some(mpp), "application").await;
    assert!(sent.iter().any(|m| m.contains("siap diambil") && m.contains(&survey)), "{sent:?}");
    // The survey code opens the survey for this service.
    let (s, target) = t.get_json(&format!("/api/v1/survey-codes/{survey}")).await;
    assert_eq!(s, StatusCode::OK, "{target}");

    // The applicant follows the file by code, typed loosely; no contact, no officer names.
    let typed = code.to_lowercase().replace('-', " ");
    let (s, tracked) = t.get_json(&format!("/api/v1/application-tracking/{}", typed.replace(' ', "%20"))).await;
    assert_eq!(s, StatusCode::OK, "{tracked}");
    assert_eq!(tracked["step"], "ready");
    assert!(tracked["phone_masked"].is_null() && tracked["email_masked"].is_null() && tracked["code"].is_null());
    assert!(tracked["next"].as_array().unwrap().is_empty());
    assert!(tracked["events"].as_array().unwrap().iter().all(|e| e["actor_name"].is_null()));
    let states: Vec<(&str, &str)> = tracked["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["key"].as_str().unwrap(), s["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        vec![
            ("received", "done"),
            ("verified", "done"),
            ("processed", "done"),
            ("approved", "done"),
            ("ready", "current"),
            ("picked_up", "todo")
        ]
    );

    let file = step(&officer, &file, "picked_up", json!({})).await;
    assert!(file["next"].as_array().unwrap().is_empty());
    // Picking up does not count the person twice.
    assert_eq!(served_in(&t, mpp, "2027-Q1").await, before + 1);
    let (_, done) = officer.get(&format!("/api/v1/mpps/{mpp}/applications?state=done")).await;
    assert!(done.as_array().unwrap().iter().any(|f| f["id"] == file["id"]));
    let (_, open) = officer.get(&format!("/api/v1/mpps/{mpp}/applications")).await;
    assert!(!open.as_array().unwrap().iter().any(|f| f["id"] == file["id"]));
}

#[tokio::test]
async fn an_incomplete_file_starts_its_clock_only_when_complete() {
    let t = TestApp::spawn().await;
    let service = passport(&t).await;
    // Monday 7 Dec 2026, 09:00 WIB; the birth certificate is missing.
    t.app.clock.set(Some(at("2026-12-07T02:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let file = intake(&officer, applicant(service, &[0, 1, 3])).await;
    assert_eq!(file["step"], "needs_completion");
    assert!(file["due_at"].is_null(), "{file}");
    // Ten working days to bring it: 8..11, 14..18, 21 → end of Monday 21 December.
    assert_eq!(file["completion_due_at"], "2026-12-21T17:00:00Z");
    assert_eq!(file["requirements"][2]["ok"], false);
    assert_eq!(file["next"][0]["key"], "received");
    // Brought on Thursday 10 Dec: 4 working days from then → end of Wednesday 16 Dec.
    t.app.clock.set(Some(at("2026-12-10T03:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let file = step(&officer, &file, "received", json!({"requirements_met": [0, 1, 2, 3]})).await;
    assert_eq!(file["due_at"], "2026-12-16T17:00:00Z");
    assert!(file["completion_due_at"].is_null());
    // Late after that: the worklist says so, first.
    t.app.clock.set(Some(at("2026-12-17T02:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let mpp = t.mpp_id("kota-bogor").await;
    let (_, list) = officer.get(&format!("/api/v1/mpps/{mpp}/applications")).await;
    assert_eq!(list[0]["id"], file["id"]);
    assert_eq!(list[0]["late"], true);
    // Escalated once: the managers and the provider's admins are told.
    assert_eq!(t.app.escalate_late_applications().await.unwrap(), 1);
    assert_eq!(t.app.escalate_late_applications().await.unwrap(), 0);
    let sent = outbox(&t, Some(mpp), "application_escalation").await;
    assert!(sent.len() >= 2, "{sent:?}");
}

#[tokio::test]
async fn two_officers_cannot_both_decide() {
    let t = TestApp::spawn().await;
    let service = passport(&t).await;
    t.app.clock.set(Some(at("2026-12-07T02:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    for _ in 0..5 {
        let file = intake(&officer, applicant(service, &[0, 1, 2, 3])).await;
        let file = step(&officer, &file, "verified", json!({})).await;
        let file = step(&officer, &file, "processed", json!({})).await;
        let path = format!("/api/v1/applications/{}/steps", file["id"]);
        let (a, b) = tokio::join!(
            officer.post(&path, json!({"from": "processed", "to": "approved"})),
            admin.post(&path, json!({"from": "processed", "to": "rejected", "note": "Data tidak sesuai."})),
        );
        let oks = [a.0, b.0].iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(oks, 1, "exactly one decision: {a:?} {b:?}");
        let loser = if a.0 == StatusCode::OK { &b } else { &a };
        assert_eq!(loser.0, StatusCode::CONFLICT);
        assert_eq!(loser.1["error"]["code"], "application_changed");
        // The timeline holds one decision.
        let (_, now) = officer.get(&format!("/api/v1/applications/{}", file["id"])).await;
        let decisions = now["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["to_step"] == "approved" || e["to_step"] == "rejected")
            .count();
        assert_eq!(decisions, 1, "{now}");
    }
}

#[tokio::test]
async fn files_are_seen_only_by_their_provider_and_mpp() {
    let t = TestApp::spawn().await;
    let service = passport(&t).await;
    let mpp = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    t.app.clock.set(Some(at("2026-12-07T02:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let file = intake(&officer, applicant(service, &[0, 1, 2, 3])).await;
    let path = format!("/api/v1/applications/{}", file["id"]);

    let dukcapil = t.session(accounts::OFFICER_DUKCAPIL).await;
    let (s, _) = dukcapil.get(&path).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another provider's officer");
    let (s, _) = dukcapil.post(&format!("{path}/steps"), json!({"from": "received", "to": "verified"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, list) = dukcapil.get(&format!("/api/v1/mpps/{mpp}/applications")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!list.as_array().unwrap().iter().any(|f| f["id"] == file["id"]), "{list}");
    let (s, _) = dukcapil.post("/api/v1/applications", applicant(service, &[0])).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "files of another provider's service");

    let other = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, _) = other.get(&path).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another MPP's manager");
    let (s, _) = other.get(&format!("/api/v1/mpps/{mpp}/applications")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = other.get(&format!("/api/v1/mpps/{makassar}/applications")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.anonymous().get(&path).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let manager = t.session(accounts::MANAGER).await;
    let (s, seen) = manager.get(&path).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    // Opening a file is in the audit trail.
    let (_, log) = manager.get(&format!("/api/v1/audit?mpp={mpp}&entity=application")).await;
    assert!(log.to_string().contains("\"view\""), "{log}");

    // A wrong code finds nothing, and the answer says nothing about other files.
    let (s, _) = t.get_json("/api/v1/application-tracking/BRK-0000-0000-0000").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Bad intake input is refused in words and writes nothing.
    let (_, before) = officer.get(&format!("/api/v1/mpps/{mpp}/applications?state=all")).await;
    let (s, e) = officer
        .post("/api/v1/applications", json!({"service_id": service, "phone": "12", "requirements_met": [9]}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"applicant_name") && fields.contains(&"phone") && fields.contains(&"requirements_met"));
    let (_, after) = officer.get(&format!("/api/v1/mpps/{mpp}/applications?state=all")).await;
    assert_eq!(before.as_array().unwrap().len(), after.as_array().unwrap().len());
}

#[tokio::test]
async fn a_closure_declared_later_moves_a_running_deadline() {
    let t = TestApp::spawn().await;
    let service = passport(&t).await;
    let mpp = t.mpp_id("kota-bogor").await;
    // Monday 7 Dec 09:00 WIB: 4 working days → end of Friday 11 December.
    t.app.clock.set(Some(at("2026-12-07T02:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let file = intake(&officer, applicant(service, &[0, 1, 2, 3])).await;
    assert_eq!(file["due_at"], "2026-12-11T17:00:00Z");
    // An emergency closure on Wednesday 9 Dec moves it to the end of Monday 14 Dec.
    let manager = t.session(accounts::MANAGER).await;
    let (s, h) = manager
        .post(&format!("/api/v1/mpps/{mpp}/holidays"), json!({"date": "2026-12-09", "name": "Gedung ditutup darurat"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let (_, now) = officer.get(&format!("/api/v1/applications/{}", file["id"])).await;
    assert_eq!(now["due_at"], "2026-12-14T17:00:00Z");
    assert!(now["events"].as_array().unwrap().iter().any(|e| e["action"] == "deadline"), "{now}");
    // Removing it gives the days back.
    let (s, _) = manager.delete(&format!("/api/v1/holidays/{}", h["id"])).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, now) = officer.get(&format!("/api/v1/applications/{}", file["id"])).await;
    assert_eq!(now["due_at"], "2026-12-11T17:00:00Z");
}

#[tokio::test]
async fn a_file_from_the_visit_reuses_it_and_providers_set_their_steps() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { tickets_per_minute: 100_000, ..Default::default() }).await;
    let service = passport(&t).await;
    let mpp = t.mpp_id("kota-bogor").await;
    t.app.clock.set(Some(at("2026-11-30T02:00:00Z")));
    let (s, ticket) =
        t.kiosk_of(mpp).await.post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service})).await;
    assert_eq!(s, StatusCode::CREATED, "{ticket}");
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, steps) = admin
        .put(
            &format!("/api/v1/services/{service}/application-steps"),
            json!({"steps": ["Verifikasi berkas | File check", "Wawancara | Interview", "Pencetakan"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{steps}");
    assert_eq!(steps.as_array().unwrap().len(), 3);
    let officer = t.session(accounts::OFFICER).await;
    let (s, _) =
        officer.put(&format!("/api/v1/services/{service}/application-steps"), json!({"steps": ["Sembarang"]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "officers do not change the process");
    let mut body = applicant(service, &[0, 1, 2, 3]);
    let ticket_id = ticket["ticket"]["id"].as_i64().unwrap();
    body["ticket_id"] = json!(ticket_id);
    let file = intake(&officer, body).await;
    assert_eq!(file["ticket_id"], ticket_id);
    assert_eq!(file["next"][0]["key"], "step-1");
    assert_eq!(file["next"][0]["name"], "Verifikasi berkas");
    let file = step(&officer, &file, "step-1", json!({})).await;
    let file = step(&officer, &file, "step-2", json!({})).await;
    let file = step(&officer, &file, "step-3", json!({})).await;
    let before = served_in(&t, mpp, "2026-Q4").await;
    let file = step(&officer, &file, "rejected", json!({"note": "Data kelahiran tidak sesuai."})).await;
    assert!(file["finished_at"].is_string());
    assert!(file["survey_code"].is_string());
    // Counted when the visit was served, not again now.
    assert_eq!(served_in(&t, mpp, "2026-Q4").await, before);
    let names: Vec<&str> = file["steps"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Diterima", "Verifikasi berkas", "Wawancara", "Pencetakan", "Ditolak"]);
}

#[tokio::test]
async fn a_ready_file_is_collected_with_a_kiosk_ticket() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { tickets_per_minute: 100_000, ..Default::default() }).await;
    let service = passport(&t).await;
    let mpp = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    t.app.clock.set(Some(at("2026-11-30T02:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let file = intake(&officer, applicant(service, &[0, 1, 2, 3])).await;
    let code = file["code"].as_str().unwrap().to_string();
    let kiosk = t.kiosk_of(mpp).await;
    let path = format!("/api/v1/mpps/{mpp}/application-pickups");

    let (s, e) = kiosk.post(&path, json!({"code": code})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "application_not_ready");

    let file = step(&officer, &file, "verified", json!({})).await;
    let file = step(&officer, &file, "processed", json!({})).await;
    let file = step(&officer, &file, "approved", json!({})).await;
    step(&officer, &file, "ready", json!({})).await;

    let (s, _) = t.anonymous().post(&path, json!({"code": code})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only a paired kiosk hands out the ticket");
    let (s, _) = t
        .kiosk_of(makassar)
        .await
        .post(&format!("/api/v1/mpps/{makassar}/application-pickups"), json!({"code": code}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another MPP's kiosk finds nothing");

    // The receipt's QR link, as a scanner types it.
    let (s, first) = kiosk.post(&path, json!({"code": format!("http://mpp.example.id/berkas/{code}")})).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(first["ticket"]["service_id"], service);
    assert_eq!(first["ticket"]["status"], "waiting");
    let (s, again) = kiosk.post(&path, json!({"code": code.to_lowercase()})).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    assert_eq!(again["ticket"]["id"], first["ticket"]["id"], "a second scan reprints, it does not queue twice");
    let (_, tracked) = t.get_json(&format!("/api/v1/application-tracking/{code}")).await;
    let code_of_ticket = first["ticket"]["code"].as_str().unwrap();
    assert!(
        tracked["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["note"].as_str().is_some_and(|n| n.contains(code_of_ticket))),
        "{tracked}"
    );
}

#[tokio::test]
async fn the_desk_finds_a_file_and_registers_one_from_a_booking() {
    let t = TestApp::spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let service = passport(&t).await;
    t.app.clock.set(Some(at("2026-11-30T03:00:00Z")));
    let officer = t.session(accounts::OFFICER).await;
    let rina = intake(&officer, applicant(service, &[0, 1, 2, 3])).await;
    let mut budi = applicant(service, &[0, 1, 2, 3]);
    budi["applicant_name"] = json!("Budi Santoso");
    let budi = intake(&officer, budi).await;
    let list = |q: &str| {
        let officer = &officer;
        let q = q.to_string();
        async move {
            let (s, v) = officer.get(&format!("/api/v1/mpps/{mpp}/applications?q={q}")).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v.as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect::<Vec<_>>()
        }
    };
    let (r, b) = (rina["id"].as_i64().unwrap(), budi["id"].as_i64().unwrap());
    let rina_ref = rina["reference"].as_str().unwrap().to_string();
    // By name (any case, part of it), by number, by tracking code (as typed or scanned).
    assert_eq!(list("budi").await, vec![b]);
    assert_eq!(list("MARLINA").await, vec![r]);
    assert_eq!(list(&budi["reference"].as_str().unwrap().to_lowercase()).await, vec![b]);
    assert_eq!(list(&r.to_string()).await, vec![r]);
    let code = rina["code"].as_str().unwrap();
    assert_eq!(list(&code.replace('-', "").to_lowercase()).await, vec![r], "{code}");
    assert_eq!(list("paspor").await.len(), 2, "by service");
    assert!(list("xyz").await.is_empty());
    // A finished file is found too (a search looks through every state).
    let rina = step(&officer, &rina, "verified", json!({})).await;
    let rina = step(&officer, &rina, "processed", json!({})).await;
    let rina = step(&officer, &rina, "approved", json!({})).await;
    step(&officer, &rina, "ready", json!({})).await;
    assert_eq!(list("marlina").await, vec![r]);
    // The page says what it found, in words.
    let (_, html, _) = officer.page("/admin/berkas?cari=tidak+ada+orangnya").await;
    assert!(html.contains("Tidak ada berkas yang cocok dengan"), "says nothing matched");
    let (_, html, _) = officer.page("/admin/berkas?cari=budi").await;
    assert!(html.contains(budi["reference"].as_str().unwrap()) && !html.contains(&format!(">{rina_ref}<")));

    // A booking of the day offers "register a file", which keeps the booking's name and contact.
    let slot = t.first_open_slot(service, 4).await;
    let (s, booking) = t
        .anonymous()
        .post(
            "/api/v1/bookings",
            json!({"slot_id": slot["id"], "name": "Sari Wulandari", "nik": "3271051205850009", "phone": "0812 9000 2222"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{booking}");
    let starts: DateTime<Utc> = booking["starts_at"].as_str().unwrap().parse().unwrap();
    let day = starts.with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
    let (_, html, _) = officer.page(&format!("/admin/pemesanan?mpp={mpp}&hari={day}")).await;
    let link =
        html.split("href=\"/admin/berkas/baru?").nth(1).and_then(|x| x.split('"').next()).expect("register link");
    let link = format!("/admin/berkas/baru?{}", link.replace("&#38;", "&").replace("&amp;", "&"));
    let (s, form, _) = officer.page(&link).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("id=\"app-from-booking\""), "the form knows the booking");
    let service_id = service.to_string();
    let booking_id = link.split("pemesanan=").nth(1).unwrap().to_string();
    let fields = [
        ("service_id", service_id.as_str()),
        ("booking_id", booking_id.as_str()),
        ("req-0", "1"),
        ("req-1", "1"),
        ("req-2", "1"),
        ("req-3", "1"),
    ];
    let r = officer.form(&link, "/admin/berkas/baru", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "registered without typing the name again");
    let (_, found) = officer.get(&format!("/api/v1/mpps/{mpp}/applications?q=wulandari")).await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["phone_masked"], "0812****2222", "the booking's phone");
    t.stop().await;
}
