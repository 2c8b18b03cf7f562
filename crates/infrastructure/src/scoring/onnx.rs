//! The network, compiled once by tract and shared by every request.

use std::sync::Arc;

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::scoring::ScoringModel;
use leadscore_domain::scoring::ModelCard;
use tract_onnx::prelude::*;

/// Batches up to this many rows run on the calling task; larger ones go to tokio's blocking pool. 256 rows hold an
/// executor thread about as long as the hand-off to the pool costs many times over for small batches: a single
/// prediction with its explanation rows (15 rows) must not pay the hand-off, and a bigger threshold would stall every
/// other request on that worker, of which a 2-core host has two. Figures: docs/benchmarks.md, "Scoring model (tract)".
const INLINE_MAX_ROWS: usize = 256;

/// Large batches go through the network this many rows at a time. The hidden layers of a 512-row chunk take
/// 256 KB and 128 KB; with glibc's malloc, chunks of 1,024 rows or more make it map and unmap (and page-fault
/// through) fresh memory on every chunk until some larger buffer has been freed in the process, which more than
/// doubles the time of a large batch. 128–512-row chunks are the fastest in either state and the per-run overhead is
/// small; one tensor for a whole batch is slower (and needs tens of MB of intermediates). Figures:
/// docs/benchmarks.md, "How large batches are run".
const CHUNK_ROWS: usize = 512;

/// The optimised plan: `run` takes `&self`, so one `Arc` serves concurrent requests.
pub(crate) type Plan = Arc<TypedRunnableModel>;

/// What the card says the graph's input and output are called (`onnx.inputName`, `onnx.outputName`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GraphNames<'a> {
    /// Expected name of the only input.
    pub input: Option<&'a str>,
    /// Expected name of the only output.
    pub output: Option<&'a str>,
}

/// Parses and optimises an ONNX network for a batch of any size and `n_columns` float inputs, checking that its
/// interface is the card's: one float input `[N, n_columns]`, one float output `[N, 1]`. The error says what
/// does not fit, for a person.
pub(crate) fn compile(onnx: &[u8], n_columns: usize, names: GraphNames<'_>) -> Result<Plan, String> {
    let model = tract_onnx::onnx()
        .model_for_read(&mut &onnx[..])
        .map_err(|e| format!("tract cannot read it as an ONNX model: {e:#}"))?;
    let inputs = model.input_outlets().map_err(|e| format!("{e:#}"))?;
    let outputs = model.output_outlets().map_err(|e| format!("{e:#}"))?;
    let ([input], [output]) = (inputs, outputs) else {
        return Err(format!(
            "has {} inputs and {} outputs; the scorer needs exactly 1 of each",
            inputs.len(),
            outputs.len()
        ));
    };
    let input_name = model.node(input.node).name.as_str();
    if let Some(expected) = names.input.filter(|expected| *expected != input_name) {
        return Err(format!("its input is named '{input_name}', but model.json onnx.inputName says '{expected}'"));
    }
    let output_name = model.outlet_label(*output).unwrap_or(model.node(output.node).name.as_str());
    if let Some(expected) = names.output.filter(|expected| *expected != output_name) {
        return Err(format!("its output is named '{output_name}', but model.json onnx.outputName says '{expected}'"));
    }
    // The declared width gives the clearest message; when the file leaves it symbolic, optimising with the card's
    // width below still refuses a network whose weights do not fit.
    if let Some(declared) = model.input_fact(0).ok().and_then(|fact| fact.to_typed_fact().ok()) {
        let dims = declared.shape.dims();
        if dims.len() != 2 {
            return Err(format!("its input has rank {}; the scorer needs [N, {n_columns}]", dims.len()));
        }
        if let Some(width) = dims[1].as_i64()
            && usize::try_from(width).ok() != Some(n_columns)
        {
            return Err(format!("its input has {width} columns, but model.json nColumns is {n_columns}"));
        }
    }
    let batch = model.symbols.sym("N");
    let typed = model
        .with_input_fact(0, f32::fact([batch.to_dim(), n_columns.to_dim()]).into())
        .and_then(|m| m.into_optimized())
        .map_err(|e| format!("tract cannot compile it for input [N, {n_columns}] (model.json nColumns): {e:#}"))?;
    let fact = typed.output_fact(0).map_err(|e| format!("{e:#}"))?;
    let dims = fact.shape.dims();
    if fact.datum_type != f32::datum_type() || dims.len() != 2 || dims[1] != 1.to_dim() {
        return Err(format!("its output is {fact:?}; the scorer needs float32 [N, 1] probabilities"));
    }
    typed.into_runnable().map_err(|e| format!("tract cannot build a plan for it: {e:#}"))
}

