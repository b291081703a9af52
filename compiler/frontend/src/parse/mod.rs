//! The parser: preprocessed tokens to the AST.
