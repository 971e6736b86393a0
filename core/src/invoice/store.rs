//! SQL for invoices and their lines. `refresh` is the only writer of the cached totals; the status
//! is also set by a Stripe payment as it is applied (`head::SET_STATUS`, from the same `derive`).

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::status::{amount_due, derive};
use super::{
    totals, Draft, Invoice, InvoicePage, InvoiceQuery, InvoiceState, InvoiceStatus, InvoiceSummary,
    Line,
};
use crate::client::{fold, like_escape};
use crate::db::{decimal_col, instant_col};
use crate::error::{Error, Result};
use crate::money::{Currency, Money};

pub async fn insert_draft(conn: &mut SqliteConnection, d: &Draft, now: &str) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO invoices (client_id, booking_id, currency, issue_date, due_date, notes, terms, state, status,
                               created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', 'draft', ?, ?)",
    )
    .bind(d.client_id)
    .bind(d.booking_id)
    .bind(d.currency.code())
    .bind(d.issue_date)
    .bind(d.due_date)
    .bind(&d.notes)
    .bind(&d.terms)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    insert_lines(conn, id, &d.lines).await?;
    refresh(conn, id).await?;
    Ok(id)
}

pub async fn update_draft(
    conn: &mut SqliteConnection,
    id: i64,
    d: &Draft,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE invoices SET client_id = ?, booking_id = ?, currency = ?, issue_date = ?, due_date = ?, notes = ?,
                terms = ?, updated_at = ?
         WHERE id = ? AND state = 'draft'",
    )
    .bind(d.client_id)
    .bind(d.booking_id)
    .bind(d.currency.code())
    .bind(d.issue_date)
    .bind(d.due_date)
    .bind(&d.notes)
    .bind(&d.terms)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    insert_lines(conn, id, &d.lines).await?;
    refresh(conn, id).await
}

