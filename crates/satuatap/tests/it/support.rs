//! The test harness: the real server on a free port, over real HTTP, on a fresh
//! database cloned from a migrated template with the demo data — SQLite or
//! PostgreSQL by `TEST_DB` (`sqlite`, the default, or `postgres`).

use std::path::PathBuf;
use std::sync::OnceLock;

use reqwest::{Client, Method, Response, StatusCode};
use satuatap::{Running, Settings};
use satuatap_service::App;
use satuatap_web::WebConfig;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Connection;

pub const PASSWORD: &str = satuatap_service::demo::DEMO_PASSWORD;
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// The demo's accounts the tests act as (every password is [`PASSWORD`]).
pub mod accounts {
    pub const NATIONAL: &str = "admin@demo.satuatap.id";
    /// MPP Kota Bogor's manager.
    pub const MANAGER: &str = "manajer.bogor@demo.satuatap.id";
    pub const MANAGER_MAKASSAR: &str = "manajer.makassar@demo.satuatap.id";
    /// Kantor Imigrasi Bogor's admin and one of its counter officers.
    pub const PROVIDER_ADMIN: &str = "admin.imigrasi.bogor@demo.satuatap.id";
    pub const OFFICER: &str = "petugas.imigrasi.bogor@demo.satuatap.id";
    pub const OFFICER_DUKCAPIL: &str = "petugas.disdukcapil.bogor@demo.satuatap.id";
    pub const OFFICER_BPJS: &str = "petugas.bpjs-kesehatan.bogor@demo.satuatap.id";
    pub const CITIZEN: &str = "warga@demo.satuatap.id";
}

pub fn engine() -> &'static str {
    static E: OnceLock<String> = OnceLock::new();
    E.get_or_init(|| std::env::var("TEST_DB").unwrap_or_else(|_| "sqlite".into()))
}

pub fn pg_base() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn pg_url(db: &str) -> String {
    let base = pg_base();
    let cut = base.rfind('/').unwrap_or(base.len());
    format!("{}/{db}", &base[..cut])
}

/// A fingerprint of everything that goes into the template database.
fn fingerprint() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut h = Sha256::new();
    let mut files = Vec::new();
    for dir in ["crates/store/migrations", "crates/service/demo", "crates/store/registry"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() { stack.push(p) } else { files.push(p) }
            }
        }
    }
    // The code that loads the demo shapes the template too.
    for f in ["demo.rs", "demo_national.rs", "demo_evaluation.rs"] {
        files.push(root.join("crates/service/src").join(f));
    }
    files.sort();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).unwrap_or_default());
    }
    h.update(env!("CARGO_PKG_VERSION"));
    h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn settings(data_dir: PathBuf, url: Option<String>) -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        data_dir,
        database_url: url,
        secret_key: Some(SECRET.into()),
        max_connections: 8,
        acquire_timeout: std::time::Duration::from_secs(10),
        durable: true,
        web: WebConfig::default(),
    }
}

static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// Build the template once per process; a lock keeps parallel processes from racing.
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let fp = fingerprint();
            if engine() == "postgres" { pg_template(&fp).await } else { sqlite_template(&fp).await }
        })
        .await
        .clone()
}

async fn sqlite_template(fp: &str) -> String {
    let dir = scratch().join("templates");
    std::fs::create_dir_all(&dir).expect("template dir");
    let path = dir.join(format!("sqlite-{fp}.db"));
    if path.exists() {
        return path.display().to_string();
    }
    let build = dir.join(format!("build-{fp}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&build);
    let app = satuatap::open(&settings(build.clone(), None)).await.expect("open template");
    app.load_demo().await.expect("demo data");
    app.load_demo_rollout().await.expect("demo rollout register");
    app.store.close().await;
    // Fold the WAL into the file so one copy carries everything.
    let db = build.join("satuatap.db");
    {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.expect("reopen");
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut c).await.expect("checkpoint");
        sqlx::query("PRAGMA journal_mode=DELETE").execute(&mut c).await.expect("journal");
    }
    let _ = std::fs::rename(&db, &path);
    let _ = std::fs::remove_dir_all(&build);
    path.display().to_string()
}

async fn pg_template(fp: &str) -> String {
    let name = format!("satuatap_tmpl_{fp}");
    let mut admin = sqlx::PgConnection::connect(&pg_base()).await.expect("PostgreSQL reachable (TEST_DATABASE_URL)");
    sqlx::query("SELECT pg_advisory_lock(727274)").execute(&mut admin).await.expect("lock");
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .expect("query");
    if !exists {
        // Drop leftovers of earlier runs: old templates and test databases.
        let old: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE 'satuatap_tmpl_%' OR datname LIKE 'satuatap_t_%'",
        )
        .fetch_all(&mut admin)
        .await
        .expect("list");
        for db in old {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")))
                .execute(&mut admin)
                .await;
        }
        let building = format!("{name}_build");
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)")))
            .execute(&mut admin)
            .await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{building}\"")))
            .execute(&mut admin)
            .await
            .expect("create");
        let dir = scratch().join(format!("pg-build-{}", std::process::id()));
        let app = satuatap::open(&settings(dir, Some(pg_url(&building)))).await.expect("open template");
        app.load_demo().await.expect("demo data");
        app.load_demo_rollout().await.expect("demo rollout register");
        app.store.close().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\"")))
            .execute(&mut admin)
            .await
            .expect("rename");
    }
    sqlx::query("SELECT pg_advisory_unlock(727274)").execute(&mut admin).await.expect("unlock");
    name
}

