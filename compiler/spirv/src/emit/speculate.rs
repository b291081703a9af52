//! Loop speculation for the `f32` subnormal emulation.
//!
//! With [`SpirvOptions::soft_denormals_f32`](crate::SpirvOptions::soft_denormals_f32) every
//! `f32` `+ - *` is checked and redone exactly where the check fails (`denormals.rs`). The
//! check's branch ends a basic block, and in a loop such as a tiled matmul's
//! `acc += As[ty][k] * Bs[k][tx]` the driver then cannot move the next iteration's loads
//! above it: on an H100 the matmul took 2.6 times nvcc's time with a branch per `a * b + c`
//! against 1.1 times without the emulation.
//!
//! A loop that only computes ([`cwcc_simt::speculate`] says which) is run optimistically
//! instead:
//!
//! ```text
//! ok = true; saved = the locals the loop stores
//! loop { ... r = a + b; ok = ok && check(r); ... }      // native arithmetic, no branches
//! if !ok { the locals = saved; loop { ... exact ... } }  // rarely: once more, exactly
//! ```
//!
//! Loops nested in a speculated loop run in its optimistic mode; the exact redo is emitted
//! without speculation.

use super::{internal, Emitter, LocalRepr, Prov, Res};
use crate::SpirvError;
use cwcc_simt::ir::{Handle, LocalId, Region, Value};
use rspirv::spirv::{self, Op, StorageClass, Word};

impl<'m> Emitter<'m> {
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

    /// The scalar locals a loop stores, when the loop may be speculated
    /// ([`cwcc_simt::speculate`]); `None` when it may not, or when it is emitted inside an
    /// optimistic run or an exact redo already.
    pub(super) fn speculable_loop(
        &self,
        body: &'m Region,
        continuing: &'m Region,
    ) -> Option<Vec<LocalId>> {
        if !self.soft_denormals() || self.spec_flag.is_some() || self.exact_redo {
            return None;
        }
        cwcc_simt::speculate::speculable_loop(self.m, self.f, body, continuing, &|v| {
            self.typed_local(v)
        })
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
