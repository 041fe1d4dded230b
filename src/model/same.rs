//! Equality of models that ignores positions: two task sequences are the [`Same`] when they hold
//! the same values in the same structure, wherever those values are in their files. `tsq fmt`'s
//! verification uses it (the formatted file must have the same model), and so do the commands
//! that write files.
//!
//! Values compare by their raw text as written (`&amp;` and `&#38;` differ); attributes compare
//! as a set (their order is not significant in XML); unknown elements compare by name only
//! (their content is not modelled; `fmt` compares the XML content separately).

use super::{
    Attr, Attrs, CondNode, Condition, DynamicRule, DynamicRules, Node, Package, PackageReference, Property, Reference, Sequence, Unknown,
    Value, Variable,
};
use crate::span::Span;

/// Equality that ignores positions.
pub trait Same {
    /// Whether `self` and `other` hold the same values, wherever they are.
    fn same(&self, other: &Self) -> bool;
}

impl Same for Span {
    fn same(&self, _: &Self) -> bool {
        true
    }
}

impl<T: Same> Same for Vec<T> {
    fn same(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.same(b))
    }
}

impl<T: Same> Same for Option<T> {
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.same(b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<A: Same, B: Same> Same for (A, B) {
    fn same(&self, other: &Self) -> bool {
        self.0.same(&other.0) && self.1.same(&other.1)
    }
}

/// Types compared with `==`: they hold no position.
macro_rules! by_eq {
    ($($t:ty),*) => {
        $(impl Same for $t {
            fn same(&self, other: &Self) -> bool {
                self == other
            }
        })*
    };
}

by_eq!(String, usize, super::CondKind, super::NodeKind);

/// Types compared field by field (positions skipped by [`Span`]'s `Same`).
macro_rules! by_fields {
    ($($t:ty { $($f:tt),* })*) => {
        $(impl Same for $t {
            fn same(&self, other: &Self) -> bool {
                true $(&& self.$f.same(&other.$f))*
            }
        })*
    };
}

impl Same for Value {
    fn same(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Same for Attr {
    fn same(&self, other: &Self) -> bool {
        self.name == other.name && self.value.same(&other.value)
    }
}

/// A task sequence and its container facts; the file's encoding is not part of it (a UTF-16 copy
/// holds the same task sequence), its declared encoding is.
impl Same for crate::container::TaskSequence {
    fn same(&self, other: &Self) -> bool {
        self.format == other.format
            && self.package.same(&other.package)
            && self.sequence.same(&other.sequence)
            && self.declared_encoding.same(&other.declared_encoding)
    }
}

/// Attribute order is not significant in XML.
impl Same for Attrs {
    fn same(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|a| other.attr(&a.name).is_some_and(|b| a.same(b)))
    }
}

by_fields! {
    Unknown { name }
    Variable { attrs, value }
    CondNode { kind, attrs, variables, children }
    Condition { children }
    Node { kind, attrs, condition, stray_conditions, action, variables, dynamic_rules, children, unknown, leading_comments }
    DynamicRules { rules, error }
    DynamicRule { condition, variables }
    Reference { attrs }
    Sequence { attrs, globals, reference_list, references, steps, unknown, comments, prolog_comments }
    Property { name, value, array_len }
    PackageReference { package, program, kind }
}

/// The `Sequence` property's value is the sequence's text, compared as the model instead.
impl Same for Package {
    fn same(&self, other: &Self) -> bool {
        fn props(p: &Package) -> Vec<&Property> {
            p.properties.iter().filter(|p| p.name != "Sequence").collect()
        }
        let (a, b) = (props(self), props(other));
        a.len() == b.len()
            && a.iter().zip(&b).all(|(x, y)| x.same(y))
            && self.references.same(&other.references)
            && self.references_span.same(&other.references_span)
    }
}

#[cfg(test)]
mod tests {
    use super::Same;
    use crate::container::load_bytes;

    fn seq(xml: &str) -> crate::model::Sequence {
        let mut l = load_bytes("t.xml", xml.as_bytes().to_vec(), None);
        match l.pop().map(|l| l.result) {
            Some(Ok(ts)) => ts.sequence,
            other => panic!("does not load: {other:?}"),
        }
    }

    #[test]
    fn layout_is_ignored_values_are_not() {
        let a = seq(r#"<sequence version="3.10"><step type="A" name="s" continueOnError="true"><action>x</action></step></sequence>"#);
        let b = seq(
            "<sequence  version=\"3.10\">\n  <step type=\"A\"\n        name=\"s\" continueOnError=\"true\">\n    <action>x</action>\n  </step>\n</sequence>\n",
        );
        assert!(a.same(&b));
        assert_ne!(a, b, "derived equality sees the positions");
        let c = seq(r#"<sequence version="3.10"><step type="A" name="s" continueOnError="false"><action>x</action></step></sequence>"#);
        assert!(!a.same(&c));
        let d = seq(r#"<sequence version="3.10"><step name="s" type="A" continueOnError="true"><action>x</action></step></sequence>"#);
        assert!(a.same(&d), "attribute order is not significant");
        let e =
            seq(r#"<sequence version="3.10"><step type="A" name="s" continueOnError="true" x="1"><action>x</action></step></sequence>"#);
        assert!(!a.same(&e));
    }
}
