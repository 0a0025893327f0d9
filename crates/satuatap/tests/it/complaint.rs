//! Complaints over HTTP on the SP4N-LAPOR! model: filing with an attachment,
//! verification and answer deadlines in working days (weekends, national
//! holidays, cuti bersama and a local closure), forwarding, the provider's
//! answer, rating and reopening, comments, escalation of late reports, the
//! export, and isolation between MPPs and between providers.

use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts, outbox};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn spawn() -> TestApp {
    TestApp::spawn_with(satuatap_web::WebConfig { complaints_per_hour: 100_000, ..Default::default() }).await
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn report(provider: i64) -> Value {
    json!({
        "kind": "pengaduan",
        "title": "Antrean paspor tidak dipanggil",
        "body": "Saya menunggu tiga jam di loket paspor dan nomor saya dilewati tanpa penjelasan.",
        "happened_on": "2026-11-20",
        "provider_id": provider,
        "confidential": true,
        "name": "Siti Aminah",
        "email": "siti.aminah@example.id",
        "phone": "0812-3456-7890",
        "attachments": [{"filename": "bukti antrean.png", "data_base64": b64(PNG)}],
    })
}

async fn complaints_in(t: &TestApp, mpp: i64) -> usize {
    let manager = t.session(accounts::MANAGER).await;
    let (s, list) = manager.get(&format!("/api/v1/mpps/{mpp}/complaints")).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array().unwrap().len()
}

async fn file(t: &TestApp, mpp: i64, body: Value) -> Value {
    let (s, filed) = t.anonymous().post(&format!("/api/v1/mpps/{mpp}/complaints"), body).await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    filed
}

fn events(v: &Value) -> Vec<String> {
    v["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_whole_lifecycle_with_working_day_deadlines() {
    let t = spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    // A local closure on Tuesday 29 December, beside the demo's own on Monday 28 December,
    // 24 Dec (cuti bersama), 25 Dec (Christmas) and 1 Jan (New Year).
    t.app.clock.set(Some(at("2026-12-01T02:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let (s, b) = manager
        .post(&format!("/api/v1/mpps/{mpp}/holidays"), json!({"date": "2026-12-29", "name": "Penutupan gedung"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // Filed Wednesday 23 Dec 10:00 WIB: 24, 25 closed, 26–27 weekend, 28, 29 closed,
    // 30 (1), 31 (2), 1 Jan closed, 2–3 weekend, 4 (3) → verification due by the end
    // of Monday 4 January 2027, WIB.
    t.app.clock.set(Some(at("2026-12-23T03:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let before = complaints_in(&t, mpp).await;
    let mut bad = report(imigrasi);
    bad["attachments"] = json!([{"filename": "x.html", "data_base64": b64(b"<html><script>alert(1)</script>")}]);
    let (s, err) = t.anonymous().post(&format!("/api/v1/mpps/{mpp}/complaints"), bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["fields"][0]["field"], "attachments");
    assert!(err["error"]["fields"][0]["message"].as_str().unwrap().contains("PDF"), "{err}");
    let (s, err) = t.anonymous().post(&format!("/api/v1/mpps/{mpp}/complaints"), json!({"kind": "protes"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        err["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"kind") && fields.contains(&"title") && fields.contains(&"body"), "{err}");
    assert_eq!(complaints_in(&t, mpp).await, before, "refused reports leave nothing behind");

    let filed = file(&t, mpp, report(imigrasi)).await;
    let code = filed["tracking_code"].as_str().unwrap().to_string();
    let id = filed["id"].as_i64().unwrap();
    assert_eq!(at(filed["verify_due_at"].as_str().unwrap()), at("2027-01-04T17:00:00Z"));

    // The reporter follows it by code, typed loosely.
    let typed = code.to_lowercase().replace('-', " ");
    let reporter = t.anonymous();
    let (s, seen) = reporter.get(&format!("/api/v1/complaint-tracking/{}", typed.replace(' ', "%20"))).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    assert_eq!(seen["status"], "submitted");
    assert_eq!(seen["attachments"].as_array().unwrap().len(), 1);
    let att = seen["attachments"][0]["id"].as_i64().unwrap();
    let r = reporter
        .send(reqwest::Method::GET, &format!("/api/v1/complaint-tracking/{code}/attachments/{att}"), None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    let (s, _) = reporter.get("/api/v1/complaint-tracking/ADU-0000-0000-0000").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Not yet forwarded: the provider does not see it; nor can it answer.
    let (s, _) = padmin.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, list) = padmin.get(&format!("/api/v1/mpps/{mpp}/complaints")).await;
    assert_eq!((s, list.as_array().unwrap().len()), (StatusCode::OK, 0));
    // The operator sees the reporter masked, never in full.
    let (_, v) = manager.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(v["reporter"], "S*** A***");
    assert_eq!(v["email_masked"], "s***@example.id");
    assert!(!v.to_string().contains("Aminah") && !v.to_string().contains("3456"));

    // Only the provider answers; the operator's step is forwarding.
    let (s, e) =
        manager.post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "answer", "note": "x"})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("complaint_step_not_allowed")));

    // Forwarded Monday 28 Dec 09:00 WIB: 29 closed, 30 (1), 31 (2), 1 Jan closed,
    // 2–3 weekend, 4 (3), 5 (4), 6 (5) → answer due by the end of Wednesday 6 Jan 2027.
    t.app.clock.set(Some(at("2026-12-28T02:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, v) = manager
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "forward", "provider_id": imigrasi}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "forwarded");
    assert_eq!(at(v["due_at"].as_str().unwrap()), at("2027-01-06T17:00:00Z"));
    let (s, again) = manager
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "forward", "provider_id": imigrasi}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{again}");

    // The provider now sees it, but not who reported it (confidential).
    let (s, v) = padmin.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["reporter"], "Dirahasiakan");
    assert!(v["email_masked"].is_null() && v["phone_masked"].is_null());
    let (s, _) = padmin
        .post(
            &format!("/api/v1/complaints/{id}/comments"),
            json!({"body": "Cek rekaman CCTV loket 3.", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = padmin.post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "answer"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an answer needs its text: {e}");
    t.app.clock.set(Some(at("2026-12-30T04:00:00Z")));
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let answer =
        "Mohon maaf. Nomor Anda terlewat karena gangguan panggilan; petugas sudah kami tegur dan sistem diperbaiki.";
    let (s, v) =
        padmin.post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "answer", "note": answer})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "answered");

    // The reporter sees the answer (not the internal note), rates it, then reopens.
    let (_, seen) = reporter.get(&format!("/api/v1/complaint-tracking/{code}")).await;
    assert_eq!(seen["status"], "answered");
    assert_eq!(events(&seen), ["submit", "forward", "answer"]);
    assert_eq!(seen["events"][2]["body"], answer);
    assert_eq!(seen["events"][2]["actor"], v["provider_name"]);
    assert!(!seen.to_string().contains("CCTV"));
    let (s, e) = reporter.post(&format!("/api/v1/complaint-tracking/{code}/rating"), json!({"rating": 9})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, v) = reporter
        .post(&format!("/api/v1/complaint-tracking/{code}/rating"), json!({"rating": 2, "comment": "Belum jelas."}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["rating"].as_i64()), (Some("closed"), Some(2)));
    let (s, e) = reporter.post(&format!("/api/v1/complaint-tracking/{code}/comments"), json!({"body": "Halo?"})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("complaint_closed")));
    t.app.clock.set(Some(at("2026-12-31T02:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, v) = reporter
        .post(
            &format!("/api/v1/complaint-tracking/{code}/reopen"),
            json!({"reason": "Saya ingin tahu kapan bisa dilayani ulang."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "forwarded");
    assert!(v["rating"].is_null());
    // Reopened Thursday 31 Dec: 1 Jan closed, weekend, 4, 5, 6, 7, 8 → end of Friday 8 Jan.
    assert_eq!(at(v["due_at"].as_str().unwrap()), at("2027-01-08T17:00:00Z"));
    let (_, staff) = padmin.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(events(&staff), ["submit", "forward", "comment", "answer", "rate", "reopen"]);
    assert!(staff["events"][2]["internal"].as_bool().unwrap());
    assert_eq!(staff["events"][1]["actor"], "Manajer MPP Kota Bogor");
    let (_, seen) = reporter.get(&format!("/api/v1/complaint-tracking/{code}")).await;
    assert_eq!(events(&seen), ["submit", "forward", "answer", "rate", "reopen"]);

    // The export LAPOR! ingests: confidential reporters masked, never in clear.
    let r = manager.send(reqwest::Method::GET, &format!("/api/v1/mpps/{mpp}/complaints/export"), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert!(lines.next().unwrap().starts_with("nomor,kanal,mpp,kode_wilayah,kategori"));
    let row = lines.find(|l| l.starts_with(&format!("ADU-{id:06}"))).expect("the report is exported");
    assert!(row.contains("S*** A***") && row.contains("s***@example.id") && !row.contains("Aminah"), "{row}");
    assert!(row.contains("Terdisposisi") && row.contains("Pengaduan"), "{row}");
    let (s, json) = manager.get(&format!("/api/v1/mpps/{mpp}/complaints/export?format=json")).await;
    assert_eq!(s, StatusCode::OK);
    let rec = json.as_array().unwrap().iter().find(|r| r["nomor"] == format!("ADU-{id:06}")).unwrap();
    assert_eq!((rec["rahasia"].as_bool(), rec["jumlah_lampiran"].as_i64()), (Some(true), Some(1)));
    assert_eq!(rec["batas_tindak_lanjut"], "2027-01-09T00:00:00+07:00");
    assert_eq!(rec["tindak_lanjut_terakhir"], answer, "the provider's answer, not the internal note");
    let (s, _) = padmin.get(&format!("/api/v1/mpps/{mpp}/complaints/export")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    t.stop().await;
}

#[tokio::test]
async fn late_reports_are_escalated_listed_and_notified() {
    let t = spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    // Filed Monday 7 Dec 2026 10:00 WIB: verification due by the end of Thursday 10 Dec.
    t.app.clock.set(Some(at("2026-12-07T03:00:00Z")));
    let late = file(
        &t,
        mpp,
        json!({"kind": "aspirasi", "title": "Tambah kursi tunggu",
        "body": "Kursi di ruang tunggu lantai dua kurang pada jam sibuk pagi hari.", "anonymous": true}),
    )
    .await;
    let late_id = late["id"].as_i64().unwrap();
    let fresh = file(
        &t,
        mpp,
        json!({"kind": "permintaan_informasi", "title": "Jam buka Sabtu",
        "body": "Apakah layanan paspor buka pada hari Sabtu pagi di MPP ini?", "anonymous": true}),
    )
    .await;
    let fresh_id = fresh["id"].as_i64().unwrap();
    assert!(late["verify_due_at"].as_str().is_some());

    // The second is archived in time, on Thursday.
    t.app.clock.set(Some(at("2026-12-10T05:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let (s, _) = manager
        .post(
            &format!("/api/v1/complaints/{fresh_id}/steps"),
            json!({"action": "archive", "note": "Dijawab lewat telepon."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Still on time at 23:59 WIB Thursday.
    t.app.clock.set(Some(at("2026-12-10T16:59:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    t.app.escalate_overdue().await.unwrap();
    let (_, list) = manager.get(&format!("/api/v1/mpps/{mpp}/complaints?overdue=true")).await;
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");
    assert!(outbox(&t, Some(mpp), "complaint_escalation").await.is_empty());

    // Friday 09:00 WIB: the first one is late.
    t.app.clock.set(Some(at("2026-12-11T02:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    t.app.escalate_overdue().await.unwrap();
    t.app.escalate_overdue().await.unwrap();
    let (_, list) = manager.get(&format!("/api/v1/mpps/{mpp}/complaints?overdue=true")).await;
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [late_id]);
    assert!(list[0]["overdue"].as_bool().unwrap() && list[0]["escalated_at"].is_string());
    let (_, v) = manager.get(&format!("/api/v1/complaints/{late_id}")).await;
    assert_eq!(events(&v).iter().filter(|a| *a == "escalate").count(), 1, "escalated once: {v}");
    let (_, seen) =
        t.anonymous().get(&format!("/api/v1/complaint-tracking/{}", late["tracking_code"].as_str().unwrap())).await;
    assert!(!events(&seen).contains(&"escalate".to_string()), "escalation is internal");
    let (_, dashboard, _) = manager.page("/admin").await;
    assert!(dashboard.contains("id=\"late-complaints\"") && dashboard.contains("1 laporan"), "the dashboard says so");
    let (_, desk, _) = manager.page("/admin/pengaduan?terlambat=1").await;
    assert!(desk.contains("class=\"overdue\"") && desk.contains("Tambah kursi tunggu"));
    let to_managers = outbox(&t, Some(mpp), "complaint_escalation").await;
    assert!(!to_managers.is_empty() && to_managers.iter().all(|m| m == "m***@demo.satuatap.id"), "{to_managers:?}");

    // Forwarded: a new deadline clears the escalation; when it passes, the provider's admins hear too.
    let (s, v) = manager
        .post(&format!("/api/v1/complaints/{late_id}/steps"), json!({"action": "forward", "provider_id": imigrasi}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["escalated_at"].is_null() && !v["overdue"].as_bool().unwrap());
    // Friday 11 Dec + 5 working days → end of Friday 18 Dec.
    assert_eq!(at(v["due_at"].as_str().unwrap()), at("2026-12-18T17:00:00Z"));
    t.app.clock.set(Some(at("2026-12-21T01:00:00Z")));
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    t.app.escalate_overdue().await.unwrap();
    let (_, list) = padmin.get(&format!("/api/v1/mpps/{mpp}/complaints?overdue=true")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let to = outbox(&t, Some(mpp), "complaint_escalation").await;
    assert_eq!(to.len(), 2 * to_managers.len() + 1, "{to:?}");
    assert_eq!(to.iter().filter(|m| *m == "a***@demo.satuatap.id").count(), 1, "{to:?}");
    t.stop().await;
}

#[tokio::test]
async fn complaints_stay_within_their_mpp_and_provider() {
    let t = spawn().await;
    let bogor = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, theirs) = t.get_json(&format!("/api/v1/mpps/{makassar}/providers")).await;
    let other_provider = theirs[0]["id"].as_i64().unwrap();
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 2, 2, 0, 0).unwrap()));
    let filed = file(&t, bogor, report(imigrasi)).await;
    let id = filed["id"].as_i64().unwrap();

    // A provider of another MPP cannot be named.
    let (s, e) = t.anonymous().post(&format!("/api/v1/mpps/{bogor}/complaints"), report(other_provider)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "provider_id");

    let foreign = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, _) = foreign.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = foreign.get(&format!("/api/v1/mpps/{bogor}/complaints")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = foreign.get(&format!("/api/v1/mpps/{bogor}/complaints/export")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = foreign
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "archive", "note": "bukan urusan kami"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, mine) = foreign.get(&format!("/api/v1/mpps/{makassar}/complaints")).await;
    assert_eq!((s, mine.as_array().unwrap().len()), (StatusCode::OK, 0));
    let officer: Session = t.session(accounts::OFFICER).await;
    let (s, _) = officer.get(&format!("/api/v1/mpps/{bogor}/complaints")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t.anonymous().get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Forwarded to another provider of the same MPP: the immigration admin does not see it.
    let manager = t.session(accounts::MANAGER).await;
    let (_, providers) = t.get_json(&format!("/api/v1/mpps/{bogor}/providers")).await;
    let other =
        providers.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).find(|p| *p != imigrasi).unwrap();
    let (s, v) = manager
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "forward", "provider_id": other}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, _) = padmin.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = padmin
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "answer", "note": "Sudah kami tangani."}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = manager.get(&format!("/api/v1/complaints/{id}")).await;
    let att = v["attachments"][0]["id"].as_i64().unwrap();
    let (s, _) = padmin.get(&format!("/api/v1/complaint-attachments/{att}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn the_public_form_takes_files_and_checks_its_token() {
    use reqwest::multipart::{Form, Part};
    let t = spawn().await;
    t.app.clock.set(Some(at("2026-12-02T03:00:00Z")));
    let browser = t.anonymous();
    let (s, html, token) = browser.page("/mpp/kota-bogor/pengaduan").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("enctype=\"multipart/form-data\"") && !token.is_empty());
    let form = |token: &str, file: &'static [u8]| {
        Form::new()
            .text("csrf", token.to_string())
            .text("kind", "pengaduan")
            .text("title", "Toilet lantai dua rusak")
            .text("body", "Toilet di lantai dua tidak dapat dipakai sejak pekan lalu dan belum diperbaiki.")
            .text("anonymous", "on")
            .part("attachments", Part::bytes(file).file_name("foto.png").mime_str("image/png").unwrap())
    };
    let post = |f: Form| browser.client.post(t.at("/mpp/kota-bogor/pengaduan")).multipart(f).send();

    // Without the form's token: refused, nothing filed.
    let r = post(form("bukan-token", PNG)).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A file that claims to be a PNG but is HTML: the form comes back, with the reason.
    let r = post(form(&token, b"<html><script>alert(1)</script></html>")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("JPEG, PNG, WebP") && html.contains("Toilet lantai dua rusak"), "the typed title is kept");
    // Over 2 MB: refused by size.
    static BIG: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
        let mut v = PNG.to_vec();
        v.resize(2 * 1024 * 1024 + 1, 0);
        v
    });
    let r = post(form(&token, BIG.as_slice())).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("2 MB"));
    let manager = t.session(accounts::MANAGER).await;
    let mpp = t.mpp_id("kota-bogor").await;
    let (_, list) = manager.get(&format!("/api/v1/mpps/{mpp}/complaints")).await;
    assert_eq!(list.as_array().unwrap().len(), 0, "refused forms leave nothing behind");

    // With the token and a real PNG: filed; the code leads to the tracking page.
    let r = post(form(&token, PNG)).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let html = r.text().await.unwrap();
    let code = html.split("id=\"tracking-code\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(code.starts_with("ADU-"), "{code}");
    let (s, page, _) = browser.page(&format!("/pengaduan/{code}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Toilet lantai dua rusak") && page.contains("foto.png") && page.contains("Menunggu verifikasi")
    );
    let (s, _, _) = browser.page("/pengaduan/ADU-0000-0000-0000").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn hold_return_and_not_our_authority() {
    let t = spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    // Filed Tuesday 1 Dec 2026 10:00 WIB; verification due by the end of Friday 4 Dec.
    t.app.clock.set(Some(at("2026-12-01T03:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let filed = file(&t, mpp, report(imigrasi)).await;
    let (id, code) = (filed["id"].as_i64().unwrap(), filed["tracking_code"].as_str().unwrap().to_string());
    let reporter = t.anonymous();
    let (s, v) = manager
        .post(
            &format!("/api/v1/complaints/{id}/steps"),
            json!({"action": "postpone", "note": "Loket berapa dan jam berapa?"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("postponed")), "{v}");
    assert!(v["due_at"].is_null(), "a held report runs no deadline");
    // Days later it is not late: it waits for the reporter.
    t.app.clock.set(Some(at("2026-12-09T03:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    t.app.escalate_overdue().await.unwrap();
    let (_, late) = manager.get(&format!("/api/v1/mpps/{mpp}/complaints?overdue=true")).await;
    assert_eq!(late.as_array().unwrap().len(), 0);
    // The reply resumes verification with a fresh 3 working days (Wed 9 → end of Mon 14 Dec).
    let (s, v) = reporter
        .post(
            &format!("/api/v1/complaint-tracking/{code}/comments"),
            json!({"body": "Loket 3, sekitar pukul 10 pagi."}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("submitted")), "{v}");
    assert_eq!(at(v["due_at"].as_str().unwrap()), at("2026-12-14T17:00:00Z"));

    // Forwarded, then returned by the provider: back with the operator, out of the provider's sight.
    let (s, _) = manager
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "forward", "provider_id": imigrasi}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, v) = padmin
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "return", "note": "Ini urusan Disdukcapil."}))
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("submitted")), "{v}");
    let (s, _) = padmin.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Not the MPP's authority: the referral is required, and the reporter sees it.
    let (s, e) = manager
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "not_authority", "note": "Di luar MPP."}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "referral");
    let (s, v) = manager
        .post(
            &format!("/api/v1/complaints/{id}/steps"),
            json!({"action": "not_authority", "note": "Di luar MPP.", "referral": "Ombudsman RI Perwakilan Jawa Barat"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("not_authority")), "{v}");
    let (_, seen) = reporter.get(&format!("/api/v1/complaint-tracking/{code}")).await;
    assert_eq!(seen["referral"], "Ombudsman RI Perwakilan Jawa Barat");
    assert_eq!(events(&seen), ["submit", "postpone", "comment", "forward", "return", "not_authority"]);
    let (s, _) = reporter.post(&format!("/api/v1/complaint-tracking/{code}/comments"), json!({"body": "Baik."})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) =
        reporter.post(&format!("/api/v1/complaint-tracking/{code}/reopen"), json!({"reason": "Belum selesai."})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The reporter was told of each step by e-mail and SMS (the outbox).
    let told = outbox(&t, Some(mpp), "complaint").await;
    assert!(told.len() >= 2 * 4, "{told:?}");
    t.stop().await;
}

#[tokio::test]
async fn the_confirmation_message_carries_the_tracking_code_and_its_page() {
    let t = spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let filed = file(&t, mpp, report(imigrasi)).await;
    let code = filed["tracking_code"].as_str().unwrap();
    let messages = t.app.shown_messages(Some(mpp), None, 100).await.unwrap();
    let mine: Vec<_> = messages.iter().filter(|m| m.kind == "complaint" && m.to == "siti.aminah@example.id").collect();
    assert_eq!(mine.len(), 1, "one confirmation by e-mail");
    assert!(mine[0].body.contains(code) && mine[0].body.contains(&format!("/pengaduan/{code}")), "{}", mine[0].body);
    t.stop().await;
}

#[tokio::test]
async fn a_closure_declared_after_filing_moves_the_running_deadline() {
    let t = spawn().await;
    let mpp = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    // Filed Monday 7 December 2026, 10:00 WIB: verification by the end of Thursday 10th.
    t.app.clock.set(Some(at("2026-12-07T03:00:00Z")));
    let filed = file(&t, mpp, report(imigrasi)).await;
    let id = filed["id"].as_i64().unwrap();
    assert_eq!(at(filed["verify_due_at"].as_str().unwrap()), at("2026-12-10T17:00:00Z"));
    let due = |v: &Value| at(v["due_at"].as_str().unwrap());

    // Tuesday morning the building floods: an emergency closure for today.
    t.app.clock.set(Some(at("2026-12-08T01:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let (s, closure) = manager
        .post(&format!("/api/v1/mpps/{mpp}/holidays"), json!({"date": "2026-12-08", "name": "Banjir, gedung ditutup"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{closure}");
    let (_, v) = manager.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(due(&v), at("2026-12-11T17:00:00Z"), "the lost day is given back");
    assert!(events(&v).contains(&"deadline".to_string()), "the timeline says so: {v}");
    // Another MPP's closure moves nothing here; nor does a closure on the day it was
    // filed (the first day is never counted) or after the deadline.
    let mgr_makassar = t.session(accounts::MANAGER_MAKASSAR).await;
    let (s, _) = mgr_makassar
        .post(&format!("/api/v1/mpps/{makassar}/holidays"), json!({"date": "2026-12-09", "name": "Tutup"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) =
        manager.post(&format!("/api/v1/mpps/{mpp}/holidays"), json!({"date": "2026-12-07", "name": "Tutup"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) =
        manager.post(&format!("/api/v1/mpps/{mpp}/holidays"), json!({"date": "2026-12-15", "name": "Tutup"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = manager.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(due(&v), at("2026-12-11T17:00:00Z"));

    // Forwarded Wednesday 9th: the answer's 5 working days are 10, 11, 14, (15 closed), 16, 17.
    t.app.clock.set(Some(at("2026-12-09T03:00:00Z")));
    let manager = t.session(accounts::MANAGER).await;
    let (s, v) = manager
        .post(&format!("/api/v1/complaints/{id}/steps"), json!({"action": "forward", "provider_id": imigrasi}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(due(&v), at("2026-12-17T17:00:00Z"));
    // A national holiday declared for the 14th moves it again; removing the 15th's closure moves it back a day.
    let national = t.session(accounts::NATIONAL).await;
    let (s, b) = national.post("/api/v1/holidays", json!({"date": "2026-12-14", "name": "Libur nasional uji"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, v) = manager.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(due(&v), at("2026-12-18T17:00:00Z"));
    let (_, list) = t.get_json(&format!("/api/v1/mpps/{mpp}/holidays?year=2026")).await;
    let fifteenth =
        list.as_array().unwrap().iter().find(|h| h["date"] == "2026-12-15").unwrap()["id"].as_i64().unwrap();
    let (s, _) = manager.delete(&format!("/api/v1/holidays/{fifteenth}")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = manager.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(due(&v), at("2026-12-17T17:00:00Z"));
    t.stop().await;
}
