//! The real clock.

use chrono::{DateTime, SubsecRound, Utc};
use leadscore_application::system::Clock;

/// Reads the system clock. Microsecond precision, because PostgreSQL stores no more and a value must read back as
/// it was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}
