//! Inlining of device-function calls into a kernel, at the SIMT level.
//!
//! The GPU backends (SPIR-V, WGSL) emit one function per kernel: pointers to local and shared
//! memory are offsets into per-thread and per-block word arrays, which those languages cannot
//! pass to other functions (no variable pointers). So every `call` is replaced by the callee's
//! body, wrapped in a loop that runs once:
//!
//! ```text
//! store %flag, false                 (only when the callee returns from inside a loop)
//! loop {
//!   <callee body; `return v` becomes `store %ret, v; store %flag, true; break`>
//!   break
//! }
//! %result = load %ret
//! ```
//!
//! A `return` inside a loop of the callee only leaves that loop, so after every callee loop
//! that contains a `return`, `if load %flag { break }` leaves the next enclosing one.
//! Recursion is reported as unsupported.

use crate::ir::{
    AddrSpace, FuncId, Function, Handle, Inst, LocalId, Module, Region, Stmt, StmtKind, Type, Value,
};
use std::collections::HashMap;

/// Why a kernel's calls could not be inlined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InlineError {
    /// A device function calls itself (directly or not), or calls nest too deep.
    Recursion {
        /// The call's location, when known.
        loc: Option<String>,
    },
    /// The module is malformed (a bug in an earlier stage).
    Invalid(String),
}

impl std::fmt::Display for InlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InlineError::Recursion { loc: Some(l) } => {
                write!(f, "{l}: recursive device functions cannot be inlined")
            }
            InlineError::Recursion { loc: None } => {
                write!(f, "recursive device functions cannot be inlined")
            }
            InlineError::Invalid(m) => write!(f, "invalid module: {m}"),
        }
    }
}

/// Calls nested deeper than this are taken for recursion.
const MAX_DEPTH: usize = 32;

/// Returns a copy of `module.functions[func]` with every call inlined. `module` is mutable
/// only to intern the types the inliner needs.
pub fn inline_calls(module: &mut Module, func: FuncId) -> Result<Function, InlineError> {
    let mut function = module
        .functions
        .get(func)
        .cloned()
        .ok_or_else(|| InlineError::Invalid(format!("no function {func}")))?;
    let body = std::mem::take(&mut function.body);
    let mut inliner = Inliner {
        module,
        caller: &mut function,
        stack: vec![func],
    };
    let body = inliner.region(body)?;
    function.body = body;
    Ok(function)
}

struct Inliner<'a> {
    module: &'a mut Module,
    caller: &'a mut Function,
    /// The functions being inlined, outermost first (for recursion detection).
    stack: Vec<FuncId>,
}

/// How callee values and locals map into the caller while copying a callee body.
struct Remap {
    values: HashMap<Value, Value>,
    locals: HashMap<LocalId, LocalId>,
    ret_slot: Option<LocalId>,
    flag_slot: Option<LocalId>,
}

fn contains_return(region: &Region) -> bool {
    region.stmts.iter().any(|s| match &s.kind {
        StmtKind::Return(_) => true,
        StmtKind::If {
            then_region,
            else_region,
            ..
        } => contains_return(then_region) || contains_return(else_region),
        StmtKind::Loop { body, continuing } => contains_return(body) || contains_return(continuing),
        _ => false,
    })
}

fn loop_contains_return(region: &Region) -> bool {
    region.stmts.iter().any(|s| match &s.kind {
        StmtKind::If {
            then_region,
            else_region,
            ..
        } => loop_contains_return(then_region) || loop_contains_return(else_region),
        StmtKind::Loop { body, continuing } => contains_return(body) || contains_return(continuing),
        _ => false,
    })
}

