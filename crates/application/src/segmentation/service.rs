//! Segmentation use cases: upload a transaction file, run RFM analyses on it, read and export the results.
//!
//! Every dataset and analysis belongs to the user who uploaded the file; anyone else but an Admin is told it does
//! not exist (404), so its existence is not revealed. Any signed-in role may use segmentation.

use std::sync::Arc;

use chrono::NaiveDate;
use leadscore_domain::activity::{ActivityAction, EntityType};
use leadscore_domain::pagination::{Page, SortDir};
use leadscore_domain::segmentation::{Analysis, ClusterCount, Dataset, SegmentedCustomer};
use uuid::Uuid;

use super::clustering::KMeansSettings;
use super::export::{customers_sheet, segments_sheet};
use super::parsed::{ParsedTransactions, read_transactions};
use super::pipeline::analyse;
use super::{CustomerResultFilter, CustomerResultQuery, CustomerResultSort, DatasetQuery, SegmentationRepository};
use crate::activities::{ActivityLog, NewActivity};
use crate::exports::{ExportFile, ExportFormat, TableWriter};
use crate::files::{FileLimits, TransactionReader};
use crate::media::FileStorage;
use crate::system::{Clock, on_compute_pool};
use crate::{AppError, Caller};

/// Where a user's uploaded transaction files are stored: one folder per owner, removed with the account.
pub fn dataset_folder(owner: Uuid) -> String {
    format!("datasets/{owner}")
}

/// Limits and k-means settings of the service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentationSettings {
    /// Largest transaction file accepted.
    pub max_dataset_bytes: usize,
    /// How k-means runs.
    pub kmeans: KMeansSettings,
    /// What a file may expand to.
    pub files: FileLimits,
}

impl SegmentationSettings {
    /// Largest file accepted by default: 100 MB.
    pub const DEFAULT_MAX_DATASET_BYTES: usize = 100 * 1024 * 1024;
}

impl Default for SegmentationSettings {
    fn default() -> Self {
        Self {
            max_dataset_bytes: Self::DEFAULT_MAX_DATASET_BYTES,
            kmeans: KMeansSettings::default(),
            files: FileLimits::default(),
        }
    }
}

/// What to analyse: k and the snapshot date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalysisRequest {
    /// Number of segments, or automatic.
    pub k: ClusterCount,
    /// Recency is counted up to this date (default: the day after the last invoice).
    pub snapshot_date: Option<NaiveDate>,
}

impl Default for AnalysisRequest {
    fn default() -> Self {
        Self { k: ClusterCount::DEFAULT, snapshot_date: None }
    }
}

/// Which customers of an analysis to list or export: segments by name and/or cluster number, and a search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerSelection {
    /// Only these segments (any of them), by name.
    pub segments: Vec<String>,
    /// Only these clusters (any of them).
    pub clusters: Vec<u8>,
    /// Case-insensitive substring of the customer id.
    pub q: Option<String>,
}

/// A dataset with its analyses, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetDetail {
    pub dataset: Dataset,
    pub analyses: Vec<Analysis>,
}

/// Datasets, analyses, results and exports.
#[derive(Clone)]
pub struct SegmentationService {
    repo: Arc<dyn SegmentationRepository>,
    storage: Arc<dyn FileStorage>,
    reader: Arc<dyn TransactionReader>,
    writer: Arc<dyn TableWriter>,
    clock: Arc<dyn Clock>,
    activities: ActivityLog,
    settings: SegmentationSettings,
}

impl SegmentationService {
    /// Wires the service to its ports.
    pub fn new(
        repo: Arc<dyn SegmentationRepository>,
        storage: Arc<dyn FileStorage>,
        reader: Arc<dyn TransactionReader>,
        writer: Arc<dyn TableWriter>,
        clock: Arc<dyn Clock>,
        activities: ActivityLog,
        settings: SegmentationSettings,
    ) -> Self {
        Self { repo, storage, reader, writer, clock, activities, settings }
    }

    /// Largest transaction file accepted.
    pub fn max_dataset_bytes(&self) -> usize {
        self.settings.max_dataset_bytes
    }

