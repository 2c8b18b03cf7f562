//! bcrypt behind the `PasswordHasher` port.

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::users::PasswordHasher;
use leadscore_domain::users::Password;

use crate::InfraError;

/// bcrypt with a configurable cost. Hashing runs on the blocking pool: at cost 12 one hash is a large fraction of a
/// second of CPU (see docs/benchmarks.md), far too long for an async worker.
#[derive(Clone)]
pub struct BcryptHasher {
    cost: u32,
    /// A real hash of a random password at the same cost, verified against when the account does not exist, so
    /// that an unknown account costs as much time as a known one.
    dummy_hash: String,
}

impl BcryptHasher {
    /// A hasher with the given cost (4..=31).
    pub fn new(cost: u32) -> Result<Self, InfraError> {
        let dummy_hash = bcrypt::hash(uuid::Uuid::new_v4().to_string(), cost)
            .map_err(|e| InfraError::Config(format!("BCRYPT_COST={cost}: {e}")))?;
        Ok(Self { cost, dummy_hash })
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))
}

#[async_trait]
impl PasswordHasher for BcryptHasher {
    async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let plain = password.expose().to_owned();
        let cost = self.cost;
        blocking(move || bcrypt::hash(plain, cost)).await?.map_err(|e| AppError::Internal(format!("bcrypt: {e}")))
    }

    /// A password bcrypt cannot tell apart from another is never a match: past 72 bytes bcrypt ignores the rest
    /// (so `<72 bytes>anything` would match), and a NUL ends its input (so `<71 bytes>\0` would too). No stored
    /// hash was made from such a password (the policy refuses them); the time of a real check is still spent.
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AppError> {
        let ambiguous = password.len() > Password::MAX_BYTES || password.contains('\0');
        let hash = if ambiguous { self.dummy_hash.clone() } else { hash.to_owned() };
        let plain = password.to_owned();
        let matched = blocking(move || bcrypt::verify(plain, &hash).unwrap_or(false)).await?;
        Ok(matched && !ambiguous)
    }

    async fn verify_dummy(&self, password: &str) {
        let _ = self.verify(password, &self.dummy_hash.clone()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn nothing_past_72_bytes_or_after_a_nul_logs_in() {
        let hasher = BcryptHasher::new(4).unwrap();
        let long = format!("A1{}", "x".repeat(70));
        let hash = hasher.hash(&Password::parse(&long, "password").unwrap()).await.unwrap();
        assert!(hasher.verify(&long, &hash).await.unwrap());
        assert!(!hasher.verify(&format!("{long}anything"), &hash).await.unwrap(), "bcrypt would ignore the tail");

        let short = format!("A1{}", "y".repeat(69));
        let hash = hasher.hash(&Password::parse(&short, "password").unwrap()).await.unwrap();
        assert!(!hasher.verify(&format!("{short}\0"), &hash).await.unwrap(), "bcrypt would stop at the NUL");
        assert!(Password::parse(&format!("{short}\0"), "password").is_err());
    }
}
