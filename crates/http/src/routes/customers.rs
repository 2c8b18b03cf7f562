//! `/api/v1/customers`: the customer base, its search, import and export.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, web};
use leadscore_application::customers::{ImportOptions, OnConflict};
use leadscore_application::imports::ImportRequest;
use uuid::Uuid;

use crate::dto::common::Paginated;
use crate::dto::customers::{
    CreateCustomerRequest, CustomerDto, CustomerExportParams, CustomerListParams, ImportModeParam, ImportParams,
    ImportReportDto, OnConflictParam, UpdateCustomerRequest,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, FileUpload, ValidJson, ValidQuery, read_file};
use crate::response::{Envelope, MessageEnvelope, attachment, created, done, export_format, ok, ok_with};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // The literal paths come before `{id}` so `export` is never read as an id.
    cfg.service(web::resource("/customers/import").route(web::post().to(import_customers)))
        .service(web::resource("/customers/export").route(web::get().to(export_customers)))
        .service(web::resource("/customers/score").route(web::post().to(super::scoring::score_customers)))
        .service(
            web::resource("/customers").route(web::get().to(list_customers)).route(web::post().to(create_customer)),
        )
        .service(
            web::resource("/customers/{id}")
                .route(web::get().to(get_customer))
                .route(web::patch().to(update_customer))
                .route(web::delete().to(delete_customer)),
        );
}

/// List customers
///
/// Search the customer base: filters (list filters repeat for "any of"), sort and pagination (Admin, Manager).
#[utoipa::path(get, path = "/api/v1/customers", tag = "Customers", security(("bearerAuth" = [])), params(CustomerListParams),
    responses(
        (status = 200, description = "One page of customers", body = Envelope<Paginated<CustomerDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
    ))]
pub async fn list_customers(
    state: web::Data<AppState>,
    user: AuthUser,
    params: ValidQuery<CustomerListParams>,
) -> ApiResult {
    let (filter, sort, page) = params.0.into_query()?;
    let page = state.customers.list(&user.0, &filter, sort, page).await?;
    Ok(ok(Paginated::from_page(page, CustomerDto::from)))
}

/// Create a customer
///
/// Add a customer to the customer base (Admin, Manager). An `externalId` or `email` already used by another customer is
/// a 409.
#[utoipa::path(post, path = "/api/v1/customers", tag = "Customers", security(("bearerAuth" = [])),
    request_body = CreateCustomerRequest,
    responses(
        (status = 201, description = "Created", body = Envelope<CustomerDto>),
        (status = 400, description = "Invalid or unknown fields", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
        (status = 409, description = "externalId or email already used", body = ErrorBody),
    ))]
pub async fn create_customer(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<CreateCustomerRequest>,
) -> ApiResult {
    let customer = state.customers.create(&user.0, body.0.into()).await?;
    Ok(created("Customer created successfully", CustomerDto::from(customer)))
}

/// Get a customer
///
/// One customer by id, with its attributes and latest score (Admin, Manager; other roles get 403).
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "Customers", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer", body = Envelope<CustomerDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
        (status = 404, description = "No such customer", body = ErrorBody),
    ))]
pub async fn get_customer(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    Ok(ok(CustomerDto::from(state.customers.get(&user.0, id.into_inner()).await?)))
}

/// Update a customer
///
/// Change a customer's attributes (Admin, Manager). Scores cannot be set here.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "Customers", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Customer id")), request_body = UpdateCustomerRequest,
    responses(
        (status = 200, description = "Updated", body = Envelope<CustomerDto>),
        (status = 400, description = "Invalid or unknown fields", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
        (status = 404, description = "No such customer", body = ErrorBody),
        (status = 409, description = "externalId or email already used", body = ErrorBody),
    ))]
pub async fn update_customer(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateCustomerRequest>,
) -> ApiResult {
    let customer = state.customers.update(&user.0, id.into_inner(), body.0.into()).await?;
    Ok(ok_with("Customer updated successfully", CustomerDto::from(customer)))
}

