//! tsq: an offline toolkit and linter for Microsoft Configuration Manager (ConfigMgr/MECM) and
//! MDT task sequences.
//!
//! The pipeline: [`source`] decodes bytes (UTF-8, UTF-16, BOM) → [`container`] finds the
//! sequence inside a raw file, an MDT `ts.xml`, a CIM-XML `object.xml`, the 2007
//! `<SmsTaskSequencePackage>` wrapper or an export `.zip` → [`syntax`] checks well-formedness
//! (roxmltree) → [`model`] builds the typed, spanned model → rules check it → reports render it;
//! [`writer`] writes files back byte for byte, or formatted.

pub mod analysis;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod container;
pub mod convert;
pub mod diagnostic;
pub mod diff;
pub mod dump;
pub mod fix;
pub mod identity;
pub mod inputs;
pub mod inventory;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod redact;
pub mod refs;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod span;
pub mod syntax;
pub mod workspace;
pub mod writer;
