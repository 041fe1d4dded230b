//! `tsq convert`: one task sequence to another container or to the JSON model (see
//! [`crate::convert`]).

use super::output::write_to;
use super::{EXIT_ERROR, EXIT_OK, read_input};
use crate::container::{Format, LayoutCache};
use crate::convert::{PackageOptions, Source, Target, convert, from_json, from_task_sequence, is_json};
use crate::inputs::{Input, display, expand};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `tsq convert`.
#[derive(Debug, clap::Args)]
pub(crate) struct ConvertArgs {
    /// The task sequence (any container, or the JSON model from `tsq dump`); `-` reads stdin.
    input: PathBuf,
    /// What to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    to: Target,
    /// Where to write it (default: standard output).
    #[arg(short, long, value_name = "OUT", default_value = "-")]
    output: PathBuf,
    /// Read the input as this container format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<Format>,
    /// The package `Name` (object-xml, sms-package; default: the input's).
    #[arg(long)]
    name: Option<String>,
    /// The package `Description`.
    #[arg(long)]
    description: Option<String>,
    /// The package `Category`.
    #[arg(long)]
    category: Option<String>,
    /// The package `BootImageID` (also listed in References).
    #[arg(long, value_name = "ID")]
    boot_image: Option<String>,
    /// The package `PackageID`.
    #[arg(long, value_name = "ID")]
    package_id: Option<String>,
}

/// The input's text when it is the JSON model; `None` for XML and archives.
fn json_text(input: &Input) -> Result<Option<(String, String)>, String> {
    let (name, bytes) = super::read_bytes(input)?;
    let Ok(source) = crate::source::SourceFile::decode(name.clone(), bytes) else { return Ok(None) };
    Ok(is_json(&source.text).then_some((name, source.text)))
}

pub(crate) fn run(args: &ConvertArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let fail = |err: &mut dyn Write, msg: String| -> std::io::Result<u8> {
        writeln!(err, "tsq: {msg}")?;
        Ok(EXIT_ERROR)
    };
    let (inputs, errors) = expand(std::slice::from_ref(&args.input), None);
    if let Some(e) = errors.first() {
        return fail(err, format!("{}: {}", display(&e.path), e.message));
    }
    let Some(input) = inputs.first().filter(|i| !matches!(i, Input::Walked(_))) else {
        return fail(err, format!("{}: convert takes one file, not a directory", display(&args.input)));
    };
    // Standard input is read once, as JSON or as a container; a file is read as JSON when it
    // holds JSON.
    let is_stdin = matches!(input, Input::Stdin(_));
    let read = if is_stdin || (args.input_format.is_none() && matches!(json_text(input), Ok(Some(_)))) {
        read_stdin_or_json(input, args.input_format)?
    } else {
        load_xml(input, args.input_format)
    };
    let (name, source, dump) = match read {
        Ok(v) => v,
        Err(msg) => return fail(err, msg),
    };
    let text = if args.to == Target::Json {
        let json = match dump {
            Some(d) => d,
            None => return fail(err, format!("{name}: the task sequence cannot be dumped")),
        };
        let mut s = serde_json::to_string_pretty(&serde_json::Value::Array(vec![json])).unwrap_or_default();
        s.push('\n');
        s
    } else {
        let opts = PackageOptions {
            name: args.name.clone(),
            description: args.description.clone(),
            category: args.category.clone(),
            boot_image: args.boot_image.clone(),
            package_id: args.package_id.clone(),
        };
        match convert(&name, &source, args.to, opts) {
            Ok(t) => t,
            Err(msg) => return fail(err, format!("{name}: {msg}")),
        }
    };
    if let Err(e) = write_to(&args.output, None, text.as_bytes(), out) {
        return fail(err, format!("{}: cannot write the file: {e}", display(&args.output)));
    }
    Ok(EXIT_OK)
}

type Loaded = (String, Source, Option<serde_json::Value>);

/// Standard input, or a file holding the JSON model.
fn read_stdin_or_json(input: &Input, force: Option<Format>) -> std::io::Result<Result<Loaded, String>> {
    let (name, bytes) = match super::read_bytes(input) {
        Ok(b) => b,
        Err(msg) => return Ok(Err(msg)),
    };
    let text = crate::source::SourceFile::decode(name.clone(), bytes.clone()).map(|s| s.text);
    if let Ok(text) = &text
        && force.is_none()
        && is_json(text)
    {
        let value: Option<serde_json::Value> = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok();
        let item = value.and_then(|v| match v {
            serde_json::Value::Array(mut a) if a.len() == 1 => a.pop(),
            serde_json::Value::Array(_) => None,
            v => Some(v),
        });
        return Ok(from_json(&name, text).map(|s| (name, s, item)));
    }
    let loaded = crate::container::load_bytes(&name, bytes, force);
    Ok(one(loaded))
}

/// A task-sequence file in any container.
fn load_xml(input: &Input, force: Option<Format>) -> Result<Loaded, String> {
    let loaded = read_input(input, force, &LayoutCache::default())?;
    one(loaded)
}

/// The one task sequence of a read file.
fn one(loaded: Vec<crate::container::Loaded>) -> Result<Loaded, String> {
    if loaded.len() > 1 {
        let names: Vec<&str> = loaded.iter().map(|l| l.path.as_str()).collect();
        return Err(format!(
            "the archive holds {} task sequences ({}); unzip it and convert one object.xml",
            loaded.len(),
            names.join(", ")
        ));
    }
    let l = loaded.into_iter().next().ok_or("no task sequence was found")?;
    let (ts, src) = match (l.result, l.source) {
        (Ok(ts), Some(src)) => (ts, src),
        (Err(p), _) => return Err(format!("{}: {}", l.path, p.message)),
        (Ok(_), None) => return Err(format!("{}: the file cannot be decoded", l.path)),
    };
    let source = from_task_sequence(&src.text, &ts).map_err(|e| format!("{}: {e}", l.path))?;
    let dump = crate::dump::task_sequence(&l.path, &src.text, &ts);
    Ok((l.path, source, Some(dump)))
}
