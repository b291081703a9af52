//! Name resolution: the global symbol table (qualified names), block scopes and the
//! "did you mean" suggestions.
//!
//! Global names are stored under their fully qualified key (`ns::S::f`), so a lookup from
//! inside namespace `a::b` tries `a::b::x`, `a::x` and `x`: a few hash lookups, independent of
//! the number of declarations. Block scopes are a stack of hash maps.

use crate::ir::{BuiltinVar, GlobalId, LocalId};
use crate::types::{RecordId, TypeId};
use std::collections::HashMap;
use std::rc::Rc;

/// Index into the lowering's list of function declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FnDeclId(pub u32);

/// Index into the lowering's list of function templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FnTemplateId(pub u32);

/// Index into the lowering's list of class templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ClassTemplateId(pub u32);

/// Something a call can resolve to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Callee {
    /// An ordinary function (or an already instantiated template).
    Fn(FnDeclId),
    /// A function template, instantiated after deduction.
    Template(FnTemplateId),
}

/// Index into the lowering's list of alias templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AliasTemplateId(pub u32);

/// A concrete template argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TArg {
    /// A type.
    Type(TypeId),
    /// A non-type value with its type.
    Value(i128, TypeId),
}

/// What a name in the global table stands for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Symbol {
    /// A type (class, enum, typedef).
    Type(TypeId),
    /// A device global variable.
    Global(GlobalId),
    /// A host variable (usable in device code only when it is a constant).
    HostVar,
    /// A function or function template (one entry per overload).
    Fn(Callee),
    /// A class template.
    ClassTemplate(ClassTemplateId),
    /// An alias template (`template <typename T> using P = T *;`).
    AliasTemplate(AliasTemplateId),
    /// A compile-time value (enumerator, constexpr variable, static const member).
    Value(ConstVal, TypeId),
    /// A namespace.
    Namespace,
    /// A CUDA builtin variable (declared in the system headers).
    Builtin(BuiltinVar),
}

/// Names bound by template parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Env {
    /// Parameter name to argument.
    pub map: HashMap<String, TArg>,
}

/// Where a declaration lives: its namespace path, its class and its template arguments.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ctx {
    /// The qualified key prefix (`a::b` or `a::S`), empty at global scope.
    pub scope: Rc<str>,
    /// The enclosing class (for implicit `this` members).
    pub class: Option<RecordId>,
    /// Template parameter bindings.
    pub env: Rc<Env>,
}

impl Ctx {
    /// The qualified key of `name` declared in this scope.
    pub fn key(&self, name: &str) -> String {
        qualify(&self.scope, name)
    }

    /// A context for the nested scope `name`.
    pub fn nested(&self, name: &str) -> Ctx {
        Ctx {
            scope: qualify(&self.scope, name).into(),
            class: self.class,
            env: self.env.clone(),
        }
    }
}

/// `scope::name`, or `name` at global scope.
pub(crate) fn qualify(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}::{name}")
    }
}

/// The enclosing scopes of `scope`, innermost first, ending with the global scope `""`.
pub(crate) fn enclosing_scopes(scope: &str) -> Vec<&str> {
    let mut out = vec![scope];
    let mut rest = scope;
    while let Some(pos) = rest.rfind("::") {
        rest = &rest[..pos];
        out.push(rest);
    }
    if !scope.is_empty() {
        out.push("");
    }
    out
}

/// The global symbol table.
#[derive(Debug, Default)]
pub(crate) struct SymbolTable {
    map: HashMap<String, Vec<Symbol>>,
    /// `using namespace target;` directives: (scope they appear in, target scope key).
    pub using_dirs: Vec<(String, String)>,
}

impl SymbolTable {
    /// Adds a symbol under a qualified key.
    pub fn add(&mut self, key: String, sym: Symbol) {
        self.map.entry(key).or_default().push(sym);
    }

    /// The symbols under exactly this key.
    pub fn get(&self, key: &str) -> Option<&[Symbol]> {
        self.map.get(key).map(Vec::as_slice)
    }