    /// Reads, checks and stores an uploaded transaction file. Nothing is stored when the file is refused.
    pub async fn upload(&self, caller: &Caller, bytes: Vec<u8>) -> Result<Dataset, AppError> {
        if bytes.len() > self.settings.max_dataset_bytes {
            return Err(AppError::PayloadTooLarge(format!(
                "file is larger than {} bytes",
                self.settings.max_dataset_bytes
            )));
        }
        self.reader.sniff(&bytes)?;
        let (files, reader) = (self.settings.files, self.reader.clone());
        let (bytes, parsed) = on_compute_pool(move || {
            let parsed = read_transactions(reader.as_ref(), &bytes, &files);
            (bytes, parsed)
        })
        .await?;
        let parsed = parsed?;
        let id = Uuid::now_v7();
        let storage_key = format!("{}/{id}.{}", dataset_folder(caller.id), parsed.format.as_str());
        let dataset = Dataset {
            id,
            owner_id: caller.id,
            format: parsed.format,
            size_bytes: bytes.len() as u64,
            storage_key: storage_key.clone(),
            profile: parsed.profile,
            created_at: self.clock.now(),
        };
        self.storage.put(&storage_key, bytes).await?;
        if let Err(err) = self.repo.insert_dataset(&dataset).await {
            self.remove_file(&storage_key).await;
            return Err(err);
        }
        let profile = &dataset.profile;
        self.record(
            caller,
            ActivityAction::DatasetUploaded,
            EntityType::Dataset,
            dataset.id,
            format!(
                "uploaded a {} transaction file: {} rows, {} customers",
                dataset.format.as_str().to_uppercase(),
                profile.rows,
                profile.customers
            ),
        )
        .await?;
        Ok(dataset)
    }

    /// The caller's upload history (everyone's for an Admin).
    pub async fn list_datasets(&self, caller: &Caller, mut query: DatasetQuery) -> Result<Page<Dataset>, AppError> {
        if !caller.is_admin() {
            query.owner_id = Some(caller.id);
        }
        self.repo.list_datasets(&query).await
    }

    /// One dataset with its analyses.
    pub async fn dataset(&self, caller: &Caller, id: Uuid) -> Result<DatasetDetail, AppError> {
        let dataset = self.load_dataset(caller, id).await?;
        let analyses = self.repo.analyses_of_dataset(id).await?;
        Ok(DatasetDetail { dataset, analyses })
    }

    /// Deletes a dataset, its analyses and its file.
    pub async fn delete_dataset(&self, caller: &Caller, id: Uuid) -> Result<(), AppError> {
        let dataset = self.load_dataset(caller, id).await?;
        if !self.repo.delete_dataset(id).await? {
            return Err(dataset_not_found());
        }
        self.remove_file(&dataset.storage_key).await;
        self.record(caller, ActivityAction::DatasetDeleted, EntityType::Dataset, id, "deleted a transaction file").await
    }

    /// Runs an RFM analysis of a dataset and stores it with its segments and every customer's result.
    pub async fn analyse(
        &self,
        caller: &Caller,
        dataset_id: Uuid,
        request: AnalysisRequest,
    ) -> Result<Analysis, AppError> {
        let dataset = self.load_dataset(caller, dataset_id).await?;
        if let ClusterCount::Fixed(k) = request.k
            && dataset.profile.customers <= u64::from(k)
        {
            return Err(AppError::field(
                "k",
                format!("must be less than the number of customers in the dataset ({})", dataset.profile.customers),
            ));
        }
        let bytes =
            self.storage.get(&dataset.storage_key).await?.ok_or_else(|| {
                AppError::Internal(format!("the file of dataset {dataset_id} is missing from storage"))
            })?;
        let (kmeans, files, reader) = (self.settings.kmeans, self.settings.files, self.reader.clone());
        let outcome = on_compute_pool(move || {
            let parsed: ParsedTransactions = read_transactions(reader.as_ref(), &bytes, &files)?;
            analyse(&parsed, request.k, request.snapshot_date, &kmeans)
        })
        .await??;
        let (analysis, customers) =
            outcome.into_analysis(Uuid::now_v7(), dataset.id, dataset.owner_id, self.clock.now());
        self.repo.insert_analysis(&analysis, &customers).await?;
        self.record(
            caller,
            ActivityAction::AnalysisCreated,
            EntityType::Analysis,
            analysis.id,
            format!(
                "ran an RFM analysis of dataset {dataset_id}: k={}{}, {} customers",
                analysis.k,
                if analysis.auto_k { " (auto)" } else { "" },
                analysis.customers
            ),
        )
        .await?;
        Ok(analysis)
    }

    /// One analysis with its segments.
    pub async fn analysis(&self, caller: &Caller, id: Uuid) -> Result<Analysis, AppError> {
        let analysis = self.repo.find_analysis(id).await?.ok_or_else(analysis_not_found)?;
        if analysis.owner_id != caller.id && !caller.is_admin() {
            return Err(analysis_not_found());
        }
        Ok(analysis)
    }

