//! The in-memory task-sequence model: `SMS_TaskSequence` and its package, with every value kept
//! as written and spanned to the file on disk.
//!
//! The builder records; rules judge. Values are raw text (entities undecoded) plus a span, and
//! typed views (`as_bool`, `as_u32`, …) parse on demand, so a misspelt `"flase"` lives in the
//! model and a rule can report it.

mod build;
mod same;
mod scan;
mod tree;
mod walk;

pub use build::{BuildError, MAX_DEPTH, build_sequence};
pub use same::Same;
pub use tree::{AttrAt, Elem, Id, Tree};
pub use walk::{Visit, Walk};

use crate::analysis::step_types::StepKind;
use crate::span::{OffsetMap, Span, unescape, unescape_mapped};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// A value as written in the file: the raw text (entities not decoded) and its span.
///
/// A value read from entity-escaped text (an `object.xml` whose `Sequence` is escaped rather
/// than CDATA, a Set Dynamic Variables rules document) is longer in the file than its raw text:
/// [`Value::span_of`] gives the exact file span of any part of it, where adding an offset in
/// `raw` to `span.start` would not.
#[derive(Debug, Clone, Eq, Serialize)]
pub struct Value {
    /// The text exactly as written between the quotes or tags (common short values such as
    /// `true` and `0` are shared, not allocated).
    pub raw: Cow<'static, str>,
    /// Where the raw text is in the file.
    pub span: Span,
    /// For a value read from entity-escaped text: the map from its document to the file, and the
    /// offset of `raw` in that document (boxed: most values have none, and cost one pointer).
    #[serde(skip)]
    origin: Option<Box<(Arc<OffsetMap>, usize)>>,
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw && self.span == other.span
    }
}

/// Attribute names and values common enough to share instead of allocating each time. The lookup
/// is a `match` on string literals: each comparison has a constant length, so it compiles to a
/// few integer compares instead of a `memcmp` call per candidate (a linear scan with `==` over an
/// array cost about 6% of building the model).
macro_rules! shared {
    ($($s:literal),* $(,)?) => {
        fn shared(text: &str) -> Option<&'static str> {
            match text {
                $($s => Some($s),)*
                _ => None,
            }
        }
    };
}

shared!(
    "",
    "true",
    "false",
    "0",
    "2",
    "0 3010",
    "WinPEandFullOS",
    "WinPE",
    "FullOS",
    "name",
    "property",
    "hidden",
    "type",
    "description",
    "disable",
    "continueOnError",
    "expand",
    "startIn",
    "successCodeList",
    "retryCount",
    "runFromNet",
    "runIn",
    "timeout",
    "package",
    "application",
    "program",
    "version",
    "Operator",
    "equals",
    "notEquals",
    // The most frequent step types, condition types and defaultVarList names in the 306 public
    // task sequences tsq is tested on.
    "SMS_TaskSequence_RunCommandLineAction",
    "SMS_TaskSequence_RebootAction",
    "SMS_TaskSequence_SetVariableAction",
    "SMS_TaskSequence_PartitionDiskAction",
    "SMS_TaskSequence_RunPowerShellScriptAction",
    "SMS_TaskSequence_InstallApplicationAction",
    "SMS_TaskSequence_VariableConditionExpression",
    "SMS_TaskSequence_WMIConditionExpression",
    "SMS_TaskSequence_FolderConditionExpression",
    "BDD_InstallApplication",
    "BDD_Gather",
    "and",
    "or",
    "not",
    "Variable",
    "Value",
    "Namespace",
    "Query",
    "root\\cimv2",
    "RunAsUser",
    "SMSTSRunCommandLineUserName",
    "SMSTSRunCommandLineUserPassword",
    "LoadProfile",
    "PackageID",
    "CommandLine",
    "SuccessCodes",
    "SMSTSDisableWow64Redirection",
    "DisableWow64Redirection",
    "_SMSTSRunCommandLineAsUser",
    "SMSTSRunCommandLineOutputVariableName",
    "OutputVariableName",
    "VariableName",
    "VariableValue",
    "ApplicationGUID",
    "ApplicationSuccessCodes",
    "GatherLocalOnly",
    "RulesFile",
    "0 1 2 3 4 5 6 7 8 16",
);

/// `text` as a shared static string when it is a common one, else an owned copy.
#[must_use]
pub fn intern(text: &str) -> Cow<'static, str> {
    shared(text).map_or_else(|| Cow::Owned(text.to_owned()), Cow::Borrowed)
}

