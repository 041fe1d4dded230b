//! Running the rules over loaded files. Selection, severity overrides and suppressions (comments
//! and `tsq.toml`) are decided here, in one place, for every finding: the rules' own, the loader's
//! (`xml-syntax`, `unsupported-format`) and the suppressions' (`unused-suppression`,
//! `invalid-suppression`).

use crate::config::{Config, Level};
use crate::container::{Loaded, Problem, TaskSequence};
use crate::diagnostic::{Diagnostic, Severity};
use crate::inventory::Inventory;
use crate::model::Value;
use crate::rules::{Ctx, RULES, Rule};
use crate::source::SourceFile;
use crate::span::Span;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// What to run and how.
#[derive(Debug, Default)]
pub struct Settings {
    /// The configuration (`tsq.toml` or defaults).
    pub config: Config,
    /// `--select`: only these rules or categories (empty: all).
    pub select: Vec<String>,
    /// `--ignore`: not these rules or categories.
    pub ignore: Vec<String>,
    /// `--inventory`.
    pub inventory: Option<Inventory>,
}

impl Settings {
    /// The severity `rule` runs at, or `None` when it is off.
    #[must_use]
    pub fn level(&self, rule: &dyn Rule) -> Option<Severity> {
        let meta = rule.meta();
        let category = meta.category.name();
        let named = |list: &[String]| list.iter().any(|s| s == meta.name || *s == category);
        if (!self.select.is_empty() && !named(&self.select)) || named(&self.ignore) {
            return None;
        }
        match self.config.level(meta.name) {
            Some(Level::Off) => None,
            Some(Level::On(s)) => Some(s),
            None => Some(meta.severity),
        }
    }
}

/// The findings for one file (or archive member).
#[derive(Debug)]
pub struct FileResult {
    /// The path as printed.
    pub path: String,
    /// The decoded file, for positions and snippets.
    pub source: Option<SourceFile>,
    /// Findings in order of position.
    pub diagnostics: Vec<Diagnostic>,
    /// The `[[suppress]]` entries that silenced something here: the config file and the entry's
    /// index in it.
    pub used_suppressions: Vec<(PathBuf, usize)>,
    /// Findings of enabled rules that a comment or a `[[suppress]]` entry silenced.
    pub suppressed: Vec<Suppressed>,
}

/// Where the suppression of a finding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// A `<!-- tsq-ignore … -->` comment in the file.
    InSource,
    /// A `[[suppress]]` entry of `tsq.toml`.
    External,
}

/// A finding that was silenced, with how.
#[derive(Debug, Clone)]
pub struct Suppressed {
    /// The finding.
    pub diagnostic: Diagnostic,
    /// Comment or config.
    pub kind: SuppressionKind,
    /// The reason the suppression gives, if any.
    pub reason: Option<String>,
}

/// A finding in the making: whether its rule is enabled (suppressions are judged against every
/// rule's findings, so that turning a rule off does not make its suppressions look unused).
type Finding = (Diagnostic, bool);

/// Check one loaded file; `[[suppress]]` paths are matched against its printed path.
#[must_use]
pub fn check(loaded: Loaded, settings: &Settings) -> FileResult {
    let key = loaded.path.clone();
    check_as(loaded, settings, &key)
}

/// Check one loaded file; `[[suppress]] path` globs are matched against `key`, its path relative
/// to the config file's directory.
#[must_use]
pub fn check_as(loaded: Loaded, settings: &Settings, key: &str) -> FileResult {
    let mut result = FileResult {
        path: loaded.path,
        source: loaded.source,
        diagnostics: Vec::new(),
        used_suppressions: Vec::new(),
        suppressed: Vec::new(),
    };
    let all = match &loaded.result {
        Err(problem) => loader_finding(problem, settings).into_iter().collect(),
        Ok(ts) => {
            let text = result.source.as_ref().map_or("", |s| s.text.as_str());
            let mut all = run_all(ts, text, settings);
            let numbers: std::collections::HashSet<usize> = all.iter().filter_map(|(d, _)| d.step_number).collect();
            if !numbers.is_empty() {
                let ids = crate::identity::identities_where(&ts.sequence, |n| numbers.contains(&n));
                for (d, _) in &mut all {
                    d.step_id = d.step_number.and_then(|n| ids.get(n)?.as_ref()).map(ToString::to_string);
                }
            }
            apply_inline_suppressions(ts, text, all, settings, &mut result.suppressed)
        }
    };
    let all = apply_config_suppressions(key, all, &settings.config, &mut result);
    result.diagnostics = all.into_iter().filter_map(|(d, on)| on.then_some(d)).collect();
    let order = |a: &Diagnostic, b: &Diagnostic| a.span.start.cmp(&b.span.start).then(a.span.end.cmp(&b.span.end)).then(a.rule.cmp(b.rule));
    result.diagnostics.sort_by(order);
    result.suppressed.sort_by(|a, b| order(&a.diagnostic, &b.diagnostic));
    result
}

