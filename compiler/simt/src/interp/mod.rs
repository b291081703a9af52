//! The reference executor: runs one kernel launch of a [`Phase::Simt`] module with CUDA's
//! semantics (or of a [`Phase::PerBlock`] module, one call per block). It is the oracle every
//! backend is tested against.
//!
//! ```
//! use cwcc_simt::interp::{launch, ArgValue, Memory};
//! let module = cwcc_simt::parse_module(
//!     "module phase simt
//! fn fn0 \"fill\"(%v0: ptr<global>) {
//!   %v1: i32 = thread_id.x
//!   %v2: i64 = zext %v1
//!   %v3: i64 = const 4
//!   %v4: i64 = mul %v2, %v3
//!   %v5: ptr<global> = ptradd %v0, %v4
//!   store %v5, %v1 align 4
//!   return
//! }
//! kernel \"fill\" = fn0(\"out\": ptr<global>) static_shared 0
//! ").unwrap();
//! let mut memory = Memory::new();
//! let out = memory.alloc(4 * 8).unwrap();
//! launch(&module, "fill", [1, 1, 1], [8, 1, 1], 0, &[ArgValue::Ptr(out)], &mut memory).unwrap();
//! assert_eq!(memory.read(out + 12, 4).unwrap(), 3u32.to_le_bytes());
//! ```
//!
//! - Blocks run one after another (deterministic); the threads of a block are resumable state
//!   machines driven by a scheduler (see `exec.rs`), so `__syncthreads` is a real barrier and
//!   a barrier that not every thread of the block reaches is reported, never a hang.
//! - Warps are 32 consecutive threads; warp collectives complete when every lane of their mask
//!   has arrived, with CUDA's results (shuffle `width` segments, ballot bit order, match).
//!   A lane of the mask that has exited does not take part (a warning says so).
//! - Memory: global allocations in [`Memory`] (out-of-bounds, misaligned and null accesses are
//!   errors naming kernel, block, thread and source location), `__device__`/`__constant__`
//!   variables allocated once per [`Memory`] by name (constant ones read-only to kernels),
//!   shared memory per block (static variables, then dynamic memory 16-byte aligned; zeroed at
//!   block start; after `shared-to-buffer` the window is the kernel's buffer, `shared_buffer`
//!   its base, dynamic memory at the kernel's `dynamic_shared_offset`), local memory per
//!   thread, by-value parameters in read-only memory.
//! - A [`Phase::PerBlock`] module (after `warp-to-loop`) runs its kernel function once per
//!   block, as one executor thread that sees the launch's `block_dim` (its thread loops do
//!   the threads' work); this is how the pass is tested against the per-thread executor.
//! - Integer division by zero is an error; endless loops stop after
//!   [`LaunchOptions::max_steps_per_thread`] statements.

mod exec;
pub mod math;
pub mod memory;
pub mod printf;

pub use memory::{Memory, MemoryError};

use crate::ir::*;
use crate::print::type_name;
use crate::verify::{format_errors, verify};
use std::fmt;

/// The largest module variable the executor allocates.
const MAX_GLOBAL_BYTES: u64 = 1 << 32;
/// The largest shared memory (static and dynamic) of one block the executor allocates.
const MAX_SHARED_BYTES: u64 = 1 << 26;

/// A kernel argument as the host passes it.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// `int`
    I32(i32),
    /// `unsigned int`
    U32(u32),
    /// `long long`
    I64(i64),
    /// `unsigned long long`, `size_t`
    U64(u64),
    /// `float`
    F32(f32),
    /// `double`
    F64(f64),
    /// A device pointer (from [`Memory::alloc`]).
    Ptr(u64),
    /// The bytes of an aggregate passed by value.
    Bytes(Vec<u8>),
}

/// Limits of a launch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchOptions {
    /// Statements one thread may execute before the launch is stopped as an endless loop.
    pub max_steps_per_thread: u64,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions {
            max_steps_per_thread: 1 << 32,
        }
    }
}

/// What a successful launch reports besides its effect on memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaunchReport {
    /// Warnings about undefined behaviour that did not stop the launch.
    pub warnings: Vec<String>,
    /// Everything the kernel printed with `printf`.
    pub stdout: String,
    /// Statements executed by all threads together.
    pub steps: u64,
}

/// Output collected during a launch.
type Output = LaunchReport;

