//! Inline: copies every device function that contains a barrier or a warp-level operation
//! (itself or through calls) into its callers, so that warp-to-loop sees every barrier and
//! collective in kernel code.
//!
//! Callee values and locals become fresh caller values and locals (locals are named
//! `callee.name`); parameters are replaced by the arguments. A callee whose only `return` is
//! its last top-level statement is spliced in place and the call's result is renamed to the
//! returned value. Other returns become structured control flow: a per-call *returned* flag
//! (and a result local for non-void callees) is set, a `return` inside a loop of the callee
//! also `break`s, and the code after a statement that may have returned runs under
//! `if (!returned)` (inside loops: `if (returned) break`).
//!
//! Inlined functions are not called any more; their bodies become a trap, so that the module
//! stays valid in later phases. Recursion through such a function is an error.

use crate::ir::*;
use crate::pass::{Pass, PassError};
use std::collections::{HashMap, HashSet};

/// The `inline` pass.
pub struct Inline;

/// The pass name.
const PASS: &str = "inline";

/// The most calls inlined into one kernel before giving up (guards against exponential
/// growth).
const MAX_INLINED_CALLS: usize = 10_000;

impl Pass for Inline {
    fn name(&self) -> &'static str {
        PASS
    }

    fn run(&self, module: &mut Module) -> Result<(), PassError> {
        if module.phase != Phase::Simt {
            return Ok(());
        }
        let needs = functions_to_inline(module);
        if needs.is_empty() {
            return Ok(());
        }
        check_recursion(module, &needs)?;
        let callees: HashMap<FuncId, Function> = needs
            .iter()
            .filter_map(|id| module.functions.get(*id).map(|f| (*id, f.clone())))
            .collect();
        let kernels: Vec<FuncId> = module.kernels.iter().map(|k| k.function).collect();
        let bool_ty = module.ty(Type::Bool);
        let ptr_local = module.ty(Type::Ptr(AddrSpace::Local));
        let types = InlineTypes {
            bool_: bool_ty,
            ptr_local,
        };
        for id in kernels {
            let Some(func) = module.functions.get_mut(id) else {
                continue;
            };
            let mut inliner = Inliner {
                callees: &callees,
                types: &types,
                renames: HashMap::new(),
                count: 0,
            };
            loop {
                let body = std::mem::take(&mut func.body.stmts);
                let (stmts, changed) = inliner.region(func, body)?;
                func.body.stmts = stmts;
                if !changed {
                    break;
                }
                if inliner.count > MAX_INLINED_CALLS {
                    return Err(unsupported(format!(
                        "kernel `{}` needs more than {MAX_INLINED_CALLS} inlined calls",
                        func.name
                    )));
                }
            }
            if !inliner.renames.is_empty() {
                let renames = std::mem::take(&mut inliner.renames);
                rename_region(&mut func.body, &resolve_renames(renames));
            }
        }
        for id in &needs {
            let ret = module.functions.get(*id).and_then(|f| f.ret);
            let scalar_ret = ret.is_none_or(|t| module.is_scalar(t));
            if !scalar_ret || kernels_contain(module, *id) {
                continue;
            }
            if let Some(func) = module.functions.get_mut(*id) {
                stub_out(func);
            }
        }
        Ok(())
    }
}

fn kernels_contain(module: &Module, id: FuncId) -> bool {
    module.kernels.iter().any(|k| k.function == id)
}

fn unsupported(message: String) -> PassError {
    PassError::Unsupported {
        pass: PASS.to_string(),
        message,
    }
}

/// Whether an instruction is a barrier or a warp-level operation.
pub(crate) fn is_synchronizing(inst: &Inst) -> bool {
    matches!(
        inst,
        Inst::Barrier(_)
            | Inst::SyncWarp { .. }
            | Inst::Shuffle { .. }
            | Inst::Vote { .. }
            | Inst::Match { .. }
            | Inst::ActiveMask
            | Inst::WarpReduce { .. }
    )
}

/// Calls `f` on every statement at every depth, in order.
fn walk(region: &Region, f: &mut impl FnMut(&Stmt)) {
    region.walk(&mut |stmt| f(stmt));
}

