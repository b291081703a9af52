//! Warp collectives in per-block code: the thread loop before a collective stores each
//! thread's operands into per-thread *exchange* arrays; block-level code then walks the
//! block warp by warp (lanes `t & 31`, warp `t >> 5`, a partial last warp has fewer lanes)
//! and computes every participating lane's result into a per-thread result array, with the
//! semantics of the reference executor (`interp::exec`); the next thread loop loads it.
//!
//! A lane participates when it exists (`t < nthreads`), has not returned and satisfies the
//! guards of the predicated branches around the collective. The group of a lane is its mask
//! restricted to the participating lanes. A mask without the calling lane traps (as the
//! executor reports it); in predicated code, a mask naming a live lane that does not execute
//! the collective traps too (the executor would wait for it: CPU targets cannot run that).

use super::{emit, emit_const, emit_store, Types};
use crate::ir::*;

/// A per-thread predicate that guards code: thread `t` runs it only if `pred[t] == polarity`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Guard {
    /// The per-thread `i1` array local.
    pub local: LocalId,
    /// The value the predicate must have.
    pub polarity: bool,
}

/// Which collective.
#[derive(Clone, Copy, Debug)]
pub(super) enum CollectiveKind {
    SyncWarp,
    ActiveMask,
    Shuffle(ShuffleKind),
    Vote(VoteKind),
    Match(MatchKind),
    Reduce(ReduceOp),
}

/// A per-thread exchange array: local, element type, element size.
#[derive(Clone, Copy, Debug)]
pub(super) struct Exchange {
    pub local: LocalId,
    pub ty: TypeId,
    pub size: u64,
}

/// One collective of a kernel, cut out of the thread code.
pub(super) struct Collective {
    pub kind: CollectiveKind,
    /// The CUDA name and location, for trap messages.
    pub what: String,
    pub mask: Option<Exchange>,
    pub value: Option<Exchange>,
    /// Shuffle source lane / delta / lane mask.
    pub arg: Option<Exchange>,
    pub width: Option<Exchange>,
    pub pred: Option<Exchange>,
    pub result: Option<Exchange>,
    pub guards: Vec<Guard>,
}

/// Block-level locals the warp loops use (scalars, shared by all collectives of a kernel).
pub(super) struct Scratch {
    pub warp: LocalId,
    pub lane: LocalId,
    pub inner: LocalId,
    pub live: LocalId,
    pub alive: LocalId,
    pub bits: LocalId,
    pub acc: LocalId,
    pub cache_group: LocalId,
    pub cache_value: LocalId,
}

/// Emission context: the function and the block-level values the code needs.
pub(super) struct Cx<'a> {
    pub func: &'a mut Function,
    pub types: &'a Types,
    pub nthreads: Value,
    pub done: Option<LocalId>,
    pub scratch: &'a Scratch,
}

