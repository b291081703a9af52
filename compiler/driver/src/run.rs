//! `cwcc run`: compile a `.cu` file, launch one kernel on a backend with arguments from the
//! command line, and write every buffer argument back as `.npy`; plus the HIR -> SIMT step
//! shared with `cwcc FILE.cu --emit=simt`.

use clap::{Parser, ValueEnum};
use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_runtime::npy::{self, DType, NpyArray};
use cwcc_runtime::{KernelArg, Runtime};
use std::path::{Path, PathBuf};

/// The backends `cwcc run --backend` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    /// The fastest backend that can run the kernel: a GPU through Vulkan, then a GPU through
    /// WebGPU, then wasm on all cores, then interp.
    Auto,
    /// The SIMT reference executor.
    Interp,
    /// WebAssembly on wasmtime.
    Wasm,
    /// Native code through Cranelift.
    Native,
    /// Vulkan SPIR-V.
    Vulkan,
    /// WebGPU WGSL.
    Webgpu,
}

/// `cwcc run <FILE.cu> --kernel NAME --grid X[,Y[,Z]] --block X[,Y[,Z]] [...]`
#[derive(Debug, Parser)]
#[command(
    name = "cwcc run",
    about = "Compile a CUDA file and run one kernel launch",
    after_help = "SPEC:  i32:V | u32:V | i64:V | u64:V | f32:V | f64:V   scalar argument\n       @PATH.npy                                       buffer from a NumPy .npy file\n       zeros:DTYPE:LEN                                 zero-filled buffer (DTYPE: i8 u8 i16 u16 i32 u32 i64 u64 f32 f64)\n\nAfter the launch every buffer argument K is written to DIR/argK.npy."
)]
pub struct RunArgs {
    /// The CUDA source file.
    pub input: PathBuf,
    /// The kernel to launch (its source name; template instances as `name<args>`).
    #[arg(long)]
    pub kernel: String,
    /// Grid size: X[,Y[,Z]].
    #[arg(long)]
    pub grid: String,
    /// Block size: X[,Y[,Z]].
    #[arg(long)]
    pub block: String,
    /// Bytes of dynamic (`extern __shared__`) shared memory per block.
    #[arg(long, default_value_t = 0)]
    pub shared_bytes: u64,
    /// Where to run.
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: BackendChoice,
    /// Kernel arguments in parameter order (see SPEC below).
    #[arg(long = "arg", allow_hyphen_values = true)]
    pub args: Vec<String>,
    /// Directory for the `argK.npy` outputs.
    #[arg(long, default_value = "cwcc-out")]
    pub out_dir: PathBuf,
    /// Print the kernel time on stderr.
    #[arg(long)]
    pub time: bool,
    /// Say which backend runs and what was written.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Add a directory to the include search path.
    #[arg(short = 'I', value_name = "DIR")]
    pub include_dirs: Vec<PathBuf>,
    /// Define a macro (`NAME` or `NAME=VALUE`).
    #[arg(short = 'D', value_name = "NAME[=VALUE]")]
    pub defines: Vec<String>,
    /// Flush f32 subnormals to zero (nvcc's `-ftz`; default false, as in CUDA). With true,
    /// a Vulkan GPU or WebGPU adapter that flushes them (NVIDIA's driver) runs without
    /// cwcc's emulation.
    #[arg(long = "ftz", value_name = "true|false")]
    pub ftz: Option<bool>,
    /// nvcc's fast math; here it only implies `-ftz=true` (cwcc keeps CUDA's accuracy
    /// otherwise).
    #[arg(long = "use_fast_math", alias = "use-fast-math")]
    pub use_fast_math: bool,
}

impl RunArgs {
    /// `-ftz=true` or `--use_fast_math`: f32 subnormals may be flushed to zero.
    fn flush_denormals(&self) -> bool {
        self.ftz == Some(true) || self.use_fast_math
    }
}

/// A parsed `--arg` value.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgSpec {
    /// A scalar.
    Scalar(KernelArg),
    /// A buffer with its dtype and shape.
    Buffer(NpyArray),
}

