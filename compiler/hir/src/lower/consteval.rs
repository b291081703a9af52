//! Constant evaluation of typed HIR expressions (array sizes, template arguments, enumerators,
//! `static_assert`, case labels, `#pragma unroll` counts, constexpr variables, initializers).

use super::Lowerer;
use crate::ir::{BinaryOp, ConvertKind, Expr, ExprKind, UnaryOp};
use crate::scope::ConstVal;
use crate::types::{Scalar, Type, TypeId, TypeTable};
use cwcc_frontend::source::Span;

/// Why an expression has no constant value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EvalError {
    /// Something that is not a constant expression.
    NotConstant(Span),
    /// Division or remainder by zero.
    DivByZero(Span),
    /// Shift by a negative amount or by at least the width.
    BadShift(Span),
    /// Nested too deeply.
    TooDeep(Span),
}

/// Maximum expression nesting evaluated.
const MAX_DEPTH: u32 = 512;

/// Wraps an integer to the width and signedness of `s`.
pub(crate) fn wrap_int(v: i128, s: Scalar) -> i128 {
    if s == Scalar::Bool {
        return i128::from(v != 0);
    }
    let bits = s.size() * 8;
    let mask: u128 = if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    let u = (v as u128) & mask;
    if s.is_signed() && bits < 128 && (u >> (bits - 1)) & 1 == 1 {
        (u | !mask) as i128
    } else {
        u as i128
    }
}

/// The scalar behind an arithmetic or enum type.
pub(crate) fn scalar_like(types: &TypeTable, t: TypeId) -> Option<Scalar> {
    match types.get(t) {
        Type::Scalar(s) => Some(s),
        Type::Enum(e) => types.enum_def(e).map(|d| d.underlying),
        _ => None,
    }
}

