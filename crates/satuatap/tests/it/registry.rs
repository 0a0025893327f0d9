//! The national registry, MPP pages, time zones and holidays.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestApp, accounts};

#[tokio::test]
async fn the_registry_holds_every_province_regency_and_district() {
    let t = TestApp::spawn().await;
    let (s, provinces) = t.get_json("/api/v1/provinces").await;
    assert_eq!(s, StatusCode::OK);
    let provinces = provinces.as_array().unwrap();
    assert_eq!(provinces.len(), 38);
    let total: i64 = provinces.iter().map(|p| p["regencies"].as_i64().unwrap()).sum();
    assert_eq!(total, 514);
    let jabar = provinces.iter().find(|p| p["code"] == "32").unwrap();
    // Kota Bogor and Kabupaten Bogor have operating MPPs.
    assert_eq!(jabar["regencies_with_mpp"], 2);
    let (_, regs) = t.get_json("/api/v1/provinces/32/regencies").await;
    let bogor = regs.as_array().unwrap().iter().find(|r| r["code"] == "32.71").unwrap();
    assert_eq!(bogor["mpps_operating"], 1);
    assert_eq!(bogor["mpps_planned"], 1, "a regency may have several MPP locations");
    let (_, districts) = t.get_json("/api/v1/regencies/32.71/districts").await;
    assert_eq!(districts.as_array().unwrap().len(), 6);
    assert_eq!(t.get_json("/api/v1/provinces/99/regencies").await.0, StatusCode::NOT_FOUND);

    let (s, html) = t.get_text("/provinsi/32").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Kota Bogor") && html.contains("Belum ada MPP"));
    t.stop().await;
}

#[tokio::test]
async fn open_now_is_decided_in_each_mpps_own_zone() {
    let t = TestApp::spawn().await;
    // Monday 30 Nov 2026, 00:30 UTC = 07:30 WIB (Bogor opens 08:00), 08:30 WITA, 09:30 WIT.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 0, 30, 0).unwrap()));
    let (_, bogor) = t.get_json("/api/v1/mpps/kota-bogor").await;
    let (_, makassar) = t.get_json("/api/v1/mpps/kota-makassar").await;
    let (_, jayapura) = t.get_json("/api/v1/mpps/kota-jayapura").await;
    assert_eq!(bogor["time_zone"], "Asia/Jakarta");
    assert_eq!(makassar["time_zone"], "Asia/Makassar");
    assert_eq!(jayapura["time_zone"], "Asia/Jayapura");
    assert_eq!(bogor["now"]["local_time"], "2026-11-30T07:30:00");
    assert_eq!(makassar["now"]["local_time"], "2026-11-30T08:30:00");
    assert_eq!(jayapura["now"]["local_time"], "2026-11-30T09:30:00");
    assert_eq!(bogor["now"]["open"], false, "{bogor}");
    assert_eq!(bogor["now"]["opens_at"], "2026-11-30T08:00");
    assert_eq!(jayapura["now"]["open"], true, "{jayapura}");
    let (_, html) = t.get_text("/mpp/kota-bogor").await;
    assert!(html.contains("Tutup · buka hari ini pukul 08:00 WIB"), "{}", &html[..2000.min(html.len())]);
    let (_, html) = t.get_text("/mpp/kota-jayapura").await;
    assert!(html.contains("Buka sekarang") && html.contains("WIT"));
    t.stop().await;
}

#[tokio::test]
async fn holidays_and_local_closures_close_the_mpp() {
    let t = TestApp::spawn().await;
    // Friday 25 Dec 2026 (Christmas, a national holiday) at 09:00 WIB.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 25, 2, 0, 0).unwrap()));
    let (_, bogor) = t.get_json("/api/v1/mpps/kota-bogor").await;
    assert_eq!(bogor["now"]["open"], false);
    assert_eq!(bogor["now"]["today_closures"][0]["kind"], "national");
    let (_, html) = t.get_text("/mpp/kota-bogor").await;
    assert!(html.contains("Hari ini tutup") && html.contains("Hari Raya Natal"));

    // Tuesday 1 Dec 2026 10:00 WIB: open, until the manager adds a local closure for that day.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap()));
    assert_eq!(t.get_json("/api/v1/mpps/kota-bogor").await.1["now"]["open"], true);
    let manager = t.session(accounts::MANAGER).await;
    let bogor_id = bogor["id"].as_i64().unwrap();
    let (s, h) = manager
        .post(
            &format!("/api/v1/mpps/{bogor_id}/holidays"),
            json!({"date": "2026-12-01", "name": "Pemadaman listrik gedung"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    assert_eq!(h["kind"], "local");
    let (_, now) = t.get_json("/api/v1/mpps/kota-bogor").await;
    assert_eq!(now["now"]["open"], false);
    assert_eq!(now["now"]["opens_at"], "2026-12-02T08:00");
    // Makassar is not affected by Bogor's closure.
    let (_, mks) = t.get_json("/api/v1/mpps/kota-makassar").await;
    assert!(mks["now"]["today_closures"].as_array().unwrap().is_empty());
    // The same date twice is refused with a clear conflict.
    let (s, e) =
        manager.post(&format!("/api/v1/mpps/{bogor_id}/holidays"), json!({"date": "2026-12-01", "name": "Lagi"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["fields"][0]["code"], "taken");
    t.stop().await;
}

#[tokio::test]
async fn working_days_skip_weekends_holidays_and_local_closures() {
    let t = TestApp::spawn().await;
    let bogor = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    // Wed 23 Dec 2026 + 3: 24 (cuti bersama), 25 (Natal), 26–27 (weekend) skipped;
    // Kota Bogor is also closed on 28 Dec → 29, 30, 31.
    assert_eq!(t.app.add_working_days(bogor, d(2026, 12, 23), 3).await.unwrap(), d(2026, 12, 31));
    assert_eq!(t.app.add_working_days(makassar, d(2026, 12, 23), 3).await.unwrap(), d(2026, 12, 30));
    // Across the year end: Thu 31 Dec + 1 → Mon 4 Jan 2027 (1 Jan is a holiday).
    assert_eq!(t.app.add_working_days(makassar, d(2026, 12, 31), 1).await.unwrap(), d(2027, 1, 4));
    t.stop().await;
}

#[tokio::test]
async fn health_and_readiness() {
    let t = TestApp::spawn().await;
    assert_eq!(t.get_text("/healthz").await, (StatusCode::OK, "ok".to_string()));
    assert_eq!(t.get_text("/readyz").await.0, StatusCode::OK);
    let (s, doc) = t.get_json("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["info"]["title"], "satuatap API");
    for path in ["/api/v1/services", "/api/v1/mpps/{id}/services", "/api/v1/services/{id}/publish", "/api/v1/tokens"] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
    t.stop().await;
}
