//! The semantic diff of two task sequences: nodes paired by identity and content
//! ([`matching`]), then what changed in meaning, never in layout ([`facts`]). Rendered by
//! [`crate::render`]; the JSON form is documented in `docs/diff.md`.

pub mod facts;
pub mod matching;

use crate::container::TaskSequence;
use crate::model::{Package, Sequence};
use facts::{Facts, facts};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The version of the JSON format of `tsq diff --format json`.
pub const JSON_VERSION: u32 = 1;

/// What secret values are shown as.
pub const MASK: &str = "********";

/// Where a node is in one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// Its instruction number (`smsts.log`'s instruction pointer), from 0.
    pub number: usize,
    /// Its identity in text form.
    pub id: String,
    /// Its path of names.
    pub path: String,
    /// Its name.
    pub name: String,
    /// `group`, `subtasksequence` or the step type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The path of its parent group ("" at the top level).
    pub parent: String,
    /// Its 1-based position among its siblings.
    pub position: usize,
}

/// One difference of a node (or of the sequence or package, for the value kinds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Detail {
    /// The node exists only in the new version.
    Added,
    /// The node exists only in the old version.
    Removed,
    /// The node has another parent, or another place among its siblings (see the places).
    Moved,
    /// The node has another name.
    Renamed {
        /// The old name.
        before: String,
        /// The new name.
        after: String,
    },
    /// `disable` went from true to false.
    Enabled,
    /// `disable` went from false to true.
    Disabled,
    /// An attribute (`continueOnError`, `runIn`, `timeout`, `description`, …), a sequence
    /// attribute, or the `<action>` command line (named `action`); `null` when absent.
    Attribute {
        /// The attribute name.
        name: String,
        /// The old value.
        before: Option<String>,
        /// The new value.
        after: Option<String>,
    },
    /// The condition, as a readable expression; `null` when there is none.
    Condition {
        /// The old expression.
        before: Option<String>,
        /// The new expression.
        after: Option<String>,
    },
    /// A step variable or `globalVarList` variable; secret values are masked.
    Variable {
        /// The variable name.
        name: String,
        /// The old value (masked when secret), `null` when absent.
        before: Option<String>,
        /// The new value (masked when secret), `null` when absent.
        after: Option<String>,
        /// Whether the variable holds a secret.
        secret: bool,
    },
    /// Package IDs or application names a step uses, or the sequence's `<referenceList>` and
    /// package `References`, by ID.
    References {
        /// IDs only the old version has.
        removed: Vec<String>,
        /// IDs only the new version has.
        added: Vec<String>,
    },
    /// An embedded script, decoded, as a unified line diff.
    Script {
        /// The variable that holds it.
        name: String,
        /// The unified diff (`-`/`+`/` ` lines, with `@@` hunk headers).
        diff: String,
    },
    /// A package property (object.xml `PROPERTY`); `null` when absent or null.
    Property {
        /// The property name.
        name: String,
        /// The old value.
        before: Option<String>,
        /// The new value.
        after: Option<String>,
    },
}

impl Detail {
    /// The kind's name, as in JSON.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Moved => "moved",
            Self::Renamed { .. } => "renamed",
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Attribute { .. } => "attribute",
            Self::Condition { .. } => "condition",
            Self::Variable { .. } => "variable",
            Self::References { .. } => "references",
            Self::Script { .. } => "script",
            Self::Property { .. } => "property",
        }
    }
}

/// The differences of one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeChange {
    /// Where it is in the old version (`null` when added).
    pub old: Option<Place>,
    /// Where it is in the new version (`null` when removed).
    pub new: Option<Place>,
    /// What changed.
    pub changes: Vec<Detail>,
}

impl NodeChange {
    /// The place to name the node by: the new one, or the old one for a removed node.
    #[must_use]
    pub fn place(&self) -> Option<&Place> {
        self.new.as_ref().or(self.old.as_ref())
    }
}

/// How many of each kind of change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Nodes added.
    pub added: usize,
    /// Nodes removed.
    pub removed: usize,
    /// Nodes moved.
    pub moved: usize,
    /// Nodes renamed.
    pub renamed: usize,
    /// Paired nodes with other changes (enabled/disabled, attributes, conditions, …).
    pub modified: usize,
    /// Changes of the sequence and package (attributes, global variables, references,
    /// properties).
    pub sequence: usize,
}

/// One side of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The path as printed (`archive.zip!SMS_TaskSequencePackage/…/object.xml` for members).
    pub path: String,
    /// The container format.
    pub format: &'static str,
    /// The number of groups, steps and child task sequences.
    pub nodes: usize,
}