    /// Unqualified lookup of `name` from `scope`: innermost enclosing scope first, then
    /// namespaces named in `using namespace` directives visible there.
    pub fn lookup(&self, scope: &str, name: &str) -> Option<&[Symbol]> {
        self.lookup_key(scope, name).map(|(_, s)| s)
    }

    /// Like [`SymbolTable::lookup`], also giving the qualified key found.
    pub fn lookup_key(&self, scope: &str, name: &str) -> Option<(String, &[Symbol])> {
        for s in enclosing_scopes(scope) {
            let key = qualify(s, name);
            if let Some(found) = self.get(&key) {
                return Some((key, found));
            }
        }
        for (at, target) in &self.using_dirs {
            if at.is_empty() || scope == at || scope.starts_with(&format!("{at}::")) {
                let key = qualify(target, name);
                if let Some(found) = self.get(&key) {
                    return Some((key, found));
                }
            }
        }
        None
    }

    /// All keys (for suggestions; only used on the error path).
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.map.keys()
    }
}

/// A value computed at compile time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ConstVal {
    /// An integer, `bool` or enum value.
    Int(i128),
    /// A floating value.
    Float(f64),
}

/// A name bound in a block scope.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum LocalSymbol {
    /// A local variable or parameter.
    Local(LocalId),
    /// A `static` or `__shared__` local, stored as a global.
    Global(GlobalId),
    /// A local typedef or class.
    Type(TypeId),
}

/// The block scopes of the function being lowered.
#[derive(Debug, Default)]
pub(crate) struct BlockScopes {
    scopes: Vec<HashMap<String, LocalSymbol>>,
    /// Block-scope `using namespace` directives: (scope depth, index of the directive in
    /// [`SymbolTable::using_dirs`]); removed from the table when their block closes.
    pub directives: Vec<(usize, usize)>,
}

impl BlockScopes {
    /// Opens a scope.
    pub fn push(&mut self) {
        self.scopes.push(HashMap::new());
    }

    /// Closes the innermost scope.
    pub fn pop(&mut self) {
        self.scopes.pop();
    }

    /// The number of open scopes.
    pub fn depth(&self) -> usize {
        self.scopes.len()
    }

    /// Binds `name` in the innermost scope; returns false if it is already bound there.
    pub fn bind(&mut self, name: &str, sym: LocalSymbol) -> bool {
        if self.scopes.is_empty() {
            self.push();
        }
        match self.scopes.last_mut() {
            Some(s) => s.insert(name.to_string(), sym).is_none(),
            None => true,
        }
    }

    /// The innermost binding of `name`.
    pub fn lookup(&self, name: &str) -> Option<LocalSymbol> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    /// All bound names (for suggestions).
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.scopes.iter().flat_map(|s| s.keys())
    }
}

/// Levenshtein distance, for "did you mean" notes.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name` within a distance that scales with its length.
pub(crate) fn closest<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = name.chars().count().div_ceil(3);
    candidates
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enclosing_scopes_go_outwards() {
        assert_eq!(enclosing_scopes("a::b"), vec!["a::b", "a", ""]);
        assert_eq!(enclosing_scopes(""), vec![""]);
    }

    #[test]
    fn lookup_prefers_inner_scope() {
        let mut t = SymbolTable::default();
        t.add("x".into(), Symbol::Namespace);
        t.add("a::x".into(), Symbol::HostVar);
        assert_eq!(t.lookup("a::b", "x"), Some(&[Symbol::HostVar][..]));
        assert_eq!(t.lookup("", "x"), Some(&[Symbol::Namespace][..]));
    }

    #[test]
    fn suggestions_are_close() {
        assert_eq!(edit_distance("foo", "fob"), 1);
        assert_eq!(closest("fo0", ["fob", "bar"].into_iter()), Some("fob"));
        assert_eq!(closest("x", ["totally", "other"].into_iter()), None);
    }
}
