//! SKM/IKM at national scale: N survey responses (10 million by default) spread
//! over every demo service and a year of days, written straight with SQL; the
//! daily and monthly rollups (`service_day_stats`, `service_month_stats`) built from them with one
//! `INSERT … SELECT … GROUP BY` and checked against the raw rows; then IKM for
//! one MPP and for the whole country through the application (which reads the
//! rollup) against the raw database aggregating `survey_responses` itself — the
//! two must give the identical index — and the public results over real HTTP.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use satuatap_domain::survey::{Period, Tally};
use satuatap_store::survey::Scope;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, PgConnection, SqliteConnection};

use crate::setup::{Common, Server, fresh, percentile};

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Survey responses to generate.
    #[arg(long, default_value_t = 10_000_000)]
    pub responses: u64,
    /// Timed runs of each in-process measurement (after one warm-up run).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Timed HTTP requests per endpoint (after five warm-up requests).
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    /// The MPP whose results are measured.
    #[arg(long, default_value = "kota-bogor")]
    pub mpp: String,
    /// The year the responses fall in (default: last year by the application's clock).
    #[arg(long)]
    pub year: Option<i32>,
}

/// Answer patterns the generator picks from, sorted from worst to best; each
/// service picks within a window of them shifted by its MPP and provider, so
/// MPPs and providers get different (but deterministic) results.
const PATTERNS: u64 = 4096;
const WINDOW: u64 = 1024;

/// How often each answer 1–4 is given, per element, in percent (U3 waiting
/// time and U8 complaint handling score lowest, U4 cost highest: many services are free).
const WEIGHTS: [[u32; 4]; 9] = [
    [3, 12, 55, 30],
    [4, 15, 55, 26],
    [8, 22, 50, 20],
    [2, 6, 40, 52],
    [3, 12, 57, 28],
    [3, 10, 55, 32],
    [2, 8, 50, 40],
    [10, 20, 48, 22],
    [4, 14, 54, 28],
];

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn patterns() -> Vec<[u8; 9]> {
    let mut state = 0x5eed_u64;
    let mut out: Vec<[u8; 9]> = (0..PATTERNS)
        .map(|_| {
            let mut p = [4u8; 9];
            for (e, w) in WEIGHTS.iter().enumerate() {
                let r = (splitmix(&mut state) % 100) as u32;
                let mut acc = 0;
                for (i, wi) in w.iter().enumerate() {
                    acc += wi;
                    if r < acc {
                        p[e] = i as u8 + 1;
                        break;
                    }
                }
            }
            p
        })
        .collect();
    out.sort_by_key(|p| p.iter().map(|&v| u32::from(v)).sum::<u32>());
    out
}

/// A direct connection to the benchmark database (the generator and the
/// ceiling: nothing the product does, so not through the store).
enum Db {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

macro_rules! on_db {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db {
            Db::Sqlite($c) => $body,
            Db::Pg($c) => $body,
        }
    };
}

impl Db {
    /// `bulk`: the loader's connection (SQLite: no fsync, no foreign-key checks, a big cache).
    async fn open(url: &str, bulk: bool) -> Result<Db> {
        if url.starts_with("postgres") {
            return Ok(Db::Pg(PgConnection::connect(url).await?));
        }
        let mut o = SqliteConnectOptions::new()
            .filename(url)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(60));
        if bulk {
            o = o
                .foreign_keys(false)
                .synchronous(SqliteSynchronous::Off)
                .pragma("cache_size", "-1048576")
                .pragma("temp_store", "memory");
        }
        Ok(Db::Sqlite(SqliteConnection::connect_with(&o).await?))
    }

    fn pg(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    /// A statement without parameters (simple protocol: `BEGIN`, `SET`, `VACUUM`, DDL).
    async fn exec(&mut self, sql: &str) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        Ok(on_db!(self, |c| sqlx::raw_sql(sql).execute(&mut *c).await?.rows_affected()))
    }

    async fn scalar(&mut self, sql: &str) -> Result<i64> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        Ok(on_db!(self, |c| sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut *c).await?))
    }

    async fn close(self) -> Result<()> {
        match self {
            Db::Sqlite(c) => c.close().await?,
            Db::Pg(c) => c.close().await?,
        }
        Ok(())
    }
}

