//! The text form of the SIMT IR (what `cwcc --emit=simt` prints and `parse.rs` reads back).
//!
//! ```text
//! module phase simt
//! file 0 "vadd.cu"
//! global @g0 "table": [4 x i32] constant align 4 init "01000000020000000300000004000000"
//!
//! fn fn0 "vadd"(%v0: ptr<global>, %v1: ptr<global>, %v2: i32) {
//!   local %l0 "tmp": i32 align 4
//!   %v3: i32 = thread_id.x !0:3:11
//!   %v4: i1 = cmp.slt %v3, %v2
//!   if %v4 {
//!     store %v0, %v3 align 4
//!   } else {
//!   }
//!   return
//! }
//!
//! kernel "vadd" = fn0("a": ptr<global>, "b": ptr<global>, "n": i32) static_shared 0
//! ```
//!
//! Every definition prints its type (`%v3: i32 = ...`); types print inline (`i32`,
//! `ptr<shared>`, `[4 x f32]`, `struct{i32 @0, f64 @8 | size 16 align 8}`); `!F:L:C` after a
//! statement is its source location (file index, line, column).

use crate::ir::*;
use crate::module::OpName;
use std::collections::HashMap;
use std::fmt::Write;

/// Prints a whole module.
pub fn print_module(module: &Module) -> String {
    let mut out = String::new();
    let phase = match module.phase {
        Phase::Simt => "simt",
        Phase::PerBlock => "perblock",
    };
    let _ = write!(out, "module phase {phase}");
    if module.shared_in_buffer {
        out.push_str(" shared_buffer");
    }
    out.push('\n');
    for (index, file) in module.files.iter().enumerate() {
        let _ = writeln!(out, "file {index} {}", quote(file.as_bytes()));
    }
    for (id, global) in module.globals.iter() {
        let _ = write!(
            out,
            "global {id} {}: {} {} align {}",
            quote(global.name.as_bytes()),
            type_name(module, global.ty),
            global.space.name(),
            global.align
        );
        if let Some(init) = &global.init {
            let hex: String = init.iter().map(|b| format!("{b:02x}")).collect();
            let _ = write!(out, " init \"{hex}\"");
        }
        out.push('\n');
    }
    for (id, _) in module.functions.iter() {
        out.push('\n');
        out.push_str(&print_function(module, id, &HashMap::new()));
    }
    if !module.kernels.is_empty() {
        out.push('\n');
    }
    for kernel in &module.kernels {
        let _ = write!(
            out,
            "kernel {} = {}(",
            quote(kernel.name.as_bytes()),
            kernel.function
        );
        for (index, param) in kernel.params.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            let kind = match &param.kind {
                ParamKind::Scalar(ty) => type_name(module, *ty),
                ParamKind::Pointer(space) => format!("ptr<{}>", space.name()),
                ParamKind::ByValue(ty) => format!("byval {}", type_name(module, *ty)),
            };
            let _ = write!(out, "{}: {kind}", quote(param.name.as_bytes()));
        }
        let _ = write!(out, ") static_shared {}", kernel.static_shared_bytes);
        if module.shared_in_buffer {
            let _ = write!(
                out,
                " dynamic_shared_offset {}",
                kernel.dynamic_shared_offset
            );
        }
        if kernel.uses_dynamic_shared {
            out.push_str(" dynamic_shared");
        }
        if let Some(bounds) = kernel.launch_bounds {
            let _ = write!(out, " launch_bounds {}", bounds.max_threads);
            if let Some(min_blocks) = bounds.min_blocks {
                let _ = write!(out, " {min_blocks}");
            }
        }
        out.push('\n');
    }
    out
}

/// Prints one function. `annotations` maps a statement's pre-order index (counting every
/// statement of the function, nested ones included, from 0) to notes printed on the lines
/// after it as `; ^ note`; this is how the verifier shows its errors in context.
pub fn print_function(
    module: &Module,
    id: FuncId,
    annotations: &HashMap<usize, Vec<String>>,
) -> String {
    let mut out = String::new();
    let Some(func) = module.functions.get(id) else {
        let _ = writeln!(out, "; {id} does not exist");
        return out;
    };
    let _ = write!(out, "fn {id} {}(", quote(func.name.as_bytes()));
    for (index, param) in func.params.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{param}: {}", value_type_name(module, func, *param));
    }
    out.push(')');
    if let Some(ret) = func.ret {
        let _ = write!(out, " -> {}", type_name(module, ret));
    }
    out.push_str(" {\n");
    for (index, local) in func.locals.iter().enumerate() {
        let _ = writeln!(
            out,
            "  local %l{index} {}: {} align {}",
            quote(local.name.as_bytes()),
            type_name(module, local.ty),
            local.align
        );
    }
    let mut printer = Printer {
        module,
        func,
        out,
        counter: 0,
        annotations,
    };
    printer.region(&func.body, 1);
    let mut out = printer.out;
    out.push_str("}\n");
    out
}

