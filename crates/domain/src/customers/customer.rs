//! The customer entity and the rules its values obey.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::attributes::{Contact, Education, Job, Marital, Month, Outcome, Poutcome};
use crate::limits::{
    BALANCE_LIMIT, CITY_MAX_CHARS, CONTACTS_MAX, DURATION_MAX_SECONDS, EXTERNAL_ID_MAX_CHARS, NAME_MAX_CHARS,
    PDAYS_MAX, PHONE_MAX_CHARS,
};
use crate::scoring::Tier;
use crate::users::{Email, profile_text};
use crate::{DomainError, Validator};

/// Age in years, 18 to 100: a bank only sells term deposits to adults, and the data holds no one older.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Age(u8);

impl Age {
    /// Youngest customer accepted.
    pub const MIN: i64 = 18;
    /// Oldest customer accepted.
    pub const MAX: i64 = 100;

    /// Checks the range.
    pub fn new(years: i64) -> Result<Self, DomainError> {
        if (Self::MIN..=Self::MAX).contains(&years) {
            Ok(Self(years as u8))
        } else {
            Err(DomainError::invalid("age", format!("must be between {} and {}", Self::MIN, Self::MAX)))
        }
    }

    /// The age in years.
    pub fn years(self) -> u8 {
        self.0
    }
}

/// The UCI Bank Marketing attributes of a customer, all validated.
#[derive(Debug, Clone, PartialEq)]
pub struct BankProfile {
    pub age: Age,
    pub job: Job,
    /// Marital status.
    pub marital: Marital,
    pub education: Education,
    /// Has credit in default.
    pub default: bool,
    /// Average yearly balance in euros (may be negative).
    pub balance: i64,
    /// Has a housing loan.
    pub housing: bool,
    /// Has a personal loan.
    pub loan: bool,
    /// Contact type of the last contact.
    pub contact: Contact,
    /// Day of month of the last contact (1–31).
    pub day: u8,
    /// Month of the last contact.
    pub month: Month,
    /// Length of the last call in seconds; only known after a call, so optional and never a model input.
    pub duration: Option<u32>,
    /// Contacts during the current campaign, including the last one.
    pub campaign: u32,
    /// Days since the last contact of a previous campaign; -1 means never contacted.
    pub pdays: i32,
    /// Contacts before this campaign.
    pub previous: u32,
    /// Outcome of the previous campaign.
    pub poutcome: Poutcome,
}

/// Who the customer is and how to reach them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactDetails {
    /// The bank's own key for the customer (unique when present).
    pub external_id: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// E-mail (unique when present, lower-cased).
    pub email: Option<Email>,
    /// Phone number.
    pub phone: Option<String>,
    pub city: Option<String>,
}

/// The most recent scoring of a customer (filled by the scoring module).
#[derive(Debug, Clone, PartialEq)]
pub struct LatestScore {
    /// P(subscribes).
    pub probability: f64,
    /// round(100 × probability).
    pub score: u8,
    /// Tier from the model card's thresholds.
    pub tier: Tier,
    /// Version of the model that scored.
    pub model_version: String,
    /// When.
    pub scored_at: DateTime<Utc>,
}

/// A stored customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    /// UUID v7.
    pub id: Uuid,
    pub details: ContactDetails,
    pub profile: BankProfile,
    /// Known outcome (`y`), when the data has it or a call recorded it.
    pub outcome: Option<Outcome>,
    /// When the outcome was recorded (None when it came with imported data).
    pub outcome_at: Option<DateTime<Utc>>,
    pub latest_score: Option<LatestScore>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A validated customer before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub details: ContactDetails,
    pub profile: BankProfile,
    pub outcome: Option<Outcome>,
    /// A score computed before storing (import with scoring); `None` leaves the customer unscored.
    pub score: Option<LatestScore>,
}

