//! The MPP manager's dashboard for a year of a large MPP: 1,500 visitors a day
//! over 30 services, every day of the last 365, written as the rollups the
//! live steps bump (per service and day, waiting and service histograms, hours,
//! counters and officers), plus today's waiting queue as real tickets. Times
//! the dashboard for the whole year over real HTTP against the release server,
//! and the same service call in-process (the floor the page cannot beat).
//!
//! A read of rollups, not writes: the ceiling is the application's own
//! computation in the same run; the target is p50 < 100 ms over HTTP.

use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Duration;
use satuatap_domain::queue::{QueueSettings, ticket_code};
use satuatap_service::Actor;
use satuatap_service::dashboard::DashboardQuery;
use satuatap_store::stats::{QueueTotals, QueueTotalsOfDay, TimeCell, TimeKind};

use crate::setup::{Common, Server, fresh, percentile, session};

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Visitors a day.
    #[arg(long, default_value_t = 1500)]
    pub visitors: i64,
    /// Services the visitors spread over.
    #[arg(long, default_value_t = 30)]
    pub services: usize,
    /// People waiting now (real tickets of today).
    #[arg(long, default_value_t = 300)]
    pub waiting: usize,
    /// Timed requests (after five warm-up requests).
    #[arg(long, default_value_t = 100)]
    pub requests: usize,
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn p(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile(v, q)
}

