//! The spec's constraints are the server's: for every JSON request body and every query parameter the spec bounds
//! (`minLength`, `maxLength`, `pattern`, `minimum`, `maximum`, `maxItems`), a value at the bound is accepted and one
//! just past it is refused with 422 naming the field. Read from the served spec, so a constraint added to either
//! side alone fails here. Before issue 21 the spec stated none of the server's limits, and string limits counted
//! bytes while the spec's count characters (a 120-character name with accents was refused).

use leadscore_tests::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Operations not probed, and why.
const SKIPPED: &[(&str, &str)] = &[
    // Needs the right current password for anything to be accepted; its bounds are the same rules as sign-up's.
    ("delete", "/api/v1/me"),
    ("put", "/api/v1/me/password"),
];

/// The real ids a probe's path needs, so a domain rule checked after the lookup answers 422 rather than 404.
struct Ids {
    customer: String,
    user: String,
    campaign: String,
    lead: String,
    prediction: String,
    dataset: String,
    analysis: String,
}

impl Ids {
    async fn create(app: &TestApp) -> Self {
        app.import_sample(30).await;
        let admin = &app.admin;
        let (_, customers) = app.call(Method::GET, "/api/v1/customers?limit=1", Some(&admin.token), None).await;
        let customer = customers["data"]["items"][0]["id"].as_str().unwrap().to_owned();
        let user = app.user("Sales").await.id;
        let campaign =
            app.created("/api/v1/campaigns", admin, json!({"name": "Probe", "targetLeads": 5, "criteria": {}})).await;
        let (status, run) =
            app.call(Method::POST, &format!("/api/v1/campaigns/{campaign}/run"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        let (_, leads) =
            app.call(Method::GET, &format!("/api/v1/campaigns/{campaign}/leads"), Some(&admin.token), None).await;
        let lead = leads["data"]["items"][0]["id"].as_str().unwrap().to_owned();
        let prediction = app.created("/api/v1/predictions", admin, json!({"customerId": customer})).await;
        // The collaborator of the campaign example, so a list of the most collaborators allowed can be accepted.
        let collaborator = json!({"email": "sales.one@bank.example", "password": "Sales-pass-123", "role": "Sales"});
        app.created("/api/v1/users", admin, collaborator).await;
        // Eleven customers, so every k the spec allows (up to 10) is fewer than the customers.
        let mut csv =
            String::from("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
        for i in 0..11 {
            csv.push_str(&format!(
                "5363{i:02},85123A,MUG,{},12/{}/2010 8:26,2.55,178{i:02},United Kingdom\n",
                i + 1,
                i + 1
            ));
        }
        let file = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("retail.csv").mime_str("text/csv");
        let form = reqwest::multipart::Form::new().part("file", file.unwrap());
        let request = app.authed(Method::POST, "/api/v1/segmentation/datasets", &admin.token).multipart(form);
        let (status, dataset) = app.send(request).await;
        assert_eq!(status, StatusCode::CREATED, "{dataset}");
        let dataset = dataset["data"]["id"].as_str().unwrap().to_owned();
        let analyses = format!("/api/v1/segmentation/datasets/{dataset}/analyses");
        let analysis = app.created(&analyses, admin, json!({"k": 3})).await;
        Self { customer, user, campaign, lead, prediction, dataset, analysis }
    }

    /// `path` with its parameters filled in, or None when a parameter is not one this test can fill.
    fn fill(&self, path: &str) -> Option<String> {
        let mut out = path.to_owned();
        let first = if path.starts_with("/api/v1/customers/") {
            &self.customer
        } else if path.starts_with("/api/v1/users/") {
            &self.user
        } else if path.starts_with("/api/v1/campaigns/") {
            &self.campaign
        } else if path.starts_with("/api/v1/predictions/") {
            &self.prediction
        } else if path.starts_with("/api/v1/segmentation/datasets/") {
            &self.dataset
        } else if path.starts_with("/api/v1/segmentation/analyses/") {
            &self.analysis
        } else {
            return (!path.contains('{')).then(|| path.to_owned());
        };
        out = out.replacen("{id}", first, 1).replace("{leadId}", &self.lead);
        (!out.contains('{')).then_some(out)
    }
}

/// The schema itself, or the one it refers to; for `T | null`, the `T`.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(name) = schema["$ref"].as_str() {
        return resolve(spec, &spec["components"]["schemas"][name.trim_start_matches("#/components/schemas/")]);
    }
    if let Some(variants) = schema["oneOf"].as_array()
        && let Some(non_null) = variants.iter().find(|v| v["type"] != "null")
    {
        return resolve(spec, non_null);
    }
    schema
}

fn has_type(schema: &Value, name: &str) -> bool {
    schema["type"] == name || schema["type"].as_array().is_some_and(|t| t.iter().any(|t| t == name))
}

/// A string of exactly `n` characters that satisfies the schema's pattern and format; non-ASCII where that is
/// allowed, so a limit counted in bytes shows.
fn text(schema: &Value, n: usize) -> String {
    let pattern = schema["pattern"].as_str().unwrap_or_default();
    if schema["format"] == "email" {
        // local@labels.example, labels of at most 63 characters as DNS wants.
        assert!(n >= 12, "no e-mail of {n} characters");
        let local = (n - 12).clamp(1, 64);
        let mut rest = n - local - 1 - ".example".len();
        let mut labels = Vec::new();
        while rest > 0 {
            let mut label = rest.min(63);
            if rest - label == 1 {
                label -= 1; // no room for a label after the dot
            }
            labels.push("b".repeat(label));
            rest -= label;
            rest = rest.saturating_sub(1);
        }
        return format!("{}@{}.example", "a".repeat(local), labels.join("."));
    }
    if pattern.starts_with("^[A-Za-z0-9._-]") {
        return "a".repeat(n);
    }
    if pattern.starts_with("^[0-9 +().-]") {
        return "1".repeat(n);
    }
    if pattern.contains("[A-Za-z])(?=") {
        // A password: counted in bytes by bcrypt, so ASCII.
        return format!("a1{}", "b".repeat(n.saturating_sub(2)));
    }
    "é".repeat(n)
}

/// A value the pattern refuses, of an allowed length.
fn against_pattern(schema: &Value) -> Option<String> {
    let pattern = schema["pattern"].as_str()?;
    Some(
        match pattern {
            "\\S" => "   ",
            p if p.starts_with("^[A-Za-z0-9._-]") => "a b c",
            p if p.starts_with("^[0-9 +().-]") => "call me",
            p if p.contains("[A-Za-z])(?=") => "onlyletters",
            p if p.contains("\\u0000-\\u001F") => "a\u{1}b",
            other => panic!("no value known to break pattern {other}"),
        }
        .to_owned(),
    )
}

/// Values at the schema's bounds (`true`: accepted) and just past them (`false`: refused).
fn probes(schema: &Value, example_item: Option<&Value>) -> Vec<(Value, bool)> {
    let mut out = Vec::new();
    if has_type(schema, "string")
        && schema["enum"].is_null()
        && (schema["format"].is_null() || schema["format"] == "email")
    {
        let min = schema["minLength"].as_u64().map(|m| m as usize);
        let max = schema["maxLength"].as_u64().map(|m| m as usize);
        if let Some(max) = max {
            out.push((json!(text(schema, max)), true));
            out.push((json!(text(schema, max + 1)), false));
        }
        if let Some(min) = min.filter(|m| *m > 0) {
            out.push((json!(text(schema, min)), true));
            out.push((json!(text(schema, min - 1)), false));
        }
        if let Some(bad) = against_pattern(schema) {
            out.push((json!(bad), false));
        }
    }
    let integer = has_type(schema, "integer");
    if integer || has_type(schema, "number") {
        let step = if integer { 1.0 } else { 0.5 };
        let number = |x: f64| if integer { json!(x as i64) } else { json!(x) };
        if let Some(min) = schema["minimum"].as_f64() {
            out.push((number(min), true));
            out.push((number(min - step), false));
        }
        if let Some(max) = schema["maximum"].as_f64() {
            out.push((number(max), true));
            out.push((number(max + step), false));
        }
    }
    if let (true, Some(max), Some(item)) = (has_type(schema, "array"), schema["maxItems"].as_u64(), example_item) {
        out.push((Value::Array(vec![item.clone(); max as usize]), true));
        out.push((Value::Array(vec![item.clone(); max as usize + 1]), false));
    }
    out
}

/// Whether a 4xx answer blames `field` (camelCase; nested fields end with it).
fn blames(body: &Value, field: &str) -> bool {
    body["errors"].as_array().is_some_and(|errors| {
        errors.iter().any(|e| {
            let name = e["field"].as_str().unwrap_or_default();
            name == field || name.ends_with(&format!(".{field}")) || name.starts_with(&format!("{field}["))
        })
    })
}

struct Probe<'a> {
    app: &'a TestApp,
    token: String,
    failures: Vec<String>,
    probed: usize,
}

