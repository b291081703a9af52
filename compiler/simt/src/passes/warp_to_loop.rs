//! Warp-to-loop: turns every per-thread kernel ([`Phase::Simt`]) into a per-block function
//! ([`Phase::PerBlock`]) with explicit loops over the block's threads, so that CPU backends
//! (WASM, native) can run kernels.
//!
//! # How a kernel is cut
//! A *block region* is the kernel body and every region of a statement that all threads of
//! the block execute together: a `loop` that contains a barrier or warp collective, an `if`
//! that contains one or a `break` / `continue` leaving it (a predicated `if`, below, is
//! executed by the block too, each branch for its threads). The top-level statements of a
//! block region
//! are split into
//! - *block statements*, executed once per block: pure instructions whose operands are
//!   uniform (constants, parameters, `block_id`, `block_dim`, `grid_dim`, …), loads and stores
//!   of *uniform locals* (locals whose address is only loaded from or stored to, and every
//!   store of which is a block statement storing a uniform value: the `s` of
//!   `for (s = blockDim.x / 2; s > 0; s >>= 1)`), top-level `break` / `continue` / `return`,
//!   and the structured statements above (their condition must be uniform, or the pass fails
//!   with "barrier in divergent control flow at FILE:LINE:COL");
//! - *runs*: maximal sequences of the other statements between two barriers. Each run becomes
//!   a *thread loop*: three nested loops over `thread_id.z`, `.y` and `.x` (innermost), the
//!   linear thread index `t` counted along in the innermost one, `lane_id` as `t & 31`.
//!   Values that depend only on `thread_id.y/z` and block-level values are then invariant in
//!   the innermost loop (a backend hoists them out of the row).
//!
//! A barrier is the cut between two runs; `__syncthreads_count/and/or` becomes an extra
//! thread loop that counts the predicate into a block-level counter.
//!
//! # Warp collectives
//! `__shfl*_sync`, votes, matches, `__reduce_*_sync`, `__syncwarp` and `__activemask` are cuts
//! at warp granularity (see [`collective`]): the run before the collective stores each
//! thread's operands into per-thread exchange arrays, block-level code computes every
//! participating lane's result warp by warp (lanes `t & 31`, a partial last warp has fewer
//! lanes) with the reference executor's semantics, and the next run loads the thread's result.
//! Collectives in loops and `if`s with uniform conditions work as barriers do.
//!
//! An `if` whose condition is not uniform and that contains collectives but no barrier and no
//! jump out of it (`if (warp == 0) v = warp_sum(v);`, `if (lane < 20) b = __ballot_sync(..)`)
//! is *predicated*: a per-thread flag records the condition, then both branches are cut as
//! block regions one after the other, every thread loop and collective of the `then` branch
//! guarded by the flag and those of the `else` branch by its negation. A collective's group
//! is its mask restricted to the lanes that execute it; a mask that names a live lane which
//! does not (it is in the other branch) traps at run time. Locals stored at block level in a
//! predicated branch stay block-level only if nothing outside the branch addresses them; a
//! `return` there ends only the threads that take the branch.
//!
//! # Per-thread state
//! - A local that is not uniform gets one copy per thread: its type becomes
//!   `[MAX x T]` (MAX is the kernel's `__launch_bounds__` maximum, else 1024) and its address
//!   is `local_addr + t * sizeof(T)`. Except: a local accessed only by loads and stores of a
//!   single run, and stored before it is read on every path of a thread's iteration, stays
//!   one scalar that the threads use in turn (backends keep it in a register).
//! - An SSA value defined in one thread loop and used in another is *spilled*: stored into a
//!   per-thread array local after its definition and loaded at the top of the loop that uses
//!   it. Thread ids and addresses of per-thread locals are recomputed instead.
//! - `return` inside a thread loop sets the thread's *done* flag (a per-thread `i1` local,
//!   cleared at kernel start) and leaves the thread's iteration; every thread loop skips done
//!   threads (CUDA's exited threads do not take part in later barriers or collectives).
//!
//! # Device functions
//! The pass first runs the [`inline`](crate::passes::inline) pass, which copies device
//! functions containing barriers or warp operations into the kernels (recursion through them
//! is an error). A device function that reads `thread_id` / `lane_id` (itself or through
//! calls) gets one extra trailing `i32` parameter, the caller's linear thread index, from
//! which it recomputes them.
//!
//! The pass sets `phase = PerBlock`; it adds no IR constructs (thread loops are ordinary
//! `loop`s over a local counter).

use crate::ir::*;
use crate::pass::{Pass, PassError};
use crate::passes::inline::{is_synchronizing, Inline};
use collective::{Collective, CollectiveKind, Exchange, Guard, Scratch};
use std::collections::{HashMap, HashSet};

mod collective;

/// The `warp-to-loop` pass.
pub struct WarpToLoop;

/// The pass name.
const PASS: &str = "warp-to-loop";

/// The thread count per-thread arrays are sized for without `__launch_bounds__` (CUDA's
/// maximum block size).
const DEFAULT_MAX_THREADS: u64 = 1024;

/// The most threads a block of `kernel` may have after this pass: per-thread arrays have
/// this many slots (the `__launch_bounds__` maximum, else CUDA's 1024). Backends must refuse
/// larger blocks.
pub fn max_block_threads(kernel: &KernelInfo) -> u64 {
    kernel
        .launch_bounds
        .map(|b| u64::from(b.max_threads))
        .filter(|&m| m > 0 && m <= DEFAULT_MAX_THREADS)
        .unwrap_or(DEFAULT_MAX_THREADS)
}

impl Pass for WarpToLoop {
    fn name(&self) -> &'static str {
        PASS
    }

    fn run(&self, module: &mut Module) -> Result<(), PassError> {
        if module.phase == Phase::PerBlock {
            return Ok(());
        }
        Inline.run(module)?;
        check_supported(module)?;
        let kernels: HashMap<FuncId, u64> = module
            .kernels
            .iter()
            .map(|k| (k.function, max_block_threads(k)))
            .collect();
        let needs_tid = functions_needing_thread_index(module, &kernels);
        let types = Types::new(module);
        for index in 0..module.functions.len() {
            let id = FuncId::from_index(index);
            let Some(slot) = module.functions.get_mut(id) else {
                continue;
            };
            let mut func = std::mem::replace(slot, Function::new("", None));
            let result = if let Some(&max_threads) = kernels.get(&id) {
                transform_kernel(module, &mut func, &types, &needs_tid, max_threads)
            } else if needs_tid.contains(&id) {
                transform_device_function(&mut func, &types, &needs_tid);
                Ok(())
            } else {
                Ok(())
            };
            if let Some(slot) = module.functions.get_mut(id) {
                *slot = func;
            }
            result?;
        }
        module.phase = Phase::PerBlock;
        Ok(())
    }
}

fn unsupported(message: String) -> PassError {
    PassError::Unsupported {
        pass: PASS.to_string(),
        message,
    }
}

fn at(module: &Module, loc: Option<Loc>) -> String {
    match loc {
        Some(loc) => format!(" at {}", module.format_loc(loc)),
        None => String::new(),
    }
}

/// The CUDA spelling of a warp-level operation, for messages.
fn warp_op_name(inst: &Inst) -> Option<&'static str> {
    Some(match inst {
        Inst::SyncWarp { .. } => "__syncwarp",
        Inst::Shuffle { kind, .. } => match kind {
            ShuffleKind::Idx => "__shfl_sync",
            ShuffleKind::Up => "__shfl_up_sync",
            ShuffleKind::Down => "__shfl_down_sync",
            ShuffleKind::Xor => "__shfl_xor_sync",
        },
        Inst::Vote { kind, .. } => match kind {
            VoteKind::Any => "__any_sync",
            VoteKind::All => "__all_sync",
            VoteKind::Ballot => "__ballot_sync",
        },
        Inst::Match { kind, .. } => match kind {
            MatchKind::Any => "__match_any_sync",
            MatchKind::All => "__match_all_sync",
        },
        Inst::ActiveMask => "__activemask",
        Inst::WarpReduce { .. } => "__reduce_*_sync",
        _ => return None,
    })
}

/// Rejects what the pass cannot translate: barriers and warp-level operations left in device
/// functions (the `inline` pass copies those into kernels; only functions it cannot handle
/// keep them).
fn check_supported(module: &Module) -> Result<(), PassError> {
    let kernel_fns: HashSet<FuncId> = module.kernels.iter().map(|k| k.function).collect();
    for (id, func) in module.functions.iter() {
        if kernel_fns.contains(&id) {
            continue;
        }
        let mut problem: Option<String> = None;
        walk_stmts(&func.body, &mut |stmt| {
            if problem.is_some() {
                return;
            }
            if let StmtKind::Inst { inst, .. } = &stmt.kind {
                if is_synchronizing(inst) {
                    let name = warp_op_name(inst).unwrap_or("__syncthreads");
                    problem = Some(format!(
                        "not supported: `{name}` inside device function `{}` that could not be \
                         inlined, on CPU targets{}",
                        func.name,
                        at(module, stmt.loc)
                    ));
                }
            }
        });
        if let Some(message) = problem {
            return Err(unsupported(message));
        }
    }
    Ok(())
}

/// Calls `f` on every statement at every depth, in order.
fn walk_stmts(region: &Region, f: &mut impl FnMut(&Stmt)) {
    region.walk(&mut |stmt| f(stmt));
}