impl Cx<'_> {
    fn i32c(&mut self, out: &mut Vec<Stmt>, v: i64) -> Value {
        emit_const(self.func, out, self.types.i32_, v as u32 as u64)
    }
    fn bin(&mut self, out: &mut Vec<Stmt>, op: BinaryOp, lhs: Value, rhs: Value) -> Value {
        let ty = self.func.value_type(lhs).unwrap_or(self.types.i32_);
        emit(self.func, out, ty, Inst::Binary { op, lhs, rhs })
    }
    fn cmp(&mut self, out: &mut Vec<Stmt>, op: CmpOp, lhs: Value, rhs: Value) -> Value {
        emit(self.func, out, self.types.bool_, Inst::Cmp { op, lhs, rhs })
    }
    fn addr(&mut self, out: &mut Vec<Stmt>, local: LocalId) -> Value {
        emit(self.func, out, self.types.ptr_local, Inst::LocalAddr(local))
    }
    fn load(&mut self, out: &mut Vec<Stmt>, ty: TypeId, ptr: Value, align: u32) -> Value {
        emit(
            self.func,
            out,
            ty,
            Inst::Load {
                ptr,
                align,
                volatile: false,
            },
        )
    }
    /// Loads a block-level scalar `i32` local.
    fn get(&mut self, out: &mut Vec<Stmt>, local: LocalId) -> Value {
        let ptr = self.addr(out, local);
        self.load(out, self.types.i32_, ptr, 4)
    }
    /// Stores a block-level scalar local.
    fn set(&mut self, out: &mut Vec<Stmt>, local: LocalId, value: Value, align: u32) {
        let ptr = self.addr(out, local);
        emit_store(out, ptr, value, align);
    }
    /// The address of element `t` (`i32`) of a per-thread array.
    fn slot(&mut self, out: &mut Vec<Stmt>, local: LocalId, t: Value, size: u64) -> Value {
        let base = self.addr(out, local);
        let t64 = emit(
            self.func,
            out,
            self.types.i64_,
            Inst::Convert {
                op: ConvOp::SExt,
                arg: t,
            },
        );
        let size = emit_const(self.func, out, self.types.i64_, size);
        let offset = emit(
            self.func,
            out,
            self.types.i64_,
            Inst::Binary {
                op: BinaryOp::Mul,
                lhs: t64,
                rhs: size,
            },
        );
        emit(
            self.func,
            out,
            self.types.ptr_local,
            Inst::PtrAdd { ptr: base, offset },
        )
    }
    fn read(&mut self, out: &mut Vec<Stmt>, ex: Exchange, t: Value) -> Value {
        let ptr = self.slot(out, ex.local, t, ex.size);
        self.load(out, ex.ty, ptr, align_of_size(ex.size))
    }
    fn write(&mut self, out: &mut Vec<Stmt>, ex: Exchange, t: Value, value: Value) {
        let ptr = self.slot(out, ex.local, t, ex.size);
        emit_store(out, ptr, value, align_of_size(ex.size));
    }
    /// `for (counter = 0; counter < limit; counter++) body(counter)` at block level.
    fn counted_loop(
        &mut self,
        out: &mut Vec<Stmt>,
        counter: LocalId,
        limit: Value,
        body: impl FnOnce(&mut Self, &mut Vec<Stmt>, Value),
    ) {
        let zero = self.i32c(out, 0);
        self.set(out, counter, zero, 4);
        let mut stmts = Vec::new();
        let k = self.get(&mut stmts, counter);
        let end = self.cmp(&mut stmts, CmpOp::SGe, k, limit);
        stmts.push(if_then(end, vec![Stmt::new(StmtKind::Break)]));
        body(self, &mut stmts, k);
        let mut continuing = Vec::new();
        let k = self.get(&mut continuing, counter);
        let one = self.i32c(&mut continuing, 1);
        let next = self.bin(&mut continuing, BinaryOp::Add, k, one);
        self.set(&mut continuing, counter, next, 4);
        out.push(Stmt::new(StmtKind::Loop {
            body: Region::new(stmts),
            continuing: Region::new(continuing),
        }));
    }
    fn trap_if(&mut self, out: &mut Vec<Stmt>, cond: Value, message: String) {
        out.push(if_then(
            cond,
            vec![Stmt::inst(None, Inst::Trap { message })],
        ));
    }
    /// `(bits >> k) & 1 != 0`.
    fn has_bit(&mut self, out: &mut Vec<Stmt>, bits: Value, k: Value) -> Value {
        let shifted = self.bin(out, BinaryOp::LShr, bits, k);
        let one = self.i32c(out, 1);
        let bit = self.bin(out, BinaryOp::And, shifted, one);
        let zero = self.i32c(out, 0);
        self.cmp(out, CmpOp::Ne, bit, zero)
    }
}

fn align_of_size(size: u64) -> u32 {
    match size {
        0 | 1 => 1,
        2 => 2,
        4 => 4,
        _ => 8,
    }
}

fn if_then(cond: Value, then: Vec<Stmt>) -> Stmt {
    if_else(cond, then, Vec::new())
}

fn if_else(cond: Value, then: Vec<Stmt>, otherwise: Vec<Stmt>) -> Stmt {
    Stmt::new(StmtKind::If {
        cond,
        then_region: Region::new(then),
        else_region: Region::new(otherwise),
    })
}

