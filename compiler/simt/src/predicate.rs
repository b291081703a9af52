//! Predication of warp collectives for the shared-memory emulation of warps.
//!
//! When the device's subgroup is not 32 wide, warp collectives are emulated through
//! workgroup memory: every invocation of the workgroup writes its operands, waits at a
//! workgroup barrier, reads its warp's operands and waits again. A workgroup barrier must be
//! reached by every invocation, so collectives may not stay under control flow that differs
//! between the threads of a block. This transform (run on the inlined kernel, before
//! emission) rewrites a kernel so that every collective and barrier is executed by every
//! thread:
//!
//! - A *uniformity analysis* finds the values that are equal in all threads of a block
//!   (constants, parameters, block ids and sizes, and what is computed from them, including
//!   loads of *uniform locals*: scalar locals accessed only directly whose every store stores
//!   a uniform value under control flow that is uniform within the local's scope), and the
//!   loops every thread runs equally often (all their exits under uniform conditions).
//! - An `if` with a non-uniform condition that holds a collective or barrier is *predicated*:
//!   the condition goes into a per-thread flag, both branches run one after the other, every
//!   statement with effects is guarded by `if (flag)` (SSA values defined there and used later
//!   go through locals), and every collective runs unconditionally with its mask replaced by
//!   0 where the flag is false (mask 0 means "not participating" to the emitter; a CUDA mask
//!   always holds the calling lane). Uniform computations and stores to uniform locals stay
//!   unguarded, so uniform loops inside predicated branches still run equally often.
//! - `__activemask()` becomes `__ballot_sync(active ? ~0 : 0, true)`.
//! - When a `return` is not at the top of the kernel, a per-thread `alive` flag replaces it:
//!   the rest of the kernel is predicated on it (exited CUDA threads do not take part in later
//!   collectives).
//!
//! What is not handled is reported as [`PredicateError::Unsupported`]: a loop holding a
//! collective whose exits are not uniform, a `break`/`continue` under a predicated branch, and
//! a `return` inside a loop of a kernel that needs the `alive` flag.
//!
//! The GPU backends (SPIR-V when the device's subgroup is not 32 wide, WGSL always) run it on
//! the inlined kernel before they emulate collectives through workgroup memory.

use crate::ir::{
    Function, Handle, Inst, IntWidth, Loc, LocalId, Module, Region, Stmt, StmtKind, Type, TypeId,
    Value, VoteKind,
};
use std::collections::{HashMap, HashSet};

/// Why a kernel's collectives could not be made reached by every thread of the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PredicateError {
    /// A construct the transform does not handle; `loc` is `file:line:col` when known.
    Unsupported {
        /// What is not supported, with the reason it matters.
        what: String,
        /// Where, when known.
        loc: Option<String>,
    },
}

impl std::fmt::Display for PredicateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PredicateError::Unsupported { what, loc: Some(l) } => write!(f, "{l}: {what}"),
            PredicateError::Unsupported { what, loc: None } => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for PredicateError {}

type Res<T> = Result<T, PredicateError>;

/// Whether an instruction is a warp collective.
pub fn is_collective(inst: &Inst) -> bool {
    matches!(
        inst,
        Inst::SyncWarp { .. }
            | Inst::Shuffle { .. }
            | Inst::Vote { .. }
            | Inst::Match { .. }
            | Inst::ActiveMask
            | Inst::WarpReduce { .. }
    )
}

/// Whether an instruction needs every thread of the block (a collective or a barrier).
fn is_sync(inst: &Inst) -> bool {
    is_collective(inst) || matches!(inst, Inst::Barrier(_))
}

fn any_stmt(region: &Region, pred: &dyn Fn(&Stmt) -> bool) -> bool {
    region.stmts.iter().any(|s| stmt_any(s, pred))
}

fn stmt_any(stmt: &Stmt, pred: &dyn Fn(&Stmt) -> bool) -> bool {
    pred(stmt)
        || match &stmt.kind {
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => any_stmt(then_region, pred) || any_stmt(else_region, pred),
            StmtKind::Loop { body, continuing } => {
                any_stmt(body, pred) || any_stmt(continuing, pred)
            }
            _ => false,
        }
}

fn has_sync(stmt: &Stmt) -> bool {
    stmt_any(
        stmt,
        &|s| matches!(&s.kind, StmtKind::Inst { inst, .. } if is_sync(inst)),
    )
}

fn has_return(stmt: &Stmt) -> bool {
    stmt_any(stmt, &|s| matches!(s.kind, StmtKind::Return(_)))
}

/// Whether `stmt` holds a `break` / `continue` that leaves it (not one of an inner loop).
fn has_outer_jump(stmt: &Stmt) -> bool {
    match &stmt.kind {
        StmtKind::Break | StmtKind::Continue => true,
        StmtKind::If {
            then_region,
            else_region,
            ..
        } => then_region
            .stmts
            .iter()
            .chain(&else_region.stmts)
            .any(has_outer_jump),
        _ => false,
    }
}

