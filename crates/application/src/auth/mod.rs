//! Signing in and staying signed in: registration, login with throttling, refresh-token rotation, logout, and
//! turning an access token into a `Caller`.

mod accounts;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use accounts::{AccountAccess, AccountCache, InvalidatingUsers, Pending};
pub use ports::{
    AccessClaims, AttemptLimit, IssuedToken, LoginAttemptRepository, Reservation, ThrottleScope, TokenIssuer,
};
// The session store lives in `sessions` (the account use cases revoke sessions too); named here as well, where
// sign-in code has always found it.
pub use crate::sessions::{RefreshTokenRecord, RefreshTokenRepository};
pub use service::{AuthPolicy, AuthService, LoginOutcome, Registration, ThrottlePolicy, TokenPair};
