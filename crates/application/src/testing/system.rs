//! A clock that moves only when a test says so.

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::system::Clock;

/// Stands still at a set time until [`FixedClock::advance`] or [`FixedClock::set`]: windows and expiries are
/// tested by moving it, never by sleeping.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    /// 1 December 2026, 09:00 UTC.
    pub fn new() -> Self {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap_or_default();
        Self { now: Mutex::new(start) }
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }

    /// Sets the clock.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }
}

impl Default for FixedClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
