//! The logos lexer: text of one file to preprocessing tokens.
