//! End-to-end tests: CUDA source -> HIR -> SIMT IR (verified) -> reference executor.

use crate::lower;
use cwcc_frontend::diag::Diagnostics;
use cwcc_frontend::pp::{self, IncludeLoader, PpConfig};
use cwcc_frontend::source::SourceMap;
use cwcc_simt::interp::{launch, ArgValue, Memory};
use std::path::Path;

struct BundledHeaders;

impl IncludeLoader for BundledHeaders {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no file `{}` in tests", path.display()),
        ))
    }
    fn builtin(&self, name: &str) -> Option<&'static str> {
        cwcc_stdlib::header(name)
    }
}

/// Compiles `src` to a verified SIMT module, or the rendered errors.
fn compile(src: &str) -> Result<cwcc_simt::Module, String> {
    let mut sources = SourceMap::new();
    let main = sources.add_file("test.cu", src, None);
    let mut diags = Diagnostics::new();
    let tokens = pp::preprocess(
        &mut sources,
        main,
        &PpConfig::nvcc(),
        &BundledHeaders,
        &mut diags,
    );
    let tu = cwcc_frontend::parse::parse(&tokens, &sources, &mut diags);
    let hir = cwcc_hir::lower(&tu, &sources, &mut diags);
    if diags.has_errors() {
        return Err(cwcc_frontend::diag::render_to_string(&sources, &diags));
    }
    let module =
        lower(&hir, &sources).map_err(|d| cwcc_frontend::diag::render_to_string(&sources, &d))?;
    cwcc_simt::verify(&module).map_err(|e| cwcc_simt::verify::format_errors(&module, &e))?;
    Ok(module)
}

fn compile_ok(src: &str) -> cwcc_simt::Module {
    match compile(src) {
        Ok(m) => m,
        Err(e) => panic!("compilation failed:\n{e}"),
    }
}