/// The non-kernel functions that contain a barrier or warp operation, directly or through
/// calls.
pub(crate) fn functions_to_inline(module: &Module) -> HashSet<FuncId> {
    let kernels: HashSet<FuncId> = module.kernels.iter().map(|k| k.function).collect();
    let mut needs = HashSet::new();
    let mut calls: Vec<(FuncId, FuncId)> = Vec::new();
    for (id, func) in module.functions.iter() {
        walk(&func.body, &mut |stmt| {
            if let StmtKind::Inst { inst, .. } = &stmt.kind {
                if is_synchronizing(inst) {
                    needs.insert(id);
                } else if let Inst::Call { func: callee, .. } = inst {
                    calls.push((id, *callee));
                }
            }
        });
    }
    loop {
        let before = needs.len();
        for (caller, callee) in &calls {
            if needs.contains(callee) {
                needs.insert(*caller);
            }
        }
        if needs.len() == before {
            break;
        }
    }
    needs.retain(|f| !kernels.contains(f));
    needs
}

/// Fails when a function to inline calls itself (directly or through other such functions).
fn check_recursion(module: &Module, needs: &HashSet<FuncId>) -> Result<(), PassError> {
    let mut edges: HashMap<FuncId, Vec<(FuncId, Option<Loc>)>> = HashMap::new();
    for id in needs {
        let Some(func) = module.functions.get(*id) else {
            continue;
        };
        let list = edges.entry(*id).or_default();
        walk(&func.body, &mut |stmt| {
            if let StmtKind::Inst {
                inst: Inst::Call { func: callee, .. },
                ..
            } = &stmt.kind
            {
                if needs.contains(callee) {
                    list.push((*callee, stmt.loc));
                }
            }
        });
    }
    // Iterative depth-first search; 1 = on the stack, 2 = done.
    let mut state: HashMap<FuncId, u8> = HashMap::new();
    let mut roots: Vec<FuncId> = needs.iter().copied().collect();
    roots.sort();
    for root in roots {
        if state.contains_key(&root) {
            continue;
        }
        let mut stack: Vec<(FuncId, usize)> = vec![(root, 0)];
        state.insert(root, 1);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let list = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&(callee, loc)) = list.get(*next) {
                *next += 1;
                match state.get(&callee) {
                    Some(1) => {
                        let name = |id: FuncId| {
                            module
                                .functions
                                .get(id)
                                .map(|f| f.name.clone())
                                .unwrap_or_default()
                        };
                        let at = loc
                            .map(|l| format!(" at {}", module.format_loc(l)))
                            .unwrap_or_default();
                        return Err(unsupported(format!(
                            "recursive call of `{}` from `{}`{at}: the function contains \
                             `__syncthreads` or a warp-level operation (itself or through \
                             calls), which CPU targets need inlined, and a recursive function \
                             cannot be inlined",
                            name(callee),
                            name(node)
                        )));
                    }
                    Some(_) => {}
                    None => {
                        state.insert(callee, 1);
                        stack.push((callee, 0));
                    }
                }
            } else {
                state.insert(node, 2);
                stack.pop();
            }
        }
    }
    Ok(())
}

/// Replaces a function's body by a trap (it has been inlined into every caller).
fn stub_out(func: &mut Function) {
    let message = format!(
        "`{}` was inlined into its callers and must not be called",
        func.name
    );
    let mut stmts = vec![Stmt::inst(None, Inst::Trap { message })];
    match func.ret {
        Some(ty) => {
            let zero = func.new_value(ty);
            stmts.push(Stmt::inst(Some(zero), Inst::Const { bits: 0 }));
            stmts.push(Stmt::new(StmtKind::Return(Some(zero))));
        }
        None => stmts.push(Stmt::new(StmtKind::Return(None))),
    }
    func.body = Region::new(stmts);
    func.locals.clear();
    // Values that are not defined any more are marked undefined.
    let defined: HashSet<Value> = func
        .params
        .iter()
        .copied()
        .chain(func.body.stmts.iter().filter_map(|s| match &s.kind {
            StmtKind::Inst { result, .. } => *result,
            _ => None,
        }))
        .collect();
    for (index, slot) in func.value_types.iter_mut().enumerate() {
        if !defined.contains(&Value::from_index(index)) {
            *slot = None;
        }
    }
}