/// Whether thread `t` (`i32`, `t < nthreads`) passes `guards`.
pub(super) fn guards_hold(
    func: &mut Function,
    types: &Types,
    out: &mut Vec<Stmt>,
    guards: &[Guard],
    t: Value,
) -> Value {
    let mut all = emit_const(func, out, types.bool_, 1);
    for guard in guards {
        let base = emit(func, out, types.ptr_local, Inst::LocalAddr(guard.local));
        let t64 = emit(
            func,
            out,
            types.i64_,
            Inst::Convert {
                op: ConvOp::SExt,
                arg: t,
            },
        );
        let p = emit(
            func,
            out,
            types.ptr_local,
            Inst::PtrAdd {
                ptr: base,
                offset: t64,
            },
        );
        let value = emit(
            func,
            out,
            types.bool_,
            Inst::Load {
                ptr: p,
                align: 1,
                volatile: false,
            },
        );
        let want = emit_const(func, out, types.bool_, u64::from(guard.polarity));
        let ok = emit(
            func,
            out,
            types.bool_,
            Inst::Cmp {
                op: CmpOp::Eq,
                lhs: value,
                rhs: want,
            },
        );
        all = emit(
            func,
            out,
            types.bool_,
            Inst::Binary {
                op: BinaryOp::And,
                lhs: all,
                rhs: ok,
            },
        );
    }
    all
}

/// Emits the block-level computation of collective `c` into `out`.
pub(super) fn emit_collective(cx: &mut Cx<'_>, c: &Collective, out: &mut Vec<Stmt>) {
    let s = cx.scratch;
    let thirty_one = cx.i32c(out, 31);
    let rounded = cx.bin(out, BinaryOp::Add, cx.nthreads, thirty_one);
    let five = cx.i32c(out, 5);
    let nwarps = cx.bin(out, BinaryOp::LShr, rounded, five);
    cx.counted_loop(out, s.warp, nwarps, |cx, out, w| {
        let five = cx.i32c(out, 5);
        let base = cx.bin(out, BinaryOp::Shl, w, five);
        let zero = cx.i32c(out, 0);
        cx.set(out, s.live, zero, 4);
        cx.set(out, s.alive, zero, 4);
        cx.set(out, s.bits, zero, 4);
        cx.set(out, s.cache_group, zero, 4);
        let lanes = cx.i32c(out, 32);
        // Which lanes exist, are alive, and take part; the predicate bits of a vote.
        cx.counted_loop(out, s.lane, lanes, |cx, out, l| {
            let t = cx.bin(out, BinaryOp::Add, base, l);
            let exists = cx.cmp(out, CmpOp::SLt, t, cx.nthreads);
            let mut body = Vec::new();
            let one = cx.i32c(&mut body, 1);
            let bit = cx.bin(&mut body, BinaryOp::Shl, one, l);
            let zero = cx.i32c(&mut body, 0);
            let alive = match cx.done {
                Some(done) => {
                    let ex = Exchange {
                        local: done,
                        ty: cx.types.bool_,
                        size: 1,
                    };
                    let d = cx.read(&mut body, ex, t);
                    emit(
                        cx.func,
                        &mut body,
                        cx.types.bool_,
                        Inst::Unary {
                            op: UnaryOp::Not,
                            arg: d,
                        },
                    )
                }
                None => emit_const(cx.func, &mut body, cx.types.bool_, 1),
            };
            let guarded = guards_hold(cx.func, cx.types, &mut body, &c.guards, t);
            let active = cx.bin(&mut body, BinaryOp::And, alive, guarded);
            for (local, cond) in [(s.alive, alive), (s.live, active)] {
                let old = cx.get(&mut body, local);
                let add = emit(
                    cx.func,
                    &mut body,
                    cx.types.i32_,
                    Inst::Select {
                        cond,
                        if_true: bit,
                        if_false: zero,
                    },
                );
                let new = cx.bin(&mut body, BinaryOp::Or, old, add);
                cx.set(&mut body, local, new, 4);
            }
            if let Some(pred) = c.pred {
                let p = cx.read(&mut body, pred, t);
                let counted = cx.bin(&mut body, BinaryOp::And, active, p);
                let old = cx.get(&mut body, s.bits);
                let add = emit(
                    cx.func,
                    &mut body,
                    cx.types.i32_,
                    Inst::Select {
                        cond: counted,
                        if_true: bit,
                        if_false: zero,
                    },
                );
                let new = cx.bin(&mut body, BinaryOp::Or, old, add);
                cx.set(&mut body, s.bits, new, 4);
            }
            out.push(if_then(exists, body));
        });
        // Every participating lane's result.
        let lanes = cx.i32c(out, 32);
        cx.counted_loop(out, s.lane, lanes, |cx, out, l| {
            let live = cx.get(out, s.live);
            let takes_part = cx.has_bit(out, live, l);
            let mut body = Vec::new();
            let t = cx.bin(&mut body, BinaryOp::Add, base, l);
            lane_result(cx, c, &mut body, base, l, t, live);
            out.push(if_then(takes_part, body));
        });
    });
}

