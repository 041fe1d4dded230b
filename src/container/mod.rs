//! Finding the task sequence inside each container format: raw `<sequence>`, MDT `ts.xml`,
//! CIM-XML `object.xml`, the ConfigMgr 2007 `<SmsTaskSequencePackage>` wrapper and console
//! export `.zip` archives; and, for files on disk ([`load_path`]), the layout around them: an
//! unzipped export's dependency objects ([`folder`]) and an MDT deployment share's catalogue
//! ([`mdt_share`]).

mod archive;
mod cim;
pub mod folder;
mod layout;
pub mod mdt_share;

pub use archive::{ARCHIVE_MEMBER_LIMIT, ARCHIVE_RATIO_ALLOWANCE, ARCHIVE_RATIO_LIMIT, ARCHIVE_TOTAL_LIMIT, Shipped};
pub use layout::{LayoutCache, is_task_sequence_root, load_in_layout, load_path, read_path, walked_file_has_task_sequence};

use crate::model::{Id, Package, PackageReference, Property, Sequence, Tree, Value, build_sequence, intern};
use crate::source::{Encoding, SourceFile, declared_encoding};
use crate::span::{OffsetMap, Span, unescape_mapped};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// The container a task sequence was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A bare ConfigMgr `<sequence version="3.10">`.
    RawSequence,
    /// An MDT `ts.xml` or template (`<sequence version="3.00" name=… description=…>`).
    MdtTs,
    /// A console-export `object.xml` (`<INSTANCE CLASSNAME="SMS_TaskSequencePackage">`).
    CmObjectXml,
    /// The ConfigMgr 2007 `<SmsTaskSequencePackage>` wrapper.
    SmsTaskSequencePackage,
}

impl Format {
    /// The kebab-case name used in output.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::RawSequence => "raw-sequence",
            Self::MdtTs => "mdt-ts",
            Self::CmObjectXml => "cm-object-xml",
            Self::SmsTaskSequencePackage => "sms-task-sequence-package",
        }
    }
}

/// A task sequence found in a file, with its container facts.
#[derive(Debug, Clone, Serialize)]
pub struct TaskSequence {
    /// The container format.
    pub format: Format,
    /// Package-level properties (object.xml and the 2007 wrapper), `None` for bare sequences.
    pub package: Option<Package>,
    /// The sequence.
    pub sequence: Sequence,
    /// The span of the sequence text in the file (the CDATA content for object.xml).
    pub sequence_span: Span,
    /// The encoding the file was read in.
    pub encoding: Encoding,
    /// The XML declaration's `encoding="…"` value, if any.
    pub declared_encoding: Option<Value>,
    /// Whether the whole decoded file is ASCII (a legacy code-page declaration is then harmless).
    #[serde(skip)]
    pub ascii_only: bool,
    /// Objects shipped in the same export (zip or unzipped folder): its dependency packages,
    /// shared by every task sequence of the export.
    pub shipped: Arc<[Shipped]>,
    /// The MDT deployment share the sequence belongs to (`Control/<ID>/ts.xml`), if any.
    #[serde(skip)]
    pub share: Option<Arc<mdt_share::Share>>,
}

/// Why no task sequence could be read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `xml-syntax` or `unsupported-format`: the rule's metadata.
    pub rule: &'static crate::rules::RuleMeta,
    /// What is wrong.
    pub message: String,
    /// Where, in the file's decoded text.
    pub span: Span,
}

impl Problem {
    pub(crate) fn syntax(message: impl Into<String>, span: Span) -> Self {
        Self { rule: &crate::rules::xml_syntax::META, message: message.into(), span }
    }

    fn unsupported(message: impl Into<String>, span: Span) -> Self {
        Self { rule: &crate::rules::unsupported_format::META, message: message.into(), span }
    }
}

/// One file (or archive member) and what was read from it.
#[derive(Debug)]
pub struct Loaded {
    /// The decoded file (`None` when it could not be decoded).
    pub source: Option<SourceFile>,
    /// The path as printed.
    pub path: String,
    /// The task sequence, or why there is none.
    pub result: Result<TaskSequence, Problem>,
}

/// Read `bytes` (a file or stdin) named `path`: an archive gives one entry per task sequence.
#[must_use]
pub fn load_bytes(path: &str, bytes: Vec<u8>, force: Option<Format>) -> Vec<Loaded> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return archive::load(path, &bytes, force, false);
    }
    vec![load_text(path, bytes, force)]
}

