//! `/api/v1/users`: Admin user management.

use actix_multipart::Multipart;
use actix_web::web;
use uuid::Uuid;

use crate::dto::activities::{ActivityDto, ActivityListParams};
use crate::dto::common::Paginated;
use crate::dto::users::{AdminUpdateUserRequest, CreateUserRequest, UserDto, UserListParams, UserStatsDto};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, FileUpload, ValidJson, ValidQuery, read_file};
use crate::response::{Envelope, MessageEnvelope, created, done, ok, ok_with};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/users").route(web::get().to(list_users)).route(web::post().to(create_user)))
        .service(web::resource("/users/stats").route(web::get().to(user_stats)))
        .service(
            web::resource("/users/{id}")
                .route(web::get().to(get_user))
                .route(web::patch().to(update_user))
                .route(web::delete().to(delete_user)),
        )
        .service(web::resource("/users/{id}/avatar").route(web::put().to(set_user_avatar)))
        .service(web::resource("/users/{id}/activities").route(web::get().to(user_activities)));
}

/// Create a user account
///
/// Create an account with any role. Only an Admin may call it; an e-mail or username already taken is a 409.
#[utoipa::path(post, path = "/api/v1/users", tag = "Users", security(("bearerAuth" = [])), request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Account created", body = Envelope<UserDto>),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
        (status = 409, description = "E-mail or username taken", body = ErrorBody),
    ))]
pub async fn create_user(state: web::Data<AppState>, user: AuthUser, body: ValidJson<CreateUserRequest>) -> ApiResult {
    let created_user = state.users.create(&user.0, body.0.into()).await?;
    Ok(created("User created successfully", UserDto::from(created_user)))
}

/// List user accounts
///
/// Accounts with filters, search, sort and pagination. Only an Admin may call it; other roles get 403.
#[utoipa::path(get, path = "/api/v1/users", tag = "Users", security(("bearerAuth" = [])), params(UserListParams),
    responses(
        (status = 200, description = "One page of accounts", body = Envelope<Paginated<UserDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
    ))]
pub async fn list_users(state: web::Data<AppState>, user: AuthUser, params: ValidQuery<UserListParams>) -> ApiResult {
    let page = state.users.list(&user.0, &params.0.into_query()?).await?;
    Ok(ok(Paginated::from_page(page, UserDto::from)))
}

/// Count accounts per role
///
/// Account totals (all, per role) and the number of active accounts. Only an Admin may call it; other roles get 403.
#[utoipa::path(get, path = "/api/v1/users/stats", tag = "Users", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Totals", body = Envelope<UserStatsDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
    ))]
pub async fn user_stats(state: web::Data<AppState>, user: AuthUser) -> ApiResult {
    Ok(ok(UserStatsDto::from(state.users.stats(&user.0).await?)))
}

/// Get a user account
///
/// One account by id. Only an Admin may call it; other roles get 403.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "Users", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = Envelope<UserDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    ))]
pub async fn get_user(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    Ok(ok(UserDto::from(state.users.get(&user.0, id.into_inner()).await?)))
}

/// Update a user account
///
/// Change an account: profile, role, active status (Admin). Nobody raises their own role; the last active Admin
/// cannot be demoted or deactivated.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "Users", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Account id")), request_body = AdminUpdateUserRequest,
    responses(
        (status = 200, description = "Updated account", body = Envelope<UserDto>),
        (status = 400, description = "Invalid or unknown fields", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin, or raising one's own role", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "E-mail/username taken, or last active Admin", body = ErrorBody),
    ))]
pub async fn update_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<AdminUpdateUserRequest>,
) -> ApiResult {
    let updated = state.users.update(&user.0, id.into_inner(), body.0.into()).await?;
    Ok(ok_with("User updated successfully", UserDto::from(updated)))
}

/// Delete a user account
///
/// Delete an account (Admin). The last active Admin cannot be deleted, nor an account that owns campaigns.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "Users", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "Deleted", body = MessageEnvelope),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "Last active Admin, or the account owns campaigns", body = ErrorBody),
    ))]
pub async fn delete_user(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    state.users.delete(&user.0, id.into_inner()).await?;
    Ok(done("User deleted successfully"))
}

/// Replace a user's avatar
///
/// Replace any account's avatar (Admin): multipart field `file`, at most 5 MB, JPEG/PNG/GIF/WebP by content.
#[utoipa::path(put, path = "/api/v1/users/{id}/avatar", tag = "Users", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Avatar replaced", body = Envelope<UserDto>),
        (status = 400, description = "No file field", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG, GIF or WebP image", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody),
    ))]
pub async fn set_user_avatar(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    form: Multipart,
) -> ApiResult {
    let target = id.into_inner();
    // Check the role before reading a 5 MB body from someone who may not upload it.
    user.0.require(&[leadscore_domain::users::Role::Admin])?;
    let bytes = read_file(form, state.settings.max_image_bytes).await?;
    let updated = state.users.set_avatar(&user.0, target, bytes).await?;
    Ok(ok_with("Avatar updated successfully", UserDto::from(updated)))
}

/// List a user's activities
///
/// What an account did and what was done to it, newest first. Only an Admin may call it; other roles get 403.
#[utoipa::path(get, path = "/api/v1/users/{id}/activities", tag = "Users", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Account id"), ActivityListParams),
    responses(
        (status = 200, description = "One page of activities", body = Envelope<Paginated<ActivityDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
    ))]
pub async fn user_activities(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    params: ValidQuery<ActivityListParams>,
) -> ApiResult {
    let page = state.activities.for_user(&user.0, id.into_inner(), params.0.into_query()?).await?;
    Ok(ok(Paginated::from_page(page, ActivityDto::from)))
}
