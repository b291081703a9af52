//! Lowering of cwcc's typed HIR ([`cwcc_hir::Module`]) to the SIMT IR ([`cwcc_simt::Module`]).
//!
//! Entry point: [`lower`]. Everything the HIR can hold in device code is lowered, or reported
//! as a "not supported yet: …" diagnostic at its source location; a module is returned only
//! when there was no error, and it passes the SIMT verifier.
//!
//! # How HIR constructs map to the SIMT IR
//! - **Scalars** map to `i1`, `i8`..`i64`, `f32`, `f64`; signedness picks the operation
//!   (`sdiv`/`udiv`, `sext`/`zext`, …). Enums are their underlying integer.
//! - **Pointers** keep their HIR address space (source pointers are `generic`); references
//!   are `ptr<generic>`. Kernel pointer parameters are `ptr<global>` and cast to `generic`.
//! - **Locals and parameters** are SIMT local variables read and written with `load`/`store`
//!   (every scalar parameter is copied into its slot on entry). Aggregates (structs, arrays,
//!   vector types) live in memory and are copied scalar by scalar.
//! - **Aggregate parameters** of device functions are passed as a `ptr<generic>` to a copy
//!   made by the caller; an aggregate result is written through a hidden first `ptr<generic>`
//!   parameter. By-value kernel parameters are `param` memory copied into a local on entry.
//! - **Control flow**: `while`/`for` become `loop` with the test at the top of the body and
//!   the step in `continuing`; `do … while` tests at the top of every iteration but the first;
//!   `switch` becomes a loop run once whose case groups start at the selected group (so
//!   fallthrough and `break` work), with `continue` forwarded to the enclosing loop;
//!   `&&`, `||` and `?:` evaluate one side only, through a local temporary.
//! - **Device-library builtins** (declared without a body in a bundled header) become SIMT
//!   instructions (barriers, warp collectives, atomics, fences, bit operations, conversions)
//!   or `math` instructions by name; see `builtins.rs`.

mod builtins;
mod func;
mod types;

#[cfg(test)]
mod tests;

use cwcc_frontend::diag::{Diagnostic, Diagnostics};
use cwcc_frontend::source::{FileId, SourceMap, Span};
use cwcc_hir::ir as h;
use cwcc_hir::types as ht;
use cwcc_simt::ir as s;
use std::collections::{BTreeSet, HashMap};

/// Lowers the device code of a HIR module to a SIMT module in the `simt` phase.
///
/// Returns every problem found (each at its source location) when anything could not be
/// lowered; never returns a partially lowered module.
pub fn lower(hir: &h::Module, sources: &SourceMap) -> Result<s::Module, Diagnostics> {
    let mut lowerer = Lowerer::new(hir, sources);
    lowerer.run();
    if lowerer.diags.has_errors() {
        return Err(lowerer.diags);
    }
    if let Err(errors) = cwcc_simt::verify(&lowerer.out) {
        let report = cwcc_simt::verify::format_errors(&lowerer.out, &errors);
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::error_no_span(format!(
            "internal compiler error: the lowered SIMT IR is invalid:\n{report}"
        )));
        return Err(diags);
    }
    Ok(lowerer.out)
}

/// How a HIR global is reached in the SIMT module.
#[derive(Clone, Copy, Debug)]
enum GlobalRef {
    /// A SIMT module variable.
    Var(s::GlobalId),
    /// `extern __shared__` dynamic shared memory.
    DynamicShared,
}

/// The signature a HIR function got in the SIMT module.
#[derive(Clone, Debug)]
struct Signature {
    /// The SIMT function.
    id: s::FuncId,
    /// Whether the first SIMT parameter is the address the aggregate result is written to.
    sret: bool,
}

/// What a function uses, for the kernels' shared-memory needs.
#[derive(Clone, Debug, Default)]
struct Uses {
    /// Static shared globals used directly.
    shared: BTreeSet<u32>,
    /// Whether dynamic shared memory is used directly.
    dynamic_shared: bool,
    /// HIR functions called.
    callees: BTreeSet<u32>,
}

/// The state of one lowering.
struct Lowerer<'a> {
    hir: &'a h::Module,
    sources: &'a SourceMap,
    out: s::Module,
    diags: Diagnostics,
    type_cache: HashMap<ht::TypeId, s::TypeId>,
    globals: Vec<Option<GlobalRef>>,
    signatures: HashMap<u32, Signature>,
    files: HashMap<FileId, u32>,
    strings: HashMap<Vec<u8>, s::GlobalId>,
    uses: HashMap<u32, Uses>,
}

