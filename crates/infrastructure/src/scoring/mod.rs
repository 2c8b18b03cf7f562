//! The scoring model behind the application's `ScoringModel` and `ModelLoader` ports: the ONNX network run
//! in-process by tract, and a loader that refuses a model directory unless its card, its network and its parity
//! fixtures agree.
//!
//! A model directory holds `model.json` (the card), `model.onnx` (the network) and `fixtures/parity.json` (records
//! with the probabilities the training side computed), all written together by `model/train.py`.

mod loader;
mod onnx;
mod parity;

pub use loader::{OnnxModelLoader, load_model};
pub use onnx::OnnxModel;
