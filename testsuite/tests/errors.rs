//! Every file in `testsuite/errors` must fail with diagnostics; the rendered diagnostics are
//! snapshot-tested so their wording, locations and notes are reviewed like code.

use cwcc::Stage;
use cwcc_testsuite::{cu_files, display_name, rendered_diagnostics, run_file};

#[test]
fn error_cases_fail_with_located_diagnostics() {
    let files = cu_files("errors");
    assert!(
        files.len() >= 16,
        "expected at least 16 error cases, found {}",
        files.len()
    );
    for path in files {
        let out = run_file(&path, Stage::Hir);
        let name = display_name(&path);
        assert!(
            out.diags.has_errors(),
            "{name}: expected an error, got none"
        );
        for d in out.diags.iter().filter(|d| d.is_error()) {
            assert!(!d.message.is_empty(), "{name}: empty error message");
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/errors");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&path);
        settings.bind(|| insta::assert_snapshot!(stem, rendered_diagnostics(&out)));
    }
}
