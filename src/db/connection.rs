//! One connection type over SQLite and PostgreSQL, chosen by the URL's scheme, and the pool.
//!
//! The derived `establish` tries each backend in turn and reports only the last failure (and
//! SQLite accepts any path), so connections are made here, by scheme, with the real cause.

use std::path::Path;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

pub(super) const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Serialises migrations between app instances sharing one PostgreSQL database.
const MIGRATION_LOCK: i64 = 0x666f_6974_7261_636b; // "foitrack"

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DATABASE")]
    UnsupportedUrl(String),
    #[error("cannot open the SQLite database {path}: {reason}")]
    Sqlite { path: String, reason: String },
    #[error("cannot connect to PostgreSQL at {url}: {reason}")]
    Postgres { url: String, reason: String },
    #[error("the database refused a query: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot migrate the database: {0}")]
    Migration(String),
}

/// Starts OpenSSL, which libpq uses for TLS to PostgreSQL, without its clean-up at exit. That
/// clean-up frees OpenSSL's global state while other threads may still close their
/// connections (an app's workers as a test process ends, or a server as it stops), and
/// corrupts the heap ("malloc_consolidate(): invalid chunk size", SIGABRT). Call it before the
/// first PostgreSQL connection of the process; later calls do nothing.
pub fn init_client_library() {
    openssl_sys::init();
}

/// A parsed `FOI_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// The file path for SQLite, the whole URL for PostgreSQL.
    target: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url.to_string(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|p| !p.is_empty())
            .ok_or_else(|| DbError::UnsupportedUrl(redact(url)))?;
        Ok(DatabaseUrl {
            backend: Backend::Sqlite,
            target: path.to_string(),
        })
    }

    /// The database file, for SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        (self.backend == Backend::Sqlite).then(|| Path::new(&self.target))
    }

    /// The URL without its password, fit for logs and messages.
    pub fn display(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => redact(&self.target),
        }
    }

    pub fn connect(&self) -> Result<DbConnection, DbError> {
        match self.backend {
            Backend::Postgres => {
                let fail = |reason: String| DbError::Postgres {
                    url: redact(&self.target),
                    // libpq writes several lines; a message is one.
                    reason: reason.split_whitespace().collect::<Vec<_>>().join(" "),
                };
                init_client_library();
                let mut conn =
                    diesel::PgConnection::establish(&self.target).map_err(|e| fail(e.to_string()))?;
                // A statement waits at most this long for a lock another transaction holds, then
                // fails as busy (a 503 the client may retry) rather than hanging the request.
                conn.batch_execute("SET lock_timeout = '10s'")
                    .map_err(|e| fail(e.to_string()))?;
                Ok(DbConnection::Postgres(conn))
            }
            Backend::Sqlite => {
                let fail = |reason: String| DbError::Sqlite {
                    path: self.target.clone(),
                    reason,
                };
                let parent = Path::new(&self.target)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty());
                if let Some(dir) = parent.filter(|d| !d.is_dir()) {
                    return Err(fail(format!("the folder {} does not exist", dir.display())));
                }
                create_private(Path::new(&self.target)).map_err(|e| fail(e.to_string()))?;
                let mut conn =
                    diesel::SqliteConnection::establish(&self.target).map_err(|e| fail(e.to_string()))?;
                // WAL lets readers work beside the writer; the busy timeout makes a writer wait
                // for the lock instead of failing with "database is locked". Reading through a
                // memory map shares the operating system's cache between the pool's
                // connections instead of copying every page into each one's own. Without
                // statistics the planner reads a request's whole row where a narrow index
                // holds what a join asks (the dashboard's counts, three times slower): the
                // optimize SQLite advises at each open gathers them, from a sample of at most
                // 400 rows per index so that it stays quick on any register.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA mmap_size = 1073741824; \
                     PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;",
                )
                .map_err(|e| fail(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Opening options for a file that the server's own user alone may read: it holds personal
/// data (subject access requests) and secrets' hashes, whatever the umask.
fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Creates a new file that the server's own user alone may read, refusing one that exists:
/// for backups and dumps, which hold what the database holds.
pub fn create_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    private_options().write(true).create_new(true).open(path)
}

/// Creates the SQLite database file, empty and private, if it does not exist yet, so that
/// SQLite does not create it readable by everyone; SQLite gives its -wal and -shm files the
/// database's own permissions. An existing file keeps the permissions it has.
fn create_private(path: &Path) -> std::io::Result<()> {
    // An in-memory or URI-named database is no file of ours.
    let name = path.to_string_lossy();
    if name == ":memory:" || name.starts_with("file:") {
        return Ok(());
    }
    match create_private_new(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Held while one process does what only one may do at a time (the reminder sweep); let go
/// when dropped, and by the operating system or the database server when the process dies,
/// so a crash never leaves it held.
pub enum ExclusiveLock {
    /// A session-level advisory lock on a connection of its own: a pooled connection would
    /// carry the lock back into the pool, held for whoever borrowed it next.
    Postgres(diesel::PgConnection),
    /// An exclusive lock on a file beside the database.
    Sqlite(std::fs::File),
}

impl std::fmt::Debug for ExclusiveLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ExclusiveLock::Postgres(_) => "ExclusiveLock::Postgres",
            ExclusiveLock::Sqlite(_) => "ExclusiveLock::Sqlite",
        })
    }
}

