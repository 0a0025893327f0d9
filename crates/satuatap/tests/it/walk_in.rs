//! Walk-in limits and remote numbers over HTTP: a daily quota that a rush of
//! kiosks cannot exceed, the last-ticket time, what the kiosk's queue lines say,
//! the rule's checks and who may set it, and phones pointed to booking where the
//! MPP gives numbers only on site.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestApp, accounts};

async fn spawn() -> TestApp {
    TestApp::spawn_with(satuatap_web::WebConfig {
        tickets_per_minute: 100_000,
        reads_per_minute: 100_000,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn forty_kiosk_presses_for_five_walk_in_numbers_get_exactly_five() {
    let t = spawn().await;
    // Monday 30 Nov 2026, 08:00 WIB.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let service = t.app.service_by_code(None, mpp, "IMI-01").await.unwrap().id;
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let url = format!("/api/v1/services/{service}/walk-in-rule");
    for bad in [json!({"daily_quota": 0}), json!({"daily_quota": "lima"}), json!({"last_ticket_at": "25:00"})] {
        let (s, e) = admin.put(&url, bad.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
    }
    let (s, _) = t.session(accounts::OFFICER).await.put(&url, json!({"daily_quota": 5})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an officer does not set the rule");
    let (s, r) = admin.put(&url, json!({"daily_quota": 5, "last_ticket_at": "14.00"})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["daily_quota"].as_i64(), r["last_ticket_at"].as_str()), (Some(5), Some("14:00")));

    let kiosk = t.kiosk_of(mpp).await;
    let mut tasks = Vec::new();
    for n in 0..40 {
        let k = kiosk.clone();
        tasks.push(tokio::spawn(async move {
            k.post(
                &format!("/api/v1/mpps/{mpp}/tickets"),
                json!({"service_id": service, "request_id": format!("press-{n}")}),
            )
            .await
        }));
    }
    let (mut ok, mut full) = (0, 0);
    for task in tasks {
        let (s, b) = task.await.unwrap();
        match (s, b["error"]["code"].as_str()) {
            (StatusCode::CREATED, _) => ok += 1,
            (StatusCode::CONFLICT, Some("walk_in_quota_reached")) => {
                assert_eq!(b["error"]["details"]["quota"], json!("5"), "{b}");
                assert!(b["error"]["message"].as_str().unwrap().contains("pesan jadwal"), "points to booking: {b}");
                full += 1
            }
            other => panic!("unexpected {other:?}: {b}"),
        }
    }
    assert_eq!((ok, full), (5, 35));
    let (_, r) = t.get_json(&url).await;
    assert_eq!(r["issued_today"], json!(5));
    let (_, lines) = t.get_json(&format!("/api/v1/mpps/{mpp}/queue")).await;
    let line = lines.as_array().unwrap().iter().find(|l| l["service_id"] == json!(service)).unwrap();
    assert_eq!(
        (line["waiting"].as_i64(), line["walk_in_left"].as_i64(), line["walk_in_open"].as_bool()),
        (Some(5), Some(0), Some(false))
    );
    assert_eq!(line["last_ticket_at"], json!("14:00"));

    // No quota: numbers again; past the last-ticket time: refused with the time.
    let (s, _) = admin.put(&url, json!({"daily_quota": null, "last_ticket_at": "08:30"})).await;
    assert_eq!(s, StatusCode::OK);
    let issue = |k: crate::support::Session| async move {
        k.post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service})).await
    };
    assert_eq!(issue(kiosk.clone()).await.0, StatusCode::CREATED);
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 1, 31, 0).unwrap()));
    let (s, e) = issue(kiosk.clone()).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("walk_in_closed")), "{e}");
    assert_eq!(e["error"]["details"]["time"], json!("08:30"));
    let (s, _) = admin.put(&url, json!({})).await;
    assert_eq!(s, StatusCode::OK, "an empty rule removes the limits");
    assert_eq!(issue(kiosk).await.0, StatusCode::CREATED);
    t.stop().await;
}

#[tokio::test]
async fn phones_take_numbers_only_where_the_mpp_allows_it() {
    let t = spawn().await;
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()));
    let bogor = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    let imi = t.app.service_by_code(None, bogor, "IMI-01").await.unwrap().id;
    let phone = t.anonymous();
    let (s, v) =
        phone.post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": imi, "source": "web"})).await;
    assert_eq!(s, StatusCode::CREATED, "Kota Bogor lets phones take a number: {v}");
    let services = t
        .app
        .search_services(&satuatap_service::catalog::SearchQuery {
            mpp_id: Some(makassar),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let mk = services.services[0].id;
    let (s, e) =
        phone.post(&format!("/api/v1/mpps/{makassar}/tickets"), json!({"service_id": mk, "source": "web"})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("remote_tickets_off")), "{e}");
    let (s, page, _) = phone.page("/mpp/kota-makassar/kiosk").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("id=\"remote-off\"") && page.contains("/mpp/kota-makassar/layanan"), "pointed to booking");
    let (_, page, _) = phone.page("/mpp/kota-bogor/kiosk").await;
    assert!(!page.contains("id=\"remote-off\""), "the phone flow where it is allowed");
    // The manager switches it on; the paired kiosk never needed it.
    let manager = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, _) = manager
        .put(
            &format!("/api/v1/mpps/{makassar}/queue-settings"),
            json!({"remote_tickets": true, "allow_outside_hours": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) =
        phone.post(&format!("/api/v1/mpps/{makassar}/tickets"), json!({"service_id": mk, "source": "web"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    t.stop().await;
}