async fn insert_lines(conn: &mut SqliteConnection, id: i64, lines: &[Line]) -> Result<()> {
    for (pos, l) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price_minor, tax_rate,
                                        discount_percent, service_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(i64::try_from(pos).unwrap_or(i64::MAX))
        .bind(&l.description)
        .bind(l.quantity.to_string())
        .bind(l.unit_price.to_minor())
        .bind(l.tax_rate.to_string())
        .bind(l.discount_percent.to_string())
        .bind(l.service_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn mark_finalized(
    conn: &mut SqliteConnection,
    id: i64,
    number: &str,
    now: &str,
) -> Result<()> {
    sqlx::query("UPDATE invoices SET number = ?, state = 'open', finalized_at = ?, updated_at = ? WHERE id = ? AND state = 'draft'")
        .bind(number)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_state(
    conn: &mut SqliteConnection,
    id: i64,
    state: InvoiceState,
    now: &str,
) -> Result<()> {
    let voided_at = (state == InvoiceState::Void).then_some(now);
    sqlx::query("UPDATE invoices SET state = ?, voided_at = COALESCE(?, voided_at), updated_at = ? WHERE id = ?")
        .bind(state.as_str())
        .bind(voided_at)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Recomputes the cached totals and status from the lines, payments and refunds.
/// Every change to an invoice or the money applied to it ends with this, in the same transaction.
pub async fn refresh(conn: &mut SqliteConnection, id: i64) -> Result<()> {
    let (currency, state): (String, String) =
        sqlx::query_as("SELECT currency, state FROM invoices WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(Error::NotFound {
                what: "Invoice",
                id,
            })?;
    let currency = Currency::parse(&currency)?;
    let state = parse_state(&state)?;
    let lines = lines_of(conn, id, currency).await?;
    let t = totals::compute(
        &lines.iter().map(Line::priced).collect::<Vec<_>>(),
        currency,
    );
    let (paid, refunded) = money_applied(conn, id, currency).await?;
    let status = derive(state, t.total, paid, refunded);
    sqlx::query(
        "UPDATE invoices SET subtotal_minor = ?, discount_minor = ?, tax_minor = ?, total_minor = ?, status = ? WHERE id = ?",
    )
    .bind(t.subtotal.to_minor())
    .bind(t.discount.to_minor())
    .bind(t.tax.to_minor())
    .bind(t.total.to_minor())
    .bind(status.as_str())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sums of payments received and refunds given on an invoice.
pub async fn money_applied(
    conn: &mut SqliteConnection,
    id: i64,
    currency: Currency,
) -> Result<(Money, Money)> {
    let (paid, refunded): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COALESCE(SUM(amount_minor), 0) FROM payments WHERE invoice_id = ?1),
                (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE invoice_id = ?1)",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        Money::from_minor(paid, currency),
        Money::from_minor(refunded, currency),
    ))
}

pub(super) fn parse_state(text: &str) -> Result<InvoiceState> {
    InvoiceState::parse(text).ok_or_else(|| {
        Error::Database(sqlx::Error::Decode(
            format!("unknown invoice state {text}").into(),
        ))
    })
}

fn parse_status(text: &str) -> Result<InvoiceStatus> {
    InvoiceStatus::parse(text).ok_or_else(|| {
        Error::Database(sqlx::Error::Decode(
            format!("unknown invoice status {text}").into(),
        ))
    })
}

#[derive(sqlx::FromRow)]
struct LineRow {
    description: String,
    quantity: String,
    unit_price_minor: i64,
    tax_rate: String,
    discount_percent: String,
    service_id: Option<i64>,
}

async fn lines_of(conn: &mut SqliteConnection, id: i64, currency: Currency) -> Result<Vec<Line>> {
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT description, quantity, unit_price_minor, tax_rate, discount_percent, service_id
         FROM invoice_lines WHERE invoice_id = ? ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Line {
                description: r.description,
                quantity: decimal_col("quantity", &r.quantity)?,
                unit_price: Money::from_minor(r.unit_price_minor, currency),
                tax_rate: decimal_col("tax_rate", &r.tax_rate)?,
                discount_percent: decimal_col("discount_percent", &r.discount_percent)?,
                service_id: r.service_id,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct InvoiceRow {
    id: i64,
    number: Option<String>,
    client_id: i64,
    client_name: String,
    booking_id: Option<i64>,
    currency: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    notes: String,
    terms: String,
    state: String,
    created_at: String,
    finalized_at: Option<String>,
    voided_at: Option<String>,
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Invoice> {
    let r: InvoiceRow = sqlx::query_as(
        "SELECT i.id, i.number, i.client_id, c.name AS client_name, i.booking_id, i.currency, i.issue_date,
                i.due_date, i.notes, i.terms, i.state, i.created_at, i.finalized_at, i.voided_at
         FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound { what: "Invoice", id })?;
    let currency = Currency::parse(&r.currency)?;
    let state = parse_state(&r.state)?;
    let lines = lines_of(conn, id, currency).await?;
    let totals = totals::compute(
        &lines.iter().map(Line::priced).collect::<Vec<_>>(),
        currency,
    );
    let (paid, refunded) = money_applied(conn, id, currency).await?;
    let payments = crate::payment::store::for_invoice(conn, id).await?;
    let refunds = crate::payment::store::refunds_for_invoice(conn, id).await?;
    Ok(Invoice {
        id: r.id,
        number: r.number,
        client_id: r.client_id,
        client_name: r.client_name,
        booking_id: r.booking_id,
        currency,
        issue_date: r.issue_date,
        due_date: r.due_date,
        notes: r.notes,
        terms: r.terms,
        status: derive(state, totals.total, paid, refunded),
        amount_due: amount_due(state, totals.total, paid),
        state,
        lines,
        totals,
        paid,
        refunded,
        payments,
        refunds,
        created_at: instant_col("created_at", &r.created_at)?,
        finalized_at: r
            .finalized_at
            .as_deref()
            .map(|t| instant_col("finalized_at", t))
            .transpose()?,
        voided_at: r
            .voided_at
            .as_deref()
            .map(|t| instant_col("voided_at", t))
            .transpose()?,
    })
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    number: Option<String>,
    client_id: i64,
    client_name: String,
    currency: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    state: String,
    status: String,
    total_minor: i64,
    paid_minor: i64,
}

/// One page of the invoice list, newest first, with the number of all matches.
pub async fn list(conn: &mut SqliteConnection, q: &InvoiceQuery) -> Result<InvoicePage> {
    let search = fold(&q.search);
    let pattern = format!("%{}%", like_escape(&search));
    let mut filter = String::from(" WHERE 1");
    if !search.is_empty() {
        // LIKE is case-insensitive for ASCII, which covers invoice numbers; client names are matched on
        // their folded form through a one-off set of client ids. The unary `+` keeps SQLite from
        // turning the OR into two index lookups plus a sort, which is slower than one scan in id order.
        filter.push_str(
            " AND (i.number LIKE ?1 ESCAPE '\\'
                   OR +i.client_id IN (SELECT id FROM clients WHERE name_folded LIKE ?1 ESCAPE '\\'))",
        );
    }
    if let Some(client_id) = q.client_id {
        filter.push_str(&format!(" AND i.client_id = {client_id}"));
    }
    if !q.statuses.is_empty() {
        // Status names come from the enum, never from the caller's text.
        let names: Vec<String> = q
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        filter.push_str(&format!(" AND i.status IN ({})", names.join(", ")));
    }
    let limit = i64::from(q.limit.unwrap_or(50).clamp(1, 500));
    let offset = i64::from(q.offset.unwrap_or(0));

    let count_sql = format!("SELECT COUNT(*) FROM invoices i{filter}");
    let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
    if !search.is_empty() {
        count = count.bind(&pattern);
    }
    let (total_count,) = count.fetch_one(&mut *conn).await?;

    // The page's ids first, so the skipped rows of a deep page cost no joins or sums.
    let (limit_at, offset_at) = if search.is_empty() { (1, 2) } else { (2, 3) };
    let page_sql = format!(
        "SELECT i.id, i.number, i.client_id, c.name AS client_name, i.currency, i.issue_date, i.due_date, i.state,
                i.status, i.total_minor,
                (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.invoice_id = i.id) AS paid_minor
         FROM (SELECT i.id FROM invoices i{filter} ORDER BY i.id DESC LIMIT ?{limit_at} OFFSET ?{offset_at}) page
         JOIN invoices i ON i.id = page.id JOIN clients c ON c.id = i.client_id
         ORDER BY i.id DESC"
    );
    let mut page = sqlx::query_as::<_, SummaryRow>(&page_sql);
    if !search.is_empty() {
        page = page.bind(&pattern);
    }
    let rows = page.bind(limit).bind(offset).fetch_all(&mut *conn).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let currency = Currency::parse(&r.currency)?;
            let total = Money::from_minor(r.total_minor, currency);
            let paid = Money::from_minor(r.paid_minor, currency);
            Ok(InvoiceSummary {
                id: r.id,
                number: r.number,
                client_id: r.client_id,
                client_name: r.client_name,
                issue_date: r.issue_date,
                due_date: r.due_date,
                status: parse_status(&r.status)?,
                total,
                amount_due: amount_due(parse_state(&r.state)?, total, paid),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(InvoicePage { items, total_count })
}
