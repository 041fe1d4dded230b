//! Console export archives (`Export-CMTaskSequence`, the console's Export wizard): an OPC zip with
//! one `SMS_TaskSequencePackage/<ID>/object.xml` per task sequence and the dependency objects
//! (`SMS_Package/<ID>/object.xml`, …) that travel with it.

use super::{Loaded, Problem, cim, load_text};
use crate::container::Format;
use crate::span::Span;
use serde::Serialize;
use std::io::Read;
use std::sync::Arc;

/// The largest archive member tsq reads (a guard against zip bombs).
pub const ARCHIVE_MEMBER_LIMIT: u64 = 256 * 1024 * 1024;

/// The most bytes tsq decompresses from one archive, all members together.
pub const ARCHIVE_TOTAL_LIMIT: u64 = 256 * 1024 * 1024;

/// The most a member may expand, in decompressed bytes per compressed byte, beyond its first
/// [`ARCHIVE_RATIO_ALLOWANCE`] bytes. Real `object.xml` files deflate about 5 to 17 times; the
/// repeated markup of a zip bomb, about 1000 times.
pub const ARCHIVE_RATIO_LIMIT: u64 = 100;

/// The decompressed bytes a member may always have, whatever its compression ratio.
pub const ARCHIVE_RATIO_ALLOWANCE: u64 = 1024 * 1024;

/// A dependency object shipped in the same export archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shipped {
    /// The WMI class (`SMS_Package`, `SMS_BootImagePackage`, `SMS_ApplicationLatest`, …).
    pub class: String,
    /// Its `PackageID` (or `CI_UniqueID`/`ModelName` for applications).
    pub id: String,
    /// Its `Name` or `LocalizedDisplayName`.
    pub name: String,
    /// The member path (`archive.zip!SMS_Package/PS100019/object.xml`).
    pub path: String,
}

fn archive_error(path: &str, message: String) -> Loaded {
    Loaded { path: path.to_owned(), source: None, result: Err(Problem::syntax(message, Span::at(0))) }
}

/// Read every task sequence in an export archive; an archive without one is an
/// `unsupported-format` finding, or nothing when `quiet` (a zip met in a directory walk).
pub fn load(path: &str, bytes: &[u8], force: Option<Format>, quiet: bool) -> Vec<Loaded> {
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => return vec![archive_error(path, format!("the zip archive cannot be read: {e}"))],
    };
    // Several central-directory entries pointing at the same bytes multiply what a small archive
    // decompresses to: such an archive is refused whole.
    match zip.has_overlapping_entries() {
        Ok(false) => {}
        Ok(true) => {
            return vec![archive_error(
                path,
                "the zip archive has overlapping entries (several entries share the same bytes) and was not read".to_owned(),
            )];
        }
        Err(e) => return vec![archive_error(path, format!("the zip archive cannot be read: {e}"))],
    }
    let mut sequences = Vec::new();
    let mut failed = Vec::new();
    let mut shipped = Vec::new();
    let mut budget = ARCHIVE_TOTAL_LIMIT;
    for i in 0..zip.len() {
        let mut member = match zip.by_index(i) {
            Ok(m) => m,
            Err(e) => return vec![archive_error(path, format!("the zip archive cannot be read: {e}"))],
        };
        if member.is_dir() {
            continue;
        }
        let Ok(name) = member.name().map(|n| n.replace('\\', "/")) else { continue };
        let parts: Vec<&str> = name.split('/').collect();
        let (Some(class), Some(file)) = (parts.first(), parts.get(2)) else { continue };
        if parts.len() != 3 || !file.eq_ignore_ascii_case("object.xml") {
            continue;
        }
        let display = format!("{path}!{name}");
        let (size, compressed) = (member.size(), member.compressed_size());
        let data = match read_member(&mut member, &mut budget, size, compressed) {
            Ok(data) => data,
            Err(message) => {
                failed.push(archive_error(&display, message));
                continue;
            }
        };
        if class.eq_ignore_ascii_case("SMS_TaskSequencePackage") {
            sequences.push((display, data));
        } else if let Some(obj) = shipped_object(class, &display, &data) {
            shipped.push(obj);
        }
    }
    let mut out = failed;
    let shipped: Arc<[Shipped]> = Arc::from(shipped);
    for (display, data) in sequences {
        let mut loaded = load_text(&display, data, force);
        if let Ok(ts) = &mut loaded.result {
            ts.shipped = Arc::clone(&shipped);
        }
        out.push(loaded);
    }
    if out.is_empty() && !quiet {
        out.push(Loaded {
            path: path.to_owned(),
            source: None,
            result: Err(Problem::unsupported(
                "the zip archive holds no task sequence (no `SMS_TaskSequencePackage/<ID>/object.xml` member)",
                Span::at(0),
            )),
        });
    }
    out
}