/// Delete a customer
///
/// Delete a customer by id. Only an Admin may call it; other roles get 403.
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "Customers", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Customer id")),
    responses(
        (status = 200, description = "Deleted", body = MessageEnvelope),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
        (status = 404, description = "No such customer", body = ErrorBody),
    ))]
pub async fn delete_customer(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    state.customers.delete(&user.0, id.into_inner()).await?;
    Ok(done("Customer deleted successfully"))
}

/// Import customers from CSV or XLSX
///
/// Import customers from a CSV or XLSX file (multipart field `file`; the format is read from the content).
/// Accepts the UCI Bank Marketing files as they are (`;`-separated, quoted header) and this API's export format;
/// headers are matched case-insensitively. The write is one transaction: a failure leaves nothing behind.
#[utoipa::path(post, path = "/api/v1/customers/import", tag = "Customers", security(("bearerAuth" = [])),
    params(ImportParams), request_body(content = FileUpload, content_type = "multipart/form-data",
        example = json!({"file": "\"age\";\"job\";\"marital\";\"education\";\"default\";\"balance\";\"housing\";\"loan\";\"contact\";\"day\";\"month\";\"duration\";\"campaign\";\"pdays\";\"previous\";\"poutcome\";\"y\"\n30;\"unemployed\";\"married\";\"primary\";\"no\";1787;\"no\";\"no\";\"cellular\";19;\"oct\";79;1;-1;0;\"unknown\";\"no\"\n"})),
    responses(
        (status = 200, description = "Imported (or, with dryRun, what would be)", body = Envelope<ImportReportDto>),
        (status = 400, description = "No file field or invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
        (status = 409, description = "A row clashes with another customer's externalId or email", body = ErrorBody),
        (status = 413, description = "File or row count over the limit", body = ErrorBody),
        (status = 415, description = "Neither CSV nor XLSX", body = ErrorBody),
        (status = 422, description = "Missing columns, or invalid rows in strict mode (row errors listed)", body = ErrorBody,
            example = json!({"status": "fail", "message": "2 of 3 rows are invalid; nothing was imported (use mode=skip to import the valid rows)",
                "errors": [{"row": 3, "field": "age", "message": "must be between 18 and 100"}], "totalErrors": 2})),
    ))]
pub async fn import_customers(
    state: web::Data<AppState>,
    user: AuthUser,
    params: ValidQuery<ImportParams>,
    form: Multipart,
) -> ApiResult {
    state.imports.authorize(&user.0)?;
    let bytes = read_file(form, state.settings.max_import_bytes).await?;
    let options = ImportOptions {
        strict: !matches!(params.0.mode.unwrap_or_default(), ImportModeParam::Skip),
        on_conflict: match params.0.on_conflict.unwrap_or_default() {
            OnConflictParam::Skip => OnConflict::Skip,
            OnConflictParam::Update => OnConflict::Update,
        },
        dry_run: params.0.dry_run.unwrap_or(false),
    };
    let request = ImportRequest { options, score: params.0.score.unwrap_or(false) };
    let outcome = state.imports.import(&user.0, bytes, request, |_, _| {}, None).await?;
    let message = if options.dry_run { "Dry run: nothing was written" } else { "Import completed" };
    let mut dto = ImportReportDto::from(outcome.report);
    dto.scoring = outcome.scoring.map(Into::into);
    Ok(ok_with(message, dto))
}

/// Export customers as CSV or XLSX
///
/// Export the customers matching the list filters as CSV (streamed, UTF-8, RFC 4180; the import format) or XLSX
/// (bold frozen header, autofilter, number cells) (Admin, Manager).
#[utoipa::path(get, path = "/api/v1/customers/export", tag = "Customers", security(("bearerAuth" = [])),
    params(CustomerExportParams),
    responses(
        (status = 200, description = "The file, as an attachment", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
    ))]
pub async fn export_customers(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    params: ValidQuery<CustomerExportParams>,
) -> ApiResult {
    let filter = params.0.filter();
    let format = export_format(&req, params.0.format)?;
    let file = state.customers.export(&user.0, filter, format).await?;
    Ok(attachment(file))
}
