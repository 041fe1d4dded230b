//! The engine's entry point: check a path's contents (from disk or from an editor's buffer) with
//! the configuration that applies to that path. The command line, and every other front end, go
//! through [`Workspace`], so they give the same findings.

use crate::config::{Config, ConfigError};
use crate::container::{Format, LayoutCache, load_in_layout, read_path};
use crate::diagnostic::Diagnostic;
use crate::inventory::Inventory;
use crate::lint::{FileResult, Settings};
use crate::source::SourceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// What applies to every file of a run, whatever its configuration.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--config FILE`: use this configuration for every file instead of discovering `tsq.toml`.
    pub config: Option<PathBuf>,
    /// `--select`: only these rules or categories (empty: all).
    pub select: Vec<String>,
    /// `--ignore`: not these rules or categories.
    pub ignore: Vec<String>,
    /// The target site's inventory (`--inventory`).
    pub inventory: Option<Inventory>,
    /// `--input-format`: read every file as this container format.
    pub input_format: Option<Format>,
}

/// A loaded configuration, or why it could not be loaded.
type Loaded = Result<Arc<Settings>, ConfigError>;

/// Checks files with the configuration that applies to each; configurations are read once and
/// cached until [`Workspace::reload`]. Shared between threads.
#[derive(Debug, Default)]
pub struct Workspace {
    options: Options,
    /// The config file that applies to a directory (`None`: none does).
    discovered: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Settings by config file (`None`: the defaults).
    settings: Mutex<HashMap<Option<PathBuf>, Loaded>>,
    /// The export folders and MDT shares read so far.
    layouts: Mutex<Arc<LayoutCache>>,
}

impl Workspace {
    /// A workspace with these run-wide options.
    #[must_use]
    pub fn new(options: Options) -> Self {
        Self { options, ..Self::default() }
    }

    /// The run-wide options.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Forget every cached configuration, export folder and MDT share (a `tsq.toml` or a share's
    /// control file was created, changed or deleted).
    pub fn reload(&self) {
        self.discovered.lock().unwrap_or_else(PoisonError::into_inner).clear();
        self.settings.lock().unwrap_or_else(PoisonError::into_inner).clear();
        *self.layouts.lock().unwrap_or_else(PoisonError::into_inner) = Arc::default();
    }

