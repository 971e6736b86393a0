//! The background task that runs sync passes on the adaptive schedule, until told to stop.
//!
//! It is generic over the pass so the schedule can be tested with tokio's paused clock; front
//! ends use [`SyncTask::spawn_for`], which runs [`Sync::pass`](super::Sync::pass).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::schedule::{self, Pace, Situation};
use super::{PassOptions, PassReport, Sync};

/// What a pass is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassRequest {
    /// The owner is waiting on a payment: look at open links directly too.
    pub hot: bool,
    /// Start-up, "Sync now", a nudge: sweep even if not due.
    pub forced: bool,
}

/// How a pass went, as far as scheduling cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PassOutcome {
    pub ok: bool,
    pub open_links: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nudge {
    Now,
    Hot,
}

pub struct SyncTask {
    nudges: mpsc::UnboundedSender<Nudge>,
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl SyncTask {
    /// Starts the loop: a pass at once, then one after each scheduled wait or nudge.
    pub fn spawn<F, Fut>(pace: Pace, mut pass: F) -> SyncTask
    where
        F: FnMut(PassRequest) -> Fut + Send + 'static,
        Fut: Future<Output = PassOutcome> + Send + 'static,
    {
        let (nudges, mut rx) = mpsc::unbounded_channel();
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            let mut hot_until: Option<Instant> = None;
            let mut failures = 0u32;
            let mut forced = true;
            loop {
                let hot = hot_until.is_some_and(|t| Instant::now() < t);
                let outcome = tokio::select! {
                    o = pass(PassRequest { hot, forced }) => o,
                    _ = stopped.changed() => break,
                };
                forced = false;
                failures = if outcome.ok {
                    0
                } else {
                    failures.saturating_add(1)
                };
                let situation = Situation {
                    hot: hot_until.is_some_and(|t| Instant::now() < t),
                    open_links: outcome.open_links,
                    failures,
                };
                let delay = schedule::next_delay(&pace, situation, |n| fastrand::u64(0..=n));
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    nudge = rx.recv() => match nudge {
                        Some(Nudge::Now) => forced = true,
                        Some(Nudge::Hot) => {
                            hot_until = Some(Instant::now() + pace.hot_for);
                            forced = true;
                        }
                        None => break,
                    },
                    _ = stopped.changed() => break,
                }
            }
        });
        SyncTask {
            nudges,
            stop,
            handle,
        }
    }

    /// Runs real passes over every connected mode; `on_report` hears each pass's reports.
    pub fn spawn_for(
        sync: Sync,
        pace: Pace,
        on_report: impl Fn(&[PassReport]) + Send + std::marker::Sync + 'static,
    ) -> SyncTask {
        let on_report = Arc::new(on_report);
        SyncTask::spawn(pace, move |req| {
            let sync = sync.clone();
            let on_report = on_report.clone();
            async move {
                let opts = PassOptions {
                    sweep: req.forced,
                    sweep_every: req.hot.then_some(schedule::SWEEP_EVERY_HOT),
                    no_sweep: false,
                };
                let reports = sync.pass(opts).await;
                let open_links = sync.has_open_links().await.unwrap_or(true);
                match reports {
                    Ok(reports) => {
                        on_report(&reports);
                        PassOutcome {
                            ok: reports.iter().all(|r| r.error.is_none()),
                            open_links,
                        }
                    }
                    Err(_) => PassOutcome {
                        ok: false,
                        open_links,
                    },
                }
            }
        })
    }

    /// "Sync now": a pass as soon as the current one (if any) ends.
    pub fn sync_now(&self) {
        let _ = self.nudges.send(Nudge::Now);
    }

    /// A payment may be imminent (a link sent, copied, opened; an open invoice on screen):
    /// poll every few seconds for a while.
    pub fn hot(&self) {
        let _ = self.nudges.send(Nudge::Hot);
    }

    /// Stops the loop, abandoning a pass in progress (its open transaction rolls back; every
    /// Stripe write it made was keyed), and waits for it to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(10), self.handle).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    type Log = Arc<Mutex<Vec<(Duration, PassRequest)>>>;

    /// Records when each pass ran (paused time, so exact).
    fn recorder(
        outcomes: Vec<PassOutcome>,
    ) -> (
        Log,
        impl FnMut(PassRequest) -> std::future::Ready<PassOutcome> + Send + 'static,
    ) {
        let start = Instant::now();
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let mut n = 0;
        let pass = move |req| {
            seen.lock().unwrap().push((start.elapsed(), req));
            let o = outcomes.get(n).copied().unwrap_or(PassOutcome {
                ok: true,
                open_links: true,
            });
            n += 1;
            std::future::ready(o)
        };
        (log, pass)
    }

    fn times(log: &Mutex<Vec<(Duration, PassRequest)>>) -> Vec<u64> {
        log.lock()
            .unwrap()
            .iter()
            .map(|(t, _)| t.as_secs())
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn passes_at_start_then_every_seven_minutes_with_open_links() {
        let (log, pass) = recorder(vec![]);
        let task = SyncTask::spawn(Pace::default(), pass);
        tokio::time::sleep(Duration::from_secs(15 * 60)).await;
        assert_eq!(times(&log), vec![0, 420, 840]);
        assert!(log.lock().unwrap()[0].1.forced);
        assert!(!log.lock().unwrap()[1].1.forced);
        task.shutdown().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_nudge_makes_it_hot_for_ten_minutes_then_it_calms_down() {
        let (log, pass) = recorder(vec![]);
        let task = SyncTask::spawn(Pace::default(), pass);
        tokio::time::sleep(Duration::from_secs(60)).await;
        task.hot();
        tokio::time::sleep(Duration::from_secs(60 + 600 + 420 + 1)).await;
        let t = times(&log);
        // Start, the nudge at 60 s, then every 3 s until 660 s, then the open-links pace.
        assert_eq!(t[0], 0);
        assert_eq!(t[1], 60);
        assert_eq!(t[2], 63);
        let hot: Vec<_> = t.iter().filter(|s| (60..=660).contains(*s)).collect();
        assert_eq!(hot.len(), 201, "{t:?}");
        assert_eq!(t.last().copied(), Some(t[t.len() - 2] + 420));
        assert!(log.lock().unwrap()[1].1.hot);
        task.shutdown().await;
    }

    #[tokio::test(start_paused = true)]
    async fn failures_retry_sooner_and_sync_now_runs_at_once() {
        let bad = PassOutcome {
            ok: false,
            open_links: false,
        };
        let (log, pass) = recorder(vec![bad, bad, bad]);
        let task = SyncTask::spawn(Pace::default(), pass);
        tokio::time::sleep(Duration::from_secs(60)).await;
        let t = times(&log);
        // 2.5–5 s, then 5–10 s, then 10–20 s after each failure; then the idle pace.
        assert_eq!(t.len(), 4, "{t:?}");
        assert!(t[3] <= 35, "{t:?}");
        task.sync_now();
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(times(&log).len(), 5);
        assert!(log.lock().unwrap()[4].1.forced);
        task.shutdown().await;
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_stops_the_loop() {
        let (log, pass) = recorder(vec![]);
        let task = SyncTask::spawn(Pace::default(), pass);
        tokio::time::sleep(Duration::from_secs(1)).await;
        task.shutdown().await;
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(times(&log), vec![0]);
    }
}
