//! Options and report of a customer file import.

use garde::Validate;
use leadscore_application::customers::ImportReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto::scoring::ImportScoringDto;
use crate::error::ErrorItem;

/// How an import treats invalid rows.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportModeParam {
    /// Any invalid row rejects the whole file; nothing is written (default).
    #[default]
    Strict,
    /// Valid rows are imported, invalid rows reported.
    Skip,
}

/// What to do with rows matching an existing customer (by externalId, then email).
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnConflictParam {
    /// Leave the existing customer as it is (default).
    #[default]
    Skip,
    /// Overwrite its attributes.
    Update,
}

/// Options of an import.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `strict` (default) or `skip`.
    #[garde(skip)]
    pub mode: Option<ImportModeParam>,
    /// `skip` (default) or `update`.
    #[garde(skip)]
    pub on_conflict: Option<OnConflictParam>,
    /// Validate and report without writing.
    #[garde(skip)]
    pub dry_run: Option<bool>,
    /// Score every valid row with the model in service before writing it (one batch).
    #[garde(skip)]
    pub score: Option<bool>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"totalRows": 45211, "created": 45211, "updated": 0, "skipped": 0, "rejected": 0,
    "dryRun": false, "durationMs": 1312, "errors": [], "totalErrors": 0, "unknownColumns": []}))]
pub struct ImportReportDto {
    /// Data rows in the file.
    pub total_rows: u64,
    /// Customers created.
    pub created: u64,
    /// Customers updated.
    pub updated: u64,
    /// Matching customers left alone.
    pub skipped: u64,
    /// Invalid rows not imported (mode=skip).
    pub rejected: u64,
    /// Nothing was written.
    pub dry_run: bool,
    /// Wall time.
    pub duration_ms: u64,
    /// The first 100 row errors.
    pub errors: Vec<ErrorItem>,
    /// Every row error found.
    pub total_errors: u64,
    /// Columns that were not recognised (and ignored).
    pub unknown_columns: Vec<String>,
    /// Scoring done before writing (only with `score=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ImportScoringDto>,
}

impl From<ImportReport> for ImportReportDto {
    fn from(r: ImportReport) -> Self {
        Self {
            total_rows: r.total_rows,
            created: r.created,
            updated: r.updated,
            skipped: r.skipped,
            rejected: r.rejected,
            dry_run: r.dry_run,
            duration_ms: r.duration_ms,
            errors: r
                .errors
                .into_iter()
                .map(|e| ErrorItem { row: Some(e.row), field: e.field, message: e.message })
                .collect(),
            total_errors: r.total_errors,
            unknown_columns: r.unknown_columns,
            scoring: None,
        }
    }
}
