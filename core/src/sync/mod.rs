//! Getting paid without webhooks: the Stripe events poller.
//!
//! A desktop app has no public URL, so Paydesk asks Stripe what happened instead of being told.
//! One *pass* per connected mode:
//!
//! 1. finish refunds whose answer was never seen (same key, same body);
//! 2. list events from the watermark minus [`OVERLAP`] (events can become visible after newer
//!    ones were listed), of the types Paydesk applies, paging to the end;
//! 3. skip ids already in `stripe_events`; for the rest, oldest first, fetch the object's current
//!    state and apply it — in one transaction with the `stripe_events` row and the watermark, so
//!    a crash anywhere re-applies safely and nothing applies twice;
//! 4. now and then, look at every open pay link's Checkout Sessions and every processing payment
//!    directly, so no invoice depends on one event arriving ([`sweep`]);
//! 5. afterwards, bring the touched invoices' pay links in line (a new link for a balance).
//!
//! Offline longer than Stripe keeps events ([`EVENT_MEMORY`]), the pass rebuilds from the object
//! lists instead. [`task`] runs passes on an adaptive schedule ([`schedule`]).

mod feed;
pub mod fetch;
pub mod schedule;
pub mod state;
mod sweep;
pub mod task;

use chrono::Duration;
use serde::Serialize;

use crate::activity::store as activity_store;
use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::ledger::objects::Event;
use crate::ledger::Ctx;
use crate::stripe::{Stripe, StripeError, StripeMode};

pub use feed::TYPES;
pub use state::SyncStatus;

/// How far before the watermark each listing starts: Stripe's event ids and visibility are only
/// roughly time-ordered.
pub const OVERLAP_SECS: i64 = 600;
/// Stripe lists events of the last 30 days; past this, rebuild from the object lists instead.
pub const EVENT_MEMORY: Duration = Duration::days(28);
/// Events fetched, then applied in one transaction: amortizes the commit (thousands of events a
/// second when catching up) while a crash loses at most one batch's fetching, never its effect.
const BATCH: usize = 25;
/// A first pass looks back this far before the connection was made.
const FIRST_LOOK_BACK: Duration = Duration::days(1);

/// What a pass did, per mode.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PassReport {
    pub mode: Option<StripeMode>,
    /// Events listed, applied now, and skipped because they were applied before.
    pub listed: u32,
    pub applied: u32,
    pub duplicates: u32,
    pub pages: u32,
    /// Objects checked directly (open links' sessions, processing payments).
    pub swept: u32,
    /// Rebuilt from object lists because the last pass was too long ago for the event list.
    pub rebuilt: bool,
    /// HTTP requests sent to Stripe.
    pub reads: u32,
    /// Activity items written (payments, failures, disputes…).
    pub news: Vec<String>,
    pub error: Option<String>,
    pub error_code: Option<String>,
}

/// Options for one pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassOptions {
    /// Check open links and processing payments directly even if it isn't due.
    pub sweep: bool,
    /// Time between direct checks; `None` uses [`schedule::SWEEP_EVERY`].
    pub sweep_every: Option<Duration>,
    /// Never check directly in this pass (tests of the event feed alone).
    pub no_sweep: bool,
}

/// The poller for one set of Stripe settings. Get one with [`Stripe::sync`].
#[derive(Clone)]
pub struct Sync {
    stripe: Stripe,
}

impl Stripe {
    pub fn sync(&self) -> Sync {
        Sync {
            stripe: self.clone(),
        }
    }
}

impl Sync {
    pub fn stripe(&self) -> &Stripe {
        &self.stripe
    }

    /// One pass over every connected mode.
    pub async fn pass(&self, opts: PassOptions) -> Result<Vec<PassReport>> {
        let modes: Vec<(String,)> =
            sqlx::query_as("SELECT mode FROM stripe_accounts ORDER BY mode")
                .fetch_all(self.stripe.app().db.pool())
                .await?;
        let mut reports = Vec::new();
        for (mode,) in modes {
            if let Some(mode) = StripeMode::parse(&mode) {
                reports.push(self.pass_mode(mode, opts).await?);
            }
        }
        Ok(reports)
    }

