//! Files on the local disk under one root directory.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::media::FileStorage;

/// `FileStorage` on a local directory. Writes go to a temporary file in the same directory, are flushed to disk,
/// then renamed over the key, so a crash or a full disk never leaves a half-written file under a key.
#[derive(Debug, Clone)]
pub struct LocalDiskStorage {
    root: PathBuf,
}

impl LocalDiskStorage {
    /// Storage rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The path of a key, or `None` when the key would leave the root.
    fn path_of(&self, key: &str) -> Option<PathBuf> {
        let relative = Path::new(key);
        let safe =
            !key.is_empty() && !key.contains('\0') && relative.components().all(|c| matches!(c, Component::Normal(_)));
        safe.then(|| self.root.join(relative))
    }
}

fn unavailable(key: &str, err: std::io::Error) -> AppError {
    tracing::error!(%key, error = %err, "file storage failed");
    AppError::Unavailable("file storage unavailable".into())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("key has no directory"))?;
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile_in(dir)?;
    let result = temp.1.write_all(bytes).and_then(|()| temp.1.sync_all()).and_then(|()| std::fs::rename(&temp.0, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp.0);
    }
    result
}

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = dir.join(format!(".upload-{}.tmp", uuid::Uuid::new_v4()));
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    Ok((path, file))
}

#[async_trait]
impl FileStorage for LocalDiskStorage {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        let path = self.path_of(key).ok_or_else(|| AppError::BadRequest("invalid storage key".into()))?;
        let owned_key = key.to_owned();
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes))
            .await
            .map_err(|e| AppError::Internal(format!("storage task failed: {e}")))?
            .map_err(|e| unavailable(&owned_key, e))
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AppError> {
        let Some(path) = self.path_of(key) else { return Ok(None) };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) if err.kind() == std::io::ErrorKind::IsADirectory => Ok(None),
            Err(err) => Err(unavailable(key, err)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), AppError> {
        let Some(path) = self.path_of(key) else { return Ok(()) };
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(unavailable(key, err)),
        }
    }

    async fn delete_folder(&self, folder: &str) -> Result<(), AppError> {
        let Some(path) = self.path_of(folder.trim_end_matches('/')) else { return Ok(()) };
        match tokio::fs::remove_dir_all(&path).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(unavailable(folder, err)),
        }
    }
}
