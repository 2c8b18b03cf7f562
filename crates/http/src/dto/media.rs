//! Bodies of the upload endpoints.

use leadscore_application::media::ImageUpload;
use serde::Serialize;
use utoipa::ToSchema;

/// A stored image.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"key": "images/019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70.png", "url": "/media/images/019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70.png", "contentType": "image/png", "size": 20480}))]
pub struct UploadDto {
    /// Storage key.
    pub key: String,
    /// Where it is served (relative to the server).
    pub url: String,
    /// Detected media type.
    pub content_type: String,
    /// Size in bytes.
    pub size: usize,
}

impl From<ImageUpload> for UploadDto {
    fn from(upload: ImageUpload) -> Self {
        Self {
            url: format!("/media/{}", upload.key),
            content_type: upload.kind.mime_type().to_owned(),
            size: upload.size,
            key: upload.key,
        }
    }
}
