//! The WGSL backend of cwcc: one WebGPU compute shader per kernel of a SIMT-phase module,
//! built as a [`naga::Module`], checked by naga's validator and written as WGSL by naga's
//! writer.
//!
//! # Memory: one byte-addressed heap
//! CUDA pointers are byte addresses that kernels add to, store into structs, compare, and
//! read through as any type. WGSL has no pointers of that kind, so every device buffer, the
//! module's `__device__` / `__constant__` variables included, lives in **one storage buffer,
//! the heap** (`array<u32>`, or `array<atomic<u32>>` when the kernel uses atomics or 8/16-bit
//! stores into it), and a pointer is a `u32` byte offset into it. This keeps CUDA's pointer
//! semantics (arithmetic, pointers inside structs, reinterpretation between types, 8- and
//! 16-bit accesses through masks on the containing word) with no analysis of where a pointer
//! comes from; one binding per pointer parameter would need that analysis and fail on any
//! pointer loaded from memory. The runtime packs all buffers into the heap and passes their
//! offsets as parameters.
//!
//! The IR's pointers are 64-bit; here they are narrowed to 32 bits: the heap is smaller than
//! 1 GiB (WebGPU's binding-size limits are far below 4 GiB anyway), and bits 30..31 of a
//! pointer name its space, so CUDA's generic pointers work:
//!
//! | bits 31..30 | space | memory |
//! | ----------- | ----- | ------ |
//! | `00` | global, constant | the heap (binding 0) |
//! | `01` | shared | `var<workgroup> shared_mem` |
//! | `10` | local | `var<private> local_mem` (locals whose address escapes) |
//! | `11` | param | the parameter buffer (binding 1; structs passed by value) |
//!
//! Every pointer carries its tag, so `addrspacecast` changes nothing; an access through a
//! pointer of a known space masks the tag off, an access through a generic pointer switches
//! on it, unless a flow analysis knows where it points (kernel pointer parameters point to
//! global memory, as the host only passes device buffers; `ptradd`, casts, `select` and
//! scalar local variables carry that along). Address 0 is never a heap allocation (null stays
//! null).
//!
//! # The launch ABI (what a runtime provides)
//! - **Entry point** [`ENTRY_POINT`], `@workgroup_size(block_x, block_y, block_z)` from the
//!   override constants [`OVERRIDE_BLOCK_SIZE`]; the override [`OVERRIDE_SHARED_WORDS`] is the
//!   number of 32-bit words of the shared array (at least [`WgslKernel::static_shared_words`];
//!   add `ceil(dynamic_shared_bytes / 4)` for `extern __shared__` memory).
//! - **Binding 0** (`@group(0) @binding(0)`): the heap, a read-write storage buffer.
//! - **Binding 1**: the parameter buffer, a uniform buffer (`array<vec4<u32>, N>`, N covering
//!   [`WgslKernel::param_buffer_size`]; NVIDIA reads uniforms from a constant bank): a header of
//!   [`PARAM_HEADER_BYTES`] bytes — `u32` block-index offset x, y, z of this dispatch (grids
//!   larger than one dispatch are split; `blockIdx = workgroup_id + offset`), `u32` grid size
//!   x, y, z (`gridDim`), `u32` heap offset of the module-globals area, one `u32` that must be 0 (kernels read it
//!   as a float `0.0` the WGSL implementation cannot fold, see # Floats) —
//!   then the kernel parameters, each at [`ParamSlot::offset`]: scalars as their little-endian
//!   bytes, pointers as 8-byte heap offsets, structs by value as their bytes.
//! - **Bindings 2 and 3** ([`BINDING_HEAP_U64`], [`BINDING_HEAP_I64`]), only in a kernel whose
//!   [`WgslKernel::atomics64`] is not [`Atomics64::None`]: the heap buffer again, read-write,
//!   as `array<atomic<u64>>` and `array<atomic<i64>>` (see # Atomics). The device must have
//!   the wgpu features [`Atomics64::wgpu_features`] names.
//! - **Module globals**: every `__device__` / `__constant__` variable lies in one heap area at
//!   the offsets of [`module_globals`] (the same layout for every kernel of the module), whose
//!   initial bytes the runtime writes once.
//!
//! # Values
//! `i1` is `bool`; `i8`, `i16` and `i32` are `i32` (8/16-bit values kept sign-extended);
//! `i64` is emulated as `vec2<u32>` (low, high word) by helper functions, except the `i64`
//! values of which only the low 32 bits are ever needed (pointer offsets, truncated results,
//! and the sums, products and shifts computing them: [`narrow`]), which are plain `u32`
//! arithmetic modulo 2^32; `f32` is `f32`; pointers are tagged `u32` offsets (above).
//! **`f64` is not available in WGSL**: a kernel that uses it is refused with an error naming
//! the kernel and the source location.
//!
//! # Floats
//! CUDA rounds every `f32` operation as IEEE 754 does; WGSL lets an implementation compute
//! `fma` unfused, `/` to 2.5 ulp and `sqrt` inexactly (NVIDIA's Vulkan driver does), defines
//! `%` as `x - y * trunc(x / y)`, and lets it assume that no value is infinite or NaN (Mesa's
//! lavapipe then folds `x - x` and `x * 0.0` to 0). So `fmaf` (also `__fmaf_rn` and every
//! `fmaf` of the device library), `fmodf`, `/` (also `__frcp_rn` as `1 / x`) and `sqrtf` (also
//! `__fsqrt_rn`) are computed exactly or correctly rounded with integer arithmetic
//! ([`softfloat`]); `__fdividef` stays WGSL's `/`, as approximate as CUDA's; `x - x`,
//! `x * ±0.0`, comparisons of a value with itself and every NaN test look at the bits;
//! infinite and NaN constants come from their bits.
//! Mesa also reassociates (`(a + b) - a` becomes `b`), which erases the rounding error that
//! double-float code (the device library, Kahan sums) computes on purpose: an `f32` add or
//! subtract whose operand is a sum sharing its other operand takes that sum as `s - z`, with
//! `z` the `0.0` of the launch header, exact and opaque to the implementation.
//!
//! # Subnormals
//! CUDA keeps `f32` subnormals (unless `-ftz=true`); WGSL lets an implementation flush them,
//! NVIDIA's does, and wgpu does not say which do (the runtime asks with a probe kernel). With
//! [`WgslOptions::soft_denormals_f32`] every `f32` operation a flush could change is computed
//! natively, checked with one compare, and redone exactly with integer code (`c_add`, `c_sub`,
//! `c_mul` of [`softfloat`]) in a branch taken only where a subnormal may be involved; a
//! product whose only use is a sum is checked with that sum. Comparisons and the other
//! operations look at the bits of subnormal operands (module `emit/denormals.rs` has the
//! details). `/`, `sqrtf`, `fmaf` and `fmodf` are integer code anyway.
//!
//! # How the module is built
//! The helper functions (64-bit arithmetic, sub-word and generic-pointer accesses, atomics,
//! conversions with CUDA's saturation) and the declarations (bindings, overrides, shared and
//! local arrays, the entry point's signature) are written once in WGSL ([`prelude`]) and parsed
//! by naga's front end; the kernel body is then built directly as naga IR from the SIMT IR
//! (every device-function call is inlined first, as in the SPIR-V backend), unused helpers are
//! removed with [`naga::compact`], and the whole module is validated before it is written.
//!
//! # Work-arounds for naga 30 (all checked by re-parsing the output in the tests)
//! naga's WGSL writer prints the literal workgroup size instead of the override expressions,
//! and drops the element type of an override-sized array: both are put back in the text.
//! Constants that are not scalar literals (`i64`) are module-scope `const`s, and non-finite
//! `f32` constants come from a helper call (WGSL constant expressions cannot be inf or NaN).
//! NaN tests look at the bits (naga writes float `!=` as an *ordered* comparison).
//!
//! # Atomics
//! 32-bit integer atomics use WGSL's atomics on `atomic<u32>`; signed min/max, `atomicInc`,
//! `atomicDec` and float `atomicAdd` are compare-exchange loops.
//!
//! 64-bit integer atomics depend on [`WgslOptions::atomics64`], what the device has.
//! Portable WGSL (browsers, [`Atomics64::None`]) has 32-bit atomics only: there 64-bit
//! `atomicAdd` / `Sub` add the low word and carry into the high word, so the memory ends
//! right, but the old value they read may mix two concurrent updates, and a kernel that *uses*
//! that value is refused (one that ignores it, as a sum into a global counter, is compiled);
//! the other 64-bit atomics are refused with an error naming the wgpu feature that would
//! make them compile (a correct emulation with 32-bit atomics needs a lock, and WebGPU does
//! not promise that a spinning thread lets the lock's holder progress).
//! On a native device with 64-bit atomics (wgpu's `SHADER_INT64_ATOMIC_MIN_MAX` /
//! `_ALL_OPS`, from Vulkan's `VK_KHR_shader_atomic_int64`), a 64-bit atomic on global memory
//! is one native atomic on the heap bound again as `array<atomic<u64>>` (`atomic<i64>` for
//! signed min / max) at byte address / 8, the `vec2<u32>` value converted to `u64` at the
//! atomic: with [`Atomics64::MinMax`], `atomicMin` / `atomicMax` whose old value is unused;
//! with [`Atomics64::AllOps`], every 64-bit atomic (old values used, `atomicCAS`,
//! `atomicExch`, and/or/xor). All heap accesses of a kernel with atomics are atomic, so the
//! 32- and 64-bit views of the same words are never cached apart. [`WgslKernel::atomics64`]
//! records what a kernel uses, and its module is validated with exactly those capabilities.
//! 64-bit atomics on shared memory (or through a generic pointer not known to point to
//! global memory) stay errors, but for the add / sub emulation: the shared array is one
//! `array<atomic<u32>>`, which WGSL cannot view as 64-bit words. `double` atomics stay
//! errors (no `f64` in WGSL).
//! `__threadfence*` is refused: WGSL has no stand-alone memory fence (atomics are relaxed and
//! `storageBarrier` is a workgroup barrier), and dropping the fence could change what other
//! blocks observe.
//!
//! # Barriers
//! `__syncthreads()` is `storageBarrier(); workgroupBarrier();` where the heap needs ordering
//! there (CUDA's barrier orders global memory too), else `workgroupBarrier();` alone: the
//! storage half is kept when a heap write may execute since the previous barrier (a read after
//! the barrier may need it), or a heap access since the last storage barrier with a heap write
//! before the next barrier (a read before it must not see a later write). The analysis
//! (`barriers.rs`) is structural and conservative (loops to a fixpoint, generic pointers of
//! unknown target count as heap); `__syncwarp` follows the same rule. The `count` / `and` /
//! `or` forms count through a workgroup atomic and always order the heap.
//!
//! # Warps
//! CUDA's warps are 32 consecutive threads of the block; WebGPU's subgroups are optional and
//! as wide as the device likes (lavapipe's are 8). So warp collectives (`__shfl*_sync` with
//! any width on 32- and 64-bit values, votes, `__match_*_sync`, `__reduce_*_sync`,
//! `__activemask`, `__syncwarp`) are emulated through a workgroup array `warp_slots` of 3
//! words per thread, sized by the override `warp_words` (its default, `3 * block_x * block_y
//! * block_z`, is computed from the block size: a runtime never sets it, but must count its
//! bytes as workgroup memory). Each collective is two workgroup barriers, which every thread
//! of the block must reach: [`cwcc_simt::predicate`] first takes collectives out of
//! thread-dependent control flow (threads CUDA would not run there take part with mask 0)
//! and turns early returns before a collective into an `alive` flag; what it cannot handle (a
//! collective in a loop whose trip count differs between threads) is a clear error. The
//! helpers and their semantics are in `emit/warp.rs`.
//!
//! On a device whose subgroups are CUDA's warps (32 wide, the threads `32 * w .. 32 * w + 31`
//! in order; NVIDIA's), [`WarpCollectives::Subgroups`] computes the same collectives with
//! subgroup built-ins: no workgroup memory, no barriers. The predication stays, so every lane
//! of a subgroup is active at each built-in. The runtime decides with a probe kernel.
//!
//! # Not supported (clear errors)
//! `printf`, `__trap` / `assert`, `clock()`, `__threadfence*`, `f64`, 64-bit atomics on
//! shared memory other than `atomicAdd` / `atomicSub` with an unused result, and, without
//! native 64-bit atomics on the device ([`WgslOptions::atomics64`]), 64-bit atomics on global
//! memory other than those.

