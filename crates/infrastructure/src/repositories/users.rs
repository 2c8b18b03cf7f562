//! Accounts in SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_application::users::{UserQuery, UserRepository, UserSortField};
use leadscore_domain::pagination::Page;
use leadscore_domain::users::{Email, Role, User, UserStats, Username};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::query::{contains_ci, corrupt, fetch_page, in_range, search_text};
use crate::db::{begin_write, lock_key};
use crate::entities::users::{self, ActiveModel, Column, Entity};
use crate::error::{db_err, is_foreign_key_violation};

/// `UserRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlUserRepository {
    db: DatabaseConnection,
}

impl SqlUserRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_domain(model: users::Model) -> Result<User, AppError> {
    Ok(User {
        id: model.id,
        email: Email::parse(&model.email).map_err(|_| corrupt("email", &model.email))?,
        username: model
            .username
            .as_deref()
            .map(|name| Username::parse(name).map_err(|_| corrupt("username", name)))
            .transpose()?,
        full_name: model.full_name,
        phone: model.phone,
        address: model.address,
        role: model.role.parse::<Role>().map_err(|_| corrupt("role", &model.role))?,
        is_active: model.is_active,
        avatar_key: model.avatar_key,
        password_hash: model.password_hash,
        token_version: model.token_version,
        last_login_at: model.last_login_at,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

fn to_active(user: &User) -> ActiveModel {
    ActiveModel {
        id: Set(user.id),
        email: Set(user.email.as_str().to_owned()),
        username: Set(user.username.as_ref().map(|u| u.as_str().to_owned())),
        full_name: Set(user.full_name.clone()),
        phone: Set(user.phone.clone()),
        address: Set(user.address.clone()),
        role: Set(user.role.as_str().to_owned()),
        is_active: Set(user.is_active),
        avatar_key: Set(user.avatar_key.clone()),
        password_hash: Set(user.password_hash.clone()),
        token_version: Set(user.token_version),
        search_text: Set(search_text([
            Some(user.email.as_str()),
            user.username.as_ref().map(|u| u.as_str()),
            user.full_name.as_deref(),
        ])),
        last_login_at: Set(user.last_login_at),
        created_at: Set(user.created_at),
        updated_at: Set(user.updated_at),
    }
}

#[async_trait]
impl UserRepository for SqlUserRepository {
    async fn insert(&self, user: &User) -> Result<(), AppError> {
        Entity::insert(to_active(user)).exec_without_returning(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<User>, AppError> {
        Entity::find_by_id(id).one(&self.db).await.map_err(db_err)?.map(to_domain).transpose()
    }

    async fn find_by_login(&self, identifier: &str) -> Result<Option<User>, AppError> {
        Entity::find()
            .filter(Condition::any().add(Column::Email.eq(identifier)).add(Column::Username.eq(identifier)))
            .one(&self.db)
            .await
            .map_err(db_err)?
            .map(to_domain)
            .transpose()
    }

    async fn update(&self, user: &User) -> Result<(), AppError> {
        let mut model = to_active(user);
        model.id = sea_orm::ActiveValue::Unchanged(user.id);
        model.password_hash = NotSet;
        model.token_version = NotSet;
        let txn = AdminGuard::begin(&self.db).await?;
        let result =
            Entity::update_many().set(model).filter(Column::Id.eq(user.id)).exec(&txn.txn).await.map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("User not found".into()));
        }
        txn.commit().await
    }

    async fn set_password(&self, id: Uuid, password_hash: &str, at: DateTime<Utc>) -> Result<i64, AppError> {
        let result = Entity::update_many()
            .col_expr(Column::PasswordHash, Expr::value(password_hash))
            .col_expr(Column::TokenVersion, Expr::col(Column::TokenVersion).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(at))
            .filter(Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("User not found".into()));
        }
        let version: Option<i64> = Entity::find_by_id(id)
            .select_only()
            .column(Column::TokenVersion)
            .into_tuple()
            .one(&self.db)
            .await
            .map_err(db_err)?;
        version.ok_or_else(|| AppError::NotFound("User not found".into()))
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        let txn = AdminGuard::begin(&self.db).await?;
        let result = Entity::delete_by_id(id).exec(&txn.txn).await.map_err(|err| {
            // The only foreign key that restricts deleting a user is a campaign's owner.
            if is_foreign_key_violation(&err) {
                return AppError::Conflict(
                    "The user owns campaigns; delete those campaigns first, or deactivate the account instead".into(),
                );
            }
            db_err(err)
        })?;
        txn.commit().await?;
        Ok(result.rows_affected > 0)
    }

    async fn list(&self, query: &UserQuery) -> Result<Page<User>, AppError> {
        let mut select = Entity::find();
        if let Some(role) = query.role {
            select = select.filter(Column::Role.eq(role.as_str()));
        }
        if let Some(active) = query.is_active {
            select = select.filter(Column::IsActive.eq(active));
        }
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            select = select.filter(contains_ci(Column::SearchText, q));
        }
        select = in_range(select, Column::CreatedAt, query.from, query.to);
        let sort = match query.sort_by {
            UserSortField::CreatedAt => Column::CreatedAt,
            UserSortField::Email => Column::Email,
            UserSortField::FullName => Column::FullName,
            UserSortField::LastLoginAt => Column::LastLoginAt,
            UserSortField::Role => Column::Role,
        };
        let page = fetch_page(&self.db, select, sort, query.sort_dir, Column::Id, query.page).await?;
        let Page { items, total_items, request } = page;
        let items = items.into_iter().map(to_domain).collect::<Result<_, _>>()?;
        Ok(Page { items, total_items, request })
    }

    async fn stats(&self) -> Result<UserStats, AppError> {
        let per_role: Vec<(String, i64)> = Entity::find()
            .select_only()
            .column(Column::Role)
            .column_as(Column::Id.count(), "n")
            .group_by(Column::Role)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let mut stats = UserStats::default();
        for (role, n) in per_role {
            let n = u64::try_from(n).unwrap_or(0);
            stats.total += n;
            match role.parse::<Role>() {
                Ok(Role::Admin) => stats.admins = n,
                Ok(Role::Manager) => stats.managers = n,
                Ok(Role::Sales) => stats.sales = n,
                Err(_) => return Err(corrupt("role", &role)),
            }
        }
        stats.active = Entity::find().filter(Column::IsActive.eq(true)).count(&self.db).await.map_err(db_err)?;
        Ok(stats)
    }

    async fn count_active_admins(&self) -> Result<u64, AppError> {
        active_admins(&self.db).await.map_err(db_err)
    }

    async fn record_login(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), AppError> {
        Entity::update_many()
            .col_expr(Column::LastLoginAt, Expr::value(at))
            .filter(Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

async fn active_admins(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find().filter(Column::Role.eq(Role::Admin.as_str())).filter(Column::IsActive.eq(true)).count(db).await
}

/// A write transaction on accounts that keeps an active Admin: every such transaction is serialised (one lock for
/// all of them, so the count it reads cannot change under it), and [`Self::commit`] refuses to commit a change
/// that took the number of active Admins from one or more to none.
struct AdminGuard {
    txn: DatabaseTransaction,
    admins_before: u64,
}

impl AdminGuard {
    async fn begin(db: &DatabaseConnection) -> Result<Self, AppError> {
        let txn = begin_write(db).await.map_err(db_err)?;
        lock_key(&txn, "users:active_admins").await.map_err(db_err)?;
        let admins_before = active_admins(&txn).await.map_err(db_err)?;
        Ok(Self { txn, admins_before })
    }

    async fn commit(self) -> Result<(), AppError> {
        if self.admins_before > 0 && active_admins(&self.txn).await.map_err(db_err)? == 0 {
            self.txn.rollback().await.map_err(db_err)?;
            return Err(AppError::Conflict("Cannot remove the last active Admin".into()));
        }
        self.txn.commit().await.map_err(db_err)
    }
}
