//! Bodies and parameters of the customer endpoints.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_application::customers::{CustomerFilter, CustomerPatch, CustomerSort, CustomerSortField, ImportReport};
use leadscore_domain::customers::{Contact, Customer, CustomerDraft, Education, Job, Marital, Month, Poutcome};
use leadscore_domain::pagination::PageRequest;
use leadscore_domain::scoring::Tier;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{ExportFormatParam, PageParams, SortDirParam, double_option};
use super::scoring::ImportScoringDto;
use crate::error::{ApiError, ErrorItem};

api_enum!(
    /// Type of job (UCI Bank Marketing values; note the dot in `admin.`).
    JobDto => Job { Admin = "admin.", BlueCollar = "blue-collar", Entrepreneur = "entrepreneur", Housemaid = "housemaid",
        Management = "management", Retired = "retired", SelfEmployed = "self-employed", Services = "services",
        Student = "student", Technician = "technician", Unemployed = "unemployed", Unknown = "unknown" }
);
api_enum!(
    /// Marital status (`divorced` includes widowed).
    MaritalDto => Marital { Married = "married", Divorced = "divorced", Single = "single" }
);
api_enum!(
    /// Education level.
    EducationDto => Education { Primary = "primary", Secondary = "secondary", Tertiary = "tertiary", Unknown = "unknown" }
);
api_enum!(
    /// Contact type of the last contact.
    ContactDto => Contact { Cellular = "cellular", Telephone = "telephone", Unknown = "unknown" }
);
api_enum!(
    /// Month of the last contact.
    MonthDto => Month { Jan = "jan", Feb = "feb", Mar = "mar", Apr = "apr", May = "may", Jun = "jun", Jul = "jul",
        Aug = "aug", Sep = "sep", Oct = "oct", Nov = "nov", Dec = "dec" }
);
api_enum!(
    /// Outcome of the previous campaign.
    PoutcomeDto => Poutcome { Success = "success", Failure = "failure", Other = "other", Unknown = "unknown" }
);
api_enum!(
    /// Lead tier from the model card's thresholds.
    TierDto => Tier { Hot = "Hot", Warm = "Warm", Cold = "Cold" }
);

/// Known outcome: did the customer subscribe?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeDto {
    /// Subscribed.
    Yes,
    /// Did not.
    No,
}

impl OutcomeDto {
    fn as_str(self) -> &'static str {
        match self {
            OutcomeDto::Yes => "yes",
            OutcomeDto::No => "no",
        }
    }
}

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
    /// Phone.
    pub phone: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Age (18–100).
    pub age: u8,
    /// Job.
    pub job: JobDto,
    /// Marital status.
    pub marital: MaritalDto,
    /// Education.
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
    #[garde(length(max = 64))]
    pub external_id: Option<String>,
    /// Full name.
    #[garde(length(max = 120))]
    pub name: Option<String>,
    /// E-mail (unique).
    #[garde(email, length(max = 254))]
    pub email: Option<String>,
    /// Phone.
    #[garde(length(max = 32))]
    pub phone: Option<String>,
    /// City.
    #[garde(length(max = 80))]
    pub city: Option<String>,
    /// Age, 18–100.
    #[garde(range(min = 18, max = 100))]
    #[schema(minimum = 18, maximum = 100)]
    pub age: i64,
    /// Job.
    #[garde(skip)]
    pub job: JobDto,
    /// Marital status.
    #[garde(skip)]
    pub marital: MaritalDto,
    /// Education.
    #[garde(skip)]
    pub education: EducationDto,
    /// Has credit in default.
    #[garde(skip)]
    pub default: bool,
    /// Average yearly balance (euros).
    #[garde(range(min = -1_000_000_000, max = 1_000_000_000))]
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
    #[garde(range(min = 0, max = 86_400))]
    pub duration: Option<i64>,
    /// Contacts during this campaign.
    #[garde(range(min = 0, max = 1000))]
    #[schema(minimum = 0)]
    pub campaign: i64,
    /// Days since a previous campaign's contact; -1 = never.
    #[garde(range(min = -1, max = 10_000))]
    #[schema(minimum = -1)]
    pub pdays: i64,
    /// Contacts before this campaign.
    #[garde(range(min = 0, max = 1000))]
    #[schema(minimum = 0)]
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
            job: Some(b.job.as_str().into()),
            marital: Some(b.marital.as_str().into()),
            education: Some(b.education.as_str().into()),
            default: Some(b.default),
            balance: Some(b.balance),
            housing: Some(b.housing),
            loan: Some(b.loan),
            contact: Some(b.contact.as_str().into()),
            day: Some(b.day),
            month: Some(b.month.as_str().into()),
            duration: b.duration,
            campaign: Some(b.campaign),
            pdays: Some(b.pdays),
            previous: Some(b.previous),
            poutcome: Some(b.poutcome.as_str().into()),
            y: b.y.map(|y| y.as_str().into()),
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
    #[garde(inner(inner(length(max = 64))))]
    pub external_id: Option<Option<String>>,
    /// Full name.
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(max = 120))))]
    pub name: Option<Option<String>>,
    /// E-mail.
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(max = 254))))]
    pub email: Option<Option<String>>,
    /// Phone.
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(max = 32))))]
    pub phone: Option<Option<String>>,
    /// City.
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(length(max = 80))))]
    pub city: Option<Option<String>>,
    /// Age, 18–100.
    #[garde(range(min = 18, max = 100))]
    pub age: Option<i64>,
    /// Job.
    #[garde(skip)]
    pub job: Option<JobDto>,
    /// Marital status.
    #[garde(skip)]
    pub marital: Option<MaritalDto>,
    /// Education.
    #[garde(skip)]
    pub education: Option<EducationDto>,
    /// Has credit in default.
    #[garde(skip)]
    pub default: Option<bool>,
    /// Balance.
    #[garde(range(min = -1_000_000_000, max = 1_000_000_000))]
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
    pub day: Option<i64>,
    /// Month.
    #[garde(skip)]
    pub month: Option<MonthDto>,
    /// Last call length in seconds (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[garde(inner(inner(range(min = 0, max = 86_400))))]
    pub duration: Option<Option<i64>>,
    /// Contacts during this campaign.
    #[garde(range(min = 0, max = 1000))]
    pub campaign: Option<i64>,
    /// Days since a previous contact; -1 = never.
    #[garde(range(min = -1, max = 10_000))]
    pub pdays: Option<i64>,
    /// Contacts before this campaign.
    #[garde(range(min = 0, max = 1000))]
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
            job: b.job.map(|v| v.as_str().into()),
            marital: b.marital.map(|v| v.as_str().into()),
            education: b.education.map(|v| v.as_str().into()),
            default: b.default,
            balance: b.balance,
            housing: b.housing,
            loan: b.loan,
            contact: b.contact.map(|v| v.as_str().into()),
            day: b.day,
            month: b.month.map(|v| v.as_str().into()),
            duration: b.duration,
            campaign: b.campaign,
            pdays: b.pdays,
            previous: b.previous,
            poutcome: b.poutcome.map(|v| v.as_str().into()),
            y: b.y.map(|v| v.map(|o| o.as_str().into())),
        }
    }
}

