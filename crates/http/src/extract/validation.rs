//! Turning garde reports and serde paths into field errors with the API's (camelCase) field names.

use actix_web::HttpRequest;
use actix_web::error::PathError;
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
