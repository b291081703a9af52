//! Launch tests written in the text IR.

use super::*;
use crate::parse::parse_module;
use crate::print::print_module;

fn module(text: &str) -> Module {
    let module = parse_module(text).unwrap_or_else(|e| panic!("{e}"));
    if let Err(errors) = verify(&module) {
        panic!("{}", format_errors(&module, &errors));
    }
    // Every test module also checks that the text form round-trips.
    let printed = print_module(&module);
    assert_eq!(print_module(&parse_module(&printed).unwrap()), printed);
    module
}

fn f32s(memory: &Memory, address: u64, n: usize) -> Vec<f32> {
    memory
        .read(address, 4 * n)
        .unwrap()
        .chunks(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn u32s(memory: &Memory, address: u64, n: usize) -> Vec<u32> {
    memory
        .read(address, 4 * n)
        .unwrap()
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn f32_buffer(memory: &mut Memory, values: &[f32]) -> u64 {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    memory.alloc_bytes(&bytes)
}

fn u32_buffer(memory: &mut Memory, values: &[u32]) -> u64 {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    memory.alloc_bytes(&bytes)
}

const VADD: &str = r#"module phase simt
file 0 "vadd.cu"

fn fn0 "vadd"(%v0: ptr<global>, %v1: ptr<global>, %v2: ptr<global>, %v3: i32) {
  %v4: i32 = block_id.x
  %v5: i32 = block_dim.x
  %v6: i32 = mul %v4, %v5
  %v7: i32 = thread_id.x
  %v8: i32 = add %v6, %v7 !0:3:11
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
    store %v18, %v17 align 4 !0:4:12
  } else {
  }
  return
}

kernel "vadd" = fn0("a": ptr<global>, "b": ptr<global>, "c": ptr<global>, "n": i32) static_shared 0
"#;

#[test]
fn vector_add() {
    let m = module(VADD);
    let mut memory = Memory::new();
    let n = 1000usize;
    let a: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..n).map(|i| 0.5 * i as f32).collect();
    let pa = f32_buffer(&mut memory, &a);
    let pb = f32_buffer(&mut memory, &b);
    let pc = memory.alloc(4 * n as u64).unwrap();
    let args = [
        ArgValue::Ptr(pa),
        ArgValue::Ptr(pb),
        ArgValue::Ptr(pc),
        ArgValue::I32(n as i32),
    ];
    let report = launch(&m, "vadd", [4, 1, 1], [256, 1, 1], 0, &args, &mut memory).unwrap();
    assert!(report.warnings.is_empty());
    let c = f32s(&memory, pc, n);
    for i in 0..n {
        assert_eq!(c[i], a[i] + b[i]);
    }
}

#[test]
fn out_of_bounds_store_names_kernel_thread_and_location() {
    let m = module(VADD);
    let mut memory = Memory::new();
    let pa = memory.alloc(4000).unwrap();
    let pb = memory.alloc(4000).unwrap();
    let pc = memory.alloc(4 * 999).unwrap();
    let args = [
        ArgValue::Ptr(pa),
        ArgValue::Ptr(pb),
        ArgValue::Ptr(pc),
        ArgValue::I32(1000),
    ];
    let err = launch(&m, "vadd", [4, 1, 1], [256, 1, 1], 0, &args, &mut memory).unwrap_err();
    assert_eq!(err.block, Some([3, 0, 0]));
    assert_eq!(err.thread, Some([231, 0, 0]));
    assert_eq!(err.location.as_deref(), Some("vadd.cu:4:12"));
    let text = err.to_string();
    assert!(
        text.contains(
            "kernel `vadd`, block (3,0,0), thread (231,0,0) at vadd.cu:4:12: out-of-bounds store"
        ),
        "{text}"
    );
}

#[test]
fn launch_errors_are_clear() {
    let m = module(VADD);
    let mut memory = Memory::new();
    let err = launch(&m, "nope", [1, 1, 1], [1, 1, 1], 0, &[], &mut memory).unwrap_err();
    assert!(
        err.message
            .contains("no kernel named `nope`; the module has: vadd"),
        "{err}"
    );
    let err = launch(&m, "vadd", [1, 1, 1], [1, 1, 1], 0, &[], &mut memory).unwrap_err();
    assert!(err.message.contains("takes 4 arguments, 0 given"), "{err}");
    let args = [
        ArgValue::Ptr(0),
        ArgValue::Ptr(0),
        ArgValue::Ptr(0),
        ArgValue::F32(1.0),
    ];
    let err = launch(&m, "vadd", [1, 1, 1], [1, 1, 1], 0, &args, &mut memory).unwrap_err();
    assert!(err.message.contains("expected i32"), "{err}");
    let args = [
        ArgValue::Ptr(0),
        ArgValue::Ptr(0),
        ArgValue::Ptr(0),
        ArgValue::I32(1),
    ];
    let err = launch(&m, "vadd", [1, 1, 1], [2048, 1, 1], 0, &args, &mut memory).unwrap_err();
    assert!(err.message.contains("more than 1024 threads"), "{err}");
    let err = launch(&m, "vadd", [1, 1, 1], [1, 1, 1], 0, &args, &mut memory).unwrap_err();
    assert!(err.message.contains("null pointer"), "{err}");
}

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
fn shared_memory_reduction_with_barriers_in_a_loop() {
    let m = module(REDUCE);
    let mut memory = Memory::new();
    let input: Vec<f32> = (0..1024).map(|i| i as f32).collect();
    let pin = f32_buffer(&mut memory, &input);
    let pout = memory.alloc(16).unwrap();
    launch(
        &m,
        "reduce",
        [4, 1, 1],
        [256, 1, 1],
        0,
        &[ArgValue::Ptr(pin), ArgValue::Ptr(pout)],
        &mut memory,
    )
    .unwrap();
    let expected: Vec<f32> = (0..4)
        .map(|b| (b * 256..(b + 1) * 256).map(|i| i as f32).sum())
        .collect();
    assert_eq!(f32s(&memory, pout, 4), expected);
}

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
  %v20: i64 = sext %v1
  %v21: i64 = const 28
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
  return
}

