//! Tests of the shared-to-buffer pass: hand-written per-block modules are transformed,
//! verified, printed and read back, and run on the reference executor before and after the
//! pass (every buffer must agree byte for byte); one kernel goes through `warp-to-loop` too.

use super::*;
use crate::interp::{launch, ArgValue, Memory};
use crate::parse::parse_module;
use crate::passes::warp_to_loop::WarpToLoop;
use crate::print::print_module;
use crate::verify::{format_errors, verify};

fn parse(text: &str) -> Module {
    let module = parse_module(text).unwrap_or_else(|e| panic!("{e}"));
    if let Err(errors) = verify(&module) {
        panic!("{}", format_errors(&module, &errors));
    }
    module
}

/// Runs the pass and the verifier; checks the text form round-trips.
fn transform(module: &Module) -> Module {
    let mut out = module.clone();
    SharedToBuffer
        .run(&mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.shared_in_buffer);
    if let Err(errors) = verify(&out) {
        panic!("{}\n{}", format_errors(&out, &errors), print_module(&out));
    }
    let printed = print_module(&out);
    let reread = parse_module(&printed).unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert_eq!(print_module(&reread), printed);
    assert_eq!(reread.kernels, out.kernels);
    out
}

/// Launches `kernel` with one output buffer of `out_len` bytes; returns its final bytes.
fn run(
    module: &Module,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    dynamic: u64,
    out_len: usize,
) -> Vec<u8> {
    let mut memory = Memory::new();
    let out = memory.alloc_bytes(&vec![0; out_len]);
    launch(
        module,
        kernel,
        grid,
        block,
        dynamic,
        &[ArgValue::Ptr(out)],
        &mut memory,
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", print_module(module)));
    memory.read(out, out_len).unwrap()
}

fn kernel<'m>(module: &'m Module, name: &str) -> &'m KernelInfo {
    module.kernel(name).unwrap()
}

/// Static arrays of different alignments, a non-shared global and dynamic memory.
const LAYOUT: &str = r#"module phase perblock
global @g0 "bytes": [3 x i8] shared align 1
global @g1 "dbl": f64 shared align 8
global @g2 "ints": [5 x i32] shared align 4
global @g3 "table": i32 global align 4 init "05000000"

fn fn0 "layout"(%v0: ptr<global>) {
  %v1: ptr<shared> = global_addr @g0
  %v2: i64 = const 2
  %v3: ptr<shared> = ptradd %v1, %v2
  %v4: i8 = const 7
  store %v3, %v4 align 1
  %v5: ptr<shared> = global_addr @g1
  %v6: f64 = const 2.5
  store %v5, %v6 align 8
  %v7: ptr<shared> = global_addr @g2
  %v8: i64 = const 16
  %v9: ptr<shared> = ptradd %v7, %v8
  %v10: ptr<global> = global_addr @g3
  %v11: i32 = load %v10 align 4
  store %v9, %v11 align 4
  %v12: ptr<shared> = dyn_shared_addr
  %v13: i64 = const 4
  %v14: ptr<shared> = ptradd %v12, %v13
  %v15: i32 = const 11
  store %v14, %v15 align 4
  %v16: f64 = load %v5 align 8
  store %v0, %v16 align 8
  %v17: i64 = const 8
  %v18: ptr<global> = ptradd %v0, %v17
  %v19: i32 = load %v9 align 4
  store %v18, %v19 align 4
  %v20: i64 = const 12
  %v21: ptr<global> = ptradd %v0, %v20
  %v22: i32 = load %v14 align 4
  store %v21, %v22 align 4
  %v23: ptr<global> = ptradd %v0, %v8
  %v24: i8 = load %v3 align 1
  store %v23, %v24 align 1
  global_addr @g0
  return
}

kernel "layout" = fn0("out": ptr<global>) static_shared 36 dynamic_shared
"#;

