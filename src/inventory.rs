//! The site inventory given with `--inventory`: the package IDs and application model names that
//! exist on the target site (formats in `docs/inventory.md`).
//!
//! Only identifier columns count: `PackageID` (packages, driver packages, OS images and upgrade
//! packages, boot images, task sequences), `ModelName` and `CI_UniqueID` (applications; a
//! `CI_UniqueID` also counts without its `/<revision>` suffix, which is the model name task
//! sequences store). Names, descriptions and paths are not identifiers: a package named like
//! another package's ID must not hide a finding.

use crate::source::SourceFile;
use std::collections::BTreeSet;
use std::path::Path;

/// The columns (CSV) or keys (JSON) that hold identifiers, compared case-insensitively.
pub const ID_COLUMNS: &[&str] = &["PackageID", "ModelName", "CI_UniqueID"];

/// Identifiers known to exist on the site, compared case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    ids: BTreeSet<String>,
}

fn norm(id: &str) -> String {
    id.trim().trim_matches('"').trim().to_ascii_uppercase()
}

impl Inventory {
    /// Whether `id` (a package ID or an application model name) exists.
    #[must_use]
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(&norm(id))
    }

    /// How many identifiers it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The identifiers, upper-cased, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// Add the identifiers of `other` (several `--inventory` files merge).
    pub fn merge(&mut self, other: Self) {
        self.ids.extend(other.ids);
    }

    fn add(&mut self, column: &str, value: &str) {
        let id = norm(value);
        if id.is_empty() {
            return;
        }
        if column.eq_ignore_ascii_case("CI_UniqueID")
            && let Some((model, revision)) = id.rsplit_once('/')
            && revision.bytes().all(|b| b.is_ascii_digit())
            && model.contains('/')
        {
            self.ids.insert(model.to_owned());
        }
        self.ids.insert(id);
    }

    /// Parse an inventory's text: a JSON array or object, a CSV file with a header naming an
    /// identifier column (`Export-Csv` output, with or without its `#TYPE` line), or a plain
    /// list of identifiers, one per line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim_start_matches('\u{feff}').trim();
        if trimmed.starts_with(['[', '{']) {
            return Self::parse_json(trimmed);
        }
        let mut lines = trimmed.lines().map(str::trim).filter(|l| !l.is_empty()).peekable();
        let typed = lines.peek().is_some_and(|l| l.starts_with("#TYPE") || l.starts_with("#type"));
        if typed {
            lines.next();
        }
        let header = lines.peek().map(|l| csv_fields(l)).unwrap_or_default();
        let id_columns: Vec<(usize, String)> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| ID_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(h)))
            .map(|(i, h)| (i, h.clone()))
            .collect();
        let mut inv = Self::default();
        if !id_columns.is_empty() {
            lines.next();
            for line in lines {
                let fields = csv_fields(line);
                for (i, column) in &id_columns {
                    if let Some(v) = fields.get(*i) {
                        inv.add(column, v);
                    }
                }
            }
            return Ok(inv);
        }
        if typed || header.len() > 1 {
            return Err(format!("the CSV inventory has no identifier column (expected one of {})", ID_COLUMNS.join(", ")));
        }
        for line in lines {
            for field in line.split([',', ';', '\t']) {
                inv.add("", field);
            }
        }
        Ok(inv)
    }

    fn parse_json(text: &str) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON inventory: {e}"))?;
        let items = match &value {
            serde_json::Value::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        let mut inv = Self::default();
        for item in items {
            match item {
                serde_json::Value::String(s) => inv.add("", s),
                serde_json::Value::Object(_) => {
                    let before = inv.len();
                    inv.add_object(item);
                    if inv.len() == before && !has_id_key(item) {
                        return Err(format!("a JSON inventory object has no identifier field (expected one of {})", ID_COLUMNS.join(", ")));
                    }
                }
                _ => return Err("a JSON inventory holds strings or objects".into()),
            }
        }
        Ok(inv)
    }

    /// The identifier fields of a JSON object, at any depth (`ConvertTo-Json` of a ConfigMgr
    /// result object may nest the WMI properties).
    fn add_object(&mut self, value: &serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match v {
                        serde_json::Value::String(s) if ID_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(k)) => self.add(k, s),
                        serde_json::Value::Object(_) | serde_json::Value::Array(_) => self.add_object(v),
                        _ => {}
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| self.add_object(i)),
            _ => {}
        }
    }

    /// Read an inventory file (UTF-8 with or without a BOM, UTF-16LE/BE with a BOM).
    pub fn load(path: &Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read inventory {}: {e}", path.display()))?;
        let source = SourceFile::decode(path.display().to_string(), bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&source.text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Read and merge several inventory files; `None` when there are none.
    pub fn load_all(paths: &[std::path::PathBuf]) -> Result<Option<Self>, String> {
        let mut out: Option<Self> = None;
        for p in paths {
            let inv = Self::load(p)?;
            match &mut out {
                Some(o) => o.merge(inv),
                None => out = Some(inv),
            }
        }
        Ok(out)
    }
}

/// Whether a JSON object has an identifier key anywhere (an empty value is still an answer).
fn has_id_key(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| ID_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(k)) || has_id_key(v)),
        serde_json::Value::Array(items) => items.iter().any(has_id_key),
        _ => false,
    }
}

