//! Namespace aliases: `namespace cg = cooperative_groups;`.
//!
//! An alias is resolved on the preprocessed tokens, before classification: the alias
//! declaration is removed and, until the end of the block (`{ … }`) that declares it, every
//! use `ALIAS ::` (not itself after `::`, `.` or `->`) and `using namespace ALIAS` is replaced by the aliased name's tokens,
//! so the classifier, the parser and the HIR see the full name (`cooperative_groups::tiled_partition`).
//! The tokens of an expansion keep the span of the alias they replace, so diagnostics point at
//! the user's text. An alias of an alias (`namespace a = cg;`) is expanded when it is declared.
//! A malformed alias declaration is left as it is, and the parser reports it.

use crate::token::{Punct, Token, TokenKind};
use std::borrow::Cow;

/// The tokens with every namespace alias resolved (borrowed unchanged when there is none).
pub fn expand_namespace_aliases(tokens: &[Token]) -> Cow<'_, [Token]> {
    if !(0..tokens.len()).any(|i| alias_decl(tokens, i).is_some()) {
        return Cow::Borrowed(tokens);
    }
    // One list of (alias, target tokens) per open brace, plus the file level.
    let mut scopes: Vec<Vec<(String, Vec<Token>)>> = vec![Vec::new()];
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if let Some((name, target, end)) = alias_decl(tokens, i) {
            let mut expanded = Vec::new();
            for (k, part) in target.iter().enumerate() {
                let after_scope = k > 0 && target[k - 1].is_punct(Punct::ColonColon);
                match lookup(&scopes, &part.text).filter(|_| !after_scope) {
                    Some(inner) if part.kind == TokenKind::Ident => {
                        expanded.extend(inner.iter().cloned())
                    }
                    _ => expanded.push(part.clone()),
                }
            }
            if let Some(scope) = scopes.last_mut() {
                scope.push((name, expanded));
            }
            i = end;
            continue;
        }
        if t.is_punct(Punct::LBrace) {
            scopes.push(Vec::new());
        } else if t.is_punct(Punct::RBrace) && scopes.len() > 1 {
            scopes.pop();
        }
        let qualifies = tokens
            .get(i + 1)
            .is_some_and(|n| n.is_punct(Punct::ColonColon))
            && !out.last().is_some_and(|p| {
                p.is_punct(Punct::ColonColon) || p.is_punct(Punct::Dot) || p.is_punct(Punct::Arrow)
            });
        let using_directive = out.len() >= 2
            && out[out.len() - 1].is_ident("namespace")
            && out[out.len() - 2].is_ident("using");
        let is_use = t.kind == TokenKind::Ident && (qualifies || using_directive);
        match lookup(&scopes, &t.text).filter(|_| is_use) {
            Some(target) => {
                for (k, part) in target.iter().enumerate() {
                    let mut part = part.clone();
                    part.span = t.span;
                    if k == 0 {
                        part.leading_space = t.leading_space;
                        part.at_line_start = t.at_line_start;
                    } else {
                        part.leading_space = false;
                        part.at_line_start = false;
                    }
                    out.push(part);
                }
            }
            None => out.push(t.clone()),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// `namespace NAME = [::] A :: B … ;` at `i`: the alias, the target's tokens (without a
/// leading `::`) and the index after the `;`.
fn alias_decl(tokens: &[Token], i: usize) -> Option<(String, Vec<Token>, usize)> {
    if !tokens.get(i)?.is_ident("namespace") {
        return None;
    }
    let name = tokens.get(i + 1).filter(|t| t.kind == TokenKind::Ident)?;
    if !tokens.get(i + 2)?.is_punct(Punct::Assign) {
        return None;
    }
    let mut j = i + 3;
    if tokens.get(j)?.is_punct(Punct::ColonColon) {
        j += 1;
    }
    let mut target = Vec::new();
    loop {
        let part = tokens.get(j).filter(|t| t.kind == TokenKind::Ident)?;
        target.push(part.clone());
        j += 1;
        let next = tokens.get(j)?;
        if next.is_punct(Punct::Semi) {
            return Some((name.text.clone(), target, j + 1));
        }
        if !next.is_punct(Punct::ColonColon) {
            return None;
        }
        target.push(next.clone());
        j += 1;
    }
}

/// The innermost alias called `name`.
fn lookup<'s>(scopes: &'s [Vec<(String, Vec<Token>)>], name: &str) -> Option<&'s [Token]> {
    scopes
        .iter()
        .rev()
        .flat_map(|s| s.iter().rev())
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.as_slice())
}

#[cfg(test)]
mod tests {
    use super::expand_namespace_aliases;
    use crate::diag::Diagnostics;
    use crate::source::SourceMap;

    /// The token texts after alias expansion, separated by spaces.
    fn expand(src: &str) -> String {
        let mut sources = SourceMap::new();
        let file = sources.add_file("t.cu", src, None);
        let mut diags = Diagnostics::new();
        let toks = crate::lexer::lex(file, src, &mut diags);
        let out = expand_namespace_aliases(&toks);
        out.iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn no_alias_borrows_the_tokens() {
        let mut sources = SourceMap::new();
        let src = "namespace a { int x; } int y = a::x;";
        let file = sources.add_file("t.cu", src, None);
        let toks = crate::lexer::lex(file, src, &mut Diagnostics::new());
        assert!(matches!(
            expand_namespace_aliases(&toks),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn qualified_uses_are_replaced_and_the_declaration_removed() {
        assert_eq!(
            expand(
                "namespace cg = cooperative_groups; cg::thread_block b = cg::this_thread_block();"
            ),
            "cooperative_groups :: thread_block b = cooperative_groups :: this_thread_block ( ) ;"
        );
    }

    #[test]
    fn nested_targets_and_aliases_of_aliases() {
        assert_eq!(
            expand("namespace a = ::x::y; namespace b = a; b::T t;"),
            "x :: y :: T t ;"
        );
    }

    #[test]
    fn only_qualifying_uses_and_using_directives_change() {
        // `cg` as a variable, as a member and after `::` stays as it is.
        assert_eq!(
            expand("namespace cg = ns; int cg; s.cg::f; q::cg::g; using namespace cg;"),
            "int cg ; s . cg :: f ; q :: cg :: g ; using namespace ns ;"
        );
    }

    #[test]
    fn an_alias_ends_with_its_block() {
        assert_eq!(
            expand("void f() { namespace c = ns; c::g(); } c::h();"),
            "void f ( ) { ns :: g ( ) ; } c :: h ( ) ;"
        );
    }

    #[test]
    fn malformed_declarations_are_left_for_the_parser() {
        assert_eq!(
            expand("namespace c = 3; namespace d = e::; namespace f = g"),
            "namespace c = 3 ; namespace d = e :: ; namespace f = g"
        );
    }
}