/// Non-kernel functions that read `thread_id` / `lane_id` themselves or through calls.
fn functions_needing_thread_index(
    module: &Module,
    kernels: &HashMap<FuncId, u64>,
) -> HashSet<FuncId> {
    let mut direct = HashSet::new();
    let mut callees: HashMap<FuncId, Vec<FuncId>> = HashMap::new();
    for (id, func) in module.functions.iter() {
        walk_stmts(&func.body, &mut |stmt| {
            if let StmtKind::Inst { inst, .. } = &stmt.kind {
                match inst {
                    Inst::ThreadId(_) | Inst::LaneId => {
                        direct.insert(id);
                    }
                    Inst::Call { func: callee, .. } => {
                        callees.entry(id).or_default().push(*callee);
                    }
                    _ => {}
                }
            }
        });
    }
    let mut needs = direct;
    loop {
        let before = needs.len();
        for (caller, list) in &callees {
            if list.iter().any(|c| needs.contains(c)) {
                needs.insert(*caller);
            }
        }
        if needs.len() == before {
            break;
        }
    }
    needs.retain(|f| !kernels.contains_key(f));
    needs
}

/// The interned types the pass creates values of.
struct Types {
    bool_: TypeId,
    i32_: TypeId,
    i64_: TypeId,
    ptr_local: TypeId,
}

impl Types {
    fn new(module: &mut Module) -> Types {
        Types {
            bool_: module.ty(Type::Bool),
            i32_: module.ty(Type::Int(IntWidth::W32)),
            i64_: module.ty(Type::Int(IntWidth::W64)),
            ptr_local: module.ty(Type::Ptr(AddrSpace::Local)),
        }
    }
}

/// Appends `result = inst` to `out` with a fresh result of type `ty`.
fn emit(func: &mut Function, out: &mut Vec<Stmt>, ty: TypeId, inst: Inst) -> Value {
    let value = func.new_value(ty);
    out.push(Stmt::inst(Some(value), inst));
    value
}

fn emit_const(func: &mut Function, out: &mut Vec<Stmt>, ty: TypeId, bits: u64) -> Value {
    emit(func, out, ty, Inst::Const { bits })
}

fn emit_store(out: &mut Vec<Stmt>, ptr: Value, value: Value, align: u32) {
    out.push(Stmt::inst(
        None,
        Inst::Store {
            ptr,
            value,
            align,
            volatile: false,
        },
    ));
}

fn if_then(cond: Value, then: Vec<Stmt>) -> Stmt {
    Stmt::new(StmtKind::If {
        cond,
        then_region: Region::new(then),
        else_region: Region::default(),
    })
}

/// The values a thread needs to recompute its ids, and what per-thread memory it owns.
struct ThreadCx<'a> {
    /// The linear thread index (`i32`).
    t: Value,
    /// `t` as `i64` (for per-thread slot addresses).
    t64: Value,
    /// `block_dim.x`, `block_dim.y`, `block_dim.x * block_dim.y`.
    bdx: Value,
    bdy: Value,
    bdxy: Value,
    /// `thread_id.x/y/z` when the thread loop steps them itself (with `zero` to copy them).
    tid_xyz: Option<([Value; 3], Value)>,
    /// Per-thread (replicated) locals with their element size.
    replicated: &'a HashMap<LocalId, u64>,
    /// Spilled values: their per-thread array local, element size and alignment.
    spills: &'a HashMap<Value, (LocalId, u64, u32)>,
    /// Values renamed in this thread loop (spill reloads and recomputations).
    renames: HashMap<Value, Value>,
    /// The per-thread done flag of a kernel with returns inside thread loops.
    done: Option<LocalId>,
    /// Device functions that take the thread index as an extra parameter.
    needs_tid: &'a HashSet<FuncId>,
    /// Whether this is kernel code (where `return` ends the thread, not the function).
    in_kernel: bool,
}

/// The address of thread `t64`'s element of a per-thread array local.
fn slot_addr(
    func: &mut Function,
    out: &mut Vec<Stmt>,
    types: &Types,
    local: LocalId,
    t64: Value,
    size: u64,
) -> Value {
    let base = emit(func, out, types.ptr_local, Inst::LocalAddr(local));
    let size = emit_const(func, out, types.i64_, size);
    let offset = emit(
        func,
        out,
        types.i64_,
        Inst::Binary {
            op: BinaryOp::Mul,
            lhs: t64,
            rhs: size,
        },
    );
    emit(
        func,
        out,
        types.ptr_local,
        Inst::PtrAdd { ptr: base, offset },
    )
}

/// Emits `inst` (with result `result`) as per-thread code into `out`: thread ids are
/// recomputed from the linear index, per-thread locals are addressed by thread, calls pass the
/// thread index on.
fn rewrite_inst(
    func: &mut Function,
    out: &mut Vec<Stmt>,
    types: &Types,
    cx: &ThreadCx<'_>,
    result: Option<Value>,
    mut inst: Inst,
    loc: Option<Loc>,
) {
    inst.for_each_operand_mut(|v| {
        if let Some(new) = cx.renames.get(v) {
            *v = *new;
        }
    });
    let binary = |op, lhs, rhs| Inst::Binary { op, lhs, rhs };
    let replaced = match (&inst, result) {
        (Inst::ThreadId(dim), Some(r)) if cx.tid_xyz.is_some() => {
            let ([x, y, z], zero) = cx.tid_xyz.unwrap_or(([r; 3], r));
            let id = match dim {
                Dim::X => x,
                Dim::Y => y,
                Dim::Z => z,
            };
            Some((r, binary(BinaryOp::Add, id, zero)))
        }
        (Inst::ThreadId(dim), Some(r)) => Some(match dim {
            Dim::X => (r, binary(BinaryOp::URem, cx.t, cx.bdx)),
            Dim::Y => {
                let q = emit(func, out, types.i32_, binary(BinaryOp::UDiv, cx.t, cx.bdx));
                (r, binary(BinaryOp::URem, q, cx.bdy))
            }
            Dim::Z => (r, binary(BinaryOp::UDiv, cx.t, cx.bdxy)),
        }),
        (Inst::LaneId, Some(r)) => {
            let mask = emit_const(func, out, types.i32_, 31);
            Some((r, binary(BinaryOp::And, cx.t, mask)))
        }
        (Inst::LocalAddr(local), Some(r)) => match cx.replicated.get(local) {
            Some(&size) => {
                let base = emit(func, out, types.ptr_local, Inst::LocalAddr(*local));
                let size = emit_const(func, out, types.i64_, size);
                let offset = emit(func, out, types.i64_, binary(BinaryOp::Mul, cx.t64, size));
                Some((r, Inst::PtrAdd { ptr: base, offset }))
            }
            None => None,
        },
        _ => None,
    };
    match replaced {
        Some((r, new_inst)) => out.push(Stmt {
            kind: StmtKind::Inst {
                result: Some(r),
                inst: new_inst,
            },
            loc,
        }),
        None => {
            if let Inst::Call { func: callee, args } = &mut inst {
                if cx.needs_tid.contains(callee) {
                    args.push(cx.t);
                }
            }
            out.push(Stmt {
                kind: StmtKind::Inst { result, inst },
                loc,
            });
        }
    }
    if let Some(r) = result {
        if let Some(&(local, size, align)) = cx.spills.get(&r) {
            let ptr = slot_addr(func, out, types, local, cx.t64, size);
            emit_store(out, ptr, r, align);
        }
    }
}

fn contains_return(region: &Region) -> bool {
    let mut found = false;
    walk_stmts(region, &mut |s| {
        found |= matches!(s.kind, StmtKind::Return(_))
    });
    found
}

/// Rewrites per-thread statements. `depth` counts the loops of the thread code around
/// them (0: directly in the thread loop), to leave a thread's iteration on `return`.
fn rewrite_region(
    func: &mut Function,
    types: &Types,
    cx: &ThreadCx<'_>,
    stmts: Vec<Stmt>,
    depth: u32,
) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(stmts.len());
    for stmt in stmts {
        let loc = stmt.loc;
        match stmt.kind {
            StmtKind::Inst { result, inst } => {
                rewrite_inst(func, &mut out, types, cx, result, inst, loc)
            }
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                let cond = cx.renames.get(&cond).copied().unwrap_or(cond);
                let then_stmts = rewrite_region(func, types, cx, then_region.stmts, depth);
                let else_stmts = rewrite_region(func, types, cx, else_region.stmts, depth);
                out.push(Stmt {
                    kind: StmtKind::If {
                        cond,
                        then_region: Region::new(then_stmts),
                        else_region: Region::new(else_stmts),
                    },
                    loc,
                });
            }
            StmtKind::Loop { body, continuing } => {
                let returns = cx.in_kernel && contains_return(&body);
                let body = rewrite_region(func, types, cx, body.stmts, depth + 1);
                let continuing = rewrite_region(func, types, cx, continuing.stmts, depth + 1);
                out.push(Stmt {
                    kind: StmtKind::Loop {
                        body: Region::new(body),
                        continuing: Region::new(continuing),
                    },
                    loc,
                });
                if let (true, Some(done)) = (returns, cx.done) {
                    let ptr = slot_addr(func, &mut out, types, done, cx.t64, 1);
                    let flag = emit(
                        func,
                        &mut out,
                        types.bool_,
                        Inst::Load {
                            ptr,
                            align: 1,
                            volatile: false,
                        },
                    );
                    out.push(if_then(flag, vec![leave_thread(depth)]));
                }
            }
            StmtKind::Return(value) if cx.in_kernel && value.is_none() => {
                if let Some(done) = cx.done {
                    let ptr = slot_addr(func, &mut out, types, done, cx.t64, 1);
                    let yes = emit_const(func, &mut out, types.bool_, 1);
                    emit_store(&mut out, ptr, yes, 1);
                }
                out.push(Stmt {
                    kind: leave_thread(depth).kind,
                    loc,
                });
            }
            StmtKind::Return(Some(value)) => {
                let value = cx.renames.get(&value).copied().unwrap_or(value);
                out.push(Stmt {
                    kind: StmtKind::Return(Some(value)),
                    loc,
                });
            }
            kind => out.push(Stmt { kind, loc }),
        }
    }
    out
}

