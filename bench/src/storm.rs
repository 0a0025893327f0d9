//! The quota-opening storm: an open-loop offered load that ramps to well past
//! what the server can do, mixing availability reads with bookings on every
//! bookable service of the demo, compared with the raw database doing the same
//! booking writes in the same run; then an audit that no slot is over capacity.
//! With `--crash`, the server is killed with SIGKILL mid-storm, restarted, and
//! every booking it acknowledged must still be there.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use satuatap_service::App;
use satuatap_store::{NewBooking, NewMessage};
use tokio::sync::Mutex;

use crate::setup::{Common, Server, fresh, percentile};

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Offered load per step, requests per second (reads and bookings together).
    #[arg(long, value_delimiter = ',', default_value = "100,200,400,800,1600")]
    pub rates: Vec<u32>,
    /// Seconds each step lasts.
    #[arg(long, default_value_t = 8)]
    pub step_secs: u64,
    /// Share of arrivals that book (the rest only read availability).
    #[arg(long, default_value_t = 0.3)]
    pub book_share: f64,
    /// Share of bookings that go for the first open day of a service (the rush
    /// for the earliest dates); the rest spread over every open slot.
    #[arg(long, default_value_t = 0.7)]
    pub hot_share: f64,
    /// Bookings written straight to the database for the ceiling.
    #[arg(long, default_value_t = 4000)]
    pub raw_bookings: usize,
    /// Arrivals the load generator keeps open at most; beyond it an arrival is
    /// counted as not sent (the generator, not the server, is the limit).
    #[arg(long, default_value_t = 4000)]
    pub max_open: usize,
    /// Bookings processed at once before the waiting room opens (the server's option).
    #[arg(long, default_value_t = 64)]
    pub max_inflight: usize,
    /// Kill the server with SIGKILL this many seconds into a second storm, restart it and audit.
    #[arg(long)]
    pub crash_after: Option<u64>,
    /// Offered load of that second storm, requests per second (half of them bookings).
    #[arg(long, default_value_t = 800)]
    pub crash_rate: u32,
}

/// An open slot the storm may book.
#[derive(Clone, Copy)]
struct Target {
    service_id: i64,
    slot_id: i64,
}

/// What happened to the arrivals of one step.
#[derive(Default)]
struct Step {
    offered: usize,
    not_sent: usize,
    reads_ok: usize,
    read_ms: Vec<f64>,
    booking_requests: usize,
    booked: usize,
    full: usize,
    refused_other: usize,
    too_many: usize,
    waited: usize,
    book_ms: Vec<f64>,
    visitor_ms: Vec<f64>,
    server_errors: usize,
    transport_errors: usize,
}

/// A valid, distinct NIK for every `i` (Kota Bogor, born 1960–1999).
fn nik(i: usize) -> String {
    let day = 1 + i % 28;
    let month = 1 + (i / 28) % 12;
    let year = 60 + (i / 336) % 40;
    let serial = 1 + (i / 13_440) % 9_999;
    format!("327101{day:02}{month:02}{year:02}{serial:04}")
}

/// Every open slot of every bookable service, as the storm's targets, and the
/// slots of each service's first open day.
async fn targets(app: &App) -> Result<(Vec<i64>, Vec<Target>, Vec<Target>, usize)> {
    let services: Vec<i64> = {
        let mut r = app.store.read().await?;
        r.all_booking_rules().await?.into_iter().map(|(s, _, _, _)| s).collect()
    };
    let (mut out, mut hot) = (Vec::new(), Vec::new());
    let mut seats = 0;
    for s in &services {
        let a = app.availability(*s).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        for (n, d) in a.days.iter().filter(|d| d.open).enumerate() {
            for sl in &d.slots {
                seats += sl.left as usize;
                out.push(Target { service_id: *s, slot_id: sl.id });
                if n == 0 {
                    hot.push(Target { service_id: *s, slot_id: sl.id });
                }
            }
        }
    }
    Ok((services, out, hot, seats))
}

