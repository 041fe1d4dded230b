//! A reader for DMTF CIM-XML instances (`object.xml`), over the same element tree as the
//! sequence ([`Tree::parse`]): a megabyte-sized `Icon` byte array costs one scan and a small
//! record per element, and an `object.xml` that is not well formed gets roxmltree's error, as any
//! other file does.

use super::Problem;
use crate::model::{Id, Package, PackageReference, Property, Tree, Value};
use crate::span::Span;

/// The instance's class name and its properties.
#[derive(Debug)]
pub struct Instance {
    /// `CLASSNAME` of the root `INSTANCE`.
    pub class: String,
    /// The span of the `CLASSNAME` value.
    pub class_span: Span,
    /// Properties and References.
    pub package: Package,
}

/// Read a CIM-XML `INSTANCE` document.
pub fn read_instance(text: &str) -> Result<Instance, Problem> {
    let tree = Tree::parse(text).map_err(|e| Problem::syntax(e.message, e.span))?;
    let root = Tree::ROOT;
    let name = tree.name(root);
    if name != "INSTANCE" {
        let start = tree.elem(root).start;
        return Err(Problem::unsupported(format!("`<{name}>` is not a CIM-XML `INSTANCE`"), Span::new(start, start + 1 + name.len())));
    }
    let reader = Reader { tree: &tree };
    let (class, class_span) = match reader.attr(root, "CLASSNAME") {
        Some(v) => (v.raw.into_owned(), v.span),
        None => (String::new(), Span::at(tree.elem(root).start)),
    };
    let mut package = Package { span: tree.elem(root).span(), ..Package::default() };
    for c in tree.children(root) {
        let pname = || reader.attr(c, "NAME").map(|v| v.raw.into_owned()).unwrap_or_default();
        match tree.name(c) {
            "PROPERTY" | "PROPERTY.REFERENCE" | "PROPERTY.OBJECT" => {
                package.properties.push(Property { name: pname(), span: tree.elem(c).span(), value: reader.value(c), array_len: None });
            }
            "PROPERTY.OBJECTARRAY" if pname() == "References" => {
                package.references_span = Some(tree.elem(c).span());
                package.references.get_or_insert_with(Vec::new).extend(reader.references(c));
            }
            "PROPERTY.ARRAY" | "PROPERTY.OBJECTARRAY" => {
                let len = reader.array_len(c);
                package.properties.push(Property { name: pname(), span: tree.elem(c).span(), value: None, array_len: Some(len) });
            }
            _ => {}
        }
    }
    Ok(Instance { class, class_span, package })
}

/// Reading values out of the instance's tree.
struct Reader<'a, 't> {
    tree: &'a Tree<'t>,
}

impl Reader<'_, '_> {
    /// The raw value of attribute `name` of element `id`.
    fn attr(&self, id: Id, name: &str) -> Option<Value> {
        let a = self.tree.attrs(id).iter().find(|a| self.tree.attr_name(a) == name)?;
        Some(self.tree.value(a.value.clone()))
    }

    /// The content of the last `<VALUE>` of a property (`None` when it has none).
    fn value(&self, property: Id) -> Option<Value> {
        let v = self.tree.children(property).filter(|&c| self.tree.name(c) == "VALUE").last()?;
        Some(self.tree.value(self.tree.elem(v).content()))
    }

    /// The number of values of an array property: its `VALUE`, `VALUE.OBJECT` and `VALUE.NULL`
    /// elements, directly or inside (nested) `VALUE.ARRAY` and `VALUE.OBJECTARRAY` elements.
    fn array_len(&self, array: Id) -> usize {
        let mut len = 0;
        let mut pending = vec![array];
        while let Some(a) = pending.pop() {
            for c in self.tree.children(a) {
                match self.tree.name(c) {
                    "VALUE" | "VALUE.OBJECT" | "VALUE.NULL" => len += 1,
                    "VALUE.ARRAY" | "VALUE.OBJECTARRAY" => pending.push(c),
                    _ => {}
                }
            }
        }
        len
    }

    /// The `SMS_TaskSequence_Reference` instances of `References`, inside (nested) `VALUE.OBJECT`
    /// and `VALUE.OBJECTARRAY` elements, in document order.
    fn references(&self, array: Id) -> Vec<PackageReference> {
        let mut refs = Vec::new();
        let mut pending = vec![array];
        while let Some(a) = pending.pop() {
            let mut nested = Vec::new();
            for c in self.tree.children(a) {
                match self.tree.name(c) {
                    "VALUE.OBJECTARRAY" | "VALUE.OBJECT" => nested.push(c),
                    "INSTANCE" => refs.push(self.reference(c)),
                    _ => {}
                }
            }
            pending.extend(nested.into_iter().rev());
        }
        refs.sort_by_key(|r| r.span.start);
        refs
    }

    fn reference(&self, instance: Id) -> PackageReference {
        let mut out = PackageReference { span: self.tree.elem(instance).span(), package: None, program: None, kind: None };
        for p in self.tree.children(instance).filter(|&p| self.tree.name(p) == "PROPERTY") {
            let Some(value) = self.value(p) else { continue };
            match self.attr(p, "NAME").as_ref().map(|v| v.raw.as_ref()) {
                Some("Package") => out.package = Some(value),
                Some("Program") => out.program = Some(value),
                Some("Type") => out.kind = Some(value),
                _ => {}
            }
        }
        out
    }
}
