//! Reading a file on disk with the layout around it: a task sequence in an unzipped console
//! export gets the export's dependency objects, one in an MDT deployment share gets the share's
//! catalogue, and a file met in a directory walk that is not a task sequence is skipped after
//! reading only its start.

use super::mdt_share::{self, Share};
use super::{Format, Loaded, Shipped, archive, folder, load_text, root_name};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// How much of a walked file is read to find its root element before deciding to read the rest.
const SNIFF_BYTES: u64 = 16 * 1024;

type Slots<T> = Mutex<HashMap<PathBuf, Arc<OnceLock<T>>>>;

/// A share's catalogue and the findings on its control files, which go to the first sequence
/// that asks (so that they are reported once).
struct ShareEntry {
    share: Arc<Share>,
    problems: Mutex<Vec<Loaded>>,
}

/// The export folders and deployment shares read so far in a run: each is read once, even when
/// the files in it are checked in parallel.
#[derive(Default)]
pub struct LayoutCache {
    exports: Slots<Arc<[Shipped]>>,
    shares: Slots<ShareEntry>,
}

impl std::fmt::Debug for LayoutCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayoutCache").finish_non_exhaustive()
    }
}

fn slot<T>(slots: &Slots<T>, dir: &Path) -> Arc<OnceLock<T>> {
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut map = slots.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(map.entry(key).or_default())
}

impl LayoutCache {
    /// The dependency objects of the export folder at `root` (printed as `display`).
    fn shipped(&self, root: &Path, display: &str) -> Arc<[Shipped]> {
        let cell = slot(&self.exports, root);
        Arc::clone(cell.get_or_init(|| folder::shipped(root, display)))
    }

    /// The catalogue of the share whose `Control` folder is `control`, and the findings on its
    /// control files if nobody has taken them yet.
    fn share(&self, control: &Path, display: &str) -> (Arc<Share>, Vec<Loaded>) {
        let cell = slot(&self.shares, control);
        let entry = cell.get_or_init(|| {
            let (share, problems) = Share::load(control, display);
            ShareEntry { share: Arc::new(share), problems: Mutex::new(problems) }
        });
        let problems = std::mem::take(&mut *entry.problems.lock().unwrap_or_else(PoisonError::into_inner));
        (Arc::clone(&entry.share), problems)
    }
}

/// Whether the root element of `text` is a task-sequence container (`<sequence>`,
/// `<SmsTaskSequencePackage>`, `<INSTANCE CLASSNAME="SMS_TaskSequencePackage">`); `None` when
/// `text` ends before that can be told.
#[must_use]
pub fn is_task_sequence_root(text: &str) -> Option<bool> {
    let (name, at) = root_name(text)?;
    match name {
        "sequence" | "SmsTaskSequencePackage" => Some(true),
        "INSTANCE" => {
            let tag = text.get(at..)?;
            let tag = tag.get(..tag.find('>')?)?;
            let class = tag.split_once("CLASSNAME").and_then(|(_, rest)| {
                let rest = rest.trim_start().strip_prefix('=')?.trim_start();
                let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                rest.get(1..)?.split(quote).next()
            });
            Some(class == Some("SMS_TaskSequencePackage"))
        }
        _ => Some(false),
    }
}

