//! The `cwcc` command.

use clap::Parser;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use cwcc::cli::{self, Cli, ColorWhen, Emit, Target};
use cwcc::{run_front_end, FsLoader, Stage};
use cwcc_frontend::diag::{self, Diagnostic, RenderConfig, Severity};
use cwcc_frontend::pp::PpConfig;
use std::io::Write;
use std::process::ExitCode;

mod run;

fn main() -> ExitCode {
    let mut args = cli::normalize_args(std::env::args());
    if args.get(1).map(String::as_str) == Some("run") {
        return ExitCode::from(run::main(args.split_off(2)));
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// Runs the compiler; `Err` is a one-line error without a source location.
fn run(cli: &Cli) -> Result<ExitCode, String> {
    let runs_passes = cli.emit == Some(Emit::Simt)
        || (cli.emit.is_none() && (cli.target.is_some() || cli.output.is_some()));
    if !runs_passes && (cli.time_passes || !cli.print_after.is_empty()) {
        return Err(
            "--print-after and --time-passes need --emit=simt or a compiled output (-o FILE.wasm)"
                .to_string(),
        );
    }
    let input = cli.input.as_ref().ok_or(
        "no input file\n  = hint: cwcc FILE.cu [-o OUT] [--emit=tokens|preprocessed|ast|hir]",
    )?;
    let text = std::fs::read(input)
        .map_err(|e| format!("cannot read `{}`: {}", input.display(), io_reason(&e)))?;
    let text = String::from_utf8(text)
        .map_err(|_| format!("`{}` is not valid UTF-8 text", input.display()))?;

    let target = match (cli.target, &cli.output) {
        (Some(t), _) => Some(t),
        (None, Some(out)) if cli.emit.is_none() => {
            let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("");
            Some(Target::from_extension(ext).ok_or_else(|| {
                format!(
                    "cannot infer the target from the output file `{}`\n  = hint: use an extension .wasm, .spv, .wgsl or .o, or pass --target",
                    out.display()
                )
            })?)
        }
        _ => None,
    };

    let mut config = PpConfig {
        include_dirs: cli.include_dirs.clone(),
        undefines: cli.undefines.clone(),
        ..PpConfig::nvcc()
    };
    if let Some(arch) = &cli.arch {
        config.cuda_arch = cli::cuda_arch_value(arch)?;
    }
    for d in &cli.defines {
        let (name, value) = match d.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (d.clone(), "1".to_string()),
        };
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || name.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(format!("invalid macro name in `-D {d}`"));
        }
        config.defines.push((name, value));
    }
    if let Some(std) = &cli.std {
        if !matches!(
            std.as_str(),
            "c++03" | "c++11" | "c++14" | "c++17" | "c++20" | "c++23"
        ) {
            return Err(format!(
                "unsupported -std value `{std}`: use c++11, c++14, c++17 or c++20"
            ));
        }
    }

    let stage = match cli.emit {
        Some(Emit::Tokens) | Some(Emit::Preprocessed) => Stage::Preprocess,
        Some(Emit::Ast) => Stage::Parse,
        Some(Emit::Hir) | Some(Emit::Simt) | None => Stage::Hir,
    };
    let name = input.display().to_string();
    let out = run_front_end(&name, text, &config, &FsLoader, stage);

    let errors = report(cli, &out.sources, out.diags.iter());
    if errors > 0 {
        eprintln!(
            "{errors} error{} generated.",
            if errors == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(1));
    }

    let printed = match cli.emit {
        Some(Emit::Tokens) => Some(cwcc::dump_tokens(&out.sources, &out.tokens)),
        Some(Emit::Preprocessed) => {
            Some(cwcc_frontend::pp::tokens_to_text(&out.sources, &out.tokens))
        }
        Some(Emit::Ast) => out.ast.as_ref().map(|tu| cwcc::user_ast(tu, &out.sources)),
        Some(Emit::Simt) => match cwcc::to_simt(&out, &cli.print_after, cli.time_passes) {
            Ok((module, report)) => {
                eprint!("{}{}", report.printed, report.timings);
                Some(cwcc_simt::print_module(&module))
            }
            Err(message) => {
                eprintln!("{}", message.trim_end());
                return Ok(ExitCode::from(1));
            }
        },
        Some(Emit::Hir) => out.hir.as_ref().map(|m| m.to_string()),
        None => None,
    };
    if let Some(text) = printed {
        match &cli.output {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write `{}`: {}", path.display(), io_reason(&e)))?,
            None => {
                let mut stdout = std::io::stdout().lock();
                // A closed pipe (e.g. `| head`) is not an error worth reporting.
                let _ = stdout.write_all(text.as_bytes());
            }
        }
        return Ok(ExitCode::SUCCESS);
    }

    match target {
        Some(Target::Wasm) => {
            let options = cwcc_wasm::WasmOptions {
                simd: cli.wasm_simd,
            };
            let wasm = cwcc::to_wasm_with(&out, &cli.print_after, cli.time_passes, &options);
            let (bytes, report) = match wasm {
                Ok(result) => result,
                Err(message) => {
                    eprintln!("error: {}", message.trim_end());
                    return Ok(ExitCode::from(1));
                }
            };
            eprint!("{}{}", report.printed, report.timings);
            let path = cli.output.clone().unwrap_or_else(|| input.with_extension("wasm"));
            std::fs::write(&path, bytes)
                .map_err(|e| format!("cannot write `{}`: {}", path.display(), io_reason(&e)))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(target @ (Target::Wgsl | Target::Spirv)) => {
            let written = if target == Target::Wgsl {
                write_wgsl(&out, cli, input)
            } else {
                write_spirv(&out, cli, input)
            };
            let written = match written {
                Ok(written) => written,
                Err(message) => {
                    eprintln!("error: {}", message.trim_end());
                    return Ok(ExitCode::from(1));
                }
            };
            if cli.verbose {
                for path in written {
                    eprintln!("wrote {}", path.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(target) => Err(format!(
            "the {} backend is not built yet\n  = hint: `-o FILE.wasm` builds WebAssembly; `--emit=simt` prints the SIMT IR",
            target.name()
        )),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The SIMT module for a GPU target: the standard passes (their `--print-after` and
/// `--time-passes` output on stderr), then the device library linked in.
fn linked_simt(out: &cwcc::FrontEndOutput, cli: &Cli) -> Result<cwcc_simt::Module, String> {
    let (mut module, report) = cwcc::to_simt(out, &cli.print_after, cli.time_passes)?;
    eprint!("{}{}", report.printed, report.timings);
    cwcc::devlib::link_device_library(&mut module, &cwcc::devlib::is_always_native)?;
    Ok(module)
}

/// `-o FILE.spv`: one SPIR-V module per kernel, each with its launch manifest in a JSON file
/// beside it (`FILE.spv.json`; see `cwcc::spirv_manifest`). Modules are compiled for any
/// Vulkan 1.2 device with `bufferDeviceAddress`, `shaderInt64` and `shaderFloat64`: warp
/// collectives use the workgroup-memory emulation, which works whatever the subgroup size.
/// File names as for `.wgsl`. Returns the paths written.
fn write_spirv(
    out: &cwcc::FrontEndOutput,
    cli: &Cli,
    input: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>, String> {
    let module = linked_simt(out, cli)?;
    let mut options = cwcc::portable_spirv_options();
    options.soft_denormals_f32 = !(cli.ftz == Some(true) || cli.use_fast_math);
    let mut kernels = Vec::new();
    for info in &module.kernels {
        let kernel =
            cwcc_spirv::compile(&module, &info.name, &options).map_err(|e| e.to_string())?;
        kernels.push((info.name.clone(), kernel));
    }
    let path = cli
        .output
        .clone()
        .unwrap_or_else(|| input.with_extension("spv"));
    let mut written = Vec::new();
    for (name, kernel) in &kernels {
        let target = per_kernel_path(&path, name, kernels.len(), "spv");
        std::fs::write(&target, kernel.bytes())
            .map_err(|e| format!("cannot write `{}`: {}", target.display(), io_reason(&e)))?;
        written.push(target.clone());
        let mut manifest_path = target.into_os_string();
        manifest_path.push(".json");
        let manifest_path = std::path::PathBuf::from(manifest_path);
        let manifest = cwcc::spirv_manifest(&module, kernel, &options);
        std::fs::write(&manifest_path, manifest).map_err(|e| {
            format!(
                "cannot write `{}`: {}",
                manifest_path.display(),
                io_reason(&e)
            )
        })?;
        written.push(manifest_path);
    }
    Ok(written)
}

/// Where kernel `name` of a module with `count` kernels goes for `-o path`: `path` itself
/// when there is one kernel, else `STEM-NAME.ext` beside it (every character of the name that
/// is not a letter or digit replaced by `_`).
fn per_kernel_path(
    path: &std::path::Path,
    name: &str,
    count: usize,
    ext: &str,
) -> std::path::PathBuf {
    if count == 1 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    path.with_file_name(format!("{stem}-{safe}.{ext}"))
}

/// The WGSL backend's options from the command line.
fn wgsl_options(cli: &Cli) -> cwcc_wgsl::WgslOptions {
    cwcc_wgsl::WgslOptions {
        atomics64: cli.wgsl_atomics64.level(),
        soft_denormals_f32: !(cli.ftz == Some(true) || cli.use_fast_math),
        ..cwcc_wgsl::WgslOptions::default()
    }
}

/// `-o FILE.wgsl`: one WGSL module per kernel (see `cwcc_wgsl::compile_all`). A module with
/// one kernel is written to FILE.wgsl; with several, kernel K goes to FILE-K.wgsl (K with
/// every character that is not a letter or digit replaced by `_`). Returns the paths written.
/// The browser's GPU is unknown, so the modules keep f32 subnormals through the emulation
/// unless `-ftz=true` or `--use_fast_math` allows flushing them.
fn write_wgsl(
    out: &cwcc::FrontEndOutput,
    cli: &Cli,
    input: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>, String> {
    let module = linked_simt(out, cli)?;
    let options = wgsl_options(cli);
    let kernels = cwcc_wgsl::compile_all(&module, &options).map_err(|e| {
        // Say which flag would help when native 64-bit atomics would make it compile.
        let mut all_ops = options.clone();
        all_ops.atomics64 = cwcc_wgsl::Atomics64::AllOps;
        if options.atomics64 < all_ops.atomics64
            && cwcc_wgsl::compile_all(&module, &all_ops).is_ok()
        {
            format!("{e}\n  (for a native WebGPU device with 64-bit atomics, not a browser: --wgsl-atomics64=min-max or all-ops)")
        } else {
            e.to_string()
        }
    })?;
    let path = cli
        .output
        .clone()
        .unwrap_or_else(|| input.with_extension("wgsl"));
    let mut written = Vec::new();
    for (name, source) in &kernels {
        let target = per_kernel_path(&path, name, kernels.len(), "wgsl");
        std::fs::write(&target, source)
            .map_err(|e| format!("cannot write `{}`: {}", target.display(), io_reason(&e)))?;
        written.push(target);
    }
    Ok(written)
}

/// Prints diagnostics; returns the number of errors (warnings count with `--Werror`).
fn report<'a>(
    cli: &Cli,
    sources: &cwcc_frontend::source::SourceMap,
    diags: impl Iterator<Item = &'a Diagnostic>,
) -> usize {
    let choice = match cli.color {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto => {
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                ColorChoice::Auto
            } else {
                ColorChoice::Never
            }
        }
    };
    let mut stderr = StandardStream::stderr(choice);
    let mut errors = 0;
    for d in diags {
        let mut d = d.clone();
        match d.severity {
            Severity::Note if !cli.verbose => continue,
            Severity::Warning if cli.no_warnings && !cli.werror => continue,
            Severity::Warning if cli.werror => d.severity = Severity::Error,
            _ => {}
        }
        if d.is_error() {
            errors += 1;
        }
        let _ = diag::render(
            sources,
            &d,
            &mut stderr,
            RenderConfig {
                short: cli.short_diagnostics,
            },
        );
    }
    errors
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
