//! Analytics rules that need no database: complete time series (UTC days, ISO weeks, months), the dimensions
//! customers are broken down by (with age bands), and what the lift table, ROC AUC and Brier score derive from
//! per-decile sums.

mod dimensions;
mod lift;
mod series;

pub use dimensions::{AGE_BANDS, AgeBand, Dimension, age_band};
pub use lift::{Decile, DecileSums, Lift, MIN_OUTCOMES, lift, rate};
pub use series::{Bucket, Granularity, MAX_BUCKETS, Metric, SeriesPeriod, check_day};
