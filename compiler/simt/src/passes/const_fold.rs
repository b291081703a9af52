//! Constant folding: arithmetic, comparisons, selects and conversions whose operands are
//! constants become constants; an `if` on a constant condition is replaced by the taken arm.
//! Operations that would fail at run time (integer division by zero) are left alone so that
//! the error happens where the program would have failed.

use crate::eval::{eval_binary, eval_cmp, eval_convert, eval_unary};
use crate::ir::*;
use crate::pass::{Pass, PassError};
use std::collections::HashMap;

/// The `const-fold` pass.
pub struct ConstFold;

impl Pass for ConstFold {
    fn name(&self) -> &'static str {
        "const-fold"
    }
    fn run(&self, module: &mut Module) -> Result<(), PassError> {
        let types = &module.types;
        for func in module.functions.items.iter_mut() {
            let mut folder = Folder {
                types,
                value_types: &func.value_types,
                constants: HashMap::new(),
            };
            let body = std::mem::take(&mut func.body);
            let folded = folder.region(body);
            func.body = folded;
        }
        Ok(())
    }
}

struct Folder<'a> {
    types: &'a TypeArena,
    value_types: &'a [Option<TypeId>],
    constants: HashMap<Value, u64>,
}

impl Folder<'_> {
    fn type_of(&self, value: Value) -> Option<&Type> {
        let id = self.value_types.get(value.index()).copied().flatten()?;
        self.types.get(id)
    }

    fn constant(&self, value: Value) -> Option<u64> {
        self.constants.get(&value).copied()
    }

    fn region(&mut self, region: Region) -> Region {
        let mut out = Vec::with_capacity(region.stmts.len());
        for stmt in region.stmts {
            self.stmt(stmt, &mut out);
        }
        Region { stmts: out }
    }

    fn stmt(&mut self, stmt: Stmt, out: &mut Vec<Stmt>) {
        let loc = stmt.loc;
        match stmt.kind {
            StmtKind::Inst { result, inst } => {
                let inst = match result {
                    Some(result) => match self.fold(result, &inst) {
                        Some(bits) => {
                            self.constants.insert(result, bits);
                            Inst::Const { bits }
                        }
                        None => inst,
                    },
                    None => inst,
                };
                out.push(Stmt {
                    kind: StmtKind::Inst { result, inst },
                    loc,
                });
            }
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => match self.constant(cond) {
                Some(bits) => {
                    let taken = if bits & 1 == 1 {
                        then_region
                    } else {
                        else_region
                    };
                    for inner in taken.stmts {
                        self.stmt(inner, out);
                    }
                }
                None => {
                    let then_region = self.region(then_region);
                    let else_region = self.region(else_region);
                    out.push(Stmt {
                        kind: StmtKind::If {
                            cond,
                            then_region,
                            else_region,
                        },
                        loc,
                    });
                }
            },
            StmtKind::Loop { body, continuing } => {
                let body = self.region(body);
                let continuing = self.region(continuing);
                out.push(Stmt {
                    kind: StmtKind::Loop { body, continuing },
                    loc,
                });
            }
            other => out.push(Stmt { kind: other, loc }),
        }
    }

    /// The constant bits of `result = inst`, if all operands are constants.
    fn fold(&self, result: Value, inst: &Inst) -> Option<u64> {
        match inst {
            Inst::Const { bits } => Some(*bits),
            Inst::Unary { op, arg } => {
                eval_unary(*op, self.type_of(*arg)?, self.constant(*arg)?).ok()
            }
            Inst::Binary { op, lhs, rhs } => eval_binary(
                *op,
                self.type_of(*lhs)?,
                self.constant(*lhs)?,
                self.constant(*rhs)?,
            )
            .ok(),
            Inst::Cmp { op, lhs, rhs } => eval_cmp(
                *op,
                self.type_of(*lhs)?,
                self.constant(*lhs)?,
                self.constant(*rhs)?,
            )
            .ok()
            .map(u64::from),
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                let chosen = if self.constant(*cond)? & 1 == 1 {
                    if_true
                } else {
                    if_false
                };
                self.constant(*chosen)
            }
            Inst::Convert { op, arg } => {
                let from = self.type_of(*arg)?;
                let to = self.type_of(result)?;
                // Pointer constants are only null; keep pointer conversions explicit.
                if matches!(
                    op,
                    ConvOp::IntToPtr | ConvOp::PtrToInt | ConvOp::AddrSpaceCast
                ) {
                    return None;
                }
                eval_convert(*op, from, to, self.constant(*arg)?).ok()
            }
            Inst::WarpSize => Some(32),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_module;
    use crate::print::print_module;
    use crate::verify::verify;

    fn fold(text: &str) -> String {
        let mut module = parse_module(text).unwrap();
        verify(&module).unwrap();
        ConstFold.run(&mut module).unwrap();
        verify(&module).unwrap();
        print_module(&module)
    }

    #[test]
    fn folds_arithmetic_chains_and_conversions() {
        let out = fold(
            "module phase simt
fn fn0 \"f\"(%v0: ptr<global>) {
  %v1: i32 = const 6
  %v2: i32 = const 7
  %v3: i32 = mul %v1, %v2
  %v4: f32 = sitofp %v3
  %v5: i32 = warp_size
  %v6: i32 = sub %v3, %v5
  store %v0, %v6 align 4
  store %v0, %v4 align 4
  return
}
",
        );
        assert!(out.contains("%v3: i32 = const 42"), "{out}");
        assert!(out.contains("%v4: f32 = const 42.0"), "{out}");
        assert!(out.contains("%v6: i32 = const 10"), "{out}");
    }

    #[test]
    fn keeps_division_by_zero_and_non_constants() {
        let out = fold(
            "module phase simt
fn fn0 \"f\"(%v0: i32) -> i32 {
  %v1: i32 = const 0
  %v2: i32 = sdiv %v0, %v1
  %v3: i32 = const 1
  %v4: i32 = udiv %v3, %v1
  return %v4
}
",
        );
        assert!(out.contains("%v2: i32 = sdiv %v0, %v1"), "{out}");
        assert!(out.contains("%v4: i32 = udiv %v3, %v1"), "{out}");
    }

    #[test]
    fn replaces_if_on_constant_condition_by_taken_arm() {
        let out = fold(
            "module phase simt
fn fn0 \"f\"(%v0: ptr<global>) {
  %v1: i32 = const 3
  %v2: i32 = const 4
  %v3: i1 = cmp.slt %v1, %v2
  if %v3 {
    %v4: i32 = add %v1, %v2
    store %v0, %v4 align 4
  } else {
    store %v0, %v1 align 4
  }
  return
}
",
        );
        assert!(!out.contains("if "), "{out}");
        assert!(out.contains("%v4: i32 = const 7"), "{out}");
        assert!(!out.contains("store %v0, %v1"), "{out}");
    }
}