/// Count and sums U1–U9, as the raw database computes them.
const SUMS: &str = "CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(u1), 0) AS BIGINT), CAST(COALESCE(SUM(u2), 0) AS BIGINT), CAST(COALESCE(SUM(u3), 0) AS BIGINT), CAST(COALESCE(SUM(u4), 0) AS BIGINT), CAST(COALESCE(SUM(u5), 0) AS BIGINT), CAST(COALESCE(SUM(u6), 0) AS BIGINT), CAST(COALESCE(SUM(u7), 0) AS BIGINT), CAST(COALESCE(SUM(u8), 0) AS BIGINT), CAST(COALESCE(SUM(u9), 0) AS BIGINT)";

type SumsRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

fn tally(r: SumsRow) -> Tally {
    let s = [r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9];
    Tally { n: r.0 as u64, sums: s.map(|v| v as u64) }
}

/// The ceiling: IKM's inputs aggregated straight from `survey_responses`
/// (one MPP through its `(mpp_id, day)` index, or every response of the period).
async fn raw_tally(db: &mut Db, mpp_id: Option<i64>, from: NaiveDate, to: NaiveDate) -> Result<Tally> {
    let row: SumsRow = match mpp_id {
        Some(m) => {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {SUMS} FROM survey_responses WHERE mpp_id = $1 AND day >= $2 AND day <= $3"
            ));
            on_db!(db, |c| sqlx::query_as(sql).bind(m).bind(from).bind(to).fetch_one(&mut *c).await?)
        }
        None => {
            let sql = sqlx::AssertSqlSafe(format!("SELECT {SUMS} FROM survey_responses WHERE day >= $1 AND day <= $2"));
            on_db!(db, |c| sqlx::query_as(sql).bind(from).bind(to).fetch_one(&mut *c).await?)
        }
    };
    Ok(tally(row))
}

/// A service the responses are spread over.
struct Svc {
    id: i64,
    provider_id: i64,
    mpp_id: i64,
}