/// Whether the function holds a warp collective.
pub fn has_collectives(func: &Function) -> bool {
    any_stmt(
        &func.body,
        &|s| matches!(&s.kind, StmtKind::Inst { inst, .. } if is_collective(inst)),
    )
}

/// Rewrites `func` (an inlined simt-phase kernel) so that every collective and barrier is
/// reached by every thread of the block (see the module docs).
pub fn predicate_collectives(module: &mut Module, func: &mut Function) -> Res<()> {
    if !has_collectives(func) {
        return Ok(());
    }
    let analysis = Analysis::run(module, func);
    let types = Types {
        bool_: module.ty(Type::Bool),
        i32_: module.ty(Type::Int(IntWidth::W32)),
        ptr_local: module.ty(Type::Ptr(crate::ir::AddrSpace::Local)),
    };
    let nested_return = func
        .body
        .stmts
        .iter()
        .any(|s| !matches!(s.kind, StmtKind::Return(_)) && has_return(s));
    let mut uses: HashMap<Value, usize> = HashMap::new();
    count_uses(&func.body, &mut uses);
    let body = std::mem::take(&mut func.body);
    let mut p = Predicator {
        module,
        func,
        types,
        analysis,
        uses,
        rename: HashMap::new(),
        alive: None,
        loop_depth: 0,
    };
    let mut out = Vec::new();
    let top = if nested_return {
        let alive = p.func.add_local("alive", p.types.bool_, 1);
        let t = p.bool_const(&mut out, true);
        p.store_local(&mut out, alive, t);
        p.alive = Some(alive);
        Some(alive)
    } else {
        None
    };
    let stmts = p.region(body, &[], top)?;
    out.extend(stmts);
    p.func.body = Region::new(out);
    Ok(())
}

fn count_uses(region: &Region, uses: &mut HashMap<Value, usize>) {
    for s in &region.stmts {
        count_stmt_uses(s, uses);
    }
}

fn count_stmt_uses(stmt: &Stmt, uses: &mut HashMap<Value, usize>) {
    match &stmt.kind {
        StmtKind::Inst { inst, .. } => inst.for_each_operand(|v| *uses.entry(v).or_default() += 1),
        StmtKind::If {
            cond,
            then_region,
            else_region,
        } => {
            *uses.entry(*cond).or_default() += 1;
            count_uses(then_region, uses);
            count_uses(else_region, uses);
        }
        StmtKind::Loop { body, continuing } => {
            count_uses(body, uses);
            count_uses(continuing, uses);
        }
        StmtKind::Return(Some(v)) => *uses.entry(*v).or_default() += 1,
        _ => {}
    }
}

/// The path of a statement: for each enclosing structured statement, its index times two
/// plus the sub-region (0 = then / body, 1 = else / continuing).
type Path = Vec<u32>;

/// The results of the uniformity analysis.
struct Analysis {
    /// Per value index: equal in every thread of the block.
    values: Vec<bool>,
    /// Per local: a uniform local.
    locals: Vec<bool>,
    /// Locals by the `local_addr` values that address them.
    addr_of: HashMap<Value, LocalId>,
    /// Paths of the loops whose exits are not all uniform.
    nonuniform_loops: HashSet<Path>,
}

/// What one analysis walk records.
#[derive(Default)]
struct Walk {
    /// Per local: the paths of its accesses.
    access_paths: HashMap<LocalId, Vec<Path>>,
    /// Per local: each store's path, the non-uniformity flags along it, and whether the
    /// stored value is uniform.
    stores: HashMap<LocalId, Vec<(Path, Vec<bool>, bool)>>,
    /// Per loop path: the flags along the paths of the jumps that leave it.
    jumps: HashMap<Path, Vec<Vec<bool>>>,
}

