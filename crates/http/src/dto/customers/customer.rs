//! A customer as answered, and the bodies that create and change one.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_application::customers::CustomerPatch;
use leadscore_domain::customers::{Customer, CustomerDraft};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dto::attributes::{
    ContactDto, EducationDto, JobDto, MaritalDto, MonthDto, OutcomeDto, PoutcomeDto, TierDto,
};
use crate::dto::common::double_option;

/// A customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70", "externalId": "CIF-0042", "name": "Ana Silva",
    "email": "ana.silva@example.com", "phone": "+351 912 345 678", "city": "Lisboa", "age": 58, "job": "management",
    "marital": "married", "education": "tertiary", "default": false, "balance": 2143, "housing": true, "loan": false,
    "contact": "unknown", "day": 5, "month": "may", "duration": 261, "campaign": 1, "pdays": -1, "previous": 0,
    "poutcome": "unknown", "y": "no", "outcomeAt": null, "score": 12, "probability": 0.118, "tier": "Cold",
    "modelVersion": "2026.11.1", "scoredAt": "2026-11-22T08:00:00Z", "createdAt": "2026-11-20T09:00:00Z",
    "updatedAt": "2026-11-20T09:00:00Z"}))]
pub struct CustomerDto {
    /// Customer id.
    pub id: Uuid,
    /// The bank's own key.
    pub external_id: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    /// Age (18–100).
    pub age: u8,
    pub job: JobDto,
    /// Marital status.
    pub marital: MaritalDto,
    pub education: EducationDto,
    /// Has credit in default.
    pub default: bool,
    /// Average yearly balance (euros).
    pub balance: i64,
    /// Has a housing loan.
    pub housing: bool,
    /// Has a personal loan.
    pub loan: bool,
    /// Contact type of the last contact.
    pub contact: ContactDto,
    /// Day of month of the last contact.
    pub day: u8,
    /// Month of the last contact.
    pub month: MonthDto,
    /// Last call length in seconds (known only after a call; never used for scoring).
    pub duration: Option<u32>,
    /// Contacts during this campaign.
    pub campaign: u32,
    /// Days since a previous campaign's contact; -1 = never contacted.
    pub pdays: i32,
    /// Contacts before this campaign.
    pub previous: u32,
    /// Outcome of the previous campaign.
    pub poutcome: PoutcomeDto,
    /// Known outcome.
    pub y: Option<OutcomeDto>,
    /// When a call recorded the outcome.
    pub outcome_at: Option<DateTime<Utc>>,
    /// Latest score 0–100.
    pub score: Option<u8>,
    /// Latest probability of subscribing.
    pub probability: Option<f64>,
    /// Latest tier.
    pub tier: Option<TierDto>,
    /// Model version of the latest score.
    pub model_version: Option<String>,
    /// When it was scored.
    pub scored_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Customer> for CustomerDto {
    fn from(c: Customer) -> Self {
        let p = c.profile;
        let d = c.details;
        let s = c.latest_score;
        Self {
            id: c.id,
            external_id: d.external_id,
            name: d.name,
            email: d.email.map(|e| e.as_str().to_owned()),
            phone: d.phone,
            city: d.city,
            age: p.age.years(),
            job: p.job.into(),
            marital: p.marital.into(),
            education: p.education.into(),
            default: p.default,
            balance: p.balance,
            housing: p.housing,
            loan: p.loan,
            contact: p.contact.into(),
            day: p.day,
            month: p.month.into(),
            duration: p.duration,
            campaign: p.campaign,
            pdays: p.pdays,
            previous: p.previous,
            poutcome: p.poutcome.into(),
            y: c.outcome.map(|o| match o {
                leadscore_domain::customers::Outcome::Yes => OutcomeDto::Yes,
                leadscore_domain::customers::Outcome::No => OutcomeDto::No,
            }),
            outcome_at: c.outcome_at,
            score: s.as_ref().map(|s| s.score),
            probability: s.as_ref().map(|s| s.probability),
            tier: s.as_ref().map(|s| s.tier.into()),
            model_version: s.as_ref().map(|s| s.model_version.clone()),
            scored_at: s.map(|s| s.scored_at),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A new customer. Scores are computed, never sent.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"externalId": "CIF-0042", "name": "Ana Silva", "email": "ana.silva@example.com", "city": "Lisboa",
    "age": 58, "job": "management", "marital": "married", "education": "tertiary", "default": false, "balance": 2143,
    "housing": true, "loan": false, "contact": "cellular", "day": 5, "month": "may", "campaign": 1, "pdays": -1,
    "previous": 0, "poutcome": "unknown"}))]
