//! The answers every operation of a kind can give, documented once here instead of on each handler, and an
//! example for each error answer.
//!
//! - 400 when a path parameter does not parse (field-level, like any validation error);
//! - 413 and 415 for operations with a body (over its limit; not the documented media type);
//! - 406 for downloads, which `Accept` chooses between;
//! - 500 everywhere, 503 with `Retry-After` wherever a dependency (database, storage, model) is used;
//! - `Retry-After` on every 429, `X-Request-Id` on every answer, `Content-Disposition` on every download.
//!
//! A handler that documents one of these statuses itself keeps its own description.

use leadscore_application::Caller;
use leadscore_domain::users::Role;
use serde_json::{Map, Value, json};
use utoipa::Modify;
use utoipa::openapi::OpenApi;

use super::rewrite_as_json;
use crate::extract::{MISSING_TOKEN, NOT_JSON, too_large};
use crate::settings::HttpSettings;

/// The pass; see the module documentation.
pub struct StandardResponses;

impl Modify for StandardResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        rewrite_as_json(openapi, |document| {
            let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
            for (path, item) in paths.iter_mut() {
                let Some(item) = item.as_object_mut() else { continue };
                for operation in item.values_mut().filter_map(Value::as_object_mut) {
                    complete(path, operation);
                }
            }
        });
    }
}

/// Paths that use no dependency: they cannot answer 503.
const WITHOUT_DEPENDENCIES: [&str; 2] = ["/health", "/metrics"];
/// The one operation whose JSON body limit is not `MAX_JSON_BYTES`.
const BATCH_PATH: &str = "/api/v1/predictions/batch";

fn complete(path: &str, operation: &mut Map<String, Value>) {
    let has_path_parameter = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|parameters| parameters.iter().any(|p| p["in"] == "path"));
    let body_types: Vec<String> = operation
        .get("requestBody")
        .and_then(|body| body["content"].as_object())
        .map(|content| content.keys().cloned().collect())
        .unwrap_or_default();
    let is_download = operation
        .get("responses")
        .and_then(|r| r["200"]["content"].as_object())
        .is_some_and(|content| content.contains_key("text/csv"));
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return };

    if has_path_parameter {
        add(responses, "400", "A path parameter is malformed (e.g. not a UUID)");
    }
    if !body_types.is_empty() {
        let too_large = if path == BATCH_PATH {
            "The body is over the batch limit (MAX_BATCH_PREDICTIONS × 1 KiB, and at least MAX_JSON_BYTES)"
        } else if body_types.iter().any(|t| t.starts_with("multipart/")) {
            "The file is over its limit"
        } else {
            "The body is over MAX_JSON_BYTES (256 KiB by default)"
        };
        add(responses, "413", too_large);
        add(responses, "415", "The body's Content-Type is not the documented one");
    }
    if is_download {
        add(responses, "406", "`Accept` allows neither CSV nor XLSX (and no `format` was given)");
    }
    add(responses, "500", "Unexpected failure; the cause is logged under the request's X-Request-Id, never shown");
    if !WITHOUT_DEPENDENCIES.contains(&path) {
        add(
            responses,
            "503",
            "A dependency (database, storage, model) is unavailable for now; retry after Retry-After",
        );
    }

    for (status, response) in responses.iter_mut() {
        let Some(response) = response.as_object_mut() else { continue };
        // Every 429 carries Retry-After, and every 503 in the error envelope (the readiness probe's does not).
        let retry_after = status == "429"
            || (status == "503" && response["content"]["application/json"]["schema"]["$ref"] == ERROR_BODY_REF);
        let headers = response.entry("headers").or_insert_with(|| json!({}));
        if let Some(headers) = headers.as_object_mut() {
            if is_download && status == "200" {
                headers.entry("Content-Disposition").or_insert_with(|| {
                    json!({"description": "`attachment; filename=\"<what>-<YYYY-MM-DD>.<csv|xlsx>\"`",
                        "schema": {"type": "string"}})
                });
            }
            if retry_after {
                headers.entry("Retry-After").or_insert_with(|| {
                    json!({"description": "Seconds to wait before trying again",
                        "schema": {"type": "integer", "minimum": 0}})
                });
            }
            headers.entry("X-Request-Id").or_insert_with(|| {
                json!({"description": "The request's id (the client's own when it sent a sane one): quote it when \
                    reporting a problem; the server's log lines carry it", "schema": {"type": "string"}})
            });
        }
        if status.starts_with('4') || status.starts_with('5') {
            add_example(status, response);
        }
    }
}