mod barriers;
mod emit;
pub mod narrow;
pub mod prelude;
pub mod softfloat;

use cwcc_simt::ir::{AddrSpace, Module, ParamKind};
use std::fmt;

/// The name of the compute entry point of every compiled kernel.
pub const ENTRY_POINT: &str = "main";
/// Names of the override constants of the block size x, y, z.
pub const OVERRIDE_BLOCK_SIZE: [&str; 3] = ["block_x", "block_y", "block_z"];
/// Name of the override constant of the shared array's length in 32-bit words.
pub const OVERRIDE_SHARED_WORDS: &str = "shared_words";
/// Bytes of the launch header at the start of the parameter buffer.
pub const PARAM_HEADER_BYTES: u32 = 32;
/// Heap addresses must stay below this (bits 30..31 of a pointer name its space).
pub const MAX_HEAP_BYTES: u64 = 1 << 30;
/// Binding of the heap viewed as `array<atomic<u64>>` (kernels with native 64-bit atomics).
pub const BINDING_HEAP_U64: u32 = 2;
/// Binding of the heap viewed as `array<atomic<i64>>` (native signed 64-bit min / max).
pub const BINDING_HEAP_I64: u32 = 3;

/// How to compile. The kernel is always validated with every naga validation flag (as wgpu
/// does when it makes a pipeline). Note that naga 30's uniformity analysis does not reject a
/// `workgroupBarrier` in non-uniform control flow (Tint does): barriers are placed where the
/// CUDA source has `__syncthreads`, whose uniformity is the kernel's own contract, as in CUDA.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WgslOptions {
    /// Which native 64-bit atomics the target device has (see # Atomics in the crate doc).
    /// The default, [`Atomics64::None`], is portable WGSL (browsers have none).
    pub atomics64: Atomics64,
    /// The launch passes different buffers to different pointer parameters (the runtime
    /// checks this per launch). A `__syncthreads` then needs no storage barrier to keep a
    /// read through one parameter before a later write through another (see `barriers.rs`):
    /// a storage barrier is a device-scope memory barrier in wgpu's SPIR-V, which cost a
    /// transpose a fifth of its time on an H100.
    pub distinct_pointer_params: bool,
    /// Keep CUDA's `f32` subnormals on an implementation that flushes them to zero
    /// (NVIDIA's, through Vulkan): every operation a flush could change is checked and redone
    /// exactly where needed (see the crate doc's # Subnormals). Off by default (a device that
    /// keeps subnormals, or nvcc's `-ftz=true`).
    pub soft_denormals_f32: bool,
    /// How warp collectives are computed (see `emit/warp.rs`); the default, through
    /// workgroup memory, is portable WGSL.
    pub warps: WarpCollectives,
}

