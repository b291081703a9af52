//! Float arithmetic that keeps CUDA's rounding when the WGSL implementation rewrites float
//! expressions as if they were real numbers.
//!
//! WGSL lets an implementation assume finite values and reassociate: Mesa folds
//! `(a + b) - a` to `b`, `1 - (1 + x)` to `-x` and `x - x` to `0` unless an instruction is
//! marked exact, which WGSL cannot say. CUDA code (the device library's double-float
//! arithmetic, Kahan sums) relies on these differences being computed as rounded: `(a + b) - a`
//! is the part of `b` that the sum kept. So:
//! - the value each typed local holds is tracked (a load after a store or an earlier load
//!   with no store between gives the same expression), so that the same value is seen as the
//!   same wherever the implementation could see it;
//! - an `f32` add or subtract one of whose operands is a sum or difference that has the other
//!   operand (or an equal constant) as one of its own gets that sum through `s - z`, where `z`
//!   is `0.0` read from the launch header: exact (`s - 0.0 == s` for every `s`, signed zeros,
//!   infinities and NaNs included), and opaque to the implementation, so the sum is rounded
//!   as written;
//! - `x - x` (same value) is computed from the bits (`f32_sub_self`).

use super::{Emitter, Res, H};
use naga::{BinaryOperator as BO, Block, Expression as E, Literal, Span};
use std::collections::HashMap;

type LocalVar = naga::Handle<naga::LocalVariable>;

