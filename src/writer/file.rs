//! Replacing a user's file on disk: the one write path of every command that writes.
//!
//! The caller verifies the new content first (`tsq fmt` re-parses and re-formats it); then
//! [`replace`]:
//!
//! 1. follows a symlink to its target, and refuses anything but a regular file;
//! 2. refuses a read-only file (no write permission bit set), and a file the user may not write,
//!    even where the directory would allow replacing it;
//! 3. refuses when the file no longer holds the bytes that were read (another program changed it);
//! 4. writes a **new file** in the same directory, flushes it to disk, gives it the original's mode,
//!    owner and group, and extended attributes, and renames it over the original, so that a crash
//!    or a kill at any point leaves the old file or the new one, never a mix; the directory is then
//!    flushed too;
//! 5. writes **in place** when a new file would lose something: the file has several hard links
//!    (every name must see the change), or its owner, group or an extended attribute cannot be
//!    given to a new file (an unprivileged user writing another user's group-writable file). The
//!    new content is first written beside the file, flushed, and kept there until the file itself
//!    is complete and flushed, so a kill in that window leaves a complete copy beside it.
//!
//! On every error the temporary file is removed (by `tempfile`'s drop) and the original is
//! untouched.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a file was not written.
#[derive(Debug, Error)]
pub enum FileWriteError {
    /// The path is not a regular file (a directory, a device, a dangling symlink).
    #[error("not a regular file")]
    NotAFile,
    /// The file has no write permission bit set.
    #[error("the file is read-only; it was not changed (make it writable to let tsq write it)")]
    ReadOnly,
    /// The user may not write the file.
    #[error("you do not have permission to write the file; it was not changed")]
    PermissionDenied,
    /// The file changed between reading and writing.
    #[error("the file changed since tsq read it; it was not changed (run tsq again)")]
    Changed,
    /// An I/O error, with what was being done.
    #[error("{what}: {source}")]
    Io {
        /// What failed.
        what: &'static str,
        /// The error.
        source: std::io::Error,
    },
}

fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> FileWriteError {
    move |source| FileWriteError::Io { what, source }
}

/// How a file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new file renamed over the old one (atomic).
    Replaced,
    /// The file's own bytes overwritten (hard links, or an owner that a new file cannot have).
    InPlace,
}

/// Replace the content of the file at `path` with `bytes`, if it still holds `original`.
///
/// See the module documentation for the guarantees.
pub fn replace(path: &Path, original: &[u8], bytes: &[u8]) -> Result<Written, FileWriteError> {
    let target = std::fs::canonicalize(path).map_err(io("cannot resolve the path"))?;
    let meta = std::fs::metadata(&target).map_err(io("cannot read the file's metadata"))?;
    if !meta.is_file() {
        return Err(FileWriteError::NotAFile);
    }
    if meta.permissions().readonly() {
        return Err(FileWriteError::ReadOnly);
    }
    // Opening for writing asks the kernel whether this user may write the file (the directory's
    // permission, which is what a rename needs, is not enough).
    let mut file = match OpenOptions::new().read(true).write(true).open(&target) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Err(FileWriteError::PermissionDenied),
        Err(e) => return Err(io("cannot open the file")(e)),
    };
    let mut current = Vec::with_capacity(original.len());
    file.read_to_end(&mut current).map_err(io("cannot read the file"))?;
    if current != original {
        return Err(FileWriteError::Changed);
    }
    let dir = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let tmp = new_copy(&dir, &target, bytes)?;
    if links(&meta) > 1 || !carry_over(&meta, &target, tmp.as_file(), tmp.path()) {
        overwrite(&mut file, bytes)?;
        drop(tmp);
        return Ok(Written::InPlace);
    }
    tmp.persist(&target).map_err(|e| io("cannot rename the new file over the old one")(e.error))?;
    // The rename itself is durable once the directory is flushed (not every file system can).
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(Written::Replaced)
}

/// The new content in a flushed temporary file beside `target` (`.NAME.XXXXXX.tsq-tmp`).
fn new_copy(dir: &Path, target: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, FileWriteError> {
    let name = target.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tsq-tmp")
        .tempfile_in(dir)
        .map_err(io("cannot create a temporary file in the directory"))?;
    tmp.write_all(bytes).map_err(io("cannot write the temporary file"))?;
    tmp.as_file().sync_all().map_err(io("cannot flush the temporary file"))?;
    Ok(tmp)
}

/// The number of names (hard links) of a file.
#[cfg(unix)]
fn links(meta: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

/// The number of names (hard links) of a file (not known here: one).
#[cfg(not(unix))]
const fn links(_: &Metadata) -> u64 {
    1
}

/// Give the new file the original's mode, owner and group, and extended attributes; `false` when
/// any of them cannot be given (the file is then written in place instead).
#[cfg(unix)]
fn carry_over(meta: &Metadata, target: &Path, tmp: &File, tmp_path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if tmp.set_permissions(meta.permissions()).is_err() {
        return false;
    }
    let owned = tmp.metadata().is_ok_and(|m| m.uid() == meta.uid() && m.gid() == meta.gid());
    if !owned && std::os::unix::fs::fchown(tmp, Some(meta.uid()), Some(meta.gid())).is_err() {
        return false;
    }
    // chown may clear the set-user-ID and set-group-ID bits: set the mode again.
    if tmp.set_permissions(meta.permissions()).is_err() {
        return false;
    }
    let Ok(names) = xattr::list(target) else {
        // No extended attributes on this file system.
        return true;
    };
    for name in names {
        match xattr::get(target, &name) {
            Ok(Some(value)) => {
                if xattr::set(tmp_path, &name, &value).is_err() {
                    return false;
                }
            }
            Ok(None) => {}
            Err(_) => return false,
        }
    }
    true
}

/// Give the new file the original's permissions (the read-only flag).
#[cfg(not(unix))]
fn carry_over(meta: &Metadata, _: &Path, tmp: &File, _: &Path) -> bool {
    tmp.set_permissions(meta.permissions()).is_ok()
}

/// Overwrite `file` from its start with `bytes`, cut it to their length and flush it.
fn overwrite(file: &mut File, bytes: &[u8]) -> Result<(), FileWriteError> {
    file.seek(SeekFrom::Start(0)).map_err(io("cannot write the file"))?;
    file.write_all(bytes).map_err(io("cannot write the file"))?;
    file.set_len(bytes.len() as u64).map_err(io("cannot write the file"))?;
    file.sync_all().map_err(io("cannot flush the file"))
}
