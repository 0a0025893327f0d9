//! The OSS help desk over HTTP: opening it, group sessions whose seats never
//! overbook under a real race, cancelling and attendance, consultation records
//! with their checks, one record per visit, follow-ups closed once and
//! reminded once, the counts on the manager's and the ministry's dashboards
//! equal to the records, and isolation between MPPs and providers.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

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

/// Monday 30 Nov 2026, 08:00 WIB.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()
}

fn nik(n: usize) -> String {
    format!("327105120585{:04}", n % 10_000 + 1)
}

struct Desk {
    mpp: i64,
    consultation: i64,
    sessions: i64,
    manager: Session,
}

/// Kota Bogor's manager opens the desk on DPMPTSP's "Pendampingan OSS/NIB".
async fn open_desk(t: &TestApp) -> Desk {
    t.app.clock.set(Some(monday()));
    let mpp = t.mpp_id("kota-bogor").await;
    let consultation = t.app.service_by_code(None, mpp, "PTSP-01").await.unwrap().id;
    let manager = t.session(accounts::MANAGER).await;
    let (s, d) = t.get_json(&format!("/api/v1/mpps/{mpp}/oss")).await;
    assert_eq!((s, d["open"].as_bool()), (StatusCode::OK, Some(false)), "{d}");
    let (s, d) = manager.post(&format!("/api/v1/mpps/{mpp}/oss"), json!({"service_id": consultation})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["open"], json!(true));
    assert_eq!(d["consultation"]["service_id"], json!(consultation));
    assert_eq!(d["consultation"]["booth"], json!("Gerai 2"), "the public sees where the desk is");
    let sessions = d["sessions"]["service_id"].as_i64().unwrap();
    assert_ne!(sessions, consultation);
    Desk { mpp, consultation, sessions, manager }
}

async fn plan(desk: &Desk, date: &str, capacity: i64) -> Value {
    let body = json!({"title": "Sosialisasi OSS untuk UMKM", "room": "Ruang Serbaguna, Lantai 3", "date": date,
        "starts": "09:00", "ends": "11:00", "capacity": capacity});
    let (s, v) = desk.manager.post(&format!("/api/v1/mpps/{}/oss-sessions", desk.mpp), body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

fn registration(n: usize) -> Value {
    json!({"name": format!("Peserta {n}"), "nik": nik(n), "phone": format!("0812{:08}", 10_000_000 + n)})
}

async fn register(t: &TestApp, session: i64, n: usize) -> (StatusCode, Value) {
    t.anonymous().post(&format!("/api/v1/oss-sessions/{session}/registrations"), registration(n)).await
}

#[tokio::test]
async fn three_hundred_people_racing_for_twelve_session_seats_get_exactly_twelve() {
    let t = spawn().await;
    let desk = open_desk(&t).await;
    let v = plan(&desk, "2026-12-03", 12).await;
    assert_eq!(
        (v["capacity"].as_i64(), v["seats_left"].as_i64(), v["open"].as_bool()),
        (Some(12), Some(12), Some(true))
    );
    assert_eq!(v["starts_local"], json!("09:00"), "local time in the MPP's zone");
    let id = v["id"].as_i64().unwrap();

    let mut tasks = Vec::new();
    for n in 0..300 {
        let c = t.anonymous();
        tasks.push(tokio::spawn(async move {
            c.post(&format!("/api/v1/oss-sessions/{id}/registrations"), registration(n)).await
        }));
    }
    let (mut ok, mut full) = (0, 0);
    for task in tasks {
        let (s, b) = task.await.unwrap();
        match (s, b["error"]["code"].as_str()) {
            (StatusCode::CREATED, _) => {
                assert_eq!(b["service_id"], json!(desk.sessions));
                ok += 1
            }
            (StatusCode::CONFLICT, Some("slot_full")) => full += 1,
            other => panic!("unexpected answer {other:?}: {b}"),
        }
    }
    assert_eq!((ok, full), (12, 288));
    let (_, v) = t.get_json(&format!("/api/v1/oss-sessions/{id}")).await;
    assert_eq!(
        (v["registered"].as_i64(), v["seats_left"].as_i64(), v["open"].as_bool()),
        (Some(12), Some(0), Some(false))
    );
    let (s, d) = desk.manager.get(&format!("/api/v1/oss-sessions/{id}/registrants")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let regs = d["registrants"].as_array().unwrap();
    assert_eq!(regs.len(), 12);
    assert!(regs.iter().all(|r| r["name_masked"].as_str().unwrap().contains('*')), "names masked: {d}");
    let mut r = t.app.store.read().await.unwrap();
    assert_eq!(r.slots_out_of_balance().await.unwrap(), 0);
    drop(r);

    // The same person cannot take two seats; the session's slots come only from sessions.
    let (s, e) = register(&t, id, 0).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("slot_full")), "{e}");
    t.app.materialize_slots(None).await.unwrap();
    let mut r = t.app.store.read().await.unwrap();
    let slots = r.slots(desk.sessions, "2026-11-30".parse().unwrap(), "2027-12-31".parse().unwrap()).await.unwrap();
    assert_eq!(slots.len(), 1, "no weekly slots for the session service");
    drop(r);
    let (s, e) = desk
        .manager
        .put(&format!("/api/v1/services/{}/booking-rules", desk.sessions), json!({"capacity_per_slot": 5}))
        .await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("oss_session_rules")), "{e}");
    t.stop().await;
}