/// Leaves the current thread's iteration: `continue` directly in the thread loop, `break`
/// out of a loop of the thread code (the code after that loop checks the done flag).
fn leave_thread(depth: u32) -> Stmt {
    Stmt::new(if depth == 0 {
        StmtKind::Continue
    } else {
        StmtKind::Break
    })
}

/// Gives a device function the caller's linear thread index as a trailing parameter.
fn transform_device_function(func: &mut Function, types: &Types, needs_tid: &HashSet<FuncId>) {
    let t = func.add_param(types.i32_);
    let mut prelude = Vec::new();
    let bdx = emit(func, &mut prelude, types.i32_, Inst::BlockDim(Dim::X));
    let bdy = emit(func, &mut prelude, types.i32_, Inst::BlockDim(Dim::Y));
    let bdxy = emit(
        func,
        &mut prelude,
        types.i32_,
        Inst::Binary {
            op: BinaryOp::Mul,
            lhs: bdx,
            rhs: bdy,
        },
    );
    let t64 = emit(
        func,
        &mut prelude,
        types.i64_,
        Inst::Convert {
            op: ConvOp::SExt,
            arg: t,
        },
    );
    let replicated = HashMap::new();
    let spills = HashMap::new();
    let cx = ThreadCx {
        t,
        t64,
        bdx,
        bdy,
        bdxy,
        tid_xyz: None,
        replicated: &replicated,
        spills: &spills,
        renames: HashMap::new(),
        done: None,
        needs_tid,
        in_kernel: false,
    };
    let body = std::mem::take(&mut func.body.stmts);
    let mut stmts = prelude;
    stmts.extend(rewrite_region(func, types, &cx, body, 0));
    func.body.stmts = stmts;
}

/// The block-level structure of a kernel while it is being cut.
enum Node {
    /// A statement executed once per block.
    Stmt(Stmt),
    /// A thread loop over run `n` (index into `Kernel::runs`).
    Run(usize),
    /// A uniform `if` containing barriers (or leaving a loop that does).
    If {
        cond: Value,
        then_nodes: Vec<Node>,
        else_nodes: Vec<Node>,
        loc: Option<Loc>,
    },
    /// A loop containing barriers, executed once per block.
    Loop {
        body: Vec<Node>,
        continuing: Vec<Node>,
        loc: Option<Loc>,
    },
    /// The block-level computation of warp collective `n` (index into
    /// `Kernel::collectives`).
    Collective(usize),
}

fn contains_barrier(region: &Region) -> bool {
    first_barrier(region).is_some()
}

/// Whether an instruction is a warp collective (a cut at warp granularity).
fn is_collective(inst: &Inst) -> bool {
    is_synchronizing(inst) && !matches!(inst, Inst::Barrier(_))
}

/// Whether a region contains a barrier or a warp collective (at any depth).
fn contains_sync(region: &Region) -> bool {
    let mut found = false;
    walk_stmts(region, &mut |s| {
        if let StmtKind::Inst { inst, .. } = &s.kind {
            found |= is_synchronizing(inst);
        }
    });
    found
}

/// The first barrier of a region (at any depth), with its location.
fn first_barrier(region: &Region) -> Option<Option<Loc>> {
    let mut found = None;
    walk_stmts(region, &mut |s| {
        if found.is_none() {
            if let StmtKind::Inst {
                inst: Inst::Barrier(_),
                ..
            } = s.kind
            {
                found = Some(s.loc);
            }
        }
    });
    found
}

