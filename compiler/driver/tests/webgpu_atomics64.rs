//! 64-bit atomics whose old values are used (`atomicAdd` tickets, `atomicCAS` loops on
//! `unsigned long long`, `atomicExch`) and the other 64-bit atomics (signed min / max, and,
//! or, xor) on `cwcc run --backend webgpu`, against the reference executor and against
//! values computed here. They compile to native 64-bit atomics on an adapter with
//! `SHADER_INT64_ATOMIC_ALL_OPS` (lavapipe, NVIDIA); the test is skipped without an adapter
//! and checks the clear error on one without the feature.

use cwcc_runtime::npy::{read_npy, write_npy, DType, NpyArray};
use std::path::{Path, PathBuf};
use std::process::Command;

const KERNEL: &str = r#"
#define BASE0 0xfffffff0fffffff0ull
#define BASE1 0x0000000500000003ull
#define STEP 0x180000001ull
extern "C" __global__ void atomics64(unsigned long long *counter, int *tickets,
                                     unsigned long long *acc, long long *signed_mm,
                                     unsigned long long *bits, int *seen, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    // Tickets: every old value an atomicAdd returns is BASE + k * STEP for a distinct k.
    unsigned long long old = atomicAdd(&counter[0], STEP);
    unsigned long long k = (old - BASE0) / STEP;
    if (k < (unsigned long long)n) atomicAdd(&tickets[k], 1);
    old = atomicAdd(&counter[1], 0ull - STEP);
    k = (BASE1 - old) / STEP;
    if (k < (unsigned long long)n) atomicAdd(&tickets[n + k], 1);
    // A compare-and-swap loop: a 64-bit sum whose terms carry out of the low word.
    unsigned long long v = (unsigned long long)(i + 1) * 0xffffffffull;
    unsigned long long cur = acc[0], assumed;
    do {
        assumed = cur;
        cur = atomicCAS(&acc[0], assumed, assumed + v);
    } while (cur != assumed);
    // A compare-and-swap maximum.
    unsigned long long m = ((unsigned long long)((unsigned)i * 2654435761u) << 32) | (unsigned)i;
    cur = acc[1];
    while (cur < m) {
        assumed = cur;
        cur = atomicCAS(&acc[1], assumed, m);
        if (cur == assumed) break;
    }
    // Signed min / max (results unused) and the bit operations.
    long long s = ((long long)i - n / 2) * 3000000007LL;
    atomicMin(&signed_mm[0], s);
    atomicMax(&signed_mm[1], s);
    atomicOr(&bits[0], 1ull << (i % 64));
    atomicAnd(&bits[1], ~(1ull << ((i * 7) % 64)));
    atomicXor(&bits[2], (unsigned long long)i * 0x9e3779b97f4a7c15ull);
    // Exchange: every value swapped in (i + 1) comes out once, but the last.
    unsigned long long prev = atomicExch(&bits[3], (unsigned long long)(i + 1));
    if (prev <= (unsigned long long)n) atomicAdd(&seen[prev], 1);
}
"#;

const N: usize = 1000;
const BASE0: u64 = 0xffff_fff0_ffff_fff0;
const BASE1: u64 = 0x0000_0005_0000_0003;
const STEP: u64 = 0x1_8000_0001;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cwcc-atomics64-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn npy_u64(path: &Path, values: &[u64]) -> String {
    let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, write_npy(&NpyArray::from_bytes(DType::U64, bytes))).unwrap();
    format!("@{}", path.display())
}

fn npy_i64(path: &Path, values: &[i64]) -> String {
    let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, write_npy(&NpyArray::from_bytes(DType::I64, bytes))).unwrap();
    format!("@{}", path.display())
}