/// The semantic difference of two task sequences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The JSON format version ([`JSON_VERSION`]).
    pub version: u32,
    /// The old version.
    pub old: Side,
    /// The new version.
    pub new: Side,
    /// Counts.
    pub summary: Summary,
    /// Changes of the sequence itself and its package: sequence attributes, `globalVarList`,
    /// `<referenceList>` and package `References`, package properties.
    pub sequence: Vec<Detail>,
    /// Changes of groups and steps, in the order of the new version (removed nodes where they
    /// were).
    pub nodes: Vec<NodeChange>,
}

impl Diff {
    /// Whether the two versions mean the same.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sequence.is_empty() && self.nodes.is_empty()
    }
}

fn place(all: &[Facts], i: usize) -> Option<Place> {
    let f = all.get(i)?;
    Some(Place {
        number: f.number,
        id: f.id.to_string(),
        path: f.path.clone(),
        name: f.name.clone(),
        type_name: f.type_name.clone(),
        parent: f.parent.and_then(|p| all.get(p)).map_or_else(String::new, |p| p.path.clone()),
        position: f.position,
    })
}

/// `before`/`after` of a value that may be absent, `None` when equal.
fn changed<T: PartialEq + Clone>(a: Option<&T>, b: Option<&T>) -> Option<(Option<T>, Option<T>)> {
    (a != b).then(|| (a.cloned(), b.cloned()))
}

/// A variable's value as reported: masked when secret, unless empty.
fn masked(v: &facts::VarFact) -> String {
    if v.secret && !v.value.is_empty() { MASK.to_owned() } else { v.value.clone() }
}

/// A unified line diff of two texts.
fn line_diff(a: &str, b: &str) -> String {
    let a = a.replace("\r\n", "\n");
    let b = b.replace("\r\n", "\n");
    similar::TextDiff::from_lines(&a, &b).unified_diff().context_radius(2).to_string()
}

/// The differences of two paired nodes, other than place.
fn compare(o: &Facts, n: &Facts) -> Vec<Detail> {
    let mut out = Vec::new();
    if o.name != n.name {
        out.push(Detail::Renamed { before: o.name.clone(), after: n.name.clone() });
    }
    if o.type_name != n.type_name {
        out.push(Detail::Attribute { name: "type".to_owned(), before: Some(o.type_name.clone()), after: Some(n.type_name.clone()) });
    }
    match (o.disabled, n.disabled) {
        (true, false) => out.push(Detail::Enabled),
        (false, true) => out.push(Detail::Disabled),
        _ => {}
    }
    if o.continue_on_error != n.continue_on_error {
        out.push(Detail::Attribute {
            name: "continueOnError".to_owned(),
            before: Some(o.continue_on_error.to_string()),
            after: Some(n.continue_on_error.to_string()),
        });
    }
    let names: BTreeSet<&String> = o.attrs.keys().chain(n.attrs.keys()).collect();
    for name in names {
        if let Some((before, after)) = changed(o.attrs.get(name), n.attrs.get(name)) {
            out.push(Detail::Attribute { name: name.clone(), before, after });
        }
    }
    if let Some((before, after)) = changed(o.condition.as_ref(), n.condition.as_ref()) {
        out.push(Detail::Condition { before, after });
    }
    let vars: BTreeSet<&String> = o.variables.keys().chain(n.variables.keys()).collect();
    for key in vars {
        let (a, b) = (o.variables.get(key), n.variables.get(key));
        if a.map(|v| &v.value) != b.map(|v| &v.value) {
            let secret = a.is_some_and(|v| v.secret) || b.is_some_and(|v| v.secret);
            let name = b.or(a).map_or_else(|| key.clone(), |v| v.name.clone());
            out.push(Detail::Variable { name, before: a.map(masked), after: b.map(masked), secret });
        }
    }
    if o.references != n.references {
        out.push(Detail::References {
            removed: o.references.difference(&n.references).cloned().collect(),
            added: n.references.difference(&o.references).cloned().collect(),
        });
    }
    let scripts: BTreeSet<&String> = o.scripts.keys().chain(n.scripts.keys()).collect();
    for key in scripts {
        let (a, b) = (o.scripts.get(key), n.scripts.get(key));
        if a.map(|s| &s.1) != b.map(|s| &s.1) {
            let name = b.or(a).map_or_else(|| key.clone(), |s| s.0.clone());
            let empty = String::new();
            out.push(Detail::Script { name, diff: line_diff(a.map_or(&empty, |s| &s.1), b.map_or(&empty, |s| &s.1)) });
        }
    }
    // The `<action>` is generated from the step's variables: report it only when nothing else
    // explains its change.
    let explained = out.iter().any(|d| matches!(d, Detail::Variable { .. } | Detail::References { .. } | Detail::Script { .. }));
    if !explained && let Some((before, after)) = changed(o.action.as_ref(), n.action.as_ref()) {
        out.push(Detail::Attribute { name: "action".to_owned(), before, after });
    }
    out
}