impl Analysis {
    fn run(module: &Module, func: &Function) -> Analysis {
        let mut addr_of = HashMap::new();
        collect_addrs(&func.body, &mut addr_of);
        // Candidate locals: scalar, addressed only directly by loads and stores.
        let mut locals: Vec<bool> = func.locals.iter().map(|l| module.is_scalar(l.ty)).collect();
        disqualify_escaping(&func.body, &addr_of, &mut locals);
        let mut a = Analysis {
            values: vec![false; func.value_types.len()],
            locals,
            addr_of,
            nonuniform_loops: HashSet::new(),
        };
        loop {
            a.values = vec![false; func.value_types.len()];
            for p in &func.params {
                if let Some(v) = a.values.get_mut(p.index()) {
                    *v = true;
                }
            }
            let mut walk = Walk::default();
            let mut path = Vec::new();
            let mut flags = Vec::new();
            let mut loops = Vec::new();
            a.walk(&func.body, &mut path, &mut flags, &mut loops, &mut walk);
            let mut changed = false;
            for (loop_path, jumps) in &walk.jumps {
                let depth = loop_path.len();
                let uniform = jumps
                    .iter()
                    .all(|f| f.iter().skip(depth).all(|nonuniform| !nonuniform));
                if !uniform && a.nonuniform_loops.insert(loop_path.clone()) {
                    changed = true;
                }
            }
            for (local, stores) in &walk.stores {
                if !a.locals.get(local.index()).copied().unwrap_or(false) {
                    continue;
                }
                let scope = walk
                    .access_paths
                    .get(local)
                    .map(|paths| common_prefix(paths))
                    .unwrap_or_default();
                let uniform = stores.iter().all(|(_, flags, value_uniform)| {
                    *value_uniform && flags.iter().skip(scope.len()).all(|n| !n)
                });
                if !uniform {
                    if let Some(l) = a.locals.get_mut(local.index()) {
                        *l = false;
                        changed = true;
                    }
                }
            }
            if !changed {
                return a;
            }
        }
    }

    fn is_uniform(&self, v: Value) -> bool {
        self.values.get(v.index()).copied().unwrap_or(false)
    }

    fn uniform_local(&self, ptr: Value) -> Option<LocalId> {
        self.addr_of
            .get(&ptr)
            .copied()
            .filter(|l| self.locals.get(l.index()).copied().unwrap_or(false))
    }

    /// Whether an instruction computes the same value in every thread, given its operands.
    fn inst_uniform(&self, inst: &Inst) -> bool {
        match inst {
            Inst::Const { .. }
            | Inst::BlockId(_)
            | Inst::BlockDim(_)
            | Inst::GridDim(_)
            | Inst::WarpSize
            | Inst::GlobalAddr(_)
            | Inst::DynSharedAddr
            | Inst::LocalAddr(_) => true,
            Inst::Unary { .. }
            | Inst::Binary { .. }
            | Inst::Cmp { .. }
            | Inst::Select { .. }
            | Inst::Convert { .. }
            | Inst::PtrAdd { .. }
            | Inst::Math { .. } => inst.operands().iter().all(|v| self.is_uniform(*v)),
            Inst::Load { ptr, .. } => self.uniform_local(*ptr).is_some(),
            _ => false,
        }
    }

    fn walk(
        &mut self,
        region: &Region,
        path: &mut Path,
        flags: &mut Vec<bool>,
        loops: &mut Vec<Path>,
        out: &mut Walk,
    ) {
        for (index, stmt) in region.stmts.iter().enumerate() {
            let here = index as u32 * 2;
            match &stmt.kind {
                StmtKind::Inst { result, inst } => {
                    if let Some(r) = result {
                        let u = self.inst_uniform(inst);
                        if let Some(slot) = self.values.get_mut(r.index()) {
                            *slot = u;
                        }
                    }
                    let ptr = match inst {
                        Inst::Load { ptr, .. } | Inst::Store { ptr, .. } => Some(*ptr),
                        _ => None,
                    };
                    if let Some(local) = ptr.and_then(|p| self.addr_of.get(&p).copied()) {
                        out.access_paths
                            .entry(local)
                            .or_default()
                            .push(path.clone());
                        if let Inst::Store { value, .. } = inst {
                            let u = self.is_uniform(*value);
                            out.stores.entry(local).or_default().push((
                                path.clone(),
                                flags.clone(),
                                u,
                            ));
                        }
                    }
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => {
                    let nonuniform = !self.is_uniform(*cond);
                    for (sub, r) in [(0, then_region), (1, else_region)] {
                        path.push(here + sub);
                        flags.push(nonuniform);
                        self.walk(r, path, flags, loops, out);
                        path.pop();
                        flags.pop();
                    }
                }
                StmtKind::Loop { body, continuing } => {
                    let mut loop_path = path.clone();
                    loop_path.push(index as u32);
                    let nonuniform = self.nonuniform_loops.contains(&loop_path);
                    out.jumps.entry(loop_path.clone()).or_default();
                    loops.push(loop_path);
                    for (sub, r) in [(0, body), (1, continuing)] {
                        path.push(here + sub);
                        flags.push(nonuniform);
                        self.walk(r, path, flags, loops, out);
                        path.pop();
                        flags.pop();
                    }
                    loops.pop();
                }
                StmtKind::Break | StmtKind::Continue => {
                    if let Some(l) = loops.last() {
                        out.jumps.entry(l.clone()).or_default().push(flags.clone());
                    }
                }
                StmtKind::Return(_) => {
                    for l in loops.iter() {
                        out.jumps.entry(l.clone()).or_default().push(flags.clone());
                    }
                }
            }
        }
    }
}

/// The loop path key of the loop at `index` of a region at `path` (as `Analysis::walk`
/// records it).
fn loop_key(path: &[u32], index: usize) -> Path {
    let mut p = path.to_vec();
    p.push(index as u32);
    p
}

fn common_prefix(paths: &[Path]) -> Path {
    let Some(first) = paths.first() else {
        return Vec::new();
    };
    let mut len = first.len();
    for p in paths.iter().skip(1) {
        len = len.min(first.iter().zip(p).take_while(|(a, b)| a == b).count());
    }
    first.iter().take(len).copied().collect()
}

fn collect_addrs(region: &Region, out: &mut HashMap<Value, LocalId>) {
    for s in &region.stmts {
        match &s.kind {
            StmtKind::Inst {
                result: Some(r),
                inst: Inst::LocalAddr(l),
            } => {
                out.insert(*r, *l);
            }
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                collect_addrs(then_region, out);
                collect_addrs(else_region, out);
            }
            StmtKind::Loop { body, continuing } => {
                collect_addrs(body, out);
                collect_addrs(continuing, out);
            }
            _ => {}
        }
    }
}