/// Follows rename chains (`a -> b`, `b -> c` gives `a -> c`).
fn resolve_renames(renames: HashMap<Value, Value>) -> HashMap<Value, Value> {
    let mut out = HashMap::new();
    for (&from, &to) in &renames {
        let mut target = to;
        let mut steps = 0;
        while let Some(&next) = renames.get(&target) {
            target = next;
            steps += 1;
            if steps > renames.len() {
                break;
            }
        }
        out.insert(from, target);
    }
    out
}

/// Replaces every use of a renamed value in a region.
fn rename_region(region: &mut Region, renames: &HashMap<Value, Value>) {
    let get = |v: &mut Value| {
        if let Some(new) = renames.get(v) {
            *v = *new;
        }
    };
    for stmt in &mut region.stmts {
        match &mut stmt.kind {
            StmtKind::Inst { inst, .. } => inst.for_each_operand_mut(get),
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                get(cond);
                rename_region(then_region, renames);
                rename_region(else_region, renames);
            }
            StmtKind::Loop { body, continuing } => {
                rename_region(body, renames);
                rename_region(continuing, renames);
            }
            StmtKind::Return(Some(v)) => get(v),
            _ => {}
        }
    }
}

struct InlineTypes {
    bool_: TypeId,
    ptr_local: TypeId,
}

struct Inliner<'a> {
    callees: &'a HashMap<FuncId, Function>,
    types: &'a InlineTypes,
    /// Call results replaced by the callee's returned value.
    renames: HashMap<Value, Value>,
    count: usize,
}

/// How a copied callee body returns.
struct Returns {
    /// Set when the callee has returned.
    flag: LocalId,
    /// The returned value (non-void callees).
    value: Option<LocalId>,
}

