//! CLI tests of `cwcc run` (and `--emit=simt`) on real files.

use cwcc_runtime::npy::{read_npy, write_npy, DType, NpyArray};
use std::path::PathBuf;
use std::process::{Command, Output};

fn cwcc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cwcc"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A fresh temporary directory for one test.
fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cwcc-run-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SAXPY: &str = "__global__ void saxpy(int n, float a, const float *x, float *y) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        y[i] = a * x[i] + y[i];
}
__global__ void iota(long long *out) { out[threadIdx.x] = threadIdx.x * 3; }
";

fn setup(name: &str) -> (PathBuf, String, String) {
    let dir = tmp(name);
    let cu = dir.join("k.cu");
    std::fs::write(&cu, SAXPY).unwrap();
    let x: Vec<u8> = (0..10).flat_map(|i| (i as f32).to_le_bytes()).collect();
    let xp = dir.join("x.npy");
    std::fs::write(&xp, write_npy(&NpyArray::from_bytes(DType::F32, x))).unwrap();
    (
        dir.clone(),
        cu.display().to_string(),
        format!("@{}", xp.display()),
    )
}

#[test]
fn run_writes_every_buffer_argument() {
    let (dir, cu, x) = setup("ok");
    let out = dir.join("out");
    let o = cwcc(&[
        "run",
        &cu,
        "--kernel",
        "saxpy",
        "--grid",
        "2",
        "--block",
        "4",
        "--arg",
        "i32:10",
        "--arg",
        "f32:2",
        "--arg",
        &x,
        "--arg",
        &x,
        "--out-dir",
        out.to_str().unwrap(),
        "--time",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("kernel time:"), "{}", stderr(&o));
    let y = read_npy(&std::fs::read(out.join("arg3.npy")).unwrap()).unwrap();
    assert_eq!(y.dtype, DType::F32);
    let got: Vec<f32> = y
        .data
        .chunks(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(got, (0..10).map(|i| 3.0 * i as f32).collect::<Vec<_>>());
    let x2 = read_npy(&std::fs::read(out.join("arg2.npy")).unwrap()).unwrap();
    assert_eq!(x2.len(), 10);
    assert!(!out.join("arg0.npy").exists());

    let o = cwcc(&[
        "run",
        &cu,
        "--kernel",
        "iota",
        "--grid",
        "1",
        "--block",
        "5",
        "--arg",
        "zeros:i64:5",
        "--out-dir",
        out.to_str().unwrap(),
        "--verbose",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // `--backend auto` (the default) says what it chose; a CPU Vulkan driver (lavapipe in CI)
    // is never chosen over wasm.
    let said = stderr(&o);
    assert!(said.contains("note: --backend auto chose "), "{said}");
    if said.contains("llvmpipe") {
        assert!(said.contains("is not a GPU"), "{said}");
        assert!(!said.contains("chose vulkan"), "{said}");
    }
    let a = read_npy(&std::fs::read(out.join("arg0.npy")).unwrap()).unwrap();
    let got: Vec<i64> = a
        .data
        .chunks(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!((a.dtype, got), (DType::I64, vec![0, 3, 6, 9, 12]));
}

#[test]
fn run_errors_are_clear() {
    let (dir, cu, x) = setup("err");
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let base = [
        "run",
        cu.as_str(),
        "--grid",
        "1",
        "--block",
        "4",
        "--out-dir",
        out,
    ];
    let with = |extra: &[&str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        cwcc(&v)
    };
    let o = with(&["--kernel", "saxpy", "--arg", "i32:10"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("kernel `saxpy` takes 4 arguments, 1 given"),
        "{}",
        stderr(&o)
    );

    let o = with(&["--kernel", "nope"]);
    assert!(
        stderr(&o).contains("no kernel named `nope`; kernels: saxpy, iota"),
        "{}",
        stderr(&o)
    );

    let o = with(&["--kernel", "saxpy", "--arg", "i32:ten"]);
    assert!(
        stderr(&o).contains("bad --arg 0 `i32:ten`"),
        "{}",
        stderr(&o)
    );

    let o = with(&["--kernel", "saxpy", "--arg", "@/no/such/file.npy"]);
    assert!(
        stderr(&o).contains("cannot read `/no/such/file.npy`: no such file"),
        "{}",
        stderr(&o)
    );

    let o = with(&[
        "--kernel", "saxpy", "--arg", "f32:1", "--arg", "f32:2", "--arg", &x, "--arg", &x,
    ]);
    assert!(
        stderr(&o).contains("argument 0 (`n`) of kernel `saxpy` must be a 32-bit integer"),
        "{}",
        stderr(&o)
    );

    let o = with(&["--kernel", "saxpy", "--backend", "native"]);
    assert!(
        stderr(&o).contains("the native backend is not built yet"),
        "{}",
        stderr(&o)
    );

    let o = cwcc(&[
        "run", "k.spv", "--kernel", "k", "--grid", "1", "--block", "1",
    ]);
    assert!(
        stderr(&o).contains("takes a CUDA source file (.cu) or a WebAssembly artifact"),
        "{}",
        stderr(&o)
    );

    let o = cwcc(&[
        "run",
        "nope.wasm",
        "--kernel",
        "k",
        "--grid",
        "1",
        "--block",
        "1",
    ]);
    assert!(
        stderr(&o).contains("cannot read `nope.wasm`"),
        "{}",
        stderr(&o)
    );

    // Out of bounds: 4 threads, 2-element output (the reference executor checks accesses).
    let o = with(&[
        "--kernel",
        "iota",
        "--arg",
        "zeros:i64:2",
        "--backend",
        "interp",
    ]);
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(
        e.contains("kernel `iota`") && e.contains("thread (2,0,0)") && e.contains("k.cu:5:"),
        "{e}"
    );
}

/// `cwcc k.cu -o k.wasm`, then `cwcc run k.wasm`: the artifact gives the reference
/// executor's results, and a trap names the kernel and the block.
#[test]
fn wasm_artifacts_build_and_run() {
    let (dir, cu, x) = setup("wasm");
    let wasm = dir.join("k.wasm");
    let o = cwcc(&[&cu, "-o", wasm.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&wasm).unwrap();
    let manifest = cwcc_wasm::Manifest::from_wasm(&bytes).unwrap();
    let names: Vec<&str> = manifest.kernels.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["saxpy", "iota"]);
    let mut outputs = Vec::new();
    for (input, backend) in [(wasm.to_str().unwrap(), "wasm"), (cu.as_str(), "interp")] {
        let out = dir.join(format!("out-{backend}"));
        let o = cwcc(&[
            "run",
            input,
            "--backend",
            backend,
            "--kernel",
            "saxpy",
            "--grid",
            "3",
            "--block",
            "2",
            "--arg",
            "i32:10",
            "--arg",
            "f32:-1.5",
            "--arg",
            &x,
            "--arg",
            &x,
            "--out-dir",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        outputs.push(std::fs::read(out.join("arg3.npy")).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);

    let o = cwcc(&[
        "run",
        wasm.to_str().unwrap(),
        "--backend",
        "interp",
        "--kernel",
        "k",
        "--grid",
        "1",
        "--block",
        "1",
    ]);
    assert!(
        stderr(&o).contains("runs on --backend wasm"),
        "{}",
        stderr(&o)
    );

    let trap = dir.join("trap.cu");
    std::fs::write(
        &trap,
        "__global__ void div(int *p, int d) { p[threadIdx.x] = 7 / d; }\n",
    )
    .unwrap();
    let o = cwcc(&[
        "run",
        trap.to_str().unwrap(),
        "--backend",
        "wasm",
        "--kernel",
        "div",
        "--grid",
        "1",
        "--block",
        "2",
        "--arg",
        "zeros:i32:2",
        "--arg",
        "i32:0",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("kernel `div` failed in block 0: integer division by zero"),
        "{e}"
    );
}

#[test]
fn emit_simt_and_pass_flags() {
    let (_dir, cu, _) = setup("emit");
    let o = cwcc(&[&cu, "--emit=simt", "--print-after=dce", "--time-passes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("kernel \"saxpy\""), "{text}");
    assert!(stderr(&o).contains("; after pass dce"), "{}", stderr(&o));
    assert!(stderr(&o).contains("const-fold"), "{}", stderr(&o));
    let o = cwcc(&[&cu, "--emit=simt", "--print-after=nope"]);
    assert!(stderr(&o).contains("unknown pass `nope`"), "{}", stderr(&o));
}

/// `clock()` and `clock64()` never go backwards within a thread, on every CPU backend (the
/// executor counts instructions, wasm reads the host's monotonic clock in nanoseconds).
#[test]
fn clock_never_goes_backwards() {
    let dir = tmp("clock");
    let cu = dir.join("clock.cu");
    std::fs::write(
        &cu,
        "#include <ctime>
__global__ void timed(long long *out, float *x) {
    long long t0 = clock64();
    clock_t c0 = clock();
    float v = x[threadIdx.x];
    for (int k = 0; k < 100; k++) v = v * 1.0001f + 0.5f;
    x[threadIdx.x] = v;
    clock_t c1 = clock();
    long long t1 = clock64();
    out[2 * threadIdx.x] = t1 - t0;
    out[2 * threadIdx.x + 1] = (long long)(c1 - c0);
}
",
    )
    .unwrap();
    for backend in ["interp", "wasm"] {
        let out = dir.join(format!("out-{backend}"));
        let o = cwcc(&[
            "run",
            cu.to_str().unwrap(),
            "--backend",
            backend,
            "--kernel",
            "timed",
            "--grid",
            "1",
            "--block",
            "8",
            "--arg",
            "zeros:i64:16",
            "--arg",
            "zeros:f32:8",
            "--out-dir",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        let array = read_npy(&std::fs::read(out.join("arg0.npy")).unwrap()).unwrap();
        let deltas: Vec<i64> = array
            .data
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert!(deltas.iter().all(|&d| d >= 0), "{backend}: {deltas:?}");
        assert!(deltas.iter().any(|&d| d > 0), "{backend}: {deltas:?}");
    }
}

/// Vulkan buffers in device memory the host cannot map go through staging copies (the default
/// on discrete GPUs; forced here with `CWCC_VK_MEMORY=device`, since lavapipe's memory is all
/// mappable): same results as mapped memory, and no validation-layer errors.
#[test]
fn vulkan_staging_copies_give_the_same_results() {
    let (dir, cu, x) = setup("staging");
    let mut outputs = Vec::new();
    for memory in ["device", "mapped"] {
        let out = dir.join(format!("out-{memory}"));
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .env("CWCC_VK_MEMORY", memory)
            .env("CWCC_VULKAN_VALIDATION", "1")
            .args([
                "run",
                &cu,
                "--kernel",
                "saxpy",
                "--grid",
                "2",
                "--block",
                "4",
                "--arg",
                "i32:10",
                "--arg",
                "f32:2",
                "--arg",
                &x,
                "--arg",
                &x,
                "--backend",
                "vulkan",
                "--out-dir",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        if stderr(&o).contains("no usable Vulkan device") {
            eprintln!("skipped: {}", stderr(&o));
            return;
        }
        assert!(o.status.success(), "{memory}: {}", stderr(&o));
        let y = read_npy(&std::fs::read(out.join("arg3.npy")).unwrap()).unwrap();
        outputs.push(y.data);
    }
    let expected: Vec<u8> = (0..10)
        .flat_map(|i| (3.0 * i as f32).to_le_bytes())
        .collect();
    assert_eq!(outputs, vec![expected.clone(), expected]);
}

/// A shared-memory pointer turned into an integer, rounded down and turned back into a
/// pointer still points into shared memory on Vulkan (the integer keeps the pointer's
/// space), where it used to be taken for a device address and crash the driver.
#[test]
fn vulkan_shared_pointer_through_an_integer() {
    let dir = tmp("shared-int-ptr");
    let cu = dir.join("k.cu");
    std::fs::write(
        &cu,
        "extern \"C\" __global__ void k(unsigned int *out) {
    __shared__ unsigned short s[4];
    if (threadIdx.x < 4) s[threadIdx.x] = threadIdx.x;
    __syncthreads();
    unsigned short *p = &s[threadIdx.x % 4];
    out[threadIdx.x] = *(unsigned int *)((unsigned long long)p & ~3ull);
}
",
    )
    .unwrap();
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
        .env("CWCC_VULKAN_VALIDATION", "1")
        .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "1"])
        .args([
            "--block",
            "8",
            "--arg",
            "zeros:u32:8",
            "--backend",
            "vulkan",
        ])
        .args(["--out-dir", out.to_str().unwrap()])
        .output()
        .unwrap();
    if stderr(&o).contains("no usable Vulkan device") {
        eprintln!("skipped: {}", stderr(&o));
        return;
    }
    assert!(o.status.success(), "{}", stderr(&o));
    let got = read_npy(&std::fs::read(out.join("arg0.npy")).unwrap()).unwrap();
    let words: Vec<u32> = got
        .data
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    // Lanes 0,1 read the word holding s[0..2] = (0, 1); lanes 2,3 the one holding (2, 3).
    assert_eq!(
        words,
        [65536, 65536, 196610, 196610, 65536, 65536, 196610, 196610]
    );
}

/// Constructors declared `= default`: `T()` and `T{}` zero the object (value-initialization),
/// the defaulted copy constructor copies it; on interp and wasm.
#[test]
fn defaulted_constructors_value_initialize_and_copy() {
    let dir = tmp("defaulted-ctor");
    let cu = dir.join("k.cu");
    std::fs::write(
        &cu,
        "struct H { unsigned x; unsigned y; H() = default; H(const H &) = default;
    __device__ H(unsigned v) : x(v), y(v + 1) {} };
extern \"C\" __global__ void k(unsigned *out) {
    for (int i = 0; i < 2; i++) {
        H h = H();
        out[4 * i] = h.x + h.y;
        h.x = 5 + i;
        H c(h);
        out[4 * i + 1] = c.x;
        H d{};
        out[4 * i + 2] = d.y;
        d = H(9);
        out[4 * i + 3] = d.y;
    }
}
",
    )
    .unwrap();
    for backend in ["interp", "wasm"] {
        let out = dir.join(format!("out-{backend}"));
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "1"])
            .args(["--block", "1", "--arg", "zeros:u32:8", "--backend", backend])
            .args(["--out-dir", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        let got = read_npy(&std::fs::read(out.join("arg0.npy")).unwrap()).unwrap();
        let words: Vec<u32> = got
            .data
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(words, [0, 5, 0, 10, 0, 6, 0, 10], "{backend}");
    }
}

/// A loop run optimistically under the subnormal emulation (`cwcc-spirv`'s loop
/// speculation), on a device made to flush subnormals as NVIDIA's does, gives the
/// reference executor's bits: its checks fail, and it is redone exactly after the float
/// and integer locals it updates are restored. Threads 0..15 meet subnormals in the loop,
/// threads 16..31 do not.
#[test]
fn vulkan_speculated_loops_redo_exactly() {
    let dir = tmp("speculated-loop");
    let cu = dir.join("k.cu");
    std::fs::write(
        &cu,
        "extern \"C\" __global__ void k(float *out, unsigned *count) {
    int t = threadIdx.x;
    float acc = t < 16 ? t * 1e-39f : 1.0f + t;
    float scale = (t % 2) ? 0.5f : 1.5f;
    unsigned n = 0;
    for (int i = 0; i < 40; i++) {
        acc = acc * scale + 1e-41f * (float)(i % 3);
        n += i * t;
    }
    out[t] = acc;
    count[t] = n;
}
",
    )
    .unwrap();
    let mut outputs = Vec::new();
    for backend in ["interp", "vulkan"] {
        let out = dir.join(backend);
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .env("CWCC_VK_SOFT_DENORMALS", "1")
            .env("CWCC_VK_SIMULATE_FTZ", "1")
            .env("CWCC_VULKAN_VALIDATION", "1")
            .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "1"])
            .args([
                "--block",
                "32",
                "--arg",
                "zeros:f32:32",
                "--arg",
                "zeros:u32:32",
            ])
            .args(["--backend", backend, "--out-dir", out.to_str().unwrap()])
            .output()
            .unwrap();
        if stderr(&o).contains("no usable Vulkan device") {
            eprintln!("skipped: {}", stderr(&o));
            return;
        }
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        let acc = read_npy(&std::fs::read(out.join("arg0.npy")).unwrap()).unwrap();
        let count = read_npy(&std::fs::read(out.join("arg1.npy")).unwrap()).unwrap();
        outputs.push((acc.data, count.data));
    }
    // Some results are subnormal and none is zero (the loop did meet them).
    let acc: Vec<f32> = outputs[0]
        .0
        .chunks(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert!(acc.iter().any(|x| x.abs() < f32::MIN_POSITIVE && *x != 0.0));
    assert_eq!(outputs[0], outputs[1]);
}

/// `CWCC_VK_SIMULATE_FTZ=1` makes a Vulkan device flush f32 subnormals as NVIDIA's driver
/// does (so that CI can check the emulation against a flushing device): without the
/// emulation subnormal results become zeros, with it they are CUDA's.
#[test]
fn vulkan_simulated_flushing_is_repaired_by_the_emulation() {
    let dir = tmp("simulated-ftz");
    let cu = dir.join("k.cu");
    std::fs::write(
        &cu,
        "extern \"C\" __global__ void k(const float *x, float *out) {
    int i = threadIdx.x;
    out[i] = x[i] * 0.5f + x[i];
}
",
    )
    .unwrap();
    let xs: Vec<u8> = [1e-40f32, -3e-39, 1.0, 2e-38]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let xp = dir.join("x.npy");
    std::fs::write(&xp, write_npy(&NpyArray::from_bytes(DType::F32, xs))).unwrap();
    let x = format!("@{}", xp.display());
    let run = |soft: &str, select: &str| {
        let out = dir.join(format!("out-{soft}-{select}"));
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .env("CWCC_VK_SIMULATE_FTZ", "1")
            .env("CWCC_VK_SOFT_DENORMALS", soft)
            .env("CWCC_VK_EXACT_SELECT", select)
            .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "1"])
            .args(["--block", "4", "--arg", &x, "--arg", "zeros:f32:4"])
            .args(["--backend", "vulkan", "--out-dir", out.to_str().unwrap()])
            .output()
            .unwrap();
        if stderr(&o).contains("no usable Vulkan device") {
            return None;
        }
        assert!(o.status.success(), "{}", stderr(&o));
        let got = read_npy(&std::fs::read(out.join("arg1.npy")).unwrap()).unwrap();
        Some(
            got.data
                .chunks(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect::<Vec<f32>>(),
        )
    };
    let Some(flushed) = run("0", "0") else {
        eprintln!("skipped: no Vulkan device");
        return;
    };
    // 2e-38 * 0.5 is subnormal: flushed to 0 before the sum.
    assert_eq!(flushed, [0.0, -0.0, 1.5, 2e-38]);
    let want: Vec<f32> = [1e-40f32, -3e-39, 1.0, 2e-38]
        .iter()
        .map(|v| v * 0.5 + v)
        .collect();
    assert_eq!(run("1", "0").unwrap(), want);
    // The exact results picked by a select instead of a branch (an experiment's switch).
    assert_eq!(run("1", "1").unwrap(), want);
}

/// `cwcc run --backend webgpu` keeps f32 subnormals through the emulation where the adapter
/// flushes them (forced here with `CWCC_WGPU_SOFT_DENORMALS=1`, as the probe would on
/// NVIDIA's driver); `-ftz=true` and `--use_fast_math` let kernels flush, which drops it.
#[test]
fn webgpu_ftz_drops_the_subnormal_emulation() {
    let (dir, cu, x) = setup("webgpu-ftz");
    let out = dir.join("out");
    for (flag, emulated) in [
        (None, true),
        (Some("-ftz=true"), false),
        (Some("--use_fast_math"), false),
        (Some("-ftz=false"), true),
    ] {
        let mut args = vec![
            "run",
            &cu,
            "--backend",
            "webgpu",
            "--verbose",
            "--kernel",
            "saxpy",
            "--grid",
            "1",
            "--block",
            "4",
            "--arg",
            "i32:10",
            "--arg",
            "f32:2",
            "--arg",
            &x,
            "--arg",
            &x,
            "--out-dir",
        ];
        let out_dir = out.display().to_string();
        args.push(&out_dir);
        args.extend(flag);
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .env("CWCC_WGPU_SOFT_DENORMALS", "1")
            .args(&args)
            .output()
            .unwrap();
        let err = stderr(&o);
        if err.contains("no usable WebGPU adapter") {
            eprintln!("skipped: {err}");
            return;
        }
        assert!(o.status.success(), "{flag:?}: {err}");
        assert_eq!(
            err.contains("f32 subnormals emulated"),
            emulated,
            "{flag:?}: {err}"
        );
    }
}

/// Writes `k.cu` in `dir`: a kernel of a ballot and a shuffle whose results depend on
/// which threads form a warp (run it on 80 threads: the last warp has 16).
fn write_warp_kernel(dir: &std::path::Path) -> PathBuf {
    let cu = dir.join("k.cu");
    std::fs::write(
        &cu,
        "extern \"C\" __global__ void k(unsigned *out) {
    unsigned t = threadIdx.x;
    unsigned b = __ballot_sync(0xffffffffu, t % 3 == 0);
    int s = __shfl_down_sync(0xffffffffu, (int)t, 5);
    out[t] = b ^ (unsigned)s;
}
",
    )
    .unwrap();
    cu
}

/// How `cwcc run --backend webgpu` computes warp collectives: emulated through workgroup
/// memory on lavapipe (8-wide subgroups), through the subgroup code's stand-ins with
/// `CWCC_WGPU_SIMULATE_SUBGROUPS=1` (same results), and never through subgroups that are not
/// CUDA's warps: lavapipe asked for 32-wide subgroups (`LP_NATIVE_VECTOR_WIDTH=1024`) reports
/// 32 but runs 16 threads a subgroup, which the probe sees, so `CWCC_WGPU_SUBGROUPS=1` (require
/// them) is an error there.
#[test]
fn webgpu_warp_collectives_use_subgroups_only_where_they_are_warps() {
    let dir = tmp("webgpu-warps");
    let cu = write_warp_kernel(&dir);
    let run = |env: &[(&str, &str)], tag: &str| {
        let out = dir.join(format!("out-{tag}"));
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .envs(env.iter().copied())
            .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "2"])
            .args(["--block", "80", "--arg", "zeros:u32:80", "--verbose"])
            .args(["--backend", "webgpu", "--out-dir", out.to_str().unwrap()])
            .output()
            .unwrap();
        let data = std::fs::read(out.join("arg0.npy")).ok();
        (o, data)
    };
    let (o, emulated) = run(&[], "emulated");
    if stderr(&o).contains("no usable WebGPU adapter") {
        eprintln!("skipped: {}", stderr(&o));
        return;
    }
    assert!(o.status.success(), "{}", stderr(&o));
    let lavapipe = stderr(&o).contains("llvmpipe");
    if lavapipe {
        assert!(stderr(&o).contains("warps emulated"), "{}", stderr(&o));
    }
    let (o, simulated) = run(&[("CWCC_WGPU_SIMULATE_SUBGROUPS", "1")], "simulated");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warps as simulated subgroups"),
        "{}",
        stderr(&o)
    );
    assert_eq!(emulated, simulated);
    // The interpreter agrees (the last warp has 16 threads: lanes 11..15 keep their own values).
    let interp_out = dir.join("out-interp");
    let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
        .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "2"])
        .args(["--block", "80", "--arg", "zeros:u32:80"])
        .args([
            "--backend",
            "interp",
            "--out-dir",
            interp_out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(emulated, std::fs::read(interp_out.join("arg0.npy")).ok());
    if lavapipe {
        let (o, _) = run(
            &[
                ("LP_NATIVE_VECTOR_WIDTH", "1024"),
                ("CWCC_WGPU_SUBGROUPS", "1"),
            ],
            "required",
        );
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("are not CUDA's warps"),
            "{}",
            stderr(&o)
        );
    }
}