struct Printer<'a> {
    module: &'a Module,
    func: &'a Function,
    out: String,
    counter: usize,
    annotations: &'a HashMap<usize, Vec<String>>,
}

impl Printer<'_> {
    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn region(&mut self, region: &Region, depth: usize) {
        for stmt in &region.stmts {
            self.stmt(stmt, depth);
        }
    }

    fn loc(&mut self, loc: Option<Loc>) {
        if let Some(loc) = loc {
            let _ = write!(self.out, " !{}:{}:{}", loc.file, loc.line, loc.col);
        }
    }

    fn notes(&mut self, index: usize, depth: usize) {
        if let Some(notes) = self.annotations.get(&index) {
            for note in notes {
                self.indent(depth);
                let _ = writeln!(self.out, "; ^ error: {note}");
            }
        }
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize) {
        let index = self.counter;
        self.counter += 1;
        self.indent(depth);
        match &stmt.kind {
            StmtKind::Inst { result, inst } => {
                if let Some(result) = result {
                    let ty = value_type_name(self.module, self.func, *result);
                    let _ = write!(self.out, "{result}: {ty} = ");
                }
                let text = inst_text(self.module, self.func, *result, inst);
                self.out.push_str(&text);
                self.loc(stmt.loc);
                self.out.push('\n');
                self.notes(index, depth);
            }
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                let _ = write!(self.out, "if {cond}");
                self.loc(stmt.loc);
                self.out.push_str(" {\n");
                self.notes(index, depth + 1);
                self.region(then_region, depth + 1);
                self.indent(depth);
                self.out.push_str("} else {\n");
                self.region(else_region, depth + 1);
                self.indent(depth);
                self.out.push_str("}\n");
            }
            StmtKind::Loop { body, continuing } => {
                self.out.push_str("loop");
                self.loc(stmt.loc);
                self.out.push_str(" {\n");
                self.notes(index, depth + 1);
                self.region(body, depth + 1);
                self.indent(depth);
                self.out.push_str("} continuing {\n");
                self.region(continuing, depth + 1);
                self.indent(depth);
                self.out.push_str("}\n");
            }
            StmtKind::Break => {
                self.out.push_str("break");
                self.loc(stmt.loc);
                self.out.push('\n');
                self.notes(index, depth);
            }
            StmtKind::Continue => {
                self.out.push_str("continue");
                self.loc(stmt.loc);
                self.out.push('\n');
                self.notes(index, depth);
            }
            StmtKind::Return(value) => {
                self.out.push_str("return");
                if let Some(value) = value {
                    let _ = write!(self.out, " {value}");
                }
                self.loc(stmt.loc);
                self.out.push('\n');
                self.notes(index, depth);
            }
        }
    }
}