/// Fields a customer list can be sorted by.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum CustomerSortBy {
    /// Age.
    Age,
    /// Balance.
    Balance,
    /// Score (unscored last).
    Score,
    /// Creation time (default).
    #[default]
    CreatedAt,
    /// Name (unnamed last).
    Name,
}

/// Declares a query-parameter struct holding the customer filter plus the given extra fields, so the list and the
/// export take exactly the same filter parameters.
macro_rules! customer_query {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $vis:vis $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, Validate, IntoParams)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Any of these jobs (repeat the parameter: `job=admin.&job=retired`).
            #[serde(default)]
            #[garde(skip)]
            pub job: Vec<JobDto>,
            /// Any of these marital statuses.
            #[serde(default)]
            #[garde(skip)]
            pub marital: Vec<MaritalDto>,
            /// Any of these education levels.
            #[serde(default)]
            #[garde(skip)]
            pub education: Vec<EducationDto>,
            /// Any of these contact types.
            #[serde(default)]
            #[garde(skip)]
            pub contact: Vec<ContactDto>,
            /// Any of these months of last contact.
            #[serde(default)]
            #[garde(skip)]
            pub month: Vec<MonthDto>,
            /// Any of these previous outcomes.
            #[serde(default)]
            #[garde(skip)]
            pub poutcome: Vec<PoutcomeDto>,
            /// Any of these tiers.
            #[serde(default)]
            #[garde(skip)]
            pub tier: Vec<TierDto>,
            /// Age at least.
            #[garde(range(min = 0, max = 150))]
            pub age_min: Option<i64>,
            /// Age at most.
            #[garde(range(min = 0, max = 150))]
            pub age_max: Option<i64>,
            /// Balance at least.
            #[garde(skip)]
            pub balance_min: Option<i64>,
            /// Balance at most.
            #[garde(skip)]
            pub balance_max: Option<i64>,
            /// Has a housing loan.
            #[garde(skip)]
            pub housing: Option<bool>,
            /// Has a personal loan.
            #[garde(skip)]
            pub loan: Option<bool>,
            /// Has credit in default.
            #[garde(skip)]
            pub default: Option<bool>,
            /// Score at least (0–100).
            #[garde(range(min = 0, max = 100))]
            pub score_min: Option<i64>,
            /// Score at most (0–100).
            #[garde(range(min = 0, max = 100))]
            pub score_max: Option<i64>,
            /// Case-insensitive search in name, e-mail, phone, city and external id.
            #[garde(length(max = 200))]
            pub q: Option<String>,
            /// Created at or after (RFC 3339).
            #[garde(skip)]
            pub from: Option<DateTime<Utc>>,
            /// Created at or before (RFC 3339).
            #[garde(skip)]
            pub to: Option<DateTime<Utc>>,
            $($(#[$fmeta])* $vis $field: $ty),*
        }

        impl $name {
            /// The application filter.
            pub fn filter(&self) -> CustomerFilter {
                CustomerFilter {
                    job: self.job.iter().map(|v| (*v).into()).collect(),
                    marital: self.marital.iter().map(|v| (*v).into()).collect(),
                    education: self.education.iter().map(|v| (*v).into()).collect(),
                    contact: self.contact.iter().map(|v| (*v).into()).collect(),
                    month: self.month.iter().map(|v| (*v).into()).collect(),
                    poutcome: self.poutcome.iter().map(|v| (*v).into()).collect(),
                    tier: self.tier.iter().map(|v| (*v).into()).collect(),
                    age_min: self.age_min,
                    age_max: self.age_max,
                    balance_min: self.balance_min,
                    balance_max: self.balance_max,
                    housing: self.housing,
                    loan: self.loan,
                    default: self.default,
                    score_min: self.score_min,
                    score_max: self.score_max,
                    q: self.q.clone(),
                    from: self.from,
                    to: self.to,
                }
            }
        }
    };
}

