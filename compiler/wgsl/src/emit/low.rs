//! Emission of low-only `i64` values (see [`crate::narrow`]) as plain `u32` expressions.

use super::{Emitter, Kind, Res, H};
use cwcc_simt::ir::{BinaryOp, ConvOp, Handle as _, Inst, UnaryOp, Value};
use naga::{BinaryOperator as BO, Block, Expression as E};

impl Emitter<'_> {
    /// Whether `v` is a low-only `i64`, held as the `u32` of its low word.
    pub(super) fn is_low(&self, v: Value) -> bool {
        self.low.get(v.index()).copied().unwrap_or(false)
    }

    /// The low word (`u32`) of the `i64` value `v`, whether it is held whole or low-only.
    pub(super) fn low_word(&mut self, b: &mut Block, v: Value) -> Res<H> {
        let h = self.val(v)?;
        Ok(if self.is_low(v) {
            h
        } else {
            self.component(b, h, 0)
        })
    }

    /// Emits `inst`, whose result `r` is low-only, as `u32` arithmetic on low words (modulo
    /// 2^32, which is exact for the low word). Instructions without a narrow form are
    /// emitted whole and their low word taken.
    pub(super) fn low_inst(&mut self, b: &mut Block, r: Value, inst: &Inst) -> Res<()> {
        let h = match inst {
            Inst::Const { bits } => self.u32c(*bits as u32),
            Inst::Binary { op, lhs, rhs } if low_binary(*op).is_some() || *op == BinaryOp::Shl => {
                let l = self.low_word(b, *lhs)?;
                let x = self.low_word(b, *rhs)?;
                if let (Some(p), Some(q)) = (self.u32_literal(l), self.u32_literal(x)) {
                    // Folded here: naga evaluates constant expressions again when a pipeline
                    // is made and refuses those that overflow, which wrapping `u32`
                    // arithmetic on constants does on purpose.
                    let v = match op {
                        BinaryOp::Add => p.wrapping_add(q),
                        BinaryOp::Sub => p.wrapping_sub(q),
                        BinaryOp::Mul => p.wrapping_mul(q),
                        BinaryOp::And => p & q,
                        BinaryOp::Or => p | q,
                        BinaryOp::Xor => p ^ q,
                        _ => (u64::from(p) << (q & 63)) as u32,
                    };
                    let h = self.u32c(v);
                    self.set(r, h);
                    return Ok(());
                }
                match low_binary(*op) {
                    Some(o) => self.bin(b, o, l, x),
                    None => {
                        // x << (n mod 64): zero when n mod 64 >= 32.
                        let m = self.u32c(63);
                        let n = self.bin(b, BO::And, x, m);
                        let m = self.u32c(31);
                        let s = self.bin(b, BO::And, n, m);
                        let shifted = self.bin(b, BO::ShiftLeft, l, s);
                        let k = self.u32c(32);
                        let big = self.bin(b, BO::GreaterEqual, n, k);
                        let zero = self.u32c(0);
                        self.select(b, big, zero, shifted)
                    }
                }
            }
            Inst::Unary { op, arg } if matches!(op, UnaryOp::Neg | UnaryOp::Not) => {
                let a = self.low_word(b, *arg)?;
                if let Some(x) = self.u32_literal(a) {
                    self.u32c(if *op == UnaryOp::Neg {
                        x.wrapping_neg()
                    } else {
                        !x
                    })
                } else if *op == UnaryOp::Neg {
                    let zero = self.u32c(0);
                    self.bin(b, BO::Subtract, zero, a)
                } else {
                    self.expr(
                        b,
                        E::Unary {
                            op: naga::UnaryOperator::BitwiseNot,
                            expr: a,
                        },
                    )
                }
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                let c = self.val(*cond)?;
                let t = self.low_word(b, *if_true)?;
                let f = self.low_word(b, *if_false)?;
                self.select(b, c, t, f)
            }
            Inst::Convert { op, arg } => match (op, self.kind(*arg)?) {
                (ConvOp::SExt | ConvOp::ZExt, Kind::Int(bits)) => {
                    // 8/16/32-bit values are kept sign-extended in an `i32`.
                    let a = self.val(*arg)?;
                    let literal = match self.func.expressions[a] {
                        naga::Expression::Literal(naga::Literal::I32(x)) => Some(x as u32),
                        _ => None,
                    };
                    let mask = if bits >= 32 {
                        u32::MAX
                    } else {
                        (1 << bits) - 1
                    };
                    match (op, literal) {
                        (ConvOp::SExt, Some(x)) => self.u32c(x),
                        (_, Some(x)) => self.u32c(x & mask),
                        (ConvOp::SExt, None) => self.as_u32(b, a),
                        _ => self.zext_u32(b, a, bits),
                    }
                }
                (ConvOp::SExt | ConvOp::ZExt, Kind::Bool) => {
                    let a = self.val(*arg)?;
                    let t = self.u32c(if *op == ConvOp::ZExt { 1 } else { u32::MAX });
                    let f = self.u32c(0);
                    self.select(b, a, t, f)
                }
                (ConvOp::Trunc | ConvOp::ZExt | ConvOp::SExt | ConvOp::Bitcast, Kind::I64) => {
                    self.low_word(b, *arg)?
                }
                (ConvOp::PtrToInt, Kind::Ptr(_)) => self.val(*arg)?,
                _ => return self.whole_then_low(b, r, inst),
            },
            _ => return self.whole_then_low(b, r, inst),
        };
        self.set(r, h);
        Ok(())
    }

    /// The value of `h` if it is a `u32` literal.
    fn u32_literal(&self, h: H) -> Option<u32> {
        match self.func.expressions[h] {
            E::Literal(naga::Literal::U32(x)) => Some(x),
            _ => None,
        }
    }

    /// Emits `inst` with its whole `i64` result, then keeps the low word as `r`.
    fn whole_then_low(&mut self, b: &mut Block, r: Value, inst: &Inst) -> Res<()> {
        // Emitted as a whole value first (the flag is off meanwhile), then narrowed.
        if let Some(slot) = self.low.get_mut(r.index()) {
            *slot = false;
        }
        self.inst(b, Some(r), inst)?;
        if let Some(slot) = self.low.get_mut(r.index()) {
            *slot = true;
        }
        let whole = self.val(r)?;
        let lo = self.component(b, whole, 0);
        self.set(r, lo);
        Ok(())
    }
}