/// The ceiling: the rows of a booking (seat taken, booking, confirmation in the
/// outbox) written straight to the database in one transaction, 32 at a time.
async fn raw(app: &App, targets: &[Target], n: usize) -> Result<(f64, usize)> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let booked = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    let mpp_of: HashMap<i64, i64> = {
        let mut r = app.store.read().await?;
        r.all_booking_rules().await?.into_iter().map(|(s, m, _, _)| (s, m)).collect()
    };
    let sealed = app.keys.seal("Warga Uji / 3271010101600001").map_err(|e| anyhow::anyhow!("{e}"))?;
    for _ in 0..32 {
        let (app, targets, next, booked, mpp_of, sealed) =
            (app.clone(), targets.to_vec(), next.clone(), booked.clone(), mpp_of.clone(), sealed.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, anyhow::Error>(());
                }
                let t = targets[(i * 7919) % targets.len()];
                let now = app.now();
                let mpp_id = mpp_of[&t.service_id];
                let mut tx = app.store.begin().await?;
                if !tx.take_seat(t.slot_id).await? {
                    continue;
                }
                let b = NewBooking {
                    mpp_id,
                    service_id: t.service_id,
                    slot_id: t.slot_id,
                    day: now.date_naive(),
                    code: format!("RAW-{i:05}"),
                    name_sealed: sealed.clone(),
                    nik_sealed: sealed.clone(),
                    nik_index: format!("raw-{i}"),
                    nik_masked: "3271********0001".into(),
                    phone_sealed: Some(sealed.clone()),
                    phone_masked: Some("0812****7890".into()),
                    email_sealed: None,
                    email_masked: None,
                    nik_guard: Some(format!("raw-{i}")),
                    request_key: None,
                    user_id: None,
                };
                let id = tx.insert_booking(&b, now).await?;
                let m = NewMessage {
                    mpp_id: Some(mpp_id),
                    booking_id: Some(id),
                    kind: "booked".into(),
                    channel: "webhook".into(),
                    recipient_sealed: sealed.clone(),
                    recipient_masked: "0812****7890".into(),
                    subject: "raw".into(),
                    body_sealed: sealed.clone(),
                    send_at: now,
                };
                tx.enqueue_message(&m, now).await?;
                tx.commit().await?;
                booked.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let booked = booked.load(Ordering::Relaxed);
    Ok((booked as f64 / started.elapsed().as_secs_f64(), booked))
}

/// Run statements straight on the benchmark database (not through the store:
/// emptying every booking is nothing the product does).
async fn sql(url: &str, statements: &[&str]) -> Result<Vec<i64>> {
    use sqlx::Connection;
    let mut out = Vec::new();
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await?;
        for q in statements {
            out.push(
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(q.to_string()))
                    .fetch_optional(&mut c)
                    .await?
                    .unwrap_or(0),
            );
        }
    } else {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{url}")).await?;
        for q in statements {
            out.push(
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(q.to_string()))
                    .fetch_optional(&mut c)
                    .await?
                    .unwrap_or(0),
            );
        }
    }
    Ok(out)
}

/// Undo earlier writes so the next phase starts from the same empty slots.
async fn reset(url: &str) -> Result<()> {
    sql(url, &["DELETE FROM outbox", "DELETE FROM bookings", "UPDATE slots SET booked = 0"]).await?;
    Ok(())
}

struct Load {
    base: String,
    client: reqwest::Client,
    services: Vec<i64>,
    targets: Vec<Target>,
    hot: Vec<Target>,
    hot_share: f64,
    book_share: f64,
    /// Codes of every booking the server acknowledged (201).
    acknowledged: Mutex<Vec<String>>,
    arrivals: AtomicUsize,
}

enum Outcome {
    Booked(String),
    Full,
    Refused,
}

impl Load {
    /// One visitor who reads a service's availability.
    async fn read(&self, i: usize, step: &Mutex<Step>) {
        let service = self.services[(i * 31) % self.services.len()];
        let t0 = Instant::now();
        let r = self.client.get(format!("{}/api/v1/services/{service}/availability", self.base)).send().await;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let mut s = step.lock().await;
        match r {
            Ok(r) if r.status().is_success() => {
                s.reads_ok += 1;
                s.read_ms.push(ms);
            }
            Ok(r) if r.status().as_u16() == 429 => s.too_many += 1,
            Ok(r) if r.status().is_server_error() => s.server_errors += 1,
            Ok(_) => s.refused_other += 1,
            Err(_) => s.transport_errors += 1,
        }
    }