pub async fn run(c: &Common, a: &Args) -> Result<()> {
    let (url, dir, app) = fresh(c, "dashboard").await?;
    let err = |e: satuatap_service::Error| anyhow::anyhow!("{e}");
    let mut r = app.store.read().await?;
    let m = r.mpp_by_slug("kota-bogor").await?.context("Kota Bogor")?;
    let services = r
        .services(&satuatap_store::catalog::ServiceFilter {
            mpp_id: Some(m.id),
            status: Some(satuatap_domain::catalog::ServiceStatus::Published),
            limit: a.services as i64,
            ..Default::default()
        })
        .await?;
    let counters = r.counters_of_mpp(m.id).await?;
    let officers: Vec<i64> = r
        .users(&satuatap_store::users::UserFilter { mpp_id: Some(m.id), provider_id: None })
        .await?
        .into_iter()
        .filter(|u| u.role.0 == satuatap_domain::role::Role::CounterOfficer)
        .map(|u| u.id)
        .collect();
    drop(r);
    anyhow::ensure!(services.len() == a.services, "{} services", services.len());
    anyhow::ensure!(!counters.is_empty() && !officers.is_empty(), "counters and officers");
    let today = app.local_today_of(m.id).await.map_err(err)?;
    let per_service = (a.visitors / a.services as i64).max(1);

    // A year of rollups, as the steps would have bumped them.
    let t = Instant::now();
    let wait_spread: [(i64, i64); 8] = [(4, 8), (6, 12), (8, 18), (9, 20), (10, 16), (11, 12), (12, 8), (13, 6)];
    let service_spread: [(i64, i64); 6] = [(3, 10), (5, 20), (7, 30), (8, 20), (9, 12), (10, 8)];
    let (mut rows, mut cells, mut hours, mut staff) = (0usize, 0usize, 0usize, 0usize);
    for back in 0..365 {
        let day = today - Duration::days(back);
        let mut days = Vec::new();
        let mut times = Vec::new();
        for s in &services {
            let issued = per_service;
            let called = issued * 97 / 100;
            let no_show = called * 3 / 100;
            let served = called - no_show;
            days.push(QueueTotalsOfDay {
                service_id: s.id,
                day,
                t: QueueTotals {
                    mpp_id: m.id,
                    issued,
                    from_booking: issued * 30 / 100,
                    called,
                    served,
                    not_served: 0,
                    no_show,
                    cancelled: issued - called,
                    booking_no_show: 1,
                    booking_cancelled: 1,
                },
            });
            for (bucket, pct) in wait_spread {
                times.push(TimeCell {
                    service_id: s.id,
                    mpp_id: m.id,
                    day,
                    kind: TimeKind::Wait,
                    bucket,
                    n: called * pct / 100,
                });
            }
            for (bucket, pct) in service_spread {
                times.push(TimeCell {
                    service_id: s.id,
                    mpp_id: m.id,
                    day,
                    kind: TimeKind::Service,
                    bucket,
                    n: served * pct / 100,
                });
            }
        }
        let hour_cells: Vec<_> = (8..16).map(|h| (m.id, day, h, a.visitors / 8)).collect();
        let mut staff_cells = Vec::new();
        for (i, counter) in counters.iter().enumerate() {
            let officer = officers[i % officers.len()];
            let n = a.visitors / counters.len() as i64;
            for (bucket, pct) in wait_spread {
                staff_cells.push((m.id, day, counter.id, officer, TimeKind::Wait, bucket, n * pct / 100));
            }
            for (bucket, pct) in service_spread {
                staff_cells.push((m.id, day, counter.id, officer, TimeKind::Service, bucket, n * pct / 100));
            }
        }
        rows += days.len();
        cells += times.len();
        hours += hour_cells.len();
        staff += staff_cells.len();
        let mut tx = app.store.begin().await?;
        tx.add_queue_history(&days, &times).await?;
        tx.add_hour_history(&hour_cells).await?;
        tx.add_staff_history(&staff_cells).await?;
        tx.commit().await?;
    }
    // Today's queue: people waiting now, as real tickets.
    let settings = QueueSettings::default();
    for i in 0..a.waiting {
        let s = &services[i % services.len()];
        let prefix = s.queue_prefix.clone().unwrap_or_else(|| "A".into());
        let now = app.now() - Duration::seconds((a.waiting - i) as i64 * 5);
        let mut tx = app.store.begin().await?;
        let number = tx.next_ticket_number(m.id, &prefix, today).await?;
        let ticket = satuatap_store::NewTicket {
            mpp_id: m.id,
            provider_id: s.provider_id,
            service_id: s.id,
            day: today,
            prefix: prefix.clone(),
            number,
            code: ticket_code(&prefix, number, 3),
            token: format!("dash-{i}-{number}"),
            priority: None,
            source: "kiosk".into(),
            arrived_at: now,
            issued_at: now,
            queue_key: settings.queue_key(now, None, None),
            target_counter_id: None,
            request_key: None,
        };
        tx.insert_ticket(&ticket).await?;
        tx.commit().await?;
    }
    println!(
        "engine {}: a year of {} visitors a day over {} services written in {:.1} s \
         ({rows} service-days, {cells} histogram cells, {hours} hour cells, {staff} counter/officer cells; {} waiting now)",
        c.engine,
        a.visitors,
        a.services,
        t.elapsed().as_secs_f64(),
        a.waiting
    );

    let q = DashboardQuery { from: Some(today - Duration::days(365)), to: Some(today) };
    let manager = {
        let mut r = app.store.read().await?;
        let u = r.user_by_email("manajer.bogor@demo.satuatap.id").await?.context("the manager")?;
        Actor::from_user(&u)
    };
    let d = app.mpp_dashboard(&manager, m.id, &q).await.map_err(err)?;
    anyhow::ensure!(d.now.waiting == a.waiting as i64, "{} waiting", d.now.waiting);
    // 366 days asked for, 365 written (today's waiting tickets are not in the rollups).
    anyhow::ensure!(d.period.visitors == per_service * a.services as i64 * 365, "{} visitors", d.period.visitors);
    for _ in 0..3 {
        app.mpp_dashboard(&manager, m.id, &q).await.map_err(err)?;
    }
    let mut floor = Vec::new();
    for _ in 0..a.requests {
        let t = Instant::now();
        app.mpp_dashboard(&manager, m.id, &q).await.map_err(err)?;
        floor.push(ms(t.elapsed()));
    }

    let server = Server::start(c, &url, &dir).await?;
    let (client, _) = session(&server.url, "manajer.bogor@demo.satuatap.id").await?;
    let api = format!("{}/api/v1/mpps/{}/dashboard?from={}&to={}", server.url, m.id, q.from.unwrap_or(today), today);
    let page = format!("{}/admin?dari={}&sampai={today}", server.url, q.from.unwrap_or(today));
    let timed = |url: String| {
        let client = client.clone();
        async move {
            for _ in 0..5 {
                client.get(&url).send().await?.error_for_status()?.bytes().await?;
            }
            let mut v = Vec::new();
            let mut size = 0;
            for _ in 0..a.requests {
                let t = Instant::now();
                let body = client.get(&url).send().await?.error_for_status()?.bytes().await?;
                v.push(ms(t.elapsed()));
                size = body.len();
            }
            Ok::<_, anyhow::Error>((v, size))
        }
    };
    let (mut json, json_size) = timed(api).await?;
    let (mut html, html_size) = timed(page).await?;
    println!(
        "dashboard, a year (366 days)   HTTP JSON p50 {:>6.1} ms  p90 {:>6.1}  ({} KB) | page p50 {:>6.1} ms  p90 {:>6.1}  ({} KB) | in-process p50 {:>6.1} ms  p90 {:>6.1}  (HTTP/in-process {:.2})",
        p(&mut json, 0.5),
        p(&mut json, 0.9),
        json_size / 1024,
        p(&mut html, 0.5),
        p(&mut html, 0.9),
        html_size / 1024,
        p(&mut floor, 0.5),
        p(&mut floor, 0.9),
        p(&mut json, 0.5) / p(&mut floor, 0.5)
    );
    let target = p(&mut json, 0.5) < 100.0 && p(&mut html, 0.5) < 100.0;
    println!("target p50 < 100 ms over HTTP: {}", if target { "met" } else { "NOT met" });
    Ok(())
}