/// One running server on its own fresh database.
pub struct TestApp {
    pub url: String,
    /// `http://…/metrics` when the server was asked to serve metrics.
    pub metrics_url: Option<String>,
    pub app: App,
    running: Option<Running>,
    pub db_url: String,
    dir: PathBuf,
    /// Kiosks paired so far, by MPP id (pairing one per call would be slow).
    kiosks: tokio::sync::Mutex<std::collections::HashMap<i64, Session>>,
}

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(WebConfig::default()).await
    }

    pub async fn spawn_with(web: WebConfig) -> TestApp {
        Self::spawn_custom(web, |_| {}).await
    }

    /// The server with its settings changed by `tune` (pool size, timeouts).
    pub async fn spawn_custom(web: WebConfig, tune: impl FnOnce(&mut Settings)) -> TestApp {
        let template = template().await;
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let tag = format!("{}_{}_{}", std::process::id(), n, chrono::Utc::now().timestamp_micros() % 1_000_000);
        let dir = scratch().join(format!("t-{tag}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("test dir");
        let db_url = if engine() == "postgres" {
            let name = format!("satuatap_t_{tag}");
            let mut admin = sqlx::PgConnection::connect(&pg_base()).await.expect("pg");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")))
                .execute(&mut admin)
                .await
                .expect("clone template");
            pg_url(&name)
        } else {
            let path = dir.join("satuatap.db");
            std::fs::copy(&template, &path).expect("copy template");
            path.display().to_string()
        };
        let (db_url_copy, dir_copy) = (db_url.clone(), dir.clone());
        let mut s = settings(dir, Some(db_url));
        s.web = web.clone();
        tune(&mut s);
        let app = satuatap::open(&s).await.expect("open");
        let running = satuatap::start(app.clone(), "127.0.0.1:0", s.web.clone()).await.expect("start");
        TestApp {
            url: running.url(),
            metrics_url: running.metrics_addr.map(|a| format!("http://{a}/metrics")),
            app,
            running: Some(running),
            db_url: db_url_copy,
            dir: dir_copy,
            kiosks: Default::default(),
        }
    }

    /// Stop the server gracefully (a test that panics stops it on drop instead).
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    /// Make a service bookable with `capacity` seats a slot (as its provider's admin) and
    /// return its first open slot.
    pub async fn first_open_slot(&self, service: i64, capacity: i64) -> Value {
        let admin = self.session(accounts::PROVIDER_ADMIN).await;
        let (s, r) = admin
            .put(&format!("/api/v1/services/{service}/booking-rules"), json!({"capacity_per_slot": capacity}))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        self.app.availability_cache().forget(service);
        let (_, a) = self.get_json(&format!("/api/v1/services/{service}/availability")).await;
        a["days"]
            .as_array()
            .expect("days")
            .iter()
            .filter(|d| d["open"] == true)
            .flat_map(|d| d["slots"].as_array().cloned().unwrap_or_default())
            .next()
            .expect("an open slot")
    }

    /// The test's scratch directory (its SQLite database lives there).
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// A client with its own cookie jar (a browser).
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// A signed-in API session for a demo account.
    pub async fn session(&self, email: &str) -> Session {
        let client = self.client();
        let r = client
            .post(self.at("/api/v1/session"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::OK, "login as {email}");
        let me: Value = r.json().await.expect("me");
        Session {
            client,
            csrf: me["csrf_token"].as_str().unwrap_or_default().to_string(),
            base: self.url.clone(),
            device: None,
        }
    }

    pub fn anonymous(&self) -> Session {
        Session { client: self.client(), csrf: String::new(), base: self.url.clone(), device: None }
    }

    /// A kiosk paired with an MPP (by slug), as a kiosk vendor's software would pair it.
    pub async fn kiosk(&self, slug: &str) -> Session {
        self.device(slug, json!({"name": "Kios uji", "kind": "kiosk"})).await
    }

    /// The paired kiosk of an MPP (by id), paired once per test app.
    pub async fn kiosk_of(&self, mpp: i64) -> Session {
        let mut kiosks = self.kiosks.lock().await;
        if let Some(k) = kiosks.get(&mpp) {
            return k.clone();
        }
        let (_, m) = self.get_json(&format!("/api/v1/mpps/{mpp}")).await;
        let k = self.kiosk(m["slug"].as_str().unwrap_or_default()).await;
        kiosks.insert(mpp, k.clone());
        k
    }

    /// A device registered by a national admin and paired through the API.
    pub async fn device(&self, slug: &str, body: Value) -> Session {
        let mpp = self.mpp_id(slug).await;
        let national = self.session(accounts::NATIONAL).await;
        let (s, made) = national.post(&format!("/api/v1/mpps/{mpp}/devices"), body).await;
        assert_eq!(s, StatusCode::CREATED, "{made}");
        let (s, paired) = self.anonymous().post("/api/v1/devices/pair", json!({"code": made["pairing_code"]})).await;
        assert_eq!(s, StatusCode::CREATED, "{paired}");
        let credential = paired["credential"].as_str().unwrap_or_default().to_string();
        Session { device: Some(credential), ..self.anonymous() }
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = reqwest::get(self.at(path)).await.expect("get");
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = reqwest::get(self.at(path)).await.expect("get");
        let s = r.status();
        (s, r.text().await.unwrap_or_default())
    }

    /// The id of a demo MPP by slug.
    pub async fn mpp_id(&self, slug: &str) -> i64 {
        let (_, m) = self.get_json(&format!("/api/v1/mpps/{slug}")).await;
        m["id"].as_i64().unwrap_or_else(|| panic!("no MPP {slug}"))
    }

    /// The id of a provider of an MPP by slug.
    pub async fn provider_id(&self, mpp: &str, slug: &str) -> i64 {
        let (_, ps) = self.get_json(&format!("/api/v1/mpps/{mpp}/providers")).await;
        ps.as_array()
            .and_then(|a| a.iter().find(|p| p["slug"] == slug))
            .and_then(|p| p["id"].as_i64())
            .unwrap_or_else(|| panic!("no provider {slug} at {mpp}"))
    }
}

/// A test app cleans up after itself, passed or failed: the server is told to
/// stop, and on PostgreSQL its database is dropped (a run leaves none behind).
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.signal_stop();
        }
        if engine() != "postgres" {
            let _ = std::fs::remove_dir_all(&self.dir);
            return;
        }
        let name = self.db_url.rsplit('/').next().unwrap_or_default().to_string();
        // Drop runs inside the test's runtime: drop the database from a thread of its own.
        let dropped = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&pg_base()).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// An API client acting as one person, a paired device, or anonymous.