pub struct CreateCustomerRequest {
    /// The bank's own key (unique).
    #[garde(length(chars, max = leadscore_domain::limits::EXTERNAL_ID_MAX_CHARS))]
    #[schema(max_length = 64, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub external_id: Option<String>,
    /// Full name.
    #[garde(length(chars, max = leadscore_domain::limits::NAME_MAX_CHARS))]
    #[schema(max_length = 120, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub name: Option<String>,
    /// E-mail (unique).
    #[garde(email, length(chars, max = leadscore_domain::limits::EMAIL_MAX_CHARS))]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::PHONE_MAX_CHARS))]
    #[schema(max_length = 32, pattern = r"^[0-9 +().-]*[0-9][0-9 +().-]*$|^ *$")]
    pub phone: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::CITY_MAX_CHARS))]
    #[schema(max_length = 80, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub city: Option<String>,
    /// Age, 18–100.
    #[garde(range(min = leadscore_domain::customers::Age::MIN, max = leadscore_domain::customers::Age::MAX))]
    #[schema(minimum = 18, maximum = 100)]
    pub age: i64,
    #[garde(skip)]
    pub job: JobDto,
    /// Marital status.
    #[garde(skip)]
    pub marital: MaritalDto,
    #[garde(skip)]
    pub education: EducationDto,
    /// Has credit in default.
    #[garde(skip)]
    pub default: bool,
    /// Average yearly balance (euros).
    #[garde(range(min = -leadscore_domain::limits::BALANCE_LIMIT, max = leadscore_domain::limits::BALANCE_LIMIT))]
    #[schema(minimum = -1000000000, maximum = 1000000000)]
    pub balance: i64,
    /// Has a housing loan.
    #[garde(skip)]
    pub housing: bool,
    /// Has a personal loan.
    #[garde(skip)]
    pub loan: bool,
    /// Contact type.
    #[garde(skip)]
    pub contact: ContactDto,
    /// Day of month of the last contact, 1–31.
    #[garde(range(min = 1, max = 31))]
    #[schema(minimum = 1, maximum = 31)]
    pub day: i64,
    /// Month of the last contact.
    #[garde(skip)]
    pub month: MonthDto,
    /// Last call length in seconds.
    #[garde(range(min = 0, max = leadscore_domain::limits::DURATION_MAX_SECONDS))]
    #[schema(minimum = 0, maximum = 86400)]
    pub duration: Option<i64>,
    /// Contacts during this campaign.
    #[garde(range(min = 0, max = leadscore_domain::limits::CONTACTS_MAX))]
    #[schema(minimum = 0, maximum = 1000)]
    pub campaign: i64,
    /// Days since a previous campaign's contact; -1 = never.
    #[garde(range(min = -1, max = leadscore_domain::limits::PDAYS_MAX))]
    #[schema(minimum = -1, maximum = 10000)]
    pub pdays: i64,
    /// Contacts before this campaign.
    #[garde(range(min = 0, max = leadscore_domain::limits::CONTACTS_MAX))]
    #[schema(minimum = 0, maximum = 1000)]
    pub previous: i64,
    /// Outcome of the previous campaign.
    #[garde(skip)]
    pub poutcome: PoutcomeDto,
    /// Known outcome, if any.
    #[garde(skip)]
    pub y: Option<OutcomeDto>,
}

impl From<CreateCustomerRequest> for CustomerDraft {
    fn from(b: CreateCustomerRequest) -> Self {
        CustomerDraft {
            external_id: b.external_id,
            name: b.name,
            email: b.email,
            phone: b.phone,
            city: b.city,
            age: Some(b.age),
            job: Some(b.job.into()),
            marital: Some(b.marital.into()),
            education: Some(b.education.into()),
            default: Some(b.default),
            balance: Some(b.balance),
            housing: Some(b.housing),
            loan: Some(b.loan),
            contact: Some(b.contact.into()),
            day: Some(b.day),
            month: Some(b.month.into()),
            duration: b.duration,
            campaign: Some(b.campaign),
            pdays: Some(b.pdays),
            previous: Some(b.previous),
            poutcome: Some(b.poutcome.into()),
            y: b.y.map(Into::into),
        }
    }
}

