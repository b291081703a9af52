//! cwcc on a GPU (Vulkan) against the same CUDA kernels built by nvcc, on the same GPU.
//!
//! Run with `cargo bench -p cwcc-testsuite --bench gpu_vs_nvcc -- [OPTIONS]`:
//!
//! ```text
//! --nvcc DIR     read nvcc's outputs and times from DIR (written there by
//!                benches/gpu/nvcc_harness.cu; see benches/gpu/run_h100.sh)
//! --quick        small sizes (lavapipe, smoke tests); chosen by itself on a CPU device
//! --iters N      timed launches per kernel (default 20; fewer for very slow kernels)
//! --only NAME    run only the named kernel (repeatable)
//! --webgpu       also time every kernel through `--backend webgpu` (wgpu)
//! --n-log2 K     2^K elements for the 1-D kernels (saxpy, reduce, histogram; default 26;
//!                pass the same to the nvcc harness)
//! --out FILE     also write the table (Markdown) to FILE
//! --dump-spirv DIR  only write each kernel's SPIR-V (subgroup size 32, as on NVIDIA) to
//!                DIR/NAME.spv, for `spirv-dis`
//! --probe        only list the Vulkan devices: type, API and driver version, subgroup size
//!                (and its control range), memory heaps and types
//! ```
//!
//! For each kernel of `benches/gpu/` (sources embedded in this binary, so it runs from any
//! directory) it compiles the `.cu` file with cwcc's library API exactly as
//! `cwcc run --backend vulkan` does, fills the inputs from a hash of the element index (the
//! nvcc harness computes the same bits), poisons the output, launches once and checks the
//! output: against nvcc's output when `--nvcc` is given, else against a CPU reference (at
//! `--quick` sizes; matmul is left unchecked at full size without nvcc). Only then it times:
//! 3 warm-up launches, then the median of N launches measured by the Vulkan runtime's GPU
//! timestamps (the dispatch alone, as CUDA events around the launch measure it on the nvcc
//! side). The table gives nvcc's median, cwcc's median, their ratio and the issue's target.
//!
//! Without a Vulkan device the benchmark says so and exits successfully, skipping the GPU
//! rows. It exits with status 1 when any output check or launch failed.

use cwcc::Stage;
use cwcc_runtime::{KernelArg, Runtime};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The kernels and their launch shapes at both sizes. Keep in step with `NVCC_CASES` in
/// `benches/gpu/nvcc_harness.cu`.
const SOURCES: &[(&str, &str)] = &[
    ("saxpy", include_str!("gpu/saxpy.cu")),
    ("stencil2d", include_str!("gpu/stencil2d.cu")),
    ("matmul", include_str!("gpu/matmul.cu")),
    ("reduce", include_str!("gpu/reduce.cu")),
    ("reduce_warp", include_str!("gpu/reduce_warp.cu")),
    ("transpose", include_str!("gpu/transpose.cu")),
    ("histogram", include_str!("gpu/histogram.cu")),
    ("empty", include_str!("gpu/empty.cu")),
];

const WARMUP: usize = 3;
/// A kernel's timed launches stop early once they have taken this long.
const TIME_BUDGET: Duration = Duration::from_secs(6);

/// The element hash both sides fill inputs with (a 32-bit integer mix of index and seed).
fn hash(i: u32, seed: u32) -> u32 {
    let mut x = i.wrapping_mul(0x9E37_79B1) ^ seed.wrapping_mul(0x85EB_CA6B);
    x ^= x >> 16;
    x = x.wrapping_mul(0x7FEB_352D);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846C_A68B);
    x ^= x >> 16;
    x
}

/// Floats in [-1, 1): 24 random bits scaled exactly (no rounding anywhere).
fn floats(n: usize, seed: u32) -> Vec<f32> {
    (0..n as u32)
        .map(|i| (hash(i, seed) >> 8) as f32 * (1.0 / 8_388_608.0) - 1.0)
        .collect()
}

