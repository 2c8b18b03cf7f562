//! The client's network address, for login throttling and the audit trail.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

/// The TCP peer address. Forwarded-for headers are ignored on purpose: anyone can send them, and throttling by a
/// header value would let an attacker pick a fresh "address" per attempt.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl ClientIp {
    /// The address as text.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl FromRequest for ClientIp {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(ClientIp(req.peer_addr().map(|addr| addr.ip().to_string()))))
    }
}
