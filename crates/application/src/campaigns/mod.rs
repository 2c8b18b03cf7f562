//! Campaigns and the lead workflow: who may see which campaign, running a campaign into a ranked call list, lead
//! status changes with their notes and outcomes, and notes.

mod export;
mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use export::{LEAD_COLUMNS, leads_sheet};
pub use model::{
    Campaign, CampaignFilter, CampaignStats, KnownOutcomes, LeadCounts, LeadFilter, LeadSort, LeadStats, LeadView,
    Member, NewCampaign, OutcomeChange, RankedLead, RunCounts, RunPlan, RunSummary,
};
pub use ports::{CampaignRepository, LeadRepository, NoteRepository};
pub use service::{
    CampaignDraft, CampaignPatch, CampaignPorts, CampaignService, CampaignSettings, LeadDetail, LeadPatch, LeadService,
    RunReport, RunService,
};
