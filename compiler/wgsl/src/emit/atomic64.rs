//! Emission of 64-bit integer atomics (`atomicAdd` ... `atomicCAS` on `long long` and
//! `unsigned long long`), in this order of preference:
//!
//! 1. Native 64-bit atomics on the heap's 64-bit views (`heap_u64` / `heap_i64`, see
//!    [`crate::prelude::HEAP_ATOMIC64`]) where [`WgslOptions::atomics64`] allows the operation:
//!    min / max whose old value is unused need [`Atomics64::MinMax`], everything else
//!    [`Atomics64::AllOps`]. What is emitted is recorded in [`WgslKernel::atomics64`].
//! 2. `atomicAdd` / `atomicSub` whose old value is unused, as two 32-bit atomics (low word,
//!    then its carry into the high word): the memory ends right.
//! 3. Otherwise a clear error that names the device feature that would make it compile.
//!
//! Native 64-bit atomics work on global memory only: the shared array is one
//! `array<atomic<u32>>`, and WGSL cannot view workgroup memory as another type.
//!
//! [`WgslOptions::atomics64`]: crate::WgslOptions::atomics64
//! [`WgslKernel::atomics64`]: crate::WgslKernel::atomics64

use super::{mem_of, value_used, walk, Emitter, Kind, Mem, Prov, Res};
use crate::Atomics64;
use cwcc_simt::ir::{AtomicOp, Function, Inst, IntWidth, Module, StmtKind, Type, Value};
use naga::Block;

/// The CUDA function an atomic operation comes from.
pub(super) fn cuda_atomic_name(op: AtomicOp) -> &'static str {
    match op {
        AtomicOp::Add => "atomicAdd",
        AtomicOp::Sub => "atomicSub",
        AtomicOp::Exch => "atomicExch",
        AtomicOp::UMin | AtomicOp::SMin => "atomicMin",
        AtomicOp::UMax | AtomicOp::SMax => "atomicMax",
        AtomicOp::And => "atomicAnd",
        AtomicOp::Or => "atomicOr",
        AtomicOp::Xor => "atomicXor",
        AtomicOp::Inc => "atomicInc",
        AtomicOp::Dec => "atomicDec",
    }
}

/// How one 64-bit atomic is compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// A native atomic, which needs this level.
    Native(Atomics64),
    /// Two 32-bit atomics (add / sub whose old value is unused).
    Emulated,
    /// Not compiled: an error (which the emitter words).
    Refused,
}

/// How the 64-bit atomic `op` (`None`: compare-exchange) on `mem` compiles at `level`;
/// `used`: whether its old value is used. The prelude and the emitter both decide by this.
fn plan(op: Option<AtomicOp>, used: bool, mem: Mem, level: Atomics64) -> Plan {
    let needs = match op {
        Some(AtomicOp::Inc | AtomicOp::Dec) => return Plan::Refused,
        Some(AtomicOp::UMin | AtomicOp::UMax | AtomicOp::SMin | AtomicOp::SMax) if !used => {
            Atomics64::MinMax
        }
        _ => Atomics64::AllOps,
    };
    if mem == Mem::Heap && level >= needs {
        Plan::Native(needs)
    } else if matches!(op, Some(AtomicOp::Add | AtomicOp::Sub)) && !used {
        Plan::Emulated
    } else {
        Plan::Refused
    }
}

/// Which native 64-bit atomics a kernel will have (what its prelude must declare).
pub(super) struct Natives {
    /// At least one native 64-bit atomic.
    pub any: bool,
    /// At least one native 64-bit compare-exchange.
    pub cas: bool,
}

/// The native 64-bit atomics of `f` at `level`, by [`plan`].
pub(super) fn natives(m: &Module, f: &Function, prov: &[Prov], level: Atomics64) -> Natives {
    let mut out = Natives {
        any: false,
        cas: false,
    };
    let is_i64 = |v: Value| {
        matches!(
            f.value_type(v).and_then(|t| m.type_of(t)),
            Some(Type::Int(IntWidth::W64))
        )
    };
    walk(&f.body, &mut |kind| {
        let StmtKind::Inst { result, inst } = kind else {
            return;
        };
        let (op, ptr, value) = match inst {
            Inst::AtomicRmw { op, ptr, value, .. } => (Some(*op), *ptr, *value),
            Inst::AtomicCas { ptr, expected, .. } => (None, *ptr, *expected),
            _ => return,
        };
        let Some(Type::Ptr(space)) = f.value_type(ptr).and_then(|t| m.type_of(t)) else {
            return;
        };
        if !is_i64(value) {
            return;
        }
        let used = result.is_some_and(|r| value_used(&f.body, r));
        if let Plan::Native(_) = plan(op, used, mem_of(*space, prov, ptr), level) {
            out.any = true;
            out.cas |= op.is_none();
        }
    });
    out
}

