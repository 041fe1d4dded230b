//! The one place where `refs --write`, `convert` and `redact` write files: standard output for
//! `-`, otherwise an atomic write (a temporary file in the same directory, renamed over the
//! target; an existing file keeps its permissions, through [`super::fmt::replace`]).

use std::io::Write;
use std::path::Path;

/// Write `bytes` to `target` (`-` is standard output, `out`).
pub(crate) fn write_to(target: &Path, bytes: &[u8], out: &mut dyn Write) -> std::io::Result<()> {
    if target.as_os_str() == "-" {
        return out.write_all(bytes);
    }
    if target.exists() {
        return super::fmt::replace(target, bytes);
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
