//! Facts about a task sequence that several rules (and other commands) need: the step-type
//! catalogue, condition structure and the references steps make. Not rules themselves.

pub mod conditions;
pub mod expression;
pub mod facts;
pub mod references;
pub mod secrets;
pub mod step_types;
pub mod text;
