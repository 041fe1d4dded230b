//! `tsq refs`: every reference a task sequence makes (packages, applications, OS images, driver
//! packages, the boot image, child task sequences), the steps that use each, and whether each is
//! listed, shipped with the export or in the site inventory; and the `<referenceList>` (and an
//! export's package `References`) recomputed from the steps, as the SMS Provider's
//! `SetSequence` keeps them.
//!
//! The list is computed from the enabled steps in document order: each static package ID or
//! application model name once, at its first use (ConfigMgr leaves disabled steps' content out);
//! a child task sequence's package carries `program="*"`, and the applications and packages it
//! lists come with it. The boot image is a package reference, not a `<referenceList>` entry.

use crate::analysis::references::{Kind, Origin, Use, is_reference, key, step_uses};
use crate::container::TaskSequence;
use crate::inventory::Inventory;
use crate::model::{NodeKind, Sequence};
use crate::writer::escape;
use serde::Serialize;
use std::collections::HashSet;

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    /// A package (standard package, script package, …).
    Package,
    /// An application (model name).
    Application,
    /// An OS image (Apply Operating System, Apply Data Image).
    OsImage,
    /// An OS upgrade or install package.
    OsUpgradePackage,
    /// A driver package.
    DriverPackage,
    /// The boot image (`BootImageID`).
    BootImage,
    /// A child task sequence (Run Task Sequence).
    TaskSequence,
}

impl RefKind {
    /// The kebab-case name printed in tables.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Package => "package",
            Self::Application => "application",
            Self::OsImage => "os-image",
            Self::OsUpgradePackage => "os-upgrade-package",
            Self::DriverPackage => "driver-package",
            Self::BootImage => "boot-image",
            Self::TaskSequence => "task-sequence",
        }
    }
}

/// The kind of content a variable (or the variable an action switch is generated from) names.
fn kind_of(u: &Use) -> RefKind {
    if u.kind == Kind::Application {
        return RefKind::Application;
    }
    let var = match u.origin {
        Origin::Action { pair, .. } => pair.first().copied().unwrap_or(""),
        Origin::ChildList => return RefKind::Package,
        Origin::Variable => u.source.as_str(),
    };
    let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(var));
    if is(&["ImagePackageID"]) {
        RefKind::OsImage
    } else if is(&["InstallPackageID", "OSDUpgradeInstallPackageID"]) {
        RefKind::OsUpgradePackage
    } else if is(&["OSDApplyDriverDriverPackageID", "OSDUpgradeDriverPackageID"]) {
        RefKind::DriverPackage
    } else if is(&["OSDSubTasksequencePackageID"]) {
        RefKind::TaskSequence
    } else {
        RefKind::Package
    }
}

/// One step's use of a reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepUse {
    /// The path of group and step names.
    pub step: String,
    /// The instruction number (`smsts.log`).
    pub number: usize,
    /// The variable or `<action>` switch that holds the ID.
    pub source: String,
    /// Whether the step or a group around it is disabled.
    pub disabled: bool,
}

/// One referenced object and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// What it is.
    pub kind: RefKind,
    /// The package ID or application model name, as first written.
    pub id: String,
    /// The steps that use it, in document order (empty for a listed reference no step uses).
    pub uses: Vec<StepUse>,
    /// Whether the sequence's `<referenceList>` lists it.
    #[serde(rename = "referenceList")]
    pub in_reference_list: bool,
    /// Whether the package's `References` list it (`None` when the container has none).
    #[serde(rename = "packageReferences")]
    pub in_package_references: Option<bool>,
    /// Whether the export ships it (zip or unzipped folder).
    pub shipped: bool,
    /// Whether the `--inventory` has it (`None` without an inventory).
    pub inventory: Option<bool>,
}

/// An entry of `<referenceList>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListEntry {
    /// Whether it is an application (`application=`) or a package (`package=`).
    pub application: bool,
    /// The ID as first written.
    pub id: String,
    /// `program="*"` for a child task sequence's package.
    pub program: Option<String>,
}

/// An entry of the package's `References` (`SMS_TaskSequence_Reference`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRef {
    /// `Package`: the ID or model name.
    pub package: String,
    /// `Program`: `*` for packages, empty for applications.
    pub program: String,
    /// `Type`: 0 package, 1 application.
    pub kind: u32,
}

