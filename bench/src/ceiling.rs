//! Ceilings measured with the databases' own tools, not through our driver: the
//! statements a ticket's issue writes (its number, the ticket, its timeline entry,
//! the day, month and hour counts) as one transaction each, run by the `sqlite3`
//! shell (SQLite's C library, one connection, `synchronous = FULL` as the server
//! commits) and by `pgbench -M prepared` at the HTTP run's concurrency.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result, ensure};

/// Where a ticket of the ceiling goes: provider, service and number prefix.
#[derive(Clone)]
pub struct Target {
    pub provider_id: i64,
    pub service_id: i64,
    pub prefix: String,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Issued tickets per second by the `sqlite3` shell on the database file at `path`.
pub fn sqlite_issue(path: &str, mpp_id: i64, day: &str, targets: &[Target], tickets: usize) -> Result<f64> {
    let month = format!("{}-01", &day[..7]);
    let mut sql =
        String::from("PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\nPRAGMA busy_timeout = 10000;\n");
    let now = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')";
    for i in 0..tickets {
        let t = &targets[i % targets.len()];
        let (p, d) = (quote(&t.prefix), quote(day));
        sql.push_str(&format!(
            "BEGIN IMMEDIATE;
INSERT INTO ticket_sequences (mpp_id, prefix, day, last_number) VALUES ({mpp_id}, {p}, {d}, 1)
 ON CONFLICT (mpp_id, prefix, day) DO UPDATE SET last_number = ticket_sequences.last_number + 1;
INSERT INTO tickets (mpp_id, provider_id, service_id, day, prefix, number, code, token, status, priority, source,
 arrived_at, issued_at, queue_key, target_counter_id, request_key)
 SELECT {mpp_id}, {prov}, {svc}, {d}, {p}, last_number, {p} || '-' || last_number, 'sq-' || {p} || '-' || last_number || '-{i}',
 'waiting', NULL, 'kiosk', {now}, {now}, {now}, NULL, NULL
 FROM ticket_sequences WHERE mpp_id = {mpp_id} AND prefix = {p} AND day = {d};
INSERT INTO ticket_events (ticket_id, mpp_id, at, kind, service_id, counter_id, officer_id, note)
 VALUES (last_insert_rowid(), {mpp_id}, {now}, 'issued', {svc}, NULL, NULL, NULL);
INSERT INTO queue_day_stats (service_id, day, mpp_id, issued) VALUES ({svc}, {d}, {mpp_id}, 1)
 ON CONFLICT (service_id, day) DO UPDATE SET issued = queue_day_stats.issued + 1;
INSERT INTO queue_month_stats (mpp_id, month, issued) VALUES ({mpp_id}, {m}, 1)
 ON CONFLICT (mpp_id, month) DO UPDATE SET issued = queue_month_stats.issued + 1;
INSERT INTO queue_hour_stats (mpp_id, day, hour, issued) VALUES ({mpp_id}, {d}, 9, 1)
 ON CONFLICT (mpp_id, day, hour) DO UPDATE SET issued = queue_hour_stats.issued + 1;
COMMIT;
",
            prov = t.provider_id,
            svc = t.service_id,
            m = quote(&month),
        ));
    }
    let script = std::env::temp_dir().join("satuatap-ceiling-issue.sql");
    std::fs::write(&script, &sql)?;
    let input = std::fs::File::open(&script)?;
    let started = Instant::now();
    let out = std::process::Command::new("sqlite3")
        .arg(path)
        .stdin(input)
        .output()
        .context("running the sqlite3 shell (apt-get install sqlite3)")?;
    let secs = started.elapsed().as_secs_f64();
    ensure!(out.status.success(), "sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr));
    ensure!(out.stderr.is_empty(), "sqlite3 reported: {}", String::from_utf8_lossy(&out.stderr));
    Ok(tickets as f64 / secs)
}

/// Issued tickets per second by `pgbench -M prepared` with `clients` connections.
pub fn pg_issue(url: &str, mpp_id: i64, day: &str, targets: &[Target], tickets: usize, clients: usize) -> Result<f64> {
    let month = format!("{}-01", &day[..7]);
    let dir = std::env::temp_dir().join("satuatap-ceiling-pgbench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    // One script per target (weighted equally), as the HTTP run spreads its tickets.
    let mut args: Vec<String> = Vec::new();
    for (k, t) in targets.iter().enumerate() {
        let file = dir.join(format!("issue-{k}.sql"));
        let mut f = std::fs::File::create(&file)?;
        let p = quote(&t.prefix);
        write!(
            f,
            "BEGIN;
INSERT INTO ticket_sequences (mpp_id, prefix, day, last_number) VALUES ({mpp_id}, {p}, '{day}', 1) ON CONFLICT (mpp_id, prefix, day) DO UPDATE SET last_number = ticket_sequences.last_number + 1 RETURNING last_number AS num \\gset
INSERT INTO tickets (mpp_id, provider_id, service_id, day, prefix, number, code, token, status, priority, source, arrived_at, issued_at, queue_key, target_counter_id, request_key) VALUES ({mpp_id}, {prov}, {svc}, '{day}', {p}, :num, {p} || '-' || :num, 'pg-' || {p} || '-' || :num, 'waiting', NULL, 'kiosk', now(), now(), now(), NULL, NULL) RETURNING id AS tid \\gset
INSERT INTO ticket_events (ticket_id, mpp_id, at, kind, service_id, counter_id, officer_id, note) VALUES (:tid, {mpp_id}, now(), 'issued', {svc}, NULL, NULL, NULL);
INSERT INTO queue_day_stats (service_id, day, mpp_id, issued) VALUES ({svc}, '{day}', {mpp_id}, 1) ON CONFLICT (service_id, day) DO UPDATE SET issued = queue_day_stats.issued + 1;
INSERT INTO queue_month_stats (mpp_id, month, issued) VALUES ({mpp_id}, '{month}', 1) ON CONFLICT (mpp_id, month) DO UPDATE SET issued = queue_month_stats.issued + 1;
INSERT INTO queue_hour_stats (mpp_id, day, hour, issued) VALUES ({mpp_id}, '{day}', 9, 1) ON CONFLICT (mpp_id, day, hour) DO UPDATE SET issued = queue_hour_stats.issued + 1;
END;
",
            prov = t.provider_id,
            svc = t.service_id,
        )?;
        args.push("-f".into());
        args.push(file.display().to_string());
    }
    let per_client = tickets.div_ceil(clients.max(1));
    let out = std::process::Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", "2", "-t", &per_client.to_string()])
        .args(&args)
        .arg(url)
        .output()
        .context("running pgbench (apt-get install postgresql-client)")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    ensure!(out.status.success(), "pgbench failed: {}{}", text, String::from_utf8_lossy(&out.stderr));
    // "tps = 2650.123456 (without initial connection time)"
    let tps = text
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok())
        .with_context(|| format!("no tps in pgbench's report:\n{text}"))?;
    let failed = text.lines().find(|l| l.starts_with("number of failed transactions")).unwrap_or_default();
    ensure!(failed.is_empty() || failed.contains(": 0 "), "pgbench: {failed}");
    Ok(tps)
}
