//! The rule engine: the [`Rule`] trait, its metadata, the registry and the per-file context.

mod context;

#[cfg(test)]
mod testing;

pub use context::Ctx;

use crate::diagnostic::Severity;

/// What a rule is about (its category); used to list and select rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Reading the file: XML, encodings, formats.
    Syntax,
    /// The sequence schema: versions, step types, attribute values.
    Schema,
    /// Package, application and child task-sequence references.
    References,
    /// Package-level properties of exports.
    Package,
    /// The shape of the step tree.
    Structure,
    /// Conditions.
    Conditions,
    /// Task-sequence variables.
    Variables,
    /// Secrets and credentials.
    Security,
    /// WinPE versus full OS, and the phases of a deployment.
    Environment,
    /// Size limits.
    Size,
    /// Suppressions themselves.
    Suppression,
}

impl Category {
    /// The lower-case name.
    #[must_use]
    pub fn name(self) -> String {
        format!("{self:?}").to_lowercase()
    }
}

/// Static facts about a rule.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Kebab-case name: the only public identifier.
    pub name: &'static str,
    /// What it is about.
    pub category: Category,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// One line, lower-case start, no trailing period.
    pub summary: &'static str,
    /// The Markdown documentation (`rules/<name>.md`).
    pub docs: &'static str,
}

/// The type of a rule option's value in `tsq.toml`.
#[derive(Debug, Clone, Copy)]
pub enum OptionKind {
    /// An array of strings.
    Strings,
    /// An array of schema versions: strings of digits, a dot and digits (`"3.10"`).
    Versions,
    /// An integer of at least `min`.
    Integer {
        /// The smallest value accepted.
        min: i64,
    },
}

/// An option a rule accepts in `[rules.<name>]`.
#[derive(Debug)]
pub struct RuleOption {
    /// The key.
    pub name: &'static str,
    /// Its type.
    pub kind: OptionKind,
}

/// A check over one task sequence's model.
pub trait Rule: Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Which fixes its findings can carry.
    fn fix_kind(&self) -> crate::fix::FixKind {
        crate::fix::FixKind::None
    }
    /// The options it accepts in `tsq.toml` (validated when the config is loaded).
    fn options(&self) -> &'static [RuleOption] {
        &[]
    }
    /// Report findings through `cx`.
    fn check(&self, cx: &mut Ctx<'_>);
}

impl PartialEq<&str> for &RuleMeta {
    fn eq(&self, other: &&str) -> bool {
        self.name == *other
    }
}

impl std::fmt::Display for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

macro_rules! registry {
    ($($module:ident => $ty:ident,)*) => {
        $(pub(crate) mod $module;)*
        /// Every rule, sorted by name.
        pub static RULES: &[&dyn Rule] = &[$(&$module::$ty,)*];
    };
}

registry! {
    action_reference_mismatch => ActionReferenceMismatch,
    condition_expression => ConditionExpression,
    condition_structure => ConditionStructure,
    dangling_reference => DanglingReference,
    dangling_share_reference => DanglingShareReference,
    description_length => DescriptionLength,
    duplicate_name => DuplicateName,
    empty_group => EmptyGroup,
    encoding_mismatch => EncodingMismatch,
    invalid_boolean => InvalidBoolean,
    invalid_run_in => InvalidRunIn,
    invalid_success_codes => InvalidSuccessCodes,
    invalid_suppression => InvalidSuppression,
    invalid_timeout => InvalidTimeout,
    invalid_variable_name => InvalidVariableName,
    missing_boot_image => MissingBootImage,
    name_length => NameLength,
    operator_case => OperatorCase,
    package_id_format => PackageIdFormat,
    package_type => PackageType,
    plaintext_secret => PlaintextSecret,
    program_flags => ProgramFlags,
    readonly_variable => ReadonlyVariable,
    references_count => ReferencesCount,
    run_in_mismatch => RunInMismatch,
    runas_in_winpe => RunasInWinpe,
    schema_version => SchemaVersion,
    size_limit => SizeLimit,
    state_store_pairing => StateStorePairing,
    unknown_step_type => UnknownStepType,
    unsupported_format => UnsupportedFormat,
    unused_reference => UnusedReference,
    unused_suppression => UnusedSuppression,
    xml_syntax => XmlSyntax,
}

/// A rule by name.
#[must_use]
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}

/// Rules whose findings come from reading the file rather than from the model.
pub const LOADER_RULES: [&str; 2] = ["xml-syntax", "unsupported-format"];