    /// The config file that applies to `path` (a file, relative to the current directory or
    /// absolute): `--config`, or the nearest `tsq.toml` in its directory or above.
    #[must_use]
    pub fn config_path(&self, path: &Path) -> Option<PathBuf> {
        if let Some(c) = &self.options.config {
            return Some(c.clone());
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = abs.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        let mut cache = self.discovered.lock().unwrap_or_else(PoisonError::into_inner);
        cache.entry(dir).or_insert_with_key(|d| Config::discover(d)).clone()
    }

    /// The settings that apply to `path`.
    pub fn settings_for(&self, path: &Path) -> Result<Arc<Settings>, ConfigError> {
        let config = self.config_path(path);
        let mut cache = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .entry(config)
            .or_insert_with_key(|c| {
                let config = match c {
                    Some(p) => Config::load(p)?,
                    None => Config::defaults(),
                };
                Ok(Arc::new(Settings {
                    config,
                    select: self.options.select.clone(),
                    ignore: self.options.ignore.clone(),
                    inventory: self.options.inventory.clone(),
                }))
            })
            .clone()
    }

    /// The settings of every configuration loaded so far.
    #[must_use]
    pub fn loaded_settings(&self) -> Vec<Arc<Settings>> {
        let cache = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        cache.values().filter_map(|s| s.as_ref().ok().cloned()).collect()
    }

    /// Whether the configuration that applies to `path` excludes it.
    pub fn is_excluded(&self, path: &Path) -> Result<bool, ConfigError> {
        Ok(self.settings_for(path)?.config.excluded(path))
    }

    /// Check `bytes`, the contents of `path` (printed as `display`; an export folder or MDT share
    /// around `path` is read too): one result per task sequence (an archive holds several), each
    /// with its findings after selection and suppression.
    pub fn check(&self, path: &Path, display: &str, bytes: Vec<u8>) -> Result<Vec<FileResult>, ConfigError> {
        self.check_loaded(path, display, bytes, false)
    }

    /// Check the file at `path` on disk (printed as `display`). A file met in a directory walk
    /// (`walked`) that is not a task sequence gives no result. `Err` is a one-sentence message.
    pub fn check_path(&self, path: &Path, display: &str, walked: bool) -> Result<Vec<FileResult>, String> {
        let Some(bytes) = read_path(path, display, walked, self.options.input_format)? else { return Ok(Vec::new()) };
        self.check_loaded(path, display, bytes, walked).map_err(|e| e.to_string())
    }

    fn check_loaded(&self, path: &Path, display: &str, bytes: Vec<u8>, walked: bool) -> Result<Vec<FileResult>, ConfigError> {
        let settings = self.settings_for(path)?;
        let key = settings.config.relative(path);
        let layouts = Arc::clone(&self.layouts.lock().unwrap_or_else(PoisonError::into_inner));
        let loaded = load_in_layout(path, display, bytes, walked, self.options.input_format, &layouts);
        Ok(loaded
            .into_iter()
            .map(|l| {
                // A member of an archive is matched as `archive.zip!member`.
                let member = l.path.strip_prefix(display).filter(|m| m.starts_with('!')).map(str::to_owned);
                let key = member.map_or_else(|| key.clone(), |m| format!("{key}{m}"));
                crate::lint::check_as(l, &settings, &key)
            })
            .collect())
    }

    /// Check in-memory text (an editor's buffer) as the contents of `path`.
    pub fn check_text(&self, path: &Path, text: &str) -> Result<Vec<FileResult>, ConfigError> {
        self.check(path, &crate::inputs::display(path), text.as_bytes().to_vec())
    }

    /// `unused-suppression` findings for `[[suppress]]` entries that silenced nothing in
    /// `results`, reported against their config file. An entry is judged only when the run
    /// covered every file it could match: when one of `walked` (the directories walked) is the
    /// config file's directory or contains it. Checking single files or standard input never
    /// reports an entry.
    #[must_use]
    pub fn unused_suppressions(&self, results: &[FileResult], walked: &[PathBuf]) -> Vec<FileResult> {
        let mut out = Vec::new();
        let Some(rule) = crate::rules::find("unused-suppression") else { return out };
        let walked: Vec<PathBuf> = walked.iter().map(|w| std::path::absolute(w).unwrap_or_else(|_| w.clone())).collect();
        let cache = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        let mut configs: Vec<&Arc<Settings>> = cache.values().filter_map(|s| s.as_ref().ok()).collect();
        configs.sort_by(|a, b| a.config.path.cmp(&b.config.path));
        for settings in configs {
            let Some(path) = &settings.config.path else { continue };
            let Some(sev) = settings.level(rule) else { continue };
            if !walked.iter().any(|w| settings.config.root.starts_with(w)) {
                continue;
            }
            let used = |i: usize| results.iter().any(|r| r.used_suppressions.iter().any(|(p, j)| p == path && *j == i));
            let diagnostics: Vec<Diagnostic> = settings
                .config
                .suppress
                .iter()
                .enumerate()
                .filter(|(i, _)| !used(*i))
                .map(|(_, s)| {
                    Diagnostic::new(rule.meta().name, sev, s.span, format!("`[[suppress]]` for `{}` suppresses nothing", s.rule))
                        .with_help("remove the entry, or correct its `path` or `step`")
                })
                .collect();
            if !diagnostics.is_empty() {
                let display = crate::inputs::display_relative(path);
                let source = Some(SourceFile::from_text(display.clone(), settings.config.text.clone()));
                out.push(FileResult { path: display, source, diagnostics, used_suppressions: Vec::new(), suppressed: Vec::new() });
            }
        }
        out
    }
}
