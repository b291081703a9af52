//! Cross-checks the CPU passes `warp-to-loop` and `shared-to-buffer` on every conformance
//! case: each kernel runs on the reference executor per thread (the `simt` module) and per
//! block after `warp-to-loop` then `shared-to-buffer` (verified after each), and every buffer
//! must agree byte for byte.
//!
//! Cases `warp-to-loop` rejects (barriers in divergent code, collectives under conditions it
//! cannot predicate) are listed with the pass's message; they never count as agreeing. The
//! test fails on any disagreement, on any verifier error, on any error of `shared-to-buffer`,
//! and when fewer cases agree than `MIN_AGREEING` (so the count only goes up).

use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_runtime::npy::read_npy;
use cwcc_runtime::{KernelArg, Runtime};
use cwcc_simt::pass::Pass;
use cwcc_simt::passes::shared_to_buffer::SharedToBuffer;
use cwcc_simt::passes::warp_to_loop::WarpToLoop;
use std::path::{Path, PathBuf};

/// The number of cases known to agree; raise it when the passes learn more.
const MIN_AGREEING: usize = 77;

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testsuite/conformance")
}

/// The parsed `run.args` of a case.
struct Launch {
    kernel: String,
    grid: [u32; 3],
    block: [u32; 3],
    shared_bytes: u64,
    /// Buffers (initial bytes) and scalars, in parameter order.
    args: Vec<Result<Vec<u8>, KernelArg>>,
}

fn dims(text: &str) -> Result<[u32; 3], String> {
    let mut out = [1u32; 3];
    for (i, part) in text.split(',').enumerate() {
        let slot = out.get_mut(i).ok_or("too many dimensions")?;
        *slot = part.trim().parse().map_err(|e| format!("{part}: {e}"))?;
    }
    Ok(out)
}

fn parse_launch(dir: &Path) -> Result<Launch, String> {
    let line = std::fs::read_to_string(dir.join("run.args")).map_err(|e| e.to_string())?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut launch = Launch {
        kernel: String::new(),
        grid: [1; 3],
        block: [1; 3],
        shared_bytes: 0,
        args: Vec::new(),
    };
    let mut i = 0;
    while i + 1 < words.len() {
        let value = words[i + 1];
        match words[i] {
            "--kernel" => launch.kernel = value.to_string(),
            "--grid" => launch.grid = dims(value)?,
            "--block" => launch.block = dims(value)?,
            "--shared-bytes" => launch.shared_bytes = value.parse().map_err(|e| format!("{e}"))?,
            "--arg" => launch.args.push(parse_arg(dir, value)?),
            other => return Err(format!("unknown run.args word `{other}`")),
        }
        i += 2;
    }
    Ok(launch)
}

