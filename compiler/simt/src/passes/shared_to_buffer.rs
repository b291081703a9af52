//! The `shared-to-buffer` pass: puts all of a block's shared memory into one per-block buffer
//! whose base is [`Inst::SharedBuffer`], for CPU-like targets (WASM, native) that run a block
//! per call and receive the buffer from the host.
//!
//! Layout: every shared global that some function addresses (`global_addr`) gets one offset
//! for the whole module, in global order, each aligned to the global's alignment (so a device
//! function sees its variables at the same place whichever kernel calls it). Per kernel,
//! `static_shared_bytes` becomes the end of the last variable the kernel uses through its
//! call graph (0 if none) and `dynamic_shared_offset` that end rounded up to 16. When a device
//! function (not a kernel) uses `dyn_shared_addr`, every kernel gets the same dynamic offset
//! instead: the end of the whole layout rounded up to 16, so the device function can use one
//! constant.
//!
//! Rewrite: `%v = global_addr @g` of a shared global becomes `%v = shared_buffer` at offset 0,
//! else `%b = shared_buffer; %c: i64 = const OFF; %v = ptradd %b, %c`; `dyn_shared_addr`
//! likewise with the dynamic offset (the kernel's in a kernel function, the module-wide one in
//! a device function, which are equal when a device function uses dynamic memory). A
//! `global_addr` or `dyn_shared_addr` without a result does nothing and is removed. Afterwards
//! [`Module::shared_in_buffer`] is set, which the verifier checks.
//!
//! Requires [`Phase::PerBlock`] (run after `warp-to-loop`): `shared_buffer` is the current
//! block's buffer, which only a per-block function has a single one of.

use crate::ir::*;
use crate::pass::{Pass, PassError};
use std::collections::{BTreeSet, HashMap};

/// The `shared-to-buffer` pass.
pub struct SharedToBuffer;

/// The name of the pass.
const NAME: &str = "shared-to-buffer";

impl Pass for SharedToBuffer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn run(&self, module: &mut Module) -> Result<(), PassError> {
        if module.phase != Phase::PerBlock {
            return Err(unsupported(
                "requires the perblock phase: run `warp-to-loop` first".to_string(),
            ));
        }
        if module.shared_in_buffer {
            return Ok(());
        }
        let uses: Vec<SharedUses> = module
            .functions
            .items
            .iter()
            .map(|func| {
                let mut uses = SharedUses::default();
                collect_uses(module, &func.body, &mut uses);
                uses
            })
            .collect();
        let layout = Layout::compute(module, &uses)?;
        let kernel_functions: BTreeSet<FuncId> =
            module.kernels.iter().map(|k| k.function).collect();
        let device_uses_dynamic = uses
            .iter()
            .enumerate()
            .any(|(index, u)| u.dynamic && !kernel_functions.contains(&FuncId::from_index(index)));
        let module_dynamic_offset = round_up_16(layout.end)?;

        // Per kernel: the end of its static variables and its dynamic offset.
        let mut function_dynamic_offset: HashMap<FuncId, u64> = HashMap::new();
        for kernel in module.kernels.iter_mut() {
            let mut static_end = 0u64;
            for global in reachable_globals(kernel.function, &uses) {
                if let Some(&(offset, size)) = layout.placement.get(&global) {
                    static_end = static_end.max(offset + size);
                }
            }
            let dynamic_offset = if device_uses_dynamic {
                module_dynamic_offset
            } else {
                round_up_16(static_end)?
            };
            kernel.static_shared_bytes = static_end;
            kernel.dynamic_shared_offset = dynamic_offset;
            function_dynamic_offset.insert(kernel.function, dynamic_offset);
        }

        let types = Types {
            i64: module.ty(Type::Int(IntWidth::W64)),
            ptr_shared: module.ty(Type::Ptr(AddrSpace::Shared)),
        };
        for (index, func) in module.functions.items.iter_mut().enumerate() {
            let id = FuncId::from_index(index);
            let needs_rewrite = uses
                .get(index)
                .is_some_and(|u| u.dynamic || !u.globals.is_empty());
            if !needs_rewrite {
                continue;
            }
            let dynamic_offset = function_dynamic_offset
                .get(&id)
                .copied()
                .unwrap_or(module_dynamic_offset);
            let mut body = std::mem::take(&mut func.body);
            let mut rewriter = Rewriter {
                func,
                layout: &layout,
                dynamic_offset,
                types,
            };
            rewriter.region(&mut body);
            func.body = body;
        }
        module.shared_in_buffer = true;
        Ok(())
    }
}

fn unsupported(message: String) -> PassError {
    PassError::Unsupported {
        pass: NAME.to_string(),
        message,
    }
}

fn round_up_16(bytes: u64) -> Result<u64, PassError> {
    bytes.checked_next_multiple_of(16).ok_or_else(|| {
        unsupported(format!(
            "{bytes} bytes of shared memory do not fit in a 64-bit buffer"
        ))
    })
}

/// What one function does with shared memory directly.
#[derive(Default)]
struct SharedUses {
    /// Shared globals whose address it takes.
    globals: BTreeSet<GlobalId>,
    /// Whether it takes the dynamic shared memory's address.
    dynamic: bool,
    /// The functions it calls.
    callees: BTreeSet<FuncId>,
}

