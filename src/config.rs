//! `tsq.toml`: per-rule severity and options, file excludes and suppressions.
//!
//! ```toml
//! exclude = ["legacy/**"]
//!
//! [rules]
//! empty-group = "off"                      # or "error", "warning", "info"
//! schema-version = { accept = ["3.00"] }    # options, default severity
//! name-length = { severity = "error" }
//!
//! [[suppress]]
//! path = "Control/**/ts.xml"               # glob relative to this file's directory
//! rule = "plaintext-secret"
//! step = "State Restore/Install Apps"       # optional: the step path (a glob)
//! reason = "lab share, no real credentials"
//! ```

use crate::diagnostic::Severity;
use crate::rules::OptionKind;
use crate::span::{LineIndex, Span};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration file name looked for from a checked file's directory upward.
pub const FILE_NAME: &str = "tsq.toml";

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Do not run the rule.
    Off,
    /// Run it with this severity.
    On(Severity),
}

/// One rule's settings.
#[derive(Debug, Clone, Default)]
pub struct RuleConfig {
    /// The level, when set.
    pub level: Option<Level>,
    /// The rule's own options (every key but `severity`).
    pub options: toml::Table,
}

/// A `[[suppress]]` entry.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Glob over the path relative to the config file's directory.
    pub path: GlobSet,
    /// The rule it silences.
    pub rule: String,
    /// Glob over the step path, if given; a group's path also covers what is inside it.
    pub step: Option<GlobSet>,
    /// Where the entry is in the config file.
    pub span: Span,
    /// The entry's `reason`, if given.
    pub reason: Option<String>,
}

/// A loaded configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from (`None` for the defaults).
    pub path: Option<PathBuf>,
    /// The directory its globs are relative to: the config file's own (absolute), or the current
    /// directory for the defaults.
    pub root: PathBuf,
    /// The file's text, for pointing at suppressions.
    pub text: String,
    /// Per-rule settings by rule name.
    pub rules: BTreeMap<String, RuleConfig>,
    /// Files not to check.
    pub exclude: Option<GlobSet>,
    /// Suppressions.
    pub suppress: Vec<Suppression>,
}

/// A configuration file that cannot be used.
#[derive(Debug, Clone)]
pub struct ConfigError {
    /// The config file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
    /// 1-based line and column, where known.
    pub line_col: Option<(usize, usize)>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line_col {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", crate::inputs::display_relative(&self.path), self.message),
            None => write!(f, "{}: {}", crate::inputs::display_relative(&self.path), self.message),
        }
    }
}

/// A path glob: a pattern without a slash also matches the file name in any folder.
fn glob_set(pattern: &str) -> Result<GlobSet, String> {
    let glob = Glob::new(pattern).map_err(|e| format!("invalid glob `{pattern}`: {e}"))?;
    let mut b = GlobSetBuilder::new();
    b.add(glob);
    if !pattern.contains('/')
        && let Ok(g) = Glob::new(&format!("**/{pattern}"))
    {
        b.add(g);
    }
    b.build().map_err(|e| e.to_string())
}

