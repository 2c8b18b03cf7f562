//! File storage adapters.

mod local_disk;

pub use local_disk::LocalDiskStorage;
