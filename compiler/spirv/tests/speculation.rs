//! Loop speculation under the `f32` subnormal emulation (`emit/speculate.rs`): which loops
//! are run optimistically (no check branch inside, an exact redo after) and which are not.

mod common;

use rspirv::spirv::Op;

/// How many times each of `ops` occurs in kernel `k` of `source` built with the emulation.
fn count_ops(source: &str, ops: &[Op]) -> Vec<usize> {
    let m = common::soft_denormals_module(source);
    let insts: Vec<Op> = m.functions[0]
        .blocks
        .iter()
        .flat_map(|b| b.instructions.iter().map(|i| i.class.opcode))
        .collect();
    ops.iter()
        .map(|op| insts.iter().filter(|i| *i == op).count())
        .collect()
}

/// A dot-product loop is emitted twice (optimistic, then exact), and the optimistic copy
/// has no check branch: the only conditional branches are the loop exits and the one
/// choosing the redo.
#[test]
fn a_computing_loop_is_speculated() {
    let counts = count_ops(
        "extern \"C\" __global__ void k(const float *a, const float *b, float *out, int n) {
    float acc = 0.0f;
    for (int i = 0; i < n; i++) acc += a[i] * b[i];
    out[threadIdx.x] = acc;
}",
        &[Op::LoopMerge, Op::BranchConditional],
    );
    // Two loops; each exit is a branch, the redo choice is one, and the exact copy has one
    // check branch for `a[i] * b[i] + acc`.
    assert_eq!(counts, [2, 4]);
}

/// A loop that stores to global memory, or whose branch depends on a float result, keeps
/// its per-operation checks.
#[test]
fn loops_with_effects_or_float_control_flow_are_not_speculated() {
    let stores = count_ops(
        "extern \"C\" __global__ void k(const float *a, float *out, int n) {
    for (int i = 0; i < n; i++) out[i] = a[i] * 2.0f + 1.0f;
}",
        &[Op::LoopMerge],
    );
    assert_eq!(stores, [1]);
    let float_branch = count_ops(
        "extern \"C\" __global__ void k(const float *a, float *out, int n) {
    float x = a[0];
    int i = 0;
    while (x > 1.0f && i < n) { x = x * 0.5f; i++; }
    out[0] = x;
}",
        &[Op::LoopMerge],
    );
    assert_eq!(float_branch, [1]);
    let float_index = count_ops(
        "extern \"C\" __global__ void k(const float *a, float *out, int n) {
    float x = 0.0f;
    for (int i = 0; i < n; i++) x += a[(int)(x * 0.001f) % n];
    out[0] = x;
}",
        &[Op::LoopMerge],
    );
    assert_eq!(float_index, [1]);
}
