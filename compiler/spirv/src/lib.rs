//! The SPIR-V backend of cwcc: one Vulkan 1.2 compute module (SPIR-V 1.5, GLSL450 memory
//! model, `PhysicalStorageBuffer64` addressing) per kernel of a SIMT-phase module.
//!
//! # The launch ABI (what a runtime must provide)
//! - **Entry point** `main`, `GLCompute`.
//! - **Specialization constants** (all `u32`): id 0, 1, 2 = block size x, y, z (the
//!   `WorkgroupSize` built-in, so one module serves every block size); id 3 = the number of
//!   32-bit words of dynamic shared memory (`ceil(dynamic_shared_bytes / 4)`, default 0).
//! - **Push constants**, one block of [`PUSH_CONSTANT_BYTES`] bytes:
//!
//!   | offset | type  | meaning |
//!   | ------ | ----- | ------- |
//!   | 0      | `u64` | device address of the parameter buffer |
//!   | 8      | `u64` | device address of the module-globals buffer (0 when [`SpirvKernel::globals_size`] is 0) |
//!   | 16     | `u32`×3 | block-index offset x, y, z of this dispatch (grids larger than a dispatch are split; `blockIdx = WorkgroupId + offset`) |
//!   | 28     | `u32`×3 | the whole grid's size x, y, z (`gridDim`) |
//!
//!   | 40     | bytes | only when [`SpirvKernel::params_in_push_constants`]: the parameters, laid out as in the parameter buffer |
//!
//!   The block is [`SpirvKernel::push_constant_size`] bytes long.
//! - **Parameter buffer**: the kernel parameters in order, each at the next multiple of its
//!   alignment ([`SpirvKernel::params`] gives every offset): scalars as their little-endian
//!   bytes (`bool`, `char` as one byte, `short` as two), pointers as 8-byte device addresses,
//!   structs passed by value as their bytes (CUDA's layout). When the parameters fit in the
//!   push constants after the header (at most [`PUSH_CONSTANT_MAX_BYTES`] in all, the size
//!   Vulkan guarantees) and none is a struct passed by value (whose address the kernel may
//!   take), they are passed there instead: NVIDIA's driver reads push constants from its
//!   constant bank, where a parameter buffer costs a dependent memory load before the
//!   kernel's first access. The buffer's address in the header is then 0.
//! - **Globals buffer**: every `__device__` and `__constant__` variable of the module at the
//!   offsets of [`SpirvKernel::globals`]; its initial contents are
//!   [`SpirvKernel::globals_init`]. Every buffer must be created with the
//!   `SHADER_DEVICE_ADDRESS` usage.
//!
//! # Memory
//! Global, constant, parameter and generic pointers are 64-bit device addresses used through
//! `OpConvertUToPtr` to `PhysicalStorageBuffer` pointers. Shared memory is one `Workgroup`
//! array of `u32` (static `__shared__` variables first, then the dynamic area at
//! [`SpirvKernel::dynamic_shared_offset`]); a shared pointer is a byte offset into it. Local
//! variables whose address is only loaded and stored through are typed `Function` variables;
//! other locals (arrays, structs, variables whose address escapes) are `Function` arrays of
//! `u32` addressed by byte offsets. A generic pointer is given the space of the pointers it is
//! computed from (a flow analysis through local variables; locals that one pointer may
//! point into share one `Function` word array); a generic pointer that may point
//! into two different spaces, or a pointer to shared or local memory stored into global or
//! shared memory, is reported as [`SpirvError::Unsupported`]. Pointers loaded from global or
//! shared memory are taken to point to global memory.
//!
//! # Float exactness
//! Every float `add`, `sub`, `mul`, `div` and `rem` carries `NoContraction`: each operation is
//! rounded, as nvcc does with `-fmad=false` and as every other cwcc backend does (nvcc's default
//! `-fmad=true` contracts `a * b + c` into one fused operation; the conformance tolerances
//! cover that difference, see testsuite/conformance/README.md). Where Vulkan promises less than
//! IEEE and the device has `Float64` ([`SpirvOptions::float64`]): `f32` division and square
//! root are computed in `f64` and rounded once more (correctly rounded: 53 bits hold
//! 2 × 24 + 2), and `fmaf` is an exact `f64` product plus a sum rounded to odd, then rounded
//! to `f32` (Vulkan's `Fma` may be an unfused multiply-add: it is on lavapipe). `fmod` is an
//! exact reduction loop (Vulkan's `OpFRem` is `x - y * trunc(x / y)`), and signed `%` is
//! `a - (a / b) * b` (NVIDIA's `OpSRem` is wrong for negative operands). The execution modes
//! `SignedZeroInfNanPreserve` and `DenormPreserve` are declared where the device supports
//! them ([`SpirvOptions`]); a device that can neither preserve nor be told to preserve `f32`
//! subnormals (NVIDIA's driver reports `shaderDenormPreserveFloat32 = false`) flushes them.
//!
//! # Accuracy of math builtins
//! The `f32` builtins use GLSL.std.450 where it has the function (`sin`, `cos`, `tan`,
//! the inverse and hyperbolic functions, `exp`, `exp2`, `log`, `log2`, `pow`, `rsqrt`,
//! `floor`, …): their accuracy is the Vulkan implementation's (Vulkan only guarantees a few
//! ulp, and absolute error 2^-11 for `sin`/`cos`), not CUDA's. `exp10`, `log10`, `expm1`,
//! `log1p`, `cbrt`, `hypot`, `sinpi`, `cospi` are composed from them (less accurate near the
//! edge cases); `erf`, `erfc`, `normcdf` use a rational approximation (about 1e-7 absolute
//! error). `f64` builtins other than `sqrt`, `fma`, rounding, `fabs`, `fmin`/`fmax`, `ldexp`
//! are unsupported (GLSL.std.450 has no double transcendentals). The CUDA driver links the
//! device math library (`stdlib/device/math.cu`) instead, which needs only the exact
//! operations above.
//!
//! # Warps
//! CUDA lanes are linear thread ids modulo 32. With [`SpirvOptions::subgroup_size`] 32 (the
//! runtime then requires 32-wide subgroups, full ones when the block's x size is a multiple
//! of 32) collectives use `GroupNonUniform` operations: `Ballot` for votes and
//! `__activemask`, `Shuffle` for `__shfl*_sync` (the source lane computed with CUDA's width
//! rules; a source outside the caller's group gives the caller's own value), a loop of
//! shuffles over the 32 lanes for `__match_*_sync` and `__reduce_*_sync`, and a subgroup
//! control barrier for `__syncwarp`. A collective's group is its mask restricted to the lanes
//! that execute it, as in the reference executor. This needs invocations to be numbered in
//! subgroups by linear local id, as NVIDIA's driver does (measured on an H100).
//!
//! With any other subgroup size, warps are emulated through a `Workgroup` array of 3 words
//! per thread: each thread writes its operand and whether it takes part, a workgroup barrier,
//! each thread reads its warp's slots and computes its result, a second barrier. Every
//! thread of the block must reach those barriers, so [`cwcc_simt::predicate`] (shared with the
//! WGSL backend) first rewrites the kernel so that collectives and barriers never sit under
//! thread-dependent control flow.
//! `__syncwarp` becomes a workgroup barrier.
//!
//! # Debugging and printing
//! `printf` and `__trap()` / `assert` in device code are reported as
//! [`SpirvError::Unsupported`] (Vulkan has no device printf in core and cannot abort a
//! dispatch). `clock()` / `clock64()` read `OpReadClockKHR` (subgroup scope):
//! [`SpirvKernel::uses_clock`] tells the runtime to require `VK_KHR_shader_clock`.

