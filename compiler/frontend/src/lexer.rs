//! The logos lexer: text of one file to preprocessing tokens.
//!
//! [`lex`] turns the text of one file into [`Token`]s: identifiers, pp-numbers, character and
//! string literals (with prefixes, raw strings included) and punctuators. Whitespace, comments
//! and backslash-newline line continuations are not tokens; they only set
//! [`Token::leading_space`]. A newline that is not inside a comment or continued with a
//! backslash makes the next token [`Token::at_line_start`], which is what the preprocessor uses
//! to recognise `#` directives.
//!
//! Problems (an unexpected character, an unterminated comment or literal) are reported as
//! diagnostics and lexing continues after them.

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use crate::token::{Punct, Token, TokenKind};
use logos::Logos;

/// Raw lexemes as logos recognises them, including the trivia the public tokens do not keep.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
enum Raw {
    #[regex(r"[ \t\x0B\x0C\r]+")]
    Space,
    #[regex(r"\\[ \t\x0B\x0C]*\r?\n")]
    Continuation,
    #[token("\n")]
    Newline,
    #[token("//", line_comment)]
    LineComment,
    #[token("/*", block_comment)]
    BlockComment(bool),

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex(r"\.?[0-9]([0-9a-zA-Z_.]|[eEpP][+-]|'[0-9a-zA-Z_])*")]
    Number,
    #[regex(r"(L|u8|u|U)?'([^'\\\n]|\\[^\n])*'")]
    CharLit,
    #[regex(r"(L|u8|u|U)?'([^'\\\n]|\\[^\n])*")]
    UnterminatedChar,
    #[regex(r#"(L|u8|u|U)?"([^"\\\n]|\\[^\n])*""#)]
    StringLit,
    #[regex(r#"(L|u8|u|U)?"([^"\\\n]|\\[^\n])*"#)]
    UnterminatedString,
    #[regex(r#"(L|u8|u|U)?R""#, raw_string)]
    DelimitedString(bool),

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token("::")]
    ColonColon,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token("->")]
    Arrow,
    #[token("->*")]
    ArrowStar,
    #[token(".*")]
    DotStar,
    #[token("?")]
    Question,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("^")]
    Caret,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("~")]
    Tilde,
    #[token("!")]
    Bang,
    #[token("=")]
    Assign,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("*=")]
    StarAssign,
    #[token("/=")]
    SlashAssign,
    #[token("%=")]
    PercentAssign,
    #[token("^=")]
    CaretAssign,
    #[token("&=")]
    AmpAssign,
    #[token("|=")]
    PipeAssign,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("<<=")]
    ShlAssign,
    #[token(">>=")]
    ShrAssign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<=")]
    LtEq,
    #[token(">=")]
    GtEq,
    #[token("&&")]
    AmpAmp,
    #[token("||")]
    PipePipe,
    #[token("++")]
    PlusPlus,
    #[token("--")]
    MinusMinus,
    #[token("#")]
    Hash,
    #[token("##")]
    HashHash,
    #[token("<=>")]
    Spaceship,
}

/// Consumes the rest of a `//` comment, including lines joined to it by a trailing backslash.
fn line_comment(lex: &mut logos::Lexer<Raw>) {
    let rest = lex.remainder().as_bytes();
    let mut pos = 0;
    loop {
        match rest[pos..].iter().position(|&b| b == b'\n') {
            None => {
                pos = rest.len();
                break;
            }
            Some(nl) => {
                let line_end = pos + nl;
                let mut content_end = line_end;
                if content_end > pos && rest[content_end - 1] == b'\r' {
                    content_end -= 1;
                }
                // Trailing blanks between the backslash and the newline are allowed, as
                // in GCC and Clang.
                while content_end > pos && matches!(rest[content_end - 1], b' ' | b'\t') {
                    content_end -= 1;
                }
                if content_end > pos && rest[content_end - 1] == b'\\' {
                    pos = line_end + 1;
                } else {
                    pos = line_end;
                    break;
                }
            }
        }
    }
    lex.bump(pos);
}

