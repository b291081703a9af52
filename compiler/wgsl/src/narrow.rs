//! Which `i64` values need only their low 32 bits: those are computed as a plain `u32`
//! instead of the emulated `vec2<u32>`.
//!
//! Pointers in this backend are `u32` byte offsets, so a `ptradd` uses only the low word of
//! its `i64` offset; CUDA's `a[i]` becomes `ptradd a, (sext i) * 4`, and without this
//! analysis every such address is computed with 64-bit helpers. A value is *low-only* when
//! every use of it needs only its low 32 bits:
//! - the offset of a `ptradd`, an `inttoptr`, a `trunc` to 32 bits or fewer;
//! - an operand of `add`, `sub`, `mul`, `and`, `or`, `xor`, `shl` (both operands: the low
//!   word of `x << n` depends on the low word of `x` and on `n mod 64`), `neg`, `not`,
//!   the two values of a `select`, or an `i64`-to-`i64` conversion, *whose result is itself
//!   low-only* (the low 32 bits of these results depend only on the low 32 bits of their
//!   operands: arithmetic modulo 2^32).
//!
//! Every other use (comparisons, division, right shifts, stores, atomics, calls, returns)
//! needs the whole value. The analysis starts from "every `i64` result is low-only" and
//! removes values with a use that needs more until nothing changes, so it finds the largest
//! consistent set. Function parameters are never low-only (they arrive whole).
//!
//! A low-only value is exact: its `u32` equals the low word of the `i64` it stands for.

use cwcc_simt::ir::{
    BinaryOp, ConvOp, Function, Handle as _, Inst, IntWidth, Module, StmtKind, Type, UnaryOp, Value,
};

/// How one use of an `i64` value needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// Only the low 32 bits.
    Low,
    /// The low 32 bits if this result is low-only, else all 64.
    LowIf(Value),
    /// All 64 bits.
    Full,
}

/// For every value of `f` (indexed by its number), whether it is an `i64` whose uses need only its low 32 bits.
pub fn low_only_values(m: &Module, f: &Function) -> Vec<bool> {
    let is_i64 = |v: Value| {
        matches!(
            f.value_type(v).and_then(|t| m.type_of(t)),
            Some(Type::Int(IntWidth::W64))
        )
    };
    let n = f.value_types.len();
    let mut low = vec![false; n];
    let mut uses: Vec<(Value, Need)> = Vec::new();
    f.body.walk(&mut |stmt| match &stmt.kind {
        StmtKind::Inst { result, inst } => {
            if let Some(r) = result {
                if is_i64(*r) {
                    if let Some(x) = low.get_mut(r.index()) {
                        *x = true;
                    }
                }
            }
            inst.for_each_operand(|v| {
                if is_i64(v) {
                    uses.push((v, need_of(inst, *result, v, m, f)));
                }
            });
        }
        StmtKind::If { cond, .. } => uses.push((*cond, Need::Full)),
        StmtKind::Return(Some(v)) => uses.push((*v, Need::Full)),
        _ => {}
    });
    for p in &f.params {
        if let Some(x) = low.get_mut(p.index()) {
            *x = false;
        }
    }
    loop {
        let mut changed = false;
        for (v, need) in &uses {
            let needs_full = match need {
                Need::Low => false,
                Need::LowIf(r) => !low.get(r.index()).copied().unwrap_or(false),
                Need::Full => true,
            };
            if needs_full {
                if let Some(x) = low.get_mut(v.index()) {
                    changed |= *x;
                    *x = false;
                }
            }
        }
        if !changed {
            return low;
        }
    }
}

/// How `inst` (defining `result`) needs its `i64` operand `v`.
fn need_of(inst: &Inst, result: Option<Value>, v: Value, m: &Module, f: &Function) -> Need {
    let low_if = || match result {
        Some(r) => Need::LowIf(r),
        None => Need::Full,
    };
    match inst {
        Inst::PtrAdd { offset, ptr } if *offset == v && *ptr != v => Need::Low,
        Inst::Binary {
            op:
                BinaryOp::Add
                | BinaryOp::Sub
                | BinaryOp::Mul
                | BinaryOp::And
                | BinaryOp::Or
                | BinaryOp::Xor
                | BinaryOp::Shl,
            ..
        } => low_if(),
        Inst::Unary {
            op: UnaryOp::Neg | UnaryOp::Not,
            ..
        } => low_if(),
        Inst::Select { cond, .. } if *cond != v => low_if(),
        Inst::Convert { op, .. } => {
            let to = result
                .and_then(|r| f.value_type(r))
                .and_then(|t| m.type_of(t));
            match (op, to) {
                (ConvOp::IntToPtr, _) => Need::Low,
                (ConvOp::Trunc, Some(Type::Int(w))) if *w != IntWidth::W64 => Need::Low,
                (ConvOp::Trunc, Some(Type::Bool)) => Need::Low,
                (
                    ConvOp::Trunc | ConvOp::ZExt | ConvOp::SExt | ConvOp::Bitcast,
                    Some(Type::Int(IntWidth::W64)),
                ) => low_if(),
                _ => Need::Full,
            }
        }
        _ => Need::Full,
    }
}

#[cfg(test)]
mod tests {
    use super::low_only_values;

    /// The low-only values of the first function of `text`, as their numbers.
    fn check(text: &str) -> Vec<u32> {
        let module = cwcc_simt::parse_module(text).unwrap();
        let f = &module.functions.items[0];
        low_only_values(&module, f)
            .iter()
            .enumerate()
            .filter(|(_, &low)| low)
            .map(|(i, _)| i as u32)
            .collect()
    }

    #[test]
    fn an_index_scaled_into_a_pointer_offset_is_low_only() {
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i64 = sext %v1
  %v3: i64 = const 4
  %v4: i64 = mul %v2, %v3
  %v5: ptr<global> = ptradd %v0, %v4
  store %v5, %v1 align 4
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        assert_eq!(check(text), vec![2, 3, 4]);
    }

    #[test]
    fn a_compared_or_stored_value_and_its_inputs_stay_whole() {
        // %v4 is compared: it and what it is computed from need all 64 bits; %v6 feeds only
        // the pointer, but %v2 also feeds %v4.
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v9: i64) {
  %v1: i32 = thread_id.x
  %v2: i64 = sext %v1
  %v3: i64 = const 4
  %v4: i64 = mul %v2, %v3
  %v5: i1 = cmp.slt %v4, %v9
  %v6: i64 = shl %v2, %v3
  %v7: ptr<global> = ptradd %v0, %v6
  store %v7, %v1 align 4
  %v8: i64 = udiv %v9, %v3
  store %v0, %v8 align 8
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>, \"n\": i64) static_shared 0
";
        assert_eq!(check(text), vec![6]);
    }

    #[test]
    fn truncation_and_chains_of_low_only_results() {
        // (a + b) truncated to i32: both the sum and its operands are low-only; the
        // parameter %v1 arrives whole.
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: i64) {
  %v2: i32 = thread_id.x
  %v3: i64 = zext %v2
  %v4: i64 = add %v3, %v1
  %v5: i64 = neg %v4
  %v6: i32 = trunc %v5
  store %v0, %v6 align 4
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>, \"n\": i64) static_shared 0
";
        assert_eq!(check(text), vec![3, 4, 5]);
    }
}
