//! The outline: the nested groups and steps of the task sequence (for an `object.xml`, of the
//! sequence inside it), each with its `smsts.log` instruction number and step type; disabled
//! ones are marked deprecated (shown struck through) and say so.

use super::position::{LineIndex, PositionEncoding};
use crate::container::{Loaded, load_bytes};
use crate::model::{Node, NodeKind};
use crate::span::Span;
use lsp_types::{DocumentSymbol, SymbolKind, SymbolTag};
use std::path::Path;

/// The models in `text`, the contents of `path`, with the number of bytes the engine's text
/// lacks at the start (a byte-order mark the buffer keeps).
#[must_use]
pub fn models(text: &str, path: &Path) -> (Vec<Loaded>, usize) {
    let loaded = load_bytes(&crate::inputs::display(path), text.as_bytes().to_vec(), None);
    let decoded = loaded.first().and_then(|l| l.source.as_ref()).map_or(text.len(), |s| s.text.len());
    let shift = if text.starts_with('\u{feff}') { text.len().saturating_sub(decoded) } else { 0 };
    (loaded, shift)
}

/// The outline of `text`, the contents of `path` (empty when it holds no readable sequence).
#[must_use]
pub fn outline(text: &str, index: &LineIndex, enc: PositionEncoding, path: &Path) -> Vec<DocumentSymbol> {
    let (loaded, shift) = models(text, path);
    let mut out = Vec::new();
    for ts in loaded.iter().filter_map(|l| l.result.as_ref().ok()) {
        let mut number = 0;
        let range = |s: Span| index.range(text, s.shift(shift), enc);
        out.extend(ts.sequence.steps.iter().map(|n| symbol(n, false, &mut number, &range)));
    }
    out
}

/// The symbol of `node` (numbered from `number`, which moves past it and its descendants);
/// `inherited`: whether an ancestor is disabled.
fn symbol(node: &Node, inherited: bool, number: &mut usize, range: &dyn Fn(Span) -> lsp_types::Range) -> DocumentSymbol {
    let own = *number;
    *number += 1;
    let disabled = inherited || node.disabled();
    let kind_text = match crate::identity::kind_of(node) {
        k if k.is_empty() => "step".to_owned(),
        k => k,
    };
    let mut detail = format!("#{own} {kind_text}");
    if node.disabled() {
        detail.push_str(" (disabled)");
    } else if inherited {
        detail.push_str(" (in a disabled group)");
    }
    let name = node.name();
    let name = if name.trim().is_empty() { "(unnamed)".to_owned() } else { name.into_owned() };
    let selection = node.attrs.get("name").map_or(node.start_tag, |v| v.span);
    let children: Vec<DocumentSymbol> = node.children.iter().map(|c| symbol(c, disabled, number, range)).collect();
    #[allow(deprecated)]
    DocumentSymbol {
        name,
        detail: Some(detail),
        kind: match node.kind {
            NodeKind::Group => SymbolKind::NAMESPACE,
            NodeKind::Step => SymbolKind::FUNCTION,
            NodeKind::SubTaskSequence => SymbolKind::MODULE,
        },
        tags: disabled.then(|| vec![SymbolTag::DEPRECATED]),
        deprecated: None,
        range: range(node.span),
        selection_range: range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}
