//! The walk-in queue over HTTP: concurrent counters and kiosks, ordering,
//! transfers, day rollover per zone, live events, closing, estimates.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, accounts};

/// A server with generous per-address limits: the tests issue many tickets from one address.
async fn spawn() -> TestApp {
    TestApp::spawn_with(satuatap_web::WebConfig { tickets_per_minute: 100_000, ..Default::default() }).await
}

/// Monday 30 Nov 2026, 09:00 WIB: Kota Bogor is open.
fn monday_morning() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()
}

async fn services_of(t: &TestApp, mpp: &str, provider: &str) -> Vec<i64> {
    let pid = t.provider_id(mpp, provider).await;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp={mpp}&provider={pid}&limit=100")).await;
    page["services"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect()
}

async fn issue(t: &TestApp, mpp: i64, service: i64, priority: Option<&str>) -> Value {
    let (s, b) = t
        .kiosk_of(mpp)
        .await
        .post(&format!("/api/v1/mpps/{mpp}/tickets"), json!({"service_id": service, "priority": priority}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

async fn counters(officer: &Session, provider: i64) -> Vec<i64> {
    let (s, list) = officer.get(&format!("/api/v1/providers/{provider}/counters")).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

async fn open(officer: &Session, counter: i64) {
    let (s, b) = officer.post(&format!("/api/v1/counters/{counter}/open"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn call(officer: &Session, counter: i64) -> Value {
    let (s, b) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["ticket"].clone()
}

async fn finish(officer: &Session, counter: i64, ticket: &Value) {
    let (s, b) = officer
        .post(&format!("/api/v1/counters/{counter}/tickets/{}/finish", ticket["id"]), json!({"served": true}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn counters_calling_at_the_same_time_never_share_or_skip_a_ticket() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let manager = t.session(accounts::MANAGER).await;
    // Six counters in all.
    for i in 0..3 {
        let (s, _) = manager
            .post(
                &format!("/api/v1/providers/{imigrasi}/counters"),
                json!({"code": format!("GZ{i}"), "name": format!("Loket tambahan {i}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let services = services_of(&t, "kota-bogor", "imigrasi").await;
    let total = 90;
    for i in 0..total {
        issue(&t, bogor, services[i % services.len()], None).await;
    }
    let ids = counters(&manager, imigrasi).await;
    assert_eq!(ids.len(), 6);
    let mut tasks = Vec::new();
    for counter in ids {
        let officer = t.session(accounts::OFFICER).await;
        open(&officer, counter).await;
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let ticket = call(&officer, counter).await;
                if ticket.is_null() {
                    break got;
                }
                got.push(ticket["code"].as_str().unwrap().to_string());
                finish(&officer, counter, &ticket).await;
            }
        }));
    }
    let mut all = Vec::new();
    let mut per_counter = Vec::new();
    for task in tasks {
        let got = task.await.unwrap();
        per_counter.push(got.len());
        all.extend(got);
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(all.len(), total, "every ticket called exactly once: {per_counter:?}");
    assert_eq!(unique.len(), total, "a ticket was called twice");
    assert!(
        per_counter.iter().filter(|n| **n > 0).count() >= 2,
        "the counters really ran side by side: {per_counter:?}"
    );
    let (_, q) = t.get_json(&format!("/api/v1/mpps/{bogor}/queue")).await;
    assert!(q.as_array().unwrap().iter().all(|l| l["waiting"] == 0));
    t.stop().await;
}

#[tokio::test]
async fn kiosks_issuing_at_the_same_time_get_gap_free_numbers() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let dukcapil = services_of(&t, "kota-bogor", "disdukcapil").await;
    let imigrasi = services_of(&t, "kota-bogor", "imigrasi").await;
    let n = 120;
    let mut tasks = Vec::new();
    let kiosk = t.kiosk("kota-bogor").await;
    for i in 0..n {
        let c = kiosk.clone();
        let svc = if i % 3 == 0 { imigrasi[i % imigrasi.len()] } else { dukcapil[i % dukcapil.len()] };
        tasks.push(tokio::spawn(async move {
            let (s, b) = c.post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": svc})).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
            b["ticket"]["code"].as_str().unwrap().to_string()
        }));
    }
    let mut by_prefix: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for task in tasks {
        let code = task.await.unwrap();
        let (prefix, num) = code.split_once('-').unwrap();
        by_prefix.entry(prefix.to_string()).or_default().push(num.parse().unwrap());
    }
    assert_eq!(by_prefix.len(), 2);
    for (prefix, mut nums) in by_prefix {
        nums.sort();
        let expected: Vec<u32> = (1..=nums.len() as u32).collect();
        assert_eq!(nums, expected, "queue {prefix} has a gap or a duplicate");
    }
    t.stop().await;
}

#[tokio::test]
async fn priority_groups_go_first_and_waiting_too_long_ages_ahead() {
    let t = spawn().await;
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let at = |min: i64| monday_morning() + chrono::Duration::minutes(min);
    t.app.clock.set(Some(at(0)));
    let ordinary = issue(&t, bogor, svc, None).await;
    t.app.clock.set(Some(at(20)));
    let elderly = issue(&t, bogor, svc, Some("elderly")).await;
    t.app.clock.set(Some(at(25)));
    let later = issue(&t, bogor, svc, None).await;
    t.app.clock.set(Some(at(45)));
    // Arrived 45 minutes after the first ordinary ticket: that one has now waited past the lead.
    let pregnant = issue(&t, bogor, svc, Some("pregnant")).await;
    // Refused: not a protected group.
    let (s, e) = t
        .kiosk_of(bogor)
        .await
        .post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": svc, "priority": "vip"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "priority");

    let officer = t.session(accounts::OFFICER).await;
    let counter = counters(&officer, imigrasi).await[0];
    open(&officer, counter).await;
    let mut order = Vec::new();
    loop {
        let ticket = call(&officer, counter).await;
        if ticket.is_null() {
            break;
        }
        order.push(ticket["code"].clone());
        finish(&officer, counter, &ticket).await;
    }
    let code = |v: &Value| v["ticket"]["code"].clone();
    assert_eq!(order, vec![code(&elderly), code(&ordinary), code(&pregnant), code(&later)]);
    t.stop().await;
}

#[tokio::test]
async fn a_transfer_keeps_the_original_arrival_unless_told_otherwise() {
    let t = spawn().await;
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let dukcapil = t.provider_id("kota-bogor", "disdukcapil").await;
    let svc_imi = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let svc_duk = services_of(&t, "kota-bogor", "disdukcapil").await[0];
    let at = |min: i64| monday_morning() + chrono::Duration::minutes(min);
    t.app.clock.set(Some(at(0)));
    let first = issue(&t, bogor, svc_imi, None).await;
    let second = issue(&t, bogor, svc_imi, None).await;
    t.app.clock.set(Some(at(10)));
    let direct = issue(&t, bogor, svc_duk, None).await;

    let imi = t.session(accounts::OFFICER).await;
    let imi_counter = counters(&imi, imigrasi).await[0];
    open(&imi, imi_counter).await;
    t.app.clock.set(Some(at(20)));
    let called = call(&imi, imi_counter).await;
    assert_eq!(called["code"], first["ticket"]["code"]);
    let (s, moved) = imi
        .post(
            &format!("/api/v1/counters/{imi_counter}/tickets/{}/transfer", called["id"]),
            json!({"service_id": svc_duk}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert_eq!(moved["status"], "waiting");
    assert_eq!(moved["service_id"], svc_duk);
    assert_eq!(moved["code"], first["ticket"]["code"], "a ticket keeps its number");
    // The next at immigration is the second ticket; reset its arrival when transferring.
    let called2 = call(&imi, imi_counter).await;
    assert_eq!(called2["code"], second["ticket"]["code"]);
    let (s, _) = imi
        .post(
            &format!("/api/v1/counters/{imi_counter}/tickets/{}/transfer", called2["id"]),
            json!({"service_id": svc_duk, "reset_arrival": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let duk = t.session(accounts::OFFICER_DUKCAPIL).await;
    let duk_counter = counters(&duk, dukcapil).await[0];
    open(&duk, duk_counter).await;
    let mut order = Vec::new();
    for _ in 0..3 {
        let c = call(&duk, duk_counter).await;
        order.push(c["code"].clone());
        finish(&duk, duk_counter, &c).await;
    }
    // Original arrival 00 beats the direct ticket (10); the reset one (20) comes last.
    assert_eq!(
        order,
        vec![first["ticket"]["code"].clone(), direct["ticket"]["code"].clone(), second["ticket"]["code"].clone()]
    );
    // The timeline shows every step.
    let (_, hist) = duk.get(&format!("/api/v1/ticket-history/{}", called["id"])).await;
    let kinds: Vec<&str> = hist.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["issued", "called", "transferred", "called", "finished"]);
    t.stop().await;
}

#[tokio::test]
async fn numbering_starts_again_at_local_midnight_in_each_zone() {
    let t = spawn().await;
    // Sign in on the day of the test: sessions expire after 12 idle hours, also on a fixed clock.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap()));
    let national = t.session(accounts::NATIONAL).await;
    for (slug, provider, utc_hour_of_midnight) in
        [("kota-bogor", "imigrasi", 17), ("kota-makassar", "imigrasi", 16), ("kota-jayapura", "imigrasi", 15)]
    {
        let mpp = t.mpp_id(slug).await;
        let (s, b) =
            national.put(&format!("/api/v1/mpps/{mpp}/queue-settings"), json!({"allow_outside_hours": true})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let svc = services_of(&t, slug, provider).await[0];
        // 23:58 and 23:59 local on Monday 30 Nov, then 00:01 local on Tuesday.
        t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, utc_hour_of_midnight - 1, 58, 0).unwrap()));
        let a = issue(&t, mpp, svc, None).await;
        t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, utc_hour_of_midnight - 1, 59, 0).unwrap()));
        let b = issue(&t, mpp, svc, None).await;
        t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, utc_hour_of_midnight, 1, 0).unwrap()));
        let c = issue(&t, mpp, svc, None).await;
        let num = |v: &Value| v["ticket"]["code"].as_str().unwrap().split_once('-').unwrap().1.to_string();
        assert_eq!((num(&a), num(&b), num(&c)), ("001".into(), "002".into(), "001".into()), "{slug}");
        assert_eq!(a["ticket"]["day"], "2026-11-30", "{slug}");
        assert_eq!(c["ticket"]["day"], "2026-12-01", "{slug}");
    }
    t.stop().await;
}

#[tokio::test]
async fn a_closed_mpp_issues_no_tickets() {
    let t = spawn().await;
    let bogor = t.mpp_id("kota-bogor").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    // Sunday.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 29, 3, 0, 0).unwrap()));
    let kiosk = t.kiosk_of(bogor).await;
    let (s, e) = kiosk.post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": svc})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "queue_closed");
    assert!(e["error"]["message"].as_str().unwrap().contains("tutup"));
    let (s, _) = kiosk.post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": 999_999})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    t.stop().await;
}

#[tokio::test]
async fn recalls_no_show_more_time_and_cancel() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let a = issue(&t, bogor, svc, None).await;
    let b = issue(&t, bogor, svc, None).await;
    let c = issue(&t, bogor, svc, None).await;
    let officer = t.session(accounts::OFFICER).await;
    let counter = counters(&officer, imigrasi).await[0];
    // Calling a closed counter is refused clearly.
    let (s, e) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "counter_not_open");
    open(&officer, counter).await;
    let first = call(&officer, counter).await;
    assert_eq!(first["code"], a["ticket"]["code"]);
    // With a visitor at the counter, neither the next call nor closing is allowed.
    let (s, e) = officer.post(&format!("/api/v1/counters/{counter}/call-next"), json!({})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("ticket_at_counter")));
    let (s, e) = officer.post(&format!("/api/v1/counters/{counter}/close"), json!({})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("ticket_at_counter")));
    let act = |what: &str| format!("/api/v1/counters/{counter}/tickets/{}/{what}", first["id"]);
    // No-show needs two recalls first (the default policy).
    let (s, e) = officer.post(&act("no-show"), json!({})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("recall_first")));
    assert_eq!(officer.post(&act("recall"), json!({})).await.0, StatusCode::OK);
    let (_, r) = officer.post(&act("recall"), json!({})).await;
    assert_eq!(r["recalls"], 2);
    let (s, done) = officer.post(&act("no-show"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(done["outcome"], "no_show");

    // The holder of B asks for more time once.
    let second = call(&officer, counter).await;
    assert_eq!(second["code"], b["ticket"]["code"]);
    let token_b = b["token"].as_str().unwrap();
    let (s, mine) = t.anonymous().post(&format!("/api/v1/tickets/{token_b}/more-time"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["status"], "waiting");
    assert_eq!(mine["extra_time_available"], false);
    // C is called next; B comes back after C.
    let third = call(&officer, counter).await;
    assert_eq!(third["code"], c["ticket"]["code"]);
    finish(&officer, counter, &third).await;
    t.app.clock.set(Some(monday_morning() + chrono::Duration::minutes(15)));
    let again = call(&officer, counter).await;
    assert_eq!(again["code"], b["ticket"]["code"]);
    let (s, e) = t.anonymous().post(&format!("/api/v1/tickets/{token_b}/more-time"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "only once");
    assert_eq!(e["error"]["code"], "more_time_unavailable");
    // Not served needs a reason.
    let url = format!("/api/v1/counters/{counter}/tickets/{}/finish", again["id"]);
    let (s, e) = officer.post(&url, json!({"served": false})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "reason");
    let (s, done) = officer.post(&url, json!({"served": false, "reason": "Berkas belum lengkap"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(done["outcome"], "not_served");

    // A waiting ticket can be cancelled by its holder.
    let d = issue(&t, bogor, svc, None).await;
    let (s, cancelled) =
        t.anonymous().post(&format!("/api/v1/tickets/{}/cancel", d["token"].as_str().unwrap()), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cancelled["outcome"], "cancelled");
    assert!(call(&officer, counter).await.is_null());
    assert_eq!(t.get_json("/api/v1/tickets/not-a-token").await.0, StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn an_officer_can_operate_only_the_counters_of_their_provider() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let dukcapil = t.provider_id("kota-bogor", "disdukcapil").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let national = t.session(accounts::NATIONAL).await;
    let duk_counter = counters(&national, dukcapil).await[0];
    let imi = t.session(accounts::OFFICER).await;
    for path in ["open", "call-next", "console"] {
        let (s, _) = if path == "console" {
            imi.get(&format!("/api/v1/counters/{duk_counter}/console")).await
        } else {
            imi.post(&format!("/api/v1/counters/{duk_counter}/{path}"), json!({})).await
        };
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    let (_, mine) = imi.get("/api/v1/me/counters").await;
    let mine = mine.as_array().unwrap();
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|c| c["provider_id"] == imigrasi));
    // Anonymous and citizens cannot operate any counter.
    assert_eq!(
        t.anonymous().post(&format!("/api/v1/counters/{duk_counter}/open"), json!({})).await.0,
        StatusCode::UNAUTHORIZED
    );
    let citizen = t.session(accounts::CITIZEN).await;
    assert_eq!(citizen.post(&format!("/api/v1/counters/{duk_counter}/open"), json!({})).await.0, StatusCode::NOT_FOUND);
    // The Makassar manager cannot reach Bogor's counters either.
    let mks = t.session(accounts::MANAGER_MAKASSAR).await;
    assert_eq!(mks.post(&format!("/api/v1/counters/{duk_counter}/open"), json!({})).await.0, StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn a_counter_calls_only_the_services_it_is_set_to() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svcs = services_of(&t, "kota-bogor", "imigrasi").await;
    let manager = t.session(accounts::MANAGER).await;
    let ids = counters(&manager, imigrasi).await;
    let (s, set) =
        manager.put(&format!("/api/v1/counters/{}/services", ids[0]), json!({"service_ids": [svcs[1]]})).await;
    assert_eq!(s, StatusCode::OK, "{set}");
    let a = issue(&t, bogor, svcs[0], None).await;
    let b = issue(&t, bogor, svcs[1], None).await;
    open(&manager, ids[0]).await;
    let got = call(&manager, ids[0]).await;
    assert_eq!(got["code"], b["ticket"]["code"], "the counter skipped a service it does not serve");
    finish(&manager, ids[0], &got).await;
    assert!(call(&manager, ids[0]).await.is_null());
    open(&manager, ids[1]).await;
    assert_eq!(call(&manager, ids[1]).await["code"], a["ticket"]["code"]);
    let (s, _) = manager.put(&format!("/api/v1/counters/{}/services", ids[0]), json!({"service_ids": [999_999]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    t.stop().await;
}

/// Read server-sent events until `want` events have arrived (or time runs out).
async fn read_events(resp: &mut reqwest::Response, want: usize, within: Duration) -> Vec<(String, Value)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    while out.len() < want {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Ok(Ok(Some(chunk))) = tokio::time::timeout(left, resp.chunk()).await else { break };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut name = String::from("message");
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if !data.is_empty() {
                out.push((name, serde_json::from_str(&data).unwrap_or(Value::Null)));
            }
        }
    }
    out
}

#[tokio::test]
async fn a_board_gets_a_snapshot_then_the_call() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let ticket = issue(&t, bogor, svc, None).await;
    let mut board =
        reqwest::get(t.at(&format!("/api/v1/mpps/{bogor}/events?zone=Lantai%203,%20Zona%20B"))).await.unwrap();
    assert_eq!(board.headers()["content-type"], "text/event-stream");
    let first = read_events(&mut board, 1, Duration::from_secs(5)).await;
    assert_eq!(first[0].0, "snapshot");
    assert!(first[0].1["queues"].as_array().unwrap().iter().any(|q| q["service_id"] == svc && q["waiting"] == 1));
    let officer = t.session(accounts::OFFICER).await;
    let counter = counters(&officer, imigrasi).await[0];
    open(&officer, counter).await;
    let called = call(&officer, counter).await;
    let events = read_events(&mut board, 2, Duration::from_secs(5)).await;
    let call_ev = events.iter().find(|(n, _)| n == "call").expect("a call event");
    assert_eq!(call_ev.1["code"], ticket["ticket"]["code"]);
    assert_eq!(call_ev.1["ticket_id"], called["id"]);
    assert!(call_ev.1["speech_id"].as_str().unwrap().starts_with("Nomor antrean G nol nol satu, silakan menuju loket"));
    assert_eq!(call_ev.1["clips"][0], "nomor-antrean");
    // A board of another zone does not announce it.
    let mut other =
        reqwest::get(t.at(&format!("/api/v1/mpps/{bogor}/events?zone=Lantai%203,%20Zona%20A"))).await.unwrap();
    let _ = read_events(&mut other, 1, Duration::from_secs(5)).await;
    let (s, _) = officer.post(&format!("/api/v1/counters/{counter}/tickets/{}/recall", called["id"]), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let here = read_events(&mut board, 1, Duration::from_secs(5)).await;
    assert!(here.iter().any(|(n, v)| n == "call" && v["recalls"] == 1), "{here:?}");
    let there = read_events(&mut other, 1, Duration::from_millis(1500)).await;
    assert!(there.iter().all(|(n, _)| n != "call"), "{there:?}");
    t.stop().await;
}

#[tokio::test]
async fn leftover_tickets_are_closed_at_closing_time() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let a = issue(&t, bogor, svc, None).await;
    let b = issue(&t, bogor, svc, None).await;
    // Before closing (15:00 WIB on Mondays) nothing is closed.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 7, 59, 0).unwrap()));
    assert_eq!(t.app.close_due().await.unwrap(), 0);
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap()));
    assert_eq!(t.app.close_due().await.unwrap(), 2);
    assert_eq!(t.app.close_due().await.unwrap(), 0, "idempotent");
    for tk in [&a, &b] {
        let (_, v) = t.get_json(&format!("/api/v1/tickets/{}", tk["token"].as_str().unwrap())).await;
        assert_eq!(v["status"], "done");
        assert_eq!(v["outcome"], "closed");
        assert!(v["outcome_reason"].as_str().unwrap().contains("tutup"));
    }
    t.stop().await;
}

#[tokio::test]
async fn wait_estimates_match_what_happens() {
    let t = spawn().await;
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let start = monday_morning();
    let mut now = start;
    t.app.clock.set(Some(now));
    let officer = t.session(accounts::OFFICER).await;
    let ids = counters(&officer, imigrasi).await;
    // History: this service takes 6 minutes.
    for c in &ids[..2] {
        open(&officer, *c).await;
    }
    for _ in 0..4 {
        issue(&t, bogor, svc, None).await;
    }
    for _ in 0..2 {
        for c in &ids[..2] {
            let tk = call(&officer, *c).await;
            officer.post(&format!("/api/v1/counters/{c}/tickets/{}/start", tk["id"]), json!({})).await;
            now += chrono::Duration::minutes(6);
            t.app.clock.set(Some(now));
            finish(&officer, *c, &tk).await;
            now -= chrono::Duration::minutes(6);
            t.app.clock.set(Some(now));
        }
        now += chrono::Duration::minutes(6);
        t.app.clock.set(Some(now));
    }
    // Now six visitors arrive at once; two counters are open.
    let mut tickets = Vec::new();
    for _ in 0..6 {
        tickets.push(issue(&t, bogor, svc, None).await);
    }
    let estimates: Vec<i64> = tickets.iter().map(|t| t["ticket"]["estimate_minutes"].as_i64().unwrap()).collect();
    assert_eq!(estimates, vec![0, 0, 6, 6, 12, 12]);
    // Serve them with two counters at 6 minutes each and record the real waits.
    let issued_at = now;
    let mut waited = std::collections::HashMap::new();
    while waited.len() < 6 {
        let mut round = Vec::new();
        for c in &ids[..2] {
            let tk = call(&officer, *c).await;
            if tk.is_null() {
                continue;
            }
            waited.insert(tk["code"].as_str().unwrap().to_string(), (now - issued_at).num_minutes());
            officer.post(&format!("/api/v1/counters/{c}/tickets/{}/start", tk["id"]), json!({})).await;
            round.push((*c, tk));
        }
        now += chrono::Duration::minutes(6);
        t.app.clock.set(Some(now));
        for (c, tk) in round {
            finish(&officer, c, &tk).await;
        }
    }
    for (tk, est) in tickets.iter().zip(&estimates) {
        let real = waited[tk["ticket"]["code"].as_str().unwrap()];
        assert!((real - est).abs() <= 1, "estimated {est} min, waited {real} min");
    }
    t.stop().await;
}

#[tokio::test]
async fn two_server_processes_share_the_queue_on_postgresql() {
    if crate::support::engine() != "postgres" {
        eprintln!("skipped: several processes share a queue only on PostgreSQL");
        return;
    }
    let t = spawn().await;
    let second = crate::support::Process::start(&t).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let national = t.session(accounts::NATIONAL).await;
    let (s, _) =
        national.put(&format!("/api/v1/mpps/{bogor}/queue-settings"), json!({"allow_outside_hours": true})).await;
    assert_eq!(s, StatusCode::OK);
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    // A ticket issued on the second process is called on the first.
    let kiosk = t.kiosk_of(bogor).await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/mpps/{bogor}/tickets", second.url))
        .header("x-device-token", kiosk.device.clone().unwrap_or_default())
        .json(&json!({"service_id": svc}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let mut board = reqwest::get(format!("{}/api/v1/mpps/{bogor}/events", second.url)).await.unwrap();
    assert_eq!(read_events(&mut board, 1, Duration::from_secs(5)).await[0].0, "snapshot");
    let officer = t.session(accounts::OFFICER).await;
    let counter = counters(&officer, imigrasi).await[0];
    open(&officer, counter).await;
    let started = std::time::Instant::now();
    let called = call(&officer, counter).await;
    assert!(!called.is_null(), "the first process sees the second's ticket");
    let events = read_events(&mut board, 2, Duration::from_secs(3)).await;
    let seen = events.iter().find(|(n, _)| n == "call").map(|_| started.elapsed());
    let seen = seen.expect("the call reached the board on the other process");
    assert!(seen < Duration::from_secs(1), "took {seen:?}");
    assert!(events.iter().any(|(n, v)| n == "call" && v["ticket_id"] == called["id"]));
    second.stop().await;
    t.stop().await;
}

#[tokio::test]
async fn managers_set_the_board_announcement_and_counter_services_from_the_admin_pages() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svcs = services_of(&t, "kota-bogor", "imigrasi").await;
    let manager = t.session(accounts::MANAGER).await;
    let page = format!("/admin/mpp/{bogor}/antrean");
    let r = manager
        .form(
            &page,
            &page,
            &[("announcement", "Layanan paspor hari ini sampai pukul 14.00"), ("priority_lead_minutes", "999")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Harus antara 0 dan 240"));
    let r = manager
        .form(
            &page,
            &page,
            &[("announcement", "Layanan paspor hari ini sampai pukul 14.00"), ("priority_lead_minutes", "45")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, board) = t.get_json(&format!("/api/v1/mpps/{bogor}/board")).await;
    assert_eq!(board["announcement"], "Layanan paspor hari ini sampai pukul 14.00");
    // Makassar's manager cannot open Bogor's page.
    let mks = t.session(accounts::MANAGER_MAKASSAR).await;
    assert_eq!(mks.page(&page).await.0, StatusCode::FORBIDDEN);

    let counter = counters(&manager, imigrasi).await[0];
    let cpage = format!("/admin/loket/{counter}/layanan");
    let (a, b) = (svcs[0].to_string(), svcs[2].to_string());
    let r = manager.form(&cpage, &cpage, &[("service_id", a.as_str()), ("service_id", b.as_str())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html, _) = manager.page(&cpage).await;
    assert_eq!(html.matches("checked>").count(), 2);
    let (_, console) = manager.get(&format!("/api/v1/counters/{counter}/console")).await;
    let mut shown: Vec<i64> =
        console["queues"].as_array().unwrap().iter().map(|q| q["service_id"].as_i64().unwrap()).collect();
    shown.sort();
    let mut want = vec![svcs[0], svcs[2]];
    want.sort();
    assert_eq!(shown, want);
    t.stop().await;
}

#[tokio::test]
async fn a_retried_kiosk_press_returns_the_same_ticket() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let body = json!({"service_id": svc, "request_id": "press-7f3a"});
    let mut tasks = Vec::new();
    let kiosk = t.kiosk("kota-bogor").await;
    for _ in 0..12 {
        let (c, body) = (kiosk.clone(), body.clone());
        tasks.push(tokio::spawn(async move { c.post(&format!("/api/v1/mpps/{bogor}/tickets"), body).await }));
    }
    let mut codes = HashSet::new();
    for task in tasks {
        let (s, b) = task.await.unwrap();
        assert_eq!(s, StatusCode::CREATED, "{b}");
        codes.insert(b["ticket"]["code"].as_str().unwrap().to_string());
    }
    assert_eq!(codes.len(), 1, "one press, one ticket: {codes:?}");
    let other = issue(&t, bogor, svc, None).await;
    assert_eq!(other["ticket"]["code"], "G-002", "the retries used no numbers");
    let (s, e) = kiosk
        .post(&format!("/api/v1/mpps/{bogor}/tickets"), json!({"service_id": svc, "request_id": "<script>"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "request_id");
    t.stop().await;
}

#[tokio::test]
async fn officers_land_on_the_console_and_the_ticket_next_in_line_reads_soon() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    // Signing in through the form takes an officer to the console, not to a summary.
    let v = t.anonymous();
    let (_, _, token) = v.page("/masuk").await;
    let r = v
        .client
        .post(t.at("/masuk"))
        .form(&[("csrf", token.as_str()), ("email", accounts::OFFICER), ("password", crate::support::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/konsol");
    // With a counter open, the first in line reads "segera", the second its estimate in minutes.
    let mpp = t.mpp_id("kota-bogor").await;
    let provider = t.provider_id("kota-bogor", "imigrasi").await;
    let officer = t.session(accounts::OFFICER).await;
    open(&officer, counters(&officer, provider).await[0]).await;
    let service = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let first = issue(&t, mpp, service, None).await;
    let second = issue(&t, mpp, service, None).await;
    let (s, html) = t.get_text(&format!("/tiket/{}", first["token"].as_str().unwrap())).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(">segera<") && !html.contains("± 0 "), "first in line");
    let (_, html) = t.get_text(&format!("/tiket/{}", second["token"].as_str().unwrap())).await;
    assert!(!html.contains(">segera<") && html.contains("± "), "second in line has an estimate");
    t.stop().await;
}

#[tokio::test]
async fn the_console_lists_who_waits_in_call_order_and_calls_a_chosen_number_once() {
    let t = spawn().await;
    let bogor = t.mpp_id("kota-bogor").await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let at = |min: i64| monday_morning() + chrono::Duration::minutes(min);
    t.app.clock.set(Some(at(0)));
    let mut issued = Vec::new();
    for (min, prio) in [(0, None), (5, None), (10, Some("disability")), (15, None)] {
        t.app.clock.set(Some(at(min)));
        issued.push(issue(&t, bogor, svc, prio).await);
    }
    let officer = t.session(accounts::OFFICER).await;
    let ids = counters(&officer, imigrasi).await;
    let (a, b) = (ids[0], ids[1]);
    open(&officer, a).await;
    let (s, view) = officer.get(&format!("/api/v1/counters/{a}/console")).await;
    assert_eq!(s, StatusCode::OK, "{view}");
    assert_eq!(view["waiting_total"], 4);
    let listed: Vec<Value> = view["waiting"].as_array().unwrap().iter().map(|w| w["code"].clone()).collect();
    // The list is the order "call next" takes: the protected group first.
    assert_eq!(listed[0], issued[2]["ticket"]["code"]);
    assert_eq!(view["waiting"][0]["priority"], "disability");
    let next = call(&officer, a).await;
    assert_eq!(next["code"], listed[0], "who is next on the console is who gets called");
    finish(&officer, a, &next).await;

    // Call the last one out of turn; two counters racing for it: exactly one wins.
    let colleague = t.session(accounts::OFFICER).await;
    open(&colleague, b).await;
    let target = issued[3]["ticket"]["id"].as_i64().unwrap();
    let (pa, pb) = (format!("/api/v1/counters/{a}/call/{target}"), format!("/api/v1/counters/{b}/call/{target}"));
    let (r1, r2) = tokio::join!(officer.post(&pa, json!({})), colleague.post(&pb, json!({})));
    let mut statuses = [r1.0, r2.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", r1.1, r2.1);
    let (winner, loser) = if r1.0 == StatusCode::OK { (r1, r2) } else { (r2, r1) };
    assert_eq!(winner.1["code"], issued[3]["ticket"]["code"]);
    assert_eq!(winner.1["status"], "called");
    assert_eq!(loser.1["error"]["code"], "ticket_not_waiting");
    // The list no longer shows it; the others keep their order.
    let (_, view) = officer.get(&format!("/api/v1/counters/{b}/console")).await;
    let free = if winner.1["counter_id"] == a { b } else { a };
    let (_, view_free) = officer.get(&format!("/api/v1/counters/{free}/console")).await;
    let left: Vec<Value> = view_free["waiting"].as_array().unwrap().iter().map(|w| w["code"].clone()).collect();
    assert_eq!(left, vec![issued[0]["ticket"]["code"].clone(), issued[1]["ticket"]["code"].clone()]);
    assert!(view["waiting_total"].as_i64().unwrap() <= 2);
    // A number another provider's counter may not serve cannot be called here.
    let other = services_of(&t, "kota-bogor", "disdukcapil").await[0];
    let stranger = issue(&t, bogor, other, None).await;
    let (s, e) = officer.post(&format!("/api/v1/counters/{free}/call/{}", stranger["ticket"]["id"]), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "ticket_not_waiting");
    let (_, mine) = t.get_json(&format!("/api/v1/tickets/{}", stranger["token"].as_str().unwrap())).await;
    assert_eq!(mine["status"], "waiting", "a refused call leaves the ticket waiting");
    t.stop().await;
}

#[tokio::test]
async fn tickets_say_where_to_go() {
    let t = spawn().await;
    t.app.clock.set(Some(monday_morning()));
    let bogor = t.mpp_id("kota-bogor").await;
    let svc = services_of(&t, "kota-bogor", "imigrasi").await[0];
    let ticket = issue(&t, bogor, svc, None).await;
    assert_eq!(ticket["ticket"]["booth"], "Gerai 7");
    assert_eq!(ticket["ticket"]["zone"], "Lantai 3, Zona B");
    let token = ticket["token"].as_str().unwrap();
    for path in [format!("/tiket/{token}"), format!("/tiket/{token}/cetak")] {
        let (s, html) = t.get_text(&path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(html.contains("Gerai 7 · Lantai 3, Zona B"), "{path} says where to go");
    }
    // The board's call carries the place too.
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let officer = t.session(accounts::OFFICER).await;
    let counter = counters(&officer, imigrasi).await[0];
    open(&officer, counter).await;
    call(&officer, counter).await;
    let (_, board) = t.get_json(&format!("/api/v1/mpps/{bogor}/board")).await;
    assert_eq!(board["now_serving"][0]["booth"], "Gerai 7", "{board}");
    t.stop().await;
}
