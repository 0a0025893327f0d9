//! `satuatap`: the one binary of the platform.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use satuatap::{Settings, open, redact, start};
use satuatap_service::users::UserInput;
use satuatap_web::WebConfig;

/// satuatap runs Indonesia's Mal Pelayanan Publik (public service malls): the public
/// service catalogue, accounts and administration, on SQLite or PostgreSQL.
///
/// Quick start:  satuatap demo     (demo data on SQLite; prints the URL and the logins)
/// Production:   satuatap migrate
///               satuatap user add --role national_admin --email you@example.go.id --name "…"
///               satuatap serve --listen 0.0.0.0:8080
#[derive(Parser, Debug)]
#[command(name = "satuatap", version, verbatim_doc_comment)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug)]
struct Global {
    /// Address and port to listen on.
    #[arg(long, env = "SATUATAP_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    listen: String,
    /// Directory for the SQLite database and the secret key.
    #[arg(long, env = "SATUATAP_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// Database URL: `postgres://user@host/db` selects PostgreSQL; default is SQLite in the data directory.
    #[arg(long, env = "SATUATAP_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Master secret (32+ characters) shared by all nodes; default: <data-dir>/secret.key, created on first start.
    #[arg(long, env = "SATUATAP_SECRET_KEY", global = true, hide_env_values = true)]
    secret_key: Option<String>,
    /// Database connections per process (PostgreSQL) or SQLite readers.
    #[arg(long, env = "SATUATAP_MAX_CONNECTIONS", default_value_t = 16, global = true)]
    max_connections: u32,
    /// Milliseconds a request may wait for a free database connection before it is
    /// refused with 503 and `Retry-After` (the database is saturated).
    #[arg(long, env = "SATUATAP_DB_WAIT_MS", default_value_t = 10_000, global = true)]
    db_wait_ms: u64,
    /// Benchmarks only: SQLite commits without waiting for the disk (`synchronous =
    /// NORMAL`), to measure what durability costs. A power cut may then lose bookings
    /// already confirmed to visitors. Never in production.
    #[arg(long, env = "SATUATAP_UNSAFE_NO_FSYNC", global = true, hide = true)]
    unsafe_no_fsync: bool,
    /// Mark cookies Secure; set when served over HTTPS.
    #[arg(long, env = "SATUATAP_SECURE_COOKIES", global = true)]
    secure_cookies: bool,
    /// Trust X-Forwarded-For for the client address (only behind your own reverse proxy).
    #[arg(long, env = "SATUATAP_TRUST_PROXY", global = true)]
    trust_proxy: bool,
    /// Queue tickets one address may take per minute (raise it when kiosks share an address).
    #[arg(long, env = "SATUATAP_TICKETS_PER_MINUTE", default_value_t = 30, global = true)]
    tickets_per_minute: u32,
    /// Booking attempts one address may make per minute (raise it behind a shared address).
    #[arg(long, env = "SATUATAP_BOOKINGS_PER_MINUTE", default_value_t = 10, global = true)]
    bookings_per_minute: u32,
    /// Availability reads one address may make per minute.
    #[arg(long, env = "SATUATAP_READS_PER_MINUTE", default_value_t = 240, global = true)]
    reads_per_minute: u32,
    /// Bookings processed at once before the waiting room opens (per node).
    #[arg(long, env = "SATUATAP_MAX_INFLIGHT_BOOKINGS", default_value_t = 64, global = true)]
    max_inflight_bookings: usize,
    /// The least number of visitors the waiting room lets in per second (it also lets in
    /// one for every booking finished).
    #[arg(long, env = "SATUATAP_ADMIT_PER_SECOND", default_value_t = 20.0, global = true)]
    admit_per_second: f64,
    /// Milliseconds a booking may wait for a free place before the waiting room opens.
    #[arg(long, env = "SATUATAP_ADMISSION_WAIT_MS", default_value_t = 1000, global = true)]
    admission_wait_ms: u64,
    /// Survey answers (and survey-code lookups) one address may send per minute.
    #[arg(long, env = "SATUATAP_SURVEYS_PER_MINUTE", default_value_t = 30, global = true)]
    surveys_per_minute: u32,
    /// Complaints, comments and ratings one address may send per hour.
    #[arg(long, env = "SATUATAP_COMPLAINTS_PER_HOUR", default_value_t = 20, global = true)]
    complaints_per_hour: u32,
    /// Lookups by booking code (its page, QR code, check-in) one address may make per minute;
    /// paired kiosks are not counted.
    #[arg(long, env = "SATUATAP_CODE_LOOKUPS_PER_MINUTE", default_value_t = 60, global = true)]
    code_lookups_per_minute: u32,
    /// Connections one address may hold open at once (0: no limit). Phones on an MPP's
    /// own Wi-Fi share its address: keep it well above the visitors following their tickets.
    #[arg(long, env = "SATUATAP_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 512, global = true)]
    max_connections_per_address: usize,
    /// Seconds a client may take to send a request's head, or between two pieces of its body.
    #[arg(long, env = "SATUATAP_READ_TIMEOUT_SECS", default_value_t = 10, global = true)]
    read_timeout_secs: u64,
    /// Sign-in attempts one address may make per minute.
    #[arg(long, env = "SATUATAP_LOGINS_PER_MINUTE", default_value_t = 20, global = true)]
    logins_per_minute: u32,
    /// SMTP server for e-mail to visitors: `smtp://user:password@host:port` (plain, e.g. a
    /// local relay), `smtp://…?tls=starttls` (STARTTLS required; port 587) or `smtps://…`
    /// (TLS; port 465). Without it, e-mail waits in the outbox.
    #[arg(long, env = "SATUATAP_SMTP_URL", global = true, hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender of those e-mails, e.g. `MPP Kota Bogor <mpp@kotabogor.go.id>`.
    #[arg(long, env = "SATUATAP_MAIL_FROM", global = true)]
    mail_from: Option<String>,
    /// SMS/WhatsApp gateway webhook receiving `{"channel","to","text"}` as JSON.
    #[arg(long, env = "SATUATAP_WEBHOOK_URL", global = true)]
    webhook_url: Option<String>,
    /// Secret for the webhook's `X-Satuatap-Signature` (HMAC-SHA256 of the body).
    #[arg(long, env = "SATUATAP_WEBHOOK_SECRET", global = true, hide_env_values = true)]
    webhook_secret: Option<String>,
    /// The address citizens reach this server at, for the QR codes on tickets
    /// (default: the address the kiosk used).
    #[arg(long, env = "SATUATAP_PUBLIC_URL", global = true)]
    public_url: Option<String>,
    /// Serve metrics in the Prometheus text format at `/metrics` on this address (keep it
    /// on the operators' network, e.g. `127.0.0.1:9184`); default: not served.
    #[arg(long, env = "SATUATAP_METRICS_LISTEN", global = true)]
    metrics_listen: Option<String>,
    /// `text` (default) or `json` (one JSON object per line, for log collectors).
    #[arg(long, env = "SATUATAP_LOG_FORMAT", default_value = "text", global = true)]
    log_format: LogFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start with demo data: creates or reuses the database, loads the demo MPPs if it is empty,
    /// serves, and prints the URL and demo logins.
    Demo {
        /// Run as if it were this moment (RFC 3339, e.g. `2027-02-02T09:00:00+07:00`), ticking on
        /// from there: to try bookings and check-in, or train officers, outside office hours.
        #[arg(long, env = "SATUATAP_DEMO_CLOCK")]
        clock: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Start the server (no demo data).
    Serve,
    /// Apply database migrations (and load the national registry) and exit.
    Migrate,
    /// Manage accounts from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a backup while the server runs: SQLite through `VACUUM INTO` (a consistent
    /// copy), PostgreSQL through `pg_dump --format=custom`. Keep the secret key apart:
    /// sealed NIKs and phone numbers cannot be read without it.
    Backup {
        /// The file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place of the database, with the server stopped: SQLite after an
    /// integrity check, PostgreSQL through `pg_restore`.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create an account, e.g. the first national admin:
    /// satuatap user add --role national_admin --email admin@example.go.id --name "Admin"
    Add {
        /// national_admin, mpp_manager, provider_admin, counter_officer or citizen.
        #[arg(long)]
        role: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// The MPP (slug or id), for MPP and provider roles.
        #[arg(long)]
        mpp: Option<String>,
        /// The provider (id), for provider admins and counter officers.
        #[arg(long)]
        provider: Option<i64>,
        /// The password; default: a random one, printed once, to be changed at first sign-in.
        #[arg(long, env = "SATUATAP_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

fn messaging(g: &Global, demo: bool) -> satuatap_service::outbox::Messaging {
    satuatap_service::outbox::Messaging {
        smtp_url: g.smtp_url.clone(),
        mail_from: g.mail_from.clone(),
        webhook_url: g.webhook_url.clone(),
        webhook_secret: g.webhook_secret.clone(),
        demo,
    }
}

fn settings(g: &Global) -> Settings {
    Settings {
        listen: g.listen.clone(),
        data_dir: g.data_dir.clone(),
        database_url: g.database_url.clone(),
        secret_key: g.secret_key.clone(),
        max_connections: g.max_connections,
        acquire_timeout: std::time::Duration::from_millis(g.db_wait_ms),
        durable: !g.unsafe_no_fsync,
        web: WebConfig {
            secure_cookies: g.secure_cookies,
            trust_proxy: g.trust_proxy,
            public_url: g.public_url.clone(),
            tickets_per_minute: g.tickets_per_minute,
            login_per_minute: g.logins_per_minute,
            bookings_per_minute: g.bookings_per_minute,
            reads_per_minute: g.reads_per_minute,
            max_inflight_bookings: g.max_inflight_bookings,
            admit_per_second: g.admit_per_second,
            admission_wait_ms: g.admission_wait_ms,
            surveys_per_minute: g.surveys_per_minute,
            complaints_per_hour: g.complaints_per_hour,
            code_lookups_per_minute: g.code_lookups_per_minute,
            max_connections_per_address: g.max_connections_per_address,
            read_timeout: std::time::Duration::from_secs(g.read_timeout_secs.max(1)),
            metrics_listen: g.metrics_listen.clone(),
            ..WebConfig::default()
        },
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "satuatap=info,satuatap_web=info,tower_http=warn".into());
    match cli.global.log_format {
        LogFormat::Json => tracing_subscriber::fmt().json().with_current_span(false).with_env_filter(filter).init(),
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
    }
    let s = settings(&cli.global);
    match cli.command {
        Command::Backup { to } => {
            satuatap::backup::backup(&s.database_url(), &to).await?;
            println!("Backup written: {}", to.display());
            if s.secret_key.is_none() {
                println!(
                    "Keep {} with your backups, apart from them: sealed personal data needs it.",
                    s.data_dir.join("secret.key").display()
                );
            }
        }
        Command::Restore { from } => {
            satuatap::backup::restore(&s.database_url(), &from).await?;
            // Migrations newer than the backup are applied now, not at the next start.
            open(&s).await?.store.close().await;
            println!("Restored {} into {}.", from.display(), redact(&s.database_url()));
        }
        Command::Migrate => {
            open(&s).await?.store.close().await;
            println!("Database ready: {}", redact(&s.database_url()));
        }
        Command::Demo { .. } | Command::Serve => {
            let demo = matches!(cli.command, Command::Demo { .. });
            let mut app = open(&s).await?;
            if let Command::Demo { clock: Some(at) } = &cli.command {
                app.clock.start_at(at.with_timezone(&chrono::Utc));
                println!("Demo clock: running from {at}.");
            }
            app.messaging = messaging(&cli.global, demo);
            let mut logins = Vec::new();
            if demo {
                let summary = app.load_demo().await.map_err(|e| anyhow::anyhow!("loading demo data: {e}"))?;
                app.load_demo_rollout().await.map_err(|e| anyhow::anyhow!("demo rollout register: {e}"))?;
                if summary.loaded {
                    app.open_demo_queues_around_the_clock().await.map_err(|e| anyhow::anyhow!("demo queues: {e}"))?;
                    app.load_demo_history().await.map_err(|e| anyhow::anyhow!("demo history: {e}"))?;
                    println!(
                        "Demo data loaded: {} MPPs, {} providers, {} services.",
                        summary.mpps, summary.providers, summary.services
                    );
                    println!("The demo MPPs accept queue tickets at any hour, so the queue can be tried now.");
                }
                logins = summary.logins;
            }
            let running = start(app, &s.listen, s.web.clone()).await?;
            let url = match running.addr.ip() {
                ip if ip.is_unspecified() => format!("http://127.0.0.1:{}/", running.addr.port()),
                _ => format!("{}/", running.url()),
            };
            println!("satuatap is running at {url}");
            if let Some(m) = running.metrics_addr {
                println!("Metrics: http://{m}/metrics");
            }
            println!("Database: {}", redact(&s.database_url()));
            if !logins.is_empty() {
                println!("Demo logins (password: {}):", satuatap_service::demo::DEMO_PASSWORD);
                for l in &logins {
                    println!("  {:<16} {:<44} {}", l.role, l.email, l.scope);
                }
            }
            if demo {
                println!(
                    "Try the queue: kiosk {url}mpp/kota-bogor/kiosk · board {url}mpp/kota-bogor/papan · console {url}konsol"
                );
                match running.app.demo_kiosk_code().await {
                    Ok((mpp, code)) => println!(
                        "Make this browser a kiosk of {mpp} (it prints tickets and checks bookings in): open {url}perangkat and type {code}"
                    ),
                    Err(e) => eprintln!("demo kiosk: {e}"),
                }
            }
            println!("Press Ctrl+C to stop.");
            shutdown_signal().await;
            println!("Stopping…");
            running.stop().await;
        }
        Command::User(UserCommand::Add { role, email, name, mpp, provider, password }) => {
            let app = open(&s).await?;
            let mpp_id = match mpp {
                Some(m) => Some(match m.parse::<i64>() {
                    Ok(id) => id,
                    Err(_) => app.mpp_by_slug(&m).await.map_err(|_| anyhow::anyhow!("no MPP with slug {m}"))?.id,
                }),
                None => None,
            };
            let generated = password.is_none();
            let password = match password {
                Some(p) => p,
                None => satuatap_service::crypto::random_token(12).map_err(|e| anyhow::anyhow!("{e}"))?,
            };
            let input = UserInput {
                email,
                name,
                role,
                mpp_id: mpp_id.map(Ok),
                provider_id: provider.map(Ok),
                active: true,
                password: Some(password.clone()),
            };
            let user = app.bootstrap_user(&input, generated).await.map_err(|e| match e {
                satuatap_service::Error::Invalid(errs) => anyhow::anyhow!(
                    "{}",
                    errs.iter()
                        .map(|f| format!("{}: {}", f.field, satuatap_web::i18n::Lang::En.field_error(f)))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                other => anyhow::anyhow!("{other}"),
            })?;
            println!("Created {} ({}) with id {}.", user.email, user.role.as_str(), user.id);
            if generated {
                println!("Temporary password (shown once; must be changed at first sign-in): {password}");
            }
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
