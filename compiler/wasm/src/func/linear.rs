//! Address reassociation: a 32-bit address as a sum of scaled terms plus a constant.
//!
//! A memory address in scalar WebAssembly code is the low 32 bits of a pointer (see
//! [`narrow`](super::narrow)). Modulo 2^32, `add`, `sub`, multiplication and left shift by a
//! constant, `ptradd`, `sext` / `zext` of an `i32` and pointer casts are all linear, so an
//! address such as `in + sext(y * w + x - 1) * 4` is `in + 4·i − 4` for the value
//! `i = y * w + x`, and `in + sext(i - w) * 4` is `in + 4·i − 4·w`. Emitting every address
//! of a function as its terms in one order (the order in which the function's addresses first
//! mention them), with the constant last, makes the neighbouring addresses of a stencil share
//! their common prefix `in + 4·i` (Cranelift's value numbering merges the identical
//! instructions, and hoists the loop-invariant `4·w` out of the thread loop), and a positive
//! constant becomes the memory instruction's offset instead of an addition.
//!
//! The walk stops at anything else (loads, parameters, other operations, integers narrower
//! than 32 bits): those values are the *atoms* of the sum.

use super::{repr_of, Repr};
use cwcc_simt::ir::*;
use std::collections::HashMap;

/// At most this many atoms in one address; larger sums are emitted as written.
const MAX_TERMS: usize = 8;
/// At most this deep a walk through the definitions.
const MAX_DEPTH: u32 = 16;

/// An address as `Σ coefficient · atom + constant`, modulo 2^32.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Linear {
    /// Atoms with their non-zero coefficients, in the order the walk met them; each atom
    /// appears once.
    pub terms: Vec<(Value, u32)>,
    /// The constant part.
    pub constant: u32,
}

/// The definitions of a function's values, for [`decompose`].
pub(crate) fn definitions(func: &Function) -> HashMap<Value, &Inst> {
    let mut defs = HashMap::new();
    func.body.for_each_inst(&mut |result, inst| {
        if let Some(r) = result {
            defs.insert(r, inst);
        }
    });
    defs
}

/// The linear form of `v` modulo 2^32, or `None` when it has more than [`MAX_TERMS`] atoms.
pub(crate) fn decompose(
    module: &Module,
    func: &Function,
    defs: &HashMap<Value, &Inst>,
    v: Value,
) -> Option<Linear> {
    let mut form = Linear {
        terms: Vec::new(),
        constant: 0,
    };
    let walker = Walker { module, func, defs };
    walker.walk(v, 1, 0, &mut form);
    form.terms.retain(|&(_, c)| c != 0);
    (form.terms.len() <= MAX_TERMS).then_some(form)
}

struct Walker<'a> {
    module: &'a Module,
    func: &'a Function,
    defs: &'a HashMap<Value, &'a Inst>,
}

