//! The SQLite database: opening it the way Paydesk needs (WAL, foreign keys, a busy timeout),
//! migrating it with a safety copy first, and consistent backups.

use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, Result};

/// The migrations in the repository's `migrations/` folder, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// How long a writer waits for another writer (the app and the CLI may share a file) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Database {
    pool: SqlitePool,
    path: PathBuf,
}

impl Database {
    /// Opens (or creates) the database file and brings it up to date. When an existing file needs
    /// migrating, a copy of it is written to `backups/` beside it first.
    pub async fn open(path: &Path) -> Result<Database> {
        let existed = path.exists();
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let db = Database {
            pool,
            path: path.to_path_buf(),
        };
        if existed {
            db.backup_if_migrations_pending().await?;
        }
        MIGRATOR.run(&db.pool).await?;
        Ok(db)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so two writers — the
    /// app and the CLI, or two windows — queue up instead of failing halfway through.
    pub async fn write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Writes a consistent copy of the whole database to `dest`, which must not exist yet.
    pub async fn backup_to(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::invalid(
                "out",
                format!("{} already exists; choose a new file name.", dest.display()),
            ));
        }
        let dest_str = dest
            .to_str()
            .ok_or_else(|| Error::invalid("out", "The backup path must be valid UTF-8."))?;
        sqlx::query("VACUUM INTO ?")
            .bind(dest_str)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn backup_if_migrations_pending(&self) -> Result<()> {
        let has_table: Option<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(&self.pool)
        .await?;
        if has_table.is_none() {
            return Ok(());
        }
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.pool)
                .await?;
        let pending = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .any(|m| !applied.iter().any(|(v,)| *v == m.version));
        if !pending {
            return Ok(());
        }
        let dir = self.path.parent().unwrap_or(Path::new(".")).join("backups");
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("Couldn't create {}", dir.display()), e))?;
        let name = format!(
            "paydesk-before-migration-{}.sqlite3",
            Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
        );
        self.backup_to(&dir.join(name)).await
    }
}

/// Reads a decimal stored as text. A failure means the file was edited by hand or is damaged.
pub(crate) fn decimal_col(column: &str, text: &str) -> Result<rust_decimal::Decimal> {
    text.parse().map_err(|_| {
        Error::Database(sqlx::Error::Decode(
            format!("column {column} holds \"{text}\", not a decimal").into(),
        ))
    })
}

/// Reads an RFC 3339 instant stored as text.
pub(crate) fn instant_col(column: &str, text: &str) -> Result<chrono::DateTime<Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Error::Database(sqlx::Error::Decode(
                format!("column {column} holds \"{text}\", not a time").into(),
            ))
        })
}

/// Formats an instant the way every table stores it.
pub(crate) fn instant_text(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
