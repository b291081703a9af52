//! The pass manager: runs named passes in order, verifying after each one (on by default in
//! tests and debug builds), printing the IR after chosen passes and timing them.

use crate::ir::Module;
use crate::print::print_module;
use crate::verify::{format_errors, verify};
use std::fmt;
use std::time::{Duration, Instant};

/// A transformation of a module.
pub trait Pass {
    /// The pass's name, as `--print-after` spells it.
    fn name(&self) -> &'static str;
    /// Runs the pass.
    fn run(&self, module: &mut Module) -> Result<(), PassError>;
}

/// Why running passes failed.
#[derive(Clone, Debug, PartialEq)]
pub enum PassError {
    /// A pass left an invalid module behind. Always a compiler bug.
    Verifier {
        /// The pass after which verification failed (`<input>` for the module passed in).
        pass: String,
        /// The errors, with the offending functions printed.
        report: String,
    },
    /// A pass found something it cannot handle (not a bug: an unsupported input).
    Unsupported {
        /// The pass.
        pass: String,
        /// What is not supported, and where.
        message: String,
    },
    /// `print_after` names a pass that is not in the pipeline.
    UnknownPass {
        /// The unknown name.
        name: String,
        /// The passes of the pipeline.
        valid: Vec<String>,
    },
}

impl fmt::Display for PassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PassError::Verifier { pass, report } => write!(
                f,
                "internal compiler error: the SIMT IR is invalid after pass `{pass}`:\n{report}"
            ),
            PassError::Unsupported { pass, message } => write!(f, "{pass}: {message}"),
            PassError::UnknownPass { name, valid } => write!(
                f,
                "unknown pass `{name}` in --print-after; valid passes: {}",
                valid.join(", ")
            ),
        }
    }
}

impl std::error::Error for PassError {}

/// What a run of the pass manager produced besides the transformed module.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassReport {
    /// The IR printed after each pass named in `print_after`, each headed by
    /// `; after pass NAME`.
    pub printed: String,
    /// The timing table when `time_passes` is on (empty otherwise).
    pub timings: String,
}

/// Runs a pipeline of passes.
pub struct PassManager {
    passes: Vec<Box<dyn Pass>>,
    /// Verify the module before the first pass and after every pass.
    pub verify_each: bool,
    /// Names of the passes after which the module is printed into the report.
    pub print_after: Vec<String>,
    /// Collect the time spent in each pass.
    pub time_passes: bool,
}

impl Default for PassManager {
    fn default() -> Self {
        PassManager::new()
    }
}

impl PassManager {
    /// An empty pipeline; `verify_each` is on in debug builds (and so in tests).
    pub fn new() -> Self {
        PassManager {
            passes: Vec::new(),
            verify_each: cfg!(debug_assertions),
            print_after: Vec::new(),
            time_passes: false,
        }
    }

    /// Appends a pass to the pipeline.
    pub fn add(&mut self, pass: Box<dyn Pass>) -> &mut Self {
        self.passes.push(pass);
        self
    }

    /// The names of the passes, in order.
    pub fn pass_names(&self) -> Vec<String> {
        self.passes.iter().map(|p| p.name().to_string()).collect()
    }

    /// Runs every pass in order on the module.
    pub fn run(&self, module: &mut Module) -> Result<PassReport, PassError> {
        let valid = self.pass_names();
        for name in &self.print_after {
            if !valid.contains(name) {
                return Err(PassError::UnknownPass {
                    name: name.clone(),
                    valid,
                });
            }
        }
        if self.verify_each {
            check(module, "<input>")?;
        }
        let mut report = PassReport::default();
        let mut times: Vec<(&'static str, Duration)> = Vec::new();
        for pass in &self.passes {
            let start = Instant::now();
            pass.run(module)?;
            times.push((pass.name(), start.elapsed()));
            if self.verify_each {
                check(module, pass.name())?;
            }
            if self.print_after.iter().any(|n| n == pass.name()) {
                report
                    .printed
                    .push_str(&format!("; after pass {}\n", pass.name()));
                report.printed.push_str(&print_module(module));
            }
        }
        if self.time_passes {
            let total: Duration = times.iter().map(|(_, t)| *t).sum();
            report.timings.push_str("   time (ms)  share  pass\n");
            for (name, time) in &times {
                let share = if total.is_zero() {
                    0.0
                } else {
                    100.0 * time.as_secs_f64() / total.as_secs_f64()
                };
                report.timings.push_str(&format!(
                    "{:>12.3}  {:>4.0}%  {name}\n",
                    time.as_secs_f64() * 1000.0,
                    share
                ));
            }
            report.timings.push_str(&format!(
                "{:>12.3}  100%  total\n",
                total.as_secs_f64() * 1000.0
            ));
        }
        Ok(report)
    }
}

fn check(module: &Module, pass: &str) -> Result<(), PassError> {
    verify(module).map_err(|errors| PassError::Verifier {
        pass: pass.to_string(),
        report: format_errors(module, &errors),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Inst, Stmt, Value};
    use crate::parse::parse_module;
    use crate::passes::by_name;

    const INPUT: &str = "module phase simt
fn fn0 \"f\"(%v0: ptr<global>) {
  %v1: i32 = const 2
  %v2: i32 = const 3
  %v3: i32 = add %v1, %v2
  %v4: i32 = mul %v3, %v3
  store %v0, %v3 align 4
  return
}
";

    /// A deliberately broken pass: uses a value that does not exist.
    struct Breaker;
    impl Pass for Breaker {
        fn name(&self) -> &'static str {
            "breaker"
        }
        fn run(&self, module: &mut Module) -> Result<(), PassError> {
            if let Some(func) = module.functions.items.first_mut() {
                func.body.stmts.insert(
                    0,
                    Stmt::inst(
                        None,
                        Inst::Store {
                            ptr: Value(0),
                            value: Value(99),
                            align: 4,
                            volatile: false,
                        },
                    ),
                );
            }
            Ok(())
        }
    }

    fn pipeline() -> PassManager {
        let mut manager = PassManager::new();
        manager.add(by_name("const-fold").unwrap());
        manager.add(by_name("dce").unwrap());
        manager
    }

    #[test]
    fn runs_passes_prints_after_and_times() {
        let mut module = parse_module(INPUT).unwrap();
        let mut manager = pipeline();
        manager.print_after = vec!["dce".to_string()];
        manager.time_passes = true;
        let report = manager.run(&mut module).unwrap();
        assert!(
            report
                .printed
                .starts_with("; after pass dce\nmodule phase simt\n"),
            "{}",
            report.printed
        );
        assert!(
            report.printed.contains("%v3: i32 = const 5"),
            "{}",
            report.printed
        );
        assert!(!report.printed.contains("%v4"), "{}", report.printed);
        assert!(!report.printed.contains("%v1"), "{}", report.printed);
        assert!(
            report.timings.contains("const-fold") && report.timings.contains("total"),
            "{}",
            report.timings
        );
    }

    #[test]
    fn unknown_print_after_lists_valid_passes() {
        let mut module = parse_module(INPUT).unwrap();
        let mut manager = pipeline();
        manager.print_after = vec!["cse".to_string()];
        let err = manager.run(&mut module).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown pass `cse` in --print-after; valid passes: const-fold, dce"
        );
    }

    #[test]
    fn verify_each_blames_the_pass() {
        let mut module = parse_module(INPUT).unwrap();
        let mut manager = pipeline();
        manager.verify_each = true;
        manager.add(Box::new(Breaker));
        let err = manager.run(&mut module).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("invalid after pass `breaker`"), "{text}");
        assert!(text.contains("%v99 does not exist"), "{text}");
    }
}
