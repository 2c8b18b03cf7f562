//! Named payload types and binary bodies: what a client generator needs to produce one type per concept.
//!
//! utoipa inlines the argument of a generic schema, so `Envelope<CustomerDto>` and `Envelope<Paginated<CustomerDto>>`
//! each carried their own anonymous copy of `CustomerDto`, and generators made a type of each copy. This pass
//! replaces every copy of a named component inside another component by a `$ref` to it, and names the page of
//! each paginated envelope (`Paginated_CustomerDto`). Files (downloads and images) are `type: string, format:
//! binary` with their `contentMediaType`, not the arrays of bytes utoipa derives from `Vec<u8>`.

use serde_json::{Map, Value, json};
use utoipa::Modify;
use utoipa::openapi::OpenApi;

use super::rewrite_as_json;

/// The pass; see the module documentation.
pub struct NamedPayloads;

impl Modify for NamedPayloads {
    fn modify(&self, openapi: &mut OpenApi) {
        rewrite_as_json(openapi, |document| {
            name_payloads(document);
            binary_bodies(document);
        });
    }
}

const REF_PREFIX: &str = "#/components/schemas/";
const ENVELOPE_PREFIX: &str = "Envelope_";

fn name_payloads(document: &mut Value) {
    let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    // Pages get their own component, named after the envelope.
    let pages: Vec<(String, Value)> = schemas
        .iter()
        .filter_map(|(name, schema)| {
            let page = name.strip_prefix(ENVELOPE_PREFIX).filter(|rest| rest.starts_with("Paginated_"))?;
            Some((page.to_owned(), schema.pointer("/properties/data")?.clone()))
        })
        .collect();
    for (name, schema) in pages {
        schemas.entry(name).or_insert(schema);
    }
    // Every component as utoipa wrote it, before any replacement: copies are compared against these.
    let named: Vec<(String, Value)> = schemas
        .iter()
        .filter(|(_, schema)| schema.get("$ref").is_none() && schema.get("type") != Some(&json!("null")))
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect();
    for (name, schema) in schemas.iter_mut() {
        replace_copies(schema, name, &named, true);
    }
}

/// Replaces, below `node`, every schema equal to a named component (other than `owner` itself) with a `$ref`.
fn replace_copies(node: &mut Value, owner: &str, named: &[(String, Value)], is_root: bool) {
    if !is_root
        && node.is_object()
        && let Some((name, _)) = named.iter().find(|(name, schema)| name != owner && schema == node)
    {
        *node = json!({ "$ref": format!("{REF_PREFIX}{name}") });
        return;
    }
    match node {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                // Examples are data, not schemas: an example that happens to look like a schema stays.
                if key != "example" && key != "examples" {
                    replace_copies(child, owner, named, false);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                replace_copies(item, owner, named, false);
            }
        }
        _ => {}
    }
}

/// Bodies a client reads as text; everything else that is not JSON is a file. CSV is text, but it is always a
/// download (an attachment), and generators give one type per response: as a file it is bytes in every client,
/// beside the XLSX of the same operation.
fn is_text(media_type: &str) -> bool {
    media_type.starts_with("text/plain") || media_type == "application/json" || media_type.ends_with("+json")
}

fn binary_bodies(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for operation in item.values_mut().filter_map(Value::as_object_mut) {
            let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            for response in responses.values_mut() {
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else { continue };
                for (media_type, body) in content.iter_mut() {
                    if let Some(body) = body.as_object_mut() {
                        describe_body(media_type, body);
                    }
                }
            }
        }
    }
}

fn describe_body(media_type: &str, body: &mut Map<String, Value>) {
    if media_type.starts_with("multipart/") || is_text(media_type) {
        return;
    }
    body.insert("schema".into(), json!({ "type": "string", "format": "binary", "contentMediaType": media_type }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_of_a_component_becomes_a_reference_and_pages_are_named() {
        let customer =
            json!({"type": "object", "description": "A customer.", "properties": {"id": {"type": "string"}}});
        let mut document = json!({"components": {"schemas": {
            "CustomerDto": customer,
            "Envelope_CustomerDto": {"type": "object", "properties": {"data": customer}},
            "Envelope_Paginated_CustomerDto": {"type": "object", "properties": {"data": {
                "type": "object", "properties": {"items": {"type": "array", "items": customer}}}}},
        }}});
        name_payloads(&mut document);
        let schemas = &document["components"]["schemas"];
        let customer_ref = json!({"$ref": "#/components/schemas/CustomerDto"});
        assert_eq!(schemas["Envelope_CustomerDto"]["properties"]["data"], customer_ref);
        assert_eq!(
            schemas["Envelope_Paginated_CustomerDto"]["properties"]["data"],
            json!({"$ref": "#/components/schemas/Paginated_CustomerDto"})
        );
        assert_eq!(schemas["Paginated_CustomerDto"]["properties"]["items"]["items"], customer_ref);
        assert_eq!(schemas["CustomerDto"], customer, "a component is never replaced by a reference to itself");
    }

    #[test]
    fn files_and_downloads_are_binary_strings_and_json_and_plain_text_stay() {
        let mut document = json!({"paths": {"/x": {"get": {"responses": {"200": {"content": {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                {"schema": {"type": "array", "items": {"type": "integer"}}},
            "text/csv": {"schema": {"type": "string"}},
            "image/png": {},
            "application/json": {"schema": {"type": "string"}},
        }}}}}}});
        binary_bodies(&mut document);
        let content = &document["paths"]["/x"]["get"]["responses"]["200"]["content"];
        let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        assert_eq!(content[xlsx]["schema"], json!({"type": "string", "format": "binary", "contentMediaType": xlsx}));
        assert_eq!(content["image/png"]["schema"]["format"], "binary");
        assert_eq!(content["text/csv"]["schema"]["format"], "binary");
        assert_eq!(content["application/json"]["schema"], json!({"type": "string"}));
    }
}
