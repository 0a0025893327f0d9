//! What operators run it with: metrics scraped from their own listener, and a
//! backup taken while tickets are being issued that restores with every ticket
//! acknowledged before it began (SQLite through `VACUUM INTO`, PostgreSQL through
//! `pg_dump`/`pg_restore`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

use crate::support::{TestApp, engine, pg_base, pg_url};

#[tokio::test]
async fn metrics_are_scraped_from_their_own_listener() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig {
        metrics_listen: Some("127.0.0.1:0".into()),
        tickets_per_minute: 1000,
        ..Default::default()
    })
    .await;
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let service = t.app.service_by_code(None, mpp, "IMI-01").await.unwrap().id;
    let kiosk = t.kiosk_of(mpp).await;
    for _ in 0..3 {
        let (s, _) = kiosk.post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service})).await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let (s, _) = t.anonymous().get("/api/v1/tickets/no-such-token").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let url = t.metrics_url.clone().expect("a metrics listener");
    let r = reqwest::get(&url).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = r.text().await.unwrap();
    let line = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {prefix} in:\n{text}"))
    };
    // Requests by route pattern (never the token itself), method and status.
    assert_eq!(
        line(r#"satuatap_http_requests_total{method="POST",route="/api/v1/mpps/{id}/tickets",status="201"}"#),
        3.0
    );
    assert_eq!(line(r#"satuatap_http_requests_total{method="GET",route="/api/v1/tickets/{token}",status="404"}"#), 1.0);
    assert!(!text.contains("no-such-token"));
    assert!(
        line(r#"satuatap_http_request_duration_seconds_count{method="POST",route="/api/v1/mpps/{id}/tickets"}"#) >= 3.0
    );
    // What waits: the three tickets, the outbox, the waiting room, the pools.
    assert_eq!(line(r#"satuatap_queue_waiting_tickets{mpp="kota-bogor"}"#), 3.0);
    line(r#"satuatap_outbox_messages{state="pending"}"#);
    assert_eq!(line("satuatap_waiting_room_length"), 0.0);
    assert!(line(r#"satuatap_db_pool_connections{pool="#) >= 0.0);
    // Visitors reach none of it on the public listener.
    let (s, _) = t.anonymous().get("/metrics").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn a_backup_taken_while_tickets_are_issued_restores_every_acknowledged_ticket() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { tickets_per_minute: 100_000, ..Default::default() }).await;
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()));
    let mpp = t.mpp_id("kota-bogor").await;
    let service = t.app.service_by_code(None, mpp, "IMI-01").await.unwrap().id;
    let kiosk = t.kiosk_of(mpp).await;
    // Four kiosks keep issuing; each ticket is noted when its 201 has arrived.
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(std::sync::Mutex::new(BTreeSet::<i64>::new()));
    let mut writers = Vec::new();
    for _ in 0..4 {
        let (k, stop, acked) = (kiosk.clone(), stop.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let (s, b) = k.post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service})).await;
                assert_eq!(s, StatusCode::CREATED, "{b}");
                acked.lock().unwrap().insert(b["ticket"]["id"].as_i64().unwrap());
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let before: BTreeSet<i64> = acked.lock().unwrap().clone();
    assert!(before.len() >= 4, "writers are running: {}", before.len());
    let file = t.dir().join("backup.bin");
    satuatap::backup::backup(&t.db_url, &file).await.expect("backup while serving");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let after = acked.lock().unwrap().len();
    assert!(after > before.len(), "writes went on during the backup");
    // A second backup to the same file is refused rather than overwritten.
    assert!(satuatap::backup::backup(&t.db_url, &file).await.is_err());

    // Restore into a database of its own and read it back.
    let (target, cleanup) = if engine() == "postgres" {
        let name = format!("{}_restored", t.db_url.rsplit('/').next().unwrap());
        let mut admin = sqlx::PgConnection::connect(&pg_base()).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut admin).await.unwrap();
        (pg_url(&name), Some(name))
    } else {
        (t.dir().join("restored.db").display().to_string(), None)
    };
    if engine() == "sqlite" {
        // The running server's own database is not replaced under it.
        assert!(satuatap::backup::restore(&t.db_url, &file).await.is_err(), "refused while in use");
        // A file that is not a satuatap database is refused before anything is written.
        let junk = t.dir().join("junk.db");
        std::fs::write(&junk, b"not a database").unwrap();
        assert!(satuatap::backup::restore(&target, &junk).await.is_err());
        assert!(!std::path::Path::new(&target).exists(), "nothing written for a bad backup");
    }
    satuatap::backup::restore(&target, &file).await.expect("restore");
    let query = |sql: &'static str| {
        let target = target.clone();
        async move {
            if engine() == "postgres" {
                let mut pg = sqlx::PgConnection::connect(&target).await.unwrap();
                sqlx::query_scalar::<_, i64>(sql).fetch_all(&mut pg).await.unwrap()
            } else {
                let mut lite = sqlx::SqliteConnection::connect(&format!("sqlite://{target}")).await.unwrap();
                sqlx::query_scalar::<_, i64>(sql).fetch_all(&mut lite).await.unwrap()
            }
        }
    };
    let ids: BTreeSet<i64> = query("SELECT id FROM tickets").await.into_iter().collect();
    let missing: Vec<&i64> = before.difference(&ids).collect();
    assert!(missing.is_empty(), "acknowledged before the backup but missing: {missing:?}");
    let managers = query("SELECT id FROM users WHERE email = 'manajer.bogor@demo.satuatap.id'").await;
    assert_eq!(managers.len(), 1, "accounts came back");
    // The restored database opens as satuatap (its migrations are all there).
    let settings = satuatap::Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: t.dir().join("restored-data"),
        database_url: Some(target.clone()),
        secret_key: Some("x".repeat(40)),
        max_connections: 4,
        acquire_timeout: std::time::Duration::from_secs(5),
        durable: true,
        web: Default::default(),
    };
    let app = satuatap::open(&settings).await.expect("the restored database opens");
    assert!(app.mpp_by_slug("kota-bogor").await.is_ok());
    app.store.close().await;
    if let Some(name) = cleanup {
        let mut admin = sqlx::PgConnection::connect(&pg_base()).await.unwrap();
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
            .execute(&mut admin)
            .await;
    }
    t.stop().await;
}
