//! Which block barriers must also order the heap (`storageBarrier`).
//!
//! CUDA's `__syncthreads` (and `__syncwarp`) orders every memory access of the block, so a
//! barrier is emitted as `storageBarrier(); workgroupBarrier();`. The storage half costs time
//! in loops that only exchange through shared memory (a reduction's tree, a matmul's tiles),
//! so this pass finds the barriers that can do without it. A barrier keeps it when
//!
//! - a heap write may execute after the previous barrier and before it (a read after it may
//!   need to see that write), or
//! - a heap access may execute after the previous barrier *that kept its storage half* and
//!   before it, and a heap write may execute after it and before the next barrier (a read
//!   before it must not see a later write of another thread).
//!
//! "Heap" is any access through a pointer that may point into the heap (global, constant or
//! generic memory, as the caller decides). The second rule counts from the last kept
//! storage barrier, not from the last barrier: with `read; barrier; barrier; write` one of
//! the two barriers must order the read before the write, and only the second can see both.
//!
//! The analysis runs over the structured regions (calls are already inlined): a forward pass
//! for the accesses before each barrier, a backward pass for the writes after it, both
//! iterated to a fixpoint over loops (an access at the end of a loop body reaches the
//! barriers at the top of the next iteration; a `break` leads to what follows the loop).
//! Every barrier statement (`__syncthreads` in all its forms, `__syncwarp`) counts, since each
//! is emitted as a barrier of the whole workgroup; the `count` / `and` / `or` forms always
//! keep their storage half (it is inside a shared helper). Where the analysis is unsure (a
//! `break` outside a loop, no fixpoint) every barrier keeps it.

use cwcc_simt::ir::{BarrierKind, Inst, Region, Stmt, StmtKind, Value};
use std::collections::HashMap;

/// Parts of the heap, as a set: bit `i` (below 63) is the buffer of kernel pointer
/// parameter `i`; [`ANYWHERE`] (every bit) is any part.
pub type HeapParts = u64;

/// Any part of the heap.
pub const ANYWHERE: HeapParts = u64::MAX;

/// The parts of the heap a statement may (access, write).
fn heap_effect(inst: &Inst, heap: &dyn Fn(Value) -> HeapParts) -> (HeapParts, HeapParts) {
    match inst {
        Inst::Load { ptr, .. } => (heap(*ptr), 0),
        Inst::Store { ptr, .. } | Inst::AtomicRmw { ptr, .. } | Inst::AtomicCas { ptr, .. } => {
            let h = heap(*ptr);
            (h, h)
        }
        // Calls are inlined and the others are refused, but stay on the safe side.
        Inst::Call { .. } | Inst::Fence(_) | Inst::Trap { .. } | Inst::Printf { .. } => {
            (ANYWHERE, ANYWHERE)
        }
        _ => (0, 0),
    }
}

/// Whether a statement is a block barrier.
fn is_barrier(inst: &Inst) -> bool {
    matches!(inst, Inst::Barrier(_) | Inst::SyncWarp { .. })
}

/// For every barrier statement (`Inst::Barrier` of any kind and `Inst::SyncWarp`) of `body`,
/// in the order of [`Region::walk`], whether it must be a storage barrier too. `heap` says
/// which parts of the heap an access through a pointer value may touch (0: none).
pub fn storage_barriers(body: &Region, heap: &dyn Fn(Value) -> HeapParts) -> Vec<bool> {
    let mut barriers = HashMap::new();
    let mut loops = HashMap::new();
    body.walk(&mut |stmt: &Stmt| match &stmt.kind {
        StmtKind::Inst { inst, .. } if is_barrier(inst) => {
            let n = barriers.len();
            barriers.insert(std::ptr::from_ref(stmt), n);
        }
        StmtKind::Loop { .. } => {
            let n = loops.len();
            loops.insert(std::ptr::from_ref(stmt), n);
        }
        _ => {}
    });
    let n = barriers.len();
    let all = vec![true; n];
    // Enough passes for every loop head and every decision to grow one step at a time.
    let max_passes = 4 * (loops.len() + n) + 4;

    let mut back = Backward {
        heap,
        barriers: &barriers,
        loops: &loops,
        write_after: vec![0; n],
        heads: vec![0; loops.len()],
        exits: Vec::new(),
        changed: false,
        unsure: false,
    };
    let mut converged = false;
    for _ in 0..max_passes {
        back.changed = false;
        back.region(body, 0);
        if back.unsure {
            return all;
        }
        if !back.changed {
            converged = true;
            break;
        }
    }
    if !converged {
        return all;
    }

    let mut fwd = Forward {
        heap,
        barriers: &barriers,
        loops: &loops,
        write_after: &back.write_after,
        keep: vec![false; n],
        heads: vec![State::default(); loops.len()],
        exits: Vec::new(),
        changed: false,
        unsure: false,
    };
    for _ in 0..max_passes {
        fwd.changed = false;
        fwd.region(body, State::default());
        if fwd.unsure {
            return all;
        }
        if !fwd.changed {
            return fwd.keep;
        }
    }
    all
}

