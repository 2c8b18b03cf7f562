//! Importing a customer file: the one use case the API and the shell both call — role check, reading the file off
//! the async executor, optional scoring, and the one-transaction write.

use std::sync::Arc;
use std::time::Instant;

use leadscore_domain::customers::CustomerDraft;
use leadscore_domain::users::Role;

use crate::customers::{CustomerService, ImportOptions, ImportProgress, ImportReport};
use crate::scoring::{ImportScoring, ScoringService};
use crate::system::on_compute_pool;
use crate::{AppError, Caller};

/// What an import does.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportRequest {
    /// Conflict handling, strictness, dry run.
    pub options: ImportOptions,
    /// Score the rows with the current model before writing them.
    pub score: bool,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// Counts and row errors.
    pub report: ImportReport,
    /// Rows scored and the model that scored them, when asked.
    pub scoring: Option<ImportScoring>,
}

/// The import use case over the customer base and the scorer.
#[derive(Clone)]
pub struct ImportService {
    customers: CustomerService,
    scoring: Arc<ScoringService>,
}

impl ImportService {
    /// Wires the use case to the services it composes.
    pub fn new(customers: CustomerService, scoring: Arc<ScoringService>) -> Self {
        Self { customers, scoring }
    }

    /// Refuses (403) a caller who may not import, so an adapter can answer before it reads a large upload.
    pub fn authorize(&self, caller: &Caller) -> Result<(), AppError> {
        caller.require(&[Role::Admin, Role::Manager])
    }

    /// Imports a file (Admin, Manager; the shell's operator is an Admin). `adjust` may change each draft before
    /// validation (the demo seeder fills in generated contact details); `progress` hears rows written.
    pub async fn import(
        &self,
        caller: &Caller,
        bytes: Vec<u8>,
        request: ImportRequest,
        adjust: impl FnMut(u64, &mut CustomerDraft) + Send + 'static,
        progress: Option<ImportProgress>,
    ) -> Result<ImportOutcome, AppError> {
        self.authorize(caller)?;
        let started = Instant::now();
        let customers = self.customers.clone();
        let mut parsed = on_compute_pool(move || customers.parse_file(&bytes, adjust)).await??;
        let scoring = if request.score {
            let rows = parsed.valid.iter_mut().map(|(_, row)| row);
            Some(self.scoring.score_new_customers(caller, rows).await?)
        } else {
            None
        };
        let report = self.customers.import_parsed(caller, parsed, request.options, progress, started).await?;
        Ok(ImportOutcome { report, scoring })
    }
}
