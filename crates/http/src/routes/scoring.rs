//! `/api/v1/model`, `/api/v1/predictions` and `POST /api/v1/customers/score`: the model in service, scoring with
//! explanations, stored predictions and bulk re-scoring.

use actix_web::web;
use uuid::Uuid;

use crate::dto::common::Paginated;
use crate::dto::scoring::{
    BatchPredictionDto, BatchPredictionRequest, ModelDto, OverridePredictionRequest, PredictionDto,
    PredictionListParams, PredictionRequest, ReloadDto, RescoreReportDto, ScoreCustomersRequest,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, ClientIp, JsonLimit, ValidJson, ValidQuery};
use crate::response::{Envelope, MessageEnvelope, created, done, ok, ok_with};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/model").route(web::get().to(get_model)))
        .service(web::resource("/model/reload").route(web::post().to(reload_model)))
        .service(web::resource("/predictions/batch").app_data(JsonLimit::Batch).route(web::post().to(predict_batch)))
        .service(web::resource("/predictions").route(web::get().to(list_predictions)).route(web::post().to(predict)))
        .service(
            web::resource("/predictions/{id}")
                .route(web::get().to(get_prediction))
                .route(web::patch().to(override_prediction))
                .route(web::delete().to(delete_prediction)),
        );
}

/// Get the model in service
///
/// The model in service and its full model card. Any signed-in user may call it.
#[utoipa::path(get, path = "/api/v1/model", tag = "Scoring", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The model and its card", body = Envelope<ModelDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn get_model(state: web::Data<AppState>, user: AuthUser) -> ApiResult {
    let model = state.scoring.model(&user.0)?;
    Ok(ok(ModelDto::from(model.as_ref())))
}

/// Reload the model from disk
///
/// Load the model and card again from the configured directory, check them (card consistency, ONNX digest, input
/// width, parity fixtures) and swap them in atomically; requests already running finish on the old model. A model
/// that fails a check is refused and the old one stays (Admin).
#[utoipa::path(post, path = "/api/v1/model/reload", tag = "Scoring", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The new model is in service", body = Envelope<ReloadDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an Admin", body = ErrorBody),
        (status = 422, description = "The model on disk failed a check; the old one stays", body = ErrorBody,
            example = json!({"status": "fail", "message": "model/model.onnx: sha256 is 3f2a…, the card says 8dbe…",
                "errors": []})),
    ))]
pub async fn reload_model(state: web::Data<AppState>, user: AuthUser, ip: ClientIp) -> ApiResult {
    let report = state.scoring.reload(&user.0, ip.as_deref()).await?;
    Ok(ok_with("Model reloaded", ReloadDto::from(report)))
}

/// Score one customer or a feature set
///
/// Score one customer (`customerId`, Admin and Manager; its latest score is updated) or raw features (anyone).
/// Answers probability, class, score, tier and the top factors each way; the prediction is stored (source
/// `single`).
#[utoipa::path(post, path = "/api/v1/predictions", tag = "Scoring", security(("bearerAuth" = [])),
    request_body(content = PredictionRequest, examples(
        ("features" = (summary = "Raw features (anyone)", value = json!({"features": {"age": 41, "job": "management",
            "marital": "married", "education": "tertiary", "default": "no", "balance": 1850, "housing": "no",
            "loan": "no", "contact": "cellular", "month": "apr", "campaign": 1, "pdays": 92, "previous": 2,
            "poutcome": "success"}}))),
        ("customerId" = (summary = "A stored customer (Admin, Manager)",
            value = json!({"customerId": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70"}))),
    )),
    responses(
        (status = 201, description = "Scored and stored", body = Envelope<PredictionDto>),
        (status = 400, description = "Invalid features (each named, with the allowed values)", body = ErrorBody,
            example = json!({"status": "fail", "message": "Validation failed", "errors": [{"field": "features.job",
                "message": "unknown value 'astronaut'; allowed: admin., blue-collar, entrepreneur, housemaid, management, retired, self-employed, services, student, technician, unemployed, unknown"}]})),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Sales scoring a stored customer", body = ErrorBody),
        (status = 404, description = "No such customer", body = ErrorBody),
    ))]
pub async fn predict(state: web::Data<AppState>, user: AuthUser, body: ValidJson<PredictionRequest>) -> ApiResult {
    let input = body.0.input("customerId")?;
    let prediction = state.scoring.predict(&user.0, input).await?;
    Ok(created("Prediction created", PredictionDto::from(prediction)))
}

/// Score a batch of customers or feature sets
///
/// Score many items (customers or features, mixed) in one model call, answered in order; any invalid item rejects
/// the whole call with every problem under `items[i]`. Stored with source `batch` (Admin, Manager).
#[utoipa::path(post, path = "/api/v1/predictions/batch", tag = "Scoring", security(("bearerAuth" = [])),
    request_body = BatchPredictionRequest,
    responses(
        (status = 201, description = "Scored and stored", body = Envelope<BatchPredictionDto>),
        (status = 400, description = "Invalid items, or too many", body = ErrorBody,
            example = json!({"status": "fail", "message": "Validation failed", "errors": [
                {"field": "items[1].features.pdays", "message": "must be -1 (never contacted) or 0 or more"},
                {"field": "items[3].customerId", "message": "no customer 019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70"}]})),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
    ))]