impl Value {
    /// A value whose raw text is a verbatim copy of the file at `span`.
    #[must_use]
    pub const fn new(raw: Cow<'static, str>, span: Span) -> Self {
        Self { raw, span, origin: None }
    }

    /// A value read at offset `at` of a document that `map` takes to the file (a verbatim map
    /// gives a plain [`Value::new`]).
    #[must_use]
    pub fn mapped(raw: Cow<'static, str>, map: &Arc<OffsetMap>, at: usize) -> Self {
        let span = map.span(Span::new(at, at + raw.len()));
        let origin = (!map.is_verbatim()).then(|| Box::new((Arc::clone(map), at)));
        Self { raw, span, origin }
    }

    /// The span in the file of the bytes `range` of [`Self::raw`] (clamped to it): exact even when
    /// the value comes from entity-escaped text.
    #[must_use]
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let end = range.end.min(self.raw.len());
        let start = range.start.min(end);
        match self.origin.as_deref() {
            Some((map, at)) => map.span(Span::new(at + start, at + end)),
            None => Span::new((self.span.start + start).min(self.span.end), (self.span.start + end).min(self.span.end)),
        }
    }

    /// [`Self::raw`] with its entities decoded, and the map from the decoded text to the file.
    #[must_use]
    pub fn unescape_mapped(&self) -> (String, OffsetMap) {
        match self.origin.as_deref() {
            Some((map, at)) => {
                let (text, local) = unescape_mapped(&self.raw, *at);
                (text, local.within(Arc::clone(map)))
            }
            None => unescape_mapped(&self.raw, self.span.start),
        }
    }

    /// The value with entities and CDATA decoded.
    #[must_use]
    pub fn text(&self) -> Cow<'_, str> {
        match self.raw.strip_prefix("<![CDATA[").and_then(|r| r.strip_suffix("]]>")) {
            Some(inner) => Cow::Borrowed(inner),
            None => unescape(&self.raw),
        }
    }

    /// `Some(true)`/`Some(false)` for exactly `true`/`false`, `None` otherwise.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self.raw.as_ref() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// A boolean compared case-insensitively (`TRUE`, `False`), as step variables are written.
    #[must_use]
    pub fn as_bool_loose(&self) -> Option<bool> {
        let t = self.text();
        let t = t.trim();
        if t.eq_ignore_ascii_case("true") {
            Some(true)
        } else if t.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }

    /// The value as an unsigned 32-bit integer.
    #[must_use]
    pub fn as_u32(&self) -> Option<u32> {
        self.text().trim().parse().ok()
    }

    /// A space-separated list of integers (`successCodeList`), `None` if any item is not one.
    #[must_use]
    pub fn as_code_list(&self) -> Option<Vec<i64>> {
        self.text().split_whitespace().map(|s| s.parse().ok()).collect()
    }
}

/// An attribute: its name, the span of the name, and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attr {
    /// The attribute name as written, with its namespace prefix if it has one (`a:name` and
    /// `name` are different attributes); known names are shared, not allocated.
    pub name: Cow<'static, str>,
    /// The span of the whole `name="value"`.
    pub span: Span,
    /// The value.
    pub value: Value,
}

/// Attributes in document order, with lookup by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Attrs(pub Vec<Attr>);

impl Attrs {
    /// The value of attribute `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|a| a.name == name).map(|a| &a.value)
    }

    /// The whole attribute `name`.
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.0.iter().find(|a| a.name == name)
    }
}

/// An element tsq does not model, kept so that nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// Its tag name.
    pub name: String,
    /// The whole element.
    pub span: Span,
}

/// A `<variable>`: in a `defaultVarList`, a `globalVarList` or a condition expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variable {
    /// The whole element.
    pub span: Span,
    /// All attributes (`name`, `property`, `hidden`, and any other).
    pub attrs: Attrs,
    /// The text content (empty, with an empty span inside the element, when there is none).
    pub value: Value,
}

impl Variable {
    /// The `name` attribute's raw text, or "". A Set Dynamic Variables rule writes it `Name`
    /// (`<Variable Name="…" IsSecret="…">`), which is used when there is no `name`.
    #[must_use]
    pub fn name(&self) -> &str {
        self.name_attr().map_or("", |a| a.value.raw.as_ref())
    }

    /// The attribute that holds the name: `name`, or `Name` when there is no `name`.
    #[must_use]
    pub fn name_attr(&self) -> Option<&Attr> {
        self.attrs.attr("name").or_else(|| self.attrs.attr("Name"))
    }

    /// The `property` attribute's raw text.
    #[must_use]
    pub fn property(&self) -> Option<&str> {
        self.attrs.get("property").map(|v| v.raw.as_ref())
    }

