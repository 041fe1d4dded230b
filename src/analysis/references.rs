//! Content-reference extraction shared by the reference rules (the package properties are those
//! with a `TaskSequencePackage` qualifier on the SDK action class pages): which step
//! variables and `<action>` switches carry package IDs and application model names, and the set
//! of references a task sequence can be checked against.

use super::text::{ends_with_ignore_case, strip_prefix_ignore_case, tokens};
use crate::container::TaskSequence;
use crate::inventory::Inventory;
use crate::model::{Sequence, Value, Visit};
use crate::span::Span;
use std::borrow::Cow;
use std::collections::HashSet;

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A package ID.
    Package,
    /// An application model name (`ScopeId_…/Application_…`).
    Application,
}

/// Where a used reference was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A `defaultVarList` variable (its name as written in the step).
    Variable,
    /// A child task sequence's `TsReferencePackages`/`TsReferenceApplications` list item.
    ChildList,
    /// An `<action>` switch such as `/run:`; `pair` are the variables it is generated from.
    Action { switch: &'static str, pair: &'static [&'static str] },
}

/// One package ID or application a step uses.
#[derive(Debug, Clone)]
pub(crate) struct Use {
    /// The ID, trimmed (may be empty, `00000000` or contain `%`: see [`Use::is_reference`]).
    pub id: String,
    /// The ID's span in the file.
    pub span: Span,
    /// Package or application.
    pub kind: Kind,
    /// Where it was written.
    pub origin: Origin,
    /// The variable name, or the switch for action uses.
    pub source: String,
}

impl Use {
    /// Whether the value is a real, static reference.
    pub fn is_reference(&self) -> bool {
        is_reference(&self.id)
    }
}

/// Whether `id` is a static reference: not empty, not `00000000`, no `%var%`.
pub(crate) fn is_reference(id: &str) -> bool {
    let id = id.trim();
    !id.is_empty() && id != "00000000" && !id.contains('%')
}

/// Upper-case key for comparisons (IDs and model names compare case-insensitively).
pub(crate) fn key(id: &str) -> String {
    id.trim().to_ascii_uppercase()
}

/// Package-ID variables, matched case-insensitively; `true` marks a comma list.
const PACKAGE_VARS: &[(&str, bool)] = &[
    ("PackageID", false),
    ("BDDPackageID", false),
    ("ImagePackageID", false),
    ("InstallPackageID", false),
    ("ConfigFilePackage", false),
    ("OSDApplyDriverDriverPackageID", false),
    ("OSDRunPowerShellScriptPackageID", false),
    ("OSDUpgradeInstallPackageID", false),
    ("OSDUpgradeDriverPackageID", false),
    ("_SMSClientPackageID", false),
    ("_SMSClientPreProductionPackageID", false),
    ("_OSDMigrateUsmtPackageID", false),
    ("_OSDMigrateUsmtRestorePackageID", false),
    ("SysprepPackageID", false),
    ("OSDSubTasksequencePackageID", false),
    ("OSDDownloadDownloadPackages", true),
];

/// `<action>` switches per executable (lower case) and the variables each is generated from.
const SWITCHES: &[(&str, &str, Kind, &[&str])] = &[
    ("smsswd.exe", "/run:", Kind::Package, &["PackageID", "BDDPackageID"]),
    ("smsswd.exe", "/pkg:", Kind::Package, &["PackageID"]),
    ("osdapplyos.exe", "/image:", Kind::Package, &["ImagePackageID"]),
    ("osdapplyos.exe", "/data:", Kind::Package, &["ImagePackageID"]),
    ("osdapplyos.exe", "/install:", Kind::Package, &["InstallPackageID"]),
    ("osdapplyos.exe", "/config:", Kind::Package, &["ConfigFilePackage"]),
    ("osddriverclient.exe", "/install:", Kind::Package, &["OSDApplyDriverDriverPackageID"]),
    ("osdprepareos.exe", "/install:", Kind::Package, &["SysprepPackageID"]),
    ("smsappinstall.exe", "/app:", Kind::Application, &[]),
];

/// The items of a comma list in `v`, trimmed, with their spans (raw offsets).
fn list_items(v: &Value) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut at = 0;
    for part in v.raw.split(',') {
        let lead = part.len() - part.trim_start().len();
        if !part.trim().is_empty() {
            let span = v.span_of(at + lead..at + lead + part.trim().len());
            out.push((crate::span::unescape(part.trim()).into_owned(), span));
        }
        at += part.len() + 1;
    }
    out
}

/// Whether a variable name is `OSDPackage<N>PackageId` or `OSDApp<N>Name` (`prefix` and
/// `suffix` compared case-insensitively, `<N>` one or more ASCII digits).
fn indexed(name: &str, prefix: &str, suffix: &str) -> bool {
    strip_prefix_ignore_case(name, prefix).is_some_and(|rest| {
        let digits = rest.len().saturating_sub(suffix.len());
        digits > 0 && ends_with_ignore_case(rest, suffix) && rest.as_bytes().get(..digits).is_some_and(|n| n.iter().all(u8::is_ascii_digit))
    })
}

