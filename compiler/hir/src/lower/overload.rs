//! Overload resolution: viable candidates by arity and implicit conversions, ranked
//! exact < promotion < conversion < user-defined per argument; a non-template wins a tie
//! with a template.

use super::conv::Rank;
use super::Lowerer;
use crate::ir::Expr;
use crate::scope::{Callee, FnDeclId, TArg};
use cwcc_frontend::diag::Diagnostic;
use cwcc_frontend::source::Span;

/// A candidate that can be called with the arguments.
struct Viable {
    id: FnDeclId,
    ranks: Vec<Rank>,
    from_template: bool,
}

/// Whether `a` is a better candidate than `b`.
fn better(a: &Viable, b: &Viable) -> bool {
    let mut some_better = false;
    for (x, y) in a.ranks.iter().zip(b.ranks.iter()) {
        if x > y {
            return false;
        }
        if x < y {
            some_better = true;
        }
    }
    some_better || (!a.from_template && b.from_template)
}

impl<'a> Lowerer<'a> {
    /// The signature of a declaration as C++ writes it, for notes.
    pub fn describe_decl(&self, id: FnDeclId) -> String {
        let Some(d) = self.fn_decls.get(id.0 as usize) else {
            return String::new();
        };
        let params: Vec<String> = d.sig.params.iter().map(|p| self.type_name(*p)).collect();
        format!(
            "{} {}({})",
            self.type_name(d.sig.ret),
            d.name,
            params.join(", ")
        )
    }

    /// Checks one candidate; `Err` explains why it is not viable.
    fn check_candidate(
        &mut self,
        c: Callee,
        explicit: Option<&[TArg]>,
        args: &[Expr],
        span: Span,
    ) -> Result<Viable, String> {
        let (id, from_template) = match c {
            Callee::Fn(id) => {
                if explicit.is_some() {
                    return Err("it is not a template".into());
                }
                (id, false)
            }
            Callee::Template(t) => (self.deduce_and_instantiate(t, explicit, args, span)?, true),
        };
        let Some(d) = self.fn_decls.get(id.0 as usize) else {
            return Err("unknown function".into());
        };
        let n = args.len();
        let (required, total, variadic) = (d.sig.required, d.sig.params.len(), d.sig.variadic);
        if n < required || (n > total && !variadic) {
            let expected = if required == total {
                format!("{total}")
            } else {
                format!("{required} to {total}")
            };
            return Err(format!(
                "requires {expected} argument{}, but {n} {} provided",
                if total == 1 { "" } else { "s" },
                if n == 1 { "was" } else { "were" }
            ));
        }
        let params = d.sig.params.clone();
        let mut ranks = Vec::new();
        for (i, (a, p)) in args.iter().zip(params.iter()).enumerate() {
            match self.conversion_rank(a, *p) {
                Some(r) => ranks.push(r),
                None => {
                    return Err(format!(
                        "no known conversion from `{}` to `{}` for argument {}",
                        self.type_name(a.ty),
                        self.type_name(*p),
                        i + 1
                    ))
                }
            }
        }
        Ok(Viable {
            id,
            ranks,
            from_template,
        })
    }

    /// Picks the best candidate without reporting anything.
    pub fn resolve_overload_quiet(
        &mut self,
        cands: &[Callee],
        args: &[Expr],
        _quiet: bool,
    ) -> Option<FnDeclId> {
        let span = args.first().map(|a| a.span).unwrap_or_default();
        let viable: Vec<Viable> = cands
            .iter()
            .filter_map(|c| self.check_candidate(*c, None, args, span).ok())
            .collect();
        pick_best(&viable).ok().map(|v| viable[v].id)
    }

    /// Picks the best candidate for a call, reporting "no matching function" or "ambiguous".
    pub fn resolve_overload(
        &mut self,
        cands: &[Callee],
        explicit: Option<&[TArg]>,
        args: &[Expr],
        name: &str,
        span: Span,
    ) -> Option<FnDeclId> {
        let mut viable = Vec::new();
        let mut rejected = Vec::new();
        for c in cands {
            match self.check_candidate(*c, explicit, args, span) {
                Ok(v) => viable.push(v),
                Err(why) => rejected.push((*c, why)),
            }
        }
        if viable.is_empty() {
            let arg_types: Vec<String> = args.iter().map(|a| self.type_name(a.ty)).collect();
            // One candidate with the wrong number of arguments: say so directly.
            if let [(Callee::Fn(id), why)] = rejected.as_slice() {
                if why.starts_with("requires") {
                    let d = &self.fn_decls[id.0 as usize];
                    let (req, total) = (d.sig.required, d.sig.params.len());
                    let msg = format!(
                        "{} arguments to function call `{name}`, expected {}{}, have {}",
                        if args.len() < req {
                            "too few"
                        } else {
                            "too many"
                        },
                        if req == total {
                            String::new()
                        } else if args.len() < req {
                            "at least ".into()
                        } else {
                            "at most ".into()
                        },
                        if args.len() < req { req } else { total },
                        args.len()
                    );
                    let decl = d.span;
                    self.diags
                        .push(Diagnostic::error(msg, span).with_secondary(decl, "declared here"));
                    return None;
                }
            }
            let mut d = Diagnostic::error(
                format!(
                    "no matching function for call to `{name}({})`",
                    arg_types.join(", ")
                ),
                span,
            );
            for (c, why) in rejected.iter().take(12) {
                let desc = match c {
                    Callee::Fn(id) => self.describe_decl(*id),
                    Callee::Template(t) => self
                        .fn_templates
                        .get(t.0 as usize)
                        .map(|t| format!("template {}", t.name))
                        .unwrap_or_default(),
                };
                d = d.with_note(format!("candidate `{desc}` not viable: {why}"));
            }
            if rejected.len() > 12 {
                d = d.with_note(format!("and {} more candidates", rejected.len() - 12));
            }
            self.diags.push(d);
            return None;
        }
        match pick_best(&viable) {
            Ok(i) => Some(viable[i].id),
            Err(tied) => {
                let arg_types: Vec<String> = args.iter().map(|a| self.type_name(a.ty)).collect();
                let mut d = Diagnostic::error(
                    format!("call to `{name}({})` is ambiguous", arg_types.join(", ")),
                    span,
                );
                for i in tied {
                    d = d.with_note(format!("candidate `{}`", self.describe_decl(viable[i].id)));
                }
                self.diags.push(d);
                None
            }
        }
    }
}

/// The index of the unique best candidate, or the indexes of the tied best ones.
fn pick_best(viable: &[Viable]) -> Result<usize, Vec<usize>> {
    let mut best = 0;
    for i in 1..viable.len() {
        if better(&viable[i], &viable[best]) {
            best = i;
        }
    }
    let ties: Vec<usize> = (0..viable.len())
        .filter(|&i| i != best && !better(&viable[best], &viable[i]))
        .collect();
    // Duplicates of the same declaration are not an ambiguity.
    let ties: Vec<usize> = ties
        .into_iter()
        .filter(|&i| viable[i].id != viable[best].id)
        .collect();
    if ties.is_empty() {
        Ok(best)
    } else {
        let mut all = vec![best];
        all.extend(ties);
        Err(all)
    }
}