#[test]
fn lays_out_static_variables_by_alignment_then_dynamic_memory() {
    let before = parse(LAYOUT);
    let after = transform(&before);
    let info = kernel(&after, "layout");
    assert_eq!(info.static_shared_bytes, 36);
    assert_eq!(info.dynamic_shared_offset, 48);
    let text = print_module(&after);
    assert!(
        text.starts_with("module phase perblock shared_buffer\n"),
        "{text}"
    );
    assert!(text.contains("static_shared 36 dynamic_shared_offset 48 dynamic_shared"));
    // @g0 at 0 is the buffer itself; @g1 at 8, @g2 at 16, dynamic memory at 48.
    assert!(
        text.contains("%v1: ptr<shared> = shared_buffer\n"),
        "{text}"
    );
    for offset in [8, 16, 48] {
        assert!(text.contains(&format!("i64 = const {offset}\n")), "{text}");
    }
    assert!(!text.contains("dyn_shared_addr"), "{text}");
    assert!(!text.contains("global_addr @g0"), "{text}");
    // The address without a result is gone; the non-shared global is still addressed
    // directly.
    assert_eq!(text.matches("shared_buffer\n").count(), 5, "{text}");
    assert!(text.contains("global_addr @g3"), "{text}");
    let expected = run(&before, "layout", [2, 1, 1], [4, 1, 1], 8, 17);
    let got = run(&after, "layout", [2, 1, 1], [4, 1, 1], 8, 17);
    assert_eq!(got, expected);
    let mut want = 2.5f64.to_le_bytes().to_vec();
    want.extend(5i32.to_le_bytes());
    want.extend(11i32.to_le_bytes());
    want.push(7);
    assert_eq!(got, want);
}

/// Two kernels using different variables: each buffer covers only its own variables, and
/// the executor honours each kernel's dynamic offset.
const TWO_KERNELS: &str = r#"module phase perblock
global @g0 "a": [4 x i32] shared align 4
global @g1 "b": f64 shared align 8

fn fn0 "ka"(%v0: ptr<global>) {
  %v1: ptr<shared> = global_addr @g1
  %v2: f64 = const 1.5
  store %v1, %v2 align 8
  %v3: f64 = load %v1 align 8
  store %v0, %v3 align 8
  return
}

fn fn1 "kb"(%v0: ptr<global>) {
  %v1: ptr<shared> = global_addr @g0
  %v2: i64 = const 12
  %v3: ptr<shared> = ptradd %v1, %v2
  %v4: i32 = const 3
  store %v3, %v4 align 4
  %v5: ptr<shared> = dyn_shared_addr
  %v6: i64 = const 28
  %v7: ptr<shared> = ptradd %v5, %v6
  %v8: i32 = const 4
  store %v7, %v8 align 4
  %v9: i32 = load %v3 align 4
  %v10: i32 = load %v7 align 4
  %v11: i32 = add %v9, %v10
  store %v0, %v11 align 4
  return
}

kernel "ka" = fn0("out": ptr<global>) static_shared 8
kernel "kb" = fn1("out": ptr<global>) static_shared 16 dynamic_shared
"#;

#[test]
fn two_kernels_get_buffers_for_their_own_variables() {
    let before = parse(TWO_KERNELS);
    let after = transform(&before);
    let (ka, kb) = (kernel(&after, "ka"), kernel(&after, "kb"));
    // One layout for the module: @g0 at 0..16, @g1 at 16..24.
    assert_eq!((ka.static_shared_bytes, ka.dynamic_shared_offset), (24, 32));
    assert_eq!((kb.static_shared_bytes, kb.dynamic_shared_offset), (16, 16));
    for (name, dynamic, len) in [("ka", 0, 8), ("kb", 32, 4)] {
        let expected = run(&before, name, [3, 1, 1], [32, 1, 1], dynamic, len);
        assert_eq!(
            run(&after, name, [3, 1, 1], [32, 1, 1], dynamic, len),
            expected
        );
    }
    assert_eq!(
        run(&after, "kb", [1, 1, 1], [1, 1, 1], 32, 4),
        7i32.to_le_bytes()
    );
    // The buffer of `kb` is 16 + 32 bytes: dynamic memory past it is out of bounds.
    let mut memory = Memory::new();
    let out = memory.alloc(4).unwrap();
    let error = launch(
        &after,
        "kb",
        [1; 3],
        [1; 3],
        16,
        &[ArgValue::Ptr(out)],
        &mut memory,
    )
    .unwrap_err();
    assert!(error.message.contains("out-of-bounds store"), "{error}");
}