impl Probe<'_> {
    fn judge(&mut self, what: String, field: &str, accepted: bool, status: StatusCode, body: &Value) {
        self.probed += 1;
        let refused = matches!(status, StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY);
        let ok = if accepted { !(refused && (blames(body, field) || body["errors"].is_null())) } else { refused };
        if !ok {
            let expected = if accepted { "accepted" } else { "refused with 400/422" };
            self.failures.push(format!("{what}: expected {expected}, got {status} {body}"));
        }
    }

    /// Probes every bounded property of a JSON body, descending into nested objects.
    async fn body(&mut self, spec: &Value, method: &Method, path: &str, base: &Value, at: &[String], schema: &Value) {
        let Some(properties) = schema["properties"].as_object() else { return };
        for (name, property) in properties {
            let property = resolve(spec, property);
            let mut here = at.to_vec();
            here.push(name.clone());
            if property["properties"].is_object() {
                let mut nested = base.clone();
                let inner = pointer(&nested, &here).cloned().filter(Value::is_object);
                let inner = inner.or_else(|| property.get("example").cloned()).unwrap_or_else(|| json!({}));
                set(&mut nested, &here, inner);
                Box::pin(self.body(spec, method, path, &nested, &here, property)).await;
                continue;
            }
            let example_item = pointer(base, &here).and_then(|v| v.as_array()).and_then(|a| a.first()).cloned();
            for (value, accepted) in probes(property, example_item.as_ref()) {
                let mut body = base.clone();
                set(&mut body, &here, value.clone());
                // `xMin` ≤ `xMax` is a rule between fields: probe one bound without the other.
                if let Some(other) = counterpart(name) {
                    let mut sibling = here.clone();
                    *sibling.last_mut().unwrap() = other;
                    remove(&mut body, &sibling);
                }
                let request = self.app.authed(method.clone(), path, &self.token).json(&body);
                let (status, answer) = self.app.send(request).await;
                let shown = value.to_string().chars().take(40).collect::<String>();
                self.judge(format!("{method} {path} {} = {shown}", here.join(".")), name, accepted, status, &answer);
            }
        }
    }
}

