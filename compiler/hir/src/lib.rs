//! The typed high-level IR of cwcc.