fn bytes_of(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn f32s(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// How an output is compared.
#[derive(Clone, Copy)]
enum Check {
    /// Bit-for-bit (integers, data movement).
    Exact,
    /// |got - want| <= tol * max(|want|, 1) per element; NaN never passes.
    Rel(f32),
}

/// One benchmark kernel instantiated at a size.
struct Case {
    name: &'static str,
    kernel: &'static str,
    /// Size in words for the table.
    size: String,
    grid: [u32; 3],
    block: [u32; 3],
    /// Arguments; `Input(k)` / `Output` stand for buffers.
    args: Vec<Arg>,
    inputs: Vec<Vec<u8>>,
    /// Bytes of the output buffer, and the byte it is filled with before the check launch.
    output_len: usize,
    output_fill: u8,
    check: Check,
    /// The issue's target ratio (1.1 memory-bound, 1.3 shared-memory compute).
    target: f64,
    /// Bytes moved (reads + writes, each once) and flops, for the rate columns.
    bytes: f64,
    flops: f64,
}

enum Arg {
    I32(i32),
    U32(u32),
    F32(f32),
    Input(usize),
    Output,
}

fn cases(quick: bool, n_log2: u32) -> Vec<Case> {
    let mut v = Vec::new();
    // saxpy
    {
        let n: usize = if quick { 1 << 16 } else { 1 << n_log2 };
        v.push(Case {
            name: "saxpy",
            kernel: "saxpy",
            size: format!("n=2^{}", n.trailing_zeros()),
            grid: [(n / 256) as u32, 1, 1],
            block: [256, 1, 1],
            args: vec![
                Arg::I32(n as i32),
                Arg::F32(2.5),
                Arg::Input(0),
                Arg::Input(1),
                Arg::Output,
            ],
            inputs: vec![bytes_of(&floats(n, 1)), bytes_of(&floats(n, 2))],
            output_len: n * 4,
            output_fill: 0xFF,
            check: Check::Rel(1e-6),
            target: 1.1,
            bytes: (n * 12) as f64,
            flops: (n * 2) as f64,
        });
    }
    // stencil2d
    {
        let w: usize = if quick { 256 } else { 4096 };
        v.push(Case {
            name: "stencil2d",
            kernel: "stencil2d",
            size: format!("{w}x{w}"),
            grid: [(w / 32) as u32, (w / 8) as u32, 1],
            block: [32, 8, 1],
            args: vec![
                Arg::Input(0),
                Arg::Output,
                Arg::I32(w as i32),
                Arg::I32(w as i32),
            ],
            inputs: vec![bytes_of(&floats(w * w, 3))],
            output_len: w * w * 4,
            output_fill: 0xFF,
            check: Check::Rel(1e-6),
            target: 1.1,
            bytes: (w * w * 8) as f64,
            flops: (w * w * 4) as f64,
        });
    }
    // matmul
    {
        let n: usize = if quick { 128 } else { 4096 };
        v.push(Case {
            name: "matmul",
            kernel: "matmul",
            size: format!("{n}x{n}"),
            grid: [(n / 32) as u32, (n / 32) as u32, 1],
            block: [32, 32, 1],
            args: vec![
                Arg::Input(0),
                Arg::Input(1),
                Arg::Output,
                Arg::I32(n as i32),
            ],
            inputs: vec![bytes_of(&floats(n * n, 4)), bytes_of(&floats(n * n, 5))],
            output_len: n * n * 4,
            output_fill: 0xFF,
            // Sums of n products: fused multiply-adds (nvcc) against separate roundings.
            check: Check::Rel(1e-3),
            target: 1.3,
            bytes: (n * n * 12) as f64,
            flops: 2.0 * (n as f64).powi(3),
        });
    }
    // reduce, and reduce_warp: the same sums through warp shuffles (the warp collectives'
    // speed)
    for name in ["reduce", "reduce_warp"] {
        let n: usize = if quick { 1 << 16 } else { 1 << n_log2 };
        v.push(Case {
            name,
            kernel: name,
            size: format!("n=2^{}", n.trailing_zeros()),
            grid: [(n / 512) as u32, 1, 1],
            block: [256, 1, 1],
            args: vec![Arg::Input(0), Arg::Output, Arg::U32(n as u32)],
            inputs: vec![bytes_of(&floats(n, 6))],
            output_len: n / 512 * 4,
            output_fill: 0xFF,
            check: Check::Rel(1e-6),
            target: 1.3,
            bytes: (n * 4 + n / 512 * 4) as f64,
            flops: n as f64,
        });
    }
    // transpose
    {
        let w: usize = if quick { 256 } else { 4096 };
        v.push(Case {
            name: "transpose",
            kernel: "transpose",
            size: format!("{w}x{w}"),
            grid: [(w / 32) as u32, (w / 32) as u32, 1],
            block: [32, 8, 1],
            args: vec![
                Arg::Input(0),
                Arg::Output,
                Arg::I32(w as i32),
                Arg::I32(w as i32),
            ],
            inputs: vec![bytes_of(&floats(w * w, 7))],
            output_len: w * w * 4,
            output_fill: 0xFF,
            check: Check::Exact,
            target: 1.1,
            bytes: (w * w * 8) as f64,
            flops: 0.0,
        });
    }
    // histogram
    {
        let n: usize = if quick { 1 << 16 } else { 1 << n_log2 };
        let data: Vec<u8> = (0..n as u32).map(|i| (hash(i, 8) >> 24) as u8).collect();
        v.push(Case {
            name: "histogram",
            kernel: "histogram",
            size: format!("n=2^{} bytes", n.trailing_zeros()),
            grid: [if quick { 64 } else { 1024 }, 1, 1],
            block: [256, 1, 1],
            args: vec![Arg::Input(0), Arg::Output, Arg::I32(n as i32)],
            inputs: vec![data],
            output_len: 256 * 4,
            output_fill: 0,
            check: Check::Exact,
            target: 1.1,
            bytes: n as f64,
            flops: 0.0,
        });
    }
    // empty: the fixed cost of a launch (no target: it calibrates the others)
    v.push(Case {
        name: "empty",
        kernel: "empty",
        size: "1024x256 threads".into(),
        grid: [1024, 1, 1],
        block: [256, 1, 1],
        args: vec![Arg::I32(-1), Arg::Output],
        inputs: vec![],
        output_len: 4,
        output_fill: 0xFF,
        check: Check::Exact,
        target: f64::INFINITY,
        bytes: 0.0,
        flops: 0.0,
    });
    v
}

/// What the kernel must compute, on the CPU (for `--quick` sizes and checks without nvcc).
fn cpu_reference(case: &Case) -> Option<Vec<u8>> {
    let ins: Vec<&[u8]> = case.inputs.iter().map(|v| v.as_slice()).collect();
    let scalar_i32 = |k: usize| {
        case.args
            .iter()
            .filter_map(|a| match a {
                Arg::I32(v) => Some(*v),
                _ => None,
            })
            .nth(k)
    };
    match case.name {
        "saxpy" => {
            let (x, y) = (f32s(ins[0]), f32s(ins[1]));
            Some(bytes_of(
                &x.iter()
                    .zip(&y)
                    .map(|(x, y)| 2.5f32.mul_add(*x, *y))
                    .collect::<Vec<_>>(),
            ))
        }
        "stencil2d" => {
            let w = scalar_i32(0)? as usize;
            let h = scalar_i32(1)? as usize;
            let a = f32s(ins[0]);
            let mut out = a.clone();
            for y in 1..h - 1 {
                for x in 1..w - 1 {
                    let i = y * w + x;
                    out[i] = 0.25 * (a[i - 1] + a[i + 1] + a[i - w] + a[i + w]);
                }
            }
            Some(bytes_of(&out))
        }
        "matmul" => {
            let n = scalar_i32(0)? as usize;
            if n > 1024 {
                return None;
            }
            let (a, b) = (f32s(ins[0]), f32s(ins[1]));
            let mut c = vec![0f32; n * n];
            for r in 0..n {
                for k in 0..n {
                    let av = a[r * n + k];
                    for col in 0..n {
                        c[r * n + col] = av.mul_add(b[k * n + col], c[r * n + col]);
                    }
                }
            }
            Some(bytes_of(&c))
        }
        "reduce" => {
            let a = f32s(ins[0]);
            let partial: Vec<f32> = a
                .chunks(512)
                .map(|block| {
                    let mut s: Vec<f32> = (0..256).map(|t| block[t] + block[t + 256]).collect();
                    let mut half = 128;
                    while half > 0 {
                        for t in 0..half {
                            s[t] += s[t + half];
                        }
                        half /= 2;
                    }
                    s[0]
                })
                .collect();
            Some(bytes_of(&partial))
        }
        "reduce_warp" => {
            // __shfl_down_sync over 32 lanes: a lane whose source is past the warp adds its
            // own value (only lane 0's sum is kept, and it never reads such a lane).
            let warp_sum = |mut lanes: Vec<f32>| {
                let mut offset = 16;
                while offset > 0 {
                    lanes = (0..32)
                        .map(|l| lanes[l] + lanes[if l + offset < 32 { l + offset } else { l }])
                        .collect();
                    offset /= 2;
                }
                lanes[0]
            };
            let a = f32s(ins[0]);
            let partial: Vec<f32> = a
                .chunks(512)
                .map(|block| {
                    let v: Vec<f32> = (0..256).map(|t| block[t] + block[t + 256]).collect();
                    let warps: Vec<f32> = v.chunks(32).map(|w| warp_sum(w.to_vec())).collect();
                    warp_sum(
                        (0..32)
                            .map(|l| warps.get(l).copied().unwrap_or(0.0))
                            .collect(),
                    )
                })
                .collect();
            Some(bytes_of(&partial))
        }
        "transpose" => {
            let w = scalar_i32(0)? as usize;
            let a = f32s(ins[0]);
            let mut out = vec![0f32; w * w];
            for y in 0..w {
                for x in 0..w {
                    out[x * w + y] = a[y * w + x];
                }
            }
            Some(bytes_of(&out))
        }
        "empty" => Some(vec![0xFF; 4]),
        "histogram" => {
            let mut bins = [0u32; 256];
            for b in ins[0] {
                bins[*b as usize] += 1;
            }
            Some(bins.iter().flat_map(|v| v.to_le_bytes()).collect())
        }
        _ => None,
    }
}

/// Compares `got` with `want` under `check`; `Err` says where the first mismatch is.
fn compare(check: Check, got: &[u8], want: &[u8]) -> Result<String, String> {
    if got.len() != want.len() {
        return Err(format!("{} bytes, expected {}", got.len(), want.len()));
    }
    match check {
        Check::Exact => match got.iter().zip(want).position(|(a, b)| a != b) {
            None => Ok("exact".into()),
            Some(p) => Err(format!("byte {p} differs ({} vs {})", got[p], want[p])),
        },
        Check::Rel(tol) => {
            let (g, w) = (f32s(got), f32s(want));
            let mut worst = 0f32;
            for (i, (a, b)) in g.iter().zip(&w).enumerate() {
                let err = (a - b).abs() / b.abs().max(1.0);
                if err.is_nan() || err > tol {
                    return Err(format!("element {i}: {a} vs {b}"));
                }
                worst = worst.max(err);
            }
            Ok(if worst == 0.0 {
                "exact".into()
            } else {
                format!("rel {worst:.1e}")
            })
        }
    }
}

fn compile(name: &str, source: &str) -> Result<cwcc_simt::Module, String> {
    let out = cwcc_testsuite::run_text(&format!("{name}.cu"), source.to_string(), Stage::Hir);
    if out.diags.has_errors() {
        return Err(cwcc_frontend::diag::render_to_string(
            &out.sources,
            &out.diags,
        ));
    }
    let (mut module, _) = cwcc::to_simt(&out, &[], false)?;
    cwcc::devlib::link_device_library(&mut module, &cwcc::devlib::is_always_native)?;
    Ok(module)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// nvcc's results: `times.txt` lines `NAME MEDIAN_MS ITERS` and `NAME.bin` outputs.
fn read_nvcc(dir: &Path) -> HashMap<String, f64> {
    let text = std::fs::read_to_string(dir.join("times.txt")).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.parse().ok()?))
        })
        .collect()
}