/// The other bound of a `…Min`/`…Max` pair.
fn counterpart(name: &str) -> Option<String> {
    name.strip_suffix("Min")
        .map(|base| format!("{base}Max"))
        .or_else(|| name.strip_suffix("Max").map(|base| format!("{base}Min")))
}

fn remove(value: &mut Value, at: &[String]) {
    let mut target = value;
    for key in &at[..at.len() - 1] {
        target = &mut target[key];
    }
    if let Some(object) = target.as_object_mut() {
        object.remove(&at[at.len() - 1]);
    }
}

fn pointer<'a>(value: &'a Value, at: &[String]) -> Option<&'a Value> {
    at.iter().try_fold(value, |v, key| v.get(key))
}

fn set(value: &mut Value, at: &[String], new: Value) {
    let mut target = value;
    for key in &at[..at.len() - 1] {
        target = &mut target[key];
    }
    target[&at[at.len() - 1]] = new;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bound_in_the_spec_is_the_one_the_server_enforces() {
    let app = TestApp::spawn_with(|c| {
        c.login_max_failures = 10_000;
        c.login_max_failures_per_ip = 10_000;
        c.signup_max_per_ip = 10_000;
    })
    .await;
    let ids = Ids::create(&app).await;
    let (_, spec) = app.call(Method::GET, "/api-docs/openapi.json", None, None).await;
    let mut probe = Probe { app: &app, token: app.admin.token.clone(), failures: Vec::new(), probed: 0 };
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if SKIPPED.contains(&(method.as_str(), path.as_str())) {
                continue;
            }
            let Some(url) = ids.fill(path) else { continue };
            let method: Method = method.to_uppercase().parse().unwrap();
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            if !body.is_null() {
                let schema = resolve(&spec, body);
                let example = schema.get("example").cloned().unwrap_or_else(|| json!({}));
                probe.body(&spec, &method, &url, &example, &[], schema).await;
            }
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] != "query" {
                    continue;
                }
                let name = parameter["name"].as_str().unwrap();
                let schema = resolve(&spec, &parameter["schema"]);
                let item = schema["items"].get("example").or_else(|| schema["items"]["enum"].get(0)).cloned();
                for (value, accepted) in probes(schema, item.as_ref()) {
                    let pairs: Vec<(String, String)> = match &value {
                        Value::Array(items) => items.iter().map(|v| (name.to_owned(), plain(v))).collect(),
                        v => vec![(name.to_owned(), plain(v))],
                    };
                    let request = app.authed(method.clone(), &url, &app.admin.token).query(&pairs);
                    let (status, answer) = app.send(request).await;
                    let shown = value.to_string().chars().take(40).collect::<String>();
                    probe.judge(format!("{method} {path} ?{name}={shown}"), name, accepted, status, &answer);
                }
            }
        }
    }
    assert!(probe.probed > 150, "only {} probes: the spec lost its constraints?", probe.probed);
    assert!(
        probe.failures.is_empty(),
        "{} of {} probes disagree:\n{}",
        probe.failures.len(),
        probe.probed,
        probe.failures.join("\n")
    );
}

fn plain(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}
