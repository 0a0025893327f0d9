//! Bad input gets a clear 4xx and changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, accounts, service_body};

async fn count_services(t: &TestApp, mpp: &str) -> i64 {
    let national = t.session(accounts::NATIONAL).await;
    let (_, all) = national.get("/api/v1/audit?entity=service&limit=500").await;
    let _ = all;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp={mpp}&limit=1")).await;
    page["total"].as_i64().unwrap()
}

fn assert_error(status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(!body["error"]["message"].as_str().unwrap_or("").is_empty());
    assert!(!body["error"]["message_alt"].as_str().unwrap_or("").is_empty());
}

#[tokio::test]
async fn malformed_bodies_and_wrong_types_are_clear_client_errors() {
    let t = TestApp::spawn().await;
    let admin = t.session(accounts::NATIONAL).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let path = format!("/api/v1/mpps/{bogor}/services");
    // Malformed JSON.
    let r = admin
        .client
        .post(t.at(&path))
        .header("x-csrf-token", &admin.csrf)
        .header("content-type", "application/json")
        .body("{\"code\": ")
        .send()
        .await
        .unwrap();
    let (s, b) = (r.status(), r.json::<Value>().await.unwrap());
    assert_error(s, &b, StatusCode::BAD_REQUEST, "invalid_json");
    // Wrong types.
    let (s, b) = admin.post(&path, json!({"name": 12, "code": ["A"]})).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "invalid_json");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("name")
            || b["error"]["message"].as_str().unwrap().contains("code")
    );
    // Not JSON at all.
    let r = admin.client.post(t.at(&path)).header("x-csrf-token", &admin.csrf).body("code=X").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A number that is not a number.
    let mut body = service_body(1, "BAD-1", "X");
    body["duration_value"] = json!("tiga");
    body["provider_id"] = json!("abc");
    let (s, b) = admin.post(&path, body).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"duration_value") && fields.contains(&"provider_id"), "{fields:?}");
    t.stop().await;
}

#[tokio::test]
async fn overlong_strings_unknown_ids_and_duplicates_are_refused_without_writing() {
    let t = TestApp::spawn().await;
    let admin = t.session(accounts::NATIONAL).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let before = count_services(&t, "kota-bogor").await;
    let path = format!("/api/v1/mpps/{bogor}/services");

    let (s, b) = admin.post(&path, service_body(imigrasi, "LONG-1", &"x".repeat(201))).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    assert_eq!(b["error"]["fields"][0]["field"], "name");
    assert_eq!(b["error"]["fields"][0]["code"], "too_long");
    assert_eq!(b["error"]["fields"][0]["message_en"], "At most 200 characters.");
    assert_eq!(b["error"]["fields"][0]["message"], "Paling banyak 200 karakter.");

    let (s, b) = admin.post(&path, service_body(999_999, "UNK-1", "Tanpa instansi")).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    assert_eq!(b["error"]["fields"][0]["field"], "provider_id");
    assert_eq!(b["error"]["fields"][0]["code"], "unknown");

    // A provider of another MPP is unknown here, too.
    let mks = t.provider_id("kota-makassar", "imigrasi").await;
    let (s, _) = admin.post(&path, service_body(mks, "UNK-2", "Salah MPP")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let (s, b) = admin.post("/api/v1/mpps/999999/services", service_body(imigrasi, "UNK-3", "X")).await;
    assert!(s == StatusCode::NOT_FOUND || s == StatusCode::UNPROCESSABLE_ENTITY, "{s} {b}");
    assert_eq!(admin.get("/api/v1/services/999999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(admin.get("/api/v1/services/not-a-number").await.0, StatusCode::NOT_FOUND);
    assert_eq!(admin.put("/api/v1/services/999999", service_body(imigrasi, "X-1", "X")).await.0, StatusCode::NOT_FOUND);

    // Duplicate codes are a conflict naming the field.
    let (s, b) = admin.post(&path, service_body(imigrasi, "IMI-01", "Duplikat")).await;
    assert_error(s, &b, StatusCode::CONFLICT, "conflict");
    assert_eq!(b["error"]["fields"][0]["field"], "code");
    let (s, b) =
        admin.post(&format!("/api/v1/providers/{imigrasi}/counters"), json!({"code": "g1", "name": "Dobel"})).await;
    let (_, counters) = admin.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let existing = counters[0]["code"].as_str().unwrap().to_string();
    let (s2, b2) =
        admin.post(&format!("/api/v1/providers/{imigrasi}/counters"), json!({"code": existing, "name": "Dobel"})).await;
    assert_error(s2, &b2, StatusCode::CONFLICT, "conflict");
    let _ = (s, b);
    let (s, b) = admin
        .post(
            "/api/v1/mpps",
            json!({"slug": "kota-bogor", "name": "Kembar", "regency_code": "32.71", "address": "Jl. X"}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "conflict");
    assert_eq!(b["error"]["fields"][0]["field"], "slug");
    let (s, b) = admin.post("/api/v1/mpps", json!({"name": "MPP Antah", "regency_code": "99.99", "address": "Jl. X", "hours_mon": "16:00-08:00", "latitude": 45.0})).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let fields: Vec<&str> =
        b["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["regency_code", "latitude", "hours_mon"]);

    assert_eq!(count_services(&t, "kota-bogor").await, before, "a refused request wrote something");
    t.stop().await;
}

#[tokio::test]
async fn form_errors_are_shown_next_to_the_field_and_keep_the_input() {
    let t = TestApp::spawn().await;
    let mgr = t.session(accounts::MANAGER).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let r = mgr
        .form(
            &format!("/admin/mpp/{bogor}/instansi/baru"),
            &format!("/admin/mpp/{bogor}/instansi/baru"),
            &[
                ("name", "Dinas Uji Coba"),
                ("kind", "regency_government"),
                ("queue_prefix", "abc"),
                ("email", "bukan-email"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"Dinas Uji Coba\""), "input kept");
    assert!(html.contains("id=\"e-queue_prefix\"") && html.contains("Satu atau dua huruf kapital"));
    assert!(html.contains("id=\"e-email\"") && html.contains("Alamat email tidak valid"));
    t.stop().await;
}