/// `rint` of a `double` rounds halves to even on Vulkan as in CUDA: Mesa's lavapipe (22.3,
/// LLVM 15, seen on an AMD EPYC) rounds them toward zero in GLSL's `RoundEven`, so the
/// SPIR-V backend computes it from `Floor` (also inside the subnormal emulation's exact
/// narrowing to `f32`, where a wrong tie made a speculated loop's redo differ).
#[test]
fn vulkan_rint_of_doubles_rounds_halves_to_even() {
    let dir = tmp("rint-f64");
    let cu = dir.join("k.cu");
    std::fs::write(
        &cu,
        "extern \"C\" __global__ void k(const double *in, double *out) {
    int t = threadIdx.x;
    out[t] = rint(in[t]);
}
",
    )
    .unwrap();
    let values = [
        0.5,
        1.5,
        2.5,
        -2.5,
        245857.5,
        -0.3,
        -0.0,
        0.499_999_999_999_999_94,
        4_503_599_627_370_497.0,
        f64::INFINITY,
        f64::NAN,
        -7.5,
        2.500_000_000_000_000_4,
        1e300,
        -0.5,
        3.5,
    ];
    let bytes: Vec<u8> = values.iter().flat_map(|v: &f64| v.to_le_bytes()).collect();
    let xp = dir.join("x.npy");
    std::fs::write(&xp, write_npy(&NpyArray::from_bytes(DType::F64, bytes))).unwrap();
    let x = format!("@{}", xp.display());
    let run = |backend: &str| {
        let out = dir.join(format!("out-{backend}"));
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "1"])
            .args(["--block", "16", "--arg", &x, "--arg", "zeros:f64:16"])
            .args(["--backend", backend, "--out-dir", out.to_str().unwrap()])
            .output()
            .unwrap();
        if stderr(&o).contains("no usable Vulkan device") {
            return None;
        }
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        let got = read_npy(&std::fs::read(out.join("arg1.npy")).unwrap()).unwrap();
        Some(
            got.data
                .chunks(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect::<Vec<u64>>(),
        )
    };
    let want: Vec<u64> = values
        .iter()
        .map(|v| v.round_ties_even().to_bits())
        .collect();
    assert_eq!(run("interp").unwrap(), want);
    match run("vulkan") {
        Some(got) => assert_eq!(got, want),
        None => eprintln!("skipped: no Vulkan device"),
    }
}

