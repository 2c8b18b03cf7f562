//! Notes on leads in SQL.

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::campaigns::NoteRepository;
use leadscore_domain::campaigns::{Note, NoteType};
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::query::{corrupt, fetch_page};
use crate::entities::notes::{ActiveModel, Column, Entity, Model};
use crate::error::{db_err, is_foreign_key_violation};

/// `NoteRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlNoteRepository {
    db: DatabaseConnection,
}

impl SqlNoteRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_domain(m: Model) -> Result<Note, AppError> {
    Ok(Note {
        id: m.id,
        campaign_id: m.campaign_id,
        lead_id: m.lead_id,
        author_id: m.author_id,
        note_type: m.note_type.parse::<NoteType>().map_err(|_| corrupt("note type", &m.note_type))?,
        text: m.text,
        created_at: m.created_at,
    })
}

/// A note as a row (also written by a lead's status change).
pub(crate) fn to_active(note: &Note) -> ActiveModel {
    ActiveModel {
        id: Set(note.id),
        campaign_id: Set(note.campaign_id),
        lead_id: Set(note.lead_id),
        author_id: Set(note.author_id),
        note_type: Set(note.note_type.as_str().to_owned()),
        text: Set(note.text.clone()),
        created_at: Set(note.created_at),
    }
}

/// A foreign-key violation: the lead, its campaign or the author is gone.
fn missing_reference(err: DbErr) -> AppError {
    if is_foreign_key_violation(&err) {
        return AppError::NotFound("The lead or author of this note was not found".into());
    }
    db_err(err)
}

#[async_trait]
impl NoteRepository for SqlNoteRepository {
    async fn insert(&self, note: &Note) -> Result<(), AppError> {
        Entity::insert(to_active(note)).exec_without_returning(&self.db).await.map_err(missing_reference)?;
        Ok(())
    }

    async fn list(&self, lead_id: Uuid, page: PageRequest) -> Result<Page<Note>, AppError> {
        let select = Entity::find().filter(Column::LeadId.eq(lead_id));
        let Page { items, total_items, request } =
            fetch_page(&self.db, select, Column::CreatedAt, SortDir::Desc, Column::Id, page).await?;
        let items = items.into_iter().map(to_domain).collect::<Result<_, _>>()?;
        Ok(Page { items, total_items, request })
    }

    async fn find(&self, id: Uuid) -> Result<Option<Note>, AppError> {
        Entity::find_by_id(id).one(&self.db).await.map_err(db_err)?.map(to_domain).transpose()
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        Ok(Entity::delete_by_id(id).exec(&self.db).await.map_err(db_err)?.rows_affected > 0)
    }
}
