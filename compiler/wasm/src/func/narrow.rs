//! 32-bit address arithmetic: which 64-bit values only ever matter through their low 32
//! bits, so that the emitter computes them as `i32`.
//!
//! Pointers and `i64` offsets are 64-bit in the SIMT IR, but a WebAssembly address is the low
//! 32 bits of a pointer (docs/wasm-abi.md: the upper bits are ignored). The low 32 bits of
//! `add`, `sub`, `mul`, `and`, `or`, `xor`, `ptradd` and of a `shl` by a constant below 32
//! depend only on the low 32 bits of their operands, and `sext` / `zext` from 32 bits or
//! fewer, constants, static addresses, pointer casts and `i64` loads (read as their low word)
//! give their low 32 bits directly. A value defined by one of these is *narrow* when every
//! use only needs its low 32 bits: an address (of a load, store or atomic), a `trunc` to 32
//! bits or fewer, or an operand of a narrow value. The set is the greatest fixed point: start
//! from every candidate, drop those with another use until nothing changes.
//!
//! Cranelift then sees `i32` arithmetic feeding the address (one `uextend` folded into the
//! addressing mode) instead of a sign extension, 64-bit multiplies and adds, and a wrap.

use super::{repr_of, Repr};
use cwcc_simt::ir::*;
use std::collections::{HashMap, HashSet};

/// The narrow values of `func` (see the module doc). `excluded` are values the emitter
/// handles itself (addresses of register locals).
pub(crate) fn narrow_values(
    module: &Module,
    func: &Function,
    excluded: &HashSet<Value>,
) -> HashSet<Value> {
    let mut defs: HashMap<Value, &Inst> = HashMap::new();
    func.body.for_each_inst(&mut |result, inst| {
        if let Some(r) = result {
            defs.insert(r, inst);
        }
    });
    let is_i64 = |v: Value| {
        func.value_type(v)
            .and_then(|ty| repr_of(module, ty))
            .is_some_and(|r| r == Repr::I64)
    };
    let small_int = |v: Value| {
        func.value_type(v)
            .and_then(|ty| repr_of(module, ty))
            .is_some_and(|r| matches!(r, Repr::I32(_)))
    };
    let mut narrow: HashSet<Value> = defs
        .iter()
        .filter(|(v, inst)| {
            is_i64(**v) && !excluded.contains(v) && candidate(inst, &defs, &small_int, &is_i64)
        })
        .map(|(v, _)| *v)
        .collect();
    loop {
        let mut rejected = Vec::new();
        func.body.for_each_inst(&mut |result, inst| {
            let consumer_narrow = result.is_some_and(|r| narrow.contains(&r));
            for_each_use(inst, |v, low_only| {
                if narrow.contains(&v)
                    && !(low_only || consumer_narrow && operand_of_narrow(inst, v))
                {
                    rejected.push(v);
                }
            });
        });
        // Conditions and returned values need the whole value.
        statement_operands(&func.body, &mut |v| {
            if narrow.contains(&v) {
                rejected.push(v);
            }
        });
        if rejected.is_empty() {
            return narrow;
        }
        for v in rejected {
            narrow.remove(&v);
        }
    }
}

/// Whether an `i64` value defined by `inst` can be computed from low 32 bits alone.
fn candidate(
    inst: &Inst,
    defs: &HashMap<Value, &Inst>,
    small_int: &impl Fn(Value) -> bool,
    is_i64: &impl Fn(Value) -> bool,
) -> bool {
    match inst {
        Inst::Const { .. }
        | Inst::GlobalAddr(_)
        | Inst::LocalAddr(_)
        | Inst::SharedBuffer
        | Inst::PtrAdd { .. } => true,
        Inst::Load { volatile, .. } => !volatile,
        Inst::Binary { op, rhs, .. } => match op {
            BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::And
            | BinaryOp::Or
            | BinaryOp::Xor => true,
            BinaryOp::Shl => shift_amount(*rhs, defs).is_some(),
            _ => false,
        },
        Inst::Select { .. } => true,
        Inst::Convert { op, arg } => match op {
            ConvOp::SExt | ConvOp::ZExt => small_int(*arg),
            ConvOp::PtrToInt | ConvOp::IntToPtr | ConvOp::AddrSpaceCast | ConvOp::Bitcast => {
                is_i64(*arg)
            }
            _ => false,
        },
        _ => false,
    }
}

