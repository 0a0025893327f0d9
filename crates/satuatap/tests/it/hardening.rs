//! What a public server must withstand: slow and greedy clients, oversized
//! bodies, values the database cannot store, a saturated database, pages
//! that could be scripted, and power cuts (durable commits).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{TestApp, accounts};

fn addr(t: &TestApp) -> String {
    t.url.trim_start_matches("http://").to_string()
}

/// Read until the server closes the connection (or `limit` passes); the bytes and when it closed.
async fn until_closed(s: &mut TcpStream, limit: Duration) -> (Vec<u8>, Option<Duration>) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (got, Some(started.elapsed())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (got, None),
        }
    }
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_one_address_holds_only_so_many_connections() {
    let web = satuatap_web::WebConfig {
        read_timeout: Duration::from_secs(1),
        max_connections_per_address: 4,
        ..Default::default()
    };
    let t = TestApp::spawn_with(web).await;
    // Half a request head, then nothing: closed after the read timeout.
    let mut half = TcpStream::connect(addr(&t)).await.unwrap();
    half.write_all(b"GET /api/v1/provinces HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let (_, closed) = until_closed(&mut half, Duration::from_secs(5)).await;
    let closed = closed.expect("a half-sent head is not held open");
    assert!(closed >= Duration::from_millis(900), "{closed:?}");
    // A body promised as 100 bytes with 6 sent: answered and closed within seconds.
    let mut slow = TcpStream::connect(addr(&t)).await.unwrap();
    slow.write_all(
        b"POST /api/v1/bookings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"slo",
    )
    .await
    .unwrap();
    let (answer, closed) = until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "a stalled body is not held");
    let head = String::from_utf8_lossy(&answer);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    // Four idle connections are allowed; the fifth from the same address is closed at once.
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(addr(&t)).await.unwrap());
    }
    let mut fifth = TcpStream::connect(addr(&t)).await.unwrap();
    let _ = fifth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let (got, closed) = until_closed(&mut fifth, Duration::from_millis(800)).await;
    assert!(got.is_empty() && closed.is_some(), "the fifth connection was served: {}", String::from_utf8_lossy(&got));
    // When they are gone, the address is served again.
    drop(idle);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(t.get_text("/healthz").await.0, StatusCode::OK);
    t.stop().await;
}

#[tokio::test]
async fn a_saturated_database_answers_busy_with_retry_after_not_a_failure() {
    let t = TestApp::spawn_custom(Default::default(), |s| {
        s.max_connections = 2;
        s.acquire_timeout = Duration::from_millis(300);
    })
    .await;
    // Every connection is taken (as in a quota-opening rush).
    let mut held = Vec::new();
    while let Ok(c) = t.app.store.read().await {
        held.push(c);
        assert!(held.len() <= 2, "the pool holds at most two");
    }
    let r = reqwest::get(t.at("/api/v1/mpps/kota-bogor")).await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "2");
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "busy");
    assert!(b["error"]["message"].as_str().unwrap().contains("sibuk"));
    drop(held);
    assert_eq!(t.get_json("/api/v1/mpps/kota-bogor").await.0, StatusCode::OK);
    t.stop().await;
}

#[tokio::test]
async fn oversized_nul_and_out_of_range_input_is_a_client_error() {
    let t = TestApp::spawn().await;
    let admin = t.session(accounts::NATIONAL).await;
    // Larger than a JSON body may be.
    let huge = "x".repeat(2 * 1024 * 1024);
    let (s, e) = admin.post("/api/v1/mpps", json!({"name": huge})).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
    assert_eq!(e["error"]["code"], "payload_too_large");
    // NUL characters cannot be stored: refused at the edge, in the body or the address.
    let (s, e) = admin.post("/api/v1/mpps", json!({"name": "MPP\u{0}Uji", "regency_code": "11.01"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "invalid_json");
    let (s, e) = t.get_json("/api/v1/mpps?province=3%002").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "invalid_query");
    let (s, _) = t.get_text("/mpp/kota%00bogor").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A year no calendar of ours holds.
    let (s, e) = t.get_json("/api/v1/holidays?year=-51047").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "invalid_query");
    // A wrong type names its field.
    let (s, e) = t.anonymous().post("/api/v1/bookings", json!({"slot_id": 1, "name": 12})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e["error"]["message"].as_str().unwrap().contains("name"), "{e}");
    t.stop().await;
}

#[tokio::test]
async fn pages_run_no_inline_script_and_the_policy_forbids_it() {
    let t = TestApp::spawn().await;
    let manager = t.session(accounts::MANAGER).await;
    let (_, page) = t.get_json("/api/v1/services?mpp=kota-bogor&limit=1").await;
    let service = page["services"][0]["code"].as_str().unwrap().to_string();
    let bogor = t.mpp_id("kota-bogor").await;
    let public = [
        "/".to_string(),
        "/cari?q=paspor".into(),
        "/mpp/kota-bogor".into(),
        format!("/mpp/kota-bogor/layanan/{service}"),
        format!("/mpp/kota-bogor/layanan/{service}/cetak"),
        "/mpp/kota-bogor/kiosk".into(),
        "/mpp/kota-bogor/papan".into(),
        "/mpp/kota-bogor/ikm".into(),
        "/mpp/kota-bogor/ikm/cetak".into(),
        "/mpp/kota-bogor/pengaduan".into(),
        "/pemesanan".into(),
        "/perangkat".into(),
        "/survei".into(),
        "/masuk".into(),
    ];
    let staff = [
        "/admin".to_string(),
        format!("/admin/mpp/{bogor}/perangkat"),
        format!("/admin/mpp/{bogor}/antrean"),
        "/admin/pemesanan".into(),
        "/admin/survei".into(),
        "/admin/pengaduan".into(),
        "/admin/audit".into(),
    ];
    let anon = t.anonymous();
    for (who, paths) in [(&anon, &public[..]), (&manager, &staff[..])] {
        for path in paths {
            let r = who.client.get(t.at(path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
            assert!(csp.contains("script-src 'self';") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            let html = r.text().await.unwrap();
            for tag in html.split("<script").skip(1) {
                let head = tag.split('>').next().unwrap_or_default();
                assert!(head.contains("src=") || head.contains("application/json"), "{path}: inline <script{head}>");
            }
            for attr in [" onclick=", " onsubmit=", " onload=", " onchange=", "javascript:"] {
                assert!(!html.contains(attr), "{path}: {attr}");
            }
        }
    }
    t.stop().await;
}

#[tokio::test]
async fn acknowledged_writes_are_durable() {
    let t = TestApp::spawn().await;
    let (setting, value) = t.app.store.durability().await.unwrap();
    if t.db_url.starts_with("postgres") {
        assert_eq!((setting.as_str(), value.as_str()), ("synchronous_commit", "on"));
    } else {
        // FULL (2): every commit reaches the disk before the visitor is told.
        assert_eq!((setting.as_str(), value.as_str()), ("synchronous", "2"));
    }
    t.stop().await;
}

#[tokio::test]
async fn every_named_constraint_exists_under_its_name_on_this_engine() {
    let t = TestApp::spawn().await;
    let found = t.app.store.unique_constraints().await.unwrap();
    for c in satuatap_store::Constraint::ALL {
        let name = if t.db_url.starts_with("postgres") { c.pg_name() } else { c.sqlite_target() };
        assert!(found.iter().any(|f| f == name), "{c:?}: {name} not among {found:?}");
    }
    t.stop().await;
}
