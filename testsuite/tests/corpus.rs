//! Every corpus file goes through the whole front end without errors, and its tokens, AST and
//! typed HIR are snapshot-tested (`cargo insta review` to accept changes).

use cwcc::Stage;
use cwcc_testsuite::{
    cu_files, display_name, main_file_ast, main_file_tokens, rendered_diagnostics, run_file,
};

#[test]
fn corpus_is_large_enough() {
    let n = cu_files("corpus").len();
    assert!(
        n >= 60,
        "the corpus must hold at least 60 kernel files, found {n}"
    );
}

#[test]
fn corpus_reaches_hir_without_errors() {
    let mut failures = Vec::new();
    for path in cu_files("corpus") {
        let out = run_file(&path, Stage::Hir);
        if out.diags.has_errors() {
            failures.push(format!(
                "{}:\n{}",
                display_name(&path),
                rendered_diagnostics(&out)
            ));
        }
        assert!(out.hir.is_some());
    }
    assert!(
        failures.is_empty(),
        "{} corpus files have errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_snapshots() {
    for path in cu_files("corpus") {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let out = run_file(&path, Stage::Hir);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/corpus");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&path);
        settings.bind(|| {
            insta::assert_snapshot!(format!("{name}.tokens"), main_file_tokens(&out));
            insta::assert_snapshot!(format!("{name}.ast"), main_file_ast(&out));
            let hir = out.hir.as_ref().map(|m| m.to_string()).unwrap_or_default();
            insta::assert_snapshot!(format!("{name}.hir"), hir);
        });
    }
}