/// Indexes of `items` outside one longest increasing subsequence.
fn outside_lis(items: &[(usize, usize)]) -> BTreeSet<usize> {
    // items: (old index, new position); find the LIS of new positions.
    let n = items.len();
    let mut len = vec![1usize; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        for j in 0..i {
            if let (Some(a), Some(b), Some(lj)) = (items.get(j), items.get(i), len.get(j).copied())
                && a.1 < b.1
                && len.get(i).is_some_and(|li| lj + 1 > *li)
            {
                if let Some(li) = len.get_mut(i) {
                    *li = lj + 1;
                }
                if let Some(p) = prev.get_mut(i) {
                    *p = Some(j);
                }
            }
        }
    }
    let mut keep = BTreeSet::new();
    let mut at = len.iter().enumerate().max_by_key(|(i, l)| (**l, std::cmp::Reverse(*i))).map(|(i, _)| i);
    while let Some(i) = at {
        keep.insert(i);
        at = prev.get(i).copied().flatten();
    }
    (0..n).filter(|i| !keep.contains(i)).filter_map(|i| items.get(i).map(|x| x.0)).collect()
}

/// Old nodes that are paired but moved: another parent, or out of order among their siblings.
fn moved(old: &[Facts], new: &[Facts], m: &matching::Matching) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    // Sibling lists of the old version: the top level, then each group's children.
    let top: Vec<usize> = old.iter().enumerate().filter(|(_, f)| f.parent.is_none()).map(|(i, _)| i).collect();
    let lists = std::iter::once((None, top))
        .chain(old.iter().enumerate().filter(|(_, f)| f.is_group()).map(|(i, f)| (Some(i), f.children.clone())));
    for (parent, children) in lists {
        let new_parent = parent.map(|p| m.old_to_new.get(p).copied().flatten());
        let mut stay = Vec::new();
        for c in children {
            let Some(partner) = m.old_to_new.get(c).copied().flatten() else { continue };
            let partner_parent = new.get(partner).and_then(|f| f.parent);
            let same = match new_parent {
                None => partner_parent.is_none(),
                Some(np) => np.is_some() && partner_parent == np,
            };
            if same {
                stay.push((c, new.get(partner).map_or(0, |f| f.position)));
            } else {
                out.insert(c);
            }
        }
        out.extend(outside_lis(&stay));
    }
    out
}