    /// One visitor who books: like the page does, on `waiting_room` they take a
    /// place in line, wait their turn, and book with the pass.
    async fn book(&self, i: usize, step: &Mutex<Step>) {
        let started = Instant::now();
        let t = if (i as f64 * 0.414_213_562_3).fract() < self.hot_share {
            self.hot[(i * 7919) % self.hot.len()]
        } else {
            self.targets[(i * 7919) % self.targets.len()]
        };
        let body = serde_json::json!({
            "slot_id": t.slot_id, "name": format!("Warga {i}"), "nik": nik(i),
            "phone": "0812 3456 7890", "request_id": format!("storm-{i}"),
        });
        let mut pass: Option<String> = None;
        let mut waited = false;
        for _attempt in 0..30 {
            let mut req = self.client.post(format!("{}/api/v1/bookings", self.base)).json(&body);
            if let Some(p) = &pass {
                req = req.header("x-admission-pass", p);
            }
            let t0 = Instant::now();
            let r = req.send().await;
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            let r = match r {
                Ok(r) => r,
                Err(_) => {
                    step.lock().await.transport_errors += 1;
                    return;
                }
            };
            let status = r.status().as_u16();
            let retry: u64 =
                r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(1);
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            {
                let mut s = step.lock().await;
                s.booking_requests += 1;
                s.book_ms.push(ms);
                if status == 429 {
                    s.too_many += 1;
                }
                if status >= 500 {
                    s.server_errors += 1;
                    return;
                }
            }
            let outcome = match status {
                201 => Outcome::Booked(v["code"].as_str().unwrap_or_default().to_string()),
                409 if v["error"]["code"] == "slot_full" => Outcome::Full,
                429 if v["error"]["code"] == "waiting_room" && pass.is_none() => {
                    waited = true;
                    match self.wait_in_line().await {
                        Some(p) => pass = Some(p),
                        None => {
                            step.lock().await.transport_errors += 1;
                            return;
                        }
                    }
                    continue;
                }
                429 => {
                    tokio::time::sleep(Duration::from_millis(200 * retry.clamp(1, 5))).await;
                    continue;
                }
                _ => Outcome::Refused,
            };
            let mut s = step.lock().await;
            s.visitor_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            if waited {
                s.waited += 1;
            }
            match outcome {
                Outcome::Booked(code) => {
                    s.booked += 1;
                    drop(s);
                    self.acknowledged.lock().await.push(code);
                }
                Outcome::Full => s.full += 1,
                Outcome::Refused => s.refused_other += 1,
            }
            return;
        }
        step.lock().await.refused_other += 1;
    }

    /// Take a place in the waiting room and poll until admitted; the pass.
    async fn wait_in_line(&self) -> Option<String> {
        let mut place: serde_json::Value =
            self.client.post(format!("{}/api/v1/waiting-room", self.base)).send().await.ok()?.json().await.ok()?;
        for _ in 0..600 {
            if place["admitted"] == true {
                return place["pass"].as_str().map(str::to_string);
            }
            // The server says when to look again; poll a little sooner, as a page would.
            let wait = place["retry_after"].as_u64().unwrap_or(1).clamp(1, 5);
            tokio::time::sleep(Duration::from_millis(500 * wait)).await;
            let token = place["token"].as_str()?.to_string();
            place = self
                .client
                .get(format!("{}/api/v1/waiting-room/{token}", self.base))
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
        }
        None
    }
}

