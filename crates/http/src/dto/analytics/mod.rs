//! Parameters and answers of the analytics endpoints. Rates and means are `null` where their denominator is zero,
//! so "no data" is never shown as 0 %.

mod dashboard;
mod lift;
mod params;

pub use dashboard::*;
pub use lift::*;
pub use params::*;

use leadscore_domain::analytics::{Dimension, Granularity, Metric};

api_enum!(
    /// Bucket length of a trend: UTC days, ISO weeks (Monday to Sunday) or calendar months.
    GroupByDto => Granularity {
        /// One UTC day.
        Day = "day",
        /// One ISO week.
        Week = "week",
        /// One calendar month.
        Month = "month",
    }
);

api_enum!(
    /// What a trend counts: predictions by creation, leads by creation, conversions (leads now Converted) by
    /// closing.
    MetricDto => Metric {
        /// Predictions made.
        Predictions = "predictions",
        /// Leads closed as Converted.
        Conversions = "conversions",
        /// Leads put on call lists.
        Leads = "leads",
    }
);

api_enum!(
    /// A customer attribute to break the base down by.
    DimensionDto => Dimension {
        /// Type of job.
        Job = "job",
        Education = "education",
        /// Marital status.
        Marital = "marital",
        /// Month of the last contact.
        Month = "month",
        /// Contact channel.
        Contact = "contact",
        /// Outcome of the previous campaign.
        Poutcome = "poutcome",
        /// Age bands 18-24, 25-34, 35-44, 45-54, 55-64, 65+.
        AgeBand = "age-band",
    }
);
