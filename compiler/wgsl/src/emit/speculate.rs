//! Loop speculation for the `f32` subnormal emulation (as the SPIR-V backend's).
//!
//! With [`crate::WgslOptions::soft_denormals_f32`] every `f32` `+ - *` is checked and redone
//! exactly where the check fails (`denormals.rs`), an `if` per operation. A loop that only
//! computes ([`cwcc_simt::speculate`] says which) is instead run optimistically:
//!
//! ```text
//! var ok = true; let saved = the locals the loop stores;
//! loop { ... r = a + b; ok = ok && check(r); ... }      // native arithmetic, no branches
//! if !ok { the locals = saved; loop { ... exact ... } }  // rarely: once more, exactly
//! ```
//!
//! Loops nested in a speculated loop run in its optimistic mode; the exact redo is emitted
//! without speculation.

use super::{Emitter, LocalRepr, Res, H};
use crate::WgslError;
use cwcc_simt::ir::{Handle, LocalId, Region};
use naga::{Block, Expression as E, Literal, Span, Statement as S};

impl<'m> Emitter<'m> {
    /// The scalar locals a loop stores, when it may be speculated; `None` when it may not,
    /// or inside an optimistic run or an exact redo.
    pub(super) fn speculable_loop(
        &self,
        body: &Region,
        continuing: &Region,
    ) -> Option<Vec<LocalId>> {
        if !self.soft_denormals || self.spec_flag.is_some() || self.exact_redo {
            return None;
        }
        cwcc_simt::speculate::speculable_loop(self.m, self.f, body, continuing, &|v| {
            self.typed_addr
                .get(&v)
                .copied()
                .filter(|l| matches!(self.locals.get(l.index()), Some(LocalRepr::Typed(_))))
        })
    }

    /// Emits a loop that [`Emitter::speculable_loop`] accepted into `block`.
    pub(super) fn speculated_loop(
        &mut self,
        block: &mut Block,
        body: &Region,
        continuing: &Region,
        stored: &[LocalId],
    ) -> Res<()> {
        let flag_var = self.func.local_variables.append(
            naga::LocalVariable {
                name: Some("spec_ok".into()),
                ty: self.ty_bool,
                init: None,
            },
            Span::UNDEFINED,
        );
        let flag = self
            .func
            .expressions
            .append(E::LocalVariable(flag_var), Span::UNDEFINED);
        let yes = self
            .func
            .expressions
            .append(E::Literal(Literal::Bool(true)), Span::UNDEFINED);
        block.push(
            S::Store {
                pointer: flag,
                value: yes,
            },
            Span::UNDEFINED,
        );
        let mut saved: Vec<(H, H)> = Vec::new();
        for l in stored {
            let Some(LocalRepr::Typed(var)) = self.locals.get(l.index()).copied() else {
                return Err(WgslError::Invalid(
                    "a speculated loop stores a local that is not scalar".into(),
                ));
            };
            let pointer = self
                .func
                .expressions
                .append(E::LocalVariable(var), Span::UNDEFINED);
            let value = self.expr(block, E::Load { pointer });
            saved.push((pointer, value));
        }

        self.spec_flag = Some(flag);
        let optimistic = self.loop_stmt(block, body, continuing);
        self.spec_flag = None;
        optimistic?;

        let ok = self.expr(block, E::Load { pointer: flag });
        let mut redo = Block::new();
        for (pointer, value) in saved {
            redo.push(S::Store { pointer, value }, Span::UNDEFINED);
        }
        self.exact_redo = true;
        let exact = self.loop_stmt(&mut redo, body, continuing);
        self.exact_redo = false;
        exact?;
        self.local_values.clear();
        block.push(
            S::If {
                condition: ok,
                accept: Block::new(),
                reject: redo,
            },
            Span::UNDEFINED,
        );
        Ok(())
    }

    /// In a speculated loop's optimistic run: `ok = ok && check`, in place of a branch.
    /// Returns whether it did (else the caller branches to its exact path).
    pub(super) fn note_speculated_check(&mut self, b: &mut Block, check: H) -> bool {
        let Some(flag) = self.spec_flag else {
            return false;
        };
        let cur = self.expr(b, E::Load { pointer: flag });
        let both = self.bin(b, naga::BinaryOperator::LogicalAnd, cur, check);
        b.push(
            S::Store {
                pointer: flag,
                value: both,
            },
            Span::UNDEFINED,
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, WgslOptions};

    /// `acc = 0; for (i = 0; i < n; i++) acc += p[i] * p[i]; p[0] = acc;`
    const DOT: &str = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: i32) {
  local %l0 \"acc\": f32 align 4
  local %l1 \"i\": i32 align 4
  %v2: ptr<local> = local_addr %l0
  %v3: ptr<local> = local_addr %l1
  %v4: f32 = const 0.0
  store %v2, %v4 align 4
  %v5: i32 = const 0
  store %v3, %v5 align 4
  loop {
    %v6: i32 = load %v3 align 4
    %v7: i1 = cmp.slt %v6, %v1
    if %v7 {
    } else {
      break
    }
    %v8: i64 = sext %v6
    %v9: i64 = const 4
    %v10: i64 = mul %v8, %v9
    %v11: ptr<global> = ptradd %v0, %v10
    %v12: f32 = load %v11 align 4
    %v13: f32 = load %v2 align 4
    %v14: f32 = fmul %v12, %v12
    %v15: f32 = fadd %v13, %v14
    store %v2, %v15 align 4
  } continuing {
    %v16: i32 = load %v3 align 4
    %v17: i32 = const 1
    %v18: i32 = add %v16, %v17
    store %v3, %v18 align 4
  }
  %v19: f32 = load %v2 align 4
  store %v0, %v19 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"n\": i32) static_shared 0
";

    fn entry(soft: bool) -> String {
        let module = cwcc_simt::parse_module(DOT).unwrap();
        let options = WgslOptions {
            soft_denormals_f32: soft,
            ..WgslOptions::default()
        };
        let source = compile(&module, "k", &options).unwrap().source;
        let at = source.find("fn main(").unwrap();
        source[at..].to_string()
    }

    /// With the emulation the loop is emitted twice: optimistically, its check only
    /// clearing `spec_ok`, then exactly (one exact call per `a * b + c`) where it was
    /// cleared; without it, once.
    #[test]
    fn a_computing_loop_runs_optimistically_then_exactly() {
        let soft = entry(true);
        assert_eq!(soft.matches("loop {").count(), 2, "{soft}");
        assert!(soft.contains("spec_ok = ("), "{soft}");
        assert_eq!(soft.matches("c_add(").count(), 1, "{soft}");
        let plain = entry(false);
        assert_eq!(plain.matches("loop {").count(), 1, "{plain}");
        assert!(!plain.contains("spec_ok"), "{plain}");
    }
}