/// The amount of a shift by a constant below 32.
pub(crate) fn shift_amount(rhs: Value, defs: &HashMap<Value, &Inst>) -> Option<i32> {
    match defs.get(&rhs) {
        Some(Inst::Const { bits }) if *bits < 32 => Some(*bits as i32),
        _ => None,
    }
}

/// Whether `v` is an operand of `inst` whose low 32 bits are all a narrow result needs.
fn operand_of_narrow(inst: &Inst, v: Value) -> bool {
    match inst {
        Inst::PtrAdd { .. } => true,
        Inst::Binary { op, lhs, .. } => *op != BinaryOp::Shl || *lhs == v,
        Inst::Select { cond, .. } => *cond != v,
        Inst::Convert { .. } => true,
        _ => false,
    }
}

/// Calls `f(operand, low_only)` for each operand of `inst`, `low_only` when that use needs
/// only the low 32 bits whatever the instruction's result is.
fn for_each_use(inst: &Inst, mut f: impl FnMut(Value, bool)) {
    match inst {
        Inst::Load { ptr, .. } => f(*ptr, true),
        Inst::Store { ptr, value, .. } => {
            f(*ptr, ptr != value);
            f(*value, false);
        }
        Inst::AtomicRmw { ptr, value, .. } => {
            f(*ptr, ptr != value);
            f(*value, false);
        }
        Inst::AtomicCas {
            ptr,
            expected,
            desired,
            ..
        } => {
            f(*ptr, ptr != expected && ptr != desired);
            f(*expected, false);
            f(*desired, false);
        }
        Inst::Convert {
            op: ConvOp::Trunc,
            arg,
        } => f(*arg, true),
        other => other.for_each_operand(|v| f(v, false)),
    }
}

/// Calls `f` on the operands of statements that are not instructions.
fn statement_operands(region: &Region, f: &mut impl FnMut(Value)) {
    for stmt in &region.stmts {
        match &stmt.kind {
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                f(*cond);
                statement_operands(then_region, f);
                statement_operands(else_region, f);
            }
            StmtKind::Loop { body, continuing } => {
                statement_operands(body, f);
                statement_operands(continuing, f);
            }
            StmtKind::Return(Some(v)) => f(*v),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn narrow_of(text: &str) -> Vec<u32> {
        let module = cwcc_simt::parse_module(text).expect("test IR parses");
        let func = &module.functions.items[0];
        let mut out: Vec<u32> = narrow_values(&module, func, &HashSet::new())
            .into_iter()
            .map(|v| v.0)
            .collect();
        out.sort();
        out
    }

    #[test]
    fn address_arithmetic_is_narrow_and_full_uses_are_not() {
        let found = narrow_of(
            "module phase perblock
fn fn0 \"k\"(%v0: ptr<global>, %v1: i32, %v2: i64) {
  %v3: i64 = sext %v1
  %v4: i64 = const 2
  %v5: i64 = shl %v3, %v4
  %v6: ptr<global> = ptradd %v0, %v5
  %v7: f32 = load %v6 align 4
  %v8: i64 = add %v2, %v3
  %v9: i1 = cmp.slt %v8, %v2
  %v10: i64 = const 40
  %v11: i64 = shl %v3, %v10
  %v12: ptr<global> = ptradd %v0, %v11
  store %v12, %v7 align 4
  %v13: i64 = mul %v3, %v4
  %v14: i32 = trunc %v13
  %v15: ptr<global> = ptradd %v0, %v4
  store %v0, %v15 align 8
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"n\": i32, \"m\": i64) static_shared 0
",
        );
        // %v3 feeds a comparison through %v8: not narrow. A shift by 40 (%v11) has no
        // 32-bit form, but the address %v12 computed from it is narrow. %v4 is a shift
        // amount and an operand of %v15, whose whole value is stored.
        assert_eq!(found, [5, 6, 12, 13]);
    }
}
