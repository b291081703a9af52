//! Copying functions from one module into another (linking a device library).
//!
//! [`Importer`] copies a function of a source module into a destination module together with
//! everything it needs: the functions it calls (transitively), the module variables it takes
//! the address of (`__constant__` tables, `__device__` variables), its types (re-interned in
//! the destination) and the names of its source files. A memo maps every source function and
//! global to its copy, so each is copied once however many times it is asked for.
//! [`import_function`] is the one-shot form.

use crate::ir::*;
use std::collections::HashMap;
use std::fmt;

/// Why a function could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError {
    /// What went wrong, naming the function or variable.
    pub message: String,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LinkError {}

fn link_error<T>(message: String) -> Result<T, LinkError> {
    Err(LinkError { message })
}

/// Copies functions from `src` into destination modules, remembering what it copied.
///
/// Use one importer per (destination, source) pair: its memo holds handles of that
/// destination.
#[derive(Debug)]
pub struct Importer<'a> {
    src: &'a Module,
    functions: HashMap<FuncId, FuncId>,
    globals: HashMap<GlobalId, GlobalId>,
    types: HashMap<TypeId, TypeId>,
    files: HashMap<u32, u32>,
}

impl<'a> Importer<'a> {
    /// An importer from `src` with an empty memo.
    pub fn new(src: &'a Module) -> Self {
        Importer {
            src,
            functions: HashMap::new(),
            globals: HashMap::new(),
            types: HashMap::new(),
            files: HashMap::new(),
        }
    }

