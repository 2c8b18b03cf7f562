//! Turning garde reports and serde paths into field errors with the API's (camelCase) field names.

use actix_web::HttpRequest;
use actix_web::error::PathError;
use leadscore_application::AppError;
use leadscore_domain::FieldError;

use crate::error::ApiError;

/// `full_name` → `fullName`, `items[0].is_active` → `items[0].isActive`.
pub fn camel_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every garde error as a field error.
pub fn report_to_fields(report: &garde::Report) -> Vec<FieldError> {
    report
        .iter()
        .map(|(path, error)| {
            let field = camel_case(&path.to_string());
            FieldError::new(if field.is_empty() { "body".to_owned() } else { field }, error.message().to_string())
        })
        .collect()
}

/// A path segment that does not parse (a malformed UUID) is a 400 naming the parameter.
pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    let message = match &err {
        PathError::Deserialize(inner) => inner.to_string(),
        other => other.to_string(),
    };
    let field = if message.contains("UUID") || message.contains("uuid") { "id" } else { "path" };
    ApiError::field(field, format!("invalid path parameter: {message}")).into()
}

#[cfg(test)]
mod tests {
    use super::camel_case;

    #[test]
    fn converts_paths() {
        assert_eq!(camel_case("full_name"), "fullName");
        assert_eq!(camel_case("items[0].is_active"), "items[0].isActive");
        assert_eq!(camel_case("email"), "email");
    }
}

/// The answer to any text holding U+0000: no field accepts it, and PostgreSQL cannot store it in text (it would
/// fail the statement and answer 500), so it is refused at the edge, the same way on every database.
pub(crate) fn nul_refused() -> ApiError {
    ApiError(AppError::BadRequest("Text must not contain the NUL character (U+0000)".into()))
}

/// Whether a JSON document holds a `\u0000` escape (JSON text cannot hold a raw NUL). An escape is a backslash
/// preceded by an even number of backslashes: `\\u0000` is the six characters `\u0000`, not a NUL.
pub(crate) fn json_has_nul(body: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = body[from..].windows(6).position(|w| w == b"\\u0000").map(|i| from + i) {
        let backslashes = body[..=at].iter().rev().take_while(|b| **b == b'\\').count();
        if backslashes % 2 == 1 {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Whether a raw query string decodes to text holding NUL (`%00`).
pub(crate) fn query_has_nul(query: &str) -> bool {
    query.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0') || query.contains('\0')
}

#[cfg(test)]
mod nul_tests {
    use super::*;

    #[test]
    fn finds_nul_escapes_but_not_escaped_backslashes() {
        assert!(json_has_nul(br#"{"q":"a\u0000b"}"#));
        assert!(json_has_nul(br#"{"q":"\\\u0000"}"#));
        assert!(!json_has_nul(br#"{"q":"\\u0000"}"#));
        assert!(!json_has_nul(br#"{"q":"u0000"}"#));
        assert!(query_has_nul("q=a%00b"));
        assert!(!query_has_nul("q=a%2000"));
    }
}