pub async fn predict_batch(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<BatchPredictionRequest>,
) -> ApiResult {
    let inputs = body
        .0
        .items
        .into_iter()
        .enumerate()
        .map(|(i, item)| item.input(&format!("items[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    let predictions = state.scoring.predict_batch(&user.0, inputs).await?;
    let model_version = predictions.first().map(|p| p.model_version.clone()).unwrap_or_default();
    let items: Vec<PredictionDto> = predictions.into_iter().map(PredictionDto::from).collect();
    Ok(created("Predictions created", BatchPredictionDto { count: items.len(), model_version, items }))
}

/// List predictions
///
/// Stored predictions with filters, sort and pagination (Admin and Manager see all; Sales their own).
#[utoipa::path(get, path = "/api/v1/predictions", tag = "Scoring", security(("bearerAuth" = [])),
    params(PredictionListParams),
    responses(
        (status = 200, description = "One page of predictions", body = Envelope<Paginated<PredictionDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list_predictions(
    state: web::Data<AppState>,
    user: AuthUser,
    params: ValidQuery<PredictionListParams>,
) -> ApiResult {
    let (filter, sort, page) = params.0.into_query()?;
    let page = state.scoring.list(&user.0, filter, sort, page).await?;
    Ok(ok(Paginated::from_page(page, PredictionDto::from)))
}

/// Get a prediction
///
/// One prediction (Sales: only their own; others are a 404). Any signed-in user may call it; a prediction made by a
/// campaign run is visible only to that campaign's members and to Admins.
#[utoipa::path(get, path = "/api/v1/predictions/{id}", tag = "Scoring", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Prediction id")),
    responses(
        (status = 200, description = "The prediction", body = Envelope<PredictionDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such prediction", body = ErrorBody),
    ))]
pub async fn get_prediction(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    Ok(ok(PredictionDto::from(state.scoring.get(&user.0, id.into_inner()).await?)))
}

/// Override a prediction
///
/// Override a prediction's class and/or probability with a reason; the model's original values are kept and shown
/// under `override` (Admin, Manager). The customer's latest score stays the model's.
#[utoipa::path(patch, path = "/api/v1/predictions/{id}", tag = "Scoring", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Prediction id")), request_body = OverridePredictionRequest,
    responses(
        (status = 200, description = "Overridden", body = Envelope<PredictionDto>),
        (status = 400, description = "Invalid body or no reason", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
        (status = 404, description = "No such prediction", body = ErrorBody),
    ))]
pub async fn override_prediction(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    id: web::Path<Uuid>,
    body: ValidJson<OverridePredictionRequest>,
) -> ApiResult {
    let prediction = state.scoring.override_prediction(&user.0, id.into_inner(), body.0.into(), ip.as_deref()).await?;
    Ok(ok_with("Prediction overridden", PredictionDto::from(prediction)))
}

/// Delete a prediction
///
/// Delete a prediction (Admin, Manager). The customer's latest score stays.
#[utoipa::path(delete, path = "/api/v1/predictions/{id}", tag = "Scoring", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Prediction id")),
    responses(
        (status = 200, description = "Deleted", body = MessageEnvelope),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
        (status = 404, description = "No such prediction", body = ErrorBody),
    ))]
pub async fn delete_prediction(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    id: web::Path<Uuid>,
) -> ApiResult {
    state.scoring.delete(&user.0, id.into_inner(), ip.as_deref()).await?;
    Ok(done("Prediction deleted"))
}

/// Re-score customers in bulk
///
/// Re-score every customer matching the filter (or all) with the model in service: chunks of customers walked by
/// id, one model call and one transaction per chunk. Updates each customer's latest score, probability, tier and
/// model version; stores no per-customer predictions (Admin, Manager).
#[utoipa::path(post, path = "/api/v1/customers/score", tag = "Scoring", security(("bearerAuth" = [])),
    request_body = ScoreCustomersRequest,
    responses(
        (status = 200, description = "Counts of the re-scoring", body = Envelope<RescoreReportDto>),
        (status = 400, description = "Invalid filter", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not Admin or Manager", body = ErrorBody),
    ))]
pub async fn score_customers(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    body: ValidJson<ScoreCustomersRequest>,
) -> ApiResult {
    let filter = body.0.filter.map(Into::into).unwrap_or_default();
    let report = state.scoring.score_customers(&user.0, &filter, ip.as_deref()).await?;
    Ok(ok_with("Customers scored", RescoreReportDto::from(report)))
}
