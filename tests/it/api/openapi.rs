//! The committed spec is the generated one, and the server serves it.

use leadscore_tests::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::Value;

fn committed_spec_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json")
}

#[test]
fn committed_spec_is_current() {
    let generated = leadscore_http::openapi::spec_json();
    // `just openapi` sets this to write the spec from the test build: `cargo run` would build the binary with
    // another feature set than the tests and compile much of the dependency tree a second time.
    if std::env::var_os("LEADSCORE_WRITE_SPEC").is_some() {
        std::fs::write(committed_spec_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_spec_path()).unwrap_or_default();
    assert!(generated == committed, "docs/openapi.json is stale: regenerate it with `just openapi`");
}

#[test]
fn every_operation_documents_its_errors_and_security() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    let public = [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/health",
        "/ready",
        "/metrics",
        "/media/{key}",
    ];
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "expected every route in the spec");
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path} has no success response");
            if public.contains(&path.as_str()) {
                continue;
            }
            assert!(op["security"].as_array().is_some_and(|s| !s.is_empty()), "{method} {path} has no security");
            assert!(responses.contains_key("401"), "{method} {path} does not document 401");
        }
    }
    assert!(spec["components"]["securitySchemes"]["bearerAuth"].is_object());
}

/// Generators and Swagger UI show the summary in lists and the description on the page: a short, unique summary and
/// a description for every operation (the paragraphs used to be all in `summary`: 72 Spectral warnings).
#[test]
fn every_operation_has_a_short_unique_summary_and_a_description() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(!summary.is_empty() && summary.len() <= 60, "{method} {path}: summary {summary:?}");
            assert!(!summary.ends_with('.') && !summary.contains('\n'), "{method} {path}: summary {summary:?}");
            let description = op["description"].as_str().unwrap_or_default();
            assert!(description.len() > summary.len(), "{method} {path}: no description");
            if let Some(other) = seen.insert(summary.to_owned(), format!("{method} {path}")) {
                panic!("summary {summary:?} is used by both {other} and {method} {path}");
            }
        }
    }
}

/// The login example in Swagger UI is the account the README tells a newcomer to create, so "Try it out" works.
#[test]
fn the_login_example_is_the_readmes_first_admin() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    let example = &spec["components"]["schemas"]["LoginRequest"]["example"];
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let command = readme.lines().find(|l| l.contains("-- admin create --email")).expect("the README creates an Admin");
    let email = example["identifier"].as_str().unwrap();
    let password = example["password"].as_str().unwrap();
    assert!(command.contains(&format!("--email {email} ")), "{command}");
    assert!(command.contains(&format!("--password '{password}'")), "{command}");
}

#[test]
fn operation_ids_are_unique() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId {id} is used by both {other} and {method} {path}");
            }
        }
    }
}

#[tokio::test]
async fn serves_the_spec_and_swagger_ui() {
    let app = TestApp::spawn().await;
    let response = app.request(Method::GET, "/api-docs/openapi.json").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let served: Value = response.json().await.unwrap();
    let generated: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    assert_eq!(served, generated);

    let redirect = app.request(Method::GET, "/docs").send().await.unwrap();
    assert!(redirect.status().is_redirection());
    let page = app.request(Method::GET, "/docs/").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "Swagger UI page expected");
    // Vendored assets: the page references only relative paths, never a CDN.
    assert!(!html.contains("https://"), "Swagger UI must not load assets from elsewhere");
    let bundle = app.request(Method::GET, "/docs/swagger-ui-bundle.js").send().await.unwrap();
    assert_eq!(bundle.status(), StatusCode::OK);
}

/// Every `web::resource(...)` the HTTP crate registers, with the methods routed to it, read from its route files
/// (paths relative to their scope: `/api/v1` for the API, the root for the operational ones).
fn registered_routes() -> std::collections::BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/http/src/routes");
    let mut routes = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        for (i, _) in source.match_indices("web::resource(\"") {
            let rest = &source[i + "web::resource(\"".len()..];
            let raw = &rest[..rest.find('"').unwrap()];
            // `{key:.+}` is the spec's `{key}`.
            let resource = path_param_names(raw);
            // The routes chained on this resource, up to the next resource or the end of the statement.
            let end = rest.find("web::resource(").unwrap_or(rest.len()).min(rest.find(';').unwrap_or(rest.len()));
            for method in ["get", "post", "put", "patch", "delete"] {
                if rest[..end].contains(&format!("web::{method}()")) {
                    routes.insert((resource.clone(), method.to_owned()));
                }
            }
        }
    }
    routes
}

/// `/media/{key:.+}` → `/media/{key}`.
fn path_param_names(path: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for c in path.chars() {
        match c {
            ':' if out.rfind('{') > out.rfind('}') => skipping = true,
            '}' => {
                skipping = false;
                out.push(c);
            }
            _ if skipping => {}
            _ => out.push(c),
        }
    }
    out
}

