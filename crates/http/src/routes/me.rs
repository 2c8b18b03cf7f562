//! `/api/v1/me`: the signed-in user's own account.

use actix_multipart::Multipart;
use actix_web::web;

use crate::dto::users::{ChangePasswordRequest, DeleteAccountRequest, UpdateProfileRequest, UserDto};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, FileUpload, ValidJson, read_file};
use crate::response::{Envelope, MessageEnvelope, done, ok, ok_with};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/me")
            .route(web::get().to(get_me))
            .route(web::patch().to(update_me))
            .route(web::delete().to(delete_me)),
    )
    .service(web::resource("/me/password").route(web::put().to(change_password)))
    .service(web::resource("/me/avatar").route(web::put().to(set_avatar)));
}

/// Get my account
///
/// The signed-in account. Any signed-in user may call it; a missing, invalid or expired token is a 401.
#[utoipa::path(get, path = "/api/v1/me", tag = "Me", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The account", body = Envelope<UserDto>),
        (status = 401, description = "Missing, invalid or expired token", body = ErrorBody),
    ))]
pub async fn get_me(state: web::Data<AppState>, user: AuthUser) -> ApiResult {
    Ok(ok(UserDto::from(state.users.me(&user.0).await?)))
}

/// Update my profile
///
/// Change one's own profile. Role, status and password are not changeable here (unknown fields are refused).
#[utoipa::path(patch, path = "/api/v1/me", tag = "Me", security(("bearerAuth" = [])), request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "Updated account", body = Envelope<UserDto>),
        (status = 400, description = "Invalid or unknown fields", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "E-mail or username taken", body = ErrorBody),
    ))]
pub async fn update_me(state: web::Data<AppState>, user: AuthUser, body: ValidJson<UpdateProfileRequest>) -> ApiResult {
    let updated = state.users.update_me(&user.0, body.0.into()).await?;
    Ok(ok_with("Profile updated successfully", UserDto::from(updated)))
}

/// Change my password
///
/// Change one's own password. Every session (refresh token) of the account ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "Me", security(("bearerAuth" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Password changed", body = MessageEnvelope),
        (status = 400, description = "Wrong current password, weak or mismatched new password", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<ChangePasswordRequest>,
) -> ApiResult {
    let body = body.0;
    state.users.change_password(&user.0, &body.current_password, &body.new_password, &body.confirm_password).await?;
    Ok(done("Password changed successfully"))
}

/// Delete my account
///
/// Delete one's own account (password required). The last active Admin cannot.
#[utoipa::path(delete, path = "/api/v1/me", tag = "Me", security(("bearerAuth" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 200, description = "Account deleted", body = MessageEnvelope),
        (status = 400, description = "Wrong password", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "Last active Admin, or the account owns campaigns", body = ErrorBody),
    ))]
pub async fn delete_me(state: web::Data<AppState>, user: AuthUser, body: ValidJson<DeleteAccountRequest>) -> ApiResult {
    state.users.delete_me(&user.0, &body.0.password).await?;
    Ok(done("Account deleted successfully"))
}

/// Replace my avatar
///
/// Replace one's own avatar: multipart field `file`, at most 5 MB, JPEG/PNG/GIF/WebP by content.
#[utoipa::path(put, path = "/api/v1/me/avatar", tag = "Me", security(("bearerAuth" = [])),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Avatar replaced", body = Envelope<UserDto>),
        (status = 400, description = "No file field", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG, GIF or WebP image", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody),
    ))]
pub async fn set_avatar(state: web::Data<AppState>, user: AuthUser, form: Multipart) -> ApiResult {
    let bytes = read_file(form, state.settings.max_image_bytes).await?;
    let updated = state.users.set_avatar(&user.0, user.0.id, bytes).await?;
    Ok(ok_with("Avatar updated successfully", UserDto::from(updated)))
}