/// The part of an error message saying what would make a 64-bit atomic compile.
fn device_note(level: Atomics64) -> String {
    format!(
        "it needs native 64-bit atomics: a device with wgpu's {} (Vulkan's VK_KHR_shader_atomic_int64); portable WGSL's atomics are 32-bit",
        level.wgpu_features()
    )
}

impl Emitter<'_> {
    /// Emits the read-modify-write atomic `op` on the 64-bit integer at `ptr`.
    pub(super) fn atomic64(
        &mut self,
        b: &mut Block,
        result: Option<Value>,
        op: AtomicOp,
        ptr: Value,
        value: Value,
    ) -> Res<()> {
        let name = cuda_atomic_name(op);
        let used = result.is_some_and(|r| value_used(&self.f.body, r));
        let mem = self.ptr_mem(ptr)?;
        let old = match plan(Some(op), used, mem, self.atomics64) {
            Plan::Native(needs) => {
                let a = self.val(ptr)?;
                let v = self.val(value)?;
                self.atomics64_used = self.atomics64_used.max(needs);
                if needs == Atomics64::MinMax {
                    let helper = match op {
                        AtomicOp::UMin => "atom64_umin_heap",
                        AtomicOp::UMax => "atom64_umax_heap",
                        AtomicOp::SMin => "atom64_smin_heap",
                        _ => "atom64_smax_heap",
                    };
                    self.call_void(b, helper, vec![a, v])?;
                    // The IR may name the (unused) old value; it must still have one.
                    self.constant(b, Kind::I64, 0)?
                } else {
                    let (helper, code) = match op {
                        AtomicOp::Add => ("atom64_heap", 0),
                        AtomicOp::Sub => ("atom64_heap", 1),
                        AtomicOp::Exch => ("atom64_heap", 2),
                        AtomicOp::UMin => ("atom64_heap", 3),
                        AtomicOp::UMax => ("atom64_heap", 4),
                        AtomicOp::And => ("atom64_heap", 5),
                        AtomicOp::Or => ("atom64_heap", 6),
                        AtomicOp::Xor => ("atom64_heap", 7),
                        AtomicOp::SMin => ("atom64_signed_heap", 8),
                        _ => ("atom64_signed_heap", 9),
                    };
                    let code = self.u32c(code);
                    self.call(b, helper, vec![code, a, v])?
                }
            }
            Plan::Emulated => {
                // Low word first, its carry into the high word: the memory ends right; the
                // old value read may mix two updates when others add at the same time, so
                // this is only for an unused result.
                let mem = self.atomic_mem(ptr)?;
                let a = self.val(ptr)?;
                let mut v = self.val(value)?;
                if op == AtomicOp::Sub {
                    v = self.call(b, "i64_neg", vec![v])?;
                }
                self.call(b, &format!("atom64_add_{}", mem.name()), vec![a, v])?
            }
            Plan::Refused => {
                let what = if matches!(op, AtomicOp::Inc | AtomicOp::Dec) {
                    format!("{name} on a 64-bit integer (CUDA's {name} is 32-bit only)")
                } else if mem != Mem::Heap {
                    format!(
                        "{name} on a 64-bit integer in {} (native 64-bit atomics work on global memory only, the shared array is 32-bit words; only atomicAdd / atomicSub whose result is unused are emulated there)",
                        where_name(mem)
                    )
                } else if used && matches!(op, AtomicOp::Add | AtomicOp::Sub) {
                    format!(
                        "using the old value returned by a 64-bit {name}: {} (the emulation with two 32-bit atomics may read a mix of concurrent updates, so only an unused result is emulated)",
                        device_note(Atomics64::AllOps)
                    )
                } else if used {
                    format!(
                        "using the old value returned by a 64-bit {name}: {}",
                        device_note(Atomics64::AllOps)
                    )
                } else {
                    let needs = match op {
                        AtomicOp::UMin | AtomicOp::UMax | AtomicOp::SMin | AtomicOp::SMax => {
                            Atomics64::MinMax
                        }
                        _ => Atomics64::AllOps,
                    };
                    format!(
                        "{name} on a 64-bit integer: {} (a correct emulation with them would need a lock)",
                        device_note(needs)
                    )
                };
                return self.unsupported(what);
            }
        };
        if let Some(r) = result {
            self.set(r, old);
        }
        Ok(())
    }

    /// Emits `atomicCAS` on the 64-bit integer at `ptr`.
    pub(super) fn cas64(
        &mut self,
        b: &mut Block,
        result: Option<Value>,
        ptr: Value,
        expected: Value,
        desired: Value,
    ) -> Res<()> {
        let mem = self.ptr_mem(ptr)?;
        if plan(None, true, mem, self.atomics64) != Plan::Native(Atomics64::AllOps) {
            let what = if mem != Mem::Heap {
                format!(
                    "atomicCAS on a 64-bit integer in {} (native 64-bit atomics work on global memory only)",
                    where_name(mem)
                )
            } else {
                format!(
                    "atomicCAS on a 64-bit integer: {} (a correct emulation with them would need a lock)",
                    device_note(Atomics64::AllOps)
                )
            };
            return self.unsupported(what);
        }
        let a = self.val(ptr)?;
        let e = self.val(expected)?;
        let d = self.val(desired)?;
        let old = self.call(b, "cas64_heap", vec![a, e, d])?;
        self.atomics64_used = Atomics64::AllOps;
        if let Some(r) = result {
            self.set(r, old);
        }
        Ok(())
    }
}

