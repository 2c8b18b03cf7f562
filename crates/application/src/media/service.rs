//! Checking and storing images.

use std::sync::Arc;

use uuid::Uuid;

use super::{FileStorage, ImageInspector};
use crate::AppError;

/// The image formats accepted, decided by magic bytes, never by file name or declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    /// WebP.
    Webp,
}

impl ImageKind {
    /// File extension used in storage keys.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    /// The media type served back.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }

    /// The kind of a stored key, from its extension.
    pub fn from_key(key: &str) -> Option<Self> {
        match key.rsplit_once('.')?.1 {
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "gif" => Some(Self::Gif),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }
}

/// A stored image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUpload {
    /// Storage key.
    pub key: String,
    /// Detected format.
    pub kind: ImageKind,
    /// Size in bytes.
    pub size: usize,
}

/// Validates and stores images.
#[derive(Clone)]
pub struct MediaService {
    storage: Arc<dyn FileStorage>,
    inspector: Arc<dyn ImageInspector>,
    max_image_bytes: usize,
    max_image_pixels: u64,
}

impl MediaService {
    /// Largest image accepted by default: 5 MB.
    pub const DEFAULT_MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
    /// Largest image accepted by default: 40 megapixels (a 7,680 × 5,120 photo). A 5 MB PNG can declare
    /// 100,000 × 100,000 pixels, 40 GB once decoded by whoever shows it.
    pub const DEFAULT_MAX_IMAGE_PIXELS: u64 = 40_000_000;

    /// Wires the service to its storage and its image inspector.
    pub fn new(
        storage: Arc<dyn FileStorage>,
        inspector: Arc<dyn ImageInspector>,
        max_image_bytes: usize,
        max_image_pixels: u64,
    ) -> Self {
        Self { storage, inspector, max_image_bytes, max_image_pixels }
    }

    /// Largest image accepted.
    pub fn max_image_bytes(&self) -> usize {
        self.max_image_bytes
    }

    /// Checks size and format, then stores the image under `<prefix>/<uuid>.<ext>`.
    pub async fn store_image(&self, prefix: &str, bytes: Vec<u8>) -> Result<ImageUpload, AppError> {
        if bytes.len() > self.max_image_bytes {
            return Err(AppError::PayloadTooLarge(format!("image is larger than {} bytes", self.max_image_bytes)));
        }
        if bytes.is_empty() {
            return Err(AppError::field("file", "must not be empty"));
        }
        let kind = self
            .inspector
            .kind(&bytes)
            .ok_or_else(|| AppError::UnsupportedMediaType("file must be a JPEG, PNG, GIF or WebP image".into()))?;
        check_dimensions(self.inspector.dimensions(&bytes), self.max_image_pixels)?;
        let key = format!("{prefix}/{}.{}", Uuid::now_v7(), kind.extension());
        let size = bytes.len();
        self.storage.put(&key, bytes).await?;
        Ok(ImageUpload { key, kind, size })
    }

    /// Stores an image uploaded through the generic upload endpoint.
    pub async fn upload(&self, bytes: Vec<u8>) -> Result<ImageUpload, AppError> {
        self.store_image("images", bytes).await
    }

    /// A stored image and its type, for serving.
    pub async fn fetch(&self, key: &str) -> Result<(Vec<u8>, ImageKind), AppError> {
        let not_found = || AppError::NotFound("Media not found".into());
        // Keys this service makes are `<prefix>/<uuid>.<ext>`: anything else (a NUL, `..`, odd bytes) names
        // nothing, and must not reach the storage, which would fail on it.
        let well_formed = key.len() <= 256
            && key.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            });
        if !well_formed {
            return Err(not_found());
        }
        let kind = ImageKind::from_key(key).ok_or_else(not_found)?;
        let bytes = self.storage.get(key).await?.ok_or_else(not_found)?;
        Ok((bytes, kind))
    }

    /// Removes a stored image; failures are logged, not raised, since the caller's change already happened.
    pub async fn remove(&self, key: &str) {
        if let Err(err) = self.storage.delete(key).await {
            tracing::warn!(%key, error = %err, "could not remove stored file");
        }
    }

    /// Removes a folder of stored files (a deleted account's uploads); failures are logged, as for [`Self::remove`].
    pub async fn remove_folder(&self, folder: &str) {
        if let Err(err) = self.storage.delete_folder(folder).await {
            tracing::warn!(%folder, error = %err, "could not remove stored files");
        }
    }
}

/// Refuses an image whose header declares more pixels than the limit (413), or has no readable dimensions
/// (422): the server never decodes images, but the browsers and apps that show them do.
fn check_dimensions(dimensions: Option<(u32, u32)>, max_pixels: u64) -> Result<(), AppError> {
    let (width, height) =
        dimensions.ok_or_else(|| AppError::field("file", "is not a readable image: its dimensions cannot be read"))?;
    if width == 0 || height == 0 {
        return Err(AppError::field("file", "is an image without pixels"));
    }
    if u64::from(width).saturating_mul(u64::from(height)) > max_pixels {
        return Err(AppError::PayloadTooLarge(format!(
            "image is {width} x {height} pixels, more than {max_pixels} pixels"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_images_that_declare_too_many_pixels() {
        assert!(check_dimensions(Some((7_680, 5_120)), 40_000_000).is_ok());
        let bomb = check_dimensions(Some((100_000, 100_000)), 40_000_000).unwrap_err();
        assert!(matches!(bomb, AppError::PayloadTooLarge(m) if m.contains("100000 x 100000")));
        assert!(matches!(check_dimensions(Some((0, 10)), 40_000_000), Err(AppError::Validation(_))));
        assert!(matches!(check_dimensions(None, 40_000_000), Err(AppError::Validation(_))));
    }
}
