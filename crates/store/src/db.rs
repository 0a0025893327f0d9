//! Connection pools for both engines and the transaction handle the queries run on.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::Result;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections to PostgreSQL, or SQLite readers.
    pub max_connections: u32,
    /// How long a request waits for a free connection before the database
    /// counts as saturated (the request is then refused with "busy", not queued on).
    pub acquire_timeout: Duration,
    /// SQLite commits reach the disk before they return (`synchronous = FULL`).
    /// Off (`NORMAL`) only to measure what durability costs: a power cut may then
    /// lose the last commits a person was told about.
    pub durable: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { max_connections: 16, acquire_timeout: Duration::from_secs(10), durable: true }
    }
}

#[derive(Clone)]
enum Pools {
    /// SQLite allows one writer at a time: writers queue fairly for the single
    /// write connection instead of spinning on `SQLITE_BUSY`; readers use WAL.
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
    },
    Postgres(PgPool),
}

/// The database behind satuatap; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
}

/// A handle queries run on: a write transaction, or a plain connection for reads.
pub struct Tx {
    inner: Inner,
}

enum Inner {
    SqliteTx(Transaction<'static, Sqlite>),
    PgTx(Transaction<'static, Postgres>),
    SqliteConn(PoolConnection<Sqlite>),
    PgConn(PoolConnection<Postgres>),
}

/// The connection under a [`Tx`], for the [`on_conn!`] macro.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            Inner::SqliteTx(t) => Conn::Sqlite(t),
            Inner::PgTx(t) => Conn::Pg(t),
            Inner::SqliteConn(c) => Conn::Sqlite(c),
            Inner::PgConn(c) => Conn::Pg(c),
        }
    }

    pub fn engine(&self) -> Engine {
        match &self.inner {
            Inner::SqliteTx(_) | Inner::SqliteConn(_) => Engine::Sqlite,
            Inner::PgTx(_) | Inner::PgConn(_) => Engine::Postgres,
        }
    }

    /// Commit a write transaction; a read handle just returns its connection.
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            Inner::SqliteTx(t) => t.commit().await?,
            Inner::PgTx(t) => t.commit().await?,
            Inner::SqliteConn(_) | Inner::PgConn(_) => {}
        }
        Ok(())
    }
}

/// Run the same query-building expression on whichever engine `$tx` holds.
/// `$c` names the `&mut Connection` inside `$body`.
#[macro_export]
macro_rules! on_conn {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx.conn() {
            $crate::db::Conn::Sqlite($c) => $body,
            $crate::db::Conn::Pg($c) => $body,
        }
    };
}

