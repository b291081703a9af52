//! The verifier: checks every invariant of the IR and reports all violations at once.
//!
//! A verifier error after a pass is always a compiler bug. Invariants checked:
//!
//! **Module**
//! - Every handle is in range: types, globals, functions, locals, values, kernel functions,
//!   location file indexes.
//! - Types only refer to types with a smaller handle (no cycles); struct and alignment values
//!   are powers of two; struct fields lie inside the struct; array sizes do not overflow.
//! - Globals live in `global`, `shared` or `constant`; shared globals have no initializer;
//!   an initializer is exactly `size_of(ty)` bytes.
//! - Kernels: unique names; the function returns `void`, is not called by any function, and
//!   its parameters match the kernel's parameter kinds (scalar: that non-pointer scalar type;
//!   pointer: `ptr<space>` with space `global`, `constant` or `generic`; by-value:
//!   `ptr<param>`).
//!
//! **Functions**
//! - Parameters are distinct, defined values of scalar types; the return type is a scalar.
//! - Every value is defined once (as a parameter or an instruction result) and has a type.
//! - A value is used only where it is visible: after its definition in the same region or in
//!   a region nested in it (a loop's `continuing` does not see values of its `body`).
//! - `break` and `continue` only inside a loop body (not directly in `continuing`); no
//!   `return` in `continuing`; `return` carries a value exactly when the function returns one,
//!   of the return type.
//! - Operand and result types of every instruction follow its rules (see [`crate::ir::Inst`]):
//!   equal operand types for arithmetic and comparisons, `i1` conditions, conversions between
//!   the right kinds and widths, `i64` byte offsets, loads and stores through pointers and of
//!   scalars, no stores or atomics through `constant` or `param` pointers, atomics on
//!   `global`, `shared` or `generic` pointers, address-space casts to or from `generic` only,
//!   `global_addr` giving a pointer in the global's space, calls matching the callee, math
//!   builtins known with float arguments of their width, warp operations with `i32` masks.
//! - Instructions that produce no value have no result; `const`, `load`, conversions and
//!   `math` have one.
//! - Phase rules: in [`Phase::PerBlock`] no barrier, warp operation, `thread_id` or `lane_id`;
//!   `shared_buffer` only in [`Phase::PerBlock`].
//! - After `shared-to-buffer` ([`Module::shared_in_buffer`], only in the perblock phase): no
//!   `global_addr` of a shared global, no `dyn_shared_addr`; every kernel's
//!   `dynamic_shared_offset` is a multiple of 16 and at least its `static_shared` bytes.

use crate::builtins::math_signature;
use crate::ir::*;
use crate::module::OpName;
use crate::print::{print_function, type_name};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One violated invariant.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifyError {
    /// The function it is in, if any.
    pub function: Option<FuncId>,
    /// The pre-order index of the statement it is about, if any (see
    /// [`crate::print::print_function`]).
    pub stmt: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.function, self.stmt) {
            (Some(func), Some(stmt)) => write!(f, "{func}, statement {stmt}: {}", self.message),
            (Some(func), None) => write!(f, "{func}: {}", self.message),
            _ => write!(f, "{}", self.message),
        }
    }
}

/// Checks a module; `Err` holds every violation found.
pub fn verify(module: &Module) -> Result<(), Vec<VerifyError>> {
    let mut verifier = Verifier {
        module,
        errors: Vec::new(),
    };
    verifier.module();
    if verifier.errors.is_empty() {
        Ok(())
    } else {
        Err(verifier.errors)
    }
}

/// Renders errors: module-level ones as a list, then every function that has errors, printed
/// with each error under the statement it concerns.
pub fn format_errors(module: &Module, errors: &[VerifyError]) -> String {
    let mut out = String::new();
    let mut by_function: Vec<FuncId> = Vec::new();
    for error in errors {
        match error.function {
            Some(func) if error.stmt.is_some() => {
                if !by_function.contains(&func) {
                    by_function.push(func);
                }
            }
            _ => {
                out.push_str(&format!("error: {error}\n"));
            }
        }
    }
    for func in by_function {
        let mut notes: HashMap<usize, Vec<String>> = HashMap::new();
        for error in errors {
            if let (Some(f), Some(stmt)) = (error.function, error.stmt) {
                if f == func {
                    notes.entry(stmt).or_default().push(error.message.clone());
                }
            }
        }
        out.push_str(&print_function(module, func, &notes));
    }
    out
}

struct Verifier<'a> {
    module: &'a Module,
    errors: Vec<VerifyError>,
}

impl<'a> Verifier<'a> {
    fn error(&mut self, function: Option<FuncId>, stmt: Option<usize>, message: String) {
        self.errors.push(VerifyError {
            function,
            stmt,
            message,
        });
    }

