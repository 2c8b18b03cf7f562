//! File storage and image sniffing.

use std::sync::Arc;

use async_trait::async_trait;

use super::Db;
use crate::AppError;
use crate::media::{FileStorage, ImageInspector, ImageKind};

/// `FileStorage` over the shared [`Db`]'s `files`.
pub struct FakeFileStorage {
    db: Arc<Db>,
}

impl FakeFileStorage {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

/// Keys that try to leave the store name nothing.
fn escapes(key: &str) -> bool {
    key.starts_with('/') || key.split('/').any(|part| part == "..")
}

#[async_trait]
impl FileStorage for FakeFileStorage {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        if escapes(key) {
            return Err(AppError::Internal(format!("storage key {key} leaves the store")));
        }
        self.db.with(|state| state.files.insert(key.to_owned(), bytes));
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AppError> {
        if escapes(key) {
            return Ok(None);
        }
        Ok(self.db.with(|state| state.files.get(key).cloned()))
    }

    async fn delete(&self, key: &str) -> Result<(), AppError> {
        self.db.with(|state| state.files.remove(key));
        Ok(())
    }

    async fn delete_folder(&self, folder: &str) -> Result<(), AppError> {
        if escapes(folder) {
            return Ok(());
        }
        let prefix = format!("{}/", folder.trim_end_matches('/'));
        self.db.with(|state| state.files.retain(|key, _| !key.starts_with(&prefix)));
        Ok(())
    }
}

/// Knows PNG and GIF by their magic bytes and reads their declared size from the header.
#[derive(Debug, Default)]
pub struct FakeImageInspector;

impl ImageInspector for FakeImageInspector {
    fn kind(&self, bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else {
            None
        }
    }

    fn dimensions(&self, bytes: &[u8]) -> Option<(u32, u32)> {
        let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
        let le = |at: usize| Some(u32::from(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?)));
        match self.kind(bytes)? {
            ImageKind::Png => Some((be(16)?, be(20)?)),
            ImageKind::Gif => Some((le(6)?, le(8)?)),
            ImageKind::Jpeg | ImageKind::Webp => None,
        }
    }
}
