//! What a group or step means, independent of layout: the decoded values the semantic diff
//! compares and the renderings print.

use crate::analysis::expression::{node_condition, readable};
use crate::analysis::references::{Origin, step_uses};
use crate::analysis::secrets::is_secret_var;
use crate::identity::{NodeId, identities};
use crate::model::{Node, NodeKind, Sequence};
use base64::Engine;
use std::collections::{BTreeMap, BTreeSet};

/// Attributes reported under their own change kinds, not as plain attributes.
const OWN_KINDS: &[&str] = &["name", "type", "disable", "continueOnError"];

/// A step variable, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarFact {
    /// The name as written.
    pub name: String,
    /// The decoded value.
    pub value: String,
    /// Whether the variable holds a secret (its value is never printed).
    pub secret: bool,
}

impl VarFact {
    /// A model variable, decoded.
    #[must_use]
    pub fn of(v: &crate::model::Variable) -> Self {
        let name = v.name().to_owned();
        Self { secret: is_secret_var(&name), value: v.value.text().into_owned(), name }
    }
}

/// The meaning of one group, step or child task sequence.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The instruction number (`smsts.log`'s instruction pointer).
    pub number: usize,
    /// The node's identity.
    pub id: NodeId,
    /// Group, step or child task sequence.
    pub kind: NodeKind,
    /// The `name` attribute, decoded.
    pub name: String,
    /// The step type (`group`, `subtasksequence`, or the `type` attribute).
    pub type_name: String,
    /// `disable="true"`.
    pub disabled: bool,
    /// `continueOnError="true"`.
    pub continue_on_error: bool,
    /// Other attributes (`description`, `runIn`, `timeout`, …), decoded, by name.
    pub attrs: BTreeMap<String, String>,
    /// The condition as a readable expression.
    pub condition: Option<String>,
    /// The `<action>` command line, decoded.
    pub action: Option<String>,
    /// Step variables that are neither references nor scripts, by lower-case name.
    pub variables: BTreeMap<String, VarFact>,
    /// Embedded scripts (`OSDRunPowerShellScriptSourceScript`, decoded), by lower-case name.
    pub scripts: BTreeMap<String, (String, String)>,
    /// Package IDs and application names the step uses (upper case), from its variables and
    /// `<action>`.
    pub references: BTreeSet<String>,
    /// The variables the references were read from (lower case).
    pub reference_vars: BTreeSet<String>,
    /// The parent's index in the walk, `None` at the top level.
    pub parent: Option<usize>,
    /// The 1-based position among its siblings.
    pub position: usize,
    /// Indexes of the children in the walk.
    pub children: Vec<usize>,
    /// The slash-separated path of names.
    pub path: String,
}

impl Facts {
    /// Whether the node is a group.
    #[must_use]
    pub fn is_group(&self) -> bool {
        self.kind == NodeKind::Group
    }

    /// Everything but the name, position and children, for exact-content matching.
    #[must_use]
    pub fn content_key(&self) -> String {
        let mut s = format!("{}\u{1}{}\u{1}{}\u{1}", self.type_name, self.disabled, self.continue_on_error);
        for item in self.features() {
            s.push_str(&item);
            s.push('\u{1}');
        }
        s
    }

    /// The facts as `key=value` strings, for similarity.
    #[must_use]
    pub fn features(&self) -> Vec<String> {
        let mut out: Vec<String> = self.attrs.iter().map(|(k, v)| format!("@{k}={v}")).collect();
        out.extend(self.condition.iter().map(|c| format!("?{c}")));
        out.extend(self.action.iter().map(|a| format!("!{a}")));
        out.extend(self.variables.iter().map(|(k, v)| format!("${k}={}", v.value)));
        out.extend(self.scripts.iter().map(|(k, (_, v))| format!("#{k}={v}")));
        out.extend(self.references.iter().map(|r| format!("&{r}")));
        out
    }
}