/// Decompress one member within the limits: its own size, its compression ratio and what is left
/// of the archive's `budget` (which the member's bytes are taken from). The declared `size` is
/// checked first; the read is bounded too, since the header can lie.
fn read_member(member: &mut impl Read, budget: &mut u64, size: u64, compressed: u64) -> Result<Vec<u8>, String> {
    let ratio_limit = ARCHIVE_RATIO_ALLOWANCE.saturating_add(compressed.saturating_mul(ARCHIVE_RATIO_LIMIT));
    let limit = ARCHIVE_MEMBER_LIMIT.min(ratio_limit).min(*budget);
    let why = |n: u64| {
        if n > ARCHIVE_MEMBER_LIMIT {
            format!("the archive member is larger than {} MiB and was not read", ARCHIVE_MEMBER_LIMIT >> 20)
        } else if n > ratio_limit {
            format!("the archive member expands more than {ARCHIVE_RATIO_LIMIT} times its compressed size and was not read")
        } else {
            format!("the archive's members add up to more than {} MiB; this member was not read", ARCHIVE_TOTAL_LIMIT >> 20)
        }
    };
    if size > limit {
        return Err(why(size));
    }
    let mut data = Vec::with_capacity(usize::try_from(size.min(limit)).unwrap_or(0));
    if let Err(e) = member.take(limit + 1).read_to_end(&mut data) {
        return Err(format!("the archive member cannot be read: {e}"));
    }
    let read = data.len() as u64;
    if read > limit {
        return Err(why(read));
    }
    *budget -= read;
    Ok(data)
}

/// The identity of a dependency object, read from its `object.xml`.
pub(super) fn shipped_object(class: &str, display: &str, data: &[u8]) -> Option<Shipped> {
    let text = std::str::from_utf8(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)).ok()?;
    let inst = cim::read_instance(text).ok()?;
    let get = |n: &str| inst.package.value(n).map(|v| v.text().into_owned()).filter(|s| !s.is_empty());
    let id = get("PackageID").or_else(|| get("CI_UniqueID")).or_else(|| get("ModelName"))?;
    let name = get("Name").or_else(|| get("LocalizedDisplayName")).unwrap_or_default();
    Some(Shipped { class: class.to_owned(), id, name, path: display.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_share_the_archive_budget() {
        // A member within its own limits takes its bytes from the budget.
        let mut budget = 3 << 20;
        let data = read_member(&mut std::io::repeat(b'x').take(2 << 20), &mut budget, 2 << 20, 1 << 20).unwrap();
        assert_eq!((data.len(), budget), (2 << 20, 1 << 20));
        // The next one does not fit in what is left, whatever its header says.
        let err = read_member(&mut std::io::repeat(b'x').take(2 << 20), &mut budget, 0, 1 << 20).unwrap_err();
        assert!(err.contains("add up to more than"), "{err}");
        assert_eq!(budget, 1 << 20, "a refused member takes nothing");
        // A member expanding more than the ratio allows beyond the allowance.
        let mut budget = ARCHIVE_TOTAL_LIMIT;
        let err = read_member(&mut std::io::repeat(b'x').take(3 << 20), &mut budget, 0, 10_000).unwrap_err();
        assert!(err.contains("times its compressed size"), "{err}");
        let fine = read_member(&mut std::io::repeat(b'x').take(3 << 20), &mut budget, 3 << 20, 30_000).unwrap();
        assert_eq!(fine.len(), 3 << 20);
    }
}