/// A model ready to score: the validated card, the card document as published, and the compiled network.
#[derive(Debug, Clone)]
pub struct OnnxModel {
    card: ModelCard,
    document: serde_json::Value,
    fingerprint: String,
    plan: Plan,
    chunk_rows: usize,
}

impl OnnxModel {
    /// Puts together parts the loader has already checked against each other.
    pub(crate) fn new(card: ModelCard, document: serde_json::Value, fingerprint: String, plan: Plan) -> Self {
        Self { card, document, fingerprint, plan, chunk_rows: CHUNK_ROWS }
    }

    /// The same model running large batches `rows` rows at a time (default 512; at least 1). For benchmarks and
    /// tuning: `usize::MAX` runs every batch as one tensor.
    pub fn with_chunk_rows(mut self, rows: usize) -> Self {
        self.chunk_rows = rows.max(1);
        self
    }

    /// Probabilities for `rows` encoded rows, computed on the calling thread. Blocks the thread for the whole
    /// batch: async code should call `predict`, which moves large batches off the executor.
    pub fn predict_blocking(&self, input: &[f32], rows: usize) -> Result<Vec<f64>, AppError> {
        run(&self.plan, input, rows, self.card.n_columns, self.chunk_rows)
    }
}

fn internal(what: &str, err: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("scoring model: {what}: {err:#}"))
}

fn run(plan: &Plan, input: &[f32], rows: usize, width: usize, chunk_rows: usize) -> Result<Vec<f64>, AppError> {
    if rows.checked_mul(width) != Some(input.len()) {
        return Err(AppError::Internal(format!(
            "scoring model: {} input values for {rows} rows of {width} columns",
            input.len()
        )));
    }
    let mut probabilities = Vec::with_capacity(rows);
    if rows == 0 {
        return Ok(probabilities);
    }
    // One state for all chunks: each new state allocates its per-node bookkeeping again.
    let mut state = plan.spawn().map_err(|e| internal("starting a run", e))?;
    for chunk in input.chunks(chunk_rows.saturating_mul(width)) {
        let n = chunk.len() / width;
        // tract keeps tensors in SIMD-aligned memory, so it copies any Vec it is given (even through
        // `Array2::from_shape_vec`); copying the slice straight in is that same single copy.
        let tensor = Tensor::from_shape(&[n, width], chunk).map_err(|e| internal("building the input", e))?;
        let outputs = state.run(tvec!(tensor.into_tvalue())).map_err(|e| internal("running the network", e))?;
        let output = outputs.first().ok_or_else(|| AppError::Internal("scoring model: no output".into()))?;
        let view = output.to_plain_array_view::<f32>().map_err(|e| internal("reading the output", e))?;
        if view.len() != n {
            return Err(AppError::Internal(format!(
                "scoring model: {} outputs for {n} rows (shape {:?})",
                view.len(),
                view.shape()
            )));
        }
        for &p in view.iter() {
            let p = f64::from(p);
            if !(0.0..=1.0).contains(&p) {
                return Err(AppError::Internal(format!("scoring model: probability {p} outside [0, 1]")));
            }
            probabilities.push(p);
        }
    }
    Ok(probabilities)
}

#[async_trait]
impl ScoringModel for OnnxModel {
    fn card(&self) -> &ModelCard {
        &self.card
    }

    fn document(&self) -> &serde_json::Value {
        &self.document
    }

    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    async fn predict(&self, input: Vec<f32>, rows: usize) -> Result<Vec<f64>, AppError> {
        let (width, chunk_rows) = (self.card.n_columns, self.chunk_rows);
        if rows <= INLINE_MAX_ROWS {
            return run(&self.plan, &input, rows, width, chunk_rows);
        }
        let plan = Arc::clone(&self.plan);
        tokio::task::spawn_blocking(move || run(&plan, &input, rows, width, chunk_rows))
            .await
            .map_err(|e| internal("scoring task failed", e))?
    }
}
