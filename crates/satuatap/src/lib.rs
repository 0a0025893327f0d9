//! The `satuatap` program: configuration, start-up and the command line.
//! Tests use [`start`] to run the real server on a free port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use satuatap_service::crypto::Keys;
use satuatap_service::{App, Config};
use satuatap_store::{Store, StoreOptions};
use satuatap_web::{AppState, WebConfig};
use tokio::net::TcpListener;

pub mod backup;
pub mod serve;

/// Where the data lives and how the server listens.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: String,
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; otherwise SQLite (default: `<data-dir>/satuatap.db`).
    pub database_url: Option<String>,
    pub secret_key: Option<String>,
    pub max_connections: u32,
    /// How long a request may wait for a database connection before it is refused as busy.
    pub acquire_timeout: std::time::Duration,
    /// SQLite's `synchronous = FULL`; false only to measure its cost (see StoreOptions).
    pub durable: bool,
    pub web: WebConfig,
}

impl Settings {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| self.data_dir.join("satuatap.db").display().to_string())
    }

    pub fn is_sqlite(&self) -> bool {
        !self.database_url().starts_with("postgres")
    }
}

/// The master secret: from the setting, else from `<data-dir>/secret.key`,
/// created on first start with owner-only permissions.
pub fn load_secret(settings: &Settings) -> Result<Vec<u8>> {
    if let Some(k) = &settings.secret_key {
        anyhow::ensure!(k.len() >= 32, "SATUATAP_SECRET_KEY must be at least 32 characters");
        return Ok(k.as_bytes().to_vec());
    }
    let path = settings.data_dir.join("secret.key");
    if let Ok(k) = std::fs::read_to_string(&path) {
        let k = k.trim().to_string();
        anyhow::ensure!(k.len() >= 32, "{} is too short; delete it to make a new one", path.display());
        return Ok(k.into_bytes());
    }
    let k = Keys::generate_secret().map_err(|e| anyhow::anyhow!("{e}"))?;
    write_private(&path, &k)?;
    Ok(k.into_bytes())
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

/// Open the database, migrate it, and assemble the application.
pub async fn open(settings: &Settings) -> Result<App> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
    let url = settings.database_url();
    let opts = StoreOptions {
        max_connections: settings.max_connections,
        acquire_timeout: settings.acquire_timeout,
        durable: settings.durable,
    };
    let store = Store::connect(&url, &opts).await.with_context(|| format!("opening database {}", redact(&url)))?;
    store.migrate().await.context("applying migrations")?;
    let keys = Keys::from_secret(&load_secret(settings)?);
    Ok(App::new(store, keys, Config::default()))
}

/// Hide a password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    /// Where `/metrics` is served, when asked for.
    pub metrics_addr: Option<SocketAddr>,
    pub app: App,
    handle: tokio::task::JoinHandle<()>,
    metrics: Option<tokio::task::JoinHandle<()>>,
    shutdown: tokio::sync::watch::Sender<bool>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Ask the server and the background tasks to end, without waiting for them
    /// (for a `Drop`; prefer [`Running::stop`]).
    pub fn signal_stop(&self) {
        let _ = self.shutdown.send(true);
        self.app.shutdown();
    }

    /// Stop serving, end the background tasks and close the database.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        self.app.shutdown();
        let _ = self.handle.await;
        if let Some(m) = self.metrics {
            let _ = m.await;
        }
        self.app.store.close().await;
    }
}

/// Bind and serve `app` in the background.
pub async fn start(app: App, listen: &str, web: WebConfig) -> Result<Running> {
    let listener = TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let limits = serve::ConnLimits { per_address: web.max_connections_per_address, read_timeout: web.read_timeout };
    let metrics_listen = web.metrics_listen.clone();
    let state = AppState::new(app.clone(), web);
    let (tx, rx) = tokio::sync::watch::channel(false);
    // Metrics on their own listener, for the operators' network only.
    let (metrics_addr, metrics) = match metrics_listen {
        Some(at) => {
            let l = TcpListener::bind(&at).await.with_context(|| format!("metrics listening on {at}"))?;
            let addr = l.local_addr()?;
            let router = satuatap_web::metrics::router(state.clone());
            let mut stop = rx.clone();
            let task = tokio::spawn(async move {
                let until = async move {
                    let _ = stop.wait_for(|s| *s).await;
                };
                if let Err(e) = axum::serve(l, router).with_graceful_shutdown(until).await {
                    tracing::warn!(error = %e, "metrics listener failed");
                }
            });
            (Some(addr), Some(task))
        }
        None => (None, None),
    };
    let router = satuatap_web::router(state);
    // Warm the search index so the first visitor does not pay for it.
    if let Err(e) = app.refresh_search().await {
        tracing::warn!(error = %e, "search index not ready");
    }
    app.start_background().await.map_err(|e| anyhow::anyhow!("starting background tasks: {e}"))?;
    let handle = tokio::spawn(serve::serve(listener, router, limits, rx));
    Ok(Running { addr, metrics_addr, app, handle, metrics, shutdown: tx })
}
