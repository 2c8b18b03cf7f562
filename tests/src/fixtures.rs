//! Test data the suites share: the bundled UCI sample, request bodies and upload forms. One home, so a change to the
//! import format or to the create-customer body is made once.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::model::parity;

/// The header of the bank's files: `;`-separated and quoted, as UCI publishes them.
pub const UCI_HEADER: &str = "\"age\";\"job\";\"marital\";\"education\";\"default\";\"balance\";\"housing\";\"loan\";\"contact\";\"day\";\"month\";\"duration\";\"campaign\";\"pdays\";\"previous\";\"poutcome\";\"y\"";

/// `UCI_HEADER` and two valid rows of bank-full.csv.
pub const SAMPLE_CSV: &[u8] = b"\"age\";\"job\";\"marital\";\"education\";\"default\";\"balance\";\"housing\";\"loan\";\"contact\";\"day\";\"month\";\"duration\";\"campaign\";\"pdays\";\"previous\";\"poutcome\";\"y\"\n58;\"management\";\"married\";\"tertiary\";\"no\";2143;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"\n44;\"technician\";\"single\";\"secondary\";\"no\";29;\"yes\";\"no\";\"unknown\";5;\"may\";151;1;-1;0;\"unknown\";\"no\"\n";

/// The smallest valid PNG (1×1, transparent).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Path of the bundled UCI sample: 4,521 customers with their outcome (521 `yes`), header first.
pub const BANK_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/data/bank.csv");

/// The text of `BANK_SAMPLE`.
pub fn bank_sample() -> String {
    std::fs::read_to_string(BANK_SAMPLE).expect("read the bundled sample")
}

/// The header and the first `rows` customers of the bundled sample, as an import file.
pub fn bank_rows(rows: usize) -> Vec<u8> {
    let mut out = bank_sample().lines().take(rows + 1).collect::<Vec<_>>().join("\n");
    out.push('\n');
    out.into_bytes()
}

/// A valid create-customer body; `unique` keeps `externalId` and `email` distinct.
pub fn customer_json(unique: &str) -> Value {
    json!({
        "externalId": format!("CIF-{unique}"), "name": "Ana Silva", "email": format!("ana.{unique}@example.com"),
        "phone": "+351 912 345 678", "city": "Lisboa", "age": 41, "job": "admin.", "marital": "married",
        "education": "tertiary", "default": false, "balance": 1500, "housing": true, "loan": false, "contact": "cellular",
        "day": 12, "month": "jun", "campaign": 2, "pdays": -1, "previous": 0, "poutcome": "unknown"
    })
}

/// A valid `features` body: the input of the first parity record, whose score onnxruntime fixed.
pub fn sample_features() -> Value {
    parity()["records"][0]["input"].clone()
}

/// A multipart body with one `file` part; `mime: None` sends the part without a content type.
pub fn file_form(bytes: impl Into<Vec<u8>>, name: &str, mime: Option<&str>) -> Form {
    let part = Part::bytes(bytes.into()).file_name(name.to_owned());
    let part = match mime {
        Some(mime) => part.mime_str(mime).expect("a valid media type"),
        None => part,
    };
    Form::new().part("file", part)
}

/// `bytes` as a customer import file (`customers.csv`, `text/csv`).
pub fn csv_form(bytes: &[u8]) -> Form {
    file_form(bytes, "customers.csv", Some("text/csv"))
}

/// `PNG` as an image upload (`me.png`, `image/png`).
pub fn png_form() -> Form {
    file_form(PNG, "me.png", Some("image/png"))
}
