//! `/api/v1/segmentation`: RFM analysis of uploaded transaction files (seed S2). Any signed-in role; each dataset
//! and analysis is visible to its uploader and to Admins only (others get 404).

use actix_multipart::Multipart;
use actix_web::{HttpRequest, web};
use uuid::Uuid;

use crate::dto::common::Paginated;
use crate::dto::segmentation::{
    AnalysisDto, CreateAnalysisRequest, DatasetDetailDto, DatasetDto, DatasetListParams, SegmentCustomerDto,
    SegmentCustomerListParams, SegmentExportParams,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, FileUpload, ValidJson, ValidQuery, read_file};
use crate::response::{Envelope, MessageEnvelope, attachment, created, done, export_format, ok};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/segmentation/datasets")
            .route(web::get().to(list_datasets))
            .route(web::post().to(upload_dataset)),
    )
    .service(
        web::resource("/segmentation/datasets/{id}")
            .route(web::get().to(get_dataset))
            .route(web::delete().to(delete_dataset)),
    )
    .service(web::resource("/segmentation/datasets/{id}/analyses").route(web::post().to(create_analysis)))
    .service(
        web::resource("/segmentation/analyses/{id}")
            .route(web::get().to(get_analysis))
            .route(web::delete().to(delete_analysis)),
    )
    .service(web::resource("/segmentation/analyses/{id}/customers").route(web::get().to(list_analysis_customers)))
    .service(
        web::resource("/segmentation/analyses/{id}/customers/export").route(web::get().to(export_analysis_customers)),
    );
}

/// Upload a transaction dataset
///
/// Upload a transaction file (any signed-in user): multipart field `file`, CSV (`,` `;` tab or `|`, UTF-8) or
/// XLSX decided by content, at most `MAX_DATASET_BYTES` (100 MB by default). Required columns, matched
/// case-insensitively: InvoiceNo, Quantity, InvoiceDate, UnitPrice, CustomerID (StockCode, Description, Country
/// may be present). The answer says rows, customers, the period, and how many rows analyses will drop and why.
/// Files with missing columns, no data rows, more than 1% unreadable rows or no usable row are refused with 422
/// listing the first problems.
#[utoipa::path(post, path = "/api/v1/segmentation/datasets", tag = "Segmentation", security(("bearerAuth" = [])),
    request_body(content = FileUpload, content_type = "multipart/form-data",
        example = json!({"file": "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17851,United Kingdom\n536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom\n"})),
    responses(
        (status = 201, description = "Stored; what the file contains", body = Envelope<DatasetDto>),
        (status = 400, description = "No file field, or an empty or unreadable file", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 413, description = "Larger than MAX_DATASET_BYTES", body = ErrorBody),
        (status = 415, description = "Not a CSV or XLSX file (binary, legacy .xls, UTF-16)", body = ErrorBody),
        (status = 422, description = "Missing columns, no data rows, too many unreadable rows (first ones listed with row numbers), or no usable row",
            body = ErrorBody, example = json!({"status": "fail", "message": "The file lacks required columns: CustomerID",
                "errors": [{"row": 1, "field": "customerId", "message": "missing column 'CustomerID' (header has: InvoiceNo, Quantity, InvoiceDate, UnitPrice)"}],
                "totalErrors": 1})),
        (status = 503, description = "Storage or database unavailable", body = ErrorBody),
    ))]
pub async fn upload_dataset(state: web::Data<AppState>, user: AuthUser, form: Multipart) -> ApiResult {
    let bytes = read_file(form, state.segmentation.max_dataset_bytes()).await?;
    let dataset = state.segmentation.upload(&user.0, bytes).await?;
    Ok(created("Dataset uploaded successfully", DatasetDto::from(dataset)))
}

/// List uploaded datasets
///
/// The upload history: the caller's datasets, or everyone's for an Admin; newest first by default.
#[utoipa::path(get, path = "/api/v1/segmentation/datasets", tag = "Segmentation", security(("bearerAuth" = [])),
    params(DatasetListParams),
    responses(
        (status = 200, description = "One page of datasets", body = Envelope<Paginated<DatasetDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list_datasets(
    state: web::Data<AppState>,
    user: AuthUser,
    params: ValidQuery<DatasetListParams>,
) -> ApiResult {
    let page = state.segmentation.list_datasets(&user.0, params.0.into_query()?).await?;
    Ok(ok(Paginated::from_page(page, DatasetDto::from)))
}

/// Get a dataset with its analyses
///
/// One dataset with its analyses (newest first). Visible to its uploader and to Admins; anyone else gets a 404.
#[utoipa::path(get, path = "/api/v1/segmentation/datasets/{id}", tag = "Segmentation", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Dataset id")),
    responses(
        (status = 200, description = "The dataset and its analyses", body = Envelope<DatasetDetailDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such dataset, or another user's", body = ErrorBody),
    ))]
pub async fn get_dataset(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    Ok(ok(DatasetDetailDto::from(state.segmentation.dataset(&user.0, id.into_inner()).await?)))
}

/// Delete a dataset
///
/// Delete a dataset, its stored file and all its analyses. Its uploader or an Admin may do so; anyone else gets a 404.
#[utoipa::path(delete, path = "/api/v1/segmentation/datasets/{id}", tag = "Segmentation", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Dataset id")),
    responses(
        (status = 200, description = "Deleted", body = MessageEnvelope),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such dataset, or another user's", body = ErrorBody),
    ))]