/// Whether `name` is an indexed display copy (`OSDApp<N>Name`, `OSDPackage<N>PackageId`) of a
/// list the step also holds.
fn indexed_copy(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [("osdapp", "name"), ("osdpackage", "packageid")].iter().any(|(p, s)| {
        lower.strip_prefix(p).and_then(|r| r.strip_suffix(s)).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The `<referenceList>` the provider writes for `seq`: the enabled steps in document order;
/// in a step, its variables in order, the items of a list variable sorted by ID (the indexed
/// display copies and the `<action>` last); each reference once.
#[must_use]
pub fn reference_list(seq: &Sequence) -> Vec<ListEntry> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (visit, uses) in step_uses(seq) {
        if visit.effectively_disabled() {
            continue;
        }
        let child = visit.node.kind == NodeKind::SubTaskSequence || visit.node.is_type("SubTasksequence");
        // Install Package names its program beside the package.
        let program = visit.node.var_text("_SMSSWDProgramName").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty() && !p.contains('%'));
        let mut sources: Vec<&str> = Vec::new();
        let mut ordered: Vec<(u8, usize, String, &Use)> = Vec::new();
        for u in uses.iter().filter(|u| u.is_reference()) {
            let group = sources.iter().position(|s| *s == u.source).unwrap_or_else(|| {
                sources.push(&u.source);
                sources.len() - 1
            });
            let rank = match u.origin {
                Origin::Action { .. } => 2,
                _ if indexed_copy(&u.source) => 1,
                _ => 0,
            };
            ordered.push((rank, group, key(&u.id), u));
        }
        ordered.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        for (_, _, k, u) in ordered {
            if !seen.insert(k) {
                continue;
            }
            let application = u.kind == Kind::Application;
            let program = if application || u.origin == Origin::ChildList {
                None
            } else if child {
                Some("*".to_owned())
            } else {
                program.clone()
            };
            out.push(ListEntry { application, id: u.id.trim().to_owned(), program });
        }
    }
    out
}

/// The package `References` for `seq` and the boot image: packages (the boot image among them)
/// sorted by ID with `Program` `*`, then applications in list order with an empty `Program`, as
/// the real exports hold them.
#[must_use]
pub fn package_references(seq: &Sequence, boot_image: Option<&str>) -> Vec<PackageRef> {
    let list = reference_list(seq);
    let mut packages: Vec<String> = list.iter().filter(|e| !e.application).map(|e| e.id.clone()).collect();
    if let Some(boot) = boot_image.map(str::trim).filter(|b| is_reference(b))
        && !packages.iter().any(|p| key(p) == key(boot))
    {
        packages.push(boot.to_owned());
    }
    packages.sort_by_key(|p| key(p));
    let apps = list.iter().filter(|e| e.application).map(|e| PackageRef { package: e.id.clone(), program: String::new(), kind: 1 });
    packages.into_iter().map(|package| PackageRef { package, program: "*".to_owned(), kind: 0 }).chain(apps).collect()
}

/// Whether the file's `<referenceList>` holds exactly the computed entries, in order.
#[must_use]
pub fn list_is_current(seq: &Sequence) -> bool {
    let want = reference_list(seq);
    seq.references.len() == want.len()
        && seq.references.iter().zip(&want).all(|(r, w)| {
            let attr = if w.application { "application" } else { "package" };
            r.attrs.get(attr).is_some_and(|v| key(&v.text()) == key(&w.id))
                && r.attrs.get("program").map(|v| v.text().into_owned()) == w.program
                && r.attrs.0.len() == 1 + usize::from(w.program.is_some())
        })
}

/// The reference report of `ts`, with `inventory` when given.
#[must_use]
pub fn report(ts: &TaskSequence, inventory: Option<&Inventory>) -> Vec<Reference> {
    let listed: HashSet<String> = ts.sequence.references.iter().filter_map(|r| r.target()).map(|v| key(&v.text())).collect();
    let pkg_refs: Option<HashSet<String>> = ts
        .package
        .as_ref()
        .and_then(|p| p.references.as_ref())
        .map(|refs| refs.iter().filter_map(|r| r.package.as_ref()).map(|v| key(&v.text())).collect());
    let shipped: HashSet<String> = ts.shipped.iter().map(|s| key(&s.id)).collect();
    let mut out: Vec<Reference> = Vec::new();
    let mut add = |kind: RefKind, id: &str, used: Option<StepUse>| {
        let k = key(id);
        if let Some(r) = out.iter_mut().find(|r| key(&r.id) == k) {
            if r.kind == RefKind::Package && kind != RefKind::Package {
                r.kind = kind;
            }
            r.uses.extend(used);
            return;
        }
        out.push(Reference {
            kind,
            id: id.trim().to_owned(),
            uses: used.into_iter().collect(),
            in_reference_list: listed.contains(&k),
            in_package_references: pkg_refs.as_ref().map(|p| p.contains(&k)),
            shipped: shipped.contains(&k),
            inventory: inventory.map(|i| i.contains(id)),
        });
    };
    for (visit, uses) in step_uses(&ts.sequence) {
        let disabled = visit.effectively_disabled();
        let mut step_seen: Vec<String> = Vec::new();
        for u in uses.iter().filter(|u| u.is_reference()) {
            // A step naming the same ID in a variable and in its action is one use.
            let k = key(&u.id);
            if step_seen.contains(&k) {
                continue;
            }
            step_seen.push(k);
            let used = StepUse { step: visit.path(), number: visit.number, source: u.source.clone(), disabled };
            add(kind_of(u), &u.id, Some(used));
        }
    }
    if let Some(boot) = ts.package.as_ref().and_then(|p| p.value("BootImageID")).map(|v| v.text().trim().to_owned())
        && is_reference(&boot)
    {
        add(RefKind::BootImage, &boot, None);
    }
    for r in &ts.sequence.references {
        if let Some(t) = r.target().map(|v| v.text().trim().to_owned()).filter(|t| is_reference(t)) {
            let kind = if r.attrs.get("application").is_some() { RefKind::Application } else { RefKind::Package };
            add(kind, &t, None);
        }
    }
    let package_side = ts.package.as_ref().and_then(|p| p.references.as_ref()).into_iter().flatten();
    for r in package_side {
        let Some(id) = r.package.as_ref().map(|v| v.text().trim().to_owned()).filter(|t| is_reference(t)) else { continue };
        let kind = if r.kind.as_ref().is_some_and(|k| k.text().trim() == "1") { RefKind::Application } else { RefKind::Package };
        add(kind, &id, None);
    }
    out
}

/// One `<reference …/>` element; `close` is `/>` or ` />`.
fn entry_text(e: &ListEntry, close: &str) -> String {
    let attr = if e.application { "application" } else { "package" };
    let program = e.program.as_ref().map_or_else(String::new, |p| format!(" program=\"{}\"", escape(p)));
    format!("<reference {attr}=\"{}\"{program}{close}", escape(&e.id))
}

/// The whitespace before `at` on its line, when only whitespace precedes it there.
fn line_indent(text: &str, at: usize) -> Option<&str> {
    let before = text.get(..at)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let indent = before.get(start..)?;
    (before.contains('\n') && indent.chars().all(|c| c == ' ' || c == '\t')).then_some(indent)
}

/// The line break the file uses.
fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// The CIM-XML `References` property (`PROPERTY.OBJECTARRAY`) holding `refs`, laid out as a
/// console export, its start tag at `indent` (the first line is not indented).
#[must_use]
pub fn cim_references(refs: &[PackageRef], indent: &str, eol: &str) -> String {
    let mut lines: Vec<(usize, String)> = vec![
        (0, "<PROPERTY.OBJECTARRAY NAME=\"References\" CLASSORIGIN=\"SMS_TaskSequencePackage\" REFERENCECLASS=\"SMS_TaskSequence_Reference\">".to_owned()),
        (1, "<QUALIFIER NAME=\"CIMTYPE\" PROPAGATED=\"true\" TYPE=\"string\" TOINSTANCE=\"true\">".to_owned()),
        (2, "<VALUE>object:SMS_TaskSequence_Reference</VALUE>".to_owned()),
        (1, "</QUALIFIER>".to_owned()),
    ];
    if !refs.is_empty() {
        lines.push((1, "<VALUE.OBJECTARRAY>".to_owned()));
        for r in refs {
            let system = |name: &str, ty: &str, value: Option<&str>| -> Vec<(usize, String)> {
                let head = format!("<PROPERTY NAME=\"{name}\" CLASSORIGIN=\"___SYSTEM\" TYPE=\"{ty}\">");
                match value {
                    None => vec![(4, format!("{head}</PROPERTY>"))],
                    Some(v) => vec![(4, head), (5, format!("<VALUE>{v}</VALUE>")), (4, "</PROPERTY>".to_owned())],
                }
            };
            let own = |name: &str, ty: &str, value: &str| -> Vec<(usize, String)> {
                vec![
                    (4, format!("<PROPERTY NAME=\"{name}\" CLASSORIGIN=\"SMS_TaskSequence_Reference\" TYPE=\"{ty}\">")),
                    (5, "<QUALIFIER NAME=\"CIMTYPE\" PROPAGATED=\"true\" TYPE=\"string\" TOINSTANCE=\"true\">".to_owned()),
                    (6, format!("<VALUE>{ty}</VALUE>")),
                    (5, "</QUALIFIER>".to_owned()),
                    (5, format!("<VALUE>{value}</VALUE>")),
                    (4, "</PROPERTY>".to_owned()),
                ]
            };
            lines.push((2, "<VALUE.OBJECT>".to_owned()));
            lines.push((3, "<INSTANCE CLASSNAME=\"SMS_TaskSequence_Reference\">".to_owned()));
            lines.extend(system("__PATH", "string", None));
            lines.extend(system("__NAMESPACE", "string", None));
            lines.extend(system("__SERVER", "string", None));
            lines.push((4, "<PROPERTY.ARRAY NAME=\"__DERIVATION\" CLASSORIGIN=\"___SYSTEM\" TYPE=\"string\">".to_owned()));
            lines.push((5, "<VALUE.ARRAY></VALUE.ARRAY>".to_owned()));
            lines.push((4, "</PROPERTY.ARRAY>".to_owned()));
            lines.extend(system("__PROPERTY_COUNT", "sint32", Some("3")));
            lines.extend(system("__RELPATH", "string", None));
            lines.extend(system("__DYNASTY", "string", Some("SMS_TaskSequence_Reference")));
            lines.extend(system("__SUPERCLASS", "string", None));
            lines.extend(system("__CLASS", "string", Some("SMS_TaskSequence_Reference")));
            lines.extend(system("__GENUS", "sint32", Some("2")));
            lines.extend(own("Package", "string", &escape(&r.package)));
            lines.extend(own("Program", "string", &escape(&r.program)));
            lines.extend(own("Type", "uint32", &r.kind.to_string()));
            lines.push((3, "</INSTANCE>".to_owned()));
            lines.push((2, "</VALUE.OBJECT>".to_owned()));
        }
        lines.push((1, "</VALUE.OBJECTARRAY>".to_owned()));
    }
    lines.push((0, "</PROPERTY.OBJECTARRAY>".to_owned()));
    let mut out = String::new();
    for (i, (depth, line)) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(eol);
            out.push_str(indent);
        }
        for _ in 0..*depth {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    out
}

/// The 2007 wrapper's `<References>` element holding `refs`.
fn wrapper_references(refs: &[PackageRef], indent: &str, eol: &str) -> String {
    if refs.is_empty() {
        return "<References />".to_owned();
    }
    let mut out = "<References>".to_owned();
    for r in refs {
        out.push_str(&format!(
            "{eol}{indent}  <Reference Package=\"{}\" Program=\"{}\" Type=\"{}\" />",
            escape(&r.package),
            escape(&r.program),
            r.kind
        ));
    }
    out.push_str(&format!("{eol}{indent}</References>"));
    out
}

/// Whether the package's `References` hold exactly `want`, in order.
fn package_refs_current(pkg: &crate::model::Package, want: &[PackageRef]) -> bool {
    let Some(have) = &pkg.references else { return true };
    let text = |v: &Option<crate::model::Value>| v.as_ref().map(|v| v.text().trim().to_owned()).unwrap_or_default();
    have.len() == want.len()
        && have
            .iter()
            .zip(want)
            .all(|(h, w)| text(&h.package) == w.package && text(&h.program) == w.program && text(&h.kind) == w.kind.to_string())
}

/// The edits that bring the lists of `ts` (read from `text`) up to date: `<referenceList>` from
/// the enabled steps, and in an `object.xml` or 2007 wrapper the package's `References` and
/// `ReferencesCount`. Empty when everything is current.
pub fn write_edits(text: &str, ts: &TaskSequence) -> Result<Vec<crate::writer::Edit>, String> {
    use crate::span::Span;
    use crate::writer::Edit;
    let seq = &ts.sequence;
    let nl = eol(text);
    let mut edits = Vec::new();
    if ts.format == crate::container::Format::CmObjectXml && !text.get(seq.span.start..).is_some_and(|t| t.starts_with('<')) {
        return Err("the `Sequence` property is entity-escaped text, not CDATA, and is not rewritten".to_owned());
    }
    if !list_is_current(seq) {
        let entries = reference_list(seq);
        let old = seq.reference_list.and_then(|s| text.get(s.start..s.end).map(|t| (s, t)));
        let close = old
            .and_then(|(_, t)| t.find("<reference ").and_then(|i| t.get(i..)).and_then(|t| t.find("/>").map(|j| (t, j))))
            .map_or(" />", |(t, j)| if t.get(..j).is_some_and(|h| h.ends_with(' ')) { " />" } else { "/>" });
        let first_child = seq.steps.first().map(|n| n.span.start).into_iter().chain(seq.unknown.first().map(|u| u.span.start));
        let child_indent = first_child.min().and_then(|c| line_indent(text, c)).map(str::to_owned);
        // (where the list goes, its indentation when laid out on lines)
        let (span, list_indent) = match old {
            Some((s, _)) => (s, line_indent(text, s.start).map(str::to_owned)),
            None => (Span::at(seq.start_tag.end), child_indent.clone()),
        };
        let entry_indent = old
            .and_then(|(s, t)| t.find("<reference ").map(|i| s.start + i))
            .and_then(|at| line_indent(text, at))
            .map(str::to_owned)
            .or_else(|| list_indent.as_ref().map(|i| format!("{i}  ")));
        let multiline = old.is_none_or(|(_, t)| t.contains('\n') || !t.contains("<reference ")) && list_indent.is_some();
        let replacement = if entries.is_empty() {
            String::new()
        } else {
            let mut out = "<referenceList>".to_owned();
            for e in &entries {
                if multiline {
                    out.push_str(nl);
                    out.push_str(entry_indent.as_deref().unwrap_or(""));
                }
                out.push_str(&entry_text(e, close));
            }
            if multiline {
                out.push_str(nl);
                out.push_str(list_indent.as_deref().unwrap_or(""));
            }
            out.push_str("</referenceList>");
            if old.is_none() && multiline { format!("{nl}{}{out}", list_indent.as_deref().unwrap_or("")) } else { out }
        };
        let span = if entries.is_empty() && old.is_some() { crate::fix::whole_lines(text, span) } else { span };
        if !(entries.is_empty() && old.is_none()) {
            edits.push(Edit::new(span, replacement));
        }
    }
    let Some(pkg) = &ts.package else { return Ok(edits) };
    let boot = pkg.value("BootImageID").map(|v| v.text().into_owned());
    let want = package_references(seq, boot.as_deref());
    if let Some(span) = pkg.references_span
        && !package_refs_current(pkg, &want)
    {
        let indent = line_indent(text, span.start).unwrap_or("");
        // The CIM reader spans the start tag of `PROPERTY.OBJECTARRAY`; the element ends at its end tag.
        let span = match text.get(span.start..span.end) {
            Some(t) if ts.format == crate::container::Format::CmObjectXml && !t.ends_with("/>") => {
                let close = "</PROPERTY.OBJECTARRAY>";
                let end = text.get(span.end..).and_then(|r| r.find(close)).map(|i| span.end + i + close.len());
                end.map(|e| Span::new(span.start, e)).ok_or("the `References` property has no end tag")?
            }
            _ => span,
        };
        let new = match ts.format {
            crate::container::Format::CmObjectXml => cim_references(&want, indent, nl),
            _ => wrapper_references(&want, indent, nl),
        };
        edits.push(Edit::new(span, new));
    }
    if pkg.references_span.is_some()
        && let Some(count) = pkg.value("ReferencesCount")
        && count.as_u32() != u32::try_from(want.len()).ok()
    {
        edits.push(Edit::new(count.span, want.len().to_string()));
    }
    Ok(edits)
}

/// `ts` without its reference lists, for comparing a rewritten file with the original.
fn without_lists(ts: &TaskSequence) -> TaskSequence {
    let mut ts = ts.clone();
    ts.sequence.references.clear();
    ts.sequence.reference_list = None;
    if let Some(p) = &mut ts.package {
        p.references = None;
        p.references_span = None;
        p.properties.retain(|p| p.name != "ReferencesCount");
    }
    ts
}

/// `source` with its lists recomputed ([`write_edits`]), verified: it parses, its lists are
/// current, and apart from them it holds the same task sequence. `None` when nothing changes.
pub fn write(source: &crate::source::SourceFile, ts: &TaskSequence) -> Result<Option<String>, String> {
    use crate::model::Same;
    let edits = write_edits(&source.text, ts)?;
    if edits.is_empty() {
        return Ok(None);
    }
    let text = crate::writer::apply(&source.text, &edits).map_err(|e| format!("the reference list cannot be written: {e}"))?;
    let new = crate::source::SourceFile { text, ..source.clone() };
    let back = crate::container::parse(&new, None)
        .map_err(|p| format!("the rewritten file would not parse ({}); nothing was written", p.message))?;
    if !list_is_current(&back.sequence) || !without_lists(&back).same(&without_lists(ts)) {
        return Err("rewriting the reference list would change more than the list; nothing was written (this is a bug in tsq)".to_owned());
    }
    if let Some(p) = &back.package
        && p.references.is_some()
    {
        let boot = p.value("BootImageID").map(|v| v.text().into_owned());
        if !package_refs_current(p, &package_references(&back.sequence, boot.as_deref())) {
            return Err(
                "the package references would not be current after the rewrite; nothing was written (this is a bug in tsq)".to_owned()
            );
        }
    }
    Ok(Some(new.text))
}

#[cfg(test)]
mod tests {
    use super::write;
    use crate::container::parse;
    use crate::source::SourceFile;

    const STEP: &str = r#"<step type="SMS_TaskSequence_RunCommandLineAction" name="a"><defaultVarList><variable name="PackageID" property="PackageID">CM100031</variable></defaultVarList></step>"#;

    fn rewrite(text: &str) -> Option<String> {
        let src = SourceFile::from_text("t.xml", text);
        let ts = parse(&src, None).unwrap();
        write(&src, &ts).unwrap()
    }

    #[test]
    fn inserts_a_missing_list_in_the_file_layout() {
        let text = format!("<sequence version=\"3.10\">\r\n  {STEP}\r\n</sequence>");
        let want = format!(
            "<sequence version=\"3.10\">\r\n  <referenceList>\r\n    <reference package=\"CM100031\" />\r\n  </referenceList>\r\n  {STEP}\r\n</sequence>"
        );
        assert_eq!(rewrite(&text).as_deref(), Some(want.as_str()));
        assert_eq!(rewrite(&want), None, "a current list is left alone");
        let minified = format!("<sequence version=\"3.10\">{STEP}</sequence>");
        let want = format!("<sequence version=\"3.10\"><referenceList><reference package=\"CM100031\" /></referenceList>{STEP}</sequence>");
        assert_eq!(rewrite(&minified).as_deref(), Some(want.as_str()));
    }

    #[test]
    fn replaces_stale_lists_and_removes_empty_ones() {
        let text = format!("<sequence version=\"3.10\"><referenceList><reference package=\"XYZ00001\"/></referenceList>{STEP}</sequence>");
        let want = format!("<sequence version=\"3.10\"><referenceList><reference package=\"CM100031\"/></referenceList>{STEP}</sequence>");
        assert_eq!(rewrite(&text).as_deref(), Some(want.as_str()));
        let unused = "<sequence version=\"3.10\">\n  <referenceList>\n    <reference package=\"XYZ00001\" />\n  </referenceList>\n  <group name=\"g\" />\n</sequence>";
        assert_eq!(rewrite(unused).as_deref(), Some("<sequence version=\"3.10\">\n  <group name=\"g\" />\n</sequence>"));
        let disabled = format!("<sequence version=\"3.10\"><group name=\"g\" disable=\"true\">{STEP}</group></sequence>");
        assert_eq!(rewrite(&disabled), None, "disabled steps' content is not listed");
    }
}