/// The result of lane `l` (thread `t`) of the warp starting at `base`.
fn lane_result(
    cx: &mut Cx<'_>,
    c: &Collective,
    out: &mut Vec<Stmt>,
    base: Value,
    l: Value,
    t: Value,
    live: Value,
) {
    let s = cx.scratch;
    let group = match c.mask {
        Some(mask) => {
            let m = cx.read(out, mask, t);
            let own = cx.has_bit(out, m, l);
            let missing = emit(
                cx.func,
                out,
                cx.types.bool_,
                Inst::Unary {
                    op: UnaryOp::Not,
                    arg: own,
                },
            );
            cx.trap_if(
                out,
                missing,
                format!(
                    "{} is called by a lane with a mask that does not include the lane itself",
                    c.what
                ),
            );
            if !c.guards.is_empty() {
                let alive = cx.get(out, s.alive);
                let minus_one = cx.i32c(out, -1);
                let not_live = cx.bin(out, BinaryOp::Xor, live, minus_one);
                let others = cx.bin(out, BinaryOp::And, alive, not_live);
                let stray = cx.bin(out, BinaryOp::And, m, others);
                let zero = cx.i32c(out, 0);
                let bad = cx.cmp(out, CmpOp::Ne, stray, zero);
                cx.trap_if(
                    out,
                    bad,
                    format!(
                        "{} in divergent control flow names a lane in its mask that does not \
                         execute it; CPU targets cannot run this",
                        c.what
                    ),
                );
            }
            cx.bin(out, BinaryOp::And, m, live)
        }
        None => live,
    };
    let result = match c.kind {
        CollectiveKind::SyncWarp => None,
        CollectiveKind::ActiveMask => Some(live),
        CollectiveKind::Vote(kind) => {
            let bits = cx.get(out, s.bits);
            let ballot = cx.bin(out, BinaryOp::And, bits, group);
            Some(match kind {
                VoteKind::Ballot => ballot,
                VoteKind::Any => {
                    let zero = cx.i32c(out, 0);
                    cx.cmp(out, CmpOp::Ne, ballot, zero)
                }
                VoteKind::All => cx.cmp(out, CmpOp::Eq, ballot, group),
            })
        }
        CollectiveKind::Reduce(op) => c.value.map(|value| reduce(cx, out, op, value, base, group)),
        CollectiveKind::Match(kind) => c.value.map(|value| {
            let own = cx.read(out, value, t);
            match_result(cx, out, kind, value, base, group, own)
        }),
        CollectiveKind::Shuffle(kind) => match (c.value, c.arg, c.width) {
            (Some(value), Some(arg), Some(width)) => {
                shuffle(cx, c, out, kind, [value, arg, width], base, l, t, group);
                None
            }
            _ => None,
        },
    };
    if let (Some(ex), Some(v)) = (c.result, result) {
        cx.write(out, ex, t, v);
    }
}