#[tokio::test]
async fn sessions_check_their_input_and_a_cancelled_one_tells_its_registrants() {
    let t = spawn().await;
    let desk = open_desk(&t).await;
    let url = format!("/api/v1/mpps/{}/oss-sessions", desk.mpp);
    let (s, e) = desk
        .manager
        .post(&url, json!({"title": "", "date": "2026-11-29", "starts": "11:00", "ends": "10:00", "capacity": 0}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str()).collect();
    for f in ["title", "room", "date", "ends", "capacity"] {
        assert!(fields.contains(&f), "{f} missing in {e}");
    }
    let v = plan(&desk, "2026-12-03", 5).await;
    let id = v["id"].as_i64().unwrap();
    let (s, e) = desk.manager.post(&url, json!({"title": "Lagi", "room": "R", "date": "2026-12-03", "starts": "09:00", "ends": "10:00", "capacity": 5})).await;
    assert_eq!(s, StatusCode::CONFLICT, "the session service has one session per start time: {e}");
    assert_eq!(e["error"]["fields"][0]["field"], json!("starts"), "{e}");
    for n in 0..3 {
        assert_eq!(register(&t, id, n).await.0, StatusCode::CREATED);
    }
    // Attendance is taken on the day, once.
    let (_, d) = desk.manager.get(&format!("/api/v1/oss-sessions/{id}/registrants")).await;
    let first = d["registrants"][0]["booking_id"].as_i64().unwrap();
    let att = format!("/api/v1/oss-sessions/{id}/attendance");
    let (s, e) = desk.manager.post(&att, json!({"booking_id": first})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("check_in_too_early")), "{e}");
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 3, 1, 50, 0).unwrap()));
    let desk = Desk { manager: t.session(accounts::MANAGER).await, ..desk };
    let (s, d) = desk.manager.post(&att, json!({"booking_id": first})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["session"]["attended"], json!(1));
    let (s, e) = desk.manager.post(&att, json!({"booking_id": first})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("check_in_used")));

    // Cancelled: the two not yet present are cancelled and told; nobody can register.
    let before = crate::support::outbox(&t, Some(desk.mpp), "cancelled").await.len();
    let (s, v) = desk.manager.post(&format!("/api/v1/oss-sessions/{id}/cancel"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["cancelled"].as_bool(), v["seats_left"].as_i64()), (Some(true), Some(0)));
    assert_eq!(crate::support::outbox(&t, Some(desk.mpp), "cancelled").await.len(), before + 2);
    let (s, e) = register(&t, id, 9).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("oss_session_cancelled")), "{e}");
    let (s, _) = desk.manager.post(&format!("/api/v1/oss-sessions/{id}/cancel"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "cancelled once");
    let (_, list) = t.get_json(&format!("/api/v1/mpps/{}/oss-sessions", desk.mpp)).await;
    assert_eq!(list[0]["cancelled"], json!(true), "still listed, marked, for those who registered");
    t.stop().await;
}

