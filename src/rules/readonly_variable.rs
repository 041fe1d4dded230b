//! `readonly-variable`: the task sequence assigns a variable whose name starts with `_`.

use super::{Category, Ctx, OptionKind, Rule, RuleMeta, RuleOption};
use crate::diagnostic::Severity;
use crate::model::{Sequence, Visit};
use crate::span::Span;

/// The rule.
pub struct ReadonlyVariable;

static META: RuleMeta = RuleMeta {
    name: "readonly-variable",
    category: Category::Variables,
    severity: Severity::Error,
    summary: "step or global variable list assigns a read-only variable",
    docs: include_str!("../../rules/readonly-variable.md"),
};

/// Read-only variables that are set in practice: MDT documents both as branding properties.
const ALLOW: &[&str] = &["_SMSTSOrgName", "_SMSTSPackageName"];

/// A variable the task sequence sets: where, its name (decoded, trimmed) and the name's span.
pub(crate) struct Assignment<'a> {
    /// The step that sets it (`None` for `<globalVarList>`).
    pub visit: Option<&'a Visit<'a>>,
    /// The name, trimmed.
    pub name: String,
    /// The span of the name in the file.
    pub span: Span,
}

/// Every assignment: Set Task Sequence Variable names, Set Dynamic Variables rule variables and
/// `<globalVarList>` entries; `visits` is the walk of `seq` (`Ctx::facts`).
pub(crate) fn assignments<'a>(seq: &'a Sequence, visits: &'a [Visit<'a>]) -> Vec<Assignment<'a>> {
    let mut out = Vec::new();
    for visit in visits {
        let node = visit.node;
        let mut found: Vec<(String, Span)> = Vec::new();
        if node.is_type("SetVariableAction")
            && let Some(v) = node.var("VariableName")
        {
            found.push((v.value.text().trim().to_owned(), v.value.span));
        }
        for rule in node.dynamic_rules.iter().flat_map(|d| &d.rules) {
            for v in &rule.variables {
                if let Some(name) = v.attrs.get("Name") {
                    found.push((name.text().trim().to_owned(), name.span));
                }
            }
        }
        out.extend(found.into_iter().map(|(name, span)| Assignment { visit: Some(visit), name, span }));
    }
    for v in &seq.globals {
        if let Some(name) = v.attrs.get("name") {
            out.push(Assignment { visit: None, name: name.text().trim().to_owned(), span: name.span });
        }
    }
    out
}

impl Rule for ReadonlyVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn options(&self) -> &'static [RuleOption] {
        &[RuleOption { name: "allow", kind: OptionKind::Strings }]
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let allow = cx.option_strings("allow", ALLOW);
        for a in assignments(&cx.ts.sequence, cx.facts.visits()) {
            if !a.name.starts_with('_') || allow.iter().any(|n| n.eq_ignore_ascii_case(&a.name)) {
                continue;
            }
            let msg = format!("`{}` is read-only and cannot be set by the task sequence", a.name);
            let mut r = match a.visit {
                Some(visit) => cx.report_at(visit, a.span, msg),
                None => cx.report(a.span, msg),
            };
            r.help("read-only variables (leading `_`) belong to the engine; set the writable variable that feeds it instead");
        }
    }
}