const ERROR_BODY_REF: &str = "#/components/schemas/ErrorBody";

fn error_body() -> Value {
    json!({"application/json": {"schema": {"$ref": ERROR_BODY_REF}}})
}

fn add(responses: &mut Map<String, Value>, status: &str, description: &str) {
    responses.entry(status).or_insert_with(|| json!({"description": description, "content": error_body()}));
}

/// An example of what the server answers with this status, when the handler gave none.
fn add_example(status: &str, response: &mut Map<String, Value>) {
    let description = response.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
    let Some(body) = response.get_mut("content").and_then(|c| c.get_mut("application/json")) else { return };
    let Some(body) = body.as_object_mut() else { return };
    if body["schema"]["$ref"] != ERROR_BODY_REF || body.contains_key("example") || body.contains_key("examples") {
        return;
    }
    let fail = |message: &str| json!({"status": "fail", "message": message});
    let example = match status {
        "400" => json!({"status": "fail", "message": "Validation failed",
            "errors": [{"field": "email", "message": "must be a valid email address"}]}),
        "401" if description == "Not signed in" => fail(MISSING_TOKEN),
        "403" if description == "Not Admin or Manager" => fail(&Caller::requirement(&[Role::Admin, Role::Manager])),
        "403" if description == "Not an Admin" => fail(&Caller::requirement(&[Role::Admin])),
        "406" => fail(
            "exports are text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; \
            Accept allows neither",
        ),
        "413" if description.starts_with("The body") => fail(&too_large(HttpSettings::default().json_limit)),
        "415" if description.starts_with("The body's Content-Type") => fail(NOT_JSON),
        "422" => json!({"status": "fail", "message": description, "totalErrors": 1,
            "errors": [{"row": 3, "field": "age", "message": "must be between 18 and 100"}]}),
        "429" => fail("Too many failed login attempts; try again later"),
        "500" => json!({"status": "error", "message": "Internal server error"}),
        "503" => json!({"status": "error", "message": "Service temporarily unavailable"}),
        _ => fail(&description),
    };
    body.insert("example".into(), example);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_body_with_a_path_parameter_gets_every_standard_answer_with_headers_and_examples() {
        let mut op = operation(json!({
            "parameters": [{"name": "id", "in": "path"}],
            "requestBody": {"content": {"application/json": {}}},
            "responses": {"200": {"description": "Updated"}, "404": {"description": "No such customer",
                "content": error_body()}}
        }));
        complete("/api/v1/customers/{id}", &mut op);
        let responses = &op["responses"];
        for status in ["400", "404", "413", "415", "500", "503"] {
            assert!(responses[status]["headers"]["X-Request-Id"].is_object(), "{status}");
            assert!(responses[status]["content"]["application/json"]["example"].is_object(), "{status}");
        }
        assert_eq!(responses["404"]["content"]["application/json"]["example"]["message"], "No such customer");
        assert!(responses["503"]["headers"]["Retry-After"].is_object());
        assert!(responses["200"]["headers"]["X-Request-Id"].is_object());
        assert!(responses.get("406").is_none(), "not a download");
    }

    #[test]
    fn health_cannot_be_unavailable_and_downloads_can_be_not_acceptable() {
        let mut health = operation(json!({"responses": {"200": {"description": "Alive"}}}));
        complete("/health", &mut health);
        assert!(health["responses"].get("503").is_none());
        let mut export = operation(json!({"responses": {"200": {"description": "File",
            "content": {"text/csv": {}}}}}));
        complete("/api/v1/customers/export", &mut export);
        assert!(export["responses"]["406"].is_object());
        assert!(export["responses"]["503"].is_object());
    }

    #[test]
    fn a_handler_s_own_example_and_description_are_kept() {
        let own = json!({"status": "fail", "message": "Validation failed", "errors": []});
        let mut op = operation(json!({"requestBody": {"content": {"application/json": {}}}, "responses": {
            "400": {"description": "Invalid items", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorBody"}, "example": own}}},
            "413": {"description": "Mine", "content": error_body()}}}));
        complete("/api/v1/predictions/batch", &mut op);
        assert_eq!(op["responses"]["400"]["content"]["application/json"]["example"], own);
        assert_eq!(op["responses"]["413"]["description"], "Mine");
    }
}