fn f32s(mem: &Memory, addr: u64, n: usize) -> Vec<f32> {
    let b = mem.read(addr, n * 4).unwrap();
    b.chunks(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn i32s(mem: &Memory, addr: u64, n: usize) -> Vec<i32> {
    let b = mem.read(addr, n * 4).unwrap();
    b.chunks(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn f64s(mem: &Memory, addr: u64, n: usize) -> Vec<f64> {
    let b = mem.read(addr, n * 8).unwrap();
    b.chunks(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn alloc_f32(mem: &mut Memory, v: &[f32]) -> u64 {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    mem.alloc_bytes(&bytes)
}

fn alloc_i32(mem: &mut Memory, v: &[i32]) -> u64 {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    mem.alloc_bytes(&bytes)
}

#[allow(clippy::too_many_arguments)]
fn run(
    m: &cwcc_simt::Module,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    shared: u64,
    args: &[ArgValue],
    mem: &mut Memory,
) -> String {
    match launch(m, kernel, grid, block, shared, args, mem) {
        Ok(r) => r.stdout,
        Err(e) => panic!("launch failed: {e}\n{}", cwcc_simt::print_module(m)),
    }
}

#[test]
fn vector_add() {
    let m = compile_ok(
        "__global__ void add(const float *a, const float *b, float *c, int n) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) c[i] = a[i] + b[i];
        }",
    );
    let n = 100;
    let a: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..n).map(|i| (2 * i) as f32 + 0.5).collect();
    let mut mem = Memory::new();
    let (pa, pb) = (alloc_f32(&mut mem, &a), alloc_f32(&mut mem, &b));
    let pc = mem.alloc(4 * n as u64).unwrap();
    let args = [
        ArgValue::Ptr(pa),
        ArgValue::Ptr(pb),
        ArgValue::Ptr(pc),
        ArgValue::I32(n),
    ];
    run(&m, "add", [4, 1, 1], [32, 1, 1], 0, &args, &mut mem);
    let want: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
    assert_eq!(f32s(&mem, pc, n as usize), want);
}

#[test]
fn saxpy_grid_stride() {
    let m = compile_ok(
        "__global__ void saxpy(int n, float a, const float *x, float *y) {
            for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
                y[i] = a * x[i] + y[i];
        }",
    );
    let n = 1000;
    let x: Vec<f32> = (0..n).map(|i| i as f32 * 0.25).collect();
    let y: Vec<f32> = (0..n).map(|i| 1.0 - i as f32).collect();
    let mut mem = Memory::new();
    let (px, py) = (alloc_f32(&mut mem, &x), alloc_f32(&mut mem, &y));
    let args = [
        ArgValue::I32(n),
        ArgValue::F32(3.0),
        ArgValue::Ptr(px),
        ArgValue::Ptr(py),
    ];
    run(&m, "saxpy", [3, 1, 1], [64, 1, 1], 0, &args, &mut mem);
    let want: Vec<f32> = x.iter().zip(&y).map(|(x, y)| 3.0 * x + y).collect();
    assert_eq!(f32s(&mem, py, n as usize), want);
}

#[test]
fn shared_tree_reduction() {
    let m = compile_ok(
        "__global__ void reduce(const int *in, int *out) {
            __shared__ int s[128];
            unsigned t = threadIdx.x;
            s[t] = in[blockIdx.x * blockDim.x + t];
            __syncthreads();
            for (unsigned stride = blockDim.x / 2; stride > 0; stride >>= 1) {
                if (t < stride) s[t] += s[t + stride];
                __syncthreads();
            }
            if (t == 0) out[blockIdx.x] = s[0];
        }",
    );
    let input: Vec<i32> = (0..256).map(|i| i * 3 - 100).collect();
    let mut mem = Memory::new();
    let pin = alloc_i32(&mut mem, &input);
    let pout = mem.alloc(8).unwrap();
    run(
        &m,
        "reduce",
        [2, 1, 1],
        [128, 1, 1],
        0,
        &[ArgValue::Ptr(pin), ArgValue::Ptr(pout)],
        &mut mem,
    );
    let want = vec![
        input[..128].iter().sum::<i32>(),
        input[128..].iter().sum::<i32>(),
    ];
    assert_eq!(i32s(&mem, pout, 2), want);
    assert_eq!(m.kernels[0].static_shared_bytes, 512);
}

#[test]
fn warp_shuffle_reduction() {
    let m = compile_ok(
        "__device__ float warp_sum(float v) {
            for (int off = 16; off > 0; off /= 2) v += __shfl_down_sync(0xffffffff, v, off);
            return v;
        }
        __global__ void k(const float *in, float *out) {
            float v = warp_sum(in[threadIdx.x]);
            if ((threadIdx.x & 31) == 0) out[threadIdx.x / 32] = v;
        }",
    );
    let input: Vec<f32> = (0..64).map(|i| i as f32).collect();
    let mut mem = Memory::new();
    let pin = alloc_f32(&mut mem, &input);
    let pout = mem.alloc(8).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [64, 1, 1],
        0,
        &[ArgValue::Ptr(pin), ArgValue::Ptr(pout)],
        &mut mem,
    );
    assert_eq!(
        f32s(&mem, pout, 2),
        vec![(0..32).sum::<i32>() as f32, (32..64).sum::<i32>() as f32]
    );
}

#[test]
fn atomic_histogram() {
    let m = compile_ok(
        "__global__ void hist(const unsigned char *data, int n, unsigned int *bins) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) atomicAdd(&bins[data[i] % 16], 1u);
        }",
    );
    let data: Vec<u8> = (0..300u32).map(|i| ((i * 7 + 3) % 251) as u8).collect();
    let mut mem = Memory::new();
    let pd = mem.alloc_bytes(&data);
    let pb = mem.alloc(64).unwrap();
    run(
        &m,
        "hist",
        [5, 1, 1],
        [64, 1, 1],
        0,
        &[ArgValue::Ptr(pd), ArgValue::I32(300), ArgValue::Ptr(pb)],
        &mut mem,
    );
    let mut want = vec![0i32; 16];
    for d in &data {
        want[(*d % 16) as usize] += 1;
    }
    assert_eq!(i32s(&mem, pb, 16), want);
}

