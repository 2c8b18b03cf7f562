//! Customer use cases. Admin and Manager manage the base; only Admin deletes. Sales will read customers through
//! their campaigns (campaigns module).

use std::sync::Arc;
use std::time::Instant;

use leadscore_domain::activity::{ActivityAction, EntityType};
use leadscore_domain::customers::{
    Contact, Customer, CustomerDraft, Education, Job, Marital, Month, Outcome, Poutcome,
};
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::users::Role;
use uuid::Uuid;

use super::export::{customer_sheet, export_columns, export_rows};
use super::filter::{CustomerFilter, CustomerSort};
use super::import::{ParsedFile, parse_customers};
use super::ports::{CustomerRepository, ImportProgress};
use super::ports::{ImportOptions, ImportReport};
use crate::activities::{ActivityLog, NewActivity};
use crate::exports::{ExportBody, ExportFile, ExportFormat, TableWriter};
use crate::files::{FileLimits, TableReader};
use crate::system::{Clock, elapsed_ms};
use crate::{AppError, Caller};

const WRITERS: [Role; 2] = [Role::Admin, Role::Manager];
/// Customers per chunk of a streamed CSV export.
const EXPORT_BATCH: u64 = 2_000;
/// Row errors returned in an answer; the total is always given.
const MAX_REPORTED_ERRORS: usize = 100;

/// Limits of an import.
#[derive(Debug, Clone, Copy)]
pub struct ImportLimits {
    /// Largest number of data rows in one file.
    pub max_rows: u64,
    /// What a file may expand to.
    pub files: FileLimits,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self { max_rows: 1_000_000, files: FileLimits::default() }
    }
}

/// A partial change of a customer, field for field as [`CustomerDraft`]. `None` leaves a field alone; for optional
/// fields `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    pub external_id: Option<Option<String>>,
    pub name: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub age: Option<i64>,
    pub job: Option<Job>,
    pub marital: Option<Marital>,
    pub education: Option<Education>,
    pub default: Option<bool>,
    pub balance: Option<i64>,
    pub housing: Option<bool>,
    pub loan: Option<bool>,
    pub contact: Option<Contact>,
    pub day: Option<i64>,
    pub month: Option<Month>,
    pub duration: Option<Option<i64>>,
    pub campaign: Option<i64>,
    pub pdays: Option<i64>,
    pub previous: Option<i64>,
    pub poutcome: Option<Poutcome>,
    /// The known outcome (`yes`/`no`, the data's `y`), or clear it.
    pub y: Option<Option<Outcome>>,
}

impl CustomerPatch {
    fn apply(self, draft: &mut CustomerDraft) {
        fn set<T>(slot: &mut Option<T>, value: Option<T>) {
            if let Some(v) = value {
                *slot = Some(v);
            }
        }
        fn clear<T>(slot: &mut Option<T>, value: Option<Option<T>>) {
            if let Some(v) = value {
                *slot = v;
            }
        }
        clear(&mut draft.external_id, self.external_id);
        clear(&mut draft.name, self.name);
        clear(&mut draft.email, self.email);
        clear(&mut draft.phone, self.phone);
        clear(&mut draft.city, self.city);
        set(&mut draft.age, self.age);
        set(&mut draft.job, self.job);
        set(&mut draft.marital, self.marital);
        set(&mut draft.education, self.education);
        set(&mut draft.default, self.default);
        set(&mut draft.balance, self.balance);
        set(&mut draft.housing, self.housing);
        set(&mut draft.loan, self.loan);
        set(&mut draft.contact, self.contact);
        set(&mut draft.day, self.day);
        set(&mut draft.month, self.month);
        clear(&mut draft.duration, self.duration);
        set(&mut draft.campaign, self.campaign);
        set(&mut draft.pdays, self.pdays);
        set(&mut draft.previous, self.previous);
        set(&mut draft.poutcome, self.poutcome);
        clear(&mut draft.y, self.y);
    }
}

/// Customer CRUD, search, import and export.
#[derive(Clone)]
pub struct CustomerService {
    repo: Arc<dyn CustomerRepository>,
    reader: Arc<dyn TableReader>,
    writer: Arc<dyn TableWriter>,
    clock: Arc<dyn Clock>,
    activities: ActivityLog,
    limits: ImportLimits,
}