/// How a kernel computes warp collectives (shuffles, votes, matches, reductions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WarpCollectives {
    /// Through a workgroup array and two workgroup barriers per collective: correct whatever
    /// the device's subgroups are (lavapipe's are 8 wide).
    #[default]
    Workgroup,
    /// Through WGSL's subgroup built-ins, without workgroup memory or barriers. Only for a
    /// device whose subgroups are CUDA's warps: 32 wide, the threads of linear index
    /// `32 * w .. 32 * w + 31` in one subgroup in that order (the runtime checks this with a
    /// probe kernel; NVIDIA's are). Needs wgpu's `SUBGROUP` feature. naga 30 reads the
    /// built-ins without `enable subgroups;` (which it does not know), so the WGSL has none.
    Subgroups,
    /// The [`WarpCollectives::Subgroups`] code with each subgroup built-in replaced by a
    /// workgroup-memory stand-in that behaves as a 32-wide subgroup does: for testing that
    /// code on devices without such subgroups (lavapipe in CI).
    SimulatedSubgroups,
}

/// Native 64-bit atomics of a device, from least to most: each level allows what the one
/// before it does. Every level above `None` also needs 64-bit integer types in shaders
/// (wgpu's `SHADER_INT64`). Vulkan devices with `VK_KHR_shader_atomic_int64` (Mesa's
/// lavapipe, NVIDIA) have `AllOps`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atomics64 {
    /// None: WGSL's atomics are 32-bit (portable WGSL, every browser).
    #[default]
    None,
    /// `atomicMin` / `atomicMax` on 64-bit integers in storage buffers, the old value
    /// unused (wgpu's `SHADER_INT64` + `SHADER_INT64_ATOMIC_MIN_MAX`).
    MinMax,
    /// Every 64-bit integer atomic, old values used, compare-exchange included (wgpu's
    /// `SHADER_INT64` + `SHADER_INT64_ATOMIC_ALL_OPS`).
    AllOps,
}

