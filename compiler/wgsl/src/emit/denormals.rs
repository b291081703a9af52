//! Exact `f32` subnormals on WGSL implementations that flush them.
//!
//! CUDA keeps subnormal `f32` inputs and results unless a kernel is built with `-ftz=true`
//! or `--use_fast_math`. WGSL lets an implementation flush them, and NVIDIA's Vulkan driver
//! does under wgpu (measured on an H100: `1e-40 * 1` gives 0), while wgpu does not say
//! whether a device flushes. With [`crate::WgslOptions::soft_denormals_f32`] the emitter
//! keeps CUDA's results on such a device. WGSL has no `f64`, so the exact paths are the
//! integer-only helpers of [`crate::softfloat`]:
//!
//! - `+`, `-`, `*` are computed natively, and recomputed exactly (`c_add`, `c_sub`,
//!   `c_mul`: `u32` code, much smaller than `c_fma`) only when the native result shows that a
//!   subnormal may have been involved: a result below `2^-100` in magnitude for `+`/`-` (a
//!   subnormal operand can change a sum only when the other operand is below that: above it,
//!   half an ulp of the other operand exceeds every subnormal), below `2^-126` for `*` (a
//!   flushed operand or result gives 0), and NaN (`inf * 0` from a flushed operand). The
//!   check is one `abs`, one ordered compare and an `if` around the exact call, through a
//!   function-local variable.
//! - A product whose only use is one sum ([`cwcc_simt::speculate::fusable_products`]) is
//!   computed natively and
//!   checked by that sum: `a * b + c` costs one check and one branch; its exact path rounds
//!   the product to `f32` first (`c_mul`), then adds, as CUDA's unfused `a * b + c`
//!   (and the SPIR-V backend and the reference executor) do.
//! - Comparisons, `fminf`/`fmaxf`, `fdimf` and `__saturatef` compare the bit patterns as
//!   sign-magnitude integers when an operand is subnormal (`f32_lt_sd`, ...); `fabsf` and
//!   negation are bit operations, with masks made from the launch header's zero word (NVIDIA's
//!   compiler turns an `xor` with the constant sign bit into a flushing float negation); `floor`, `ceil`, `trunc` and `rint` of a subnormal give
//!   their exact results; `rsqrtf` scales a subnormal input by `2^64` exactly (its fraction
//!   converted to `f32`) and the result by `2^32`.
//! - `/`, `sqrt`, `fmaf` and `fmodf` are integer code already (`c_div`, ...), exact with
//!   subnormals; loads, stores, bit casts, `select` and function arguments move bits and
//!   keep them.
//!
//! Not covered: WGSL's own `/` of `__fdividef` (approximate in CUDA too) and the native add
//! inside the compare-exchange loop of a float `atomicAdd`. CUDA kernels get their math
//! functions from cwcc's device library, which is built from the operations above.

use super::{Emitter, Res, H};
use crate::WgslError;
use naga::{
    BinaryOperator as BO, Block, Expression as E, Literal, MathFunction as MF, ScalarKind, Span,
    Statement as S,
};

/// `2^-100`: a sum whose native result is at least this large is exact under flushing.
const SUM_SAFE: f32 = f32::from_bits(27 << 23);
/// `2^-126`, the smallest normal `f32`.
const MIN_NORMAL: f32 = f32::MIN_POSITIVE;

