//! Linking the math device library into a module.
//!
//! Targets without native transcendental instructions (WASM, SPIR-V, WGSL) get `sinf`, `pow`,
//! `erfcf`, … from `stdlib/device/math.cu`: CUDA C written once and compiled by cwcc itself
//! (through the normal front end and `to_simt`), once per process. [`link_device_library`]
//! replaces every `math` instruction whose builtin the target does not implement natively by
//! a call of a copy of the library function `__cwcc_<name>`, copying it with its callees,
//! tables and types ([`cwcc_simt::link::Importer`]).
//!
//! The front end lowers only code reachable from kernels, so the library ends with the kernel
//! `__cwcc_devlib_roots` that calls every function; it is never copied.

use crate::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_simt::ir::{FuncId, Inst, Module, Region, StmtKind};
use cwcc_simt::link::Importer;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The name the library source has in diagnostics and source locations.
pub const LIBRARY_FILE_NAME: &str = "<cwcc device library>/math.cu";

/// The prefix of every library function: `__cwcc_sinf` implements `sinf`.
pub const LIBRARY_PREFIX: &str = "__cwcc_";

/// The kernel of the library that only exists to make every function reachable.
pub const ROOTS_KERNEL: &str = "__cwcc_devlib_roots";

/// The compiled device library.
#[derive(Debug)]
pub struct DeviceLibrary {
    /// The library as a SIMT module (phase `simt`).
    pub module: Module,
    /// The device functions by symbol name (the roots kernel left out).
    pub functions: HashMap<String, FuncId>,
}

impl DeviceLibrary {
    /// The library function implementing the math builtin `name` (`sinf` → `__cwcc_sinf`).
    pub fn function_for(&self, name: &str) -> Option<FuncId> {
        self.functions
            .get(&format!("{LIBRARY_PREFIX}{name}"))
            .copied()
    }
}

/// Compiles the library source with cwcc's own pipeline (no caching; see [`device_library`]).
pub fn compile_device_library() -> Result<DeviceLibrary, String> {
    let source = cwcc_stdlib::device_library_source().to_string();
    let out = run_front_end(
        LIBRARY_FILE_NAME,
        source,
        &PpConfig::nvcc(),
        &FsLoader,
        Stage::Hir,
    );
    if out.diags.has_errors() {
        let rendered = cwcc_frontend::diag::render_to_string(&out.sources, &out.diags);
        return Err(format!(
            "internal compiler error: the math device library does not compile:\n{}",
            rendered.trim_end()
        ));
    }
    let (module, _) = to_simt(&out, &[], false)
        .map_err(|e| format!("internal compiler error: the math device library: {e}"))?;
    let functions = module
        .functions
        .iter()
        .filter(|(id, _)| !module.kernels.iter().any(|k| k.function == *id))
        .map(|(id, f)| (f.name.clone(), id))
        .collect();
    Ok(DeviceLibrary { module, functions })
}

/// The device library, compiled on first use and kept for the rest of the process.
pub fn device_library() -> Result<&'static DeviceLibrary, String> {
    static LIBRARY: OnceLock<Result<DeviceLibrary, String>> = OnceLock::new();
    LIBRARY
        .get_or_init(compile_device_library)
        .as_ref()
        .map_err(Clone::clone)
}

/// Whether any function of `module` has a `math` instruction that `is_native` rejects.
fn needs_library(module: &Module, is_native: &dyn Fn(&str) -> bool) -> bool {
    fn region_needs(region: &Region, is_native: &dyn Fn(&str) -> bool) -> bool {
        region.stmts.iter().any(|stmt| match &stmt.kind {
            StmtKind::Inst {
                inst: Inst::Math { name, .. },
                ..
            } => !is_native(name),
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => region_needs(then_region, is_native) || region_needs(else_region, is_native),
            StmtKind::Loop { body, continuing } => {
                region_needs(body, is_native) || region_needs(continuing, is_native)
            }
            _ => false,
        })
    }
    module
        .functions
        .iter()
        .any(|(_, f)| region_needs(&f.body, is_native))
}

/// Replaces every `math` instruction of `module` whose builtin is not native (`is_native`
/// says which are) by a call of the device-library function implementing it, copied into the
/// module with everything it uses (each function once). Library code is scanned too, so a
/// library function may itself use a non-native builtin that the library provides.
///
/// Fails, naming the builtin and where it is used, when the library has no implementation.
pub fn link_device_library(
    module: &mut Module,
    is_native: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    if !needs_library(module, is_native) {
        return Ok(());
    }
    let library = device_library()?;
    let mut importer = Importer::new(&library.module);
    let mut index = 0;
    while index < module.functions.len() {
        let id = FuncId(index as u32);
        let mut body = match module.functions.get_mut(id) {
            Some(f) => std::mem::take(&mut f.body),
            None => break,
        };
        let result = link_region(module, &mut body, library, &mut importer, is_native);
        if let Some(f) = module.functions.get_mut(id) {
            f.body = body;
        }
        result?;
        index += 1;
    }
    Ok(())
}

