//! Running one block: threads as resumable state machines, the warp/barrier scheduler, and
//! the execution of every instruction.
//!
//! Each thread has a stack of call frames, each with a stack of region cursors, so a thread
//! can stop at any barrier or warp collective and be resumed later. The scheduler runs the
//! warps one after another; inside a warp the running lanes take one statement each in turn,
//! so converged lanes proceed in lock step (warp-synchronous code works as on hardware). When
//! no thread can run, waiting collectives are completed: warp collectives whose lanes have all
//! arrived, then `active_mask`, then a barrier that every thread has reached. If none can
//! complete, the launch fails with a description of who waits where (never a hang).

use super::math::call_math;
use super::memory::{Memory, LOCAL_BASE, PARAM_BASE, SHARED_BASE};
use super::printf::format_printf;
use super::{ExecError, Output};
use crate::eval::{eval_binary, eval_cmp, eval_convert, eval_unary, sign_extend, truncate};
use crate::ir::*;
use crate::module::OpName;

/// Largest local memory of one thread (all frames together).
const MAX_LOCAL_BYTES: usize = 1 << 20;
/// Deepest call stack.
const MAX_CALL_DEPTH: usize = 256;

/// The layout of a function's locals in its frame.
pub(super) struct FrameLayout {
    pub offsets: Vec<u64>,
    pub size: u64,
}

/// Everything that is the same for all blocks of a launch.
pub(super) struct Ctx<'m> {
    pub module: &'m Module,
    pub kernel: &'m KernelInfo,
    pub grid: [u32; 3],
    pub block: [u32; 3],
    /// Address of each global (shared ones in the shared window).
    pub global_addrs: Vec<u64>,
    pub layouts: Vec<FrameLayout>,
    pub shared_size: usize,
    pub dyn_shared_offset: u64,
    pub params: Vec<u8>,
    pub param_values: Vec<u64>,
    pub max_steps: u64,
}

/// A failure inside one thread: a message and the statement's location.
struct Fault {
    message: String,
    loc: Option<Loc>,
}

#[derive(Clone, Copy)]
enum CursorKind<'m> {
    Plain,
    LoopBody(&'m Region, &'m Region),
    LoopContinuing(&'m Region, &'m Region),
}

struct Cursor<'m> {
    stmts: &'m [Stmt],
    next: usize,
    kind: CursorKind<'m>,
}

struct Frame<'m> {
    func: &'m Function,
    func_id: FuncId,
    values: Vec<u64>,
    local_base: usize,
    cursors: Vec<Cursor<'m>>,
    /// Where the caller wants the return value.
    result: Option<Value>,
}

#[derive(Clone, Copy, Debug)]
enum WaitKind {
    Barrier(BarrierKind, bool),
    SyncWarp {
        mask: u32,
    },
    Shuffle {
        kind: ShuffleKind,
        mask: u32,
        value: u64,
        lane: u32,
        width: u32,
    },
    Vote {
        kind: VoteKind,
        mask: u32,
        pred: bool,
    },
    Match {
        kind: MatchKind,
        mask: u32,
        value: u64,
    },
    Reduce {
        op: ReduceOp,
        mask: u32,
        value: u32,
    },
    ActiveMask,
}

impl WaitKind {
    /// Collectives complete together only with the same class.
    fn class(&self) -> (u8, u8) {
        match self {
            WaitKind::Barrier(..) => (0, 0),
            WaitKind::SyncWarp { .. } => (1, 0),
            WaitKind::Shuffle { kind, .. } => (2, *kind as u8),
            WaitKind::Vote { kind, .. } => (3, *kind as u8),
            WaitKind::Match { kind, .. } => (4, *kind as u8),
            WaitKind::Reduce { op, .. } => (5, *op as u8),
            WaitKind::ActiveMask => (6, 0),
        }
    }

    fn mask(&self) -> Option<u32> {
        match self {
            WaitKind::SyncWarp { mask }
            | WaitKind::Shuffle { mask, .. }
            | WaitKind::Vote { mask, .. }
            | WaitKind::Match { mask, .. }
            | WaitKind::Reduce { mask, .. } => Some(*mask),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            WaitKind::Barrier(..) => "__syncthreads".to_string(),
            WaitKind::SyncWarp { mask } => format!("__syncwarp(0x{mask:08x})"),
            WaitKind::Shuffle { kind, mask, .. } => {
                format!("shfl.{} (mask 0x{mask:08x})", kind.name())
            }
            WaitKind::Vote { kind, mask, .. } => {
                format!("vote.{} (mask 0x{mask:08x})", kind.name())
            }
            WaitKind::Match { kind, mask, .. } => {
                format!("match.{} (mask 0x{mask:08x})", kind.name())
            }
            WaitKind::Reduce { op, mask, .. } => {
                format!("reduce.{} (mask 0x{mask:08x})", op.name())
            }
            WaitKind::ActiveMask => "__activemask".to_string(),
        }
    }
}

/// Where lanes execute `__activemask()` together: the statement and the call sites above it.
type ActiveMaskSite = (usize, Vec<(usize, usize)>);

