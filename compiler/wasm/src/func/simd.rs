//! SIMD128 thread loops: four CUDA threads per iteration.
//!
//! A *thread loop* made by warp-to-loop (see [`THREAD_INDEX_LOCAL`]) runs distinct CUDA
//! threads whose iterations are independent. When its body qualifies (below), the emitter
//! puts a vector loop in front of the scalar one: each iteration runs four consecutive
//! threads, one per `v128` lane, and stops as soon as fewer than four threads are left; the
//! unchanged scalar loop then finishes them. The vector body is *predicated*:
//!
//! - a value that differs between threads ("varying") lives in one `v128` local (`i32`,
//!   smaller integers zero-extended, `i1` as an all-ones / zero lane mask, `f32`, and `i64`
//!   values whose every use only needs their low 32 bits: addresses) or, for `f64` and full
//!   `i64` values, in four scalar locals; a value that is the same for all threads stays one
//!   scalar local and is splatted where a vector needs it;
//! - `if` on a varying condition runs each branch, when any lane takes it, under a lane mask;
//!   `continue` (a thread leaving its iteration) clears its lanes for the rest of the body;
//! - operations with a SIMD128 form (integer and `f32` arithmetic, comparisons, selects,
//!   address arithmetic) run once for the four lanes; loads and stores of four consecutive
//!   elements with every lane active are one `v128.load` / `v128.store` (checked at run time);
//!   everything else — other loads and stores, atomics, calls, traps, division, `f64` — runs
//!   once per active lane with the scalar code.
//!
//! A body qualifies when it has no nested loop, no `break` or `return` besides the loop's own
//! exit test, no `printf` (its output order must stay the scalar one), and no load or store
//! through a thread-independent address into a frame slot that is not a register (the
//! threads of the scalar loop take turns on such a slot). The `continuing` region may only
//! step `i32` register locals (the thread counters); it runs four times per vector
//! iteration, recording each thread's counters in the lanes.

use super::{mem, visit_insts, Emitter, Repr};
use crate::WasmError;
use cwcc_simt::ir::*;
use std::collections::{HashMap, HashSet};
use wasm_encoder::{BlockType, Instruction as I, ValType};

/// Number of threads per vector iteration.
const LANES: u8 = 4;

/// The `i32x4` constant `(0, 1, 2, 3)`.
const IOTA: i128 = (1 << 32) | (2 << 64) | (3 << 96);

/// How a varying value is held in the vector body.
#[derive(Clone, Copy, Debug)]
pub(super) enum Held {
    /// One `v128` local.
    Vector(u32),
    /// One scalar local per lane.
    Lanes([u32; 4]),
}

/// The vector form of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// `i32x4` lanes holding an integer of `bits` bits zero-extended; `i1` lanes are masks.
    Int(u32),
    /// `f32x4` lanes.
    F32,
    /// `i32x4` lanes holding the low 32 bits of an `i64` (enough for addresses).
    Low64,
    /// Four scalar locals of this representation.
    Lanes(Repr),
}

/// A thread loop that can run four threads at a time.
pub(super) struct Plan<'f> {
    /// `%t`, the thread counter loaded at the top of the body.
    counter: Value,
    /// `%c`, the exit test.
    exit_test: Value,
    /// `%n`, the number of threads.
    count: Value,
    /// The counter's local.
    counter_local: LocalId,
    /// Register locals stored by `continuing` (the thread counters), counter included.
    state: Vec<LocalId>,
    /// The `threadIdx.x` counter when the thread index and thread-id counters are the whole
    /// state (warp-to-loop's contract then says how `continuing` steps them).
    thread_x: Option<LocalId>,
    /// Register locals stored by the body.
    written: Vec<LocalId>,
    varying: HashSet<Value>,
    /// Varying `i64` values that need all 64 bits.
    full64: HashSet<Value>,
    body: &'f [Stmt],
    continuing: &'f Region,
}

/// What both versions of a vector loop's body share.
struct Group {
    /// The local holding the number of threads.
    count: u32,
    /// Per counter: its SIMT local, its vector and its scalar WebAssembly locals.
    counters: Vec<(LocalId, u32, u32)>,
    /// The vector registers of the counters and of the body's register locals.
    promoted: HashMap<LocalId, Held>,
    constants: HashMap<Value, i64>,
}

/// Values known to step by a constant from one lane to the next (`lane k = lane 0 + k * s`,
/// modulo 2^32): then four consecutive elements need no run-time check.
#[derive(Clone)]
struct Strides {
    /// Register locals (the counters, and registers stored with a known stride).
    local: HashMap<LocalId, i64>,
    /// Values.
    value: HashMap<Value, i64>,
    /// Integer constants of the function.
    constants: HashMap<Value, i64>,
}

/// The vector emission state (set while the body of a vector loop is emitted).
pub(super) struct VectorState {
    held: HashMap<Value, Held>,
    promoted: HashMap<LocalId, Held>,
    varying: HashSet<Value>,
    full64: HashSet<Value>,
    /// The lanes executing the current statement; `None`: all four.
    mask: Option<u32>,
    /// The lanes whose thread has not left this iteration (`continue`).
    live: u32,
    /// Lane strides, when the group's counters are known to be consecutive.
    strides: Option<Strides>,
}

/// Whether a region contains a `continue` of the thread loop (no nested loops in a plan).
fn has_continue(region: &Region) -> bool {
    region.stmts.iter().any(|s| match &s.kind {
        StmtKind::Continue => true,
        StmtKind::If {
            then_region,
            else_region,
            ..
        } => has_continue(then_region) || has_continue(else_region),
        _ => false,
    })
}

/// Whether an instruction has an effect beyond its result, or its result differs per call.
fn has_effect(inst: &Inst) -> bool {
    matches!(
        inst,
        Inst::Store { .. }
            | Inst::AtomicRmw { .. }
            | Inst::AtomicCas { .. }
            | Inst::Call { .. }
            | Inst::Trap { .. }
            | Inst::Printf { .. }
            | Inst::Clock
    )
}