impl Atomics64 {
    /// The wgpu features a device needs for this level, as their names.
    pub fn wgpu_features(self) -> &'static str {
        match self {
            Atomics64::None => "none",
            Atomics64::MinMax => "SHADER_INT64 and SHADER_INT64_ATOMIC_MIN_MAX",
            Atomics64::AllOps => "SHADER_INT64 and SHADER_INT64_ATOMIC_ALL_OPS",
        }
    }

    /// The naga validator capabilities of this level.
    pub fn capabilities(self) -> naga::valid::Capabilities {
        use naga::valid::Capabilities as C;
        match self {
            Atomics64::None => C::empty(),
            Atomics64::MinMax => C::SHADER_INT64 | C::SHADER_INT64_ATOMIC_MIN_MAX,
            Atomics64::AllOps => {
                C::SHADER_INT64 | C::SHADER_INT64_ATOMIC_MIN_MAX | C::SHADER_INT64_ATOMIC_ALL_OPS
            }
        }
    }
}

/// How the host passes one kernel parameter in the parameter buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSlot {
    /// Byte offset in the parameter buffer (after the header).
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
    /// What the parameter is (scalar type, pointer, struct by value).
    pub kind: ParamKind,
}

/// A module-level variable in the module-globals area of the heap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalSlot {
    /// The source name.
    pub name: String,
    /// `Global` or `Constant`.
    pub space: AddrSpace,
    /// Byte offset in the globals area.
    pub offset: u64,
    /// Size in bytes.
    pub size: u64,
}

