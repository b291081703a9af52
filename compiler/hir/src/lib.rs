//! The typed high-level IR of cwcc: the device code of a CUDA translation unit after
//! semantic analysis.
//!
//! Entry point: [`lower`] turns an [`cwcc_frontend::ast::TranslationUnit`] into a [`Module`];
//! problems are reported as diagnostics, never as panics. `Module` implements `Display` (the
//! text form of `cwcc --emit=hir`).
//!
//! # Guarantees of a module lowered without errors
//!
//! - **Tree-shaped**, like the AST: functions hold blocks of statements holding expression trees.
//! - **Names resolved**: every variable use is a [`ir::ExprKind::Local`] / [`ir::ExprKind::Global`]
//!   handle, every call names a [`ir::FuncId`]; struct and vector members are field indexes.
//! - **Typed**: every expression has an interned [`types::TypeId`] (`TypeId` equality is type
//!   equality) and a value category ([`ir::ValueCategory`]: lvalue with address space and
//!   mutability, or rvalue). Expression types are never references: a reference variable is
//!   read through an explicit `Deref`, a reference argument is passed as an `AddrOf`.
//! - **Conversions explicit**: lvalue-to-rvalue (`load`), array decay, integer promotions, the
//!   usual arithmetic conversions and all casts are [`ir::ExprKind::Convert`] nodes; binary
//!   operands always have the same type.
//! - **Pointer arithmetic explicit**: `PtrAdd` (scaled by the pointee size), `PtrDiff`.
//! - **Address spaces**: globals are `global` (`__device__`, `__managed__`), `shared`,
//!   `constant`; locals and parameters `local`; pointers declared in the source are `generic`
//!   (as in CUDA); taking the address of a variable gives a pointer into its space, converted
//!   to `generic` with `AddrSpaceCast` where a generic pointer is needed.
//! - **CUDA builtin variables**: `threadIdx.x` is `Builtin(ThreadIdx, Some(0))` of type `u32`;
//!   `warpSize` is `Builtin(WarpSize, None)` (`i32`, constant 32).
//! - **Templates instantiated**: only concrete instances appear (`add<float, 4>`), and only
//!   device code reachable from kernels is lowered (kernels are non-template `__global__`
//!   functions, explicit instantiations, and kernel templates launched from host code with
//!   explicit arguments).
//! - **Constants folded** where C++ requires a constant: array sizes, template arguments,
//!   `#pragma unroll` counts, enumerators, `static_assert`, case labels, `__constant__` and
//!   `__device__` initializers, `sizeof`/`alignof` (CUDA's LP64 layout, vector types aligned
//!   as CUDA declares them).
//! - **Functions**: kernels, device functions (members get `this` as their first parameter,
//!   constructors initialize `*this`), and builtins (declared without a body in a bundled system
//!   header; backends implement them by name). Host-only code is not lowered; host launch sites
//!   are listed in [`Module::launches`].
//! - **Structured control flow only**: `goto` and labels are rejected.

pub mod ir;
mod lower;
mod print;
mod scope;
pub mod types;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_source;

pub use ir::Module;
pub use lower::lower;