fn link_region(
    module: &mut Module,
    region: &mut Region,
    library: &DeviceLibrary,
    importer: &mut Importer<'_>,
    is_native: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    for stmt in region.stmts.iter_mut() {
        let loc = stmt.loc;
        match &mut stmt.kind {
            StmtKind::Inst { inst, .. } => {
                let Inst::Math { name, args } = inst else {
                    continue;
                };
                if is_native(name) {
                    continue;
                }
                let Some(src) = library.function_for(name) else {
                    let place = loc.map(|l| format!("{}: ", module.format_loc(l)));
                    return Err(format!(
                        "{}not supported yet on this target: the device-library function `{name}`",
                        place.unwrap_or_default()
                    ));
                };
                let func = importer
                    .import_function(module, src)
                    .map_err(|e| format!("internal compiler error: linking `{name}`: {e}"))?;
                *inst = Inst::Call {
                    func,
                    args: std::mem::take(args),
                };
            }
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                link_region(module, then_region, library, importer, is_native)?;
                link_region(module, else_region, library, importer, is_native)?;
            }
            StmtKind::Loop { body, continuing } => {
                link_region(module, body, library, importer, is_native)?;
                link_region(module, continuing, library, importer, is_native)?;
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Return(_) => {}
        }
    }
    Ok(())
}

/// The builtins every backend implements natively (correctly rounded or exact operations);
/// the device library does not provide them. A backend's `is_native` usually starts here.
pub fn is_always_native(name: &str) -> bool {
    matches!(
        name,
        "sqrtf"
            | "sqrt"
            | "__fsqrt_rn"
            | "rsqrtf"
            | "rsqrt"
            | "__fdividef"
            | "__frcp_rn"
            | "__saturatef"
            | "fmaf"
            | "fdimf"
            | "fdim"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_compiles_and_provides_every_non_native_builtin() {
        let library = device_library().unwrap();
        let missing: Vec<&str> = cwcc_simt::builtins::MATH_BUILTINS
            .iter()
            .map(|(n, _, _)| *n)
            .filter(|n| !is_always_native(n) && library.function_for(n).is_none())
            .collect();
        assert!(missing.is_empty(), "no library function for {missing:?}");
        assert!(!library.functions.contains_key(ROOTS_KERNEL));
    }

    #[test]
    fn unknown_library_function_is_a_clear_error() {
        let mut module = cwcc_simt::parse_module(
            "module phase simt
file 0 \"k.cu\"
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: f32 = load %v0 align 4
  %v2: f32 = math \"sinf\"(%v1) !0:3:7
  store %v0, %v2 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>) static_shared 0
",
        )
        .unwrap();
        // Pretend the library lacks sinf by asking for a name it cannot have.
        if let StmtKind::Inst {
            inst: Inst::Math { name, .. },
            ..
        } = &mut module.functions.items[0].body.stmts[1].kind
        {
            *name = "tgammaf".to_string();
        }
        let err = link_device_library(&mut module, &is_always_native).unwrap_err();
        assert_eq!(
            err,
            "k.cu:3:7: not supported yet on this target: the device-library function `tgammaf`"
        );
    }

    #[test]
    fn native_builtins_stay_and_others_become_calls() {
        let mut module = cwcc_simt::parse_module(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: f32 = load %v0 align 4
  %v2: f32 = math \"sqrtf\"(%v1)
  %v3: f32 = math \"expf\"(%v2)
  %v4: f32 = math \"expf\"(%v3)
  store %v0, %v4 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>) static_shared 0
",
        )
        .unwrap();
        link_device_library(&mut module, &is_always_native).unwrap();
        cwcc_simt::verify(&module).unwrap();
        let stmts = &module.functions.items[0].body.stmts;
        assert!(matches!(
            &stmts[1].kind,
            StmtKind::Inst { inst: Inst::Math { name, .. }, .. } if name == "sqrtf"
        ));
        let callee = |i: usize| match &stmts[i].kind {
            StmtKind::Inst {
                inst: Inst::Call { func, .. },
                ..
            } => *func,
            other => panic!("{other:?}"),
        };
        assert_eq!(callee(2), callee(3), "expf is copied once");
        assert_eq!(module.functions.get(callee(2)).unwrap().name, "__cwcc_expf");
    }
}
