//! `/api/v1/uploads/image` (S0's uploads module) and `/media/{key}` (serving stored images).

use actix_multipart::Multipart;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use crate::dto::media::UploadDto;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, FileUpload, read_file};
use crate::response::{Envelope, created};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/media/{key:.+}").route(web::get().to(serve_media)));
}

pub fn configure_api(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/uploads/image").route(web::post().to(upload_image)));
}

/// Upload an image
///
/// Store an image (any signed-in user): multipart field `file`, at most 5 MB, JPEG/PNG/GIF/WebP by content.
#[utoipa::path(post, path = "/api/v1/uploads/image", tag = "Uploads", security(("bearerAuth" = [])),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Envelope<UploadDto>),
        (status = 400, description = "No file field", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG, GIF or WebP image", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody),
    ))]
pub async fn upload_image(state: web::Data<AppState>, _user: AuthUser, form: Multipart) -> ApiResult {
    let bytes = read_file(form, state.settings.max_image_bytes).await?;
    let upload = state.media.upload(bytes).await?;
    Ok(created("Image uploaded successfully", UploadDto::from(upload)))
}

/// Get a stored image
///
/// A stored image. Keys are unguessable (UUID v7 plus the owner's id), so images are served without a token, the
/// way `<img src>` needs them.
#[utoipa::path(get, path = "/media/{key}", tag = "Uploads",
    params(("key" = String, Path, description = "Storage key, e.g. images/<uuid>.png")),
    responses(
        (status = 200, description = "The image", content(
            ("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"))),
        (status = 404, description = "No such image", body = ErrorBody),
    ))]
pub async fn serve_media(state: web::Data<AppState>, key: web::Path<String>) -> ApiResult {
    let (bytes, kind) = state.media.fetch(&key.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, kind.mime_type()))
        .insert_header((CACHE_CONTROL, "public, max-age=86400, immutable"))
        .body(bytes))
}
