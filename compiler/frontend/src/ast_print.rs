//! Printing the AST as indented text (for `--emit=ast` and snapshots).