#[test]
fn stencil_2d_with_shared_halo() {
    let m = compile_ok(
        "#define B 8
        __global__ void blur(const float *in, float *out, int w, int h) {
            __shared__ float tile[B + 2][B + 2];
            int x = blockIdx.x * B + threadIdx.x, y = blockIdx.y * B + threadIdx.y;
            int tx = threadIdx.x + 1, ty = threadIdx.y + 1;
            tile[ty][tx] = in[y * w + x];
            if (threadIdx.x == 0) tile[ty][0] = x > 0 ? in[y * w + x - 1] : 0.0f;
            if (threadIdx.x == B - 1) tile[ty][B + 1] = x < w - 1 ? in[y * w + x + 1] : 0.0f;
            if (threadIdx.y == 0) tile[0][tx] = y > 0 ? in[(y - 1) * w + x] : 0.0f;
            if (threadIdx.y == B - 1) tile[B + 1][tx] = y < h - 1 ? in[(y + 1) * w + x] : 0.0f;
            __syncthreads();
            out[y * w + x] = tile[ty][tx] + tile[ty][tx - 1] + tile[ty][tx + 1] + tile[ty - 1][tx] + tile[ty + 1][tx];
        }",
    );
    run_stencil(&m);
}

fn run_stencil(m: &cwcc_simt::Module) {
    let (w, h) = (16usize, 16usize);
    let input: Vec<f32> = (0..w * h).map(|i| (i % 7) as f32).collect();
    let mut mem = Memory::new();
    let pin = alloc_f32(&mut mem, &input);
    let pout = mem.alloc((4 * w * h) as u64).unwrap();
    let args = [
        ArgValue::Ptr(pin),
        ArgValue::Ptr(pout),
        ArgValue::I32(w as i32),
        ArgValue::I32(h as i32),
    ];
    run(m, "blur", [2, 2, 1], [8, 8, 1], 0, &args, &mut mem);
    let get = |x: i64, y: i64| {
        if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
            0.0
        } else {
            input[y as usize * w + x as usize]
        }
    };
    let mut want = vec![0f32; w * h];
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            want[y as usize * w + x as usize] =
                get(x, y) + get(x - 1, y) + get(x + 1, y) + get(x, y - 1) + get(x, y + 1);
        }
    }
    assert_eq!(f32s(&mem, pout, w * h), want);
}

#[test]
fn struct_parameter_and_struct_return() {
    let m = compile_ok(
        "struct Params { float scale; int offset; double bias; };
        struct Pair { float a; float b; };
        __device__ Pair make(float x, const Params &p) { Pair r; r.a = x * p.scale; r.b = x + p.offset; return r; }
        __global__ void k(Params p, float *out) {
            int i = threadIdx.x;
            Pair q = make((float)i, p);
            out[2 * i] = q.a + (float)p.bias;
            out[2 * i + 1] = make(1.0f, p).b;
        }",
    );
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&2.5f32.to_le_bytes());
    bytes.extend_from_slice(&10i32.to_le_bytes());
    bytes.extend_from_slice(&0.5f64.to_le_bytes());
    let mut mem = Memory::new();
    let pout = mem.alloc(4 * 8).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [4, 1, 1],
        0,
        &[ArgValue::Bytes(bytes), ArgValue::Ptr(pout)],
        &mut mem,
    );
    let got = f32s(&mem, pout, 8);
    for i in 0..4 {
        assert_eq!(got[2 * i], i as f32 * 2.5 + 0.5);
        assert_eq!(got[2 * i + 1], 11.0);
    }
}

#[test]
fn constant_table() {
    let m = compile_ok(
        "__constant__ int table[4] = {10, 20, 30, 40};
        __constant__ float scale = 0.5f;
        __global__ void k(float *out) { out[threadIdx.x] = table[threadIdx.x % 4] * scale; }",
    );
    let mut mem = Memory::new();
    let pout = mem.alloc(4 * 8).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [8, 1, 1],
        0,
        &[ArgValue::Ptr(pout)],
        &mut mem,
    );
    assert_eq!(
        f32s(&mem, pout, 8),
        vec![5.0, 10.0, 15.0, 20.0, 5.0, 10.0, 15.0, 20.0]
    );
}