pub async fn delete_dataset(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    state.segmentation.delete_dataset(&user.0, id.into_inner()).await?;
    Ok(done("Dataset deleted successfully"))
}

/// Run an RFM analysis of a dataset
///
/// Run an RFM analysis of a dataset: clean, Recency/Frequency/Monetary per customer, cap at the 99th percentile,
/// log1p, standardise, k-means (k-means++, 10 restarts, seed 42), name the segments from their centroids and score
/// every customer 1–5 on R, F and M. `k` is 2–10 (default 5) or "auto" (best silhouette over 2–8); it must be less
/// than the number of customers. Body `{}` uses the defaults.
#[utoipa::path(post, path = "/api/v1/segmentation/datasets/{id}/analyses", tag = "Segmentation",
    security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Dataset id")), request_body = CreateAnalysisRequest,
    responses(
        (status = 201, description = "The stored analysis with its segments", body = Envelope<AnalysisDto>),
        (status = 400, description = "Invalid k or snapshotDate, k not less than the customers, or unknown fields",
            body = ErrorBody, example = json!({"status": "fail", "message": "Validation failed",
                "errors": [{"field": "k", "message": "must be less than the number of customers in the dataset (4)"}]})),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such dataset, or another user's", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Storage or database unavailable", body = ErrorBody),
    ))]
pub async fn create_analysis(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: ValidJson<CreateAnalysisRequest>,
) -> ApiResult {
    let analysis = state.segmentation.analyse(&user.0, id.into_inner(), body.0.into()).await?;
    Ok(created("Analysis completed", AnalysisDto::from(analysis)))
}

/// Get an RFM analysis
///
/// An analysis: parameters, counts, silhouette, and per segment its size, mean/median recency, frequency and
/// monetary, share of revenue, centroid and name.
#[utoipa::path(get, path = "/api/v1/segmentation/analyses/{id}", tag = "Segmentation", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Analysis id")),
    responses(
        (status = 200, description = "The analysis", body = Envelope<AnalysisDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such analysis, or another user's", body = ErrorBody),
    ))]
pub async fn get_analysis(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    Ok(ok(AnalysisDto::from(state.segmentation.analysis(&user.0, id.into_inner()).await?)))
}

/// Delete an RFM analysis
///
/// Delete an analysis and its results (the dataset stays). Its owner or an Admin may do so; anyone else gets a 404.
#[utoipa::path(delete, path = "/api/v1/segmentation/analyses/{id}", tag = "Segmentation", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Analysis id")),
    responses(
        (status = 200, description = "Deleted", body = MessageEnvelope),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such analysis, or another user's", body = ErrorBody),
    ))]
pub async fn delete_analysis(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    state.segmentation.delete_analysis(&user.0, id.into_inner()).await?;
    Ok(done("Analysis deleted successfully"))
}

/// List an analysis's customers
///
/// The customers of an analysis: recency, frequency, monetary, R/F/M scores, cluster and segment. Filter by
/// segment name and/or cluster (repeatable), search the customer id, sort (ties by customer id), paginate.
#[utoipa::path(get, path = "/api/v1/segmentation/analyses/{id}/customers", tag = "Segmentation",
    security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Analysis id"), SegmentCustomerListParams),
    responses(
        (status = 200, description = "One page of customers", body = Envelope<Paginated<SegmentCustomerDto>>),
        (status = 400, description = "Invalid parameters, or a segment/cluster the analysis does not have", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such analysis, or another user's", body = ErrorBody),
    ))]
pub async fn list_analysis_customers(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    params: ValidQuery<SegmentCustomerListParams>,
) -> ApiResult {
    let (selection, sort_by, sort_dir, page) = params.0.into_query()?;
    let page = state.segmentation.customers(&user.0, id.into_inner(), &selection, sort_by, sort_dir, page).await?;
    Ok(ok(Paginated::from_page(page, SegmentCustomerDto::from)))
}

/// Export an analysis's customers
///
/// Every matching customer of an analysis as a file: `format=csv` (default; RFC 4180, UTF-8) or `format=xlsx`
/// (Customers and Segments sheets, bold frozen header, typed numbers, autofilter). Same filters and sort as the
/// list, without paging.
#[utoipa::path(get, path = "/api/v1/segmentation/analyses/{id}/customers/export", tag = "Segmentation",
    security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Analysis id"), SegmentExportParams),
    responses(
        (status = 200, description = "The file, as an attachment", content(
            (String = "text/csv", example = json!("customerId,recency,frequency,monetary,rScore,fScore,mScore,rfmScore,cluster,segment\n12347,3,7,4310.00,5,5,5,555,0,Champions\n")),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Invalid parameters, or a segment/cluster the analysis does not have", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such analysis, or another user's", body = ErrorBody),
    ))]
pub async fn export_analysis_customers(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    params: ValidQuery<SegmentExportParams>,
    req: HttpRequest,
) -> ApiResult {
    let (selection, sort_by, sort_dir, format) = params.0.into_query();
    let format = export_format(&req, format)?;
    let file = state.segmentation.export(&user.0, id.into_inner(), &selection, sort_by, sort_dir, format).await?;
    Ok(attachment(file))
}
