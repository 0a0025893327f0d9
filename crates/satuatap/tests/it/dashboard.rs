//! The manager's dashboard over HTTP: a generated day of tickets (served,
//! not come, still waiting, across services), and every figure checked against
//! counts taken from the raw tickets; its CSV; who may see it; bad periods.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

async fn services_of(t: &TestApp, provider: i64) -> Vec<i64> {
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={provider}&limit=100")).await;
    page["services"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect()
}

async fn call(officer: &Session, counter: i64) -> Option<Value> {
    let (s, b) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (!b["ticket"].is_null()).then(|| b["ticket"].clone())
}

#[tokio::test]
async fn a_generated_day_adds_up_to_the_raw_tickets() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { tickets_per_minute: 100_000, ..Default::default() }).await;
    // Monday 30 Nov 2026, 09:00 WIB.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svcs = services_of(&t, imigrasi).await;
    assert!(svcs.len() >= 2);
    let kiosk = t.kiosk_of(mpp).await;
    // 17 tickets over two services, issued a minute apart.
    for i in 0..17 {
        t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, i, 0).unwrap()));
        let (s, b) = kiosk
            .post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": svcs[(i % 3 == 0) as usize]}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let officer = t.session(accounts::OFFICER).await;
    let (_, counters) = officer.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let counter = counters[0]["id"].as_i64().unwrap();
    // The counter serves every service the provider has.
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, b) = admin.put(&format!("/api/v1/counters/{counter}/services"), json!({"service_ids": svcs})).await;
    assert!(s == StatusCode::OK || s == StatusCode::NO_CONTENT, "{b}");
    assert_eq!(officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await.0, StatusCode::OK);
    // Twelve called: eight served, two did not come, two not served; five still wait.
    for i in 0..12u32 {
        t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 20 + i * 3, 0).unwrap()));
        let ticket = call(&officer, counter).await.expect("someone waits");
        let act = |what: &str| format!("/api/v1/counters/{counter}/tickets/{}/{what}", ticket["id"]);
        t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 21 + i * 3, 30).unwrap()));
        match i % 6 {
            4 => {
                officer.post(&act("recall"), json!({})).await;
                officer.post(&act("recall"), json!({})).await;
                let (s, b) = officer.post(&act("no-show"), json!({})).await;
                assert_eq!(s, StatusCode::OK, "{b}");
            }
            5 => {
                let (s, b) =
                    officer.post(&act("finish"), json!({"served": false, "reason": "Berkas tidak dibawa"})).await;
                assert_eq!(s, StatusCode::OK, "{b}");
            }
            _ => {
                let (s, b) = officer.post(&act("finish"), json!({"served": true})).await;
                assert_eq!(s, StatusCode::OK, "{b}");
            }
        }
    }
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 3, 30, 0).unwrap()));

    // The raw tickets of the day.
    let mut r = t.app.store.read().await.unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let raw = r.tickets_of_day(mpp, day, &["waiting", "called", "serving", "done"], 10_000).await.unwrap();
    drop(r);
    let count = |f: &dyn Fn(&satuatap_store::TicketRow) -> bool| raw.iter().filter(|t| f(t)).count() as i64;
    let served = count(&|t| t.outcome.as_deref() == Some("served"));
    let no_show = count(&|t| t.outcome.as_deref() == Some("no_show"));
    let waiting = count(&|t| t.status.0.as_str() == "waiting");
    assert_eq!((raw.len(), served, no_show, waiting), (17, 8, 2, 5), "the generated day itself");
    let mut per_service: HashMap<i64, i64> = HashMap::new();
    for t in &raw {
        *per_service.entry(t.service_id).or_default() += 1;
    }
    let oldest = raw.iter().filter(|t| t.status.0.as_str() == "waiting").map(|t| t.issued_at).min().unwrap();

    let manager = t.session(accounts::MANAGER).await;
    let (s, d) = manager.get(&format!("/api/v1/mpps/{mpp}/dashboard?from=2026-11-01&to=2026-11-30")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["today_totals"]["visitors"], raw.len());
    assert_eq!(d["today_totals"]["served"], served);
    assert_eq!(d["today_totals"]["no_show"], no_show);
    assert_eq!(d["today_totals"]["not_served"], 2);
    assert_eq!(d["today_totals"]["walk_ins"], raw.len());
    assert_eq!(d["now"]["waiting"], waiting);
    let longest = (Utc.with_ymd_and_hms(2026, 11, 30, 3, 30, 0).unwrap() - oldest).num_minutes();
    assert_eq!(d["now"]["longest_wait_minutes"], longest);
    assert_eq!(d["now"]["counters_open"], 1);
    assert_eq!(d["now"]["officers_on_duty"], 1);
    assert_eq!(d["period"]["visitors"], raw.len(), "the period includes today");
    assert_eq!(d["days"].as_array().unwrap().len(), 30, "every day of November, zero or not");
    assert_eq!(d["days"][29]["visitors"], raw.len());
    assert_eq!(d["days"][0]["visitors"], 0);
    // No-shows over calls: 2 of 12.
    let rate = d["period"]["no_show_rate"].as_f64().unwrap();
    assert!((rate - 2.0 / 12.0).abs() < 1e-9, "{rate}");
    for s in d["services"].as_array().unwrap() {
        let id = s["id"].as_i64().unwrap();
        assert_eq!(s["totals"]["visitors"], per_service[&id], "service {id}");
    }
    let by_provider = &d["providers"].as_array().unwrap()[0];
    assert_eq!(by_provider["id"], imigrasi);
    assert_eq!(by_provider["totals"]["served"], served);
    // Service times were 90 s each: the median sits in the 1–2 minute bucket.
    assert_eq!(d["period_times"]["service_p50"], 2.0);
    assert!(d["period_times"]["wait_p50"].as_f64().unwrap() > 0.0);
    assert_eq!(d["ikm"][0]["period"], "2026-Q4");

    // Per counter and officer: twelve calls, eight served, all at one counter by one officer.
    assert_eq!(d["counters"].as_array().unwrap().len(), 1, "{}", d["counters"]);
    assert_eq!(d["counters"][0]["id"], counter);
    assert_eq!(d["counters"][0]["totals"]["called"], 12);
    assert_eq!(d["counters"][0]["totals"]["served"], served);
    assert_eq!(d["officers"][0]["totals"]["served"], served);
    assert!(d["officers"][0]["name"].as_str().unwrap().contains("Petugas"), "{}", d["officers"]);
    // Hour × weekday for the one Monday: the seventeen tickets of 09:00–09:16, all in hour 9.
    let (_, one) = manager.get(&format!("/api/v1/mpps/{mpp}/dashboard?from=2026-11-30&to=2026-11-30")).await;
    // November read from the month rollups equals its one busy day read from the day ones.
    assert_eq!(one["period_times"], d["period_times"]);
    assert_eq!(one["services"], d["services"]);
    assert_eq!(one["counters"], d["counters"]);
    assert_eq!(one["officers"], d["officers"]);
    assert_eq!(one["heat_hours"], json!([9]));
    assert_eq!(one["heat"][0]["weekday"], 1);
    assert_eq!(one["heat"][0]["days"], 1);
    assert_eq!(one["heat"][0]["average"], json!([raw.len() as f64]));
    // Over the whole of November the five Mondays share them.
    assert_eq!(d["heat"][0]["days"], 5, "November 2026 has five Mondays");
    assert_eq!(d["heat"][0]["average"][0], 3.4);

    // The days as CSV.
    let resp = manager
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/mpps/{mpp}/dashboard?from=2026-11-29&to=2026-11-30&csv=days"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let body = resp.text().await.unwrap();
    assert!(body.contains("day,visitors,served,no_show,bookings_checked_in"), "{body}");
    assert!(body.contains(&format!("2026-11-30,{},{served},{no_show},0", raw.len())), "{body}");
    let (s, _) = manager.get(&format!("/api/v1/mpps/{mpp}/dashboard?csv=nonsense")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // A backwards or too long period is refused in words.
    let (s, e) = manager.get(&format!("/api/v1/mpps/{mpp}/dashboard?from=2026-11-30&to=2026-11-01")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "period_days");
    let (s, _) = manager.get(&format!("/api/v1/mpps/{mpp}/dashboard?from=2025-01-01&to=2026-11-30")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Only the MPP's managers and national admins.
    let other = t.session(accounts::MANAGER_MAKASSAR).await;
    assert_eq!(other.get(&format!("/api/v1/mpps/{mpp}/dashboard")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(officer.get(&format!("/api/v1/mpps/{mpp}/dashboard")).await.0, StatusCode::FORBIDDEN);
    let national = t.session(accounts::NATIONAL).await;
    assert_eq!(national.get(&format!("/api/v1/mpps/{mpp}/dashboard")).await.0, StatusCode::OK);

    // The manager's home is this dashboard, drawn on the server.
    let (s, html, _) = manager.page("/admin?dari=2026-11-01&sampai=2026-11-30").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"chart-visitors\"") && html.contains("<svg class=\"chart bars\""), "no chart");
    assert!(html.contains("<svg class=\"chart heat\""), "no heatmap");

    // The monthly report for the ministry: November on paper.
    let (s, report, _) = manager.page("/admin/laporan-bulanan?bulan=2026-11").await;
    assert_eq!(s, StatusCode::OK);
    assert!(report.contains("id=\"report-month\">November 2026<"), "the month is named");
    assert!(report.contains(&format!("<th>Pengunjung</th><td>{} (", raw.len())), "the month's visitors");
    assert_eq!(other.page("/admin/laporan-bulanan?bulan=2026-11").await.0, StatusCode::OK, "their own MPP's");
    let (_, theirs, _) = other.page("/admin/laporan-bulanan?bulan=2026-11").await;
    assert!(!theirs.contains("Kota Bogor"), "another manager gets their own MPP's report");
    assert!(html.contains(&format!("id=\"today-visitors\">{}<", raw.len())), "today's visitors on the page");
}