impl NewCustomer {
    /// The customer as it will be stored.
    pub fn into_customer(self, id: Uuid, now: DateTime<Utc>) -> Customer {
        Customer {
            id,
            details: self.details,
            profile: self.profile,
            outcome: self.outcome,
            outcome_at: None,
            latest_score: self.score,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A customer as received (from JSON or a file row), before validation: the fields of [`ContactDetails`] and
/// [`BankProfile`], text and numbers raw, categories already typed (a file's text goes through [`parse_category`]
/// first), whose rules `validate` applies; every problem is reported, not only the first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerDraft {
    /// The bank's key.
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub age: Option<i64>,
    pub job: Option<Job>,
    pub marital: Option<Marital>,
    pub education: Option<Education>,
    /// Default (`yes`/`no`).
    pub default: Option<bool>,
    pub balance: Option<i64>,
    /// Housing loan.
    pub housing: Option<bool>,
    /// Personal loan.
    pub loan: Option<bool>,
    /// Contact type.
    pub contact: Option<Contact>,
    /// Day of month.
    pub day: Option<i64>,
    pub month: Option<Month>,
    /// Call duration.
    pub duration: Option<i64>,
    /// Contacts this campaign.
    pub campaign: Option<i64>,
    /// Days since previous contact, -1 for never.
    pub pdays: Option<i64>,
    /// Contacts before.
    pub previous: Option<i64>,
    /// Previous outcome.
    pub poutcome: Option<Poutcome>,
    /// The known outcome (the data's `y`).
    pub y: Option<Outcome>,
}

/// A category as a file spells it: trimmed and matched case-insensitively (`Blue-Collar`, `MAY`); empty is absent.
pub fn parse_category<T: std::str::FromStr<Err = DomainError>>(raw: &str) -> Result<Option<T>, DomainError> {
    match raw.trim() {
        "" => Ok(None),
        text => text.to_lowercase().parse().map(Some),
    }
}

fn in_range(value: i64, field: &str, min: i64, max: i64) -> Result<i64, DomainError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::invalid(field, format!("must be between {min} and {max}")))
    }
}

fn external_id(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.chars().count() > EXTERNAL_ID_MAX_CHARS || v.chars().any(char::is_control) => Err(
            DomainError::invalid("externalId", format!("must be at most {EXTERNAL_ID_MAX_CHARS} printable characters")),
        ),
        Some(v) => Ok(Some(v.to_owned())),
    }
}

fn phone(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    let value = profile_text(raw, "phone", PHONE_MAX_CHARS)?;
    match value {
        Some(p)
            if !p.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
                || !p.chars().any(|c| c.is_ascii_digit()) =>
        {
            Err(DomainError::invalid("phone", "must contain digits and only + - ( ) . or spaces"))
        }
        other => Ok(other),
    }
}