/// The module-globals area: where every `__device__` / `__constant__` variable lies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GlobalsLayout {
    /// The variables.
    pub slots: Vec<GlobalSlot>,
    /// Size of the area in bytes (a multiple of 4).
    pub size: u64,
    /// Its initial contents (`size` bytes).
    pub init: Vec<u8>,
}

/// A compiled kernel: the WGSL source and what a runtime needs to launch it.
#[derive(Clone, Debug, PartialEq)]
pub struct WgslKernel {
    /// The kernel's source name.
    pub name: String,
    /// The WGSL source (entry point [`ENTRY_POINT`]).
    pub source: String,
    /// The parameters, in order.
    pub params: Vec<ParamSlot>,
    /// Size of the parameter buffer in bytes, header included (a multiple of 16).
    pub param_buffer_size: u32,
    /// 32-bit words of static shared memory (the default of [`OVERRIDE_SHARED_WORDS`]).
    pub static_shared_words: u32,
    /// Byte offset of dynamic shared memory in the shared array.
    pub dynamic_shared_offset: u64,
    /// Whether the kernel uses dynamic shared memory.
    pub uses_dynamic_shared: bool,
    /// Whether the WGSL declares [`OVERRIDE_SHARED_WORDS`] (a kernel that never touches
    /// shared memory has no shared array, and WebGPU refuses a value for an override that
    /// does not exist).
    pub has_shared_words_override: bool,
    /// Bytes of workgroup memory per thread of the block that the warp emulation uses (0
    /// when the kernel has no warp collective): a launch needs this times the block's
    /// thread count on top of the shared array.
    pub warp_bytes_per_thread: u32,
    /// The native 64-bit atomics the kernel uses ([`Atomics64::None`] when it uses none): a
    /// runtime must refuse it on a device with less, and bind the heap again at
    /// [`BINDING_HEAP_U64`] and [`BINDING_HEAP_I64`] when it is not `None`.
    pub atomics64: Atomics64,
    /// Built with [`WgslOptions::distinct_pointer_params`]: a runtime may only launch it
    /// with a different buffer for every pointer parameter.
    pub distinct_pointer_params: bool,
}

impl WgslKernel {
    /// A name for this build of the kernel, different for builds under different
    /// assumptions (for a runtime's module and pipeline caches).
    pub fn build_key(&self) -> String {
        if self.distinct_pointer_params {
            format!("{}#distinct", self.name)
        } else {
            self.name.clone()
        }
    }
}

impl WgslKernel {
    /// Lays out the parameter buffer: the header (`block_offset`, `grid`, `globals_base`) and
    /// `args` (one byte vector per parameter, in order).
    pub fn param_buffer(
        &self,
        block_offset: [u32; 3],
        grid: [u32; 3],
        globals_base: u32,
        args: &[Vec<u8>],
    ) -> Result<Vec<u8>, String> {
        if args.len() != self.params.len() {
            return Err(format!(
                "kernel `{}` takes {} arguments, {} given",
                self.name,
                self.params.len(),
                args.len()
            ));
        }
        let mut buf = vec![0u8; self.param_buffer_size as usize];
        let header: Vec<u32> = block_offset
            .iter()
            .chain(grid.iter())
            .copied()
            .chain([globals_base, 0])
            .collect();
        for (i, word) in header.iter().enumerate() {
            if let Some(dst) = buf.get_mut(i * 4..i * 4 + 4) {
                dst.copy_from_slice(&word.to_le_bytes());
            }
        }
        for (index, (slot, bytes)) in self.params.iter().zip(args).enumerate() {
            if bytes.len() != slot.size as usize {
                return Err(format!(
                    "argument {index} of kernel `{}` has {} bytes, the parameter {}",
                    self.name,
                    bytes.len(),
                    slot.size
                ));
            }
            let start = (PARAM_HEADER_BYTES + slot.offset) as usize;
            match buf.get_mut(start..start + bytes.len()) {
                Some(dst) => dst.copy_from_slice(bytes),
                None => {
                    return Err(format!(
                        "argument {index} of kernel `{}` lies outside its parameter buffer",
                        self.name
                    ))
                }
            }
        }
        Ok(buf)
    }
}

