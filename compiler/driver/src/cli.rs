//! Command-line interface: nvcc-compatible flags, parsed with clap.
//!
//! nvcc spells many long options with one dash (`-arch=sm_80`, `-std=c++17`, `-lineinfo`,
//! `-use_fast_math`); [`normalize_args`] rewrites those to clap's `--name` form first so that
//! existing build lines work unchanged.

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

/// What `--emit` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// The preprocessed tokens, one per line with their location.
    Tokens,
    /// The preprocessed source text.
    Preprocessed,
    /// The syntax tree.
    Ast,
    /// The typed high-level IR.
    Hir,
    /// The SIMT IR after lowering and the standard passes.
    Simt,
}

/// Code generation targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// WebAssembly module (`.wasm`).
    Wasm,
    /// Vulkan SPIR-V module (`.spv`).
    Spirv,
    /// WebGPU shading language (`.wgsl`).
    Wgsl,
    /// Native object code through Cranelift (`.o`).
    Native,
}

impl Target {
    /// The target implied by an output file's extension.
    pub fn from_extension(ext: &str) -> Option<Target> {
        match ext {
            "wasm" => Some(Target::Wasm),
            "spv" | "spirv" => Some(Target::Spirv),
            "wgsl" => Some(Target::Wgsl),
            "o" | "obj" => Some(Target::Native),
            _ => None,
        }
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Target::Wasm => "wasm",
            Target::Spirv => "spirv",
            Target::Wgsl => "wgsl",
            Target::Native => "native",
        }
    }
}

/// When to color diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Color when writing to a terminal.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// `-o k.wgsl`: the native 64-bit atomics of the WebGPU device the WGSL is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WgslAtomics64 {
    /// None: portable WGSL (every browser); 64-bit atomics other than an unused
    /// atomicAdd / atomicSub are errors.
    None,
    /// 64-bit atomicMin / atomicMax with an unused result (wgpu's SHADER_INT64 and
    /// SHADER_INT64_ATOMIC_MIN_MAX).
    MinMax,
    /// Every 64-bit atomic (wgpu's SHADER_INT64 and SHADER_INT64_ATOMIC_ALL_OPS).
    AllOps,
}

impl WgslAtomics64 {
    /// The WGSL backend's option.
    pub fn level(self) -> cwcc_wgsl::Atomics64 {
        match self {
            WgslAtomics64::None => cwcc_wgsl::Atomics64::None,
            WgslAtomics64::MinMax => cwcc_wgsl::Atomics64::MinMax,
            WgslAtomics64::AllOps => cwcc_wgsl::Atomics64::AllOps,
        }
    }
}

/// cwcc: compile CUDA C++ to WebAssembly, SPIR-V, WGSL and native code.
#[derive(Debug, Parser)]
#[command(
    name = "cwcc",
    version,
    about = "cwcc: compile unmodified CUDA C++ to WebAssembly, Vulkan SPIR-V, WebGPU WGSL and native code",
    after_help = "nvcc spellings are accepted: -arch=sm_XX, -std=c++17, -O3, -lineinfo, --use_fast_math, -gencode, -Xcompiler, -rdc=true, -g, -G, -c, -m64, ...\n\nExamples:\n  cwcc kernel.cu --emit=hir\n  cwcc kernel.cu -o kernel.wasm\n  cwcc -I include -DN=256 -arch=sm_90 kernel.cu --emit=ast"
)]
pub struct Cli {
    /// The CUDA source file to compile.
    pub input: Option<PathBuf>,

    /// Write the output here; the target is inferred from the extension
    /// (.wasm, .spv, .wgsl, .o) unless --target is given.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print an intermediate form instead of generating code.
    #[arg(long, value_enum, value_name = "FORM")]
    pub emit: Option<Emit>,

    /// Code generation target.
    #[arg(long, value_enum)]
    pub target: Option<Target>,

    /// Print the SIMT IR after the named pass (with --emit=simt; repeatable).
    #[arg(long = "print-after", value_name = "PASS")]
    pub print_after: Vec<String>,

    /// Print how long each SIMT pass took (with --emit=simt).
    #[arg(long = "time-passes")]
    pub time_passes: bool,

    /// Add a directory to the include search path.
    #[arg(short = 'I', long = "include-path", value_name = "DIR")]
    pub include_dirs: Vec<PathBuf>,

    /// Define a macro (`NAME` or `NAME=VALUE`).
    #[arg(short = 'D', long = "define-macro", value_name = "NAME[=VALUE]")]
    pub defines: Vec<String>,

    /// Undefine a macro.
    #[arg(short = 'U', long = "undefine-macro", value_name = "NAME")]
    pub undefines: Vec<String>,

    /// GPU architecture, e.g. sm_90 (sets __CUDA_ARCH__; default sm_90).
    #[arg(long = "arch", alias = "gpu-architecture", value_name = "ARCH")]
    pub arch: Option<String>,