mod emit;

use cwcc_simt::ir::{AddrSpace, Module, ParamKind};
use std::fmt;

/// Bytes of the push-constant header (see the crate docs for its layout).
pub const PUSH_CONSTANT_BYTES: u32 = 40;
/// The most push-constant bytes a kernel uses: every Vulkan device has at least this
/// `maxPushConstantsSize`.
pub const PUSH_CONSTANT_MAX_BYTES: u32 = 128;
/// Specialization constant ids of the block size x, y, z.
pub const SPEC_BLOCK_SIZE: [u32; 3] = [0, 1, 2];
/// Specialization constant id of the number of dynamic shared-memory words.
pub const SPEC_DYNAMIC_SHARED_WORDS: u32 = 3;

/// How to compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpirvOptions {
    /// The device's subgroup size: 32 compiles warp collectives to `GroupNonUniform`
    /// operations, any other size to the shared-memory emulation (see the crate docs).
    pub subgroup_size: u32,
    /// Use `SPV_EXT_shader_atomic_float_add` for float `atomicAdd` on global memory
    /// (otherwise a compare-exchange loop).
    pub atomic_float_add: bool,
    /// The device has `Float64`: `f32` division and square root are then computed in `f64`
    /// and rounded once more, which gives CUDA's correctly rounded results (Vulkan only
    /// promises 2.5 ulp for `OpFDiv` and about 3 ulp for `sqrt`).
    pub float64: bool,
    /// Declare `DenormPreserve` for `f32` (the device has `shaderDenormPreserveFloat32`):
    /// CUDA keeps subnormal results without `--use_fast_math`, while Vulkan drivers may
    /// flush them to zero (NVIDIA's does).
    pub denorm_preserve_f32: bool,
    /// Declare `DenormPreserve` for `f64` (`shaderDenormPreserveFloat64`).
    pub denorm_preserve_f64: bool,
    /// Keep `f32` subnormals on a device that flushes them and cannot be told not to
    /// (needs [`SpirvOptions::float64`]): every `f32` operation a flush could change is
    /// checked and redone exactly where needed (see `emit/denormals.rs`).
    pub soft_denormals_f32: bool,
    /// For tests: make the module itself flush `f32` subnormals where NVIDIA's driver does
    /// (operands and results of `+ - * /`, negation and the GLSL operations, operands of
    /// comparisons and of the conversion to `f64`; `fmin`/`fmax`, copies and the conversion
    /// from `f64` keep them, as measured on an H100), so that a device that keeps them
    /// (lavapipe) shows what [`SpirvOptions::soft_denormals_f32`] must repair.
    pub simulate_flush_f32: bool,
    /// Declare `SignedZeroInfNanPreserve` for `f32` and `f64` where the device has
    /// `shaderSignedZeroInfNanPreserveFloat32` / `Float64` (bit 0: f32, bit 1: f64): without
    /// it a driver may assume no infinities or NaNs, as fast math does.
    pub preserve_inf_nan: u8,
    /// Under [`SpirvOptions::soft_denormals_f32`], outside speculated loops: compute the
    /// exact result of every checked `+ - *` always and pick it with a `select`, instead of
    /// branching to it where the check fails. No branch (whose reconvergence NVIDIA's
    /// compiler brackets), more arithmetic: an experiment for kernels whose checks sit in
    /// loops with barriers (a tree reduction), off by default until measured.
    pub exact_by_select: bool,
}

