//! Wrapping a sequence into a package, offline: the console export's CIM-XML `object.xml` and
//! the ConfigMgr 2007 `<SmsTaskSequencePackage>` form, with References computed from the steps.

use super::PackageOptions;
use crate::model::Sequence;
use crate::refs::{cim_references, package_references};
use crate::writer::escape;

/// `ProgramFlags` of every real task-sequence package (the documented default).
const PROGRAM_FLAGS: &str = "152084496";

/// `Type`: 2 when the sequence deploys an OS image (Apply Operating System, Capture), else 1.
#[must_use]
pub fn ts_type(seq: &Sequence) -> u32 {
    let deploys = seq.walk().any(|v| v.node.is_type("ApplyOperatingSystemAction") || v.node.is_type("CaptureSystemImageAction"));
    if deploys { 2 } else { 1 }
}

/// One scalar CIM-XML property at depth 1; `None` is a null value.
fn property(out: &mut Vec<String>, name: &str, origin: &str, ty: &str, value: Option<&str>) {
    out.push(format!("  <PROPERTY NAME=\"{name}\" CLASSORIGIN=\"{origin}\" TYPE=\"{ty}\">"));
    out.push("    <QUALIFIER NAME=\"CIMTYPE\" PROPAGATED=\"true\" TYPE=\"string\" TOINSTANCE=\"true\">".to_owned());
    out.push(format!("      <VALUE>{ty}</VALUE>"));
    out.push("    </QUALIFIER>".to_owned());
    if let Some(v) = value {
        out.push(format!("    <VALUE>{v}</VALUE>"));
    }
    out.push("  </PROPERTY>".to_owned());
}

/// A console-export `object.xml` holding `sequence_text` (one line, in CDATA) and the package
/// properties: CRLF line breaks, no final newline, properties in the exports' order.
pub fn object_xml(sequence_text: &str, seq: &Sequence, opts: &PackageOptions) -> Result<String, String> {
    if sequence_text.contains("]]>") {
        return Err("the sequence holds `]]>` (a CDATA section of its own) and cannot be stored in the CDATA of an object.xml".to_owned());
    }
    let e = |v: &Option<String>| v.as_deref().map(escape);
    let refs = package_references(seq, opts.boot_image.as_deref());
    let mut lines = vec![
        "<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\">".to_owned(),
        "  <PROPERTY NAME=\"__CLASS\" CLASSORIGIN=\"___SYSTEM\" TYPE=\"string\">".to_owned(),
        "    <VALUE>SMS_TaskSequencePackage</VALUE>".to_owned(),
        "  </PROPERTY>".to_owned(),
        "  <PROPERTY.ARRAY NAME=\"__DERIVATION\" CLASSORIGIN=\"___SYSTEM\" TYPE=\"string\">".to_owned(),
        "    <VALUE.ARRAY>".to_owned(),
        "      <VALUE>SMS_PackageBaseclass</VALUE>".to_owned(),
        "      <VALUE>SMS_BaseClass</VALUE>".to_owned(),
        "    </VALUE.ARRAY>".to_owned(),
        "  </PROPERTY.ARRAY>".to_owned(),
        "  <PROPERTY NAME=\"__GENUS\" CLASSORIGIN=\"___SYSTEM\" TYPE=\"sint32\">".to_owned(),
        "    <VALUE>2</VALUE>".to_owned(),
        "  </PROPERTY>".to_owned(),
    ];
    let boot = e(&opts.boot_image).unwrap_or_default();
    property(&mut lines, "BootImageID", "SMS_TaskSequencePackage", "string", Some(&boot));
    property(&mut lines, "Category", "SMS_TaskSequencePackage", "string", Some(&e(&opts.category).unwrap_or_default()));
    property(&mut lines, "Description", "SMS_PackageBaseclass", "string", Some(&e(&opts.description).unwrap_or_default()));
    property(&mut lines, "Duration", "SMS_TaskSequencePackage", "uint32", Some("0"));
    property(&mut lines, "Name", "SMS_PackageBaseclass", "string", Some(&e(&opts.name).unwrap_or_default()));
    property(&mut lines, "PackageID", "SMS_PackageBaseclass", "string", e(&opts.package_id).as_deref());
    property(&mut lines, "PackageType", "SMS_PackageBaseclass", "uint32", Some("4"));
    property(&mut lines, "ProgramFlags", "SMS_TaskSequencePackage", "uint32", Some(PROGRAM_FLAGS));
    lines.push(format!("  {}", cim_references(&refs, "  ", "\r\n")));
    property(&mut lines, "ReferencesCount", "SMS_TaskSequencePackage", "uint32", Some(&refs.len().to_string()));
    property(&mut lines, "Sequence", "SMS_TaskSequencePackage", "string", Some(&format!("<![CDATA[{sequence_text}\r\n]]>")));
    property(&mut lines, "TsEnabled", "SMS_TaskSequencePackage", "boolean", Some("TRUE"));
    property(&mut lines, "Type", "SMS_TaskSequencePackage", "uint32", Some(&ts_type(seq).to_string()));
    lines.push("</INSTANCE>".to_owned());
    Ok(lines.join("\r\n"))
}

/// The ConfigMgr 2007 `<SmsTaskSequencePackage>` form holding `sequence_text` in `<SequenceData>`
/// (laid out afterwards by `tsq fmt`), LF line breaks, as MDT's templates are.
#[must_use]
pub fn sms_package(sequence_text: &str, opts: &PackageOptions) -> String {
    let element = |name: &str, v: &Option<String>| match v.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("  <{name}>{}</{name}>\n", escape(v)),
        None => format!("  <{name} />\n"),
    };
    let mut out = String::from("<?xml version=\"1.0\"?>\n");
    out.push_str(
        "<SmsTaskSequencePackage xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n",
    );
    out.push_str(&element("BootImageID", &opts.boot_image));
    out.push_str(&element("Category", &opts.category));
    out.push_str("  <DependentProgram />\n");
    out.push_str(&element("Description", &opts.description));
    out.push_str("  <Duration>0</Duration>\n");
    out.push_str(&element("Name", &opts.name));
    if opts.package_id.is_some() {
        out.push_str(&element("PackageID", &opts.package_id));
    }
    out.push_str(&format!("  <ProgramFlags>{PROGRAM_FLAGS}</ProgramFlags>\n"));
    out.push_str("  <SequenceData>\n    ");
    out.push_str(sequence_text);
    out.push_str("\n  </SequenceData>\n");
    out.push_str("  <SupportedOperatingSystems />\n  <IconSize>0</IconSize>\n</SmsTaskSequencePackage>\n");
    out
}
