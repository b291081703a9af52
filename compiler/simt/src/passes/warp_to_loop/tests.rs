//! Tests of the warp-to-loop pass: hand-written SIMT kernels are transformed, verified, and
//! run both per thread (the original) and per block (the result); every buffer must agree
//! byte for byte.

use super::*;
use crate::interp::{launch, ArgValue, Memory};
use crate::parse::parse_module;
use crate::print::print_module;
use crate::verify::{format_errors, verify};

/// A kernel argument: a buffer with initial bytes, or a scalar.
enum Arg {
    Buf(Vec<u8>),
    Scalar(ArgValue),
}

fn f32_bytes(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn i32_bytes(values: impl IntoIterator<Item = i32>) -> Vec<u8> {
    values.into_iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn parse(text: &str) -> Module {
    let module = parse_module(text).unwrap_or_else(|e| panic!("{e}"));
    if let Err(errors) = verify(&module) {
        panic!("{}", format_errors(&module, &errors));
    }
    module
}

/// Runs the pass and the verifier; panics with the printed module on a verifier error.
fn transform(module: &Module) -> Result<Module, PassError> {
    let mut out = module.clone();
    WarpToLoop.run(&mut out)?;
    assert_eq!(out.phase, Phase::PerBlock);
    if let Err(errors) = verify(&out) {
        panic!("{}\n{}", format_errors(&out, &errors), print_module(&out));
    }
    // The result round-trips through the text form.
    let printed = print_module(&out);
    assert_eq!(print_module(&parse_module(&printed).unwrap()), printed);
    Ok(out)
}

/// Launches `kernel` on a fresh memory; returns the final contents of every buffer.
fn run(
    module: &Module,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    args: &[Arg],
) -> Vec<Vec<u8>> {
    let mut memory = Memory::new();
    let mut values = Vec::new();
    let mut buffers = Vec::new();
    for arg in args {
        match arg {
            Arg::Buf(bytes) => {
                let address = memory.alloc_bytes(bytes);
                buffers.push((address, bytes.len()));
                values.push(ArgValue::Ptr(address));
            }
            Arg::Scalar(v) => values.push(v.clone()),
        }
    }
    launch(module, kernel, grid, block, 0, &values, &mut memory)
        .unwrap_or_else(|e| panic!("{e}\n{}", print_module(module)));
    buffers
        .iter()
        .map(|(a, n)| memory.read(*a, *n).unwrap().to_vec())
        .collect()
}

/// Transforms `text`, runs both forms and checks they agree; returns the per-block module
/// and the buffers.
fn cross_check(
    text: &str,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    args: &[Arg],
) -> (Module, Vec<Vec<u8>>) {
    let simt = parse(text);
    let per_block = transform(&simt).unwrap_or_else(|e| panic!("{e}"));
    let expected = run(&simt, kernel, grid, block, args);
    let got = run(&per_block, kernel, grid, block, args);
    assert_eq!(got, expected, "{}", print_module(&per_block));
    (per_block, got)
}

fn count(text: &str, word: &str) -> usize {
    text.matches(word).count()
}

const VADD: &str = r#"module phase simt
file 0 "vadd.cu"

fn fn0 "vadd"(%v0: ptr<global>, %v1: ptr<global>, %v2: ptr<global>, %v3: i32) {
  %v4: i32 = block_id.x
  %v5: i32 = block_dim.x
  %v6: i32 = mul %v4, %v5
  %v7: i32 = thread_id.x
  %v8: i32 = add %v6, %v7
  %v9: i1 = cmp.slt %v8, %v3
  if %v9 {
    %v10: i64 = sext %v8
    %v11: i64 = const 4
    %v12: i64 = mul %v10, %v11
    %v13: ptr<global> = ptradd %v0, %v12
    %v14: f32 = load %v13 align 4
    %v15: ptr<global> = ptradd %v1, %v12
    %v16: f32 = load %v15 align 4
    %v17: f32 = fadd %v14, %v16
    %v18: ptr<global> = ptradd %v2, %v12
    store %v18, %v17 align 4
  } else {
  }
  return
}

kernel "vadd" = fn0("a": ptr<global>, "b": ptr<global>, "c": ptr<global>, "n": i32) static_shared 0
"#;

#[test]
fn no_barrier_gives_one_thread_loop() {
    let n = 100;
    let (module, buffers) = cross_check(
        VADD,
        "vadd",
        [4, 1, 1],
        [32, 1, 1],
        &[
            Arg::Buf(f32_bytes((0..n).map(|i| i as f32))),
            Arg::Buf(f32_bytes((0..n).map(|i| 2.0 * i as f32))),
            Arg::Buf(vec![0; 4 * n]),
            Arg::Scalar(ArgValue::I32(n as i32)),
        ],
    );
    let text = print_module(&module);
    // One thread loop: the loops over z and y around the row loop over x.
    assert_eq!(count(&text, "loop {"), 3, "{text}");
    assert!(!text.contains("thread_id"), "{text}");
    assert!(text.contains("module phase perblock"), "{text}");
    // The uniform block offset is computed once per block, before the thread loop.
    let before_loop = text.split("loop {").next().unwrap_or("");
    assert!(before_loop.contains("= block_id.x"), "{text}");
    assert_eq!(buffers[2][4 * 99..], 297.0f32.to_le_bytes());
}

/// `s[t] = in[g]; __syncthreads(); out[g] = s[blockDim.x - 1 - t];` (values live across the
/// barrier: `g`, the shared address, the thread id).
const REVERSE: &str = r#"module phase simt
file 0 "rev.cu"
global @g0 "s": [64 x i32] shared align 4

fn fn0 "rev"(%v0: ptr<global>, %v1: ptr<global>) {
  %v2: i32 = thread_id.x
  %v3: i32 = block_id.x
  %v4: i32 = block_dim.x
  %v5: i32 = mul %v3, %v4
  %v6: i32 = add %v5, %v2
  %v7: i64 = sext %v6
  %v8: i64 = const 4
  %v9: i64 = mul %v7, %v8
  %v10: ptr<global> = ptradd %v0, %v9
  %v11: i32 = load %v10 align 4
  %v12: ptr<shared> = global_addr @g0
  %v13: i64 = sext %v2
  %v14: i64 = mul %v13, %v8
  %v15: ptr<shared> = ptradd %v12, %v14
  %v16: i32 = mul %v11, %v11
  store %v15, %v11 align 4
  barrier !0:4:3
  %v17: i32 = const 1
  %v18: i32 = sub %v4, %v17
  %v19: i32 = sub %v18, %v2
  %v20: i64 = sext %v19
  %v21: i64 = mul %v20, %v8
  %v22: ptr<shared> = ptradd %v12, %v21
  %v23: i32 = load %v22 align 4
  %v24: i32 = add %v23, %v16
  %v25: ptr<global> = ptradd %v1, %v9
  store %v25, %v24 align 4
  return
}

kernel "rev" = fn0("in": ptr<global>, "out": ptr<global>) static_shared 256
"#;

#[test]
fn barrier_in_straight_line_code() {
    let (module, buffers) = cross_check(
        REVERSE,
        "rev",
        [2, 1, 1],
        [64, 1, 1],
        &[Arg::Buf(i32_bytes(0..128)), Arg::Buf(vec![0; 4 * 128])],
    );
    let text = print_module(&module);
    // Two thread loops of three nested loops each.
    assert_eq!(count(&text, "loop {"), 6, "{text}");
    // out[0] = in[63] + in[0]^2.
    assert_eq!(buffers[1][..4], 63i32.to_le_bytes());
    assert_eq!(buffers[1][4..8], (62 + 1i32).to_le_bytes());
}

/// The tree reduction `for (s = blockDim.x/2; s > 0; s >>= 1) { if (t < s) ...;
/// __syncthreads(); }` (the interpreter's test kernel).
const REDUCE: &str = r#"module phase simt
file 0 "reduce.cu"
global @g0 "s": [256 x f32] shared align 4

fn fn0 "reduce"(%v0: ptr<global>, %v1: ptr<global>) {
  local %l0 "stride": i32 align 4
  %v2: i32 = thread_id.x
  %v3: i32 = block_id.x
  %v4: i32 = block_dim.x
  %v5: i32 = mul %v3, %v4
  %v6: i32 = add %v5, %v2
  %v7: i64 = sext %v6
  %v8: i64 = const 4
  %v9: i64 = mul %v7, %v8
  %v10: ptr<global> = ptradd %v0, %v9
  %v11: f32 = load %v10 align 4
  %v12: ptr<shared> = global_addr @g0
  %v13: i64 = sext %v2
  %v14: i64 = mul %v13, %v8
  %v15: ptr<shared> = ptradd %v12, %v14
  store %v15, %v11 align 4
  barrier !0:5:3
  %v16: ptr<local> = local_addr %l0
  %v17: i32 = const 1
  %v18: i32 = lshr %v4, %v17
  store %v16, %v18 align 4
  loop {
    %v19: i32 = load %v16 align 4
    %v20: i32 = const 0
    %v21: i1 = cmp.sgt %v19, %v20
    %v22: i1 = not %v21
    if %v22 {
      break
    } else {
    }
    %v23: i1 = cmp.slt %v2, %v19
    if %v23 {
      %v24: i32 = add %v2, %v19
      %v25: i64 = sext %v24
      %v26: i64 = mul %v25, %v8
      %v27: ptr<shared> = ptradd %v12, %v26
      %v28: f32 = load %v27 align 4
      %v29: f32 = load %v15 align 4
      %v30: f32 = fadd %v29, %v28
      store %v15, %v30 align 4
    } else {
    }
    barrier !0:8:5
  } continuing {
    %v31: i32 = load %v16 align 4
    %v32: i32 = const 1
    %v33: i32 = ashr %v31, %v32
    store %v16, %v33 align 4
  }
  %v34: i32 = const 0
  %v35: i1 = cmp.eq %v2, %v34
  if %v35 {
    %v36: f32 = load %v12 align 4
    %v37: i64 = sext %v3
    %v38: i64 = mul %v37, %v8
    %v39: ptr<global> = ptradd %v1, %v38
    store %v39, %v36 align 4
  } else {
  }
  return
}

kernel "reduce" = fn0("in": ptr<global>, "out": ptr<global>) static_shared 1024
"#;

#[test]
fn barrier_in_uniform_loop_tree_reduction() {
    let (module, buffers) = cross_check(
        REDUCE,
        "reduce",
        [4, 1, 1],
        [256, 1, 1],
        &[
            Arg::Buf(f32_bytes((0..1024).map(|i| i as f32))),
            Arg::Buf(vec![0; 16]),
        ],
    );
    let text = print_module(&module);
    // The stride stays one block-level variable (it is uniform), not a per-thread array.
    assert!(text.contains("local %l0 \"stride\": i32 align 4"), "{text}");
    let sum: f32 = (0..256).map(|i| i as f32).sum();
    assert_eq!(buffers[1][..4], sum.to_le_bytes());
}

/// `if (g >= n) return; s[t] = in[g]; __syncthreads(); for (i = 0;; i++) { if (i == 3 &&
/// g == 3) return; if (i >= 5) break; } out[g] = s[t] + s[0];`: whole blocks return before
/// the barrier (a partial block would be an error in CUDA's executor), thread 3 returns from
/// inside a loop after it.
const EARLY_RETURN: &str = r#"module phase simt
file 0 "early.cu"
global @g0 "s": [32 x i32] shared align 4

fn fn0 "early"(%v0: ptr<global>, %v1: ptr<global>, %v2: i32) {
  local %l0 "i": i32 align 4
  %v3: i32 = thread_id.x
  %v4: i32 = block_id.x
  %v5: i32 = block_dim.x
  %v6: i32 = mul %v4, %v5
  %v7: i32 = add %v6, %v3
  %v8: i1 = cmp.sge %v7, %v2
  if %v8 {
    return
  } else {
  }
  %v9: i64 = sext %v7
  %v10: i64 = const 4
  %v11: i64 = mul %v9, %v10
  %v12: ptr<global> = ptradd %v0, %v11
  %v13: i32 = load %v12 align 4
  %v14: ptr<shared> = global_addr @g0
  %v15: i64 = sext %v3
  %v16: i64 = mul %v15, %v10
  %v17: ptr<shared> = ptradd %v14, %v16
  store %v17, %v13 align 4
  barrier !0:6:3
  %v30: ptr<local> = local_addr %l0
  %v31: i32 = const 0
  store %v30, %v31 align 4
  loop {
    %v32: i32 = load %v30 align 4
    %v33: i32 = const 3
    %v34: i1 = cmp.eq %v32, %v33
    %v35: i1 = cmp.eq %v7, %v33
    %v36: i1 = and %v34, %v35
    if %v36 {
      return
    } else {
    }
    %v37: i32 = const 5
    %v38: i1 = cmp.sge %v32, %v37
    if %v38 {
      break
    } else {
    }
  } continuing {
    %v39: i32 = load %v30 align 4
    %v40: i32 = const 1
    %v41: i32 = add %v39, %v40
    store %v30, %v41 align 4
  }
  %v18: i32 = load %v17 align 4
  %v19: i32 = load %v14 align 4
  %v20: i32 = add %v18, %v19
  %v21: ptr<global> = ptradd %v1, %v11
  store %v21, %v20 align 4
  return
}

kernel "early" = fn0("in": ptr<global>, "out": ptr<global>, "n": i32) static_shared 128
"#;

#[test]
fn early_return_before_a_barrier() {
    // 3 blocks of 32 threads, n = 64: block 2 returns entirely; thread 3 leaves from inside
    // a loop.
    let (_, buffers) = cross_check(
        EARLY_RETURN,
        "early",
        [3, 1, 1],
        [32, 1, 1],
        &[
            Arg::Buf(i32_bytes((0..96).map(|i| 10 * i))),
            Arg::Buf(i32_bytes((0..96).map(|_| -1))),
            Arg::Scalar(ArgValue::I32(64)),
        ],
    );
    let out: Vec<i32> = buffers[1]
        .chunks(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert_eq!(out[0], 0);
    assert_eq!(out[3], -1, "thread 3 returned inside the loop");
    assert_eq!(out[35], 350 + 320);
    assert_eq!(out[63], 630 + 320);
    assert_eq!(out[64], -1);
}

const DIVERGENT: &str = r#"module phase simt
file 0 "div.cu"

fn fn0 "div"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i32 = const 16
  %v3: i1 = cmp.slt %v1, %v2
  if %v3 {
    barrier !0:7:5
  } else {
  }
  return
}

kernel "div" = fn0("p": ptr<global>) static_shared 0
"#;

#[test]
fn divergent_barrier_is_an_error() {
    let err = transform(&parse(DIVERGENT)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("barrier in divergent control flow at div.cu:7:5"),
        "{text}"
    );
}

#[test]
fn divergent_loop_exit_around_a_barrier_is_an_error() {
    // The tree reduction with the loop bound taken from the thread id.
    let text = REDUCE.replace("%v18: i32 = lshr %v4, %v17", "%v18: i32 = lshr %v2, %v17");
    let err = transform(&parse(&text)).unwrap_err().to_string();
    assert!(err.contains("divergent control flow"), "{err}");
}

/// `c = __syncthreads_count(in[t] > 2); a = __syncthreads_and(...); o = ...or(...)`.
const COUNT: &str = r#"module phase simt
file 0 "count.cu"

fn fn0 "count"(%v0: ptr<global>, %v1: ptr<global>) {
  %v2: i32 = thread_id.x
  %v3: i64 = sext %v2
  %v4: i64 = const 4
  %v5: i64 = mul %v3, %v4
  %v6: ptr<global> = ptradd %v0, %v5
  %v7: i32 = load %v6 align 4
  %v8: i32 = const 2
  %v9: i1 = cmp.sgt %v7, %v8
  %v10: i32 = barrier.count %v9
  %v11: i32 = const -5
  %v12: i1 = cmp.sgt %v7, %v11
  %v13: i32 = barrier.and %v12
  %v14: i1 = cmp.sgt %v7, %v8
  %v15: i1 = not %v14
  %v16: i32 = barrier.and %v15
  %v17: i32 = barrier.or %v15
  %v18: i32 = mul %v10, %v8
  %v19: i32 = add %v18, %v13
  %v20: i32 = mul %v19, %v8
  %v21: i32 = add %v20, %v16
  %v22: i32 = mul %v21, %v8
  %v23: i32 = add %v22, %v17
  %v24: ptr<global> = ptradd %v1, %v5
  store %v24, %v23 align 4
  return
}

kernel "count" = fn0("in": ptr<global>, "out": ptr<global>) static_shared 0
"#;

#[test]
fn syncthreads_count_and_or() {
    let (_, buffers) = cross_check(
        COUNT,
        "count",
        [1, 1, 1],
        [8, 1, 1],
        &[Arg::Buf(i32_bytes(0..8)), Arg::Buf(vec![0; 32])],
    );
    // count = 5, and(> -5) = 1, and(<= 2) = 0, or(<= 2) = 1: ((5*2+1)*2+0)*2+1 = 45.
    assert_eq!(buffers[1][..4], 45i32.to_le_bytes());
}

/// A device function reading the thread id, a 2-D block, and a per-thread local array that
/// lives across a barrier.
const DEVICE_FN_2D: &str = r#"module phase simt
file 0 "dev.cu"
global @g0 "s": [64 x i32] shared align 4

fn fn0 "linear"() -> i32 {
  %v0: i32 = thread_id.x
  %v1: i32 = thread_id.y
  %v2: i32 = block_dim.x
  %v3: i32 = mul %v1, %v2
  %v4: i32 = add %v3, %v0
  return %v4
}

fn fn1 "k"(%v0: ptr<global>) {
  local %l0 "keep": [2 x i32] align 4
  %v1: i32 = call fn0()
  %v2: ptr<local> = local_addr %l0
  store %v2, %v1 align 4
  %v3: i64 = const 4
  %v4: ptr<local> = ptradd %v2, %v3
  %v5: i32 = thread_id.y
  store %v4, %v5 align 4
  %v6: ptr<shared> = global_addr @g0
  %v7: i64 = sext %v1
  %v8: i64 = mul %v7, %v3
  %v9: ptr<shared> = ptradd %v6, %v8
  store %v9, %v1 align 4
  barrier
  %v10: i32 = const 63
  %v11: i32 = sub %v10, %v1
  %v12: i64 = sext %v11
  %v13: i64 = mul %v12, %v3
  %v14: ptr<shared> = ptradd %v6, %v13
  %v15: i32 = load %v14 align 4
  %v16: i32 = load %v4 align 4
  %v17: i32 = const 1000
  %v18: i32 = mul %v16, %v17
  %v19: i32 = add %v15, %v18
  %v20: i32 = load %v2 align 4
  %v21: i64 = sext %v20
  %v22: i64 = mul %v21, %v3
  %v23: ptr<global> = ptradd %v0, %v22
  store %v23, %v19 align 4
  return
}

kernel "k" = fn1("out": ptr<global>) static_shared 256
"#;

#[test]
fn device_function_thread_ids_2d_block_and_per_thread_locals() {
    let (module, buffers) = cross_check(
        DEVICE_FN_2D,
        "k",
        [1, 1, 1],
        [16, 4, 1],
        &[Arg::Buf(vec![0; 256])],
    );
    let text = print_module(&module);
    assert!(text.contains("[1024 x [2 x i32]]"), "{text}");
    // Thread (x=1, y=2) is linear 33: reads s[30] = 30 and y = 2.
    assert_eq!(buffers[0][4 * 33..4 * 34], 2030i32.to_le_bytes());
}

#[test]
fn running_twice_is_harmless() {
    let once = transform(&parse(VADD)).unwrap();
    let twice = transform(&once).unwrap();
    assert_eq!(print_module(&once), print_module(&twice));
}

/// `if (p[0] > 0) { __syncthreads(); p[t + 8] = 1; }` (uniform data, checked at run time);
/// with `atomic` the condition is `atomicAdd(&p[0], 1) > 0` instead (divergent data that the
/// pass cannot see: the per-block run traps).
fn data_condition(atomic: bool) -> String {
    let read = if atomic {
        "%v15: i32 = const 1\n  %v7: i32 = atomic.add.device %v6, %v15"
    } else {
        "%v7: i32 = load %v6 align 4"
    };
    format!(
        r#"module phase simt
file 0 "data.cu"

fn fn0 "data"(%v0: ptr<global>) {{
  %v1: i32 = thread_id.x
  %v2: i32 = const 0
  %v3: i64 = sext %v2
  %v4: i64 = const 4
  %v5: i64 = mul %v3, %v4
  %v6: ptr<global> = ptradd %v0, %v5
  {read}
  %v8: i1 = cmp.sgt %v7, %v2
  if %v8 {{
    barrier !0:9:5
    %v9: i32 = const 8
    %v10: i32 = add %v1, %v9
    %v11: i64 = sext %v10
    %v12: i64 = mul %v11, %v4
    %v13: ptr<global> = ptradd %v0, %v12
    %v14: i32 = const 1
    store %v13, %v14 align 4
  }} else {{
  }}
  return
}}

kernel "data" = fn0("p": ptr<global>) static_shared 0
"#
    )
}

#[test]
fn condition_loaded_from_memory_is_checked_at_run_time() {
    let (_, buffers) = cross_check(
        &data_condition(false),
        "data",
        [1, 1, 1],
        [8, 1, 1],
        &[Arg::Buf(i32_bytes(
            [5, 0, 0, 0, 0, 0, 0, 0].into_iter().chain([0; 8]),
        ))],
    );
    assert_eq!(buffers[0][4 * 15..], 1i32.to_le_bytes());
    // Data that differs between threads: the per-block function traps with the location.
    let per_block = transform(&parse(&data_condition(true))).unwrap();
    let mut memory = Memory::new();
    // Thread 0 reads 0 (false), the others 1.. (true).
    let bytes = i32_bytes([0; 16]);
    let address = memory.alloc_bytes(&bytes);
    let err = launch(
        &per_block,
        "data",
        [1, 1, 1],
        [8, 1, 1],
        0,
        &[ArgValue::Ptr(address)],
        &mut memory,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("barrier in divergent control flow at data.cu:9:5"),
        "{err}"
    );
}

/// The reference executor's warp kernels: an unrolled shuffle-down sum, the shuffle width
/// rules, and votes / match / reduce / activemask.
const WARP: &str = r#"module phase simt
file 0 "warp.cu"

fn fn0 "warp_sum"(%v0: ptr<global>, %v1: ptr<global>) {
  %v2: i32 = thread_id.x
  %v3: i64 = sext %v2
  %v4: i64 = const 4
  %v5: i64 = mul %v3, %v4
  %v6: ptr<global> = ptradd %v0, %v5
  %v7: i32 = load %v6 align 4
  %v8: i32 = const -1
  %v9: i32 = const 32
  %v10: i32 = const 16
  %v11: i32 = shfl.down %v8, %v7, %v10, %v9
  %v12: i32 = add %v7, %v11
  %v13: i32 = const 8
  %v14: i32 = shfl.down %v8, %v12, %v13, %v9
  %v15: i32 = add %v12, %v14
  %v16: i32 = const 4
  %v17: i32 = shfl.down %v8, %v15, %v16, %v9
  %v18: i32 = add %v15, %v17
  %v19: i32 = const 2
  %v20: i32 = shfl.down %v8, %v18, %v19, %v9
  %v21: i32 = add %v18, %v20
  %v22: i32 = const 1
  %v23: i32 = shfl.down %v8, %v21, %v22, %v9
  %v24: i32 = add %v21, %v23
  %v25: i32 = lane_id
  %v26: i32 = const 0
  %v27: i1 = cmp.eq %v25, %v26
  if %v27 {
    %v28: i32 = const 5
    %v29: i32 = lshr %v2, %v28
    %v30: i64 = sext %v29
    %v31: i64 = mul %v30, %v4
    %v32: ptr<global> = ptradd %v1, %v31
    store %v32, %v24 align 4
  } else {
  }
  return
}

fn fn1 "shfl_modes"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i32 = const -1
  %v3: i32 = const 8
  %v4: i32 = const 3
  %v5: i32 = shfl.idx %v2, %v1, %v4, %v3
  %v6: i32 = const 1
  %v7: i32 = shfl.up %v2, %v1, %v6, %v3
  %v8: i32 = const 5
  %v9: i32 = shfl.xor %v2, %v1, %v8, %v3
  %v10: i32 = const 12
  %v11: i32 = shfl.xor %v2, %v1, %v10, %v3
  %v12: i32 = const 35
  %v13: i32 = const 32
  %v14: i32 = shfl.idx %v2, %v1, %v12, %v13
  %v20: i64 = sext %v1
  %v21: i64 = const 20
  %v22: i64 = mul %v20, %v21
  %v23: ptr<global> = ptradd %v0, %v22
  store %v23, %v5 align 4
  %v24: i64 = const 4
  %v25: ptr<global> = ptradd %v23, %v24
  store %v25, %v7 align 4
  %v26: ptr<global> = ptradd %v25, %v24
  store %v26, %v9 align 4
  %v27: ptr<global> = ptradd %v26, %v24
  store %v27, %v11 align 4
  %v28: ptr<global> = ptradd %v27, %v24
  store %v28, %v14 align 4
  return
}

fn fn2 "votes"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i32 = const 3
  %v3: i32 = urem %v1, %v2
  %v4: i32 = const 0
  %v5: i1 = cmp.eq %v3, %v4
  %v6: i32 = const -1
  %v7: i32 = vote.ballot %v6, %v5
  %v8: i1 = vote.any %v6, %v5
  %v9: i32 = const 100
  %v10: i1 = cmp.slt %v1, %v9
  %v11: i1 = vote.all %v6, %v10
  %v12: i1 = vote.all %v6, %v5
  %v13: i32 = const 2
  %v14: i32 = udiv %v1, %v13
  %v15: i32 = match.any %v6, %v14
  %v16: i32 = reduce.add %v6, %v1
  %v17: i32 = active_mask
  %v40: i64 = sext %v14
  %v41: i32 = match.all %v6, %v40
  %v42: i32 = const 7
  %v43: i32 = and %v1, %v42
  %v44: i32 = match.all %v6, %v43
  %v45: i32 = reduce.umin %v6, %v1
  %v20: i64 = sext %v1
  %v21: i64 = const 44
  %v22: i64 = mul %v20, %v21
  %v23: ptr<global> = ptradd %v0, %v22
  store %v23, %v7 align 4
  %v24: i64 = const 4
  %v25: ptr<global> = ptradd %v23, %v24
  %v26: i32 = zext %v8
  store %v25, %v26 align 4
  %v27: ptr<global> = ptradd %v25, %v24
  %v28: i32 = zext %v11
  store %v27, %v28 align 4
  %v29: ptr<global> = ptradd %v27, %v24
  %v30: i32 = zext %v12
  store %v29, %v30 align 4
  %v31: ptr<global> = ptradd %v29, %v24
  store %v31, %v15 align 4
  %v32: ptr<global> = ptradd %v31, %v24
  store %v32, %v16 align 4
  %v33: ptr<global> = ptradd %v32, %v24
  store %v33, %v17 align 4
  %v34: ptr<global> = ptradd %v33, %v24
  store %v34, %v41 align 4
  %v35: ptr<global> = ptradd %v34, %v24
  store %v35, %v44 align 4
  %v36: ptr<global> = ptradd %v35, %v24
  store %v36, %v45 align 4
  %v37: ptr<global> = ptradd %v36, %v24
  %v38: i32 = const 4
  %v39: i32 = match.any %v6, %v38
  store %v37, %v39 align 4
  return
}