impl Default for SpirvOptions {
    fn default() -> Self {
        SpirvOptions {
            subgroup_size: 32,
            atomic_float_add: false,
            float64: true,
            denorm_preserve_f32: false,
            denorm_preserve_f64: false,
            soft_denormals_f32: false,
            simulate_flush_f32: false,
            preserve_inf_nan: 0,
            exact_by_select: false,
        }
    }
}

/// How the host passes one kernel parameter in the parameter buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSlot {
    /// Byte offset in the parameter buffer.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
    /// What the parameter is (scalar type, pointer, struct by value).
    pub kind: ParamKind,
}

/// A module-level variable in the globals buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalSlot {
    /// The source name.
    pub name: String,
    /// `Global` or `Constant`.
    pub space: AddrSpace,
    /// Byte offset in the globals buffer.
    pub offset: u64,
    /// Size in bytes.
    pub size: u64,
}

/// A compiled kernel: the SPIR-V words and what a runtime needs to launch it.
#[derive(Clone, Debug, PartialEq)]
pub struct SpirvKernel {
    /// The kernel's source name.
    pub name: String,
    /// The SPIR-V module (entry point `main`).
    pub words: Vec<u32>,
    /// The parameters, in order.
    pub params: Vec<ParamSlot>,
    /// Size of the parameter buffer in bytes.
    pub param_buffer_size: u32,
    /// The parameters travel in the push constants after the header (the parameter buffer's
    /// bytes, [`SpirvKernel::param_buffer`], at offset [`PUSH_CONSTANT_BYTES`]), not in a
    /// parameter buffer.
    pub params_in_push_constants: bool,
    /// Module variables in the globals buffer.
    pub globals: Vec<GlobalSlot>,
    /// Size of the globals buffer in bytes.
    pub globals_size: u64,
    /// Initial contents of the globals buffer (`globals_size` bytes).
    pub globals_init: Vec<u8>,
    /// Bytes of static shared memory (the start of the shared array).
    pub static_shared_bytes: u64,
    /// Byte offset of dynamic shared memory in the shared array.
    pub dynamic_shared_offset: u64,
    /// Whether the kernel uses dynamic shared memory.
    pub uses_dynamic_shared: bool,
    /// Whether the module uses subgroup operations (needs subgroup size 32).
    pub uses_subgroups: bool,
    /// Whether the module reads the clock (`OpReadClockKHR`: needs `VK_KHR_shader_clock`
    /// with `shaderSubgroupClock`).
    pub uses_clock: bool,
}

