//! The `cwcc` driver as a library: runs the pipeline stages in order on one file.
//!
//! This is the only crate that touches the file system, argv, colors and exit codes
//! (the stages below it are pure). The binary in `main.rs` is a thin layer over
//! [`run_front_end`] and [`cli`].

pub mod cli;
pub mod devlib;
pub mod loader;
mod spirv_artifact;

pub use spirv_artifact::{portable_spirv_options, spirv_manifest, SPIRV_MANIFEST_VERSION};

use cwcc_frontend::ast::{Item, TranslationUnit};
use cwcc_frontend::diag::Diagnostics;
use cwcc_frontend::pp::{self, PpConfig};
use cwcc_frontend::source::{FileId, SourceMap, Span};
use cwcc_frontend::token::Token;
use cwcc_frontend::{parse, source};

use cwcc_simt::pass::PassReport;
use cwcc_simt::PassManager;
pub use loader::FsLoader;

/// How far to run the front end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Preprocess only.
    Preprocess,
    /// Preprocess and parse.
    Parse,
    /// Preprocess, parse and build the typed HIR.
    Hir,
}

/// Everything the front end produced for one file.
#[derive(Debug, Default)]
pub struct FrontEndOutput {
    /// All files read (the input, its includes) and the macro expansions.
    pub sources: SourceMap,
    /// The input file's id in `sources`.
    pub main: FileId,
    /// Preprocessed tokens.
    pub tokens: Vec<Token>,
    /// The AST, when parsing ran.
    pub ast: Option<TranslationUnit>,
    /// The HIR, when it was built.
    pub hir: Option<cwcc_hir::Module>,
    /// All diagnostics of all stages.
    pub diags: Diagnostics,
}

/// Runs the front end on `text` (named `name` in diagnostics) up to `stage`.
///
/// Later stages still run after errors in earlier ones where their input is usable, so one
/// run reports as many problems as possible.
pub fn run_front_end(
    name: &str,
    text: String,
    config: &PpConfig,
    loader: &dyn pp::IncludeLoader,
    stage: Stage,
) -> FrontEndOutput {
    let mut out = FrontEndOutput::default();
    let mut sources = source::SourceMap::new();
    out.main = sources.add_file(name, text, None);
    out.tokens = pp::preprocess(&mut sources, out.main, config, loader, &mut out.diags);
    if stage >= Stage::Parse {
        let tu = parse::parse(&out.tokens, &sources, &mut out.diags);
        if stage >= Stage::Hir {
            out.hir = Some(cwcc_hir::lower(&tu, &sources, &mut out.diags));
        }
        out.ast = Some(tu);
    }
    out.sources = sources;
    out
}

/// Lowers the front end's HIR to SIMT IR and runs the standard passes (const-fold, dce),
/// printing the IR after the passes named in `print_after` and timing them with
/// `time_passes` (both into the returned report). `Err` holds the rendered diagnostics or the
/// pass error.
pub fn to_simt(
    out: &FrontEndOutput,
    print_after: &[String],
    time_passes: bool,
) -> Result<(cwcc_simt::Module, PassReport), String> {
    let Some(hir) = &out.hir else {
        return Err("internal: the front end produced no HIR".to_string());
    };
    let mut module = cwcc_lower::lower(hir, &out.sources)
        .map_err(|d| cwcc_frontend::diag::render_to_string(&out.sources, &d))?;
    let mut pm = PassManager::new();
    for name in STANDARD_PASSES {
        if let Some(pass) = cwcc_simt::passes::by_name(name) {
            pm.add(pass);
        }
    }
    pm.print_after = print_after.to_vec();
    pm.time_passes = time_passes;
    let report = pm.run(&mut module).map_err(|e| e.to_string())?;
    Ok((module, report))
}

/// The SIMT passes `to_simt` runs after lowering, in order.
pub const STANDARD_PASSES: &[&str] = &["const-fold", "dce"];

/// The passes that turn the per-thread module into per-block code for the CPU backends
/// (WASM, later native), in order, after [`STANDARD_PASSES`].
pub const CPU_PASSES: &[&str] = &[
    "inline",
    "flatten-logic",
    "warp-to-loop",
    "shared-to-buffer",
    "const-fold",
    "dce",
];

/// Runs `passes` (names from [`cwcc_simt::passes::PASS_NAMES`]) on `module`, printing after
/// and timing as asked; the report is appended to `report`.
pub fn run_passes(
    module: &mut cwcc_simt::Module,
    passes: &[&str],
    print_after: &[String],
    time_passes: bool,
    report: &mut PassReport,
) -> Result<(), String> {
    let mut pm = PassManager::new();
    for name in passes {
        let pass = cwcc_simt::passes::by_name(name)
            .ok_or_else(|| format!("internal: unknown pass `{name}`"))?;
        pm.add(pass);
    }
    pm.print_after = print_after.to_vec();
    pm.time_passes = time_passes;
    let more = pm.run(module).map_err(|e| e.to_string())?;
    report.printed.push_str(&more.printed);
    report.timings.push_str(&more.timings);
    Ok(())
}