/// Decode and read one XML file.
#[must_use]
pub fn load_text(path: &str, bytes: Vec<u8>, force: Option<Format>) -> Loaded {
    match SourceFile::decode_lossy(path, bytes) {
        Ok(source) => {
            let result = parse(&source, force);
            Loaded { path: path.to_owned(), source: Some(source), result }
        }
        Err((e, lossy)) => {
            let message = format!("the file cannot be decoded: {e}");
            match lossy {
                // Invalid UTF-8: the text before the fault is intact, so positions up to it are exact.
                Some(source) => {
                    let at = e.offset().saturating_sub(if source.bom { 3 } else { 0 });
                    Loaded { path: path.to_owned(), source: Some(source), result: Err(Problem::syntax(message, Span::new(at, at + 1))) }
                }
                None => Loaded { path: path.to_owned(), source: None, result: Err(Problem::syntax(message, Span::at(e.offset()))) },
            }
        }
    }
}

/// The name of the first element in `text`, and its offset.
pub(crate) fn root_name(text: &str) -> Option<(&str, usize)> {
    let mut rest = text;
    let mut off = 0;
    loop {
        let lt = rest.find('<')?;
        let tail = rest.get(lt..)?;
        let skip = if tail.starts_with("<?") {
            tail.find("?>")? + 2
        } else if tail.starts_with("<!--") {
            tail.find("-->")? + 3
        } else if tail.starts_with("<!") {
            tail.find('>')? + 1
        } else {
            let name_end = tail.get(1..)?.find(|c: char| c.is_whitespace() || c == '>' || c == '/')? + 1;
            return Some((tail.get(1..name_end)?, off + lt));
        };
        off += lt + skip;
        rest = tail.get(skip..)?;
    }
}

/// Find and build the task sequence in a decoded file.
pub fn parse(source: &SourceFile, force: Option<Format>) -> Result<TaskSequence, Problem> {
    let text = source.text.as_str();
    let declared = declared_encoding(text).map(|(raw, span)| Value::new(intern(raw), span));
    let root = root_name(text);
    let is_cim = match force {
        Some(f) => f == Format::CmObjectXml,
        None => root.is_some_and(|(n, _)| n == "INSTANCE"),
    };
    let mut ts = if is_cim {
        parse_cim(text)?
    } else {
        let tree = Tree::parse(text).map_err(|e| Problem::syntax(e.message, e.span))?;
        from_tree(&tree, force)?
    };
    ts.encoding = source.encoding;
    ts.declared_encoding = declared;
    ts.ascii_only = text.is_ascii();
    Ok(ts)
}

fn empty_ts(format: Format, sequence: Sequence, sequence_span: Span) -> TaskSequence {
    TaskSequence {
        format,
        package: None,
        sequence,
        sequence_span,
        encoding: Encoding::Utf8,
        declared_encoding: None,
        ascii_only: true,
        shipped: Arc::from(Vec::new()),
        share: None,
    }
}

fn build(tree: &Tree<'_>, seq: Id, map: OffsetMap) -> Result<Sequence, Problem> {
    build_sequence(tree, seq, map).map_err(|e| Problem::syntax(e.message, e.span))
}

/// The task sequence in a document: a `<sequence>` (raw, or MDT when it has a name or a
/// description, unless `force` says which) or the 2007 wrapper.
fn from_tree(tree: &Tree<'_>, force: Option<Format>) -> Result<TaskSequence, Problem> {
    let root = Tree::ROOT;
    let root_span = tree.name_span(root);
    let child = |of: Id, name: &str| tree.children(of).find(|&c| tree.local_name(c) == name);
    let span = |id: Id| tree.elem(id).span();
    match (tree.local_name(root), force) {
        ("sequence", f) if f != Some(Format::SmsTaskSequencePackage) => {
            let is_mdt = tree.attr(root, "name").is_some() || tree.attr(root, "description").is_some();
            let format = match f {
                Some(f) => f,
                None if is_mdt => Format::MdtTs,
                None => Format::RawSequence,
            };
            Ok(empty_ts(format, build(tree, root, OffsetMap::verbatim(0))?, span(root)))
        }
        ("SmsTaskSequencePackage", None | Some(Format::SmsTaskSequencePackage)) => {
            let seq = child(root, "SequenceData")
                .and_then(|d| child(d, "sequence"))
                .ok_or_else(|| Problem::unsupported("`SmsTaskSequencePackage` has no `SequenceData/sequence`", root_span))?;
            let mut ts = empty_ts(Format::SmsTaskSequencePackage, build(tree, seq, OffsetMap::verbatim(0))?, span(seq));
            ts.package = Some(wrapper_package(tree));
            Ok(ts)
        }
        (name, _) => Err(Problem::unsupported(
            format!(
                "`<{name}>` is not a task-sequence container (expected `<sequence>`, `<SmsTaskSequencePackage>` or an `SMS_TaskSequencePackage` instance)"
            ),
            root_span,
        )),
    }
}