kernel "warp_sum" = fn0("in": ptr<global>, "out": ptr<global>) static_shared 0
kernel "shfl_modes" = fn1("out": ptr<global>) static_shared 0
kernel "votes" = fn2("out": ptr<global>) static_shared 0
"#;

fn words(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

#[test]
fn unrolled_shuffle_down_reduction() {
    let (module, buffers) = cross_check(
        WARP,
        "warp_sum",
        [2, 1, 1],
        [64, 1, 1],
        &[Arg::Buf(i32_bytes(0..64)), Arg::Buf(vec![0; 8])],
    );
    let text = print_module(&module);
    assert!(!text.contains("= shfl."), "{text}");
    assert_eq!(words(&buffers[1]), vec![(0..32).sum(), (32..64).sum()]);
}

#[test]
fn shuffle_width_segments() {
    let (_, buffers) = cross_check(
        WARP,
        "shfl_modes",
        [1, 1, 1],
        [64, 1, 1],
        &[Arg::Buf(vec![0; 20 * 64])],
    );
    let out = words(&buffers[0]);
    // Thread 42 (lane 10): idx 3 of its 8-segment is lane 11 (thread 43); up 1 is 41;
    // xor 5 is lane 15 (47); xor 12 reaches lane 6 (earlier segment: 38); idx 35 is lane 3.
    assert_eq!(out[42 * 5..42 * 5 + 5], [43, 41, 47, 38, 35]);
    // Lane 8 starts a segment: up keeps its own value.
    assert_eq!(out[8 * 5 + 1], 8);
}

#[test]
fn votes_match_and_reduce_on_a_partial_warp_of_48_threads() {
    let (_, buffers) = cross_check(
        WARP,
        "votes",
        [1, 1, 1],
        [48, 1, 1],
        &[Arg::Buf(vec![0; 44 * 48])],
    );
    let out = words(&buffers[0]);
    let row = |t: usize| &out[t * 11..t * 11 + 11];
    // Thread 40 is lane 8 of the second warp, which has 16 lanes.
    let mut ballot = 0u32;
    for l in 0..16 {
        if (32 + l) % 3 == 0 {
            ballot |= 1 << l;
        }
    }
    assert_eq!(row(40)[0], ballot);
    assert_eq!(row(40)[1..4], [1, 1, 0]);
    assert_eq!(row(40)[4], 0b11 << 8);
    assert_eq!(row(40)[5], (32..48).sum::<u32>());
    assert_eq!(row(40)[6], 0xffff);
    assert_eq!(row(40)[7], 0, "match.all of different values");
    assert_eq!(row(40)[9], 32, "reduce.umin");
    assert_eq!(row(40)[10], 0xffff, "match.any of equal values");
    assert_eq!(row(3)[6], u32::MAX);
}

/// `v = in[g]; for (off = 16; off > 0; off /= 2) v += __shfl_down_sync(~0, v, off);
/// out[g] = v;` with `v` a local variable and a float value.
const SHUFFLE_LOOP: &str = r#"module phase simt
file 0 "loop.cu"

fn fn0 "loop_sum"(%v0: ptr<global>, %v1: ptr<global>) {
  local %l0 "v": f32 align 4
  local %l1 "off": i32 align 4
  %v2: i32 = thread_id.x
  %v3: i32 = block_id.x
  %v4: i32 = block_dim.x
  %v5: i32 = mul %v3, %v4
  %v6: i32 = add %v5, %v2
  %v7: i64 = sext %v6
  %v8: i64 = const 4
  %v9: i64 = mul %v7, %v8
  %v10: ptr<global> = ptradd %v0, %v9
  %v11: f32 = load %v10 align 4
  %v12: ptr<local> = local_addr %l0
  store %v12, %v11 align 4
  %v13: ptr<local> = local_addr %l1
  %v14: i32 = const 16
  store %v13, %v14 align 4
  loop {
    %v15: i32 = load %v13 align 4
    %v16: i32 = const 0
    %v17: i1 = cmp.sgt %v15, %v16
    %v18: i1 = not %v17
    if %v18 {
      break
    } else {
    }
    %v19: f32 = load %v12 align 4
    %v20: i32 = const -1
    %v21: i32 = const 32
    %v22: f32 = shfl.down %v20, %v19, %v15, %v21 !0:9:10
    %v23: f32 = fadd %v19, %v22
    store %v12, %v23 align 4
  } continuing {
    %v24: i32 = load %v13 align 4
    %v25: i32 = const 2
    %v26: i32 = sdiv %v24, %v25
    store %v13, %v26 align 4
  }
  %v27: f32 = load %v12 align 4
  %v28: ptr<global> = ptradd %v1, %v9
  store %v28, %v27 align 4
  return
}

kernel "loop_sum" = fn0("in": ptr<global>, "out": ptr<global>) static_shared 0
"#;

#[test]
fn shuffle_down_reduction_loop() {
    let (module, buffers) = cross_check(
        SHUFFLE_LOOP,
        "loop_sum",
        [2, 1, 1],
        [96, 1, 1],
        &[
            Arg::Buf(f32_bytes((0..192).map(|i| i as f32 * 0.5))),
            Arg::Buf(vec![0; 4 * 192]),
        ],
    );
    let text = print_module(&module);
    // The offset stays one block-level variable.
    assert!(text.contains("local %l1 \"off\": i32 align 4"), "{text}");
    let lane0: f32 = (0..32).map(|i| i as f32 * 0.5).sum();
    assert_eq!(buffers[1][..4], lane0.to_le_bytes());
}

/// Collectives under conditions: warp 1 (`t >> 5 == 1`, uniform within the warp) shuffles;
/// in the other warps lanes below 20 vote with mask 0xfffff and the others reduce with
/// 0xfff00000 after reading `__activemask()`.
const CONDITIONAL: &str = r#"module phase simt
file 0 "cond.cu"

fn fn0 "cond"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i32 = const 5
  %v3: i32 = lshr %v1, %v2
  %v4: i32 = const 1
  %v5: i1 = cmp.eq %v3, %v4
  %v6: i64 = sext %v1
  %v7: i64 = const 4
  %v8: i64 = mul %v6, %v7
  %v9: ptr<global> = ptradd %v0, %v8
  if %v5 {
    %v10: i32 = const -1
    %v11: i32 = const 32
    %v12: i32 = const 3
    %v13: i32 = shfl.xor %v10, %v1, %v12, %v11
    store %v9, %v13 align 4
  } else {
    %v14: i32 = lane_id
    %v15: i32 = const 20
    %v16: i1 = cmp.slt %v14, %v15
    if %v16 {
      %v17: i32 = const 1048575
      %v18: i32 = and %v1, %v4
      %v19: i32 = const 0
      %v30: i1 = cmp.ne %v18, %v19
      %v20: i32 = vote.ballot %v17, %v30
      store %v9, %v20 align 4
    } else {
      %v21: i32 = const -1048576
      %v22: i32 = active_mask
      %v23: i32 = reduce.add %v21, %v1
      %v24: i32 = add %v22, %v23
      store %v9, %v24 align 4
    }
  }
  return
}