#[test]
fn switch_with_fallthrough_and_continue() {
    let m = compile_ok(
        "__global__ void k(int *out) {
            int t = threadIdx.x, acc = 0;
            for (int r = 0; r < 2; r++) {
                switch (t) {
                case 0: acc += 1;
                case 1: acc += 10; break;
                case 2: acc += 100; continue;
                default: acc += 1000;
                case 5: acc += 5;
                }
                acc += 7;
            }
            out[t] = acc;
        }",
    );
    let mut mem = Memory::new();
    let pout = mem.alloc(4 * 7).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [7, 1, 1],
        0,
        &[ArgValue::Ptr(pout)],
        &mut mem,
    );
    let f = |t: i32| {
        let mut acc = 0;
        for _ in 0..2 {
            match t {
                0 => acc += 11,
                1 => acc += 10,
                2 => {
                    acc += 100;
                    continue;
                }
                5 => acc += 5,
                _ => acc += 1005,
            }
            acc += 7;
        }
        acc
    };
    assert_eq!(i32s(&mem, pout, 7), (0..7).map(f).collect::<Vec<_>>());
}

#[test]
fn template_kernel_instance() {
    let m = compile_ok(
        "template <typename T, int N> __global__ void fill(T *out) { out[threadIdx.x] = (T)(threadIdx.x * N); }
        template __global__ void fill<int, 3>(int *);
        template __global__ void fill<double, 2>(double *);",
    );
    let names: Vec<&str> = m.kernels.iter().map(|k| k.name.as_str()).collect();
    assert!(names.contains(&"fill<int, 3>"), "{names:?}");
    let mut mem = Memory::new();
    let p = mem.alloc(16).unwrap();
    run(
        &m,
        "fill<int, 3>",
        [1, 1, 1],
        [4, 1, 1],
        0,
        &[ArgValue::Ptr(p)],
        &mut mem,
    );
    assert_eq!(i32s(&mem, p, 4), vec![0, 3, 6, 9]);
    let q = mem.alloc(32).unwrap();
    run(
        &m,
        "fill<double, 2>",
        [1, 1, 1],
        [4, 1, 1],
        0,
        &[ArgValue::Ptr(q)],
        &mut mem,
    );
    assert_eq!(f64s(&mem, q, 4), vec![0.0, 2.0, 4.0, 6.0]);
}

#[test]
fn double_math() {
    let m = compile_ok(
        "#include <math.h>
        __global__ void k(const double *x, double *y) {
            int i = threadIdx.x;
            y[i] = sqrt(x[i]) + fabs(-x[i]) + floor(x[i] * 0.5) + fmax(x[i], 2.0);
        }",
    );
    let x: Vec<f64> = (0..8).map(|i| i as f64 * 1.5).collect();
    let bytes: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
    let mut mem = Memory::new();
    let px = mem.alloc_bytes(&bytes);
    let py = mem.alloc(64).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [8, 1, 1],
        0,
        &[ArgValue::Ptr(px), ArgValue::Ptr(py)],
        &mut mem,
    );
    let want: Vec<f64> = x
        .iter()
        .map(|v| v.sqrt() + v.abs() + (v * 0.5).floor() + v.max(2.0))
        .collect();
    assert_eq!(f64s(&mem, py, 8), want);
}

#[test]
fn indexing_with_64_bit_math() {
    let m = compile_ok(
        "__global__ void k(long long *out, long long base) {
            size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
            long long big = base * (long long)(i + 1);
            out[i] = big >> 3;
        }",
    );
    let mut mem = Memory::new();
    let p = mem.alloc(8 * 64).unwrap();
    let base = 1i64 << 40;
    run(
        &m,
        "k",
        [2, 1, 1],
        [32, 1, 1],
        0,
        &[ArgValue::Ptr(p), ArgValue::I64(base)],
        &mut mem,
    );
    let b = mem.read(p, 8 * 64).unwrap();
    let got: Vec<i64> = b
        .chunks(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let want: Vec<i64> = (0..64).map(|i| (base * (i + 1)) >> 3).collect();
    assert_eq!(got, want);
}

