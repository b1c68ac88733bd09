//! XML in both directions: a small hand-written emitter and a roxmltree-based reader.
//!
//! The emitter writes compact documents (no declaration, no whitespace between elements) and
//! refuses text XML 1.0 cannot carry. The reader refuses DTDs, bounds nesting depth and node
//! count, never depends on element order, and keeps unknown elements.

mod read;
mod write;

pub(crate) use read::{Document, Node};
pub(crate) use write::{MAX_ELEMENT_DEPTH, Writer, is_valid_name};
