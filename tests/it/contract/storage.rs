//! `FileStorage`: the local-disk adapter (not a database adapter, so plain tests on a temporary directory).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use leadscore_application::AppError;
use leadscore_application::media::FileStorage;
use leadscore_infrastructure::storage::LocalDiskStorage;
use tempfile::TempDir;

/// A temporary directory and a storage rooted at `<dir>/files` (not created yet: the store creates it on first
/// write), so that files escaping the root would land in `<dir>` where a test can see them.
fn storage() -> (TempDir, LocalDiskStorage) {
    let dir = tempfile::tempdir().unwrap();
    let storage = LocalDiskStorage::new(dir.path().join("files"));
    (dir, storage)
}

/// Every file under `dir`, recursively, relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn put_get_delete_round_trip() {
    let (_dir, storage) = storage();
    let key = "avatars/0190a8f4-0000-7000-8000-000000000001/0190a8f4-0000-7000-8000-000000000002.png";
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();

    storage.put(key, bytes.clone()).await.unwrap();
    assert_eq!(storage.get(key).await.unwrap(), Some(bytes));
    storage.delete(key).await.unwrap();
    assert_eq!(storage.get(key).await.unwrap(), None);
}

#[tokio::test]
async fn empty_files_are_files() {
    let (_dir, storage) = storage();
    storage.put("empty.bin", Vec::new()).await.unwrap();
    assert_eq!(storage.get("empty.bin").await.unwrap(), Some(Vec::new()));
}

#[tokio::test]
async fn keys_are_independent() {
    let (_dir, storage) = storage();
    storage.put("a/one.txt", b"one".to_vec()).await.unwrap();
    storage.put("a/two.txt", b"two".to_vec()).await.unwrap();
    storage.put("b/one.txt", b"other one".to_vec()).await.unwrap();

    storage.delete("a/one.txt").await.unwrap();
    assert_eq!(storage.get("a/one.txt").await.unwrap(), None);
    assert_eq!(storage.get("a/two.txt").await.unwrap(), Some(b"two".to_vec()));
    assert_eq!(storage.get("b/one.txt").await.unwrap(), Some(b"other one".to_vec()));
}

#[tokio::test]
async fn get_of_a_missing_key_is_none() {
    let (_dir, storage) = storage();
    assert_eq!(storage.get("avatars/missing.png").await.unwrap(), None, "before the root even exists");
    storage.put("avatars/present.png", b"x".to_vec()).await.unwrap();
    assert_eq!(storage.get("avatars/missing.png").await.unwrap(), None);
    assert_eq!(storage.get("nowhere/missing.png").await.unwrap(), None);
    assert_eq!(storage.get("avatars").await.unwrap(), None, "a directory is not a file");
}

#[tokio::test]
async fn delete_of_a_missing_key_is_ok() {
    let (_dir, storage) = storage();
    storage.delete("avatars/missing.png").await.unwrap();
    storage.put("avatars/present.png", b"x".to_vec()).await.unwrap();
    storage.delete("avatars/missing.png").await.unwrap();
    storage.delete("avatars/present.png").await.unwrap();
    storage.delete("avatars/present.png").await.unwrap();
}

#[tokio::test]
async fn put_overwrites() {
    let (dir, storage) = storage();
    storage.put("doc.txt", b"a much longer first version".to_vec()).await.unwrap();
    storage.put("doc.txt", b"short".to_vec()).await.unwrap();
    assert_eq!(storage.get("doc.txt").await.unwrap(), Some(b"short".to_vec()), "no tail of the old content is left");
    assert_eq!(files_under(dir.path()), ["files/doc.txt"], "no temporary files are left behind");
}

