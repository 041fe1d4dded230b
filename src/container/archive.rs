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
    let mut sequences = Vec::new();
    let mut failed = Vec::new();
    let mut shipped = Vec::new();
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
        let too_large =
            || archive_error(&display, format!("the archive member is larger than {} MiB and was not read", ARCHIVE_MEMBER_LIMIT >> 20));
        // The declared size is checked first; the read is bounded too, since the header can lie.
        if member.size() > ARCHIVE_MEMBER_LIMIT {
            failed.push(too_large());
            continue;
        }
        let mut data = Vec::new();
        if let Err(e) = member.by_ref().take(ARCHIVE_MEMBER_LIMIT + 1).read_to_end(&mut data) {
            failed.push(archive_error(&display, format!("the archive member cannot be read: {e}")));
            continue;
        }
        if data.len() as u64 > ARCHIVE_MEMBER_LIMIT {
            failed.push(too_large());
            continue;
        }
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

/// The identity of a dependency object, read from its `object.xml`.
pub(super) fn shipped_object(class: &str, display: &str, data: &[u8]) -> Option<Shipped> {
    let text = std::str::from_utf8(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)).ok()?;
    let inst = cim::read_instance(text).ok()?;
    let get = |n: &str| inst.package.value(n).map(|v| v.text().into_owned()).filter(|s| !s.is_empty());
    let id = get("PackageID").or_else(|| get("CI_UniqueID")).or_else(|| get("ModelName"))?;
    let name = get("Name").or_else(|| get("LocalizedDisplayName")).unwrap_or_default();
    Some(Shipped { class: class.to_owned(), id, name, path: display.to_owned() })
}