/// The variable that holds a Set Dynamic Variables step's rules document.
const RULES_VAR: &str = "OSDSetDynamicVariablesRules";

/// The rules of a Set Dynamic Variables step, one line each (`if <condition>: Name = value, …`),
/// with the values of secret assignments (`IsSecret="true"`, or a secret name) masked. A rules
/// document that does not parse is kept as written, and wholly masked if it holds a secret.
fn rules_fact(node: &Node, v: &crate::model::Variable) -> VarFact {
    let mut fact = VarFact::of(v);
    match &node.dynamic_rules {
        Some(rules) if rules.error.is_none() => {
            let lines: Vec<String> = rules
                .rules
                .iter()
                .map(|r| {
                    let cond = r
                        .condition
                        .as_ref()
                        .map_or_else(|| "always".to_owned(), |c| format!("if {}", readable(&c.children.iter().collect::<Vec<_>>())));
                    let sets: Vec<String> = r
                        .variables
                        .iter()
                        .map(|x| {
                            let flagged = x.attrs.get("IsSecret").and_then(crate::model::Value::as_bool_loose).unwrap_or(false);
                            let value = x.value.text();
                            let shown = if (flagged || is_secret_var(x.name())) && !value.is_empty() { super::MASK } else { &value };
                            format!("{} = {shown}", x.name())
                        })
                        .collect();
                    format!("{cond}: {}", sets.join(", "))
                })
                .collect();
            fact.value = lines.join("\n");
        }
        _ => fact.secret |= fact.value.to_ascii_lowercase().replace(' ', "").contains("issecret=\"true\""),
    }
    fact
}

/// Whether a variable holds an embedded script that is shown decoded and diffed by line.
fn is_script_var(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("sourcescript")
}

/// The text of an embedded script: PowerShell step scripts are Base64 of UTF-16LE (with a BOM)
/// or UTF-8; anything that does not decode is kept as written.
#[must_use]
pub fn decode_script(value: &str) -> String {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) else { return value.to_owned() };
    let utf16 = |b: &[u8], le: bool| {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| match c {
                [x, y] if le => u16::from_le_bytes([*x, *y]),
                [x, y] => u16::from_be_bytes([*x, *y]),
                _ => 0,
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, true)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, false)
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Ok(s) = std::str::from_utf8(&bytes) {
        s.to_owned()
    } else if bytes.len() % 2 == 0 && bytes.iter().skip(1).step_by(2).all(|b| *b == 0) {
        utf16(&bytes, true)
    } else {
        value.to_owned()
    }
}

/// The facts of every node of `seq`, in walk order.
#[must_use]
pub fn facts(seq: &Sequence) -> Vec<Facts> {
    let ids = identities(seq);
    let uses = step_uses(seq);
    let mut out: Vec<Facts> = Vec::with_capacity(ids.len());
    // The walk index of the latest node at each depth, to link parents and children.
    let mut open: Vec<usize> = Vec::new();
    for ((visit, uses), id) in uses.into_iter().zip(ids) {
        let depth = visit.ancestors.len();
        open.truncate(depth);
        let parent = open.last().copied();
        let index = out.len();
        let position = match parent {
            Some(p) => out.get(p).map_or(1, |f| f.children.len() + 1),
            None => out.iter().filter(|f| f.parent.is_none()).count() + 1,
        };
        if let Some(p) = parent.and_then(|p| out.get_mut(p)) {
            p.children.push(index);
        }
        let mut f = node_facts(visit.node, visit.number, id, parent, position, visit.path());
        for u in uses.iter().filter(|u| u.is_reference()) {
            f.references.insert(crate::analysis::references::key(&u.id));
            if matches!(u.origin, Origin::Variable | Origin::ChildList) {
                f.reference_vars.insert(u.source.to_ascii_lowercase());
            }
        }
        for name in &f.reference_vars {
            f.variables.remove(name);
        }
        out.push(f);
        open.push(index);
    }
    out
}