/// A device function using a static variable and dynamic memory, called by two kernels.
const DEVICE_FUNCTION: &str = r#"module phase perblock
global @g0 "flag": i8 shared align 1
global @g1 "acc": [2 x i64] shared align 8

fn fn0 "helper"(%v0: i64) -> i64 {
  %v1: ptr<shared> = global_addr @g1
  %v2: i64 = const 8
  %v3: ptr<shared> = ptradd %v1, %v2
  store %v3, %v0 align 8
  %v4: ptr<shared> = dyn_shared_addr
  store %v4, %v0 align 8
  %v5: i64 = load %v3 align 8
  %v6: i64 = load %v4 align 8
  %v7: i64 = add %v5, %v6
  return %v7
}

fn fn1 "k1"(%v0: ptr<global>) {
  %v1: i64 = const 20
  %v2: i64 = call fn0(%v1)
  store %v0, %v2 align 8
  return
}

fn fn2 "k2"(%v0: ptr<global>) {
  %v1: ptr<shared> = global_addr @g0
  %v2: i8 = const 1
  store %v1, %v2 align 1
  %v3: i64 = const 5
  %v4: i64 = call fn0(%v3)
  %v5: i8 = load %v1 align 1
  %v6: i64 = zext %v5
  %v7: i64 = add %v4, %v6
  store %v0, %v7 align 8
  return
}

kernel "k1" = fn1("out": ptr<global>) static_shared 16 dynamic_shared
kernel "k2" = fn2("out": ptr<global>) static_shared 24 dynamic_shared
"#;

#[test]
fn device_functions_use_the_buffer_and_one_dynamic_offset() {
    let before = parse(DEVICE_FUNCTION);
    let after = transform(&before);
    // @g0 at 0..1, @g1 at 8..24; a device function uses dynamic memory, so every kernel
    // has it at 32.
    let (k1, k2) = (kernel(&after, "k1"), kernel(&after, "k2"));
    assert_eq!((k1.static_shared_bytes, k1.dynamic_shared_offset), (24, 32));
    assert_eq!((k2.static_shared_bytes, k2.dynamic_shared_offset), (24, 32));
    let helper = crate::print::print_function(&after, FuncId(0), &HashMap::new());
    assert_eq!(helper.matches("shared_buffer").count(), 2, "{helper}");
    assert!(helper.contains("i64 = const 32\n"), "{helper}");
    for (name, want) in [("k1", 40i64), ("k2", 11)] {
        let expected = run(&before, name, [2, 1, 1], [8, 1, 1], 8, 8);
        let got = run(&after, name, [2, 1, 1], [8, 1, 1], 8, 8);
        assert_eq!(got, expected);
        assert_eq!(got, want.to_le_bytes());
    }
}

#[test]
fn kernels_without_shared_memory_need_no_buffer() {
    let before = parse(
        r#"module phase perblock
global @g0 "unused": [64 x i32] shared align 4

fn fn0 "plain"(%v0: ptr<global>) {
  %v1: i32 = const 1
  store %v0, %v1 align 4
  return
}

kernel "plain" = fn0("out": ptr<global>) static_shared 0
"#,
    );
    let after = transform(&before);
    let info = kernel(&after, "plain");
    assert_eq!(
        (info.static_shared_bytes, info.dynamic_shared_offset),
        (0, 0)
    );
    assert_eq!(after.functions, before.functions);
}

#[test]
fn requires_the_per_block_phase_and_runs_once() {
    let mut simt = parse(&LAYOUT.replace("phase perblock", "phase simt"));
    let error = SharedToBuffer.run(&mut simt).unwrap_err();
    assert!(
        error.to_string().contains("requires the perblock phase"),
        "{error}"
    );
    let once = transform(&parse(LAYOUT));
    let mut twice = once.clone();
    SharedToBuffer.run(&mut twice).unwrap();
    assert_eq!(twice, once);
}