kernel "warp_sum" = fn0("in": ptr<global>, "out": ptr<global>) static_shared 0
kernel "shfl_modes" = fn1("out": ptr<global>) static_shared 0
kernel "votes" = fn2("out": ptr<global>) static_shared 0
"#;

#[test]
fn warp_shuffle_reduction() {
    let m = module(WARP);
    let mut memory = Memory::new();
    let input: Vec<u32> = (0..64).map(|i| i * 3 + 1).collect();
    let pin = u32_buffer(&mut memory, &input);
    let pout = memory.alloc(8).unwrap();
    launch(
        &m,
        "warp_sum",
        [1, 1, 1],
        [64, 1, 1],
        0,
        &[ArgValue::Ptr(pin), ArgValue::Ptr(pout)],
        &mut memory,
    )
    .unwrap();
    let expected: Vec<u32> = vec![input[..32].iter().sum(), input[32..].iter().sum()];
    assert_eq!(u32s(&memory, pout, 2), expected);
}

#[test]
fn shuffle_modes_follow_cuda_width_rules() {
    let m = module(WARP);
    let mut memory = Memory::new();
    let pout = memory.alloc(20 * 32).unwrap();
    launch(
        &m,
        "shfl_modes",
        [1, 1, 1],
        [32, 1, 1],
        0,
        &[ArgValue::Ptr(pout)],
        &mut memory,
    )
    .unwrap();
    let out = u32s(&memory, pout, 5 * 32);
    for lane in 0..32u32 {
        let row = &out[(lane * 5) as usize..(lane * 5 + 5) as usize];
        let base = lane & !7;
        // __shfl_sync(.., 3, 8): lane 3 of the 8-lane segment.
        assert_eq!(row[0], base + 3, "idx lane {lane}");
        // __shfl_up_sync(.., 1, 8): own value at the start of a segment.
        assert_eq!(
            row[1],
            if lane % 8 == 0 { lane } else { lane - 1 },
            "up lane {lane}"
        );
        // __shfl_xor_sync(.., 5, 8): stays in the segment.
        assert_eq!(row[2], lane ^ 5, "xor lane {lane}");
        // __shfl_xor_sync(.., 12, 8): earlier segments may be read, later ones give the own value.
        let target = lane ^ 12;
        assert_eq!(
            row[3],
            if target < base + 8 { target } else { lane },
            "xor12 lane {lane}"
        );
        // __shfl_sync(.., 35, 32): source lane 35 % 32 = 3.
        assert_eq!(row[4], 3, "idx35 lane {lane}");
    }
}

