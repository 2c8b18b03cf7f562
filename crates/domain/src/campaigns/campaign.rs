//! A campaign's own attributes and their rules.

use chrono::NaiveDate;

use crate::{DomainError, FieldError, string_enum};

string_enum!(
    /// Whether a campaign is being worked.
    CampaignStatus, "status" {
        /// Callers are working the list.
        Active => "Active",
        /// On hold.
        Paused => "Paused",
        /// Over; it can no longer be run.
        Completed => "Completed",
    }
);

/// Largest call list a campaign may build.
pub const MAX_TARGET_LEADS: u32 = 100_000;

/// What a Manager sets on a campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignInfo {
    /// Name (1–200 characters, trimmed).
    pub name: String,
    /// Free text (up to 5,000 characters).
    pub description: Option<String>,
    /// Most leads a run keeps (1–100,000).
    pub target_leads: u32,
    /// First day.
    pub start_date: Option<NaiveDate>,
    /// Last day (not before the first).
    pub end_date: Option<NaiveDate>,
    pub status: CampaignStatus,
}

impl CampaignInfo {
    /// Trims text and checks every rule, reporting every problem.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        let mut errors = Vec::new();
        self.name = self.name.trim().to_owned();
        let name_len = self.name.chars().count();
        if name_len == 0 || name_len > crate::limits::CAMPAIGN_NAME_MAX_CHARS {
            errors.push(FieldError::new("name", "must be 1 to 200 characters"));
        }
        self.description = self.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
        if self.description.as_ref().is_some_and(|d| d.chars().count() > crate::limits::DESCRIPTION_MAX_CHARS) {
            errors.push(FieldError::new("description", "must be at most 5000 characters"));
        }
        if self.target_leads == 0 || self.target_leads > MAX_TARGET_LEADS {
            errors.push(FieldError::new("targetLeads", format!("must be between 1 and {MAX_TARGET_LEADS}")));
        }
        if let (Some(start), Some(end)) = (self.start_date, self.end_date)
            && end < start
        {
            errors.push(FieldError::new("endDate", "must not be before startDate"));
        }
        if errors.is_empty() { Ok(self) } else { Err(DomainError::Invalid(errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> CampaignInfo {
        CampaignInfo {
            name: "  Spring deposits ".into(),
            description: Some("   ".into()),
            target_leads: 500,
            start_date: NaiveDate::from_ymd_opt(2026, 3, 1),
            end_date: NaiveDate::from_ymd_opt(2026, 3, 31),
            status: CampaignStatus::Active,
        }
    }

    #[test]
    fn trims_and_accepts_a_sane_campaign() {
        let ok = info().validated().unwrap();
        assert_eq!(ok.name, "Spring deposits");
        assert_eq!(ok.description, None);
    }

    #[test]
    fn reports_every_broken_rule() {
        let bad =
            CampaignInfo { name: " ".into(), target_leads: 0, end_date: NaiveDate::from_ymd_opt(2026, 2, 1), ..info() };
        let DomainError::Invalid(errors) = bad.validated().unwrap_err() else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "targetLeads", "endDate"]);
    }
}