impl DatabaseUrl {
    /// Takes the lock called `name` if no one holds it, without waiting.
    pub fn try_exclusive(&self, name: &str) -> Result<Option<ExclusiveLock>, DbError> {
        match self.backend {
            Backend::Postgres => {
                let DbConnection::Postgres(mut conn) = self.connect()? else {
                    unreachable!("a postgres URL connects to PostgreSQL")
                };
                let key = lock_key(name);
                let taken: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                    "pg_try_advisory_lock({key})"
                )))
                .get_result(&mut conn)?;
                Ok(taken.then_some(ExclusiveLock::Postgres(conn)))
            }
            Backend::Sqlite => {
                let path = format!("{}.{name}.lock", self.target);
                let file = private_options()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .map_err(|e| DbError::Sqlite {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                match file.try_lock() {
                    Ok(()) => Ok(Some(ExclusiveLock::Sqlite(file))),
                    Err(std::fs::TryLockError::WouldBlock) => Ok(None),
                    Err(std::fs::TryLockError::Error(e)) => Err(DbError::Sqlite {
                        path,
                        reason: e.to_string(),
                    }),
                }
            }
        }
    }
}

/// Inside a write transaction: waits until no other transaction that named `name` is running,
/// and holds that turn until this one ends, so that a count-then-write cannot interleave with
/// another. SQLite's write transactions already run one at a time (they begin IMMEDIATE);
/// PostgreSQL's run side by side, so a transaction-scoped advisory lock orders them.
pub fn one_at_a_time(conn: &mut DbConnection, name: &str) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(_) => Ok(()),
        DbConnection::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_xact_lock({})", lock_key(name)))
        }
    }
}

/// A stable 63-bit advisory lock key for a name (FNV-1a), distinct from the migration lock.
fn lock_key(name: &str) -> i64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    (hash >> 1) as i64
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::Query)
    }

    /// A connection given back mid-transaction (a panic inside `write`) would hold its locks
    /// and refuse every later transaction: the pool drops it instead.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        let manager = <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn);
        std::thread::panicking() || !matches!(manager.transaction_depth(), Ok(None))
    }
}

/// Connects once to report a wrong URL at once and plainly, then builds the pool.
/// `events`, if given, hears of every wait for a connection (for the metrics).
pub fn pool<E: r2d2::HandleEvent + 'static>(
    url: &DatabaseUrl,
    size: u32,
    events: Option<E>,
) -> Result<Pool, DbError> {
    url.connect()?;
    let builder = match events {
        Some(events) => r2d2::Pool::builder().event_handler(Box::new(events)),
        None => r2d2::Pool::builder(),
    };
    Ok(builder
        .max_size(size.max(1))
        // Connections are made when a caller waits for one, never ahead in the background: a
        // background connect still running when the process exits races OpenSSL's exit
        // handlers inside libpq and crashes it (diesel-rs/diesel#3441).
        .min_idle(Some(0))
        // A PostgreSQL connection can die with its server and is tested before use; an
        // SQLite connection is a file handle that cannot.
        .test_on_check_out(url.backend == Backend::Postgres)
        .connection_timeout(Duration::from_secs(10))
        .build_unchecked(ConnectionManager { url: url.clone() }))
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// The version of the latest migration this build carries, e.g. "20261206000010": the same
/// for both backends, whose migrations go in step.
pub fn latest_migration() -> Option<String> {
    use diesel::migration::MigrationSource;
    let migrations = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS).ok()?;
    migrations.iter().map(|m| m.name().version().to_string()).max()
}