#[test]
fn ballot_votes_match_and_reduce_on_a_partial_warp() {
    let m = module(WARP);
    let mut memory = Memory::new();
    let threads = 40u32;
    let pout = memory.alloc(28 * u64::from(threads)).unwrap();
    let report = launch(
        &m,
        "votes",
        [1, 1, 1],
        [threads, 1, 1],
        0,
        &[ArgValue::Ptr(pout)],
        &mut memory,
    )
    .unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let out = u32s(&memory, pout, 7 * threads as usize);
    for t in 0..threads {
        let row = &out[(t * 7) as usize..(t * 7 + 7) as usize];
        let first = t & !31;
        let lanes = (threads - first).min(32);
        let mut ballot = 0u32;
        for l in 0..lanes {
            if (first + l) % 3 == 0 {
                ballot |= 1 << l;
            }
        }
        assert_eq!(row[0], ballot, "ballot thread {t}");
        assert_eq!(row[1], 1, "any thread {t}");
        assert_eq!(row[2], 1, "all thread {t}");
        assert_eq!(row[3], 0, "all(pred) thread {t}");
        let lane = t % 32;
        assert_eq!(row[4], 0b11 << (lane & !1), "match.any thread {t}");
        let sum: u32 = (first..first + lanes).sum();
        assert_eq!(row[5], sum, "reduce.add thread {t}");
        let active = if lanes == 32 {
            u32::MAX
        } else {
            (1 << lanes) - 1
        };
        assert_eq!(row[6], active, "activemask thread {t}");
    }
}

const ATOMICS: &str = r#"module phase simt
fn fn0 "histogram"(%v0: ptr<global>, %v1: ptr<global>, %v2: ptr<global>, %v3: ptr<global>) {
  %v4: i32 = block_id.x
  %v5: i32 = block_dim.x
  %v6: i32 = mul %v4, %v5
  %v7: i32 = thread_id.x
  %v8: i32 = add %v6, %v7
  %v9: i64 = sext %v8
  %v10: i64 = const 4
  %v11: i64 = mul %v9, %v10
  %v12: ptr<global> = ptradd %v0, %v11
  %v13: i32 = load %v12 align 4
  %v14: i32 = const 16
  %v15: i32 = urem %v13, %v14
  %v16: i64 = zext %v15
  %v17: i64 = mul %v16, %v10
  %v18: ptr<global> = ptradd %v1, %v17
  %v19: i32 = const 1
  %v20: i32 = atomic.add.device %v18, %v19
  %v21: i32 = const 9
  %v22: i32 = atomic.inc.device %v2, %v21
  %v23: ptr<global> = ptradd %v2, %v10
  %v24: i32 = atomic.smax.device %v23, %v13
  %v25: i64 = const 8
  %v26: ptr<global> = ptradd %v2, %v25
  %v27: i32 = atomic.dec.device %v26, %v21
  %v28: f32 = const 0.5
  %v29: f32 = atomic.add.device %v3, %v28
  return
}
kernel "histogram" = fn0("in": ptr<global>, "bins": ptr<global>, "counters": ptr<global>, "fsum": ptr<global>) static_shared 0
"#;

#[test]
fn atomics_histogram_inc_dec_max_and_float_add() {
    let m = module(ATOMICS);
    let mut memory = Memory::new();
    let n = 300u32;
    let input: Vec<u32> = (0..n).map(|i| (i * 7919) % 1000).collect();
    let pin = u32_buffer(&mut memory, &input);
    let bins = memory.alloc(64).unwrap();
    let counters = memory.alloc(12).unwrap();
    let fsum = memory.alloc(4).unwrap();
    let args = [
        ArgValue::Ptr(pin),
        ArgValue::Ptr(bins),
        ArgValue::Ptr(counters),
        ArgValue::Ptr(fsum),
    ];
    launch(
        &m,
        "histogram",
        [3, 1, 1],
        [100, 1, 1],
        0,
        &args,
        &mut memory,
    )
    .unwrap();
    let mut expected = vec![0u32; 16];
    for v in &input {
        expected[(v % 16) as usize] += 1;
    }
    assert_eq!(u32s(&memory, bins, 16), expected);
    let c = u32s(&memory, counters, 3);
    // atomicInc(p, 9) 300 times from 0 wraps modulo 10.
    assert_eq!(c[0], 300 % 10);
    assert_eq!(c[1], *input.iter().max().unwrap());
    // atomicDec(p, 9) 300 times from 0: 0 -> 9 -> 8 ... wraps modulo 10 downwards.
    assert_eq!(c[2], 0);
    assert_eq!(f32s(&memory, fsum, 1), vec![150.0]);
}