    /// Language standard (c++11, c++14, c++17, c++20); accepted for nvcc compatibility.
    #[arg(long = "std", value_name = "STD")]
    pub std: Option<String>,

    /// Optimization level (accepted for nvcc compatibility).
    #[arg(short = 'O', value_name = "LEVEL")]
    pub opt_level: Option<String>,

    /// Emit line information (accepted for nvcc compatibility).
    #[arg(long = "lineinfo", alias = "generate-line-info")]
    pub lineinfo: bool,

    /// Use fast math (cwcc keeps CUDA's accuracy; it only implies `-ftz=true`).
    #[arg(long = "use_fast_math", alias = "use-fast-math")]
    pub use_fast_math: bool,

    /// Flush f32 subnormals to zero (nvcc's `-ftz`; default false, as in CUDA). With true,
    /// `-o k.spv` and `-o k.wgsl` leave out the emulation that keeps subnormals on drivers
    /// that flush them.
    #[arg(long = "ftz", value_name = "true|false")]
    pub ftz: Option<bool>,

    /// WebAssembly: run thread loops four threads at a time with SIMD128 (clang's spelling).
    /// Off by default: on the benchmark kernels it is still slower than the scalar loops
    /// (docs/benchmarks.md).
    #[arg(long = "msimd128")]
    pub wasm_simd: bool,

    /// `-o k.wgsl` for a native WebGPU device with 64-bit atomics (not browsers): 64-bit
    /// atomics on global memory use them, through the heap bound again at bindings 2
    /// (`array<atomic<u64>>`) and 3 (`array<atomic<i64>>`). `cwcc run` asks the device.
    #[arg(long = "wgsl-atomics64", value_enum, default_value = "none")]
    pub wgsl_atomics64: WgslAtomics64,

    /// nvcc's -gencode (accepted and ignored).
    #[arg(long = "gencode", alias = "generate-code", value_name = "SPEC")]
    pub gencode: Vec<String>,

    /// nvcc's -code (accepted and ignored).
    #[arg(long = "code", value_name = "CODE")]
    pub code: Vec<String>,

    /// Options for the host compiler (accepted and ignored: cwcc compiles no host code).
    #[arg(
        long = "Xcompiler",
        alias = "compiler-options",
        value_name = "OPTS",
        allow_hyphen_values = true
    )]
    pub xcompiler: Vec<String>,

    /// Options for ptxas (accepted and ignored).
    #[arg(
        long = "Xptxas",
        alias = "ptxas-options",
        value_name = "OPTS",
        allow_hyphen_values = true
    )]
    pub xptxas: Vec<String>,

    /// Options for the linker (accepted and ignored).
    #[arg(
        long = "Xlinker",
        alias = "linker-options",
        value_name = "OPTS",
        allow_hyphen_values = true
    )]
    pub xlinker: Vec<String>,

    /// Host compiler (accepted and ignored).
    #[arg(long = "ccbin", alias = "compiler-bindir", value_name = "PATH")]
    pub ccbin: Option<String>,

    /// Relocatable device code (accepted and ignored).
    #[arg(long = "rdc", alias = "relocatable-device-code", value_name = "BOOL")]
    pub rdc: Option<String>,

    /// Maximum registers (accepted and ignored).
    #[arg(long = "maxrregcount", value_name = "N")]
    pub maxrregcount: Option<String>,

    /// CUDA runtime library kind (accepted and ignored).
    #[arg(long = "cudart", value_name = "KIND")]
    pub cudart: Option<String>,

    /// nvcc flags without effect in cwcc, accepted so build lines work:
    /// --expt-relaxed-constexpr, --expt-extended-lambda, -res-usage, -m64, -Wno-deprecated-gpu-targets.
    #[arg(long = "nvcc-flag", hide = true)]
    pub ignored_flags: Vec<String>,

    /// Debug information (accepted for nvcc compatibility).
    #[arg(short = 'g')]
    pub debug: bool,

    /// Device debug information (accepted for nvcc compatibility).
    #[arg(short = 'G')]
    pub device_debug: bool,

    /// Compile only (cwcc always compiles only).
    #[arg(short = 'c')]
    pub compile_only: bool,

    /// Link libraries (accepted and ignored).
    #[arg(short = 'l', value_name = "LIB")]
    pub libs: Vec<String>,

    /// Library directories (accepted and ignored).
    #[arg(short = 'L', value_name = "DIR")]
    pub lib_dirs: Vec<PathBuf>,

    /// Suppress warnings.
    #[arg(short = 'w')]
    pub no_warnings: bool,

    /// Treat warnings as errors.
    #[arg(long = "Werror")]
    pub werror: bool,

    /// Show notes too (e.g. ignored pragmas, skipped host code).
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    /// One line per diagnostic (`file:line:col: error: message`).
    #[arg(long = "short-diagnostics")]
    pub short_diagnostics: bool,

    /// When to color diagnostics.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorWhen,
}

