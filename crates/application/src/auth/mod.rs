//! Signing in and staying signed in: registration, login with throttling, refresh-token rotation, logout, and
//! turning an access token into a `Caller`.

mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use ports::{
    AccessClaims, AttemptLimit, IssuedToken, LoginAttemptRepository, RefreshTokenRecord, RefreshTokenRepository,
    Reservation, ThrottleScope, TokenIssuer,
};
pub use service::{AuthPolicy, AuthService, LoginOutcome, Registration, ThrottlePolicy, TokenPair};
