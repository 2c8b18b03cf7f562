//! Notes on a lead.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DomainError, string_enum};

string_enum!(
    /// Who a note is for.
    NoteType, "type" {
        /// Written by the system on every status change; never by a client.
        System => "System",
        /// What the customer said.
        Feedback => "Feedback",
        /// Remarks for colleagues.
        Internal => "Internal",
    }
);

/// Longest note.
pub const MAX_NOTE_CHARS: usize = 5_000;

/// A note as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// UUID v7.
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub lead_id: Uuid,
    /// The author; `None` for System notes and once the author is deleted.
    pub author_id: Option<Uuid>,
    /// Kind.
    pub note_type: NoteType,
    /// Text, 1–5,000 characters.
    pub text: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Note {
    /// Trims and checks the text.
    pub fn text(raw: &str) -> Result<String, DomainError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_NOTE_CHARS {
            return Err(DomainError::invalid("text", format!("must be 1 to {MAX_NOTE_CHARS} characters")));
        }
        Ok(text.to_owned())
    }
}
