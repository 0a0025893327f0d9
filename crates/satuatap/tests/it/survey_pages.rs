//! The survey's pages over real HTTP: the citizen's form (errors next to the
//! question, answers kept, thank-you, once only), codes typed loosely, the
//! my-ticket page's link, the public IKM page with its print view and CSV,
//! the tablet's sign-in, the admin page (follow-ups, paper entry, codes) and
//! the survey rate limit in front of public writes.

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
    service_name: String,
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
    let service_name = page["services"][0]["name"].as_str().unwrap().to_string();
    let officer = t.session(accounts::OFFICER).await;
    let (_, list) = officer.get(&format!("/api/v1/providers/{provider}/counters")).await;
    let counter = list[0]["id"].as_i64().unwrap();
    let (s, b) = officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    Desk { mpp, provider, service, service_name, counter, officer }
}

/// A ticket still waiting; its token.
async fn waiting_ticket(t: &TestApp, d: &Desk) -> (String, i64) {
    let (s, issued) = t
        .kiosk_of(d.mpp)
        .await
        .post(&format!("/api/v1/mpps/{}/tickets", d.mpp), json!({"service_id": d.service}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{issued}");
    (issued["token"].as_str().unwrap().to_string(), issued["ticket"]["id"].as_i64().unwrap())
}

/// Issue a ticket, call it and finish it as served; its token.
async fn served_visit(t: &TestApp, d: &Desk) -> String {
    let (token, id) = waiting_ticket(t, d).await;
    let (s, called) = d.officer.post(&format!("/api/v1/counters/{}/call-next", d.counter), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{called}");
    assert_eq!(called["ticket"]["id"], id);
    let (s, b) =
        d.officer.post(&format!("/api/v1/counters/{}/tickets/{id}/finish", d.counter), json!({"served": true})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    token
}

fn answers(a: [i64; 9]) -> Value {
    json!({"u1": a[0], "u2": a[1], "u3": a[2], "u4": a[3], "u5": a[4], "u6": a[5], "u7": a[6], "u8": a[7], "u9": a[8]})
}

/// Form fields for nine answers.
fn fields(a: [i64; 9]) -> Vec<(String, String)> {
    a.iter().enumerate().map(|(i, v)| (format!("u{}", i + 1), v.to_string())).collect()
}

async fn post_form(s: &Session, from: &str, action: &str, f: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    s.form(from, action, &pairs).await
}

/// Post again with a token kept from before (the back button: the page now shows no form).
async fn post_again(s: &Session, csrf: &str, action: &str, f: &[(String, String)]) -> reqwest::Response {
    let mut all = vec![("csrf".to_string(), csrf.to_string())];
    all.extend_from_slice(f);
    s.client.post(format!("{}{action}", s.base)).form(&all).send().await.expect("form")
}

#[tokio::test]
async fn the_form_names_what_is_missing_keeps_the_answers_thanks_and_refuses_a_second_time() {
    let t = spawn().await;
    let d = desk(&t).await;
    let token = served_visit(&t, &d).await;
    let visitor = t.anonymous();
    let page = format!("/tiket/{token}/survei");

    let (st, html, csrf) = visitor.page(&page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!csrf.is_empty(), "the form carries its CSRF token");
    assert_eq!(html.matches("class=\"q-code\"").count(), 9, "U1–U9");
    for text in ["Penanganan pengaduan, saran dan masukan", "Dikelola dengan baik", "Well managed", "Sangat mahal"] {
        assert!(html.contains(text), "{text}");
    }
    assert!(html.contains(&d.service_name), "the service is named");
    assert!(html.contains("tidak wajib"), "the profile is marked optional");

    // Two answers and a made-up sex: the rest are named next to their questions.
    let mut f = vec![("u1".to_string(), "4".to_string()), ("u9".into(), "2".into())];
    f.push(("suggestion".into(), "Antrean <b>lama</b> sekali".into()));
    f.push(("sex".into(), "X".into()));
    let r = post_form(&visitor, &page, &page, &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-u2\"") && html.contains("id=\"e-u8\""), "missing answers are named");
    assert!(!html.contains("id=\"e-u1\"") && !html.contains("id=\"e-u9\""));
    assert!(html.contains("href=\"#q-u3\""), "the summary links to the question");
    assert!(html.contains("Pilih salah satu dari empat jawaban."));
    assert!(html.contains("id=\"e-sex\""));
    assert!(html.contains("name=\"u1\" value=\"4\" checked"), "chosen answers stay chosen");
    assert!(html.contains("name=\"u9\" value=\"2\" checked"));
    assert!(html.contains("Antrean &#60;b&#62;lama&#60;/b&#62; sekali"), "the suggestion is kept, escaped");
    let (_, r0) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!(r0["respondents"], 0, "nothing stored");

    // Without the form's token, nothing is accepted.
    let forged = visitor.client.post(t.at(&page)).form(&fields([4; 9])).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let mut f = fields([4, 3, 3, 4, 3, 4, 4, 3, 3]);
    f.push(("suggestion".into(), "Tambah kursi.".into()));
    f.push(("sex".into(), "P".into()));
    f.push(("age_band".into(), "30-39".into()));
    f.push(("education".into(), String::new()));
    let r = post_form(&visitor, &page, &page, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/survei/terima-kasih?mpp=kota-bogor");
    let (st, html, _) = visitor.page(&to).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Terima kasih!") && html.contains("href=\"/mpp/kota-bogor/ikm\""));
    // 25 × 31 / 9 = 86.11.
    let (_, r1) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!((r1["respondents"].as_u64(), r1["ikm"].as_str()), (Some(1), Some("86.11")));

    // A second submission (a back button, a second phone) is refused clearly.
    let r = post_again(&visitor, &csrf, &page, &fields([1; 9])).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Survei ini sudah diisi"));
    let (st, html, _) = t.anonymous().page(&page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"survey-notice\"") && !html.contains("name=\"u1\""));
    let (_, r2) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!(r2["respondents"], 1);

    // The my-ticket page: answered now; another served visit is offered the survey with
    // a QR code of its address; a waiting one is not (its script shows it once served).
    let (_, html, _) = visitor.page(&format!("/tiket/{token}")).await;
    assert!(html.contains("id=\"survey-done\""));
    assert!(html.contains("class=\"t-survey hidden\""));
    let other = served_visit(&t, &d).await;
    let (_, html, _) = visitor.page(&format!("/tiket/{other}")).await;
    assert!(html.contains("class=\"t-survey\"") && html.contains(&format!("href=\"/tiket/{other}/survei\"")));
    assert!(html.contains(&format!("src=\"/tiket/{other}/survei/qr.svg\"")));
    let qr = visitor.client.get(t.at(&format!("/tiket/{other}/survei/qr.svg"))).send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    let (waiting, _) = waiting_ticket(&t, &d).await;
    let (_, html, _) = visitor.page(&format!("/tiket/{waiting}")).await;
    assert!(html.contains("class=\"t-survey hidden\" data-live=\"1\""));

    // Not served yet, or no such ticket: clear pages, not forms.
    let (st, html, _) = visitor.page(&format!("/tiket/{waiting}/survei")).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(html.contains("Survei tidak tersedia"));
    let (st, html, _) = visitor.page("/tiket/tidak-ada/survei").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(html.contains("Tiket ini tidak dikenal"));
    // Fifteen days later the visit is too old.
    t.app.clock.set(Some(monday() + chrono::Duration::days(15)));
    let (st, _, _) = visitor.page(&format!("/tiket/{other}/survei")).await;
    assert_eq!(st, StatusCode::CONFLICT);
    t.stop().await;
}

#[tokio::test]
async fn codes_are_typed_loosely_unknown_ones_are_refused_and_each_is_used_once() {
    let t = spawn().await;
    let d = desk(&t).await;
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let (s, codes) = admin.post(&format!("/api/v1/services/{}/survey-codes", d.service), json!({"count": 2})).await;
    assert_eq!(s, StatusCode::CREATED, "{codes}");
    let code = codes[0].as_str().unwrap().to_string();
    let visitor = t.anonymous();

    let (st, html, _) = visitor.page("/survei").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("name=\"kode\""));
    let r = visitor.form("/survei", "/survei", &[("kode", "skm 0000 0000")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(html.contains("Kode survei ini tidak dikenal"), "{html}");
    assert!(html.contains("value=\"skm 0000 0000\""), "what was typed is kept");
    let r = visitor.form("/survei", "/survei", &[("kode", "  ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Lower case with spaces finds it; the address is the printed form.
    let typed = code.to_lowercase().replace('-', " ");
    let r = visitor.form("/survei", "/survei", &[("kode", &typed)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(page, format!("/survei/kode/{code}"));
    let r = visitor.client.get(t.at(&format!("/survei/kode/{}", code.to_lowercase()))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"].to_str().unwrap(), page);
    let (st, html, _) = visitor.page(&page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains(&format!("action=\"/survei/kode/{code}\"")) && html.contains(&d.service_name));

    let (_, _, csrf) = visitor.page(&page).await;
    let r = post_again(&visitor, &csrf, &page, &fields([2; 9])).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"].to_str().unwrap(), "/survei/terima-kasih?mpp=kota-bogor");
    let r = post_again(&visitor, &csrf, &page, &fields([2; 9])).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Survei ini sudah diisi"));
    let (st, html, _) = visitor.page(&page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Survei sudah diisi"));
    let (st, html, _) = visitor.page("/survei/kode/SKM-0000-0000").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(html.contains("Kode survei ini tidak dikenal"));
    let (_, r) = t.get_json(&format!("/api/v1/mpps/{}/ikm?period=2026-Q4", d.mpp)).await;
    assert_eq!((r["respondents"].as_u64(), r["ikm"].as_str()), (Some(1), Some("50.00")));
    t.stop().await;
}

#[tokio::test]
async fn the_results_page_its_print_view_and_csv_show_the_ikm() {
    let t = spawn().await;
    let d = desk(&t).await;
    let (a, b) = (served_visit(&t, &d).await, served_visit(&t, &d).await);
    // The worked example: sums U1 7, U2 6, U3 5, U4 8, U5 7, U6 6, U7 7, U8 4, U9 5 = 55 over 2;
    // IKM = 25 × 55 / 18 = 76.388… → 76.39, grade C; weakest U8 (2.0), U3 and U9 (2.5).
    for (token, row) in [(a, [4, 3, 2, 4, 4, 3, 4, 2, 3]), (b, [3, 3, 3, 4, 3, 3, 3, 2, 2])] {
        let (s, e) = t.anonymous().post(&format!("/api/v1/tickets/{token}/survey"), answers(row)).await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }
    let v = t.anonymous();
    // The MPP's home page links to its results; the current quarter is the default.
    let (_, home, _) = v.page("/mpp/kota-bogor").await;
    assert!(home.contains("href=\"/mpp/kota-bogor/ikm\""));
    let (st, html, _) = v.page("/mpp/kota-bogor/ikm").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"ikm-value\">76,39<"), "comma decimal in Indonesian");
    assert!(html.contains("id=\"ikm-grade\">C<") && html.contains("Kurang Baik"));
    assert!(html.contains("id=\"respondents\">2<") && html.contains("id=\"served\">2<"));
    assert!(html.contains("id=\"required\">2<") && html.contains("memenuhi sampel minimal"));
    assert!(html.contains("Triwulan IV 2026") && html.contains("1 Oktober 2026 – 31 Desember 2026"));
    assert!(html.contains("<option value=\"2026-Q4\" selected>"));
    assert!(html.contains("<option value=\"2025\">"), "last year is offered");
    assert!(!html.contains("value=\"2027-Q1\""), "no period that has not begun");
    let weakest = &html[html.find("id=\"weakest\"").unwrap()..];
    let (u8, u3, u9) = (weakest.find("U8 ·").unwrap(), weakest.find("U3 ·").unwrap(), weakest.find("U9 ·").unwrap());
    assert!(u8 < u3 && u3 < u9, "weakest first");
    assert_eq!(html.matches("class=\"bar-row\"").count(), 9);
    assert!(html.contains("<strong>2,00</strong>"), "U8's NRR");
    assert!(html.contains("Kantor Imigrasi Kelas I Non TPI Bogor") && html.contains(&d.service_name));
    assert!(html.contains(&format!("href=\"/mpp/kota-bogor/ikm?periode=2026-Q4&#38;instansi={}\"", d.provider)));
    assert!(html.contains("href=\"/mpp/kota-bogor/ikm.csv?periode=2026-Q4\""));
    assert!(html.contains("PermenPANRB 14/2017"));

    // English: dot decimals and English labels.
    let en = t.client();
    let r = en.get(t.at("/mpp/kota-bogor/ikm?periode=2026-Q4")).header("cookie", "sat_lang=en").send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"ikm-value\">76.39<") && html.contains("Q4 2026") && html.contains(">Poor<"));

    // Other periods: a date range, a year, nothing in the third quarter, a period that cannot be read.
    let (_, html, _) = v.page("/mpp/kota-bogor/ikm?dari=2026-11-01&sampai=2026-11-30").await;
    assert!(html.contains("76,39") && html.contains("value=\"2026-11-01\""));
    let (_, html, _) = v.page("/mpp/kota-bogor/ikm?periode=2026").await;
    assert!(html.contains("76,39") && html.contains("Tahun 2026"));
    let (_, html, _) = v.page("/mpp/kota-bogor/ikm?periode=2026-Q3").await;
    assert!(html.contains("id=\"ikm-empty\"") && html.contains("id=\"respondents\">0<"));
    let (st, html, _) = v.page("/mpp/kota-bogor/ikm?periode=2026-Q9").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("tidak dapat dibaca") && html.contains("76,39"));
    // One provider, broken down per service; another MPP's provider is not found.
    let (st, html, _) = v.page(&format!("/mpp/kota-bogor/ikm?periode=2026-Q4&instansi={}", d.provider)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"services\"") && !html.contains("id=\"providers\""));
    let mks = t.provider_id("kota-makassar", "disdukcapil").await;
    let (st, _, _) = v.page(&format!("/mpp/kota-bogor/ikm?instansi={mks}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // The print view cites the regulation and prints itself.
    for path in ["/mpp/kota-bogor/ikm/cetak?periode=2026-Q4", "/mpp/kota-bogor/ikm?periode=2026-Q4&cetak=1"] {
        let (st, html, _) = v.page(path).await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("class=\"report-head\"") && html.contains("Nomor 14 Tahun 2017"));
        assert!(html.contains("data-print-on-load") && html.contains("Dicetak"));
    }

    // The CSV: a file to download, one total row, U1–U9, per provider and per service.
    let r = v.client.get(t.at("/mpp/kota-bogor/ikm.csv?periode=2026-Q4")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"ikm-kota-bogor-2026-Q4.csv\"");
    let body = r.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "period,from,to,section,id,name,provider,respondents,served,required_sample,sample_reached,nrr,ikm,grade"
    );
    assert_eq!(
        lines[1],
        "2026-Q4,2026-10-01,2026-12-31,total,kota-bogor,Mal Pelayanan Publik Kota Bogor,,2,2,2,yes,,76.39,C"
    );
    assert!(lines.contains(&"2026-Q4,2026-10-01,2026-12-31,element,U1,Persyaratan,,2,,,,3.5000,87.50,B"));
    assert!(
        lines.contains(
            &"2026-Q4,2026-10-01,2026-12-31,element,U8,\"Penanganan pengaduan, saran dan masukan\",,2,,,,2.0000,50.00,D"
        ),
        "{body}"
    );
    assert_eq!(lines.iter().filter(|l| l.contains(",element,")).count(), 9);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!(",provider,{},Kantor Imigrasi", d.provider)) && l.ends_with(",76.39,C"))
    );
    assert!(lines.iter().any(|l| l.contains(&format!(",service,{},", d.service)) && l.ends_with(",76.39,C")));
    let r = v.client.get(t.at("/mpp/kota-bogor/ikm.csv?dari=2026-11-01&sampai=2026-11-30")).send().await.unwrap();
    assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"ikm-kota-bogor-2026-11-01_2026-11-30.csv\"");

    // Nationally, the MPP is listed with the same figure and a link to its page.
    let (st, html, _) = v.page("/ikm?periode=2026").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"mpps\"") && html.contains("href=\"/mpp/kota-bogor/ikm?periode=2026\""));
    assert!(html.contains("76,39"));
    let r = v.client.get(t.at("/ikm.csv?periode=2026")).send().await.unwrap();
    assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"ikm-nasional-2026.csv\"");
    assert!(r.text().await.unwrap().contains(&format!(",mpp,{},Mal Pelayanan Publik Kota Bogor,", d.mpp)));
    t.stop().await;
}

