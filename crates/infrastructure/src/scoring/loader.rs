//! Loading a model directory, refusing it unless the card, the network and the parity fixtures agree.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::scoring::{ModelLoader, ScoringModel};
use leadscore_domain::DomainError;
use leadscore_domain::scoring::ModelCard;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::onnx::{GraphNames, OnnxModel, compile};
use super::parity::ParityFixtures;

const CARD_FILE: &str = "model.json";
const ONNX_FILE: &str = "model.onnx";
const FIXTURES_FILE: &str = "fixtures/parity.json";

/// Why a model directory was refused: the file at fault and what is wrong with it, for the person who has to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
struct Refused {
    path: PathBuf,
    problem: String,
}

impl Refused {
    fn new(path: &Path, problem: impl Into<String>) -> Self {
        Self { path: path.to_owned(), problem: problem.into() }
    }
}

impl From<Refused> for AppError {
    fn from(refused: Refused) -> Self {
        AppError::Unprocessable { message: refused.to_string(), errors: vec![], total_errors: 0 }
    }
}

/// The card's `onnx` section, the keys the loader checks the network against.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OnnxSection {
    sha256: String,
    #[serde(default)]
    input_name: Option<String>,
    #[serde(default)]
    output_name: Option<String>,
}

/// `ModelLoader` over a directory holding `model.json`, `model.onnx` and `fixtures/parity.json`.
#[derive(Debug, Clone)]
pub struct OnnxModelLoader {
    dir: PathBuf,
}

impl OnnxModelLoader {
    /// A loader of the model in `dir` (nothing is read until `load`).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The model directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The whole load and every check, on the calling thread: it reads files and compiles the network (milliseconds
    /// of blocking work), so async code uses `ModelLoader::load` or `load_model`, which run it on the blocking pool.
    pub fn load_blocking(&self) -> Result<OnnxModel, AppError> {
        load_dir(&self.dir).map_err(AppError::from)
    }
}

/// Loads and checks the model in `dir`, off the async executor: what the server calls at start-up, and what
/// `ModelLoader::load` does.
pub async fn load_model(dir: impl Into<PathBuf>) -> Result<Arc<OnnxModel>, AppError> {
    let dir = dir.into();
    let model = tokio::task::spawn_blocking(move || load_dir(&dir))
        .await
        .map_err(|e| AppError::Internal(format!("model loading task failed: {e}")))??;
    Ok(Arc::new(model))
}

#[async_trait]
impl ModelLoader for OnnxModelLoader {
    fn location(&self) -> String {
        self.dir.display().to_string()
    }

    async fn load(&self) -> Result<Arc<dyn ScoringModel>, AppError> {
        let model: Arc<dyn ScoringModel> = load_model(self.dir.clone()).await?;
        Ok(model)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Refused> {
    std::fs::read(path).map_err(|e| Refused::new(path, format!("cannot read it: {e}")))
}

fn card_problems(err: DomainError) -> String {
    match err {
        DomainError::Invalid(fields) => {
            fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
        }
        DomainError::InvalidTransition(message) => message,
    }
}

/// Every check, in the order a person would fix them: the card alone, the network against the card, then the
/// fixtures against both. Stops at the first problem.
fn load_dir(dir: &Path) -> Result<OnnxModel, Refused> {
    let card_path = dir.join(CARD_FILE);
    let onnx_path = dir.join(ONNX_FILE);
    let fixtures_path = dir.join(FIXTURES_FILE);

    let card_bytes = read(&card_path)?;
    // The card pins the network by its sha256 (checked below), so the card file's own digest identifies both.
    let fingerprint = format!("sha256:{}", hex::encode(Sha256::digest(&card_bytes)));
    let document: serde_json::Value =
        serde_json::from_slice(&card_bytes).map_err(|e| Refused::new(&card_path, format!("is not valid JSON: {e}")))?;
    let card = ModelCard::deserialize(&document)
        .map_err(|e| Refused::new(&card_path, format!("is not a usable model card: {e}")))?;
    let onnx_section = document
        .get("onnx")
        .ok_or_else(|| Refused::new(&card_path, "is not a usable model card: missing field `onnx`"))
        .and_then(|section| {
            OnnxSection::deserialize(section)
                .map_err(|e| Refused::new(&card_path, format!("is not a usable model card: onnx: {e}")))
        })?;
    card.validate().map_err(|e| Refused::new(&card_path, format!("is inconsistent: {}", card_problems(e))))?;

    let onnx = read(&onnx_path)?;
    let sha256 = hex::encode(Sha256::digest(&onnx));
    if !sha256.eq_ignore_ascii_case(&onnx_section.sha256) {
        return Err(Refused::new(
            &onnx_path,
            format!(
                "has sha256 {sha256}, but {CARD_FILE} onnx.sha256 is {}: the network is not the one the card describes",
                onnx_section.sha256
            ),
        ));
    }
    let names = GraphNames { input: onnx_section.input_name.as_deref(), output: onnx_section.output_name.as_deref() };
    let plan = compile(&onnx, card.n_columns, names)
        .map_err(|problem| Refused::new(&onnx_path, format!("cannot be used as the scoring network: {problem}")))?;
    let model = OnnxModel::new(card, document, fingerprint, plan);

    let fixtures = ParityFixtures::parse(&read(&fixtures_path)?).map_err(|e| Refused::new(&fixtures_path, e))?;
    fixtures.check(&model, &sha256).map_err(|e| Refused::new(&fixtures_path, e))?;
    Ok(model)
}