const DIVERGENT: &str = r#"module phase simt
file 0 "bad.cu"
fn fn0 "half_barrier"() {
  %v0: i32 = thread_id.x
  %v1: i32 = const 16
  %v2: i1 = cmp.slt %v0, %v1
  if %v2 {
    barrier !0:4:5
  } else {
  }
  return
}
fn fn1 "two_barriers"() {
  %v0: i32 = thread_id.x
  %v1: i32 = const 16
  %v2: i1 = cmp.slt %v0, %v1
  if %v2 {
    barrier !0:9:5
  } else {
    barrier !0:11:5
  }
  return
}
fn fn2 "partial_shuffle"() {
  %v0: i32 = thread_id.x
  %v1: i32 = const 16
  %v2: i1 = cmp.slt %v0, %v1
  if %v2 {
    %v3: i32 = const -1
    %v4: i32 = const 32
    %v5: i32 = shfl.idx %v3, %v0, %v0, %v4 !0:16:14
  } else {
    barrier !0:18:5
  }
  return
}
fn fn3 "spin"() {
  loop {
  } continuing {
  }
  return
}
kernel "half_barrier" = fn0() static_shared 0
kernel "two_barriers" = fn1() static_shared 0
kernel "partial_shuffle" = fn2() static_shared 0
kernel "spin" = fn3() static_shared 0
"#;

#[test]
fn barrier_in_divergent_code_is_an_error_not_a_hang() {
    let m = module(DIVERGENT);
    let mut memory = Memory::new();
    let err = launch(
        &m,
        "half_barrier",
        [1, 1, 1],
        [32, 1, 1],
        0,
        &[],
        &mut memory,
    )
    .unwrap_err();
    assert!(
        err.message
            .contains("barrier not reached by all threads of block (0,0,0)"),
        "{err}"
    );
    assert!(err.message.contains("has exited"), "{err}");
    assert_eq!(err.location.as_deref(), Some("bad.cu:4:5"));

    let err = launch(
        &m,
        "two_barriers",
        [1, 1, 1],
        [32, 1, 1],
        0,
        &[],
        &mut memory,
    )
    .unwrap_err();
    assert!(
        err.message.contains("waits at a different __syncthreads"),
        "{err}"
    );

    let err = launch(
        &m,
        "partial_shuffle",
        [1, 1, 1],
        [32, 1, 1],
        0,
        &[],
        &mut memory,
    )
    .unwrap_err();
    assert!(err.message.contains("deadlock in block (0,0,0)"), "{err}");
    assert!(err.message.contains("shfl.idx"), "{err}");
}

#[test]
fn endless_loop_is_stopped() {
    let m = module(DIVERGENT);
    let mut memory = Memory::new();
    let options = LaunchOptions {
        max_steps_per_thread: 10_000,
    };
    let err = launch_with_options(
        &m,
        "spin",
        [1, 1, 1],
        [2, 1, 1],
        0,
        &[],
        &mut memory,
        &options,
    )
    .unwrap_err();
    assert!(err.message.contains("more than 10000 statements"), "{err}");
}

const MISC: &str = r#"module phase simt
global @g0 "table": [4 x i32] constant align 4 init "0a000000140000001e00000028000000"
global @g1 "counter": i32 global align 4

fn fn0 "square"(%v0: i32) -> i32 {
  %v1: i32 = mul %v0, %v0
  return %v1
}