/// Parses one `--arg` SPEC (`index` is its position, for messages).
pub fn parse_spec(index: usize, spec: &str) -> Result<ArgSpec, String> {
    let bad = |why: String| format!("bad --arg {index} `{spec}`: {why}");
    if let Some(path) = spec.strip_prefix('@') {
        let bytes = std::fs::read(path).map_err(|e| {
            bad(format!(
                "cannot read `{path}`: {}",
                match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    _ => e.to_string(),
                }
            ))
        })?;
        let array = npy::read_npy(&bytes).map_err(|e| bad(format!("`{path}`: {e}")))?;
        return Ok(ArgSpec::Buffer(array));
    }
    let Some((kind, rest)) = spec.split_once(':') else {
        return Err(bad(
            "expected TYPE:VALUE (i32 u32 i64 u64 f32 f64), @PATH.npy or zeros:DTYPE:LEN".into(),
        ));
    };
    let num = |what: &str| bad(format!("`{rest}` is not a valid {what}"));
    let arg = match kind {
        "i32" => KernelArg::I32(rest.parse().map_err(|_| num("i32"))?),
        "u32" => KernelArg::U32(rest.parse().map_err(|_| num("u32"))?),
        "i64" => KernelArg::I64(rest.parse().map_err(|_| num("i64"))?),
        "u64" => KernelArg::U64(rest.parse().map_err(|_| num("u64"))?),
        "f32" => KernelArg::F32(rest.parse().map_err(|_| num("f32"))?),
        "f64" => KernelArg::F64(rest.parse().map_err(|_| num("f64"))?),
        "zeros" => {
            let Some((dtype, len)) = rest.split_once(':') else {
                return Err(bad("expected zeros:DTYPE:LEN".into()));
            };
            let dtype = DType::from_name(dtype).ok_or_else(|| {
                bad(format!(
                    "unknown dtype `{dtype}` (use i8 u8 i16 u16 f16 i32 u32 i64 u64 f32 f64)"
                ))
            })?;
            let len: usize = len
                .parse()
                .map_err(|_| bad(format!("`{len}` is not a valid length")))?;
            let bytes = len
                .checked_mul(dtype.size())
                .filter(|&b| b <= 1 << 32)
                .ok_or_else(|| bad(format!("{len} elements is too large")))?;
            return Ok(ArgSpec::Buffer(NpyArray {
                dtype,
                shape: vec![len],
                data: vec![0; bytes],
            }));
        }
        other => {
            return Err(bad(format!(
                "unknown type `{other}` (use i32 u32 i64 u64 f32 f64, @PATH.npy or zeros:DTYPE:LEN)"
            )))
        }
    };
    Ok(ArgSpec::Scalar(arg))
}

/// Parses `X[,Y[,Z]]`.
pub fn parse_dims(what: &str, text: &str) -> Result<[u32; 3], String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.is_empty() || parts.len() > 3 {
        return Err(format!("bad --{what} `{text}`: expected X[,Y[,Z]]"));
    }
    let mut dims = [1u32; 3];
    for (d, p) in dims.iter_mut().zip(&parts) {
        *d = p
            .parse()
            .ok()
            .filter(|&v| v > 0)
            .ok_or_else(|| format!("bad --{what} `{text}`: `{p}` is not a positive integer"))?;
    }
    Ok(dims)
}

