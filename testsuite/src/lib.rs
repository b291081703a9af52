//! Helpers shared by the corpus tests: finding the corpus, running the front end on a file the
//! way `cwcc` does, and printing only what belongs to the file itself (not the stdlib headers
//! every file includes), so snapshots stay small and stable.

use cwcc::{run_front_end, FrontEndOutput, FsLoader, Stage};
use cwcc_frontend::ast::{Item, TranslationUnit};
use cwcc_frontend::pp::PpConfig;
use cwcc_frontend::source::{FileId, SourceMap, Span};
use std::path::{Path, PathBuf};

/// The `testsuite/` directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// All `.cu` files in `testsuite/<dir>`, sorted by name.
pub fn cu_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "cu"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The name a file is shown with in snapshots: its path relative to `testsuite/`.
pub fn display_name(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Runs the front end on `path` up to `stage`, as `cwcc` would with default flags.
pub fn run_file(path: &Path, stage: Stage) -> FrontEndOutput {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    run_text(&display_name(path), text, stage)
}

/// Runs the front end on source text named `name`.
pub fn run_text(name: &str, text: String, stage: Stage) -> FrontEndOutput {
    run_front_end(name, text, &PpConfig::nvcc(), &FsLoader, stage)
}

fn in_file(sources: &SourceMap, span: Span, file: FileId) -> bool {
    sources.user_span(span).file == file
}

/// The preprocessed tokens that the main file itself contributed, one per line.
pub fn main_file_tokens(out: &FrontEndOutput) -> String {
    let tokens: Vec<_> = out
        .tokens
        .iter()
        .filter(|t| in_file(&out.sources, t.span, out.main))
        .cloned()
        .collect();
    cwcc::dump_tokens(&out.sources, &tokens)
}

/// The AST of the items written in the main file (header items left out).
pub fn main_file_ast(out: &FrontEndOutput) -> String {
    let Some(tu) = &out.ast else {
        return String::new();
    };
    let items: Vec<Item> = tu
        .items
        .iter()
        .filter(|item| cwcc::item_span(item).is_none_or(|s| in_file(&out.sources, s, out.main)))
        .cloned()
        .collect();
    cwcc_frontend::ast_print::print(&TranslationUnit { items }, &out.sources)
}

/// All diagnostics rendered as plain text (no colors), as `cwcc` prints them.
pub fn rendered_diagnostics(out: &FrontEndOutput) -> String {
    cwcc_frontend::diag::render_to_string(&out.sources, &out.diags)
}