/// The finding for a file that could not be read.
fn loader_finding(problem: &Problem, settings: &Settings) -> Option<Finding> {
    let rule = crate::rules::find(problem.rule.name)?;
    let mut d = Diagnostic::new(rule.meta().name, rule.meta().severity, problem.span, problem.message.clone());
    let level = settings.level(rule);
    if let (Some(level), Some(_)) = (level, settings.config.level(rule.meta().name)) {
        d.severity = level;
    }
    Some((d, level.is_some()))
}

/// From this size on, the rules of one file run in parallel (the file is then the run's long pole;
/// below it, handing out the work costs more than it saves).
const PARALLEL_RULES_BYTES: usize = 512 * 1024;

/// Run every rule, enabled or not, over a task sequence read from `text`.
fn run_all(ts: &TaskSequence, text: &str, settings: &Settings) -> Vec<Finding> {
    run_rules(ts, text, settings, text.len() >= PARALLEL_RULES_BYTES)
}

/// Run every rule, one after the other or in parallel; the findings come in the same order.
fn run_rules(ts: &TaskSequence, text: &str, settings: &Settings, parallel: bool) -> Vec<Finding> {
    let facts = crate::analysis::facts::Facts::new(&ts.sequence);
    let run = |rule: &&'static dyn Rule| -> Vec<Finding> {
        let level = settings.level(*rule);
        let configured = settings.config.level(rule.meta().name).is_some();
        let mut cx = Ctx::new(*rule, ts, text, settings.config.options(rule.meta().name), settings.inventory.as_ref(), &facts);
        rule.check(&mut cx);
        cx.into_diagnostics()
            .into_iter()
            .map(|mut d| {
                if let (true, Some(level)) = (configured, level) {
                    d.severity = level;
                }
                (d, level.is_some())
            })
            .collect()
    };
    let per_rule: Vec<Vec<Finding>> = if parallel { RULES.par_iter().map(run).collect() } else { RULES.iter().map(run).collect() };
    per_rule.into_iter().flatten().collect()
}

/// An inline `<!-- tsq-ignore rule[, rule]: reason -->` comment.
struct Inline {
    /// The rule names it gives, known or not.
    rules: Vec<String>,
    reason: Option<String>,
    comment: Span,
    /// What it covers: the node after it, or the whole file for a comment before the root.
    scope: Span,
    used: bool,
}

/// Parse a comment's text as a suppression: the rule names and the reason.
fn parse_inline(text: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = text.trim().strip_prefix("tsq-ignore")?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', ':'])) {
        return None;
    }
    let (names, reason) = rest.split_once(':').unwrap_or((rest, ""));
    let rules: Vec<String> = names.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    let reason = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
    Some((rules, reason))
}

/// The inline suppressions of a task sequence, with the scopes they cover.
fn inlines(ts: &TaskSequence) -> Vec<Inline> {
    let whole = Span::new(0, usize::MAX);
    let prolog = ts.sequence.prolog_comments.iter().map(|c| (c, whole));
    let leading = ts.sequence.walk().flat_map(|v| v.node.leading_comments.iter().map(move |c| (c, v.node.span)));
    prolog
        .chain(leading)
        .filter_map(|(c, scope): (&Value, Span)| {
            parse_inline(&c.raw).map(|(rules, reason)| Inline { rules, reason, comment: c.span, scope, used: false })
        })
        .collect()
}

/// For each rule name, the inline suppressions naming it as a forest of nested scopes: indices
/// into the inline list sorted by scope start, and each one's nearest enclosing entry.
struct ScopeIndex {
    by_rule: HashMap<String, (Vec<usize>, Vec<Option<usize>>)>,
}

impl ScopeIndex {
    fn new(inlines: &[Inline]) -> Self {
        let mut by_rule: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in inlines.iter().enumerate() {
            for r in &s.rules {
                by_rule.entry(r.clone()).or_default().push(i);
            }
        }
        let by_rule = by_rule
            .into_iter()
            .map(|(rule, mut list)| {
                let scope = |i: usize| inlines.get(i).map_or(Span::new(0, 0), |s| s.scope);
                // Outer scopes first when two start together.
                list.sort_by(|&a, &b| scope(a).start.cmp(&scope(b).start).then(scope(b).end.cmp(&scope(a).end)));
                // Scopes are elements (or the whole file), so they nest or are disjoint.
                let mut parents = Vec::with_capacity(list.len());
                let mut open: Vec<usize> = Vec::new();
                for (pos, &i) in list.iter().enumerate() {
                    let s = scope(i);
                    while open.last().is_some_and(|&p| list.get(p).is_none_or(|&j| scope(j).end < s.end)) {
                        open.pop();
                    }
                    parents.push(open.last().copied());
                    open.push(pos);
                }
                (rule, (list, parents))
            })
            .collect();
        Self { by_rule }
    }

