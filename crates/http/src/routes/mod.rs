//! Route table: which handler serves which method and path. Resources are registered with `web::resource` so a wrong
//! method on a known path is a 405, not a 404.

pub mod analytics;
pub mod auth;
pub mod campaigns;
pub mod customers;
pub mod health;
pub mod me;
pub mod media;
pub mod scoring;
pub mod segmentation;
pub mod users;

use actix_web::{HttpResponse, web};
use leadscore_application::AppError;

use crate::error::ApiError;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    health::configure(cfg);
    media::configure(cfg);
    cfg.service(
        web::scope("/api/v1")
            .configure(auth::configure)
            .configure(customers::configure)
            .configure(scoring::configure)
            .configure(campaigns::configure)
            .configure(analytics::configure)
            .configure(me::configure)
            .configure(users::configure)
            .configure(media::configure_api)
            .configure(segmentation::configure)
            .default_service(web::to(not_found)),
    );
}

/// The answer for any path no route matches.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError(AppError::NotFound("Resource not found".into())))
}