/// The full pipeline to a `.wasm` artifact: lowering, the standard passes, the math device
/// library for the functions WebAssembly lacks, the CPU passes and the WASM backend.
pub fn to_wasm(
    out: &FrontEndOutput,
    print_after: &[String],
    time_passes: bool,
) -> Result<(Vec<u8>, PassReport), String> {
    to_wasm_with(
        out,
        print_after,
        time_passes,
        &cwcc_wasm::WasmOptions::default(),
    )
}

/// [`to_wasm`] with the WASM backend's options.
pub fn to_wasm_with(
    out: &FrontEndOutput,
    print_after: &[String],
    time_passes: bool,
    options: &cwcc_wasm::WasmOptions,
) -> Result<(Vec<u8>, PassReport), String> {
    let mut pipeline: Vec<&str> = Vec::new();
    for name in STANDARD_PASSES.iter().chain(CPU_PASSES) {
        if !pipeline.contains(name) {
            pipeline.push(name);
        }
    }
    if let Some(unknown) = print_after.iter().find(|n| !pipeline.contains(&n.as_str())) {
        return Err(cwcc_simt::PassError::UnknownPass {
            name: unknown.clone(),
            valid: pipeline.iter().map(|s| s.to_string()).collect(),
        }
        .to_string());
    }
    let only = |passes: &[&str]| -> Vec<String> {
        print_after
            .iter()
            .filter(|n| passes.contains(&n.as_str()))
            .cloned()
            .collect()
    };
    let (mut module, mut report) = to_simt(out, &only(STANDARD_PASSES), time_passes)?;
    to_per_block(&mut module, &only(CPU_PASSES), time_passes, &mut report)?;
    let bytes = cwcc_wasm::compile_with(&module, options).map_err(|e| e.to_string())?;
    Ok((bytes, report))
}

/// Links the device library and runs [`CPU_PASSES`]: the per-block module the CPU backends
/// take.
pub fn to_per_block(
    module: &mut cwcc_simt::Module,
    print_after: &[String],
    time_passes: bool,
    report: &mut PassReport,
) -> Result<(), String> {
    devlib::link_device_library(module, &devlib::is_always_native)?;
    run_passes(module, CPU_PASSES, print_after, time_passes, report)
}

/// The AST of the items written by the user: items whose text lies in a bundled system
/// header (`stdlib/include`) are left out, so `--emit=ast` shows the user's own code.
pub fn user_ast(tu: &TranslationUnit, sources: &SourceMap) -> String {
    let items: Vec<_> = tu
        .items
        .iter()
        .filter(|item| {
            item_span(item).is_none_or(|s| {
                sources
                    .get_file(sources.user_span(s).file)
                    .is_none_or(|f| !f.system)
            })
        })
        .cloned()
        .collect();
    cwcc_frontend::ast_print::print(&TranslationUnit { items }, sources)
}

/// The span of a top-level item.
pub fn item_span(item: &Item) -> Option<Span> {
    Some(match item {
        Item::Function(f) => f.span,
        Item::Variables(v) => v.span,
        Item::Record(r) => r.span,
        Item::Enum(e) => e.span,
        Item::TypeAlias(a) => a.span,
        Item::Namespace(n) => n.span,
        Item::Template(t) => t.span,
        Item::ExplicitInstantiation(_, s) => *s,
        Item::StaticAssert(s) => s.span,
        Item::Linkage(l) => l.span,
        Item::UsingNamespace(_, s)
        | Item::UsingDecl(_, s)
        | Item::Access(_, s)
        | Item::Empty(s) => *s,
        Item::HostCode(h) => h.span,
    })
}

/// One line per token: `file:line:col  KIND  text` (for `--emit=tokens`).
pub fn dump_tokens(sources: &SourceMap, tokens: &[Token]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for t in tokens {
        let loc = sources.describe(sources.user_span(t.span));
        let kind = match t.kind {
            cwcc_frontend::token::TokenKind::Punct(_) => "punct".to_string(),
            k => format!("{k:?}").to_lowercase(),
        };
        let _ = write!(s, "{loc:<28} {kind:<12} {}", t.text);
        if t.span.expansion.is_some() {
            s.push_str("  (from macro)");
        }
        s.push('\n');
    }
    s
}