impl Inliner<'_> {
    /// Inlines the calls of `stmts` (one level: calls in inlined bodies are inlined by the
    /// next round). Returns the statements and whether anything was inlined.
    fn region(
        &mut self,
        func: &mut Function,
        stmts: Vec<Stmt>,
    ) -> Result<(Vec<Stmt>, bool), PassError> {
        let mut out = Vec::with_capacity(stmts.len());
        let mut changed = false;
        for stmt in stmts {
            let loc = stmt.loc;
            match stmt.kind {
                StmtKind::Inst {
                    result,
                    inst: Inst::Call { func: callee, args },
                } if self.callees.contains_key(&callee) => {
                    let Some(body) = self.callees.get(&callee) else {
                        continue;
                    };
                    self.count += 1;
                    changed = true;
                    self.expand(func, body, &args, result, loc, &mut out)?;
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => {
                    let (then_stmts, a) = self.region(func, then_region.stmts)?;
                    let (else_stmts, b) = self.region(func, else_region.stmts)?;
                    changed |= a || b;
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
                    let (body, a) = self.region(func, body.stmts)?;
                    let (continuing, b) = self.region(func, continuing.stmts)?;
                    changed |= a || b;
                    out.push(Stmt {
                        kind: StmtKind::Loop {
                            body: Region::new(body),
                            continuing: Region::new(continuing),
                        },
                        loc,
                    });
                }
                kind => out.push(Stmt { kind, loc }),
            }
        }
        Ok((out, changed))
    }

    /// Appends a copy of `callee`'s body for the call `result = callee(args)` to `out`.
    fn expand(
        &mut self,
        func: &mut Function,
        callee: &Function,
        args: &[Value],
        result: Option<Value>,
        loc: Option<Loc>,
        out: &mut Vec<Stmt>,
    ) -> Result<(), PassError> {
        if args.len() != callee.params.len() {
            return Err(unsupported(format!(
                "call of `{}` with {} arguments, but it has {} parameters{}",
                callee.name,
                args.len(),
                callee.params.len(),
                loc.map(|l| format!(" (at line {}, column {})", l.line, l.col))
                    .unwrap_or_default()
            )));
        }
        let mut values: HashMap<Value, Value> = callee
            .params
            .iter()
            .copied()
            .zip(args.iter().copied())
            .collect();
        for (index, ty) in callee.value_types.iter().enumerate() {
            let value = Value::from_index(index);
            if let (Some(ty), false) = (ty, values.contains_key(&value)) {
                values.insert(value, func.new_value(*ty));
            }
        }
        let mut locals = HashMap::new();
        for (index, local) in callee.locals.iter().enumerate() {
            let new = func.add_local(
                format!("{}.{}", callee.name, local.name),
                local.ty,
                local.align,
            );
            locals.insert(LocalId::from_index(index), new);
        }
        let mut body = callee.body.clone();
        remap_region(&mut body, &values, &locals);
        let mut stmts = body.stmts;
        let return_count = {
            let mut n = 0;
            walk(&Region::new(stmts.clone()), &mut |s| {
                n += usize::from(matches!(s.kind, StmtKind::Return(_)))
            });
            n
        };
        let trailing = matches!(stmts.last().map(|s| &s.kind), Some(StmtKind::Return(_)));
        if return_count == 0 || (return_count == 1 && trailing) {
            if let Some(Stmt {
                kind: StmtKind::Return(value),
                ..
            }) = stmts.last().cloned()
            {
                stmts.pop();
                if let (Some(result), Some(value)) = (result, value) {
                    self.renames.insert(result, value);
                }
            }
            out.extend(stmts);
            return Ok(());
        }
        let flag = func.add_local(format!("{}.returned", callee.name), self.types.bool_, 1);
        let value = match callee.ret {
            Some(ty) => {
                let align = 8;
                Some(func.add_local(format!("{}.result", callee.name), ty, align))
            }
            None => None,
        };
        let returns = Returns { flag, value };
        let addr = self.addr(func, out, flag);
        let no = func.new_value(self.types.bool_);
        out.push(Stmt::inst(Some(no), Inst::Const { bits: 0 }));
        store(out, addr, no, 1);
        let (lowered, _) = self.lower_returns(func, &returns, stmts, false);
        out.extend(lowered);
        if let (Some(result), Some(local)) = (result, value) {
            let addr = self.addr(func, out, local);
            out.push(Stmt {
                kind: StmtKind::Inst {
                    result: Some(result),
                    inst: Inst::Load {
                        ptr: addr,
                        align: 1,
                        volatile: false,
                    },
                },
                loc,
            });
        }
        Ok(())
    }

    fn addr(&self, func: &mut Function, out: &mut Vec<Stmt>, local: LocalId) -> Value {
        let addr = func.new_value(self.types.ptr_local);
        out.push(Stmt::inst(Some(addr), Inst::LocalAddr(local)));
        addr
    }

    /// `returned ? ... : ...`: loads the flag; with `negate`, its negation.
    fn flag(&self, func: &mut Function, out: &mut Vec<Stmt>, flag: LocalId, negate: bool) -> Value {
        let addr = self.addr(func, out, flag);
        let loaded = func.new_value(self.types.bool_);
        out.push(Stmt::inst(
            Some(loaded),
            Inst::Load {
                ptr: addr,
                align: 1,
                volatile: false,
            },
        ));
        if !negate {
            return loaded;
        }
        let not = func.new_value(self.types.bool_);
        out.push(Stmt::inst(
            Some(not),
            Inst::Unary {
                op: UnaryOp::Not,
                arg: loaded,
            },
        ));
        not
    }

    /// Turns the `return`s of a copied callee body into flag stores; returns the statements
    /// and whether they may return.
    fn lower_returns(
        &self,
        func: &mut Function,
        returns: &Returns,
        stmts: Vec<Stmt>,
        in_loop: bool,
    ) -> (Vec<Stmt>, bool) {
        let mut out = Vec::with_capacity(stmts.len());
        let mut iter = stmts.into_iter();
        while let Some(stmt) = iter.next() {
            let loc = stmt.loc;
            match stmt.kind {
                StmtKind::Return(value) => {
                    if let (Some(value), Some(local)) = (value, returns.value) {
                        let addr = self.addr(func, &mut out, local);
                        store(&mut out, addr, value, 1);
                    }
                    let addr = self.addr(func, &mut out, returns.flag);
                    let yes = func.new_value(self.types.bool_);
                    out.push(Stmt::inst(Some(yes), Inst::Const { bits: 1 }));
                    store(&mut out, addr, yes, 1);
                    if in_loop {
                        out.push(Stmt {
                            kind: StmtKind::Break,
                            loc,
                        });
                    }
                    // What follows a `return` in the same region never runs.
                    return (out, true);
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => {
                    let (then_stmts, a) =
                        self.lower_returns(func, returns, then_region.stmts, in_loop);
                    let (else_stmts, b) =
                        self.lower_returns(func, returns, else_region.stmts, in_loop);
                    out.push(Stmt {
                        kind: StmtKind::If {
                            cond,
                            then_region: Region::new(then_stmts),
                            else_region: Region::new(else_stmts),
                        },
                        loc,
                    });
                    if (a || b) && !in_loop {
                        // Inside a loop the returning branch has left the loop already.
                        let rest: Vec<Stmt> = iter.collect();
                        self.guard_rest(func, returns, rest, &mut out);
                        return (out, true);
                    }
                    if a || b {
                        return self.finish(func, returns, iter, out, in_loop);
                    }
                }
                StmtKind::Loop { body, continuing } => {
                    let (body, returned) = self.lower_returns(func, returns, body.stmts, true);
                    out.push(Stmt {
                        kind: StmtKind::Loop {
                            body: Region::new(body),
                            continuing,
                        },
                        loc,
                    });
                    if returned {
                        if in_loop {
                            let flag = self.flag(func, &mut out, returns.flag, false);
                            out.push(Stmt::new(StmtKind::If {
                                cond: flag,
                                then_region: Region::new(vec![Stmt::new(StmtKind::Break)]),
                                else_region: Region::default(),
                            }));
                            return self.finish(func, returns, iter, out, in_loop);
                        }
                        let rest: Vec<Stmt> = iter.collect();
                        self.guard_rest(func, returns, rest, &mut out);
                        return (out, true);
                    }
                }
                kind => out.push(Stmt { kind, loc }),
            }
        }
        (out, false)
    }

    /// Lowers the rest of a region after a statement that may have returned (inside a loop,
    /// where returning left the loop).
    fn finish(
        &self,
        func: &mut Function,
        returns: &Returns,
        rest: std::vec::IntoIter<Stmt>,
        mut out: Vec<Stmt>,
        in_loop: bool,
    ) -> (Vec<Stmt>, bool) {
        let (more, _) = self.lower_returns(func, returns, rest.collect(), in_loop);
        out.extend(more);
        (out, true)
    }

    /// Appends `if (!returned) { rest }` (nothing when `rest` is empty).
    fn guard_rest(
        &self,
        func: &mut Function,
        returns: &Returns,
        rest: Vec<Stmt>,
        out: &mut Vec<Stmt>,
    ) {
        if rest.is_empty() {
            return;
        }
        let (rest, _) = self.lower_returns(func, returns, rest, false);
        let go_on = self.flag(func, out, returns.flag, true);
        out.push(Stmt::new(StmtKind::If {
            cond: go_on,
            then_region: Region::new(rest),
            else_region: Region::default(),
        }));
    }
}

fn store(out: &mut Vec<Stmt>, ptr: Value, value: Value, align: u32) {
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

/// Renames the values and locals of a copied body.
fn remap_region(
    region: &mut Region,
    values: &HashMap<Value, Value>,
    locals: &HashMap<LocalId, LocalId>,
) {
    let get = |v: &mut Value| {
        if let Some(new) = values.get(v) {
            *v = *new;
        }
    };
    for stmt in &mut region.stmts {
        match &mut stmt.kind {
            StmtKind::Inst { result, inst } => {
                if let Some(r) = result {
                    get(r);
                }
                if let Inst::LocalAddr(l) = inst {
                    if let Some(new) = locals.get(l) {
                        *l = *new;
                    }
                }
                inst.for_each_operand_mut(get);
            }
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                get(cond);
                remap_region(then_region, values, locals);
                remap_region(else_region, values, locals);
            }
            StmtKind::Loop { body, continuing } => {
                remap_region(body, values, locals);
                remap_region(continuing, values, locals);
            }
            StmtKind::Return(Some(v)) => get(v),
            _ => {}
        }
    }
}