#[derive(Clone, Copy, Debug)]
struct Wait {
    kind: WaitKind,
    result: Option<Value>,
    /// Identity of the statement (its address), to tell barriers apart.
    stmt: usize,
    loc: Option<Loc>,
}

enum State {
    Running,
    Waiting(Wait),
    Exited,
}

struct Thread<'m> {
    tid: [u32; 3],
    block: [u32; 3],
    linear: u32,
    frames: Vec<Frame<'m>>,
    local: Vec<u8>,
    state: State,
    steps: u64,
}

/// The memory spaces of a block besides the thread's local memory.
struct Spaces<'a> {
    mem: &'a mut Memory,
    shared: Vec<u8>,
    params: Vec<u8>,
}

/// Runs one block to completion.
pub(super) fn run_block(
    cx: &Ctx<'_>,
    block_id: [u32; 3],
    mem: &mut Memory,
    out: &mut Output,
) -> Result<(), ExecError> {
    let [bx, by, bz] = cx.block;
    // A per-block function runs once per block; its thread loops do the threads' work.
    let count = match cx.module.phase {
        Phase::Simt => (bx * by * bz) as usize,
        Phase::PerBlock => 1,
    };
    let mut threads = Vec::with_capacity(count);
    let kernel_fn = cx.kernel.function;
    let Some(func) = cx.module.functions.get(kernel_fn) else {
        return Err(error(
            cx,
            block_id,
            None,
            None,
            format!("kernel function {kernel_fn} does not exist"),
        ));
    };
    for linear in 0..count as u32 {
        let tid = [linear % bx, (linear / bx) % by, linear / (bx * by)];
        let mut thread = Thread {
            tid,
            block: block_id,
            linear,
            frames: Vec::new(),
            local: Vec::new(),
            state: State::Running,
            steps: 0,
        };
        push_frame(cx, &mut thread, kernel_fn, func, &cx.param_values, None)
            .map_err(|m| error(cx, block_id, Some(tid), None, m))?;
        threads.push(thread);
    }
    let mut spaces = Spaces {
        mem,
        shared: vec![0; cx.shared_size],
        params: cx.params.clone(),
    };
    let mut block = Block {
        cx,
        block_id,
        threads,
        out,
    };
    block.run(&mut spaces)
}

fn error(
    cx: &Ctx<'_>,
    block: [u32; 3],
    thread: Option<[u32; 3]>,
    loc: Option<Loc>,
    message: String,
) -> ExecError {
    ExecError {
        kernel: cx.kernel.name.clone(),
        block: Some(block),
        thread,
        location: loc.map(|l| cx.module.format_loc(l)),
        message,
    }
}

fn push_frame<'m>(
    cx: &Ctx<'m>,
    thread: &mut Thread<'m>,
    func_id: FuncId,
    func: &'m Function,
    args: &[u64],
    result: Option<Value>,
) -> Result<(), String> {
    if thread.frames.len() >= MAX_CALL_DEPTH {
        return Err(format!(
            "call stack deeper than {MAX_CALL_DEPTH} frames (unbounded recursion?)"
        ));
    }
    let layout = cx
        .layouts
        .get(func_id.index())
        .ok_or_else(|| format!("function {func_id} does not exist"))?;
    let local_base = thread.local.len().next_multiple_of(16);
    let new_len = usize::try_from(layout.size)
        .ok()
        .and_then(|size| local_base.checked_add(size))
        .unwrap_or(usize::MAX);
    if new_len > MAX_LOCAL_BYTES {
        return Err(format!(
            "local memory of the thread exceeds {MAX_LOCAL_BYTES} bytes"
        ));
    }
    thread.local.resize(new_len, 0);
    let mut values = vec![0u64; func.value_types.len()];
    for (param, arg) in func.params.iter().zip(args) {
        if let Some(slot) = values.get_mut(param.index()) {
            *slot = *arg;
        }
    }
    thread.frames.push(Frame {
        func,
        func_id,
        values,
        local_base,
        cursors: vec![Cursor {
            stmts: &func.body.stmts,
            next: 0,
            kind: CursorKind::Plain,
        }],
        result,
    });
    Ok(())
}

struct Block<'c, 'm> {
    cx: &'c Ctx<'m>,
    block_id: [u32; 3],
    threads: Vec<Thread<'m>>,
    out: &'c mut Output,
}

