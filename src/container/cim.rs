//! A streaming reader for DMTF CIM-XML instances (`object.xml`), built on quick-xml's pull
//! parser so that a megabyte-sized `Icon` byte array costs one pass and no allocation per byte.

use super::Problem;
use crate::model::{Package, PackageReference, Property, Value, intern};
use crate::span::Span;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use std::borrow::Cow;

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

/// Where an element sits, for the few paths the reader cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Frame {
    Instance,
    Property(usize),
    Array(usize),
    ObjectArray,
    RefInstance,
    RefProperty(String),
    Value,
    Other,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().map(|a| a.value.into_owned())
}

/// Read a CIM-XML `INSTANCE` document.
pub fn read_instance(text: &str) -> Result<Instance, Problem> {
    // One pass over the whole text bounds the attributes per element before quick-xml reads any.
    crate::syntax::check_bounds(text).map_err(|e| Problem::syntax(e.message, e.span))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Frame> = Vec::new();
    let mut class: Option<(String, Span)> = None;
    let mut package = Package::default();
    let mut refs: Vec<PackageReference> = Vec::new();
    let mut in_refs = false;
    let mut value_start = 0usize;
    let mut seen_root = false;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(0);
            Problem::syntax(crate::syntax::lower_first(&e.to_string()), Span::at(at.min(text.len())))
        })?;
        let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name();
                let name: &str = name.as_ref();
                // Well-formedness of the attributes (syntax, duplicates): quick-xml reads them lazily,
                // and compares each with every earlier one; their number was bounded before reading.
                if let Some(Err(err)) = e.attributes().find(Result::is_err) {
                    return Err(attribute_problem(&err, before, after));
                }
                if stack.is_empty() && seen_root {
                    return Err(Problem::syntax(
                        format!("a second root element `<{name}>` after the end of the document's root element"),
                        Span::new(before, before + 1 + name.len()),
                    ));
                }
                let span = Span::new(before, after);
                let frame = match (stack.last(), name) {
                    (None, "INSTANCE") if !seen_root => {
                        seen_root = true;
                        let cls = attr(e, "CLASSNAME").unwrap_or_default();
                        let at = text.get(before..after).and_then(|tag| value_range(tag, "CLASSNAME"));
                        class = Some((cls.clone(), at.map_or(Span::at(before), |r| Span::new(before + r.start, before + r.end))));
                        package.span = span;
                        Frame::Instance
                    }
                    (None, other) => {
                        return Err(Problem::unsupported(
                            format!("`<{other}>` is not a CIM-XML `INSTANCE`"),
                            Span::new(before, before + 1 + other.len()),
                        ));
                    }
                    (Some(Frame::Instance), "PROPERTY" | "PROPERTY.REFERENCE" | "PROPERTY.OBJECT") => {
                        let pname = attr(e, "NAME").unwrap_or_default();
                        package.properties.push(Property { name: pname, span, value: None, array_len: None });
                        Frame::Property(package.properties.len() - 1)
                    }
                    (Some(Frame::Instance), "PROPERTY.ARRAY") => {
                        let pname = attr(e, "NAME").unwrap_or_default();
                        package.properties.push(Property { name: pname, span, value: None, array_len: Some(0) });
                        Frame::Array(package.properties.len() - 1)
                    }
                    (Some(Frame::Instance), "PROPERTY.OBJECTARRAY") => {
                        let pname = attr(e, "NAME").unwrap_or_default();
                        if pname == "References" {
                            in_refs = true;
                            package.references_span = Some(span);
                            Frame::ObjectArray
                        } else {
                            package.properties.push(Property { name: pname, span, value: None, array_len: Some(0) });
                            Frame::Array(package.properties.len() - 1)
                        }
                    }
                    (Some(Frame::Property(_) | Frame::RefProperty(_)), "VALUE") => {
                        value_start = after;
                        Frame::Value
                    }
                    (Some(Frame::Array(i)), "VALUE.ARRAY" | "VALUE.OBJECTARRAY") => Frame::Array(*i),
                    (Some(Frame::Array(i)), "VALUE" | "VALUE.OBJECT" | "VALUE.NULL") => {
                        if let Some(p) = package.properties.get_mut(*i) {
                            p.array_len = Some(p.array_len.unwrap_or(0) + 1);
                        }
                        Frame::Other
                    }
                    (Some(Frame::ObjectArray), "VALUE.OBJECTARRAY" | "VALUE.OBJECT") => Frame::ObjectArray,
                    (Some(Frame::ObjectArray), "INSTANCE") => {
                        refs.push(PackageReference { span, package: None, program: None, kind: None });
                        Frame::RefInstance
                    }
                    (Some(Frame::RefInstance), "PROPERTY") => Frame::RefProperty(attr(e, "NAME").unwrap_or_default()),
                    _ => Frame::Other,
                };
                if empty {
                    if frame == Frame::Value {
                        finish_value(&stack, &mut package, &mut refs, Value::new(Cow::Borrowed(""), Span::at(after)));
                    }
                } else {
                    stack.push(frame);
                }
            }
            Event::End(_) => {
                let frame = stack.pop();
                match frame {
                    Some(Frame::Value) => {
                        let raw = text.get(value_start..before).unwrap_or("");
                        finish_value(&stack, &mut package, &mut refs, Value::new(intern(raw), Span::new(value_start, before)));
                    }
                    Some(Frame::Property(i) | Frame::Array(i)) => {
                        if let Some(p) = package.properties.get_mut(i) {
                            p.span.end = after;
                        }
                    }
                    Some(Frame::RefInstance) => {
                        if let Some(r) = refs.last_mut() {
                            r.span.end = after;
                        }
                    }
                    Some(Frame::Instance) => package.span.end = after,
                    _ => {}
                }
            }
            Event::DocType(_) => {
                return Err(Problem::syntax(
                    "a DTD is not allowed in a task sequence (entities are never expanded)",
                    Span::new(before, after),
                ));
            }
            Event::GeneralRef(ref r) => {
                let known = matches!(&**r, "lt" | "gt" | "amp" | "quot" | "apos")
                    || (r.is_char_ref() && matches!(r.resolve_char_ref(), Ok(Some(_))));
                if !known {
                    let r: &str = r;
                    return Err(Problem::syntax(
                        format!("the entity `&{r};` is not defined (entities are never expanded)"),
                        Span::new(before, after),
                    ));
                }
                if stack.is_empty() {
                    return Err(Problem::syntax("text outside the root element", Span::new(before, after)));
                }
            }
            Event::Text(ref t) if stack.is_empty() && !t.trim().is_empty() => {
                return Err(Problem::syntax("text outside the root element", Span::new(before, after)));
            }
            Event::CData(_) if stack.is_empty() => {
                return Err(Problem::syntax("a CDATA section outside the root element", Span::new(before, after)));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(Problem::syntax("unexpected end of file: an element is not closed", Span::at(text.len())));
    }
    let Some((class, class_span)) = class else {
        return Err(Problem::syntax("the document has no root element", Span::at(text.len())));
    };
    if in_refs {
        package.references = Some(refs);
    }
    Ok(Instance { class, class_span, package })
}