/// Write `n` responses over `services` and the days from `first`, evenly:
/// response `k` goes to day `k·days/n` and service `k mod services`; its
/// answers are a pattern picked by a multiplicative hash of `k`.
async fn generate(db: &mut Db, services: &[Svc], n: u64, first: NaiveDate, days: u64) -> Result<()> {
    let int = if db.pg() { "BIGINT" } else { "INTEGER" };
    db.exec("DROP TABLE IF EXISTS bench_services").await?;
    db.exec("DROP TABLE IF EXISTS bench_patterns").await?;
    db.exec(&format!(
        "CREATE TEMP TABLE bench_services (idx {int} PRIMARY KEY, service_id {int} NOT NULL,
            provider_id {int} NOT NULL, mpp_id {int} NOT NULL, tilt {int} NOT NULL)"
    ))
    .await?;
    let us: Vec<String> = (1..=9).map(|i| format!("u{i} {int} NOT NULL")).collect();
    db.exec(&format!("CREATE TEMP TABLE bench_patterns (idx {int} PRIMARY KEY, {})", us.join(", "))).await?;
    let mut mpps: Vec<i64> = services.iter().map(|s| s.mpp_id).collect();
    mpps.sort_unstable();
    mpps.dedup();
    let rows: Vec<String> = services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let ord = mpps.binary_search(&s.mpp_id).unwrap_or(0) as u64;
            let tilt = (ord * (PATTERNS - WINDOW) / mpps.len() as u64 + (s.provider_id as u64 * 37) % 256)
                .min(PATTERNS - WINDOW);
            format!("({i}, {}, {}, {}, {tilt})", s.id, s.provider_id, s.mpp_id)
        })
        .collect();
    for chunk in rows.chunks(400) {
        db.exec(&format!("INSERT INTO bench_services VALUES {}", chunk.join(", "))).await?;
    }
    let rows: Vec<String> =
        patterns().iter().enumerate().map(|(i, p)| format!("({i}, {})", p.map(|v| v.to_string()).join(", "))).collect();
    for chunk in rows.chunks(400) {
        db.exec(&format!("INSERT INTO bench_patterns VALUES {}", chunk.join(", "))).await?;
    }

    let columns = "mpp_id, provider_id, service_id, day, channel, u1, u2, u3, u4, u5, u6, u7, u8, u9, created_at";
    let select =
        "s.mpp_id, s.provider_id, s.service_id, $3, 'tablet', p.u1, p.u2, p.u3, p.u4, p.u5, p.u6, p.u7, p.u8, p.u9, $4";
    let pick = format!("s.tilt + ((k * 2654435761) % 4294967296) * {WINDOW} / 4294967296");
    let sql = if db.pg() {
        format!(
            "INSERT INTO survey_responses ({columns}) SELECT {select}
             FROM generate_series($1::BIGINT, $2::BIGINT - 1) AS g(k)
             JOIN bench_services s ON s.idx = k % $5 JOIN bench_patterns p ON p.idx = {pick}"
        )
    } else {
        // CROSS JOIN keeps the series as the outer loop; the others are primary-key lookups.
        format!(
            "WITH RECURSIVE seq(k) AS (SELECT $1 UNION ALL SELECT k + 1 FROM seq WHERE k + 1 < $2)
             INSERT INTO survey_responses ({columns}) SELECT {select}
             FROM seq CROSS JOIN bench_services s CROSS JOIN bench_patterns p
             WHERE s.idx = k % $5 AND p.idx = {pick}"
        )
    };
    let nsvc = services.len() as i64;
    db.exec("BEGIN").await?;
    if db.pg() {
        // Bulk load: the ids come from the services table itself, so foreign-key triggers are skipped.
        db.exec("SET LOCAL session_replication_role = replica").await?;
        db.exec("SET LOCAL synchronous_commit = off").await?;
    }
    let started = Instant::now();
    for d in 0..days {
        let (start, end) = ((n * d / days) as i64, (n * (d + 1) / days) as i64);
        if start == end {
            continue;
        }
        let day = first + chrono::Days::new(d);
        let at = Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).context("time")?);
        let sql = sqlx::AssertSqlSafe(sql.clone());
        on_db!(&mut *db, |c| sqlx::query(sql)
            .bind(start)
            .bind(end)
            .bind(day)
            .bind(at)
            .bind(nsvc)
            .execute(&mut *c)
            .await?
            .rows_affected());
        if (d + 1) % 73 == 0 {
            eprintln!("  {} of {n} responses written ({:.0} s)", end, started.elapsed().as_secs_f64());
        }
    }
    db.exec("COMMIT").await?;
    db.exec("DROP TABLE bench_services").await?;
    db.exec("DROP TABLE bench_patterns").await?;
    Ok(())
}

/// The rollup the per-response upsert keeps, built in one statement from the
/// responses with ids above `after` (added to whatever rows are already there).
async fn rollup(db: &mut Db, after: i64) -> Result<u64> {
    let sums: Vec<String> = (1..=9).map(|i| format!("SUM(u{i})")).collect();
    let set: Vec<String> = (1..=9).map(|i| format!("s{i} = service_day_stats.s{i} + excluded.s{i}")).collect();
    let sql = format!(
        "INSERT INTO service_day_stats (service_id, day, mpp_id, provider_id, responses, s1, s2, s3, s4, s5, s6, s7, s8, s9)
         SELECT service_id, day, mpp_id, provider_id, COUNT(*), {}
         FROM survey_responses WHERE id > $1
         GROUP BY service_id, day, mpp_id, provider_id
         ON CONFLICT (service_id, day) DO UPDATE SET responses = service_day_stats.responses + excluded.responses, {}",
        sums.join(", "),
        set.join(", ")
    );
    let sql = sqlx::AssertSqlSafe(sql);
    let days = on_db!(db, |c| sqlx::query(sql).bind(after).execute(&mut *c).await?.rows_affected());
    // The monthly rollup beside it, as the per-response upsert keeps both.
    let month = if db.pg() { "CAST(date_trunc('month', day) AS DATE)" } else { "date(day, 'start of month')" };
    let set: Vec<String> = (1..=9).map(|i| format!("s{i} = service_month_stats.s{i} + excluded.s{i}")).collect();
    let sql = format!(
        "INSERT INTO service_month_stats (service_id, month, mpp_id, provider_id, responses, s1, s2, s3, s4, s5, s6, s7, s8, s9)
         SELECT service_id, {month}, MIN(mpp_id), MIN(provider_id), COUNT(*), {}
         FROM survey_responses WHERE id > $1
         GROUP BY service_id, {month}
         ON CONFLICT (service_id, month) DO UPDATE SET responses = service_month_stats.responses + excluded.responses, {}",
        sums.join(", "),
        set.join(", ")
    );
    let sql = sqlx::AssertSqlSafe(sql);
    let months = on_db!(db, |c| sqlx::query(sql).bind(after).execute(&mut *c).await?.rows_affected());
    Ok(days + months)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (percentile(&v, 0.5), percentile(&v, 0.95), v.last().copied().unwrap_or(f64::NAN))
}

