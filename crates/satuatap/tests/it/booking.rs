//! Online booking over HTTP: races that must never overbook, idempotency,
//! slots, the check-in window, quota opening, capacity changes, privacy,
//! messages and admission control.

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

/// Generous per-address limits: the tests send many requests from one address.
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

/// A valid NIK (Kota Bogor, born 12 May 1985) with serial `n`.
fn nik(n: usize) -> String {
    format!("327105120585{:04}", n % 10_000 + 1)
}

struct Setup {
    mpp: i64,
    service: i64,
    admin: Session,
}

/// The Bogor passport service with `capacity` per slot.
async fn setup(t: &TestApp, capacity: i64) -> Setup {
    t.app.clock.set(Some(monday()));
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let mpp = t.mpp_id("kota-bogor").await;
    let (_, page) = t.get_json("/api/v1/services?q=paspor+biasa+baru+elektronik&mpp=kota-bogor&limit=1").await;
    let service = page["services"][0]["id"].as_i64().unwrap();
    let (s, r) =
        admin.put(&format!("/api/v1/services/{service}/booking-rules"), json!({"capacity_per_slot": capacity})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    Setup { mpp, service, admin }
}

async fn availability(t: &TestApp, service: i64) -> Value {
    t.app.availability_cache().forget(service);
    let (s, a) = t.get_json(&format!("/api/v1/services/{service}/availability")).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    a
}

/// The first open slot of a service (later than `after` slots in).
async fn open_slot(t: &TestApp, service: i64, skip: usize) -> Value {
    let a = availability(t, service).await;
    a["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["open"] == true)
        .flat_map(|d| d["slots"].as_array().unwrap().clone())
        .nth(skip)
        .expect("an open slot")
}

fn body(slot: i64, n: usize) -> Value {
    json!({"slot_id": slot, "name": format!("Warga {n}"), "nik": nik(n), "phone": "0812 3456 7890"})
}

async fn balanced(t: &TestApp) {
    let mut r = t.app.store.read().await.unwrap();
    assert_eq!(r.slots_out_of_balance().await.unwrap(), 0, "a slot's count differs from its bookings");
}

#[tokio::test]
async fn five_hundred_people_racing_for_ten_seats_get_exactly_ten() {
    let t = spawn().await;
    let s = setup(&t, 10).await;
    let slot = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap();
    let mut tasks = Vec::new();
    for n in 0..500 {
        let c = t.anonymous();
        tasks.push(tokio::spawn(async move { c.post("/api/v1/bookings", body(slot, n)).await }));
    }
    let (mut ok, mut full, mut other) = (0, 0, Vec::new());
    for task in tasks {
        let (status, b) = task.await.unwrap();
        match (status, b["error"]["code"].as_str()) {
            (StatusCode::CREATED, _) => ok += 1,
            (StatusCode::CONFLICT, Some("slot_full")) => {
                assert!(!b["error"]["message"].as_str().unwrap().is_empty());
                full += 1
            }
            _ => other.push((status, b)),
        }
    }
    assert!(other.is_empty(), "unexpected answers: {:?}", &other[..other.len().min(3)]);
    assert_eq!((ok, full), (10, 490));
    let slot_now = availability(&t, s.service).await["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["slots"].as_array().unwrap().clone())
        .find(|x| x["id"] == slot)
        .unwrap();
    assert_eq!(slot_now["left"], 0);
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn the_same_nik_racing_itself_gets_one_booking_and_a_retry_gets_the_same_one() {
    let t = spawn().await;
    let s = setup(&t, 10).await;
    let slot = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let c = t.anonymous();
        let mut b = body(slot, 7);
        b["request_id"] = json!(format!("tab-{i}"));
        tasks.push(tokio::spawn(async move { c.post("/api/v1/bookings", b).await }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        let (status, b) = task.await.unwrap();
        match status {
            StatusCode::CREATED => codes.push(b["code"].clone()),
            StatusCode::CONFLICT => assert_eq!(b["error"]["code"], "already_booked", "{b}"),
            // Past a handful of attempts the NIK itself is slowed down (bots).
            StatusCode::TOO_MANY_REQUESTS => assert_eq!(b["error"]["code"], "nik_rate_limited", "{b}"),
            other => panic!("{other}: {b}"),
        }
    }
    assert_eq!(codes.len(), 1, "one NIK, one booking");
    // A double click: the same request id again and again → the same booking.
    let mut b = body(slot, 8);
    b["request_id"] = json!("double-click-1");
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (c, b) = (t.anonymous(), b.clone());
        tasks.push(tokio::spawn(async move { c.post("/api/v1/bookings", b).await }));
    }
    let mut seen = HashSet::new();
    for task in tasks {
        let (status, b) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{b}");
        seen.insert(b["code"].as_str().unwrap().to_string());
    }
    assert_eq!(seen.len(), 1);
    let left = availability(&t, s.service).await["days"][0]["slots"][0]["left"].as_i64().unwrap();
    assert_eq!(left, 8, "two bookings took two seats");
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn cancelling_and_rebooking_at_the_same_time_keeps_the_counts_true() {
    let t = spawn().await;
    let s = setup(&t, 5).await;
    let slot = open_slot(&t, s.service, 1).await["id"].as_i64().unwrap();
    let mut booked = Vec::new();
    for n in 0..5 {
        let (st, b) = t.anonymous().post("/api/v1/bookings", body(slot, n)).await;
        assert_eq!(st, StatusCode::CREATED, "{b}");
        booked.push((b["code"].as_str().unwrap().to_string(), nik(n)));
    }
    let mut tasks = Vec::new();
    for (code, owner) in booked.clone() {
        let c = t.anonymous();
        tasks.push(tokio::spawn(async move {
            c.post(&format!("/api/v1/bookings/{code}/cancel"), json!({"nik": owner})).await.0
        }));
    }
    for n in 100..130 {
        let c = t.anonymous();
        tasks.push(tokio::spawn(async move { c.post("/api/v1/bookings", body(slot, n)).await.0 }));
    }
    let statuses: Vec<StatusCode> = futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap()).collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    assert!((1..=5).contains(&created), "{created} new bookings for 5 freed seats");
    balanced(&t).await;
    // A cancelled code cannot be cancelled again; a wrong NIK finds nothing.
    let (code, owner) = &booked[0];
    let (st, _) = t.anonymous().post(&format!("/api/v1/bookings/{code}/cancel"), json!({"nik": owner})).await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = t.anonymous().post(&format!("/api/v1/bookings/{code}/lookup"), json!({"nik": nik(99)})).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn rescheduling_moves_the_seat() {
    let t = spawn().await;
    let s = setup(&t, 2).await;
    let a = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap();
    let b = open_slot(&t, s.service, 3).await["id"].as_i64().unwrap();
    let (_, booked) = t.anonymous().post("/api/v1/bookings", body(a, 1)).await;
    let code = booked["code"].as_str().unwrap();
    let (st, moved) =
        t.anonymous().post(&format!("/api/v1/bookings/{code}/reschedule"), json!({"nik": nik(1), "slot_id": b})).await;
    assert_eq!(st, StatusCode::OK, "{moved}");
    assert_eq!(moved["slot_id"], b);
    assert_eq!(moved["code"], code, "the code stays");
    let av = availability(&t, s.service).await;
    let left = |id: i64| {
        av["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["slots"].as_array().unwrap().clone())
            .find(|x| x["id"] == id)
            .unwrap()["left"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((left(a), left(b)), (2, 1));
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn bad_booking_input_gets_clear_messages() {
    let t = spawn().await;
    let s = setup(&t, 3).await;
    let slot = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap();
    let (st, e) = t
        .anonymous()
        .post("/api/v1/bookings", json!({"slot_id": slot, "name": "", "nik": "12345", "phone": "abc"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "nik", "phone"]);
    assert!(e["error"]["fields"][1]["message"].as_str().unwrap().contains("16 angka"));
    let (st, e) = t
        .anonymous()
        .post(
            "/api/v1/bookings",
            json!({"slot_id": slot, "name": "Ani", "nik": "3271053102850001", "email": "ani@contoh.id"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        e["error"]["fields"][0]["message_en"],
        "Digits 7 to 12 of the NIK are not a possible birth date. Please check."
    );
    let (st, e) = t.anonymous().post("/api/v1/bookings", json!({"slot_id": slot, "name": "Ani", "nik": nik(3)})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "a phone or an e-mail is needed");
    assert_eq!(e["error"]["fields"][0]["field"], "phone");
    let (st, _) = t
        .anonymous()
        .post("/api/v1/bookings", json!({"slot_id": 99_999_999, "name": "Ani", "nik": nik(3), "phone": "081234567890"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn slots_follow_opening_hours_holidays_and_each_zone() {
    let t = spawn().await;
    // Saturday 19 Dec 2026 09:00 WIB: the week ahead includes a Sunday, Christmas Eve
    // (cuti bersama) and Christmas, and Bogor's own closure on 28 Dec is beyond it.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 19, 2, 0, 0).unwrap()));
    t.app.materialize_slots(None).await.unwrap();
    let (_, page) = t.get_json("/api/v1/services?q=paspor&mpp=kota-bogor&limit=1").await;
    let svc = page["services"][0]["id"].as_i64().unwrap();
    let a = availability(&t, svc).await;
    let days: Vec<String> =
        a["days"].as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap().to_string()).collect();
    for closed in ["2026-12-20", "2026-12-24", "2026-12-25", "2026-12-27"] {
        assert!(!days.contains(&closed.to_string()), "{closed} should have no slots: {days:?}");
    }
    assert!(days.contains(&"2026-12-21".to_string()) && days.contains(&"2026-12-26".to_string()));
    let monday = a["days"].as_array().unwrap().iter().find(|d| d["day"] == "2026-12-21").unwrap();
    assert_eq!(monday["slots"][0]["starts_local"], "08:00");
    // Saturday hours 08:00–12:00 → 8 half-hour slots.
    let saturday = a["days"].as_array().unwrap().iter().find(|d| d["day"] == "2026-12-26").unwrap();
    assert_eq!(saturday["slots"].as_array().unwrap().len(), 8);
    // Makassar and Jayapura slots are in their own zones.
    for (mpp, tz) in [("kota-makassar", "Asia/Makassar"), ("kota-jayapura", "Asia/Jayapura")] {
        let (_, page) = t.get_json(&format!("/api/v1/services?q=paspor&mpp={mpp}&limit=1")).await;
        let svc = page["services"][0]["id"].as_i64().unwrap();
        let a = availability(&t, svc).await;
        assert_eq!(a["time_zone"], tz);
        // The first full day (today's earlier slots have passed).
        let first = &a["days"][1];
        let m = t.app.mpp_by_slug(mpp).await.unwrap();
        let opens = m.hours.0.day(chrono::Datelike::weekday(
            &chrono::NaiveDate::parse_from_str(first["day"].as_str().unwrap(), "%Y-%m-%d").unwrap(),
        ))[0]
            .open;
        assert_eq!(first["slots"][0]["starts_local"], opens.format("%H:%M").to_string(), "{mpp}");
    }
    t.stop().await;
}

#[tokio::test]
async fn a_days_quota_opens_at_its_local_time() {
    let t = spawn().await;
    let s = setup(&t, 3).await;
    // Monday 30 Nov 08:00 WIB: 7 Dec is open (opened 06:00 today); 8 Dec opens tomorrow 06:00.
    let a = availability(&t, s.service).await;
    let days = a["days"].as_array().unwrap();
    let last = days.last().unwrap();
    assert_eq!(last["day"], "2026-12-08");
    assert_eq!(last["open"], false);
    assert_eq!(last["opens_local"], "2026-12-01 06:00");
    let slot = last["slots"][0]["id"].as_i64().unwrap();
    let (st, e) = t.anonymous().post("/api/v1/bookings", body(slot, 1)).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "quota_not_open");
    assert_eq!(e["error"]["details"]["when"], "2026-12-01 06:00", "{e}");
    let said = e["error"]["message"].as_str().unwrap();
    assert!(said.contains("Selasa, 1 Desember 2026 pukul 06:00") && !said.contains("2026-12-01"), "{said}");
    // 05:59:59 WIB on 1 Dec: still closed; 06:00 opens.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 22, 59, 59).unwrap()));
    let (st, _) = t.anonymous().post("/api/v1/bookings", body(slot, 2)).await;
    assert_eq!(st, StatusCode::CONFLICT);
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 23, 0, 0).unwrap()));
    let (st, b) = t.anonymous().post("/api/v1/bookings", body(slot, 3)).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    t.stop().await;
}

#[tokio::test]
async fn capacity_cannot_drop_below_what_is_booked() {
    let t = spawn().await;
    let s = setup(&t, 4).await;
    let slot = open_slot(&t, s.service, 2).await["id"].as_i64().unwrap();
    for n in 0..3 {
        assert_eq!(t.anonymous().post("/api/v1/bookings", body(slot, n)).await.0, StatusCode::CREATED);
    }
    let (st, e) =
        s.admin.put(&format!("/api/v1/services/{}/booking-rules", s.service), json!({"capacity_per_slot": 2})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "capacity_below_booked");
    assert!(e["error"]["message"].as_str().unwrap().contains("3 orang"));
    let (st, _) =
        s.admin.put(&format!("/api/v1/services/{}/booking-rules", s.service), json!({"capacity_per_slot": 3})).await;
    assert_eq!(st, StatusCode::OK);
    let left = availability(&t, s.service).await;
    let this = left["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["slots"].as_array().unwrap().clone())
        .find(|x| x["id"] == slot)
        .unwrap();
    assert_eq!((this["capacity"].as_i64(), this["left"].as_i64()), (Some(3), Some(0)));
    // Another provider's admin cannot change these rules.
    let other = t.session(accounts::MANAGER_MAKASSAR).await;
    let (st, _) =
        other.put(&format!("/api/v1/services/{}/booking-rules", s.service), json!({"capacity_per_slot": 9})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn check_in_opens_thirty_minutes_before_and_closes_ten_after() {
    let t = spawn().await;
    let s = setup(&t, 3).await;
    let slot = open_slot(&t, s.service, 4).await;
    let (_, b) = t.anonymous().post("/api/v1/bookings", body(slot["id"].as_i64().unwrap(), 1)).await;
    let code = b["code"].as_str().unwrap().to_string();
    let start: DateTime<Utc> = b["starts_at"].as_str().unwrap().parse().unwrap();
    let at = |secs: i64| Some(start + chrono::Duration::seconds(secs));
    let kiosk = t.kiosk_of(s.mpp).await;
    t.app.clock.set(at(-30 * 60 - 1));
    let (st, e) = kiosk.post(&format!("/api/v1/mpps/{}/check-in", s.mpp), json!({"code": code})).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "check_in_too_early");
    let come_back =
        (start - chrono::Duration::minutes(30)).with_timezone(&chrono_tz::Asia::Jakarta).format("%H:%M").to_string();
    assert!(e["error"]["message"].as_str().unwrap().contains(&come_back), "{e}");
    t.app.clock.set(at(-30 * 60));
    let (st, ok) = kiosk
        .post(&format!("/api/v1/mpps/{}/check-in", s.mpp), json!({"code": code.to_lowercase().replace('-', "")}))
        .await;
    assert_eq!(st, StatusCode::OK, "{ok}");
    assert_eq!(ok["ticket"]["source"], "booking");
    assert_eq!(ok["booked_local"], start.with_timezone(&chrono_tz::Asia::Jakarta).format("%H:%M").to_string());
    // Checking in twice returns the same ticket.
    let (_, again) = kiosk.post(&format!("/api/v1/mpps/{}/check-in", s.mpp), json!({"code": code})).await;
    assert_eq!(again["ticket"]["code"], ok["ticket"]["code"]);
    // Another booking, too late.
    let (_, b2) = t.anonymous().post("/api/v1/bookings", body(slot["id"].as_i64().unwrap(), 2)).await;
    t.app.clock.set(at(10 * 60 + 1));
    let (st, e) = kiosk.post(&format!("/api/v1/mpps/{}/check-in", s.mpp), json!({"code": b2["code"]})).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "check_in_too_late");
    // The kiosk offers a walk-in ticket for the same service.
    assert_eq!(e["error"]["details"]["service_id"], s.service.to_string());
    // Another MPP's kiosk may not check in here; an unknown code is not found.
    let mks = t.mpp_id("kota-makassar").await;
    let (st, e) = kiosk.post(&format!("/api/v1/mpps/{mks}/check-in"), json!({"code": code})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "device_required");
    assert_eq!(
        t.kiosk_of(mks).await.post(&format!("/api/v1/mpps/{mks}/check-in"), json!({"code": code})).await.0,
        StatusCode::NOT_FOUND,
        "a Bogor booking is not found at Makassar"
    );
    assert_eq!(
        kiosk.post(&format!("/api/v1/mpps/{}/check-in", s.mpp), json!({"code": "ZZZZ-ZZZZ"})).await.0,
        StatusCode::NOT_FOUND
    );
    t.stop().await;
}

#[tokio::test]
async fn a_checked_in_booking_is_called_by_its_slot_time_ahead_of_later_walk_ins() {
    let t = spawn().await;
    let s = setup(&t, 3).await;
    let slot = open_slot(&t, s.service, 2).await;
    let (_, b) = t.anonymous().post("/api/v1/bookings", body(slot["id"].as_i64().unwrap(), 1)).await;
    let start: DateTime<Utc> = b["starts_at"].as_str().unwrap().parse().unwrap();
    let kiosk = t.kiosk_of(s.mpp).await;
    let walk_in = |min: i64| {
        let c = kiosk.clone();
        let url = format!("/api/v1/mpps/{}/tickets", s.mpp);
        t.app.clock.set(Some(start - chrono::Duration::minutes(min)));
        async move { c.post(&url, json!({"service_id": s.service})).await.1["ticket"]["code"].clone() }
    };
    // A walk-in long before, one shortly before; the booking checks in after both
    // but is ordered 15 minutes before its slot.
    let early = walk_in(25).await;
    let late = walk_in(10).await;
    t.app.clock.set(Some(start - chrono::Duration::minutes(5)));
    let (_, checked) = kiosk.post(&format!("/api/v1/mpps/{}/check-in", s.mpp), json!({"code": b["code"]})).await;
    let officer = t.session(accounts::OFFICER).await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, counters) = officer.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let counter = counters[0]["id"].as_i64().unwrap();
    officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await;
    let mut order = Vec::new();
    for _ in 0..3 {
        let (_, called) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
        order.push(called["ticket"]["code"].clone());
        let id = called["ticket"]["id"].as_i64().unwrap();
        officer.post(&format!("/api/v1/counters/{counter}/tickets/{id}/finish"), json!({"served": true})).await;
    }
    assert_eq!(order, vec![early, checked["ticket"]["code"].clone(), late]);
    t.stop().await;
}

#[tokio::test]
async fn personal_data_is_sealed_masked_and_every_reveal_is_recorded() {
    let t = spawn().await;
    let s = setup(&t, 3).await;
    let slot = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap();
    let (_, b) = t.anonymous().post("/api/v1/bookings", json!({"slot_id": slot, "name": "Siti Rahmawati", "nik": nik(5), "phone": "081234567890", "email": "siti@contoh.id"})).await;
    assert_eq!(b["nik_masked"], "3271********0006");
    assert_eq!(b["phone_masked"], "0812****7890");
    assert_eq!(b["email_masked"], "s***@contoh.id");
    assert!(!b.to_string().contains(&nik(5)));
    // At rest: no plain NIK, phone or name in the bookings table.
    let mut r = t.app.store.read().await.unwrap();
    let row = r.booking_by_code(b["code"].as_str().unwrap()).await.unwrap().unwrap();
    drop(r);
    for plain in [nik(5).as_str(), "081234567890", "Siti", "siti@contoh.id"] {
        for stored in [
            &row.nik_sealed,
            &row.name_sealed,
            row.phone_sealed.as_ref().unwrap(),
            row.email_sealed.as_ref().unwrap(),
            &row.nik_index,
        ] {
            assert!(!stored.contains(plain), "{plain} stored in the clear");
        }
    }
    // Staff lists show the name, mask the rest.
    let (_, list) = s.admin.get(&format!("/api/v1/mpps/{}/bookings?day={}", s.mpp, b["day"].as_str().unwrap())).await;
    let entry = list.as_array().unwrap().iter().find(|x| x["code"] == b["code"]).unwrap().clone();
    assert_eq!(entry["name"], "Siti Rahmawati");
    assert_eq!(entry["nik_masked"], "3271********0006");
    // Revealing is recorded; another provider's officer cannot.
    let (st, full) = s.admin.post(&format!("/api/v1/booking-records/{}/personal-data", entry["id"]), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(full["nik"], nik(5));
    let manager = t.session(accounts::MANAGER).await;
    let (_, audit) = manager.get("/api/v1/audit?entity=booking").await;
    assert_eq!(audit[0]["action"], "view_personal_data");
    assert_eq!(audit[0]["actor_email"], accounts::PROVIDER_ADMIN);
    let other = t.session(accounts::OFFICER_DUKCAPIL).await;
    let (st, _) = other.post(&format!("/api/v1/booking-records/{}/personal-data", entry["id"]), json!({})).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, theirs) = other.get(&format!("/api/v1/mpps/{}/bookings?day={}", s.mpp, b["day"].as_str().unwrap())).await;
    assert!(
        theirs.as_array().unwrap().iter().all(|x| x["code"] != b["code"]),
        "another provider's bookings are hidden"
    );
    t.stop().await;
}

#[tokio::test]
async fn bookings_never_checked_in_become_no_shows_and_repeated_no_shows_are_limited() {
    let t = spawn().await;
    let s = setup(&t, 3).await;
    let national = t.session(accounts::NATIONAL).await;
    national
        .put(&format!("/api/v1/mpps/{}/queue-settings", s.mpp), json!({"no_show_limit": 1, "no_show_days": 30}))
        .await;
    let slot = open_slot(&t, s.service, 0).await;
    let (_, b) = t.anonymous().post("/api/v1/bookings", body(slot["id"].as_i64().unwrap(), 9)).await;
    // After closing on that day (15:00 WIB on Mondays).
    let day: chrono::NaiveDate = b["day"].as_str().unwrap().parse().unwrap();
    t.app.clock.set(Some(Utc.from_utc_datetime(&day.and_hms_opt(8, 30, 0).unwrap())));
    t.app.close_due().await.unwrap();
    let (_, now) = t
        .anonymous()
        .post(&format!("/api/v1/bookings/{}/lookup", b["code"].as_str().unwrap()), json!({"nik": nik(9)}))
        .await;
    assert_eq!(now["status"], "no_show");
    let later = open_slot(&t, s.service, 0).await;
    let (st, e) = t.anonymous().post("/api/v1/bookings", body(later["id"].as_i64().unwrap(), 9)).await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "too_many_no_shows");
    t.stop().await;
}

#[tokio::test]
async fn messages_wait_in_the_outbox_until_they_can_be_sent() {
    let t = spawn().await;
    let s = setup(&t, 3).await;
    // A gateway that fails first, then works.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let fail = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let fail2 = fail.clone();
    let gateway = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let (tx, fail) = (tx.clone(), fail2.clone());
            async move {
                if fail.load(std::sync::atomic::Ordering::SeqCst) {
                    return axum::http::StatusCode::BAD_GATEWAY;
                }
                let _ = tx.send(v);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, gateway).await });
    let mut app = t.app.clone();
    app.messaging.webhook_url = Some(format!("http://{addr}/sms"));
    // A slot three days ahead, so a reminder is due a day before it.
    let a = availability(&t, s.service).await;
    let slot = a["days"][3]["slots"][0]["id"].as_i64().unwrap();
    let (_, b) = t.anonymous().post("/api/v1/bookings", body(slot, 4)).await;
    // The confirmation is due at once; the reminder a day before the slot.
    let (sent, failed) = app.send_due_messages().await.unwrap();
    assert_eq!((sent, failed), (0, 1));
    let pending = app.shown_messages(Some(s.mpp), None, 10).await.unwrap();
    let confirmation = pending.iter().find(|m| m.kind == "booked").unwrap();
    assert_eq!(confirmation.status.as_str(), "pending");
    assert_eq!(confirmation.attempts, 1);
    assert!(confirmation.last_error.as_deref().unwrap().contains("502"));
    assert!(confirmation.body.contains(b["code"].as_str().unwrap()));
    // Not retried before its backoff; then it goes through.
    assert_eq!(app.send_due_messages().await.unwrap(), (0, 0));
    fail.store(false, std::sync::atomic::Ordering::SeqCst);
    t.app.clock.set(Some(monday() + chrono::Duration::minutes(2)));
    assert_eq!(app.send_due_messages().await.unwrap(), (1, 0));
    let got = rx.recv().await.unwrap();
    assert_eq!(got["to"], "081234567890");
    assert!(got["text"].as_str().unwrap().contains(b["code"].as_str().unwrap()));
    let after = app.shown_messages(Some(s.mpp), None, 10).await.unwrap();
    assert_eq!(after.iter().find(|m| m.kind == "booked").unwrap().status.as_str(), "sent");
    assert!(
        after.iter().any(|m| m.kind == "reminder" && m.status.as_str() == "pending"),
        "the reminder waits for its time"
    );

    // Moving the booking withdraws the old reminder and tells the holder; a new reminder follows the new time.
    let code = b["code"].as_str().unwrap();
    let later = a["days"][4]["slots"][1]["id"].as_i64().unwrap();
    let (st, moved) = t
        .anonymous()
        .post(&format!("/api/v1/bookings/{code}/reschedule"), json!({"nik": nik(4), "slot_id": later}))
        .await;
    assert_eq!(st, StatusCode::OK, "{moved}");
    let msgs = app.shown_messages(Some(s.mpp), None, 20).await.unwrap();
    let reminders: Vec<_> = msgs.iter().filter(|m| m.kind == "reminder").collect();
    assert_eq!(reminders.len(), 2);
    assert_eq!(reminders.iter().filter(|m| m.status.as_str() == "withdrawn").count(), 1);
    let fresh = reminders.iter().find(|m| m.status.as_str() == "pending").unwrap();
    let starts: DateTime<Utc> = moved["starts_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(fresh.send_at, starts - chrono::Duration::days(1), "the reminder follows the new time");
    assert!(msgs.iter().any(|m| m.kind == "rescheduled" && m.body.contains(code)));
    // Cancelling withdraws it too and confirms the cancellation.
    let (st, _) = t.anonymous().post(&format!("/api/v1/bookings/{code}/cancel"), json!({"nik": nik(4)})).await;
    assert_eq!(st, StatusCode::OK);
    let msgs = app.shown_messages(Some(s.mpp), None, 20).await.unwrap();
    assert!(
        msgs.iter().filter(|m| m.kind == "reminder").all(|m| m.status.as_str() == "withdrawn"),
        "no reminder for a cancelled visit"
    );
    assert!(msgs.iter().any(|m| m.kind == "cancelled" && m.status.as_str() == "pending"));
    // Withdrawn reminders are never sent, even when their time comes.
    t.app.clock.set(Some(starts));
    let (sent, _) = app.send_due_messages().await.unwrap();
    assert_eq!(sent, 2, "the rescheduled and cancelled notices only");
    t.stop().await;
}

#[tokio::test]
async fn past_capacity_visitors_wait_their_turn_in_the_waiting_room() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig {
        bookings_per_minute: 100_000,
        reads_per_minute: 100_000,
        max_inflight_bookings: 1,
        admit_per_second: 1000.0,
        admission_wait_ms: 0,
        ..Default::default()
    })
    .await;
    let s = setup(&t, 100).await;
    let slot = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap();
    let mut tasks = Vec::new();
    for n in 0..40 {
        let c = t.anonymous();
        tasks.push(tokio::spawn(async move { c.post("/api/v1/bookings", body(slot, n)).await }));
    }
    let mut busy = 0;
    for task in tasks {
        let (st, b) = task.await.unwrap();
        if st == StatusCode::TOO_MANY_REQUESTS {
            assert!(matches!(b["error"]["code"].as_str(), Some("rate_limited" | "waiting_room")), "{b}");
            busy += 1;
        } else {
            assert_eq!(st, StatusCode::CREATED, "{b}");
        }
    }
    assert!(busy > 0, "one booking at a time: others were asked to wait");
    // The room is now on: without a pass, the answer says where to queue.
    let (st, e) = t.anonymous().post("/api/v1/bookings", body(slot, 500)).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(e["error"]["code"], "waiting_room");
    let visitor = t.anonymous();
    // On the pages, the booking form sends the visitor to the waiting room first.
    let (_, svc) = t.get_json(&format!("/api/v1/services/{}", s.service)).await;
    let form = format!("/mpp/kota-bogor/layanan/{}/pesan", svc["code"].as_str().unwrap());
    let r = visitor.client.get(t.at(&form)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let room = r.headers()["location"].to_str().unwrap().to_string();
    assert!(room.starts_with("/antre-masuk?next=%2Fmpp%2Fkota-bogor"), "{room}");
    let (st, html, _) = visitor.page(&room).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Antrean masuk") && html.contains("waiting.js"));
    // The page's script takes a place with a bodiless POST.
    let r = visitor.client.post(t.at("/api/v1/waiting-room")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let place: Value = r.json().await.unwrap();
    assert!(place["position"].as_u64().unwrap() >= 1);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let (_, place) = visitor.get(&format!("/api/v1/waiting-room/{}", place["token"].as_str().unwrap())).await;
    assert_eq!(place["admitted"], true, "{place}");
    let pass = place["pass"].as_str().unwrap();
    let r = visitor
        .client
        .post(t.at("/api/v1/bookings"))
        .header("x-admission-pass", pass)
        .json(&body(slot, 501))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn booking_through_the_pages_with_clear_errors_masked_data_and_manage_by_code_and_nik() {
    let t = spawn().await;
    let s = setup(&t, 2).await;
    let visitor = t.anonymous();
    let (_, page) = t.get_json(&format!("/api/v1/services/{}", s.service)).await;
    let code = page["code"].as_str().unwrap().to_string();
    let form = format!("/mpp/kota-bogor/layanan/{code}/pesan");
    let (st, html, _) = visitor.page(&form).await;
    assert_eq!(st, StatusCode::OK);
    let slot = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap().to_string();
    assert!(html.contains(&format!("value=\"{slot}\"")), "the form offers the open slot");

    // A NIK whose region code does not exist: the form comes back with the reason, nothing is booked.
    let r = visitor
        .form(
            &form,
            &form,
            &[("slot_id", &slot), ("name", "Budi"), ("nik", "9971051205850001"), ("phone", "0812 3456 7890")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("bukan kode wilayah"), "{html}");
    assert!(html.contains("value=\"Budi\""), "what was typed is kept");
    assert_eq!(availability(&t, s.service).await["days"][0]["slots"][0]["left"], 2);

    // A good submission redirects to the booking's page; the NIK appears only masked.
    let r = visitor
        .form(
            &form,
            &form,
            &[
                ("slot_id", &slot),
                ("name", "Budi Santoso"),
                ("nik", &nik(7)),
                ("phone", "0812 3456 7890"),
                ("request_id", "page-test-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let booking_code = to.trim_start_matches("/pemesanan/").split('?').next().unwrap().to_string();
    let (st, html, _) = visitor.page(&to).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains(&booking_code) && html.contains("Pemesanan berhasil"));
    assert!(!html.contains(&nik(7)), "the full NIK is never shown");
    assert!(html.contains(&format!("{}********{}", &nik(7)[..4], &nik(7)[12..])));
    let qr = reqwest::get(t.at(&format!("/pemesanan/{booking_code}/qr.svg"))).await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    // The same submission again (a double click) gives the same booking.
    let again = visitor
        .form(
            &form,
            &form,
            &[
                ("slot_id", &slot),
                ("name", "Budi Santoso"),
                ("nik", &nik(7)),
                ("phone", "0812 3456 7890"),
                ("request_id", "page-test-1"),
            ],
        )
        .await;
    assert_eq!(again.headers()["location"].to_str().unwrap(), to);

    // Managing needs the code and the NIK.
    let r = visitor.form("/pemesanan", "/pemesanan", &[("kode", &booking_code), ("nik", &nik(8))]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("Tidak ada pemesanan dengan kode dan NIK ini"));
    let r = visitor.form("/pemesanan", "/pemesanan", &[("kode", &booking_code.to_lowercase()), ("nik", &nik(7))]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Batalkan pemesanan"));

    // Staff see the day's list masked; a citizen may not.
    let (_, b) = visitor.post(&format!("/api/v1/bookings/{booking_code}/lookup"), json!({"nik": nik(7)})).await;
    let day = b["day"].as_str().unwrap();
    let staff = t.client();
    let login = staff
        .post(t.at("/api/v1/session"))
        .json(&json!({"email": accounts::OFFICER, "password": crate::support::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let html = staff.get(t.at(&format!("/admin/pemesanan?hari={day}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&booking_code) && html.contains("Budi Santoso"));
    assert!(!html.contains(&nik(7)));
    let citizen = t.client();
    citizen
        .post(t.at("/api/v1/session"))
        .json(&json!({"email": accounts::CITIZEN, "password": crate::support::PASSWORD}))
        .send()
        .await
        .unwrap();
    let r = citizen.get(t.at("/admin/pemesanan")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Cancelling through the page frees the seat at once.
    let r = visitor.form("/pemesanan", "/pemesanan/batal", &[("kode", &booking_code), ("nik", &nik(7))]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Pemesanan dibatalkan"));
    assert_eq!(availability(&t, s.service).await["days"][0]["slots"][0]["left"], 2);
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn the_manager_sets_the_no_show_policy_on_the_queue_page() {
    let t = spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let manager = t.session(accounts::MANAGER).await;
    let page = format!("/admin/mpp/{mpp}/antrean");
    let (st, html, _) = manager.page(&page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("name=\"no_show_limit\" type=\"number\" value=\"3\""), "the default shows");
    let fields = [
        ("priority_lead_minutes", "30"),
        ("booking_lead_minutes", "15"),
        ("recalls_before_no_show", "2"),
        ("extra_time_minutes", "10"),
        ("no_show_limit", "1"),
        ("no_show_days", "14"),
    ];
    let r = manager.form(&page, &page, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let m = t.app.mpp(mpp).await.unwrap();
    assert_eq!((m.queue_settings.0.no_show_limit, m.queue_settings.0.no_show_days), (1, 14));
    // A nonsense value is refused next to its field, nothing saved.
    let bad = [("no_show_limit", "banyak"), ("no_show_days", "14")];
    let r = manager.form(&page, &page, &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"e-no_show_limit\""));
    assert_eq!(t.app.mpp(mpp).await.unwrap().queue_settings.0.no_show_limit, 1);
    t.stop().await;
}

#[tokio::test]
async fn copies_of_one_request_racing_for_the_last_seat_all_get_that_booking() {
    let t = spawn().await;
    let s = setup(&t, 1).await;
    let slot = open_slot(&t, s.service, 0).await["id"].as_i64().unwrap();
    let mut b = body(slot, 41);
    b["request_id"] = json!("last-seat-41");
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (c, b) = (t.anonymous(), b.clone());
        tasks.push(tokio::spawn(async move { c.post("/api/v1/bookings", b).await }));
    }
    let mut codes = HashSet::new();
    for task in tasks {
        let (status, b) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "a copy of the request was told: {b}");
        codes.insert(b["code"].as_str().unwrap().to_string());
    }
    assert_eq!(codes.len(), 1, "every copy answers with the one booking: {codes:?}");
    // The seat is taken once; someone else is told the slot is full.
    let (status, e) = t.anonymous().post("/api/v1/bookings", body(slot, 42)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "slot_full");
    balanced(&t).await;
    t.stop().await;
}

#[tokio::test]
async fn a_booking_code_alone_neither_checks_in_nor_cancels_the_visit() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { code_lookups_per_minute: 10, ..Default::default() }).await;
    let s = setup(&t, 3).await;
    let slot = open_slot(&t, s.service, 0).await;
    let (_, b) = t.anonymous().post("/api/v1/bookings", body(slot["id"].as_i64().unwrap(), 5)).await;
    let code = b["code"].as_str().unwrap().to_string();
    let start: DateTime<Utc> = b["starts_at"].as_str().unwrap().parse().unwrap();
    t.app.clock.set(Some(start - chrono::Duration::minutes(10)));
    let url = format!("/api/v1/mpps/{}/check-in", s.mpp);
    // Whoever knows the code cannot check in (and so never gets the ticket's token).
    let (st, e) = t.anonymous().post(&url, json!({"code": code})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["error"]["code"], "device_required");
    // The MPP's own kiosk can; the holder may cancel the ticket from its page…
    let kiosk = t.kiosk_of(s.mpp).await;
    let (st, done) = kiosk.post(&url, json!({"code": code})).await;
    assert_eq!(st, StatusCode::OK, "{done}");
    let token = done["token"].as_str().unwrap();
    let (st, _) = t.anonymous().post(&format!("/api/v1/tickets/{token}/cancel"), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    // …and scanning the code again hands out no cancelled ticket.
    let (st, e) = kiosk.post(&url, json!({"code": code})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "check_in_used");
    // Lookups by code are limited per address (ten a minute here; the refused
    // check-in above was one), the kiosk's are not.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(t.anonymous().page(&format!("/pemesanan/{code}")).await.0);
    }
    assert!(statuses[..9].iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert!(statuses[9..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    for _ in 0..12 {
        assert_ne!(kiosk.post(&url, json!({"code": code})).await.0, StatusCode::TOO_MANY_REQUESTS);
    }
    t.stop().await;
}

#[tokio::test]
async fn booking_rules_read_back_as_the_update_takes_them() {
    let t = spawn().await;
    let s = setup(&t, 4).await;
    let (st, rules) = s.admin.get(&format!("/api/v1/services/{}/booking-rules", s.service)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(rules["opens_at"], "06:00");
    let (st, again) = s.admin.put(&format!("/api/v1/services/{}/booking-rules", s.service), rules.clone()).await;
    assert_eq!(st, StatusCode::OK, "{again}");
    assert_eq!(again, rules);
    t.stop().await;
}
