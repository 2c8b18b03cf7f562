//! A deadline for request bodies. actix-web times only the headers of a connection's first request, so a client
//! that declares a body and then sends it byte by byte, or never finishes it (slow-loris on the body), would hold a
//! connection and a handler for as long as it likes. Here the body must have arrived `body_timeout` after the
//! request started; otherwise the handler sees a read error and the client gets a 408 on a closed connection.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::rt::time::{Sleep, sleep};
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use futures_util::{Future, Stream};

use crate::error::ErrorBody;
use crate::state::AppState;

struct Deadline {
    inner: Payload,
    timer: Pin<Box<Sleep>>,
    expired: Arc<AtomicBool>,
    finished: bool,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.finished {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(None) => {
                this.finished = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(item)) => Poll::Ready(Some(item)),
            Poll::Pending => {
                if this.timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.expired.store(true, Ordering::Release);
                this.finished = true;
                let err = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body not received in time");
                Poll::Ready(Some(Err(PayloadError::Io(err))))
            }
        }
    }
}

fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

/// The body-deadline middleware (reads `HttpSettings::body_timeout` from the app state).
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let timeout = req.app_data::<web::Data<AppState>>().map(|s| s.settings.body_timeout).filter(|t| !t.is_zero());
    let expired = Arc::new(AtomicBool::new(false));
    if let Some(timeout) = timeout
        && has_body(&req)
    {
        let stream = Deadline {
            inner: req.take_payload(),
            timer: Box::pin(sleep(timeout)),
            expired: expired.clone(),
            finished: false,
        };
        let boxed: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(stream);
        req.set_payload(Payload::from(boxed));
    }
    let response = next.call(req).await?;
    if !expired.load(Ordering::Acquire) {
        return Ok(response.map_into_boxed_body());
    }
    // Whatever the handler made of the read error, the client is told plainly; actix closes the connection because
    // the body was never read to its end.
    let body = ErrorBody {
        status: "fail",
        message: "Request body not received in time".to_owned(),
        errors: None,
        total_errors: None,
    };
    let mut timed_out = HttpResponse::build(StatusCode::REQUEST_TIMEOUT).json(body);
    timed_out.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    let (req, _) = response.into_parts();
    Ok(ServiceResponse::new(req, timed_out))
}