/// A failed launch: what went wrong, in which kernel, block and thread, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecError {
    /// The kernel's source name.
    pub kernel: String,
    /// The block, if the error belongs to one.
    pub block: Option<[u32; 3]>,
    /// The thread within the block, if the error belongs to one.
    pub thread: Option<[u32; 3]>,
    /// The source location (`file:line:col`), if known.
    pub location: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kernel `{}`", self.kernel)?;
        if let Some([x, y, z]) = self.block {
            write!(f, ", block ({x},{y},{z})")?;
        }
        if let Some([x, y, z]) = self.thread {
            write!(f, ", thread ({x},{y},{z})")?;
        }
        if let Some(location) = &self.location {
            write!(f, " at {location}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ExecError {}

/// Runs a kernel over `grid` blocks of `block` threads with `dynamic_shared_bytes` of
/// `extern __shared__` memory, with default [`LaunchOptions`].
pub fn launch(
    module: &Module,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    dynamic_shared_bytes: u64,
    args: &[ArgValue],
    memory: &mut Memory,
) -> Result<LaunchReport, ExecError> {
    launch_with_options(
        module,
        kernel,
        grid,
        block,
        dynamic_shared_bytes,
        args,
        memory,
        &LaunchOptions::default(),
    )
}

/// [`launch`] with explicit options.
#[allow(clippy::too_many_arguments)]
pub fn launch_with_options(
    module: &Module,
    kernel_name: &str,
    grid: [u32; 3],
    block: [u32; 3],
    dynamic_shared_bytes: u64,
    args: &[ArgValue],
    memory: &mut Memory,
    options: &LaunchOptions,
) -> Result<LaunchReport, ExecError> {
    let fail = |message: String| ExecError {
        kernel: kernel_name.to_string(),
        block: None,
        thread: None,
        location: None,
        message,
    };
    if let Err(errors) = verify(module) {
        return Err(fail(format!(
            "the module is invalid:\n{}",
            format_errors(module, &errors)
        )));
    }
    let Some(kernel) = module.kernel(kernel_name) else {
        let names: Vec<&str> = module.kernels.iter().map(|k| k.name.as_str()).collect();
        return Err(fail(format!(
            "no kernel named `{kernel_name}`; the module has: {}",
            names.join(", ")
        )));
    };
    check_dims(grid, block).map_err(fail)?;
    let (params, param_values) = bind_args(module, kernel, args).map_err(fail)?;

    // Module variables: global and constant ones live in `memory`, shared ones in the window.
    let mut global_addrs = Vec::with_capacity(module.globals.len());
    let mut shared_size: u64 = 0;
    for (_, global) in module.globals.iter() {
        let size = module.size_of(global.ty).unwrap_or(0);
        if size > MAX_GLOBAL_BYTES {
            return Err(fail(format!(
                "module variable `{}` has {size} bytes, more than the executor supports",
                global.name
            )));
        }
        let align = u64::from(global.align.max(1));
        match global.space {
            AddrSpace::Shared => {
                let offset = shared_size.next_multiple_of(align);
                shared_size = offset + size;
                global_addrs.push(memory::SHARED_BASE + offset);
            }
            space => {
                let bytes = global
                    .init
                    .clone()
                    .unwrap_or_else(|| vec![0; size as usize]);
                global_addrs.push(memory.define_symbol(
                    &global.name,
                    &bytes,
                    space == AddrSpace::Constant,
                ));
            }
        }
    }
    // Without `shared-to-buffer`, shared variables lie in module order (the layout above) and
    // dynamic memory follows 16-byte aligned; after it, the kernel's buffer layout applies
    // (the variables are then only reached through `shared_buffer` at the pass's offsets).
    let (dyn_shared_offset, static_end) = if module.shared_in_buffer {
        (kernel.dynamic_shared_offset, kernel.static_shared_bytes)
    } else {
        (shared_size.next_multiple_of(16), shared_size)
    };
    let total_shared = dyn_shared_offset
        .saturating_add(dynamic_shared_bytes)
        .max(static_end);
    if total_shared > MAX_SHARED_BYTES {
        return Err(fail(format!(
            "{total_shared} bytes of shared memory per block is more than the executor supports"
        )));
    }
    let layouts = module
        .functions
        .iter()
        .map(|(_, func)| {
            let mut offsets = Vec::with_capacity(func.locals.len());
            let mut size = 0u64;
            for local in &func.locals {
                let offset = size.next_multiple_of(u64::from(local.align.max(1)));
                offsets.push(offset);
                size = offset + module.size_of(local.ty).unwrap_or(0);
            }
            exec::FrameLayout { offsets, size }
        })
        .collect();
    let cx = exec::Ctx {
        module,
        kernel,
        grid,
        block,
        global_addrs,
        layouts,
        shared_size: total_shared as usize,
        dyn_shared_offset,
        params,
        param_values,
        // A per-block function does the work of all the block's threads.
        max_steps: match module.phase {
            Phase::Simt => options.max_steps_per_thread,
            Phase::PerBlock => options
                .max_steps_per_thread
                .saturating_mul(u64::from(block[0]) * u64::from(block[1]) * u64::from(block[2])),
        },
    };
    let mut report = LaunchReport::default();
    for z in 0..grid[2] {
        for y in 0..grid[1] {
            for x in 0..grid[0] {
                exec::run_block(&cx, [x, y, z], memory, &mut report)?;
            }
        }
    }
    Ok(report)
}

fn check_dims(grid: [u32; 3], block: [u32; 3]) -> Result<(), String> {
    if grid.contains(&0) || block.contains(&0) {
        return Err(format!(
            "invalid launch configuration: grid {grid:?} and block {block:?} must not contain 0"
        ));
    }
    let threads = u64::from(block[0]) * u64::from(block[1]) * u64::from(block[2]);
    if threads > 1024 || block[2] > 64 {
        return Err(format!(
            "invalid launch configuration: block {block:?} has more than 1024 threads or z > 64"
        ));
    }
    if grid[1] > 65535 || grid[2] > 65535 || grid[0] > i32::MAX as u32 {
        return Err(format!("invalid launch configuration: grid {grid:?} exceeds CUDA's limits (2^31-1, 65535, 65535)"));
    }
    Ok(())
}

/// Checks the arguments against the kernel's parameters and lays out by-value ones.
fn bind_args(
    module: &Module,
    kernel: &KernelInfo,
    args: &[ArgValue],
) -> Result<(Vec<u8>, Vec<u64>), String> {
    if args.len() != kernel.params.len() {
        return Err(format!(
            "kernel `{}` takes {} arguments, {} given",
            kernel.name,
            kernel.params.len(),
            args.len()
        ));
    }
    let mut buffer = Vec::new();
    let mut values = Vec::with_capacity(args.len());
    for (index, (param, arg)) in kernel.params.iter().zip(args).enumerate() {
        let mismatch = |expected: String| {
            format!(
                "argument {index} (`{}`) of kernel `{}` is {arg:?}, expected {expected}",
                param.name, kernel.name
            )
        };
        let value = match &param.kind {
            ParamKind::Pointer(_) => match arg {
                ArgValue::Ptr(p) | ArgValue::U64(p) => *p,
                _ => return Err(mismatch("a device pointer".to_string())),
            },
            ParamKind::Scalar(ty) => {
                let name = type_name(module, *ty);
                match (module.type_of(*ty), arg) {
                    (Some(Type::Int(IntWidth::W32)), ArgValue::I32(v)) => u64::from(*v as u32),
                    (Some(Type::Int(IntWidth::W32)), ArgValue::U32(v)) => u64::from(*v),
                    (Some(Type::Int(IntWidth::W64)), ArgValue::I64(v)) => *v as u64,
                    (Some(Type::Int(IntWidth::W64)), ArgValue::U64(v)) => *v,
                    (Some(Type::Int(IntWidth::W8)), ArgValue::I32(v)) => u64::from(*v as u8),
                    (Some(Type::Int(IntWidth::W16)), ArgValue::I32(v)) => u64::from(*v as u16),
                    (Some(Type::Bool), ArgValue::I32(v)) => u64::from(*v != 0),
                    (Some(Type::Float(FloatWidth::F32)), ArgValue::F32(v)) => {
                        u64::from(v.to_bits())
                    }
                    (Some(Type::Float(FloatWidth::F64)), ArgValue::F64(v)) => v.to_bits(),
                    _ => return Err(mismatch(name)),
                }
            }
            ParamKind::ByValue(ty) => {
                let size = module.size_of(*ty).unwrap_or(0);
                let align = u64::from(module.align_of(*ty).unwrap_or(1).max(1));
                match arg {
                    ArgValue::Bytes(bytes) if bytes.len() as u64 == size => {
                        let offset = (buffer.len() as u64).next_multiple_of(align);
                        buffer.resize(offset as usize, 0);
                        buffer.extend_from_slice(bytes);
                        memory::PARAM_BASE + offset
                    }
                    _ => {
                        return Err(mismatch(format!(
                            "{size} bytes of {}",
                            type_name(module, *ty)
                        )))
                    }
                }
            }
        };
        values.push(value);
    }
    Ok((buffer, values))
}

#[cfg(test)]
mod tests;