/// A `break` or `continue` that leaves the region (not nested in a loop inside it).
fn escaping_jump(region: &Region) -> Option<Option<Loc>> {
    for stmt in &region.stmts {
        match &stmt.kind {
            StmtKind::Break | StmtKind::Continue => return Some(stmt.loc),
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                if let Some(found) =
                    escaping_jump(then_region).or_else(|| escaping_jump(else_region))
                {
                    return Some(found.or(stmt.loc));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a structural `if` is run predicated (each thread runs the branch its condition
/// picks; both branches are emitted one after the other with guarded thread loops): its
/// condition is not uniform and it contains warp collectives but no barrier and no jump out.
fn is_predicated(stmt: &Stmt, uniform: &Uniformity) -> bool {
    match &stmt.kind {
        StmtKind::If {
            cond,
            then_region,
            else_region,
        } => {
            is_structural(stmt)
                && !uniform.value(*cond)
                && !contains_barrier(then_region)
                && !contains_barrier(else_region)
                && escaping_jump(then_region).is_none()
                && escaping_jump(else_region).is_none()
        }
        _ => false,
    }
}

/// Whether a top-level statement of a block region opens block regions of its own.
fn is_structural(stmt: &Stmt) -> bool {
    match &stmt.kind {
        StmtKind::If {
            then_region,
            else_region,
            ..
        } => {
            contains_sync(then_region)
                || contains_sync(else_region)
                || escaping_jump(then_region).is_some()
                || escaping_jump(else_region).is_some()
        }
        StmtKind::Loop { body, continuing } => contains_sync(body) || contains_sync(continuing),
        _ => false,
    }
}

/// The regions nested in any statement.
fn nested_regions_any(stmt: &Stmt) -> Vec<&Region> {
    nested_regions(stmt)
}

/// The regions nested in a statement (`if` arms, loop body and continuing).
fn nested_regions(stmt: &Stmt) -> Vec<&Region> {
    match &stmt.kind {
        StmtKind::If {
            then_region,
            else_region,
            ..
        } => vec![then_region, else_region],
        StmtKind::Loop { body, continuing } => vec![body, continuing],
        _ => Vec::new(),
    }
}

/// Uniformity facts of a kernel body.
struct Uniformity {
    values: Vec<bool>,
    locals: Vec<bool>,
    /// The local each `local_addr` result addresses.
    addr_local: HashMap<Value, LocalId>,
    /// How many `local_addr` instructions each local has in the whole function.
    addr_count: HashMap<LocalId, usize>,
}

impl Uniformity {
    fn value(&self, v: Value) -> bool {
        self.values.get(v.index()).copied().unwrap_or(false)
    }

    fn local(&self, l: LocalId) -> bool {
        self.locals.get(l.index()).copied().unwrap_or(false)
    }

    /// The uniform local a pointer addresses directly.
    fn uniform_local_at(&self, ptr: Value) -> Option<LocalId> {
        self.addr_local
            .get(&ptr)
            .copied()
            .filter(|l| self.local(*l))
    }

    /// Whether `inst` at a block position computes the same value in every thread.
    fn hoistable(&self, inst: &Inst) -> bool {
        let operands_uniform = inst.operands().iter().all(|v| self.value(*v));
        let kind_ok = match inst {
            Inst::Const { .. }
            | Inst::Unary { .. }
            | Inst::Binary { .. }
            | Inst::Cmp { .. }
            | Inst::Select { .. }
            | Inst::Convert { .. }
            | Inst::PtrAdd { .. }
            | Inst::GlobalAddr(_)
            | Inst::DynSharedAddr
            | Inst::BlockId(_)
            | Inst::BlockDim(_)
            | Inst::GridDim(_)
            | Inst::WarpSize
            | Inst::Math { .. } => true,
            Inst::LocalAddr(l) => self.local(*l),
            Inst::Load { ptr, volatile, .. } => !volatile && self.uniform_local_at(*ptr).is_some(),
            _ => false,
        };
        kind_ok && operands_uniform
    }

    /// Whether a store at a block position is a block statement.
    fn block_store(&self, inst: &Inst) -> bool {
        match inst {
            Inst::Store { ptr, value, .. } => {
                self.uniform_local_at(*ptr).is_some() && self.value(*ptr) && self.value(*value)
            }
            _ => false,
        }
    }

    /// Marks the values of the block positions of `region` that are uniform.
    fn mark(&mut self, region: &Region) {
        for stmt in &region.stmts {
            match &stmt.kind {
                StmtKind::Inst {
                    result: Some(r),
                    inst,
                } => {
                    let uniform = match inst {
                        Inst::Barrier(_) => true,
                        inst => self.hoistable(inst),
                    };
                    if uniform {
                        if let Some(slot) = self.values.get_mut(r.index()) {
                            *slot = true;
                        }
                    }
                }
                _ if is_structural(stmt) => {
                    for nested in nested_regions(stmt) {
                        self.mark(nested);
                    }
                }
                _ => {}
            }
        }
    }

    /// Un-marks the locals stored with a non-uniform value at a block position. Returns
    /// whether anything changed.
    fn demote(&mut self, region: &Region) -> bool {
        let mut changed = false;
        for stmt in &region.stmts {
            match &stmt.kind {
                StmtKind::Inst {
                    inst: Inst::Store { ptr, value, .. },
                    ..
                } => {
                    if let Some(l) = self.uniform_local_at(*ptr) {
                        if !self.value(*value) || !self.value(*ptr) {
                            self.locals[l.index()] = false;
                            changed = true;
                        }
                    }
                }
                _ if is_predicated(stmt, self) => {
                    // Block statements of a predicated branch run whether or not a thread
                    // takes the branch: a uniform local stored there must not be seen
                    // outside the branch.
                    for nested in nested_regions(stmt) {
                        let mut stored = Vec::new();
                        self.block_stores(nested, &mut stored);
                        let mut inside = HashMap::new();
                        walk_stmts(nested, &mut |s| {
                            if let StmtKind::Inst {
                                inst: Inst::LocalAddr(l),
                                ..
                            } = &s.kind
                            {
                                *inside.entry(*l).or_insert(0usize) += 1;
                            }
                        });
                        for l in stored {
                            let total = self.addr_count.get(&l).copied().unwrap_or(0);
                            if inside.get(&l).copied().unwrap_or(0) != total && self.local(l) {
                                if let Some(slot) = self.locals.get_mut(l.index()) {
                                    *slot = false;
                                    changed = true;
                                }
                            }
                        }
                        changed |= self.demote(nested);
                    }
                }
                _ if is_structural(stmt) => {
                    for nested in nested_regions(stmt) {
                        changed |= self.demote(nested);
                    }
                }
                _ => {}
            }
        }
        changed
    }

    /// The uniform locals stored at block positions of a block region.
    fn block_stores(&self, region: &Region, out: &mut Vec<LocalId>) {
        for stmt in &region.stmts {
            match &stmt.kind {
                StmtKind::Inst {
                    inst: Inst::Store { ptr, .. },
                    ..
                } => {
                    if let Some(l) = self.uniform_local_at(*ptr) {
                        out.push(l);
                    }
                }
                _ if is_structural(stmt) => {
                    for nested in nested_regions(stmt) {
                        self.block_stores(nested, out);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Un-marks the locals stored to anywhere but at a block position.
fn demote_nested_stores(region: &Region, block: bool, u: &mut Uniformity) {
    for stmt in &region.stmts {
        let structural = block && is_structural(stmt);
        match &stmt.kind {
            StmtKind::Inst {
                inst: Inst::Store { ptr, .. },
                ..
            } if !block => {
                if let Some(&l) = u.addr_local.get(ptr) {
                    if let Some(slot) = u.locals.get_mut(l.index()) {
                        *slot = false;
                    }
                }
            }
            _ => {
                for nested in nested_regions(stmt) {
                    demote_nested_stores(nested, structural, u);
                }
            }
        }
    }
}

fn analyze_uniformity(func: &Function) -> Uniformity {
    let mut addr_local = HashMap::new();
    walk_stmts(&func.body, &mut |s| {
        if let StmtKind::Inst {
            result: Some(r),
            inst: Inst::LocalAddr(l),
        } = &s.kind
        {
            addr_local.insert(*r, *l);
        }
    });
    // Candidates: locals whose address is only used as the pointer of loads and stores.
    let mut locals = vec![true; func.locals.len()];
    let mut escape = |v: Value| {
        if let Some(l) = addr_local.get(&v) {
            if let Some(slot) = locals.get_mut(l.index()) {
                *slot = false;
            }
        }
    };
    walk_stmts(&func.body, &mut |s| match &s.kind {
        StmtKind::Inst { inst, .. } => match inst {
            Inst::Load { .. } => {}
            Inst::Store { value, .. } => escape(*value),
            other => other.for_each_operand(&mut escape),
        },
        StmtKind::If { cond, .. } => escape(*cond),
        StmtKind::Return(Some(v)) => escape(*v),
        _ => {}
    });
    let mut addr_count = HashMap::new();
    for l in addr_local.values() {
        *addr_count.entry(*l).or_insert(0usize) += 1;
    }
    let mut u = Uniformity {
        values: Vec::new(),
        locals,
        addr_local,
        addr_count,
    };
    demote_nested_stores(&func.body, true, &mut u);
    loop {
        u.values = vec![false; func.value_types.len()];
        for p in &func.params {
            if let Some(slot) = u.values.get_mut(p.index()) {
                *slot = true;
            }
        }
        u.mark(&func.body);
        if !u.demote(&func.body) {
            break;
        }
    }
    u
}

/// Values computed (by data flow, through locals too) from `thread_id` or `lane_id`.
fn thread_dependent_values(func: &Function) -> Vec<bool> {
    let mut addr_local = HashMap::new();
    walk_stmts(&func.body, &mut |s| {
        if let StmtKind::Inst {
            result: Some(r),
            inst: Inst::LocalAddr(l),
        } = &s.kind
        {
            addr_local.insert(*r, *l);
        }
    });
    let mut values = vec![false; func.value_types.len()];
    let mut locals = vec![false; func.locals.len()];
    loop {
        let mut changed = false;
        walk_stmts(&func.body, &mut |s| {
            let StmtKind::Inst { result, inst } = &s.kind else {
                return;
            };
            let tainted = |v: &Value| values.get(v.index()).copied().unwrap_or(false);
            let dependent = match inst {
                Inst::ThreadId(_) | Inst::LaneId | Inst::Call { .. } => true,
                inst if is_collective(inst) => true,
                Inst::Load { ptr, .. } => {
                    tainted(ptr)
                        || addr_local
                            .get(ptr)
                            .is_some_and(|l| locals.get(l.index()).copied().unwrap_or(false))
                }
                Inst::Store { ptr, value, .. } => {
                    if tainted(value) {
                        if let Some(slot) =
                            addr_local.get(ptr).and_then(|l| locals.get_mut(l.index()))
                        {
                            changed |= !*slot;
                            *slot = true;
                        }
                    }
                    false
                }
                other => other.operands().iter().any(tainted),
            };
            if let (true, Some(r)) = (dependent, result) {
                if let Some(slot) = values.get_mut(r.index()) {
                    changed |= !*slot;
                    *slot = true;
                }
            }
        });
        if !changed {
            return values;
        }
    }
}

/// The state of one kernel being cut into thread loops.
struct Kernel<'a> {
    module: &'a mut Module,
    func: &'a mut Function,
    types: &'a Types,
    uniform: Uniformity,
    /// Values computed from the thread id (data flow only): a barrier under a condition of
    /// such a value is a compile-time error.
    thread_dependent: Vec<bool>,
    runs: Vec<Vec<Stmt>>,
    /// Per run: the guards of the predicated branches around it.
    run_guards: Vec<Vec<Guard>>,
    /// The guards of the predicated branches around the region being built.
    guards: Vec<Guard>,
    collectives: Vec<Collective>,
    /// Exchange arrays by role and element type (shared by all collectives).
    exchange: HashMap<(&'static str, TypeId), Exchange>,
    /// Per-thread array locals the pass added, with their element size.
    per_thread: Vec<(LocalId, u64)>,
    max_threads: u64,
}

impl Kernel<'_> {
    /// Ends the pending run (if any) and appends its thread loop.
    fn flush(&mut self, out: &mut Vec<Node>, pending: &mut Vec<Stmt>) {
        if !pending.is_empty() {
            let index = self.push_run(std::mem::take(pending));
            out.push(Node::Run(index));
        }
    }

    /// Adds a run executed under the current guards.
    fn push_run(&mut self, run: Vec<Stmt>) -> usize {
        self.runs.push(run);
        self.run_guards.push(self.guards.clone());
        self.runs.len() - 1
    }

    /// A new per-thread array local of `[max_threads x ty]`.
    fn per_thread_local(&mut self, name: &str, ty: TypeId) -> Exchange {
        let size = self.module.size_of(ty).unwrap_or(8);
        let align = self.module.align_of(ty).unwrap_or(8);
        let array = self.module.ty(Type::Array {
            elem: ty,
            len: self.max_threads,
        });
        let local = self.func.add_local(name, array, align);
        self.per_thread.push((local, size));
        Exchange { local, ty, size }
    }

    /// The exchange array of a role and element type.
    fn exchange_array(&mut self, role: &'static str, ty: TypeId) -> Exchange {
        if let Some(ex) = self.exchange.get(&(role, ty)) {
            return *ex;
        }
        let ex = self.per_thread_local(&format!("warp.{role}"), ty);
        self.exchange.insert((role, ty), ex);
        ex
    }

    /// Stores `value` into this thread's element of an exchange array (thread code; the
    /// thread loop rewrites the local's address to the thread's element).
    fn gather(&mut self, pending: &mut Vec<Stmt>, role: &'static str, value: Value) -> Exchange {
        let ty = self.func.value_type(value).unwrap_or(self.types.i32_);
        let (value, ty) = match self.module.type_of(ty) {
            Some(Type::Float(width)) if role == "match" => {
                let int = self.module.ty(Type::Int(match width {
                    FloatWidth::F32 => IntWidth::W32,
                    FloatWidth::F64 => IntWidth::W64,
                }));
                let bits = emit(
                    self.func,
                    pending,
                    int,
                    Inst::Convert {
                        op: ConvOp::Bitcast,
                        arg: value,
                    },
                );
                (bits, int)
            }
            _ => (value, ty),
        };
        let ex = self.exchange_array(role, ty);
        let addr = emit(
            self.func,
            pending,
            self.types.ptr_local,
            Inst::LocalAddr(ex.local),
        );
        let align = self.module.align_of(ty).unwrap_or(1);
        emit_store(pending, addr, value, align);
        ex
    }

    /// Cuts the thread code at warp collective `inst`: the pending run gathers the operands,
    /// a collective node computes the results, the next run loads this thread's result.
    fn collective(
        &mut self,
        result: Option<Value>,
        inst: Inst,
        loc: Option<Loc>,
        pending: &mut Vec<Stmt>,
        out: &mut Vec<Node>,
    ) {
        let what = format!(
            "`{}`{}",
            warp_op_name(&inst).unwrap_or("warp operation"),
            at(self.module, loc)
        );
        let mut c = Collective {
            kind: CollectiveKind::SyncWarp,
            what,
            mask: None,
            value: None,
            arg: None,
            width: None,
            pred: None,
            result: None,
            guards: self.guards.clone(),
        };
        match inst {
            Inst::SyncWarp { mask } => {
                c.mask = Some(self.gather(pending, "mask", mask));
            }
            Inst::ActiveMask => c.kind = CollectiveKind::ActiveMask,
            Inst::Shuffle {
                kind,
                mask,
                value,
                lane_or_delta,
                width,
            } => {
                c.kind = CollectiveKind::Shuffle(kind);
                c.mask = Some(self.gather(pending, "mask", mask));
                c.value = Some(self.gather(pending, "value", value));
                c.arg = Some(self.gather(pending, "arg", lane_or_delta));
                c.width = Some(self.gather(pending, "width", width));
            }
            Inst::Vote { kind, mask, pred } => {
                c.kind = CollectiveKind::Vote(kind);
                c.mask = Some(self.gather(pending, "mask", mask));
                c.pred = Some(self.gather(pending, "pred", pred));
            }
            Inst::Match { kind, mask, value } => {
                c.kind = CollectiveKind::Match(kind);
                c.mask = Some(self.gather(pending, "mask", mask));
                c.value = Some(self.gather(pending, "match", value));
            }
            Inst::WarpReduce { op, mask, value } => {
                c.kind = CollectiveKind::Reduce(op);
                c.mask = Some(self.gather(pending, "mask", mask));
                c.value = Some(self.gather(pending, "reduce", value));
            }
            _ => {}
        }
        let result_ty = result.and_then(|r| self.func.value_type(r));
        if let Some(ty) = result_ty {
            c.result = Some(self.exchange_array("result", ty));
        }
        self.flush(out, pending);
        let result_ex = c.result;
        self.collectives.push(c);
        out.push(Node::Collective(self.collectives.len() - 1));
        if let (Some(r), Some(ex)) = (result, result_ex) {
            let addr = emit(
                self.func,
                pending,
                self.types.ptr_local,
                Inst::LocalAddr(ex.local),
            );
            let align = u32::try_from(ex.size.clamp(1, 8)).unwrap_or(8);
            pending.push(Stmt::inst(
                Some(r),
                Inst::Load {
                    ptr: addr,
                    align,
                    volatile: false,
                },
            ));
        }
    }

    fn divergent(&self, what: &str, loc: Option<Loc>, cond_loc: Option<Loc>) -> PassError {
        let loc = loc.or(cond_loc);
        unsupported(format!(
            "{what} in divergent control flow{}: the condition around it may differ between \
             the threads of a block, which CPU targets cannot run (and CUDA leaves undefined)",
            at(self.module, loc)
        ))
    }

    /// Cuts a block region into block statements and runs.
    /// `in_continuing`: the region is (inside) a loop's `continuing`, where the block may not
    /// `return`.
    fn build(&mut self, region: Region, in_continuing: bool) -> Result<Vec<Node>, PassError> {
        let mut out = Vec::new();
        let mut pending: Vec<Stmt> = Vec::new();
        for stmt in region.stmts {
            let structural = is_structural(&stmt);
            let predicated = is_predicated(&stmt, &self.uniform);
            match stmt.kind {
                StmtKind::Inst {
                    result,
                    inst: Inst::Barrier(kind),
                } => {
                    self.flush(&mut out, &mut pending);
                    if let (Some(result), Some(pred)) = (result, barrier_pred(kind)) {
                        self.reduce(kind, pred, result, &mut out);
                    }
                }
                StmtKind::Inst { result, inst } if is_collective(&inst) => {
                    self.collective(result, inst, stmt.loc, &mut pending, &mut out);
                }
                StmtKind::Inst { result, inst }
                    if result.is_some_and(|r| self.uniform.value(r))
                        || self.uniform.block_store(&inst) =>
                {
                    if matches!(inst, Inst::Store { .. }) {
                        self.flush(&mut out, &mut pending);
                    }
                    out.push(Node::Stmt(Stmt {
                        kind: StmtKind::Inst { result, inst },
                        loc: stmt.loc,
                    }));
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } if predicated => {
                    // Each thread runs the branch its condition picks: both branches run
                    // one after the other, their thread loops guarded by a per-thread flag.
                    let flag = self.per_thread_local("branch.taken", self.types.bool_);
                    let addr = emit(
                        self.func,
                        &mut pending,
                        self.types.ptr_local,
                        Inst::LocalAddr(flag.local),
                    );
                    emit_store(&mut pending, addr, cond, 1);
                    self.flush(&mut out, &mut pending);
                    self.guards.push(Guard {
                        local: flag.local,
                        polarity: true,
                    });
                    let then_nodes = self.build(then_region, in_continuing);
                    if let Some(guard) = self.guards.last_mut() {
                        guard.polarity = false;
                    }
                    let else_nodes = if then_nodes.is_ok() {
                        self.build(else_region, in_continuing)
                    } else {
                        Ok(Vec::new())
                    };
                    self.guards.pop();
                    out.extend(then_nodes?);
                    out.extend(else_nodes?);
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } if structural => {
                    let dependent = self.thread_dependent.get(cond.index()).copied();
                    let cond = if self.uniform.value(cond) {
                        cond
                    } else if dependent == Some(false) && !in_continuing && self.guards.is_empty() {
                        // Not provably uniform, but not computed from the thread id either
                        // (`while (k < trips[blockIdx.x])`): checked at run time.
                        self.flush(&mut out, &mut pending);
                        let loc = first_barrier(&then_region)
                            .or_else(|| first_barrier(&else_region))
                            .flatten()
                            .or(stmt.loc);
                        self.uniform_check(cond, loc, &mut out)
                    } else {
                        let what = match first_barrier(&then_region)
                            .or_else(|| first_barrier(&else_region))
                        {
                            Some(loc) => return Err(self.divergent("barrier", loc, stmt.loc)),
                            None => escaping_jump(&then_region)
                                .or_else(|| escaping_jump(&else_region))
                                .flatten(),
                        };
                        return Err(self.divergent(
                            "`break`/`continue` of a loop that contains a barrier or warp \
                             collective",
                            what,
                            stmt.loc,
                        ));
                    };
                    self.flush(&mut out, &mut pending);
                    let then_nodes = self.build(then_region, in_continuing)?;
                    let else_nodes = self.build(else_region, in_continuing)?;
                    out.push(Node::If {
                        cond,
                        then_nodes,
                        else_nodes,
                        loc: stmt.loc,
                    });
                }
                StmtKind::Loop { body, continuing } if structural => {
                    self.flush(&mut out, &mut pending);
                    let body = self.build(body, in_continuing)?;
                    let continuing = self.build(continuing, true)?;
                    out.push(Node::Loop {
                        body,
                        continuing,
                        loc: stmt.loc,
                    });
                }
                StmtKind::Return(value) if !self.guards.is_empty() => {
                    // Inside a predicated branch only the threads that take it return.
                    pending.push(Stmt {
                        kind: StmtKind::Return(value),
                        loc: stmt.loc,
                    });
                }
                kind @ (StmtKind::Break | StmtKind::Continue | StmtKind::Return(_)) => {
                    self.flush(&mut out, &mut pending);
                    out.push(Node::Stmt(Stmt {
                        kind,
                        loc: stmt.loc,
                    }));
                }
                kind => pending.push(Stmt {
                    kind,
                    loc: stmt.loc,
                }),
            }
        }
        self.flush(&mut out, &mut pending);
        Ok(out)
    }

    /// Makes the per-thread condition `cond` of a structured statement with barriers a
    /// block-level value: a thread loop stores the first active thread's value and traps if
    /// another thread disagrees; when no thread is active any more the kernel returns.
    fn uniform_check(&mut self, cond: Value, loc: Option<Loc>, out: &mut Vec<Node>) -> Value {
        let types = self.types;
        let message = format!(
            "barrier in divergent control flow{}: the threads of the block disagree on the \
             condition",
            at(self.module, loc)
        );
        let func = &mut *self.func;
        let counter = func.add_local("uniform.count", types.i32_, 4);
        let agreed = func.add_local("uniform.cond", types.bool_, 1);
        let mut before = Vec::new();
        let addr = emit(func, &mut before, types.ptr_local, Inst::LocalAddr(counter));
        let zero = emit_const(func, &mut before, types.i32_, 0);
        emit_store(&mut before, addr, zero, 4);
        out.extend(before.into_iter().map(Node::Stmt));

        let mut run = Vec::new();
        let addr = emit(func, &mut run, types.ptr_local, Inst::LocalAddr(counter));
        let seen = emit(
            func,
            &mut run,
            types.i32_,
            Inst::Load {
                ptr: addr,
                align: 4,
                volatile: false,
            },
        );
        let zero = emit_const(func, &mut run, types.i32_, 0);
        let first = emit(
            func,
            &mut run,
            types.bool_,
            Inst::Cmp {
                op: CmpOp::Eq,
                lhs: seen,
                rhs: zero,
            },
        );
        let cond_addr = emit(func, &mut run, types.ptr_local, Inst::LocalAddr(agreed));
        let mut then_stmts = Vec::new();
        emit_store(&mut then_stmts, cond_addr, cond, 1);
        let mut else_stmts = Vec::new();
        let previous = emit(
            func,
            &mut else_stmts,
            types.bool_,
            Inst::Load {
                ptr: cond_addr,
                align: 1,
                volatile: false,
            },
        );
        let differs = emit(
            func,
            &mut else_stmts,
            types.bool_,
            Inst::Cmp {
                op: CmpOp::Ne,
                lhs: previous,
                rhs: cond,
            },
        );
        else_stmts.push(Stmt {
            kind: if_then(differs, vec![Stmt::inst(None, Inst::Trap { message })]).kind,
            loc,
        });
        run.push(Stmt::new(StmtKind::If {
            cond: first,
            then_region: Region::new(then_stmts),
            else_region: Region::new(else_stmts),
        }));
        let one = emit_const(func, &mut run, types.i32_, 1);
        let next = emit(
            func,
            &mut run,
            types.i32_,
            Inst::Binary {
                op: BinaryOp::Add,
                lhs: seen,
                rhs: one,
            },
        );
        emit_store(&mut run, addr, next, 4);
        let index = self.push_run(run);
        out.push(Node::Run(index));
        let func = &mut *self.func;

        let mut after = Vec::new();
        let addr = emit(func, &mut after, types.ptr_local, Inst::LocalAddr(counter));
        let seen = emit(
            func,
            &mut after,
            types.i32_,
            Inst::Load {
                ptr: addr,
                align: 4,
                volatile: false,
            },
        );
        let zero = emit_const(func, &mut after, types.i32_, 0);
        let none = emit(
            func,
            &mut after,
            types.bool_,
            Inst::Cmp {
                op: CmpOp::Eq,
                lhs: seen,
                rhs: zero,
            },
        );
        after.push(if_then(none, vec![Stmt::new(StmtKind::Return(None))]));
        let cond_addr = emit(func, &mut after, types.ptr_local, Inst::LocalAddr(agreed));
        let value = emit(
            func,
            &mut after,
            types.bool_,
            Inst::Load {
                ptr: cond_addr,
                align: 1,
                volatile: false,
            },
        );
        out.extend(after.into_iter().map(Node::Stmt));
        value
    }

    /// `result = __syncthreads_count/and/or(pred)`: a thread loop counting the predicate
    /// (or its negation for `and`) into a block-level counter.
    fn reduce(&mut self, kind: BarrierKind, pred: Value, result: Value, out: &mut Vec<Node>) {
        let types = self.types;
        let func = &mut *self.func;
        let counter = func.add_local("barrier.count", types.i32_, 4);
        let mut before = Vec::new();
        let addr = emit(func, &mut before, types.ptr_local, Inst::LocalAddr(counter));
        let zero = emit_const(func, &mut before, types.i32_, 0);
        emit_store(&mut before, addr, zero, 4);
        out.extend(before.into_iter().map(Node::Stmt));
        let mut run = Vec::new();
        let addr = emit(func, &mut run, types.ptr_local, Inst::LocalAddr(counter));
        let old = emit(
            func,
            &mut run,
            types.i32_,
            Inst::Load {
                ptr: addr,
                align: 4,
                volatile: false,
            },
        );
        let counted = if matches!(kind, BarrierKind::And(_)) {
            emit(
                func,
                &mut run,
                types.bool_,
                Inst::Unary {
                    op: UnaryOp::Not,
                    arg: pred,
                },
            )
        } else {
            pred
        };
        let one = emit(
            func,
            &mut run,
            types.i32_,
            Inst::Convert {
                op: ConvOp::ZExt,
                arg: counted,
            },
        );
        let new = emit(
            func,
            &mut run,
            types.i32_,
            Inst::Binary {
                op: BinaryOp::Add,
                lhs: old,
                rhs: one,
            },
        );
        emit_store(&mut run, addr, new, 4);
        let index = self.push_run(run);
        out.push(Node::Run(index));
        let func = &mut *self.func;
        let mut after = Vec::new();
        let addr = emit(func, &mut after, types.ptr_local, Inst::LocalAddr(counter));
        let load = Inst::Load {
            ptr: addr,
            align: 4,
            volatile: false,
        };
        if matches!(kind, BarrierKind::Count(_)) {
            after.push(Stmt::inst(Some(result), load));
        } else {
            let count = emit(func, &mut after, types.i32_, load);
            let zero = emit_const(func, &mut after, types.i32_, 0);
            let op = if matches!(kind, BarrierKind::And(_)) {
                CmpOp::Eq
            } else {
                CmpOp::Ne
            };
            let flag = emit(
                func,
                &mut after,
                types.bool_,
                Inst::Cmp {
                    op,
                    lhs: count,
                    rhs: zero,
                },
            );
            after.push(Stmt::inst(
                Some(result),
                Inst::Convert {
                    op: ConvOp::ZExt,
                    arg: flag,
                },
            ));
        }
        out.extend(after.into_iter().map(Node::Stmt));
    }
}

fn barrier_pred(kind: BarrierKind) -> Option<Value> {
    match kind {
        BarrierKind::Sync => None,
        BarrierKind::Count(p) | BarrierKind::And(p) | BarrierKind::Or(p) => Some(p),
    }
}

/// Values defined anywhere in `stmts`.
fn defined_values(stmts: &[Stmt], out: &mut impl FnMut(Value)) {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Inst {
                result: Some(r), ..
            } => out(*r),
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                defined_values(&then_region.stmts, out);
                defined_values(&else_region.stmts, out);
            }
            StmtKind::Loop { body, continuing } => {
                defined_values(&body.stmts, out);
                defined_values(&continuing.stmts, out);
            }
            _ => {}
        }
    }
}

/// Values used anywhere in `stmts`.
fn used_values(stmts: &[Stmt], out: &mut impl FnMut(Value)) {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Inst { inst, .. } => inst.for_each_operand(&mut *out),
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                out(*cond);
                used_values(&then_region.stmts, out);
                used_values(&else_region.stmts, out);
            }
            StmtKind::Loop { body, continuing } => {
                used_values(&body.stmts, out);
                used_values(&continuing.stmts, out);
            }
            StmtKind::Return(Some(v)) => out(*v),
            _ => {}
        }
    }
}

/// Block-level values every thread loop uses.
struct Prelude {
    bdx: Value,
    bdy: Value,
    bdz: Value,
    bdxy: Value,
    nthreads: Value,
    zero: Value,
    one: Value,
    tid_addr: Value,
    /// Addresses of the `thread_id.x/y/z` counters the thread loops step along with `t`
    /// (cheaper than dividing `t` by the block dimensions in every iteration).
    tid_xyz_addr: [Value; 3],
}

/// Everything the emission of thread loops needs.
struct Emitter<'a> {
    func: &'a mut Function,
    types: &'a Types,
    needs_tid: &'a HashSet<FuncId>,
    prelude: Prelude,
    runs: Vec<Vec<Stmt>>,
    /// Per run: the values it uses that another run defines.
    imports: Vec<Vec<Value>>,
    /// How imported values are recreated: recomputed from this instruction, or loaded.
    remat: HashMap<Value, Inst>,
    spills: HashMap<Value, (LocalId, u64, u32)>,
    replicated: HashMap<LocalId, u64>,
    done: Option<LocalId>,
    /// Per run: the guards of the predicated branches around it.
    run_guards: Vec<Vec<Guard>>,
    collectives: Vec<Collective>,
    /// Block-level scalars of the warp loops (`None` without collectives).
    scratch: Option<Scratch>,
}

impl Emitter<'_> {
    fn emit_nodes(&mut self, nodes: Vec<Node>) -> Vec<Stmt> {
        let mut out = Vec::new();
        for node in nodes {
            match node {
                Node::Stmt(stmt) => out.push(stmt),
                Node::Run(index) => self.thread_loop(index, true, &mut out),
                Node::Collective(index) => {
                    if let (Some(c), Some(scratch)) =
                        (self.collectives.get(index), self.scratch.as_ref())
                    {
                        let mut cx = collective::Cx {
                            func: &mut *self.func,
                            types: self.types,
                            nthreads: self.prelude.nthreads,
                            done: self.done,
                            scratch,
                        };
                        collective::emit_collective(&mut cx, c, &mut out);
                    }
                }
                Node::If {
                    cond,
                    then_nodes,
                    else_nodes,
                    loc,
                } => {
                    let then_region = Region::new(self.emit_nodes(then_nodes));
                    let else_region = Region::new(self.emit_nodes(else_nodes));
                    out.push(Stmt {
                        kind: StmtKind::If {
                            cond,
                            then_region,
                            else_region,
                        },
                        loc,
                    });
                }
                Node::Loop {
                    body,
                    continuing,
                    loc,
                } => {
                    let body = Region::new(self.emit_nodes(body));
                    let continuing = Region::new(self.emit_nodes(continuing));
                    out.push(Stmt {
                        kind: StmtKind::Loop { body, continuing },
                        loc,
                    });
                }
            }
        }
        out
    }

    /// Emits the thread loop of run `index` (skipping done threads when `check_done`):
    /// one loop per block dimension, `x` innermost,
    ///
    /// ```text
    /// t = 0; z = 0
    /// loop { if z >= bdz break; y = 0
    ///   loop { if y >= bdy break; x = 0; end = t + bdx
    ///     loop { if t >= end break; run }  continuing { t++; x++ }
    ///   } continuing { y++ }
    /// } continuing { z++ }
    /// ```
    ///
    /// The innermost loop is the *thread loop* ([`THREAD_INDEX_LOCAL`]); what depends only on
    /// `threadIdx.y/z` and block-level values is invariant in it, so a backend hoists it out
    /// of the row, and no thread pays for a wrap-around test of its counters.
    fn thread_loop(&mut self, index: usize, check_done: bool, out: &mut Vec<Stmt>) {
        let types = self.types;
        let p = &self.prelude;
        let (tid_addr, zero, one) = (p.tid_addr, p.zero, p.one);
        let (bdx, bdy, bdz, bdxy) = (p.bdx, p.bdy, p.bdz, p.bdxy);
        let xyz_addr = p.tid_xyz_addr;
        let func = &mut *self.func;
        let load = |func: &mut Function, out: &mut Vec<Stmt>, ptr| {
            emit(
                func,
                out,
                types.i32_,
                Inst::Load {
                    ptr,
                    align: 4,
                    volatile: false,
                },
            )
        };
        // `if *counter >= limit { break }` at the top of a loop body; returns the counter.
        let exit_test = |func: &mut Function, out: &mut Vec<Stmt>, counter, limit| {
            let value = load(func, out, counter);
            let end = emit(
                func,
                out,
                types.bool_,
                Inst::Cmp {
                    op: CmpOp::SGe,
                    lhs: value,
                    rhs: limit,
                },
            );
            out.push(if_then(end, vec![Stmt::new(StmtKind::Break)]));
            value
        };
        // `*counter += 1`.
        let step = |func: &mut Function, out: &mut Vec<Stmt>, counter| {
            let current = load(func, out, counter);
            let next = emit(
                func,
                out,
                types.i32_,
                Inst::Binary {
                    op: BinaryOp::Add,
                    lhs: current,
                    rhs: one,
                },
            );
            emit_store(out, counter, next, 4);
        };
        emit_store(out, tid_addr, zero, 4);
        emit_store(out, xyz_addr[2], zero, 4);
        let mut z_body = Vec::new();
        exit_test(func, &mut z_body, xyz_addr[2], bdz);
        emit_store(&mut z_body, xyz_addr[1], zero, 4);
        let mut y_body = Vec::new();
        exit_test(func, &mut y_body, xyz_addr[1], bdy);
        emit_store(&mut y_body, xyz_addr[0], zero, 4);
        let row = load(func, &mut y_body, tid_addr);
        let row_end = emit(
            func,
            &mut y_body,
            types.i32_,
            Inst::Binary {
                op: BinaryOp::Add,
                lhs: row,
                rhs: bdx,
            },
        );

        let mut body = Vec::new();
        let t = exit_test(func, &mut body, tid_addr, row_end);
        let t64 = emit(
            func,
            &mut body,
            types.i64_,
            Inst::Convert {
                op: ConvOp::SExt,
                arg: t,
            },
        );
        if let (true, Some(done)) = (check_done, self.done) {
            let ptr = slot_addr(func, &mut body, types, done, t64, 1);
            let flag = emit(
                func,
                &mut body,
                types.bool_,
                Inst::Load {
                    ptr,
                    align: 1,
                    volatile: false,
                },
            );
            body.push(if_then(flag, vec![Stmt::new(StmtKind::Continue)]));
        }
        let guards = self.run_guards.get(index).cloned().unwrap_or_default();
        if !guards.is_empty() {
            let pass = collective::guards_hold(func, types, &mut body, &guards, t);
            let skip = emit(
                func,
                &mut body,
                types.bool_,
                Inst::Unary {
                    op: UnaryOp::Not,
                    arg: pass,
                },
            );
            body.push(if_then(skip, vec![Stmt::new(StmtKind::Continue)]));
        }
        let xyz = xyz_addr.map(|addr| load(func, &mut body, addr));
        let mut cx = ThreadCx {
            t,
            t64,
            bdx,
            bdy,
            bdxy,
            tid_xyz: Some((xyz, zero)),
            replicated: &self.replicated,
            spills: &self.spills,
            renames: HashMap::new(),
            done: self.done,
            needs_tid: self.needs_tid,
            in_kernel: true,
        };
        let imports = self.imports.get(index).cloned().unwrap_or_default();
        let mut renames = HashMap::new();
        for value in imports {
            let Some(ty) = func.value_type(value) else {
                continue;
            };
            let new = func.new_value(ty);
            if let Some(inst) = self.remat.get(&value) {
                rewrite_inst(func, &mut body, types, &cx, Some(new), inst.clone(), None);
            } else if let Some(&(local, size, align)) = self.spills.get(&value) {
                let ptr = slot_addr(func, &mut body, types, local, t64, size);
                body.push(Stmt::inst(
                    Some(new),
                    Inst::Load {
                        ptr,
                        align,
                        volatile: false,
                    },
                ));
            }
            renames.insert(value, new);
        }
        cx.renames = renames;
        let stmts = self
            .runs
            .get_mut(index)
            .map(std::mem::take)
            .unwrap_or_default();
        body.extend(rewrite_region(func, types, &cx, stmts, 0));
        let mut continuing = Vec::new();
        step(func, &mut continuing, tid_addr);
        step(func, &mut continuing, xyz_addr[0]);
        y_body.push(Stmt::new(StmtKind::Loop {
            body: Region::new(body),
            continuing: Region::new(continuing),
        }));
        let mut y_continuing = Vec::new();
        step(func, &mut y_continuing, xyz_addr[1]);
        z_body.push(Stmt::new(StmtKind::Loop {
            body: Region::new(y_body),
            continuing: Region::new(y_continuing),
        }));
        let mut z_continuing = Vec::new();
        step(func, &mut z_continuing, xyz_addr[2]);
        out.push(Stmt::new(StmtKind::Loop {
            body: Region::new(z_body),
            continuing: Region::new(z_continuing),
        }));
    }
}

/// What a scan of thread code finds about a local before it is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FirstAccess {
    /// Not accessed.
    Untouched,
    /// Every path stores it before any load.
    Stored,
    /// It may be read before being stored (the value may come from elsewhere).
    MayRead,
}

/// Whether a statement (at any depth) uses one of `addrs`.
fn touches(stmt: &Stmt, addrs: &HashSet<Value>) -> bool {
    let mut found = false;
    walk_stmts(&Region::new(vec![stmt.clone()]), &mut |s| match &s.kind {
        StmtKind::Inst { inst, .. } => inst.for_each_operand(|v| found |= addrs.contains(&v)),
        StmtKind::If { cond, .. } => found |= addrs.contains(cond),
        StmtKind::Return(Some(v)) => found |= addrs.contains(v),
        _ => {}
    });
    found
}

/// Scans `stmts` for the first access to the local whose addresses are `addrs`.
fn first_access(stmts: &[Stmt], addrs: &HashSet<Value>) -> FirstAccess {
    for (index, stmt) in stmts.iter().enumerate() {
        if !touches(stmt, addrs) {
            continue;
        }
        let rest_untouched = || {
            stmts
                .get(index + 1..)
                .unwrap_or(&[])
                .iter()
                .all(|s| !touches(s, addrs))
        };
        return match &stmt.kind {
            StmtKind::Inst {
                inst: Inst::Store { ptr, value, .. },
                ..
            } if addrs.contains(ptr) && !addrs.contains(value) => FirstAccess::Stored,
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                let a = first_access(&then_region.stmts, addrs);
                let b = first_access(&else_region.stmts, addrs);
                match (a, b) {
                    (FirstAccess::Stored, FirstAccess::Stored) => FirstAccess::Stored,
                    (FirstAccess::MayRead, _) | (_, FirstAccess::MayRead) => FirstAccess::MayRead,
                    _ if rest_untouched() => FirstAccess::Stored,
                    _ => FirstAccess::MayRead,
                }
            }
            StmtKind::Loop { body, continuing } => {
                let continuing_untouched = continuing.stmts.iter().all(|s| !touches(s, addrs));
                if first_access(&body.stmts, addrs) == FirstAccess::Stored
                    && continuing_untouched
                    && rest_untouched()
                {
                    FirstAccess::Stored
                } else {
                    FirstAccess::MayRead
                }
            }
            _ => FirstAccess::MayRead,
        };
    }
    FirstAccess::Untouched
}

