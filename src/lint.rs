//! Running the rules over loaded files: selection, severity overrides and suppressions.

use crate::config::{Config, Level};
use crate::container::{Loaded, TaskSequence};
use crate::diagnostic::{Diagnostic, Severity};
use crate::inventory::Inventory;
use crate::rules::{Ctx, RULES, Rule};
use crate::source::SourceFile;
use crate::span::Span;

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
    /// Indices of config `[[suppress]]` entries that silenced something here.
    pub used_suppressions: Vec<usize>,
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

/// Check one loaded file.
#[must_use]
pub fn check(loaded: Loaded, settings: &Settings) -> FileResult {
    let mut diags = Vec::new();
    let mut used = Vec::new();
    let mut suppressed = Vec::new();
    match &loaded.result {
        Err(problem) => {
            if let Some(rule) = crate::rules::find(problem.rule)
                && let Some(sev) = settings.level(rule)
            {
                diags.push(Diagnostic::new(rule.meta().name, sev, problem.span, problem.message.clone()));
            }
        }
        Ok(ts) => {
            // Suppressions are matched against what every rule would report, so that turning a
            // rule off does not make its suppressions look unused; selection applies afterwards.
            let mut all = run_all(ts, settings);
            if all.iter().any(|(d, _)| d.step_number.is_some()) {
                let ids = crate::identity::identities(&ts.sequence);
                for (d, _) in &mut all {
                    d.step_id = d.step_number.and_then(|n| ids.get(n)).map(ToString::to_string);
                }
            }
            let all = apply_inline_suppressions(ts, all, settings, &mut suppressed);
            let all = apply_config_suppressions(&loaded.path, all, &settings.config, &mut used, &mut suppressed);
            diags = all.into_iter().filter_map(|(d, on)| on.then_some(d)).collect();
        }
    }
    let order = |a: &Diagnostic, b: &Diagnostic| a.span.start.cmp(&b.span.start).then(a.span.end.cmp(&b.span.end)).then(a.rule.cmp(b.rule));
    diags.sort_by(order);
    suppressed.sort_by(|a, b| order(&a.diagnostic, &b.diagnostic));
    FileResult { path: loaded.path, source: loaded.source, diagnostics: diags, used_suppressions: used, suppressed }
}

/// Run every enabled rule over a task sequence.
#[must_use]
pub fn run_rules(ts: &TaskSequence, settings: &Settings) -> Vec<Diagnostic> {
    run_all(ts, settings).into_iter().filter_map(|(d, on)| on.then_some(d)).collect()
}

/// Run every rule, enabled or not; each finding says whether its rule is enabled.
fn run_all(ts: &TaskSequence, settings: &Settings) -> Vec<(Diagnostic, bool)> {
    let mut out = Vec::new();
    for &rule in RULES {
        let level = settings.level(rule);
        let configured = settings.config.level(rule.meta().name).is_some();
        let mut cx = Ctx::new(rule, ts, settings.config.options(rule.meta().name), settings.inventory.as_ref());
        rule.check(&mut cx);
        out.extend(cx.into_diagnostics().into_iter().map(|mut d| {
            if let (true, Some(level)) = (configured, level) {
                d.severity = level;
            }
            (d, level.is_some())
        }));
    }
    out
}

/// An inline `<!-- tsq-ignore rule[, rule]: reason -->` comment.
struct Inline {
    rules: Vec<String>,
    reason: Option<String>,
    comment: Span,
    scope: Span,
    used: bool,
}

/// Parse a comment's text as a suppression: the rule names and the reason.
fn parse_inline(text: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = text.trim().strip_prefix("tsq-ignore")?;
    let (names, reason) = rest.split_once(':').unwrap_or((rest, ""));
    let rules: Vec<String> = names.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    let reason = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
    (!rules.is_empty()).then_some((rules, reason))
}

fn apply_inline_suppressions(
    ts: &TaskSequence,
    diags: Vec<(Diagnostic, bool)>,
    settings: &Settings,
    suppressed: &mut Vec<Suppressed>,
) -> Vec<(Diagnostic, bool)> {
    let mut inlines: Vec<Inline> = ts
        .sequence
        .walk()
        .flat_map(|v| {
            v.node.leading_comments.iter().filter_map(move |c| {
                parse_inline(&c.raw).map(|(rules, reason)| Inline { rules, reason, comment: c.span, scope: v.node.span, used: false })
            })
        })
        .collect();
    let mut kept: Vec<(Diagnostic, bool)> = diags
        .into_iter()
        .filter(|(d, on)| {
            // Every comment that covers the finding counts as used (nested groups and steps).
            let mut hit: Option<Option<String>> = None;
            for s in inlines
                .iter_mut()
                .filter(|s| s.rules.iter().any(|r| r == d.rule) && d.span.start >= s.scope.start && d.span.end <= s.scope.end)
            {
                s.used = true;
                hit = Some(s.reason.clone());
            }
            if let (Some(reason), true) = (&hit, on) {
                suppressed.push(Suppressed { diagnostic: d.clone(), kind: SuppressionKind::InSource, reason: reason.clone() });
            }
            hit.is_none()
        })
        .collect();
    if let Some(rule) = crate::rules::find("unused-suppression")
        && let Some(sev) = settings.level(rule)
    {
        // A suppression comment that is not right before a step or group applies to nothing.
        for c in ts.sequence.comments.iter().filter(|c| !inlines.iter().any(|s| s.comment == c.span)) {
            if let Some((rules, _)) = parse_inline(&c.raw) {
                kept.push((
                    Diagnostic::new(rule.meta().name, sev, c.span, format!("`tsq-ignore {}` suppresses nothing", rules.join(", ")))
                        .with_help("move the comment to just before the step or group it is meant for, with only whitespace between"),
                    true,
                ));
            }
        }
        // Every rule ran (selection applies after suppression), so every comment can be judged.
        for s in inlines.iter().filter(|s| !s.used) {
            let names = s.rules.join(", ");
            kept.push((
                Diagnostic::new(rule.meta().name, sev, s.comment, format!("`tsq-ignore {names}` suppresses nothing"))
                    .with_help("remove the comment, or move it to just before the step or group it is meant for"),
                true,
            ));
        }
    }
    kept
}

fn apply_config_suppressions(
    path: &str,
    diags: Vec<(Diagnostic, bool)>,
    config: &Config,
    used: &mut Vec<usize>,
    suppressed: &mut Vec<Suppressed>,
) -> Vec<(Diagnostic, bool)> {
    if config.suppress.is_empty() {
        return diags;
    }
    diags
        .into_iter()
        .filter(|(d, on)| {
            let hit = config.suppress.iter().position(|s| {
                s.rule == d.rule
                    && s.path.is_match(path)
                    && s.step.as_ref().is_none_or(|g| d.step_path.as_deref().is_some_and(|p| g.is_match(p)))
            });
            if let Some(i) = hit {
                if !used.contains(&i) {
                    used.push(i);
                }
                if *on {
                    let reason = config.suppress.get(i).and_then(|s| s.reason.clone());
                    suppressed.push(Suppressed { diagnostic: d.clone(), kind: SuppressionKind::External, reason });
                }
            }
            hit.is_none()
        })
        .collect()
}
