//! Tickets issued per second and calls per second through the HTTP API, each
//! against the same writes done directly on the database in the same run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Result;
use satuatap_domain::queue::{QueueSettings, ticket_code};
use satuatap_service::App;
use satuatap_service::catalog::SearchQuery;
use satuatap_store::NewTicket;
use satuatap_store::queue::{NewTicketEvent, Transition};

use crate::setup::{Common, Server, fresh, session};

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Tickets per phase.
    #[arg(long, default_value_t = 4000)]
    pub tickets: usize,
    /// Concurrent issuers (kiosks).
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Counters calling at the same time.
    #[arg(long, default_value_t = 8)]
    pub counters: usize,
}

/// A counter of one provider, its officer and the services it calls.
#[derive(Clone)]
struct Lane {
    provider_id: i64,
    counter_id: i64,
    officer_email: String,
    officer_id: i64,
    services: Vec<(i64, String)>,
}

async fn lanes(app: &App, mpp_id: i64, n: usize) -> Result<Vec<Lane>> {
    let mut out = Vec::new();
    let mut tx = app.store.read().await?;
    for p in tx.providers(mpp_id, true).await? {
        let counters = tx.counters(p.id).await?;
        let Some(counter) = counters.first() else { continue };
        let email = format!("petugas.{}.bogor@demo.satuatap.id", p.slug);
        let Some(officer) = tx.user_by_email(&email).await? else { continue };
        let page = app
            .search_services(&SearchQuery {
                mpp_id: Some(mpp_id),
                provider_id: Some(p.id),
                limit: 50,
                ..Default::default()
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let services: Vec<(i64, String)> = page
            .services
            .iter()
            .map(|s| (s.id, s.queue_prefix.clone().unwrap_or_else(|| p.queue_prefix.clone())))
            .collect();
        if services.is_empty() {
            continue;
        }
        out.push(Lane {
            provider_id: p.id,
            counter_id: counter.id,
            officer_email: email,
            officer_id: officer.id,
            services,
        });
        if out.len() == n {
            break;
        }
    }
    anyhow::ensure!(out.len() == n, "only {} providers with counters, services and officers", out.len());
    Ok(out)
}

/// The ceiling for issuing: the same rows written straight to the database
/// (number, ticket, timeline entry in one transaction), no HTTP, no checks.
async fn raw_issue(app: &App, mpp_id: i64, lanes: &[Lane], tickets: usize, clients: usize) -> Result<f64> {
    let m = app.mpp(mpp_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let day = app.local_day(&m);
    let settings = QueueSettings::default();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (app, lanes, next, settings) = (app.clone(), lanes.to_vec(), next.clone(), settings.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= tickets {
                    return Ok::<_, anyhow::Error>(());
                }
                let lane = &lanes[i % lanes.len()];
                let (service_id, prefix) = &lane.services[i % lane.services.len()];
                let now = app.now();
                let mut tx = app.store.begin().await?;
                let number = tx.next_ticket_number(mpp_id, prefix, day).await?;
                let t = NewTicket {
                    mpp_id,
                    provider_id: lane.provider_id,
                    service_id: *service_id,
                    day,
                    prefix: prefix.clone(),
                    number,
                    code: ticket_code(prefix, number, 3),
                    token: format!("raw-{i}-{number}"),
                    priority: None,
                    source: "kiosk".into(),
                    arrived_at: now,
                    issued_at: now,
                    queue_key: settings.queue_key(now, None, None),
                    target_counter_id: None,
                    request_key: None,
                };
                let id = tx.insert_ticket(&t).await?;
                tx.insert_ticket_event(&event(id, mpp_id, now, "issued", Some(*service_id), None, None)).await?;
                tx.commit().await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(tickets as f64 / started.elapsed().as_secs_f64())
}

fn event<'a>(
    ticket_id: i64,
    mpp_id: i64,
    at: chrono::DateTime<chrono::Utc>,
    kind: &'a str,
    service_id: Option<i64>,
    counter_id: Option<i64>,
    officer_id: Option<i64>,
) -> NewTicketEvent<'a> {
    NewTicketEvent { ticket_id, mpp_id, at, kind, service_id, counter_id, officer_id, note: None }
}

/// The ceiling for calling: claim and finish straight on the database.
async fn raw_calls(app: &App, mpp_id: i64, lanes: &[Lane]) -> Result<(usize, f64)> {
    let m = app.mpp(mpp_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let day = app.local_day(&m);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for lane in lanes.iter().cloned() {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            loop {
                let now = app.now();
                let mut tx = app.store.begin().await?;
                let Some(satuatap_store::queue::Claimed { id, .. }) =
                    tx.claim_next(mpp_id, day, lane.counter_id, lane.provider_id, lane.officer_id, now).await?
                else {
                    tx.commit().await?;
                    return Ok::<_, anyhow::Error>(n);
                };
                tx.insert_ticket_event(&event(
                    id,
                    mpp_id,
                    now,
                    "called",
                    None,
                    Some(lane.counter_id),
                    Some(lane.officer_id),
                ))
                .await?;
                tx.commit().await?;
                let mut tx = app.store.begin().await?;
                tx.transition_ticket(id, lane.counter_id, Transition::Finish { served: true }, now, None).await?;
                tx.insert_ticket_event(&event(
                    id,
                    mpp_id,
                    now,
                    "finished",
                    None,
                    Some(lane.counter_id),
                    Some(lane.officer_id),
                ))
                .await?;
                tx.commit().await?;
                n += 1;
            }
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok((total, total as f64 / started.elapsed().as_secs_f64()))
}

async fn http_issue(
    base: &str,
    kiosk: &str,
    mpp_id: i64,
    lanes: &[Lane],
    tickets: usize,
    clients: usize,
) -> Result<(f64, Vec<f64>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (lanes, next, url) = (lanes.to_vec(), next.clone(), format!("{base}/api/v1/mpps/{mpp_id}/tickets"));
        let client = reqwest::Client::new();
        let kiosk = kiosk.to_string();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= tickets {
                    return Ok::<_, anyhow::Error>(lat);
                }
                let lane = &lanes[i % lanes.len()];
                let (service_id, _) = &lane.services[i % lane.services.len()];
                let t0 = Instant::now();
                let r = client
                    .post(&url)
                    .header("x-device-token", &kiosk)
                    .json(&serde_json::json!({"service_id": service_id}))
                    .send()
                    .await?;
                if r.status().as_u16() != 201 {
                    anyhow::bail!("issue failed: {} {}", r.status(), r.text().await.unwrap_or_default());
                }
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
            }
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let rate = tickets as f64 / started.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    Ok((rate, lat))
}

async fn http_calls(base: &str, lanes: &[Lane]) -> Result<(usize, f64, Vec<f64>)> {
    let mut sessions = Vec::new();
    for lane in lanes {
        let (client, csrf) = session(base, &lane.officer_email).await?;
        client
            .post(format!("{base}/api/v1/counters/{}/open", lane.counter_id))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({}))
            .send()
            .await?
            .error_for_status()?;
        sessions.push((client, csrf, lane.counter_id));
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (client, csrf, counter) in sessions {
        let base = base.to_string();
        tasks.push(tokio::spawn(async move {
            let (mut n, mut lat) = (0, Vec::new());
            loop {
                let t0 = Instant::now();
                let r: serde_json::Value = client
                    .post(format!("{base}/api/v1/counters/{counter}/call-next"))
                    .header("x-csrf-token", &csrf)
                    .json(&serde_json::json!({}))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                let Some(id) = r["ticket"]["id"].as_i64() else { return Ok::<_, anyhow::Error>((n, lat)) };
                client
                    .post(format!("{base}/api/v1/counters/{counter}/tickets/{id}/finish"))
                    .header("x-csrf-token", &csrf)
                    .json(&serde_json::json!({"served": true}))
                    .send()
                    .await?
                    .error_for_status()?;
                n += 1;
            }
        }));
    }
    let (mut total, mut lat) = (0, Vec::new());
    for t in tasks {
        let (n, l) = t.await??;
        total += n;
        lat.extend(l);
    }
    lat.sort_by(f64::total_cmp);
    Ok((total, total as f64 / started.elapsed().as_secs_f64(), lat))
}

pub async fn run(c: &Common, a: &Args) -> Result<()> {
    let (url, dir, app) = fresh(c, "queue").await?;
    let mpp_id = app.mpp_by_slug("kota-bogor").await.map_err(|e| anyhow::anyhow!("{e}"))?.id;
    let lanes = lanes(&app, mpp_id, a.counters).await?;
    // The demo limits walk-ins on one service; the ceiling has no such rule, so neither does the run.
    let system = satuatap_service::Actor::system();
    for l in &lanes {
        for (service_id, _) in &l.services {
            app.set_walk_in_rule(&system, *service_id, &Default::default())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    eprintln!("engine {}: {} tickets, {} issuers, {} counters", c.engine, a.tickets, a.clients, a.counters);

    let raw_issue_rate = raw_issue(&app, mpp_id, &lanes, a.tickets, a.clients).await?;
    let (raw_called, raw_call_rate) = raw_calls(&app, mpp_id, &lanes).await?;
    anyhow::ensure!(raw_called == a.tickets, "direct calls drained {raw_called} of {}", a.tickets);

    let kiosk = crate::setup::kiosk_credential(&app, mpp_id).await?;
    let server = Server::start(c, &url, &dir).await?;
    let (http_issue_rate, issue_lat) = http_issue(&server.url, &kiosk, mpp_id, &lanes, a.tickets, a.clients).await?;
    let (called, http_call_rate, call_lat) = http_calls(&server.url, &lanes).await?;
    anyhow::ensure!(called == a.tickets, "HTTP calls drained {called} of {}", a.tickets);
    server.stop().await;
    let m = app.mpp(mpp_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let day = app.local_day(&m).to_string();
    app.store.close().await;

    // The database's own tool doing the issue's writes, with nothing else running.
    let targets: Vec<crate::ceiling::Target> = lanes
        .iter()
        .flat_map(|l| {
            l.services.iter().map(|(service_id, prefix)| crate::ceiling::Target {
                provider_id: l.provider_id,
                service_id: *service_id,
                prefix: prefix.clone(),
            })
        })
        .collect();
    let tool_issue_rate = if c.engine == "postgres" {
        crate::ceiling::pg_issue(&url, mpp_id, &day, &targets, a.tickets, a.clients)?
    } else {
        crate::ceiling::sqlite_issue(&url, mpp_id, &day, &targets, a.tickets)?
    };
    let tool = if c.engine == "postgres" { "pgbench" } else { "sqlite3 shell" };

    let p = crate::setup::percentile;
    println!(
        "| engine | operation | HTTP API (/s) | the database's own tool (/s) | ratio | through our driver (/s) | HTTP p50 / p99 (ms) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    println!(
        "| {} | issue a ticket ({} concurrent kiosks) | {:.0} | {:.0} ({tool}) | **{:.2}** | {:.0} | {:.1} / {:.1} |",
        c.engine,
        a.clients,
        http_issue_rate,
        tool_issue_rate,
        http_issue_rate / tool_issue_rate,
        raw_issue_rate,
        p(&issue_lat, 0.5),
        p(&issue_lat, 0.99)
    );
    println!(
        "| {} | call next + finish ({} counters) | {:.0} | — | — | {:.0} ({:.2}) | {:.1} / {:.1} (call-next) |",
        c.engine,
        a.counters,
        http_call_rate,
        raw_call_rate,
        http_call_rate / raw_call_rate,
        p(&call_lat, 0.5),
        p(&call_lat, 0.99)
    );
    Ok(())
}
