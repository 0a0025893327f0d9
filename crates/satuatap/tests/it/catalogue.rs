//! The public catalogue: search quality, publishing rules, service pages.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, accounts, service_body};

fn mpps_of(page: &Value) -> std::collections::BTreeSet<String> {
    page["services"].as_array().unwrap().iter().map(|s| s["mpp_slug"].as_str().unwrap().to_string()).collect()
}

fn names(page: &Value) -> Vec<String> {
    page["services"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn paspor_finds_passport_services_at_every_mpp_that_offers_them() {
    let t = TestApp::spawn().await;
    let (s, page) = t.get_json("/api/v1/services?q=paspor&limit=200").await;
    assert_eq!(s, StatusCode::OK);
    let mpps = mpps_of(&page);
    for slug in ["kota-bogor", "kab-bogor", "kota-makassar", "kota-jayapura"] {
        assert!(mpps.contains(slug), "no passport service found at {slug}: {mpps:?}");
    }
    // Services named for passports rank above those that only mention one in their details.
    let named: Vec<bool> = names(&page).iter().map(|n| n.to_lowercase().contains("paspor")).collect();
    assert!(named.iter().filter(|n| **n).count() >= 10, "{:?}", names(&page));
    assert!(named.windows(2).all(|w| w[0] || !w[1]), "ranking mixes: {:?}", names(&page));
    t.stop().await;
}

#[tokio::test]
async fn typos_and_partial_words_still_find_the_service() {
    let t = TestApp::spawn().await;
    for (query, expected) in [
        ("pasport", "paspor"),
        ("paspr", "paspor"),
        ("akta kelahiarn", "kelahiran"),
        ("kelahir", "kelahiran"),
        ("perpanjangan sim", "sim"),
        ("perpanj sim", "sim"),
        ("skck", "skck"),
        ("passport", "paspor"),
    ] {
        let (s, page) = t.get_json(&format!("/api/v1/services?q={}&mpp=kota-bogor", query.replace(' ', "+"))).await;
        assert_eq!(s, StatusCode::OK);
        let top = names(&page);
        assert!(!top.is_empty(), "{query:?} found nothing");
        assert!(top[0].to_lowercase().contains(expected), "{query:?} → top result {:?}", top[0]);
        assert!(mpps_of(&page).iter().all(|m| m == "kota-bogor"), "{query:?} leaked other MPPs");
    }
    let (_, nothing) = t.get_json("/api/v1/services?q=xylofonzebra").await;
    assert_eq!(nothing["total"], 0);
    t.stop().await;
}

#[tokio::test]
async fn filters_by_provider_and_category() {
    let t = TestApp::spawn().await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={imigrasi}&limit=200")).await;
    let all = page["services"].as_array().unwrap();
    assert!(!all.is_empty());
    assert!(all.iter().all(|s| s["provider_id"] == imigrasi));
    let (_, page) = t.get_json("/api/v1/services?category=kepolisian&limit=200").await;
    let all = page["services"].as_array().unwrap();
    assert!(all.len() >= 3);
    assert!(all.iter().all(|s| s["category"] == "kepolisian"));
    let (s, e) = t.get_json("/api/v1/services?category=unicorns").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "invalid_query");
    t.stop().await;
}

#[tokio::test]
async fn a_service_missing_a_public_component_cannot_be_published() {
    let t = TestApp::spawn().await;
    let admin = t.session(accounts::PROVIDER_ADMIN).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let provider = t.provider_id("kota-bogor", "imigrasi").await;
    let mut body = service_body(provider, "IMI-99", "Layanan Uji Paspor Khusus");
    body.as_object_mut().unwrap().remove("complaints");
    body["fee_free"] = json!(false);
    let (s, created) = admin.post(&format!("/api/v1/mpps/{bogor}/services"), body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "draft");
    let id = created["id"].as_i64().unwrap();

    let (s, e) = admin.post(&format!("/api/v1/services/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["fee", "complaints"]);
    // The message names what is missing in words, never by key.
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("Biaya/tarif: Wajib diisi.") && msg.contains("Penanganan pengaduan: Wajib diisi."), "{msg}");
    assert!(!msg.contains("complaints"), "{msg}");
    // So does the page: the summary above the form lists each, linked to its field.
    let r = admin
        .form(&format!("/admin/layanan/{id}"), &format!("/admin/layanan/{id}/status"), &[("status", "published")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<a href=\"#f-complaints\">Penanganan pengaduan: Wajib diisi.</a>"),
        "summary names the field"
    );
    // Still a draft, and invisible to the public.
    assert_eq!(t.get_json(&format!("/api/v1/services/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get_text("/mpp/kota-bogor/layanan/IMI-99").await.0, StatusCode::NOT_FOUND);

    body["complaints"] = json!("Kotak saran di gerai, SP4N-LAPOR!");
    body["fee"] = json!("Rp350.000");
    let (s, _) = admin.put(&format!("/api/v1/services/{id}"), body.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (s, published) = admin.post(&format!("/api/v1/services/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    let (s, html) = t.get_text("/mpp/kota-bogor/layanan/IMI-99").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Layanan Uji Paspor Khusus") && html.contains("Rp350.000"));
    // And search finds it at once.
    let (_, page) = t.get_json("/api/v1/services?q=uji+paspor+khusus&mpp=kota-bogor").await;
    assert_eq!(names(&page).first().map(String::as_str), Some("Layanan Uji Paspor Khusus"));

    // A published service cannot lose a public component by an edit.
    body["procedure"] = json!([]);
    let (s, e) = admin.put(&format!("/api/v1/services/{id}"), body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "procedure");

    // Archived services leave the catalogue and search.
    let (s, _) = admin.post(&format!("/api/v1/services/{id}/archive"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, page) = t.get_json("/api/v1/services?q=uji+paspor+khusus&mpp=kota-bogor").await;
    assert!(!names(&page).contains(&"Layanan Uji Paspor Khusus".to_string()));
    t.stop().await;
}

#[tokio::test]
async fn the_service_page_publishes_the_six_components() {
    let t = TestApp::spawn().await;
    let (s, page) = t.get_json("/api/v1/services?q=paspor&mpp=kota-bogor&limit=1").await;
    assert_eq!(s, StatusCode::OK);
    let svc = &page["services"][0];
    let url = svc["url"].as_str().unwrap();
    let (s, html) = t.get_text(url).await;
    assert_eq!(s, StatusCode::OK);
    for r in svc["standard"]["requirements"].as_array().unwrap() {
        assert!(html.contains(&askama_escape(r.as_str().unwrap())), "requirement {r} missing");
    }
    assert!(html.contains("class=\"checklist\"") && html.contains("<ol class=\"steps\""));
    for heading in ["Persyaratan", "Prosedur", "Jangka waktu", "Biaya/tarif", "Produk layanan", "Pengaduan"] {
        assert!(html.contains(heading), "{heading} missing");
    }
    let (s, print) = t.get_text(&format!("{url}/cetak")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(print.contains("data-print-on-load"));
    t.stop().await;
}

/// The HTML escaping askama applies to text.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

#[tokio::test]
async fn english_is_a_switch_remembered_per_visitor() {
    let t = TestApp::spawn().await;
    let v = t.anonymous();
    let (_, html, _) = v.page("/").await;
    assert!(html.contains("lang=\"id\"") && html.contains("Cari layanan"));
    let r = v.client.get(t.at("/cari?q=paspor&lang=en")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/cari?q=paspor");
    let (_, html, _) = v.page("/cari?q=paspor").await;
    assert!(html.contains("lang=\"en\"") && html.contains("Find a service"), "English not remembered");
    assert!(html.contains("Electronic"), "English service names are shown");
    // Another visitor still gets Indonesian.
    let (_, html, _) = t.anonymous().page("/").await;
    assert!(html.contains("lang=\"id\""));
    t.stop().await;
}

#[tokio::test]
async fn search_knows_where_the_visitor_is() {
    let t = TestApp::spawn().await;
    // Near Cibinong (Kabupaten Bogor): its passport services first, then Kota Bogor's, then the rest.
    let (s, page) = t.get_json("/api/v1/services?q=paspor&lat=-6.49&lng=106.84&limit=200").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let order: Vec<String> =
        page["services"].as_array().unwrap().iter().map(|s| s["mpp_slug"].as_str().unwrap().to_string()).collect();
    let first_other = order.iter().position(|m| m != "kab-bogor").unwrap();
    assert!(first_other > 0 && order[..first_other].iter().all(|m| m == "kab-bogor"), "{order:?}");
    let last_kota = order.iter().rposition(|m| m == "kota-bogor").unwrap();
    assert!(order[last_kota + 1..].iter().all(|m| m != "kota-bogor" && m != "kab-bogor"), "{order:?}");
    assert_eq!(mpps_of(&page).len(), 4, "no MPP is left out, only ordered");
    let d = page["distances"].as_array().unwrap();
    assert!(d[0]["km"].as_f64().unwrap() < 5.0 && d.windows(2).all(|w| w[0]["km"].as_f64() <= w[1]["km"].as_f64()));
    // Near Makassar the order turns around.
    let (_, page) = t.get_json("/api/v1/services?q=paspor&lat=-5.14&lng=119.42&limit=200").await;
    assert_eq!(page["services"][0]["mpp_slug"], "kota-makassar");
    // A region holds the search to its MPPs: a regency, or a province.
    let (_, page) = t.get_json("/api/v1/services?q=paspor&region=32.71&limit=200").await;
    assert_eq!(mpps_of(&page).into_iter().collect::<Vec<_>>(), vec!["kota-bogor"]);
    let (_, page) = t.get_json("/api/v1/services?q=paspor&region=32&limit=200").await;
    assert_eq!(mpps_of(&page).into_iter().collect::<Vec<_>>(), vec!["kab-bogor", "kota-bogor"]);
    // What cannot be a place is refused in words, not ignored silently.
    for bad in ["region=bogor", "lat=-6.5", "lat=95&lng=10", "lat=abc&lng=1"] {
        let (s, e) = t.get_json(&format!("/api/v1/services?q=paspor&{bad}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {e}");
    }

    // The page: the region list names regencies; a position orders and says from where.
    let v = t.anonymous();
    let (s, html, _) = v.page("/cari?q=paspor").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<option value=\"32.71\"") && html.contains("Kota Bogor</option>"), "regency choices");
    assert!(html.contains("Urutkan dari MPP terdekat"), "the nearest-MPP button");
    let (_, html, _) = v.page("/cari?q=paspor&lat=-6.49&lng=106.84").await;
    assert!(html.contains("Diurutkan dari MPP terdekat dengan lokasi Anda: Mal Pelayanan Publik Kabupaten Bogor"));
    let kab = html.find("Kabupaten Bogor</strong>").unwrap();
    let makassar = html.find("Kota Makassar</strong>").unwrap();
    assert!(kab < makassar, "nearest first on the page");
    assert!(html.contains("± 13 km") || html.contains("± 14 km"), "Kota Bogor's distance shown");
    // A position that cannot be read is said so; the page still answers.
    let (s, html, _) = v.page("/cari?q=paspor&lat=xx&lng=106").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("tidak dapat dibaca"));
    let (_, html, _) = v.page("/cari?q=paspor&wilayah=73").await;
    assert!(html.contains("Kota Makassar</strong>") && !html.contains("Kota Bogor</strong>"), "province filter");
    // From an MPP's own catalogue, the same words elsewhere with that MPP first.
    let (_, html, _) = v.page("/mpp/kota-makassar/layanan?q=paspor").await;
    assert!(html.contains("/cari?q=paspor&dekat=kota-makassar"), "a link to every MPP");
    let (_, html, _) = v.page("/cari?q=paspor&dekat=kota-jayapura").await;
    assert!(html.contains("Layanan di Mal Pelayanan Publik Kota Jayapura ditampilkan lebih dulu"));
    let jayapura = html.find("Kota Jayapura</strong>").unwrap();
    assert!(jayapura < html.find("Kota Bogor</strong>").unwrap());
    t.stop().await;
}
