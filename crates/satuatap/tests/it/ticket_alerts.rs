//! "Your turn is near" over HTTP: a phone number left on a ticket (API and the
//! ticket's page) hears once, when the MPP's number of people are ahead or when
//! called first; two workers racing send it once; a ticket that ended hears
//! nothing; a booking's phone follows it into the queue; the MPP may turn it off.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

async fn spawn() -> TestApp {
    TestApp::spawn_with(satuatap_web::WebConfig { tickets_per_minute: 100_000, ..Default::default() }).await
}

async fn issue(kiosk: &Session, mpp: i64, service: i64) -> Value {
    let (s, b) = kiosk.post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

/// The bodies of the turn-near messages, with their masked recipients.
async fn turn_messages(t: &TestApp, mpp: i64) -> Vec<(String, String)> {
    let all = t.app.shown_messages(Some(mpp), None, 5000).await.expect("messages");
    let mut rows = Vec::new();
    for m in all.into_iter().filter(|m| m.kind == "turn_near") {
        rows.push((m.to, m.body));
    }
    rows
}

#[tokio::test]
async fn a_phone_left_on_a_ticket_hears_once_when_its_turn_is_near() {
    let t = spawn().await;
    // Monday 30 Nov 2026, 09:00 WIB.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let service = t.app.service_by_code(None, mpp, "IMI-01").await.unwrap().id;
    let kiosk = t.kiosk_of(mpp).await;
    let mut tickets = Vec::new();
    for _ in 0..7 {
        tickets.push(issue(&kiosk, mpp, service).await);
    }
    let token = |i: usize| tickets[i]["token"].as_str().unwrap().to_string();
    let phone = t.anonymous();

    // The API: a number that is not one is refused with the field; a good one is kept masked.
    let url6 = format!("/api/v1/tickets/{}/alert", token(5));
    let (s, e) = phone.put(&url6, json!({"phone": "12ab"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "phone", "{e}");
    let (s, e) = phone.put(&url6, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, a) = phone.put(&url6, json!({"phone": "+62 812-3456-7006"})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!((a["ahead_at"].as_i64(), a["sent"].as_bool()), (Some(3), Some(false)));
    let masked = a["phone_masked"].as_str().unwrap().to_string();
    assert!(!masked.contains("3456"), "masked: {masked}");

    // The ticket's page: the form, its refusal in words, then the number kept.
    let page = format!("/tiket/{}", token(1));
    let (_, html, _) = phone.page(&page).await;
    assert!(html.contains("Kabari saya saat giliran dekat") && html.contains("tinggal 3 orang"), "offered");
    let r = phone.form(&page, &format!("{page}/kabari"), &[("phone", "bukan nomor")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Nomor telepon") && html.contains("bukan nomor"), "says which field and keeps the text");
    let r = phone.form(&page, &format!("{page}/kabari"), &[("phone", "0812 3456 7002")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "back to the ticket");
    assert_eq!(r.headers()["location"], format!("{page}#kabari").as_str());
    let (_, html, _) = phone.page(&page).await;
    assert!(html.contains("Kami akan mengirim pesan ke 0812") && html.contains("Jangan kabari saya"), "kept");

    // Ticket 7 leaves a number and gives up its place: its alert is dropped, nothing sent.
    let (s, _) = phone.put(&format!("/api/v1/tickets/{}/alert", token(6)), json!({"phone": "081234567007"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = phone.post(&format!("/api/v1/tickets/{}/cancel", token(6)), json!({})).await;
    assert_eq!(s, StatusCode::OK);

    // First round: ticket 2 has one ahead (sent); ticket 6 has five (not yet).
    assert_eq!(t.app.alert_near_turns().await.unwrap(), 1);
    let sent = turn_messages(&t, mpp).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "081234567002", "to the number left, normalised");
    assert!(sent[0].1.contains(tickets[1]["ticket"]["code"].as_str().unwrap()), "{sent:?}");
    assert!(sent[0].1.contains("tinggal 1 orang"), "{sent:?}");

    // Two called: ticket 6 has three ahead. Two workers race; one message goes.
    let officer = t.session(accounts::OFFICER).await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, list) = officer.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let counter = list[0]["id"].as_i64().unwrap();
    let (s, _) = officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let mut called = Vec::new();
    for _ in 0..2 {
        let (s, b) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, _) = officer
            .post(&format!("/api/v1/counters/{counter}/tickets/{}/finish", b["ticket"]["id"]), json!({"served": true}))
            .await;
        assert_eq!(s, StatusCode::OK);
        called.push(b);
    }
    let (a, b) = tokio::join!(t.app.alert_near_turns(), t.app.alert_near_turns());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "two workers, one message");
    let sent = turn_messages(&t, mpp).await;
    assert_eq!(sent.len(), 2);
    let six = sent.iter().find(|(to, _)| to == "081234567006").expect("ticket 6 heard");
    assert!(six.1.contains("tinggal 3 orang") && six.1.contains("3 people ahead"), "{six:?}");
    assert_eq!(t.app.alert_near_turns().await.unwrap(), 0, "nothing twice");
    // Leaving the number again after it went sends nothing more.
    let (s, a) = phone.put(&url6, json!({"phone": "081234567006"})).await;
    assert_eq!((s, a["sent"].as_bool()), (StatusCode::OK, Some(true)));
    assert_eq!(t.app.alert_near_turns().await.unwrap(), 0);
    assert!(!sent.iter().any(|(to, _)| to == "081234567007"), "the cancelled ticket heard nothing");

    // Called before its turn came near (a call by number): the message says where to go.
    let (s, _) = phone.put(&format!("/api/v1/tickets/{}/alert", token(4)), json!({"phone": "081234567005"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) =
        officer.post(&format!("/api/v1/counters/{counter}/call/{}", tickets[4]["ticket"]["id"]), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(t.app.alert_near_turns().await.unwrap(), 1);
    let sent = turn_messages(&t, mpp).await;
    let five = sent.iter().find(|(to, _)| to == "081234567005").expect("ticket 5 heard");
    assert!(five.1.contains("dipanggil ke"), "{five:?}");

    // A called ticket takes no number; an MPP that sends none says so.
    let (s, e) = phone.put(&format!("/api/v1/tickets/{}/alert", token(0)), json!({"phone": "081234567001"})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("near_turn_closed")), "{e}");
    let manager = t.session(accounts::MANAGER).await;
    let (s, r) = manager.put(&format!("/api/v1/mpps/{mpp}/queue-settings"), json!({"near_turn_ahead": 0})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = manager.put(&format!("/api/v1/mpps/{mpp}/queue-settings"), json!({"near_turn_ahead": 99})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (s, e) = phone.put(&format!("/api/v1/tickets/{}/alert", token(3)), json!({"phone": "081234567004"})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("near_turn_off")), "{e}");
    let (_, html, _) = phone.page(&format!("/tiket/{}", token(3))).await;
    assert!(!html.contains("Kabari saya saat giliran dekat"), "no form where nothing is sent");
    // The number left on ticket 2 can be taken back only while pending; ticket 6's stays sent.
    let (s, a) = phone.delete(&url6).await;
    assert_eq!((s, a["sent"].as_bool()), (StatusCode::OK, Some(true)));
    t.stop().await;
}

#[tokio::test]
async fn a_booking_phone_follows_its_ticket_into_the_queue() {
    let t = spawn().await;
    let monday = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
    t.app.clock.set(Some(monday));
    let mpp = t.mpp_id("kota-bogor").await;
    let (_, page) = t.get_json("/api/v1/services?q=paspor+biasa+baru+elektronik&mpp=kota-bogor&limit=1").await;
    let service = page["services"][0]["id"].as_i64().unwrap();
    let slot = t.first_open_slot(service, 4).await;
    let (s, b) = t
        .anonymous()
        .post(
            "/api/v1/bookings",
            json!({"slot_id": slot["id"], "name": "Sari Wulandari", "nik": "3271051205850001", "phone": "0812 9000 1111"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let start: chrono::DateTime<Utc> = b["starts_at"].as_str().unwrap().parse().unwrap();
    t.app.clock.set(Some(start + chrono::Duration::minutes(1)));
    let kiosk = t.kiosk_of(mpp).await;
    let (s, c) = kiosk.post(&format!("/api/v1/mpps/{mpp}/check-in"), json!({"code": b["code"]})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (_, alert) = t.anonymous().get(&format!("/api/v1/tickets/{}/alert", c["token"].as_str().unwrap())).await;
    assert!(alert["phone_masked"].as_str().is_some_and(|p| p.starts_with("0812")), "{alert}");
    assert_eq!(t.app.alert_near_turns().await.unwrap(), 1, "nobody ahead: it goes at once");
    let sent = turn_messages(&t, mpp).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, "081290001111");
    assert!(sent[0].1.contains("Anda berikutnya"), "{sent:?}");
    t.stop().await;
}
