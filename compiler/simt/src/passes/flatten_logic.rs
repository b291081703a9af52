//! Flatten-logic: turns a short-circuit `&&` / `||` whose right operand is cheap and cannot
//! fail into a non-branching `and` / `or`.
//!
//! The front end lowers `a && b` to a temporary local and a branch:
//!
//! ```text
//! store %p, %a            // %p = local_addr of the temporary
//! if %a { ...b...; store %p, %b } else { }
//! ```
//!
//! (`a || b` has the right operand in the `else` arm). When the arm holds only instructions
//! that may run speculatively (see [`speculatable`]: no memory effect, no trap, no call, at
//! most [`MAX_SPECULATED`] of them) and ends with the store of an `i1` to the same local, the
//! pass runs the arm unconditionally and stores `and %a, %b` (`or %a, %b`) instead. A chain
//! `x > 0 && y > 0 && x < w - 1` then costs comparisons and `and`s, not one branch each.
//! Regions are rewritten innermost first, so the left-nested chains the front end makes
//! flatten in one run.

use crate::ir::*;
use crate::pass::{Pass, PassError};
use std::collections::HashMap;

/// The `flatten-logic` pass.
pub struct FlattenLogic;

/// The most instructions an arm may have (its final store excluded) to be run speculatively.
pub const MAX_SPECULATED: usize = 8;

impl Pass for FlattenLogic {
    fn name(&self) -> &'static str {
        "flatten-logic"
    }

    fn run(&self, module: &mut Module) -> Result<(), PassError> {
        let bool_ty = module.ty(Type::Bool);
        for func in module.functions.items.iter_mut() {
            let mut local_addrs = HashMap::new();
            func.body.for_each_inst(&mut |result, inst| {
                if let (Some(r), Inst::LocalAddr(l)) = (result, inst) {
                    local_addrs.insert(r, *l);
                }
            });
            let cx = Cx {
                local_addrs,
                value_types: func.value_types.clone(),
                bool_ty,
            };
            let mut next_value = func.value_types.len() as u32;
            let mut new_values = Vec::new();
            flatten(&cx, &mut func.body, &mut next_value, &mut new_values);
            for _ in new_values {
                func.value_types.push(Some(bool_ty));
            }
        }
        Ok(())
    }
}

/// What the rewrite needs to know about the function.
struct Cx {
    /// `local_addr` results and their local.
    local_addrs: HashMap<Value, LocalId>,
    value_types: Vec<Option<TypeId>>,
    bool_ty: TypeId,
}

impl Cx {
    fn is_bool(&self, v: Value) -> bool {
        self.value_types.get(v.index()).copied().flatten() == Some(self.bool_ty)
    }
}

/// Whether `inst` may run on a path where the program would not run it: it has no effect
/// besides its result, cannot trap (integer division does; `frem` is a call on some
/// targets), and loads only from a local variable's own address (always valid memory).
pub fn speculatable(inst: &Inst, local_addrs: &HashMap<Value, LocalId>) -> bool {
    match inst {
        Inst::Binary { op, .. } => !matches!(
            op,
            BinaryOp::SDiv | BinaryOp::UDiv | BinaryOp::SRem | BinaryOp::URem | BinaryOp::FRem
        ),
        Inst::Const { .. }
        | Inst::Unary { .. }
        | Inst::Cmp { .. }
        | Inst::Select { .. }
        | Inst::Convert { .. }
        | Inst::PtrAdd { .. }
        | Inst::GlobalAddr(_)
        | Inst::LocalAddr(_)
        | Inst::SharedBuffer
        | Inst::ThreadId(_)
        | Inst::BlockId(_)
        | Inst::BlockDim(_)
        | Inst::GridDim(_)
        | Inst::LaneId
        | Inst::WarpSize => true,
        Inst::Load { ptr, volatile, .. } => !volatile && local_addrs.contains_key(ptr),
        _ => false,
    }
}

/// The store `store %p, %v` (non-volatile) as `(p, v)`.
fn as_store(stmt: &Stmt) -> Option<(Value, Value)> {
    match &stmt.kind {
        StmtKind::Inst {
            result: None,
            inst:
                Inst::Store {
                    ptr,
                    value,
                    volatile: false,
                    ..
                },
        } => Some((*ptr, *value)),
        _ => None,
    }
}

