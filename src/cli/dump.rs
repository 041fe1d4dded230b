//! `tsq dump`: the model as JSON, one object per task sequence found.

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, ReadArgs, read_input};
use crate::inputs::expand;
use std::io::Write;

pub(crate) fn run(args: &ReadArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let (inputs, errors) = expand(&args.paths, args.stdin_filename.as_deref());
    let mut code = EXIT_OK;
    for e in &errors {
        writeln!(err, "tsq: {}: {}", crate::inputs::display(&e.path), e.message)?;
        code = EXIT_ERROR;
    }
    let mut items = Vec::new();
    let layouts = crate::container::LayoutCache::default();
    for input in &inputs {
        let loaded = match read_input(input, args.input_format, &layouts) {
            Ok(l) => l,
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                code = EXIT_ERROR;
                continue;
            }
        };
        for l in loaded {
            match (&l.result, &l.source) {
                (Ok(ts), Some(src)) => items.push(crate::dump::task_sequence(&l.path, &src.text, ts)),
                (Err(p), _) => {
                    super::print_problem(&l, p, err)?;
                    code = code.max(EXIT_FINDINGS);
                }
                (Ok(_), None) => {}
            }
        }
    }
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)?;
    Ok(code)
}
