//! bcrypt behind the `PasswordHasher` port.

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::users::PasswordHasher;
use leadscore_domain::users::Password;

use crate::InfraError;

/// bcrypt with a configurable cost. Hashing runs on the blocking pool: at cost 12 it takes ~250 ms of CPU.
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

    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AppError> {
        let (plain, hash) = (password.to_owned(), hash.to_owned());
        Ok(blocking(move || bcrypt::verify(plain, &hash).unwrap_or(false)).await?)
    }

    async fn verify_dummy(&self, password: &str) {
        let _ = self.verify(password, &self.dummy_hash.clone()).await;
    }
}