impl<'a> Lowerer<'a> {
    fn new(hir: &'a h::Module, sources: &'a SourceMap) -> Self {
        Lowerer {
            hir,
            sources,
            out: s::Module::new(),
            diags: Diagnostics::new(),
            type_cache: HashMap::new(),
            globals: Vec::new(),
            signatures: HashMap::new(),
            files: HashMap::new(),
            strings: HashMap::new(),
            uses: HashMap::new(),
        }
    }

    /// The SIMT location of a HIR span (the user's own text for macro expansions).
    fn loc(&mut self, span: Span) -> Option<s::Loc> {
        let span = self.sources.user_span(span);
        let file = self.sources.get_file(span.file)?;
        let (line, col) = if file.line_starts().is_empty() {
            (1, 1)
        } else {
            file.line_col(span.lo)
        };
        let index = match self.files.get(&span.file) {
            Some(&i) => i,
            None => {
                let i = self.out.files.len() as u32;
                self.out.files.push(file.name.clone());
                self.files.insert(span.file, i);
                i
            }
        };
        Some(s::Loc {
            file: index,
            line,
            col,
        })
    }

    fn run(&mut self) {
        self.lower_globals();
        self.declare_functions();
        for (index, func) in self.hir.functions.iter().enumerate() {
            if func.kind == h::FunctionKind::Builtin || func.body.is_none() {
                continue;
            }
            let Some(sig) = self.signatures.get(&(index as u32)).cloned() else {
                continue;
            };
            match func::lower_function(self, index as u32, func, &sig) {
                Ok((function, uses)) => {
                    if let Some(slot) = self.out.functions.get_mut(sig.id) {
                        *slot = function;
                    }
                    self.uses.insert(index as u32, uses);
                }
                Err(diag) => self.diags.push(*diag),
            }
        }
        self.fill_kernel_shared_needs();
    }

    /// Creates the SIMT globals (and their initial bytes).
    fn lower_globals(&mut self) {
        for global in &self.hir.globals {
            let lowered = self.lower_global(global);
            match lowered {
                Ok(r) => self.globals.push(Some(r)),
                Err(diag) => {
                    self.diags.push(*diag);
                    self.globals.push(None);
                }
            }
        }
    }

    fn lower_global(&mut self, global: &h::Global) -> Result<GlobalRef, Box<Diagnostic>> {
        if global.dynamic_shared {
            return Ok(GlobalRef::DynamicShared);
        }
        let space = match global.space {
            ht::AddrSpace::Global => s::AddrSpace::Global,
            ht::AddrSpace::Shared => s::AddrSpace::Shared,
            ht::AddrSpace::Constant => s::AddrSpace::Constant,
            other => {
                return Err(Box::new(Diagnostic::error(
                    format!(
                        "not supported yet: a global variable `{}` in the {} address space",
                        global.name,
                        other.name()
                    ),
                    global.span,
                )))
            }
        };
        let ty = self.mem_type(global.ty, global.span)?;
        let align = self.out.align_of(ty).unwrap_or(1);
        let init = match (&global.init, space) {
            (_, s::AddrSpace::Shared) | (None, _) | (Some(h::ConstInit::Zero), _) => None,
            (Some(init), _) => {
                let size = self.out.size_of(ty).unwrap_or(0);
                let mut bytes = vec![0u8; size as usize];
                types::write_const(self, global.ty, init, &mut bytes, 0, global.span)?;
                Some(bytes)
            }
        };
        let id = self.out.globals.push(s::Global {
            name: global.name.clone(),
            ty,
            space,
            align,
            init,
        });
        Ok(GlobalRef::Var(id))
    }

    /// A constant global holding the bytes of a string literal.
    fn string_global(&mut self, bytes: &[u8]) -> s::GlobalId {
        if let Some(&id) = self.strings.get(bytes) {
            return id;
        }
        let i8_ty = self.out.ty(s::Type::Int(s::IntWidth::W8));
        let ty = self.out.ty(s::Type::Array {
            elem: i8_ty,
            len: bytes.len() as u64,
        });
        let id = self.out.globals.push(s::Global {
            name: format!(".str{}", self.strings.len()),
            ty,
            space: s::AddrSpace::Constant,
            align: 1,
            init: Some(bytes.to_vec()),
        });
        self.strings.insert(bytes.to_vec(), id);
        id
    }

    /// Creates an empty SIMT function with its signature for every device function and kernel.
    fn declare_functions(&mut self) {
        for (index, func) in self.hir.functions.iter().enumerate() {
            if func.kind == h::FunctionKind::Builtin || func.body.is_none() {
                continue;
            }
            match self.declare_function(func) {
                Ok(sig) => {
                    self.signatures.insert(index as u32, sig);
                }
                Err(diag) => self.diags.push(*diag),
            }
        }
    }

