//! Dead code elimination: removes pure instructions (see [`Inst::is_pure`]) whose result is
//! unused, and `if` statements whose arms are both empty, until nothing changes. Removed
//! values become undefined numbers (`value_types` entry `None`).

use crate::ir::*;
use crate::pass::{Pass, PassError};

/// The `dce` pass.
pub struct DeadCodeElimination;

impl Pass for DeadCodeElimination {
    fn name(&self) -> &'static str {
        "dce"
    }
    fn run(&self, module: &mut Module) -> Result<(), PassError> {
        for func in module.functions.items.iter_mut() {
            loop {
                let mut uses = vec![0u32; func.value_types.len()];
                count_uses(&func.body, &mut uses);
                let mut removed = Vec::new();
                remove_dead(&mut func.body, &uses, &mut removed);
                if removed.is_empty() {
                    break;
                }
                for value in removed {
                    if let Some(slot) = func.value_types.get_mut(value.index()) {
                        *slot = None;
                    }
                }
            }
        }
        Ok(())
    }
}

fn count_uses(region: &Region, uses: &mut [u32]) {
    fn bump(uses: &mut [u32], v: Value) {
        if let Some(count) = uses.get_mut(v.index()) {
            *count += 1;
        }
    }
    for stmt in &region.stmts {
        match &stmt.kind {
            StmtKind::Inst { inst, .. } => inst.for_each_operand(|v| bump(uses, v)),
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                bump(uses, *cond);
                count_uses(then_region, uses);
                count_uses(else_region, uses);
            }
            StmtKind::Loop { body, continuing } => {
                count_uses(body, uses);
                count_uses(continuing, uses);
            }
            StmtKind::Return(Some(value)) => bump(uses, *value),
            StmtKind::Break | StmtKind::Continue | StmtKind::Return(None) => {}
        }
    }
}

/// Removes dead statements; records the removed values, and a dummy entry when only an
/// empty `if` was removed so that the caller iterates again.
fn remove_dead(region: &mut Region, uses: &[u32], removed: &mut Vec<Value>) {
    let mut changed_if = false;
    region.stmts.retain_mut(|stmt| match &mut stmt.kind {
        StmtKind::Inst { result, inst } => {
            let unused = match result {
                Some(v) => uses.get(v.index()).copied().unwrap_or(0) == 0,
                None => true,
            };
            if unused && inst.is_pure() {
                if let Some(v) = result {
                    removed.push(*v);
                }
                false
            } else {
                true
            }
        }
        StmtKind::If {
            then_region,
            else_region,
            ..
        } => {
            remove_dead(then_region, uses, removed);
            remove_dead(else_region, uses, removed);
            let keep = !(then_region.stmts.is_empty() && else_region.stmts.is_empty());
            if !keep {
                changed_if = true;
            }
            keep
        }
        StmtKind::Loop { body, continuing } => {
            remove_dead(body, uses, removed);
            remove_dead(continuing, uses, removed);
            true
        }
        _ => true,
    });
    if changed_if && removed.is_empty() {
        // The condition of a removed `if` may now be dead: run another round. The marker
        // value is out of range of every function, so `run` clears nothing for it.
        removed.push(Value(u32::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_module;
    use crate::print::print_module;
    use crate::verify::verify;

    #[test]
    fn removes_unused_pure_chains_and_keeps_effects() {
        let mut module = parse_module(
            "module phase simt
fn fn0 \"f\"(%v0: ptr<global>, %v1: i32) {
  %v2: i32 = const 1
  %v3: i32 = add %v1, %v2
  %v4: i32 = mul %v3, %v3
  %v5: i32 = atomic.add.device %v0, %v2
  %v6: f32 = load %v0 align 4
  %v7: i1 = cmp.eq %v1, %v2
  if %v7 {
    %v8: i32 = add %v1, %v1
  } else {
  }
  store %v0, %v1 align 4
  return
}
",
        )
        .unwrap();
        DeadCodeElimination.run(&mut module).unwrap();
        verify(&module).unwrap();
        let out = print_module(&module);
        assert!(!out.contains("%v3"), "{out}");
        assert!(!out.contains("%v4"), "{out}");
        assert!(!out.contains("%v6"), "{out}");
        assert!(!out.contains("if "), "{out}");
        assert!(!out.contains("%v7"), "{out}");
        assert!(
            out.contains("%v5: i32 = atomic.add.device %v0, %v2"),
            "{out}"
        );
        assert!(out.contains("%v2: i32 = const 1"), "{out}");
        assert!(out.contains("store %v0, %v1 align 4"), "{out}");
        // The printed result still parses and prints the same (holes in numbering are kept).
        let again = print_module(&parse_module(&out).unwrap());
        assert_eq!(again, out);
    }
}