/// Where memory that is not the heap is, in an error message.
fn where_name(mem: Mem) -> &'static str {
    match mem {
        Mem::Heap => "global memory",
        Mem::Shared => "shared memory",
        Mem::Local => "local memory",
        Mem::Param => "parameter memory",
        Mem::Generic => "memory reached through a generic pointer of unknown space",
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, Atomics64, WgslError, WgslKernel, WgslOptions};

    /// `atomicMin` (signed) and `atomicMax` (unsigned) on 64-bit integers, results unused.
    const MIN_MAX: &str = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: i64) {
  %v2: i64 = atomic.smin.device %v0, %v1
  %v3: i64 = const 8
  %v4: ptr<global> = ptradd %v0, %v3
  %v5: i64 = atomic.umax.device %v4, %v1
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"x\": i64) static_shared 0
";

    /// `atomicAdd` whose old value is stored, then an `atomicCAS` whose old value is stored.
    const ADD_CAS: &str = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: i64) {
  %v2: i64 = atomic.add.device %v0, %v1
  %v3: i64 = const 8
  %v4: ptr<global> = ptradd %v0, %v3
  store %v4, %v2 align 8
  %v5: i64 = const 16
  %v6: ptr<global> = ptradd %v0, %v5
  %v7: i64 = atomic.cas.device %v6, %v2, %v1
  store %v4, %v7 align 8
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"x\": i64) static_shared 0
";

    fn compile_at(text: &str, atomics64: Atomics64) -> Result<WgslKernel, WgslError> {
        let module = cwcc_simt::parse_module(text).unwrap();
        let options = WgslOptions {
            atomics64,
            ..WgslOptions::default()
        };
        compile(&module, "k", &options)
    }

    /// Whether the written WGSL parses and validates with the capabilities of `level`.
    fn validates_at(source: &str, level: Atomics64) -> bool {
        let module = naga::front::wgsl::parse_str(source)
            .unwrap_or_else(|e| panic!("{}", e.emit_to_string(source)));
        naga::valid::Validator::new(naga::valid::ValidationFlags::all(), level.capabilities())
            .validate(&module)
            .is_ok()
    }

    #[test]
    fn min_max_with_unused_results_need_only_the_min_max_level() {
        let k = compile_at(MIN_MAX, Atomics64::MinMax).unwrap();
        assert_eq!(k.atomics64, Atomics64::MinMax);
        assert!(k.source.contains("array<atomic<i64>>"), "{}", k.source);
        assert!(k.source.contains("array<atomic<u64>>"), "{}", k.source);
        assert!(k.source.contains("@binding(2)") && k.source.contains("@binding(3)"));
        // The written text keeps the result-free atomics that the capability allows.
        assert!(validates_at(&k.source, Atomics64::MinMax), "{}", k.source);
        assert!(!validates_at(&k.source, Atomics64::None));
        // A device with every op gets the same kernel, needing no more than min-max.
        let all = compile_at(MIN_MAX, Atomics64::AllOps).unwrap();
        assert_eq!(all.atomics64, Atomics64::MinMax);
    }

    #[test]
    fn without_native_atomics_min_max_is_an_error_naming_the_feature() {
        let err = compile_at(MIN_MAX, Atomics64::None).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, WgslError::Unsupported { .. }), "{text}");
        assert!(
            text.contains("atomicMin on a 64-bit integer")
                && text.contains("SHADER_INT64_ATOMIC_MIN_MAX")
                && text.contains("VK_KHR_shader_atomic_int64"),
            "{text}"
        );
    }

    #[test]
    fn used_results_and_cas_need_every_op() {
        for level in [Atomics64::None, Atomics64::MinMax] {
            let text = compile_at(ADD_CAS, level).unwrap_err().to_string();
            assert!(
                text.contains("old value returned by a 64-bit atomicAdd")
                    && text.contains("SHADER_INT64_ATOMIC_ALL_OPS"),
                "{text}"
            );
        }
        let cas_only = ADD_CAS.replace(
            "%v2: i64 = atomic.add.device %v0, %v1",
            "%v2: i64 = const 3",
        );
        let text = compile_at(&cas_only, Atomics64::MinMax)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("atomicCAS on a 64-bit integer")
                && text.contains("SHADER_INT64_ATOMIC_ALL_OPS"),
            "{text}"
        );
        let k = compile_at(ADD_CAS, Atomics64::AllOps).unwrap();
        assert_eq!(k.atomics64, Atomics64::AllOps);
        assert!(k.source.contains("atomicCompareExchangeWeak((&heap_u64_["));
        assert!(validates_at(&k.source, Atomics64::AllOps), "{}", k.source);
        assert!(!validates_at(&k.source, Atomics64::MinMax));
        // No signed op: the i64 view is not declared.
        assert!(!k.source.contains("atomic<i64>"), "{}", k.source);
    }

    #[test]
    fn used_min_max_results_need_every_op() {
        let used = MIN_MAX.replace("  return", "  store %v0, %v2 align 8\n  return");
        let text = compile_at(&used, Atomics64::MinMax)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("old value returned by a 64-bit atomicMin")
                && text.contains("SHADER_INT64_ATOMIC_ALL_OPS"),
            "{text}"
        );
        let k = compile_at(&used, Atomics64::AllOps).unwrap();
        assert_eq!(k.atomics64, Atomics64::AllOps);
        assert!(validates_at(&k.source, Atomics64::AllOps), "{}", k.source);
    }

    #[test]
    fn unused_add_is_emulated_without_native_atomics_and_native_with_them() {
        let add = MIN_MAX
            .replace("atomic.smin", "atomic.add")
            .replace("atomic.umax", "atomic.sub");
        let k = compile_at(&add, Atomics64::None).unwrap();
        assert_eq!(k.atomics64, Atomics64::None);
        assert!(!k.source.contains("u64"), "{}", k.source);
        assert!(validates_at(&k.source, Atomics64::None));
        // Min-max alone does not allow a native add: still the emulation.
        let k = compile_at(&add, Atomics64::MinMax).unwrap();
        assert_eq!(k.atomics64, Atomics64::None);
        let k = compile_at(&add, Atomics64::AllOps).unwrap();
        assert_eq!(k.atomics64, Atomics64::AllOps);
        assert!(k.source.contains("atomicAdd((&heap_u64_["), "{}", k.source);
        assert!(k.source.contains("atomicSub((&heap_u64_["), "{}", k.source);
    }

    #[test]
    fn shared_memory_64_bit_min_stays_a_clear_error() {
        let text = "module phase simt
global @g0 \"s\": [4 x i64] shared align 8
fn fn0 \"k\"(%v0: ptr<global>, %v1: i64) {
  %v2: ptr<shared> = global_addr @g0
  %v3: i64 = atomic.umin.device %v2, %v1
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"x\": i64) static_shared 32
";
        let err = compile_at(text, Atomics64::AllOps).unwrap_err().to_string();
        assert!(
            err.contains("atomicMin on a 64-bit integer in shared memory")
                && err.contains("global memory only"),
            "{err}"
        );
        // An unused add there is still emulated, and the module needs no 64-bit capability.
        let add = text.replace("atomic.umin", "atomic.add");
        let k = compile_at(&add, Atomics64::AllOps).unwrap();
        assert_eq!(k.atomics64, Atomics64::None);
        assert!(validates_at(&k.source, Atomics64::None), "{}", k.source);
    }
}
