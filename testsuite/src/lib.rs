//! Helpers shared by the corpus tests.