/// Properties of the 2007 wrapper: each child element of the root but `SequenceData`.
fn wrapper_package(tree: &Tree<'_>) -> Package {
    let span = |id: Id| tree.elem(id).span();
    let mut pkg = Package { span: span(Tree::ROOT), ..Package::default() };
    for c in tree.children(Tree::ROOT) {
        match tree.local_name(c) {
            "SequenceData" => {}
            "References" => {
                pkg.references_span = Some(span(c));
                let attr = |r: Id, n: &str| tree.attr(r, n).map(|a| tree.value(a.value.clone()));
                let refs = tree
                    .children(c)
                    .filter(|&r| tree.local_name(r) == "Reference")
                    .map(|r| PackageReference {
                        span: span(r),
                        package: attr(r, "Package"),
                        program: attr(r, "Program"),
                        kind: attr(r, "Type"),
                    })
                    .collect();
                pkg.references = Some(refs);
            }
            name => {
                let elements = tree.children(c).count();
                let value = (elements == 0).then(|| tree.value(tree.elem(c).content()));
                pkg.properties.push(Property {
                    name: name.to_owned(),
                    span: span(c),
                    value,
                    array_len: (elements > 0).then_some(elements),
                });
            }
        }
    }
    pkg
}

/// A CIM-XML `object.xml`: the outer instance is read by a streaming reader (the `Icon` byte array
/// can be 140,000 elements), the `Sequence` property's text as a second document.
fn parse_cim(text: &str) -> Result<TaskSequence, Problem> {
    let inst = cim::read_instance(text)?;
    if inst.class != "SMS_TaskSequencePackage" {
        return Err(Problem::unsupported(
            format!("a CIM-XML instance of `{}` is not a task sequence (expected `SMS_TaskSequencePackage`)", inst.class),
            inst.class_span,
        ));
    }
    let prop = inst.package.property("Sequence");
    let Some(value) = prop.and_then(|p| p.value.as_ref()) else {
        let span = prop.map_or(inst.package.span, |p| p.span);
        return Err(Problem::unsupported("the `SMS_TaskSequencePackage` instance has no `Sequence` value", span));
    };
    let (seq_text, map) = sequence_text(value)?;
    let tree = Tree::parse(&seq_text).map_err(|e| Problem::syntax(e.message, map.span(e.span)))?;
    let root = tree.elem(Tree::ROOT);
    if tree.local_name(Tree::ROOT) != "sequence" {
        let at = map.span(tree.name_span(Tree::ROOT));
        return Err(Problem::unsupported(
            format!("the `Sequence` property holds `<{}>`, not `<sequence>`", tree.local_name(Tree::ROOT)),
            at,
        ));
    }
    let span = map.span(root.span());
    let seq = build(&tree, Tree::ROOT, map)?;
    let mut ts = empty_ts(Format::CmObjectXml, seq, span);
    ts.package = Some(inst.package);
    Ok(ts)
}

/// The sequence text of a `Sequence` value: CDATA content verbatim (borrowed, not copied), or
/// entity-escaped text decoded.
fn sequence_text(value: &Value) -> Result<(Cow<'_, str>, OffsetMap), Problem> {
    let raw = value.raw.as_ref();
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim();
    if let Some(inner) = trimmed.strip_prefix("<![CDATA[").and_then(|r| r.strip_suffix("]]>")) {
        if inner.contains("]]>") {
            return Err(Problem::unsupported("the `Sequence` value has more than one CDATA section", value.span));
        }
        let base = value.span.start + lead + 9;
        return Ok((Cow::Borrowed(inner), OffsetMap::verbatim(base)));
    }
    let (text, map) = unescape_mapped(raw, value.span.start);
    Ok((Cow::Owned(text), map))
}
