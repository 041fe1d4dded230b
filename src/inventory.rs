//! The site inventory given with `--inventory`: package IDs, application CI unique IDs and names
//! that exist on the target site (format in `docs/inventory.md`).

use std::collections::HashSet;
use std::path::Path;

/// Identifiers known to exist on the site, compared case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    ids: HashSet<String>,
}

impl Inventory {
    /// Whether `id` (a package ID, an application model name or CI unique ID, or a name) exists.
    #[must_use]
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(&id.trim().to_ascii_uppercase())
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

    /// Parse an inventory: a JSON array of strings or of objects whose string fields are
    /// identifiers, or CSV/plain text with one or more identifiers per line (a header line naming
    /// columns is allowed; every field counts).
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim_start_matches('\u{feff}').trim();
        let mut ids = HashSet::new();
        if trimmed.starts_with('[') {
            let value: serde_json::Value = serde_json::from_str(trimmed).map_err(|e| format!("invalid JSON inventory: {e}"))?;
            let items = value.as_array().ok_or("a JSON inventory must be an array")?;
            for item in items {
                match item {
                    serde_json::Value::String(s) => {
                        ids.insert(s.trim().to_ascii_uppercase());
                    }
                    serde_json::Value::Object(map) => {
                        ids.extend(map.values().filter_map(serde_json::Value::as_str).map(|s| s.trim().to_ascii_uppercase()));
                    }
                    _ => return Err("a JSON inventory holds strings or objects".into()),
                }
            }
        } else {
            for line in trimmed.lines() {
                ids.extend(line.split([',', ';', '\t']).map(|f| f.trim().trim_matches('"').to_ascii_uppercase()).filter(|f| !f.is_empty()));
            }
        }
        Ok(Self { ids })
    }

    /// Read an inventory file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read inventory {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::Inventory;

    #[test]
    fn json_strings_and_objects_compare_case_insensitively() -> Result<(), String> {
        let inv = Inventory::parse(r#"[" cm100031 ", {"PackageID": "CM100044", "Name": "Tools", "Size": 12}]"#)?;
        assert!(inv.contains("CM100031") && inv.contains("cm100044") && inv.contains("tools"));
        assert!(!inv.contains("CM100045"));
        assert_eq!(inv.len(), 3);
        Ok(())
    }

    #[test]
    fn csv_and_plain_lines_count_every_field() -> Result<(), String> {
        let inv = Inventory::parse("\u{feff}PackageID,Name\r\n\"CM100031\",\"Windows 11\"\nCM100044;x\tScopeId_1/Application_a\n\n")?;
        assert!(inv.contains("CM100031") && inv.contains("windows 11") && inv.contains("SCOPEID_1/APPLICATION_A"));
        assert!(inv.contains("PackageID"), "a header line is harmless: it just adds its names");
        Ok(())
    }

    #[test]
    fn malformed_json_is_an_error() {
        assert!(Inventory::parse("[\"CM100031\"").is_err());
        assert!(Inventory::parse("[1, 2]").is_err());
        assert!(Inventory::parse("").is_ok_and(|i| i.is_empty()));
    }
}