impl CustomerDraft {
    /// Validates every field; on failure returns all field errors at once.
    pub fn validate(&self) -> Result<NewCustomer, DomainError> {
        let mut c = Validator::new();
        let details = ContactDetails {
            external_id: c.check(external_id(self.external_id.as_deref())).flatten(),
            name: c.check(profile_text(self.name.as_deref(), "name", NAME_MAX_CHARS)).flatten(),
            email: match self.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                Some(raw) => c.check(Email::parse(raw)),
                None => None,
            },
            phone: c.check(phone(self.phone.as_deref())).flatten(),
            city: c.check(profile_text(self.city.as_deref(), "city", CITY_MAX_CHARS)).flatten(),
        };
        let age = c.required(&self.age, "age").and_then(|a| c.check(Age::new(a)));
        let job = c.required(&self.job, "job");
        let marital = c.required(&self.marital, "marital");
        let education = c.required(&self.education, "education");
        let default = c.required(&self.default, "default");
        let balance = c
            .required(&self.balance, "balance")
            .and_then(|v| c.check(in_range(v, "balance", -BALANCE_LIMIT, BALANCE_LIMIT)));
        let housing = c.required(&self.housing, "housing");
        let loan = c.required(&self.loan, "loan");
        let contact = c.required(&self.contact, "contact");
        let day = c.required(&self.day, "day").and_then(|v| c.check(in_range(v, "day", 1, 31)));
        let month = c.required(&self.month, "month");
        let duration = match self.duration {
            Some(v) => c.check(in_range(v, "duration", 0, DURATION_MAX_SECONDS)).map(Some),
            None => Some(None),
        };
        let campaign =
            c.required(&self.campaign, "campaign").and_then(|v| c.check(in_range(v, "campaign", 0, CONTACTS_MAX)));
        let pdays = c.required(&self.pdays, "pdays").and_then(|v| c.check(in_range(v, "pdays", -1, PDAYS_MAX)));
        let previous =
            c.required(&self.previous, "previous").and_then(|v| c.check(in_range(v, "previous", 0, CONTACTS_MAX)));
        let poutcome = c.required(&self.poutcome, "poutcome");
        let outcome = Some(self.y);
        let (
            Some(age),
            Some(job),
            Some(marital),
            Some(education),
            Some(default),
            Some(balance),
            Some(housing),
            Some(loan),
            Some(contact),
            Some(day),
            Some(month),
            Some(duration),
            Some(campaign),
            Some(pdays),
            Some(previous),
            Some(poutcome),
            Some(outcome),
        ) = (
            age, job, marital, education, default, balance, housing, loan, contact, day, month, duration, campaign,
            pdays, previous, poutcome, outcome,
        )
        else {
            c.finish()?;
            return Err(DomainError::invalid("row", "a field failed without an error"));
        };
        c.finish()?;
        Ok(NewCustomer {
            details,
            profile: BankProfile {
                age,
                job,
                marital,
                education,
                default,
                balance,
                housing,
                loan,
                contact,
                day: day as u8,
                month,
                duration: duration.map(|d| d as u32),
                campaign: campaign as u32,
                pdays: pdays as i32,
                previous: previous as u32,
                poutcome,
            },
            outcome,
            score: None,
        })
    }

    /// The draft of an existing customer, so a partial change can be applied and re-validated as a whole.
    pub fn from_customer(customer: &Customer) -> Self {
        let p = &customer.profile;
        let d = &customer.details;
        Self {
            external_id: d.external_id.clone(),
            name: d.name.clone(),
            email: d.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: d.phone.clone(),
            city: d.city.clone(),
            age: Some(i64::from(p.age.years())),
            job: Some(p.job),
            marital: Some(p.marital),
            education: Some(p.education),
            default: Some(p.default),
            balance: Some(p.balance),
            housing: Some(p.housing),
            loan: Some(p.loan),
            contact: Some(p.contact),
            day: Some(i64::from(p.day)),
            month: Some(p.month),
            duration: p.duration.map(i64::from),
            campaign: Some(i64::from(p.campaign)),
            pdays: Some(i64::from(p.pdays)),
            previous: Some(i64::from(p.previous)),
            poutcome: Some(p.poutcome),
            y: customer.outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn valid() -> CustomerDraft {
        CustomerDraft {
            age: Some(58),
            job: Some(Job::Management),
            marital: Some(Marital::Married),
            education: Some(Education::Tertiary),
            default: Some(false),
            balance: Some(2143),
            housing: Some(true),
            loan: Some(false),
            contact: Some(Contact::Unknown),
            day: Some(5),
            month: Some(Month::May),
            duration: Some(261),
            campaign: Some(1),
            pdays: Some(-1),
            previous: Some(0),
            poutcome: Some(Poutcome::Unknown),
            y: Some(Outcome::No),
            ..CustomerDraft::default()
        }
    }

    #[test]
    fn a_uci_row_validates() {
        let customer = valid().validate().unwrap();
        assert_eq!(customer.profile.age.years(), 58);
        assert_eq!(customer.profile.job, Job::Management);
        assert_eq!(customer.outcome, Some(Outcome::No));
    }

    #[test]
    fn categories_are_case_insensitive() {
        assert_eq!(parse_category::<Job>(" Blue-Collar ").unwrap(), Some(Job::BlueCollar));
        assert_eq!(parse_category::<Month>("MAY").unwrap(), Some(Month::May));
        assert_eq!(parse_category::<Month>("  ").unwrap(), None);
        assert!(parse_category::<Job>("pilot").is_err());
    }

    #[test]
    fn impossible_values_are_all_reported() {
        let draft = CustomerDraft {
            age: Some(300),
            job: None,
            campaign: Some(-1),
            day: Some(32),
            pdays: Some(-2),
            email: Some("nope".into()),
            marital: None,
            ..valid()
        };
        let Err(DomainError::Invalid(errors)) = draft.validate() else { panic!("must fail") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["age", "job", "campaign", "day", "pdays", "email", "marital"] {
            assert!(fields.contains(&field), "{field} not reported: {fields:?}");
        }
    }

    #[test]
    fn age_bounds() {
        assert!(Age::new(17).is_err());
        assert!(Age::new(18).is_ok());
        assert!(Age::new(100).is_ok());
        assert!(Age::new(101).is_err());
    }

    #[test]
    fn round_trips_through_a_draft() {
        let now = Utc::now();
        let customer = valid().validate().unwrap().into_customer(Uuid::now_v7(), now);
        let again = CustomerDraft::from_customer(&customer).validate().unwrap();
        assert_eq!(again.profile, customer.profile);
        assert_eq!(again.outcome, customer.outcome);
    }
}