kernel "cond" = fn0("out": ptr<global>) static_shared 0
"#;

#[test]
fn collectives_under_warp_uniform_and_lane_divergent_conditions() {
    let (_, buffers) = cross_check(
        CONDITIONAL,
        "cond",
        [2, 1, 1],
        [96, 1, 1],
        &[Arg::Buf(vec![0; 4 * 96])],
    );
    let out = words(&buffers[0]);
    assert_eq!(out[40], 43, "warp 1 shuffles");
    assert_eq!(out[0], 0xaaaaa, "ballot of odd lanes below 20");
    let sum: u32 = (20..32).sum();
    assert_eq!(out[25], 0xfff0_0000u32.wrapping_add(sum));
}

#[test]
fn mask_naming_a_lane_of_the_other_branch_traps() {
    // The reduce's mask names all lanes while lanes 0..20 take the other branch.
    let text = CONDITIONAL.replace("%v21: i32 = const -1048576", "%v21: i32 = const -1");
    let per_block = transform(&parse(&text)).unwrap();
    let mut memory = Memory::new();
    let address = memory.alloc_bytes(&[0; 4 * 64]);
    let err = launch(
        &per_block,
        "cond",
        [1, 1, 1],
        [64, 1, 1],
        0,
        &[ArgValue::Ptr(address)],
        &mut memory,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("names a lane in its mask that does not execute it"),
        "{err}"
    );
}

