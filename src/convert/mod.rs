//! `tsq convert`: a task sequence from any container (or from the JSON model `tsq dump` prints)
//! to a bare `<sequence>` (the provider's `GetSequence`), a console-export `object.xml` or the
//! ConfigMgr 2007 `<SmsTaskSequencePackage>` form (creating a package offline), or the JSON model.
//!
//! Every conversion goes through the lossless [`tree::Tree`] of the sequence, and every result is
//! verified before it is returned: it parses, and its sequence is the input's (`model::Same`).

mod package;
pub mod tree;

pub use package::ts_type;

use crate::container::{self, Format, TaskSequence};
use crate::model::{Same, Sequence};
use crate::source::SourceFile;
use serde_json::Value as J;
use tree::Tree;

/// What to convert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// A bare `<sequence>` in `tsq fmt`'s layout.
    Raw,
    /// A console-export `object.xml` (CIM-XML `INSTANCE` of `SMS_TaskSequencePackage`).
    ObjectXml,
    /// The ConfigMgr 2007 `<SmsTaskSequencePackage>` form.
    SmsPackage,
    /// The JSON model (`tsq dump` of one task sequence).
    Json,
}

/// Package properties for `object-xml` and `sms-package`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageOptions {
    /// `Name`.
    pub name: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Category`.
    pub category: Option<String>,
    /// `BootImageID`.
    pub boot_image: Option<String>,
    /// `PackageID`.
    pub package_id: Option<String>,
}

impl PackageOptions {
    /// These options, each missing one taken from `defaults`.
    #[must_use]
    pub fn or(self, defaults: Self) -> Self {
        Self {
            name: self.name.or(defaults.name),
            description: self.description.or(defaults.description),
            category: self.category.or(defaults.category),
            boot_image: self.boot_image.or(defaults.boot_image),
            package_id: self.package_id.or(defaults.package_id),
        }
    }
}

/// A task sequence to convert: its tree, the package properties it already has, and the JSON
/// model when it was read from one.
#[derive(Debug, Clone)]
pub struct Source {
    /// The sequence.
    pub tree: Tree,
    /// The model of the sequence, to verify the result against.
    pub sequence: Sequence,
    /// Package properties of the input (object.xml, 2007 wrapper, MDT name and description).
    pub defaults: PackageOptions,
}

/// Package properties found in a task sequence's container.
fn defaults_of(ts: &TaskSequence) -> PackageOptions {
    let text = |v: Option<&crate::model::Value>| v.map(|v| v.text().into_owned());
    let pkg = ts.package.as_ref();
    let prop = |n: &str| pkg.and_then(|p| text(p.value(n))).filter(|s| !s.is_empty());
    PackageOptions {
        name: prop("Name").or_else(|| text(ts.sequence.attrs.get("name"))),
        description: prop("Description").or_else(|| text(ts.sequence.attrs.get("description"))),
        category: prop("Category"),
        boot_image: prop("BootImageID"),
        package_id: prop("PackageID"),
    }
}

/// The source of a loaded task sequence (`file_text` is its decoded file).
pub fn from_task_sequence(file_text: &str, ts: &TaskSequence) -> Result<Source, String> {
    Ok(Source { tree: tree::of(file_text, ts)?, sequence: ts.sequence.clone(), defaults: defaults_of(ts) })
}

/// Parse `text` as a bare sequence document.
fn parse_raw(name: &str, text: &str) -> Result<TaskSequence, String> {
    container::parse(&SourceFile::from_text(name, text), None).map_err(|p| p.message)
}

/// Whether `text` looks like the JSON model (an array or object, not XML).
#[must_use]
pub fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim_start().starts_with(['[', '{'])
}

/// `value` without the keys that depend on where the text is (`line`, `column`) and without
/// the `xml` tree, for comparing a JSON model with the dump of what was rebuilt from it.
fn semantic(value: &J) -> J {
    match value {
        J::Object(m) => J::Object(
            m.iter().filter(|(k, _)| !matches!(k.as_str(), "line" | "column" | "xml")).map(|(k, v)| (k.clone(), semantic(v))).collect(),
        ),
        J::Array(a) => J::Array(a.iter().map(semantic).collect()),
        v => v.clone(),
    }
}

/// How deep the JSON model may nest: its `xml` tree takes two levels per element, and the model
/// refuses elements nested deeper than [`crate::model::MAX_DEPTH`].
const MAX_JSON_DEPTH: usize = 4 * crate::model::MAX_DEPTH + 64;

/// How deep arrays and objects nest in `text` (strings skipped).
fn json_depth(text: &str) -> usize {
    let (mut depth, mut most, mut in_string, mut escaped) = (0usize, 0, false, false);
    for c in text.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') | (false, _, '"') => in_string = !in_string,
            (false, _, '[' | '{') => {
                depth += 1;
                most = most.max(depth);
            }
            (false, _, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    most
}

/// The source in a JSON model printed by `tsq dump` (one task sequence); `Err` names the problem.
pub fn from_json(name: &str, text: &str) -> Result<Source, String> {
    let text = text.trim_start_matches('\u{feff}');
    // A dump nests as deep as the sequence, past `serde_json`'s default limit of 128 levels; the
    // depth is bounded here instead, so that no input can exhaust the stack.
    if json_depth(text) > MAX_JSON_DEPTH {
        return Err(format!("the JSON model nests more than {MAX_JSON_DEPTH} levels deep"));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let value = serde::Deserialize::deserialize(&mut de).and_then(|v: J| de.end().map(|()| v)).map_err(|e| format!("invalid JSON: {e}"))?;
    let item = match &value {
        J::Array(items) if items.len() == 1 => items.first().cloned().unwrap_or(J::Null),
        J::Array(items) => return Err(format!("the JSON model holds {} task sequences; convert takes one", items.len())),
        other => other.clone(),
    };
    let xml = item
        .get("sequence")
        .and_then(|s| s.get("xml"))
        .ok_or("the JSON model has no `sequence.xml` tree (it was printed by an older tsq, schemaVersion 1); dump the file again")?;
    let tree = Tree::from_json(xml)?;
    let text = tree.minified();
    let ts = parse_raw(name, &text).map_err(|e| format!("the `xml` tree is not a well-formed sequence: {e}"))?;
    // The readable keys must agree with the tree, which is what is converted: an edit made to
    // `steps` but not to `xml` would otherwise be lost silently.
    let rebuilt = crate::dump::task_sequence(name, &text, &ts);
    if let (Some(a), Some(b)) = (item.get("sequence"), rebuilt.get("sequence"))
        && semantic(a) != semantic(b)
    {
        return Err("the JSON model's readable keys (`steps`, `globals`, …) disagree with its `xml` tree, which is what convert reads; make the edit in `sequence.xml`".to_owned());
    }
    let props = item.get("package").and_then(|p| p.get("properties"));
    let prop = |n: &str| props.and_then(|p| p.get(n)).and_then(J::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    let defaults = PackageOptions {
        name: prop("Name").or_else(|| ts.sequence.attrs.get("name").map(|v| v.text().into_owned())),
        description: prop("Description").or_else(|| ts.sequence.attrs.get("description").map(|v| v.text().into_owned())),
        category: prop("Category"),
        boot_image: prop("BootImageID"),
        package_id: prop("PackageID"),
    };
    Ok(Source { tree, sequence: ts.sequence, defaults })
}

/// The sequence of `source` in `tsq fmt`'s canonical layout, with a final line break.
fn raw_text(name: &str, source: &Source) -> Result<String, String> {
    let text = format!("{}\n", source.tree.minified());
    crate::writer::format(&SourceFile::from_text(name, text)).map_err(|e| format!("the sequence cannot be laid out: {e}"))
}

/// Convert `source` to `target` (not [`Target::Json`], which is the dump of the input); `opts`
/// are the package properties given on the command line. The result is verified.
pub fn convert(name: &str, source: &Source, target: Target, opts: PackageOptions) -> Result<String, String> {
    let opts = opts.or(source.defaults.clone());
    let (text, format) = match target {
        Target::Raw | Target::Json => (raw_text(name, source)?, None),
        Target::ObjectXml => (package::object_xml(&source.tree.minified(), &source.sequence, &opts)?, Some(Format::CmObjectXml)),
        Target::SmsPackage => {
            let text = package::sms_package(&source.tree.minified(), &opts);
            let text =
                crate::writer::format(&SourceFile::from_text(name, text)).map_err(|e| format!("the package cannot be laid out: {e}"))?;
            (text, Some(Format::SmsTaskSequencePackage))
        }
    };
    let back = parse_raw(name, &text).map_err(|e| format!("the converted file would not parse ({e}); this is a bug in tsq"))?;
    if !back.sequence.same(&source.sequence) {
        return Err("the converted file would hold a different sequence; this is a bug in tsq".to_owned());
    }
    if let Some(f) = format
        && back.format != f
    {
        return Err(format!("the converted file reads as {}, not {}; this is a bug in tsq", back.format.name(), f.name()));
    }
    if format.is_some() {
        let got = defaults_of(&back);
        let want = PackageOptions { name: opts.name.filter(|s| !s.is_empty()), ..opts };
        let want = PackageOptions {
            description: want.description.filter(|s| !s.is_empty()),
            category: want.category.filter(|s| !s.is_empty()),
            boot_image: want.boot_image.filter(|s| !s.is_empty()),
            package_id: want.package_id.filter(|s| !s.is_empty()),
            ..want
        };
        if got != want {
            return Err("the converted package would not hold the properties it was given; this is a bug in tsq".to_owned());
        }
    }
    Ok(text)
}