/// The spec and the router agree both ways: every registered route and method is documented, and every documented
/// operation is registered (the old guard only counted paths).
#[test]
fn every_registered_route_is_in_the_spec_and_back() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    let documented: std::collections::BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            let relative = path.strip_prefix("/api/v1").unwrap_or(path).to_owned();
            item.as_object().unwrap().keys().map(move |m| (relative.clone(), m.clone()))
        })
        .collect();
    let registered = registered_routes();
    assert!(registered.len() > 60, "the route scan found only {registered:?}");
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    assert!(undocumented.is_empty(), "registered but not in the spec: {undocumented:?}");
    let unrouted: Vec<_> = documented.difference(&registered).collect();
    assert!(unrouted.is_empty(), "in the spec but not registered: {unrouted:?}");
}

fn spec() -> Value {
    serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap()
}

/// Every operation of the spec, as (method, path, operation).
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            all.push((method.clone(), path.clone(), op.clone()));
        }
    }
    all
}

/// One type per concept for a client generator: no component holds an anonymous copy of another (utoipa inlines
/// generic arguments; a pass turns the copies into references), and every named component is used.
#[test]
fn payloads_reference_named_types_and_no_component_is_unused() {
    let spec = spec();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    fn copies(
        node: &Value,
        owner: &str,
        schemas: &serde_json::Map<String, Value>,
        root: bool,
        found: &mut Vec<String>,
    ) {
        if !root
            && node.is_object()
            && let Some((name, _)) = schemas.iter().find(|(name, schema)| *name != owner && *schema == node)
        {
            found.push(format!("{owner} holds a copy of {name}"));
        }
        match node {
            Value::Object(map) => map
                .iter()
                .filter(|(key, _)| *key != "example")
                .for_each(|(_, child)| copies(child, owner, schemas, false, found)),
            Value::Array(items) => items.iter().for_each(|item| copies(item, owner, schemas, false, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (name, schema) in schemas {
        copies(schema, name, schemas, true, &mut found);
    }
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(
        spec["components"]["schemas"]["Envelope_CustomerDto"]["properties"]["data"]["$ref"],
        "#/components/schemas/CustomerDto"
    );
    assert_eq!(
        spec["components"]["schemas"]["Paginated_CustomerDto"]["properties"]["items"]["items"]["$ref"],
        "#/components/schemas/CustomerDto"
    );
    let text = spec.to_string();
    let unused: Vec<&String> =
        schemas.keys().filter(|name| !text.contains(&format!("\"#/components/schemas/{name}\""))).collect();
    assert!(unused.is_empty(), "unused components: {unused:?}");
}

/// Only formats OpenAPI and JSON Schema define, and files as binary strings.
#[test]
fn formats_are_standard_and_files_are_binary_strings() {
    let spec = spec();
    let known = ["int32", "int64", "double", "float", "uuid", "date", "date-time", "email", "binary", "uri"];
    fn formats(node: &Value, out: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(format)) = map.get("format") {
                    out.push(format.clone());
                }
                // Examples are data: a field named `format` there is not a schema's.
                map.iter().filter(|(key, _)| !key.starts_with("example")).for_each(|(_, v)| formats(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| formats(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    formats(&spec, &mut found);
    let odd: Vec<&String> = found.iter().filter(|f| !known.contains(&f.as_str())).collect();
    assert!(odd.is_empty(), "non-standard formats: {odd:?}");
    for (method, path, op) in operations(&spec) {
        for (media_type, body) in op["responses"]["200"]["content"].as_object().into_iter().flatten() {
            if media_type.starts_with("image/") || media_type.contains("spreadsheetml") || media_type == "text/csv" {
                assert_eq!(body["schema"]["type"], "string", "{method} {path} {media_type}");
                assert_eq!(body["schema"]["format"], "binary", "{method} {path} {media_type}");
                assert_eq!(body["schema"]["contentMediaType"], media_type.as_str(), "{method} {path}");
            }
        }
    }
}

/// The answers the server gives everywhere are in the spec with their headers, and error examples fit their status.
#[test]
fn standard_answers_headers_and_error_examples_are_documented() {
    let spec = spec();
    for (method, path, op) in operations(&spec) {
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("500"), "{method} {path}: 500");
        if !["/health", "/metrics"].contains(&path.as_str()) {
            assert!(responses.contains_key("503"), "{method} {path}: 503");
        }
        if op.get("requestBody").is_some() {
            assert!(responses.contains_key("413") && responses.contains_key("415"), "{method} {path}: 413/415");
        }
        for (status, response) in responses {
            assert!(response["headers"]["X-Request-Id"].is_object(), "{method} {path} {status}: X-Request-Id");
            let error_body =
                response["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorBody";
            if status == "429" || (status == "503" && error_body) {
                assert!(response["headers"]["Retry-After"].is_object(), "{method} {path} {status}: Retry-After");
            }
            if error_body {
                let example = &response["content"]["application/json"]["example"];
                let kind = if status.starts_with('5') { "error" } else { "fail" };
                assert_eq!(example["status"], kind, "{method} {path} {status}: example");
                if status != "400" {
                    assert_ne!(example["message"], "Validation failed", "{method} {path} {status}: example");
                }
            }
        }
    }
}