/// Consumes a `/* */` comment; `false` when it is not terminated.
fn block_comment(lex: &mut logos::Lexer<Raw>) -> bool {
    let rest = lex.remainder();
    match rest.find("*/") {
        Some(end) => {
            lex.bump(end + 2);
            true
        }
        None => {
            lex.bump(rest.len());
            false
        }
    }
}

/// Consumes the rest of a raw string literal after `R"`; `false` when it is malformed or not
/// terminated (then the rest of the line is consumed).
fn raw_string(lex: &mut logos::Lexer<Raw>) -> bool {
    let rest = lex.remainder();
    let bytes = rest.as_bytes();
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let Some(open) = bytes.iter().take(17).position(|&b| b == b'(') else {
        lex.bump(line_end);
        return false;
    };
    let delimiter = &rest[..open];
    if delimiter.bytes().any(|b| {
        matches!(
            b,
            b' ' | b')' | b'\\' | b'\t' | b'\x0B' | b'\x0C' | b'\n' | b'"'
        )
    }) {
        lex.bump(line_end);
        return false;
    }
    let mut closing = String::with_capacity(delimiter.len() + 2);
    closing.push(')');
    closing.push_str(delimiter);
    closing.push('"');
    match rest[open + 1..].find(&closing) {
        Some(at) => {
            lex.bump(open + 1 + at + closing.len());
            true
        }
        None => {
            lex.bump(line_end);
            false
        }
    }
}

impl Raw {
    /// The public token kind, or `None` for trivia and errors.
    fn kind(self) -> Option<TokenKind> {
        use Punct as P;
        let p = |p: Punct| Some(TokenKind::Punct(p));
        match self {
            Raw::Space
            | Raw::Continuation
            | Raw::Newline
            | Raw::LineComment
            | Raw::BlockComment(_) => None,
            Raw::Ident => Some(TokenKind::Ident),
            Raw::Number => Some(TokenKind::Number),
            Raw::CharLit | Raw::UnterminatedChar => Some(TokenKind::CharLit),
            Raw::StringLit | Raw::UnterminatedString | Raw::DelimitedString(_) => {
                Some(TokenKind::StringLit)
            }
            Raw::LBrace => p(P::LBrace),
            Raw::RBrace => p(P::RBrace),
            Raw::LBracket => p(P::LBracket),
            Raw::RBracket => p(P::RBracket),
            Raw::LParen => p(P::LParen),
            Raw::RParen => p(P::RParen),
            Raw::Semi => p(P::Semi),
            Raw::Colon => p(P::Colon),
            Raw::ColonColon => p(P::ColonColon),
            Raw::Comma => p(P::Comma),
            Raw::Dot => p(P::Dot),
            Raw::Ellipsis => p(P::Ellipsis),
            Raw::Arrow => p(P::Arrow),
            Raw::ArrowStar => p(P::ArrowStar),
            Raw::DotStar => p(P::DotStar),
            Raw::Question => p(P::Question),
            Raw::Plus => p(P::Plus),
            Raw::Minus => p(P::Minus),
            Raw::Star => p(P::Star),
            Raw::Slash => p(P::Slash),
            Raw::Percent => p(P::Percent),
            Raw::Caret => p(P::Caret),
            Raw::Amp => p(P::Amp),
            Raw::Pipe => p(P::Pipe),
            Raw::Tilde => p(P::Tilde),
            Raw::Bang => p(P::Bang),
            Raw::Assign => p(P::Assign),
            Raw::Lt => p(P::Lt),
            Raw::Gt => p(P::Gt),
            Raw::PlusAssign => p(P::PlusAssign),
            Raw::MinusAssign => p(P::MinusAssign),
            Raw::StarAssign => p(P::StarAssign),
            Raw::SlashAssign => p(P::SlashAssign),
            Raw::PercentAssign => p(P::PercentAssign),
            Raw::CaretAssign => p(P::CaretAssign),
            Raw::AmpAssign => p(P::AmpAssign),
            Raw::PipeAssign => p(P::PipeAssign),
            Raw::Shl => p(P::Shl),
            Raw::Shr => p(P::Shr),
            Raw::ShlAssign => p(P::ShlAssign),
            Raw::ShrAssign => p(P::ShrAssign),
            Raw::EqEq => p(P::EqEq),
            Raw::NotEq => p(P::NotEq),
            Raw::LtEq => p(P::LtEq),
            Raw::GtEq => p(P::GtEq),
            Raw::AmpAmp => p(P::AmpAmp),
            Raw::PipePipe => p(P::PipePipe),
            Raw::PlusPlus => p(P::PlusPlus),
            Raw::MinusMinus => p(P::MinusMinus),
            Raw::Hash => p(P::Hash),
            Raw::HashHash => p(P::HashHash),
            Raw::Spaceship => p(P::Spaceship),
        }
    }
}