fn fn1 "misc"(%v0: ptr<global>, %v1: ptr<param>) {
  local %l0 "acc": [2 x i32] align 4
  %v2: i32 = thread_id.x
  %v3: ptr<constant> = global_addr @g0
  %v4: i64 = zext %v2
  %v5: i64 = const 4
  %v6: i64 = mul %v4, %v5
  %v7: ptr<constant> = ptradd %v3, %v6
  %v8: i32 = load %v7 align 4
  %v9: i32 = call fn0(%v8)
  %v10: ptr<local> = local_addr %l0
  %v11: ptr<local> = ptradd %v10, %v5
  store %v11, %v9 align 4
  %v12: i32 = load %v11 align 4
  %v13: f64 = load %v1 align 8
  %v14: f64 = sitofp %v12
  %v15: f64 = fadd %v13, %v14
  %v16: i64 = const 8
  %v17: i64 = mul %v4, %v16
  %v18: ptr<global> = ptradd %v0, %v17
  store %v18, %v15 align 8
  %v19: ptr<shared> = dyn_shared_addr
  %v20: i32 = const 7
  store %v19, %v20 align 4
  %v21: i32 = printf "t%d=%.1f\x0a"(%v2, %v15)
  return
}

kernel "misc" = fn1("out": ptr<global>, "s": byval struct{f64 @0, i32 @8 | size 16 align 8}) static_shared 0 dynamic_shared
"#;

#[test]
fn constant_memory_calls_locals_and_by_value_params() {
    let m = module(MISC);
    let mut memory = Memory::new();
    let out = memory.alloc(32).unwrap();
    let mut param = 0.25f64.to_le_bytes().to_vec();
    param.extend_from_slice(&[0; 8]);
    let report = launch(
        &m,
        "misc",
        [1, 1, 1],
        [4, 1, 1],
        16,
        &[ArgValue::Ptr(out), ArgValue::Bytes(param)],
        &mut memory,
    )
    .unwrap();
    let values: Vec<f64> = memory
        .read(out, 32)
        .unwrap()
        .chunks(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(values, vec![100.25, 400.25, 900.25, 1600.25]);
    assert_eq!(report.stdout, "t0=100.2\nt1=400.2\nt2=900.2\nt3=1600.2\n");
    assert!(memory.symbol_address("table").is_some());
    // Without dynamic shared memory the store to it is out of bounds.
    let mut param = vec![0u8; 16];
    param[0] = 1;
    let err = launch(
        &m,
        "misc",
        [1, 1, 1],
        [1, 1, 1],
        0,
        &[ArgValue::Ptr(out), ArgValue::Bytes(param)],
        &mut memory,
    )
    .unwrap_err();
    assert!(
        err.message
            .contains("out-of-bounds store of 4 bytes at offset 0 of shared memory"),
        "{err}"
    );
}

#[test]
fn stores_to_constant_memory_are_rejected() {
    let text = r#"module phase simt
global @g0 "table": i32 constant align 4
fn fn0 "k"() {
  %v0: ptr<constant> = global_addr @g0
  %v1: ptr<generic> = addrspacecast %v0
  %v2: i32 = const 1
  store %v1, %v2 align 4
  return
}
kernel "k" = fn0() static_shared 0
"#;
    let m = module(text);
    let mut memory = Memory::new();
    let err = launch(&m, "k", [1, 1, 1], [1, 1, 1], 0, &[], &mut memory).unwrap_err();
    assert!(err.message.contains("store to constant memory"), "{err}");
}

#[test]
fn mutated_modules_never_panic_the_executor() {
    // Replace every integer constant in turn with values that provoke edge cases; whatever
    // verifies must run to a result or an error, never a panic.
    for text in [VADD, REDUCE, WARP, ATOMICS] {
        let consts: Vec<usize> = text.match_indices("= const ").map(|(i, _)| i + 8).collect();
        for &position in &consts {
            let end = position + text[position..].find(['\n', ' ']).unwrap_or(0);
            for replacement in ["0", "-1", "33", "2147483647", "-2147483648", "7"] {
                let mutated = format!("{}{}{}", &text[..position], replacement, &text[end..]);
                let Ok(m) = parse_module(&mutated) else {
                    continue;
                };
                if verify(&m).is_err() {
                    continue;
                }
                let mut memory = Memory::new();
                let buffers: Vec<ArgValue> = (0..4)
                    .map(|_| ArgValue::Ptr(memory.alloc(4096).unwrap()))
                    .collect();
                let options = LaunchOptions {
                    max_steps_per_thread: 5_000,
                };
                for kernel in &m.kernels {
                    let args: Vec<ArgValue> = kernel
                        .params
                        .iter()
                        .enumerate()
                        .map(|(i, p)| match p.kind {
                            ParamKind::Scalar(_) => ArgValue::I32(100),
                            _ => buffers[i].clone(),
                        })
                        .collect();
                    let _ = launch_with_options(
                        &m,
                        &kernel.name,
                        [2, 1, 1],
                        [40, 1, 1],
                        0,
                        &args,
                        &mut memory,
                        &options,
                    );
                }
            }
        }
    }
}

const WARP_SYNCHRONOUS: &str = r#"module phase simt
global @g0 "s": [64 x i32] shared align 4
fn fn0 "warp_sync_reduce"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: ptr<shared> = global_addr @g0
  %v3: i64 = zext %v1
  %v4: i64 = const 4
  %v5: i64 = mul %v3, %v4
  %v6: ptr<shared> = ptradd %v2, %v5
  store %v6, %v1 align 4
  %v7: i64 = const 128
  %v8: ptr<shared> = ptradd %v6, %v7
  %v9: i32 = const 0
  store %v8, %v9 align 4
  %v10: i64 = const 64
  %v11: ptr<shared> = ptradd %v6, %v10
  %v12: i32 = load.volatile %v11 align 4
  %v13: i32 = load.volatile %v6 align 4
  %v14: i32 = add %v13, %v12
  store.volatile %v6, %v14 align 4
  %v15: i64 = const 32
  %v16: ptr<shared> = ptradd %v6, %v15
  %v17: i32 = load.volatile %v16 align 4
  %v18: i32 = load.volatile %v6 align 4
  %v19: i32 = add %v18, %v17
  store.volatile %v6, %v19 align 4
  %v20: i32 = const 0
  %v21: i1 = cmp.eq %v1, %v20
  if %v21 {
    %v22: i32 = load.volatile %v2 align 4
    store %v0, %v22 align 4
  } else {
  }
  return
}
kernel "warp_sync_reduce" = fn0("out": ptr<global>) static_shared 256
"#;

