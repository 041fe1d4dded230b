//! Console exports unzipped into a folder: `SMS_TaskSequencePackage/<ID>/object.xml` beside
//! `SMS_Package/<ID>/object.xml` and the other dependency objects, read like the `.zip` they came
//! from (the dependency objects are the export's shipped inventory).

use super::Shipped;
use super::archive::shipped_object;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// If `file` is `<root>/SMS_TaskSequencePackage/<ID>/<name>`, the export root.
#[must_use]
pub fn export_root(file: &Path) -> Option<PathBuf> {
    let class_dir = file.parent()?.parent()?;
    let named = class_dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.eq_ignore_ascii_case("SMS_TaskSequencePackage"));
    named.then(|| class_dir.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf))
}

/// The dependency objects of the export at `root` (printed as `display`): every
/// `SMS_*/<ID>/object.xml` except the task sequences, sorted by path as a zip lists them.
#[must_use]
pub fn shipped(root: &Path, display: &str) -> Arc<[Shipped]> {
    let mut out = Vec::new();
    let dir = if root.as_os_str().is_empty() { Path::new(".") } else { root };
    let Ok(classes) = std::fs::read_dir(dir) else { return Arc::from(out) };
    let mut classes: Vec<(String, PathBuf)> = classes
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(|n| (n.to_owned(), e.path())))
        .filter(|(n, _)| n.starts_with("SMS_") && !n.eq_ignore_ascii_case("SMS_TaskSequencePackage"))
        .collect();
    classes.sort();
    for (class, class_path) in classes {
        let Ok(ids) = std::fs::read_dir(&class_path) else { continue };
        let mut ids: Vec<(String, PathBuf)> =
            ids.flatten().filter_map(|e| e.file_name().to_str().map(|n| (n.to_owned(), e.path().join("object.xml")))).collect();
        ids.sort();
        for (id, object) in ids {
            let Ok(data) = std::fs::read(&object) else { continue };
            let shown = if display.is_empty() || display == "." {
                format!("{class}/{id}/object.xml")
            } else {
                format!("{}/{class}/{id}/object.xml", display.trim_end_matches('/'))
            };
            if let Some(obj) = shipped_object(&class, &shown, &data) {
                out.push(obj);
            }
        }
    }
    Arc::from(out)
}
