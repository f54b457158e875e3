//! weft scenario language.
pub mod diagnostic;
pub mod ir;
pub mod syntax;
pub mod ron;
pub mod span;