impl Emitter<'_, '_> {
    /// Whether `body` / `continuing` form a thread loop whose body can run four threads at a
    /// time, and what the vector emission needs to know.
    pub(super) fn plan_thread_loop<'f>(
        &self,
        body: &'f Region,
        continuing: &'f Region,
    ) -> Option<Plan<'f>> {
        let [s0, s1, s2, rest @ ..] = body.stmts.as_slice() else {
            return None;
        };
        let StmtKind::Inst {
            result: Some(counter),
            inst: Inst::Load { ptr, .. },
        } = &s0.kind
        else {
            return None;
        };
        let counter_local = *self.promoted_addr.get(ptr)?;
        let local = self.func.locals.get(counter_local.index())?;
        if local.name != THREAD_INDEX_LOCAL {
            return None;
        }
        let StmtKind::Inst {
            result: Some(exit_test),
            inst:
                Inst::Cmp {
                    op: CmpOp::SGe,
                    lhs,
                    rhs: count,
                },
        } = &s1.kind
        else {
            return None;
        };
        let StmtKind::If {
            cond,
            then_region,
            else_region,
        } = &s2.kind
        else {
            return None;
        };
        let exit_only =
            matches!(then_region.stmts.as_slice(), [s] if matches!(s.kind, StmtKind::Break));
        if lhs != counter || cond != exit_test || !exit_only || !else_region.stmts.is_empty() {
            return None;
        }
        // Values defined inside the loop; the thread count must come from outside.
        let mut inner = HashSet::new();
        for region in [body, continuing] {
            visit_insts(region, &mut |result, _| {
                if let Some(r) = result {
                    inner.insert(r);
                }
            });
        }
        if inner.contains(count) {
            return None;
        }
        let mut state = Vec::new();
        if !self.counters_only(continuing, &mut state) || !state.contains(&counter_local) {
            return None;
        }
        let mut written = Vec::new();
        if !self.body_qualifies(rest, &mut written) {
            return None;
        }
        if written.iter().any(|l| state.contains(l)) {
            return None;
        }
        // Each thread must store a register before reading it: a register read first carries
        // a value from one thread to the next (`count += pred`), which lanes cannot.
        if !self.stored_before_read(rest, &written, &mut HashSet::new()) {
            return None;
        }
        let rooted = self.frame_rooted_values();
        let mut varying = HashSet::from([*counter, *exit_test]);
        if !self.find_varying(rest, &state, &written, &rooted, &mut varying) {
            return None;
        }
        let full64 = self.full_width_values(body, &varying);
        let name_of = |l: &LocalId| self.func.locals.get(l.index()).map(|v| v.name.as_str());
        let ids_only = state.iter().all(|l| {
            *l == counter_local || name_of(l).is_some_and(|n| THREAD_ID_LOCALS.contains(&n))
        });
        let thread_x = state
            .iter()
            .copied()
            .find(|l| name_of(l) == Some(THREAD_ID_LOCALS[0]))
            .filter(|_| ids_only);
        Some(Plan {
            thread_x,
            counter: *counter,
            exit_test: *exit_test,
            count: *count,
            counter_local,
            state,
            written,
            varying,
            full64,
            body: rest,
            continuing,
        })
    }

    /// Whether `region` only computes and stores `i32` register locals; collects them.
    fn counters_only(&self, region: &Region, state: &mut Vec<LocalId>) -> bool {
        region.stmts.iter().all(|stmt| match &stmt.kind {
            StmtKind::Inst { inst, .. } => match inst {
                Inst::Const { .. }
                | Inst::Binary { .. }
                | Inst::Cmp { .. }
                | Inst::Select { .. }
                | Inst::Unary { .. } => true,
                Inst::Load { ptr, .. } => self.promoted_addr.contains_key(ptr),
                Inst::Store { ptr, .. } => match self.promoted_addr.get(ptr) {
                    Some(local) if self.local_repr(*local) == Some(Repr::I32(32)) => {
                        if !state.contains(local) {
                            state.push(*local);
                        }
                        true
                    }
                    _ => false,
                },
                _ => false,
            },
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => self.counters_only(then_region, state) && self.counters_only(else_region, state),
            _ => false,
        })
    }

    fn local_repr(&self, local: LocalId) -> Option<Repr> {
        let ty = self.func.locals.get(local.index())?.ty;
        super::repr_of(self.cx.module, ty)
    }

    /// Whether the statements have only what the vector body handles; collects the register
    /// locals they store.
    fn body_qualifies(&self, stmts: &[Stmt], written: &mut Vec<LocalId>) -> bool {
        stmts.iter().all(|stmt| match &stmt.kind {
            StmtKind::Inst { inst, .. } => match inst {
                Inst::Printf { .. } => false,
                Inst::Store { ptr, .. } => {
                    if let Some(local) = self.local_of_addr(*ptr) {
                        if !written.contains(&local) {
                            written.push(local);
                        }
                    }
                    true
                }
                _ => true,
            },
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                self.body_qualifies(&then_region.stmts, written)
                    && self.body_qualifies(&else_region.stmts, written)
            }
            StmtKind::Continue => true,
            StmtKind::Loop { .. } | StmtKind::Break | StmtKind::Return(_) => false,
        })
    }

    /// Whether every load of a register in `written` follows a store to it on every path
    /// from the top of the thread's iteration; `stored` holds the registers stored so far.
    fn stored_before_read(
        &self,
        stmts: &[Stmt],
        written: &[LocalId],
        stored: &mut HashSet<LocalId>,
    ) -> bool {
        for stmt in stmts {
            match &stmt.kind {
                StmtKind::Inst {
                    inst: Inst::Load { ptr, .. },
                    ..
                } => {
                    if let Some(local) = self.local_of_addr(*ptr) {
                        if written.contains(&local) && !stored.contains(&local) {
                            return false;
                        }
                    }
                }
                StmtKind::Inst {
                    inst: Inst::Store { ptr, .. },
                    ..
                } => {
                    if let Some(local) = self.local_of_addr(*ptr) {
                        stored.insert(local);
                    }
                }
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    let mut then_stored = stored.clone();
                    let mut else_stored = stored.clone();
                    if !self.stored_before_read(&then_region.stmts, written, &mut then_stored)
                        || !self.stored_before_read(&else_region.stmts, written, &mut else_stored)
                    {
                        return false;
                    }
                    stored.extend(
                        then_stored
                            .intersection(&else_stored)
                            .copied()
                            .collect::<Vec<_>>(),
                    );
                }
                _ => {}
            }
        }
        true
    }

    /// The register local a pointer addresses, if it is a promoted local's `local_addr`.
    fn local_of_addr(&self, ptr: Value) -> Option<LocalId> {
        self.local_addrs
            .get(&ptr)
            .copied()
            .filter(|local| self.promoted.contains_key(local))
    }

    /// Pointers into frame slots that are not registers (`local_addr` of a memory local and
    /// pointer arithmetic on one), over the whole function.
    fn frame_rooted_values(&self) -> HashSet<Value> {
        let mut rooted = HashSet::new();
        visit_insts(&self.func.body, &mut |result, inst| {
            let Some(r) = result else { return };
            let is_rooted = match inst {
                Inst::LocalAddr(local) => !self.promoted.contains_key(local),
                Inst::PtrAdd { ptr, .. } => rooted.contains(ptr),
                Inst::Convert { arg, .. } => rooted.contains(arg),
                _ => false,
            };
            if is_rooted {
                rooted.insert(r);
            }
        });
        rooted
    }

    /// Marks the values that differ between threads; false when a memory access through a
    /// thread-independent frame address rules the loop out.
    fn find_varying(
        &self,
        stmts: &[Stmt],
        state: &[LocalId],
        written: &[LocalId],
        rooted: &HashSet<Value>,
        varying: &mut HashSet<Value>,
    ) -> bool {
        for stmt in stmts {
            match &stmt.kind {
                StmtKind::Inst { result, inst } => {
                    let ptr = match inst {
                        Inst::Load { ptr, .. }
                        | Inst::Store { ptr, .. }
                        | Inst::AtomicRmw { ptr, .. }
                        | Inst::AtomicCas { ptr, .. } => Some(*ptr),
                        _ => None,
                    };
                    let register = ptr.and_then(|p| self.local_of_addr(p));
                    if let Some(p) = ptr {
                        if register.is_none() && !varying.contains(&p) && rooted.contains(&p) {
                            return false;
                        }
                    }
                    let Some(r) = result else { continue };
                    let is_varying = match inst {
                        Inst::Load { ptr, .. } => match register {
                            Some(local) => state.contains(&local) || written.contains(&local),
                            None => varying.contains(ptr),
                        },
                        Inst::AtomicRmw { .. }
                        | Inst::AtomicCas { .. }
                        | Inst::Call { .. }
                        | Inst::Clock => true,
                        other => {
                            let mut any = false;
                            other.for_each_operand(|v| any |= varying.contains(&v));
                            any
                        }
                    };
                    if is_varying {
                        varying.insert(*r);
                    }
                }
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    for region in [then_region, else_region] {
                        if !self.find_varying(&region.stmts, state, written, rooted, varying) {
                            return false;
                        }
                    }
                }
                _ => {}
            }
        }
        true
    }

    /// The varying `i64` values some use of which needs more than their low 32 bits.
    fn full_width_values(&self, body: &Region, varying: &HashSet<Value>) -> HashSet<Value> {
        let mut full = HashSet::new();
        // (result, operand): the operand needs all bits if the result does.
        let mut edges: Vec<(Value, Value)> = Vec::new();
        body.for_each_inst(&mut |result, inst| {
            let mut operands = Vec::new();
            inst.for_each_operand(|v| operands.push(v));
            for v in operands {
                if !varying.contains(&v) || self.repr(v).ok() != Some(Repr::I64) {
                    continue;
                }
                let result_repr = result.and_then(|r| self.repr(r).ok());
                let low_use = match inst {
                    Inst::Load { ptr, .. } => v == *ptr,
                    Inst::Store { ptr, value, .. } => v == *ptr && v != *value,
                    Inst::AtomicRmw { ptr, value, .. } => v == *ptr && v != *value,
                    Inst::AtomicCas {
                        ptr,
                        expected,
                        desired,
                        ..
                    } => v == *ptr && v != *expected && v != *desired,
                    Inst::Convert {
                        op: ConvOp::Trunc, ..
                    } => matches!(result_repr, Some(Repr::I32(_))),
                    Inst::PtrAdd { .. }
                    | Inst::Convert {
                        op: ConvOp::PtrToInt | ConvOp::IntToPtr | ConvOp::AddrSpaceCast,
                        ..
                    } => {
                        if let Some(r) = result {
                            edges.push((r, v));
                        }
                        true
                    }
                    Inst::Binary {
                        op:
                            BinaryOp::Add
                            | BinaryOp::Sub
                            | BinaryOp::Mul
                            | BinaryOp::And
                            | BinaryOp::Or
                            | BinaryOp::Xor,
                        ..
                    } => {
                        if let Some(r) = result {
                            edges.push((r, v));
                        }
                        true
                    }
                    Inst::Select { cond, .. } if v != *cond => {
                        if let Some(r) = result {
                            edges.push((r, v));
                        }
                        true
                    }
                    _ => false,
                };
                if !low_use {
                    full.insert(v);
                }
            }
        });
        loop {
            let before = full.len();
            for &(r, v) in &edges {
                if full.contains(&r) {
                    full.insert(v);
                }
            }
            if full.len() == before {
                return full;
            }
        }
    }

    fn vs(&mut self) -> Result<&mut VectorState, WasmError> {
        match self.simd.as_mut() {
            Some(state) => Ok(state),
            None => Err(WasmError::Internal(
                "vector emission outside a vector loop".to_string(),
            )),
        }
    }

    fn class_of_repr(repr: Repr, full: bool) -> Class {
        match repr {
            Repr::I32(bits) => Class::Int(bits),
            Repr::F32 => Class::F32,
            Repr::I64 if !full => Class::Low64,
            other => Class::Lanes(other),
        }
    }

    fn class(&self, v: Value) -> Result<Class, WasmError> {
        let full = self.simd.as_ref().is_some_and(|s| s.full64.contains(&v));
        Ok(Self::class_of_repr(self.repr(v)?, full))
    }

    fn is_varying(&self, v: Value) -> bool {
        self.simd.as_ref().is_some_and(|s| s.varying.contains(&v))
    }

    /// The known lane stride of `v` (0 for a uniform value).
    fn stride(&self, v: Value) -> Option<i64> {
        let state = self.simd.as_ref()?;
        let strides = state.strides.as_ref()?;
        if !state.varying.contains(&v) {
            return Some(0);
        }
        strides.value.get(&v).copied()
    }

    fn constant(&self, v: Value) -> Option<i64> {
        let state = self.simd.as_ref()?;
        if state.varying.contains(&v) {
            return None;
        }
        state.strides.as_ref()?.constants.get(&v).copied()
    }

    fn set_stride(&mut self, v: Value, stride: Option<i64>) {
        if let Some(strides) = self.simd.as_mut().and_then(|s| s.strides.as_mut()) {
            match stride {
                Some(s) => strides.value.insert(v, s),
                None => strides.value.remove(&v),
            };
        }
    }

    /// The stride of an operation's result from its operands' strides.
    fn result_stride(&self, inst: &Inst) -> Option<i64> {
        match inst {
            Inst::Binary { op, lhs, rhs } => {
                let (a, b) = (self.stride(*lhs), self.stride(*rhs));
                match op {
                    BinaryOp::Add => a?.checked_add(b?),
                    BinaryOp::Sub => a?.checked_sub(b?),
                    BinaryOp::Mul => match (a?, b?) {
                        (0, 0) => Some(0),
                        (s, 0) => s.checked_mul(self.constant(*rhs)?),
                        (0, s) => s.checked_mul(self.constant(*lhs)?),
                        _ => None,
                    },
                    BinaryOp::Shl => {
                        let c = self.constant(*rhs)?;
                        if (0..32).contains(&c) {
                            a?.checked_mul(1 << c)
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            }
            Inst::PtrAdd { ptr, offset } => self.stride(*ptr)?.checked_add(self.stride(*offset)?),
            Inst::Convert {
                op:
                    ConvOp::SExt
                    | ConvOp::ZExt
                    | ConvOp::Trunc
                    | ConvOp::PtrToInt
                    | ConvOp::IntToPtr
                    | ConvOp::AddrSpaceCast,
                arg,
            } => self.stride(*arg),
            _ => None,
        }
    }

    fn v128_local(&mut self) -> u32 {
        self.new_local(ValType::V128)
    }

    /// Pops a `v128` into a new local held for `v`.
    fn set_vector(&mut self, v: Value) -> Result<(), WasmError> {
        let local = self.v128_local();
        self.code.push(I::LocalSet(local));
        self.vs()?.held.insert(v, Held::Vector(local));
        Ok(())
    }

    /// Pushes a scalar of `repr` (on the stack) as one lane value of `class`: masks for
    /// `i1`, the low half of an `i64`.
    fn scalar_to_lane(&mut self, repr: Repr) {
        match repr {
            Repr::I32(1) => {
                let tmp = self.new_local(ValType::I32);
                self.code.push(I::LocalSet(tmp));
                self.code.push(I::I32Const(0));
                self.code.push(I::LocalGet(tmp));
                self.code.push(I::I32Sub);
            }
            Repr::I64 => self.code.push(I::I32WrapI64),
            _ => {}
        }
    }

    /// Builds a `v128` on the stack from one scalar local per lane.
    fn build_vector(&mut self, lanes: [u32; 4], repr: Repr) {
        self.code.push(I::V128Const(0));
        for (k, local) in lanes.into_iter().enumerate() {
            self.code.push(I::LocalGet(local));
            self.scalar_to_lane(repr);
            self.code.push(if repr == Repr::F32 {
                I::F32x4ReplaceLane(k as u8)
            } else {
                I::I32x4ReplaceLane(k as u8)
            });
        }
    }

    /// Pushes the `v128` form of `v` (varying, or splatted when uniform).
    fn push_vector(&mut self, v: Value) -> Result<(), WasmError> {
        let repr = self.repr(v)?;
        let held = self.simd.as_ref().and_then(|s| s.held.get(&v).copied());
        match held {
            Some(Held::Vector(local)) => self.code.push(I::LocalGet(local)),
            Some(Held::Lanes(lanes)) => self.build_vector(lanes, repr),
            None => {
                if self.is_varying(v) {
                    return Err(
                        self.internal(format!("varying value {v} used before its definition"))
                    );
                }
                self.get(v)?;
                self.scalar_to_lane(repr);
                self.code.push(if repr == Repr::F32 {
                    I::F32x4Splat
                } else {
                    I::I32x4Splat
                });
            }
        }
        Ok(())
    }

    /// A scalar local holding lane `k` of `v` in the scalar convention.
    fn lane_local(&mut self, v: Value, k: u8) -> Result<u32, WasmError> {
        let held = self.simd.as_ref().and_then(|s| s.held.get(&v).copied());
        let repr = self.repr(v)?;
        match held {
            None => self
                .value_local
                .get(&v)
                .copied()
                .ok_or_else(|| self.internal(format!("value {v} used before its definition"))),
            Some(Held::Lanes(lanes)) => Ok(lanes[k as usize]),
            Some(Held::Vector(local)) => {
                self.code.push(I::LocalGet(local));
                match repr {
                    Repr::F32 => self.code.push(I::F32x4ExtractLane(k)),
                    Repr::I32(1) => {
                        self.code.push(I::I32x4ExtractLane(k));
                        self.code.push(I::I32Const(1));
                        self.code.push(I::I32And);
                    }
                    Repr::I64 => {
                        self.code.push(I::I32x4ExtractLane(k));
                        self.code.push(I::I64ExtendI32U);
                    }
                    _ => self.code.push(I::I32x4ExtractLane(k)),
                }
                let tmp = self.new_local(repr.val_type());
                self.code.push(I::LocalSet(tmp));
                Ok(tmp)
            }
        }
    }

    /// Opens `if` on lane `k` of the current mask (when not all lanes run); returns whether
    /// it did.
    fn open_lane(&mut self, k: u8) -> Result<bool, WasmError> {
        let Some(mask) = self.vs()?.mask else {
            return Ok(false);
        };
        self.code.push(I::LocalGet(mask));
        self.code.push(I::I32x4ExtractLane(k));
        self.code.push(I::If(BlockType::Empty));
        self.depth += 1;
        Ok(true)
    }

    fn close(&mut self, opened: bool) {
        if opened {
            self.code.push(I::End);
            self.depth -= 1;
        }
    }

    /// Runs `inst` once per active lane with the scalar code; returns each lane's result
    /// local.
    fn per_lane(
        &mut self,
        result: Option<Value>,
        inst: &Inst,
    ) -> Result<Option<[u32; 4]>, WasmError> {
        let mut operands = Vec::new();
        inst.for_each_operand(|v| {
            if !operands.contains(&v) {
                operands.push(v)
            }
        });
        let mut out = [0u32; 4];
        for k in 0..LANES {
            let mut bound = Vec::new();
            for &v in &operands {
                if self.is_varying(v) {
                    let local = self.lane_local(v, k)?;
                    bound.push((v, local));
                }
            }
            let opened = self.open_lane(k)?;
            let mut saved = Vec::new();
            for (v, local) in bound {
                saved.push((v, self.value_local.insert(v, local)));
            }
            self.inst(result, inst)?;
            if let Some(r) = result {
                out[k as usize] = *self
                    .value_local
                    .get(&r)
                    .ok_or_else(|| self.internal("per-lane result not defined"))?;
            }
            self.close(opened);
            for (v, old) in saved {
                match old {
                    Some(local) => self.value_local.insert(v, local),
                    None => self.value_local.remove(&v),
                };
            }
        }
        Ok(result.map(|_| out))
    }

    /// Holds per-lane results: as a vector when the class has one.
    fn hold_lanes(&mut self, v: Value, lanes: [u32; 4]) -> Result<(), WasmError> {
        match self.class(v)? {
            Class::Lanes(_) => {
                self.vs()?.held.insert(v, Held::Lanes(lanes));
            }
            _ => {
                let repr = self.repr(v)?;
                self.build_vector(lanes, repr);
                self.set_vector(v)?;
            }
        }
        Ok(())
    }

    fn lanes_inst(&mut self, result: Option<Value>, inst: &Inst) -> Result<(), WasmError> {
        if let (Some(r), Some(lanes)) = (result, self.per_lane(result, inst)?) {
            self.hold_lanes(r, lanes)?;
        }
        Ok(())
    }

    /// Emits a thread loop's vector loop (the scalar loop follows it).
    pub(super) fn vector_thread_loop(&mut self, plan: Plan<'_>) -> Result<(), WasmError> {
        let promoted_local = |e: &Self, l: LocalId| {
            e.promoted
                .get(&l)
                .copied()
                .ok_or_else(|| e.internal("thread counter is not a register"))
        };
        // Vector registers: counters (filled per iteration) and the body's register locals
        // (start as the scalar's value in every lane).
        let mut promoted = HashMap::new();
        let mut counters = Vec::new();
        for &l in &plan.state {
            let v = self.v128_local();
            counters.push((l, v, promoted_local(self, l)?));
            promoted.insert(l, Held::Vector(v));
        }
        for &l in &plan.written {
            let scalar = promoted_local(self, l)?;
            let repr = self
                .local_repr(l)
                .ok_or_else(|| self.internal("register local without a scalar type"))?;
            let held = match Self::class_of_repr(repr, true) {
                Class::Lanes(r) => {
                    let mut lanes = [0u32; 4];
                    for lane in &mut lanes {
                        *lane = self.new_local(r.val_type());
                        self.code.push(I::LocalGet(scalar));
                        self.code.push(I::LocalSet(*lane));
                    }
                    Held::Lanes(lanes)
                }
                _ => {
                    self.build_vector([scalar; 4], repr);
                    let v = self.v128_local();
                    self.code.push(I::LocalSet(v));
                    Held::Vector(v)
                }
            };
            promoted.insert(l, held);
        }
        let group = Group {
            count: *self
                .value_local
                .get(&plan.count)
                .ok_or_else(|| self.internal("thread count used before its definition"))?,
            counters,
            promoted,
            constants: self.integer_constants(),
        };
        // When the four threads lie in one row of the block (`x + 3 < blockDim.x`), their
        // counters are the index and `x` plus 0..3 with the same `y` and `z`, one scalar step
        // from the fourth thread reaches the next group, and the body knows which values
        // step by a constant from lane to lane (consecutive addresses need no run-time check).
        let fast = match plan.thread_x {
            Some(x) => Some((
                promoted_local(self, plan.counter_local)?,
                promoted_local(self, x)?,
            )),
            None => None,
        };
        self.code.push(I::Block(BlockType::Empty));
        self.code.push(I::Loop(BlockType::Empty));
        self.depth += 2;
        match fast {
            Some((index, x)) => {
                self.code.push(I::LocalGet(x));
                self.code.push(I::I32Const(3));
                self.code.push(I::I32Add);
                self.code.push(I::GlobalGet(self.cx.globals.block_dim[0]));
                self.code.push(I::I32LtU);
                self.code.push(I::If(BlockType::Empty));
                self.depth += 1;
                let mut strides = HashMap::new();
                for &(l, vector, scalar) in &group.counters {
                    self.code.push(I::LocalGet(scalar));
                    self.code.push(I::I32x4Splat);
                    let step = i64::from(scalar == index || scalar == x);
                    if step == 1 {
                        self.code.push(I::V128Const(IOTA));
                        self.code.push(I::I32x4Add);
                    }
                    self.code.push(I::LocalSet(vector));
                    strides.insert(l, step);
                }
                for scalar in [index, x] {
                    self.code.push(I::LocalGet(scalar));
                    self.code.push(I::I32Const(3));
                    self.code.push(I::I32Add);
                    self.code.push(I::LocalSet(scalar));
                }
                self.region(plan.continuing)?;
                self.group_body(&plan, &group, Some(strides))?;
                self.code.push(I::Else);
                self.slow_counters(&plan, &group)?;
                self.group_body(&plan, &group, None)?;
                self.close(true);
            }
            None => {
                self.slow_counters(&plan, &group)?;
                self.group_body(&plan, &group, None)?;
            }
        }
        self.code.push(I::Br(0));
        self.code.push(I::End);
        self.code.push(I::End);
        self.depth -= 2;
        // The scalar loop's threads start from the last vector thread's register values.
        for &l in &plan.written {
            let scalar = promoted_local(self, l)?;
            match group.promoted.get(&l) {
                Some(Held::Vector(v)) => {
                    let repr = self
                        .local_repr(l)
                        .ok_or_else(|| self.internal("register local without a type"))?;
                    self.code.push(I::LocalGet(*v));
                    match repr {
                        Repr::F32 => self.code.push(I::F32x4ExtractLane(3)),
                        Repr::I32(1) => {
                            self.code.push(I::I32x4ExtractLane(3));
                            self.code.push(I::I32Const(1));
                            self.code.push(I::I32And);
                        }
                        _ => self.code.push(I::I32x4ExtractLane(3)),
                    }
                    self.code.push(I::LocalSet(scalar));
                }
                Some(Held::Lanes(lanes)) => {
                    self.code.push(I::LocalGet(lanes[3]));
                    self.code.push(I::LocalSet(scalar));
                }
                None => {}
            }
        }
        Ok(())
    }

    /// Records the four threads' counters by stepping them with the scalar `continuing`.
    fn slow_counters(&mut self, plan: &Plan<'_>, group: &Group) -> Result<(), WasmError> {
        for k in 0..LANES {
            for &(_, vector, scalar) in &group.counters {
                self.code.push(I::LocalGet(vector));
                self.code.push(I::LocalGet(scalar));
                self.code.push(I::I32x4ReplaceLane(k));
                self.code.push(I::LocalSet(vector));
            }
            self.region(plan.continuing)?;
        }
        Ok(())
    }

    /// The exit test and the body of one group of four threads whose counters are in their
    /// vectors; `strides` gives the counters that step by a constant from lane to lane.
    fn group_body(
        &mut self,
        plan: &Plan<'_>,
        group: &Group,
        strides: Option<HashMap<LocalId, i64>>,
    ) -> Result<(), WasmError> {
        let counter_vector = match group.promoted.get(&plan.counter_local) {
            Some(Held::Vector(v)) => *v,
            _ => return Err(self.internal("thread counter has no vector")),
        };
        // Fewer than four threads left: back to the first of them, the scalar loop runs them.
        self.code.push(I::LocalGet(counter_vector));
        self.code.push(I::LocalGet(group.count));
        self.code.push(I::I32x4Splat);
        self.code.push(I::I32x4GeS);
        self.code.push(I::V128AnyTrue);
        self.code.push(I::If(BlockType::Empty));
        for &(_, vector, scalar) in &group.counters {
            self.code.push(I::LocalGet(vector));
            self.code.push(I::I32x4ExtractLane(0));
            self.code.push(I::LocalSet(scalar));
        }
        // Out of this `if`, the fast-path `if` (when there is one) and the loop.
        self.code
            .push(I::Br(if plan.thread_x.is_some() { 3 } else { 2 }));
        self.code.push(I::End);

        let live = self.v128_local();
        self.code.push(I::V128Const(-1));
        self.code.push(I::LocalSet(live));
        let mut held = HashMap::new();
        let copy = self.v128_local();
        self.code.push(I::LocalGet(counter_vector));
        self.code.push(I::LocalSet(copy));
        held.insert(plan.counter, Held::Vector(copy));
        let never = self.v128_local();
        held.insert(plan.exit_test, Held::Vector(never));
        let mut value_stride = HashMap::new();
        if let Some(s) = strides.as_ref().and_then(|s| s.get(&plan.counter_local)) {
            value_stride.insert(plan.counter, *s);
        }
        self.simd = Some(VectorState {
            held,
            promoted: group.promoted.clone(),
            varying: plan.varying.clone(),
            full64: plan.full64.clone(),
            mask: None,
            live,
            strides: strides.map(|local| Strides {
                local,
                value: value_stride,
                constants: group.constants.clone(),
            }),
        });
        let body = self.vector_region(plan.body);
        self.simd = None;
        body
    }

    /// Integer constants of the function (for strides through multiplications).
    fn integer_constants(&self) -> HashMap<Value, i64> {
        let mut constants = HashMap::new();
        visit_insts(&self.func.body, &mut |result, inst| {
            if let (Some(r), Inst::Const { bits }) = (result, inst) {
                match self.repr(r) {
                    Ok(Repr::I32(_)) => {
                        constants.insert(r, i64::from(*bits as u32 as i32));
                    }
                    Ok(Repr::I64) => {
                        constants.insert(r, *bits as i64);
                    }
                    _ => {}
                }
            }
        });
        constants
    }

    fn vector_region(&mut self, stmts: &[Stmt]) -> Result<(), WasmError> {
        let mut opened = 0;
        for stmt in stmts {
            self.loc = stmt.loc.or(self.loc);
            if self.vector_stmt(stmt)? {
                // Some lanes left: the rest runs only if any lane is still here.
                if let Some(mask) = self.vs()?.mask {
                    self.code.push(I::LocalGet(mask));
                    self.code.push(I::V128AnyTrue);
                    self.code.push(I::If(BlockType::Empty));
                    self.depth += 1;
                    opened += 1;
                }
            }
        }
        for _ in 0..opened {
            self.close(true);
        }
        Ok(())
    }

    /// Emits one statement of the vector body; true when lanes may have left (`continue`).
    fn vector_stmt(&mut self, stmt: &Stmt) -> Result<bool, WasmError> {
        match &stmt.kind {
            StmtKind::Inst { result, inst } => {
                self.vector_inst(*result, inst)?;
                Ok(false)
            }
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                let leaves = has_continue(then_region) || has_continue(else_region);
                let outer = self.vs()?.mask;
                let mut stored = Vec::new();
                self.body_qualifies(&then_region.stmts, &mut stored);
                self.body_qualifies(&else_region.stmts, &mut stored);
                if !self.is_varying(*cond) {
                    self.get(*cond)?;
                    self.code.push(I::If(BlockType::Empty));
                    self.depth += 1;
                    self.vector_region(&then_region.stmts)?;
                    self.vs()?.mask = outer;
                    if !else_region.stmts.is_empty() {
                        self.code.push(I::Else);
                        self.vector_region(&else_region.stmts)?;
                        self.vs()?.mask = outer;
                    }
                    self.close(true);
                } else {
                    self.push_vector(*cond)?;
                    let cond_mask = self.v128_local();
                    self.code.push(I::LocalSet(cond_mask));
                    for (region, negate) in [(then_region, false), (else_region, true)] {
                        if region.stmts.is_empty() {
                            continue;
                        }
                        let branch_mask = self.v128_local();
                        match (outer, negate) {
                            (None, false) => self.code.push(I::LocalGet(cond_mask)),
                            (None, true) => {
                                self.code.push(I::LocalGet(cond_mask));
                                self.code.push(I::V128Not);
                            }
                            (Some(m), false) => {
                                self.code.push(I::LocalGet(m));
                                self.code.push(I::LocalGet(cond_mask));
                                self.code.push(I::V128And);
                            }
                            (Some(m), true) => {
                                self.code.push(I::LocalGet(m));
                                self.code.push(I::LocalGet(cond_mask));
                                self.code.push(I::V128AndNot);
                            }
                        }
                        self.code.push(I::LocalTee(branch_mask));
                        self.code.push(I::V128AnyTrue);
                        self.code.push(I::If(BlockType::Empty));
                        self.depth += 1;
                        self.vs()?.mask = Some(branch_mask);
                        self.vector_region(&region.stmts)?;
                        self.vs()?.mask = outer;
                        self.close(true);
                    }
                }
                // A register stored in a branch may step differently after it.
                if let Some(strides) = self.vs()?.strides.as_mut() {
                    for local in &stored {
                        strides.local.remove(local);
                    }
                }
                if leaves {
                    // The lanes still here: the outer mask without those that left.
                    let live = self.vs()?.live;
                    let mask = self.v128_local();
                    self.code.push(I::LocalGet(live));
                    if let Some(m) = outer {
                        self.code.push(I::LocalGet(m));
                        self.code.push(I::V128And);
                    }
                    self.code.push(I::LocalSet(mask));
                    self.vs()?.mask = Some(mask);
                }
                Ok(leaves)
            }
            StmtKind::Continue => {
                let live = self.vs()?.live;
                match self.vs()?.mask {
                    None => self.code.push(I::V128Const(0)),
                    Some(m) => {
                        self.code.push(I::LocalGet(live));
                        self.code.push(I::LocalGet(m));
                        self.code.push(I::V128AndNot);
                    }
                }
                self.code.push(I::LocalSet(live));
                let none = self.v128_local();
                self.vs()?.mask = Some(none);
                Ok(true)
            }
            _ => Err(self.internal("unexpected statement in a vector thread loop")),
        }
    }

    fn vector_inst(&mut self, result: Option<Value>, inst: &Inst) -> Result<(), WasmError> {
        let varying = result.is_some_and(|r| self.is_varying(r));
        match inst {
            Inst::Load { ptr, align, .. } if varying => {
                let r = result.ok_or_else(|| self.internal("load without result"))?;
                self.vector_load(r, *ptr, *align, inst)
            }
            Inst::Store {
                ptr, value, align, ..
            } => self.vector_store(*ptr, *value, *align, inst),
            _ if has_effect(inst) => self.lanes_inst(result, inst),
            _ if !varying => self.inst(result, inst),
            _ => {
                let r = result.ok_or_else(|| self.internal("varying value without result"))?;
                if !self.simd_op(r, inst)? {
                    self.lanes_inst(result, inst)?;
                }
                Ok(())
            }
        }
    }

    /// Pushes `all lanes active && the four addresses are consecutive elements of `size`
    /// bytes` for the `i32x4` addresses in `addr` (the second part is skipped when `known`).
    fn full_group_test(&mut self, addr: u32, size: i32, known: bool) -> Result<(), WasmError> {
        if known {
            let mask = self
                .vs()?
                .mask
                .ok_or_else(|| self.internal("full-group test without a mask"))?;
            self.code.push(I::LocalGet(mask));
            self.code.push(I::I32x4AllTrue);
            return Ok(());
        }
        self.code.push(I::LocalGet(addr));
        self.code.push(I::LocalGet(addr));
        self.code.push(I::I32x4ExtractLane(0));
        self.code.push(I::I32x4Splat);
        let steps = (0..4i128).fold(0i128, |acc, k| acc | ((k * size as i128) << (32 * k)));
        self.code.push(I::V128Const(steps));
        self.code.push(I::I32x4Add);
        self.code.push(I::I32x4Eq);
        self.code.push(I::I32x4AllTrue);
        if let Some(mask) = self.vs()?.mask {
            self.code.push(I::LocalGet(mask));
            self.code.push(I::I32x4AllTrue);
            self.code.push(I::I32And);
        }
        Ok(())
    }

    fn vector_load(
        &mut self,
        r: Value,
        ptr: Value,
        align: u32,
        inst: &Inst,
    ) -> Result<(), WasmError> {
        if let Some(local) = self.local_of_addr(ptr) {
            let held = self.vs()?.promoted.get(&local).copied();
            let stride = self
                .simd
                .as_ref()
                .and_then(|s| s.strides.as_ref())
                .and_then(|s| s.local.get(&local).copied());
            self.set_stride(r, stride);
            return match held {
                Some(Held::Vector(v)) => {
                    self.code.push(I::LocalGet(v));
                    self.set_vector(r)
                }
                Some(Held::Lanes(lanes)) => {
                    let mut copy = [0u32; 4];
                    let repr = self.repr(r)?;
                    for (k, lane) in lanes.into_iter().enumerate() {
                        copy[k] = self.new_local(repr.val_type());
                        self.code.push(I::LocalGet(lane));
                        self.code.push(I::LocalSet(copy[k]));
                    }
                    self.hold_lanes(r, copy)
                }
                None => Err(self.internal("varying load of a register local without a vector")),
            };
        }
        let class = self.class(r)?;
        if !matches!(class, Class::Int(32) | Class::F32) || !self.is_varying(ptr) {
            return self.lanes_inst(Some(r), inst);
        }
        self.push_vector(ptr)?;
        let addr = self.v128_local();
        self.code.push(I::LocalSet(addr));
        let known = self.stride(ptr) == Some(4);
        if known && self.vs()?.mask.is_none() {
            self.code.push(I::LocalGet(addr));
            self.code.push(I::I32x4ExtractLane(0));
            self.code.push(I::V128Load(mem(align, 4)));
            return self.set_vector(r);
        }
        self.full_group_test(addr, 4, known)?;
        self.code.push(I::If(BlockType::Result(ValType::V128)));
        self.depth += 1;
        self.code.push(I::LocalGet(addr));
        self.code.push(I::I32x4ExtractLane(0));
        self.code.push(I::V128Load(mem(align, 4)));
        self.code.push(I::Else);
        let lanes = self
            .per_lane(Some(r), inst)?
            .ok_or_else(|| self.internal("load without result"))?;
        let repr = self.repr(r)?;
        self.build_vector(lanes, repr);
        self.close(true);
        self.set_vector(r)
    }

    fn vector_store(
        &mut self,
        ptr: Value,
        value: Value,
        align: u32,
        inst: &Inst,
    ) -> Result<(), WasmError> {
        if let Some(local) = self.local_of_addr(ptr) {
            let mask = self.vs()?.mask;
            let stride = if mask.is_none() {
                self.stride(value)
            } else {
                None
            };
            if let Some(strides) = self.vs()?.strides.as_mut() {
                match stride {
                    Some(s) => strides.local.insert(local, s),
                    None => strides.local.remove(&local),
                };
            }
            let held = self.vs()?.promoted.get(&local).copied();
            return match held {
                Some(Held::Vector(v)) => {
                    self.push_vector(value)?;
                    if let Some(m) = mask {
                        self.code.push(I::LocalGet(v));
                        self.code.push(I::LocalGet(m));
                        self.code.push(I::V128Bitselect);
                    }
                    self.code.push(I::LocalSet(v));
                    Ok(())
                }
                Some(Held::Lanes(lanes)) => {
                    for (k, lane) in lanes.into_iter().enumerate() {
                        let value_lane = self.lane_local(value, k as u8)?;
                        let opened = self.open_lane(k as u8)?;
                        self.code.push(I::LocalGet(value_lane));
                        self.code.push(I::LocalSet(lane));
                        self.close(opened);
                    }
                    Ok(())
                }
                None => Err(self.internal("store to a register local without a vector")),
            };
        }
        let class = self.class(value)?;
        if !matches!(class, Class::Int(32) | Class::F32) || !self.is_varying(ptr) {
            return self.lanes_inst(None, inst);
        }
        self.push_vector(ptr)?;
        let addr = self.v128_local();
        self.code.push(I::LocalSet(addr));
        let known = self.stride(ptr) == Some(4);
        if known && self.vs()?.mask.is_none() {
            self.code.push(I::LocalGet(addr));
            self.code.push(I::I32x4ExtractLane(0));
            self.push_vector(value)?;
            self.code.push(I::V128Store(mem(align, 4)));
            return Ok(());
        }
        self.full_group_test(addr, 4, known)?;
        self.code.push(I::If(BlockType::Empty));
        self.depth += 1;
        self.code.push(I::LocalGet(addr));
        self.code.push(I::I32x4ExtractLane(0));
        self.push_vector(value)?;
        self.code.push(I::V128Store(mem(align, 4)));
        self.code.push(I::Else);
        self.per_lane(None, inst)?;
        self.close(true);
        Ok(())
    }

    /// Emits `inst` with SIMD128 instructions when it has a vector form; false otherwise.
    fn simd_op(&mut self, r: Value, inst: &Inst) -> Result<bool, WasmError> {
        let rc = self.class(r)?;
        match inst {
            Inst::Binary { op, lhs, rhs } => {
                use BinaryOp::*;
                let lc = self.class(*lhs)?;
                let code = match (lc, op) {
                    (Class::Int(32), Add) | (Class::Low64, Add) => I::I32x4Add,
                    (Class::Int(32), Sub) | (Class::Low64, Sub) => I::I32x4Sub,
                    (Class::Int(32), Mul) | (Class::Low64, Mul) => I::I32x4Mul,
                    (Class::Int(32) | Class::Int(1) | Class::Low64, And) => I::V128And,
                    (Class::Int(32) | Class::Int(1) | Class::Low64, Or) => I::V128Or,
                    (Class::Int(32) | Class::Int(1) | Class::Low64, Xor) => I::V128Xor,
                    (Class::Int(32), SMin) => I::I32x4MinS,
                    (Class::Int(32), SMax) => I::I32x4MaxS,
                    (Class::Int(32), UMin) => I::I32x4MinU,
                    (Class::Int(32), UMax) => I::I32x4MaxU,
                    (Class::F32, FAdd) => I::F32x4Add,
                    (Class::F32, FSub) => I::F32x4Sub,
                    (Class::F32, FMul) => I::F32x4Mul,
                    (Class::F32, FDiv) => I::F32x4Div,
                    (Class::Int(32), Shl | LShr | AShr) if !self.is_varying(*rhs) => {
                        self.push_vector(*lhs)?;
                        self.get(*rhs)?;
                        self.code.push(match op {
                            Shl => I::I32x4Shl,
                            LShr => I::I32x4ShrU,
                            _ => I::I32x4ShrS,
                        });
                        self.set_vector(r)?;
                        return Ok(true);
                    }
                    _ => return Ok(false),
                };
                if lc == Class::Low64 && rc != Class::Low64 {
                    return Ok(false);
                }
                self.push_vector(*lhs)?;
                self.push_vector(*rhs)?;
                self.code.push(code);
            }
            Inst::Unary { op, arg } => {
                use UnaryOp::*;
                let code = match (self.class(*arg)?, op) {
                    (Class::Int(32), Neg) => I::I32x4Neg,
                    (Class::Int(32) | Class::Int(1), Not) => I::V128Not,
                    (Class::F32, FNeg) => I::F32x4Neg,
                    (Class::F32, FAbs) => I::F32x4Abs,
                    (Class::F32, Sqrt) => I::F32x4Sqrt,
                    (Class::F32, Floor) => I::F32x4Floor,
                    (Class::F32, Ceil) => I::F32x4Ceil,
                    (Class::F32, Trunc) => I::F32x4Trunc,
                    (Class::F32, RoundEven) => I::F32x4Nearest,
                    _ => return Ok(false),
                };
                self.push_vector(*arg)?;
                self.code.push(code);
            }
            Inst::Cmp { op, lhs, rhs } => {
                use CmpOp::*;
                let code = match (self.class(*lhs)?, op) {
                    (Class::Int(_), Eq) => I::I32x4Eq,
                    (Class::Int(_), Ne) => I::I32x4Ne,
                    (Class::Int(32), SLt) => I::I32x4LtS,
                    (Class::Int(32), SLe) => I::I32x4LeS,
                    (Class::Int(32), SGt) => I::I32x4GtS,
                    (Class::Int(32), SGe) => I::I32x4GeS,
                    (Class::Int(b), ULt) if b > 1 => I::I32x4LtU,
                    (Class::Int(b), ULe) if b > 1 => I::I32x4LeU,
                    (Class::Int(b), UGt) if b > 1 => I::I32x4GtU,
                    (Class::Int(b), UGe) if b > 1 => I::I32x4GeU,
                    (Class::F32, FEq) => I::F32x4Eq,
                    (Class::F32, FNe) => I::F32x4Ne,
                    (Class::F32, FLt) => I::F32x4Lt,
                    (Class::F32, FLe) => I::F32x4Le,
                    (Class::F32, FGt) => I::F32x4Gt,
                    (Class::F32, FGe) => I::F32x4Ge,
                    _ => return Ok(false),
                };
                self.push_vector(*lhs)?;
                self.push_vector(*rhs)?;
                self.code.push(code);
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                if matches!(rc, Class::Lanes(_)) {
                    return Ok(false);
                }
                self.push_vector(*if_true)?;
                self.push_vector(*if_false)?;
                self.push_vector(*cond)?;
                self.code.push(I::V128Bitselect);
            }
            Inst::PtrAdd { ptr, offset } => {
                if rc != Class::Low64 {
                    return Ok(false);
                }
                self.push_vector(*ptr)?;
                self.push_vector(*offset)?;
                self.code.push(I::I32x4Add);
            }
            Inst::Convert { op, arg } => {
                let ac = self.class(*arg)?;
                match (op, ac, rc) {
                    (ConvOp::SIToFP, Class::Int(32), Class::F32) => {
                        self.push_vector(*arg)?;
                        self.code.push(I::F32x4ConvertI32x4S);
                    }
                    (ConvOp::UIToFP, Class::Int(32), Class::F32) => {
                        self.push_vector(*arg)?;
                        self.code.push(I::F32x4ConvertI32x4U);
                    }
                    // Masks are sign-extended already; zero-extended lanes stay as they are.
                    (
                        ConvOp::SExt,
                        Class::Int(1) | Class::Int(32),
                        Class::Int(32) | Class::Low64,
                    )
                    | (ConvOp::ZExt, Class::Int(8 | 16 | 32), Class::Int(32) | Class::Low64)
                    | (ConvOp::Trunc, Class::Low64, Class::Int(32))
                    | (
                        ConvOp::PtrToInt | ConvOp::IntToPtr | ConvOp::AddrSpaceCast,
                        Class::Low64,
                        Class::Low64,
                    )
                    | (ConvOp::Bitcast, Class::F32, Class::Int(32))
                    | (ConvOp::Bitcast, Class::Int(32), Class::F32) => {
                        self.push_vector(*arg)?;
                    }
                    (ConvOp::SExt, Class::Int(b @ (8 | 16)), Class::Int(32) | Class::Low64) => {
                        self.push_vector(*arg)?;
                        self.code.push(I::I32Const(32 - b as i32));
                        self.code.push(I::I32x4Shl);
                        self.code.push(I::I32Const(32 - b as i32));
                        self.code.push(I::I32x4ShrS);
                    }
                    (ConvOp::ZExt, Class::Int(1), Class::Int(_) | Class::Low64) => {
                        self.push_vector(*arg)?;
                        self.code.push(I::V128Const(splat_i32(1)));
                        self.code.push(I::V128And);
                    }
                    (ConvOp::Trunc, Class::Low64 | Class::Int(32), Class::Int(b @ (8 | 16))) => {
                        self.push_vector(*arg)?;
                        self.code.push(I::V128Const(splat_i32((1i32 << b) - 1)));
                        self.code.push(I::V128And);
                    }
                    (ConvOp::Trunc, Class::Low64 | Class::Int(_), Class::Int(1)) => {
                        self.push_vector(*arg)?;
                        self.code.push(I::V128Const(splat_i32(1)));
                        self.code.push(I::V128And);
                        self.code.push(I::V128Const(0));
                        self.code.push(I::I32x4Ne);
                    }
                    _ => return Ok(false),
                }
            }
            _ => return Ok(false),
        }
        self.set_vector(r)?;
        // Strides only through operations that keep 32-bit lanes exact.
        let keeps = match (inst, rc) {
            (
                Inst::Convert {
                    op: ConvOp::Trunc, ..
                },
                Class::Int(b),
            ) => b == 32,
            (_, Class::Int(32) | Class::Low64) => true,
            _ => false,
        };
        let stride = if keeps {
            self.result_stride(inst)
        } else {
            None
        };
        self.set_stride(r, stride);
        Ok(true)
    }
}

/// An `i32x4` constant with `x` in every lane.
fn splat_i32(x: i32) -> i128 {
    let lane = x as u32 as i128;
    lane | (lane << 32) | (lane << 64) | (lane << 96)
}