#[test]
fn converged_lanes_run_in_lock_step() {
    // Classic warp-synchronous code (no __syncwarp): every lane loads before any lane stores,
    // as on hardware, so lane 0 sees sum(s[0], s[8], s[16], s[24]) of the original values.
    let m = module(WARP_SYNCHRONOUS);
    let mut memory = Memory::new();
    let out = memory.alloc(4).unwrap();
    launch(
        &m,
        "warp_sync_reduce",
        [1, 1, 1],
        [32, 1, 1],
        0,
        &[ArgValue::Ptr(out)],
        &mut memory,
    )
    .unwrap();
    assert_eq!(u32s(&memory, out, 1), vec![8 + 16 + 24]);
}

/// One helper reading `__activemask()`, called from both sides of a branch on odd lanes.
const ACTIVEMASK_CALLS: &str = r#"module phase simt
fn fn0 "mask"() -> i32 {
  %v0: i32 = active_mask
  return %v0
}

fn fn1 "split"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i32 = const 1
  %v3: i32 = and %v1, %v2
  %v4: i1 = cmp.eq %v3, %v2
  %v5: i64 = zext %v1
  %v6: i64 = const 4
  %v7: i64 = mul %v5, %v6
  %v8: ptr<global> = ptradd %v0, %v7
  if %v4 {
    %v9: i32 = call fn0()
    store %v8, %v9 align 4
  } else {
    %v10: i32 = call fn0()
    store %v8, %v10 align 4
  }
  return
}

kernel "split" = fn1("out": ptr<global>) static_shared 0
"#;

#[test]
fn activemask_in_a_function_called_from_divergent_branches() {
    let m = module(ACTIVEMASK_CALLS);
    let mut memory = Memory::new();
    let pout = memory.alloc(4 * 32).unwrap();
    launch(
        &m,
        "split",
        [1, 1, 1],
        [32, 1, 1],
        0,
        &[ArgValue::Ptr(pout)],
        &mut memory,
    )
    .unwrap();
    let out = u32s(&memory, pout, 32);
    for (lane, mask) in out.iter().enumerate() {
        // Each side of the branch runs the helper on its own lanes only.
        let expected = if lane % 2 == 1 {
            0xaaaa_aaaa
        } else {
            0x5555_5555
        };
        assert_eq!(*mask, expected, "lane {lane}");
    }
}
