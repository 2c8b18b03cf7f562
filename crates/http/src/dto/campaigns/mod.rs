//! Bodies and parameters of the campaign, lead, note and audit-trail endpoints.

mod campaign;
mod leads;
mod notes;

pub use campaign::*;
pub use leads::*;
pub use notes::*;

use leadscore_domain::campaigns::{CampaignStatus, LeadStatus, NoteType};

api_enum!(
    /// Whether a campaign is being worked.
    CampaignStatusDto => CampaignStatus {
        /// Being worked.
        Active = "Active",
        /// On hold.
        Paused = "Paused",
        /// Over; cannot be run.
        Completed = "Completed",
    }
);

api_enum!(
    /// Where a lead is in the workflow: `Pending` → `Contacted` → `Converted` | `Failed`, or `Pending` → `Failed`.
    LeadStatusDto => LeadStatus {
        /// Not called yet.
        Pending = "Pending",
        /// Called; outcome open.
        Contacted = "Contacted",
        /// Subscribed.
        Converted = "Converted",
        /// Will not subscribe.
        Failed = "Failed",
    }
);

api_enum!(
    /// Kind of note. `System` notes are written by the server on every lead change.
    NoteTypeDto => NoteType {
        /// Written by the system.
        System = "System",
        /// What the customer said.
        Feedback = "Feedback",
        /// Remarks for colleagues.
        Internal = "Internal",
    }
);
