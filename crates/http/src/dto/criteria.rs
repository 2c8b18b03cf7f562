//! The customer filter as a JSON body: `POST /customers/score` takes it, and campaign criteria are the same object.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_application::customers::CustomerFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::customers::{ContactDto, EducationDto, JobDto, MaritalDto, MonthDto, PoutcomeDto, TierDto};

/// Which customers: every set field narrows the selection; lists mean "any of"; an empty object means everyone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"job": ["management", "retired"], "ageMin": 30, "ageMax": 65, "housing": false,
    "poutcome": ["success"]}))]
pub struct CustomerCriteriaDto {
    /// Any of these jobs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[garde(skip)]
    pub job: Vec<JobDto>,
    /// Any of these marital statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[garde(skip)]
    pub marital: Vec<MaritalDto>,
    /// Any of these education levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[garde(skip)]
    pub education: Vec<EducationDto>,
    /// Any of these contact types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[garde(skip)]
    pub contact: Vec<ContactDto>,
    /// Any of these months of last contact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[garde(skip)]
    pub month: Vec<MonthDto>,
    /// Any of these previous outcomes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[garde(skip)]
    pub poutcome: Vec<PoutcomeDto>,
    /// Any of these tiers (scored customers only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[garde(skip)]
    pub tier: Vec<TierDto>,
    /// Age at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(range(min = 0, max = 150))]
    pub age_min: Option<i64>,
    /// Age at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(range(min = 0, max = 150))]
    pub age_max: Option<i64>,
    /// Balance at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)]
    pub balance_min: Option<i64>,
    /// Balance at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)]
    pub balance_max: Option<i64>,
    /// Has a housing loan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)]
    pub housing: Option<bool>,
    /// Has a personal loan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)]
    pub loan: Option<bool>,
    /// Has credit in default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)]
    pub default: Option<bool>,
    /// Score at least (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(range(min = 0, max = 100))]
    pub score_min: Option<i64>,
    /// Score at most (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(range(min = 0, max = 100))]
    pub score_max: Option<i64>,
    /// Case-insensitive search in name, e-mail, phone, city and external id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(length(max = 200))]
    pub q: Option<String>,
    /// Created at or after (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)]
    pub from: Option<DateTime<Utc>>,
    /// Created at or before (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)]
    pub to: Option<DateTime<Utc>>,
}

impl From<CustomerCriteriaDto> for CustomerFilter {
    fn from(c: CustomerCriteriaDto) -> Self {
        CustomerFilter {
            job: c.job.into_iter().map(Into::into).collect(),
            marital: c.marital.into_iter().map(Into::into).collect(),
            education: c.education.into_iter().map(Into::into).collect(),
            contact: c.contact.into_iter().map(Into::into).collect(),
            month: c.month.into_iter().map(Into::into).collect(),
            poutcome: c.poutcome.into_iter().map(Into::into).collect(),
            tier: c.tier.into_iter().map(Into::into).collect(),
            age_min: c.age_min,
            age_max: c.age_max,
            balance_min: c.balance_min,
            balance_max: c.balance_max,
            housing: c.housing,
            loan: c.loan,
            default: c.default,
            score_min: c.score_min,
            score_max: c.score_max,
            q: c.q,
            from: c.from,
            to: c.to,
        }
    }
}

impl From<CustomerFilter> for CustomerCriteriaDto {
    fn from(f: CustomerFilter) -> Self {
        Self {
            job: f.job.into_iter().map(Into::into).collect(),
            marital: f.marital.into_iter().map(Into::into).collect(),
            education: f.education.into_iter().map(Into::into).collect(),
            contact: f.contact.into_iter().map(Into::into).collect(),
            month: f.month.into_iter().map(Into::into).collect(),
            poutcome: f.poutcome.into_iter().map(Into::into).collect(),
            tier: f.tier.into_iter().map(Into::into).collect(),
            age_min: f.age_min,
            age_max: f.age_max,
            balance_min: f.balance_min,
            balance_max: f.balance_max,
            housing: f.housing,
            loan: f.loan,
            default: f.default,
            score_min: f.score_min,
            score_max: f.score_max,
            q: f.q,
            from: f.from,
            to: f.to,
        }
    }
}