/// If `store` and `branch` are a short-circuit pattern, the rewritten statements.
fn rewrite(
    cx: &Cx,
    store: &Stmt,
    branch: &Stmt,
    next_value: &mut u32,
    new_values: &mut Vec<Value>,
) -> Option<Vec<Stmt>> {
    let (first_ptr, a) = as_store(store)?;
    let StmtKind::If {
        cond,
        then_region,
        else_region,
    } = &branch.kind
    else {
        return None;
    };
    let (arm, op) = match (then_region.stmts.is_empty(), else_region.stmts.is_empty()) {
        (false, true) => (then_region, BinaryOp::And),
        (true, false) => (else_region, BinaryOp::Or),
        _ => return None,
    };
    let (last, insts) = arm.stmts.split_last()?;
    let (ptr, b) = as_store(last)?;
    let local = cx.local_addrs.get(&first_ptr)?;
    if *cond != a || cx.local_addrs.get(&ptr) != Some(local) {
        return None;
    }
    if !cx.is_bool(a) || !cx.is_bool(b) || insts.len() > MAX_SPECULATED {
        return None;
    }
    let all_speculatable = insts.iter().all(|s| match &s.kind {
        StmtKind::Inst {
            result: Some(_),
            inst,
        } => speculatable(inst, &cx.local_addrs),
        _ => false,
    });
    if !all_speculatable {
        return None;
    }
    let combined = Value(*next_value);
    *next_value += 1;
    new_values.push(combined);
    let mut out: Vec<Stmt> = insts.to_vec();
    out.push(Stmt {
        kind: StmtKind::Inst {
            result: Some(combined),
            inst: Inst::Binary { op, lhs: a, rhs: b },
        },
        loc: branch.loc,
    });
    out.push(Stmt {
        kind: StmtKind::Inst {
            result: None,
            inst: Inst::Store {
                ptr,
                value: combined,
                align: match &last.kind {
                    StmtKind::Inst {
                        inst: Inst::Store { align, .. },
                        ..
                    } => *align,
                    _ => 1,
                },
                volatile: false,
            },
        },
        loc: last.loc,
    });
    Some(out)
}

/// Rewrites every short-circuit pattern of `region`, nested regions first.
fn flatten(cx: &Cx, region: &mut Region, next_value: &mut u32, new_values: &mut Vec<Value>) {
    for stmt in &mut region.stmts {
        match &mut stmt.kind {
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                flatten(cx, then_region, next_value, new_values);
                flatten(cx, else_region, next_value, new_values);
            }
            StmtKind::Loop { body, continuing } => {
                flatten(cx, body, next_value, new_values);
                flatten(cx, continuing, next_value, new_values);
            }
            _ => {}
        }
    }
    let stmts = std::mem::take(&mut region.stmts);
    let mut out: Vec<Stmt> = Vec::with_capacity(stmts.len());
    for stmt in stmts {
        let replaced = match out.last() {
            Some(prev) => rewrite(cx, prev, &stmt, next_value, new_values),
            None => None,
        };
        match replaced {
            Some(new) => {
                // The store of `%a` is subsumed by the store of the combined value.
                out.pop();
                out.extend(new);
            }
            None => out.push(stmt),
        }
    }
    region.stmts = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_module;
    use crate::print::print_module;
    use crate::verify::verify;

    fn run(text: &str) -> String {
        let mut module = parse_module(text).unwrap();
        FlattenLogic.run(&mut module).unwrap();
        verify(&module).unwrap();
        let out = print_module(&module);
        // The result still parses and prints the same.
        assert_eq!(print_module(&parse_module(&out).unwrap()), out);
        out
    }

    #[test]
    fn chains_of_comparisons_become_ands_and_ors() {
        let out = run("module phase simt
fn fn0 \"f\"(%v0: i32, %v1: i32, %v2: ptr<global>) {
  local %l0 \"a\": i1 align 1
  local %l1 \"b\": i1 align 1
  %v3: ptr<local> = local_addr %l0
  %v4: i32 = const 0
  %v5: i1 = cmp.sgt %v0, %v4
  store %v3, %v5 align 1
  if %v5 {
    %v6: i1 = cmp.slt %v0, %v1
    store %v3, %v6 align 1
  } else {
  }
  %v7: i1 = load %v3 align 1
  %v8: ptr<local> = local_addr %l1
  store %v8, %v7 align 1
  if %v7 {
  } else {
    %v9: i1 = cmp.eq %v1, %v4
    store %v8, %v9 align 1
  }
  %v10: i1 = load %v8 align 1
  if %v10 {
    store %v2, %v0 align 4
  } else {
  }
  return
}
");
        assert!(out.contains("%v11: i1 = and %v5, %v6"), "{out}");
        assert!(out.contains("store %v3, %v11 align 1"), "{out}");
        assert!(out.contains("%v12: i1 = or %v7, %v9"), "{out}");
        assert!(out.contains("store %v8, %v12 align 1"), "{out}");
        // Only the `if` of the use is left.
        assert_eq!(out.matches("if ").count(), 1, "{out}");
    }

    #[test]
    fn arms_that_may_fail_or_have_effects_keep_their_branch() {
        let text = "module phase simt
fn fn0 \"f\"(%v0: i32, %v1: ptr<global>) {
  local %l0 \"a\": i1 align 1
  %v3: ptr<local> = local_addr %l0
  %v4: i32 = const 0
  %v5: i1 = cmp.ne %v0, %v4
  store %v3, %v5 align 1
  if %v5 {
    %v6: i32 = sdiv %v4, %v0
    %v7: i1 = cmp.sgt %v6, %v4
    store %v3, %v7 align 1
  } else {
  }
  %v8: i1 = load %v3 align 1
  store %v3, %v8 align 1
  if %v8 {
    %v9: i32 = load %v1 align 4
    %v10: i1 = cmp.sgt %v9, %v4
    store %v3, %v10 align 1
  } else {
  }
  return
}
";
        let out = run(text);
        assert_eq!(out.matches("if ").count(), 2, "{out}");
        assert!(!out.contains(" and "), "{out}");
    }
}