impl Inliner<'_> {
    fn region(&mut self, region: Region) -> Result<Region, InlineError> {
        let mut out = Vec::with_capacity(region.stmts.len());
        for stmt in region.stmts {
            match stmt.kind {
                StmtKind::Inst {
                    result,
                    inst: Inst::Call { func, args },
                } => {
                    let inlined = self.call(func, &args, result, stmt.loc)?;
                    out.extend(inlined);
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => out.push(Stmt {
                    kind: StmtKind::If {
                        cond,
                        then_region: self.region(then_region)?,
                        else_region: self.region(else_region)?,
                    },
                    loc: stmt.loc,
                }),
                StmtKind::Loop { body, continuing } => out.push(Stmt {
                    kind: StmtKind::Loop {
                        body: self.region(body)?,
                        continuing: self.region(continuing)?,
                    },
                    loc: stmt.loc,
                }),
                kind => out.push(Stmt {
                    kind,
                    loc: stmt.loc,
                }),
            }
        }
        Ok(Region { stmts: out })
    }

    fn new_value(&mut self, ty: Type) -> Value {
        let ty = self.module.ty(ty);
        self.caller.new_value(ty)
    }

    fn call(
        &mut self,
        func: FuncId,
        args: &[Value],
        result: Option<Value>,
        loc: Option<crate::ir::Loc>,
    ) -> Result<Vec<Stmt>, InlineError> {
        let where_ = loc.map(|l| self.module.format_loc(l));
        if self.stack.contains(&func) || self.stack.len() > MAX_DEPTH {
            return Err(InlineError::Recursion { loc: where_ });
        }
        let callee = self
            .module
            .functions
            .get(func)
            .cloned()
            .ok_or_else(|| InlineError::Invalid(format!("call of unknown function {func}")))?;
        if callee.params.len() != args.len() {
            return Err(InlineError::Invalid(format!(
                "call of `{}` with {} arguments for {} parameters",
                callee.name,
                args.len(),
                callee.params.len()
            )));
        }
        let mut remap = Remap {
            values: callee
                .params
                .iter()
                .copied()
                .zip(args.iter().copied())
                .collect(),
            locals: HashMap::new(),
            ret_slot: None,
            flag_slot: None,
        };
        for (index, local) in callee.locals.iter().enumerate() {
            let new = self.caller.add_local(
                format!("{}.{}", callee.name, local.name),
                local.ty,
                local.align,
            );
            remap.locals.insert(LocalId::from_index(index), new);
        }
        if let Some(ret) = callee.ret {
            let align = self.module.align_of(ret).unwrap_or(8);
            remap.ret_slot = Some(self.caller.add_local(
                format!("{}.ret", callee.name),
                ret,
                align,
            ));
        }
        let mut out = Vec::new();
        if loop_contains_return(&callee.body) {
            let bool_ty = self.module.ty(Type::Bool);
            let flag = self
                .caller
                .add_local(format!("{}.returned", callee.name), bool_ty, 1);
            remap.flag_slot = Some(flag);
            let f = self.new_value(Type::Bool);
            out.push(Stmt::inst(Some(f), Inst::Const { bits: 0 }));
            out.extend(self.store_local(flag, f));
        }
        // Define every callee value in the caller.
        for (index, ty) in callee.value_types.iter().enumerate() {
            let v = Value::from_index(index);
            if remap.values.contains_key(&v) {
                continue;
            }
            if let Some(ty) = ty {
                let new = self.caller.new_value(*ty);
                remap.values.insert(v, new);
            }
        }
        let mut body = self.copy_region(&callee.body, &remap, 0)?;
        body.stmts.push(Stmt::new(StmtKind::Break));
        self.stack.push(func);
        let body = self.region(body)?;
        self.stack.pop();
        out.push(Stmt {
            kind: StmtKind::Loop {
                body,
                continuing: Region::default(),
            },
            loc,
        });
        if let (Some(result), Some(slot)) = (result, remap.ret_slot) {
            let local_ptr = self.module.ty(Type::Ptr(AddrSpace::Local));
            let addr = self.caller.new_value(local_ptr);
            out.push(Stmt::inst(Some(addr), Inst::LocalAddr(slot)));
            let align = self
                .caller
                .locals
                .get(slot.index())
                .map(|l| l.align)
                .unwrap_or(1);
            out.push(Stmt::inst(
                Some(result),
                Inst::Load {
                    ptr: addr,
                    align,
                    volatile: false,
                },
            ));
        }
        Ok(out)
    }

    fn store_local(&mut self, slot: LocalId, value: Value) -> Vec<Stmt> {
        let addr = self.new_value(Type::Ptr(AddrSpace::Local));
        let align = self
            .caller
            .locals
            .get(slot.index())
            .map(|l| l.align)
            .unwrap_or(1);
        vec![
            Stmt::inst(Some(addr), Inst::LocalAddr(slot)),
            Stmt::inst(
                None,
                Inst::Store {
                    ptr: addr,
                    value,
                    align,
                    volatile: false,
                },
            ),
        ]
    }

    fn copy_region(
        &mut self,
        region: &Region,
        remap: &Remap,
        loop_depth: usize,
    ) -> Result<Region, InlineError> {
        let mut out = Vec::with_capacity(region.stmts.len());
        for stmt in &region.stmts {
            let v = |x: Value| remap.values.get(&x).copied().unwrap_or(x);
            match &stmt.kind {
                StmtKind::Inst { result, inst } => {
                    let mut inst = inst.clone();
                    remap_inst(&mut inst, &v, remap);
                    out.push(Stmt {
                        kind: StmtKind::Inst {
                            result: result.map(v),
                            inst,
                        },
                        loc: stmt.loc,
                    });
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => out.push(Stmt {
                    kind: StmtKind::If {
                        cond: v(*cond),
                        then_region: self.copy_region(then_region, remap, loop_depth)?,
                        else_region: self.copy_region(else_region, remap, loop_depth)?,
                    },
                    loc: stmt.loc,
                }),
                StmtKind::Loop { body, continuing } => {
                    out.push(Stmt {
                        kind: StmtKind::Loop {
                            body: self.copy_region(body, remap, loop_depth + 1)?,
                            continuing: self.copy_region(continuing, remap, loop_depth + 1)?,
                        },
                        loc: stmt.loc,
                    });
                    if let (Some(flag), true) = (remap.flag_slot, contains_return(body)) {
                        let addr = self.new_value(Type::Ptr(AddrSpace::Local));
                        let f = self.new_value(Type::Bool);
                        out.push(Stmt::inst(Some(addr), Inst::LocalAddr(flag)));
                        out.push(Stmt::inst(
                            Some(f),
                            Inst::Load {
                                ptr: addr,
                                align: 1,
                                volatile: false,
                            },
                        ));
                        out.push(Stmt::new(StmtKind::If {
                            cond: f,
                            then_region: Region::new(vec![Stmt::new(StmtKind::Break)]),
                            else_region: Region::default(),
                        }));
                    }
                }
                StmtKind::Break | StmtKind::Continue => out.push(stmt.clone()),
                StmtKind::Return(value) => {
                    if let (Some(value), Some(slot)) = (value, remap.ret_slot) {
                        out.extend(self.store_local(slot, v(*value)));
                    }
                    if let (Some(flag), true) = (remap.flag_slot, loop_depth > 0) {
                        let t = self.new_value(Type::Bool);
                        out.push(Stmt::inst(Some(t), Inst::Const { bits: 1 }));
                        out.extend(self.store_local(flag, t));
                    }
                    out.push(Stmt {
                        kind: StmtKind::Break,
                        loc: stmt.loc,
                    });
                    // Whatever follows a return in this region is unreachable.
                    break;
                }
            }
        }
        Ok(Region { stmts: out })
    }
}

/// Renames the operands and locals of a copied instruction.
fn remap_inst(inst: &mut Inst, v: &dyn Fn(Value) -> Value, remap: &Remap) {
    if let Inst::LocalAddr(l) = inst {
        if let Some(n) = remap.locals.get(l) {
            *l = *n;
        }
    }
    inst.for_each_operand_mut(|a| *a = v(*a));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_inlined_and_returns_in_loops_leave_the_call() {
        let mut m = crate::parse_module(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: i32) {
  %v2: i32 = call fn1(%v1)
  store %v0, %v2 align 4
  return
}
fn fn1 \"first_big\"(%v0: i32) -> i32 {
  loop {
    %v1: i32 = const 5
    %v2: i1 = cmp.sgt %v0, %v1
    if %v2 {
      return %v0
    } else {
    }
    break
  } continuing {
  }
  %v3: i32 = const 0
  return %v3
}
kernel \"k\" = fn0(\"out\": ptr<global>, \"x\": i32) static_shared 0
",
        )
        .unwrap();
        let f = inline_calls(&mut m, FuncId(0)).unwrap();
        let mut text = String::new();
        fn has_call(r: &Region) -> bool {
            r.stmts.iter().any(|s| match &s.kind {
                StmtKind::Inst {
                    inst: Inst::Call { .. },
                    ..
                } => true,
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => has_call(then_region) || has_call(else_region),
                StmtKind::Loop { body, continuing } => has_call(body) || has_call(continuing),
                _ => false,
            })
        }
        assert!(!has_call(&f.body));
        // ret slot and returned flag were added.
        assert_eq!(f.locals.len(), 2);
        text.push_str(&format!("{:?}", f.body));
        assert!(text.contains("Break"));
        // Check it still runs right on the reference executor.
        m.functions.items[0] = f;
        let mut mem = crate::interp::Memory::new();
        let out = mem.alloc(4).unwrap();
        for (x, want) in [(9, 9i32), (2, 0)] {
            crate::interp::launch(
                &m,
                "k",
                [1, 1, 1],
                [1, 1, 1],
                0,
                &[
                    crate::interp::ArgValue::Ptr(out),
                    crate::interp::ArgValue::I32(x),
                ],
                &mut mem,
            )
            .unwrap();
            assert_eq!(mem.read(out, 4).unwrap(), want.to_le_bytes());
        }
    }

    #[test]
    fn recursion_is_unsupported() {
        let mut m = crate::parse_module(
            "module phase simt
fn fn0 \"r\"(%v0: i32) -> i32 {
  %v1: i32 = call fn0(%v0)
  return %v1
}
",
        )
        .unwrap();
        let e = inline_calls(&mut m, FuncId(0)).unwrap_err();
        assert!(e.to_string().contains("recursive"), "{e}");
    }
}
