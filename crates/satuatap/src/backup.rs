//! `satuatap backup` and `satuatap restore`.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy from one read snapshot while the
//! server keeps serving (every commit before the snapshot is in it, none after is
//! half in it); restore checks the copy and moves it into place while the server is
//! stopped. PostgreSQL: the documented path, `pg_dump --format=custom` (a consistent
//! snapshot, safe while serving) and `pg_restore` into the database.
//! Sealed personal data (NIK, phone) can be read only with the same secret key:
//! keep `<data-dir>/secret.key` (or `SATUATAP_SECRET_KEY`) with the backups, apart.

use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, bail, ensure};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

/// Run one of PostgreSQL's client tools; its complaint becomes the error.
async fn pg_tool(tool: &str, args: &[&str]) -> Result<()> {
    let out = tokio::process::Command::new(tool)
        .args(args)
        .output()
        .await
        .with_context(|| format!("running {tool} (install PostgreSQL's client tools)"))?;
    ensure!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    Ok(())
}

/// Write a backup of the database at `url` to the file `to` (which must not exist).
pub async fn backup(url: &str, to: &Path) -> Result<()> {
    ensure!(!to.exists(), "{} exists already; choose a new file name", to.display());
    if is_postgres(url) {
        let file = format!("--file={}", to.display());
        return pg_tool("pg_dump", &["--format=custom", "--no-owner", &file, url]).await;
    }
    let path = sqlite_path(url);
    ensure!(Path::new(path).exists(), "no database at {path}");
    let mut c = SqliteConnectOptions::from_str(path)?.read_only(true).connect().await?;
    let target = to.display().to_string().replace('\'', "''");
    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'")))
        .execute(&mut c)
        .await
        .with_context(|| format!("writing {}", to.display()))?;
    Ok(())
}

/// Put the backup `from` in place of the database at `url`. The server must be
/// stopped (on SQLite, restore refuses while anyone has the database open).
pub async fn restore(url: &str, from: &Path) -> Result<()> {
    ensure!(from.exists(), "no backup at {}", from.display());
    if is_postgres(url) {
        let db = format!("--dbname={url}");
        let from = from.display().to_string();
        return pg_tool("pg_restore", &["--clean", "--if-exists", "--no-owner", "--single-transaction", &db, &from])
            .await;
    }
    // The copy must be a whole satuatap database before anything is replaced.
    {
        let mut c = SqliteConnectOptions::from_str(&from.display().to_string())?.read_only(true).connect().await?;
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut c)
            .await
            .with_context(|| format!("{} is not an SQLite database", from.display()))?;
        ensure!(check == "ok", "{} is damaged: {check}", from.display());
        let migrated: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut c)
            .await
            .with_context(|| format!("{} is not a satuatap database", from.display()))?;
        ensure!(migrated > 0, "{} is not a satuatap database", from.display());
    }
    let path = Path::new(sqlite_path(url));
    let beside = |suffix: &str| std::path::PathBuf::from(format!("{}{suffix}", path.display()));
    if path.exists() {
        // Leaving write-ahead logging needs the only connection: refused while the server
        // has the database open; after a crash it recovers the log first.
        let mut c = SqliteConnectOptions::from_str(&path.display().to_string())?
            .busy_timeout(std::time::Duration::from_millis(200))
            .connect()
            .await?;
        let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE").fetch_one(&mut c).await;
        c.close().await?;
        if !matches!(mode.as_deref(), Ok("delete")) {
            bail!("{} is in use: stop the server first", path.display());
        }
    }
    let staging = beside(".restoring");
    std::fs::copy(from, &staging).with_context(|| format!("copying to {}", staging.display()))?;
    std::fs::File::open(&staging)?.sync_all()?;
    for side in ["-wal", "-shm"] {
        let p = beside(side);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    std::fs::rename(&staging, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}