/// The original locals that need no per-thread copy: accessed (only by direct loads and
/// stores) in a single run, stored before being read on every path of a thread's iteration,
/// and with no address used by another run. One scalar then serves every thread in turn.
fn thread_private_locals(
    runs: &[Vec<Stmt>],
    imported: &HashSet<Value>,
    original_locals: usize,
) -> HashSet<LocalId> {
    // Per local: the runs that address it, its address values, whether an address is used
    // other than as the pointer of a load or store.
    let mut runs_of: HashMap<LocalId, HashSet<usize>> = HashMap::new();
    let mut addrs: HashMap<LocalId, HashSet<Value>> = HashMap::new();
    for (index, run) in runs.iter().enumerate() {
        walk_stmts(&Region::new(run.clone()), &mut |s| {
            if let StmtKind::Inst {
                result: Some(r),
                inst: Inst::LocalAddr(l),
            } = &s.kind
            {
                runs_of.entry(*l).or_default().insert(index);
                addrs.entry(*l).or_default().insert(*r);
            }
        });
    }
    let addr_owner: HashMap<Value, LocalId> = addrs
        .iter()
        .flat_map(|(l, set)| set.iter().map(move |v| (*v, *l)))
        .collect();
    let mut escaped: HashSet<LocalId> = HashSet::new();
    for run in runs {
        walk_stmts(&Region::new(run.clone()), &mut |s| {
            let mut escape = |v: Value| {
                if let Some(l) = addr_owner.get(&v) {
                    escaped.insert(*l);
                }
            };
            match &s.kind {
                StmtKind::Inst { inst, .. } => match inst {
                    Inst::Load { .. } => {}
                    Inst::Store { value, .. } => escape(*value),
                    other => other.for_each_operand(&mut escape),
                },
                StmtKind::If { cond, .. } => escape(*cond),
                StmtKind::Return(Some(v)) => escape(*v),
                _ => {}
            }
        });
    }
    let mut out = HashSet::new();
    for (local, set) in &addrs {
        if local.index() >= original_locals || escaped.contains(local) {
            continue;
        }
        if set.iter().any(|v| imported.contains(v)) {
            continue;
        }
        let Some(run_set) = runs_of.get(local) else {
            continue;
        };
        let [run] = run_set.iter().copied().collect::<Vec<_>>()[..] else {
            continue;
        };
        let Some(stmts) = runs.get(run) else {
            continue;
        };
        if first_access(stmts, set) != FirstAccess::MayRead {
            out.insert(*local);
        }
    }
    out
}

