//! The national side at full size: every one of the 514 regencies in the
//! register (the demo's public history of inaugurations), every district's
//! point and shape, a year of rollups for the demo MPPs. Times, over real HTTP
//! against the release server, the programme page (map, chart, province table),
//! every regency's accessibility study, the national ranking and the ministry's
//! dashboard; beside each, the same service call in-process (no HTTP, no HTML:
//! the floor the page cannot beat). Then the study of all 514 regencies in one
//! run, and the map sizes raw and gzipped.
//!
//! These are reads computed from geometry, not writes, so the ceiling is the
//! application's own computation in the same run, not a database tool.

use std::time::Instant;

use anyhow::{Context, Result};
use satuatap_service::access::StudyQuery;
use satuatap_service::national::DashboardQuery;
use satuatap_service::rollout::RolloutFilter;

use crate::setup::{Common, Server, fresh, percentile};

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Timed HTTP requests of each single page (after five warm-up requests).
    #[arg(long, default_value_t = 100)]
    pub requests: usize,
    /// Timed runs of the whole-country study (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Stats {
    p50: f64,
    p90: f64,
    max: f64,
}

fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(f64::total_cmp);
    Stats { p50: percentile(&v, 0.5), p90: percentile(&v, 0.9), max: v.last().copied().unwrap_or(f64::NAN) }
}

fn line(label: &str, http: &Stats, floor: Option<&Stats>) {
    match floor {
        Some(f) => println!(
            "{label:<34} HTTP p50 {:>7.1} ms  p90 {:>7.1}  max {:>7.1} | in-process p50 {:>7.1} ms  (HTTP/in-process {:.2})",
            http.p50,
            http.p90,
            http.max,
            f.p50,
            http.p50 / f.p50
        ),
        None => println!("{label:<34} HTTP p50 {:>7.1} ms  p90 {:>7.1}  max {:>7.1}", http.p50, http.p90, http.max),
    }
}

async fn get_timed(client: &reqwest::Client, url: &str) -> Result<(f64, usize)> {
    let t = Instant::now();
    let r = client.get(url).send().await?;
    anyhow::ensure!(r.status().is_success(), "{url}: {}", r.status());
    let n = r.bytes().await?.len();
    Ok((ms(t.elapsed()), n))
}

async fn repeat(client: &reqwest::Client, url: &str, n: usize) -> Result<Stats> {
    for _ in 0..5 {
        get_timed(client, url).await?;
    }
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(get_timed(client, url).await?.0);
    }
    Ok(stats(v))
}

/// Bytes of a page as sent with and without gzip (the client does not decompress).
async fn sizes(client: &reqwest::Client, url: &str) -> Result<(usize, usize)> {
    let raw = client.get(url).send().await?.bytes().await?.len();
    let gz = client.get(url).header("accept-encoding", "gzip").send().await?;
    anyhow::ensure!(gz.headers().get("content-encoding").is_some_and(|v| v == "gzip"), "{url} is not sent gzipped");
    Ok((raw, gz.bytes().await?.len()))
}

pub async fn run(c: &Common, a: &Args) -> Result<()> {
    let (url, dir, app) = fresh(c, "national").await?;
    let err = |e: satuatap_service::Error| anyhow::anyhow!("{e}");
    let t = Instant::now();
    app.load_demo_rollout().await.map_err(err)?;
    app.load_demo_national_history().await.map_err(err)?;
    println!("engine {}: register and a year of rollups loaded in {:.1} s", c.engine, t.elapsed().as_secs_f64());

    // The whole country in one run.
    let mut runs = Vec::new();
    let mut regencies = Vec::new();
    for i in 0..=a.runs {
        let t = Instant::now();
        let all = app.access_study_all().await.map_err(err)?;
        if i > 0 {
            runs.push(ms(t.elapsed()));
        }
        regencies = all.into_iter().map(|(code, _, _)| code).collect();
    }
    anyhow::ensure!(regencies.len() == 514, "{} regencies studied", regencies.len());
    let country = stats(runs);

    // In-process floors.
    let mut study_floor = Vec::new();
    for code in &regencies {
        let t = Instant::now();
        app.access_study(code, &StudyQuery::default()).await.map_err(err)?;
        study_floor.push(ms(t.elapsed()));
    }
    let study_floor = stats(study_floor);
    let mut programme_floor = Vec::new();
    for _ in 0..a.requests {
        let t = Instant::now();
        app.national_rollout(&RolloutFilter::default()).await.map_err(err)?;
        programme_floor.push(ms(t.elapsed()));
    }
    let programme_floor = stats(programme_floor);
    let period = satuatap_domain::survey::Period::parse("2026").context("period")?;
    let mut dash_floor = Vec::new();
    for _ in 0..a.requests {
        let t = Instant::now();
        app.ministry_dashboard(None, &period, &DashboardQuery::default()).await.map_err(err)?;
        dash_floor.push(ms(t.elapsed()));
    }
    let dash_floor = stats(dash_floor);

    // Over HTTP against the release server.
    let server = Server::start(c, &url, &dir).await?;
    let base = server.url.clone();
    let client = reqwest::Client::builder().build()?;
    let programme = repeat(&client, &format!("{base}/nasional"), a.requests).await?;
    let ranking = repeat(&client, &format!("{base}/nasional/jangkauan"), a.requests).await?;
    let dashboard = repeat(&client, &format!("{base}/nasional/dasbor?period=2026"), a.requests).await?;
    let bogor = repeat(&client, &format!("{base}/nasional/wilayah/32.71/kajian"), a.requests).await?;
    let mut study = Vec::new();
    let mut biggest = (0usize, String::new());
    for code in &regencies {
        let (t, n) = get_timed(&client, &format!("{base}/nasional/wilayah/{code}/kajian")).await?;
        study.push(t);
        if n > biggest.0 {
            biggest = (n, code.clone());
        }
    }
    let study = stats(study);
    let (map_raw, map_gz) = sizes(&client, &format!("{base}/nasional")).await?;
    let (st_raw, st_gz) = sizes(&client, &format!("{base}/nasional/wilayah/{}/kajian", biggest.1)).await?;
    server.stop().await;

    println!();
    line("programme page /nasional", &programme, Some(&programme_floor));
    line("study, Kota Bogor (32.71)", &bogor, None);
    line("study, each of the 514 regencies", &study, Some(&study_floor));
    line("ranking /nasional/jangkauan", &ranking, None);
    line("ministry dashboard (2026)", &dashboard, Some(&dash_floor));
    println!(
        "whole-country study (514 regencies)   p50 {:.0} ms  max {:.0} ms over {} runs",
        country.p50, country.max, a.runs
    );
    println!(
        "programme page with the national map  {:.0} KB raw, {:.0} KB gzipped (limit 300 KB)",
        map_raw as f64 / 1024.0,
        map_gz as f64 / 1024.0
    );
    println!(
        "largest study page ({})            {:.0} KB raw, {:.0} KB gzipped (its map limit 60 KB)",
        biggest.1,
        st_raw as f64 / 1024.0,
        st_gz as f64 / 1024.0
    );
    Ok(())
}
