//! When to ask Stripe next. Reads are not free: Stripe allots each account a read budget in
//! proportion to its payments (at least 10,000 a month), so an idle shop must poll rarely — yet a
//! client paying a link the owner just sent should show up within seconds.
//!
//! | situation                                             | next pass in           |
//! |-------------------------------------------------------|------------------------|
//! | a link sent, copied or opened, or an open invoice on screen, in the last 10 minutes | 3 s |
//! | invoices with live pay links                          | 7 min                  |
//! | nothing outstanding                                   | 30 min                 |
//! | the last pass failed                                  | 5 s, doubling to 5 min, with jitter |
//!
//! With open invoices that is about 206 event listings a day plus a direct look at each open link
//! every 6 hours: about 6,500 reads a month for a shop with five open invoices.

use std::time::Duration;

/// How often open links' Checkout Sessions are checked directly, normally and while hot.
pub const SWEEP_EVERY: chrono::Duration = chrono::Duration::hours(6);
pub const SWEEP_EVERY_HOT: chrono::Duration = chrono::Duration::minutes(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pace {
    pub hot: Duration,
    /// How long a nudge (link sent, copied, opened; invoice on screen) keeps polling hot.
    pub hot_for: Duration,
    pub open: Duration,
    pub idle: Duration,
    pub retry_first: Duration,
    pub retry_max: Duration,
}

impl Default for Pace {
    fn default() -> Pace {
        Pace {
            hot: Duration::from_secs(3),
            hot_for: Duration::from_secs(600),
            open: Duration::from_secs(7 * 60),
            idle: Duration::from_secs(30 * 60),
            retry_first: Duration::from_secs(5),
            retry_max: Duration::from_secs(5 * 60),
        }
    }
}

/// What the last pass left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Situation {
    pub hot: bool,
    pub open_links: bool,
    /// Passes in a row that failed (network down, Stripe trouble).
    pub failures: u32,
}

/// The wait before the next pass. `jitter` returns a random number in `0..=n` (milliseconds);
/// passed in so tests are exact.
pub fn next_delay(pace: &Pace, s: Situation, jitter: impl Fn(u64) -> u64) -> Duration {
    if s.failures > 0 {
        let doubled = pace
            .retry_first
            .saturating_mul(1u32 << (s.failures - 1).min(16))
            .min(pace.retry_max);
        // "Equal jitter": at least half the wait, so many desktops don't retry in step.
        let half = u64::try_from(doubled.as_millis() / 2).unwrap_or(u64::MAX);
        let wait = Duration::from_millis(half + jitter(half));
        return if s.hot {
            wait.min(pace.hot.max(pace.retry_first))
        } else {
            wait
        };
    }
    if s.hot {
        pace.hot
    } else if s.open_links {
        pace.open
    } else {
        pace.idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: u64) -> u64 {
        0
    }

    #[test]
    fn hot_beats_open_beats_idle() {
        let p = Pace::default();
        let s = |hot, open_links| Situation {
            hot,
            open_links,
            failures: 0,
        };
        assert_eq!(next_delay(&p, s(true, true), none), Duration::from_secs(3));
        assert_eq!(
            next_delay(&p, s(false, true), none),
            Duration::from_secs(420)
        );
        assert_eq!(
            next_delay(&p, s(false, false), none),
            Duration::from_secs(1800)
        );
    }

    #[test]
    fn failures_back_off_with_jitter_up_to_the_cap() {
        let p = Pace::default();
        let after = |failures, jitter: fn(u64) -> u64| {
            next_delay(
                &p,
                Situation {
                    hot: false,
                    open_links: true,
                    failures,
                },
                jitter,
            )
        };
        assert_eq!(after(1, none), Duration::from_millis(2500));
        assert_eq!(after(1, |n| n), Duration::from_secs(5));
        assert_eq!(after(3, none), Duration::from_secs(10));
        assert_eq!(after(30, |n| n), Duration::from_secs(300));
    }

    #[test]
    fn an_idle_month_with_open_invoices_stays_under_eight_thousand_reads() {
        let p = Pace::default();
        let listings_per_day = 86_400 / p.open.as_secs();
        let open_links = 5;
        let sweeps_per_day = 24 / u64::try_from(SWEEP_EVERY.num_hours()).unwrap();
        let per_month = 30 * (listings_per_day + open_links * sweeps_per_day);
        assert!(per_month < 8_000, "{per_month} reads a month");
    }
}