/// The texts of the messages of one kind queued for an MPP.
async fn bodies(t: &TestApp, mpp: i64, kind: &str) -> Vec<String> {
    let mut r = t.app.store.read().await.expect("read");
    let all = r.messages(Some(mpp), None, 5000).await.expect("messages");
    all.into_iter().filter(|m| m.kind == kind).map(|m| t.app.keys.open(&m.body_sealed).expect("open")).collect()
}

fn consultation(extra: Value) -> Value {
    let mut b = json!({"visitor_name": "Siti Rahmawati", "activity": "Warung makan", "kbli": "56102",
        "topic": "registration", "outcome": "answered"});
    if let (Some(o), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    b
}

#[tokio::test]
async fn consultations_are_checked_and_counted_on_both_dashboards() {
    let t = spawn().await;
    let desk = open_desk(&t).await;
    let url = format!("/api/v1/mpps/{}/oss-consultations", desk.mpp);
    let (s, e) = desk.manager.post(&url, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = |e: &Value| -> Vec<String> {
        e["error"]["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str().map(String::from)).collect()
    };
    assert_eq!(fields(&e), ["activity", "topic", "outcome"], "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("Kegiatan usaha: Wajib diisi"), "in words: {e}");
    for (bad, field) in [
        (json!({"kbli": "4711"}), "kbli"),
        (json!({"kbli": "04000"}), "kbli"),
        (json!({"outcome": "nib"}), "nib"),
        (json!({"outcome": "nib", "nib": "12345"}), "nib"),
        (json!({"outcome": "referred"}), "referred_provider_id"),
        (json!({"outcome": "follow_up", "follow_up_on": "2026-11-27"}), "follow_up_on"),
        (json!({"outcome": "follow_up"}), "follow_up_on"),
        (json!({"topic": "gossip"}), "topic"),
        (json!({"phone": "12"}), "phone"),
    ] {
        let (s, e) = desk.manager.post(&url, consultation(bad.clone())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
        assert_eq!(fields(&e), [field], "{bad}: {e}");
    }
    let makassar = t.mpp_id("kota-makassar").await;
    let foreign = t.app.providers(None, makassar).await.unwrap()[0].id;
    let (s, e) =
        desk.manager.post(&url, consultation(json!({"outcome": "referred", "referred_provider_id": foreign}))).await;
    assert_eq!((s, fields(&e)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["referred_provider_id".to_string()]), "{e}");

    let kemenag = t.provider_id("kota-bogor", "kemenag").await;
    let good = [
        json!({"outcome": "nib", "nib": "1234-5678-90123"}),
        json!({"outcome": "nib", "nib": "9876543210987", "kbli": "", "activity": "Kedai kopi"}),
        json!({"outcome": "referred", "referred_provider_id": kemenag, "topic": "certificate"}),
        json!({"outcome": "follow_up", "follow_up_on": "2026-12-02", "phone": "0812 3456 7890"}),
        json!({"outcome": "answered", "topic": "kbli"}),
    ];
    for g in &good {
        let (s, v) = desk.manager.post(&url, consultation(g.clone())).await;
        assert_eq!(s, StatusCode::CREATED, "{g}: {v}");
        assert_eq!(v["visitor_masked"], json!("S*** R***"), "{v}");
    }
    let v = &desk.manager.post(&url, consultation(json!({"kbli": "47 111"}))).await.1;
    assert_eq!((v["kbli"].as_str(), v["kbli_section"].as_str()), (Some("47111"), Some("G")), "{v}");

    // Another MPP's manager and another provider's officer record nothing here.
    let makassar_manager = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, _) = makassar_manager.post(&url, consultation(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = makassar_manager.get(&format!("/api/v1/mpps/{}/oss/overview", desk.mpp)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let officer = t.session(accounts::OFFICER).await;
    let (s, _) = officer.post(&url, consultation(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an immigration officer does not work at the OSS desk");

    // A session on Wednesday with two present.
    let v = plan(&desk, "2026-12-02", 10).await;
    let sid = v["id"].as_i64().unwrap();
    for n in 0..3 {
        assert_eq!(register(&t, sid, n).await.0, StatusCode::CREATED);
    }
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 2, 2, 0, 0).unwrap()));
    let desk = Desk { manager: t.session(accounts::MANAGER).await, ..desk };
    let (_, d) = desk.manager.get(&format!("/api/v1/oss-sessions/{sid}/registrants")).await;
    for r in d["registrants"].as_array().unwrap().iter().take(2) {
        let (s, _) = desk
            .manager
            .post(&format!("/api/v1/oss-sessions/{sid}/attendance"), json!({"booking_id": r["booking_id"]}))
            .await;
        assert_eq!(s, StatusCode::OK);
    }

    // The records, counted from the table itself, equal what both dashboards show.
    let mut r = t.app.store.read().await.unwrap();
    let rows = r
        .oss_consultations(desk.mpp, "2026-11-01".parse().unwrap(), "2026-12-31".parse().unwrap(), 1000)
        .await
        .unwrap();
    drop(r);
    let count = |o: &str| rows.iter().filter(|c| c.outcome == o).count() as i64;
    assert_eq!((rows.len(), count("nib"), count("referred"), count("follow_up")), (6, 2, 1, 1));
    let (s, dash) =
        desk.manager.get(&format!("/api/v1/mpps/{}/dashboard?from=2026-11-01&to=2026-12-31", desk.mpp)).await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    let o = &dash["oss"];
    assert_eq!(o["consultations"], json!(rows.len()));
    assert_eq!(
        (o["nib"].as_i64(), o["referred"].as_i64(), o["follow_up_open"].as_i64()),
        (Some(count("nib")), Some(1), Some(1))
    );
    assert_eq!(
        (o["sessions"].as_i64(), o["session_registered"].as_i64(), o["session_attended"].as_i64()),
        (Some(1), Some(3), Some(2))
    );
    assert_eq!(o["assisted"], json!(rows.len() as i64 + 2), "consultations and session attendees");

    let national = t.session(accounts::NATIONAL).await;
    let (s, n) = national.get("/api/v1/national/dashboard?period=2026-Q4").await;
    assert_eq!(s, StatusCode::OK);
    let bogor = n["mpps"].as_array().unwrap().iter().find(|f| f["mpp_id"] == json!(desk.mpp)).unwrap();
    assert_eq!(
        (bogor["oss_desks"].as_i64(), bogor["oss_nib"].as_i64(), bogor["oss_assisted"].as_i64()),
        (Some(1), Some(2), Some(8))
    );
    assert_eq!(n["total"]["oss_desks"], json!(1), "one MPP runs a desk: {}", n["total"]);
    let mk = n["mpps"].as_array().unwrap().iter().find(|f| f["mpp_id"] == json!(makassar)).unwrap();
    assert_eq!(mk["oss_desks"], json!(0));
    let ev = t.app.objective_indicators(desk.mpp, 2026).await.unwrap();
    assert_eq!((ev.oss_desk, ev.oss_nib, ev.oss_assisted), (Some(true), 2, 8), "the evaluation reads the desk's year");
    let ev = t.app.objective_indicators(makassar, 2026).await.unwrap();
    assert_eq!(ev.oss_desk, None, "no desk on the platform: scored by hand");
    t.stop().await;
}

#[tokio::test]
async fn a_visit_is_recorded_once_and_a_follow_up_is_closed_once_and_reminded_once() {
    let t = spawn().await;
    let desk = open_desk(&t).await;
    let kiosk = t.kiosk_of(desk.mpp).await;
    let (s, ticket) =
        kiosk.post(&format!("/api/v1/mpps/{}/tickets", desk.mpp), json!({"service_id": desk.consultation})).await;
    assert_eq!(s, StatusCode::CREATED, "{ticket}");
    let ticket_id = ticket["ticket"]["id"].as_i64().unwrap();
    let url = format!("/api/v1/mpps/{}/oss-consultations", desk.mpp);
    let body = consultation(json!({"ticket_id": ticket_id, "outcome": "follow_up", "follow_up_on": "2026-12-01",
        "phone": "0812-1111-2222", "topic": "kbli"}));
    let (s, v) = desk.manager.post(&url, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["ticket_number"], ticket["ticket"]["code"], "{v}");
    let (s, e) = desk.manager.post(&url, body).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("consultation_recorded")), "{e}");
    let id = v["id"].as_i64().unwrap();

    // The reminder goes on its day, once.
    assert_eq!(t.app.remind_oss_follow_ups().await.unwrap(), 0, "not due on Monday");
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 1, 0, 30, 0).unwrap()));
    assert_eq!(t.app.remind_oss_follow_ups().await.unwrap(), 1);
    assert_eq!(t.app.remind_oss_follow_ups().await.unwrap(), 0);
    let sent = bodies(&t, desk.mpp, "oss_follow_up").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("01-12-2026") && sent[0].contains("Siti Rahmawati"), "{}", sent[0]);
    // A new day: the manager signs in again.
    let manager = t.session(accounts::MANAGER).await;
    let (_, o) = manager.get(&format!("/api/v1/mpps/{}/oss/overview", desk.mpp)).await;
    let fu = &o["follow_ups"][0];
    assert!(fu.is_object(), "{o}");
    assert_eq!(
        (fu["id"].as_i64(), fu["follow_up_due"].as_bool(), fu["follow_up_late"].as_bool()),
        (Some(id), Some(true), Some(false))
    );
    assert!(fu["reminded_at"].is_string());

    // Two officers close it at once: one wins.
    let mut tasks = Vec::new();
    for n in 0..2 {
        let c = t.session(accounts::MANAGER).await;
        let nib = format!("123456789012{n}");
        tasks.push(tokio::spawn(async move {
            c.post(&format!("/api/v1/oss-consultations/{id}/follow-up"), json!({"outcome": "nib", "nib": nib})).await
        }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        let (s, b) = task.await.unwrap();
        codes.push((s, b["error"]["code"].as_str().map(String::from)));
    }
    codes.sort_by_key(|(s, _)| s.as_u16());
    assert_eq!(codes, vec![(StatusCode::OK, None), (StatusCode::CONFLICT, Some("follow_up_closed".into()))]);
    let (_, o) = manager.get(&format!("/api/v1/mpps/{}/oss/overview", desk.mpp)).await;
    assert!(o["follow_ups"].as_array().unwrap().is_empty(), "{o}");
    assert_eq!(o["recent"][0]["outcome"], json!("nib"));
    t.stop().await;
}

#[tokio::test]
async fn the_desk_pages_work_as_forms() {
    let t = spawn().await;
    let desk = open_desk(&t).await;
    let browser = t.session(accounts::MANAGER).await;
    let r = browser
        .form(
            "/admin/oss",
            "/admin/oss/sesi",
            &[
                ("title", "Sosialisasi OSS"),
                ("room", "Ruang 3"),
                ("date", "2026-12-04"),
                ("starts", "13:00"),
                ("ends", "12:00"),
                ("capacity", "20"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Jam selesai harus setelah jam mulai"), "the error in words");
    let r = browser
        .form(
            "/admin/oss",
            "/admin/oss/sesi",
            &[
                ("title", "Sosialisasi OSS"),
                ("room", "Ruang 3"),
                ("date", "2026-12-04"),
                ("starts", "13:00"),
                ("ends", "15:00"),
                ("capacity", "20"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = t.get_json(&format!("/api/v1/mpps/{}/oss-sessions", desk.mpp)).await;
    let id = list[0]["id"].as_i64().unwrap();
    let (s, page, _) = t.anonymous().page(&format!("/oss/sesi/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Jumat, 4 Desember 2026") && page.contains("13:00–15:00") && page.contains("Ruang 3"),
        "local date and room"
    );
    let (s, page, _) = t.anonymous().page("/mpp/kota-bogor/oss").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Gerai 2") && page.contains(&format!("/oss/sesi/{id}")));
    let (_, page, _) = t.anonymous().page("/mpp/kota-makassar/oss").await;
    assert!(page.contains("belum membuka Help Desk OSS"), "an MPP without a desk says so");
    t.stop().await;
}
