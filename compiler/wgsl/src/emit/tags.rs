//! Which memory spaces' addresses can do without their tag.
//!
//! A WGSL pointer is a `u32` byte address whose two top bits say its space (heap, shared,
//! local, parameters), so that an access through a generic pointer of unknown provenance
//! can choose its array at run time. Every access to shared or local memory then masks the
//! tag off before it shifts the address into a word index: two more operations per
//! access, which NVIDIA's compiler cannot fold into the access's immediate offset (a tiled
//! matmul's `As[ty][k]` paid about a third of its time for them on an H100).
//!
//! The tag is only needed where such an address can reach a generic access whose space is
//! not known when the WGSL is written. When no address of a space escapes that way, the
//! space's addresses are plain offsets and its accesses skip the mask. An address
//! (a value whose provenance is that space, see `provenance`) escapes when it is used in
//! any way other than
//!
//! - as the address of a load, store or atomic, or the base of a `ptradd`;
//! - as an operand of a `select` or `addrspacecast` whose result has the same provenance;
//! - in a comparison with another address of the same space;
//! - stored into a scalar local variable that only ever holds addresses of that space
//!   (loads from it have that provenance too).
//!
//! Anything else (storing it to memory, converting it to an integer, comparing it with a
//! null pointer or an address of another space, joining it with one) keeps the tag.

use super::{typed_slot_addresses, walk, Mem, PointerFact, Prov};
use cwcc_simt::ir::{ConvOp, Function, Handle, Inst, LocalId, StmtKind, Value};
use std::collections::{HashMap, HashSet};

/// The spaces whose addresses are emitted without their tag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Untagged {
    /// Shared memory (`__shared__` variables and dynamic shared memory).
    pub shared: bool,
    /// Local arrays and variables whose address is taken.
    pub local: bool,
}

/// Which spaces of `f` may drop their tag. `prov` is the provenance of every value and
/// `typed` the locals held as WGSL variables (those whose loads carry a provenance).
pub(super) fn untagged_spaces(f: &Function, prov: &[Prov], typed: &HashSet<LocalId>) -> Untagged {
    let of = |v: &Value| prov.get(v.index()).copied().unwrap_or(Prov::Top);
    // The scalar locals each address value names, and what each of them may hold.
    let slot_of = typed_slot_addresses(f, typed);
    let mut slot_holds: HashMap<LocalId, Prov> = HashMap::new();
    walk(&f.body, &mut |kind| {
        if let StmtKind::Inst {
            inst: Inst::Store { ptr, value, .. },
            ..
        } = kind
        {
            if let Some(l) = slot_of.get(ptr) {
                let held = slot_holds.entry(*l).or_insert(Prov::Bottom);
                *held = held.join(of(value));
            }
        }
    });

    let mut escaped: HashSet<Mem> = HashSet::new();
    let mut escape = |v: &Value| {
        if let Prov::Known(mem) = of(v) {
            escaped.insert(mem);
        }
    };
    walk(&f.body, &mut |kind| {
        let StmtKind::Inst { result, inst } = kind else {
            return;
        };
        let same_as_result = |v: &Value| result.is_some_and(|r| of(&r) == of(v));
        match inst {
            Inst::Load { .. } => {}
            Inst::PtrAdd { offset, .. } => escape(offset),
            Inst::Store { ptr, value, .. } => {
                let kept = slot_of
                    .get(ptr)
                    .and_then(|l| slot_holds.get(l))
                    .is_some_and(|held| *held == of(value));
                if !kept {
                    escape(value);
                }
            }
            Inst::AtomicRmw { value, .. } => escape(value),
            Inst::AtomicCas {
                expected, desired, ..
            } => {
                escape(expected);
                escape(desired);
            }
            Inst::Convert {
                op: ConvOp::AddrSpaceCast,
                arg,
            } if same_as_result(arg) => {}
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                escape(cond);
                for v in [if_true, if_false] {
                    if !same_as_result(v) {
                        escape(v);
                    }
                }
            }
            Inst::Cmp { lhs, rhs, .. } if of(lhs) == of(rhs) => {}
            other => other.for_each_operand(|v| escape(&v)),
        }
    });
    Untagged {
        shared: !escaped.contains(&Mem::Shared),
        local: !escaped.contains(&Mem::Local),
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, WgslOptions};

    fn wgsl(src: &str) -> String {
        let m = cwcc_simt::parse_module(src).unwrap();
        compile(&m, "k", &WgslOptions::default()).unwrap().source
    }

    #[test]
    fn shared_addresses_that_stay_addresses_lose_their_tag() {
        let text = wgsl(SHARED_ONLY);
        assert!(text.contains("shared_mem[("), "{text}");
        assert!(
            !text.contains("shared_mem[((") && !text.contains("1073741824u"),
            "the shared address still has its tag:\n{text}"
        );
    }

    #[test]
    fn a_shared_address_turned_into_an_integer_keeps_its_tag() {
        let text = wgsl(SHARED_TO_INT);
        assert!(
            text.contains("1073741824u"),
            "the escaping shared address lost its tag:\n{text}"
        );
    }

    const SHARED_ONLY: &str = "module phase simt
global @g0 \"s\": [4 x i32] shared align 4
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: ptr<shared> = global_addr @g0
  %v2: i32 = thread_id.x
  %v3: i64 = sext %v2
  %v4: i64 = const 4
  %v5: i64 = mul %v3, %v4
  %v6: ptr<shared> = ptradd %v1, %v5
  store %v6, %v2 align 4
  barrier
  %v7: i32 = load %v6 align 4
  %v8: ptr<global> = ptradd %v0, %v5
  store %v8, %v7 align 4
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 16
";

    const SHARED_TO_INT: &str = "module phase simt
global @g0 \"s\": [4 x i32] shared align 4
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: ptr<shared> = global_addr @g0
  %v2: i64 = ptrtoint %v1
  %v3: ptr<global> = ptradd %v0, %v2
  %v4: i32 = const 1
  store %v3, %v4 align 4
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 16
";
}