fn join(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of an instruction (without the `%v: ty =` prefix).
pub fn inst_text(module: &Module, func: &Function, result: Option<Value>, inst: &Inst) -> String {
    match inst {
        Inst::Const { bits } => {
            let ty = result
                .and_then(|r| func.value_type(r))
                .and_then(|t| module.type_of(t));
            format!("const {}", const_text(ty, *bits))
        }
        Inst::Unary { op, arg } => format!("{} {arg}", op.name()),
        Inst::Binary { op, lhs, rhs } => format!("{} {lhs}, {rhs}", op.name()),
        Inst::Cmp { op, lhs, rhs } => format!("cmp.{} {lhs}, {rhs}", op.name()),
        Inst::Select {
            cond,
            if_true,
            if_false,
        } => format!("select {cond}, {if_true}, {if_false}"),
        Inst::Convert { op, arg } => format!("{} {arg}", op.name()),
        Inst::PtrAdd { ptr, offset } => format!("ptradd {ptr}, {offset}"),
        Inst::Load {
            ptr,
            align,
            volatile,
        } => format!(
            "load{} {ptr} align {align}",
            if *volatile { ".volatile" } else { "" }
        ),
        Inst::Store {
            ptr,
            value,
            align,
            volatile,
        } => format!(
            "store{} {ptr}, {value} align {align}",
            if *volatile { ".volatile" } else { "" }
        ),
        Inst::GlobalAddr(global) => format!("global_addr {global}"),
        Inst::LocalAddr(local) => format!("local_addr {local}"),
        Inst::DynSharedAddr => "dyn_shared_addr".to_string(),
        Inst::SharedBuffer => "shared_buffer".to_string(),
        Inst::Call { func, args } => format!("call {func}({})", join(args)),
        Inst::Math { name, args } => format!("math {}({})", quote(name.as_bytes()), join(args)),
        Inst::ThreadId(dim) => format!("thread_id.{}", dim.name()),
        Inst::BlockId(dim) => format!("block_id.{}", dim.name()),
        Inst::BlockDim(dim) => format!("block_dim.{}", dim.name()),
        Inst::GridDim(dim) => format!("grid_dim.{}", dim.name()),
        Inst::LaneId => "lane_id".to_string(),
        Inst::WarpSize => "warp_size".to_string(),
        Inst::Barrier(kind) => match kind {
            BarrierKind::Sync => "barrier".to_string(),
            BarrierKind::Count(p) => format!("barrier.count {p}"),
            BarrierKind::And(p) => format!("barrier.and {p}"),
            BarrierKind::Or(p) => format!("barrier.or {p}"),
        },
        Inst::SyncWarp { mask } => format!("syncwarp {mask}"),
        Inst::Shuffle {
            kind,
            mask,
            value,
            lane_or_delta,
            width,
        } => format!(
            "shfl.{} {mask}, {value}, {lane_or_delta}, {width}",
            kind.name()
        ),
        Inst::Vote { kind, mask, pred } => format!("vote.{} {mask}, {pred}", kind.name()),
        Inst::Match { kind, mask, value } => format!("match.{} {mask}, {value}", kind.name()),
        Inst::ActiveMask => "active_mask".to_string(),
        Inst::Clock => "clock".to_string(),
        Inst::WarpReduce { op, mask, value } => format!("reduce.{} {mask}, {value}", op.name()),
        Inst::AtomicRmw {
            op,
            ptr,
            value,
            scope,
        } => format!("atomic.{}.{} {ptr}, {value}", op.name(), scope.name()),
        Inst::AtomicCas {
            ptr,
            expected,
            desired,
            scope,
        } => format!("atomic.cas.{} {ptr}, {expected}, {desired}", scope.name()),
        Inst::Fence(scope) => format!("fence.{}", scope.name()),
        Inst::Trap { message } => format!("trap {}", quote(message.as_bytes())),
        Inst::Printf { format, args } => {
            format!("printf {}({})", quote(format.as_bytes()), join(args))
        }
    }
}

/// The text of a constant of a type: signed decimal for integers, shortest round-trip
/// decimal for finite floats, `0x` raw bits for non-finite floats (and unknown types).
pub fn const_text(ty: Option<&Type>, bits: u64) -> String {
    match ty {
        Some(Type::Bool) => format!("{}", bits & 1),
        Some(Type::Int(width)) => {
            let shift = 64 - width.bits();
            format!("{}", ((bits << shift) as i64) >> shift)
        }
        Some(Type::Float(FloatWidth::F32)) => {
            let value = f32::from_bits(bits as u32);
            if value.is_finite() {
                format!("{value:?}")
            } else {
                format!("0x{:x}", bits as u32)
            }
        }
        Some(Type::Float(FloatWidth::F64)) => {
            let value = f64::from_bits(bits);
            if value.is_finite() {
                format!("{value:?}")
            } else {
                format!("0x{bits:x}")
            }
        }
        _ => format!("0x{bits:x}"),
    }
}

fn value_type_name(module: &Module, func: &Function, value: Value) -> String {
    match func.value_type(value) {
        Some(ty) => type_name(module, ty),
        None => "<undefined>".to_string(),
    }
}

/// The text of a type (`i32`, `ptr<global>`, `[4 x f32]`, `struct{i32 @0 | size 4 align 4}`).
pub fn type_name(module: &Module, id: TypeId) -> String {
    type_name_depth(module, id, 0)
}

fn type_name_depth(module: &Module, id: TypeId, depth: usize) -> String {
    if depth > 64 {
        return format!("<{id}: too deep>");
    }
    match module.type_of(id) {
        None => format!("<bad type {id}>"),
        Some(Type::Bool) => "i1".to_string(),
        Some(Type::Int(width)) => format!("i{}", width.bits()),
        Some(Type::Float(FloatWidth::F32)) => "f32".to_string(),
        Some(Type::Float(FloatWidth::F64)) => "f64".to_string(),
        Some(Type::Ptr(space)) => format!("ptr<{}>", space.name()),
        Some(Type::Array { elem, len }) => {
            format!("[{len} x {}]", type_name_depth(module, *elem, depth + 1))
        }
        Some(Type::Struct(s)) => {
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| format!("{} @{}", type_name_depth(module, f.ty, depth + 1), f.offset))
                .collect();
            format!(
                "struct{{{} | size {} align {}}}",
                fields.join(", "),
                s.size,
                s.align
            )
        }
    }
}

/// Quotes bytes as a string literal: printable ASCII as is, `"` and `\` escaped, every other
/// byte as `\xNN`.
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &byte in bytes {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push('"');
    out
}

impl std::fmt::Display for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&print_module(self))
    }
}
