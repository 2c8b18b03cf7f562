//! Request extractors: the authenticated caller, validated JSON bodies and query strings, uploaded files, the client
//! address. Each turns bad input into the error envelope with field names.

mod auth;
mod client;
mod json;
mod multipart;
mod query;
mod validation;

pub use auth::AuthUser;
pub(crate) use auth::MISSING_TOKEN;
pub use client::ClientIp;
pub use json::{JsonLimit, ValidJson, parse_json};
pub(crate) use json::{NOT_JSON, too_large};
pub use multipart::{FileUpload, read_file};
pub use query::ValidQuery;
pub use validation::path_error;