/// `__reduce_*_sync`: the fold over the group, computed once per distinct group of a warp.
fn reduce(
    cx: &mut Cx<'_>,
    out: &mut Vec<Stmt>,
    op: ReduceOp,
    value: Exchange,
    base: Value,
    group: Value,
) -> Value {
    let s = cx.scratch;
    let cached = cx.get(out, s.cache_group);
    let stale = cx.cmp(out, CmpOp::Ne, cached, group);
    let mut compute = Vec::new();
    let identity: i64 = match op {
        ReduceOp::Add | ReduceOp::UMax | ReduceOp::Or | ReduceOp::Xor => 0,
        ReduceOp::SMin => i64::from(i32::MAX),
        ReduceOp::SMax => i64::from(i32::MIN),
        ReduceOp::UMin | ReduceOp::And => -1,
    };
    let start = cx.i32c(&mut compute, identity);
    cx.set(&mut compute, s.acc, start, 4);
    let lanes = cx.i32c(&mut compute, 32);
    cx.counted_loop(&mut compute, s.inner, lanes, |cx, out, k| {
        let member = cx.has_bit(out, group, k);
        let mut body = Vec::new();
        let u = cx.bin(&mut body, BinaryOp::Add, base, k);
        let v = cx.read(&mut body, value, u);
        let acc = cx.get(&mut body, s.acc);
        let bin = match op {
            ReduceOp::Add => BinaryOp::Add,
            ReduceOp::SMin => BinaryOp::SMin,
            ReduceOp::SMax => BinaryOp::SMax,
            ReduceOp::UMin => BinaryOp::UMin,
            ReduceOp::UMax => BinaryOp::UMax,
            ReduceOp::And => BinaryOp::And,
            ReduceOp::Or => BinaryOp::Or,
            ReduceOp::Xor => BinaryOp::Xor,
        };
        let new = cx.bin(&mut body, bin, acc, v);
        cx.set(&mut body, s.acc, new, 4);
        out.push(if_then(member, body));
    });
    let acc = cx.get(&mut compute, s.acc);
    cx.set(&mut compute, s.cache_value, acc, 4);
    cx.set(&mut compute, s.cache_group, group, 4);
    out.push(if_then(stale, compute));
    cx.get(out, s.cache_value)
}

/// `__match_any_sync` / `__match_all_sync` for one lane.
fn match_result(
    cx: &mut Cx<'_>,
    out: &mut Vec<Stmt>,
    kind: MatchKind,
    value: Exchange,
    base: Value,
    group: Value,
    own: Value,
) -> Value {
    let s = cx.scratch;
    let zero = cx.i32c(out, 0);
    cx.set(out, s.acc, zero, 4);
    let lanes = cx.i32c(out, 32);
    cx.counted_loop(out, s.inner, lanes, |cx, out, k| {
        let member = cx.has_bit(out, group, k);
        let mut body = Vec::new();
        let u = cx.bin(&mut body, BinaryOp::Add, base, k);
        let v = cx.read(&mut body, value, u);
        let same = cx.cmp(&mut body, CmpOp::Eq, v, own);
        let one = cx.i32c(&mut body, 1);
        let bit = cx.bin(&mut body, BinaryOp::Shl, one, k);
        let zero = cx.i32c(&mut body, 0);
        let add = emit(
            cx.func,
            &mut body,
            cx.types.i32_,
            Inst::Select {
                cond: same,
                if_true: bit,
                if_false: zero,
            },
        );
        let acc = cx.get(&mut body, s.acc);
        let new = cx.bin(&mut body, BinaryOp::Or, acc, add);
        cx.set(&mut body, s.acc, new, 4);
        out.push(if_then(member, body));
    });
    let equal_lanes = cx.get(out, s.acc);
    match kind {
        MatchKind::Any => equal_lanes,
        MatchKind::All => {
            let all = cx.cmp(out, CmpOp::Eq, equal_lanes, group);
            let zero = cx.i32c(out, 0);
            emit(
                cx.func,
                out,
                cx.types.i32_,
                Inst::Select {
                    cond: all,
                    if_true: group,
                    if_false: zero,
                },
            )
        }
    }
}