/// The references written in a step's variables.
fn variable_uses(visit: &Visit<'_>) -> Vec<Use> {
    let mut out = Vec::new();
    for v in &visit.node.variables {
        let name = v.name();
        let single = |kind| Use {
            id: v.value.text().trim().to_owned(),
            span: v.value.span,
            kind,
            origin: Origin::Variable,
            source: name.to_owned(),
        };
        let list =
            |kind, origin| list_items(&v.value).into_iter().map(move |(id, span)| Use { id, span, kind, origin, source: name.to_owned() });
        if let Some((_, is_list)) = PACKAGE_VARS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            if *is_list {
                out.extend(list(Kind::Package, Origin::Variable));
            } else {
                out.push(single(Kind::Package));
            }
        } else if indexed(name, "osdpackage", "packageid") {
            out.push(single(Kind::Package));
        } else if name.eq_ignore_ascii_case("ApplicationName") {
            out.extend(list(Kind::Application, Origin::Variable));
        } else if indexed(name, "osdapp", "name") {
            out.push(single(Kind::Application));
        } else if name.eq_ignore_ascii_case("OSDSubTasksequenceTsReferencePackages") {
            out.extend(list(Kind::Package, Origin::ChildList));
        } else if name.eq_ignore_ascii_case("OSDSubTasksequenceTsReferenceApplications") {
            out.extend(list(Kind::Application, Origin::ChildList));
        }
    }
    out
}

/// The executable of an `<action>` (its first token) as written in [`SWITCHES`], or `None` when
/// it is not one with reference switches. The token's path, quotes and `&quot;` are ignored.
fn switch_exe(token: &str) -> Option<&'static str> {
    let base = token.trim_matches('"').rsplit(['\\', '/']).next().unwrap_or("");
    let base = if base.contains("&quot;") { Cow::Owned(base.replace("&quot;", "")) } else { Cow::Borrowed(base) };
    SWITCHES.iter().map(|(exe, ..)| *exe).find(|exe| exe.eq_ignore_ascii_case(&base))
}

/// The references in a step's `<action>`: only the switches its generated command line has.
fn action_uses(visit: &Visit<'_>) -> Vec<Use> {
    let Some(action) = &visit.node.action else { return Vec::new() };
    let raw = action.raw.as_ref();
    let mut tokens = tokens(raw);
    let Some(exe) = tokens.next().and_then(|(_, exe)| switch_exe(exe)) else { return Vec::new() };
    let mut out = Vec::new();
    for (i, (off, token)) in tokens.enumerate() {
        // smsswd.exe's package switch is its first argument; the rest is the user's command line.
        if exe == "smsswd.exe" && i > 0 {
            break;
        }
        let lead = if token.starts_with('"') {
            1
        } else if token.starts_with("&quot;") {
            6
        } else {
            0
        };
        let body = token.get(lead..).unwrap_or("");
        for (_, switch, kind, pair) in SWITCHES.iter().filter(|(e, ..)| *e == exe) {
            let Some(head) = body.get(..switch.len()).filter(|h| h.eq_ignore_ascii_case(switch)) else { continue };
            let rest = body.get(head.len()..).unwrap_or("");
            let start = off + lead + head.len();
            let value = if *kind == Kind::Application {
                rest.split(['"', '&']).next().unwrap_or("")
            } else {
                rest.split([',', '"', '&']).next().unwrap_or("")
            };
            let items: Vec<(usize, &str)> = if *kind == Kind::Application {
                value
                    .split(',')
                    .scan(0, |pos, s| {
                        let o = *pos;
                        *pos += s.len() + 1;
                        Some((o, s))
                    })
                    .collect()
            } else {
                vec![(0, value)]
            };
            for (o, id) in items {
                out.push(Use {
                    id: id.to_owned(),
                    span: action.span_of(start + o..start + o + id.len()),
                    kind: *kind,
                    origin: Origin::Action { switch, pair },
                    source: format!("<action> {switch}"),
                });
            }
        }
    }
    out
}

/// The references a node uses: its variables first, then its action.
pub(crate) fn uses_of(visit: &Visit<'_>) -> Vec<Use> {
    let mut uses = variable_uses(visit);
    uses.extend(action_uses(visit));
    uses
}

/// Every step with the references it uses (variables first, then the action), in walk order.
pub(crate) fn step_uses(seq: &Sequence) -> Vec<(Visit<'_>, Vec<Use>)> {
    seq.walk()
        .map(|visit| {
            let uses = uses_of(&visit);
            (visit, uses)
        })
        .collect()
}

/// What a task sequence's references are checked against.
///
/// Without an inventory, the file is its own authority: `<referenceList>` (in every container,
/// the 2007 wrapper included), the package `References` and the dependency objects shipped in
/// the same export. With `--inventory`, the question is the one ConfigMgr asks at import: is the
/// content on the target site or in the export? The file's own lists do not answer it.
pub(crate) struct Known<'a> {
    keys: HashSet<String>,
    shipped: HashSet<String>,
    inventory: Option<&'a Inventory>,
}

