//! The SIMT IR of cwcc: the per-thread, structured IR that every backend (WASM, native,
//! SPIR-V, WGSL) consumes, with its text form, verifier, pass manager and the reference
//! executor that runs a kernel launch with CUDA's semantics.
//!
//! This crate knows nothing of the front end: it is pure IR. The data types are in [`ir`]
//! (code-free, reviewed carefully); this page is the specification of their meaning.
//!
//! # Module
//! A [`Module`] holds arenas addressed by typed handles that print as the text form spells
//! them: types (`t4`, interned: equal types have equal handles), globals (`@g1`), functions
//! (`fn2`), and per function values (`%v3`) and locals (`%l0`). [`ir::KernelInfo`] lists the
//! entry points with their source names, parameter kinds and shared-memory needs.
//!
//! # Types and values
//! Scalars are `i1`, signless integers `i8`..`i64` (operations choose signedness: `sdiv` /
//! `udiv`, `slt` / `ult`, `sext` / `zext`, `sitofp` / `uitofp`), `f32`, `f64` and 64-bit
//! pointers `ptr<space>`. Pointers are byte addresses; loads and stores name the scalar type
//! they access (the result type of a load, the operand type of a store); `ptradd` adds a signed
//! byte offset. Arrays and structs have explicit layout and exist only in memory (globals,
//! locals, by-value kernel parameters). Vectors do not exist: the front end scalarizes them.
//!
//! # Address spaces
//! `global` (device memory), `shared` (per block), `constant` (read-only device memory),
//! `local` (per thread), `param` (by-value kernel parameters, read-only) and `generic`
//! (CUDA's generic pointers; an `addrspacecast` converts between a specific space and
//! `generic` without changing the address).
//!
//! # Control flow and SSA scope
//! Control flow is structured (as in naga or MLIR's `scf`): a function body is a [`ir::Region`]
//! of statements; `if` has a then and an else region; `loop` has a `body` and a `continuing`
//! region (`continue` jumps to `continuing`, `break` leaves the loop, `continuing` runs after
//! every iteration and has no `break`/`continue`/`return` of its own); `return` leaves the
//! function. Each instruction defines at most one SSA value. A value is visible after its
//! definition in its region and in regions nested in it, never outside; there are no phi
//! nodes or region results. **Mutable variables are `local` memory**: a C variable assigned in
//! a loop or a branch is a [`ir::LocalVar`] read and written with `load`/`store` through
//! `local_addr` (as naga's `LocalVariable`); promoting them to registers is a backend's or a
//! pass's business.
//!
//! # SIMT semantics (phase `simt`)
//! A kernel function describes one thread. `thread_id`, `block_id`, `block_dim`, `grid_dim`
//! give CUDA's built-in variables (as `i32`); threads are numbered
//! `x + y * block_dim.x + z * block_dim.x * block_dim.y` and form warps of 32 consecutive
//! threads; `lane_id` is the number modulo 32.
//! - `barrier` (`__syncthreads` and its `count`/`and`/`or` forms) waits until every thread of
//!   the block has reached the same barrier; a barrier not reached by all threads of the block
//!   is an error (the reference executor reports it instead of hanging).
//! - Warp collectives (`syncwarp`, `shfl.*`, `vote.*`, `match.*`, `reduce.*`) take a mask of
//!   participating lanes; they complete when every lane of the mask has arrived. Shuffle
//!   `width` splits the warp into segments (see [`ir::ShuffleKind`]). `active_mask` is the set
//!   of lanes executing it together.
//! - Atomics are sequentially consistent read-modify-writes with a scope; `fence` orders
//!   memory accesses (the executor runs atomics and fences one at a time).
//!
//! # Phases
//! [`ir::Phase::Simt`] allows everything above; [`ir::Phase::PerBlock`] (after warp-to-loop)
//! describes a whole block with explicit thread loops and forbids barriers, warp operations,
//! `thread_id` and `lane_id`. The [`verify`](verify::verify) function checks the phase rules.
//!
//! # Shared memory in one buffer (phase `perblock`)
//! CPU-like targets run a block per call and get all of the block's shared memory as one
//! buffer from the host. `shared_buffer` (allowed only in `perblock`, in kernels and device
//! functions alike) is the base of the current block's buffer, a `ptr<shared>`. The
//! `shared-to-buffer` pass gives every static `__shared__` variable an offset in it (one
//! layout for the module, each variable aligned) and puts dynamic (`extern __shared__`)
//! memory at the kernel's [`ir::KernelInfo::dynamic_shared_offset`]; it replaces
//! `global_addr` of shared variables and `dyn_shared_addr` by `ptradd shared_buffer, OFFSET`
//! and sets [`Module::shared_in_buffer`] (printed as `module phase perblock shared_buffer`,
//! with `dynamic_shared_offset N` on each kernel line). A launch with `D` bytes of dynamic
//! shared memory then needs a buffer of `dynamic_shared_offset + D` bytes (at least the
//! kernel's `static_shared` bytes), 16-byte aligned, zeroed or not as the host likes (CUDA
//! leaves shared memory undefined at block start).
//!
//! # Undefined behaviour, defined
//! Integer division by zero is an error in the executor (backends may do anything); shift
//! amounts are taken modulo the bit width; float-to-int conversions saturate and map NaN to 0 (except as the H100 does: NaN to a signed
//! 64-bit integer gives `INT64_MIN`, a double NaN to a signed 32-bit integer `INT_MIN`);
//! `fmin`/`fmax` ignore a NaN operand.

pub mod builtins;
pub mod eval;
pub mod inline_all;
pub mod interp;
pub mod ir;
pub mod link;
pub mod module;
pub mod parse;
pub mod pass;
pub mod passes;
pub mod predicate;
pub mod print;
pub mod speculate;
pub mod verify;

pub use ir::Module;
pub use parse::{parse_module, ParseError};
pub use pass::{Pass, PassError, PassManager};
pub use print::print_module;
pub use verify::{verify, VerifyError};