    /// The source module.
    pub fn source(&self) -> &'a Module {
        self.src
    }

    /// The copy of source function `f` in `dst`, copying it (and what it uses) the first
    /// time. Kernels cannot be imported (they are not callable).
    pub fn import_function(&mut self, dst: &mut Module, f: FuncId) -> Result<FuncId, LinkError> {
        if let Some(&done) = self.functions.get(&f) {
            return Ok(done);
        }
        let src = self.src;
        let Some(func) = src.functions.get(f) else {
            return link_error(format!("no function {f} in the library module"));
        };
        if src.kernels.iter().any(|k| k.function == f) {
            return link_error(format!(
                "`{}` is a kernel of the library module; only device functions can be linked",
                func.name
            ));
        }
        // Reserve the slot first so recursive calls find it in the memo.
        let id = dst.functions.push(Function::new(func.name.clone(), None));
        self.functions.insert(f, id);
        let mut copy = func.clone();
        copy.ret = match func.ret {
            Some(t) => Some(self.import_type(dst, t)?),
            None => None,
        };
        for slot in copy.value_types.iter_mut() {
            if let Some(t) = *slot {
                *slot = Some(self.import_type(dst, t)?);
            }
        }
        for local in copy.locals.iter_mut() {
            local.ty = self.import_type(dst, local.ty)?;
        }
        self.import_region(dst, &mut copy.body, &func.name)?;
        if let Some(slot) = dst.functions.get_mut(id) {
            *slot = copy;
        }
        Ok(id)
    }

    /// The copy of source global `g` in `dst`, copying it the first time.
    pub fn import_global(&mut self, dst: &mut Module, g: GlobalId) -> Result<GlobalId, LinkError> {
        if let Some(&done) = self.globals.get(&g) {
            return Ok(done);
        }
        let Some(global) = self.src.globals.get(g) else {
            return link_error(format!("no module variable {g} in the library module"));
        };
        if global.space == AddrSpace::Shared {
            return link_error(format!(
                "the library variable `{}` is `__shared__`; shared memory cannot be linked into a kernel",
                global.name
            ));
        }
        let mut copy = global.clone();
        copy.ty = self.import_type(dst, global.ty)?;
        let id = dst.globals.push(copy);
        self.globals.insert(g, id);
        Ok(id)
    }

    /// The type `t` of the source module interned in `dst`.
    pub fn import_type(&mut self, dst: &mut Module, t: TypeId) -> Result<TypeId, LinkError> {
        if let Some(&done) = self.types.get(&t) {
            return Ok(done);
        }
        let Some(ty) = self.src.types.get(t) else {
            return link_error(format!("no type {t} in the library module"));
        };
        let mapped = match ty {
            Type::Bool | Type::Int(_) | Type::Float(_) | Type::Ptr(_) => ty.clone(),
            Type::Array { elem, len } => {
                // Types only refer to smaller handles, so this recursion ends.
                if elem.index() >= t.index() {
                    return link_error(format!("type {t} of the library module is cyclic"));
                }
                Type::Array {
                    elem: self.import_type(dst, *elem)?,
                    len: *len,
                }
            }
            Type::Struct(st) => {
                let mut fields = Vec::with_capacity(st.fields.len());
                for field in &st.fields {
                    if field.ty.index() >= t.index() {
                        return link_error(format!("type {t} of the library module is cyclic"));
                    }
                    fields.push(StructField {
                        ty: self.import_type(dst, field.ty)?,
                        offset: field.offset,
                    });
                }
                Type::Struct(StructType {
                    fields,
                    size: st.size,
                    align: st.align,
                })
            }
        };
        let id = dst.ty(mapped);
        self.types.insert(t, id);
        Ok(id)
    }

    fn import_file(&mut self, dst: &mut Module, file: u32) -> u32 {
        if let Some(&done) = self.files.get(&file) {
            return done;
        }
        let name = self
            .src
            .files
            .get(file as usize)
            .cloned()
            .unwrap_or_else(|| "<unknown file>".to_string());
        let index = match dst.files.iter().position(|f| *f == name) {
            Some(i) => i as u32,
            None => {
                dst.files.push(name);
                (dst.files.len() - 1) as u32
            }
        };
        self.files.insert(file, index);
        index
    }

    fn import_region(
        &mut self,
        dst: &mut Module,
        region: &mut Region,
        function: &str,
    ) -> Result<(), LinkError> {
        for stmt in region.stmts.iter_mut() {
            if let Some(loc) = stmt.loc.as_mut() {
                loc.file = self.import_file(dst, loc.file);
            }
            match &mut stmt.kind {
                StmtKind::Inst { inst, .. } => {
                    if dst.phase == Phase::PerBlock && inst.is_simt_only() {
                        return link_error(format!(
                            "the library function `{function}` uses a barrier or warp operation and cannot be linked into a per-block module"
                        ));
                    }
                    match inst {
                        Inst::GlobalAddr(g) => *g = self.import_global(dst, *g)?,
                        Inst::Call { func, .. } => *func = self.import_function(dst, *func)?,
                        _ => {}
                    }
                }
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    self.import_region(dst, then_region, function)?;
                    self.import_region(dst, else_region, function)?;
                }
                StmtKind::Loop { body, continuing } => {
                    self.import_region(dst, body, function)?;
                    self.import_region(dst, continuing, function)?;
                }
                StmtKind::Break | StmtKind::Continue | StmtKind::Return(_) => {}
            }
        }
        Ok(())
    }
}