#[tokio::test]
async fn the_tablet_and_the_admin_page_are_for_staff_of_their_own_mpp() {
    let t = spawn().await;
    let d = desk(&t).await;
    // The tablet: signed-in staff of the counter only.
    let tablet = format!("/konsol/{}/survei", d.counter);
    let r = t.anonymous().client.get(t.at(&tablet)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/masuk?next={tablet}"));
    let (st, html, _) = d.officer.page(&tablet).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("tablet.js") && html.contains("\"U9\""));
    let (_, html, _) = d.officer.page(&format!("/konsol/{}", d.counter)).await;
    assert!(html.contains(&format!("href=\"{tablet}\"")), "the console links to its tablet");
    let other = t.session(accounts::OFFICER_BPJS).await;
    assert_ne!(other.page(&tablet).await.0, StatusCode::OK);

    // A suggestion to follow up.
    let token = served_visit(&t, &d).await;
    let mut a = answers([3; 9]);
    a["suggestion"] = json!("Papan petunjuk loket paspor kurang jelas.");
    assert_eq!(t.anonymous().post(&format!("/api/v1/tickets/{token}/survey"), a).await.0, StatusCode::CREATED);

    let r = t.anonymous().client.get(t.at("/admin/survei")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.session(accounts::CITIZEN).await.page("/admin/survei").await.0, StatusCode::FORBIDDEN);
    let makassar = t.session(accounts::MANAGER_MAKASSAR).await;
    assert_eq!(makassar.page(&format!("/admin/survei?mpp={}", d.mpp)).await.0, StatusCode::FORBIDDEN);

    // The national admin picks an MPP first.
    let national = t.session(accounts::NATIONAL).await;
    let (st, html, _) = national.page("/admin/survei").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains(&format!("href=\"/admin/survei?mpp={}\"", d.mpp)));
    let (st, html, _) = national.page(&format!("/admin/survei?mpp={}", d.mpp)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Papan petunjuk loket paspor kurang jelas."));
    assert_eq!(national.page("/admin/survei/kertas").await.0, StatusCode::FORBIDDEN);

    let manager = t.session(accounts::MANAGER).await;
    let (st, html, _) = manager.page("/admin/survei").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("href=\"/admin/survei\" aria-current=\"page\""), "the menu has it");
    assert!(html.contains("Triwulan ini: Triwulan IV 2026") && html.contains("id=\"ikm-value\">75,00<"));
    assert!(html.contains("Papan petunjuk loket paspor kurang jelas."));
    let (_, list) = manager.get(&format!("/api/v1/mpps/{}/survey-suggestions?period=2026-Q4", d.mpp)).await;
    let response_id = list[0]["id"].as_i64().unwrap().to_string();
    let (_, users) = manager.get("/api/v1/users").await;
    let owner = users.as_array().unwrap().iter().find(|u| u["email"] == accounts::PROVIDER_ADMIN).unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    assert!(html.contains(&format!("<option value=\"{owner}\">")), "owners to choose from");

    let mpp = d.mpp.to_string();
    let r = manager
        .form(
            "/admin/survei",
            "/admin/survei/tindak-lanjut",
            &[
                ("mpp", &mpp),
                ("response_id", &response_id),
                ("title", "Ganti papan petunjuk"),
                ("owner_id", &owner),
                ("note", "Pesan ke bagian umum"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, items) = manager.get(&format!("/api/v1/mpps/{}/followups", d.mpp)).await;
    let item = &items[0];
    assert_eq!((item["title"].as_str(), item["status"].as_str()), (Some("Ganti papan petunjuk"), Some("open")));
    assert_eq!(item["note"], "Pesan ke bagian umum");
    assert_eq!(item["owner_id"].as_i64().unwrap().to_string(), owner);
    let id = item["id"].as_i64().unwrap();
    // An empty title is refused with a message, nothing added.
    let r = manager.form("/admin/survei", "/admin/survei/tindak-lanjut", &[("mpp", &mpp), ("title", " ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Rencana tindak lanjut: Wajib diisi."));
    // The status moves on.
    let action = format!("/admin/survei/tindak-lanjut/{id}");
    let r =
        manager.form("/admin/survei", &action, &[("mpp", &mpp), ("status", "in_progress"), ("note", "Dipesan.")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html, _) = manager.page("/admin/survei").await;
    assert!(html.contains("Ganti papan petunjuk") && html.contains("Dikerjakan") && html.contains("Dipesan."));
    assert!(html.contains("sudah ditindaklanjuti"));
    let r = manager.form("/admin/survei", &action, &[("mpp", &mpp), ("status", "hilang")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Makassar's manager cannot move it.
    let r = makassar.form("/admin/survei", &action, &[("status", "done")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Officers see the page but make no follow-ups.
    let (st, html, _) = d.officer.page("/admin/survei").await;
    assert_eq!(st, StatusCode::OK);
    assert!(!html.contains("action=\"/admin/survei/tindak-lanjut\""));
    let r = d.officer.form("/admin/survei", "/admin/survei/tindak-lanjut", &[("mpp", &mpp), ("title", "x")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Paper: the service is required and the answers stay; then it is stored as paper.
    let paper = "/admin/survei/kertas";
    let mut f = fields([3; 9]);
    let r = post_form(&d.officer, paper, paper, &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-service_id\"") && html.contains("name=\"u5\" value=\"3\" checked"));
    f.push(("service_id".into(), d.service.to_string()));
    f.push(("day".into(), "2026-11-27".into()));
    f.push(("suggestion".into(), "Dari lembar kertas.".into()));
    let r = post_form(&d.officer, paper, paper, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let (_, list) = manager.get(&format!("/api/v1/mpps/{}/survey-suggestions?period=2026-Q4", d.mpp)).await;
    let sheet = list.as_array().unwrap().iter().find(|s| s["suggestion"] == "Dari lembar kertas.").unwrap();
    assert_eq!((sheet["channel"].as_str(), sheet["day"].as_str()), (Some("paper"), Some("2026-11-27")));
    // A date in the future is named.
    let mut late = fields([3; 9]);
    late.push(("service_id".into(), d.service.to_string()));
    late.push(("day".into(), "2027-01-05".into()));
    let r = post_form(&d.officer, paper, paper, &late).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"e-day\""));

    // Codes to print, each with its QR code.
    let sid = d.service.to_string();
    let r = d
        .officer
        .form("/admin/survei", "/admin/survei/kode", &[("service_id", &sid), ("count", "3"), ("note", "Berkas 12")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("class=\"slip\"").count(), 3);
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("/survei</strong>") && html.contains("SKM-"));
    let r = d.officer.form("/admin/survei", "/admin/survei/kode", &[("service_id", &sid), ("count", "0")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, html, _) = d.officer.page("/admin/survei").await;
    assert_eq!(html.matches("belum dipakai").count(), 3, "recent codes are listed");
    t.stop().await;
}

#[tokio::test]
async fn public_survey_pages_go_through_the_survey_rate_limit() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { surveys_per_minute: 2, ..Default::default() }).await;
    let v = t.anonymous();
    for _ in 0..2 {
        let r = v.form("/survei", "/survei", &[("kode", "SKM-0000-0000")]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let r = v.form("/survei", "/survei", &[("kode", "SKM-0000-0000")]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let r = v.form("/survei", "/tiket/abc/survei", &[("u1", "4")]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Reading results is not limited by it.
    assert_eq!(v.page("/mpp/kota-bogor/ikm").await.0, StatusCode::OK);
    t.stop().await;
}
