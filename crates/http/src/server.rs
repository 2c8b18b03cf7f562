//! Building the actix-web server: middleware order, routes, error envelopes, CORS, Swagger UI.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::extract::path_error;
use crate::middleware::{
    Metrics, body_deadline, envelope_cors_refusals, envelope_framework_errors, observe, security_headers,
};
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;

fn cors(origins: &[String]) -> Cors {
    // Deny by default: only listed origins get CORS headers.
    let mut cors = Cors::default()
        .allowed_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .allowed_header("x-request-id")
        .expose_headers([header::RETRY_AFTER, header::CONTENT_DISPOSITION])
        .expose_any_header()
        .supports_credentials()
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Starts serving on `listener` (bind to port 0 for tests) with metrics of its own. The returned server runs until
/// stopped or signalled.
pub fn build_server(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let metrics = Metrics::new().map_err(std::io::Error::other)?;
    build_server_with_metrics(listener, state, metrics)
}

/// Like [`build_server`], exposing `metrics` at `/metrics`: the caller may feed it from outside the HTTP layer
/// (database pool, model inference).
pub fn build_server_with_metrics(listener: TcpListener, state: AppState, metrics: Metrics) -> std::io::Result<Server> {
    let settings = state.settings.clone();
    let state = web::Data::new(state);
    let metrics = web::Data::new(metrics);
    let spec = ApiDoc::openapi();
    let origins = settings.cors_origins.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(metrics.clone())
            .app_data(web::PathConfig::default().error_handler(path_error))
            .wrap(from_fn(body_deadline))
            .wrap(
                ErrorHandlers::new()
                    .handler(StatusCode::NOT_FOUND, envelope_framework_errors)
                    .handler(StatusCode::METHOD_NOT_ALLOWED, envelope_framework_errors)
                    .default_handler_client(envelope_framework_errors)
                    .default_handler_server(envelope_framework_errors),
            )
            .wrap(cors(&origins))
            .wrap(from_fn(envelope_cors_refusals))
            .wrap(from_fn(security_headers))
            .wrap(from_fn(observe))
            .service(web::redirect("/docs", "/docs/"))
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .url("/api-docs/openapi.json", spec.clone())
                    // The default validator badge calls validator.swagger.io with our spec's URL: never from here.
                    .config(SwaggerConfig::from("/api-docs/openapi.json").validator_url("none")),
            )
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
    })
    .client_request_timeout(settings.head_timeout)
    .client_disconnect_timeout(settings.disconnect_timeout)
    .keep_alive(settings.keep_alive)
    .listen(listener)?
    .shutdown_timeout(settings.shutdown_timeout.as_secs());
    if settings.workers > 0 {
        server = server.workers(settings.workers);
    }
    Ok(server.run())
}