/// The difference of two packages' properties (the `Sequence` itself and `References` are
/// compared elsewhere; the `Icon` bytes and the WMI system properties `__PATH`, `__RELPATH`, …,
/// derived from the others, not at all).
fn package_changes(o: Option<&Package>, n: Option<&Package>) -> Vec<Detail> {
    let props = |p: Option<&Package>| -> BTreeMap<String, Option<String>> {
        p.map(|p| {
            p.properties
                .iter()
                .filter(|x| !matches!(x.name.as_str(), "Sequence" | "References" | "Icon") && !x.name.starts_with("__"))
                .map(|x| {
                    (
                        x.name.clone(),
                        x.value.as_ref().map(|v| v.text().into_owned()).or_else(|| x.array_len.map(|n| format!("[{n} values]"))),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let (a, b) = (props(o), props(n));
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (x, y) = (a.get(name).cloned().flatten(), b.get(name).cloned().flatten());
            (x != y).then(|| Detail::Property { name: name.clone(), before: x, after: y })
        })
        .collect()
}

/// The IDs of `<referenceList>` and package `References`.
fn listed_references(ts: &TaskSequence) -> BTreeSet<String> {
    let key = crate::analysis::references::key;
    let mut out: BTreeSet<String> = ts.sequence.references.iter().filter_map(|r| r.target()).map(|v| key(&v.text())).collect();
    for r in ts.package.iter().flat_map(|p| p.references.iter().flatten()) {
        out.extend(r.package.as_ref().map(|v| key(&v.text())));
    }
    out.retain(|s| !s.is_empty());
    out
}

fn sequence_changes(o: &Sequence, n: &Sequence) -> Vec<Detail> {
    let attrs = |s: &Sequence| -> BTreeMap<String, String> {
        s.attrs.0.iter().map(|a| (a.name.to_string(), a.value.text().into_owned())).collect()
    };
    let (a, b) = (attrs(o), attrs(n));
    let mut out = Vec::new();
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for name in names {
        if let Some((before, after)) = changed(a.get(name), b.get(name)) {
            out.push(Detail::Attribute { name: name.clone(), before, after });
        }
    }
    let globals = |s: &Sequence| -> BTreeMap<String, facts::VarFact> {
        s.globals.iter().map(|v| (v.name().to_ascii_lowercase(), facts::VarFact::of(v))).collect()
    };
    let (a, b) = (globals(o), globals(n));
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in names {
        let (x, y) = (a.get(key), b.get(key));
        if x.map(|v| &v.value) != y.map(|v| &v.value) {
            let name = y.or(x).map_or_else(|| key.clone(), |v| v.name.clone());
            let secret = x.is_some_and(|v| v.secret) || y.is_some_and(|v| v.secret);
            out.push(Detail::Variable { name, before: x.map(masked), after: y.map(masked), secret });
        }
    }
    out
}

/// Compare two task sequences named `old_path` and `new_path`.
#[must_use]
pub fn diff(old_path: &str, old: &TaskSequence, new_path: &str, new: &TaskSequence) -> Diff {
    let (of, nf) = (facts(&old.sequence), facts(&new.sequence));
    let m = matching::match_nodes(&of, &nf);
    let moved = moved(&of, &nf, &m);
    // (sort key, change): paired and added nodes in new order, removed ones after the nearest
    // paired node before them.
    let mut entries: Vec<((usize, usize, usize), NodeChange)> = Vec::new();
    let mut step_refs_removed = BTreeSet::new();
    let mut step_refs_added = BTreeSet::new();
    for (j, n) in nf.iter().enumerate() {
        let change = match m.new_to_old.get(j).copied().flatten() {
            None => {
                step_refs_added.extend(n.references.iter().cloned());
                NodeChange { old: None, new: place(&nf, j), changes: vec![Detail::Added] }
            }
            Some(i) => {
                let Some(o) = of.get(i) else { continue };
                let mut changes = compare(o, n);
                if moved.contains(&i) {
                    changes.insert(0, Detail::Moved);
                }
                for d in &changes {
                    if let Detail::References { removed, added } = d {
                        step_refs_removed.extend(removed.iter().cloned());
                        step_refs_added.extend(added.iter().cloned());
                    }
                }
                NodeChange { old: place(&of, i), new: place(&nf, j), changes }
            }
        };
        if !change.changes.is_empty() {
            entries.push(((j, 1, 0), change));
        }
    }
    let mut anchor = None;
    for (i, o) in of.iter().enumerate() {
        match m.old_to_new.get(i).copied().flatten() {
            Some(j) => anchor = Some(j),
            None => {
                step_refs_removed.extend(o.references.iter().cloned());
                let key = anchor.map_or((0, 0, i), |a| (a, 2, i));
                entries.push((key, NodeChange { old: place(&of, i), new: None, changes: vec![Detail::Removed] }));
            }
        }
    }
    entries.sort_by_key(|e| e.0);
    let nodes: Vec<NodeChange> = entries.into_iter().map(|e| e.1).collect();

    let mut sequence = sequence_changes(&old.sequence, &new.sequence);
    // The reference lists follow the steps; only what the steps' changes do not explain is shown.
    let (lo, ln) = (listed_references(old), listed_references(new));
    let removed: Vec<String> = lo.difference(&ln).filter(|r| !step_refs_removed.contains(*r)).cloned().collect();
    let added: Vec<String> = ln.difference(&lo).filter(|r| !step_refs_added.contains(*r)).cloned().collect();
    if !removed.is_empty() || !added.is_empty() {
        sequence.push(Detail::References { removed, added });
    }
    sequence.extend(package_changes(old.package.as_ref(), new.package.as_ref()));

    let mut summary = Summary { sequence: sequence.len(), ..Summary::default() };
    for c in &nodes {
        let mut other = false;
        for d in &c.changes {
            match d {
                Detail::Added => summary.added += 1,
                Detail::Removed => summary.removed += 1,
                Detail::Moved => summary.moved += 1,
                Detail::Renamed { .. } => summary.renamed += 1,
                _ => other = true,
            }
        }
        if other {
            summary.modified += 1;
        }
    }
    let side = |path: &str, ts: &TaskSequence, f: &[Facts]| Side { path: path.to_owned(), format: ts.format.name(), nodes: f.len() };
    Diff { version: JSON_VERSION, old: side(old_path, old, &of), new: side(new_path, new, &nf), summary, sequence, nodes }
}