    /// One page of the customers of an analysis.
    pub async fn customers(
        &self,
        caller: &Caller,
        id: Uuid,
        selection: &CustomerSelection,
        sort_by: CustomerResultSort,
        sort_dir: SortDir,
        page: leadscore_domain::pagination::PageRequest,
    ) -> Result<Page<SegmentedCustomer>, AppError> {
        let analysis = self.analysis(caller, id).await?;
        let filter = resolve(&analysis, selection)?;
        self.repo.list_customers(id, &CustomerResultQuery { filter, sort_by, sort_dir, page }).await
    }

    /// Every matching customer of an analysis as a CSV or XLSX file.
    pub async fn export(
        &self,
        caller: &Caller,
        id: Uuid,
        selection: &CustomerSelection,
        sort_by: CustomerResultSort,
        sort_dir: SortDir,
        format: ExportFormat,
    ) -> Result<ExportFile, AppError> {
        let analysis = self.analysis(caller, id).await?;
        let filter = resolve(&analysis, selection)?;
        let customers = self.repo.all_customers(id, &filter, sort_by, sort_dir).await?;
        let count = customers.len();
        let writer = self.writer.clone();
        let bytes =
            on_compute_pool(move || writer.write(format, &[customers_sheet(&customers), segments_sheet(&analysis)]))
                .await??;
        self.record(
            caller,
            ActivityAction::AnalysisExported,
            EntityType::Analysis,
            id,
            format!("exported {count} customers of an RFM analysis as {}", format.extension()),
        )
        .await?;
        Ok(ExportFile::bytes(format!("rfm-{id}.{}", format.extension()), format, bytes))
    }

    /// Deletes an analysis with its results.
    pub async fn delete_analysis(&self, caller: &Caller, id: Uuid) -> Result<(), AppError> {
        self.analysis(caller, id).await?;
        if !self.repo.delete_analysis(id).await? {
            return Err(analysis_not_found());
        }
        self.record(caller, ActivityAction::AnalysisDeleted, EntityType::Analysis, id, "deleted an RFM analysis").await
    }

    async fn load_dataset(&self, caller: &Caller, id: Uuid) -> Result<Dataset, AppError> {
        let dataset = self.repo.find_dataset(id).await?.ok_or_else(dataset_not_found)?;
        if dataset.owner_id != caller.id && !caller.is_admin() {
            return Err(dataset_not_found());
        }
        Ok(dataset)
    }

    async fn remove_file(&self, key: &str) {
        if let Err(err) = self.storage.delete(key).await {
            tracing::warn!(%key, error = %err, "could not remove a stored dataset file");
        }
    }

    async fn record(
        &self,
        caller: &Caller,
        action: ActivityAction,
        entity_type: EntityType,
        id: Uuid,
        description: impl Into<String>,
    ) -> Result<(), AppError> {
        self.activities.record(NewActivity::about(Some(caller.id), action, entity_type, Some(id), description)).await
    }
}

fn dataset_not_found() -> AppError {
    AppError::NotFound("Dataset not found".into())
}

fn analysis_not_found() -> AppError {
    AppError::NotFound("Analysis not found".into())
}

/// Turns segment names and cluster numbers into the cluster filter, refusing names and numbers the analysis does
/// not have.
fn resolve(analysis: &Analysis, selection: &CustomerSelection) -> Result<CustomerResultFilter, AppError> {
    let mut v = crate::error::Validator::new();
    let mut clusters: Vec<u8> = Vec::new();
    for name in &selection.segments {
        match analysis.segments.iter().find(|s| s.name.eq_ignore_ascii_case(name.trim())) {
            Some(segment) => clusters.push(segment.cluster),
            None => {
                let names: Vec<&str> = analysis.segments.iter().map(|s| s.name.as_str()).collect();
                v.push("segment", format!("'{name}' is not a segment of this analysis ({})", names.join(", ")));
            }
        }
    }
    for cluster in &selection.clusters {
        if usize::from(*cluster) >= analysis.segments.len() {
            v.push("cluster", format!("must be from 0 to {}", analysis.segments.len().saturating_sub(1)));
        }
    }
    v.finish()?;
    let clusters = match (selection.segments.is_empty(), selection.clusters.is_empty()) {
        (true, _) => selection.clusters.clone(),
        (false, true) => clusters,
        // Both given: customers must match both lists. No cluster at all matches an impossible combination.
        (false, false) => {
            let both: Vec<u8> = clusters.into_iter().filter(|c| selection.clusters.contains(c)).collect();
            if both.is_empty() { vec![u8::MAX] } else { both }
        }
    };
    Ok(CustomerResultFilter { clusters, q: selection.q.clone().filter(|q| !q.trim().is_empty()) })
}
