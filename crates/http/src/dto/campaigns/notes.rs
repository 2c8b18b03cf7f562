//! Notes on a lead.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_domain::campaigns::Note;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::NoteTypeDto;

/// A new note.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"type": "Feedback", "text": "Interested; call back after payday with the 12-month rate."}))]
pub struct CreateNoteRequest {
    /// `Feedback` or `Internal` (`System` is refused).
    #[serde(rename = "type")]
    #[garde(skip)]
    pub note_type: NoteTypeDto,
    /// Text, 1–5,000 characters.
    #[garde(length(chars, min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub text: String,
}

/// A note on a lead.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteDto {
    /// Note id.
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub lead_id: Uuid,
    /// The author (absent for System notes).
    pub author_id: Option<Uuid>,
    /// Kind.
    #[serde(rename = "type")]
    pub note_type: NoteTypeDto,
    pub text: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<Note> for NoteDto {
    fn from(n: Note) -> Self {
        Self {
            id: n.id,
            campaign_id: n.campaign_id,
            lead_id: n.lead_id,
            author_id: n.author_id,
            note_type: n.note_type.into(),
            text: n.text,
            created_at: n.created_at,
        }
    }
}
