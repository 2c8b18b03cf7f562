//! OpenAPI `links` from each create operation to the operations on what it created, so tools that follow them
//! (schemathesis' stateful phase, Swagger UI) can chain a create with the reads, changes and deletes of its result.
//!
//! A `POST` on a collection `P` answering 201 with `data.id` links to every operation under `P/{param}`: the new
//! id fills `param`, the create's own path parameters pass through. A resource created under one collection and
//! addressed under another is listed in `ELSEWHERE`.

use serde_json::{Map, Value, json};
use utoipa::Modify;
use utoipa::openapi::OpenApi;

use super::rewrite_as_json;

/// The pass; see the module documentation.
pub struct CreateLinks;

/// (the create's path, the collection its result lives in).
const ELSEWHERE: [(&str, &str); 1] = [("/api/v1/segmentation/datasets/{id}/analyses", "/api/v1/segmentation/analyses")];

impl Modify for CreateLinks {
    fn modify(&self, openapi: &mut OpenApi) {
        rewrite_as_json(openapi, add_links);
    }
}

fn add_links(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
    let targets: Vec<(String, String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().into_iter().flatten().filter_map(move |(method, op)| {
                Some((path.clone(), method.clone(), op.get("operationId")?.as_str()?.to_owned()))
            })
        })
        .collect();
    for (path, item) in paths.iter_mut() {
        let Some(create) = item.get_mut("post").and_then(Value::as_object_mut) else { continue };
        let collection = ELSEWHERE.iter().find(|(from, _)| from == path).map_or(path.as_str(), |(_, to)| *to);
        let links = links_of(path, collection, &targets);
        if links.is_empty() {
            continue;
        }
        if let Some(created) = create.get_mut("responses").and_then(|r| r.get_mut("201")).and_then(Value::as_object_mut)
        {
            created.insert("links".into(), Value::Object(links));
        }
    }
}

/// The parameter names of a path template, in order.
fn parameters(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}')).collect()
}

fn links_of(create_path: &str, collection: &str, targets: &[(String, String, String)]) -> Map<String, Value> {
    let inherited = parameters(create_path);
    let prefix = format!("{collection}/{{");
    let mut links = Map::new();
    for (path, _method, operation_id) in targets {
        let Some(rest) = path.strip_prefix(&prefix) else { continue };
        let Some(new_id) = rest.split('}').next() else { continue };
        let mut values = Map::new();
        for name in parameters(path) {
            if name == new_id {
                values.insert(name.into(), json!("$response.body#/data/id"));
            } else if inherited.contains(&name) {
                values.insert(name.into(), json!(format!("$request.path.{name}")));
            } else {
                // A deeper parameter nothing here can fill (e.g. a lead of a new campaign): no link.
                values.clear();
                break;
            }
        }
        if !values.is_empty() {
            links.insert(operation_id.clone(), json!({"operationId": operation_id, "parameters": values}));
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(path: &str, method: &str, id: &str) -> (String, String, String) {
        (path.into(), method.into(), id.into())
    }

    #[test]
    fn a_create_links_to_what_it_created_passing_its_own_parameters_through() {
        let targets = [
            target("/api/v1/campaigns/{id}", "get", "get_campaign"),
            target("/api/v1/campaigns/{id}/run", "post", "run_campaign"),
            target("/api/v1/campaigns/{id}/leads/{leadId}", "get", "get_lead"),
            target("/api/v1/campaigns/{id}/leads/{leadId}/notes/{noteId}", "delete", "delete_note"),
            target("/api/v1/customers/{id}", "get", "get_customer"),
        ];
        let campaign = links_of("/api/v1/campaigns", "/api/v1/campaigns", &targets);
        assert_eq!(campaign.keys().collect::<Vec<_>>(), ["get_campaign", "run_campaign"], "get_lead needs a leadId");
        assert_eq!(campaign["get_campaign"]["parameters"]["id"], "$response.body#/data/id");
        let notes = "/api/v1/campaigns/{id}/leads/{leadId}/notes";
        let note = links_of(notes, notes, &targets);
        assert_eq!(
            note["delete_note"]["parameters"],
            json!({"id": "$request.path.id", "leadId": "$request.path.leadId", "noteId": "$response.body#/data/id"})
        );
    }
}
