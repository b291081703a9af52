//! The C preprocessor.