/// The fields of one CSV line: comma-separated, `"…"` quoting with `""` for a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field).trim().to_owned()),
            _ => field.push(c),
        }
    }
    out.push(field.trim().to_owned());
    out
}

#[cfg(test)]
mod tests {
    use super::Inventory;

    const APP: &str = "ScopeId_11111111-2222-3333-4444-555555555555/Application_aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    #[test]
    fn json_strings_objects_and_a_single_object() -> Result<(), String> {
        let inv = Inventory::parse(r#"[" cm100031 ", {"PackageID": "CM100044", "Name": "Tools", "Size": 12}]"#)?;
        assert!(inv.contains("CM100031") && inv.contains("cm100044"));
        assert!(!inv.contains("tools"), "names are not identifiers");
        assert_eq!(inv.len(), 2);
        let one = Inventory::parse(r#"{"PackageID": "CM100044", "Name": "CM100031"}"#)?;
        assert_eq!(one.ids().collect::<Vec<_>>(), ["CM100044"]);
        Ok(())
    }

    #[test]
    fn csv_reads_only_identifier_columns() -> Result<(), String> {
        let csv = format!(
            "#TYPE IResultObject#SMS_Application\r\n\"LocalizedDisplayName\",\"CI_UniqueID\",\"ModelName\",\"PackageID\"\r\n\"CM100099, the \"\"big\"\" one\",\"{APP}/3\",\"{APP}\",\"\"\r\n\"Tools\",\"\",\"\",\"CM100031\"\r\n"
        );
        let inv = Inventory::parse(&csv)?;
        assert!(inv.contains(APP) && inv.contains(&format!("{APP}/3")) && inv.contains("CM100031"));
        assert!(!inv.contains("CM100099") && !inv.contains("Tools"));
        assert_eq!(inv.len(), 3);
        Ok(())
    }

    #[test]
    fn plain_lists_and_errors() {
        let inv = Inventory::parse("\u{feff}CM100031\n\n cm100044 \n");
        assert!(inv.is_ok_and(|i| i.contains("CM100044") && i.len() == 2));
        assert!(Inventory::parse("[\"CM100031\"").is_err());
        assert!(Inventory::parse("[1, 2]").is_err());
        assert!(Inventory::parse("{\"Name\": \"Tools\"}").is_err(), "an object without an identifier field");
        assert!(Inventory::parse("Name,Size\nTools,12\n").is_err(), "a CSV without an identifier column");
        assert!(Inventory::parse("").is_ok_and(|i| i.is_empty()));
    }
}
