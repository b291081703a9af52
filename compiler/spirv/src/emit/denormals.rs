//! Exact `f32` subnormals on devices that flush them.
//!
//! CUDA keeps subnormal `f32` inputs and results unless a kernel is built with `-ftz=true`
//! or `--use_fast_math`. A Vulkan device may flush them to zero and offer no way to ask
//! otherwise: NVIDIA's driver reports neither `shaderDenormPreserveFloat32` nor
//! `shaderDenormFlushToZeroFloat32`, and flushes (measured on an H100: `1e-40 * 1` gives 0,
//! `rsqrtf(1e-40)` gives infinity). With [`SpirvOptions::soft_denormals_f32`] the emitter
//! keeps CUDA's results on such a device:
//!
//! - `+`, `-`, `*` are computed natively, and recomputed exactly only when the native result
//!   shows that a subnormal may have been involved: a result below `2^-100` in magnitude
//!   for `+`/`-` (a subnormal operand can change a sum only when the other operand is below
//!   that: above it, half an ulp of the other operand exceeds every subnormal), below `2^-126`
//!   for `*` (a flushed operand or result gives 0), and NaN (`inf * 0` from a flushed operand).
//!   The exact path widens both operands to `f64` exactly ([`Emitter::f32_to_f64_exact`]),
//!   computes in `f64` (no `f64` value here is near the `f64` subnormal range) and rounds
//!   back to `f32` with subnormal results rounded in integer code
//!   ([`Emitter::f64_to_f32_exact`]). Rounding the correctly rounded `f64` result once more
//!   is correct for `+ - * / sqrt` because 53 bits hold 2 × 24 + 2.
//! - `/`, `sqrt` and `fmaf`, already computed in `f64`, widen and narrow exactly.
//! - Comparisons take an integer comparison of the bit patterns when an operand is
//!   subnormal; `fabsf` and negation are bit operations; `floor`, `ceil`, `trunc` and
//!   `rint` of a subnormal are given their exact results; `ldexpf` is computed in `f64`.
//! - `f32` <-> `f64` conversions are exact.
//!
//! The checks are a compare and a branch that is almost never taken, so kernels pay little
//! where no subnormals occur. In a loop that only computes (a dot product's `k` loop), the
//! checks only clear a flag and the loop is redone exactly when it ends cleared
//! (`speculate.rs`), so the loop body stays one basic block. The GLSL.std.450 transcendentals are not covered: CUDA
//! kernels get their math functions from cwcc's device library, which is built from the
//! operations above.

use super::{internal, Emitter, Res};
use cwcc_simt::ir::Value;
use rspirv::dr::Operand;
use rspirv::spirv::{self, GlslStd450Op as GLOp, Op, Word};

/// `2^-100`: a sum whose native result is at least this large is exact under flushing.
const SUM_SAFE: f64 = 7.888_609_052_210_118e-31;
/// `2^-126`, the smallest normal `f32`.
const MIN_NORMAL: f64 = 1.175_494_350_822_287_5e-38;