impl<'m> Block<'_, 'm> {
    fn fail(&self, index: usize, loc: Option<Loc>, message: String) -> ExecError {
        let tid = self.threads.get(index).map(|t| t.tid);
        error(self.cx, self.block_id, tid, loc, message)
    }

    fn run(&mut self, spaces: &mut Spaces<'_>) -> Result<(), ExecError> {
        let count = self.threads.len();
        let warps = count.div_ceil(32);
        loop {
            for warp in 0..warps {
                let lanes = warp * 32..(warp * 32 + 32).min(count);
                loop {
                    let mut any = false;
                    for index in lanes.clone() {
                        let thread = &mut self.threads[index];
                        if matches!(thread.state, State::Running) {
                            any = true;
                            if let Err(fault) = step(self.cx, spaces, self.out, thread) {
                                return Err(self.fail(index, fault.loc, fault.message));
                            }
                        }
                    }
                    if !any {
                        break;
                    }
                }
            }
            if self
                .threads
                .iter()
                .all(|t| matches!(t.state, State::Exited))
            {
                return Ok(());
            }
            if self.resolve_warp_collectives()?
                || self.resolve_active_mask()
                || self.resolve_barrier()?
            {
                continue;
            }
            return Err(self.deadlock());
        }
    }

    fn wait_of(&self, index: usize) -> Option<Wait> {
        match self.threads.get(index).map(|t| &t.state) {
            Some(State::Waiting(wait)) => Some(*wait),
            _ => None,
        }
    }

    fn release(&mut self, index: usize, value: u64) {
        if let Some(thread) = self.threads.get_mut(index) {
            if let State::Waiting(wait) = thread.state {
                if let (Some(result), Some(frame)) = (wait.result, thread.frames.last_mut()) {
                    if let Some(slot) = frame.values.get_mut(result.index()) {
                        *slot = value;
                    }
                }
                thread.state = State::Running;
            }
        }
    }

    fn warn(&mut self, message: String) {
        if self.out.warnings.len() < 100 && !self.out.warnings.contains(&message) {
            self.out.warnings.push(message);
        }
    }

    fn resolve_warp_collectives(&mut self) -> Result<bool, ExecError> {
        let count = self.threads.len();
        let mut released = false;
        for warp in 0..count.div_ceil(32) {
            let first = warp * 32;
            let existing: u32 = if count - first >= 32 {
                u32::MAX
            } else {
                (1u32 << (count - first)) - 1
            };
            for lane in 0..32usize {
                let index = first + lane;
                if index >= count {
                    break;
                }
                let Some(wait) = self.wait_of(index) else {
                    continue;
                };
                let Some(raw_mask) = wait.kind.mask() else {
                    continue;
                };
                if raw_mask & (1 << lane) == 0 {
                    return Err(self.fail(index, wait.loc, format!("{} is called by lane {lane} with a mask that does not include the lane itself", wait.kind.describe())));
                }
                let mask = raw_mask & existing;
                let mut group = 0u32;
                let mut ready = true;
                for other in 0..32usize {
                    if mask & (1 << other) == 0 {
                        continue;
                    }
                    match &self.threads[first + other].state {
                        State::Exited => {
                            let message = format!(
                                "block ({},{},{}): lane {other} of warp {warp} is named in the mask of {} but has exited; it does not take part",
                                self.block_id[0], self.block_id[1], self.block_id[2], wait.kind.describe()
                            );
                            self.warn(message);
                        }
                        State::Waiting(w) if w.kind.class() == wait.kind.class() => {
                            group |= 1 << other
                        }
                        _ => {
                            ready = false;
                            break;
                        }
                    }
                }
                if !ready {
                    continue;
                }
                let results = self.collective_results(first, group, &wait)?;
                for (other, value) in results {
                    self.release(first + other, value);
                }
                released = true;
            }
        }
        Ok(released)
    }

    /// Computes the result of every lane of `group` (bit per lane) for a collective.
    fn collective_results(
        &mut self,
        first: usize,
        group: u32,
        sample: &Wait,
    ) -> Result<Vec<(usize, u64)>, ExecError> {
        let lanes: Vec<usize> = (0..32).filter(|l| group & (1 << l) != 0).collect();
        let waits: Vec<(usize, Wait)> = lanes
            .iter()
            .filter_map(|&l| self.wait_of(first + l).map(|w| (l, w)))
            .collect();
        let mut results = Vec::with_capacity(waits.len());
        match sample.kind {
            WaitKind::SyncWarp { .. } => results.extend(waits.iter().map(|(l, _)| (*l, 0))),
            WaitKind::Shuffle { .. } => {
                for (lane, wait) in &waits {
                    let WaitKind::Shuffle {
                        kind,
                        value,
                        lane: b,
                        width,
                        ..
                    } = wait.kind
                    else {
                        continue;
                    };
                    if !(1..=32).contains(&width) || !width.is_power_of_two() {
                        return Err(self.fail(
                            first + lane,
                            wait.loc,
                            format!(
                                "shuffle width {} is not a power of two between 1 and 32",
                                width as i32
                            ),
                        ));
                    }
                    let lane_i = *lane as i64;
                    let seg = 32 - width as i64;
                    let min_lane = lane_i & seg;
                    let max_lane = min_lane | (31 & !seg);
                    let b = i64::from(b);
                    let (source, valid) = match kind {
                        ShuffleKind::Idx => {
                            let j = min_lane | (b & 31 & !seg);
                            (j, j <= max_lane)
                        }
                        ShuffleKind::Up => {
                            let j = lane_i - b;
                            (j, j >= min_lane)
                        }
                        ShuffleKind::Down => {
                            let j = lane_i + b;
                            (j, j <= max_lane)
                        }
                        ShuffleKind::Xor => {
                            let j = lane_i ^ b;
                            (j, j <= max_lane)
                        }
                    };
                    let source = if valid { source as usize } else { *lane };
                    let read = if group & (1u32 << source) != 0 {
                        match self.wait_of(first + source).map(|w| w.kind) {
                            Some(WaitKind::Shuffle { value, .. }) => value,
                            _ => value,
                        }
                    } else {
                        let message = format!(
                            "block ({},{},{}): lane {lane} of warp {} reads lane {source} with shfl.{}, which does not take part; the result is undefined in CUDA (the lane's own value is used)",
                            self.block_id[0], self.block_id[1], self.block_id[2], first / 32, kind.name()
                        );
                        self.warn(message);
                        value
                    };
                    results.push((*lane, read));
                }
            }
            WaitKind::Vote { kind, .. } => {
                let mut ballot = 0u32;
                for (lane, wait) in &waits {
                    if let WaitKind::Vote { pred: true, .. } = wait.kind {
                        ballot |= 1 << lane;
                    }
                }
                let value = match kind {
                    VoteKind::Ballot => u64::from(ballot),
                    VoteKind::Any => u64::from(ballot != 0),
                    VoteKind::All => u64::from(ballot == group),
                };
                results.extend(waits.iter().map(|(l, _)| (*l, value)));
            }
            WaitKind::Match { kind, .. } => {
                let value_of = |w: &Wait| match w.kind {
                    WaitKind::Match { value, .. } => value,
                    _ => 0,
                };
                let all_equal = waits
                    .windows(2)
                    .all(|p| value_of(&p[0].1) == value_of(&p[1].1));
                for (lane, wait) in &waits {
                    let mine = value_of(wait);
                    let value = match kind {
                        MatchKind::Any => waits
                            .iter()
                            .filter(|(_, w)| value_of(w) == mine)
                            .fold(0u32, |m, (l, _)| m | (1 << l)),
                        MatchKind::All => {
                            if all_equal {
                                group
                            } else {
                                0
                            }
                        }
                    };
                    results.push((*lane, u64::from(value)));
                }
            }
            WaitKind::Reduce { op, .. } => {
                let values: Vec<u32> = waits
                    .iter()
                    .map(|(_, w)| match w.kind {
                        WaitKind::Reduce { value, .. } => value,
                        _ => 0,
                    })
                    .collect();
                let reduced = values.iter().copied().reduce(|a, b| match op {
                    ReduceOp::Add => a.wrapping_add(b),
                    ReduceOp::SMin => (a as i32).min(b as i32) as u32,
                    ReduceOp::SMax => (a as i32).max(b as i32) as u32,
                    ReduceOp::UMin => a.min(b),
                    ReduceOp::UMax => a.max(b),
                    ReduceOp::And => a & b,
                    ReduceOp::Or => a | b,
                    ReduceOp::Xor => a ^ b,
                });
                let value = u64::from(reduced.unwrap_or(0));
                results.extend(waits.iter().map(|(l, _)| (*l, value)));
            }
            WaitKind::Barrier(..) | WaitKind::ActiveMask => {}
        }
        Ok(results)
    }

    /// Where each caller of thread `index`'s current function stands: its innermost statement
    /// list and position in it (the call being executed).
    fn call_sites(&self, index: usize) -> Vec<(usize, usize)> {
        let Some(thread) = self.threads.get(index) else {
            return Vec::new();
        };
        let callers = thread.frames.len().saturating_sub(1);
        thread.frames[..callers]
            .iter()
            .filter_map(|f| f.cursors.last())
            .map(|c| (c.stmts.as_ptr() as usize, c.next))
            .collect()
    }

    fn resolve_active_mask(&mut self) -> bool {
        let count = self.threads.len();
        let mut released = false;
        for warp in 0..count.div_ceil(32) {
            let first = warp * 32;
            let lanes = 0..(count - first).min(32);
            // Lanes execute `__activemask()` together when they reach the same statement
            // through the same call sites (a function called from two divergent branches
            // runs separately for each, as it does inlined on a GPU).
            let mut groups: Vec<(ActiveMaskSite, u32)> = Vec::new();
            for lane in lanes.clone() {
                if let Some(Wait {
                    kind: WaitKind::ActiveMask,
                    stmt,
                    ..
                }) = self.wait_of(first + lane)
                {
                    let key = (stmt, self.call_sites(first + lane));
                    match groups.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, mask)) => *mask |= 1 << lane,
                        None => groups.push((key, 1 << lane)),
                    }
                }
            }
            for (_, mask) in groups {
                for lane in lanes.clone() {
                    if mask & (1 << lane) != 0 {
                        self.release(first + lane, u64::from(mask));
                        released = true;
                    }
                }
            }
        }
        released
    }

    fn resolve_barrier(&mut self) -> Result<bool, ExecError> {
        let mut first_wait: Option<(usize, Wait)> = None;
        let mut exited: Option<usize> = None;
        for (index, thread) in self.threads.iter().enumerate() {
            match &thread.state {
                State::Exited => {
                    exited.get_or_insert(index);
                }
                State::Waiting(
                    wait @ Wait {
                        kind: WaitKind::Barrier(..),
                        ..
                    },
                ) => match first_wait {
                    None => first_wait = Some((index, *wait)),
                    Some((first_index, first)) if first.stmt != wait.stmt => {
                        let where_first = first
                            .loc
                            .map(|l| self.cx.module.format_loc(l))
                            .unwrap_or_else(|| "an unknown location".into());
                        let tid = self.threads[first_index].tid;
                        return Err(self.fail(
                            index,
                            wait.loc,
                            format!(
                                "barrier not reached by all threads of block ({},{},{}): this thread waits at a different __syncthreads than thread ({},{},{}) at {where_first}",
                                self.block_id[0], self.block_id[1], self.block_id[2], tid[0], tid[1], tid[2]
                            ),
                        ));
                    }
                    Some(_) => {}
                },
                _ => return Ok(false),
            }
        }
        let Some((first_index, wait)) = first_wait else {
            return Ok(false);
        };
        if let Some(exited) = exited {
            let tid = self.threads[exited].tid;
            let waiting = self
                .threads
                .iter()
                .filter(|t| matches!(t.state, State::Waiting(_)))
                .count();
            return Err(self.fail(
                first_index,
                wait.loc,
                format!(
                    "barrier not reached by all threads of block ({},{},{}): {waiting} threads wait at __syncthreads but thread ({},{},{}) has exited",
                    self.block_id[0], self.block_id[1], self.block_id[2], tid[0], tid[1], tid[2]
                ),
            ));
        }
        let preds: Vec<bool> = self
            .threads
            .iter()
            .map(|t| {
                matches!(
                    t.state,
                    State::Waiting(Wait {
                        kind: WaitKind::Barrier(_, true),
                        ..
                    })
                )
            })
            .collect();
        let value = match wait.kind {
            WaitKind::Barrier(BarrierKind::Count(_), _) => {
                preds.iter().filter(|p| **p).count() as u64
            }
            WaitKind::Barrier(BarrierKind::And(_), _) => u64::from(preds.iter().all(|p| *p)),
            WaitKind::Barrier(BarrierKind::Or(_), _) => u64::from(preds.iter().any(|p| *p)),
            _ => 0,
        };
        for index in 0..self.threads.len() {
            self.release(index, value);
        }
        Ok(true)
    }

    fn deadlock(&self) -> ExecError {
        let mut lines = Vec::new();
        let mut culprit = None;
        for (index, thread) in self.threads.iter().enumerate() {
            if let State::Waiting(wait) = &thread.state {
                culprit.get_or_insert((index, wait.loc));
                if lines.len() < 4 {
                    let at = wait
                        .loc
                        .map(|l| format!(" at {}", self.cx.module.format_loc(l)))
                        .unwrap_or_default();
                    lines.push(format!(
                        "thread ({},{},{}) waits at {}{at}",
                        thread.tid[0],
                        thread.tid[1],
                        thread.tid[2],
                        wait.kind.describe()
                    ));
                }
            }
        }
        let exited = self
            .threads
            .iter()
            .filter(|t| matches!(t.state, State::Exited))
            .count();
        let (index, loc) = culprit.unwrap_or((0, None));
        self.fail(
            index,
            loc,
            format!(
                "deadlock in block ({},{},{}): no barrier or warp collective can complete ({}; {exited} threads have exited)",
                self.block_id[0], self.block_id[1], self.block_id[2], lines.join("; ")
            ),
        )
    }
}

