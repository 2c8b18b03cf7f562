//! `ValidQuery<T>`: a query string (repeated keys allowed for lists), deserialised with the name of the bad
//! parameter and validated with garde.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::validation::{camel_case, nul_refused, query_has_nul, report_to_fields};
use crate::error::ApiError;

/// Query parameters that parse and pass their garde rules.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

/// Parses a query string, naming the parameter at fault.
pub fn parse_query<T: DeserializeOwned + garde::Validate>(query: &str) -> Result<T, ApiError>
where
    T::Context: Default,
{
    if query_has_nul(query) {
        return Err(nul_refused());
    }
    let de = serde_html_form::Deserializer::from_bytes(query.as_bytes());
    let value: T = serde_path_to_error::deserialize(de).map_err(|err| {
        // A repeated parameter fails as `job[1]`; the client knows it by its name.
        let path = camel_case(&err.path().to_string()).split('[').next().unwrap_or_default().to_owned();
        let field = if path.is_empty() || path == "." { "query".to_owned() } else { path };
        ApiError::field(field, err.into_inner().to_string())
    })?;
    value.validate().map_err(|report| ApiError::fields(report_to_fields(&report)))?;
    Ok(value)
}

impl<T> FromRequest for ValidQuery<T>
where
    T: DeserializeOwned + garde::Validate,
    T::Context: Default,
{
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(ValidQuery))
    }
}
