//! MDT deployment shares read as a unit: a sequence at `<share>/Control/<ID>/ts.xml`, beside
//! `Control/TaskSequences.xml`, is checked against the share's own catalogue of operating
//! systems, applications, packages, driver groups, selection profiles and task sequences (the
//! Deployment Workbench's control files).

use super::{Loaded, Problem};
use crate::source::SourceFile;
use crate::span::Span;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A kind of item a deployment share catalogues, each in its own control file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShareKind {
    /// `OperatingSystems.xml` (`<oss><os guid=…>`), named by `OSGUID`.
    OperatingSystem,
    /// `Applications.xml` (`<applications><application guid=…>`), named by `ApplicationGUID`.
    Application,
    /// `Packages.xml` (`<packages><package guid=…>`), named by `LanguagePacks<N>`.
    Package,
    /// `DriverGroups.xml` (`<groups><group><Name>`), named by `DriverGroup<N>`.
    DriverGroup,
    /// `SelectionProfiles.xml` (`<selectionProfiles><selectionProfile><Name>`), named by
    /// `DriverSelectionProfile` and `PackageSelectionProfile`.
    SelectionProfile,
    /// `TaskSequences.xml` (`<tss><ts guid=…><ID>`), named by `TaskSequenceID`.
    TaskSequence,
}

impl ShareKind {
    /// Every kind.
    pub const ALL: [Self; 6] =
        [Self::OperatingSystem, Self::Application, Self::Package, Self::DriverGroup, Self::SelectionProfile, Self::TaskSequence];

    /// The control file that lists this kind.
    #[must_use]
    pub const fn file(self) -> &'static str {
        match self {
            Self::OperatingSystem => "OperatingSystems.xml",
            Self::Application => "Applications.xml",
            Self::Package => "Packages.xml",
            Self::DriverGroup => "DriverGroups.xml",
            Self::SelectionProfile => "SelectionProfiles.xml",
            Self::TaskSequence => "TaskSequences.xml",
        }
    }

    /// What an item of this kind is called in messages.
    #[must_use]
    pub const fn what(self) -> &'static str {
        match self {
            Self::OperatingSystem => "operating system",
            Self::Application => "application",
            Self::Package => "package",
            Self::DriverGroup => "driver group",
            Self::SelectionProfile => "selection profile",
            Self::TaskSequence => "task sequence",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// What a deployment share holds, per kind; a kind whose control file is absent is `None` and
/// is not checked.
#[derive(Debug, Clone, Default)]
pub struct Share {
    /// The `Control` folder as printed.
    pub control: String,
    kinds: [Option<HashSet<String>>; 6],
}

impl Share {
    /// An empty share (no control file read yet) whose `Control` folder prints as `control`.
    #[must_use]
    pub fn new(control: impl Into<String>) -> Self {
        Self { control: control.into(), kinds: Default::default() }
    }

    /// Whether the share has the item `id` of `kind` (GUIDs, names and IDs compare
    /// case-insensitively); `None` when the share has no control file for the kind.
    #[must_use]
    pub fn contains(&self, kind: ShareKind, id: &str) -> Option<bool> {
        let set = self.kinds.get(kind.index())?.as_ref()?;
        Some(set.contains(&id.trim().to_uppercase()))
    }

    /// The control file names this share has read.
    pub fn files(&self) -> impl Iterator<Item = &'static str> + '_ {
        ShareKind::ALL.into_iter().filter(|k| self.kinds.get(k.index()).is_some_and(Option::is_some)).map(ShareKind::file)
    }

    /// Read one control file's text (`file_name` is its name, e.g. `Applications.xml`; other
    /// names are ignored). Every item's `guid`, `<Name>` and `<ID>` identify it.
    pub fn add_control_file(&mut self, file_name: &str, text: &str) -> Result<(), (String, Span)> {
        let Some(kind) = ShareKind::ALL.into_iter().find(|k| k.file().eq_ignore_ascii_case(file_name)) else { return Ok(()) };
        let doc = crate::syntax::parse(text).map_err(|e| (e.message, e.span))?;
        let mut set = HashSet::new();
        for item in doc.root_element().children().filter(roxmltree::Node::is_element) {
            if let Some(guid) = item.attribute("guid") {
                set.insert(guid.trim().to_uppercase());
            }
            for child in item.children().filter(|c| c.has_tag_name("Name") || c.has_tag_name("ID")) {
                if let Some(t) = child.text().map(str::trim).filter(|t| !t.is_empty()) {
                    set.insert(t.to_uppercase());
                }
            }
        }
        if let Some(slot) = self.kinds.get_mut(kind.index()) {
            slot.get_or_insert_with(HashSet::new).extend(set);
        }
        Ok(())
    }

    /// Read the control files of `control` (a share's `Control` folder, printed as `display`);
    /// a control file that cannot be read or parsed comes back as a finding of its own.
    #[must_use]
    pub fn load(control: &Path, display: &str) -> (Self, Vec<Loaded>) {
        let mut share = Self::new(display);
        let mut problems = Vec::new();
        for kind in ShareKind::ALL {
            let path = control.join(kind.file());
            let shown = format!("{display}/{}", kind.file());
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    problems.push(Loaded {
                        path: shown,
                        source: None,
                        result: Err(Problem::syntax(format!("the share's control file cannot be read: {e}"), Span::at(0))),
                    });
                    continue;
                }
            };
            match SourceFile::decode(shown.clone(), bytes) {
                Ok(source) => {
                    if let Err((message, span)) = share.add_control_file(kind.file(), &source.text) {
                        problems.push(Loaded { path: shown, source: Some(source), result: Err(Problem::syntax(message, span)) });
                    }
                }
                Err(e) => problems.push(Loaded {
                    path: shown,
                    source: None,
                    result: Err(Problem::syntax(format!("the file cannot be decoded: {e}"), Span::at(e.offset()))),
                }),
            }
        }
        (share, problems)
    }
}

/// If `file` sits at `<share>/Control/<ID>/<name>` beside `Control/TaskSequences.xml`, the
/// `Control` folder.
#[must_use]
pub fn control_dir(file: &Path) -> Option<PathBuf> {
    let control = file.parent()?.parent()?;
    let named = control.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.eq_ignore_ascii_case("Control"));
    (named && control.join("TaskSequences.xml").is_file()).then(|| control.to_path_buf())
}
