//! HS256 access tokens (jsonwebtoken) and opaque refresh tokens behind the `TokenIssuer` port.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use leadscore_application::AppError;
use leadscore_application::auth::{AccessClaims, IssuedToken, TokenIssuer};
use leadscore_domain::users::Role;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::InfraError;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: String,
    iat: i64,
    exp: i64,
    jti: String,
    /// Token version of the account; tokens from before it existed carry none and read as 0.
    #[serde(default)]
    ver: i64,
}

/// Signs and verifies HS256 JWTs. Only HS256 is accepted on verification, so `alg: none` and RS256/HS256
/// confusion are refused.
#[derive(Clone)]
pub struct JwtIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    /// Key of the refresh-token successor derivation: derived from the secret (never the secret itself), so the
    /// derivation cannot be confused with token signing.
    successor_key: [u8; 32],
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

impl JwtIssuer {
    /// Shortest secret accepted: HS256 wants at least 256 bits of key.
    pub const MIN_SECRET_BYTES: usize = 32;

    /// An issuer with this secret and access-token lifetime.
    pub fn new(secret: &[u8], ttl: Duration) -> Result<Self, InfraError> {
        if secret.len() < Self::MIN_SECRET_BYTES {
            return Err(InfraError::Config(format!("JWT_SECRET must be at least {} bytes", Self::MIN_SECRET_BYTES)));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
            successor_key: hmac(secret, b"leadscore refresh-token successor key v1"),
        })
    }
}

fn timestamp(seconds: i64) -> Result<DateTime<Utc>, AppError> {
    DateTime::from_timestamp(seconds, 0).ok_or_else(|| AppError::Unauthorized("Invalid token".into()))
}

impl TokenIssuer for JwtIssuer {
    fn issue_access(
        &self,
        user_id: Uuid,
        role: Role,
        token_version: i64,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, AppError> {
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user_id.to_string(),
            role: role.as_str().to_owned(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: Uuid::now_v7().to_string(),
            ver: token_version,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(format!("signing token: {e}")))?;
        Ok(IssuedToken { token, expires_at })
    }

    fn verify_access(&self, token: &str) -> Result<AccessClaims, AppError> {
        let invalid = |reason: &str| AppError::Unauthorized(format!("Invalid or expired access token ({reason})"));
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => invalid("expired"),
            _ => invalid("malformed or bad signature"),
        })?;
        let claims = data.claims;
        Ok(AccessClaims {
            user_id: claims.sub.parse().map_err(|_| invalid("bad subject"))?,
            role: claims.role.parse().map_err(|_| invalid("bad role"))?,
            token_id: claims.jti.parse().map_err(|_| invalid("bad token id"))?,
            token_version: claims.ver,
            issued_at: timestamp(claims.iat)?,
            expires_at: timestamp(claims.exp)?,
        })
    }

    fn new_refresh_token(&self) -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn successor_refresh_token(&self, token: &str) -> String {
        URL_SAFE_NO_PAD.encode(hmac(&self.successor_key, token.as_bytes()))
    }

    fn hash_refresh_token(&self, token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> JwtIssuer {
        JwtIssuer::new(&[7u8; 32], Duration::minutes(15)).unwrap()
    }

    #[test]
    fn round_trips_claims() {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let token = issuer().issue_access(id, Role::Manager, 3, now).unwrap();
        let claims = issuer().verify_access(&token.token).unwrap();
        assert_eq!(claims.user_id, id);
        assert_eq!(claims.role, Role::Manager);
        assert_eq!(claims.token_version, 3);
    }

    #[test]
    fn refuses_expired_tampered_and_foreign_tokens() {
        let issuer = issuer();
        let expired = issuer.issue_access(Uuid::now_v7(), Role::Sales, 0, Utc::now() - Duration::hours(1)).unwrap();
        assert!(issuer.verify_access(&expired.token).is_err());

        let good = issuer.issue_access(Uuid::now_v7(), Role::Sales, 0, Utc::now()).unwrap().token;
        let mut tampered = good.clone();
        tampered.replace_range(tampered.len() - 3.., "AAA");
        assert!(issuer.verify_access(&tampered).is_err());

        let other = JwtIssuer::new(&[9u8; 32], Duration::minutes(15)).unwrap();
        assert!(
            issuer
                .verify_access(&other.issue_access(Uuid::now_v7(), Role::Admin, 0, Utc::now()).unwrap().token)
                .is_err()
        );

        // alg: none with the same payload.
        let payload = good.split('.').nth(1).unwrap();
        let none = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#));
        assert!(issuer.verify_access(&none).is_err());
    }

    #[test]
    fn refuses_short_secrets_and_makes_distinct_refresh_tokens() {
        assert!(JwtIssuer::new(b"short", Duration::minutes(1)).is_err());
        let issuer = issuer();
        let (a, b) = (issuer.new_refresh_token(), issuer.new_refresh_token());
        assert_ne!(a, b);
        assert_eq!(issuer.hash_refresh_token(&a).len(), 64);
    }

    #[test]
    fn successors_are_deterministic_distinct_and_secret() {
        let issuer = issuer();
        let token = issuer.new_refresh_token();
        let next = issuer.successor_refresh_token(&token);
        assert_eq!(next, issuer.successor_refresh_token(&token));
        assert_eq!(next.len(), token.len(), "a successor looks like any refresh token");
        assert_ne!(next, token);
        assert_ne!(next, issuer.successor_refresh_token(&issuer.new_refresh_token()));
        let other = JwtIssuer::new(&[9u8; 32], Duration::minutes(15)).unwrap();
        assert_ne!(next, other.successor_refresh_token(&token), "another secret derives another successor");
    }
}