/// The byte range of the value of attribute `name` in a well-formed start tag `tag` (`<X a="v">`),
/// found by reading the tag's attributes in order, never by a text search (which could match
/// inside another attribute's value).
fn value_range(tag: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let bytes = tag.as_bytes();
    let mut i = tag.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')?;
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let start = i;
        while bytes.get(i).is_some_and(|&b| b != b'=' && !b.is_ascii_whitespace() && b != b'>' && b != b'/') {
            i += 1;
        }
        let key = tag.get(start..i)?;
        if key.is_empty() {
            return None;
        }
        while bytes.get(i).is_some_and(|&b| b == b'=' || b.is_ascii_whitespace()) {
            i += 1;
        }
        let quote = *bytes.get(i).filter(|&&b| b == b'"' || b == b'\'')?;
        let value_start = i + 1;
        let value_end = value_start + tag.get(value_start..)?.find(char::from(quote))?;
        if key == name {
            return Some(value_start..value_end);
        }
        i = value_end + 1;
    }
}

/// A malformed attribute: quick-xml's message without its "position N: " prefix, pointing at the
/// position it gives (relative to the tag's `<`).
fn attribute_problem(err: &AttrError, tag_start: usize, tag_end: usize) -> Problem {
    let at = match *err {
        AttrError::ExpectedEq(p)
        | AttrError::ExpectedValue(p)
        | AttrError::UnquotedValue(p)
        | AttrError::ExpectedQuote(p, _)
        | AttrError::Duplicated(p, _) => p,
    };
    let text = err.to_string();
    let message = match text.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("position ") => rest.to_owned(),
        _ => text,
    };
    let message = match err {
        AttrError::Duplicated(..) => "an attribute is given twice in the same start tag".to_owned(),
        _ => message,
    };
    Problem::syntax(message, Span::at((tag_start + at).min(tag_end)))
}

fn finish_value(stack: &[Frame], package: &mut Package, refs: &mut [PackageReference], value: Value) {
    match stack.last() {
        Some(Frame::Property(i)) => {
            if let Some(p) = package.properties.get_mut(*i) {
                p.value = Some(value);
            }
        }
        Some(Frame::RefProperty(name)) => {
            if let Some(r) = refs.last_mut() {
                match name.as_str() {
                    "Package" => r.package = Some(value),
                    "Program" => r.program = Some(value),
                    "Type" => r.kind = Some(value),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}