impl Emitter<'_> {
    /// Loads the typed local `var`, or gives the value it is known to hold.
    pub(super) fn typed_local_load(&mut self, b: &mut Block, var: LocalVar, volatile: bool) -> H {
        if !volatile {
            if let Some(h) = self.local_values.get(&var) {
                return *h;
            }
        }
        let p = self
            .func
            .expressions
            .append(E::LocalVariable(var), Span::UNDEFINED);
        let h = self.expr(b, E::Load { pointer: p });
        if !volatile {
            self.local_values.insert(var, h);
        }
        h
    }

    /// Records that the typed local `var` now holds `v`. Constant expressions are not
    /// recorded: naga evaluates constant expressions again when a pipeline is made, and an
    /// expression of constants that overflows (`x * 1e38` with `x` a constant) is refused
    /// there, while the same arithmetic on a loaded value is rounded at run time as in CUDA.
    pub(super) fn remember_local(&mut self, var: LocalVar, v: H) {
        if self.maybe_constant(v, 8) {
            self.local_values.remove(&var);
        } else {
            self.local_values.insert(var, v);
        }
    }

    /// Whether `h` may be a constant expression (looked `depth` operands deep).
    fn maybe_constant(&self, h: H, depth: u32) -> bool {
        if depth == 0 {
            return true;
        }
        let c = |x: H| self.maybe_constant(x, depth - 1);
        match &self.func.expressions[h] {
            E::Literal(_) | E::Constant(_) | E::ZeroValue(_) | E::Override(_) => true,
            E::Binary { left, right, .. } => c(*left) && c(*right),
            E::Unary { expr, .. } | E::As { expr, .. } | E::Splat { value: expr, .. } => c(*expr),
            E::AccessIndex { base, .. } => c(*base),
            E::Access { base, index } => c(*base) && c(*index),
            E::Compose { components, .. } => components.iter().all(|x| c(*x)),
            E::Select {
                condition,
                accept,
                reject,
            } => c(*condition) && c(*accept) && c(*reject),
            E::Math {
                arg,
                arg1,
                arg2,
                arg3,
                ..
            } => c(*arg) && [arg1, arg2, arg3].iter().all(|x| x.is_none_or(&c)),
            _ => false,
        }
    }

    /// What is known of the locals after an `if`: the values that neither branch changed.
    pub(super) fn values_after_if(
        &self,
        before: &HashMap<LocalVar, H>,
        after_then: &HashMap<LocalVar, H>,
    ) -> HashMap<LocalVar, H> {
        before
            .iter()
            .filter(|(var, h)| {
                after_then.get(*var) == Some(*h) && self.local_values.get(*var) == Some(*h)
            })
            .map(|(var, h)| (*var, *h))
            .collect()
    }

    /// `l + r` or `l - r` on `f32`, rounded as written (see the module doc).
    pub(super) fn float_add_sub(&mut self, b: &mut Block, op: BO, l: H, r: H) -> Res<H> {
        let l = if self.has_operand(l, r) {
            self.opaque(b, l)?
        } else {
            l
        };
        let r = if self.has_operand(r, l) {
            self.opaque(b, r)?
        } else {
            r
        };
        Ok(self.bin(b, op, l, r))
    }

    /// Whether `sum` is an add or subtract with `other` (or an equal constant) as an operand.
    fn has_operand(&self, sum: H, other: H) -> bool {
        match self.func.expressions[sum] {
            E::Binary {
                op: BO::Add | BO::Subtract,
                left,
                right,
            } => self.same_value(left, other) || self.same_value(right, other),
            _ => false,
        }
    }

    fn same_value(&self, a: H, b: H) -> bool {
        if a == b {
            return true;
        }
        match (&self.func.expressions[a], &self.func.expressions[b]) {
            (E::Literal(Literal::F32(x)), E::Literal(Literal::F32(y))) => {
                x.to_bits() == y.to_bits()
            }
            _ => false,
        }
    }

    /// `x - z` with `z` the launch header's `0.0`: `x` exactly, but not known to be `x`.
    fn opaque(&mut self, b: &mut Block, x: H) -> Res<H> {
        let zero = self
            .opaque_zero
            .ok_or_else(|| crate::WgslError::Naga("the opaque zero is unset".into()))?;
        Ok(self.bin(b, BO::Subtract, x, zero))
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, WgslOptions};

    /// The WGSL of a kernel `k(float* p)` whose body is `body` (SIMT text, `%v1` is `p[0]`,
    /// `%v2` is `p[1]`, `%l0` a float local; the result `%v9` is stored to `p[0]`).
    fn wgsl(body: &str) -> String {
        let text = format!(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {{
  local %l0 \"s\": f32 align 4
  %v1: f32 = load %v0 align 4
  %v10: i64 = const 4
  %v11: ptr<global> = ptradd %v0, %v10
  %v2: f32 = load %v11 align 4
{body}
  store %v0, %v9 align 4
  return
}}
kernel \"k\" = fn0(\"p\": ptr<global>) static_shared 0
"
        );
        let module = cwcc_simt::parse_module(&text).unwrap();
        let k = compile(&module, "k", &WgslOptions::default()).unwrap();
        naga::front::wgsl::parse_str(&k.source).unwrap();
        k.source
    }

    #[test]
    fn self_subtraction_and_products_with_zero_use_the_bits() {
        let src = wgsl("  %v9: f32 = fsub %v1, %v1");
        assert!(src.contains("f32_sub_self("), "{src}");
        let src = wgsl("  %v5: f32 = const 0x80000000\n  %v9: f32 = fmul %v1, %v5");
        assert!(src.contains("f32_mul_zero("), "{src}");
        // An ordinary difference stays a plain subtraction.
        let src = wgsl("  %v9: f32 = fsub %v1, %v2");
        assert!(!src.contains("f32_sub_self("), "{src}");
        assert!(!src.contains("params[1].w"), "{src}");
    }

    #[test]
    fn the_rounding_error_of_a_sum_is_computed_as_written() {
        // (a + b) - a: the sum goes through the opaque zero of the launch header.
        let src = wgsl("  %v5: f32 = fadd %v1, %v2\n  %v9: f32 = fsub %v5, %v1");
        assert!(src.contains("params[1].w"), "{src}");
        // Through a local variable too: the stored sum is the loaded one.
        let src = wgsl(
            "  %v5: f32 = fadd %v1, %v2
  %v6: ptr<local> = local_addr %l0
  store %v6, %v5 align 4
  %v7: f32 = load %v6 align 4
  %v9: f32 = fsub %v7, %v1",
        );
        assert!(src.contains("params[1].w"), "{src}");
    }

    #[test]
    fn fmaf_and_frem_are_the_exact_helpers() {
        let src = wgsl("  %v9: f32 = math \"fmaf\"(%v1, %v2, %v1)");
        assert!(src.contains("c_fma(") && !src.contains(" fma("), "{src}");
        let src = wgsl("  %v9: f32 = frem %v1, %v2");
        assert!(src.contains("c_fmod("), "{src}");
    }

    #[test]
    fn division_and_square_roots_are_the_correctly_rounded_helpers() {
        // Prelude functions a kernel does not call are left out of its source.
        let calls = |src: &str, f: &str| src.contains(&format!("{f}("));
        let src = wgsl("  %v9: f32 = fdiv %v1, %v2");
        assert!(calls(&src, "c_div"), "{src}");
        let src = wgsl("  %v9: f32 = sqrt %v1");
        assert!(calls(&src, "c_sqrt"), "{src}");
        let src = wgsl("  %v9: f32 = math \"__frcp_rn\"(%v1)");
        assert!(calls(&src, "c_div"), "{src}");
        // `__fdividef` is approximate in CUDA too: WGSL's own division.
        let src = wgsl("  %v9: f32 = math \"__fdividef\"(%v1, %v2)");
        assert!(!calls(&src, "c_div"), "{src}");
    }
}
