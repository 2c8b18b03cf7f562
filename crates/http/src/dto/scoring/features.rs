//! A customer's attributes as the model reads them.

use garde::Validate;
use leadscore_domain::scoring::{FeatureRecord, FeatureValue};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};

use crate::dto::attributes::{ContactDto, EducationDto, JobDto, MaritalDto, MonthDto, PoutcomeDto};

/// `yes`/`no` as in the UCI data; JSON booleans are accepted too.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum YesNoDto {
    /// `true` = `yes`.
    Flag(bool),
    /// `yes` or `no`.
    Text(String),
}

impl From<YesNoDto> for FeatureValue {
    fn from(v: YesNoDto) -> Self {
        match v {
            YesNoDto::Flag(flag) => FeatureValue::Text(if flag { "yes" } else { "no" }.into()),
            YesNoDto::Text(text) => FeatureValue::Text(text),
        }
    }
}

/// A customer's attributes as in the UCI Bank Marketing data. Categories are matched exactly (case-sensitive, as
/// in the data) against the model card; an unknown value is a 400 naming the field and the allowed values. `day` and
/// `duration` are accepted and ignored by the model (`duration` is only known after the call).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"age": 41, "job": "management", "marital": "married", "education": "tertiary",
    "default": "no", "balance": 1850, "housing": "no", "loan": "no", "contact": "cellular", "month": "apr",
    "campaign": 1, "pdays": 92, "previous": 2, "poutcome": "success"}))]
pub struct FeaturesDto {
    /// Age in years (18–100).
    #[garde(range(min = leadscore_domain::customers::Age::MIN, max = leadscore_domain::customers::Age::MAX))]
    #[schema(minimum = 18, maximum = 100)]
    pub age: Option<i64>,
    #[schema(value_type = Option<JobDto>)]
    #[garde(skip)]
    pub job: Option<String>,
    /// Marital status.
    #[schema(value_type = Option<MaritalDto>)]
    #[garde(skip)]
    pub marital: Option<String>,
    #[schema(value_type = Option<EducationDto>)]
    #[garde(skip)]
    pub education: Option<String>,
    /// Has credit in default (`yes`/`no` or a boolean).
    #[garde(skip)]
    pub default: Option<YesNoDto>,
    /// Average yearly balance in euros.
    #[garde(skip)]
    pub balance: Option<i64>,
    /// Has a housing loan.
    #[garde(skip)]
    pub housing: Option<YesNoDto>,
    /// Has a personal loan.
    #[garde(skip)]
    pub loan: Option<YesNoDto>,
    /// Contact type.
    #[schema(value_type = Option<ContactDto>)]
    #[garde(skip)]
    pub contact: Option<String>,
    /// Day of month of the last contact (ignored by the model).
    #[garde(range(min = 1, max = 31))]
    #[schema(minimum = 1, maximum = 31)]
    pub day: Option<i64>,
    /// Month of the last contact.
    #[schema(value_type = Option<MonthDto>)]
    #[garde(skip)]
    pub month: Option<String>,
    /// Length of the last call in seconds (ignored by the model).
    #[garde(range(min = 0))]
    #[schema(minimum = 0)]
    pub duration: Option<i64>,
    /// Contacts during this campaign (≥ 0).
    #[garde(range(min = 0, max = leadscore_domain::limits::CONTACTS_MAX))]
    #[schema(minimum = 0, maximum = 1000)]
    pub campaign: Option<i64>,
    /// Days since a previous campaign's contact; -1 = never.
    #[garde(range(min = -1, max = leadscore_domain::limits::PDAYS_MAX))]
    #[schema(minimum = -1, maximum = 10000)]
    pub pdays: Option<i64>,
    /// Contacts before this campaign (≥ 0).
    #[garde(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub previous: Option<i64>,
    /// Outcome of the previous campaign.
    #[schema(value_type = Option<PoutcomeDto>)]
    #[garde(skip)]
    pub poutcome: Option<String>,
}

impl From<FeaturesDto> for FeatureRecord {
    fn from(f: FeaturesDto) -> Self {
        let mut record = FeatureRecord::new();
        let mut put = |name: &str, value: Option<FeatureValue>| {
            if let Some(value) = value {
                record.insert(name.to_owned(), value);
            }
        };
        let number = |v: Option<i64>| v.map(|v| FeatureValue::Number(v as f64));
        put("age", number(f.age));
        put("job", f.job.map(FeatureValue::Text));
        put("marital", f.marital.map(FeatureValue::Text));
        put("education", f.education.map(FeatureValue::Text));
        put("default", f.default.map(Into::into));
        put("balance", number(f.balance));
        put("housing", f.housing.map(Into::into));
        put("loan", f.loan.map(Into::into));
        put("contact", f.contact.map(FeatureValue::Text));
        put("day", number(f.day));
        put("month", f.month.map(FeatureValue::Text));
        put("duration", number(f.duration));
        put("campaign", number(f.campaign));
        put("pdays", number(f.pdays));
        put("previous", number(f.previous));
        put("poutcome", f.poutcome.map(FeatureValue::Text));
        record
    }
}

/// A feature's value: a number (age, balance, …) or a category (job, month, …).
pub(super) fn number_or_category() -> Schema {
    Schema::OneOf(
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .build(),
    )
}