/// Decode the start of a file well enough to find its root element.
fn sniff_text(bytes: &[u8]) -> String {
    let utf16 = |body: &[u8], le: bool| {
        let units = body.chunks_exact(2).map(|c| match c {
            [a, b] if le => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0,
        });
        char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
    };
    match bytes {
        [0xFF, 0xFE, body @ ..] => utf16(body, true),
        [0xFE, 0xFF, body @ ..] => utf16(body, false),
        [0xEF, 0xBB, 0xBF, body @ ..] => String::from_utf8_lossy(body).into_owned(),
        body => String::from_utf8_lossy(body).into_owned(),
    }
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The bytes of a walked file if it may hold a task sequence (a zip, XML whose root element is
/// a task-sequence container, or text with no element at all); `None` to skip it. Reads only the
/// start of other files.
fn read_if_task_sequence(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.by_ref().take(SNIFF_BYTES).read_to_end(&mut bytes)?;
    let whole = (bytes.len() as u64) < SNIFF_BYTES;
    if !is_zip(&bytes) && is_task_sequence_root(&sniff_text(&bytes)) == Some(false) {
        return Ok(None);
    }
    if !whole {
        file.read_to_end(&mut bytes)?;
    }
    // A file with no root element at all is not well-formed XML: it is read, and reported as
    // `xml-syntax` (the entity-escaped sequences of some Community Hub uploads look like this).
    if !is_zip(&bytes) && is_task_sequence_root(&sniff_text(&bytes)) == Some(false) {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// Whether a file met in a directory walk may hold a task sequence (see [`load_path`]); a file
/// that cannot be read counts as one, so that reading it reports why.
#[must_use]
pub fn walked_file_has_task_sequence(path: &Path) -> bool {
    read_if_task_sequence(path).map_or(true, |b| b.is_some())
}

/// `display` without its last `n` `/`-separated components.
fn parent_display(display: &str, n: usize) -> String {
    let mut s = display;
    for _ in 0..n {
        s = s.rsplit_once('/').map_or("", |(head, _)| head);
    }
    s.to_owned()
}

/// Read the file at `path` (printed as `display`): a file met in a directory walk (`walked`)
/// that is not a task sequence is skipped (`Ok(None)`) after reading only its start, unless
/// `force` names a format. `Err` is why the file cannot be read.
pub fn read_path(path: &Path, display: &str, walked: bool, force: Option<Format>) -> Result<Option<Vec<u8>>, String> {
    let read_error = |e: std::io::Error| format!("{display}: cannot read the file: {e}");
    if walked && force.is_none() {
        read_if_task_sequence(path).map_err(read_error)
    } else {
        std::fs::read(path).map(Some).map_err(read_error)
    }
}

/// Load `bytes`, the contents of `path` (printed as `display`), with the layout around it: an
/// archive gives one entry per task sequence; a sequence in an unzipped export gets the export's
/// dependency objects; one in an MDT share gets the share's catalogue (and a broken control file
/// is reported once). An archive met in a walk (`walked`) that holds no task sequence gives
/// nothing.
#[must_use]
pub fn load_in_layout(path: &Path, display: &str, bytes: Vec<u8>, walked: bool, force: Option<Format>, cache: &LayoutCache) -> Vec<Loaded> {
    if is_zip(&bytes) {
        return archive::load(display, &bytes, force, walked && force.is_none());
    }
    let mut loaded = load_text(display, bytes, force);
    let mut problems = Vec::new();
    if let Ok(ts) = &mut loaded.result {
        if let Some(root) = folder::export_root(path) {
            ts.shipped = cache.shipped(&root, &parent_display(display, 3));
        }
        if let Some(control) = mdt_share::control_dir(path) {
            let (share, found) = cache.share(&control, &parent_display(display, 2));
            ts.share = Some(share);
            problems = found;
        }
    }
    let mut out = vec![loaded];
    out.extend(problems);
    out
}

/// [`read_path`] then [`load_in_layout`]: the file at `path` with its layout (`explicit`: named
/// on the command line rather than met in a walk).
pub fn load_path(path: &Path, display: &str, explicit: bool, force: Option<Format>, cache: &LayoutCache) -> Result<Vec<Loaded>, String> {
    Ok(match read_path(path, display, !explicit, force)? {
        Some(bytes) => load_in_layout(path, display, bytes, !explicit, force, cache),
        None => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::{is_task_sequence_root, parent_display, sniff_text};

    #[test]
    fn roots() {
        assert_eq!(is_task_sequence_root("<?xml version=\"1.0\"?><!-- c --><sequence version=\"3.10\">"), Some(true));
        assert_eq!(is_task_sequence_root("<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\">"), Some(true));
        assert_eq!(is_task_sequence_root("<INSTANCE CLASSNAME='SMS_Package'>"), Some(false));
        assert_eq!(is_task_sequence_root("<INSTANCE CLASSNAME=\"SMS_Pa"), None);
        assert_eq!(is_task_sequence_root("\u{feff}<LibraryDocument xmlns:xsi=\"x\">"), Some(false));
        assert_eq!(is_task_sequence_root("<?xml version="), None);
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("<tss><ts/>".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(is_task_sequence_root(&sniff_text(&utf16)), Some(false));
    }

    #[test]
    fn parents() {
        assert_eq!(parent_display("a/b/SMS_TaskSequencePackage/X/object.xml", 3), "a/b");
        assert_eq!(parent_display("SMS_TaskSequencePackage/X/object.xml", 3), "");
        assert_eq!(parent_display("s/Control/X/ts.xml", 2), "s/Control");
    }
}