/// `int stage(int* s, int n) { if (n < 0) return -1; s[t] = 2 * t; __syncthreads();
/// if (t >= n) return 0; return s[n - 1 - t]; }` called from a kernel: a device function with
/// a barrier, a uniform early return before it and a divergent return after it.
const DEVICE_BARRIER: &str = r#"module phase simt
file 0 "dev.cu"
global @g0 "s": [64 x i32] shared align 4

fn fn0 "stage"(%v0: ptr<shared>, %v1: i32) -> i32 {
  %v2: i32 = thread_id.x
  %v9: i32 = const 0
  %v20: i1 = cmp.slt %v1, %v9
  if %v20 {
    %v11: i32 = const -1
    return %v11
  } else {
  }
  %v3: i64 = sext %v2
  %v4: i64 = const 4
  %v5: i64 = mul %v3, %v4
  %v6: ptr<shared> = ptradd %v0, %v5
  %v7: i32 = const 2
  %v8: i32 = mul %v2, %v7
  store %v6, %v8 align 4
  barrier !0:5:3
  %v12: i1 = cmp.sge %v2, %v1
  if %v12 {
    return %v9
  } else {
  }
  %v13: i32 = const 1
  %v14: i32 = sub %v1, %v13
  %v15: i32 = sub %v14, %v2
  %v16: i64 = sext %v15
  %v17: i64 = mul %v16, %v4
  %v18: ptr<shared> = ptradd %v0, %v17
  %v19: i32 = load %v18 align 4
  return %v19
}

