//! Which loops a backend may run optimistically under an `f32` subnormal emulation.
//!
//! A backend that emulates CUDA's `f32` subnormals on a device that flushes them checks every
//! `+ - *` and redoes it exactly where the check fails; the check's branch ends a basic block
//! and keeps a loop body from being scheduled as one (a tiled matmul's `k` loop took 2.6
//! times nvcc's time on an H100 with a branch per `a * b + c`). A loop that only computes can
//! instead run once with native arithmetic whose checks only clear a flag, and again exactly
//! (after its locals are restored) when the flag ends cleared. [`speculable_loop`] says
//! which loops allow that:
//!
//! - the loop has no effect other than stores into scalar local variables (no stores to
//!   global, shared or local arrays, atomics, barriers, warp operations, `printf`, traps,
//!   volatile loads, calls or `return`), so running it twice is as running it once after
//!   restoring them;
//! - no value that may be inexact (the result of an `f32` operation, anything computed from
//!   one, a load of a local that such a value was stored into) decides a branch or forms an
//!   address: the first run takes the same path and reads the same memory as the exact one;
//! - it has at least one `f32` `+ - *` (else there is nothing to gain).
//!
//! Every checked operation whose check passes gave the exact result, so when the flag is
//! still set at the end, every value the loop computed is exact.

use crate::ir::{
    BinaryOp, FloatWidth, Function, Inst, LocalId, Module, Region, StmtKind, Type, Value,
};
use std::collections::{HashMap, HashSet};

/// The scalar locals a loop (`body`, `continuing`) of `f` stores, when it may be speculated
/// (see the module doc); `None` when it may not. `scalar_local` says which scalar local
/// variable a pointer value addresses, if it addresses one a backend keeps in a register
/// (and can save and restore).
pub fn speculable_loop(
    m: &Module,
    f: &Function,
    body: &Region,
    continuing: &Region,
    scalar_local: &dyn Fn(Value) -> Option<LocalId>,
) -> Option<Vec<LocalId>> {
    let is_f32 = |v: Value| {
        f.value_type(v)
            .and_then(|t| m.type_of(t))
            .is_some_and(|t| matches!(t, Type::Float(FloatWidth::F32)))
    };
    let mut stmts = Vec::new();
    body.walk(&mut |s| stmts.push(s));
    continuing.walk(&mut |s| stmts.push(s));

    let mut inexact: HashSet<Value> = HashSet::new();
    let mut inexact_locals: HashSet<LocalId> = HashSet::new();
    let mut stored: Vec<LocalId> = Vec::new();
    let mut has_arith = false;
    // Propagate "may be inexact" to a fixed point (loop-carried locals feed back).
    loop {
        let before = (inexact.len(), inexact_locals.len());
        for stmt in &stmts {
            match &stmt.kind {
                StmtKind::Return(_) => return None,
                StmtKind::If { cond, .. } if inexact.contains(cond) => return None,
                StmtKind::Inst { result, inst } => {
                    let mut from_inexact = false;
                    inst.for_each_operand(|v| from_inexact |= inexact.contains(&v));
                    let may_be_inexact = match inst {
                        Inst::Call { .. }
                        | Inst::Barrier(_)
                        | Inst::SyncWarp { .. }
                        | Inst::Shuffle { .. }
                        | Inst::Vote { .. }
                        | Inst::Match { .. }
                        | Inst::ActiveMask
                        | Inst::Clock
                        | Inst::WarpReduce { .. }
                        | Inst::AtomicRmw { .. }
                        | Inst::AtomicCas { .. }
                        | Inst::Fence(_)
                        | Inst::Trap { .. }
                        | Inst::Printf { .. } => return None,
                        Inst::Load { ptr, volatile, .. } => {
                            if *volatile || inexact.contains(ptr) {
                                return None;
                            }
                            scalar_local(*ptr).is_some_and(|l| inexact_locals.contains(&l))
                        }
                        Inst::Store { ptr, value, .. } => {
                            let l = scalar_local(*ptr)?;
                            if inexact.contains(ptr) {
                                return None;
                            }
                            if !stored.contains(&l) {
                                stored.push(l);
                            }
                            if inexact.contains(value) {
                                inexact_locals.insert(l);
                            }
                            false
                        }
                        Inst::Binary { op, .. } if result.is_some_and(is_f32) => {
                            has_arith |=
                                matches!(op, BinaryOp::FAdd | BinaryOp::FSub | BinaryOp::FMul);
                            true
                        }
                        Inst::Binary { .. }
                        | Inst::Unary { .. }
                        | Inst::Math { .. }
                        | Inst::Convert { .. } => {
                            let mut f32_operand = false;
                            inst.for_each_operand(|v| f32_operand |= is_f32(v));
                            f32_operand || result.is_some_and(is_f32)
                        }
                        _ => false,
                    };
                    if let Some(r) = result {
                        if from_inexact || may_be_inexact {
                            inexact.insert(*r);
                        }
                    }
                }
                _ => {}
            }
        }
        if (inexact.len(), inexact_locals.len()) == before {
            break;
        }
    }
    has_arith.then_some(stored)
}

/// The `f32` products whose only use is as an operand of one `f32` sum or difference: their
/// check can be left to that sum (one check and one branch per `a * b + c`).
pub fn fusable_products(f: &Function, m: &Module) -> HashSet<Value> {
    let is_f32 = |v: Value| {
        f.value_type(v)
            .and_then(|t| m.type_of(t))
            .is_some_and(|t| matches!(t, Type::Float(FloatWidth::F32)))
    };
    let mut products = HashSet::new();
    let mut uses: HashMap<Value, usize> = HashMap::new();
    let mut summed: HashMap<Value, usize> = HashMap::new();
    f.body.walk(&mut |stmt| match &stmt.kind {
        StmtKind::Inst { result, inst } => {
            if let (
                Some(r),
                Inst::Binary {
                    op: BinaryOp::FMul, ..
                },
            ) = (result, inst)
            {
                if is_f32(*r) {
                    products.insert(*r);
                }
            }
            inst.for_each_operand(|v| *uses.entry(v).or_default() += 1);
            if let Inst::Binary {
                op: BinaryOp::FAdd | BinaryOp::FSub,
                lhs,
                rhs,
            } = inst
            {
                for v in [lhs, rhs] {
                    *summed.entry(*v).or_default() += 1;
                }
            }
        }
        StmtKind::If { cond, .. } => *uses.entry(*cond).or_default() += 1,
        StmtKind::Return(Some(v)) => *uses.entry(*v).or_default() += 1,
        _ => {}
    });
    products
        .into_iter()
        .filter(|p| uses.get(p) == Some(&1) && summed.get(p) == Some(&1))
        .collect()
}