    fn ty(&self, id: TypeId) -> Option<&'a Type> {
        self.module.type_of(id)
    }

    fn module(&mut self) {
        let module = self.module;
        for (index, ty) in module.types.types.iter().enumerate() {
            self.check_type(index, ty);
        }
        for (id, global) in module.globals.iter() {
            self.check_global(id, global);
        }
        let kernel_functions: HashSet<FuncId> = module.kernels.iter().map(|k| k.function).collect();
        if module.shared_in_buffer && module.phase != Phase::PerBlock {
            self.error(
                None,
                None,
                "the shared_buffer flag (set by shared-to-buffer) requires the perblock phase"
                    .to_string(),
            );
        }
        let mut names = HashSet::new();
        for kernel in &module.kernels {
            if !names.insert(kernel.name.as_str()) {
                self.error(
                    None,
                    None,
                    format!("kernel `{}` is defined twice", kernel.name),
                );
            }
            self.check_kernel(kernel);
        }
        for (id, func) in module.functions.iter() {
            FunctionVerifier::run(self, id, func, &kernel_functions);
        }
    }

    fn check_type(&mut self, index: usize, ty: &Type) {
        let refers_ok = |t: TypeId| t.index() < index;
        match ty {
            Type::Array { elem, len } => {
                if !refers_ok(*elem) {
                    self.error(
                        None,
                        None,
                        format!("type t{index}: element type {elem} is not an earlier type"),
                    );
                } else if self.module.size_of(TypeId::from_index(index)).is_none() {
                    self.error(
                        None,
                        None,
                        format!("type t{index}: array of {len} elements is too large"),
                    );
                }
            }
            Type::Struct(s) => {
                if !s.align.is_power_of_two() {
                    self.error(
                        None,
                        None,
                        format!(
                            "type t{index}: struct alignment {} is not a power of two",
                            s.align
                        ),
                    );
                }
                for field in &s.fields {
                    if !refers_ok(field.ty) {
                        self.error(
                            None,
                            None,
                            format!(
                                "type t{index}: field type {} is not an earlier type",
                                field.ty
                            ),
                        );
                        continue;
                    }
                    let size = self.module.size_of(field.ty).unwrap_or(u64::MAX);
                    if field
                        .offset
                        .checked_add(size)
                        .is_none_or(|end| end > s.size)
                    {
                        self.error(None, None, format!("type t{index}: field at offset {} does not fit in the struct's {} bytes", field.offset, s.size));
                    }
                }
            }
            _ => {}
        }
    }

    fn check_global(&mut self, id: GlobalId, global: &Global) {
        let Some(size) = self.module.size_of(global.ty) else {
            self.error(
                None,
                None,
                format!(
                    "global {id} `{}` has an invalid type {}",
                    global.name, global.ty
                ),
            );
            return;
        };
        if !matches!(
            global.space,
            AddrSpace::Global | AddrSpace::Shared | AddrSpace::Constant
        ) {
            self.error(
                None,
                None,
                format!(
                    "global {id} `{}` is in address space {}, expected global, shared or constant",
                    global.name,
                    global.space.name()
                ),
            );
        }
        if !global.align.is_power_of_two() {
            self.error(
                None,
                None,
                format!(
                    "global {id} `{}`: alignment {} is not a power of two",
                    global.name, global.align
                ),
            );
        }
        if let Some(init) = &global.init {
            if global.space == AddrSpace::Shared {
                self.error(
                    None,
                    None,
                    format!(
                        "global {id} `{}`: shared variables cannot have an initializer",
                        global.name
                    ),
                );
            }
            if init.len() as u64 != size {
                self.error(
                    None,
                    None,
                    format!(
                        "global {id} `{}`: initializer has {} bytes, the type has {size}",
                        global.name,
                        init.len()
                    ),
                );
            }
        }
    }

    fn check_kernel(&mut self, kernel: &KernelInfo) {
        let name = &kernel.name;
        let Some(func) = self.module.functions.get(kernel.function) else {
            self.error(
                None,
                None,
                format!(
                    "kernel `{name}`: function {} does not exist",
                    kernel.function
                ),
            );
            return;
        };
        let fid = Some(kernel.function);
        if func.ret.is_some() {
            self.error(fid, None, format!("kernel `{name}` must return void"));
        }
        if self.module.shared_in_buffer {
            let offset = kernel.dynamic_shared_offset;
            if !offset.is_multiple_of(16) || offset < kernel.static_shared_bytes {
                self.error(
                    fid,
                    None,
                    format!(
                        "kernel `{name}`: dynamic_shared_offset {offset} must be a multiple of 16 and at least static_shared {}",
                        kernel.static_shared_bytes
                    ),
                );
            }
        }
        if func.params.len() != kernel.params.len() {
            self.error(
                fid,
                None,
                format!(
                    "kernel `{name}` declares {} parameters, its function has {}",
                    kernel.params.len(),
                    func.params.len()
                ),
            );
            return;
        }
        for (index, (param, value)) in kernel.params.iter().zip(&func.params).enumerate() {
            let value_ty = func.value_type(*value).and_then(|t| self.ty(t));
            let ok = match (&param.kind, value_ty) {
                (ParamKind::Scalar(t), Some(vt)) => {
                    matches!(
                        self.ty(*t),
                        Some(Type::Bool | Type::Int(_) | Type::Float(_))
                    ) && self.ty(*t) == Some(vt)
                }
                (ParamKind::Pointer(space), Some(Type::Ptr(vs))) => {
                    space == vs
                        && matches!(
                            space,
                            AddrSpace::Global | AddrSpace::Constant | AddrSpace::Generic
                        )
                }
                (ParamKind::ByValue(t), Some(Type::Ptr(AddrSpace::Param))) => {
                    self.module.size_of(*t).is_some()
                }
                _ => false,
            };
            if !ok {
                self.error(fid, None, format!("kernel `{name}`: parameter {index} `{}` does not match its function parameter {value}", param.name));
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum LoopContext {
    None,
    Body,
    Continuing,
}

struct FunctionVerifier<'v, 'a> {
    verifier: &'v mut Verifier<'a>,
    id: FuncId,
    func: &'a Function,
    kernel_functions: &'v HashSet<FuncId>,
    defined: Vec<bool>,
    visible: Vec<bool>,
    counter: usize,
    current: usize,
}

impl<'v, 'a> FunctionVerifier<'v, 'a> {
    fn run(
        verifier: &'v mut Verifier<'a>,
        id: FuncId,
        func: &'a Function,
        kernel_functions: &'v HashSet<FuncId>,
    ) {
        let count = func.value_types.len();
        let mut this = FunctionVerifier {
            verifier,
            id,
            func,
            kernel_functions,
            defined: vec![false; count],
            visible: vec![false; count],
            counter: 0,
            current: 0,
        };
        this.header();
        this.region(&func.body, LoopContext::None);
    }

    fn fn_error(&mut self, message: String) {
        self.verifier.error(Some(self.id), None, message);
    }

    fn error(&mut self, message: String) {
        self.verifier
            .error(Some(self.id), Some(self.current), message);
    }

    fn header(&mut self) {
        let module = self.verifier.module;
        for (index, ty) in self.func.value_types.iter().enumerate() {
            if let Some(ty) = ty {
                if module.type_of(*ty).is_none() {
                    self.fn_error(format!("value %v{index} has an invalid type {ty}"));
                }
            }
        }
        if let Some(ret) = self.func.ret {
            if !module.is_scalar(ret) {
                self.fn_error(format!(
                    "return type {} is not a scalar",
                    type_name(module, ret)
                ));
            }
        }
        for param in &self.func.params {
            match self.func.value_type(*param) {
                None => self.fn_error(format!("parameter {param} has no type")),
                Some(ty) => {
                    if !module.is_scalar(ty) {
                        self.fn_error(format!("parameter {param} is not a scalar"));
                    }
                }
            }
            self.define(*param, true);
        }
        for (index, local) in self.func.locals.iter().enumerate() {
            if module.size_of(local.ty).is_none() {
                self.fn_error(format!("local %l{index} has an invalid type {}", local.ty));
            }
            if !local.align.is_power_of_two() {
                self.fn_error(format!(
                    "local %l{index}: alignment {} is not a power of two",
                    local.align
                ));
            }
        }
    }

    /// Records a definition, reporting it if the value has no type or is defined twice.
    fn define(&mut self, value: Value, header: bool) {
        let index = value.index();
        let message = if index >= self.defined.len() || self.func.value_type(value).is_none() {
            Some(format!("{value} is defined but has no type"))
        } else if self.defined[index] {
            Some(format!("{value} is defined more than once"))
        } else {
            None
        };
        match message {
            Some(m) if header => self.fn_error(m),
            Some(m) => self.error(m),
            None => {
                self.defined[index] = true;
                self.visible[index] = true;
            }
        }
    }

    fn region(&mut self, region: &'a Region, context: LoopContext) {
        let mut defined_here = Vec::new();
        for stmt in &region.stmts {
            self.current = self.counter;
            self.counter += 1;
            if let Some(loc) = stmt.loc {
                if loc.file as usize >= self.verifier.module.files.len() {
                    self.error(format!(
                        "location refers to file {} which does not exist",
                        loc.file
                    ));
                }
            }
            match &stmt.kind {
                StmtKind::Inst { result, inst } => {
                    self.inst(*result, inst);
                    if let Some(result) = result {
                        let fresh =
                            result.index() < self.defined.len() && !self.defined[result.index()];
                        self.define(*result, false);
                        if fresh && self.visible.get(result.index()) == Some(&true) {
                            defined_here.push(*result);
                        }
                    }
                }
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => {
                    self.expect_type(*cond, "if condition", |t| matches!(t, Type::Bool), "i1");
                    self.region(then_region, context);
                    self.region(else_region, context);
                }
                StmtKind::Loop { body, continuing } => {
                    self.region(body, LoopContext::Body);
                    self.region(continuing, LoopContext::Continuing);
                }
                StmtKind::Break | StmtKind::Continue => {
                    let what = if matches!(stmt.kind, StmtKind::Break) {
                        "break"
                    } else {
                        "continue"
                    };
                    match context {
                        LoopContext::None => self.error(format!("`{what}` outside of a loop")),
                        LoopContext::Continuing => {
                            self.error(format!("`{what}` in a loop's continuing region"))
                        }
                        LoopContext::Body => {}
                    }
                }
                StmtKind::Return(value) => {
                    if context == LoopContext::Continuing {
                        self.error("`return` in a loop's continuing region".to_string());
                    }
                    match (value, self.func.ret) {
                        (None, None) => {}
                        (Some(_), None) => self.error(
                            "`return` with a value in a function returning void".to_string(),
                        ),
                        (None, Some(_)) => self.error(
                            "`return` without a value in a function returning a value".to_string(),
                        ),
                        (Some(value), Some(ret)) => {
                            if let Some(ty) = self.use_value(*value) {
                                if ty != ret {
                                    self.error(format!(
                                        "returned {value} has type {}, the function returns {}",
                                        self.tname(ty),
                                        self.tname(ret)
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        for value in defined_here {
            if let Some(v) = self.visible.get_mut(value.index()) {
                *v = false;
            }
        }
    }

    fn tname(&self, ty: TypeId) -> String {
        type_name(self.verifier.module, ty)
    }

    /// Checks that a value is visible here; returns its type.
    fn use_value(&mut self, value: Value) -> Option<TypeId> {
        let index = value.index();
        if index >= self.defined.len() {
            self.error(format!("{value} does not exist"));
            return None;
        }
        if !self.visible[index] {
            if self.defined[index] {
                self.error(format!("{value} is used where it is not visible (defined in a region that does not enclose this use)"));
            } else {
                self.error(format!("{value} is used before it is defined"));
            }
            return None;
        }
        self.func.value_type(value)
    }

    fn expect_type(
        &mut self,
        value: Value,
        role: &str,
        ok: impl Fn(&Type) -> bool,
        expected: &str,
    ) -> Option<&'a Type> {
        let ty = self.use_value(value)?;
        let resolved = self.verifier.ty(ty)?;
        if ok(resolved) {
            Some(resolved)
        } else {
            self.error(format!(
                "{role} {value} has type {}, expected {expected}",
                self.tname(ty)
            ));
            None
        }
    }

    fn inst(&mut self, result: Option<Value>, inst: &'a Inst) {
        let module = self.verifier.module;
        if module.phase == Phase::PerBlock && inst.is_simt_only() {
            self.error("barriers, warp operations, thread_id and lane_id are not allowed in the perblock phase".to_string());
        }
        let result_ty: Option<TypeId> = result.and_then(|r| self.func.value_type(r));
        let result_type: Option<&Type> = result_ty.and_then(|t| module.type_of(t));
        let needs_result = matches!(
            inst,
            Inst::Const { .. } | Inst::Load { .. } | Inst::Convert { .. } | Inst::Math { .. }
        );
        if needs_result && result.is_none() {
            self.error("this instruction must define a result".to_string());
        }
        let no_value = match inst {
            Inst::Store { .. } | Inst::SyncWarp { .. } | Inst::Fence(_) | Inst::Trap { .. } => true,
            Inst::Barrier(BarrierKind::Sync) => true,
            Inst::Call { func, .. } => module.functions.get(*func).is_some_and(|f| f.ret.is_none()),
            _ => false,
        };
        if no_value && result.is_some() {
            self.error("this instruction produces no value but defines a result".to_string());
        }
        // The type the result must have, when the rule fixes it.
        let mut expected_result: Option<Type> = None;
        let i32_ty = Type::Int(IntWidth::W32);
        let is_i32 = |t: &Type| *t == Type::Int(IntWidth::W32);
        match inst {
            Inst::Const { bits } => {
                if let Some(ty) = result_type {
                    let ok = match ty {
                        Type::Bool => *bits <= 1,
                        Type::Int(w) => w.bits() == 64 || *bits >> w.bits() == 0,
                        Type::Float(FloatWidth::F32) => *bits <= u64::from(u32::MAX),
                        Type::Float(FloatWidth::F64) => true,
                        Type::Ptr(_) => *bits == 0,
                        _ => false,
                    };
                    if !ok {
                        self.error(format!(
                            "constant bits 0x{bits:x} do not fit the result type"
                        ));
                    }
                }
            }
            Inst::Unary { op, arg } => {
                use UnaryOp::*;
                let rule: (fn(&Type) -> bool, &str) = match op {
                    Neg | Clz | Ctz | Popcount | BitReverse => {
                        (|t| matches!(t, Type::Int(_)), "an integer")
                    }
                    Not => (
                        |t| matches!(t, Type::Int(_) | Type::Bool),
                        "an integer or i1",
                    ),
                    ByteSwap => (
                        |t| matches!(t, Type::Int(w) if *w != IntWidth::W8),
                        "an integer of 16 bits or more",
                    ),
                    FNeg | FAbs | Sqrt | Floor | Ceil | Trunc | RoundEven => {
                        (|t| matches!(t, Type::Float(_)), "a float")
                    }
                };
                if let Some(t) = self.expect_type(*arg, "operand", rule.0, rule.1) {
                    expected_result = Some(t.clone());
                }
            }
            Inst::Binary { op, lhs, rhs } => {
                use BinaryOp::*;
                let rule: (fn(&Type) -> bool, &str) = match op {
                    Add | Sub | Mul | SDiv | UDiv | SRem | URem | MulHiS | MulHiU | Shl | LShr
                    | AShr | SMin | SMax | UMin | UMax => {
                        (|t| matches!(t, Type::Int(_)), "an integer")
                    }
                    And | Or | Xor => (
                        |t| matches!(t, Type::Int(_) | Type::Bool),
                        "an integer or i1",
                    ),
                    FAdd | FSub | FMul | FDiv | FRem | FMin | FMax | CopySign => {
                        (|t| matches!(t, Type::Float(_)), "a float")
                    }
                };
                let l = self.expect_type(*lhs, "left operand", rule.0, rule.1);
                let r = self.expect_type(*rhs, "right operand", rule.0, rule.1);
                if let (Some(l), Some(r)) = (l, r) {
                    if l != r {
                        self.error(format!("operands {lhs} and {rhs} have different types"));
                    }
                    expected_result = Some(l.clone());
                }
            }
            Inst::Cmp { op, lhs, rhs } => {
                use CmpOp::*;
                let rule: (fn(&Type) -> bool, &str) = match op {
                    Eq | Ne => (
                        |t| matches!(t, Type::Int(_) | Type::Bool | Type::Ptr(_)),
                        "an integer, i1 or pointer",
                    ),
                    SLt | SLe | SGt | SGe => (|t| matches!(t, Type::Int(_)), "an integer"),
                    ULt | ULe | UGt | UGe => (
                        |t| matches!(t, Type::Int(_) | Type::Ptr(_)),
                        "an integer or pointer",
                    ),
                    FEq | FNe | FLt | FLe | FGt | FGe | FOrd | FUno => {
                        (|t| matches!(t, Type::Float(_)), "a float")
                    }
                };
                let l = self.expect_type(*lhs, "left operand", rule.0, rule.1);
                let r = self.expect_type(*rhs, "right operand", rule.0, rule.1);
                if let (Some(l), Some(r)) = (l, r) {
                    if l != r {
                        self.error(format!("operands {lhs} and {rhs} have different types"));
                    }
                }
                expected_result = Some(Type::Bool);
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                self.expect_type(*cond, "condition", |t| matches!(t, Type::Bool), "i1");
                let a = self.use_value(*if_true);
                let b = self.use_value(*if_false);
                if let (Some(a), Some(b)) = (a, b) {
                    if a != b {
                        self.error(format!(
                            "select operands {if_true} and {if_false} have different types"
                        ));
                    }
                    expected_result = module.type_of(a).cloned();
                }
            }
            Inst::Convert { op, arg } => {
                if let (Some(from), Some(to)) = (
                    self.use_value(*arg).and_then(|t| module.type_of(t)),
                    result_type,
                ) {
                    if !conversion_ok(*op, from, to) {
                        self.error(format!(
                            "`{}` cannot convert {} to {}",
                            op.name(),
                            type_text(from),
                            type_text(to)
                        ));
                    }
                }
            }
            Inst::PtrAdd { ptr, offset } => {
                let p =
                    self.expect_type(*ptr, "pointer", |t| matches!(t, Type::Ptr(_)), "a pointer");
                self.expect_type(*offset, "offset", |t| *t == Type::Int(IntWidth::W64), "i64");
                expected_result = p.cloned();
            }
            Inst::Load { ptr, align, .. } => {
                self.expect_type(*ptr, "address", |t| matches!(t, Type::Ptr(_)), "a pointer");
                if !align.is_power_of_two() {
                    self.error(format!("alignment {align} is not a power of two"));
                }
                if let Some(ty) = result_ty {
                    if !module.is_scalar(ty) {
                        self.error(format!("load of non-scalar type {}", self.tname(ty)));
                    }
                }
            }
            Inst::Store {
                ptr, value, align, ..
            } => {
                self.expect_type(*ptr, "address", |t| matches!(t, Type::Ptr(s) if !matches!(s, AddrSpace::Constant | AddrSpace::Param)), "a writable pointer (not constant or param)");
                if let Some(ty) = self.use_value(*value) {
                    if !module.is_scalar(ty) {
                        self.error(format!("store of non-scalar type {}", self.tname(ty)));
                    }
                }
                if !align.is_power_of_two() {
                    self.error(format!("alignment {align} is not a power of two"));
                }
            }
            Inst::GlobalAddr(global) => match module.globals.get(*global) {
                None => self.error(format!("global {global} does not exist")),
                Some(g) => {
                    if module.shared_in_buffer && g.space == AddrSpace::Shared {
                        self.error(format!(
                            "global_addr of shared {global} after shared-to-buffer (use shared_buffer)"
                        ));
                    }
                    expected_result = Some(Type::Ptr(g.space));
                }
            },
            Inst::LocalAddr(local) => {
                if local.index() >= self.func.locals.len() {
                    self.error(format!("local {local} does not exist"));
                }
                expected_result = Some(Type::Ptr(AddrSpace::Local));
            }
            Inst::DynSharedAddr => {
                if module.shared_in_buffer {
                    self.error(
                        "dyn_shared_addr after shared-to-buffer (use shared_buffer)".to_string(),
                    );
                }
                expected_result = Some(Type::Ptr(AddrSpace::Shared));
            }
            Inst::SharedBuffer => {
                if module.phase != Phase::PerBlock {
                    self.error("shared_buffer is allowed only in the perblock phase".to_string());
                }
                expected_result = Some(Type::Ptr(AddrSpace::Shared));
            }
            Inst::Call { func, args } => {
                let arg_types: Vec<Option<TypeId>> =
                    args.iter().map(|a| self.use_value(*a)).collect();
                match module.functions.get(*func) {
                    None => self.error(format!("called function {func} does not exist")),
                    Some(callee) => {
                        if self.kernel_functions.contains(func) {
                            self.error(format!("{func} is a kernel and cannot be called"));
                        }
                        if callee.params.len() != args.len() {
                            self.error(format!(
                                "{func} takes {} arguments, {} given",
                                callee.params.len(),
                                args.len()
                            ));
                        } else {
                            for (index, (param, arg_ty)) in
                                callee.params.iter().zip(arg_types).enumerate()
                            {
                                if let (Some(p), Some(a)) = (callee.value_type(*param), arg_ty) {
                                    if module.type_of(p) != module.type_of(a) {
                                        self.error(format!(
                                            "argument {index} has type {}, {func} expects {}",
                                            self.tname(a),
                                            self.tname(p)
                                        ));
                                    }
                                }
                            }
                        }
                        expected_result = callee.ret.and_then(|r| module.type_of(r)).cloned();
                    }
                }
            }
            Inst::Math { name, args } => match math_signature(name) {
                None => self.error(format!("unknown math builtin `{name}`")),
                Some((arity, width)) => {
                    if args.len() != arity {
                        self.error(format!(
                            "`{name}` takes {arity} arguments, {} given",
                            args.len()
                        ));
                    }
                    for arg in args {
                        self.expect_type(
                            *arg,
                            "argument",
                            |t| *t == Type::Float(width),
                            if width == FloatWidth::F32 {
                                "f32"
                            } else {
                                "f64"
                            },
                        );
                    }
                    expected_result = Some(Type::Float(width));
                }
            },
            Inst::ThreadId(_)
            | Inst::BlockId(_)
            | Inst::BlockDim(_)
            | Inst::GridDim(_)
            | Inst::LaneId
            | Inst::WarpSize
            | Inst::ActiveMask => {
                expected_result = Some(i32_ty.clone());
            }
            Inst::Clock => {
                expected_result = Some(Type::Int(IntWidth::W64));
            }
            Inst::Barrier(kind) => match kind {
                BarrierKind::Sync => {}
                BarrierKind::Count(p) | BarrierKind::And(p) | BarrierKind::Or(p) => {
                    self.expect_type(*p, "predicate", |t| matches!(t, Type::Bool), "i1");
                    expected_result = Some(i32_ty.clone());
                }
            },
            Inst::SyncWarp { mask } => {
                self.expect_type(*mask, "mask", is_i32, "i32");
            }
            Inst::Shuffle {
                mask,
                value,
                lane_or_delta,
                width,
                ..
            } => {
                self.expect_type(*mask, "mask", is_i32, "i32");
                let v = self.expect_type(
                    *value,
                    "value",
                    |t| matches!(t, Type::Int(IntWidth::W32 | IntWidth::W64) | Type::Float(_)),
                    "a 32- or 64-bit integer or float",
                );
                self.expect_type(*lane_or_delta, "lane", is_i32, "i32");
                self.expect_type(*width, "width", is_i32, "i32");
                expected_result = v.cloned();
            }
            Inst::Vote { kind, mask, pred } => {
                self.expect_type(*mask, "mask", is_i32, "i32");
                self.expect_type(*pred, "predicate", |t| matches!(t, Type::Bool), "i1");
                expected_result = Some(if *kind == VoteKind::Ballot {
                    i32_ty.clone()
                } else {
                    Type::Bool
                });
            }
            Inst::Match { mask, value, .. } => {
                self.expect_type(*mask, "mask", is_i32, "i32");
                self.expect_type(
                    *value,
                    "value",
                    |t| matches!(t, Type::Int(IntWidth::W32 | IntWidth::W64) | Type::Float(_)),
                    "a 32- or 64-bit integer or float",
                );
                expected_result = Some(i32_ty.clone());
            }
            Inst::WarpReduce { mask, value, .. } => {
                self.expect_type(*mask, "mask", is_i32, "i32");
                self.expect_type(*value, "value", is_i32, "i32");
                expected_result = Some(i32_ty.clone());
            }
            Inst::AtomicRmw { op, ptr, value, .. } => {
                self.expect_type(
                    *ptr,
                    "address",
                    atomic_space_ok,
                    "a global, shared or generic pointer",
                );
                let v = match op {
                    AtomicOp::Add | AtomicOp::Exch => self.expect_type(
                        *value,
                        "operand",
                        |t| matches!(t, Type::Int(IntWidth::W32 | IntWidth::W64) | Type::Float(_)),
                        "a 32- or 64-bit integer or float",
                    ),
                    AtomicOp::Inc | AtomicOp::Dec => {
                        self.expect_type(*value, "operand", is_i32, "i32")
                    }
                    _ => self.expect_type(
                        *value,
                        "operand",
                        |t| matches!(t, Type::Int(IntWidth::W32 | IntWidth::W64)),
                        "a 32- or 64-bit integer",
                    ),
                };
                expected_result = v.cloned();
            }
            Inst::AtomicCas {
                ptr,
                expected,
                desired,
                ..
            } => {
                self.expect_type(
                    *ptr,
                    "address",
                    atomic_space_ok,
                    "a global, shared or generic pointer",
                );
                let e = self.expect_type(
                    *expected,
                    "expected value",
                    |t| matches!(t, Type::Int(IntWidth::W16 | IntWidth::W32 | IntWidth::W64)),
                    "a 16-, 32- or 64-bit integer",
                );
                let d = self.use_value(*desired).and_then(|t| module.type_of(t));
                if let (Some(e), Some(d)) = (e, d) {
                    if e != d {
                        self.error(format!(
                            "operands {expected} and {desired} have different types"
                        ));
                    }
                }
                expected_result = e.cloned();
            }
            Inst::Fence(_) | Inst::Trap { .. } => {}
            Inst::Printf { args, .. } => {
                for arg in args {
                    if let Some(ty) = self.use_value(*arg) {
                        if !module.is_scalar(ty) {
                            self.error(format!("printf argument {arg} is not a scalar"));
                        }
                    }
                }
                expected_result = Some(i32_ty.clone());
            }
        }
        if let (Some(expected), Some(actual), Some(result)) = (expected_result, result_type, result)
        {
            if expected != *actual {
                self.error(format!(
                    "result {result} has type {}, expected {}",
                    type_text(actual),
                    type_text(&expected)
                ));
            }
        }
    }
}

fn atomic_space_ok(t: &Type) -> bool {
    matches!(
        t,
        Type::Ptr(AddrSpace::Global | AddrSpace::Shared | AddrSpace::Generic)
    )
}

fn conversion_ok(op: ConvOp, from: &Type, to: &Type) -> bool {
    use ConvOp::*;
    let int_bits = |t: &Type| match t {
        Type::Bool => Some(1),
        Type::Int(w) => Some(w.bits()),
        _ => None,
    };
    match op {
        Trunc => {
            matches!((int_bits(from), int_bits(to)), (Some(a), Some(b)) if b < a && matches!(from, Type::Int(_)))
        }
        ZExt | SExt => matches!((int_bits(from), to), (Some(a), Type::Int(w)) if w.bits() > a),
        FpTrunc => *from == Type::Float(FloatWidth::F64) && *to == Type::Float(FloatWidth::F32),
        FpExt => *from == Type::Float(FloatWidth::F32) && *to == Type::Float(FloatWidth::F64),
        SIToFP | UIToFP => int_bits(from).is_some() && matches!(to, Type::Float(_)),
        FPToSI | FPToUI => matches!(from, Type::Float(_)) && matches!(to, Type::Int(_)),
        Bitcast => matches!(
            (from, to),
            (Type::Int(IntWidth::W32), Type::Float(FloatWidth::F32))
                | (Type::Float(FloatWidth::F32), Type::Int(IntWidth::W32))
                | (Type::Int(IntWidth::W64), Type::Float(FloatWidth::F64))
                | (Type::Float(FloatWidth::F64), Type::Int(IntWidth::W64))
        ),
        PtrToInt => matches!(from, Type::Ptr(_)) && *to == Type::Int(IntWidth::W64),
        IntToPtr => *from == Type::Int(IntWidth::W64) && matches!(to, Type::Ptr(_)),
        AddrSpaceCast => {
            matches!((from, to), (Type::Ptr(a), Type::Ptr(b)) if a != b && (*a == AddrSpace::Generic || *b == AddrSpace::Generic))
        }
    }
}

/// A short name for a type without handles (used in messages about resolved types).
fn type_text(ty: &Type) -> String {
    match ty {
        Type::Bool => "i1".to_string(),
        Type::Int(w) => format!("i{}", w.bits()),
        Type::Float(FloatWidth::F32) => "f32".to_string(),
        Type::Float(FloatWidth::F64) => "f64".to_string(),
        Type::Ptr(space) => format!("ptr<{}>", space.name()),
        Type::Array { len, .. } => format!("[{len} x ...]"),
        Type::Struct(s) => format!("struct of {} bytes", s.size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_module;

    fn errors(text: &str) -> (Vec<String>, String) {
        let module = parse_module(text).unwrap_or_else(|e| panic!("{e}"));
        let errors = verify(&module).unwrap_err();
        let messages = errors.iter().map(|e| e.message.clone()).collect();
        (messages, format_errors(&module, &errors))
    }

    fn has(messages: &[String], needle: &str) -> bool {
        messages.iter().any(|m| m.contains(needle))
    }

    #[test]
    fn reports_every_error_with_the_function_printed() {
        let (messages, report) = errors(
            "module phase simt
fn fn0 \"f\"(%v0: i32, %v1: f32) -> i32 {
  %v2: i32 = add %v0, %v1
  if %v0 {
    %v3: i32 = const 1
  } else {
  }
  %v4: i32 = add %v3, %v0
  break
  %v5: f32 = load %v0 align 4
  store %v6, %v0 align 3
  return
}
",
        );
        assert!(
            has(
                &messages,
                "right operand %v1 has type f32, expected an integer"
            ),
            "{messages:?}"
        );
        assert!(
            has(&messages, "if condition %v0 has type i32, expected i1"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "%v3 is used where it is not visible"),
            "{messages:?}"
        );
        assert!(has(&messages, "`break` outside of a loop"), "{messages:?}");
        assert!(
            has(&messages, "address %v0 has type i32, expected a pointer"),
            "{messages:?}"
        );
        assert!(has(&messages, "%v6 does not exist"), "{messages:?}");
        assert!(
            has(&messages, "alignment 3 is not a power of two"),
            "{messages:?}"
        );
        assert!(has(&messages, "`return` without a value"), "{messages:?}");
        assert!(
            report.contains(
                "  %v4: i32 = add %v3, %v0\n  ; ^ error: %v3 is used where it is not visible"
            ),
            "{report}"
        );
    }

    #[test]
    fn checks_phase_kernels_loops_and_address_spaces() {
        let (messages, _) = errors(
            "module phase perblock
global @g0 \"c\": i32 constant align 4 init \"00\"
fn fn0 \"k\"(%v0: ptr<global>) -> i32 {
  barrier
  %v1: ptr<constant> = global_addr @g0
  %v2: i32 = const 1
  store %v1, %v2 align 4
  %v3: ptr<local> = addrspacecast %v0
  %v4: i32 = atomic.add.device %v1, %v2
  loop {
    %v5: i32 = const 2
  } continuing {
    %v6: i32 = add %v5, %v2
    continue
  }
  %v7: i32 = call fn0(%v0)
  return %v2
}
kernel \"k\" = fn0(\"p\": ptr<shared>) static_shared 0
",
        );
        assert!(
            has(&messages, "not allowed in the perblock phase"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "initializer has 1 bytes, the type has 4"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "expected a writable pointer"),
            "{messages:?}"
        );
        assert!(
            has(
                &messages,
                "`addrspacecast` cannot convert ptr<global> to ptr<local>"
            ),
            "{messages:?}"
        );
        assert!(
            has(&messages, "expected a global, shared or generic pointer"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "%v5 is used where it is not visible"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "`continue` in a loop's continuing region"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "fn0 is a kernel and cannot be called"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "kernel `k` must return void"),
            "{messages:?}"
        );
        assert!(
            has(&messages, "does not match its function parameter"),
            "{messages:?}"
        );
    }

    #[test]
    fn valid_module_passes() {
        let module = parse_module(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  loop {
    %v2: i32 = const 1
    %v3: i1 = cmp.sgt %v1, %v2
    if %v3 {
      %v4: i32 = add %v1, %v2
      store %v0, %v4 align 4
      break
    } else {
      continue
    }
  } continuing {
    %v5: i32 = const 3
  }
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>) static_shared 0
",
        )
        .unwrap();
        assert_eq!(verify(&module), Ok(()));
    }
}
