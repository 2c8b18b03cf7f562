//! Where files are kept.

use async_trait::async_trait;

use super::ImageKind;
use crate::AppError;

/// A store of files addressed by keys such as `avatars/<user>/<uuid>.png`.
#[async_trait]
pub trait FileStorage: Send + Sync {
    /// Stores `bytes` under `key`, all or nothing: a failure MUST leave no partial file under `key`. Returns
    /// `AppError::Unavailable` when the store cannot be written (full disk, permissions).
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError>;

    /// The file under `key`, or `None`. MUST return `Ok(None)` (not an error) for keys that do not exist or that
    /// try to leave the store (`..`, absolute paths).
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AppError>;

    /// Removes the file under `key`; a missing file is not an error.
    async fn delete(&self, key: &str) -> Result<(), AppError>;

    /// Removes every file whose key starts with `folder/` (e.g. `datasets/<user>`); none is not an error. MUST
    /// remove nothing outside the store for a folder that tries to leave it.
    async fn delete_folder(&self, folder: &str) -> Result<(), AppError>;
}

/// Tells what an uploaded image is from its first bytes, never decoding it.
pub trait ImageInspector: Send + Sync {
    /// The format by its magic bytes (never the file name or the declared type), or `None` for anything else.
    fn kind(&self, bytes: &[u8]) -> Option<ImageKind>;
    /// Width and height as the header declares them, or `None` when they cannot be read.
    fn dimensions(&self, bytes: &[u8]) -> Option<(u32, u32)>;
}
