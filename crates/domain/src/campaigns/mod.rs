//! Campaigns, their leads and the notes callers write: statuses, the lead workflow's transition rules and the
//! limits of what a campaign may hold.

mod campaign;
mod lead;
mod note;

pub use campaign::{CampaignInfo, CampaignStatus, MAX_TARGET_LEADS};
pub use lead::{Lead, LeadStatus, LeadTransition};
pub use note::{MAX_NOTE_CHARS, Note, NoteType};
