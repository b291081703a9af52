//! The WASM backend against the same kernels hand-written in C and built with `gcc -O2`.
//!
//! Run with `cargo bench -p cwcc-testsuite --bench wasm_vs_c` (needs `gcc`). For each kernel of
//! `benches/kernels/` it
//! - compiles the `.cu` file with cwcc to WebAssembly and runs it through `cwcc_runtime` on
//!   wasmtime: as `cwcc -o k.wasm` builds it, on one worker thread and on one per core, and
//!   with SIMD128 thread loops (`-msimd128`) on one worker thread;
//! - builds `kernels.c` with `gcc -O2 -shared -fPIC` and calls the same kernel as a plain C
//!   loop (one thread) — the baseline, measured in the same run on the same data;
//! - checks that both give the same output, and prints the best time of several runs and the
//!   ratio wasm / C as a Markdown table (docs/benchmarks.md).
//!
//! Arguments name the kernels to run (all when none): `cargo bench -p cwcc-testsuite --bench
//! wasm_vs_c -- jacobi2d`.
//!
//! With `CWCC_BENCH_DUMP=DIR` it also writes what it measured into DIR: each kernel's
//! per-block SIMT IR (`NAME.simt`, `NAME.simd.simt`) and WebAssembly module (`NAME.wasm`,
//! `NAME.simd.wasm`), to read with a wasm printer or to compile with wasmtime for its
//! machine code.
//!
//! Times include everything a launch costs (worker threads, wasmtime instances, the block
//! loop), not just the kernel body.

use cwcc::Stage;
use cwcc_runtime::{KernelArg, Runtime};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const ROUNDS: usize = 15;

fn best_of(mut f: impl FnMut() -> Duration) -> Duration {
    (0..ROUNDS).map(|_| f()).min().unwrap_or_default()
}

fn floats(n: usize, seed: u32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 2000) as f32 / 1000.0 - 1.0
        })
        .collect()
}

fn bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_bytes(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Compiles a kernel file to WebAssembly, with or without SIMD128 thread loops.
fn compile(name: &str, simd: bool) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("benches/kernels/{name}.cu"));
    let text = std::fs::read_to_string(&path).expect("kernel source");
    let out = cwcc_testsuite::run_text(&path.display().to_string(), text, Stage::Hir);
    assert!(!out.diags.has_errors(), "{name}.cu does not compile");
    let (mut module, mut report) = cwcc::to_simt(&out, &[], false).expect("lowers");
    cwcc::to_per_block(&mut module, &[], false, &mut report).expect("per-block passes");
    let wasm = cwcc_wasm::compile_with(&module, &cwcc_wasm::WasmOptions { simd })
        .expect("compiles to wasm");
    // CWCC_BENCH_DUMP=DIR keeps what was measured: the per-block SIMT IR and the module.
    if let Some(dir) = std::env::var_os("CWCC_BENCH_DUMP") {
        let dir = PathBuf::from(dir);
        let stem = if simd {
            format!("{name}.simd")
        } else {
            name.to_string()
        };
        std::fs::write(
            dir.join(format!("{stem}.simt")),
            cwcc_simt::print_module(&module),
        )
        .expect("write the SIMT IR");
        std::fs::write(dir.join(format!("{stem}.wasm")), &wasm).expect("write the module");
    }
    wasm
}

fn build_c() -> libloading::Library {
    let dir = std::env::temp_dir().join(format!("cwcc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let lib = dir.join("libkernels.so");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/kernels/kernels.c");
    let status = Command::new("gcc")
        .args(["-O2", "-shared", "-fPIC", "-o"])
        .arg(&lib)
        .arg(&src)
        .status();
    match status {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!("error: this benchmark needs gcc to build its C baseline");
            std::process::exit(1);
        }
    }
    // SAFETY: the library is our own kernels.c with no initializers.
    unsafe { libloading::Library::new(&lib) }.expect("load the C kernels")
}

/// One benchmark: the launch, and the C call computing the same thing.
struct Case {
    name: &'static str,
    size: String,
    grid: [u32; 3],
    block: [u32; 3],
    /// Inputs (copied to device buffers), then the index of the output among them.
    inputs: Vec<Vec<f32>>,
    output: usize,
    scalars: Vec<KernelArg>,
}

fn time_wasm(wasm: &[u8], case: &Case, threads: usize) -> (Duration, Vec<f32>) {
    let mut rt = Runtime::from_wasm(wasm).expect("load");
    rt.set_threads(threads);
    let buffers: Vec<_> = case
        .inputs
        .iter()
        .map(|v| rt.alloc_bytes(&bytes(v)).expect("alloc"))
        .collect();
    let mut args = case.scalars.clone();
    args.extend(buffers.iter().map(|&b| KernelArg::Buffer(b)));
    let mut result = Vec::new();
    let best = best_of(|| {
        for (b, v) in buffers.iter().zip(&case.inputs) {
            rt.write(*b, &bytes(v)).expect("write");
        }
        let stats = rt
            .launch(case.name, case.grid, case.block, 0, &args)
            .expect("launch");
        result = from_bytes(&rt.read(buffers[case.output]).expect("read"));
        stats.elapsed
    });
    (best, result)
}

