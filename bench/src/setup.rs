//! A fresh database with the demo data, and the real server as a child process.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::Connection;
use tokio::io::AsyncBufReadExt;

#[derive(clap::Args, Clone)]
pub struct Common {
    /// `sqlite` or `postgres`.
    #[arg(long, default_value = "sqlite")]
    pub engine: String,
    /// PostgreSQL server to create the benchmark database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub pg: String,
    /// The server binary (build it with `cargo build --release -p satuatap`).
    #[arg(long, default_value = "target/release/satuatap")]
    pub server: PathBuf,
}

pub const SECRET: &str = "benchmark-secret-benchmark-secret-000";

/// Create a fresh database, migrate it and load the demo data; returns its URL
/// and the application opened on it (for the direct-database ceilings).
pub async fn fresh(c: &Common, name: &str) -> Result<(String, PathBuf, satuatap_service::App)> {
    let dir = std::env::temp_dir().join(format!("satuatap-bench-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let url = if c.engine == "postgres" {
        let mut admin = sqlx::PgConnection::connect(&c.pg).await.context("PostgreSQL reachable")?;
        let db = format!("satuatap_bench_{name}");
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")))
            .execute(&mut admin)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut admin).await?;
        let cut = c.pg.rfind('/').unwrap_or(c.pg.len());
        format!("{}/{db}", &c.pg[..cut])
    } else {
        dir.join("satuatap.db").display().to_string()
    };
    let settings = satuatap::Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.clone(),
        database_url: Some(url.clone()),
        secret_key: Some(SECRET.into()),
        max_connections: 32,
        acquire_timeout: std::time::Duration::from_secs(10),
        // SATUATAP_UNSAFE_NO_FSYNC=1 measures the same run without durable commits;
        // the server process reads the same variable.
        durable: std::env::var_os("SATUATAP_UNSAFE_NO_FSYNC").is_none(),
        web: Default::default(),
    };
    let app = satuatap::open(&settings).await?;
    app.load_demo().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    app.open_demo_queues_around_the_clock().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((url, dir, app))
}

pub struct Server {
    pub url: String,
    child: tokio::process::Child,
}

impl Server {
    /// `satuatap serve` on a free port, without per-address limits.
    pub async fn start(c: &Common, db_url: &str, dir: &std::path::Path) -> Result<Server> {
        Self::start_with(c, db_url, dir, &[]).await
    }

    /// The same, with more options.
    pub async fn start_with(c: &Common, db_url: &str, dir: &std::path::Path, extra: &[&str]) -> Result<Server> {
        let mut child = tokio::process::Command::new(&c.server)
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", db_url, "--secret-key", SECRET])
            .args(["--tickets-per-minute", "100000000", "--logins-per-minute", "100000", "--max-connections", "32"])
            // All load comes from 127.0.0.1: no cap on one address's connections.
            .args(["--max-connections-per-address", "0"])
            .args(extra)
            .arg("--data-dir")
            .arg(dir.join("server"))
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", c.server.display()))?;
        let mut lines = tokio::io::BufReader::new(child.stdout.take().context("stdout")?).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.strip_prefix("satuatap is running at ") {
                    return Ok(rest.trim_end_matches('/').to_string());
                }
            }
            anyhow::bail!("server exited")
        })
        .await??;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { url, child })
    }

    /// Stop with SIGKILL (`kill -9`): nothing is flushed or shut down cleanly.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// The credential of a kiosk paired with an MPP (sent as `X-Device-Token`):
/// kiosks issue tickets the way the load generator does.
pub async fn kiosk_credential(app: &satuatap_service::App, mpp_id: i64) -> Result<String> {
    let input = satuatap_service::devices::DeviceInput {
        name: "Kios beban".into(),
        kind: "kiosk".into(),
        ..Default::default()
    };
    let made = app
        .register_device(&satuatap_service::Actor::system(), mpp_id, &input)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let paired = app.pair_device(&made.pairing_code, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(paired.credential)
}

/// A signed-in API client.
pub async fn session(base: &str, email: &str) -> Result<(reqwest::Client, String)> {
    let client = reqwest::Client::builder().cookie_store(true).pool_max_idle_per_host(64).build()?;
    let me: serde_json::Value = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": satuatap_service::demo::DEMO_PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok((client, me["csrf_token"].as_str().unwrap_or_default().to_string()))
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