impl Store {
    /// Open the database a URL names: `postgres://…` or `sqlite://path` (a
    /// plain file path is taken as SQLite). SQLite files are created if missing.
    pub async fn connect(url: &str, opts: &StoreOptions) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            // Connections are not pinged before each use: a broken one fails its
            // query and is replaced, which is cheaper than a round trip per request.
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .test_before_acquire(false)
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(options)
                .await?;
            return Ok(Store { pools: Pools::Postgres(pool) });
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        Self::open_sqlite(Path::new(path), opts).await
    }

    async fn open_sqlite(path: &Path, opts: &StoreOptions) -> Result<Store> {
        // FULL: a commit is on disk before the person is told "booked" (WAL with
        // NORMAL may lose the last commits at a power cut, and MPP buildings lose power).
        let base = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if opts.durable { SqliteSynchronous::Full } else { SqliteSynchronous::Normal })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory");
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(opts.acquire_timeout.max(Duration::from_secs(30)))
            .connect_with(base.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .test_before_acquire(false)
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(base.read_only(true))
            .await?;
        Ok(Store { pools: Pools::Sqlite { write, read } })
    }

    pub fn engine(&self) -> Engine {
        match self.pools {
            Pools::Sqlite { .. } => Engine::Sqlite,
            Pools::Postgres(_) => Engine::Postgres,
        }
    }

    /// Apply pending migrations and load the national registry if it is empty.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pools {
            Pools::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Pools::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        let mut tx = self.begin().await?;
        tx.seed_registry().await?;
        tx.seed_population().await?;
        tx.backfill_standard_complete().await?;
        tx.seed_instrument(chrono::Utc::now()).await?;
        tx.commit().await
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a transaction never fails half-way on upgrade.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite { write, .. } => Inner::SqliteTx(write.begin_with("BEGIN IMMEDIATE").await?),
            Pools::Postgres(pool) => Inner::PgTx(pool.begin().await?),
        };
        Ok(Tx { inner })
    }

    /// A connection for reads (each statement sees committed data).
    pub async fn read(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite { read, .. } => Inner::SqliteConn(read.acquire().await?),
            Pools::Postgres(pool) => Inner::PgConn(pool.acquire().await?),
        };
        Ok(Tx { inner })
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.read().await?;
        let one: i64 = on_conn!(tx, |c| sqlx::query_scalar("SELECT CAST(1 AS BIGINT)").fetch_one(c).await)?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    /// How commits reach the disk: SQLite's `synchronous` on the write
    /// connection, PostgreSQL's `synchronous_commit`.
    pub async fn durability(&self) -> Result<(String, String)> {
        match &self.pools {
            Pools::Sqlite { write, .. } => {
                let v: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(write).await?;
                Ok(("synchronous".into(), v.to_string()))
            }
            Pools::Postgres(pool) => {
                let v: String = sqlx::query_scalar("SHOW synchronous_commit").fetch_one(pool).await?;
                Ok(("synchronous_commit".into(), v))
            }
        }
    }

    /// Every unique constraint of the schema as the engine reports a violation of
    /// it: PostgreSQL by name, SQLite by `table.column, …` (or `index 'name'` for
    /// an index on an expression). Tests check [`crate::Constraint`] against it.
    pub async fn unique_constraints(&self) -> Result<Vec<String>> {
        match &self.pools {
            Pools::Postgres(pool) => Ok(sqlx::query_scalar(
                "SELECT conname::text FROM pg_constraint WHERE contype = 'u'
                 UNION SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE%'",
            )
            .fetch_all(pool)
            .await?),
            Pools::Sqlite { read, .. } => {
                let mut out = Vec::new();
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(read).await?;
                for table in tables {
                    let sql = sqlx::AssertSqlSafe(format!("SELECT name, \"unique\" FROM pragma_index_list('{table}')"));
                    let indexes: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(read).await?;
                    for (index, _) in indexes.into_iter().filter(|(_, u)| *u == 1) {
                        let sql = sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"));
                        let cols: Vec<Option<String>> = sqlx::query_scalar(sql).fetch_all(read).await?;
                        if cols.iter().any(Option::is_none) {
                            out.push(format!("index '{index}'"));
                        } else {
                            let cols: Vec<String> = cols.into_iter().flatten().map(|c| format!("{table}.{c}")).collect();
                            out.push(cols.join(", "));
                        }
                    }
                }
                Ok(out)
            }
        }
    }

    /// Listen for notifications on `channel` (PostgreSQL); `None` on SQLite,
    /// where one process owns the database and events stay in memory.
    pub async fn listen(&self, channel: &str) -> Result<Option<Listener>> {
        match &self.pools {
            Pools::Sqlite { .. } => Ok(None),
            Pools::Postgres(pool) => {
                let mut l = sqlx::postgres::PgListener::connect_with(pool).await?;
                l.listen(channel).await?;
                Ok(Some(Listener(l)))
            }
        }
    }

    /// Connections of each pool: `(pool, open, idle, max)` (SQLite has a writer and readers).
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, u32, u32)> {
        let of = |name, size: u32, idle: usize, max: u32| (name, size, idle as u32, max);
        match &self.pools {
            Pools::Sqlite { write, read } => vec![
                of("write", write.size(), write.num_idle(), write.options().get_max_connections()),
                of("read", read.size(), read.num_idle(), read.options().get_max_connections()),
            ],
            Pools::Postgres(pool) => {
                vec![of("main", pool.size(), pool.num_idle(), pool.options().get_max_connections())]
            }
        }
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

/// Notifications from other nodes.
pub struct Listener(sqlx::postgres::PgListener);

impl Listener {
    /// The next payload; `Ok(None)` when the connection dropped (it reconnects
    /// on the next call, and notifications sent meanwhile are lost: resync).
    pub async fn recv(&mut self) -> Result<Option<String>> {
        Ok(self.0.try_recv().await?.map(|n| n.payload().to_string()))
    }
}