fn main() {
    let lib = build_c();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let n = 1 << 22;
    let (w, h) = (2048usize, 2048usize);
    let cases = [
        Case {
            name: "saxpy",
            size: format!("{n} floats"),
            grid: [(n / 256) as u32, 1, 1],
            block: [256, 1, 1],
            inputs: vec![floats(n, 1), floats(n, 2)],
            output: 1,
            scalars: vec![KernelArg::I32(n as i32), KernelArg::F32(2.5)],
        },
        Case {
            name: "vadd",
            size: format!("{n} floats"),
            grid: [(n / 256) as u32, 1, 1],
            block: [256, 1, 1],
            inputs: vec![floats(n, 3), floats(n, 4), vec![0.0; n]],
            output: 2,
            scalars: vec![KernelArg::I32(n as i32)],
        },
        Case {
            name: "jacobi2d",
            size: format!("{w}x{h}"),
            grid: [(w / 16) as u32, (h / 16) as u32, 1],
            block: [16, 16, 1],
            inputs: vec![floats(w * h, 5), vec![0.0; w * h]],
            output: 1,
            scalars: vec![KernelArg::I32(w as i32), KernelArg::I32(h as i32)],
        },
        Case {
            name: "stencil1d",
            size: format!("{n} floats"),
            grid: [(n / 256) as u32, 1, 1],
            block: [256, 1, 1],
            inputs: vec![floats(n, 6), vec![0.0; n]],
            output: 1,
            scalars: vec![KernelArg::I32(n as i32)],
        },
    ];
    println!("| kernel | size | C gcc -O2, 1 thread | wasm, 1 thread | ratio | wasm -msimd128, 1 thread | ratio | wasm, {cores} threads | ratio |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for case in cases
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|o| o == c.name))
    {
        let scalar = compile(case.name, false);
        let (ts, outs) = time_wasm(&scalar, case, 1);
        let (tn, outn) = time_wasm(&scalar, case, cores);
        let (t1, out1) = time_wasm(&compile(case.name, true), case, 1);
        let mut c_out = Vec::new();
        let tc = best_of(|| {
            let mut data = case.inputs.clone();
            let start;
            // SAFETY: the C functions take the sizes and arrays the CUDA kernels take.
            unsafe {
                match case.name {
                    "saxpy" => {
                        let f: libloading::Symbol<
                            unsafe extern "C" fn(i32, f32, *const f32, *mut f32),
                        > = lib.get(b"saxpy").expect("symbol");
                        let (x, y) = data.split_at_mut(1);
                        start = Instant::now();
                        f(n as i32, 2.5, x[0].as_ptr(), y[0].as_mut_ptr());
                    }
                    "vadd" => {
                        let f: libloading::Symbol<
                            unsafe extern "C" fn(i32, *const f32, *const f32, *mut f32),
                        > = lib.get(b"vadd").expect("symbol");
                        let (ab, c) = data.split_at_mut(2);
                        start = Instant::now();
                        f(n as i32, ab[0].as_ptr(), ab[1].as_ptr(), c[0].as_mut_ptr());
                    }
                    "jacobi2d" => {
                        let f: libloading::Symbol<
                            unsafe extern "C" fn(i32, i32, *const f32, *mut f32),
                        > = lib.get(b"jacobi2d").expect("symbol");
                        let (i, o) = data.split_at_mut(1);
                        start = Instant::now();
                        f(w as i32, h as i32, i[0].as_ptr(), o[0].as_mut_ptr());
                    }
                    _ => {
                        let f: libloading::Symbol<unsafe extern "C" fn(i32, *const f32, *mut f32)> =
                            lib.get(b"stencil1d").expect("symbol");
                        let (i, o) = data.split_at_mut(1);
                        start = Instant::now();
                        f(n as i32, i[0].as_ptr(), o[0].as_mut_ptr());
                    }
                }
            }
            let elapsed = start.elapsed();
            c_out = data[case.output].clone();
            elapsed
        });
        let same = out1 == c_out && outn == c_out && outs == c_out;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {} | {} | {:.2} ms | {:.2} ms | {:.2}× | {:.2} ms | {:.2}× | {:.2} ms | {:.2}× |{}",
            case.name,
            case.size,
            ms(tc),
            ms(ts),
            ms(ts) / ms(tc),
            ms(t1),
            ms(t1) / ms(tc),
            ms(tn),
            ms(tn) / ms(tc),
            if same { "" } else { " OUTPUTS DIFFER" }
        );
    }
}