fn fn1 "k"(%v0: ptr<global>, %v1: i32) {
  %v2: ptr<shared> = global_addr @g0
  %v3: i32 = call fn0(%v2, %v1)
  %v4: i32 = thread_id.x
  %v5: i64 = sext %v4
  %v6: i64 = const 4
  %v7: i64 = mul %v5, %v6
  %v8: ptr<global> = ptradd %v0, %v7
  store %v8, %v3 align 4
  return
}

kernel "k" = fn1("out": ptr<global>, "n": i32) static_shared 256
"#;

#[test]
fn inlined_device_function_with_a_barrier_and_early_returns() {
    for n in [-3, 20] {
        let (module, buffers) = cross_check(
            DEVICE_BARRIER,
            "k",
            [1, 1, 1],
            [32, 1, 1],
            &[Arg::Buf(vec![0; 128]), Arg::Scalar(ArgValue::I32(n))],
        );
        let text = print_module(&module);
        assert!(!text.contains("call fn0"), "{text}");
        let out = words(&buffers[0]);
        if n < 0 {
            assert!(out.iter().all(|&v| v == u32::MAX));
        } else {
            // Thread 5 reads s[14] = 28; thread 25 returned 0.
            assert_eq!((out[5], out[25]), (28, 0));
        }
    }
}

