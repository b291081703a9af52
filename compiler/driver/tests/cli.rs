//! Tests of the `cwcc` binary as a user runs it: exit codes, outputs and messages.

use std::path::PathBuf;
use std::process::{Command, Output};

fn cwcc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cwcc"))
        .args(args)
        .output()
        .expect("cwcc runs")
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cwcc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const SAXPY: &str = r#"#include <cuda_runtime.h>
#define BLOCK 256
__global__ void saxpy(int n, float a, const float* __restrict__ x, float* y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}
int main() {
    float* d = nullptr;
    cudaMalloc(&d, 1024);
    saxpy<<<4, BLOCK>>>(1024, 2.0f, d, d);
    return 0;
}
"#;

#[test]
fn help_and_version() {
    let o = cwcc(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("--emit"));
    let o = cwcc(&["--version"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("cwcc "));
}

#[test]
fn emits_every_form() {
    let file = scratch("saxpy.cu", SAXPY);
    let f = file.to_str().expect("utf-8 path");
    for (form, needle) in [
        ("tokens", "saxpy"),
        ("preprocessed", "256"),
        ("ast", "saxpy"),
        ("hir", "saxpy"),
    ] {
        let o = cwcc(&[f, &format!("--emit={form}")]);
        assert!(o.status.success(), "--emit={form} failed: {}", stderr(&o));
        assert!(
            stdout(&o).contains(needle),
            "--emit={form} output lacks `{needle}`"
        );
    }
}

#[test]
fn nvcc_build_line_is_accepted() {
    let file = scratch("saxpy2.cu", SAXPY);
    let o = cwcc(&[
        "-arch=sm_80",
        "-std=c++17",
        "-O3",
        "-lineinfo",
        "--use_fast_math",
        "-Xcompiler",
        "-Wall",
        "--expt-relaxed-constexpr",
        file.to_str().expect("utf-8 path"),
        "--emit=hir",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn syntax_error_exits_1_with_location() {
    let file = scratch("bad.cu", "__global__ void k(int* p) {\n    p[0] = 1\n}\n");
    let o = cwcc(&[file.to_str().expect("utf-8 path"), "--emit=hir"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error"), "{err}");
    assert!(err.contains("bad.cu:"), "no location in: {err}");
}

#[test]
fn missing_input_and_bad_flags_are_clear_errors() {
    let o = cwcc(&["does-not-exist.cu"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read `does-not-exist.cu`"));

    let o = cwcc(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no input file"));

    let file = scratch("ok.cu", "__global__ void k() {}\n");
    let f = file.to_str().expect("utf-8 path");
    let o = cwcc(&[f, "-arch=pascal"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("invalid -arch value"));

    let o = cwcc(&[f, "-o", "out.xyz"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot infer the target"));

    let o = cwcc(&[f, "--bogus-flag"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn backends_not_built_yet_say_so() {
    let file = scratch("ok2.cu", "__global__ void k() {}\n");
    let out = std::env::temp_dir().join(format!("cwcc-cli-{}-k.o", std::process::id()));
    let o = cwcc(&[
        file.to_str().expect("utf-8 path"),
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("native backend is not built yet"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

#[test]
fn wgsl_output_holds_the_kernel() {
    let file = scratch(
        "ok3.cu",
        "__global__ void k(int* p) { p[threadIdx.x] = 1; }\n",
    );
    let out = std::env::temp_dir().join(format!("cwcc-cli-{}-k.wgsl", std::process::id()));
    let o = cwcc(&[
        file.to_str().expect("utf-8 path"),
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("the .wgsl file is written");
    assert!(text.contains("@compute"), "{text}");
    assert!(
        text.contains("@workgroup_size(block_x, block_y, block_z)"),
        "{text}"
    );
    let _ = std::fs::remove_file(&out);
}

#[test]
fn spirv_output_is_one_valid_module_and_manifest_per_kernel() {
    let file = scratch(
        "ok4.cu",
        "__global__ void fill(int* p, int v) { p[threadIdx.x] = v; }\n\
         __global__ void warp_sum(float* p) {\n\
           float x = p[threadIdx.x];\n\
           for (int o = 16; o > 0; o /= 2) x += __shfl_down_sync(0xffffffff, x, o);\n\
           if (threadIdx.x % 32 == 0) p[threadIdx.x] = x;\n\
         }\n",
    );
    let dir = std::env::temp_dir().join(format!("cwcc-cli-{}-spv", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let out = dir.join("k.spv");
    let o = cwcc(&[
        file.to_str().expect("utf-8 path"),
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (kernel, params) in [("fill", 2), ("warp_sum", 1)] {
        let spv = dir.join(format!("k-{kernel}.spv"));
        let bytes = std::fs::read(&spv).expect("one .spv file per kernel");
        assert_eq!(
            bytes.get(..4),
            Some(&[0x03, 0x02, 0x23, 0x07][..]),
            "SPIR-V magic"
        );
        let words: Vec<u32> = bytes
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("whole words")))
            .collect();
        if let Some(problem) = cwcc_spirv::validate_with_spirv_val(&words).expect("spirv-val runs")
        {
            panic!("{kernel}: spirv-val: {problem}");
        }
        let json = std::fs::read_to_string(dir.join(format!("k-{kernel}.spv.json")))
            .expect("a manifest beside each module");
        let manifest: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(manifest["format"], cwcc::SPIRV_MANIFEST_VERSION);
        assert_eq!(manifest["kernel"], kernel);
        assert_eq!(manifest["entry_point"], "main");
        assert_eq!(manifest["params"].as_array().map(Vec::len), Some(params));
        // Portable modules emulate warps: no 32-wide subgroups required.
        assert_eq!(manifest["requires"]["subgroup_size_32"], false);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Portable `.spv` modules keep f32 subnormals through the emulation (some drivers flush
/// them); nvcc's `-ftz=true` leaves the emulation out, so the module is smaller.
#[test]
fn spirv_output_with_ftz_leaves_out_the_subnormal_emulation() {
    let file = scratch(
        "ftz.cu",
        "__global__ void axpy(float a, const float* x, float* y) {\n\
           y[threadIdx.x] = a * x[threadIdx.x] + y[threadIdx.x];\n\
         }\n",
    );
    let dir = std::env::temp_dir().join(format!("cwcc-cli-{}-ftz", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let mut sizes = Vec::new();
    for (name, flags) in [("exact", &[][..]), ("ftz", &["-ftz=true"][..])] {
        let out = dir.join(format!("{name}.spv"));
        let mut args = vec![file.to_str().expect("utf-8 path"), "-o"];
        args.push(out.to_str().expect("utf-8 path"));
        args.extend_from_slice(flags);
        let o = cwcc(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let bytes = std::fs::read(&out).expect("a module");
        let words: Vec<u32> = bytes
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("whole words")))
            .collect();
        if let Some(problem) = cwcc_spirv::validate_with_spirv_val(&words).expect("spirv-val runs")
        {
            panic!("{name}: spirv-val: {problem}");
        }
        sizes.push(words.len());
    }
    assert!(sizes[1] < sizes[0], "module sizes {sizes:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Portable `.wgsl` modules keep f32 subnormals too (the browser's GPU may flush them);
/// `-ftz=true` and `--use_fast_math` leave the emulation (its exact `c_add` / `c_mul`) out.
#[test]
fn wgsl_output_with_ftz_leaves_out_the_subnormal_emulation() {
    let file = scratch(
        "ftz_wgsl.cu",
        "__global__ void axpy(float a, const float* x, float* y) {\n\
           y[threadIdx.x] = a * x[threadIdx.x] + y[threadIdx.x];\n\
         }\n",
    );
    let dir = std::env::temp_dir().join(format!("cwcc-cli-{}-ftz-wgsl", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    for (name, flags, emulated) in [
        ("exact", &[][..], true),
        ("ftz", &["-ftz=true"][..], false),
        ("fast", &["--use_fast_math"][..], false),
        ("noftz", &["-ftz=false"][..], true),
    ] {
        let out = dir.join(format!("{name}.wgsl"));
        let mut args = vec![file.to_str().expect("utf-8 path"), "-o"];
        args.push(out.to_str().expect("utf-8 path"));
        args.extend_from_slice(flags);
        let o = cwcc(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let source = std::fs::read_to_string(&out).expect("a module");
        assert_eq!(source.contains("fn c_mul("), emulated, "{name}: {source}");
        assert_eq!(source.contains("fn c_add("), emulated, "{name}: {source}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn defines_and_include_dirs() {
    let dir = std::env::temp_dir().join(format!("cwcc-cli-inc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("consts.cuh"), "#define SCALE 3\n").expect("write header");
    let file = scratch(
        "defs.cu",
        "#include \"consts.cuh\"\n#ifndef N\n#error N must be defined\n#endif\n__global__ void k(int* p) { p[0] = N * SCALE; }\n",
    );
    let f = file.to_str().expect("utf-8 path");
    let inc = dir.to_str().expect("utf-8 path");
    let o = cwcc(&[f, "--emit=preprocessed", "-I", inc, "-DN=7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("7 * 3"), "{}", stdout(&o));
    let o = cwcc(&[f, "--emit=preprocessed", "-I", inc]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("N must be defined"));
}

#[test]
fn unsupported_header_is_named() {
    let file = scratch(
        "thrust.cu",
        "#include <thrust/device_vector.h>\n__global__ void k() {}\n",
    );
    let o = cwcc(&[file.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unsupported: <thrust/device_vector.h>"),
        "{}",
        stderr(&o)
    );
}
