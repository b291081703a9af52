//! Loop speculation for the `f32` subnormal emulation.
//!
//! With [`SpirvOptions::soft_denormals_f32`](crate::SpirvOptions::soft_denormals_f32) every
//! `f32` `+ - *` is checked and redone exactly where the check fails (`denormals.rs`). The
//! check's branch ends a basic block, and in a loop such as a tiled matmul's
//! `acc += As[ty][k] * Bs[k][tx]` the driver then cannot move the next iteration's loads
//! above it: on an H100 the matmul took 2.6 times nvcc's time with a branch per `a * b + c`
//! against 1.1 times without the emulation.
//!
//! A loop that only computes can be run optimistically instead:
//!
//! ```text
//! ok = true; saved = the locals the loop stores
//! loop { ... r = a + b; ok = ok && check(r); ... }      // native arithmetic, no branches
//! if !ok { the locals = saved; loop { ... exact ... } }  // rarely: once more, exactly
//! ```
//!
//! Every checked operation whose check passes gave the exact result, so when `ok` is still
//! true at the end, every value the loop computed is exact. The first run must not be
//! able to do harm with an inexact value before the redo, so a loop is only speculated
//! ([`Emitter::speculable_loop`]) when
//!
//! - it has no effect other than stores into scalar local variables (no stores to global,
//!   shared or local arrays, atomics, barriers, warp operations, `printf`, traps, volatile
//!   loads or `return`), so running it twice is as running it once after restoring them;
//! - no value that may be inexact (the result of an `f32` operation, anything computed from
//!   one, a load of a local that such a value was stored into) decides a branch or forms an
//!   address: the first run takes the same path and reads the same memory as the exact one;
//! - it has at least one `f32` `+ - *` (else there is nothing to gain).
//!
//! Loops nested in a speculated loop run in its optimistic mode; the exact redo is emitted
//! without speculation.

use super::{internal, Emitter, LocalRepr, Prov, Res};
use crate::SpirvError;
use cwcc_simt::ir::{BinaryOp, FloatWidth, Handle, Inst, LocalId, Region, StmtKind, Type, Value};
use rspirv::spirv::{self, Op, StorageClass, Word};
use std::collections::HashSet;

impl<'m> Emitter<'m> {
    /// Whether `v` is an `f32` value.
    fn is_f32_value(&self, v: Value) -> bool {
        self.f
            .value_type(v)
            .and_then(|t| self.m.type_of(t))
            .is_some_and(|t| matches!(t, Type::Float(FloatWidth::F32)))
    }

    /// The `Typed` local variable a pointer addresses, if it addresses one.
    fn typed_local(&self, ptr: Value) -> Option<LocalId> {
        match self.prov_of(ptr) {
            Prov::Local(l) => match self.locals.get(l.index()) {
                Some(LocalRepr::Typed { .. }) => Some(l),
                _ => None,
            },
            _ => None,
        }
    }

    /// The scalar locals a loop stores, when the loop may be speculated (see the module
    /// docs); `None` when it may not.
    pub(super) fn speculable_loop(
        &self,
        body: &'m Region,
        continuing: &'m Region,
    ) -> Option<Vec<LocalId>> {
        if !self.soft_denormals() || self.spec_flag.is_some() || self.exact_redo {
            return None;
        }
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
                                self.typed_local(*ptr)
                                    .is_some_and(|l| inexact_locals.contains(&l))
                            }
                            Inst::Store { ptr, value, .. } => {
                                let l = self.typed_local(*ptr)?;
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
                            Inst::Binary { op, .. }
                                if result.is_some_and(|r| self.is_f32_value(r)) =>
                            {
                                has_arith |=
                                    matches!(op, BinaryOp::FAdd | BinaryOp::FSub | BinaryOp::FMul);
                                true
                            }
                            Inst::Binary { .. }
                            | Inst::Unary { .. }
                            | Inst::Math { .. }
                            | Inst::Convert { .. } => {
                                let mut f32_operand = false;
                                inst.for_each_operand(|v| f32_operand |= self.is_f32_value(v));
                                f32_operand || result.is_some_and(|r| self.is_f32_value(r))
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

    /// Emits a loop that [`Emitter::speculable_loop`] accepted: optimistically with native
    /// arithmetic whose checks only clear `ok`, then, where `ok` was cleared, once more
    /// exactly after restoring the locals it stored.
    pub(super) fn speculated_loop(
        &mut self,
        body: &'m Region,
        continuing: &'m Region,
        stored: &[LocalId],
    ) -> Res<()> {
        let flag = self.spec_flag_var.ok_or_else(|| {
            SpirvError::Invalid("loop speculation without its flag variable".into())
        })?;
        let boolt = self.t_bool();
        let yes = self.c_bool(true);
        self.b.store(flag, yes, None, []).map_err(internal)?;
        let mut saved = Vec::new();
        for l in stored {
            let (Some(LocalRepr::Typed { var }), Some(local)) = (
                self.locals.get(l.index()).copied(),
                self.f.locals.get(l.index()),
            ) else {
                return Err(SpirvError::Invalid(
                    "a speculated loop stores a local that is not scalar".into(),
                ));
            };
            let ty = self
                .m
                .type_of(local.ty)
                .ok_or_else(|| SpirvError::Invalid("local of unknown type".into()))?;
            let ty = self.spv_type(ty)?;
            let value = self.op(Op::Load, ty, &[var])?;
            saved.push((var, value));
        }

        self.spec_flag = Some(flag);
        let optimistic = self.loop_stmt(body, continuing);
        self.spec_flag = None;
        optimistic?;

        let ok = self.op(Op::Load, boolt, &[flag])?;
        let (redo, merge) = (self.b.id(), self.b.id());
        self.b
            .selection_merge(merge, spirv::SelectionControl::NONE)
            .map_err(internal)?;
        self.b
            .branch_conditional(ok, merge, redo, [])
            .map_err(internal)?;
        self.begin_block(redo)?;
        for (var, value) in saved {
            self.b.store(var, value, None, []).map_err(internal)?;
        }
        self.exact_redo = true;
        let exact = self.loop_stmt(body, continuing);
        self.exact_redo = false;
        exact?;
        if !self.terminated {
            self.branch(merge)?;
        }
        self.begin_block(merge)
    }

    /// In a speculated loop's optimistic run: `ok = ok && check`, in place of a branch.
    /// Returns whether it did (else the caller branches to its exact path).
    pub(super) fn note_speculated_check(&mut self, check: Word) -> Res<bool> {
        let Some(flag) = self.spec_flag else {
            return Ok(false);
        };
        let boolt = self.t_bool();
        let cur = self.op(Op::Load, boolt, &[flag])?;
        let both = self.op(Op::LogicalAnd, boolt, &[cur, check])?;
        self.b.store(flag, both, None, []).map_err(internal)?;
        Ok(true)
    }

    /// The `Function` variable behind the optimistic runs' `ok` flag (declared with the
    /// locals, in the entry block).
    pub(super) fn declare_spec_flag(&mut self) {
        let boolt = self.t_bool();
        let p = self.b.type_pointer(None, StorageClass::Function, boolt);
        self.spec_flag_var = Some(self.b.variable(p, None, StorageClass::Function, None));
    }
}