#[test]
fn verifier_checks_the_buffer_rules() {
    // `shared_buffer` outside the perblock phase.
    let simt = parse_module(
        "module phase simt\nfn fn0 \"k\"() {\n  %v0: ptr<shared> = shared_buffer\n  return\n}\nkernel \"k\" = fn0() static_shared 0\n",
    )
    .unwrap();
    let errors = verify(&simt).unwrap_err();
    assert!(format_errors(&simt, &errors).contains("only in the perblock phase"));
    // Shared globals and dynamic memory addressed directly after the pass, a bad offset.
    let mut module = parse(LAYOUT);
    module.shared_in_buffer = true;
    let errors = verify(&module).unwrap_err();
    let report = format_errors(&module, &errors);
    assert!(
        report.contains("global_addr of shared @g0 after shared-to-buffer"),
        "{report}"
    );
    assert!(
        report.contains("dyn_shared_addr after shared-to-buffer"),
        "{report}"
    );
    assert!(
        report.contains("dynamic_shared_offset 0 must be"),
        "{report}"
    );
    // The flag needs the perblock phase.
    let mut module = transform(&parse(LAYOUT));
    module.phase = Phase::Simt;
    let errors = verify(&module).unwrap_err();
    assert!(format_errors(&module, &errors).contains("requires the perblock phase"));
}

/// Per thread in CUDA form: every thread fills a static tile and dynamic memory, then after
/// the barrier thread 0 adds three entries written by other threads.
const BARRIER: &str = r#"module phase simt
global @g0 "tile": [64 x i32] shared align 4

fn fn0 "gather"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i64 = zext %v1
  %v3: i64 = const 4
  %v4: i64 = mul %v2, %v3
  %v5: ptr<shared> = global_addr @g0
  %v6: ptr<shared> = ptradd %v5, %v4
  %v7: i32 = block_id.x
  %v8: i32 = add %v1, %v7
  store %v6, %v8 align 4
  %v9: ptr<shared> = dyn_shared_addr
  %v10: ptr<shared> = ptradd %v9, %v4
  %v11: i32 = mul %v1, %v1
  store %v10, %v11 align 4
  barrier
  %v12: i32 = const 0
  %v13: i1 = cmp.eq %v1, %v12
  if %v13 {
    %v14: i32 = block_dim.x
    %v15: ptr<shared> = ptradd %v9, %v3
    %v16: i32 = load %v15 align 4
    %v17: i64 = const 252
    %v18: ptr<shared> = ptradd %v5, %v17
    %v19: i32 = load %v18 align 4
    %v20: i64 = const 12
    %v21: ptr<shared> = ptradd %v9, %v20
    %v22: i32 = load %v21 align 4
    %v23: i32 = add %v16, %v19
    %v24: i32 = add %v23, %v22
    %v25: i32 = add %v24, %v14
    store %v0, %v25 align 4
  } else {
  }
  return
}

kernel "gather" = fn0("out": ptr<global>) static_shared 256 dynamic_shared
"#;

#[test]
fn after_warp_to_loop_a_barrier_kernel_agrees_with_the_per_thread_run() {
    let simt = parse(BARRIER);
    let mut per_block = simt.clone();
    WarpToLoop
        .run(&mut per_block)
        .unwrap_or_else(|e| panic!("{e}"));
    let buffered = transform(&per_block);
    let info = kernel(&buffered, "gather");
    assert_eq!(
        (info.static_shared_bytes, info.dynamic_shared_offset),
        (256, 256)
    );
    let expected = run(&simt, "gather", [3, 1, 1], [64, 1, 1], 256, 4);
    assert_eq!(
        run(&per_block, "gather", [3, 1, 1], [64, 1, 1], 256, 4),
        expected
    );
    assert_eq!(
        run(&buffered, "gather", [3, 1, 1], [64, 1, 1], 256, 4),
        expected
    );
    // The last block (2): dyn[1] = 1, tile[63] = 65, dyn[3] = 9, block_dim 64.
    assert_eq!(expected, 139i32.to_le_bytes());
}
