//! Values of numeric, character and string literals.