impl Emitter<'_> {
    /// Whether `f32` subnormals are emulated (see the module docs).
    pub(super) fn soft_denormals(&self) -> bool {
        self.opts.soft_denormals_f32 && self.opts.float64
    }

    /// `x` (an `f32`) is subnormal: its exponent bits are 0 and its fraction is not.
    pub(super) fn is_subnormal_f32(&mut self, x: Word) -> Res<Word> {
        let u32t = self.t_u32();
        let boolt = self.t_bool();
        let bits = self.op(Op::Bitcast, u32t, &[x])?;
        let mask = self.c_u32(0x7fff_ffff);
        let mag = self.op(Op::BitwiseAnd, u32t, &[bits, mask])?;
        let one = self.c_u32(1);
        let m1 = self.op(Op::ISub, u32t, &[mag, one])?;
        let limit = self.c_u32(0x007f_ffff);
        self.op(Op::ULessThan, boolt, &[m1, limit])
    }

    /// `f32` to `f64`, exact also for subnormal inputs (which a flushing conversion would
    /// turn into zero): the fraction times `2^-149`, with the sign.
    pub(super) fn f32_to_f64_exact(&mut self, x: Word) -> Res<Word> {
        let d = self.t_float(64);
        let u32t = self.t_u32();
        let fast = self.op(Op::FConvert, d, &[x])?;
        let sub = self.is_subnormal_f32(x)?;
        let bits = self.op(Op::Bitcast, u32t, &[x])?;
        let frac_mask = self.c_u32(0x007f_ffff);
        let frac = self.op(Op::BitwiseAnd, u32t, &[bits, frac_mask])?;
        let frac = self.op(Op::ConvertUToF, d, &[frac])?;
        let scale = self.c_f(64, 2f64.powi(-149));
        let mag = self.op(Op::FMul, d, &[frac, scale])?;
        let neg = self.op(Op::FNegate, d, &[mag])?;
        let boolt = self.t_bool();
        let sign_mask = self.c_u32(0x8000_0000);
        let sign = self.op(Op::BitwiseAnd, u32t, &[bits, sign_mask])?;
        let zero = self.c_u32(0);
        let negative = self.op(Op::INotEqual, boolt, &[sign, zero])?;
        let slow = self.op(Op::Select, d, &[negative, neg, mag])?;
        self.op(Op::Select, d, &[sub, slow, fast])
    }

    /// `f64` to `f32` rounded to nearest even, exact also where the result is subnormal
    /// (which a flushing conversion would turn into zero): `|r| * 2^149` rounded to an
    /// integer is the result's bit pattern (2^23 is the smallest normal's).
    pub(super) fn f64_to_f32_exact(&mut self, r: Word) -> Res<Word> {
        let f = self.t_float(32);
        let d = self.t_float(64);
        let u32t = self.t_u32();
        let u64t = self.t_u64();
        let boolt = self.t_bool();
        let fast = self.op(Op::FConvert, f, &[r])?;
        let mag = self.glsl(GLOp::FAbs, d, &[r])?;
        let min = self.c_f(64, MIN_NORMAL);
        let tiny = self.op(Op::FOrdLessThan, boolt, &[mag, min])?;
        let scale = self.c_f(64, 2f64.powi(149));
        let scaled = self.op(Op::FMul, d, &[mag, scale])?;
        // Rounded to nearest even without `RoundEven` (see `round_even_f64`): the integer
        // part, plus one where the fraction is above one half, or one half and the integer
        // part odd. Where the result is used, `scaled` is below 2^23 and every step exact.
        let floor = self.glsl(GLOp::Floor, d, &[scaled])?;
        let frac = self.op(Op::FSub, d, &[scaled, floor])?;
        let whole = self.op(Op::ConvertFToU, u32t, &[floor])?;
        let one = self.c_u32(1);
        let odd_bit = self.op(Op::BitwiseAnd, u32t, &[whole, one])?;
        let zero32 = self.c_u32(0);
        let odd = self.op(Op::INotEqual, boolt, &[odd_bit, zero32])?;
        let half = self.c_f(64, 0.5);
        let above = self.op(Op::FOrdGreaterThan, boolt, &[frac, half])?;
        let at_half = self.op(Op::FOrdEqual, boolt, &[frac, half])?;
        let tie_up = self.op(Op::LogicalAnd, boolt, &[at_half, odd])?;
        let up = self.op(Op::LogicalOr, boolt, &[above, tie_up])?;
        let carry = self.op(Op::Select, u32t, &[up, one, zero32])?;
        let m = self.op(Op::IAdd, u32t, &[whole, carry])?;
        let rbits = self.op(Op::Bitcast, u64t, &[r])?;
        let c32 = self.c_u64(32);
        let hi = self.op(Op::ShiftRightLogical, u64t, &[rbits, c32])?;
        let hi = self.op(Op::UConvert, u32t, &[hi])?;
        let sign_mask = self.c_u32(0x8000_0000);
        let sign = self.op(Op::BitwiseAnd, u32t, &[hi, sign_mask])?;
        let bits = self.op(Op::BitwiseOr, u32t, &[m, sign])?;
        let slow = self.op(Op::Bitcast, f, &[bits])?;
        self.op(Op::Select, f, &[tiny, slow, fast])
    }

    /// `rint` of an `f64` (round half to even) without GLSL's `RoundEven`, which Mesa's
    /// lavapipe (22.3, LLVM 15, on an AMD EPYC) computes with halves rounded toward zero
    /// (`1.5` gives `1`): the floor, plus one where the rest is above one half or is one
    /// half and the floor odd. The rest `x - floor(x)` is exact (below 2^52 both are
    /// multiples of `x`'s ulp and the rest is below 1; above, `x` is an integer and the rest
    /// 0); a zero result keeps `x`'s sign, and infinities and NaN come back unchanged.
    pub(super) fn round_even_f64(&mut self, x: Word) -> Res<Word> {
        let d = self.t_float(64);
        let boolt = self.t_bool();
        let floor = self.glsl(GLOp::Floor, d, &[x])?;
        let frac = self.op(Op::FSub, d, &[x, floor])?;
        let half = self.c_f(64, 0.5);
        let halved = self.op(Op::FMul, d, &[floor, half])?;
        let halved_floor = self.glsl(GLOp::Floor, d, &[halved])?;
        let odd = self.op(Op::FOrdNotEqual, boolt, &[halved, halved_floor])?;
        let above = self.op(Op::FOrdGreaterThan, boolt, &[frac, half])?;
        let at_half = self.op(Op::FOrdEqual, boolt, &[frac, half])?;
        let tie_up = self.op(Op::LogicalAnd, boolt, &[at_half, odd])?;
        let up = self.op(Op::LogicalOr, boolt, &[above, tie_up])?;
        let one = self.c_f(64, 1.0);
        let next = self.op(Op::FAdd, d, &[floor, one])?;
        let r = self.op(Op::Select, d, &[up, next, floor])?;
        // -0.3 rounds to -0: the sign of `x` on a zero result.
        let zero = self.c_f(64, 0.0);
        let is_zero = self.op(Op::FOrdEqual, boolt, &[r, zero])?;
        let u64t = self.t_u64();
        let bits = self.op(Op::Bitcast, u64t, &[x])?;
        let sign_mask = self.c_u64(1 << 63);
        let sign = self.op(Op::BitwiseAnd, u64t, &[bits, sign_mask])?;
        let signed_zero = self.op(Op::Bitcast, d, &[sign])?;
        self.op(Op::Select, d, &[is_zero, signed_zero, r])
    }

    /// `f32` to `f64` for the exact `f32` operations computed in `f64`: exact for subnormals
    /// where they are emulated.
    pub(super) fn widen_f32(&mut self, x: Word) -> Res<Word> {
        if self.soft_denormals() {
            return self.f32_to_f64_exact(x);
        }
        let d = self.t_float(64);
        self.op(Op::FConvert, d, &[x])
    }

    /// `f64` to `f32` (round to nearest even), exact for subnormal results where they are
    /// emulated.
    pub(super) fn narrow_f64(&mut self, r: Word) -> Res<Word> {
        if self.soft_denormals() {
            return self.f64_to_f32_exact(r);
        }
        let f = self.t_float(32);
        self.op(Op::FConvert, f, &[r])
    }

    /// `fminf` / `fmaxf` (a NaN operand gives the other one) through exact comparisons.
    pub(super) fn soft_min_max(&mut self, max: bool, a: Word, b: Word) -> Res<Word> {
        let f = self.t_float(32);
        let boolt = self.t_bool();
        let cmp = if max {
            Op::FOrdGreaterThan
        } else {
            Op::FOrdLessThan
        };
        let b_wins = self.soft_compare(cmp, b, a)?;
        let a_nan = self.op(Op::IsNan, boolt, &[a])?;
        let take_b = self.op(Op::LogicalOr, boolt, &[b_wins, a_nan])?;
        self.op(Op::Select, f, &[take_b, b, a])
    }

    /// `if !ok { exact = slow() }`, giving `fast` or `exact`: a branch around the exact
    /// computation, which only runs where the check failed.
    fn unless_ok(
        &mut self,
        t: Word,
        fast: Word,
        ok: Word,
        slow: impl FnOnce(&mut Self) -> Res<Word>,
    ) -> Res<Word> {
        let pre = self.cur_label;
        let (slow_l, merge) = (self.b.id(), self.b.id());
        self.b
            .selection_merge(merge, spirv::SelectionControl::NONE)
            .map_err(internal)?;
        self.b
            .branch_conditional(ok, merge, slow_l, [])
            .map_err(internal)?;
        self.begin_block(slow_l)?;
        let exact = slow(self)?;
        let slow_end = self.cur_label;
        self.branch(merge)?;
        self.begin_block(merge)?;
        self.op_raw(
            Op::Phi,
            Some(t),
            vec![
                Operand::IdRef(fast),
                Operand::IdRef(pre),
                Operand::IdRef(exact),
                Operand::IdRef(slow_end),
            ],
        )
    }

    /// A product whose one use is a sum ([`cwcc_simt::speculate::fusable_products`]):
    /// computed natively, and
    /// checked (and recomputed where needed) by that sum, so that `a * b + c` costs one
    /// check and one branch, after both loads.
    pub(super) fn fused_product(&mut self, lhs: Value, rhs: Value) -> Res<Word> {
        let f = self.t_float(32);
        let (a, b) = (self.get(lhs)?, self.get(rhs)?);
        let p = self.native_op(Op::FMul, f, &[a, b])?;
        self.product_operands.insert(p, (a, b));
        Ok(p)
    }

    /// `x` exactly in `f64`; a fused product is recomputed and rounded to `f32` first, as
    /// CUDA rounds it.
    fn operand_exact(&mut self, x: Word) -> Res<Word> {
        let Some(&(a, b)) = self.product_operands.get(&x) else {
            return self.f32_to_f64_exact(x);
        };
        let d = self.t_float(64);
        let a64 = self.f32_to_f64_exact(a)?;
        let b64 = self.f32_to_f64_exact(b)?;
        let p = self.native_op(Op::FMul, d, &[a64, b64])?;
        let p32 = self.f64_to_f32_exact(p)?;
        self.f32_to_f64_exact(p32)
    }

    /// `a op b` for `f32` `FAdd`, `FSub`, `FMul` with exact subnormals.
    pub(super) fn soft_arith(&mut self, op: Op, a: Word, b: Word) -> Res<Word> {
        let f = self.t_float(32);
        let d = self.t_float(64);
        let boolt = self.t_bool();
        let fast = self.native_op(op, f, &[a, b])?;
        let mag = self.glsl(GLOp::FAbs, f, &[fast])?;
        let limit = self.c_f(32, if op == Op::FMul { MIN_NORMAL } else { SUM_SAFE });
        // Ordered: a NaN result takes the exact path too.
        let mut ok = self.op(Op::FOrdGreaterThanEqual, boolt, &[mag, limit])?;
        // A fused product operand must itself be a normal number (a flushed operand or
        // result makes it 0; `inf * 0` makes it NaN).
        for x in [a, b] {
            if self.product_operands.contains_key(&x) {
                let pm = self.glsl(GLOp::FAbs, f, &[x])?;
                let min = self.c_f(32, MIN_NORMAL);
                let p_ok = self.op(Op::FOrdGreaterThanEqual, boolt, &[pm, min])?;
                ok = self.op(Op::LogicalAnd, boolt, &[ok, p_ok])?;
            }
        }
        if self.note_speculated_check(ok)? {
            return Ok(fast);
        }
        let exact = |e: &mut Self| {
            let a64 = e.operand_exact(a)?;
            let b64 = e.operand_exact(b)?;
            let r = e.native_op(op, d, &[a64, b64])?;
            e.f64_to_f32_exact(r)
        };
        if self.opts.exact_by_select {
            let exact = exact(self)?;
            return self.op(Op::Select, f, &[ok, fast, exact]);
        }
        self.unless_ok(f, fast, ok, exact)
    }

    /// An ordered or unordered `f32` comparison with exact subnormals: where an operand is
    /// subnormal, the comparison of the bit patterns as sign-magnitude integers decides.
    pub(super) fn soft_compare(&mut self, op: Op, a: Word, b: Word) -> Res<Word> {
        let boolt = self.t_bool();
        let i32t = self.t_int(32);
        let u32t = self.t_u32();
        let fast = self.native_f32_compare(op, a, b)?;
        let sub_a = self.is_subnormal_f32(a)?;
        let sub_b = self.is_subnormal_f32(b)?;
        let sub = self.op(Op::LogicalOr, boolt, &[sub_a, sub_b])?;
        let nan_a = self.op(Op::IsNan, boolt, &[a])?;
        let nan_b = self.op(Op::IsNan, boolt, &[b])?;
        let nan = self.op(Op::LogicalOr, boolt, &[nan_a, nan_b])?;
        // Sign-magnitude to two's complement: both zeros map to 0.
        let mut key = |x: Word| -> Res<Word> {
            let bits = self.op(Op::Bitcast, u32t, &[x])?;
            let mask = self.c_u32(0x7fff_ffff);
            let mag = self.op(Op::BitwiseAnd, u32t, &[bits, mask])?;
            let mag = self.op(Op::Bitcast, i32t, &[mag])?;
            let neg = self.op(Op::SNegate, i32t, &[mag])?;
            let sign = self.op(Op::Bitcast, i32t, &[bits])?;
            let zero = self.constant(i32t, 0, 32);
            let negative = self.op(Op::SLessThan, boolt, &[sign, zero])?;
            self.op(Op::Select, i32t, &[negative, neg, mag])
        };
        let ka = key(a)?;
        let kb = key(b)?;
        let (int_op, unordered) = match op {
            Op::FOrdEqual => (Op::IEqual, false),
            Op::FOrdNotEqual => (Op::INotEqual, false),
            Op::FOrdLessThan => (Op::SLessThan, false),
            Op::FOrdLessThanEqual => (Op::SLessThanEqual, false),
            Op::FOrdGreaterThan => (Op::SGreaterThan, false),
            Op::FOrdGreaterThanEqual => (Op::SGreaterThanEqual, false),
            Op::FUnordEqual => (Op::IEqual, true),
            Op::FUnordNotEqual => (Op::INotEqual, true),
            Op::FUnordLessThan => (Op::SLessThan, true),
            Op::FUnordLessThanEqual => (Op::SLessThanEqual, true),
            Op::FUnordGreaterThan => (Op::SGreaterThan, true),
            Op::FUnordGreaterThanEqual => (Op::SGreaterThanEqual, true),
            _ => return Ok(fast),
        };
        let int_cmp = self.op(int_op, boolt, &[ka, kb])?;
        let exact = if unordered {
            self.op(Op::LogicalOr, boolt, &[nan, int_cmp])?
        } else {
            let not_nan = self.op(Op::LogicalNot, boolt, &[nan])?;
            self.op(Op::LogicalAnd, boolt, &[not_nan, int_cmp])?
        };
        self.op(Op::Select, boolt, &[sub, exact, fast])
    }

    /// `fabsf` or negation as a bit operation (a flushing `FAbs`/`FNegate` loses subnormals).
    pub(super) fn soft_sign_op(&mut self, negate: bool, x: Word) -> Res<Word> {
        let f = self.t_float(32);
        let u32t = self.t_u32();
        let bits = self.op(Op::Bitcast, u32t, &[x])?;
        // With a constant mask NVIDIA's compiler turns the XOR (and a select on the sign bit
        // alike) back into a float negation, which flushes there (measured on an H100). So
        // the mask is or-ed with `gridDim.x >> 31` from the push constants: always 0 (CUDA's
        // grids are below 2^31 blocks wide, and the runtime refuses wider ones), but not a
        // constant to the driver. The WGSL backend does the same with a zero of its header.
        let grid_x = self.push_member(5, u32t)?;
        let c31 = self.c_u32(31);
        let zero = self.op(Op::ShiftRightLogical, u32t, &[grid_x, c31])?;
        let k = self.c_u32(if negate { 0x8000_0000 } else { 0x7fff_ffff });
        let mask = self.op(Op::BitwiseOr, u32t, &[k, zero])?;
        let r = if negate {
            self.op(Op::BitwiseXor, u32t, &[bits, mask])?
        } else {
            self.op(Op::BitwiseAnd, u32t, &[bits, mask])?
        };
        self.op(Op::Bitcast, f, &[r])
    }

    /// `floor`, `ceil`, `trunc` or `roundeven` of an `f32`, with the exact result for a
    /// subnormal input (`floor(-s) = -1`, `ceil(s) = 1`, else a zero of the input's sign).
    pub(super) fn soft_rounding(&mut self, g: GLOp, x: Word) -> Res<Word> {
        let f = self.t_float(32);
        let u32t = self.t_u32();
        let boolt = self.t_bool();
        let fast = self.glsl(g, f, &[x])?;
        let sub = self.is_subnormal_f32(x)?;
        let bits = self.op(Op::Bitcast, u32t, &[x])?;
        let sign_mask = self.c_u32(0x8000_0000);
        let sign = self.op(Op::BitwiseAnd, u32t, &[bits, sign_mask])?;
        let zero = self.c_u32(0);
        let negative = self.op(Op::INotEqual, boolt, &[sign, zero])?;
        let signed_zero = self.op(Op::Bitcast, f, &[sign])?;
        let exact = match g {
            GLOp::Floor => {
                let m1 = self.c_f(32, -1.0);
                self.op(Op::Select, f, &[negative, m1, signed_zero])?
            }
            GLOp::Ceil => {
                let p1 = self.c_f(32, 1.0);
                self.op(Op::Select, f, &[negative, signed_zero, p1])?
            }
            _ => signed_zero,
        };
        self.op(Op::Select, f, &[sub, exact, fast])
    }

    /// `rsqrtf(x)`: a subnormal `x` is scaled by `2^64` (exactly, through `f64`) and the
    /// result by `2^32`, since `InverseSqrt` would see the flushed zero.
    pub(super) fn soft_rsqrt(&mut self, x: Word) -> Res<Word> {
        let f = self.t_float(32);
        let d = self.t_float(64);
        let fast = self.glsl(GLOp::InverseSqrt, f, &[x])?;
        let sub = self.is_subnormal_f32(x)?;
        let x64 = self.f32_to_f64_exact(x)?;
        let up = self.c_f(64, 2f64.powi(64));
        let scaled = self.native_op(Op::FMul, d, &[x64, up])?;
        let scaled = self.op(Op::FConvert, f, &[scaled])?;
        let r = self.glsl(GLOp::InverseSqrt, f, &[scaled])?;
        let k = self.c_f(32, 2f64.powi(32));
        let slow = self.native_op(Op::FMul, f, &[r, k])?;
        self.op(Op::Select, f, &[sub, slow, fast])
    }

    /// `ldexpf(x, e)` computed in `f64` with exact widening and narrowing.
    pub(super) fn soft_ldexp(&mut self, x: Word, e: Word) -> Res<Word> {
        let d = self.t_float(64);
        let x64 = self.f32_to_f64_exact(x)?;
        // Exponents beyond ±400 saturate the result either way and stay within f64's range.
        let i32t = self.t_int(32);
        let lo = self.constant(i32t, (-400i32) as u32 as u64, 32);
        let hi = self.constant(i32t, 400, 32);
        let e = self.glsl(GLOp::SClamp, i32t, &[e, lo, hi])?;
        let r = self.glsl(GLOp::Ldexp, d, &[x64, e])?;
        self.f64_to_f32_exact(r)
    }
}