/// Lexes the text of `file` into preprocessing tokens.
///
/// Token spans are byte ranges in `file` with no macro expansion. Problems are reported to
/// `diags` and lexing goes on: an unexpected character is skipped, an unterminated literal
/// becomes a literal token up to the end of its line, an unterminated block comment runs to
/// the end of the file.
pub fn lex(file: FileId, text: &str, diags: &mut Diagnostics) -> Vec<Token> {
    // A byte-order mark at the start of a file is not text.
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let body = &text[start..];
    let mut tokens = Vec::with_capacity(body.len() / 4 + 1);
    let mut lexer = Raw::lexer(body);
    let mut at_line_start = true;
    let mut space = false;
    let span_of = |r: std::ops::Range<usize>| {
        Span::new(file, (r.start + start) as u32, (r.end + start) as u32)
    };
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let raw = match result {
            Ok(raw) => raw,
            Err(()) => {
                let slice = lexer.slice();
                let message = match slice.chars().next() {
                    Some('\\') => "stray `\\` in program".to_string(),
                    Some(c) if c.is_control() => {
                        format!("unexpected control character U+{:04X}", c as u32)
                    }
                    Some(c) => format!("unexpected character `{c}`"),
                    None => "unexpected end of input".to_string(),
                };
                diags.push(Diagnostic::error(message, span_of(range)));
                space = true;
                continue;
            }
        };
        match raw {
            Raw::Newline => {
                at_line_start = true;
                space = false;
                continue;
            }
            Raw::Space | Raw::Continuation | Raw::LineComment => {
                space = true;
                continue;
            }
            Raw::BlockComment(terminated) => {
                if !terminated {
                    let lo = range.start;
                    diags.push(
                        Diagnostic::error("unterminated comment", span_of(lo..lo + 2))
                            .with_label("this `/*` has no matching `*/`"),
                    );
                }
                space = true;
                continue;
            }
            Raw::UnterminatedChar => diags.push(
                Diagnostic::error("missing terminating `'` character", span_of(range.clone()))
                    .with_label("character literal starts here"),
            ),
            Raw::UnterminatedString => diags.push(
                Diagnostic::error("missing terminating `\"` character", span_of(range.clone()))
                    .with_label("string literal starts here"),
            ),
            Raw::DelimitedString(false) => diags.push(
                Diagnostic::error("malformed or unterminated raw string literal", span_of(range.clone()))
                    .with_label("raw string starts here")
                    .with_note("a raw string is written R\"delim( ... )delim\", with a delimiter of at most 16 characters and no spaces, parentheses or backslashes"),
            ),
            _ => {}
        }
        let Some(kind) = raw.kind() else {
            continue;
        };
        tokens.push(Token {
            kind,
            text: lexer.slice().to_string(),
            span: span_of(range),
            leading_space: space || at_line_start,
            at_line_start,
        });
        at_line_start = false;
        space = false;
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_ok(text: &str) -> Vec<Token> {
        let mut diags = Diagnostics::new();
        let tokens = lex(FileId(0), text, &mut diags);
        assert!(diags.is_empty(), "unexpected diagnostics: {:?}", diags);
        tokens
    }

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    fn kinds(text: &str) -> Vec<TokenKind> {
        lex_ok(text).iter().map(|t| t.kind).collect()
    }

    #[test]
    fn punctuators_longest_match() {
        let t = lex_ok("<<< >>> <=> ->* .* ... :: ## # <<= >>= && || ++ -- -> != == <= >=");
        assert_eq!(
            texts(&t),
            vec![
                "<<", "<", ">>", ">", "<=>", "->*", ".*", "...", "::", "##", "#", "<<=", ">>=",
                "&&", "||", "++", "--", "->", "!=", "==", "<=", ">="
            ]
        );
        assert_eq!(t[0].kind, TokenKind::Punct(Punct::Shl));
        assert_eq!(t[1].kind, TokenKind::Punct(Punct::Lt));
        assert_eq!(t[4].kind, TokenKind::Punct(Punct::Spaceship));
    }

    #[test]
    fn all_punct_spellings_round_trip() {
        use Punct::*;
        let all = [
            LBrace,
            RBrace,
            LBracket,
            RBracket,
            LParen,
            RParen,
            Semi,
            Colon,
            ColonColon,
            Comma,
            Dot,
            Ellipsis,
            Arrow,
            ArrowStar,
            DotStar,
            Question,
            Plus,
            Minus,
            Star,
            Slash,
            Percent,
            Caret,
            Amp,
            Pipe,
            Tilde,
            Bang,
            Assign,
            Lt,
            Gt,
            PlusAssign,
            MinusAssign,
            StarAssign,
            SlashAssign,
            PercentAssign,
            CaretAssign,
            AmpAssign,
            PipeAssign,
            Shl,
            Shr,
            ShlAssign,
            ShrAssign,
            EqEq,
            NotEq,
            LtEq,
            GtEq,
            AmpAmp,
            PipePipe,
            PlusPlus,
            MinusMinus,
            Hash,
            HashHash,
            Spaceship,
        ];
        for p in all {
            assert_eq!(
                kinds(p.as_str()),
                vec![TokenKind::Punct(p)],
                "{}",
                p.as_str()
            );
        }
    }

    #[test]
    fn pp_numbers() {
        for n in [
            "0",
            "12",
            "1.5e-3f",
            "0x1.8p3",
            "0xFFull",
            "1'000",
            ".5",
            "1.",
            "1e+10",
            "0x1P-2",
            "1..2",
            "123abc",
            "0b1010",
            "3.4028235e38f",
        ] {
            let t = lex_ok(n);
            assert_eq!(t.len(), 1, "{n}");
            assert_eq!(t[0].kind, TokenKind::Number, "{n}");
            assert_eq!(t[0].text, n);
        }
        assert_eq!(texts(&lex_ok("1+2")), vec!["1", "+", "2"]);
        assert_eq!(texts(&lex_ok("1e+2")), vec!["1e+2"]);
        assert_eq!(texts(&lex_ok("a.b")), vec!["a", ".", "b"]);
    }

    #[test]
    fn literals_with_prefixes() {
        let t = lex_ok(r#"'a' L'\n' u'x' U'y' u8'z' "s\"q" u8"x" L"w" R"d(a)"b)d" u"" U"""#);
        assert_eq!(
            texts(&t),
            vec![
                "'a'",
                r"L'\n'",
                "u'x'",
                "U'y'",
                "u8'z'",
                r#""s\"q""#,
                r#"u8"x""#,
                r#"L"w""#,
                r#"R"d(a)"b)d""#,
                r#"u"""#,
                r#"U"""#
            ]
        );
        assert_eq!(t[0].kind, TokenKind::CharLit);
        assert_eq!(t[5].kind, TokenKind::StringLit);
        assert_eq!(t[8].kind, TokenKind::StringLit);
        // A raw string may span lines.
        let t = lex_ok("R\"(a\nb)\" x");
        assert_eq!(texts(&t), vec!["R\"(a\nb)\"", "x"]);
        // An identifier named like a prefix is still an identifier.
        assert_eq!(kinds("u8 L R u U"), vec![TokenKind::Ident; 5]);
    }

    #[test]
    fn comments_and_line_structure() {
        let t = lex_ok("a /* c \n d */ b // x \\\n still comment\n  c\n#define");
        assert_eq!(texts(&t), vec!["a", "b", "c", "#", "define"]);
        assert!(t[0].at_line_start);
        assert!(!t[1].at_line_start, "block comment does not end the line");
        assert!(t[1].leading_space);
        assert!(t[2].at_line_start);
        assert!(t[3].at_line_start);
        assert!(!t[4].at_line_start);
        assert!(!t[4].leading_space);
    }

    #[test]
    fn continuation_joins_lines() {
        let t = lex_ok("#define X \\\n  1\nY");
        assert_eq!(texts(&t), vec!["#", "define", "X", "1", "Y"]);
        assert!(!t[3].at_line_start);
        assert!(t[3].leading_space);
        assert!(t[4].at_line_start);
        let t = lex_ok("a\r\nb");
        assert!(t[1].at_line_start);
    }

    #[test]
    fn spans_are_byte_ranges() {
        let t = lex_ok("ab  cd");
        assert_eq!((t[1].span.lo, t[1].span.hi), (4, 6));
        assert_eq!(t[1].span.expansion, None);
        let t = lex_ok("\u{FEFF}x");
        assert_eq!((t[0].span.lo, t[0].span.hi), (3, 4));
    }

    #[test]
    fn unknown_characters_are_reported_and_skipped() {
        let mut diags = Diagnostics::new();
        let t = lex(FileId(0), "a @ b \\ c $", &mut diags);
        assert_eq!(texts(&t), vec!["a", "b", "c"]);
        assert_eq!(diags.error_count(), 3);
        let msgs: Vec<_> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(msgs[0], "unexpected character `@`");
        assert_eq!(msgs[1], "stray `\\` in program");
        let (span, _) = diags.iter().next().unwrap().primary.clone().unwrap();
        assert_eq!((span.lo, span.hi), (2, 3));
        assert!(t[1].leading_space);
    }

    #[test]
    fn unterminated_things() {
        let mut diags = Diagnostics::new();
        let t = lex(FileId(0), "x /* never", &mut diags);
        assert_eq!(texts(&t), vec!["x"]);
        assert_eq!(diags.iter().next().unwrap().message, "unterminated comment");

        let mut diags = Diagnostics::new();
        let t = lex(FileId(0), "don't\nnext \"abc\nlast", &mut diags);
        assert_eq!(texts(&t), vec!["don", "'t", "next", "\"abc", "last"]);
        assert_eq!(diags.error_count(), 2);

        let mut diags = Diagnostics::new();
        let t = lex(FileId(0), "R\"abc\nz", &mut diags);
        assert_eq!(texts(&t), vec!["R\"abc", "z"]);
        assert_eq!(diags.error_count(), 1);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut diags = Diagnostics::new();
        let junk = "\u{0}\u{7f}é€😀`'\"\\\r\r\n/*/ R\"(((((( 0x'''e+ \u{FEFF}";
        let _ = lex(FileId(0), junk, &mut diags);
        for i in 0..junk.len() {
            if let Some(s) = junk.get(i..) {
                let _ = lex(FileId(0), s, &mut diags);
            }
        }
    }

    #[test]
    fn lexes_fast_enough() {
        let line = "__global__ void k(float* a, int n) { int i = threadIdx.x + 1.5e-3f; /* c */ a[i] += 0x1Fu; } // done\n";
        let text = line.repeat(20_000);
        let mut diags = Diagnostics::new();
        let start = std::time::Instant::now();
        let t = lex(FileId(0), &text, &mut diags);
        let elapsed = start.elapsed();
        assert!(diags.is_empty());
        assert_eq!(t.len(), 20_000 * 29);
        // Generous bound: debug builds on a busy machine; release is far faster.
        assert!(
            elapsed.as_secs_f64() < 10.0,
            "{elapsed:?} for {} bytes",
            text.len()
        );
    }
}