/// Runs `cwcc run` with the arguments after `run`; returns the exit code.
pub fn main(args: Vec<String>) -> u8 {
    let parsed = match RunArgs::try_parse_from(std::iter::once("cwcc run".to_string()).chain(args))
    {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(&parsed) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

fn run(a: &RunArgs) -> Result<(), String> {
    let ext = a.input.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !matches!(ext, "cu" | "wasm") {
        return Err(format!(
            "`{}`: `cwcc run` takes a CUDA source file (.cu) or a WebAssembly artifact made by cwcc (.wasm)",
            a.input.display()
        ));
    }
    match a.backend {
        BackendChoice::Native => {
            return Err(
                "the native backend is not built yet\n  = hint: use --backend wasm or --backend interp"
                    .to_string(),
            );
        }
        BackendChoice::Interp | BackendChoice::Vulkan | BackendChoice::Webgpu if ext == "wasm" => {
            return Err(format!(
                "`{}` is a WebAssembly artifact: it runs on --backend wasm (or auto); the interp, vulkan and webgpu backends run .cu files",
                a.input.display()
            ));
        }
        _ => {}
    }
    let grid = parse_dims("grid", &a.grid)?;
    let block = parse_dims("block", &a.block)?;
    let specs: Vec<ArgSpec> = a
        .args
        .iter()
        .enumerate()
        .map(|(i, s)| parse_spec(i, s))
        .collect::<Result<_, _>>()?;

    let mut rt = load(a, ext)?;
    let mut kargs = Vec::new();
    let mut buffers = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        match spec {
            ArgSpec::Scalar(k) => kargs.push(k.clone()),
            ArgSpec::Buffer(array) => {
                let b = rt.alloc_bytes(&array.data).map_err(|e| e.to_string())?;
                buffers.push((i, b, array.dtype, array.shape.clone()));
                kargs.push(KernelArg::Buffer(b));
            }
        }
    }
    let stats = rt
        .launch(&a.kernel, grid, block, a.shared_bytes, &kargs)
        .map_err(|e| e.to_string())?;
    print!("{}", stats.stdout);
    for w in &stats.warnings {
        eprintln!("warning: {w}");
    }
    if a.time {
        eprintln!(
            "kernel time: {:.3} ms ({})",
            stats.elapsed.as_secs_f64() * 1000.0,
            match rt.backend() {
                cwcc_runtime::Backend::Interp => "interp",
                cwcc_runtime::Backend::Wasm => "wasm",
                cwcc_runtime::Backend::Vulkan => "vulkan",
                cwcc_runtime::Backend::WebGpu => "webgpu",
            }
        );
    }
    if !buffers.is_empty() {
        std::fs::create_dir_all(&a.out_dir).map_err(|e| {
            format!(
                "cannot create the output directory `{}`: {e}",
                a.out_dir.display()
            )
        })?;
    }
    for (i, b, dtype, shape) in buffers {
        let data = rt.read(b).map_err(|e| e.to_string())?;
        let path = a.out_dir.join(format!("arg{i}.npy"));
        write_npy(&path, &NpyArray { dtype, shape, data })?;
        if a.verbose {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}

fn write_npy(path: &Path, array: &NpyArray) -> Result<(), String> {
    std::fs::write(path, npy::write_npy(array))
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// Compiles or loads the input for the chosen backend.
fn load(a: &RunArgs, ext: &str) -> Result<Runtime, String> {
    let flush_denormals = a.flush_denormals();
    if ext == "wasm" {
        let bytes = std::fs::read(&a.input)
            .map_err(|e| format!("cannot read `{}`: {e}", a.input.display()))?;
        if a.verbose {
            eprintln!("note: running `{}` on wasm", a.input.display());
        }
        return Runtime::from_wasm(&bytes).map_err(|e| format!("`{}`: {e}", a.input.display()));
    }
    let module = compile(a)?;
    match a.backend {
        BackendChoice::Interp => {
            if a.verbose {
                eprintln!("note: running on interp (the reference executor)");
            }
            Ok(Runtime::new(module))
        }
        BackendChoice::Wasm => {
            let bytes = module_to_wasm(module)?;
            Runtime::from_wasm(&bytes).map_err(|e| e.to_string())
        }
        BackendChoice::Vulkan => {
            let mut module = module;
            cwcc::devlib::link_device_library(&mut module, &cwcc::devlib::is_always_native)?;
            let mut rt = Runtime::with_vulkan(module).map_err(|e| e.to_string())?;
            rt.set_flush_denormals(flush_denormals);
            if a.verbose {
                eprintln!("note: running on {}", rt.device_name());
            }
            Ok(rt)
        }
        BackendChoice::Webgpu => {
            let mut module = module;
            cwcc::devlib::link_device_library(&mut module, &cwcc::devlib::is_always_native)?;
            let mut rt = Runtime::with_webgpu(module).map_err(|e| e.to_string())?;
            rt.set_flush_denormals(flush_denormals);
            if a.verbose {
                eprintln!("note: running on {}", rt.device_name());
            }
            Ok(rt)
        }
        _ => auto(a, module),
    }
}

/// `--backend auto`: the first of a real GPU through Vulkan, a real GPU through WebGPU,
/// WebAssembly on all cores, and the reference executor that can run the kernel. A GPU
/// backend counts only when its device is a GPU (not a CPU driver such as lavapipe) and the
/// kernel compiles for it; `--verbose` says what was chosen and why the others were not.
fn auto(a: &RunArgs, module: cwcc_simt::Module) -> Result<Runtime, String> {
    let flush_denormals = a.flush_denormals();
    let gpu_module = || -> Result<cwcc_simt::Module, String> {
        let mut linked = module.clone();
        cwcc::devlib::link_device_library(&mut linked, &cwcc::devlib::is_always_native)?;
        Ok(linked)
    };
    let gpu = |open: fn(cwcc_simt::Module) -> Result<Runtime, cwcc_runtime::RuntimeError>| {
        let kernel = a.kernel.clone();
        move || -> Result<Runtime, String> {
            let mut rt = open(gpu_module()?).map_err(|e| e.to_string())?;
            rt.set_flush_denormals(flush_denormals);
            if !rt.is_gpu() {
                return Err(format!("{} is not a GPU", rt.device_name()));
            }
            rt.prepare(&kernel).map_err(|e| e.to_string())?;
            Ok(rt)
        }
    };
    let candidates: Vec<AutoCandidate<'_, Runtime>> = vec![
        ("vulkan", Box::new(gpu(Runtime::with_vulkan))),
        ("webgpu", Box::new(gpu(Runtime::with_webgpu))),
        (
            "wasm",
            Box::new(|| {
                let bytes = module_to_wasm(module.clone())?;
                Runtime::from_wasm(&bytes).map_err(|e| e.to_string())
            }),
        ),
        ("interp", Box::new(|| Ok(Runtime::new(module.clone())))),
    ];
    let (choice, skipped) = pick_first(candidates);
    if a.verbose {
        for (name, why) in &skipped {
            eprintln!("note: --backend auto: not {name}: {why}");
        }
    }
    let (name, rt) = choice.ok_or_else(|| {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|(name, why)| format!("{name}: {why}"))
            .collect();
        format!("no backend can run this kernel ({})", reasons.join("; "))
    })?;
    if a.verbose {
        eprintln!("note: --backend auto chose {name}: {}", rt.device_name());
    } else if name == "interp" {
        // Slower by orders of magnitude: say so even without --verbose.
        if let Some((_, why)) = skipped.iter().find(|(n, _)| *n == "wasm") {
            eprintln!("note: --backend auto runs on interp: the wasm backend cannot compile this module: {why}");
        }
    }
    Ok(rt)
}

/// A backend `--backend auto` may choose: its name and how to open it.
type AutoCandidate<'a, T> = (&'static str, Box<dyn FnOnce() -> Result<T, String> + 'a>);

/// The backends `--backend auto` passed over, each with the reason.
type Skipped = Vec<(&'static str, String)>;

/// Opens the candidates in order and returns the first that opens, with the name and reason
/// of each one skipped before it.
fn pick_first<T>(candidates: Vec<AutoCandidate<'_, T>>) -> (Option<(&'static str, T)>, Skipped) {
    let mut skipped = Vec::new();
    for (name, open) in candidates {
        match open() {
            Ok(value) => return (Some((name, value)), skipped),
            Err(why) => skipped.push((name, why)),
        }
    }
    (None, skipped)
}

fn module_to_wasm(mut module: cwcc_simt::Module) -> Result<Vec<u8>, String> {
    let mut report = cwcc_simt::pass::PassReport::default();
    cwcc::to_per_block(&mut module, &[], false, &mut report)?;
    cwcc_wasm::compile(&module).map_err(|e| e.to_string())
}

fn compile(a: &RunArgs) -> Result<cwcc_simt::Module, String> {
    let text = std::fs::read(&a.input).map_err(|e| {
        format!(
            "cannot read `{}`: {}",
            a.input.display(),
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            }
        )
    })?;
    let text = String::from_utf8(text)
        .map_err(|_| format!("`{}` is not valid UTF-8 text", a.input.display()))?;
    let mut config = PpConfig {
        include_dirs: a.include_dirs.clone(),
        ..PpConfig::nvcc()
    };
    for d in &a.defines {
        let (name, value) = match d.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (d.clone(), "1".to_string()),
        };
        config.defines.push((name, value));
    }
    let name = a.input.display().to_string();
    let out = run_front_end(&name, text, &config, &FsLoader, Stage::Hir);
    if out.diags.has_errors() {
        let rendered = cwcc_frontend::diag::render_to_string(&out.sources, &out.diags);
        return Err(format!(
            "`{name}` does not compile:\n{}",
            rendered.trim_end()
        ));
    }
    let (module, _) = to_simt(&out, &[], false)?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        assert_eq!(
            parse_spec(0, "i32:-5").unwrap(),
            ArgSpec::Scalar(KernelArg::I32(-5))
        );
        assert_eq!(
            parse_spec(0, "f64:2.5").unwrap(),
            ArgSpec::Scalar(KernelArg::F64(2.5))
        );
        match parse_spec(1, "zeros:u8:3").unwrap() {
            ArgSpec::Buffer(a) => assert_eq!((a.dtype, a.data.len()), (DType::U8, 3)),
            other => panic!("{other:?}"),
        }
        assert!(parse_spec(2, "i32:x")
            .unwrap_err()
            .contains("bad --arg 2 `i32:x`"));
        assert!(parse_spec(0, "q8:1")
            .unwrap_err()
            .contains("unknown type `q8`"));
        match parse_spec(1, "zeros:f16:4").unwrap() {
            ArgSpec::Buffer(a) => assert_eq!((a.dtype, a.data.len()), (DType::F16, 8)),
            other => panic!("{other:?}"),
        }
        assert!(parse_spec(0, "zeros:f8:4")
            .unwrap_err()
            .contains("unknown dtype `f8`"));
        assert!(parse_spec(0, "@/nonexistent.npy")
            .unwrap_err()
            .contains("no such file"));
    }

    #[test]
    fn auto_takes_the_first_backend_that_opens_and_says_why_it_skipped_the_others() {
        let candidates: Vec<AutoCandidate<'_, u32>> = vec![
            (
                "vulkan",
                Box::new(|| Err("llvmpipe is not a GPU".to_string())),
            ),
            ("webgpu", Box::new(|| Err("no adapter".to_string()))),
            ("wasm", Box::new(|| Ok(3))),
            ("interp", Box::new(|| panic!("not reached: wasm opened"))),
        ];
        let (choice, skipped) = pick_first(candidates);
        assert_eq!(choice, Some(("wasm", 3)));
        assert_eq!(
            skipped,
            vec![
                ("vulkan", "llvmpipe is not a GPU".to_string()),
                ("webgpu", "no adapter".to_string())
            ]
        );
        let gpu_first: Vec<AutoCandidate<'_, u32>> =
            vec![("vulkan", Box::new(|| Ok(1))), ("wasm", Box::new(|| Ok(3)))];
        assert_eq!(pick_first(gpu_first).0, Some(("vulkan", 1)));
        let none: Vec<AutoCandidate<'_, u32>> = vec![("wasm", Box::new(|| Err("x".into())))];
        assert_eq!(pick_first(none), (None, vec![("wasm", "x".to_string())]));
    }

    #[test]
    fn dims_parse() {
        assert_eq!(parse_dims("grid", "4").unwrap(), [4, 1, 1]);
        assert_eq!(parse_dims("grid", "4,2,3").unwrap(), [4, 2, 3]);
        assert!(parse_dims("block", "0").is_err());
        assert!(parse_dims("block", "1,2,3,4").is_err());
    }
}