#[tokio::test]
async fn keys_that_leave_the_store_are_refused() {
    let (dir, storage) = storage();
    storage.put("inside.txt", b"inside".to_vec()).await.unwrap();
    // A file just outside the root, and one somewhere else entirely, that escaping keys would reach.
    std::fs::write(dir.path().join("secret.txt"), b"secret").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let absolute = elsewhere.path().join("absolute.txt");
    std::fs::write(&absolute, b"absolute").unwrap();
    let absolute = absolute.to_str().unwrap().to_owned();

    let escaping = ["../secret.txt", "a/../../secret.txt", "files/../../secret.txt", "..", "", absolute.as_str()];
    for key in escaping {
        assert_eq!(storage.get(key).await.unwrap(), None, "get({key:?}) must be Ok(None)");
    }
    assert_eq!(storage.get("/etc/hostname").await.unwrap(), None, "an absolute path outside everything");

    for key in
        ["../escaped.txt", "a/../../escaped.txt", "..", "", "/", elsewhere.path().join("put.txt").to_str().unwrap()]
    {
        assert!(storage.put(key, b"evil".to_vec()).await.is_err(), "put({key:?}) must fail");
    }
    assert!(!dir.path().join("escaped.txt").exists());
    assert!(!elsewhere.path().join("put.txt").exists());

    for key in ["../secret.txt", absolute.as_str(), "", ".."] {
        let _ = storage.delete(key).await; // whatever it answers, it must not delete outside the store
    }
    assert_eq!(std::fs::read(dir.path().join("secret.txt")).unwrap(), b"secret");
    assert_eq!(std::fs::read(&absolute).unwrap(), b"absolute");
    assert_eq!(storage.get("inside.txt").await.unwrap(), Some(b"inside".to_vec()));
    assert_eq!(files_under(dir.path()), ["files/inside.txt", "secret.txt"]);
}

#[tokio::test]
async fn put_where_the_root_cannot_be_created_is_unavailable() {
    // The root path is a regular file, so no directory can be made there (this holds even for root).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("files");
    std::fs::write(&root, b"not a directory").unwrap();
    let storage = LocalDiskStorage::new(&root);

    let result = storage.put("avatars/a.png", b"png".to_vec()).await;
    assert!(matches!(result, Err(AppError::Unavailable(_))), "expected Unavailable, got {result:?}");
    let result = storage.put("top.png", b"png".to_vec()).await;
    assert!(matches!(result, Err(AppError::Unavailable(_))), "expected Unavailable, got {result:?}");
    assert_eq!(files_under(dir.path()), ["files"], "nothing else is written");
    assert_eq!(std::fs::read(&root).unwrap(), b"not a directory");
}

#[tokio::test]
async fn put_into_a_read_only_root_is_unavailable() {
    let (dir, storage) = storage();
    let root = dir.path().join("files");
    std::fs::create_dir(&root).unwrap();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o500)).unwrap();
    if std::fs::write(root.join("probe"), b"").is_ok() {
        // Running as root (CAP_DAC_OVERRIDE): permissions are not enforced; the regular-file case above covers this.
        eprintln!("SKIPPED: permissions are not enforced for this user");
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700)).unwrap();
        return;
    }

    let result = storage.put("top.png", b"png".to_vec()).await;
    assert!(matches!(result, Err(AppError::Unavailable(_))), "expected Unavailable, got {result:?}");
    assert!(files_under(dir.path()).is_empty(), "no stray files: {:?}", files_under(dir.path()));
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[tokio::test]
async fn a_failed_put_leaves_no_partial_or_temporary_file() {
    // The key's place is taken by a non-empty directory: the temporary file can be written but not renamed over it.
    let (dir, storage) = storage();
    let root = dir.path().join("files");
    std::fs::create_dir_all(root.join("avatars/taken.png/inner")).unwrap();
    std::fs::write(root.join("avatars/taken.png/inner/keep.txt"), b"keep").unwrap();

    let result = storage.put("avatars/taken.png", b"new content".to_vec()).await;
    assert!(matches!(result, Err(AppError::Unavailable(_))), "expected Unavailable, got {result:?}");
    assert_eq!(files_under(dir.path()), ["files/avatars/taken.png/inner/keep.txt"], "no temporary file is left behind");
    assert_eq!(storage.get("avatars/taken.png").await.unwrap(), None);
}