impl Lowerer<'_> {
    /// Evaluates `e` to a constant.
    pub fn eval_const(&self, e: &Expr) -> Result<ConstVal, EvalError> {
        self.eval_depth(e, 0)
    }

    /// Reports why a constant expression could not be evaluated.
    pub fn report_eval_error(&mut self, err: EvalError, what: &str) {
        match err {
            EvalError::NotConstant(span) => {
                let msg = format!("{what} is not a constant expression");
                self.error(msg, span);
            }
            EvalError::DivByZero(span) => {
                self.error("division by zero in constant expression", span)
            }
            EvalError::BadShift(span) => self.error(
                "shift amount is negative or too large in constant expression",
                span,
            ),
            EvalError::TooDeep(span) => {
                self.error("constant expression is nested too deeply", span)
            }
        }
    }

    fn eval_depth(&self, e: &Expr, depth: u32) -> Result<ConstVal, EvalError> {
        if depth > MAX_DEPTH {
            return Err(EvalError::TooDeep(e.span));
        }
        let d = depth + 1;
        let ty = scalar_like(&self.m.types, e.ty);
        let int = |v: i128| -> ConstVal { ConstVal::Int(ty.map_or(v, |s| wrap_int(v, s))) };
        match &e.kind {
            ExprKind::IntConst(v) => Ok(ConstVal::Int(*v)),
            ExprKind::FloatConst(f) => Ok(ConstVal::Float(*f)),
            ExprKind::Builtin(crate::ir::BuiltinVar::WarpSize, None) => Ok(ConstVal::Int(32)),
            ExprKind::Local(id) => self
                .f
                .const_values
                .get(id)
                .copied()
                .ok_or(EvalError::NotConstant(e.span)),
            ExprKind::Global(g) => {
                let gl = self.m.global(*g).ok_or(EvalError::NotConstant(e.span))?;
                if !gl.is_const {
                    return Err(EvalError::NotConstant(e.span));
                }
                match &gl.init {
                    Some(crate::ir::ConstInit::Int(v)) => Ok(ConstVal::Int(*v)),
                    Some(crate::ir::ConstInit::Float(f)) => Ok(ConstVal::Float(*f)),
                    _ => Err(EvalError::NotConstant(e.span)),
                }
            }
            ExprKind::Convert(kind, inner) => {
                let v = self.eval_depth(inner, d)?;
                match kind {
                    ConvertKind::LValueToRValue
                    | ConvertKind::IntegralCast
                    | ConvertKind::EnumCast
                    | ConvertKind::BoolConv
                    | ConvertKind::IntToFloat
                    | ConvertKind::FloatToInt
                    | ConvertKind::FloatingCast => Ok(self.convert_const(v, e.ty)),
                    _ => Err(EvalError::NotConstant(e.span)),
                }
            }
            ExprKind::Unary(op, inner) => {
                let v = self.eval_depth(inner, d)?;
                Ok(match (op, v) {
                    (UnaryOp::Neg, ConstVal::Int(i)) => int(i.wrapping_neg()),
                    (UnaryOp::Neg, ConstVal::Float(f)) => ConstVal::Float(-f),
                    (UnaryOp::BitNot, ConstVal::Int(i)) => int(!i),
                    (UnaryOp::LogNot, ConstVal::Int(i)) => ConstVal::Int(i128::from(i == 0)),
                    (UnaryOp::LogNot, ConstVal::Float(f)) => ConstVal::Int(i128::from(f == 0.0)),
                    _ => return Err(EvalError::NotConstant(e.span)),
                })
            }
            ExprKind::Logical { is_and, lhs, rhs } => {
                let l = truthy(self.eval_depth(lhs, d)?);
                if *is_and && !l {
                    return Ok(ConstVal::Int(0));
                }
                if !*is_and && l {
                    return Ok(ConstVal::Int(1));
                }
                Ok(ConstVal::Int(i128::from(truthy(self.eval_depth(rhs, d)?))))
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let l = self.eval_depth(lhs, d)?;
                let r = self.eval_depth(rhs, d)?;
                let operand_ty = scalar_like(&self.m.types, lhs.ty);
                match (l, r) {
                    (ConstVal::Int(a), ConstVal::Int(b)) => {
                        let unsigned = operand_ty.is_some_and(|s| !s.is_signed());
                        let cmp = |c: bool| Ok(ConstVal::Int(i128::from(c)));
                        let (ua, ub) = (a as u128, b as u128);
                        match op {
                            BinaryOp::Add => Ok(int(a.wrapping_add(b))),
                            BinaryOp::Sub => Ok(int(a.wrapping_sub(b))),
                            BinaryOp::Mul => Ok(int(a.wrapping_mul(b))),
                            BinaryOp::Div | BinaryOp::Rem => {
                                if b == 0 {
                                    return Err(EvalError::DivByZero(e.span));
                                }
                                let v = if *op == BinaryOp::Div {
                                    a.wrapping_div(b)
                                } else {
                                    a.wrapping_rem(b)
                                };
                                Ok(int(v))
                            }
                            BinaryOp::Shl | BinaryOp::Shr => {
                                let width = operand_ty.map_or(64, |s| s.size() as i128 * 8);
                                if b < 0 || b >= width {
                                    return Err(EvalError::BadShift(e.span));
                                }
                                let v = if *op == BinaryOp::Shl {
                                    a.wrapping_shl(b as u32)
                                } else {
                                    a >> b
                                };
                                Ok(int(v))
                            }
                            BinaryOp::BitAnd => Ok(int(a & b)),
                            BinaryOp::BitOr => Ok(int(a | b)),
                            BinaryOp::BitXor => Ok(int(a ^ b)),
                            BinaryOp::Eq => cmp(a == b),
                            BinaryOp::Ne => cmp(a != b),
                            BinaryOp::Lt => cmp(if unsigned { ua < ub } else { a < b }),
                            BinaryOp::Le => cmp(if unsigned { ua <= ub } else { a <= b }),
                            BinaryOp::Gt => cmp(if unsigned { ua > ub } else { a > b }),
                            BinaryOp::Ge => cmp(if unsigned { ua >= ub } else { a >= b }),
                        }
                    }
                    (ConstVal::Float(a), ConstVal::Float(b)) => {
                        let single = operand_ty == Some(Scalar::Float);
                        let round = |v: f64| if single { f64::from(v as f32) } else { v };
                        let cmp = |c: bool| Ok(ConstVal::Int(i128::from(c)));
                        match op {
                            BinaryOp::Add => Ok(ConstVal::Float(round(a + b))),
                            BinaryOp::Sub => Ok(ConstVal::Float(round(a - b))),
                            BinaryOp::Mul => Ok(ConstVal::Float(round(a * b))),
                            BinaryOp::Div => Ok(ConstVal::Float(round(a / b))),
                            BinaryOp::Eq => cmp(a == b),
                            BinaryOp::Ne => cmp(a != b),
                            BinaryOp::Lt => cmp(a < b),
                            BinaryOp::Le => cmp(a <= b),
                            BinaryOp::Gt => cmp(a > b),
                            BinaryOp::Ge => cmp(a >= b),
                            _ => Err(EvalError::NotConstant(e.span)),
                        }
                    }
                    _ => Err(EvalError::NotConstant(e.span)),
                }
            }
            ExprKind::Conditional(c, a, b) => {
                if truthy(self.eval_depth(c, d)?) {
                    self.eval_depth(a, d)
                } else {
                    self.eval_depth(b, d)
                }
            }
            ExprKind::Comma(_, b) => self.eval_depth(b, d),
            _ => Err(EvalError::NotConstant(e.span)),
        }
    }

    /// Converts a constant to the scalar type `to`.
    pub fn convert_const(&self, v: ConstVal, to: TypeId) -> ConstVal {
        let Some(s) = scalar_like(&self.m.types, to) else {
            return v;
        };
        match (v, s.is_floating()) {
            (ConstVal::Int(i), false) => ConstVal::Int(wrap_int(i, s)),
            (ConstVal::Int(i), true) => {
                let f = i as f64;
                ConstVal::Float(if s == Scalar::Float {
                    f64::from(f as f32)
                } else {
                    f
                })
            }
            (ConstVal::Float(f), false) => {
                if s == Scalar::Bool {
                    ConstVal::Int(i128::from(f != 0.0))
                } else {
                    ConstVal::Int(wrap_int(f.trunc() as i128, s))
                }
            }
            (ConstVal::Float(f), true) => ConstVal::Float(if s == Scalar::Float {
                f64::from(f as f32)
            } else {
                f
            }),
        }
    }
}

fn truthy(v: ConstVal) -> bool {
    match v {
        ConstVal::Int(i) => i != 0,
        ConstVal::Float(f) => f != 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_follows_the_type() {
        assert_eq!(wrap_int(256, Scalar::UChar), 0);
        assert_eq!(wrap_int(255, Scalar::Char), -1);
        assert_eq!(wrap_int(-1, Scalar::UInt), 4294967295);
        assert_eq!(wrap_int(2147483648, Scalar::Int), -2147483648);
        assert_eq!(wrap_int(5, Scalar::Bool), 1);
    }
}
