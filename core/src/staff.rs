//! Staff: the people whose calendars bookings fill.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::validate::{optional_email, required_text};
use crate::Paydesk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffInput {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl StaffInput {
    fn validated(&self) -> Result<StaffInput> {
        Ok(StaffInput {
            name: required_text("name", "Name", &self.name, 200)?,
            email: optional_email("email", &self.email)?,
            active: self.active,
        })
    }
}

pub(crate) mod store {
    use super::*;

    pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<StaffMember> {
        sqlx::query_as("SELECT id, name, email, active FROM staff WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(Error::NotFound {
                what: "Staff member",
                id,
            })
    }
}

impl Paydesk {
    pub async fn create_staff(&self, input: &StaffInput) -> Result<StaffMember> {
        let s = input.validated()?;
        let mut tx = self.db.write().await?;
        let id =
            sqlx::query("INSERT INTO staff (name, email, active, created_at) VALUES (?, ?, ?, ?)")
                .bind(&s.name)
                .bind(&s.email)
                .bind(s.active)
                .bind(instant_text(self.now()))
                .execute(&mut *tx)
                .await?
                .last_insert_rowid();
        let member = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(member)
    }

    pub async fn update_staff(&self, id: i64, input: &StaffInput) -> Result<StaffMember> {
        let s = input.validated()?;
        let mut tx = self.db.write().await?;
        store::get(&mut tx, id).await?;
        sqlx::query("UPDATE staff SET name = ?, email = ?, active = ? WHERE id = ?")
            .bind(&s.name)
            .bind(&s.email)
            .bind(s.active)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let member = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(member)
    }

    pub async fn staff_member(&self, id: i64) -> Result<StaffMember> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn, id).await
    }

    /// Everyone, active first, by name.
    pub async fn staff(&self) -> Result<Vec<StaffMember>> {
        Ok(sqlx::query_as(
            "SELECT id, name, email, active FROM staff ORDER BY active DESC, name, id",
        )
        .fetch_all(self.db.pool())
        .await?)
    }
}
