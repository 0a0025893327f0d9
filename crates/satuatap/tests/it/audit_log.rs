//! The audit log as people read it: sentences naming who did what to which
//! record, filters by person, subject and date, pages past the first, the
//! officer's queue decisions, and a manager kept to their own MPP.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestApp, accounts};

#[tokio::test]
async fn the_log_reads_as_sentences_filters_and_pages() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { reads_per_minute: 100_000, ..Default::default() }).await;
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let manager = t.session(accounts::MANAGER).await;
    let provider = t.provider_id("kota-bogor", "imigrasi").await;
    // 105 closures make more than one page.
    for n in 0..105 {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + chrono::Duration::days(n);
        let (s, v) = manager
            .post(
                &format!("/api/v1/mpps/{mpp}/holidays"),
                json!({"date": day.to_string(), "name": format!("Tutup {n}")}),
            )
            .await;
        assert!(s.is_success(), "{v}");
    }
    // A service published by the provider's admin, a day later.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()));
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, svc) = admin
        .post(&format!("/api/v1/mpps/{mpp}/services"), crate::support::service_body(provider, "IMI-99", "Paspor Uji"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{svc}");
    let id = svc["id"].as_i64().unwrap();
    let (s, _) = admin.post(&format!("/api/v1/services/{id}/publish"), json!({})).await;
    assert!(s.is_success());

    let manager = t.session(accounts::MANAGER).await;
    let (s, page, _) = manager.page("/admin/audit?entity=service&siapa=imigrasi").await;
    assert_eq!(s, StatusCode::OK);
    let said: Vec<&str> =
        page.split("class=\"audit-sentence\">").skip(1).map(|x| x.split('<').next().unwrap_or("")).collect();
    assert!(said.iter().any(|x| x.contains("menerbitkan layanan «Paspor Uji»")), "a sentence, not a key: {said:?}");
    assert!(!page.contains(">publish<"), "no raw action keys");
    // By person and by date.
    let (_, page, _) = manager.page("/admin/audit?siapa=imigrasi").await;
    assert!(page.contains("Paspor Uji") && !page.contains("Tutup 3"), "only the provider admin's entries");
    let (_, page, _) = manager.page("/admin/audit?dari=2026-11-30&sampai=2026-11-30").await;
    assert!(page.contains("Tutup 104") && !page.contains("Paspor Uji"), "only the first day");
    // Pages: 100, then the rest, with the filter kept.
    let (_, first, _) = manager.page("/admin/audit?entity=holiday&siapa=manajer.bogor").await;
    assert_eq!(first.matches("class=\"audit-sentence\"").count(), 100);
    let next = first
        .split("id=\"audit-next\"")
        .next()
        .and_then(|h| h.rsplit("href=\"").next())
        .unwrap()
        .trim_end_matches([' ', '"'])
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(
        next.contains("entity=holiday") && next.contains("siapa=manajer.bogor") && next.contains("sebelum="),
        "{next}"
    );
    let (_, second, _) = manager.page(&next).await;
    assert_eq!(second.matches("class=\"audit-sentence\"").count(), 5, "the five oldest, from {next}");
    assert!(second.contains("Tutup 0") && !second.contains("id=\"audit-next\""));
    // The API pages the same way.
    let (_, all) = manager.get(&format!("/api/v1/audit?mpp={mpp}&entity=holiday&actor=manajer.bogor&limit=100")).await;
    let last = all.as_array().unwrap().last().unwrap()["id"].as_i64().unwrap();
    let (_, rest) = manager
        .get(&format!("/api/v1/audit?mpp={mpp}&entity=holiday&actor=manajer.bogor&limit=100&before={last}"))
        .await;
    assert_eq!(rest.as_array().unwrap().len(), 5);
    let (_, mine) = manager.get(&format!("/api/v1/audit?mpp={mpp}&actor=IMIGRASI")).await;
    assert!(
        mine.as_array().unwrap().iter().all(|e| e["actor_email"].as_str().unwrap().contains("imigrasi"))
            && !mine.as_array().unwrap().is_empty()
    );
    // Another MPP's manager sees none of it.
    let other = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, _) = other.get(&format!("/api/v1/audit?mpp={mpp}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    t.stop().await;
}

#[tokio::test]
async fn an_officers_queue_decisions_are_in_the_log() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig {
        tickets_per_minute: 100_000,
        reads_per_minute: 100_000,
        ..Default::default()
    })
    .await;
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let service = t.app.service_by_code(None, mpp, "IMI-01").await.unwrap().id;
    let officer = t.session(accounts::OFFICER).await;
    let (_, mine) = officer.get("/api/v1/me/counters").await;
    let counter = mine[0]["id"].as_i64().unwrap();
    let (s, b) = officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await;
    assert!(s.is_success(), "{b}");
    let kiosk = t.kiosk_of(mpp).await;
    let (s, _) = kiosk.post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, called) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
    let ticket = called["ticket"]["id"].as_i64().expect("a ticket called");
    let (s, v) = officer
        .post(
            &format!("/api/v1/counters/{counter}/tickets/{ticket}/finish"),
            json!({"served": false, "reason": "Berkas tidak lengkap"}),
        )
        .await;
    assert!(s.is_success(), "{v}");
    let manager = t.session(accounts::MANAGER).await;
    let (_, page, _) = manager.page("/admin/audit?siapa=petugas.imigrasi").await;
    let said: Vec<&str> =
        page.split("class=\"audit-sentence\">").skip(1).map(|x| x.split('<').next().unwrap_or("")).collect();
    assert!(said.iter().any(|x| x.contains("membuka loket")), "the counter opened: {said:?}");
    assert!(
        said.iter().any(|x| x.contains("menandai tidak terlayani tiket antrean")),
        "the decision, in words: {said:?}"
    );
    t.stop().await;
}
