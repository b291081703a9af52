//! SIMD128 thread loops in the WASM backend: kernels whose thread loops run four threads per
//! iteration must give the reference executor's results for every block size (remainders of
//! 1–3 threads, blocks smaller than four, 2D and 3D blocks), under divergence, early exits,
//! per-thread arrays, atomics, 64-bit and `f64` arithmetic; and the vector loop must really be
//! there (the module contains `v128` instructions).

use cwcc::{run_front_end, to_simt, to_wasm_with, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_runtime::{KernelArg, Runtime};

/// Kernels that cover what the vector body handles and what sends it to its per-lane path.
const KERNELS: &str = r#"
__global__ void saxpy(int n, float a, const float* x, float* y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}

// Early return (a thread leaves its iteration), bool logic, a 2D index, a select.
__global__ void stencil2d(int w, int h, const float* in, float* out) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    int i = y * w + x;
    float v = in[i];
    if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
        v = 0.25f * (in[i - 1] + in[i + 1] + in[i - w] + in[i + w]);
    }
    out[i] = v < 0.0f ? -v : v;
}

// Integer division and remainder (per lane, may trap), shifts, unsigned compares, i8 stores.
__global__ void ints(int n, const int* a, int* q, unsigned char* c) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int d = (i % 7) + 1;
    q[i] = (a[i] / d) ^ (a[i] << 3) ^ ((unsigned)a[i] >> 5);
    c[i] = (unsigned)a[i] < 100u ? (unsigned char)(a[i] & 0xff) : 7;
}

// A per-thread array, 64-bit index math, doubles, an atomic on a shared counter.
__global__ void mixed(int n, const long long* big, double* d, int* count) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int tmp[4];
    for (int k = 0; k < 4; k++) tmp[k] = i * k;
    long long j = big[i] * 3 + (long long)i;
    d[i] = (double)j / 3.0 + tmp[i % 4];
    if (j % 2 == 0) atomicAdd(count, 1);
}

// A thread loop between barriers with shared memory, and a 3D block.
__global__ void shared3d(const float* in, float* out) {
    __shared__ float tile[64];
    int t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    int n = blockDim.x * blockDim.y * blockDim.z;
    int base = blockIdx.x * n;
    tile[t] = in[base + t] * 2.0f;
    __syncthreads();
    out[base + t] = tile[n - 1 - t] + (float)threadIdx.z;
}
"#;

fn module() -> cwcc_simt::Module {
    let out = run_front_end(
        "simd.cu",
        KERNELS.to_string(),
        &PpConfig::nvcc(),
        &FsLoader,
        Stage::Hir,
    );
    assert!(!out.diags.has_errors(), "front end failed");
    to_simt(&out, &[], false).expect("lowers").0
}

fn wasm_bytes() -> Vec<u8> {
    let out = run_front_end(
        "simd.cu",
        KERNELS.to_string(),
        &PpConfig::nvcc(),
        &FsLoader,
        Stage::Hir,
    );
    let options = cwcc_wasm::WasmOptions { simd: true };
    to_wasm_with(&out, &[], false, &options)
        .expect("compiles to wasm")
        .0
}

/// A buffer argument (bytes) or a scalar.
enum Arg {
    Bytes(Vec<u8>),
    Scalar(KernelArg),
}

fn run(
    mut rt: Runtime,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    args: &[Arg],
) -> Vec<Vec<u8>> {
    let mut launch_args = Vec::new();
    let mut buffers = Vec::new();
    for arg in args {
        match arg {
            Arg::Bytes(bytes) => {
                let b = rt.alloc_bytes(bytes).unwrap();
                buffers.push(b);
                launch_args.push(KernelArg::Buffer(b));
            }
            Arg::Scalar(s) => launch_args.push(s.clone()),
        }
    }
    rt.launch(kernel, grid, block, 0, &launch_args)
        .unwrap_or_else(|e| panic!("{kernel} {block:?}: {e}"));
    buffers.into_iter().map(|b| rt.read(b).unwrap()).collect()
}

fn f32s(values: impl Iterator<Item = f32>) -> Vec<u8> {
    values.flat_map(|v| v.to_le_bytes()).collect()
}