/// Offer `rate` arrivals per second for `secs` seconds, on schedule whatever
/// the server does (open loop); returns when every arrival has its answer.
async fn offer(load: &Arc<Load>, rate: u32, secs: u64, max_open: usize, stop_at: Option<Instant>) -> Step {
    let step = Arc::new(Mutex::new(Step::default()));
    let open = Arc::new(AtomicUsize::new(0));
    let total = rate as usize * secs as usize;
    let start = tokio::time::Instant::now();
    let mut handles = Vec::with_capacity(total);
    for k in 0..total {
        if stop_at.is_some_and(|t| Instant::now() >= t) {
            break;
        }
        tokio::time::sleep_until(start + Duration::from_secs_f64(k as f64 / rate as f64)).await;
        step.lock().await.offered += 1;
        if open.load(Ordering::Relaxed) >= max_open {
            step.lock().await.not_sent += 1;
            continue;
        }
        let i = load.arrivals.fetch_add(1, Ordering::Relaxed);
        let books = (i as f64 * 0.618_033_988_7).fract() < load.book_share;
        let (load, step, open) = (load.clone(), step.clone(), open.clone());
        open.fetch_add(1, Ordering::Relaxed);
        handles.push(tokio::spawn(async move {
            if books {
                load.book(i, &step).await;
            } else {
                load.read(i, &step).await;
            }
            open.fetch_sub(1, Ordering::Relaxed);
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    Arc::try_unwrap(step).map(Mutex::into_inner).unwrap_or_default()
}

/// Slots over capacity or out of balance with their bookings, and bookings stored.
async fn audit(app: &App, url: &str) -> Result<(i64, i64)> {
    let mut r = app.store.read().await?;
    let out_of_balance = r.slots_out_of_balance().await?;
    drop(r);
    let active = sql(url, &["SELECT COUNT(*) FROM bookings WHERE status = 'active'"]).await?[0];
    Ok((out_of_balance, active))
}

pub async fn run(c: &Common, a: &Args) -> Result<()> {
    let (url, dir, app) = fresh(c, "storm").await?;
    app.materialize_slots(None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let (services, targets, hot, seats) = targets(&app).await?;
    anyhow::ensure!(!targets.is_empty(), "no open slots to book");
    let slots_total = sql(&url, &["SELECT COUNT(*) FROM slots"]).await?[0];
    eprintln!(
        "engine {}: {} bookable services, {} slots ({} open now, {} seats open; {} slots on first open days)",
        c.engine,
        services.len(),
        slots_total,
        targets.len(),
        seats,
        hot.len()
    );

    let (raw_rate, raw_booked) = raw(&app, &targets, a.raw_bookings).await?;
    reset(&url).await?;
    eprintln!("raw database: {raw_booked} bookings at {raw_rate:.0}/s");

    let extra = [
        "--bookings-per-minute",
        "100000000",
        "--reads-per-minute",
        "100000000",
        "--max-inflight-bookings",
        &a.max_inflight.to_string(),
    ]
    .map(str::to_string);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let server = Server::start_with(c, &url, &dir, &extra).await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).timeout(Duration::from_secs(120)).build()?;
    let load = Arc::new(Load {
        base: server.url.clone(),
        client: client.clone(),
        services: services.clone(),
        targets: targets.clone(),
        hot: hot.clone(),
        hot_share: a.hot_share,
        book_share: a.book_share,
        acknowledged: Mutex::new(Vec::new()),
        arrivals: AtomicUsize::new(0),
    });
    let p = percentile;
    println!(
        "| engine | offered (/s) | bookings committed (/s) | vs raw DB ({raw_rate:.0}/s) | full answers (/s) | 429 share of booking requests | booking request p50 / p99 (ms) | visitor to answer p50 / p99 (ms) | availability p50 / p99 (ms) | 5xx |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for rate in &a.rates {
        let t0 = Instant::now();
        let mut s = offer(&load, *rate, a.step_secs, a.max_open, None).await;
        let took = t0.elapsed().as_secs_f64().max(a.step_secs as f64);
        for v in [&mut s.read_ms, &mut s.book_ms, &mut s.visitor_ms] {
            v.sort_by(f64::total_cmp);
        }
        let committed = s.booked as f64 / took;
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.0} | {:.1}% | {:.0} / {:.0} | {:.0} / {:.0} | {:.0} / {:.0} | {} |",
            c.engine,
            rate,
            committed,
            committed / raw_rate,
            s.full as f64 / took,
            100.0 * s.too_many as f64 / s.booking_requests.max(1) as f64,
            p(&s.book_ms, 0.5),
            p(&s.book_ms, 0.99),
            p(&s.visitor_ms, 0.5),
            p(&s.visitor_ms, 0.99),
            p(&s.read_ms, 0.5),
            p(&s.read_ms, 0.99),
            s.server_errors,
        );
        eprintln!(
            "  step {rate}/s: offered {} (not sent {}), reads {}, booked {}, full {}, other refusals {}, waited in line {}, transport errors {}",
            s.offered, s.not_sent, s.reads_ok, s.booked, s.full, s.refused_other, s.waited, s.transport_errors
        );
    }
    let acknowledged = load.acknowledged.lock().await.len();
    server.stop().await;
    let (bad, active) = audit(&app, &url).await?;
    println!();
    println!(
        "Audit ({}): {} bookings acknowledged, {} in the database, {} slots over capacity or out of balance.",
        c.engine, acknowledged, active, bad
    );
    anyhow::ensure!(bad == 0, "{bad} slots over capacity or out of balance");
    anyhow::ensure!(active as usize == acknowledged, "acknowledged {acknowledged}, stored {active}");

    if let Some(after) = a.crash_after {
        crash(c, a, &app, &url, &dir, &load, after).await?;
    }
    app.store.close().await;
    Ok(())
}

/// A storm cut short by SIGKILL; restart, then every acknowledged booking must be there.
async fn crash(
    c: &Common,
    a: &Args,
    app: &App,
    url: &str,
    dir: &std::path::Path,
    prev: &Load,
    after: u64,
) -> Result<()> {
    reset(url).await?;
    let extra = ["--bookings-per-minute", "100000000", "--reads-per-minute", "100000000"];
    let server = Server::start_with(c, url, dir, &extra).await?;
    let load = Arc::new(Load {
        base: server.url.clone(),
        client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
        services: prev.services.clone(),
        targets: prev.targets.clone(),
        hot: prev.hot.clone(),
        hot_share: prev.hot_share,
        book_share: 0.5,
        acknowledged: Mutex::new(Vec::new()),
        arrivals: AtomicUsize::new(prev.arrivals.load(Ordering::Relaxed)),
    });
    let rate = a.crash_rate;
    let kill_at = Instant::now() + Duration::from_secs(after);
    let storm = {
        let load = load.clone();
        let max_open = a.max_open;
        tokio::spawn(async move { offer(&load, rate, after + 5, max_open, None).await })
    };
    tokio::time::sleep_until(kill_at.into()).await;
    server.stop().await;
    let s = storm.await.context("storm")?;
    let acknowledged = load.acknowledged.lock().await.clone();
    eprintln!(
        "  crash storm: offered {}, reads {}, booked {}, full {}, other refusals {}, 429s {}, waited {}, 5xx {}, transport errors {}",
        s.offered,
        s.reads_ok,
        s.booked,
        s.full,
        s.refused_other,
        s.too_many,
        s.waited,
        s.server_errors,
        s.transport_errors
    );
    let server = Server::start_with(c, url, dir, &extra).await?;
    let client = reqwest::Client::new();
    let mut missing = 0;
    let mut r = app.store.read().await?;
    for code in &acknowledged {
        if r.booking_by_code(code).await?.is_none_or(|b| b.status.0 != satuatap_domain::booking::BookingStatus::Active)
        {
            missing += 1;
        }
    }
    drop(r);
    // The restarted server answers for them too.
    let sample = acknowledged.first().cloned().unwrap_or_default();
    let (ok_after, _) = {
        let r = client.get(format!("{}/pemesanan/{sample}", server.url)).send().await?;
        (r.status().is_success(), ())
    };
    server.stop().await;
    let (bad, active) = audit(app, url).await?;
    println!(
        "Crash ({}): killed with SIGKILL {after} s into a {rate}/s storm; {} bookings acknowledged before the kill \
         ({} requests cut off), {} missing after restart, {} stored, {} slots over capacity or out of balance; \
         restarted server serves them: {}.",
        c.engine,
        acknowledged.len(),
        s.transport_errors,
        missing,
        active,
        bad,
        if ok_after { "yes" } else { "no" }
    );
    anyhow::ensure!(missing == 0 && bad == 0 && ok_after, "crash audit failed");
    Ok(())
}