/// One backend's result for one kernel.
#[derive(Default)]
struct Measured {
    check: String,
    ms: Option<f64>,
    iters: usize,
}

struct Row {
    name: &'static str,
    size: String,
    nvcc_ms: Option<f64>,
    vulkan: Measured,
    webgpu: Option<Measured>,
    target: f64,
    bytes: f64,
    flops: f64,
}

fn run_case(rt: &mut Runtime, case: &Case, nvcc: Option<&Path>, iters: usize) -> Measured {
    let mut row = Measured::default();
    let result = (|| -> Result<(), String> {
        let mut bufs = Vec::new();
        for input in &case.inputs {
            bufs.push(rt.alloc_bytes(input).map_err(|e| e.to_string())?);
        }
        let out = rt
            .alloc_bytes(&vec![case.output_fill; case.output_len])
            .map_err(|e| e.to_string())?;
        let args: Vec<KernelArg> = case
            .args
            .iter()
            .map(|a| match a {
                Arg::I32(v) => KernelArg::I32(*v),
                Arg::U32(v) => KernelArg::U32(*v),
                Arg::F32(v) => KernelArg::F32(*v),
                Arg::Input(k) => KernelArg::Buffer(bufs[*k]),
                Arg::Output => KernelArg::Buffer(out),
            })
            .collect();
        let launch = |rt: &mut Runtime| {
            rt.launch(case.kernel, case.grid, case.block, 0, &args)
                .map(|s| s.elapsed)
                .map_err(|e| format!("launch failed: {e}"))
        };
        let first = launch(rt)?;
        let got = rt.read(out).map_err(|e| e.to_string())?;
        let want = match nvcc {
            Some(dir) => {
                let path = dir.join(format!("{}.bin", case.name));
                Some(
                    std::fs::read(&path)
                        .map_err(|e| format!("no nvcc output `{}`: {e}", path.display()))?,
                )
            }
            None => cpu_reference(case),
        };
        row.check = match want {
            Some(want) => {
                let what = if nvcc.is_some() { "= nvcc" } else { "= cpu" };
                match compare(case.check, &got, &want) {
                    Ok(how) => format!("{what} ({how})"),
                    Err(why) => return Err(format!("MISMATCH {what}: {why}")),
                }
            }
            None => "unchecked".into(),
        };
        // Very slow kernels get fewer timed launches.
        let n = if first.is_zero() {
            iters
        } else {
            iters.min((TIME_BUDGET.as_secs_f64() / first.as_secs_f64()) as usize)
        }
        .max(3);
        for _ in 0..WARMUP.min(n) {
            launch(rt)?;
        }
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            times.push(launch(rt)?.as_secs_f64() * 1000.0);
        }
        row.iters = n;
        row.ms = Some(median(times));
        Ok(())
    })();
    if let Err(e) = result {
        // One line for the table: the first lines of the message.
        let one_line: String = e.split_whitespace().collect::<Vec<_>>().join(" ");
        row.check = one_line.chars().take(200).collect();
    }
    row
}