#[test]
fn inline_pass_alone_leaves_no_calls_and_a_valid_module() {
    let mut module = parse(DEVICE_BARRIER);
    crate::passes::inline::Inline.run(&mut module).unwrap();
    if let Err(errors) = verify(&module) {
        panic!(
            "{}\n{}",
            format_errors(&module, &errors),
            print_module(&module)
        );
    }
    let text = print_module(&module);
    assert!(!text.contains("call "), "{text}");
    assert!(text.contains("\"stage.returned\""), "{text}");
}

#[test]
fn recursion_through_a_barrier_is_an_error() {
    let text = r#"module phase simt
file 0 "rec.cu"

fn fn0 "rec"(%v0: i32) {
  barrier
  %v1: i32 = const 0
  %v2: i1 = cmp.sgt %v0, %v1
  if %v2 {
    %v3: i32 = const 1
    %v4: i32 = sub %v0, %v3
    call fn0(%v4) !0:7:5
  } else {
  }
  return
}

fn fn1 "k"(%v0: i32) {
  call fn0(%v0)
  return
}

kernel "k" = fn1("n": i32) static_shared 0
"#;
    let err = transform(&parse(text)).unwrap_err().to_string();
    assert!(
        err.contains("recursive call of `rec` from `rec` at rec.cu:7:5"),
        "{err}"
    );
}