/// Marks locals whose address is used other than as the pointer of a load or store.
fn disqualify_escaping(region: &Region, addr_of: &HashMap<Value, LocalId>, locals: &mut [bool]) {
    let bad = |v: Value, locals: &mut [bool]| {
        if let Some(l) = addr_of.get(&v) {
            if let Some(x) = locals.get_mut(l.index()) {
                *x = false;
            }
        }
    };
    for s in &region.stmts {
        match &s.kind {
            StmtKind::Inst { inst, .. } => match inst {
                Inst::Load { .. } => {}
                Inst::Store { value, .. } => bad(*value, locals),
                other => other.for_each_operand(|v| bad(v, locals)),
            },
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                bad(*cond, locals);
                disqualify_escaping(then_region, addr_of, locals);
                disqualify_escaping(else_region, addr_of, locals);
            }
            StmtKind::Loop { body, continuing } => {
                disqualify_escaping(body, addr_of, locals);
                disqualify_escaping(continuing, addr_of, locals);
            }
            StmtKind::Return(Some(v)) => bad(*v, locals),
            _ => {}
        }
    }
}

struct Types {
    bool_: TypeId,
    i32_: TypeId,
    ptr_local: TypeId,
}

struct Predicator<'a> {
    module: &'a Module,
    func: &'a mut Function,
    types: Types,
    analysis: Analysis,
    uses: HashMap<Value, usize>,
    /// Values replaced by reloads from spill locals.
    rename: HashMap<Value, Value>,
    /// The per-thread `alive` flag, when returns are predicated.
    alive: Option<LocalId>,
    /// How many loops enclose the statements being rewritten.
    loop_depth: usize,
}