/// A step-path glob: it matches the step or group it names and everything inside that group, as a
/// suppression comment on a group does.
fn step_glob_set(pattern: &str) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in [pattern.to_owned(), format!("{pattern}/**")] {
        b.add(Glob::new(&p).map_err(|e| format!("invalid glob `{pattern}`: {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

impl Config {
    /// Find `tsq.toml` in `dir` or its ancestors.
    #[must_use]
    pub fn discover(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
    }

    /// Load and validate a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_owned(),
            message: format!("cannot read: {e}"),
            line_col: None,
        })?;
        Self::parse(path, text)
    }

    /// Parse config text; globs are relative to `path`'s directory.
    pub fn parse(path: &Path, text: String) -> Result<Self, ConfigError> {
        let index = LineIndex::new(&text);
        let err = |message: String, span: Option<std::ops::Range<usize>>| ConfigError {
            path: path.to_owned(),
            message,
            line_col: span.map(|s| {
                let lc = index.line_col(&text, s.start);
                (lc.line, lc.column)
            }),
        };
        let table: toml::Table = toml::from_str(&text).map_err(|e| err(e.message().to_owned(), e.span()))?;
        let spans = toml::de::DeTable::parse(&text).ok();
        // The span of a key path, for messages.
        let at = |keys: &[&str]| -> Option<std::ops::Range<usize>> {
            let mut table = spans.as_ref()?.get_ref();
            let mut found = None;
            for (i, k) in keys.iter().enumerate() {
                let (key, value) = table.iter().find(|(key, _)| key.get_ref().as_ref() == *k)?;
                found = Some(key.span());
                if i + 1 < keys.len() {
                    let toml::de::DeValue::Table(t) = value.get_ref() else { return found };
                    table = t;
                }
            }
            found
        };
        let root = std::path::absolute(path).ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
        let mut cfg = Config { path: Some(path.to_owned()), root, ..Config::default() };
        for (key, item) in &table {
            match key.as_str() {
                "exclude" => {
                    let items = item.as_array().ok_or_else(|| err("`exclude` must be an array of globs".into(), at(&["exclude"])))?;
                    let mut b = GlobSetBuilder::new();
                    for it in items {
                        let s = it.as_str().ok_or_else(|| err("`exclude` must be an array of globs".into(), at(&["exclude"])))?;
                        for p in [s.to_owned(), format!("**/{s}")] {
                            b.add(Glob::new(&p).map_err(|e| err(format!("invalid glob: {e}"), at(&["exclude"])))?);
                        }
                    }
                    cfg.exclude = Some(b.build().map_err(|e| err(e.to_string(), at(&["exclude"])))?);
                }
                "rules" => {
                    let rules = item.as_table().ok_or_else(|| err("`rules` must be a table".into(), at(&["rules"])))?;
                    for (rname, value) in rules {
                        let here = || at(&["rules", rname]);
                        if crate::rules::find(rname).is_none() {
                            return Err(err(format!("unknown rule `{rname}` (see `tsq rules`)"), here()));
                        }
                        let rc = match value {
                            toml::Value::String(s) => {
                                RuleConfig { level: Some(parse_level(s).map_err(|m| err(m, here()))?), options: toml::Table::new() }
                            }
                            toml::Value::Table(t) => {
                                let mut options = t.clone();
                                let level = match options.remove("severity") {
                                    Some(toml::Value::String(s)) => Some(parse_level(&s).map_err(|m| err(m, here()))?),
                                    Some(_) => return Err(err("`severity` must be a string".into(), at(&["rules", rname, "severity"]))),
                                    None => None,
                                };
                                for (key, value) in &options {
                                    validate_option(rname, key, value).map_err(|m| err(m, at(&["rules", rname, key])))?;
                                }
                                RuleConfig { level, options }
                            }
                            _ => return Err(err(format!("`rules.{rname}` must be a level string or a table"), here())),
                        };
                        cfg.rules.insert(rname.clone(), rc);
                    }
                }
                "suppress" => {
                    let entries = item
                        .as_array()
                        .ok_or_else(|| err("`suppress` must be an array of tables (`[[suppress]]`)".into(), at(&["suppress"])))?;
                    let entry_spans = suppress_spans(&text);
                    for (i, it) in entries.iter().enumerate() {
                        let span = entry_spans.get(i).cloned().or_else(|| at(&["suppress"]));
                        let t = it.as_table().ok_or_else(|| err("a `[[suppress]]` entry must be a table".into(), span.clone()))?;
                        let field = |k: &str| t.get(k).and_then(toml::Value::as_str).map(str::to_owned);
                        let rule = field("rule").ok_or_else(|| err("a `[[suppress]]` entry needs `rule`".into(), span.clone()))?;
                        if crate::rules::find(&rule).is_none() {
                            return Err(err(format!("unknown rule `{rule}` (see `tsq rules`)"), span));
                        }
                        let path_glob = field("path").unwrap_or_else(|| "**".into());
                        let path = glob_set(&path_glob).map_err(|m| err(m, span.clone()))?;
                        let step = field("step").map(|s| step_glob_set(&s)).transpose().map_err(|m| err(m, span.clone()))?;
                        if let Some(key) = t.keys().find(|k| !matches!(k.as_str(), "path" | "rule" | "step" | "reason")) {
                            return Err(err(
                                format!("unknown key `{key}` in `[[suppress]]` (expected `path`, `rule`, `step` or `reason`)"),
                                span,
                            ));
                        }
                        for key in ["path", "rule", "step", "reason"] {
                            if t.get(key).is_some_and(|v| !v.is_str()) {
                                return Err(err(format!("`{key}` in `[[suppress]]` must be a string"), span));
                            }
                        }
                        let s = span.unwrap_or(0..0);
                        cfg.suppress.push(Suppression { path, rule, step, span: Span::new(s.start, s.end), reason: field("reason") });
                    }
                }
                other => return Err(err(format!("unknown key `{other}` (expected `rules`, `exclude` or `suppress`)"), at(&[other]))),
            }
        }
        cfg.text = text;
        Ok(cfg)
    }

    /// The options table of `rule` (empty when none).
    #[must_use]
    pub fn options(&self, rule: &str) -> &toml::Table {
        static EMPTY: std::sync::OnceLock<toml::Table> = std::sync::OnceLock::new();
        self.rules.get(rule).map_or_else(|| EMPTY.get_or_init(toml::Table::new), |r| &r.options)
    }

    /// The configured level of `rule`, if any.
    #[must_use]
    pub fn level(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).and_then(|r| r.level)
    }

    /// `path` (absolute, or relative to the current directory) relative to [`Config::root`], with
    /// `/` separators: what `exclude` and `[[suppress]] path` globs are matched against. A path
    /// outside the root stays absolute, so only unanchored patterns can match it.
    #[must_use]
    pub fn relative(&self, path: &Path) -> String {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let rel = abs.strip_prefix(&self.root).unwrap_or(&abs);
        crate::inputs::display(rel)
    }

    /// Whether `path` (absolute, or relative to the current directory) is excluded.
    #[must_use]
    pub fn excluded(&self, path: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.is_match(self.relative(path)))
    }

    /// The configuration used where no `tsq.toml` applies: globs relative to the current directory.
    #[must_use]
    pub fn defaults() -> Self {
        Self { root: std::env::current_dir().unwrap_or_default(), ..Self::default() }
    }
}

