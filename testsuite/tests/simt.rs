//! Snapshots of the SIMT IR after each standard pass, for a set of conformance kernels that
//! cover the IR's features (shared memory and barriers, warp shuffles, atomics, templates,
//! structs, switch, 64-bit indices). Each snapshot holds the IR after every pass in order.

use cwcc::{Stage, STANDARD_PASSES};
use cwcc_testsuite::{root, run_file};

const CASES: &[&str] = &[
    "saxpy_f32",
    "reduce_sequential_f32",
    "reduce_shuffle_f32",
    "histogram_shared_atomics",
    "matmul_tiled_f32",
    "switch_fallthrough",
    "struct_aos_particles",
    "template_kernel_instance",
    "int64_index_math",
    "constant_lut",
];

#[test]
fn simt_after_each_pass() {
    let print_after: Vec<String> = STANDARD_PASSES.iter().map(|s| s.to_string()).collect();
    let mut found = 0;
    for case in CASES {
        let path = root().join("conformance").join(case).join("kernel.cu");
        if !path.is_file() {
            continue;
        }
        found += 1;
        let out = run_file(&path, Stage::Hir);
        assert!(!out.diags.has_errors(), "{case}: front-end errors");
        let (_, report) = cwcc::to_simt(&out, &print_after, false)
            .unwrap_or_else(|e| panic!("{case}: lowering failed:\n{e}"));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/simt");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&path);
        settings.bind(|| insta::assert_snapshot!(*case, report.printed));
    }
    assert_eq!(found, CASES.len(), "a listed conformance case is missing");
}