impl SpirvKernel {
    /// The module as bytes (little endian), as a `.spv` file holds it.
    pub fn bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    /// Bytes of the push-constant block: the header, plus the parameters when they travel
    /// there.
    pub fn push_constant_size(&self) -> u32 {
        if self.params_in_push_constants {
            PUSH_CONSTANT_BYTES + self.param_buffer_size
        } else {
            PUSH_CONSTANT_BYTES
        }
    }

    /// Lays out `args` (one byte vector per parameter, in order) in a parameter buffer.
    pub fn param_buffer(&self, args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
        if args.len() != self.params.len() {
            return Err(format!(
                "kernel `{}` takes {} arguments, {} given",
                self.name,
                self.params.len(),
                args.len()
            ));
        }
        let mut buf = vec![0u8; self.param_buffer_size.max(8) as usize];
        for (index, (slot, bytes)) in self.params.iter().zip(args).enumerate() {
            if bytes.len() != slot.size as usize {
                return Err(format!(
                    "argument {index} of kernel `{}` has {} bytes, the parameter {}",
                    self.name,
                    bytes.len(),
                    slot.size
                ));
            }
            let start = slot.offset as usize;
            if let Some(dst) = buf.get_mut(start..start + bytes.len()) {
                dst.copy_from_slice(bytes);
            }
        }
        Ok(buf)
    }
}

/// Why a kernel could not be compiled to SPIR-V.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpirvError {
    /// No kernel of that name.
    NoSuchKernel(String),
    /// A construct the SPIR-V backend does not handle (yet); `loc` is `file:line:col`.
    Unsupported {
        /// What is not supported.
        what: String,
        /// Where, when known.
        loc: Option<String>,
    },
    /// The input IR is malformed (a bug in an earlier stage).
    Invalid(String),
}

impl fmt::Display for SpirvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpirvError::NoSuchKernel(k) => write!(f, "no kernel named `{k}`"),
            SpirvError::Unsupported { what, loc: Some(l) } => {
                write!(f, "{l}: not supported by the SPIR-V backend: {what}")
            }
            SpirvError::Unsupported { what, loc: None } => {
                write!(f, "not supported by the SPIR-V backend: {what}")
            }
            SpirvError::Invalid(m) => write!(f, "invalid SIMT IR: {m}"),
        }
    }
}

impl std::error::Error for SpirvError {}

/// Compiles the kernel named `kernel` of `module` (phase `simt`) to a SPIR-V module.
pub fn compile(
    module: &Module,
    kernel: &str,
    options: &SpirvOptions,
) -> Result<SpirvKernel, SpirvError> {
    emit::compile_kernel(module, kernel, options)
}

/// Runs `spirv-val --target-env vulkan1.2` on `words`: `Ok(None)` when valid, `Ok(Some(msg))`
/// with the validator's message when not, `Err` when `spirv-val` cannot be run.
pub fn validate_with_spirv_val(words: &[u32]) -> Result<Option<String>, String> {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!(
        "cwcc-spirv-{}-{:x}.spv",
        std::process::id(),
        words
            .iter()
            .fold(0u64, |h, w| h.rotate_left(5) ^ u64::from(*w))
    ));
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&bytes))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let output = std::process::Command::new("spirv-val")
        .args(["--target-env", "vulkan1.2", "--scalar-block-layout"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let output = output.map_err(|e| format!("cannot run spirv-val: {e}"))?;
    if output.status.success() {
        Ok(None)
    } else {
        Ok(Some(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

impl From<cwcc_simt::inline_all::InlineError> for SpirvError {
    fn from(e: cwcc_simt::inline_all::InlineError) -> Self {
        match e {
            cwcc_simt::inline_all::InlineError::Recursion { loc } => SpirvError::Unsupported {
                what: "recursive device functions (SPIR-V has no recursion)".to_string(),
                loc,
            },
            cwcc_simt::inline_all::InlineError::Invalid(m) => SpirvError::Invalid(m),
        }
    }
}

impl From<cwcc_simt::predicate::PredicateError> for SpirvError {
    fn from(e: cwcc_simt::predicate::PredicateError) -> Self {
        match e {
            cwcc_simt::predicate::PredicateError::Unsupported { what, loc } => {
                SpirvError::Unsupported { what, loc }
            }
        }
    }
}