/// The buffers after one run on `backend` (`None` when it has no adapter): counter, tickets,
/// acc, signed_mm, bits, seen, each as its bytes.
fn run(dir: &Path, backend: &str) -> Option<Vec<Vec<u8>>> {
    let cu = dir.join("k.cu");
    std::fs::write(&cu, KERNEL).unwrap();
    let counter = npy_u64(&dir.join("counter.npy"), &[BASE0, BASE1]);
    let acc = npy_u64(&dir.join("acc.npy"), &[0xffff_ffff_0000_0000, 0]);
    let signed_mm = npy_i64(&dir.join("mm.npy"), &[i64::MAX, i64::MIN]);
    let bits = npy_u64(
        &dir.join("bits.npy"),
        &[0, u64::MAX, 0x1234_5678_9abc_def0, 0],
    );
    let out = dir.join(format!("out-{backend}"));
    let tickets = format!("zeros:i32:{}", 2 * N);
    let seen = format!("zeros:i32:{}", N + 1);
    let n = format!("i32:{N}");
    let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
        .args(["run", cu.to_str().unwrap(), "--kernel", "atomics64"])
        .args(["--grid", "8", "--block", "128", "--backend", backend])
        .args(["--arg", &counter, "--arg", &tickets, "--arg", &acc])
        .args(["--arg", &signed_mm, "--arg", &bits, "--arg", &seen])
        .args(["--arg", &n, "--out-dir", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    if stderr.contains("no usable WebGPU adapter") {
        eprintln!("skipped: {stderr}");
        return None;
    }
    if backend == "webgpu" && stderr.contains("SHADER_INT64_ATOMIC_ALL_OPS") {
        // An adapter without native 64-bit atomics: a clear error, not a wrong result.
        assert!(stderr.contains("atomicAdd"), "{stderr}");
        eprintln!("skipped (no native 64-bit atomics): {stderr}");
        return None;
    }
    assert!(o.status.success(), "{backend}: {stderr}");
    Some(
        (0..6)
            .map(|k| {
                let bytes = std::fs::read(out.join(format!("arg{k}.npy"))).unwrap();
                read_npy(&bytes).unwrap().data
            })
            .collect(),
    )
}

fn words64(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn words32(bytes: &[u8]) -> Vec<i32> {
    bytes
        .chunks(4)
        .map(|c| i32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

/// Checks one run's buffers against the values computed here.
fn check(backend: &str, got: &[Vec<u8>]) {
    let n = N as u64;
    let counter = words64(&got[0]);
    assert_eq!(
        counter,
        [BASE0.wrapping_add(n * STEP), BASE1.wrapping_sub(n * STEP)],
        "{backend}"
    );
    // Every ticket was drawn exactly once: no old value mixed two updates.
    assert!(words32(&got[1]).iter().all(|&t| t == 1), "{backend}");
    let acc = words64(&got[2]);
    let sum = (1..=n).fold(0xffff_ffff_0000_0000u64, |s, i| {
        s.wrapping_add(i * 0xffff_ffff)
    });
    let max = (0..N as u32)
        .map(|i| (u64::from(i.wrapping_mul(2_654_435_761)) << 32) | u64::from(i))
        .max()
        .unwrap();
    assert_eq!(acc, [sum, max], "{backend}");
    let signed: Vec<i64> = (0..N as i64)
        .map(|i| (i - N as i64 / 2) * 3_000_000_007)
        .collect();
    let mm: Vec<i64> = words64(&got[3]).iter().map(|&w| w as i64).collect();
    assert_eq!(
        mm,
        [*signed.iter().min().unwrap(), *signed.iter().max().unwrap()],
        "{backend}"
    );
    let bits = words64(&got[4]);
    let or = (0..N).fold(0u64, |b, i| b | 1 << (i % 64));
    let and = (0..N).fold(u64::MAX, |b, i| b & !(1 << ((i * 7) % 64)));
    let xor = (0..n).fold(0x1234_5678_9abc_def0u64, |b, i| {
        b ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    });
    assert_eq!(bits[..3], [or, and, xor], "{backend}");
    // Exchange: 0 and every i + 1 came out once, except the value left in memory.
    let last = bits[3];
    assert!((1..=n).contains(&last), "{backend}: {last}");
    for (value, count) in words32(&got[5]).iter().enumerate() {
        let expected = i32::from(value as u64 != last);
        assert_eq!(*count, expected, "{backend}: value {value}");
    }
}

#[test]
fn used_64_bit_atomics_match_the_reference_executor_on_webgpu() {
    let dir = tmp("run");
    let reference = run(&dir, "interp").unwrap();
    check("interp", &reference);
    let Some(webgpu) = run(&dir, "webgpu") else {
        let _ = std::fs::remove_dir_all(&dir);
        return;
    };
    check("webgpu", &webgpu);
    // The same bytes, but the exchange (whose last value depends on the order).
    for k in 0..4 {
        assert_eq!(webgpu[k], reference[k], "buffer {k}");
    }
    assert_eq!(webgpu[4][..24], reference[4][..24]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `-o k.wgsl` is portable WGSL by default: 64-bit min / max are an error that names the
/// flag; with `--wgsl-atomics64=min-max` the module has the heap's 64-bit views.
#[test]
fn wgsl_output_has_native_64_bit_atomics_only_when_asked() {
    let dir = tmp("wgsl");
    let cu = dir.join("k.cu");
    std::fs::write(
        &cu,
        "__global__ void k(long long *p, unsigned long long *q, long long v) {\n\
           atomicMin(p, v);\n\
           atomicMax(q, (unsigned long long)v);\n\
         }\n",
    )
    .unwrap();
    let out = dir.join("k.wgsl");
    let compile = |flags: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .args([cu.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .args(flags)
            .output()
            .unwrap()
    };
    let o = compile(&[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr.contains("atomicMin on a 64-bit integer")
            && stderr.contains("SHADER_INT64_ATOMIC_MIN_MAX")
            && stderr.contains("--wgsl-atomics64"),
        "{stderr}"
    );
    let o = compile(&["--wgsl-atomics64=min-max"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("array<atomic<i64>>") && text.contains("array<atomic<u64>>"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