    /// The inline suppressions for `rule` whose scope covers `span`, innermost first.
    fn covering(&self, inlines: &[Inline], rule: &str, span: Span) -> Vec<usize> {
        let Some((list, parents)) = self.by_rule.get(rule) else { return Vec::new() };
        let scope = |pos: usize| list.get(pos).and_then(|&i| inlines.get(i)).map_or(Span::new(0, 0), |s| s.scope);
        let mut out = Vec::new();
        // The last scope starting at or before the finding, then up through the enclosing ones.
        let mut at = list.partition_point(|&i| inlines.get(i).is_some_and(|s| s.scope.start <= span.start)).checked_sub(1);
        while let Some(pos) = at {
            let s = scope(pos);
            if s.start <= span.start
                && span.end <= s.end
                && let Some(&i) = list.get(pos)
            {
                out.push(i);
            }
            at = parents.get(pos).copied().flatten();
        }
        out
    }
}

fn apply_inline_suppressions(
    ts: &TaskSequence,
    text: &str,
    diags: Vec<Finding>,
    settings: &Settings,
    suppressed: &mut Vec<Suppressed>,
) -> Vec<Finding> {
    let mut inlines = inlines(ts);
    let index = ScopeIndex::new(&inlines);
    let mut kept: Vec<Finding> = Vec::with_capacity(diags.len());
    for (d, on) in diags {
        let covering = index.covering(&inlines, d.rule, d.span);
        let Some(&innermost) = covering.first() else {
            kept.push((d, on));
            continue;
        };
        // Every comment that covers the finding counts as used (nested groups and steps).
        for &i in &covering {
            if let Some(s) = inlines.get_mut(i) {
                s.used = true;
            }
        }
        if on {
            let reason = inlines.get(innermost).and_then(|s| s.reason.clone());
            suppressed.push(Suppressed { diagnostic: d, kind: SuppressionKind::InSource, reason });
        }
    }
    let unused = crate::rules::find("unused-suppression");
    let invalid = crate::rules::find("invalid-suppression");
    // A suppression comment that is neither before the root nor right before a node is stray.
    let stray = ts.sequence.comments.iter().filter(|c| !inlines.iter().any(|s| s.comment == c.span));
    for c in stray {
        if let Some((rules, _)) = parse_inline(&c.raw) {
            if let Some(rule) = invalid {
                for name in rules.iter().filter(|r| crate::rules::find(r).is_none()) {
                    kept.push((crate::rules::invalid_suppression::unknown_rule(c.span, name), settings.level(rule).is_some()));
                }
            }
            let known: Vec<String> = rules.into_iter().filter(|r| crate::rules::find(r).is_some()).collect();
            if !known.is_empty()
                && let Some(rule) = unused
            {
                kept.push((crate::rules::unused_suppression::stray_comment(text, c.span, &known), settings.level(rule).is_some()));
            }
        }
    }
    for s in &inlines {
        let unknown: Vec<&String> = s.rules.iter().filter(|r| crate::rules::find(r).is_none()).collect();
        if let Some(rule) = invalid {
            if s.rules.is_empty() {
                kept.push((crate::rules::invalid_suppression::no_rules(s.comment), settings.level(rule).is_some()));
            }
            for name in &unknown {
                kept.push((crate::rules::invalid_suppression::unknown_rule(s.comment, name), settings.level(rule).is_some()));
            }
        }
        let known: Vec<String> = s.rules.iter().filter(|r| crate::rules::find(r).is_some()).cloned().collect();
        // Every rule ran (selection applies after suppression), so every comment can be judged.
        if !s.used
            && !known.is_empty()
            && let Some(rule) = unused
        {
            kept.push((crate::rules::unused_suppression::unused_comment(text, s.comment, &known), settings.level(rule).is_some()));
        }
    }
    kept
}

fn apply_config_suppressions(key: &str, diags: Vec<Finding>, config: &Config, result: &mut FileResult) -> Vec<Finding> {
    if config.suppress.is_empty() {
        return diags;
    }
    let config_path = config.path.clone().unwrap_or_default();
    let mut kept = Vec::with_capacity(diags.len());
    for (d, on) in diags {
        let hit = config.suppress.iter().position(|s| {
            s.rule == d.rule
                && s.path.is_match(key)
                && s.step.as_ref().is_none_or(|g| d.step_path.as_deref().is_some_and(|p| g.is_match(p)))
        });
        let Some(i) = hit else {
            kept.push((d, on));
            continue;
        };
        if !result.used_suppressions.iter().any(|(p, j)| *j == i && *p == config_path) {
            result.used_suppressions.push((config_path.clone(), i));
        }
        if on {
            let reason = config.suppress.get(i).and_then(|s| s.reason.clone());
            result.suppressed.push(Suppressed { diagnostic: d, kind: SuppressionKind::External, reason });
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::{Settings, run_rules};

    #[test]
    fn rules_in_parallel_find_the_same_in_the_same_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quirks");
        let mut findings = 0;
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(bytes) = std::fs::read(entry.path()) else { continue };
            for loaded in crate::container::load_bytes(&name, bytes, None) {
                let (Ok(ts), Some(source)) = (&loaded.result, &loaded.source) else { continue };
                let settings = Settings::default();
                let one = run_rules(ts, &source.text, &settings, false);
                let par = run_rules(ts, &source.text, &settings, true);
                assert_eq!(format!("{one:?}"), format!("{par:?}"), "{name}");
                findings += one.len();
            }
        }
        assert!(findings >= 3, "the quirk fixtures have findings: {findings}");
    }
}