fn fmt_ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.3}"))
}

fn ratio(nvcc: Option<f64>, cwcc: Option<f64>, target: f64) -> String {
    match (nvcc, cwcc) {
        (Some(n), Some(c)) if n > 0.0 && target.is_infinite() => {
            format!("{:.2}x (calibration)", c / n)
        }
        (Some(n), Some(c)) if n > 0.0 => {
            let ratio = c / n;
            format!(
                "{ratio:.2}x {}",
                if ratio <= target { "ok" } else { "MISS" }
            )
        }
        _ => "-".into(),
    }
}

fn table(rows: &[Row], device: &str) -> String {
    let mut s = format!("Device: {device}\n\n");
    let webgpu = rows.iter().any(|r| r.webgpu.is_some());
    s.push_str("| kernel | size | nvcc ms | cwcc-vulkan ms | ratio | target | cwcc GB/s | cwcc GFLOP/s | output check | launches |");
    if webgpu {
        s.push_str(" cwcc-webgpu ms | ratio (target 1.25x) | webgpu check |");
    }
    s.push_str("\n|---|---|---:|---:|---:|---:|---:|---:|---|---:|");
    if webgpu {
        s.push_str("---:|---:|---|");
    }
    s.push('\n');
    for r in rows {
        let vk_ratio = ratio(r.nvcc_ms, r.vulkan.ms, r.target);
        let (gbs, gflops) = match r.vulkan.ms {
            Some(ms) if ms > 0.0 && r.bytes > 0.0 => (
                format!("{:.0}", r.bytes / ms / 1e6),
                if r.flops > 0.0 {
                    format!("{:.0}", r.flops / ms / 1e6)
                } else {
                    "-".into()
                },
            ),
            _ => ("-".into(), "-".into()),
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            r.size,
            fmt_ms(r.nvcc_ms),
            fmt_ms(r.vulkan.ms),
            vk_ratio,
            if r.target.is_finite() {
                format!("{:.1}x", r.target)
            } else {
                "-".into()
            },
            gbs,
            gflops,
            r.vulkan.check,
            r.vulkan.iters
        ));
        if webgpu {
            match &r.webgpu {
                Some(w) => s.push_str(&format!(
                    " {} | {} | {} |",
                    fmt_ms(w.ms),
                    ratio(r.nvcc_ms, w.ms, 1.25),
                    w.check
                )),
                None => s.push_str(" - | - | - |"),
            }
        }
        s.push('\n');
    }
    s
}