impl Walker<'_> {
    fn repr(&self, v: Value) -> Option<Repr> {
        self.func
            .value_type(v)
            .and_then(|ty| repr_of(self.module, ty))
    }

    /// Whether `v` is a value whose arithmetic wraps modulo 2^32 or 2^64 (so its low 32
    /// bits follow from its operands' low 32 bits).
    fn wide(&self, v: Value) -> bool {
        matches!(self.repr(v), Some(Repr::I64 | Repr::I32(32)))
    }

    fn constant(&self, v: Value) -> Option<u32> {
        match self.defs.get(&v) {
            Some(Inst::Const { bits }) if self.wide(v) => Some(*bits as u32),
            _ => None,
        }
    }

    fn atom(&self, v: Value, coeff: u32, form: &mut Linear) {
        match form.terms.iter_mut().find(|(a, _)| *a == v) {
            Some((_, c)) => *c = c.wrapping_add(coeff),
            None => form.terms.push((v, coeff)),
        }
    }

    fn walk(&self, v: Value, coeff: u32, depth: u32, form: &mut Linear) {
        if depth > MAX_DEPTH || form.terms.len() > MAX_TERMS || !self.wide(v) {
            return self.atom(v, coeff, form);
        }
        let depth = depth + 1;
        match self.defs.get(&v) {
            Some(Inst::Const { bits }) => {
                form.constant = form.constant.wrapping_add(coeff.wrapping_mul(*bits as u32));
            }
            Some(Inst::PtrAdd { ptr, offset }) => {
                self.walk(*ptr, coeff, depth, form);
                self.walk(*offset, coeff, depth, form);
            }
            Some(Inst::Binary { op, lhs, rhs }) if self.wide(*lhs) && self.wide(*rhs) => match op {
                BinaryOp::Add => {
                    self.walk(*lhs, coeff, depth, form);
                    self.walk(*rhs, coeff, depth, form);
                }
                BinaryOp::Sub => {
                    self.walk(*lhs, coeff, depth, form);
                    self.walk(*rhs, coeff.wrapping_neg(), depth, form);
                }
                BinaryOp::Mul => match (self.constant(*lhs), self.constant(*rhs)) {
                    (_, Some(c)) => self.walk(*lhs, coeff.wrapping_mul(c), depth, form),
                    (Some(c), None) => self.walk(*rhs, coeff.wrapping_mul(c), depth, form),
                    (None, None) => self.atom(v, coeff, form),
                },
                BinaryOp::Shl => match self.constant(*rhs) {
                    Some(k) if k < 32 => self.walk(*lhs, coeff.wrapping_shl(k), depth, form),
                    _ => self.atom(v, coeff, form),
                },
                _ => self.atom(v, coeff, form),
            },
            Some(Inst::Convert { op, arg }) => match op {
                // The low 32 bits of an extension of an `i32` are the `i32`.
                ConvOp::SExt | ConvOp::ZExt if self.repr(*arg) == Some(Repr::I32(32)) => {
                    self.walk(*arg, coeff, depth, form)
                }
                ConvOp::PtrToInt | ConvOp::IntToPtr | ConvOp::AddrSpaceCast | ConvOp::Bitcast
                    if self.repr(*arg) == Some(Repr::I64) =>
                {
                    self.walk(*arg, coeff, depth, form)
                }
                _ => self.atom(v, coeff, form),
            },
            _ => self.atom(v, coeff, form),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The linear form of each address loaded from or stored to in the first function, as
    /// `(value number, coefficient)` pairs and the constant (as a signed number).
    fn forms(text: &str) -> Vec<(Vec<(u32, i32)>, i32)> {
        let module = cwcc_simt::parse_module(text).expect("test IR parses");
        let func = &module.functions.items[0];
        let defs = definitions(func);
        let mut addresses = Vec::new();
        func.body.for_each_inst(&mut |_, inst| match inst {
            Inst::Load { ptr, .. } | Inst::Store { ptr, .. } => addresses.push(*ptr),
            _ => {}
        });
        addresses
            .into_iter()
            .map(|a| {
                let form = decompose(&module, func, &defs, a).expect("few terms");
                let terms = form.terms.iter().map(|(v, c)| (v.0, *c as i32)).collect();
                (terms, form.constant as i32)
            })
            .collect()
    }

    #[test]
    fn stencil_neighbours_share_their_terms() {
        let found = forms(
            "module phase perblock
fn fn0 \"k\"(%v0: ptr<global>, %v1: i32, %v2: i32) {
  %v3: i32 = const 1
  %v4: i32 = sub %v1, %v3
  %v5: i64 = sext %v4
  %v6: i64 = const 4
  %v7: i64 = mul %v5, %v6
  %v8: ptr<global> = ptradd %v0, %v7
  %v9: f32 = load %v8 align 4
  %v10: i32 = sub %v1, %v2
  %v11: i64 = sext %v10
  %v12: i64 = const 2
  %v13: i64 = shl %v11, %v12
  %v14: ptr<global> = ptradd %v0, %v13
  store %v14, %v9 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"i\": i32, \"w\": i32) static_shared 0
",
        );
        assert_eq!(
            found,
            [
                (vec![(0, 1), (1, 4)], -4),
                (vec![(0, 1), (1, 4), (2, -4)], 0),
            ]
        );
    }

    #[test]
    fn narrow_integers_and_variable_products_are_atoms() {
        let found = forms(
            "module phase perblock
fn fn0 \"k\"(%v0: ptr<global>, %v1: i8, %v2: i32, %v3: i32) {
  %v4: i64 = sext %v1
  %v5: ptr<global> = ptradd %v0, %v4
  %v6: f32 = load %v5 align 4
  %v7: i32 = mul %v2, %v3
  %v8: i32 = add %v7, %v7
  %v9: i64 = zext %v8
  %v10: ptr<global> = ptradd %v0, %v9
  %v11: i64 = const 8
  %v12: ptr<global> = ptradd %v10, %v11
  %v13: i64 = sub %v11, %v11
  %v14: ptr<global> = ptradd %v12, %v13
  store %v14, %v6 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"c\": i8, \"a\": i32, \"b\": i32) static_shared 0
",
        );
        // `sext` of an `i8` is not its operand's low 32 bits; a product of two variables is
        // one atom (counted twice); `8 - 8` cancels.
        assert_eq!(
            found,
            [(vec![(0, 1), (4, 1)], 0), (vec![(0, 1), (7, 2)], 8)]
        );
    }
}
