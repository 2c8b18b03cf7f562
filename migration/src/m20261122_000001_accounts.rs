//! Accounts, refresh tokens, login attempts and the audit trail.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Username,
    FullName,
    Phone,
    Address,
    Role,
    IsActive,
    AvatarKey,
    PasswordHash,
    SearchText,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RotatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    Scope,
    Key,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    ActorId,
    Action,
    EntityType,
    EntityId,
    CampaignId,
    LeadId,
    Description,
    Ip,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_uniq(Users::Email))
                    .col(string_null(Users::Username).unique_key())
                    .col(string_null(Users::FullName))
                    .col(string_null(Users::Phone))
                    .col(string_null(Users::Address))
                    .col(string_len(Users::Role, 16))
                    .col(boolean(Users::IsActive))
                    .col(string_null(Users::AvatarKey))
                    .col(string(Users::PasswordHash))
                    .col(text(Users::SearchText))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_users_created_at").table(Users::Table).col(Users::CreatedAt).to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(pk_uuid(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::UserId))
                    .col(uuid(RefreshTokens::FamilyId))
                    .col(string_uniq(RefreshTokens::TokenHash))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RotatedAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_user")
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in
            [("idx_refresh_tokens_family", RefreshTokens::FamilyId), ("idx_refresh_tokens_user", RefreshTokens::UserId)]
        {
            manager.create_index(Index::create().name(name).table(RefreshTokens::Table).col(col).to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(pk_uuid(LoginAttempts::Id))
                    .col(string_len(LoginAttempts::Scope, 16))
                    .col(string(LoginAttempts::Key))
                    .col(timestamp_with_time_zone(LoginAttempts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_attempts_key")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::Scope)
                    .col(LoginAttempts::Key)
                    .col(LoginAttempts::CreatedAt)
                    .to_owned(),
            )
            .await?;

        // No foreign keys: the trail outlives the users, campaigns and leads it mentions.
        manager
            .create_table(
                Table::create()
                    .table(Activities::Table)
                    .col(pk_uuid(Activities::Id))
                    .col(uuid_null(Activities::ActorId))
                    .col(string_len(Activities::Action, 48))
                    .col(string_len(Activities::EntityType, 32))
                    .col(uuid_null(Activities::EntityId))
                    .col(uuid_null(Activities::CampaignId))
                    .col(uuid_null(Activities::LeadId))
                    .col(text(Activities::Description))
                    .col(string_null(Activities::Ip))
                    .col(timestamp_with_time_zone(Activities::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_activities_actor", vec![Activities::ActorId, Activities::CreatedAt]),
            ("idx_activities_entity", vec![Activities::EntityType, Activities::EntityId]),
            ("idx_activities_campaign", vec![Activities::CampaignId, Activities::CreatedAt]),
            ("idx_activities_created_at", vec![Activities::CreatedAt]),
        ] {
            let mut index = Index::create().name(name).table(Activities::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Activities::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(LoginAttempts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RefreshTokens::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Users::Table).to_owned()).await
    }
}