fn ratio(x: f64) -> String {
    if x < 10.0 { format!("{x:.2}") } else { format!("{x:.0}") }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn size_of_files(path: &Path) -> u64 {
    ["", "-wal"].iter().filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok()).map(|m| m.len()).sum()
}

/// What an answer must show to count.
type Check<'a> = &'a dyn Fn(&[u8]) -> bool;

/// Median, p95 and max latency of up to `n` GETs after five warm-ups (fewer when
/// the warm-ups show a request takes long: about a minute of requests, at least
/// 20); every answer must be 200 and pass `check`. Returns the requests timed too.
async fn http_latency(
    client: &reqwest::Client,
    url: &str,
    n: usize,
    check: Check<'_>,
) -> Result<(usize, (f64, f64, f64))> {
    let get = || async {
        let t0 = Instant::now();
        let r = client.get(url).send().await?;
        let status = r.status();
        let body = r.bytes().await?;
        let took = ms(t0.elapsed());
        anyhow::ensure!(status.is_success(), "GET {url}: {status}");
        anyhow::ensure!(check(&body), "GET {url}: unexpected answer");
        Ok::<_, anyhow::Error>(took)
    };
    let mut warm = 0.0_f64;
    for _ in 0..5 {
        warm = warm.max(get().await?);
    }
    let n = if warm * n as f64 > 60_000.0 { ((60_000.0 / warm) as usize).clamp(20, n) } else { n };
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        lat.push(get().await?);
    }
    Ok((n, stats(lat)))
}

