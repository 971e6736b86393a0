//! `Paydesk`: the application context every front end holds. It owns the database and the clock;
//! the use cases are `impl Paydesk` blocks in each concept's module.

use chrono::{DateTime, NaiveDate, Utc};
use std::path::Path;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::db::Database;
use crate::error::{Error, Result};

/// The file name of the database inside the data folder.
pub const DATABASE_FILE: &str = "paydesk.sqlite3";

#[derive(Clone)]
pub struct Paydesk {
    pub(crate) db: Database,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Paydesk {
    /// Opens the data folder (creating it if needed) with the computer's clock.
    pub async fn open(data_dir: &Path) -> Result<Paydesk> {
        Paydesk::open_with_clock(data_dir, Arc::new(SystemClock)).await
    }

    pub async fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Paydesk> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::io(
                format!("Couldn't create the data folder {}", data_dir.display()),
                e,
            )
        })?;
        let db = Database::open(&data_dir.join(DATABASE_FILE)).await?;
        Ok(Paydesk { db, clock })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date where the business is.
    pub async fn today(&self) -> Result<NaiveDate> {
        let tz = self.business().await?.time_zone()?;
        Ok(self.now().with_timezone(&tz).date_naive())
    }

    /// Writes a consistent copy of the database to `dest`.
    pub async fn backup(&self, dest: &Path) -> Result<()> {
        self.db.backup_to(dest).await
    }
}