    /// Whether any open invoice has a live pay link (polling is then worth doing more often).
    pub async fn has_open_links(&self) -> Result<bool> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM pay_links WHERE state IN ('active', 'creating')")
                .fetch_one(self.stripe.app().db.pool())
                .await?;
        Ok(n > 0)
    }

    pub async fn status(&self) -> Result<Vec<SyncStatus>> {
        let app = self.stripe.app();
        let mut conn = app.db.pool().acquire().await?;
        state::statuses(&mut conn, app.now().date_naive()).await
    }

    /// One pass for one mode. Stripe failures end the pass early and are reported (and kept for
    /// Settings); only local failures (the database) are errors.
    pub async fn pass_mode(&self, mode: StripeMode, opts: PassOptions) -> Result<PassReport> {
        let app = self.stripe.app();
        let mut report = PassReport {
            mode: Some(mode),
            ..PassReport::default()
        };
        let client = match self.stripe.client(mode).await {
            Ok(c) => c,
            Err(e) => {
                report.error_code = Some(e.code().to_string());
                report.error = Some(e.to_string());
                return Ok(report);
            }
        };
        let outcome = self.run(mode, &client, opts, &mut report).await;
        report.reads = client.requests_sent();
        let error = match outcome {
            Ok(()) => None,
            Err(e @ (Error::Stripe(_) | Error::Money(_))) => {
                let msg = owner_words(&e);
                report.error_code = Some(e.code().to_string());
                report.error = Some(msg.clone());
                Some((e.code(), msg))
            }
            Err(e) => return Err(e),
        };
        let mut conn = app.db.pool().acquire().await?;
        state::finish(&mut conn, mode, app.now(), report.reads, error).await?;
        Ok(report)
    }

    async fn run(
        &self,
        mode: StripeMode,
        client: &crate::stripe::StripeClient,
        opts: PassOptions,
        report: &mut PassReport,
    ) -> Result<()> {
        let app = self.stripe.app();
        let pass_state = {
            let mut conn = app.db.pool().acquire().await?;
            state::load(&mut conn, mode).await?
        };
        self.stripe.finish_pending_refunds().await?;
        self.stripe.finish_pending_charges().await?;
        let now = app.now();
        let mut touched: Vec<i64> = Vec::new();
        let since = match pass_state.watermark {
            Some(w) if now.timestamp() - w > EVENT_MEMORY.num_seconds() => {
                report.rebuilt = true;
                sweep::rebuild(self, mode, client, w - OVERLAP_SECS, report, &mut touched).await?;
                None
            }
            Some(w) => Some(w - OVERLAP_SECS),
            None => {
                let connected = self.stripe.connection(mode).await?.map(|c| c.connected_at);
                let start = connected.unwrap_or(now) - FIRST_LOOK_BACK;
                Some(start.max(now - EVENT_MEMORY).timestamp())
            }
        };
        if let Some(since) = since {
            self.apply_events(mode, client, since, report, &mut touched)
                .await?;
        }
        let sweep_every = opts.sweep_every.unwrap_or(schedule::SWEEP_EVERY);
        let due = pass_state
            .last_sweep_at
            .is_none_or(|at| app.now() - at >= sweep_every);
        if !opts.no_sweep && (opts.sweep || due || report.rebuilt) {
            sweep::open_items(self, mode, client, report, &mut touched).await?;
            let mut conn = app.db.pool().acquire().await?;
            state::swept(&mut conn, mode, app.now()).await?;
        }
        // New links for what is still owed (a failed bank debit, a partial payment). A failure
        // here is the pay links' own business (they keep their error); the payment is applied.
        let links = self.stripe.pay_links();
        for id in touched {
            let _ = links.sync(id).await;
        }
        // Only now, with every payment Stripe reported applied, is an unpaid deposit really unpaid.
        self.stripe.release_unpaid_deposits().await?;
        Ok(())
    }

    async fn apply_events(
        &self,
        mode: StripeMode,
        client: &crate::stripe::StripeClient,
        since: i64,
        report: &mut PassReport,
        touched: &mut Vec<i64>,
    ) -> Result<()> {
        let app = self.stripe.app();
        let long = app.now().timestamp() - since > 3600 * 24;
        let listing = feed::since(client, since, |pages, n| {
            if long {
                let text = format!("Catching up: {n} events found on {pages} pages…");
                let pool = app.db.pool().clone();
                tokio::spawn(async move {
                    let _ = sqlx::query("UPDATE stripe_sync_state SET catch_up = ? WHERE mode = ?")
                        .bind(text)
                        .bind(mode.as_str())
                        .execute(&pool)
                        .await;
                });
            }
        })
        .await?;
        report.pages += listing.pages;
        report.listed += u32::try_from(listing.events.len()).unwrap_or(u32::MAX);
        let done = processed_among(app, &listing.events).await?;
        let pending: Vec<&Event> = listing
            .events
            .iter()
            .filter(|e| !done.contains(&e.id))
            .collect();
        report.duplicates += u32::try_from(listing.events.len() - pending.len()).unwrap_or(0);
        let fetcher = fetch::Fetcher { client };
        let mut applied_so_far = 0;
        for chunk in pending.chunks(BATCH) {
            let mut batch = Vec::with_capacity(chunk.len());
            let mut failure = None;
            for event in chunk {
                match fetcher.for_event(event).await {
                    Ok(f) => batch.push((*event, f)),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            // What was fetched before a failure is still applied: progress is kept.
            self.commit_batch(mode, &batch, report, touched).await?;
            if let Some(e) = failure {
                return Err(e);
            }
            applied_so_far += batch.len();
            if long {
                let mut conn = app.db.pool().acquire().await?;
                let text = format!(
                    "Catching up: {applied_so_far} of {} events applied…",
                    pending.len()
                );
                state::set_catch_up(&mut conn, mode, Some(&text)).await?;
            }
        }
        let mut conn = app.db.pool().acquire().await?;
        state::set_catch_up(&mut conn, mode, None).await?;
        // Everything since `since` is applied now, even when there was nothing: a first pass
        // that found no events still marks where it looked from.
        state::advance(&mut conn, mode, since + OVERLAP_SECS).await?;
        Ok(())
    }

    /// Applies events whose objects are fetched, oldest first, each with its `stripe_events` row
    /// and the watermark — all in one transaction, so a crash leaves all or none of the batch.
    async fn commit_batch(
        &self,
        mode: StripeMode,
        batch: &[(&Event, fetch::Fetched)],
        report: &mut PassReport,
        touched: &mut Vec<i64>,
    ) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let app = self.stripe.app();
        let mut tx = app.db.write().await?;
        let now = app.now();
        let mut ctx = Ctx::new(&mut tx, mode, now).await?;
        // Another window may have applied some while this one was fetching.
        let seen = processed_in(ctx.conn, batch.iter().map(|(e, _)| e.id.as_str())).await?;
        let payments: Vec<&str> = batch
            .iter()
            .filter_map(|(_, f)| f.payment_intent_id())
            .collect();
        ctx.prefetch_payments(&payments).await?;
        let mut news = Vec::new();
        let mut records = Vec::with_capacity(batch.len());
        for (event, fetched) in batch {
            if seen.contains(&event.id) {
                report.duplicates += 1;
                continue;
            }
            let applied = fetch::apply(&mut ctx, fetched).await?;
            report
                .news
                .extend(applied.activity.iter().map(|a| a.message.clone()));
            news.extend(applied.activity);
            records.push((*event, applied.outcome));
            report.applied += 1;
            for id in applied.invoices {
                if !touched.contains(&id) {
                    touched.push(id);
                }
            }
        }
        activity_store::insert_many(ctx.conn, Some(mode), &news, now).await?;
        record_events(ctx.conn, mode, &records, now).await?;
        if let Some(newest) = records.iter().map(|(e, _)| e.created).max() {
            state::advance(ctx.conn, mode, newest).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Applies already-fetched events exactly as a pass does (benchmarks and tests feed it
    /// objects directly). Returns how many were new.
    #[doc(hidden)]
    pub async fn apply_prefetched(
        &self,
        mode: StripeMode,
        batch: &[(&Event, fetch::Fetched)],
    ) -> Result<u32> {
        let mut report = PassReport::default();
        let mut touched = Vec::new();
        self.commit_batch(mode, batch, &mut report, &mut touched)
            .await?;
        Ok(report.applied)
    }

    /// Applies a fetched object outside the event feed (sweeps, rebuilds): same transaction rules,
    /// no `stripe_events` row.
    async fn apply_direct(
        &self,
        mode: StripeMode,
        fetched: &fetch::Fetched,
        report: &mut PassReport,
        touched: &mut Vec<i64>,
    ) -> Result<()> {
        let app = self.stripe.app();
        let mut tx = app.db.write().await?;
        let now = app.now();
        let mut ctx = Ctx::new(&mut tx, mode, now).await?;
        let applied = fetch::apply(&mut ctx, fetched).await?;
        for item in &applied.activity {
            activity_store::insert(&mut tx, Some(mode), item, now).await?;
            report.news.push(item.message.clone());
        }
        tx.commit().await?;
        report.swept += 1;
        for id in applied.invoices {
            if !touched.contains(&id) {
                touched.push(id);
            }
        }
        Ok(())
    }
}

/// Writes the batch's `stripe_events` rows in one statement.
async fn record_events(
    conn: &mut sqlx::SqliteConnection,
    mode: StripeMode,
    records: &[(&Event, String)],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; records.len()].join(", ");
    let sql = format!(
        "INSERT INTO stripe_events (id, mode, type, created, object_id, applied_at, outcome, payload)
         VALUES {rows}"
    );
    let applied_at = instant_text(now);
    let mut q = sqlx::query(&sql);
    for (event, outcome) in records {
        q = q
            .bind(&event.id)
            .bind(mode.as_str())
            .bind(&event.kind)
            .bind(event.created)
            .bind(&event.data.object.id)
            .bind(applied_at.clone())
            .bind(outcome)
            .bind(event.raw.to_string());
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Which of these event ids were applied before.
async fn processed_in<'a>(
    conn: &mut sqlx::SqliteConnection,
    ids: impl Iterator<Item = &'a str>,
) -> Result<std::collections::HashSet<String>> {
    let ids: Vec<&str> = ids.collect();
    let marks = vec!["?"; ids.len()].join(", ");
    let sql = format!("SELECT id FROM stripe_events WHERE id IN ({marks})");
    let mut q = sqlx::query_as::<_, (String,)>(&sql);
    for id in &ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect())
}

/// Which of the listed events were applied before.
async fn processed_among(
    app: &crate::Paydesk,
    events: &[Event],
) -> Result<std::collections::HashSet<String>> {
    let mut conn = app.db.pool().acquire().await?;
    let mut done = std::collections::HashSet::new();
    for chunk in events.chunks(500) {
        done.extend(processed_in(&mut conn, chunk.iter().map(|e| e.id.as_str())).await?);
    }
    Ok(done)
}

/// A sync failure as the owner should read it in Settings.
fn owner_words(e: &Error) -> String {
    match e {
        Error::Stripe(StripeError::Auth) => format!(
            "{e} Until then Paydesk can't see payments: Reconnect Stripe in Settings → Stripe."
        ),
        Error::Stripe(StripeError::Permission { .. }) => format!(
            "{e} Paydesk needs it to see payments; add it to the key in the Stripe Dashboard."
        ),
        _ => e.to_string(),
    }
}
