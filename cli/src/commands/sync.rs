//! `paydesk sync`: ask Stripe what happened (payments, refunds, disputes, payouts) and apply it;
//! `--watch` keeps doing so on the adaptive schedule until Ctrl-C. `paydesk activity` lists what
//! happened, newest first.

use paydesk_core::sync::schedule::Pace;
use paydesk_core::sync::task::SyncTask;
use paydesk_core::sync::{PassOptions, PassReport};
use paydesk_core::Paydesk;

use super::CmdResult;
use crate::output::{table, Out};

fn describe(r: &PassReport) -> String {
    let mode = r.mode.map(|m| m.as_str()).unwrap_or("?");
    let mut lines = vec![format!(
        "Stripe {mode}: {} new events applied, {} already applied, {} checked directly, {} requests{}",
        r.applied,
        r.duplicates,
        r.swept,
        r.reads,
        if r.rebuilt {
            " (caught up from Stripe's object lists)"
        } else {
            ""
        }
    )];
    lines.extend(r.news.iter().map(|n| format!("  {n}")));
    if let Some(e) = &r.error {
        lines.push(format!("  Problem: {e}"));
    }
    lines.join("\n")
}

pub async fn sync(app: &Paydesk, watch: bool, out: &Out) -> CmdResult {
    let sync = app.stripe().sync();
    if !watch {
        let reports = sync
            .pass(PassOptions {
                sweep: true,
                ..PassOptions::default()
            })
            .await?;
        out.emit(&reports, || {
            if reports.is_empty() {
                "Stripe isn't connected: nothing to sync.".into()
            } else {
                reports.iter().map(describe).collect::<Vec<_>>().join("\n")
            }
        });
        if let Some(r) = reports.iter().find(|r| r.error.is_some()) {
            // Exit 1 so scripts notice; the report above says what went wrong.
            return Err(paydesk_core::Error::conflict(r.error.clone().unwrap_or_default()).into());
        }
        return Ok(());
    }
    let json = out.json;
    let task = SyncTask::spawn_for(sync, Pace::default(), move |reports| {
        for r in reports {
            if json {
                println!("{}", serde_json::to_string(r).unwrap_or_default());
            } else if r.applied > 0 || r.swept > 0 || r.error.is_some() {
                println!("{}", describe(r));
            }
        }
    });
    let _ = tokio::signal::ctrl_c().await;
    task.shutdown().await;
    Ok(())
}

pub async fn activity(app: &Paydesk, limit: u32, out: &Out) -> CmdResult {
    let items = app.activity(limit).await?;
    out.emit(&items, || {
        let rows = items
            .iter()
            .map(|a| vec![a.at.format("%Y-%m-%d %H:%M").to_string(), a.message.clone()])
            .collect::<Vec<_>>();
        table(&["WHEN (UTC)", "WHAT"], &rows)
    });
    Ok(())
}