/// Prints what the Vulkan driver reports about each device (for the benchmark notes: which
/// memory types exist, whether subgroup size 32 can be required).
fn probe_vulkan() -> Result<(), String> {
    use ash::vk;
    // SAFETY: loading the Vulkan loader runs its initialisers; it may be absent (an error).
    let entry = unsafe { ash::Entry::load() }.map_err(|e| format!("no Vulkan loader: {e}"))?;
    let app = vk::ApplicationInfo::default().api_version(vk::API_VERSION_1_3);
    let info = vk::InstanceCreateInfo::default().application_info(&app);
    // SAFETY: the create info lives for the call.
    let instance = unsafe { entry.create_instance(&info, None) }
        .map_err(|e| format!("vkCreateInstance: {e}"))?;
    // SAFETY: queries on a live instance; structures live for each call.
    unsafe {
        let devices = instance
            .enumerate_physical_devices()
            .map_err(|e| format!("vkEnumeratePhysicalDevices: {e}"))?;
        for pd in devices {
            let mut subgroup = vk::PhysicalDeviceSubgroupProperties::default();
            let mut control = vk::PhysicalDeviceSubgroupSizeControlProperties::default();
            let mut driver = vk::PhysicalDeviceDriverProperties::default();
            let mut float = vk::PhysicalDeviceFloatControlsProperties::default();
            let mut props2 = vk::PhysicalDeviceProperties2::default()
                .push_next(&mut float)
                .push_next(&mut subgroup)
                .push_next(&mut control)
                .push_next(&mut driver);
            instance.get_physical_device_properties2(pd, &mut props2);
            let p = props2.properties;
            let name = p
                .device_name_as_c_str()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let info = driver
                .driver_info_as_c_str()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            println!(
                "device {name} ({:?}), Vulkan {}.{}.{}, driver {info}",
                p.device_type,
                vk::api_version_major(p.api_version),
                vk::api_version_minor(p.api_version),
                vk::api_version_patch(p.api_version),
            );
            println!(
                "  subgroup size {} (control: {}..{}, stages {:?}), subgroup ops {:?}",
                subgroup.subgroup_size,
                control.min_subgroup_size,
                control.max_subgroup_size,
                control.required_subgroup_size_stages,
                subgroup.supported_operations
            );
            println!(
                "  maxComputeWorkGroupCount {:?}, maxComputeSharedMemorySize {}, timestampPeriod {}",
                p.limits.max_compute_work_group_count,
                p.limits.max_compute_shared_memory_size,
                p.limits.timestamp_period
            );
            println!(
                "  float controls: denorm preserve f16/f32/f64 {}/{}/{}, flush-to-zero f32 {}, \
                 signed-zero-inf-nan preserve f32/f64 {}/{}, rounding RTE f32 {}",
                float.shader_denorm_preserve_float16,
                float.shader_denorm_preserve_float32,
                float.shader_denorm_preserve_float64,
                float.shader_denorm_flush_to_zero_float32,
                float.shader_signed_zero_inf_nan_preserve_float32,
                float.shader_signed_zero_inf_nan_preserve_float64,
                float.shader_rounding_mode_rte_float32
            );
            let mem = instance.get_physical_device_memory_properties(pd);
            for (i, h) in mem.memory_heaps_as_slice().iter().enumerate() {
                println!("  heap {i}: {} MiB {:?}", h.size >> 20, h.flags);
            }
            for (i, t) in mem.memory_types_as_slice().iter().enumerate() {
                println!(
                    "  memory type {i}: heap {} {:?}",
                    t.heap_index, t.property_flags
                );
            }
        }
        instance.destroy_instance(None);
    }
    Ok(())
}