#[derive(Clone)]
pub struct Session {
    pub client: Client,
    pub csrf: String,
    pub base: String,
    /// A device credential, sent as `X-Device-Token`.
    pub device: Option<String>,
}

impl Session {
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut rb = self.client.request(method, format!("{}{path}", self.base));
        if !self.csrf.is_empty() {
            rb = rb.header("x-csrf-token", &self.csrf);
        }
        if let Some(d) = &self.device {
            rb = rb.header("x-device-token", d);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        rb.send().await.expect("request")
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let r = self.send(method, path, body).await;
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }

    /// GET an HTML page and return its text and the form token in it.
    pub async fn page(&self, path: &str) -> (StatusCode, String, String) {
        let r = self.client.get(format!("{}{path}", self.base)).send().await.expect("page");
        let s = r.status();
        let html = r.text().await.unwrap_or_default();
        let token = csrf_in(&html);
        (s, html, token)
    }

    /// POST an HTML form (the CSRF token is taken from `from`, a page with a form).
    pub async fn form(&self, from: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let (_, _, token) = self.page(from).await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.client.post(format!("{}{action}", self.base)).form(&all).send().await.expect("form")
    }
}

/// The masked recipients of the queued messages of one kind (of one MPP, or of all).
pub async fn outbox(t: &TestApp, mpp: Option<i64>, kind: &str) -> Vec<String> {
    let mut r = t.app.store.read().await.expect("read");
    r.messages(mpp, None, 5000)
        .await
        .expect("messages")
        .into_iter()
        .filter(|m| m.kind == kind)
        .map(|m| m.recipient_masked)
        .collect()
}

pub fn csrf_in(html: &str) -> String {
    html.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default().to_string()
}

/// A complete, publishable service body.
pub fn service_body(provider_id: i64, code: &str, name: &str) -> Value {
    json!({
        "provider_id": provider_id,
        "code": code,
        "category": "kependudukan",
        "name": name,
        "name_en": format!("{name} (EN)"),
        "requirements": ["KTP-el asli", "Kartu Keluarga"],
        "procedure": ["Ambil nomor antrean", "Serahkan berkas", "Terima dokumen"],
        "duration_value": 1,
        "duration_unit": "working_days",
        "fee_free": true,
        "product": "Dokumen",
        "complaints": "SP4N-LAPOR! www.lapor.go.id",
    })
}

/// A second `satuatap serve` process on the same database (PostgreSQL).
pub struct Process {
    pub url: String,
    child: tokio::process::Child,
}

impl Process {
    pub async fn start(t: &TestApp) -> Process {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_satuatap"))
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &t.db_url, "--secret-key", SECRET])
            .arg("--data-dir")
            .arg(t.dir.join("second"))
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start satuatap");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let url = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.strip_prefix("satuatap is running at ") {
                    return rest.trim_end_matches('/').to_string();
                }
            }
            panic!("satuatap exited before serving");
        })
        .await
        .expect("satuatap started in time");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Process { url, child }
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
