//! Display fan-out: latency from "call next" until the call event reaches each
//! of N connected boards (server-sent events), at 1,000 and 10,000 boards.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Barrier, mpsc};

use crate::setup::{Common, Server, fresh, percentile, session};

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Board counts to measure, comma-separated.
    #[arg(long, default_value = "1000,10000", value_delimiter = ',')]
    pub boards: Vec<usize>,
    /// Calls per board count.
    #[arg(long, default_value_t = 20)]
    pub calls: usize,
}

/// A board: a bare SSE client reporting when each call event arrives.
async fn board(
    addr: String,
    mpp: i64,
    ready: mpsc::Sender<()>,
    seen: mpsc::UnboundedSender<(usize, Instant)>,
    id: usize,
) -> Result<()> {
    let mut s = TcpStream::connect(&addr).await?;
    s.write_all(
        format!("GET /api/v1/mpps/{mpp}/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
            .as_bytes(),
    )
    .await?;
    let mut buf = vec![0u8; 16 * 1024];
    let mut text = String::new();
    let mut snapshot = false;
    loop {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let at = Instant::now();
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
        if !snapshot && text.contains("event: snapshot") {
            snapshot = true;
            let _ = ready.send(()).await;
        }
        let calls = text.matches("event: call").count();
        for _ in 0..calls {
            let _ = seen.send((id, at));
        }
        if calls > 0 {
            text.clear();
        } else if text.len() > 64 * 1024 {
            text.drain(..text.len() - 1024);
        }
    }
}

pub async fn run(c: &Common, a: &Args) -> Result<()> {
    let (url, dir, app) = fresh(c, "fanout").await?;
    let mpp = app.mpp_by_slug("kota-bogor").await.map_err(|e| anyhow::anyhow!("{e}"))?.id;
    let imigrasi = {
        let mut tx = app.store.read().await?;
        tx.providers(mpp, true).await?.into_iter().find(|p| p.slug == "imigrasi").context("imigrasi")?
    };
    let counter = app.store.read().await?.counters(imigrasi.id).await?.first().context("counter")?.id;
    let services = app
        .search_services(&satuatap_service::catalog::SearchQuery {
            mpp_id: Some(mpp),
            provider_id: Some(imigrasi.id),
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let service = services.services.first().context("service")?.id;
    app.store.close().await;
    let server = Server::start(c, &url, &dir).await?;
    let addr = server.url.trim_start_matches("http://").to_string();
    let (officer, csrf) = session(&server.url, "petugas.imigrasi.bogor@demo.satuatap.id").await?;
    let post = |path: String, body: serde_json::Value| {
        officer.post(format!("{}{path}", server.url)).header("x-csrf-token", &csrf).json(&body).send()
    };
    post(format!("/api/v1/counters/{counter}/open"), serde_json::json!({})).await?.error_for_status()?;

    println!("| engine | boards connected | calls | events delivered | p50 (ms) | p99 (ms) | max (ms) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for &n in &a.boards {
        let (ready_tx, mut ready_rx) = mpsc::channel(n);
        let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
        let gate = Arc::new(tokio::sync::Semaphore::new(200));
        let mut handles = Vec::with_capacity(n);
        for id in 0..n {
            let (addr, ready, seen, gate) = (addr.clone(), ready_tx.clone(), seen_tx.clone(), gate.clone());
            handles.push(tokio::spawn(async move {
                // Connect at most 200 at a time so the accept queue never overflows.
                let permit = gate.acquire_owned().await;
                let (rtx, mut rrx) = mpsc::channel(1);
                let task = tokio::spawn(board(addr, mpp, rtx, seen, id));
                if rrx.recv().await.is_some() {
                    let _ = ready.send(()).await;
                }
                drop(permit);
                let _ = task.await;
            }));
        }
        for _ in 0..n {
            tokio::time::timeout(Duration::from_secs(120), ready_rx.recv()).await.context("boards connecting")?;
        }
        let barrier = Barrier::new(1);
        barrier.wait().await;
        let mut lat = Vec::with_capacity(n * a.calls);
        for _ in 0..a.calls {
            let r = post(format!("/api/v1/mpps/{mpp}/tickets"), serde_json::json!({"service_id": service})).await?;
            anyhow::ensure!(r.status().as_u16() == 201, "issue: {}", r.status());
            // Let the queue update reach the boards before timing the call.
            tokio::time::sleep(Duration::from_millis(700)).await;
            while seen_rx.try_recv().is_ok() {}
            let t0 = Instant::now();
            let called: serde_json::Value =
                post(format!("/api/v1/counters/{counter}/call-next"), serde_json::json!({})).await?.json().await?;
            let ticket = called["ticket"]["id"].as_i64().context("a ticket was called")?;
            let mut got = 0;
            while got < n {
                match tokio::time::timeout(Duration::from_secs(30), seen_rx.recv()).await {
                    Ok(Some((_, at))) => {
                        lat.push(at.duration_since(t0).as_secs_f64() * 1000.0);
                        got += 1;
                    }
                    _ => break,
                }
            }
            anyhow::ensure!(got == n, "only {got} of {n} boards got the call");
            post(format!("/api/v1/counters/{counter}/tickets/{ticket}/finish"), serde_json::json!({"served": true}))
                .await?;
        }
        lat.sort_by(f64::total_cmp);
        println!(
            "| {} | {n} | {} | {} | {:.1} | {:.1} | {:.1} |",
            c.engine,
            a.calls,
            lat.len(),
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat.last().copied().unwrap_or(f64::NAN)
        );
        for h in handles {
            h.abort();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    server.stop().await;
    Ok(())
}
