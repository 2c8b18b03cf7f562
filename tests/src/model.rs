//! The bundled model, and copies of it for tests that change or reload it.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The bundled model directory (card, network, parity fixtures, sample data).
pub const BUNDLED_MODEL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../model");

/// `BUNDLED_MODEL_DIR` as a path.
pub fn bundled_model_dir() -> PathBuf {
    PathBuf::from(BUNDLED_MODEL_DIR)
}

/// The bundled parity fixtures: records with the probabilities onnxruntime gave them, and the model version.
pub fn parity() -> Value {
    let bytes = std::fs::read(bundled_model_dir().join("fixtures/parity.json")).expect("read the parity fixtures");
    serde_json::from_slice(&bytes).expect("parity JSON")
}

/// Writes the bundled model (card, network, parity fixtures) into `dir`; with `version`, the card and fixtures say
/// that version instead, which makes a different but valid model (another fingerprint, same network).
pub fn write_model_copy(dir: &Path, version: Option<&str>) {
    std::fs::create_dir_all(dir.join("fixtures")).expect("model dir");
    for file in ["model.onnx", "model.json", "fixtures/parity.json"] {
        std::fs::copy(bundled_model_dir().join(file), dir.join(file)).expect("copy model file");
    }
    let Some(version) = version else { return };
    for file in ["model.json", "fixtures/parity.json"] {
        let path = dir.join(file);
        let mut doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("model JSON");
        doc["modelVersion"] = serde_json::json!(version);
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).expect("serialise")).expect("write");
    }
}