/// Why a kernel could not be compiled to WGSL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WgslError {
    /// No kernel of that name.
    NoSuchKernel(String),
    /// A construct the WGSL backend does not handle; `loc` is `file:line:col`.
    Unsupported {
        /// What is not supported.
        what: String,
        /// Where, when known.
        loc: Option<String>,
    },
    /// The input IR is malformed (a bug in an earlier stage).
    Invalid(String),
    /// naga refused the module it was given (a bug in this backend).
    Naga(String),
}

impl fmt::Display for WgslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WgslError::NoSuchKernel(k) => write!(f, "no kernel named `{k}`"),
            WgslError::Unsupported { what, loc: Some(l) } => {
                write!(f, "{l}: not supported by the WGSL backend: {what}")
            }
            WgslError::Unsupported { what, loc: None } => {
                write!(f, "not supported by the WGSL backend: {what}")
            }
            WgslError::Invalid(m) => write!(f, "invalid SIMT IR: {m}"),
            WgslError::Naga(m) => write!(f, "internal error in the WGSL backend: {m}"),
        }
    }
}

impl std::error::Error for WgslError {}

fn align_up(x: u64, a: u64) -> u64 {
    let a = a.max(1);
    x.div_ceil(a) * a
}

/// The module-globals area of `module` (the same for every kernel of the module).
pub fn module_globals(module: &Module) -> GlobalsLayout {
    let mut layout = GlobalsLayout::default();
    for (_, g) in module.globals.iter() {
        if g.space == AddrSpace::Shared {
            continue;
        }
        let size = module.size_of(g.ty).unwrap_or(0);
        let offset = align_up(layout.size, u64::from(g.align.max(1)));
        layout.init.resize(offset as usize, 0);
        if let Some(bytes) = &g.init {
            layout.init.extend_from_slice(bytes);
        }
        layout.init.resize((offset + size) as usize, 0);
        layout.slots.push(GlobalSlot {
            name: g.name.clone(),
            space: g.space,
            offset,
            size,
        });
        layout.size = offset + size;
    }
    layout.size = align_up(layout.size, 4);
    layout.init.resize(layout.size as usize, 0);
    layout
}

/// Compiles the kernel named `kernel` of `module` (phase `simt`) to WGSL.
pub fn compile(
    module: &Module,
    kernel: &str,
    options: &WgslOptions,
) -> Result<WgslKernel, WgslError> {
    emit::compile_kernel(module, kernel, options)
}

/// Compiles every kernel of `module` (for `cwcc -o k.wgsl`): one complete WGSL module per
/// kernel, as (kernel name, WGSL source) in source order. Each kernel gets its own module
/// because the heap's element type (atomic or not), the shared array and the local array are
/// chosen per kernel; a kernel that cannot be compiled is an error naming it.
pub fn compile_all(
    module: &Module,
    options: &WgslOptions,
) -> Result<Vec<(String, String)>, WgslError> {
    module
        .kernels
        .iter()
        .map(|info| compile(module, &info.name, options).map(|k| (k.name, k.source)))
        .collect()
}

impl From<cwcc_simt::inline_all::InlineError> for WgslError {
    fn from(e: cwcc_simt::inline_all::InlineError) -> Self {
        match e {
            cwcc_simt::inline_all::InlineError::Recursion { loc } => WgslError::Unsupported {
                what: "recursive device functions (WGSL has no recursion)".to_string(),
                loc,
            },
            cwcc_simt::inline_all::InlineError::Invalid(m) => WgslError::Invalid(m),
        }
    }
}

impl From<cwcc_simt::predicate::PredicateError> for WgslError {
    fn from(e: cwcc_simt::predicate::PredicateError) -> Self {
        match e {
            cwcc_simt::predicate::PredicateError::Unsupported { what, loc } => {
                WgslError::Unsupported { what, loc }
            }
        }
    }
}
