//! Checking and storing images.

use std::sync::Arc;

use uuid::Uuid;

use super::FileStorage;
use crate::AppError;

/// The image formats accepted, decided by magic bytes, never by file name or declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// GIF.
    Gif,
    /// WebP.
    Webp,
}

impl ImageKind {
    /// Detects the format from the first bytes of the file.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match infer::get(bytes)?.mime_type() {
            "image/jpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/gif" => Some(Self::Gif),
            "image/webp" => Some(Self::Webp),
            _ => None,
        }
    }

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
    max_image_bytes: usize,
    max_image_pixels: u64,
}

impl MediaService {
    /// Largest image accepted by default: 5 MB.
    pub const DEFAULT_MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
    /// Largest image accepted by default: 40 megapixels (a 7,680 × 5,120 photo). A 5 MB PNG can declare
    /// 100,000 × 100,000 pixels, 40 GB once decoded by whoever shows it.
    pub const DEFAULT_MAX_IMAGE_PIXELS: u64 = 40_000_000;

    /// Wires the service to its storage.
    pub fn new(storage: Arc<dyn FileStorage>, max_image_bytes: usize, max_image_pixels: u64) -> Self {
        Self { storage, max_image_bytes, max_image_pixels }
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
        let kind = ImageKind::sniff(&bytes)
            .ok_or_else(|| AppError::UnsupportedMediaType("file must be a JPEG, PNG, GIF or WebP image".into()))?;
        check_dimensions(&bytes, self.max_image_pixels)?;
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
fn check_dimensions(bytes: &[u8], max_pixels: u64) -> Result<(), AppError> {
    let size = imagesize::blob_size(bytes)
        .map_err(|_| AppError::field("file", "is not a readable image: its dimensions cannot be read"))?;
    let pixels = (size.width as u64).saturating_mul(size.height as u64);
    if size.width == 0 || size.height == 0 {
        return Err(AppError::field("file", "is an image without pixels"));
    }
    if pixels > max_pixels {
        return Err(AppError::PayloadTooLarge(format!(
            "image is {} x {} pixels, more than {} pixels",
            size.width, size.height, max_pixels
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic_bytes_only() {
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"GIF89a\x01\0\x01\0"), Some(ImageKind::Gif));
        assert_eq!(ImageKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(ImageKind::sniff(b"<?php echo 'png'; ?>"), None);
        assert_eq!(ImageKind::sniff(b"%PDF-1.7"), None);
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn refuses_images_that_declare_too_many_pixels() {
        assert!(check_dimensions(&png(7_680, 5_120), 40_000_000).is_ok());
        let bomb = check_dimensions(&png(100_000, 100_000), 40_000_000).unwrap_err();
        assert!(matches!(bomb, AppError::PayloadTooLarge(m) if m.contains("100000 x 100000")));
        assert!(matches!(check_dimensions(&png(0, 10), 40_000_000), Err(AppError::Validation(_))));
        assert!(matches!(check_dimensions(b"\x89PNG\r\n\x1a\n", 40_000_000), Err(AppError::Validation(_))));
    }
}