/// Executes one statement (or one control-flow transition) of a thread.
fn step<'m>(
    cx: &Ctx<'m>,
    spaces: &mut Spaces<'_>,
    out: &mut Output,
    thread: &mut Thread<'m>,
) -> Result<(), Fault> {
    thread.steps += 1;
    out.steps += 1;
    if thread.steps > cx.max_steps {
        return Err(Fault {
            message: format!(
                "thread executed more than {} statements (an endless loop?)",
                cx.max_steps
            ),
            loc: None,
        });
    }
    let Some(frame) = thread.frames.last_mut() else {
        thread.state = State::Exited;
        return Ok(());
    };
    let Some(cursor) = frame.cursors.last_mut() else {
        if frame.func.ret.is_some() {
            return Err(Fault {
                message: format!(
                    "reached the end of function `{}` without `return`",
                    frame.func.name
                ),
                loc: None,
            });
        }
        do_return(thread, None);
        return Ok(());
    };
    let stmts: &'m [Stmt] = cursor.stmts;
    let Some(stmt) = stmts.get(cursor.next) else {
        match cursor.kind {
            CursorKind::Plain => {
                frame.cursors.pop();
            }
            CursorKind::LoopBody(body, continuing) => {
                *cursor = Cursor {
                    stmts: &continuing.stmts,
                    next: 0,
                    kind: CursorKind::LoopContinuing(body, continuing),
                };
            }
            CursorKind::LoopContinuing(body, continuing) => {
                *cursor = Cursor {
                    stmts: &body.stmts,
                    next: 0,
                    kind: CursorKind::LoopBody(body, continuing),
                };
            }
        }
        return Ok(());
    };
    cursor.next += 1;
    match &stmt.kind {
        StmtKind::Inst { result, inst } => exec_inst(cx, spaces, out, thread, *result, inst, stmt)
            .map_err(|message| Fault {
                message,
                loc: stmt.loc,
            }),
        StmtKind::If {
            cond,
            then_region,
            else_region,
        } => {
            let taken = frame.values.get(cond.index()).copied().unwrap_or(0) & 1 == 1;
            let region = if taken { then_region } else { else_region };
            frame.cursors.push(Cursor {
                stmts: &region.stmts,
                next: 0,
                kind: CursorKind::Plain,
            });
            Ok(())
        }
        StmtKind::Loop { body, continuing } => {
            frame.cursors.push(Cursor {
                stmts: &body.stmts,
                next: 0,
                kind: CursorKind::LoopBody(body, continuing),
            });
            Ok(())
        }
        StmtKind::Break => {
            while let Some(cursor) = frame.cursors.pop() {
                if matches!(cursor.kind, CursorKind::LoopBody(..)) {
                    break;
                }
            }
            Ok(())
        }
        StmtKind::Continue => {
            while let Some(cursor) = frame.cursors.last_mut() {
                if let CursorKind::LoopBody(body, continuing) = cursor.kind {
                    *cursor = Cursor {
                        stmts: &continuing.stmts,
                        next: 0,
                        kind: CursorKind::LoopContinuing(body, continuing),
                    };
                    break;
                }
                frame.cursors.pop();
            }
            Ok(())
        }
        StmtKind::Return(value) => {
            let value = value.map(|v| frame.values.get(v.index()).copied().unwrap_or(0));
            do_return(thread, value);
            Ok(())
        }
    }
}