impl<'a> Known<'a> {
    /// Collect the known references of `ts`; `None` when there is nothing to check against.
    pub fn new(ts: &TaskSequence, inventory: Option<&'a Inventory>) -> Option<Self> {
        let shipped: HashSet<String> = ts.shipped.iter().map(|s| key(&s.id)).collect();
        if inventory.is_some() {
            return Some(Self { keys: HashSet::new(), shipped, inventory });
        }
        let refs = ts.package.as_ref().and_then(|p| p.references.as_ref());
        let list = ts.sequence.reference_list.is_some();
        if !list && refs.is_none() && shipped.is_empty() {
            return None;
        }
        let mut keys: HashSet<String> = ts.sequence.references.iter().filter_map(|r| r.target()).map(|v| key(&v.text())).collect();
        keys.extend(refs.into_iter().flatten().filter_map(|r| r.package.as_ref()).map(|v| key(&v.text())));
        Some(Self { keys, shipped, inventory })
    }

    /// Whether this is the pre-import check (an inventory was given).
    pub fn pre_import(&self) -> bool {
        self.inventory.is_some()
    }

    /// Whether the export ships dependency objects.
    pub fn has_shipped(&self) -> bool {
        !self.shipped.is_empty()
    }

    /// Whether `id` is known.
    pub fn contains(&self, id: &str) -> bool {
        let k = key(id);
        self.keys.contains(&k) || self.shipped.contains(&k) || self.inventory.is_some_and(|i| i.contains(id))
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, Origin, indexed, step_uses};
    use crate::container::load_bytes;

    /// `(id, source, text under the span)` of every use in a sequence body.
    fn uses(body: &str) -> Vec<(String, String, String)> {
        let text = format!("<sequence version=\"3.10\">{body}</sequence>");
        let mut loaded = load_bytes("t.xml", text.clone().into_bytes(), None);
        let Some(Ok(ts)) = loaded.pop().map(|l| l.result) else { return Vec::new() };
        let mut out = Vec::new();
        for (_, us) in step_uses(&ts.sequence) {
            for u in us {
                let under = text.get(u.span.start..u.span.end).unwrap_or("?").to_owned();
                out.push((u.id, u.source, under));
            }
        }
        out
    }

    #[test]
    fn indexed_names_need_digits_between_prefix_and_suffix() {
        assert!(indexed("OSDPackage12PackageID", "osdpackage", "packageid"));
        assert!(indexed("osdapp1NAME", "osdapp", "name"));
        for name in ["OSDPackagePackageID", "OSDAppXName", "OSDApp1Names", "XOSDApp1Name", "OSDApp1\u{e9}Name", "OSDApp"] {
            assert!(!indexed(name, "osdapp", "name") && !indexed(name, "osdpackage", "packageid"), "{name}");
        }
    }

    #[test]
    fn smsswd_switch_is_only_its_first_argument() {
        let got = uses(
            r#"<step type="SMS_TaskSequence_RunCommandLineAction" name="a"><action>smsswd.exe /run:CM100031 setup.exe /install:XX /config:y</action></step>"#,
        );
        assert_eq!(got, vec![("CM100031".into(), "<action> /run:".into(), "CM100031".into())]);
    }

    #[test]
    fn lists_are_split_with_spans() {
        let got = uses(
            r#"<step type="SMS_TaskSequence_DownloadPackageContentAction" name="d"><defaultVarList><variable name="OSDDownloadDownloadPackages" property="DownloadPackages">CM100031, CM100044</variable></defaultVarList></step>"#,
        );
        let ids: Vec<&str> = got.iter().map(|(id, _, under)| if id == under { id.as_str() } else { "span mismatch" }).collect();
        assert_eq!(ids, ["CM100031", "CM100044"]);
    }

    #[test]
    fn apply_os_switches_and_child_lists() {
        let text = r#"<step type="SMS_TaskSequence_ApplyOperatingSystemAction" name="os"><action>OSDApplyOS.exe /image:CM100031,1 &quot;/config:CM100032,u.xml&quot;</action></step><subtasksequence type="SMS_TaskSequence_SubTasksequence" name="c"><defaultVarList><variable name="OSDSubTasksequenceTsReferenceApplications" property="TsReferenceApplications">ScopeId_1/Application_a</variable></defaultVarList></subtasksequence>"#;
        let got = uses(text);
        let ids: Vec<&str> = got.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(ids, ["CM100031", "CM100032", "ScopeId_1/Application_a"]);
        let seq = format!("<sequence version=\"3.10\">{text}</sequence>");
        let Some(Ok(ts)) = load_bytes("t.xml", seq.into_bytes(), None).pop().map(|l| l.result) else { return };
        let child = step_uses(&ts.sequence).into_iter().flat_map(|(_, u)| u).find(|u| u.kind == Kind::Application);
        assert!(child.is_some_and(|u| u.origin == Origin::ChildList));
    }
}