fn node_facts(node: &Node, number: usize, id: NodeId, parent: Option<usize>, position: usize, path: String) -> Facts {
    let attrs = node
        .attrs
        .0
        .iter()
        .filter(|a| !OWN_KINDS.contains(&a.name.as_ref()))
        .map(|a| (a.name.to_string(), a.value.text().into_owned()))
        .collect();
    let mut variables = BTreeMap::new();
    let mut scripts = BTreeMap::new();
    for v in &node.variables {
        let name = v.name().to_owned();
        let value = v.value.text().into_owned();
        if is_script_var(&name) {
            scripts.insert(name.to_ascii_lowercase(), (name, decode_script(&value)));
        } else if name.eq_ignore_ascii_case(RULES_VAR) {
            variables.insert(name.to_ascii_lowercase(), rules_fact(node, v));
        } else {
            variables.insert(name.to_ascii_lowercase(), VarFact::of(v));
        }
    }
    Facts {
        number,
        kind: node.kind,
        name: node.name().into_owned(),
        type_name: id.kind.clone(),
        id,
        disabled: node.attr("disable").and_then(crate::model::Value::as_bool_loose).unwrap_or(false),
        continue_on_error: node.attr("continueOnError").and_then(crate::model::Value::as_bool_loose).unwrap_or(false),
        attrs,
        condition: node_condition(node),
        action: node.action.as_ref().map(|a| a.text().trim().to_owned()),
        variables,
        scripts,
        references: BTreeSet::new(),
        reference_vars: BTreeSet::new(),
        parent,
        position,
        children: Vec::new(),
        path,
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_script, facts};
    use crate::container::load_bytes;

    fn rules_value(rules: &str) -> (String, bool) {
        let xml = format!(
            r#"<sequence version="3.10"><step type="SMS_TaskSequence_SetDynamicVariablesAction" name="s"><action>OSDSetDynamicVariables.exe</action><defaultVarList><variable name="OSDSetDynamicVariablesRules" property="Rules">{rules}</variable></defaultVarList></step></sequence>"#
        );
        let ts = load_bytes("t.xml", xml.into_bytes(), None).pop().and_then(|l| l.result.ok()).unwrap_or_else(|| panic!("{rules}"));
        let f = facts(&ts.sequence).pop().unwrap_or_else(|| panic!("{rules}"));
        let v = f.variables.get("osdsetdynamicvariablesrules").unwrap_or_else(|| panic!("{rules}"));
        (v.value.clone(), v.secret)
    }

    #[test]
    fn dynamic_rules_read_as_lines_with_secrets_masked() {
        let (value, secret) = rules_value(
            "&lt;Rules&gt;&lt;Rule&gt;&lt;Variables&gt;&lt;Variable Name=\"Pin\" IsSecret=\"true\"&gt;1234&lt;/Variable&gt;&lt;Variable Name=\"JoinPassword\" IsSecret=\"false\"&gt;pw&lt;/Variable&gt;&lt;Variable Name=\"Site\" IsSecret=\"false\"&gt;Lab&lt;/Variable&gt;&lt;/Variables&gt;&lt;/Rule&gt;&lt;/Rules&gt;",
        );
        assert_eq!(value, "always: Pin = ********, JoinPassword = ********, Site = Lab");
        assert!(!secret);
        // A document that does not parse and holds a secret is masked whole.
        let (_, secret) = rules_value("&lt;Rules&gt;&lt;Rule&gt;&lt;Variable Name=\"Pin\" IsSecret=\"true\"&gt;1234&lt;/Rules&gt;");
        assert!(secret);
    }

    #[test]
    fn scripts_decode_from_base64_utf16_and_utf8() {
        // "hi\r\n" in UTF-16LE with a BOM, and "hi" in UTF-8.
        assert_eq!(decode_script("//5oAGkADQAKAA=="), "hi\r\n");
        assert_eq!(decode_script("aGk="), "hi");
        assert_eq!(decode_script("not base64!"), "not base64!");
    }
}