fn do_return(thread: &mut Thread<'_>, value: Option<u64>) {
    let Some(frame) = thread.frames.pop() else {
        thread.state = State::Exited;
        return;
    };
    thread.local.truncate(frame.local_base);
    match thread.frames.last_mut() {
        None => thread.state = State::Exited,
        Some(caller) => {
            if let (Some(result), Some(value)) = (frame.result, value) {
                if let Some(slot) = caller.values.get_mut(result.index()) {
                    *slot = value;
                }
            }
        }
    }
}

fn value_type<'m>(cx: &Ctx<'m>, func: &'m Function, value: Value) -> Result<&'m Type, String> {
    func.value_type(value)
        .and_then(|t| cx.module.type_of(t))
        .ok_or_else(|| format!("internal error: {value} has no type"))
}

/// The size in bytes of a scalar in memory.
fn scalar_size(ty: &Type) -> Result<u64, String> {
    match ty {
        Type::Bool => Ok(1),
        Type::Int(w) => Ok(w.bytes()),
        Type::Float(FloatWidth::F32) => Ok(4),
        Type::Float(FloatWidth::F64) | Type::Ptr(_) => Ok(8),
        _ => Err("internal error: memory access of a non-scalar type".to_string()),
    }
}

/// The bytes of `len` at `address`, wherever they live.
fn locate<'s>(
    spaces: &'s mut Spaces<'_>,
    local: &'s mut [u8],
    linear: u32,
    address: u64,
    len: u64,
    store: bool,
) -> Result<&'s mut [u8], String> {
    let what = if store { "store" } else { "load" };
    if address < 4096 {
        return Err(format!(
            "{what} of {len} bytes through a null pointer (address 0x{address:x})"
        ));
    }
    if !address.is_multiple_of(len) {
        return Err(format!(
            "misaligned {what} of {len} bytes at address 0x{address:x}"
        ));
    }
    let slice_of = |bytes: &'s mut [u8],
                    offset: u64,
                    space: &str|
     -> Result<&'s mut [u8], String> {
        let size = bytes.len() as u64;
        let end = offset.checked_add(len).filter(|end| *end <= size);
        match end {
            Some(end) => Ok(&mut bytes[offset as usize..end as usize]),
            None => Err(format!("out-of-bounds {what} of {len} bytes at offset {offset} of {space} memory, which has {size} bytes")),
        }
    };
    if address >= LOCAL_BASE {
        let window = (address - LOCAL_BASE) >> 32;
        if window != u64::from(linear) {
            return Err(format!(
                "{what} at 0x{address:x} reaches into the local memory of another thread"
            ));
        }
        slice_of(
            local,
            (address - LOCAL_BASE) & 0xffff_ffff,
            "this thread's local",
        )
    } else if address >= PARAM_BASE {
        if store {
            return Err(format!("store to kernel parameter memory at 0x{address:x}"));
        }
        slice_of(&mut spaces.params, address - PARAM_BASE, "kernel parameter")
    } else if address >= SHARED_BASE {
        slice_of(&mut spaces.shared, address - SHARED_BASE, "shared")
    } else {
        spaces
            .mem
            .device_slice(address, len, store)
            .map_err(|m| format!("out-of-bounds {what}: {m}"))
    }
}