#[test]
fn dynamic_shared_and_logical_ops_and_printf() {
    let m = compile_ok(
        "#include <cstdio>
        __global__ void k(int *out) {
            extern __shared__ int buf[];
            int t = threadIdx.x;
            buf[t] = t * t;
            __syncthreads();
            int other = buf[(t + 1) % blockDim.x];
            out[t] = (t > 1 && other > 4) || t == 0 ? other : -1;
            if (t == 0) printf(\"hello %d %f\\n\", other, 1.5f);
        }",
    );
    assert!(m.kernels[0].uses_dynamic_shared);
    let mut mem = Memory::new();
    let p = mem.alloc(16).unwrap();
    let out = run(
        &m,
        "k",
        [1, 1, 1],
        [4, 1, 1],
        16,
        &[ArgValue::Ptr(p)],
        &mut mem,
    );
    assert_eq!(i32s(&mem, p, 4), vec![1, -1, 9, -1]);
    assert_eq!(out, "hello 1 1.500000\n");
}

#[test]
fn ballot_popc_and_bit_intrinsics() {
    let m = compile_ok(
        "__global__ void k(unsigned *out) {
            unsigned b = __ballot_sync(0xffffffffu, threadIdx.x % 3 == 0);
            out[threadIdx.x] = __popc(b) + (__clz(1) << 8) + (__brev(1u) == 0x80000000u ? 100000 : 0) + __float_as_int(1.0f) - 0x3f800000;
        }",
    );
    let mut mem = Memory::new();
    let p = mem.alloc(4 * 32).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [32, 1, 1],
        0,
        &[ArgValue::Ptr(p)],
        &mut mem,
    );
    let want = 11 + (31 << 8) + 100000;
    assert_eq!(i32s(&mem, p, 32), vec![want; 32]);
}

#[test]
fn do_while_and_locals_arrays() {
    let m = compile_ok(
        "__global__ void k(int *out) {
            int a[5] = {1, 2, 3};
            int i = 0, s = 0;
            do { s += a[i]; i++; if (i == 1) continue; s *= 2; } while (i < 5);
            out[threadIdx.x] = s;
        }",
    );
    let mut mem = Memory::new();
    let p = mem.alloc(4).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [1, 1, 1],
        0,
        &[ArgValue::Ptr(p)],
        &mut mem,
    );
    let a = [1, 2, 3, 0, 0];
    let (mut i, mut s) = (0, 0);
    loop {
        s += a[i];
        i += 1;
        if i != 1 {
            s *= 2;
        }
        if i >= 5 {
            break;
        }
    }
    assert_eq!(i32s(&mem, p, 1), vec![s]);
}

#[test]
fn unsupported_builtin_is_a_located_error() {
    let e = compile("__global__ void k(int *o) { o[0] = __dp4a(1, 2, 3); }").unwrap_err();
    assert!(
        e.contains("not supported yet: the device-library function `__dp4a`"),
        "{e}"
    );
    assert!(e.contains("test.cu:1"), "{e}");
}

#[test]
fn every_instruction_has_a_location() {
    let m =
        compile_ok("__global__ void k(float *o, int n) { for (int i = 0; i < n; i++) o[i] = i; }");
    fn check(r: &cwcc_simt::ir::Region) {
        for st in &r.stmts {
            assert!(st.loc.is_some(), "{st:?}");
            match &st.kind {
                cwcc_simt::ir::StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    check(then_region);
                    check(else_region);
                }
                cwcc_simt::ir::StmtKind::Loop { body, continuing } => {
                    check(body);
                    check(continuing);
                }
                _ => {}
            }
        }
    }
    for (_, f) in m.functions.iter() {
        check(&f.body);
    }
}

#[test]
fn byte_perm_and_vector_ldg() {
    let m = compile_ok(
        "__global__ void k(const float4 *v, unsigned *o, float *f) {
            o[0] = __byte_perm(0x33221100u, 0x77665544u, 0x5140u);
            float4 q = __ldg(v + 1);
            f[0] = q.x + q.w;
        }",
    );
    let mut mem = Memory::new();
    let pv = alloc_f32(&mut mem, &[0.0, 0.0, 0.0, 0.0, 1.5, 2.0, 3.0, 4.0]);
    let po = mem.alloc(4).unwrap();
    let pf = mem.alloc(4).unwrap();
    run(
        &m,
        "k",
        [1, 1, 1],
        [1, 1, 1],
        0,
        &[ArgValue::Ptr(pv), ArgValue::Ptr(po), ArgValue::Ptr(pf)],
        &mut mem,
    );
    assert_eq!(i32s(&mem, po, 1), vec![0x5511_4400]);
    assert_eq!(f32s(&mem, pf, 1), vec![5.5]);
}