impl CustomerService {
    /// Wires the service to its ports.
    pub fn new(
        repo: Arc<dyn CustomerRepository>,
        reader: Arc<dyn TableReader>,
        writer: Arc<dyn TableWriter>,
        clock: Arc<dyn Clock>,
        activities: ActivityLog,
        limits: ImportLimits,
    ) -> Self {
        Self { repo, reader, writer, clock, activities, limits }
    }

    /// Reads and validates an import file within the limits. CPU work: call it off the async executor. `adjust`
    /// may change each draft before validation (the demo seeder fills in generated contact details this way).
    pub fn parse_file(
        &self,
        bytes: &[u8],
        adjust: impl FnMut(u64, &mut CustomerDraft),
    ) -> Result<ParsedFile, AppError> {
        parse_customers(self.reader.as_ref(), bytes, &self.limits, adjust)
    }

    /// The import limits in force.
    pub fn limits(&self) -> ImportLimits {
        self.limits
    }

    /// Creates a customer.
    pub async fn create(&self, caller: &Caller, draft: CustomerDraft) -> Result<Customer, AppError> {
        caller.require(&WRITERS)?;
        let customer = draft.validate()?.into_customer(Uuid::now_v7(), self.clock.now());
        self.repo.insert(&customer).await?;
        self.record(Some(caller), ActivityAction::CustomerCreated, Some(customer.id), describe(&customer, "created"))
            .await?;
        Ok(customer)
    }

    /// One customer.
    pub async fn get(&self, caller: &Caller, id: Uuid) -> Result<Customer, AppError> {
        caller.require(&WRITERS)?;
        self.load(id).await
    }

    /// Changes some attributes; the result is validated as a whole.
    pub async fn update(&self, caller: &Caller, id: Uuid, patch: CustomerPatch) -> Result<Customer, AppError> {
        caller.require(&WRITERS)?;
        let current = self.load(id).await?;
        let mut draft = CustomerDraft::from_customer(&current);
        patch.apply(&mut draft);
        let valid = draft.validate()?;
        let updated = Customer {
            details: valid.details,
            profile: valid.profile,
            outcome: valid.outcome,
            updated_at: self.clock.now(),
            ..current
        };
        self.repo.update(&updated).await?;
        self.record(Some(caller), ActivityAction::CustomerUpdated, Some(id), describe(&updated, "updated")).await?;
        Ok(updated)
    }

    /// Deletes a customer (Admin).
    pub async fn delete(&self, caller: &Caller, id: Uuid) -> Result<(), AppError> {
        caller.require(&[Role::Admin])?;
        let customer = self.load(id).await?;
        if !self.repo.delete(id).await? {
            return Err(AppError::NotFound("Customer not found".into()));
        }
        self.record(Some(caller), ActivityAction::CustomerDeleted, Some(id), describe(&customer, "deleted")).await
    }

    /// One page of customers.
    pub async fn list(
        &self,
        caller: &Caller,
        filter: &CustomerFilter,
        sort: CustomerSort,
        page: PageRequest,
    ) -> Result<Page<Customer>, AppError> {
        caller.require(&WRITERS)?;
        filter.validate()?;
        self.repo.list(filter, sort, page).await
    }

    /// Writes a parsed file in one transaction (the write step of [`crate::imports::ImportService`]). The caller
    /// must be Admin or Manager (the shell's operator is an Admin).
    pub async fn import_parsed(
        &self,
        caller: &Caller,
        parsed: ParsedFile,
        options: ImportOptions,
        progress: Option<ImportProgress>,
        started: Instant,
    ) -> Result<ImportReport, AppError> {
        caller.require(&WRITERS)?;
        let ParsedFile { valid, mut errors, total_rows, rejected, unknown_columns } = parsed;
        let total_errors = errors.len() as u64;
        errors.sort_by_key(|e| e.row);
        errors.truncate(MAX_REPORTED_ERRORS);
        if total_rows == 0 {
            return Err(AppError::Unprocessable {
                message: "The file has a header but no data rows".into(),
                errors,
                total_errors,
            });
        }
        if options.strict && rejected > 0 {
            return Err(AppError::Unprocessable {
                message: format!(
                    "{rejected} of {total_rows} rows are invalid; nothing was imported (use mode=skip to import the valid rows)"
                ),
                errors,
                total_errors,
            });
        }
        let rows = valid.into_iter().map(|(_, customer)| customer).collect();
        let counts = self.repo.import(rows, options.on_conflict, options.dry_run, self.clock.now(), progress).await?;
        let report = ImportReport {
            total_rows,
            created: counts.created,
            updated: counts.updated,
            skipped: counts.skipped,
            rejected,
            dry_run: options.dry_run,
            duration_ms: elapsed_ms(started),
            errors,
            total_errors,
            unknown_columns,
        };
        if !options.dry_run {
            let description = format!(
                "imported {total_rows} rows: {} created, {} updated, {} skipped, {rejected} rejected",
                report.created, report.updated, report.skipped
            );
            self.record(Some(caller), ActivityAction::CustomersImported, None, description).await?;
        }
        Ok(report)
    }

