//! `AuthUser`: the caller behind a bearer token.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use leadscore_application::{AppError, Caller};

use crate::error::ApiError;
use crate::state::AppState;

/// What a request without a bearer token is answered (also the spec's 401 example).
pub(crate) const MISSING_TOKEN: &str = "Missing bearer token";

/// The authenticated caller. Extracting it checks the token and that the account still exists and is active.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser(pub Caller);

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| t.trim().to_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError(AppError::Internal("application state missing".into())))?;
            let token = token
                .filter(|t| !t.is_empty())
                .ok_or_else(|| ApiError(AppError::Unauthorized(MISSING_TOKEN.into())))?;
            Ok(AuthUser(state.auth.authenticate(&token).await?))
        })
    }
}