/// Reference `frexp` on the bits of an `f64` (exponent 0 for zeros, infinities and NaN).
fn frexp_ref(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (y, adjust) = if x.abs() < f64::MIN_POSITIVE {
        (x * 2f64.powi(54), 54)
    } else {
        (x, 0)
    };
    let bits = y.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i32 - 1022 - adjust;
    (f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52)), e)
}

#[test]
fn frexp_and_modf_in_float_and_double() {
    let m = compile_ok(
        "__global__ void k(const float *x, const double *d, float *fm, int *fe, float *ff,
                           float *fi, double *dm, int *de, double *df, double *di, int n) {
            int i = threadIdx.x;
            if (i < n) {
                fm[i] = frexpf(x[i], &fe[i]);
                ff[i] = modff(x[i], &fi[i]);
                dm[i] = frexp(d[i], &de[i]);
                df[i] = modf(d[i], &di[i]);
            }
        }",
    );
    let xs: Vec<f32> = vec![
        0.0,
        -0.0,
        1.0,
        -3.0,
        0.75,
        -1234.5678,
        1e-40,
        -f32::MIN_POSITIVE,
        f32::MAX,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        2.5,
        -0.3,
    ];
    let ds: Vec<f64> = vec![
        0.0,
        -0.0,
        1.0,
        -3.0,
        0.75,
        -1234.5678,
        1e-310,
        -f64::MIN_POSITIVE,
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e300,
        -7.25,
    ];
    let n = xs.len();
    let mut mem = Memory::new();
    let px = alloc_f32(&mut mem, &xs);
    let d_bytes: Vec<u8> = ds.iter().flat_map(|v| v.to_le_bytes()).collect();
    let pd = mem.alloc_bytes(&d_bytes);
    let outs: Vec<u64> = [4, 4, 4, 4, 8, 4, 8, 8]
        .iter()
        .map(|size| mem.alloc(size * n as u64).unwrap())
        .collect();
    let mut args = vec![ArgValue::Ptr(px), ArgValue::Ptr(pd)];
    args.extend(outs.iter().map(|&p| ArgValue::Ptr(p)));
    args.push(ArgValue::I32(n as i32));
    run(&m, "k", [1, 1, 1], [32, 1, 1], 0, &args, &mut mem);
    let (fm, fe, ff, fi) = (
        f32s(&mem, outs[0], n),
        i32s(&mem, outs[1], n),
        f32s(&mem, outs[2], n),
        f32s(&mem, outs[3], n),
    );
    let (dm, de, df, di) = (
        f64s(&mem, outs[4], n),
        i32s(&mem, outs[5], n),
        f64s(&mem, outs[6], n),
        f64s(&mem, outs[7], n),
    );
    let same32 = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
    let same64 = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
    for i in 0..n {
        let x = xs[i];
        // Every f32 is exact in f64, with the same mantissa and exponent.
        let (m, e) = frexp_ref(f64::from(x));
        assert!(
            same32(fm[i], m as f32) && fe[i] == e,
            "frexpf({x:e}) = {} * 2^{}",
            fm[i],
            fe[i]
        );
        let int_part = x.trunc();
        let frac = if x.is_infinite() {
            0.0f32.copysign(x)
        } else {
            (x - int_part).copysign(x)
        };
        assert!(
            same32(fi[i], int_part) && same32(ff[i], frac),
            "modff({x:e}) = {} + {}",
            fi[i],
            ff[i]
        );
        let d = ds[i];
        let (m, e) = frexp_ref(d);
        assert!(
            same64(dm[i], m) && de[i] == e,
            "frexp({d:e}) = {} * 2^{}",
            dm[i],
            de[i]
        );
        let int_part = d.trunc();
        let frac = if d.is_infinite() {
            0.0f64.copysign(d)
        } else {
            (d - int_part).copysign(d)
        };
        assert!(
            same64(di[i], int_part) && same64(df[i], frac),
            "modf({d:e}) = {} + {}",
            di[i],
            df[i]
        );
    }
    // Spot checks against the C library's documented results.
    assert_eq!((fm[5], fe[5]), (-1234.5678f32 / 2048.0, 11));
    assert_eq!((ff[3].to_bits(), fi[3]), ((-0.0f32).to_bits(), -3.0));
    assert_eq!((dm[6], de[6]), (frexp_ref(1e-310).0, -1029));
    assert_eq!((df[13], di[13]), (-0.25, -7.0));
}
