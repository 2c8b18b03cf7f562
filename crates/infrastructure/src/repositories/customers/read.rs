//! Rows into domain values: whole customers, and the bank profiles a re-score walks (as rows, or as one JSON
//! document per chunk on SQLite).

use leadscore_application::AppError;
use leadscore_domain::customers::{Age, BankProfile, ContactDetails, Customer, LatestScore};
use leadscore_domain::users::Email;
use sea_orm::QueryResult;
use uuid::Uuid;

use super::super::query::{corrupt, parse};
use crate::entities::customers::{Column, Model};
use crate::error::db_err;

pub(crate) fn to_domain(m: Model) -> Result<Customer, AppError> {
    let latest_score = match (m.probability, m.score, m.tier.as_deref(), m.model_version, m.scored_at) {
        (Some(probability), Some(score), Some(tier), Some(model_version), Some(scored_at)) => Some(LatestScore {
            probability,
            score: u8::try_from(score).map_err(|_| corrupt("score", &score.to_string()))?,
            tier: parse(tier, "tier")?,
            model_version,
            scored_at,
        }),
        _ => None,
    };
    Ok(Customer {
        id: m.id,
        details: ContactDetails {
            external_id: m.external_id,
            name: m.name,
            email: m.email.as_deref().map(|e| Email::parse(e).map_err(|_| corrupt("email", e))).transpose()?,
            phone: m.phone,
            city: m.city,
        },
        profile: BankProfile {
            age: Age::new(i64::from(m.age)).map_err(|_| corrupt("age", &m.age.to_string()))?,
            job: parse(&m.job, "job")?,
            marital: parse(&m.marital, "marital")?,
            education: parse(&m.education, "education")?,
            default: m.default,
            balance: m.balance,
            housing: m.housing,
            loan: m.loan,
            contact: parse(&m.contact, "contact")?,
            day: u8::try_from(m.day).map_err(|_| corrupt("day", &m.day.to_string()))?,
            month: parse(&m.month, "month")?,
            duration: m.duration.map(|d| d.max(0) as u32),
            campaign: m.campaign.max(0) as u32,
            pdays: m.pdays,
            previous: m.previous.max(0) as u32,
            poutcome: parse(&m.poutcome, "poutcome")?,
        },
        outcome: m.outcome.as_deref().map(|o| parse(o, "outcome")).transpose()?,
        outcome_at: m.outcome_at,
        latest_score,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// What `list_profiles_after` reads, in the order `profile_row` decodes it: the id and the bank attributes only.
pub(super) const PROFILE_COLUMNS: [Column; 17] = [
    Column::Id,
    Column::Age,
    Column::Job,
    Column::Marital,
    Column::Education,
    Column::Default,
    Column::Balance,
    Column::Housing,
    Column::Loan,
    Column::Contact,
    Column::Day,
    Column::Month,
    Column::Duration,
    Column::Campaign,
    Column::Pdays,
    Column::Previous,
    Column::Poutcome,
];

/// A profile as stored, before its values become domain types; both reads of `list_profiles_after` produce it.
struct StoredProfile<'a> {
    age: i64,
    job: &'a str,
    marital: &'a str,
    education: &'a str,
    default: bool,
    balance: i64,
    housing: bool,
    loan: bool,
    contact: &'a str,
    day: i64,
    month: &'a str,
    duration: Option<i64>,
    campaign: i64,
    pdays: i64,
    previous: i64,
    poutcome: &'a str,
}

fn int32(value: i64, what: &str) -> Result<i32, AppError> {
    i32::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

impl StoredProfile<'_> {
    /// The domain profile, with the same checks and clamps as `to_domain`, so both reads give the same profile.
    fn parse(&self) -> Result<BankProfile, AppError> {
        Ok(BankProfile {
            age: Age::new(self.age).map_err(|_| corrupt("age", &self.age.to_string()))?,
            job: parse(self.job, "job")?,
            marital: parse(self.marital, "marital")?,
            education: parse(self.education, "education")?,
            default: self.default,
            balance: self.balance,
            housing: self.housing,
            loan: self.loan,
            contact: parse(self.contact, "contact")?,
            day: u8::try_from(self.day).map_err(|_| corrupt("day", &self.day.to_string()))?,
            month: parse(self.month, "month")?,
            duration: self.duration.map(|d| int32(d, "duration").map(|d| d.max(0) as u32)).transpose()?,
            campaign: int32(self.campaign, "campaign")?.max(0) as u32,
            pdays: int32(self.pdays, "pdays")?,
            previous: int32(self.previous, "previous")?.max(0) as u32,
            poutcome: parse(self.poutcome, "poutcome")?,
        })
    }
}

/// One row of `PROFILE_COLUMNS`, read by position (a name lookup per column per row is measurable over the whole base)
/// and as the entity's exact types (PostgreSQL refuses to read a SMALLINT into an i64).
pub(super) fn profile_row(row: &QueryResult) -> Result<(Uuid, BankProfile), AppError> {
    let text = |i: usize| row.try_get_by_index::<String>(i).map_err(db_err);
    let small = |i: usize| row.try_get_by_index::<i16>(i).map(i64::from).map_err(db_err);
    let int = |i: usize| row.try_get_by_index::<i32>(i).map(i64::from).map_err(db_err);
    let flag = |i: usize| row.try_get_by_index::<bool>(i).map_err(db_err);
    let (job, marital, education, contact, month, poutcome) =
        (text(2)?, text(3)?, text(4)?, text(9)?, text(11)?, text(16)?);
    let stored = StoredProfile {
        age: small(1)?,
        job: &job,
        marital: &marital,
        education: &education,
        default: flag(5)?,
        balance: row.try_get_by_index::<i64>(6).map_err(db_err)?,
        housing: flag(7)?,
        loan: flag(8)?,
        contact: &contact,
        day: small(10)?,
        month: &month,
        duration: row.try_get_by_index::<Option<i32>>(12).map_err(db_err)?.map(i64::from),
        campaign: int(13)?,
        pdays: int(14)?,
        previous: int(15)?,
        poutcome: &poutcome,
    };
    Ok((row.try_get_by_index::<Uuid>(0).map_err(db_err)?, stored.parse()?))
}

/// On SQLite, a chunk of `list_profiles_after` comes back as ONE JSON document: an array of `PROFILE_COLUMNS` arrays,
/// the id in hex (SQLite stores it as a 16-byte blob, and booleans as 0/1).
///
/// sqlx hands each SQLite row from its worker thread to the async side on its own, with a wake-up and a copy of every
/// value, which made reading the profiles as rows most of a re-score; one row per chunk costs the same SQLite scan
/// plus a little JSON building (see docs/benchmarks.md). PostgreSQL streams rows cheaply and keeps the plain read.
pub(super) const SQLITE_PROFILES_JSON: &str = "json_group_array(json_array(hex(t.id), t.age, t.job, t.marital, t.education, \
    t.\"default\", t.balance, t.housing, t.loan, t.contact, t.day, t.month, t.duration, t.campaign, t.pdays, \
    t.previous, t.poutcome))";

/// One element of `SQLITE_PROFILES_JSON`, by position.
#[derive(serde::Deserialize)]
struct PackedProfile<'a>(
    &'a str,
    i64,
    &'a str,
    &'a str,
    &'a str,
    u8,
    i64,
    u8,
    u8,
    &'a str,
    i64,
    &'a str,
    Option<i64>,
    i64,
    i64,
    i64,
    &'a str,
);

pub(super) fn packed_profiles(document: &str) -> Result<Vec<(Uuid, BankProfile)>, AppError> {
    let packed: Vec<PackedProfile<'_>> = serde_json::from_str(document)
        .map_err(|err| AppError::Internal(format!("reading customer profiles: {err}")))?;
    let mut profiles = packed
        .into_iter()
        .map(|p| {
            let id = Uuid::try_parse(p.0).map_err(|_| corrupt("customer id", p.0))?;
            let stored = StoredProfile {
                age: p.1,
                job: p.2,
                marital: p.3,
                education: p.4,
                default: p.5 != 0,
                balance: p.6,
                housing: p.7 != 0,
                loan: p.8 != 0,
                contact: p.9,
                day: p.10,
                month: p.11,
                duration: p.12,
                campaign: p.13,
                pdays: p.14,
                previous: p.15,
                poutcome: p.16,
            };
            Ok((id, stored.parse()?))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // SQL does not promise that an aggregate sees the subquery's rows in its order; the keyset walk needs id order.
    profiles.sort_unstable_by_key(|(id, _)| *id);
    Ok(profiles)
}
