//! Images uploaded by users (avatars, S0's uploads module) and the file-storage port behind them.

mod ports;
mod service;

pub use ports::{FileStorage, ImageInspector};
pub use service::{ImageKind, ImageUpload, MediaService};