fn main() {
    let mut quick = false;
    let mut nvcc: Option<PathBuf> = None;
    let mut iters = 20usize;
    let mut n_log2 = 26u32;
    let mut webgpu = false;
    let mut only: Vec<String> = Vec::new();
    let mut out_file: Option<PathBuf> = None;
    let mut argv = std::env::args().skip(1);
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--nvcc" => nvcc = argv.next().map(PathBuf::from),
            "--iters" => iters = argv.next().and_then(|v| v.parse().ok()).unwrap_or(iters),
            "--only" => only.extend(argv.next()),
            "--webgpu" => webgpu = true,
            "--n-log2" => {
                n_log2 = argv
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|k| (10..=28).contains(k))
                    .unwrap_or(n_log2)
            }
            "--out" => out_file = argv.next().map(PathBuf::from),
            "--dump-spirv" => {
                let dir = PathBuf::from(argv.next().unwrap_or_else(|| ".".into()));
                for (name, src) in SOURCES {
                    let words = compile(name, src).and_then(|m| {
                        cwcc_spirv::compile(&m, name, &cwcc_spirv::SpirvOptions::default())
                            .map_err(|e| e.to_string())
                    });
                    match words {
                        Ok(k) => {
                            let path = dir.join(format!("{name}.spv"));
                            if let Err(e) = std::fs::write(&path, k.bytes()) {
                                eprintln!("cannot write {}: {e}", path.display());
                            }
                        }
                        Err(e) => eprintln!("{name}: {e}"),
                    }
                }
                return;
            }
            "--probe" => {
                if let Err(e) = probe_vulkan() {
                    println!("gpu_vs_nvcc --probe: {e}");
                }
                return;
            }
            // `cargo bench` passes `--bench`; ignore it and anything unknown.
            _ => {}
        }
    }
    let modules: Vec<(&str, cwcc_simt::Module)> = SOURCES
        .iter()
        .filter(|(name, _)| only.is_empty() || only.iter().any(|o| o == name))
        .map(|(name, src)| match compile(name, src) {
            Ok(m) => (*name, m),
            Err(e) => {
                eprintln!("error: benches/gpu/{name}.cu does not compile:\n{e}");
                std::process::exit(1);
            }
        })
        .collect();
    let Some((_, first)) = modules.first() else {
        eprintln!("no kernel selected");
        return;
    };
    // One runtime per kernel module; the first one tells whether there is a device at all.
    let probe = match Runtime::with_vulkan(first.clone()) {
        Ok(rt) => rt,
        Err(e) => {
            println!("gpu_vs_nvcc: skipped: {e}");
            return;
        }
    };
    let device = probe.device_name();
    drop(probe);
    let cpu_device = device.contains("llvmpipe") || device.contains("lavapipe");
    if cpu_device && !quick {
        println!("gpu_vs_nvcc: {device} is a CPU driver: using --quick sizes");
        quick = true;
    }
    println!("gpu_vs_nvcc: device {device}");
    let nvcc_times = nvcc.as_deref().map(read_nvcc).unwrap_or_default();
    let mut rows = Vec::new();
    for case in cases(quick, n_log2) {
        let Some((_, module)) = modules.iter().find(|(n, _)| *n == case.name) else {
            continue;
        };
        let vulkan = match Runtime::with_vulkan(module.clone()) {
            Ok(mut rt) => run_case(&mut rt, &case, nvcc.as_deref(), iters),
            Err(e) => Measured {
                check: format!("no Vulkan runtime: {e}"),
                ..Measured::default()
            },
        };
        let webgpu = webgpu.then(|| match Runtime::with_webgpu(module.clone()) {
            Ok(mut rt) => run_case(&mut rt, &case, nvcc.as_deref(), iters),
            Err(e) => Measured {
                check: format!("no WebGPU runtime: {e}"),
                ..Measured::default()
            },
        });
        let row = Row {
            name: case.name,
            size: case.size.clone(),
            nvcc_ms: nvcc_times.get(case.name).copied(),
            vulkan,
            webgpu,
            target: case.target,
            bytes: case.bytes,
            flops: case.flops,
        };
        println!(
            "{:<10} {:<16} nvcc {:>9} ms  vulkan {:>9} ms  {}{}",
            row.name,
            row.size,
            fmt_ms(row.nvcc_ms),
            fmt_ms(row.vulkan.ms),
            row.vulkan.check,
            row.webgpu
                .as_ref()
                .map(|w| format!("  webgpu {:>9} ms  {}", fmt_ms(w.ms), w.check))
                .unwrap_or_default()
        );
        rows.push(row);
    }
    let failed = rows
        .iter()
        .any(|r| r.vulkan.ms.is_none() || r.webgpu.as_ref().is_some_and(|w| w.ms.is_none()));
    let t = table(&rows, &device);
    println!("\n{t}");
    if let Some(path) = out_file {
        if let Err(e) = std::fs::write(&path, &t) {
            eprintln!("cannot write {}: {e}", path.display());
        }
    }
    if failed {
        eprintln!("gpu_vs_nvcc: some kernels failed their launch or output check (see the table)");
        std::process::exit(1);
    }
}