    /// Whether `hidden="true"`.
    #[must_use]
    pub fn hidden(&self) -> bool {
        self.attrs.get("hidden").and_then(Value::as_bool).unwrap_or(false)
    }
}

/// The kind of a condition-tree element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CondKind {
    /// `<operator type="and|or|not">`.
    Operator,
    /// `<expression type="SMS_TaskSequence_*ConditionExpression">`.
    Expression,
    /// `<osConditionGroup type="or">`.
    OsConditionGroup,
    /// `<osExpressionGroup type="and" name=…>`.
    OsExpressionGroup,
    /// `<platformKey arch type minVer maxVer>`.
    PlatformKey,
    /// Any other element inside a condition.
    Unknown(String),
}

/// One element of a condition tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CondNode {
    /// What kind of element it is.
    pub kind: CondKind,
    /// The whole element.
    pub span: Span,
    /// Its attributes (`type`, `name`, `ignoreQueryFailure`, …).
    pub attrs: Attrs,
    /// An expression's `<variable name=…>` parameters.
    pub variables: Vec<Variable>,
    /// Operands (operators and groups) in document order.
    pub children: Vec<CondNode>,
    /// The `<` and the tag name as written (`<expression`, `<a:foo`).
    pub name_span: Span,
}

impl CondNode {
    /// The `type` attribute's raw text.
    #[must_use]
    pub fn type_name(&self) -> Option<&str> {
        self.attrs.get("type").map(|v| v.raw.as_ref())
    }

    /// An expression parameter by name (`Variable`, `Operator`, `Query`, …).
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name() == name)
    }
}

/// A `<condition>`: its operands are implicitly AND-ed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The whole element.
    pub span: Span,
    /// The operands.
    pub children: Vec<CondNode>,
}

/// The kind of a node in the step tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// `<group>`.
    Group,
    /// `<step>`.
    Step,
    /// `<subtasksequence>` (Run Task Sequence).
    SubTaskSequence,
}

/// A group, step or child task sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Group, step or subtasksequence.
    pub kind: NodeKind,
    /// The whole element.
    pub span: Span,
    /// The start tag.
    pub start_tag: Span,
    /// All attributes in document order (`type`, `name`, `description`, `disable`, …).
    pub attrs: Attrs,
    /// The `<condition>`, if any.
    pub condition: Option<Condition>,
    /// Condition elements that sit directly in the node instead of inside a `<condition>`.
    pub stray_conditions: Vec<CondNode>,
    /// The `<action>` text, if the element is present.
    pub action: Option<Value>,
    /// The `<defaultVarList>` variables.
    pub variables: Vec<Variable>,
    /// The parsed Set Dynamic Variables rules (`OSDSetDynamicVariablesRules`), if any.
    pub dynamic_rules: Option<DynamicRules>,
    /// Child nodes (groups only).
    pub children: Vec<Node>,
    /// Unknown child elements.
    pub unknown: Vec<Unknown>,
    /// Comments immediately before this node (only whitespace between), nearest last.
    pub leading_comments: Vec<Value>,
    /// What its `type` names, looked up once in the step-type catalogue.
    #[serde(skip)]
    pub step_kind: StepKind,
}

impl Node {
    /// A raw attribute value by name.
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attrs.get(name)
    }

    /// The `name` attribute's decoded text, or "".
    #[must_use]
    pub fn name(&self) -> Cow<'_, str> {
        self.attrs.get("name").map_or(Cow::Borrowed(""), Value::text)
    }

    /// The `type` attribute's raw text.
    #[must_use]
    pub fn type_name(&self) -> Option<&str> {
        self.attrs.get("type").map(|v| v.raw.as_ref())
    }

    /// Whether the node is the built-in step class `short` (`RebootAction`), whatever the case
    /// of its `type` attribute.
    #[must_use]
    pub fn is_type(&self, short: &str) -> bool {
        self.step_kind.is(short)
    }

    /// Whether `disable="true"`.
    #[must_use]
    pub fn disabled(&self) -> bool {
        self.attrs.get("disable").and_then(Value::as_bool).unwrap_or(false)
    }

    /// Whether `continueOnError="true"`.
    #[must_use]
    pub fn continue_on_error(&self) -> bool {
        self.attrs.get("continueOnError").and_then(Value::as_bool).unwrap_or(false)
    }

    /// A `defaultVarList` variable by name (case-insensitive, as the engine treats names).
    #[must_use]
    pub fn var(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name().eq_ignore_ascii_case(name))
    }

    /// The decoded value of a `defaultVarList` variable.
    #[must_use]
    pub fn var_text(&self, name: &str) -> Option<Cow<'_, str>> {
        self.var(name).map(|v| v.value.text())
    }
}