    /// Starts an export: checks the caller, records the activity and answers how many customers it will hold.
    pub async fn start_export(&self, caller: &Caller, filter: &CustomerFilter, format: &str) -> Result<u64, AppError> {
        caller.require(&WRITERS)?;
        filter.validate()?;
        let count = self.repo.count(filter).await?;
        self.record(
            Some(caller),
            ActivityAction::CustomersExported,
            None,
            format!("exported {count} customers as {format}"),
        )
        .await?;
        Ok(count)
    }

    /// The next batch of an export after `after` (keyset by id), so a large export runs in constant memory.
    pub async fn export_batch(
        &self,
        caller: &Caller,
        filter: &CustomerFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<Customer>, AppError> {
        caller.require(&WRITERS)?;
        self.repo.list_after(filter, after, limit).await
    }

    /// The customers matching the filter as a file (Admin, Manager), recorded in the audit trail. CSV is streamed:
    /// the base is walked in id order one batch per chunk, so memory stays flat however large it is; XLSX is
    /// built whole.
    pub async fn export(
        &self,
        caller: &Caller,
        filter: CustomerFilter,
        format: ExportFormat,
    ) -> Result<ExportFile, AppError> {
        self.start_export(caller, &filter, format.extension()).await?;
        let file_name = format!("customers-{}.{}", self.clock.now().format("%Y-%m-%d"), format.extension());
        if format == ExportFormat::Xlsx {
            let customers = self.export_all(caller, &filter).await?;
            let bytes = self.writer.xlsx(&[customer_sheet(&customers)])?;
            return Ok(ExportFile::bytes(file_name, format, bytes));
        }
        let header = self.writer.csv(Some(&export_columns()), &[])?;
        let (service, caller) = (self.clone(), *caller);
        let chunks =
            futures_util::stream::unfold((Some(header), None::<Uuid>, false), move |(header, after, finished)| {
                let (service, filter) = (service.clone(), filter.clone());
                async move {
                    if let Some(header) = header {
                        return Some((Ok(header), (None, after, finished)));
                    }
                    if finished {
                        return None;
                    }
                    match service.export_batch(&caller, &filter, after, EXPORT_BATCH).await {
                        Ok(batch) if batch.is_empty() => None,
                        Ok(batch) => {
                            let last = batch.last().map(|c| c.id);
                            let done = (batch.len() as u64) < EXPORT_BATCH;
                            let chunk = service.writer.csv(None, &export_rows(&batch));
                            let failed = chunk.is_err();
                            Some((chunk, (None, last, done || failed)))
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "customer export failed midway");
                            Some((Err(err), (None, after, true)))
                        }
                    }
                }
            });
        Ok(ExportFile { file_name, content_type: format.content_type(), body: ExportBody::Stream(Box::pin(chunks)) })
    }

    /// Every customer matching the filter, walked in batches.
    pub async fn export_all(&self, caller: &Caller, filter: &CustomerFilter) -> Result<Vec<Customer>, AppError> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let batch = self.export_batch(caller, filter, after, 5_000).await?;
            let Some(last) = batch.last() else { break };
            after = Some(last.id);
            all.extend(batch);
        }
        Ok(all)
    }

    async fn load(&self, id: Uuid) -> Result<Customer, AppError> {
        self.repo.find_by_id(id).await?.ok_or_else(|| AppError::NotFound("Customer not found".into()))
    }

    async fn record(
        &self,
        actor: Option<&Caller>,
        action: ActivityAction,
        id: Option<Uuid>,
        description: String,
    ) -> Result<(), AppError> {
        self.activities
            .record(NewActivity::about(actor.and_then(Caller::actor_id), action, EntityType::Customer, id, description))
            .await
    }
}

fn describe(customer: &Customer, verb: &str) -> String {
    let who = customer
        .details
        .name
        .clone()
        .or_else(|| customer.details.external_id.clone())
        .unwrap_or_else(|| customer.id.to_string());
    format!("{verb} customer {who}")
}