/// nvcc options that take a value, spelled with one dash (`-arch=sm_80` or `-arch sm_80`).
const NVCC_VALUE_OPTIONS: &[&str] = &[
    "arch",
    "std",
    "gencode",
    "code",
    "Xcompiler",
    "Xptxas",
    "Xlinker",
    "ccbin",
    "rdc",
    "maxrregcount",
    "cudart",
    "gpu-architecture",
    "ftz",
];

/// nvcc flags without a value, spelled with one dash, that cwcc understands.
const NVCC_FLAGS: &[&str] = &["lineinfo", "use_fast_math", "Werror", "msimd128"];

/// nvcc flags without effect in cwcc.
const NVCC_IGNORED_FLAGS: &[&str] = &[
    "expt-relaxed-constexpr",
    "expt-extended-lambda",
    "extended-lambda",
    "res-usage",
    "m64",
    "Wno-deprecated-gpu-targets",
    "Wno-deprecated-declarations",
    "keep",
    "dc",
    "dlink",
    "cubin",
    "ptx",
    "fatbin",
    "src-in-ptx",
    "restrict",
];

/// Rewrites nvcc's single-dash long options into the `--name` form clap expects.
pub fn normalize_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    for arg in args {
        let Some(body) = arg.strip_prefix('-') else {
            out.push(arg);
            continue;
        };
        let body = body.strip_prefix('-').unwrap_or(body);
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        if NVCC_VALUE_OPTIONS.contains(&name) {
            match value {
                Some(v) => out.push(format!("--{name}={v}")),
                None => out.push(format!("--{name}")),
            }
        } else if NVCC_FLAGS.contains(&name) && value.is_none() {
            out.push(format!("--{name}"));
        } else if NVCC_IGNORED_FLAGS.contains(&name) {
            out.push(format!("--nvcc-flag={body}"));
        } else {
            out.push(arg);
        }
    }
    out
}

/// `__CUDA_ARCH__` for an `-arch` value such as `sm_90`, `compute_80` or `sm_90a`.
pub fn cuda_arch_value(arch: &str) -> Result<u32, String> {
    let digits = arch
        .strip_prefix("sm_")
        .or_else(|| arch.strip_prefix("compute_"))
        .or_else(|| arch.strip_prefix("lto_"))
        .ok_or_else(|| {
            format!("invalid -arch value `{arch}`: expected sm_XX or compute_XX, e.g. sm_90")
        })?;
    let digits: String = digits.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u32 = digits.parse().map_err(|_| {
        format!("invalid -arch value `{arch}`: expected sm_XX or compute_XX, e.g. sm_90")
    })?;
    if !(10..=1300).contains(&n) {
        return Err(format!(
            "invalid -arch value `{arch}`: unknown architecture"
        ));
    }
    Ok(n * 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn nvcc_spellings_are_rewritten() {
        assert_eq!(
            norm(&[
                "-arch=sm_80",
                "-std=c++17",
                "-O3",
                "-lineinfo",
                "--use_fast_math"
            ]),
            [
                "--arch=sm_80",
                "--std=c++17",
                "-O3",
                "--lineinfo",
                "--use_fast_math"
            ]
        );
        assert_eq!(norm(&["-arch", "sm_80"]), ["--arch", "sm_80"]);
        assert_eq!(
            norm(&["--expt-relaxed-constexpr"]),
            ["--nvcc-flag=expt-relaxed-constexpr"]
        );
        assert_eq!(norm(&["-I", "inc", "-DN=4"]), ["-I", "inc", "-DN=4"]);
    }

    #[test]
    fn nvcc_build_line_parses() {
        let args = norm(&[
            "cwcc",
            "-arch=sm_80",
            "-std=c++17",
            "-O3",
            "-lineinfo",
            "-use_fast_math",
            "-Xcompiler",
            "-fopenmp",
            "-gencode",
            "arch=compute_80,code=sm_80",
            "-rdc=true",
            "-m64",
            "-c",
            "k.cu",
            "-o",
            "k.wasm",
        ]);
        let cli = Cli::try_parse_from(args).expect("parses");
        assert_eq!(cli.arch.as_deref(), Some("sm_80"));
        assert_eq!(cli.opt_level.as_deref(), Some("3"));
        assert!(cli.use_fast_math && cli.lineinfo && cli.compile_only);
        assert_eq!(cli.input.as_deref(), Some(std::path::Path::new("k.cu")));
    }

    #[test]
    fn arch_values() {
        assert_eq!(cuda_arch_value("sm_90"), Ok(900));
        assert_eq!(cuda_arch_value("compute_80"), Ok(800));
        assert_eq!(cuda_arch_value("sm_90a"), Ok(900));
        assert!(cuda_arch_value("pascal").is_err());
    }
}