    fn declare_function(&mut self, func: &h::Function) -> Result<Signature, Box<Diagnostic>> {
        let is_kernel = func.kind == h::FunctionKind::Kernel;
        let mut simt = s::Function::new(func.name.clone(), None);
        let mut params = Vec::new();
        let mut sret = false;
        let ret_ty = self.hir.types.get(func.ret);
        if is_kernel && ret_ty != ht::Type::Void {
            return Err(Box::new(Diagnostic::error(
                format!("kernel `{}` must return void", func.name),
                func.span,
            )));
        }
        match ret_ty {
            ht::Type::Void => {}
            _ if self.is_aggregate(func.ret) => {
                let p = self.out.ty(s::Type::Ptr(s::AddrSpace::Generic));
                simt.add_param(p);
                sret = true;
            }
            _ => simt.ret = Some(self.value_type(func.ret, func.span)?),
        }
        for &param in &func.params {
            let Some(local) = func.locals.get(param.0 as usize) else {
                continue;
            };
            let ty = self.hir.types.get(local.ty);
            if is_kernel {
                let (kind, value_ty) = match ty {
                    ht::Type::Pointer { .. } => (
                        s::ParamKind::Pointer(s::AddrSpace::Global),
                        self.out.ty(s::Type::Ptr(s::AddrSpace::Global)),
                    ),
                    ht::Type::Reference { .. } => {
                        return Err(Box::new(Diagnostic::error(
                            format!(
                            "kernel parameter `{}` is a reference; kernels take pointers or values",
                            local.name
                        ),
                            local.span,
                        )))
                    }
                    _ if self.is_aggregate(local.ty) => {
                        let mem = self.mem_type(local.ty, local.span)?;
                        (
                            s::ParamKind::ByValue(mem),
                            self.out.ty(s::Type::Ptr(s::AddrSpace::Param)),
                        )
                    }
                    _ => {
                        let t = self.value_type(local.ty, local.span)?;
                        (s::ParamKind::Scalar(t), t)
                    }
                };
                simt.add_param(value_ty);
                params.push(s::KernelParam {
                    name: local.name.clone(),
                    kind,
                });
            } else {
                let t = if self.is_aggregate(local.ty) {
                    self.out.ty(s::Type::Ptr(s::AddrSpace::Generic))
                } else {
                    self.value_type(local.ty, local.span)?
                };
                simt.add_param(t);
            }
        }
        let id = self.out.functions.push(simt);
        if is_kernel {
            let launch_bounds = func.launch_bounds.first().map(|&max| s::LaunchBounds {
                max_threads: max.min(u64::from(u32::MAX)) as u32,
                min_blocks: func
                    .launch_bounds
                    .get(1)
                    .map(|&m| m.min(u64::from(u32::MAX)) as u32),
            });
            self.out.kernels.push(s::KernelInfo {
                name: func.name.clone(),
                function: id,
                params,
                static_shared_bytes: 0,
                dynamic_shared_offset: 0,
                uses_dynamic_shared: false,
                launch_bounds,
            });
        }
        Ok(Signature { id, sret })
    }

    /// Computes each kernel's static shared bytes and dynamic shared use over its call graph.
    fn fill_kernel_shared_needs(&mut self) {
        let mut by_simt: HashMap<s::FuncId, u32> = HashMap::new();
        for (&hir_index, sig) in &self.signatures {
            by_simt.insert(sig.id, hir_index);
        }
        for k in 0..self.out.kernels.len() {
            let Some(&root) = self
                .out
                .kernels
                .get(k)
                .and_then(|k| by_simt.get(&k.function))
            else {
                continue;
            };
            let mut seen = BTreeSet::new();
            let mut stack = vec![root];
            let mut shared = BTreeSet::new();
            let mut dynamic = false;
            while let Some(f) = stack.pop() {
                if !seen.insert(f) {
                    continue;
                }
                if let Some(uses) = self.uses.get(&f) {
                    shared.extend(uses.shared.iter().copied());
                    dynamic |= uses.dynamic_shared;
                    stack.extend(uses.callees.iter().copied());
                }
            }
            let mut bytes = 0u64;
            for &gi in &shared {
                if let Some(g) = self.out.globals.get(s::GlobalId(gi)) {
                    let size = self.out.size_of(g.ty).unwrap_or(0);
                    bytes = bytes.next_multiple_of(u64::from(g.align.max(1))) + size;
                }
            }
            if let Some(kernel) = self.out.kernels.get_mut(k) {
                kernel.static_shared_bytes = bytes;
                kernel.uses_dynamic_shared = dynamic;
            }
        }
    }
}
