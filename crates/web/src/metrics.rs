//! Metrics in the Prometheus text format, served on their own listener
//! (`--metrics-listen`, never on the public one): request rates and latencies by
//! route, tickets waiting per MPP, the waiting room, the outbox's backlog and
//! failures, and the database pools. Request figures are counted as requests
//! pass; the rest is read when scraped.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::state::AppState;

/// One process's metrics (a registry of its own, so test servers do not share one).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    waiting: IntGaugeVec,
    inflight: IntGauge,
    room: IntGauge,
    admitted_total: IntGauge,
    outbox: IntGaugeVec,
    pool: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> prometheus::Result<Metrics> {
        let registry = Registry::new_custom(Some("satuatap".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered, by route, method and status"),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer a request (to its headers), by route")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["route", "method"],
        )?;
        let waiting =
            IntGaugeVec::new(Opts::new("queue_waiting_tickets", "Tickets waiting now, per operating MPP"), &["mpp"])?;
        let inflight = IntGauge::new("bookings_in_flight", "Bookings being processed now")?;
        let room = IntGauge::new("waiting_room_length", "Visitors in the booking waiting room, not let in yet")?;
        let admitted_total = IntGauge::new("bookings_admitted_total", "Bookings processed since the process started")?;
        let outbox = IntGaugeVec::new(
            Opts::new("outbox_messages", "Messages not sent yet: pending, failing (last attempt failed), due now"),
            &["state"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database connections per pool: open, idle, max"),
            &["pool", "state"],
        )?;
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(waiting.clone()),
            Box::new(inflight.clone()),
            Box::new(room.clone()),
            Box::new(admitted_total.clone()),
            Box::new(outbox.clone()),
            Box::new(pool.clone()),
        ] {
            registry.register(c)?;
        }
        Ok(Metrics { registry, requests, latency, waiting, inflight, room, admitted_total, outbox, pool })
    }

    fn observe(&self, route: &str, method: &str, status: StatusCode, secs: f64) {
        self.requests.with_label_values(&[route, method, status.as_str()]).inc();
        self.latency.with_label_values(&[route, method]).observe(secs);
    }
}

/// Count a request under its route's pattern (`/api/v1/tickets/{token}`), never its path.
pub async fn track(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    let route = route.as_deref().unwrap_or("unmatched");
    s.metrics.observe(route, &method, resp.status(), started.elapsed().as_secs_f64());
    resp
}

/// The metrics listener's router: `GET /metrics` only.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(state)
}

async fn scrape(State(s): State<AppState>) -> Response {
    let m = &s.metrics;
    let (inflight, room, admitted) = s.admission.stats();
    m.inflight.set(inflight as i64);
    m.room.set(room as i64);
    m.admitted_total.set(admitted as i64);
    for (pool, open, idle, max) in s.app.store.pool_stats() {
        m.pool.with_label_values(&[pool, "open"]).set(i64::from(open));
        m.pool.with_label_values(&[pool, "idle"]).set(i64::from(idle));
        m.pool.with_label_values(&[pool, "max"]).set(i64::from(max));
    }
    // Database figures: a scrape that cannot read them still answers with the rest.
    match s.app.operations_figures().await {
        Ok(f) => {
            m.waiting.reset();
            for (mpp, n) in &f.waiting {
                m.waiting.with_label_values(&[mpp]).set(*n);
            }
            m.outbox.with_label_values(&["pending"]).set(f.outbox_pending);
            m.outbox.with_label_values(&["failing"]).set(f.outbox_failing);
            m.outbox.with_label_values(&["due"]).set(f.outbox_due);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: database figures unavailable"),
    }
    let mut out = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&m.registry.gather(), &mut out) {
        return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
    }
    let mut r = out.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    r
}
