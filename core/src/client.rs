//! Clients: the people a business books and invoices.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};
use crate::validate::{optional_email, optional_text, required_text};
use crate::Paydesk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

/// What a person types into the client form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub notes: String,
}

impl ClientInput {
    fn validated(&self) -> Result<ClientInput> {
        Ok(ClientInput {
            name: required_text("name", "Name", &self.name, 200)?,
            email: optional_email("email", &self.email)?,
            phone: optional_text("phone", "Phone", &self.phone, 50)?,
            address: optional_text("address", "Address", &self.address, 1000)?,
            notes: optional_text("notes", "Notes", &self.notes, 10_000)?,
        })
    }
}

/// Lower-cases beyond ASCII so a search for "zoë" finds "ZOË".
pub(crate) fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

pub(crate) mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        email: String,
        phone: String,
        address: String,
        notes: String,
        created_at: String,
    }

    impl Row {
        fn into_client(self) -> Result<Client> {
            Ok(Client {
                id: self.id,
                name: self.name,
                email: self.email,
                phone: self.phone,
                address: self.address,
                notes: self.notes,
                created_at: instant_col("created_at", &self.created_at)?,
            })
        }
    }

    const COLUMNS: &str = "id, name, email, phone, address, notes, created_at";

    pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Client> {
        let row: Option<Row> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM clients WHERE id = ?"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        row.ok_or(Error::NotFound { what: "Client", id })?
            .into_client()
    }

    pub async fn list(
        conn: &mut SqliteConnection,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Client>> {
        let pattern = format!("%{}%", like_escape(&fold(search)));
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM clients
             WHERE name_folded LIKE ?1 ESCAPE '\\' OR lower(email) LIKE ?1 ESCAPE '\\' OR phone LIKE ?1 ESCAPE '\\'
             ORDER BY name_folded, id LIMIT ?2 OFFSET ?3"
        ))
        .bind(pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(Row::into_client).collect()
    }

    pub async fn insert(conn: &mut SqliteConnection, c: &ClientInput, now: &str) -> Result<i64> {
        let id = sqlx::query(
            "INSERT INTO clients (name, name_folded, email, phone, address, notes, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.name)
        .bind(fold(&c.name))
        .bind(&c.email)
        .bind(&c.phone)
        .bind(&c.address)
        .bind(&c.notes)
        .bind(now)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    pub async fn update(
        conn: &mut SqliteConnection,
        id: i64,
        c: &ClientInput,
        now: &str,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE clients SET name = ?, name_folded = ?, email = ?, phone = ?, address = ?, notes = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(&c.name)
        .bind(fold(&c.name))
        .bind(&c.email)
        .bind(&c.phone)
        .bind(&c.address)
        .bind(&c.notes)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound { what: "Client", id });
        }
        Ok(())
    }
}

/// Escapes `%`, `_` and `\` so a search for "50%" looks for a percent sign.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

impl Paydesk {
    pub async fn create_client(&self, input: &ClientInput) -> Result<Client> {
        let input = input.validated()?;
        let mut tx = self.db.write().await?;
        let id = store::insert(&mut tx, &input, &instant_text(self.now())).await?;
        let client = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(client)
    }

    pub async fn update_client(&self, id: i64, input: &ClientInput) -> Result<Client> {
        let input = input.validated()?;
        let mut tx = self.db.write().await?;
        store::update(&mut tx, id, &input, &instant_text(self.now())).await?;
        let client = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(client)
    }

    pub async fn client(&self, id: i64) -> Result<Client> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn, id).await
    }

    /// Clients whose name, email or phone contains `search` (all when empty), by name.
    pub async fn clients(&self, search: &str, limit: u32, offset: u32) -> Result<Vec<Client>> {
        let mut conn = self.db.pool().acquire().await?;
        store::list(
            &mut conn,
            search,
            i64::from(limit.clamp(1, 500)),
            i64::from(offset),
        )
        .await
    }

    /// Deletes a client who has no invoices and no bookings. With either, the books would lose
    /// history, so the owner is told instead.
    pub async fn delete_client(&self, id: i64) -> Result<()> {
        let mut tx = self.db.write().await?;
        let client = store::get(&mut tx, id).await?;
        let (invoices, bookings): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM invoices WHERE client_id = ?1), (SELECT COUNT(*) FROM bookings WHERE client_id = ?1)",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if invoices > 0 || bookings > 0 {
            return Err(Error::conflict(format!(
                "{} has {invoices} invoice(s) and {bookings} booking(s), so they can't be deleted — the books must keep them.",
                client.name
            )));
        }
        let (jobs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE client_id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if jobs > 0 {
            return Err(Error::conflict(format!(
                "{} has {jobs} job(s), so they can't be deleted.",
                client.name
            )));
        }
        sqlx::query("DELETE FROM clients WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