impl Predicator<'_> {
    fn unsupported<T>(&self, what: &str, loc: Option<Loc>) -> Res<T> {
        Err(PredicateError::Unsupported {
            what: format!("{what} (warp collectives are emulated through workgroup memory here, so every thread of the block must reach them)"),
            loc: loc.map(|l| self.module.format_loc(l)),
        })
    }

    fn emit(&mut self, out: &mut Vec<Stmt>, ty: TypeId, inst: Inst) -> Value {
        let v = self.func.new_value(ty);
        out.push(Stmt::inst(Some(v), inst));
        v
    }
    fn bool_const(&mut self, out: &mut Vec<Stmt>, value: bool) -> Value {
        let t = self.types.bool_;
        self.emit(
            out,
            t,
            Inst::Const {
                bits: u64::from(value),
            },
        )
    }
    fn i32_const(&mut self, out: &mut Vec<Stmt>, value: u32) -> Value {
        let t = self.types.i32_;
        self.emit(
            out,
            t,
            Inst::Const {
                bits: u64::from(value),
            },
        )
    }
    fn local_addr(&mut self, out: &mut Vec<Stmt>, local: LocalId) -> Value {
        let t = self.types.ptr_local;
        self.emit(out, t, Inst::LocalAddr(local))
    }
    fn store_local(&mut self, out: &mut Vec<Stmt>, local: LocalId, value: Value) {
        let ptr = self.local_addr(out, local);
        out.push(Stmt::inst(
            None,
            Inst::Store {
                ptr,
                value,
                align: 1,
                volatile: false,
            },
        ));
    }
    fn load_local(&mut self, out: &mut Vec<Stmt>, local: LocalId, ty: TypeId) -> Value {
        let ptr = self.local_addr(out, local);
        self.emit(
            out,
            ty,
            Inst::Load {
                ptr,
                align: 1,
                volatile: false,
            },
        )
    }

    /// The current guard: `act && alive`.
    fn guard(&mut self, out: &mut Vec<Stmt>, act: LocalId) -> Value {
        let b = self.types.bool_;
        let a = self.load_local(out, act, b);
        match self.alive {
            Some(alive) if alive != act => {
                let l = self.load_local(out, alive, b);
                self.emit(
                    out,
                    b,
                    Inst::Binary {
                        op: crate::ir::BinaryOp::And,
                        lhs: a,
                        rhs: l,
                    },
                )
            }
            _ => a,
        }
    }

    fn rename_stmt(&self, stmt: &mut Stmt) {
        let map = &self.rename;
        let fix = |v: &mut Value| {
            if let Some(n) = map.get(v) {
                *v = *n;
            }
        };
        match &mut stmt.kind {
            StmtKind::Inst { inst, .. } => inst.for_each_operand_mut(fix),
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                if let Some(n) = map.get(cond) {
                    *cond = *n;
                }
                for s in then_region.stmts.iter_mut().chain(&mut else_region.stmts) {
                    self.rename_stmt(s);
                }
            }
            StmtKind::Loop { body, continuing } => {
                for s in body.stmts.iter_mut().chain(&mut continuing.stmts) {
                    self.rename_stmt(s);
                }
            }
            StmtKind::Return(Some(v)) => {
                if let Some(n) = map.get(v) {
                    *v = *n;
                }
            }
            _ => {}
        }
    }

    /// Whether a statement may run in every thread, active or not: a uniform pure
    /// computation or a store of a uniform value into a uniform local.
    fn unguarded(&self, stmt: &Stmt) -> bool {
        let StmtKind::Inst { result, inst } = &stmt.kind else {
            return false;
        };
        match inst {
            Inst::Store { ptr, value, .. } => {
                self.analysis.uniform_local(*ptr).is_some() && self.analysis.is_uniform(*value)
            }
            _ => result.is_some_and(|r| self.analysis.is_uniform(r)),
        }
    }

    /// Rewrites a collective for a thread whose participation is `guard` (`None`: every
    /// thread takes part).
    fn collective(
        &mut self,
        out: &mut Vec<Stmt>,
        result: Option<Value>,
        inst: Inst,
        guard: Option<Value>,
        loc: Option<Loc>,
    ) {
        let mut inst = inst;
        if matches!(inst, Inst::ActiveMask) {
            let all = self.i32_const(out, u32::MAX);
            let t = self.bool_const(out, true);
            inst = Inst::Vote {
                kind: VoteKind::Ballot,
                mask: all,
                pred: t,
            };
        }
        if let Some(g) = guard {
            let zero = self.i32_const(out, 0);
            let i32_ = self.types.i32_;
            let fix = |mask: &mut Value, this: &mut Self, out: &mut Vec<Stmt>| {
                *mask = this.emit(
                    out,
                    i32_,
                    Inst::Select {
                        cond: g,
                        if_true: *mask,
                        if_false: zero,
                    },
                );
            };
            match &mut inst {
                Inst::Shuffle { mask, .. }
                | Inst::Vote { mask, .. }
                | Inst::Match { mask, .. }
                | Inst::WarpReduce { mask, .. } => fix(mask, self, out),
                _ => {}
            }
        }
        out.push(Stmt {
            kind: StmtKind::Inst { result, inst },
            loc,
        });
    }

    /// Makes a `__syncthreads_count/and/or` predicate count only the threads that execute
    /// the barrier: `guard && p` (for `and`: `!guard || p`).
    fn guard_barrier_pred(
        &mut self,
        out: &mut Vec<Stmt>,
        act: LocalId,
        kind: &mut crate::ir::BarrierKind,
    ) {
        use crate::ir::{BarrierKind, BinaryOp, UnaryOp};
        let b = self.types.bool_;
        let g = self.guard(out, act);
        match kind {
            BarrierKind::Sync => {}
            BarrierKind::Count(p) | BarrierKind::Or(p) => {
                *p = self.emit(
                    out,
                    b,
                    Inst::Binary {
                        op: BinaryOp::And,
                        lhs: g,
                        rhs: *p,
                    },
                );
            }
            BarrierKind::And(p) => {
                let not_g = self.emit(
                    out,
                    b,
                    Inst::Unary {
                        op: UnaryOp::Not,
                        arg: g,
                    },
                );
                *p = self.emit(
                    out,
                    b,
                    Inst::Binary {
                        op: BinaryOp::Or,
                        lhs: not_g,
                        rhs: *p,
                    },
                );
            }
        }
    }

    /// Emits the pending guarded statements as `if (guard) { ... }`, spilling the values
    /// they define that are used later.
    fn flush(&mut self, out: &mut Vec<Stmt>, run: &mut Vec<Stmt>, act: LocalId) {
        if run.is_empty() {
            return;
        }
        let mut stmts = std::mem::take(run);
        let mut inside: HashMap<Value, usize> = HashMap::new();
        for s in &stmts {
            count_stmt_uses(s, &mut inside);
        }
        for s in &mut stmts {
            self.rename_stmt(s);
        }
        let defs: Vec<Value> = stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Inst {
                    result: Some(r), ..
                } => Some(*r),
                _ => None,
            })
            .collect();
        let mut spills = Vec::new();
        for d in defs {
            let total = self.uses.get(&d).copied().unwrap_or(0);
            let local = inside.get(&d).copied().unwrap_or(0);
            if total > local {
                if let Some(ty) = self.func.value_type(d) {
                    let slot = self.func.add_local("", ty, 8);
                    self.store_local(&mut stmts, slot, d);
                    spills.push((d, slot, ty));
                }
            }
        }
        let g = self.guard(out, act);
        let loc = stmts.first().and_then(|s| s.loc);
        out.push(Stmt {
            kind: StmtKind::If {
                cond: g,
                then_region: Region::new(stmts),
                else_region: Region::default(),
            },
            loc,
        });
        for (d, slot, ty) in spills {
            let v = self.load_local(out, slot, ty);
            self.rename.insert(d, v);
        }
    }

    fn region(&mut self, region: Region, path: &[u32], act: Option<LocalId>) -> Res<Vec<Stmt>> {
        let mut out = Vec::new();
        let mut run: Vec<Stmt> = Vec::new();
        for (index, stmt) in region.stmts.into_iter().enumerate() {
            let loc = stmt.loc;
            let here = index as u32 * 2;
            let structural =
                has_sync(&stmt) || has_return(&stmt) || (act.is_some() && has_outer_jump(&stmt));
            if !structural {
                let mut stmt = stmt;
                match act {
                    Some(_) if !self.unguarded(&stmt) => run.push(stmt),
                    Some(a) => {
                        // A store into a uniform local may not move above pending statements
                        // that read the local; uniform computations may.
                        if matches!(
                            &stmt.kind,
                            StmtKind::Inst {
                                inst: Inst::Store { .. },
                                ..
                            }
                        ) {
                            self.flush(&mut out, &mut run, a);
                        }
                        self.rename_stmt(&mut stmt);
                        out.push(stmt);
                    }
                    None => {
                        self.rename_stmt(&mut stmt);
                        out.push(stmt);
                    }
                }
                continue;
            }
            if let Some(a) = act {
                self.flush(&mut out, &mut run, a);
            }
            let mut stmt = stmt;
            // The original condition, for the uniformity query, before renaming.
            let orig_cond = match &stmt.kind {
                StmtKind::If { cond, .. } => Some(*cond),
                _ => None,
            };
            self.rename_stmt(&mut stmt);
            match stmt.kind {
                StmtKind::Inst { result, inst } => {
                    if is_collective(&inst) {
                        let g = act.map(|a| self.guard(&mut out, a));
                        self.collective(&mut out, result, inst, g, loc);
                    } else {
                        let mut inst = inst;
                        if let (Some(a), Inst::Barrier(kind)) = (act, &mut inst) {
                            // Threads that do not execute the barrier do not count.
                            self.guard_barrier_pred(&mut out, a, kind);
                        }
                        out.push(Stmt {
                            kind: StmtKind::Inst { result, inst },
                            loc,
                        });
                    }
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => {
                    let uniform = orig_cond.is_some_and(|c| self.analysis.is_uniform(c));
                    let mut then_path = path.to_vec();
                    then_path.push(here);
                    let mut else_path = path.to_vec();
                    else_path.push(here + 1);
                    if uniform {
                        let then_region = Region::new(self.region(then_region, &then_path, act)?);
                        let else_region = Region::new(self.region(else_region, &else_path, act)?);
                        out.push(Stmt {
                            kind: StmtKind::If {
                                cond,
                                then_region,
                                else_region,
                            },
                            loc,
                        });
                    } else {
                        let has_jump = then_region
                            .stmts
                            .iter()
                            .chain(&else_region.stmts)
                            .any(has_outer_jump);
                        if has_jump {
                            return self.unsupported(
                                "a `break` or `continue` under a condition that differs between threads, in a loop that holds a warp collective or barrier",
                                loc,
                            );
                        }
                        let b = self.types.bool_;
                        let base = match act {
                            Some(a) => self.guard(&mut out, a),
                            None => self.bool_const(&mut out, true),
                        };
                        let and = |lhs, rhs| Inst::Binary {
                            op: crate::ir::BinaryOp::And,
                            lhs,
                            rhs,
                        };
                        let t = self.emit(&mut out, b, and(base, cond));
                        let not_c = self.emit(
                            &mut out,
                            b,
                            Inst::Unary {
                                op: crate::ir::UnaryOp::Not,
                                arg: cond,
                            },
                        );
                        let e = self.emit(&mut out, b, and(base, not_c));
                        let a_then = self.func.add_local("", b, 1);
                        let a_else = self.func.add_local("", b, 1);
                        self.store_local(&mut out, a_then, t);
                        self.store_local(&mut out, a_else, e);
                        let t = self.region(then_region, &then_path, Some(a_then))?;
                        out.extend(t);
                        let e = self.region(else_region, &else_path, Some(a_else))?;
                        out.extend(e);
                    }
                }
                StmtKind::Loop { body, continuing } => {
                    let key = loop_key(path, index);
                    if self.analysis.nonuniform_loops.contains(&key) {
                        let what = if any_stmt(&body, &|s| has_sync(s))
                            || any_stmt(&continuing, &|s| has_sync(s))
                        {
                            "a loop holding a warp collective or barrier whose trip count differs between the threads of a block"
                        } else {
                            "a `return` inside a loop, in a kernel whose warp collectives follow it"
                        };
                        return self.unsupported(what, loc);
                    }
                    let mut body_path = path.to_vec();
                    body_path.push(here);
                    let mut cont_path = path.to_vec();
                    cont_path.push(here + 1);
                    self.loop_depth += 1;
                    let body = self.region(body, &body_path, act);
                    let continuing = self.region(continuing, &cont_path, act);
                    self.loop_depth -= 1;
                    let (body, continuing) = (Region::new(body?), Region::new(continuing?));
                    out.push(Stmt {
                        kind: StmtKind::Loop { body, continuing },
                        loc,
                    });
                }
                StmtKind::Return(v) => match (act, self.alive) {
                    (Some(_), Some(_)) if self.loop_depth > 0 => {
                        return self.unsupported(
                            "a `return` inside a loop, in a kernel whose warp collectives follow it",
                            loc,
                        );
                    }
                    (Some(a), Some(alive)) => {
                        // Only the threads that reach the `return` stop.
                        let g = self.guard(&mut out, a);
                        let mut then = Vec::new();
                        let f = self.bool_const(&mut then, false);
                        self.store_local(&mut then, alive, f);
                        out.push(Stmt {
                            kind: StmtKind::If {
                                cond: g,
                                then_region: Region::new(then),
                                else_region: Region::default(),
                            },
                            loc,
                        });
                    }
                    _ => out.push(Stmt {
                        kind: StmtKind::Return(v),
                        loc,
                    }),
                },
                kind @ (StmtKind::Break | StmtKind::Continue) => out.push(Stmt { kind, loc }),
            }
        }
        if let Some(a) = act {
            self.flush(&mut out, &mut run, a);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Module {
        crate::parse_module(text).unwrap()
    }

    const DIVERGENT: &str = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  %v2: i32 = const 20
  %v3: i1 = cmp.slt %v1, %v2
  if %v3 {
    %v4: i32 = const 1048575
    %v5: i1 = const 1
    %v6: i32 = vote.ballot %v4, %v5
    store %v0, %v6 align 4
  } else {
  }
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";

    fn count(region: &Region, pred: &dyn Fn(&Stmt) -> bool) -> usize {
        region
            .stmts
            .iter()
            .map(|s| {
                usize::from(pred(s))
                    + match &s.kind {
                        StmtKind::If {
                            then_region,
                            else_region,
                            ..
                        } => count(then_region, pred) + count(else_region, pred),
                        StmtKind::Loop { body, continuing } => {
                            count(body, pred) + count(continuing, pred)
                        }
                        _ => 0,
                    }
            })
            .sum()
    }

    #[test]
    fn collective_under_divergent_if_is_hoisted_with_guarded_mask() {
        let mut m = parse(DIVERGENT);
        let fid = m.kernels[0].function;
        let mut f = m.functions.get(fid).cloned().unwrap();
        predicate_collectives(&mut m, &mut f).unwrap();
        // The ballot is now at the top level, not inside an `if`.
        assert!(f.body.stmts.iter().any(|s| matches!(
            &s.kind,
            StmtKind::Inst {
                inst: Inst::Vote { .. },
                ..
            }
        )));
        // Its mask is a select on the guard.
        let vote_mask = f
            .body
            .stmts
            .iter()
            .find_map(|s| match &s.kind {
                StmtKind::Inst {
                    inst: Inst::Vote { mask, .. },
                    ..
                } => Some(*mask),
                _ => None,
            })
            .unwrap();
        let is_select = count(
            &f.body,
            &|s| matches!(&s.kind, StmtKind::Inst { result: Some(r), inst: Inst::Select { .. } } if *r == vote_mask),
        );
        assert_eq!(is_select, 1);
        // The store stays guarded (inside an `if`).
        let top_stores = f
            .body
            .stmts
            .iter()
            .filter(|s| {
                matches!(&s.kind, StmtKind::Inst { inst: Inst::Store { ptr, .. }, .. } if *ptr == Value::from_index(0))
            })
            .count();
        assert_eq!(top_stores, 0);
        assert_eq!(
            count(&f.body, &|s| matches!(
                &s.kind,
                StmtKind::Inst { inst: Inst::Store { ptr, .. }, .. } if *ptr == Value::from_index(0)
            )),
            1
        );
    }

    #[test]
    fn collective_in_a_loop_with_a_per_thread_trip_count_is_reported() {
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  loop {
    %v2: i32 = const 3
    %v3: i1 = cmp.slt %v1, %v2
    if %v3 {
      break
    } else {
    }
    %v4: i32 = const -1
    %v5: i32 = shfl.down %v4, %v1, %v2, %v2
    store %v0, %v5 align 4
  } continuing {
  }
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let mut m = parse(text);
        let fid = m.kernels[0].function;
        let mut f = m.functions.get(fid).cloned().unwrap();
        let err = predicate_collectives(&mut m, &mut f).unwrap_err();
        assert!(err.to_string().contains("trip count differs"), "{err}");
    }

    #[test]
    fn uniform_loop_counter_stays_unguarded_inside_a_predicated_branch() {
        // if (lane < 16) { for (d = 1; d < 32; d <<= 1) v = shfl_up(v, d); }
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  local %l0 \"d\": i32 align 4
  %v1: i32 = lane_id
  %v2: i32 = const 16
  %v3: i1 = cmp.slt %v1, %v2
  if %v3 {
    %v4: ptr<local> = local_addr %l0
    %v5: i32 = const 1
    store %v4, %v5 align 4
    loop {
      %v6: ptr<local> = local_addr %l0
      %v7: i32 = load %v6 align 4
      %v8: i32 = const 32
      %v9: i1 = cmp.sge %v7, %v8
      if %v9 {
        break
      } else {
      }
      %v10: i32 = const -1
      %v11: i32 = shfl.up %v10, %v1, %v7, %v8
      store %v0, %v11 align 4
    } continuing {
      %v12: ptr<local> = local_addr %l0
      %v13: i32 = load %v12 align 4
      %v14: i32 = add %v13, %v13
      store %v12, %v14 align 4
    }
  } else {
  }
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let mut m = parse(text);
        let fid = m.kernels[0].function;
        let mut f = m.functions.get(fid).cloned().unwrap();
        predicate_collectives(&mut m, &mut f).unwrap();
        // The loop is now at the top level and the stores to `d` are not guarded.
        let top_loop = f
            .body
            .stmts
            .iter()
            .find_map(|s| match &s.kind {
                StmtKind::Loop { body, continuing } => Some((body, continuing)),
                _ => None,
            })
            .expect("the loop runs in every thread");
        assert!(top_loop.1.stmts.iter().any(|s| matches!(
            &s.kind,
            StmtKind::Inst {
                inst: Inst::Store { .. },
                ..
            }
        )));
        assert!(top_loop.0.stmts.iter().any(|s| matches!(
            &s.kind,
            StmtKind::Inst {
                inst: Inst::Shuffle { .. },
                ..
            }
        )));
    }

    #[test]
    fn early_return_becomes_an_alive_flag_that_guards_later_collectives() {
        // if (lane >= 20) return; out = __ballot_sync(~0, true);
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  %v2: i32 = const 20
  %v3: i1 = cmp.sge %v1, %v2
  if %v3 {
    return
  } else {
  }
  %v4: i32 = const -1
  %v5: i1 = const 1
  %v6: i32 = vote.ballot %v4, %v5
  store %v0, %v6 align 4
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let mut m = parse(text);
        let fid = m.kernels[0].function;
        let mut f = m.functions.get(fid).cloned().unwrap();
        predicate_collectives(&mut m, &mut f).unwrap();
        assert_eq!(
            count(&f.body, &|s| matches!(s.kind, StmtKind::Return(_))),
            0,
            "returns become stores to the alive flag"
        );
        assert!(f.locals.iter().any(|l| l.name == "alive"));
        let vote_mask = f
            .body
            .stmts
            .iter()
            .find_map(|s| match &s.kind {
                StmtKind::Inst {
                    inst: Inst::Vote { mask, .. },
                    ..
                } => Some(*mask),
                _ => None,
            })
            .expect("the ballot runs in every thread");
        assert_ne!(vote_mask, Value::from_index(4), "the mask is guarded");
    }

    #[test]
    fn kernels_without_collectives_are_unchanged() {
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  store %v0, %v1 align 4
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let mut m = parse(text);
        let fid = m.kernels[0].function;
        let mut f = m.functions.get(fid).cloned().unwrap();
        let before = f.clone();
        predicate_collectives(&mut m, &mut f).unwrap();
        assert_eq!(f, before);
    }
}