/// A Vulkan device that reports 32-wide subgroups but does not run warps of 32 threads as
/// one subgroup (lavapipe with `LP_NATIVE_VECTOR_WIDTH=1024` reports 32 and runs 16) fails
/// the runtime's subgroup probe and gets the workgroup-memory emulation of warps: the
/// results are the reference executor's (with subgroup operations they were not).
#[test]
fn vulkan_warps_are_emulated_where_subgroups_are_not_warps() {
    let dir = tmp("vulkan-wide-subgroups");
    let cu = write_warp_kernel(&dir);
    let run = |backend: &str, env: &[(&str, &str)]| {
        let out = dir.join(format!("out-{backend}"));
        let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .envs(env.iter().copied())
            .args(["run", cu.to_str().unwrap(), "--kernel", "k", "--grid", "2"])
            .args(["--block", "80", "--arg", "zeros:u32:80", "--verbose"])
            .args(["--backend", backend, "--out-dir", out.to_str().unwrap()])
            .output()
            .unwrap();
        (o, std::fs::read(out.join("arg0.npy")).ok())
    };
    let (o, want) = run("interp", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (o, got) = run(
        "vulkan",
        &[
            ("LP_NATIVE_VECTOR_WIDTH", "1024"),
            ("CWCC_VULKAN_VALIDATION", "1"),
        ],
    );
    let err = stderr(&o);
    if err.contains("no usable Vulkan device") || !err.contains("llvmpipe") {
        eprintln!("skipped: not lavapipe ({err})");
        return;
    }
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("subgroup size 32"), "{err}");
    assert_eq!(got, want);
}