impl Emitter<'_> {
    fn f32_literal(&mut self, x: f32) -> H {
        self.func
            .expressions
            .append(E::Literal(Literal::F32(x)), Span::UNDEFINED)
    }

    /// `|x| >= limit`, false for NaN.
    fn at_least(&mut self, b: &mut Block, x: H, limit: f32) -> H {
        let mag = self.math(b, MF::Abs, &[x]);
        let k = self.f32_literal(limit);
        self.bin(b, BO::GreaterEqual, mag, k)
    }

    /// A product whose one use is a sum ([`cwcc_simt::speculate::fusable_products`]):
    /// computed natively, and
    /// checked (and recomputed where needed) by that sum.
    pub(super) fn fused_product(&mut self, b: &mut Block, l: H, r: H) -> H {
        let p = self.bin(b, BO::Multiply, l, r);
        self.product_operands.insert(p, (l, r));
        p
    }

    /// `x` exactly: a fused product is recomputed and rounded to `f32`, as CUDA rounds it.
    fn operand_exact(&mut self, b: &mut Block, x: H) -> Res<H> {
        let Some(&(l, r)) = self.product_operands.get(&x) else {
            return Ok(x);
        };
        self.call(b, "c_mul", vec![l, r])
    }

    /// `l op r` for `f32` `+`, `-` and `*` with exact subnormals (see the module doc):
    /// `var t = fast; if check { } else { t = exact; }`.
    pub(super) fn soft_arith(&mut self, b: &mut Block, op: BO, l: H, r: H) -> Res<H> {
        let fast = match op {
            BO::Add | BO::Subtract => self.float_add_sub(b, op, l, r)?,
            BO::Multiply => self.bin(b, op, l, r),
            _ => return Err(WgslError::Naga(format!("no exact f32 {op:?}"))),
        };
        let limit = if op == BO::Multiply {
            MIN_NORMAL
        } else {
            SUM_SAFE
        };
        let mut ok = self.at_least(b, fast, limit);
        // A fused product operand must itself be normal (a flushed operand or result makes
        // it 0; `inf * 0` makes it NaN).
        for x in [l, r] {
            if self.product_operands.contains_key(&x) {
                let p_ok = self.at_least(b, x, MIN_NORMAL);
                ok = self.bin(b, BO::LogicalAnd, ok, p_ok);
            }
        }
        if self.note_speculated_check(b, ok) {
            return Ok(fast);
        }
        let ty = self.ty_f32;
        let var = self.func.local_variables.append(
            naga::LocalVariable {
                name: Some("exact".into()),
                ty,
                init: None,
            },
            Span::UNDEFINED,
        );
        let pointer = self
            .func
            .expressions
            .append(E::LocalVariable(var), Span::UNDEFINED);
        b.push(
            S::Store {
                pointer,
                value: fast,
            },
            Span::UNDEFINED,
        );
        let mut slow = Block::new();
        let el = self.operand_exact(&mut slow, l)?;
        let er = self.operand_exact(&mut slow, r)?;
        let name = match op {
            BO::Add => "c_add",
            BO::Subtract => "c_sub",
            _ => "c_mul",
        };
        let exact = self.call(&mut slow, name, vec![el, er])?;
        slow.push(
            S::Store {
                pointer,
                value: exact,
            },
            Span::UNDEFINED,
        );
        b.push(
            S::If {
                condition: ok,
                accept: Block::new(),
                reject: slow,
            },
            Span::UNDEFINED,
        );
        Ok(self.expr(b, E::Load { pointer }))
    }

    /// An `f32` comparison (`==` ordered, `!=` unordered, `<`, `<=`, `>`, `>=` ordered) that
    /// compares the bits where an operand is subnormal.
    pub(super) fn soft_compare(&mut self, b: &mut Block, op: BO, l: H, r: H) -> Res<H> {
        let (name, swap) = match op {
            BO::Equal => ("f32_eq_sd", false),
            BO::NotEqual => ("f32_ne_sd", false),
            BO::Less => ("f32_lt_sd", false),
            BO::LessEqual => ("f32_le_sd", false),
            BO::Greater => ("f32_lt_sd", true),
            BO::GreaterEqual => ("f32_le_sd", true),
            _ => return Err(WgslError::Naga(format!("no exact f32 comparison {op:?}"))),
        };
        let args = if swap { vec![r, l] } else { vec![l, r] };
        self.call(b, name, args)
    }

    /// The sign-bit masks `zero | 0x80000000` and `zero | 0x7fffffff`, with `zero` the launch
    /// header's `0` word: NVIDIA's compiler turns an `xor` with the constant sign bit back
    /// into a float negation, which flushes a subnormal (measured on an H100 with the SPIR-V
    /// backend); with masks it cannot see, the operation stays on the bits.
    pub(super) fn sign_masks(&mut self, b: &mut Block, zero: H) -> (H, H) {
        let sign = self.u32c(0x8000_0000);
        let sign = self.bin(b, BO::InclusiveOr, zero, sign);
        let magnitude = self.u32c(0x7fff_ffff);
        let magnitude = self.bin(b, BO::InclusiveOr, zero, magnitude);
        (sign, magnitude)
    }

    /// `-x` (`negate`) or `|x|` as a bit operation, through the opaque masks.
    pub(super) fn soft_sign_op(&mut self, b: &mut Block, negate: bool, x: H) -> Res<H> {
        let (sign, magnitude) = self
            .opaque_sign_masks
            .ok_or_else(|| WgslError::Naga("the sign masks are unset".into()))?;
        let bits = self.as_u32(b, x);
        let r = if negate {
            self.bin(b, BO::ExclusiveOr, bits, sign)
        } else {
            self.bin(b, BO::And, bits, magnitude)
        };
        Ok(self.cast(b, r, ScalarKind::Float, None))
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, WgslOptions};

    /// The WGSL of a kernel `k(float* p)` whose body is `body` (SIMT text, `%v1` is `p[0]`,
    /// `%v2` is `p[1]`, `%v3` is `p[2]`; the result `%v9` is stored to `p[0]`), with the
    /// subnormal emulation on or off. `compile` validates the module; the text must parse
    /// and validate again.
    fn wgsl_with(body: &str, soft: bool) -> String {
        let text = format!(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {{
  %v1: f32 = load %v0 align 4
  %v10: i64 = const 4
  %v11: ptr<global> = ptradd %v0, %v10
  %v2: f32 = load %v11 align 4
  %v12: i64 = const 8
  %v13: ptr<global> = ptradd %v0, %v12
  %v3: f32 = load %v13 align 4
{body}
  store %v0, %v9 align 4
  return
}}
kernel \"k\" = fn0(\"p\": ptr<global>) static_shared 0
"
        );
        let module = cwcc_simt::parse_module(&text).unwrap();
        let options = WgslOptions {
            soft_denormals_f32: soft,
            ..WgslOptions::default()
        };
        let k = compile(&module, "k", &options).unwrap();
        let parsed = naga::front::wgsl::parse_str(&k.source).unwrap();
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&parsed)
        .unwrap();
        k.source
    }

    fn wgsl(body: &str) -> String {
        wgsl_with(body, true)
    }

    /// The kernel's entry point (the prelude's helpers come before it).
    fn entry(src: &str) -> &str {
        src.find("fn main(").map_or(src, |i| &src[i..])
    }

    fn count(src: &str, what: &str) -> usize {
        src.matches(what).count()
    }

    /// Calls of the exact `+ - *` helpers.
    fn exact_calls(src: &str) -> usize {
        ["c_add(", "c_sub(", "c_mul(", "c_fma("]
            .iter()
            .map(|f| count(src, f))
            .sum()
    }

    #[test]
    fn sums_and_products_are_checked_once_and_redone_exactly() {
        for (op, exact) in [
            ("fadd", "c_add(v1_, v2_)"),
            ("fsub", "c_sub(v1_, v2_)"),
            ("fmul", "c_mul(v1_, v2_)"),
        ] {
            let src = wgsl(&format!("  %v9: f32 = {op} %v1, %v2"));
            let main = entry(&src);
            // One compare of the native result's magnitude, one branch around the exact call.
            assert_eq!(count(main, "abs("), 1, "{main}");
            assert_eq!(count(main, "if "), 1, "{main}");
            assert_eq!(exact_calls(main), 1, "{main}");
            assert!(
                main.replace(char::is_whitespace, "")
                    .contains(&exact.replace(char::is_whitespace, "")),
                "{op}: {main}"
            );
        }
    }

    #[test]
    fn the_checks_are_absent_without_the_option() {
        let body = "  %v5: f32 = fmul %v1, %v2
  %v6: f32 = fadd %v5, %v3
  %v7: i1 = cmp.flt %v6, %v1
  %v8: f32 = fneg %v6
  %v9: f32 = select %v7, %v8, %v6";
        let src = wgsl_with(body, false);
        assert!(
            exact_calls(entry(&src)) == 0 && !src.contains("_sd("),
            "{src}"
        );
        let src = wgsl(body);
        assert!(
            exact_calls(entry(&src)) == 2 && src.contains("f32_lt_sd("),
            "{src}"
        );
    }

    #[test]
    fn a_product_used_once_by_a_sum_is_checked_by_that_sum() {
        let src = wgsl("  %v5: f32 = fmul %v1, %v2\n  %v9: f32 = fadd %v5, %v3");
        let main = entry(&src);
        // The sum's check covers the product (two magnitudes, one branch); the exact path
        // rounds the product first, then adds.
        assert_eq!(count(main, "abs("), 2, "{main}");
        assert_eq!(count(main, "if "), 1, "{main}");
        assert_eq!(count(main, "c_mul("), 1, "{main}");
        assert_eq!(count(main, "c_add("), 1, "{main}");
        // Both operands products: a * b - c * a.
        let src = wgsl(
            "  %v5: f32 = fmul %v1, %v2
  %v6: f32 = fmul %v3, %v1
  %v9: f32 = fsub %v5, %v6",
        );
        let main = entry(&src);
        assert_eq!(count(main, "abs("), 3, "{main}");
        assert_eq!(count(main, "if "), 1, "{main}");
        assert_eq!(count(main, "c_mul("), 2, "{main}");
        assert_eq!(count(main, "c_sub("), 1, "{main}");
        // A product with another use gets its own check.
        let src = wgsl(
            "  %v5: f32 = fmul %v1, %v2
  %v6: f32 = fadd %v5, %v3
  %v9: f32 = fadd %v6, %v5",
        );
        assert_eq!(count(entry(&src), "if "), 3, "{src}");
    }

    #[test]
    fn comparisons_signs_and_roundings_look_at_the_bits() {
        for (op, helper) in [
            ("flt", "f32_lt_sd(v1_, v2_)"),
            ("fgt", "f32_lt_sd(v2_, v1_)"),
            ("fle", "f32_le_sd(v1_, v2_)"),
            ("fge", "f32_le_sd(v2_, v1_)"),
            ("feq", "f32_eq_sd(v1_, v2_)"),
            ("fne", "f32_ne_sd(v1_, v2_)"),
        ] {
            let src = wgsl(&format!(
                "  %v5: i1 = cmp.{op} %v1, %v2\n  %v9: f32 = select %v5, %v1, %v2"
            ));
            assert!(entry(&src).contains(helper), "{op}: {src}");
        }
        // Negation and fabsf: with masks made from the header's zero word (`params[7]`).
        let src = wgsl("  %v9: f32 = fneg %v1");
        let main = entry(&src);
        assert!(
            main.contains("| 2147483648u") && main.contains(" ^ "),
            "{src}"
        );
        let src = wgsl("  %v9: f32 = fabs %v1");
        let main = entry(&src);
        assert!(
            main.contains("| 2147483647u") && main.contains(" & "),
            "{src}"
        );
        for (op, helper) in [
            ("floor", "f32_floor_sd("),
            ("ceil", "f32_ceil_sd("),
            ("ftrunc", "f32_trunc_sd("),
            ("roundeven", "f32_round_even_sd("),
        ] {
            let src = wgsl(&format!("  %v9: f32 = {op} %v1"));
            assert!(entry(&src).contains(helper), "{op}: {src}");
        }
        for (call, helper) in [
            ("\"rsqrtf\"(%v1)", "f32_rsqrt_sd("),
            ("\"fdimf\"(%v1, %v2)", "c_fdim_sd("),
            ("\"__saturatef\"(%v1)", "c_saturate_sd("),
        ] {
            let src = wgsl(&format!("  %v9: f32 = math {call}"));
            assert!(entry(&src).contains(helper), "{call}: {src}");
        }
        let src = wgsl("  %v9: f32 = fmin %v1, %v2");
        assert!(entry(&src).contains("c_fmin_sd("), "{src}");
        let src = wgsl("  %v9: f32 = fmax %v1, %v2");
        assert!(entry(&src).contains("c_fmax_sd("), "{src}");
    }

    #[test]
    fn products_with_zero_and_self_differences_keep_their_bit_forms() {
        let src = wgsl("  %v9: f32 = fsub %v1, %v1");
        assert!(
            src.contains("f32_sub_self(") && !entry(&src).contains("if "),
            "{src}"
        );
        let src = wgsl(
            "  %v5: f32 = const 0x00000000
  %v6: f32 = fmul %v1, %v5
  %v9: f32 = fadd %v6, %v2",
        );
        assert!(src.contains("f32_mul_zero("), "{src}");
    }
}
