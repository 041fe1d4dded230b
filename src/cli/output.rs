//! The one place where `refs --write`, `convert` and `redact` write files: standard output for
//! `-`; an existing file through the shared write path ([`crate::writer::file::replace`]: verified,
//! atomic, keeping owner, mode and hard links, refusing read-only files); a new file as a
//! temporary file in the same directory renamed into place.

use std::io::Write;
use std::path::Path;

/// Write `bytes` to `target` (`-` is standard output, `out`). `original` is what tsq read from
/// `target` when it rewrites the file it read: the write is refused if the file changed since.
pub(crate) fn write_to(target: &Path, original: Option<&[u8]>, bytes: &[u8], out: &mut dyn Write) -> std::io::Result<()> {
    if target.as_os_str() == "-" {
        return out.write_all(bytes);
    }
    if target.exists() {
        let current;
        let original = match original {
            Some(o) => o,
            None => {
                current = std::fs::read(target)?;
                &current
            }
        };
        return crate::writer::file::replace(target, original, bytes).map(|_| ()).map_err(std::io::Error::other);
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}