/// Changes to a customer: omitted fields stay; `null` (or "") clears an optional field.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"phone": "+351 912 000 111", "balance": 5400, "housing": false}))]
pub struct UpdateCustomerRequest {
    /// The bank's own key.
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(chars, max = leadscore_domain::limits::EXTERNAL_ID_MAX_CHARS))))]
    #[schema(max_length = 64, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub external_id: Option<Option<String>>,
    /// Full name.
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(chars, max = leadscore_domain::limits::NAME_MAX_CHARS))))]
    #[schema(max_length = 120, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub name: Option<Option<String>>,
    /// E-mail.
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(chars, max = leadscore_domain::limits::EMAIL_MAX_CHARS))))]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(chars, max = leadscore_domain::limits::PHONE_MAX_CHARS))))]
    #[schema(max_length = 32, pattern = r"^[0-9 +().-]*[0-9][0-9 +().-]*$|^ *$")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(chars, max = leadscore_domain::limits::CITY_MAX_CHARS))))]
    #[schema(max_length = 80, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub city: Option<Option<String>>,
    /// Age, 18–100.
    #[garde(range(min = leadscore_domain::customers::Age::MIN, max = leadscore_domain::customers::Age::MAX))]
    #[schema(minimum = 18, maximum = 100)]
    pub age: Option<i64>,
    #[garde(skip)]
    pub job: Option<JobDto>,
    /// Marital status.
    #[garde(skip)]
    pub marital: Option<MaritalDto>,
    #[garde(skip)]
    pub education: Option<EducationDto>,
    /// Has credit in default.
    #[garde(skip)]
    pub default: Option<bool>,
    #[garde(range(min = -leadscore_domain::limits::BALANCE_LIMIT, max = leadscore_domain::limits::BALANCE_LIMIT))]
    #[schema(minimum = -1000000000, maximum = 1000000000)]
    pub balance: Option<i64>,
    /// Has a housing loan.
    #[garde(skip)]
    pub housing: Option<bool>,
    /// Has a personal loan.
    #[garde(skip)]
    pub loan: Option<bool>,
    /// Contact type.
    #[garde(skip)]
    pub contact: Option<ContactDto>,
    /// Day of month, 1–31.
    #[garde(range(min = 1, max = 31))]
    #[schema(minimum = 1, maximum = 31)]
    pub day: Option<i64>,
    #[garde(skip)]
    pub month: Option<MonthDto>,
    /// Last call length in seconds (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(range(min = 0, max = leadscore_domain::limits::DURATION_MAX_SECONDS))))]
    #[schema(minimum = 0, maximum = 86400)]
    pub duration: Option<Option<i64>>,
    /// Contacts during this campaign.
    #[garde(range(min = 0, max = leadscore_domain::limits::CONTACTS_MAX))]
    #[schema(minimum = 0, maximum = 1000)]
    pub campaign: Option<i64>,
    /// Days since a previous contact; -1 = never.
    #[garde(range(min = -1, max = leadscore_domain::limits::PDAYS_MAX))]
    #[schema(minimum = -1, maximum = 10000)]
    pub pdays: Option<i64>,
    /// Contacts before this campaign.
    #[garde(range(min = 0, max = leadscore_domain::limits::CONTACTS_MAX))]
    #[schema(minimum = 0, maximum = 1000)]
    pub previous: Option<i64>,
    /// Outcome of the previous campaign.
    #[garde(skip)]
    pub poutcome: Option<PoutcomeDto>,
    /// Known outcome (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[garde(skip)]
    pub y: Option<Option<OutcomeDto>>,
}

fn text(value: Option<Option<String>>) -> Option<Option<String>> {
    value.map(|v| v.filter(|s| !s.trim().is_empty()))
}

impl From<UpdateCustomerRequest> for CustomerPatch {
    fn from(b: UpdateCustomerRequest) -> Self {
        CustomerPatch {
            external_id: text(b.external_id),
            name: text(b.name),
            email: text(b.email),
            phone: text(b.phone),
            city: text(b.city),
            age: b.age,
            job: b.job.map(Into::into),
            marital: b.marital.map(Into::into),
            education: b.education.map(Into::into),
            default: b.default,
            balance: b.balance,
            housing: b.housing,
            loan: b.loan,
            contact: b.contact.map(Into::into),
            day: b.day,
            month: b.month.map(Into::into),
            duration: b.duration,
            campaign: b.campaign,
            pdays: b.pdays,
            previous: b.previous,
            poutcome: b.poutcome.map(Into::into),
            y: b.y.map(|v| v.map(Into::into)),
        }
    }
}