/// The `u32` operator of an `i64` operation whose low word depends only on the operands' low
/// words (`shl` is handled apart: its amount is taken modulo 64).
fn low_binary(op: BinaryOp) -> Option<BO> {
    Some(match op {
        BinaryOp::Add => BO::Add,
        BinaryOp::Sub => BO::Subtract,
        BinaryOp::Mul => BO::Multiply,
        BinaryOp::And => BO::And,
        BinaryOp::Or => BO::InclusiveOr,
        BinaryOp::Xor => BO::ExclusiveOr,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::{compile, WgslOptions};

    #[test]
    fn low_only_offsets_are_u32_arithmetic_and_shifts_keep_their_range() {
        // p[(sel ? i : 0) << s] with a run-time shift: all u32, and `x << n` is 0 for
        // n mod 64 >= 32 as for the i64 it stands for.
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: i32) {
  %v2: i32 = thread_id.x
  %v3: i64 = sext %v2
  %v4: i64 = zext %v1
  %v5: i1 = cmp.slt %v2, %v1
  %v6: i64 = const 0
  %v7: i64 = select %v5, %v3, %v6
  %v8: i64 = shl %v7, %v4
  %v9: ptr<global> = ptradd %v0, %v8
  store %v9, %v2 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"s\": i32) static_shared 0
";
        let module = cwcc_simt::parse_module(text).unwrap();
        let k = compile(&module, "k", &WgslOptions::default()).unwrap();
        naga::front::wgsl::parse_str(&k.source).unwrap();
        assert!(!k.source.contains("vec2<u32>"), "{}", k.source);
        assert!(
            k.source.contains("& 63u") && k.source.contains(">= 32u"),
            "{}",
            k.source
        );
    }

    #[test]
    fn constant_offsets_are_folded_with_wrapping() {
        // p[-1]: (sext -1) * 4 wraps to 0xfffffffc, folded here (naga would refuse the
        // overflowing constant expression when the pipeline is made).
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = const 0xffffffff
  %v2: i64 = sext %v1
  %v3: i64 = const 4
  %v4: i64 = mul %v2, %v3
  %v5: ptr<global> = ptradd %v0, %v4
  store %v5, %v1 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>) static_shared 0
";
        let module = cwcc_simt::parse_module(text).unwrap();
        let k = compile(&module, "k", &WgslOptions::default()).unwrap();
        naga::front::wgsl::parse_str(&k.source).unwrap();
        assert!(k.source.contains("4294967292u"), "{}", k.source);
        assert!(!k.source.contains("* 4u"), "{}", k.source);
    }
}