/// A Set Dynamic Variables rules document, parsed from the escaped variable value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DynamicRules {
    /// The `<Rule>` elements.
    pub rules: Vec<DynamicRule>,
    /// A parse error inside the escaped document, if any (message, span in the file).
    pub error: Option<(String, Span)>,
}

/// One `<Rule>` of Set Dynamic Variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DynamicRule {
    /// The `<Rule>` element (mapped to the file).
    pub span: Span,
    /// Its condition, if any (absent: the rule always applies).
    pub condition: Option<Condition>,
    /// The `<Variable Name=… IsSecret=…>` assignments.
    pub variables: Vec<Variable>,
}

/// A `<reference>` in `<referenceList>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The whole element.
    pub span: Span,
    /// `package`, `application`, `program`, and any other attributes.
    pub attrs: Attrs,
}

impl Reference {
    /// The referenced package ID or application model name.
    #[must_use]
    pub fn target(&self) -> Option<&Value> {
        self.attrs.get("package").or_else(|| self.attrs.get("application"))
    }
}

/// An `<sequence>`: `SMS_TaskSequence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sequence {
    /// The whole element.
    pub span: Span,
    /// The start tag.
    pub start_tag: Span,
    /// `version`, and `name`/`description` on MDT files.
    pub attrs: Attrs,
    /// `<globalVarList>` variables (the list may occur anywhere, even more than once).
    pub globals: Vec<Variable>,
    /// The `<referenceList>` element's span, if present.
    pub reference_list: Option<Span>,
    /// `<reference>` entries.
    pub references: Vec<Reference>,
    /// Top-level groups, steps and child task sequences.
    pub steps: Vec<Node>,
    /// Unknown elements directly under `<sequence>`.
    pub unknown: Vec<Unknown>,
    /// Comments in the sequence (all of them, for suppressions).
    pub comments: Vec<Value>,
    /// Comments before the `<sequence>` element (in its document), in order.
    pub prolog_comments: Vec<Value>,
}

impl Sequence {
    /// The `version` attribute.
    #[must_use]
    pub fn version(&self) -> Option<&Value> {
        self.attrs.get("version")
    }

    /// All nodes depth-first in document order, with their execution numbers.
    #[must_use]
    pub fn walk(&self) -> Walk<'_> {
        Walk::new(&self.steps)
    }
}

/// A package-level property (object.xml `PROPERTY`, or an element of `<SmsTaskSequencePackage>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    /// The property name (`PackageID`, `BootImageID`, …).
    pub name: String,
    /// The whole property element.
    pub span: Span,
    /// The value, when it is a scalar with a value (`None` for null and for arrays).
    pub value: Option<Value>,
    /// For arrays: the number of values (byte arrays such as `Icon` are counted, not stored).
    pub array_len: Option<usize>,
}

/// A package-level `SMS_TaskSequence_Reference` (object.xml `References`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageReference {
    /// The `INSTANCE` element.
    pub span: Span,
    /// `Package`: a package ID or application model name.
    pub package: Option<Value>,
    /// `Program`.
    pub program: Option<Value>,
    /// `Type`: 0 package, 1 application.
    pub kind: Option<Value>,
}

/// `SMS_TaskSequencePackage`: the properties around a sequence in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Package {
    /// The instance or wrapper element's span.
    pub span: Span,
    /// Properties in document order.
    pub properties: Vec<Property>,
    /// `References`, when the container has them.
    pub references: Option<Vec<PackageReference>>,
    /// The span of the `References` property.
    pub references_span: Option<Span>,
}

impl Package {
    /// A property by name.
    #[must_use]
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// A property's value by name (`None` when absent or null).
    #[must_use]
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.property(name).and_then(|p| p.value.as_ref())
    }
}

#[cfg(test)]
mod intern_tests {
    use super::intern;
    use std::borrow::Cow;

    #[test]
    fn common_strings_are_shared_and_others_owned() {
        for s in ["", "true", "false", "0", "0 3010", "name", "successCodeList", "notEquals"] {
            assert!(matches!(intern(s), Cow::Borrowed(b) if b == s), "{s:?} is shared");
        }
        for s in ["True", "nam", "names", "OSDComputerName", "0 3010 "] {
            assert!(matches!(intern(s), Cow::Owned(ref o) if o == s), "{s:?} is owned");
        }
    }
}