fn load(
    spaces: &mut Spaces<'_>,
    local: &mut [u8],
    linear: u32,
    address: u64,
    len: u64,
) -> Result<u64, String> {
    let mut buffer = [0u8; 8];
    let bytes = locate(spaces, local, linear, address, len, false)?;
    buffer[..len as usize].copy_from_slice(bytes);
    Ok(u64::from_le_bytes(buffer))
}

fn store(
    spaces: &mut Spaces<'_>,
    local: &mut [u8],
    linear: u32,
    address: u64,
    len: u64,
    bits: u64,
) -> Result<(), String> {
    let bytes = locate(spaces, local, linear, address, len, true)?;
    bytes.copy_from_slice(&bits.to_le_bytes()[..len as usize]);
    Ok(())
}

fn exec_inst<'m>(
    cx: &Ctx<'m>,
    spaces: &mut Spaces<'_>,
    out: &mut Output,
    thread: &mut Thread<'m>,
    result: Option<Value>,
    inst: &'m Inst,
    stmt: &'m Stmt,
) -> Result<(), String> {
    let linear = thread.linear;
    let tid = thread.tid;
    let block_id = thread.block;
    let Some(frame) = thread.frames.last_mut() else {
        return Ok(());
    };
    let func = frame.func;
    let values = &frame.values;
    let get = |v: Value| values.get(v.index()).copied().unwrap_or(0);
    let ty_of = |v: Value| value_type(cx, func, v);
    let result_type = || {
        result
            .ok_or_else(|| "internal error: missing result".to_string())
            .and_then(|r| value_type(cx, func, r))
    };
    let wait = |kind: WaitKind| Wait {
        kind,
        result,
        stmt: stmt as *const Stmt as usize,
        loc: stmt.loc,
    };
    let dim = |values: [u32; 3], d: Dim| u64::from(values[d as usize]);
    let value: u64 = match inst {
        Inst::Const { bits } => *bits,
        Inst::Unary { op, arg } => {
            eval_unary(*op, ty_of(*arg)?, get(*arg)).map_err(|e| e.to_string())?
        }
        Inst::Binary { op, lhs, rhs } => {
            eval_binary(*op, ty_of(*lhs)?, get(*lhs), get(*rhs)).map_err(|e| e.to_string())?
        }
        Inst::Cmp { op, lhs, rhs } => {
            u64::from(eval_cmp(*op, ty_of(*lhs)?, get(*lhs), get(*rhs)).map_err(|e| e.to_string())?)
        }
        Inst::Select {
            cond,
            if_true,
            if_false,
        } => {
            if get(*cond) & 1 == 1 {
                get(*if_true)
            } else {
                get(*if_false)
            }
        }
        Inst::Convert { op, arg } => {
            eval_convert(*op, ty_of(*arg)?, result_type()?, get(*arg)).map_err(|e| e.to_string())?
        }
        Inst::PtrAdd { ptr, offset } => get(*ptr).wrapping_add(get(*offset)),
        Inst::Load { ptr, .. } => {
            let ty = result_type()?;
            let len = scalar_size(ty)?;
            let bits = load(spaces, &mut thread.local, linear, get(*ptr), len)?;
            if *ty == Type::Bool {
                u64::from(bits != 0)
            } else {
                bits
            }
        }
        Inst::Store { ptr, value, .. } => {
            let len = scalar_size(ty_of(*value)?)?;
            let (address, bits) = (get(*ptr), get(*value));
            store(spaces, &mut thread.local, linear, address, len, bits)?;
            return Ok(());
        }
        Inst::GlobalAddr(global) => cx
            .global_addrs
            .get(global.index())
            .copied()
            .ok_or_else(|| format!("global {global} does not exist"))?,
        Inst::LocalAddr(local) => {
            let offset = cx
                .layouts
                .get(frame.func_id.index())
                .and_then(|l| l.offsets.get(local.index()))
                .copied()
                .ok_or_else(|| format!("local {local} does not exist"))?;
            LOCAL_BASE + (u64::from(linear) << 32) + frame.local_base as u64 + offset
        }
        Inst::DynSharedAddr => SHARED_BASE + cx.dyn_shared_offset,
        Inst::SharedBuffer => SHARED_BASE,
        Inst::Call {
            func: callee_id,
            args,
        } => {
            let callee = cx
                .module
                .functions
                .get(*callee_id)
                .ok_or_else(|| format!("called function {callee_id} does not exist"))?;
            let args: Vec<u64> = args.iter().map(|a| get(*a)).collect();
            push_frame(cx, thread, *callee_id, callee, &args, result)?;
            return Ok(());
        }
        Inst::Math { name, args } => {
            let args: Vec<u64> = args.iter().map(|a| get(*a)).collect();
            call_math(name, &args).ok_or_else(|| {
                format!("unknown math builtin `{name}` or wrong number of arguments")
            })?
        }
        Inst::ThreadId(d) => dim(tid, *d),
        Inst::BlockId(d) => dim(block_id, *d),
        Inst::BlockDim(d) => dim(cx.block, *d),
        Inst::GridDim(d) => dim(cx.grid, *d),
        Inst::LaneId => u64::from(linear % 32),
        Inst::WarpSize => 32,
        Inst::Barrier(kind) => {
            let pred = match kind {
                BarrierKind::Sync => false,
                BarrierKind::Count(p) | BarrierKind::And(p) | BarrierKind::Or(p) => {
                    get(*p) & 1 == 1
                }
            };
            thread.state = State::Waiting(wait(WaitKind::Barrier(*kind, pred)));
            return Ok(());
        }
        Inst::SyncWarp { mask } => {
            thread.state = State::Waiting(wait(WaitKind::SyncWarp {
                mask: get(*mask) as u32,
            }));
            return Ok(());
        }
        Inst::Shuffle {
            kind,
            mask,
            value,
            lane_or_delta,
            width,
        } => {
            let w = wait(WaitKind::Shuffle {
                kind: *kind,
                mask: get(*mask) as u32,
                value: get(*value),
                lane: get(*lane_or_delta) as u32,
                width: get(*width) as u32,
            });
            thread.state = State::Waiting(w);
            return Ok(());
        }
        Inst::Vote { kind, mask, pred } => {
            let w = wait(WaitKind::Vote {
                kind: *kind,
                mask: get(*mask) as u32,
                pred: get(*pred) & 1 == 1,
            });
            thread.state = State::Waiting(w);
            return Ok(());
        }
        Inst::Match { kind, mask, value } => {
            let w = wait(WaitKind::Match {
                kind: *kind,
                mask: get(*mask) as u32,
                value: get(*value),
            });
            thread.state = State::Waiting(w);
            return Ok(());
        }
        Inst::ActiveMask => {
            thread.state = State::Waiting(wait(WaitKind::ActiveMask));
            return Ok(());
        }
        Inst::WarpReduce { op, mask, value } => {
            let w = wait(WaitKind::Reduce {
                op: *op,
                mask: get(*mask) as u32,
                value: get(*value) as u32,
            });
            thread.state = State::Waiting(w);
            return Ok(());
        }
        Inst::AtomicRmw { op, ptr, value, .. } => {
            let ty = ty_of(*value)?;
            let len = scalar_size(ty)?;
            let (address, operand) = (get(*ptr), get(*value));
            let old = load(spaces, &mut thread.local, linear, address, len)?;
            let new = atomic_result(*op, ty, old, operand)?;
            store(spaces, &mut thread.local, linear, address, len, new)?;
            old
        }
        Inst::AtomicCas {
            ptr,
            expected,
            desired,
            ..
        } => {
            let len = scalar_size(ty_of(*expected)?)?;
            let (address, expected, desired) = (get(*ptr), get(*expected), get(*desired));
            let old = load(spaces, &mut thread.local, linear, address, len)?;
            if old == expected {
                store(spaces, &mut thread.local, linear, address, len, desired)?;
            }
            old
        }
        // The executor's clock counts the instructions this thread has executed.
        Inst::Clock => thread.steps,
        Inst::Fence(_) => return Ok(()),
        Inst::Trap { message } => return Err(format!("kernel trapped: {message}")),
        Inst::Printf { format, args } => {
            let mut typed = Vec::with_capacity(args.len());
            for arg in args {
                typed.push((ty_of(*arg)?.clone(), get(*arg)));
            }
            let mut read_byte =
                |address: u64| load(spaces, &mut thread.local, linear, address, 1).map(|b| b as u8);
            let text = format_printf(format, &typed, &mut read_byte)?;
            out.stdout.push_str(&text);
            args.len() as u64
        }
    };
    if let (Some(result), Some(frame)) = (result, thread.frames.last_mut()) {
        if let Some(slot) = frame.values.get_mut(result.index()) {
            *slot = value;
        }
    }
    Ok(())
}