/// `__shfl*_sync` for one lane: the executor's source-lane rule, the lane's own value when
/// the source is outside its segment or does not take part.
#[allow(clippy::too_many_arguments)]
fn shuffle(
    cx: &mut Cx<'_>,
    c: &Collective,
    out: &mut Vec<Stmt>,
    kind: ShuffleKind,
    [value, arg, width]: [Exchange; 3],
    base: Value,
    l: Value,
    t: Value,
    group: Value,
) {
    let Some(result) = c.result else {
        return;
    };
    let i64_ = cx.types.i64_;
    let w = cx.read(out, width, t);
    // width in 1..=32 and a power of two.
    let one = cx.i32c(out, 1);
    let thirty_two = cx.i32c(out, 32);
    let small = cx.cmp(out, CmpOp::SLt, w, one);
    let large = cx.cmp(out, CmpOp::SGt, w, thirty_two);
    let w_minus_one = cx.bin(out, BinaryOp::Sub, w, one);
    let overlap = cx.bin(out, BinaryOp::And, w, w_minus_one);
    let zero = cx.i32c(out, 0);
    let not_pow2 = cx.cmp(out, CmpOp::Ne, overlap, zero);
    let bad = cx.bin(out, BinaryOp::Or, small, large);
    let bad = cx.bin(out, BinaryOp::Or, bad, not_pow2);
    cx.trap_if(
        out,
        bad,
        format!(
            "{}: shuffle width is not a power of two between 1 and 32",
            c.what
        ),
    );
    let widen = |cx: &mut Cx<'_>, out: &mut Vec<Stmt>, v: Value| {
        emit(
            cx.func,
            out,
            i64_,
            Inst::Convert {
                op: ConvOp::ZExt,
                arg: v,
            },
        )
    };
    let c64 =
        |cx: &mut Cx<'_>, out: &mut Vec<Stmt>, v: i64| emit_const(cx.func, out, i64_, v as u64);
    let b = cx.read(out, arg, t);
    let b = widen(cx, out, b);
    let lane = widen(cx, out, l);
    let w64 = widen(cx, out, w);
    let c32 = c64(cx, out, 32);
    let seg = cx.bin(out, BinaryOp::Sub, c32, w64);
    let min_lane = cx.bin(out, BinaryOp::And, lane, seg);
    let minus_one = c64(cx, out, -1);
    let not_seg = cx.bin(out, BinaryOp::Xor, seg, minus_one);
    let c31 = c64(cx, out, 31);
    let inside = cx.bin(out, BinaryOp::And, c31, not_seg);
    let max_lane = cx.bin(out, BinaryOp::Or, min_lane, inside);
    let (source, valid) = match kind {
        ShuffleKind::Idx => {
            let low = cx.bin(out, BinaryOp::And, b, inside);
            let j = cx.bin(out, BinaryOp::Or, min_lane, low);
            let valid = cx.cmp(out, CmpOp::SLe, j, max_lane);
            (j, valid)
        }
        ShuffleKind::Up => {
            let j = cx.bin(out, BinaryOp::Sub, lane, b);
            let valid = cx.cmp(out, CmpOp::SGe, j, min_lane);
            (j, valid)
        }
        ShuffleKind::Down => {
            let j = cx.bin(out, BinaryOp::Add, lane, b);
            let valid = cx.cmp(out, CmpOp::SLe, j, max_lane);
            (j, valid)
        }
        ShuffleKind::Xor => {
            let j = cx.bin(out, BinaryOp::Xor, lane, b);
            let valid = cx.cmp(out, CmpOp::SLe, j, max_lane);
            (j, valid)
        }
    };
    let source = emit(
        cx.func,
        out,
        i64_,
        Inst::Select {
            cond: valid,
            if_true: source,
            if_false: lane,
        },
    );
    let source = emit(
        cx.func,
        out,
        cx.types.i32_,
        Inst::Convert {
            op: ConvOp::Trunc,
            arg: source,
        },
    );
    let member = cx.has_bit(out, group, source);
    let mut from_source = Vec::new();
    let u = cx.bin(&mut from_source, BinaryOp::Add, base, source);
    let v = cx.read(&mut from_source, value, u);
    cx.write(&mut from_source, result, t, v);
    let mut own = Vec::new();
    let v = cx.read(&mut own, value, t);
    cx.write(&mut own, result, t, v);
    out.push(if_else(member, from_source, own));
}