/// Applies every pending migration of this backend; returns the versions applied.
pub fn migrate(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(versions),
        DbConnection::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let applied = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions);
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            applied
        }
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

/// The migrations this binary has that the database has not applied: none once `serve` has
/// started, unless another instance's older binary rolled the schema back.
pub fn pending_migrations(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    fn names<B: diesel::backend::Backend>(
        pending: Vec<Box<dyn diesel::migration::Migration<B>>>,
    ) -> Vec<String> {
        pending.iter().map(|m| m.name().version().to_string()).collect()
    }
    let pending = match conn {
        DbConnection::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(names),
        DbConnection::Postgres(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(names),
    };
    pending.map_err(|e| DbError::Migration(e.to_string()))
}

fn versions(applied: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    applied.iter().map(|v| v.to_string()).collect()
}

/// Runs `f` in a write transaction. On SQLite it begins IMMEDIATE, taking the write lock
/// before the first read, so that a read-then-write never fails half-way with "database is
/// locked" when another writer got there first; the busy timeout makes it wait its turn.
/// Every write moves the register's version, which tells cached pages they are stale.
pub fn write<T, E>(conn: &mut DbConnection, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction(conn, |conn| {
        bump_version(conn)?;
        f(conn)
    })
}

/// A write transaction that leaves the register's version alone: for what no page shows,
/// such as sessions and failed sign-ins.
pub fn transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        // Inside another transaction this is a savepoint, which already holds the lock.
        DbConnection::Sqlite(c) => match in_transaction(c)? {
            false => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
            true => AnsiTransactionManager::begin_transaction(c)?,
        },
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The first error is the one to report; a failed rollback leaves the connection
            // broken, and the pool discards it.
            if let Err(rollback) =
                <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(%rollback, "rollback failed");
            }
            Err(error)
        }
    }
}

fn in_transaction(conn: &mut diesel::SqliteConnection) -> QueryResult<bool> {
    use diesel::connection::TransactionManager;
    Ok(AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some())
}

fn bump_version(conn: &mut DbConnection) -> QueryResult<()> {
    use super::schema::register_version::dsl::{register_version, version};
    diesel::update(register_version)
        .set(version.eq(version + 1))
        .execute(conn)?;
    Ok(())
}

/// The register's version: it moves with every committed write.
pub fn version(conn: &mut DbConnection) -> QueryResult<i64> {
    use super::schema::register_version::dsl::{register_version, version};
    register_version.select(version).first(conn)
}

/// `f` in a write transaction, or for a dry run that writes nothing, as it is: a dry run
/// neither takes the write lock nor moves the version.
pub fn write_unless<T, E>(
    dry_run: bool,
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if dry_run {
        f(conn)
    } else {
        write(conn, f)
    }
}

/// The id the last INSERT on this connection gave its row.
pub fn last_insert_id(conn: &mut DbConnection) -> QueryResult<i32> {
    use diesel::dsl::sql;
    use diesel::sql_types::Integer;
    let expression = match conn.backend() {
        Backend::Sqlite => "last_insert_rowid()",
        Backend::Postgres => "CAST(lastval() AS INTEGER)",
    };
    diesel::select(sql::<Integer>(expression)).get_result(conn)
}

/// True when the database refused for want of a lock, not for what was asked: SQLite's
/// "database is locked" after its busy timeout; PostgreSQL's lock timeout (55P03), deadlock
/// (40P01) or serialisation failure (40001). Trying again later may well succeed.
pub fn is_busy(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message().to_ascii_lowercase();
            [
                "database is locked",
                "database table is locked",
                "database is busy",
                "lock timeout",
                "could not obtain lock",
                "deadlock detected",
                "could not serialize access",
            ]
            .iter()
            .any(|m| message.contains(m))
        }
        _ => false,
    }
}

/// True when the error is a UNIQUE constraint refusing a duplicate.
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }

    /// `.cargo/config.toml` builds the bundled SQLite with the query planner stability
    /// guarantee; without it every LIMIT (which diesel binds) recompiles its statement.
    #[test]
    fn the_bundled_sqlite_keeps_its_compiled_statements() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    }
}