fn atomic_result(op: AtomicOp, ty: &Type, old: u64, operand: u64) -> Result<u64, String> {
    let bits = match ty {
        Type::Int(w) => w.bits(),
        Type::Float(_) => {
            return match op {
                AtomicOp::Add => {
                    eval_binary(BinaryOp::FAdd, ty, old, operand).map_err(|e| e.to_string())
                }
                AtomicOp::Exch => Ok(operand),
                _ => Err(format!("atomic {} on a float", op.name())),
            };
        }
        _ => return Err(format!("atomic {} on a non-numeric type", op.name())),
    };
    let (a, b) = (truncate(old, bits), truncate(operand, bits));
    let (sa, sb) = (sign_extend(a, bits), sign_extend(b, bits));
    let value = match op {
        AtomicOp::Add => a.wrapping_add(b),
        AtomicOp::Sub => a.wrapping_sub(b),
        AtomicOp::Exch => b,
        AtomicOp::SMin => sa.min(sb) as u64,
        AtomicOp::SMax => sa.max(sb) as u64,
        AtomicOp::UMin => a.min(b),
        AtomicOp::UMax => a.max(b),
        AtomicOp::Inc => {
            if a >= b {
                0
            } else {
                a + 1
            }
        }
        AtomicOp::Dec => {
            if a == 0 || a > b {
                b
            } else {
                a - 1
            }
        }
        AtomicOp::And => a & b,
        AtomicOp::Or => a | b,
        AtomicOp::Xor => a ^ b,
    };
    Ok(truncate(value, bits))
}