fn parse_arg(dir: &Path, spec: &str) -> Result<Result<Vec<u8>, KernelArg>, String> {
    if let Some(path) = spec.strip_prefix('@') {
        let bytes = std::fs::read(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        let array = read_npy(&bytes).map_err(|e| format!("{path}: {e}"))?;
        return Ok(Ok(array.data));
    }
    let (kind, rest) = spec.split_once(':').ok_or(format!("bad arg `{spec}`"))?;
    let bad = |e: String| format!("bad arg `{spec}`: {e}");
    Ok(Err(match kind {
        "i32" => KernelArg::I32(rest.parse().map_err(|e| bad(format!("{e}")))?),
        "u32" => KernelArg::U32(rest.parse().map_err(|e| bad(format!("{e}")))?),
        "i64" => KernelArg::I64(rest.parse().map_err(|e| bad(format!("{e}")))?),
        "u64" => KernelArg::U64(rest.parse().map_err(|e| bad(format!("{e}")))?),
        "f32" => KernelArg::F32(rest.parse().map_err(|e| bad(format!("{e}")))?),
        "f64" => KernelArg::F64(rest.parse().map_err(|e| bad(format!("{e}")))?),
        "zeros" => {
            let (dtype, len) = rest.split_once(':').ok_or(bad("zeros:DTYPE:LEN".into()))?;
            let size = cwcc_runtime::npy::DType::from_name(dtype)
                .ok_or(bad(format!("dtype {dtype}")))?
                .size();
            let len: usize = len.parse().map_err(|e| bad(format!("{e}")))?;
            return Ok(Ok(vec![0; len * size]));
        }
        other => return Err(format!("unknown arg kind `{other}`")),
    }))
}

/// Runs the launch on `module`; returns every buffer's final bytes.
fn run(module: cwcc_simt::Module, launch: &Launch) -> Result<Vec<Vec<u8>>, String> {
    let mut rt = Runtime::new(module);
    let mut args = Vec::new();
    let mut buffers = Vec::new();
    for arg in &launch.args {
        match arg {
            Ok(bytes) => {
                let buffer = rt.alloc_bytes(bytes).map_err(|e| e.to_string())?;
                buffers.push(buffer);
                args.push(KernelArg::Buffer(buffer));
            }
            Err(scalar) => args.push(scalar.clone()),
        }
    }
    rt.launch(
        &launch.kernel,
        launch.grid,
        launch.block,
        launch.shared_bytes,
        &args,
    )
    .map_err(|e| e.to_string())?;
    buffers
        .into_iter()
        .map(|b| rt.read(b).map_err(|e| e.to_string()))
        .collect()
}

/// The outcome of one case.
enum Outcome {
    Agree,
    /// `warp-to-loop` rejected the kernel (with its message).
    Rejected(String),
    /// The per-thread run itself fails (a known failure of the interp suite).
    Baseline(String),
    /// The two runs disagree, or a pass failed or produced an invalid module: a bug.
    Bug(String),
}

fn check_case(dir: &Path) -> Outcome {
    let launch = match parse_launch(dir) {
        Ok(l) => l,
        Err(e) => return Outcome::Baseline(e),
    };
    let text = match std::fs::read_to_string(dir.join("kernel.cu")) {
        Ok(t) => t,
        Err(e) => return Outcome::Baseline(e.to_string()),
    };
    let out = run_front_end("kernel.cu", text, &PpConfig::nvcc(), &FsLoader, Stage::Hir);
    if out.diags.has_errors() {
        return Outcome::Baseline("does not compile".to_string());
    }
    let simt = match to_simt(&out, &[], false) {
        Ok((m, _)) => m,
        Err(e) => return Outcome::Baseline(e.lines().next().unwrap_or("").to_string()),
    };
    let mut buffered = simt.clone();
    if let Err(e) = WarpToLoop.run(&mut buffered) {
        return Outcome::Rejected(e.to_string());
    }
    if let Err(errors) = cwcc_simt::verify(&buffered) {
        return Outcome::Bug(format!(
            "invalid module after warp-to-loop:\n{}",
            cwcc_simt::verify::format_errors(&buffered, &errors)
        ));
    }
    if let Err(e) = SharedToBuffer.run(&mut buffered) {
        return Outcome::Bug(format!("shared-to-buffer failed: {e}"));
    }
    if let Err(errors) = cwcc_simt::verify(&buffered) {
        return Outcome::Bug(format!(
            "invalid module after shared-to-buffer:\n{}",
            cwcc_simt::verify::format_errors(&buffered, &errors)
        ));
    }
    if !buffered.shared_in_buffer {
        return Outcome::Bug("shared-to-buffer did not set the shared_buffer flag".to_string());
    }
    let expected = match run(simt, &launch) {
        Ok(b) => b,
        Err(e) => return Outcome::Baseline(e),
    };
    match run(buffered, &launch) {
        Err(e) => Outcome::Bug(format!("run after shared-to-buffer failed: {e}")),
        Ok(got) => {
            for (index, (g, e)) in got.iter().zip(&expected).enumerate() {
                if g != e {
                    let at = g.iter().zip(e).position(|(a, b)| a != b).unwrap_or(0);
                    return Outcome::Bug(format!("buffer {index} differs at byte {at}"));
                }
            }
            Outcome::Agree
        }
    }
}

#[test]
fn cpu_passes_agree_with_the_per_thread_executor_on_conformance_cases() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .expect("testsuite/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("run.args").is_file())
        .collect();
    cases.sort();
    let mut agree = 0;
    let mut bugs = Vec::new();
    for dir in &cases {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match check_case(dir) {
            Outcome::Agree => agree += 1,
            Outcome::Rejected(why) => eprintln!("skipped {name}: rejected by warp-to-loop: {why}"),
            Outcome::Baseline(why) => eprintln!("skipped {name}: the per-thread run fails: {why}"),
            Outcome::Bug(why) => {
                eprintln!("FAILED {name}: {why}");
                bugs.push(format!("{name}: {why}"));
            }
        }
    }
    eprintln!(
        "warp-to-loop + shared-to-buffer: {agree} of {} conformance cases agree byte for byte",
        cases.len()
    );
    assert!(bugs.is_empty(), "{}", bugs.join("\n"));
    assert!(
        agree >= MIN_AGREEING,
        "only {agree} cases agree, expected at least {MIN_AGREEING}"
    );
}
