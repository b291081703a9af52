//! The cwcc front end: from `.cu` text to an AST.
//!
//! Pipeline: [`pp::preprocess`] (which lexes each file with [`lexer::lex`]) produces
//! [`token::Token`]s that keep their file, line, column and macro-expansion chain; then
//! [`parse::parse`] builds the [`ast::TranslationUnit`]. Problems are collected as
//! [`diag::Diagnostic`]s, never panics.

pub mod ast;
pub mod ast_print;
pub mod diag;
pub mod lexer;
pub mod literal;
pub mod parse;
pub mod pp;
pub mod source;
pub mod token;