fn collect_uses(module: &Module, region: &Region, uses: &mut SharedUses) {
    for stmt in &region.stmts {
        match &stmt.kind {
            StmtKind::Inst { inst, .. } => match inst {
                Inst::GlobalAddr(global)
                    if module
                        .globals
                        .get(*global)
                        .is_some_and(|g| g.space == AddrSpace::Shared) =>
                {
                    uses.globals.insert(*global);
                }
                Inst::DynSharedAddr => uses.dynamic = true,
                Inst::Call { func, .. } => {
                    uses.callees.insert(*func);
                }
                _ => {}
            },
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                collect_uses(module, then_region, uses);
                collect_uses(module, else_region, uses);
            }
            StmtKind::Loop { body, continuing } => {
                collect_uses(module, body, uses);
                collect_uses(module, continuing, uses);
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Return(_) => {}
        }
    }
}

/// The shared globals a function uses, itself or through the functions it calls.
fn reachable_globals(root: FuncId, uses: &[SharedUses]) -> BTreeSet<GlobalId> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    let mut globals = BTreeSet::new();
    while let Some(func) = stack.pop() {
        if !seen.insert(func) {
            continue;
        }
        if let Some(u) = uses.get(func.index()) {
            globals.extend(u.globals.iter().copied());
            stack.extend(u.callees.iter().copied());
        }
    }
    globals
}

/// The module-wide placement of the shared globals in the buffer.
struct Layout {
    /// Offset and size of each placed global.
    placement: HashMap<GlobalId, (u64, u64)>,
    /// The end of the last placed global.
    end: u64,
}

impl Layout {
    fn compute(module: &Module, uses: &[SharedUses]) -> Result<Layout, PassError> {
        let used: BTreeSet<GlobalId> = uses
            .iter()
            .flat_map(|u| u.globals.iter().copied())
            .collect();
        let mut placement = HashMap::new();
        let mut end = 0u64;
        for global_id in used {
            let Some(global) = module.globals.get(global_id) else {
                continue;
            };
            let Some(size) = module.size_of(global.ty) else {
                return Err(unsupported(format!(
                    "the size of shared variable `{}` ({global_id}) is not known",
                    global.name
                )));
            };
            let align = u64::from(global.align.max(1));
            let placed = end
                .checked_next_multiple_of(align)
                .and_then(|offset| Some((offset, offset.checked_add(size)?)));
            let Some((offset, next_end)) = placed else {
                return Err(unsupported(format!(
                    "shared variable `{}` ({global_id}) does not fit in a 64-bit buffer",
                    global.name
                )));
            };
            placement.insert(global_id, (offset, size));
            end = next_end;
        }
        Ok(Layout { placement, end })
    }
}

/// The types the rewrite creates values of.
#[derive(Clone, Copy)]
struct Types {
    i64: TypeId,
    ptr_shared: TypeId,
}

struct Rewriter<'a> {
    func: &'a mut Function,
    layout: &'a Layout,
    /// The dynamic shared memory's offset for this function.
    dynamic_offset: u64,
    types: Types,
}

impl Rewriter<'_> {
    fn region(&mut self, region: &mut Region) {
        let old = std::mem::take(&mut region.stmts);
        let mut out = Vec::with_capacity(old.len());
        for mut stmt in old {
            match &mut stmt.kind {
                StmtKind::Inst { result, inst } => {
                    let offset = match inst {
                        Inst::GlobalAddr(global) => {
                            self.layout.placement.get(global).map(|&(offset, _)| offset)
                        }
                        Inst::DynSharedAddr => Some(self.dynamic_offset),
                        _ => None,
                    };
                    match (offset, *result) {
                        (None, _) => out.push(stmt),
                        // Taking an address nobody uses does nothing.
                        (Some(_), None) => {}
                        (Some(offset), Some(value)) => {
                            self.address(value, offset, stmt.loc, &mut out);
                        }
                    }
                }
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    self.region(then_region);
                    self.region(else_region);
                    out.push(stmt);
                }
                StmtKind::Loop { body, continuing } => {
                    self.region(body);
                    self.region(continuing);
                    out.push(stmt);
                }
                StmtKind::Break | StmtKind::Continue | StmtKind::Return(_) => out.push(stmt),
            }
        }
        region.stmts = out;
    }

    /// Emits `value = shared_buffer + offset`.
    fn address(&mut self, value: Value, offset: u64, loc: Option<Loc>, out: &mut Vec<Stmt>) {
        let stmt = |kind| Stmt { kind, loc };
        if offset == 0 {
            out.push(stmt(StmtKind::Inst {
                result: Some(value),
                inst: Inst::SharedBuffer,
            }));
            return;
        }
        let base = self.func.new_value(self.types.ptr_shared);
        let bytes = self.func.new_value(self.types.i64);
        out.push(stmt(StmtKind::Inst {
            result: Some(base),
            inst: Inst::SharedBuffer,
        }));
        out.push(stmt(StmtKind::Inst {
            result: Some(bytes),
            inst: Inst::Const { bits: offset },
        }));
        out.push(stmt(StmtKind::Inst {
            result: Some(value),
            inst: Inst::PtrAdd {
                ptr: base,
                offset: bytes,
            },
        }));
    }
}

#[cfg(test)]
mod tests;