customer_query!(
    /// Filters, sort and page of the customer list.
    CustomerListParams {
        /// Page number, from 1.
        #[garde(range(min = 1))]
        #[param(minimum = 1, example = 1)]
        pub page: Option<u32>,
        /// Page size, 1 to 100.
        #[garde(range(min = 1, max = 100))]
        #[param(minimum = 1, maximum = 100, example = 10)]
        pub limit: Option<u32>,
        /// Sort field.
        #[garde(skip)]
        pub sort_by: Option<CustomerSortBy>,
        /// Sort direction (default desc).
        #[garde(skip)]
        pub sort_dir: Option<SortDirParam>,
    }
);

customer_query!(
    /// The same filters as the list, and the file format.
    CustomerExportParams {
        /// `csv` (default) or `xlsx`.
        #[garde(skip)]
        pub format: Option<ExportFormatParam>,
    }
);

impl CustomerListParams {
    /// Sort and page.
    pub fn sort_and_page(&self) -> Result<(CustomerSort, PageRequest), ApiError> {
        let field = match self.sort_by.unwrap_or_default() {
            CustomerSortBy::Age => CustomerSortField::Age,
            CustomerSortBy::Balance => CustomerSortField::Balance,
            CustomerSortBy::Score => CustomerSortField::Score,
            CustomerSortBy::CreatedAt => CustomerSortField::CreatedAt,
            CustomerSortBy::Name => CustomerSortField::Name,
        };
        let page = PageParams { page: self.page, limit: self.limit }.request()?;
        Ok((CustomerSort { field, dir: self.sort_dir.unwrap_or_default().into() }, page))
    }
}

/// How an import treats invalid rows.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportModeParam {
    /// Any invalid row rejects the whole file; nothing is written (default).
    #[default]
    Strict,
    /// Valid rows are imported, invalid rows reported.
    Skip,
}

/// What to do with rows matching an existing customer (by externalId, then email).
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnConflictParam {
    /// Leave the existing customer as it is (default).
    #[default]
    Skip,
    /// Overwrite its attributes.
    Update,
}

/// Options of an import.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `strict` (default) or `skip`.
    #[garde(skip)]
    pub mode: Option<ImportModeParam>,
    /// `skip` (default) or `update`.
    #[garde(skip)]
    pub on_conflict: Option<OnConflictParam>,
    /// Validate and report without writing.
    #[garde(skip)]
    pub dry_run: Option<bool>,
    /// Score every valid row with the model in service before writing it (one batch).
    #[garde(skip)]
    pub score: Option<bool>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"totalRows": 45211, "created": 45211, "updated": 0, "skipped": 0, "rejected": 0,
    "dryRun": false, "durationMs": 1312, "errors": [], "totalErrors": 0, "unknownColumns": []}))]
pub struct ImportReportDto {
    /// Data rows in the file.
    pub total_rows: u64,
    /// Customers created.
    pub created: u64,
    /// Customers updated.
    pub updated: u64,
    /// Matching customers left alone.
    pub skipped: u64,
    /// Invalid rows not imported (mode=skip).
    pub rejected: u64,
    /// Nothing was written.
    pub dry_run: bool,
    /// Wall time.
    pub duration_ms: u64,
    /// The first 100 row errors.
    pub errors: Vec<ErrorItem>,
    /// Every row error found.
    pub total_errors: u64,
    /// Columns that were not recognised (and ignored).
    pub unknown_columns: Vec<String>,
    /// Scoring done before writing (only with `score=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ImportScoringDto>,
}

impl From<ImportReport> for ImportReportDto {
    fn from(r: ImportReport) -> Self {
        Self {
            total_rows: r.total_rows,
            created: r.created,
            updated: r.updated,
            skipped: r.skipped,
            rejected: r.rejected,
            dry_run: r.dry_run,
            duration_ms: r.duration_ms,
            errors: r
                .errors
                .into_iter()
                .map(|e| ErrorItem { row: Some(e.row), field: e.field, message: e.message })
                .collect(),
            total_errors: r.total_errors,
            unknown_columns: r.unknown_columns,
            scoring: None,
        }
    }
}