fn i32s(values: impl Iterator<Item = i32>) -> Vec<u8> {
    values.flat_map(|v| v.to_le_bytes()).collect()
}

/// Runs `kernel` on the interpreter and on wasm and compares every buffer.
fn agree(kernel: &str, grid: [u32; 3], block: [u32; 3], args: impl Fn() -> Vec<Arg>) {
    let interp = run(Runtime::new(module()), kernel, grid, block, &args());
    let mut wasm_rt = Runtime::from_wasm(&wasm_bytes()).unwrap();
    wasm_rt.set_threads(2);
    let wasm = run(wasm_rt, kernel, grid, block, &args());
    assert_eq!(interp, wasm, "{kernel} grid {grid:?} block {block:?}");
}

#[test]
fn the_module_has_vector_thread_loops() {
    let bytes = wasm_bytes();
    let mut v128_ops = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
            let mut reader = body.get_operators_reader().unwrap();
            while !reader.eof() {
                let op = reader.read().unwrap();
                if matches!(
                    op,
                    wasmparser::Operator::V128Load { .. } | wasmparser::Operator::F32x4Mul
                ) {
                    v128_ops += 1;
                }
            }
        }
    }
    assert!(v128_ops >= 3, "only {v128_ops} SIMD loads/multiplies");
}

#[test]
fn elementwise_and_stencil_agree_for_every_block_shape() {
    for (block, n) in [(1u32, 5u32), (3, 10), (4, 16), (5, 23), (32, 100), (64, 61)] {
        let grid = [n.div_ceil(block), 1, 1];
        agree("saxpy", grid, [block, 1, 1], || {
            vec![
                Arg::Scalar(KernelArg::I32(n as i32)),
                Arg::Scalar(KernelArg::F32(1.5)),
                Arg::Bytes(f32s((0..n).map(|i| i as f32 * 0.25))),
                Arg::Bytes(f32s((0..n).map(|i| 1.0 - i as f32))),
            ]
        });
    }
    let (w, h) = (13u32, 9u32);
    for block in [[4, 4, 1], [3, 2, 1], [16, 2, 1], [5, 3, 1]] {
        let grid = [w.div_ceil(block[0]), h.div_ceil(block[1]), 1];
        agree("stencil2d", grid, block, || {
            vec![
                Arg::Scalar(KernelArg::I32(w as i32)),
                Arg::Scalar(KernelArg::I32(h as i32)),
                Arg::Bytes(f32s((0..w * h).map(|i| ((i * 37) % 11) as f32 - 5.0))),
                Arg::Bytes(f32s((0..w * h).map(|_| 0.0))),
            ]
        });
    }
}

#[test]
fn integer_and_mixed_kernels_agree() {
    let n = 45u32;
    for block in [4u32, 7, 32] {
        let grid = [n.div_ceil(block), 1, 1];
        agree("ints", grid, [block, 1, 1], || {
            vec![
                Arg::Scalar(KernelArg::I32(n as i32)),
                Arg::Bytes(i32s((0..n as i32).map(|i| i * 1_000_003 - 20_000_000))),
                Arg::Bytes(i32s((0..n).map(|_| 0))),
                Arg::Bytes(vec![0u8; n as usize]),
            ]
        });
        agree("mixed", grid, [block, 1, 1], || {
            vec![
                Arg::Scalar(KernelArg::I32(n as i32)),
                Arg::Bytes(
                    (0..n as i64)
                        .flat_map(|i| (i * 0x1_0000_0001 - 7).to_le_bytes())
                        .collect(),
                ),
                Arg::Bytes(vec![0u8; 8 * n as usize]),
                Arg::Bytes(vec![0u8; 4]),
            ]
        });
    }
}

#[test]
fn shared_memory_and_3d_blocks_agree() {
    for block in [[4, 2, 2], [3, 3, 3], [2, 1, 5], [8, 8, 1]] {
        let n = block[0] * block[1] * block[2];
        agree("shared3d", [3, 1, 1], block, || {
            vec![
                Arg::Bytes(f32s((0..3 * n).map(|i| i as f32 - 7.5))),
                Arg::Bytes(f32s((0..3 * n).map(|_| 0.0))),
            ]
        });
    }
}
