//! Image headers behind the application's `ImageInspector`: the format by magic bytes (infer), the dimensions
//! from the header (imagesize). Neither decodes the image.

use leadscore_application::media::{ImageInspector, ImageKind};

/// `ImageInspector` over infer and imagesize.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImageHeaders;

impl ImageInspector for ImageHeaders {
    fn kind(&self, bytes: &[u8]) -> Option<ImageKind> {
        match infer::get(bytes)?.mime_type() {
            "image/jpeg" => Some(ImageKind::Jpeg),
            "image/png" => Some(ImageKind::Png),
            "image/gif" => Some(ImageKind::Gif),
            "image/webp" => Some(ImageKind::Webp),
            _ => None,
        }
    }

    fn dimensions(&self, bytes: &[u8]) -> Option<(u32, u32)> {
        let size = imagesize::blob_size(bytes).ok()?;
        Some((u32::try_from(size.width).ok()?, u32::try_from(size.height).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic_bytes_only() {
        let kind = |bytes: &[u8]| ImageHeaders.kind(bytes);
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageKind::Png));
        assert_eq!(kind(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(ImageKind::Jpeg));
        assert_eq!(kind(b"GIF89a\x01\0\x01\0"), Some(ImageKind::Gif));
        assert_eq!(kind(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(kind(b"<?php echo 'png'; ?>"), None);
        assert_eq!(kind(b"%PDF-1.7"), None);
    }

    #[test]
    fn reads_dimensions_from_the_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(100_000u32.to_be_bytes());
        png.extend(7u32.to_be_bytes());
        png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(ImageHeaders.dimensions(&png), Some((100_000, 7)));
        assert_eq!(ImageHeaders.dimensions(b"\x89PNG\r\n\x1a\n"), None);
    }
}