/// Check one `[rules.<rule>]` option against the rule's declared options.
fn validate_option(rule: &str, key: &str, value: &toml::Value) -> Result<(), String> {
    let Some(r) = crate::rules::find(rule) else { return Ok(()) };
    let known: Vec<String> = r.options().iter().map(|o| format!("`{}`", o.name)).collect();
    let Some(opt) = r.options().iter().find(|o| o.name == key) else {
        let expected = if known.is_empty() {
            "it has no options besides `severity`".to_owned()
        } else {
            format!("expected `severity`, {}", known.join(", "))
        };
        return Err(format!("rule `{rule}` has no option `{key}` ({expected})"));
    };
    match opt.kind {
        OptionKind::Strings => {
            let items = value.as_array().ok_or_else(|| format!("`{key}` must be an array of strings, not {}", value.type_str()))?;
            if let Some(item) = items.iter().find(|i| !i.is_str()) {
                return Err(format!("`{key}` must be an array of strings, not of {}s", item.type_str()));
            }
        }
        OptionKind::Versions => {
            let items = value.as_array().ok_or_else(|| format!("`{key}` must be an array of strings, not {}", value.type_str()))?;
            for item in items {
                let s = item.as_str().ok_or_else(|| {
                    format!("`{key}` must be an array of strings (quote versions: \"3.10\"), not of {}s", item.type_str())
                })?;
                let version = s.split_once('.').is_some_and(|(a, b)| {
                    !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
                });
                if !version {
                    return Err(format!("`{key}` holds \"{s}\", which is not a schema version like \"3.10\""));
                }
            }
        }
        OptionKind::Integer { min } => {
            let n = value.as_integer().ok_or_else(|| format!("`{key}` must be an integer, not {}", value.type_str()))?;
            if n < min {
                return Err(format!("`{key}` must be at least {min}"));
            }
        }
    }
    Ok(())
}

fn parse_level(s: &str) -> Result<Level, String> {
    match s {
        "off" => Ok(Level::Off),
        "error" => Ok(Level::On(Severity::Error)),
        "warning" => Ok(Level::On(Severity::Warning)),
        "info" => Ok(Level::On(Severity::Info)),
        other => Err(format!("unknown level `{other}` (expected \"error\", \"warning\", \"info\" or \"off\")")),
    }
}

/// The spans of the `[[suppress]]` headers (or inline entries), in order.
fn suppress_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("[[suppress]]") {
            let lead = line.len() - line.trim_start().len();
            out.push(offset + lead..offset + lead + 12);
        }
        offset += line.len();
    }
    out
}
