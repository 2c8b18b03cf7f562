//! The categorical attributes of UCI Bank Marketing (`bank-names.txt`), each with exactly the values the data uses.

use crate::{DomainError, string_enum};

string_enum!(
    /// Type of job. The trailing dot of `admin.` is part of the value, as in the data.
    Job, "job" {
        /// Administrative staff.
        Admin => "admin.",
        /// Manual workers.
        BlueCollar => "blue-collar",
        /// Business owners.
        Entrepreneur => "entrepreneur",
        /// Domestic workers.
        Housemaid => "housemaid",
        /// Managers.
        Management => "management",
        Retired => "retired",
        SelfEmployed => "self-employed",
        /// Service workers.
        Services => "services",
        /// Students.
        Student => "student",
        /// Technicians.
        Technician => "technician",
        Unemployed => "unemployed",
        /// Not known.
        Unknown => "unknown",
    }
);

string_enum!(
    /// Marital status; `divorced` includes widowed, as in the data.
    Marital, "marital" {
        Married => "married",
        /// Divorced or widowed.
        Divorced => "divorced",
        Single => "single",
    }
);

string_enum!(
    /// Highest education level.
    Education, "education" {
        Primary => "primary",
        Secondary => "secondary",
        Tertiary => "tertiary",
        /// Not known.
        Unknown => "unknown",
    }
);

string_enum!(
    /// How the last contact was made.
    Contact, "contact" {
        /// Mobile phone.
        Cellular => "cellular",
        /// Landline.
        Telephone => "telephone",
        /// Not known.
        Unknown => "unknown",
    }
);

string_enum!(
    /// Month of the last contact.
    Month, "month" {
        /// January.
        Jan => "jan",
        /// February.
        Feb => "feb",
        /// March.
        Mar => "mar",
        /// April.
        Apr => "apr",
        May => "may",
        /// June.
        Jun => "jun",
        /// July.
        Jul => "jul",
        /// August.
        Aug => "aug",
        /// September.
        Sep => "sep",
        /// October.
        Oct => "oct",
        /// November.
        Nov => "nov",
        /// December.
        Dec => "dec",
    }
);

string_enum!(
    /// Outcome of the previous marketing campaign.
    Poutcome, "poutcome" {
        /// Subscribed last time.
        Success => "success",
        /// Did not subscribe last time.
        Failure => "failure",
        /// Something else happened.
        Other => "other",
        /// No previous campaign, or not known.
        Unknown => "unknown",
    }
);

string_enum!(
    /// Whether the customer subscribed a term deposit (`y` in the data).
    Outcome, "y" {
        /// Subscribed.
        Yes => "yes",
        /// Did not subscribe.
        No => "no",
    }
);

/// The UCI Bank Marketing attributes of a [`BankProfile`](super::BankProfile), named as the data, the API, the
/// files and the model card all spell them: the one list of them, in the data's column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BankAttribute {
    /// Years, 18–100.
    Age,
    /// One of [`Job`].
    Job,
    /// One of [`Marital`].
    Marital,
    /// One of [`Education`].
    Education,
    /// Credit in default, yes/no.
    Default,
    /// Average yearly balance in euros, may be negative.
    Balance,
    /// Housing loan, yes/no.
    Housing,
    /// Personal loan, yes/no.
    Loan,
    /// One of [`Contact`].
    Contact,
    /// Day of month of the last contact, 1–31.
    Day,
    /// One of [`Month`].
    Month,
    /// Seconds of the last call: the only optional one, known after a call only.
    Duration,
    /// Contacts in the current campaign.
    Campaign,
    /// Days since a previous campaign's contact, -1 for never.
    Pdays,
    /// Contacts before this campaign.
    Previous,
    /// One of [`Poutcome`].
    Poutcome,
}

impl BankAttribute {
    /// Every attribute, in the data's column order.
    pub const ALL: [Self; 16] = [
        Self::Age,
        Self::Job,
        Self::Marital,
        Self::Education,
        Self::Default,
        Self::Balance,
        Self::Housing,
        Self::Loan,
        Self::Contact,
        Self::Day,
        Self::Month,
        Self::Duration,
        Self::Campaign,
        Self::Pdays,
        Self::Previous,
        Self::Poutcome,
    ];

    /// The name, lower-case as in the data (`pdays`, not `pDays`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Age => "age",
            Self::Job => "job",
            Self::Marital => "marital",
            Self::Education => "education",
            Self::Default => "default",
            Self::Balance => "balance",
            Self::Housing => "housing",
            Self::Loan => "loan",
            Self::Contact => "contact",
            Self::Day => "day",
            Self::Month => "month",
            Self::Duration => "duration",
            Self::Campaign => "campaign",
            Self::Pdays => "pdays",
            Self::Previous => "previous",
            Self::Poutcome => "poutcome",
        }
    }

    /// The attribute of this exact name.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Whether every customer must have it: all but `duration`.
    pub fn is_required(self) -> bool {
        self != Self::Duration
    }
}

impl Month {
    /// 1 for January … 12 for December.
    pub fn number(self) -> u32 {
        Month::ALL.iter().position(|m| *m == self).map_or(1, |i| i as u32 + 1)
    }
}

/// Parses a `yes`/`no` attribute (also accepting `true`/`false`) into a boolean.
pub fn parse_yes_no(raw: &str, field: &str) -> Result<bool, DomainError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(DomainError::invalid(field, "must be yes or no")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_match_the_data_exactly() {
        assert_eq!(Job::ALL.len(), 12);
        assert_eq!("admin.".parse::<Job>().unwrap(), Job::Admin);
        assert!("admin".parse::<Job>().is_err());
        assert!("Admin.".parse::<Job>().is_err(), "values are exact; importers normalise case first");
        assert_eq!(Month::ALL.len(), 12);
        assert_eq!(Month::Dec.number(), 12);
        let err = "pilot".parse::<Job>().unwrap_err();
        assert!(
            matches!(err, DomainError::Invalid(ref e) if e[0].field == "job" && e[0].message.contains("blue-collar"))
        );
    }

    #[test]
    fn yes_no() {
        assert!(parse_yes_no("YES", "loan").unwrap());
        assert!(!parse_yes_no(" no ", "loan").unwrap());
        assert!(parse_yes_no("maybe", "loan").is_err());
    }
}