pub async fn run(c: &Common, a: &Args) -> Result<()> {
    let (url, dir, app) = fresh(c, "ikm").await?;
    let year = a.year.unwrap_or(app.now().year() - 1);
    let period = Period::Year(year);
    let (from, to) = period.bounds();
    let days = (to - from).num_days() as u64 + 1;
    let mpp = app.mpp_by_slug(&a.mpp).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let engine = c.engine.as_str();

    // 1. The responses, straight with SQL, then the rollup from them.
    let mut db = Db::open(&url, true).await?;
    let services: Vec<Svc> = {
        let rows: Vec<(i64, i64, i64)> =
            on_db!(&mut db, |c| sqlx::query_as("SELECT id, provider_id, mpp_id FROM services ORDER BY id")
                .fetch_all(&mut *c)
                .await?);
        rows.into_iter().map(|(id, provider_id, mpp_id)| Svc { id, provider_id, mpp_id }).collect()
    };
    anyhow::ensure!(!services.is_empty(), "the demo has no services");
    let mpp_services = services.iter().filter(|s| s.mpp_id == mpp.id).count();
    let n_mpps = {
        let mut m: Vec<i64> = services.iter().map(|s| s.mpp_id).collect();
        m.sort_unstable();
        m.dedup();
        m.len()
    };
    eprintln!(
        "engine {engine}: generating {} responses over {} services in {n_mpps} MPPs and the {days} days of {year}",
        thousands(a.responses),
        services.len()
    );
    let before = db.scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM survey_responses").await?;
    let t0 = Instant::now();
    generate(&mut db, &services, a.responses, from, days).await?;
    let gen_secs = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let rollup_rows = rollup(&mut db, before).await?;
    let rollup_secs = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    if db.pg() {
        // What autovacuum would do after such a load: statistics and the visibility map.
        db.exec("VACUUM ANALYZE survey_responses").await?;
        db.exec("VACUUM ANALYZE service_day_stats").await?;
        db.exec("VACUUM ANALYZE service_month_stats").await?;
        db.exec("CHECKPOINT").await?;
    } else {
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    // Measure the steady state, not the disk still writing back the load.
    let _ = tokio::process::Command::new("sync").status().await;
    let settle_secs = t0.elapsed().as_secs_f64();
    let size = if db.pg() {
        db.scalar("SELECT CAST(pg_total_relation_size('survey_responses') AS BIGINT)").await? as u64
    } else {
        size_of_files(Path::new(&url))
    };
    db.close().await?;
    eprintln!(
        "generated in {gen_secs:.1} s ({:.0} responses/s); rollup {rollup_rows} rows in {rollup_secs:.1} s; {} {settle_secs:.1} s; {:.2} GiB",
        a.responses as f64 / gen_secs,
        if c.engine == "postgres" { "VACUUM ANALYZE, checkpoint and sync" } else { "checkpoint and sync" },
        size as f64 / (1u64 << 30) as f64
    );

    // The rollup must hold exactly what the rows say: a few sample service-days.
    let mut db = Db::open(&url, false).await?;
    let mut checked = 0;
    for (i, d) in [(0, 0), (1, 100), (2, 200), (3, days - 1)] {
        let s = &services[(i * services.len() / 3).min(services.len() - 1)];
        let day = from + chrono::Days::new(d);
        let mut r = app.store.read().await?;
        let ours = r.tally(Scope { service_id: Some(s.id), ..Default::default() }, day, day).await?;
        drop(r);
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMS} FROM survey_responses WHERE mpp_id = $1 AND day = $2 AND service_id = $3"
        ));
        let raw: SumsRow =
            on_db!(&mut db, |c| sqlx::query_as(sql).bind(s.mpp_id).bind(day).bind(s.id).fetch_one(&mut *c).await?);
        let raw = tally(raw);
        let ours_sums = ours.sums().map(|v| v as u64);
        anyhow::ensure!(
            ours.responses as u64 == raw.n && ours_sums == raw.sums,
            "rollup of service {} on {day}: {} responses {:?}, raw {} {:?}",
            s.id,
            ours.responses,
            ours_sums,
            raw.n,
            raw.sums
        );
        checked += 1;
    }
    eprintln!("rollup checked against the raw rows on {checked} sample service-days");

    // 2. IKM through the application (the rollup) against the raw aggregate.
    let mut rows = Vec::new();
    // A range that cuts months reads the daily rollup for its partial months.
    let (cut_from, cut_to) =
        (NaiveDate::from_ymd_opt(year, 2, 15).context("date")?, NaiveDate::from_ymd_opt(year, 11, 14).context("date")?);
    let cut = Period::Range(cut_from, cut_to);
    for (label, mpp_id, period, from, to) in [
        (format!("one MPP ({}, {mpp_services} services), {year}", mpp.slug), Some(mpp.id), period, from, to),
        (format!("one MPP, {cut_from} to {cut_to} (partial months)"), Some(mpp.id), cut, cut_from, cut_to),
        (format!("national ({n_mpps} MPPs), {year}"), None, period, from, to),
    ] {
        let (mut ours, mut raw) = (Vec::new(), Vec::new());
        let (mut ours_centi, mut ours_n) = (None, 0);
        for i in 0..=a.runs {
            let t0 = Instant::now();
            let report = match mpp_id {
                Some(m) => app.mpp_ikm(m, None, None, &period).await,
                None => app.national_ikm(&period).await,
            }
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let took = ms(t0.elapsed());
            if i > 0 {
                ours.push(took);
            }
            (ours_centi, ours_n) = (report.ikm_centi, report.respondents);
        }
        let mut raw_tally_seen = Tally::default();
        for i in 0..=a.runs {
            let t0 = Instant::now();
            let t = raw_tally(&mut db, mpp_id, from, to).await?;
            let took = ms(t0.elapsed());
            if i > 0 {
                raw.push(took);
            }
            raw_tally_seen = t;
        }
        anyhow::ensure!(
            ours_centi == raw_tally_seen.ikm_centi() && ours_n == raw_tally_seen.n,
            "{label}: the application says IKM {ours_centi:?} over {ours_n} responses, the raw rows {:?} over {}",
            raw_tally_seen.ikm_centi(),
            raw_tally_seen.n
        );
        let ikm = raw_tally_seen.result().context("no responses")?;
        rows.push((label, ours_n, stats(ours), stats(raw), format!("{} ({})", ikm.text(), ikm.grade.letter())));
    }
    db.close().await?;
    let mpp_ikm = {
        let r = app.mpp_ikm(mpp.id, None, None, &period).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        (r.ikm_centi, r.ikm.unwrap_or_default())
    };
    app.store.close().await;

    // 3. The public results over real HTTP: the JSON API, and the pages when this build has them.
    let server = Server::start(c, &url, &dir).await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(4).build()?;
    let (expect, text) = mpp_ikm;
    let comma = text.replace('.', ",");
    let json_ok = move |b: &[u8]| {
        serde_json::from_slice::<serde_json::Value>(b).ok().and_then(|v| v["ikm_centi"].as_u64()) == expect
    };
    let any_json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).is_ok_and(|v| v["ikm_centi"].is_u64());
    let shows = move |b: &[u8]| {
        let s = String::from_utf8_lossy(b);
        s.contains(&text) || s.contains(&comma)
    };
    let any_page = |b: &[u8]| String::from_utf8_lossy(b).contains("IKM");
    let cut_path = format!("/mpp/{}/ikm?dari={cut_from}&sampai={cut_to}", mpp.slug);
    let endpoints: [(String, String, bool, Check); 5] = [
        (
            format!("API, one MPP: `/api/v1/mpps/{{id}}/ikm?period={year}`"),
            format!("/api/v1/mpps/{}/ikm?period={year}", mpp.id),
            false,
            &json_ok,
        ),
        (
            format!("results page, one MPP: `/mpp/{}/ikm?periode={year}`", mpp.slug),
            format!("/mpp/{}/ikm?periode={year}", mpp.slug),
            true,
            &shows,
        ),
        (format!("results page, one MPP, {cut_from} to {cut_to}: `{cut_path}`"), cut_path.clone(), true, &any_page),
        (format!("API, national: `/api/v1/ikm?period={year}`"), format!("/api/v1/ikm?period={year}"), false, &any_json),
        (format!("results page, national: `/ikm?periode={year}`"), format!("/ikm?periode={year}"), true, &any_page),
    ];
    let mut web = Vec::new();
    for (label, path, page, check) in endpoints {
        let url = format!("{}{path}", server.url);
        if page {
            let probe = client.get(&url).send().await?.status();
            if !probe.is_success() {
                eprintln!("{label}: {probe}, not measured (no such page in this build)");
                continue;
            }
        }
        web.push((label, http_latency(&client, &url, a.requests, check).await?));
    }
    server.stop().await;

    println!(
        "Generated {} responses ({} services, {n_mpps} MPPs, {days} days) in {gen_secs:.1} s ({:.0}/s); rollup of {} service-days in {rollup_secs:.1} s; {:.2} GiB ({}).",
        thousands(a.responses),
        services.len(),
        a.responses as f64 / gen_secs,
        thousands(rollup_rows),
        size as f64 / (1u64 << 30) as f64,
        if c.engine == "postgres" { "survey_responses with its indexes" } else { "the whole database file" }
    );
    println!();
    println!(
        "| engine | IKM of | responses | ours: rollup via App, median / p95 (ms) | raw over survey_responses, median / p95 (ms) | raw / ours | IKM (both) |"
    );
    println!("|---|---|---:|---:|---:|---:|---|");
    for (label, n, o, r, ikm) in &rows {
        println!(
            "| {engine} | {label} | {} | {:.1} / {:.1} | {:.1} / {:.1} | {} | {ikm} |",
            thousands(*n),
            o.0,
            o.1,
            r.0,
            r.1,
            ratio(r.0 / o.0)
        );
    }
    println!();
    println!("| engine | request | requests | p50 (ms) | p95 (ms) | max (ms) |");
    println!("|---|---|---:|---:|---:|---:|");
    for (label, (n, (p50, p95, max))) in &web {
        println!("| {engine} | {label} | {n} | {p50:.1} | {p95:.1} | {max:.1} |");
    }
    Ok(())
}