/// The backward pass: the parts of the heap a write may touch from a point on before a
/// barrier.
struct Backward<'a> {
    heap: &'a dyn Fn(Value) -> HeapParts,
    barriers: &'a HashMap<*const Stmt, usize>,
    loops: &'a HashMap<*const Stmt, usize>,
    /// Per barrier: the parts a heap write may touch after it before the next barrier.
    write_after: Vec<HeapParts>,
    /// Per loop: the state at the top of its body (grows until the fixpoint).
    heads: Vec<HeapParts>,
    /// The innermost loops' (break target, continue target) states.
    exits: Vec<(HeapParts, HeapParts)>,
    changed: bool,
    unsure: bool,
}

impl Backward<'_> {
    /// The state before `r`, given the state `after` it.
    fn region(&mut self, r: &Region, after: HeapParts) -> HeapParts {
        let mut s = after;
        for stmt in r.stmts.iter().rev() {
            s = match &stmt.kind {
                StmtKind::Inst { inst, .. } => {
                    if let Some(&i) = self.barriers.get(&std::ptr::from_ref(stmt)) {
                        if s & !self.write_after[i] != 0 {
                            self.write_after[i] |= s;
                            self.changed = true;
                        }
                        0
                    } else {
                        s | heap_effect(inst, self.heap).1
                    }
                }
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    let t = self.region(then_region, s);
                    let e = self.region(else_region, s);
                    t | e
                }
                StmtKind::Loop { body, continuing } => {
                    let Some(&l) = self.loops.get(&std::ptr::from_ref(stmt)) else {
                        self.unsure = true;
                        return ANYWHERE;
                    };
                    let head = self.heads[l];
                    let cont = self.region(continuing, head);
                    self.exits.push((s, cont));
                    let top = self.region(body, cont);
                    self.exits.pop();
                    if top & !self.heads[l] != 0 {
                        self.heads[l] |= top;
                        self.changed = true;
                    }
                    self.heads[l]
                }
                StmtKind::Break | StmtKind::Continue => {
                    let Some(&(brk, cont)) = self.exits.last() else {
                        self.unsure = true;
                        return ANYWHERE;
                    };
                    if matches!(stmt.kind, StmtKind::Break) {
                        brk
                    } else {
                        cont
                    }
                }
                // Nothing of this thread follows the end of the kernel.
                StmtKind::Return(_) => 0,
            };
        }
        s
    }
}

/// The forward state at a point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct State {
    /// A heap write may have executed since the last barrier.
    write: bool,
    /// The parts of the heap an access may have touched since the last barrier that kept
    /// its storage half.
    access: HeapParts,
}

impl State {
    fn join(self, o: State) -> State {
        State {
            write: self.write || o.write,
            access: self.access | o.access,
        }
    }
}

/// The forward pass: the accesses before each barrier, and the decisions.
struct Forward<'a> {
    heap: &'a dyn Fn(Value) -> HeapParts,
    barriers: &'a HashMap<*const Stmt, usize>,
    loops: &'a HashMap<*const Stmt, usize>,
    write_after: &'a [HeapParts],
    /// Per barrier: it keeps its storage half (only ever set, so the passes converge).
    keep: Vec<bool>,
    /// Per loop: the state at the top of its body.
    heads: Vec<State>,
    /// The innermost loops' (break, continue) states so far.
    exits: Vec<(State, State)>,
    changed: bool,
    unsure: bool,
}