fn transform_kernel(
    module: &mut Module,
    func: &mut Function,
    types: &Types,
    needs_tid: &HashSet<FuncId>,
    max_threads: u64,
) -> Result<(), PassError> {
    let uniform = analyze_uniformity(func);
    let thread_dependent = thread_dependent_values(func);
    let original_locals = func.locals.len();
    // A `return` nested in any statement may end single threads.
    let has_thread_return = func.body.stmts.iter().any(|stmt| {
        nested_regions_any(stmt)
            .iter()
            .any(|region| contains_return(region))
    });
    let body = std::mem::take(&mut func.body);
    let mut kernel = Kernel {
        module: &mut *module,
        func: &mut *func,
        types,
        uniform,
        thread_dependent,
        runs: Vec::new(),
        run_guards: Vec::new(),
        guards: Vec::new(),
        collectives: Vec::new(),
        exchange: HashMap::new(),
        per_thread: Vec::new(),
        max_threads,
    };
    let nodes = kernel.build(body, false)?;
    let Kernel {
        uniform,
        runs,
        mut run_guards,
        collectives,
        per_thread,
        ..
    } = kernel;

    // Which run defines each value; which values each run imports from another run.
    let mut def_run: HashMap<Value, usize> = HashMap::new();
    for (index, run) in runs.iter().enumerate() {
        defined_values(run, &mut |v| {
            def_run.insert(v, index);
        });
    }
    let mut imports: Vec<Vec<Value>> = Vec::with_capacity(runs.len());
    let mut imported: HashSet<Value> = HashSet::new();
    for (index, run) in runs.iter().enumerate() {
        let mut list = Vec::new();
        let mut seen = HashSet::new();
        used_values(run, &mut |v| {
            if def_run.get(&v).is_some_and(|&d| d != index) && seen.insert(v) {
                list.push(v);
            }
        });
        imported.extend(list.iter().copied());
        imports.push(list);
    }

    // Per-thread copies of the locals that are not uniform, except those that live within
    // one iteration of one thread loop.
    let thread_private = thread_private_locals(&runs, &imported, original_locals);
    let mut replicated = HashMap::new();
    for index in 0..original_locals {
        let id = LocalId::from_index(index);
        if uniform.local(id) || thread_private.contains(&id) {
            continue;
        }
        let Some(local) = func.locals.get(index) else {
            continue;
        };
        let elem = local.ty;
        let size = module.size_of(elem).unwrap_or(0);
        let array = module.ty(Type::Array {
            elem,
            len: max_threads,
        });
        replicated.insert(id, size);
        if let Some(local) = func.locals.get_mut(index) {
            local.ty = array;
        }
    }

    // Imported values: recomputed when cheap, else spilled to a per-thread array.
    let mut defs: HashMap<Value, Inst> = HashMap::new();
    for run in &runs {
        walk_stmts(&Region::new(run.clone()), &mut |s| {
            if let StmtKind::Inst {
                result: Some(r),
                inst,
            } = &s.kind
            {
                if imported.contains(r) {
                    defs.insert(*r, inst.clone());
                }
            }
        });
    }
    let mut remat = HashMap::new();
    let mut spills = HashMap::new();
    let mut imported_sorted: Vec<Value> = imported.into_iter().collect();
    imported_sorted.sort();
    for value in imported_sorted {
        match defs.get(&value) {
            Some(inst @ (Inst::ThreadId(_) | Inst::LaneId)) => {
                remat.insert(value, inst.clone());
            }
            Some(inst @ Inst::LocalAddr(l)) if replicated.contains_key(l) => {
                remat.insert(value, inst.clone());
            }
            _ => {
                let Some(ty) = func.value_type(value) else {
                    continue;
                };
                let size = module.size_of(ty).unwrap_or(8);
                let align = module.align_of(ty).unwrap_or(8);
                let array = module.ty(Type::Array {
                    elem: ty,
                    len: max_threads,
                });
                let local = func.add_local(format!("spill{value}"), array, align);
                spills.insert(value, (local, size, align));
            }
        }
    }

    // The prelude: block dimensions, the thread counter, the done flags.
    let mut prelude_stmts = Vec::new();
    let f = &mut *func;
    let bdx = emit(f, &mut prelude_stmts, types.i32_, Inst::BlockDim(Dim::X));
    let bdy = emit(f, &mut prelude_stmts, types.i32_, Inst::BlockDim(Dim::Y));
    let bdz = emit(f, &mut prelude_stmts, types.i32_, Inst::BlockDim(Dim::Z));
    let mul = |lhs, rhs| Inst::Binary {
        op: BinaryOp::Mul,
        lhs,
        rhs,
    };
    let bdxy = emit(f, &mut prelude_stmts, types.i32_, mul(bdx, bdy));
    let nthreads = emit(f, &mut prelude_stmts, types.i32_, mul(bdxy, bdz));
    let zero = emit_const(f, &mut prelude_stmts, types.i32_, 0);
    let one = emit_const(f, &mut prelude_stmts, types.i32_, 1);
    let tid_local = f.add_local(THREAD_INDEX_LOCAL, types.i32_, 4);
    let tid_addr = emit(
        f,
        &mut prelude_stmts,
        types.ptr_local,
        Inst::LocalAddr(tid_local),
    );
    let tid_xyz_addr = THREAD_ID_LOCALS.map(|name| {
        let local = f.add_local(name, types.i32_, 4);
        emit(
            f,
            &mut prelude_stmts,
            types.ptr_local,
            Inst::LocalAddr(local),
        )
    });
    let done = if has_thread_return {
        let array = module.ty(Type::Array {
            elem: types.bool_,
            len: max_threads,
        });
        Some(func.add_local("thread.done", array, 1))
    } else {
        None
    };
    let mut runs = runs;
    let init_run = done.map(|done| {
        let mut run = Vec::new();
        // Written through a per-thread address computed by the thread loop: a local_addr of
        // the (replicated) done array is rewritten to this thread's element.
        let ptr = func.new_value(types.ptr_local);
        run.push(Stmt::inst(Some(ptr), Inst::LocalAddr(done)));
        let no = emit_const(func, &mut run, types.bool_, 0);
        emit_store(&mut run, ptr, no, 1);
        runs.push(run);
        imports.push(Vec::new());
        run_guards.push(Vec::new());
        runs.len() - 1
    });
    if let Some(done) = done {
        replicated.insert(done, 1);
    }
    replicated.extend(per_thread.iter().copied());
    let scratch = (!collectives.is_empty()).then(|| {
        let mut scalar = |name: &str| func.add_local(format!("warp.{name}"), types.i32_, 4);
        Scratch {
            warp: scalar("index"),
            lane: scalar("lane"),
            inner: scalar("other"),
            live: scalar("live"),
            alive: scalar("alive"),
            bits: scalar("bits"),
            acc: scalar("acc"),
            cache_group: scalar("cache.group"),
            cache_value: scalar("cache.value"),
        }
    });
    let mut emitter = Emitter {
        func: &mut *func,
        types,
        needs_tid,
        prelude: Prelude {
            bdx,
            bdy,
            bdz,
            bdxy,
            nthreads,
            zero,
            one,
            tid_addr,
            tid_xyz_addr,
        },
        runs,
        imports,
        remat,
        spills,
        replicated,
        done,
        run_guards,
        collectives,
        scratch,
    };
    let mut stmts = prelude_stmts;
    if let Some(index) = init_run {
        emitter.thread_loop(index, false, &mut stmts);
    }
    stmts.extend(emitter.emit_nodes(nodes));
    drop(emitter);
    func.body = Region::new(stmts);
    Ok(())
}

#[cfg(test)]
mod tests;