/// Copies function `f` of `src` into `dst` with its callees, globals and types; returns its
/// handle in `dst`. Within one call every function is copied once; to share the memo across
/// several imports use an [`Importer`].
pub fn import_function(dst: &mut Module, src: &Module, f: FuncId) -> Result<FuncId, LinkError> {
    Importer::new(src).import_function(dst, f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_module;

    const LIBRARY: &str = "module phase simt
global @g0 \"table\": [2 x f32] constant align 4 init \"0000803f00000040\"
fn fn0 \"helper\"(%v0: f32) -> f32 {
  %v1: ptr<constant> = global_addr @g0
  %v2: f32 = load %v1 align 4
  %v3: f32 = fmul %v0, %v2
  return %v3
}
fn fn1 \"twice\"(%v0: f32) -> f32 {
  %v1: f32 = call fn0(%v0)
  %v2: f32 = call fn0(%v1)
  %v3: f32 = math \"sinf\"(%v2)
  return %v3
}
fn fn2 \"roots\"(%v0: ptr<global>) {
  %v1: f32 = load %v0 align 4
  %v2: f32 = call fn1(%v1)
  store %v0, %v2 align 4
  return
}
kernel \"roots\" = fn2(\"p\": ptr<global>) static_shared 0
";

    fn library() -> Module {
        match parse_module(LIBRARY) {
            Ok(m) => m,
            Err(e) => panic!("library does not parse: {e}\n{LIBRARY}"),
        }
    }

    fn find(module: &Module, name: &str) -> FuncId {
        module
            .functions
            .iter()
            .find(|(_, f)| f.name == name)
            .map(|(id, _)| id)
            .unwrap()
    }

    #[test]
    fn imports_callees_globals_and_types_once() {
        let src = library();
        let mut dst = Module::new();
        // An unrelated type first so that the handles differ between the modules.
        dst.ty(Type::Int(IntWidth::W8));
        let mut importer = Importer::new(&src);
        let twice = importer
            .import_function(&mut dst, find(&src, "twice"))
            .unwrap();
        let helper = importer
            .import_function(&mut dst, find(&src, "helper"))
            .unwrap();
        let again = importer
            .import_function(&mut dst, find(&src, "twice"))
            .unwrap();
        assert_eq!(twice, again);
        assert_eq!(dst.functions.len(), 2, "helper copied once");
        assert_eq!(dst.globals.len(), 1, "table copied once");
        let body = &dst.functions.get(twice).unwrap().body;
        let calls: Vec<FuncId> = body
            .stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Inst {
                    inst: Inst::Call { func, .. },
                    ..
                } => Some(*func),
                _ => None,
            })
            .collect();
        assert_eq!(calls, vec![helper, helper]);
        let global = dst.globals.get(GlobalId(0)).unwrap();
        assert_eq!(global.name, "table");
        assert_eq!(
            dst.type_of(global.ty),
            Some(&Type::Array {
                elem: dst.types.lookup[&Type::Float(FloatWidth::F32)],
                len: 2
            })
        );
        crate::verify(&dst).unwrap();
    }

    #[test]
    fn imported_code_runs_like_the_original() {
        use crate::interp::{launch, ArgValue, Memory};
        let src = library();
        // A user module whose kernel calls the imported function.
        let mut dst = parse_module(
            "module phase simt
fn fn0 \"user\"(%v0: ptr<global>) {
  %v1: f32 = load %v0 align 4
  %v2: f32 = fadd %v1, %v1
  store %v0, %v2 align 4
  return
}
kernel \"user\" = fn0(\"p\": ptr<global>) static_shared 0
",
        )
        .unwrap();
        let twice = import_function(&mut dst, &src, find(&src, "twice")).unwrap();
        // Replace the fadd with a call of the imported function.
        let user = dst.functions.get_mut(FuncId(0)).unwrap();
        if let StmtKind::Inst { inst, .. } = &mut user.body.stmts[1].kind {
            *inst = Inst::Call {
                func: twice,
                args: vec![Value(1)],
            };
        }
        crate::verify(&dst).unwrap();
        let mut memory = Memory::new();
        let p = memory.alloc(4).unwrap();
        memory.write(p, &0.25f32.to_le_bytes()).unwrap();
        launch(
            &dst,
            "user",
            [1; 3],
            [1; 3],
            0,
            &[ArgValue::Ptr(p)],
            &mut memory,
        )
        .unwrap();
        let got = f32::from_le_bytes(memory.read(p, 4).unwrap().try_into().unwrap());
        assert_eq!(got, (0.25f64).sin() as f32);
    }

    #[test]
    fn kernels_and_bad_handles_are_errors() {
        let src = library();
        let mut dst = Module::new();
        let err = import_function(&mut dst, &src, find(&src, "roots")).unwrap_err();
        assert!(err.message.contains("is a kernel"), "{err}");
        let err = import_function(&mut dst, &src, FuncId(99)).unwrap_err();
        assert!(err.message.contains("no function fn99"), "{err}");
    }

    #[test]
    fn shared_variables_are_refused() {
        let src = parse_module(
            "module phase simt
global @g0 \"buf\": f32 shared align 4
fn fn0 \"uses_shared\"() -> f32 {
  %v0: ptr<shared> = global_addr @g0
  %v1: f32 = load %v0 align 4
  return %v1
}
",
        )
        .unwrap();
        let mut dst = Module::new();
        let err = import_function(&mut dst, &src, FuncId(0)).unwrap_err();
        assert!(err.message.contains("`buf` is `__shared__`"), "{err}");
    }
}