impl Forward<'_> {
    /// The state after `r` falls through, given the state `before` it (the default state,
    /// nothing pending, after a `break`, `continue` or `return`).
    fn region(&mut self, r: &Region, before: State) -> State {
        let mut s = before;
        for stmt in &r.stmts {
            s = match &stmt.kind {
                StmtKind::Inst { inst, .. } => {
                    if let Some(&i) = self.barriers.get(&std::ptr::from_ref(stmt)) {
                        let forced = matches!(inst, Inst::Barrier(k) if *k != BarrierKind::Sync);
                        let keep = forced || s.write || (s.access & self.write_after[i] != 0);
                        if keep && !self.keep[i] {
                            self.keep[i] = true;
                            self.changed = true;
                        }
                        State {
                            write: false,
                            access: if self.keep[i] { 0 } else { s.access },
                        }
                    } else {
                        let (access, write) = heap_effect(inst, self.heap);
                        State {
                            write: s.write || write != 0,
                            access: s.access | access,
                        }
                    }
                }
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    let t = self.region(then_region, s);
                    let e = self.region(else_region, s);
                    t.join(e)
                }
                StmtKind::Loop { body, continuing } => {
                    let Some(&l) = self.loops.get(&std::ptr::from_ref(stmt)) else {
                        self.unsure = true;
                        return s;
                    };
                    let head = self.heads[l].join(s);
                    self.exits.push((State::default(), State::default()));
                    let end = self.region(body, head);
                    let (brk, cont) = self.exits.pop().unwrap_or_default();
                    let back = self.region(continuing, end.join(cont));
                    let new = head.join(back);
                    if new != self.heads[l] {
                        self.heads[l] = new;
                        self.changed = true;
                    }
                    brk
                }
                StmtKind::Break | StmtKind::Continue => {
                    let is_break = matches!(stmt.kind, StmtKind::Break);
                    let Some(exit) = self.exits.last_mut() else {
                        self.unsure = true;
                        return s;
                    };
                    if is_break {
                        exit.0 = exit.0.join(s);
                    } else {
                        exit.1 = exit.1.join(s);
                    }
                    State::default()
                }
                StmtKind::Return(_) => State::default(),
            };
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::{storage_barriers, ANYWHERE};
    use cwcc_simt::ir::{AddrSpace, Type, Value};

    /// The decisions for the first function of `body` (a kernel body over `%v0: ptr<global>`,
    /// `%v1: ptr<shared>`, `%v2: ptr<generic>` and `%v3: i1`), global and generic pointers
    /// counting as heap.
    fn decide(body: &str) -> Vec<bool> {
        let text = format!(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: ptr<shared>, %v2: ptr<generic>, %v3: i1) {{
  %v4: i32 = const 1
{body}  return
}}
kernel \"k\" = fn0(\"a\": ptr<global>, \"s\": ptr<shared>, \"g\": ptr<generic>, \"c\": i1) static_shared 0
"
        );
        let m = cwcc_simt::parse_module(&text).unwrap();
        let (_, f) = m.functions.iter().next().unwrap();
        let heap = |v: Value| {
            let space = f.value_type(v).and_then(|t| match m.type_of(t) {
                Some(Type::Ptr(space)) => Some(*space),
                _ => None,
            });
            if matches!(
                space,
                Some(AddrSpace::Shared | AddrSpace::Local | AddrSpace::Param)
            ) {
                0
            } else {
                ANYWHERE
            }
        };
        storage_barriers(&f.body, &heap)
    }

    #[test]
    fn a_reduction_tree_loses_the_storage_barrier_of_its_loop() {
        // v = in[i]; s[t] = v; sync; for (..) { if (c) s[t] += ..; sync; } if (c) out = s[0];
        let keep = decide(
            "  %v5: i32 = load %v0 align 4
  store %v1, %v5 align 4
  barrier
  loop {
    if %v3 {
      break
    } else {
    }
    if %v3 {
      %v6: i32 = load %v1 align 4
      store %v1, %v6 align 4
    } else {
    }
    barrier
  } continuing {
  }
  if %v3 {
    store %v0, %v4 align 4
  } else {
  }
",
        );
        // The first barrier orders the input reads before the final write (the loop may run
        // zero times); the tree's barrier only exchanges shared memory.
        assert_eq!(keep, vec![true, false]);
    }

    #[test]
    fn matmul_tiles_keep_one_storage_barrier_of_two() {
        // for (..) { As = A[..]; Bs = B[..]; sync; acc += ..; sync; } C[..] = acc;
        let keep = decide(
            "  loop {
    if %v3 {
      break
    } else {
    }
    %v5: i32 = load %v0 align 4
    store %v1, %v5 align 4
    barrier
    %v6: i32 = load %v1 align 4
    barrier
  } continuing {
  }
  store %v0, %v4 align 4
",
        );
        // The reads of a tile must come before the final write of another thread: the
        // second barrier (the last before it on every path) orders them.
        assert_eq!(keep, vec![false, true]);
    }

    #[test]
    fn a_write_before_a_barrier_keeps_it() {
        let keep = decide(
            "  store %v0, %v4 align 4
  barrier
  %v5: i32 = load %v1 align 4
  barrier
",
        );
        assert_eq!(keep, vec![true, false]);
    }

    #[test]
    fn shared_memory_alone_needs_no_storage_barrier() {
        let keep = decide(
            "  store %v1, %v4 align 4
  barrier
  %v5: i32 = load %v1 align 4
  %v6: i32 = const -1
  syncwarp %v6
",
        );
        assert_eq!(keep, vec![false, false]);
    }

    #[test]
    fn a_write_late_in_a_loop_reaches_the_barrier_at_its_top() {
        let keep = decide(
            "  loop {
    if %v3 {
      break
    } else {
    }
    barrier
    if %v3 {
      store %v0, %v4 align 4
      continue
    } else {
    }
    %v5: i32 = load %v1 align 4
  } continuing {
  }
",
        );
        assert_eq!(keep, vec![true]);
    }

    #[test]
    fn a_read_then_a_write_across_two_barriers_keeps_the_second() {
        // Reads before the first barrier, writes after the second: only the second can
        // order them, and it does.
        let keep = decide(
            "  %v5: i32 = load %v0 align 4
  barrier
  barrier
  store %v0, %v5 align 4
",
        );
        assert_eq!(keep, vec![false, true]);
        // Reads alone, or writes only before the first barrier, need less.
        let keep = decide(
            "  %v5: i32 = load %v0 align 4
  barrier
  %v6: i32 = load %v0 align 4
  barrier
",
        );
        assert_eq!(keep, vec![false, false]);
    }

    #[test]
    fn generic_pointers_and_atomics_count_as_heap() {
        let keep = decide(
            "  store %v2, %v4 align 4
  barrier
",
        );
        assert_eq!(keep, vec![true]);
        let keep = decide(
            "  %v5: i32 = atomic.add.device %v0, %v4
  barrier
",
        );
        assert_eq!(keep, vec![true]);
        let keep = decide(
            "  %v5: i32 = atomic.add.device %v1, %v4
  barrier
",
        );
        assert_eq!(keep, vec![false]);
    }

    #[test]
    fn counting_barriers_always_keep_it() {
        let keep = decide(
            "  %v5: i32 = barrier.count %v3
  barrier
",
        );
        assert_eq!(keep, vec![true, false]);
    }

    #[test]
    fn the_wgsl_of_a_reduction_has_one_storage_barrier() {
        // s[t] = in[t]; sync; loop { if (c) s[t] += s[t]; sync; } if (c) out[0] = s[0];
        let text = "module phase simt
global @g0 \"s\": [64 x i32] shared align 4
fn fn0 \"k\"(%v0: ptr<global>, %v1: i1) {
  %v2: ptr<shared> = global_addr @g0
  %v3: i32 = load %v0 align 4
  store %v2, %v3 align 4
  barrier
  loop {
    if %v1 {
      break
    } else {
    }
    if %v1 {
      %v4: i32 = load %v2 align 4
      %v5: i32 = add %v4, %v4
      store %v2, %v5 align 4
    } else {
    }
    barrier
  } continuing {
  }
  if %v1 {
    %v6: i32 = load %v2 align 4
    store %v0, %v6 align 4
  } else {
  }
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>, \"c\": i1) static_shared 256
";
        let module = cwcc_simt::parse_module(text).unwrap();
        let k = crate::compile(&module, "k", &crate::WgslOptions::default()).unwrap();
        naga::front::wgsl::parse_str(&k.source).unwrap();
        assert_eq!(
            k.source.matches("storageBarrier()").count(),
            1,
            "{}",
            k.source
        );
        assert_eq!(
            k.source.matches("workgroupBarrier()").count(),
            2,
            "{}",
            k.source
        );
    }

    /// `t[tid] = in[j]; sync; out[k] = t[..]`: the read of `in` before the barrier must not
    /// see another thread's write after it, unless `in` and `out` are known to be
    /// different buffers ([`crate::WgslOptions::distinct_pointer_params`]); an in-place
    /// version (`a` read and written) keeps the storage barrier either way.
    #[test]
    fn distinct_buffers_need_no_storage_barrier_between_a_read_and_a_write() {
        let kernel = |write_param: &str| {
            format!(
                "module phase simt
global @g0 \"t\": [64 x i32] shared align 4
fn fn0 \"k\"(%v0: ptr<global>, %v1: ptr<global>) {{
  %v2: ptr<shared> = global_addr @g0
  %v3: i32 = load %v0 align 4
  store %v2, %v3 align 4
  barrier
  %v4: i32 = load %v2 align 4
  store {write_param}, %v4 align 4
  return
}}
kernel \"k\" = fn0(\"in\": ptr<global>, \"out\": ptr<global>) static_shared 256
"
            )
        };
        let storage_barriers = |text: &str, distinct: bool| {
            let module = cwcc_simt::parse_module(text).unwrap();
            let opts = crate::WgslOptions {
                distinct_pointer_params: distinct,
                ..Default::default()
            };
            let k = crate::compile(&module, "k", &opts).unwrap();
            k.source.matches("storageBarrier()").count()
        };
        let transpose = kernel("%v1");
        assert_eq!(storage_barriers(&transpose, false), 1);
        assert_eq!(storage_barriers(&transpose, true), 0);
        let in_place = kernel("%v0");
        assert_eq!(storage_barriers(&in_place, true), 1);
    }
}