#[test]
fn locals_private_to_one_thread_loop_stay_scalars() {
    let text = r#"module phase simt
file 0 "priv.cu"

fn fn0 "priv"(%v0: ptr<global>) {
  local %l0 "x": i32 align 4
  local %l1 "y": i32 align 4
  local %l2 "z": i32 align 4
  %v1: i32 = thread_id.x
  %v2: ptr<local> = local_addr %l0
  store %v2, %v1 align 4
  %v3: i32 = load %v2 align 4
  %v4: ptr<local> = local_addr %l1
  %v5: i32 = const 3
  %v6: i32 = mul %v3, %v5
  store %v4, %v6 align 4
  %v14: ptr<local> = local_addr %l2
  %v15: i32 = const 1
  %v16: i1 = cmp.sgt %v1, %v15
  if %v16 {
    store %v14, %v1 align 4
  } else {
  }
  %v17: i32 = load %v14 align 4
  barrier
  %v7: ptr<local> = local_addr %l1
  %v8: i32 = load %v7 align 4
  %v18: i32 = add %v8, %v17
  %v9: i64 = sext %v1
  %v10: i64 = const 4
  %v11: i64 = mul %v9, %v10
  %v12: ptr<global> = ptradd %v0, %v11
  store %v12, %v18 align 4
  return
}

kernel "priv" = fn0("out": ptr<global>) static_shared 0
"#;
    let (module, buffers) =
        cross_check(text, "priv", [1, 1, 1], [8, 1, 1], &[Arg::Buf(vec![0; 32])]);
    let printed = print_module(&module);
    // `x` is stored before it is read in the only thread loop that uses it: one scalar.
    assert!(
        printed.contains("local %l0 \"x\": i32 align 4"),
        "{printed}"
    );
    // `y` lives across the barrier; `z` may be read before it is stored.
    assert!(
        printed.contains("local %l1 \"y\": [1024 x i32]"),
        "{printed}"
    );
    assert!(
        printed.contains("local %l2 \"z\": [1024 x i32]"),
        "{printed}"
    );
    assert_eq!(words(&buffers[0])[5], 20);
}
