//! What customers are broken down by: their categorical attributes and age bands.

use crate::customers::{Contact, Education, Job, Marital, Month, Poutcome};
use crate::string_enum;

string_enum!(
    /// A customer attribute to group by.
    Dimension, "by" {
        /// Type of job.
        Job => "job",
        /// Education level.
        Education => "education",
        /// Marital status.
        Marital => "marital",
        /// Month of the last contact.
        Month => "month",
        /// How the last contact was made.
        Contact => "contact",
        /// Outcome of the previous campaign.
        Poutcome => "poutcome",
        /// Age band (see [`AGE_BANDS`]).
        AgeBand => "age-band",
    }
);

impl Dimension {
    /// Every value the dimension can take, in its natural order (months January first, age bands youngest first,
    /// the others as the data documents them), so a breakdown lists empty groups too.
    pub fn keys(self) -> Vec<&'static str> {
        match self {
            Self::Job => Job::ALL.iter().map(|v| v.as_str()).collect(),
            Self::Education => Education::ALL.iter().map(|v| v.as_str()).collect(),
            Self::Marital => Marital::ALL.iter().map(|v| v.as_str()).collect(),
            Self::Month => Month::ALL.iter().map(|v| v.as_str()).collect(),
            Self::Contact => Contact::ALL.iter().map(|v| v.as_str()).collect(),
            Self::Poutcome => Poutcome::ALL.iter().map(|v| v.as_str()).collect(),
            Self::AgeBand => AGE_BANDS.iter().map(|b| b.label).collect(),
        }
    }
}

/// One age band: ages from `min` to `max` inclusive (`None`: no upper bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeBand {
    /// Youngest age in the band.
    pub min: u8,
    /// Oldest age in the band.
    pub max: Option<u8>,
    /// Its name.
    pub label: &'static str,
}

/// Ten-year bands after a first band of the under-25s, and one band from 65 (customers are 18 to 100).
pub const AGE_BANDS: &[AgeBand] = &[
    AgeBand { min: 18, max: Some(24), label: "18-24" },
    AgeBand { min: 25, max: Some(34), label: "25-34" },
    AgeBand { min: 35, max: Some(44), label: "35-44" },
    AgeBand { min: 45, max: Some(54), label: "45-54" },
    AgeBand { min: 55, max: Some(64), label: "55-64" },
    AgeBand { min: 65, max: None, label: "65+" },
];

/// The band of an age (ages below the first band count in it).
pub fn age_band(age: u8) -> &'static str {
    AGE_BANDS.iter().find(|b| b.max.is_none_or(|max| age <= max)).map_or("65+", |b| b.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_every_age_without_gaps() {
        assert_eq!(age_band(18), "18-24");
        assert_eq!(age_band(24), "18-24");
        assert_eq!(age_band(25), "25-34");
        assert_eq!(age_band(64), "55-64");
        assert_eq!(age_band(65), "65+");
        assert_eq!(age_band(100), "65+");
        for pair in AGE_BANDS.windows(2) {
            assert_eq!(pair[0].max.map(|m| m + 1), Some(pair[1].min));
        }
    }

    #[test]
    fn every_dimension_lists_its_values() {
        assert_eq!(Dimension::Job.keys().len(), 12);
        assert_eq!(Dimension::Month.keys().first(), Some(&"jan"));
        assert_eq!(Dimension::AgeBand.keys(), ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]);
        assert_eq!("age-band".parse::<Dimension>(), Ok(Dimension::AgeBand));
        assert!("balance".parse::<Dimension>().is_err());
    }
}
