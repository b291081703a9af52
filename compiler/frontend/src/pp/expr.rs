//! `#if` expressions: C integer constant expressions in `intmax_t` / `uintmax_t`.
//!
//! The caller has already replaced `defined X` and `__has_include(...)` by `1`/`0` and
//! macro-expanded the line. Here remaining identifiers are `0` (`true` is `1`), and all C
//! operators are evaluated with the usual arithmetic conversions between signed and
//! unsigned 64-bit values. Division by zero is an error only where the operand is actually
//! evaluated (`0 && 1/0` is fine).

use crate::diag::Diagnostic;
use crate::literal::{parse_char, parse_number, Number};
use crate::source::Span;
use crate::token::{Punct, Token, TokenKind};

/// A value of an `#if` expression: 64 bits, signed or unsigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Value {
    bits: u64,
    unsigned: bool,
}

impl Value {
    fn signed(v: i64) -> Value {
        Value {
            bits: v as u64,
            unsigned: false,
        }
    }

    fn boolean(b: bool) -> Value {
        Value::signed(b as i64)
    }

    fn is_true(self) -> bool {
        self.bits != 0
    }

    fn as_i64(self) -> i64 {
        self.bits as i64
    }
}

/// Evaluates the tokens of an `#if`/`#elif` line; `Err` with a diagnostic when the
/// expression is malformed. `at` is the directive, used for errors at the end of the line.
pub(super) fn evaluate(tokens: &[Token], at: Span) -> Result<bool, Box<Diagnostic>> {
    let Some(first) = tokens.first() else {
        return Err(Box::new(Diagnostic::error(
            "expected an expression after the directive",
            at,
        )));
    };
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end_span: tokens.last().map(|t| t.span).unwrap_or(first.span),
    };
    let value = parser.comma(true)?;
    if let Some(t) = parser.peek() {
        return Err(Box::new(Diagnostic::error(
            format!("missing binary operator before `{}`", t.text),
            t.span,
        )));
    }
    Ok(value.is_true())
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    /// Current recursion depth (bounded so that no input overflows the stack).
    depth: u32,
    end_span: Span,
}

/// How deeply parentheses, unary operators and `?:` may nest.
const MAX_DEPTH: u32 = 256;

/// Binary operators with their precedence (higher binds tighter).
fn binary_precedence(p: Punct) -> Option<u8> {
    use Punct::*;
    Some(match p {
        Star | Slash | Percent => 10,
        Plus | Minus => 9,
        Shl | Shr => 8,
        Lt | Gt | LtEq | GtEq => 7,
        EqEq | NotEq => 6,
        Amp => 5,
        Caret => 4,
        Pipe => 3,
        AmpAmp => 2,
        PipePipe => 1,
        _ => return None,
    })
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    fn peek_punct(&self) -> Option<Punct> {
        match self.peek()?.kind {
            TokenKind::Punct(p) => Some(p),
            _ => None,
        }
    }

    fn expect(&mut self, p: Punct, what: &str) -> Result<(), Box<Diagnostic>> {
        match self.peek() {
            Some(t) if t.is_punct(p) => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(Box::new(Diagnostic::error(
                format!("expected `{}` {what}, found `{}`", p.as_str(), t.text),
                t.span,
            ))),
            None => Err(Box::new(Diagnostic::error(
                format!("expected `{}` {what} at the end of the line", p.as_str()),
                self.end_span,
            ))),
        }
    }

    /// `a , b` (lowest precedence).
    fn comma(&mut self, live: bool) -> Result<Value, Box<Diagnostic>> {
        let mut v = self.conditional(live)?;
        while self.peek_punct() == Some(Punct::Comma) {
            self.pos += 1;
            v = self.conditional(live)?;
        }
        Ok(v)
    }

    /// Counts one level of nesting; an error beyond [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, Box<Diagnostic>>,
    ) -> Result<T, Box<Diagnostic>> {
        if self.depth >= MAX_DEPTH {
            let span = self.peek().map(|t| t.span).unwrap_or(self.end_span);
            return Err(Box::new(Diagnostic::error(
                format!("preprocessor expression nested more than {MAX_DEPTH} levels deep"),
                span,
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// `c ? a : b`
    fn conditional(&mut self, live: bool) -> Result<Value, Box<Diagnostic>> {
        self.nested(|p| p.conditional_inner(live))
    }

    fn conditional_inner(&mut self, live: bool) -> Result<Value, Box<Diagnostic>> {
        let cond = self.binary(1, live)?;
        if self.peek_punct() != Some(Punct::Question) {
            return Ok(cond);
        }
        self.pos += 1;
        let yes = self.comma(live && cond.is_true())?;
        self.expect(Punct::Colon, "in conditional expression")?;
        let no = self.conditional(live && !cond.is_true())?;
        let unsigned = yes.unsigned || no.unsigned;
        let chosen = if cond.is_true() { yes } else { no };
        Ok(Value {
            bits: chosen.bits,
            unsigned,
        })
    }

    /// Binary operators of precedence at least `min` (precedence climbing).
    fn binary(&mut self, min: u8, live: bool) -> Result<Value, Box<Diagnostic>> {
        let mut lhs = self.unary(live)?;
        while let Some(op) = self.peek_punct() {
            let Some(prec) = binary_precedence(op) else {
                break;
            };
            if prec < min {
                break;
            }
            let op_tok = self.peek().map(|t| t.span).unwrap_or(self.end_span);
            self.pos += 1;
            let rhs_live = match op {
                Punct::AmpAmp => live && lhs.is_true(),
                Punct::PipePipe => live && !lhs.is_true(),
                _ => live,
            };
            let rhs = self.binary(prec + 1, rhs_live)?;
            lhs = apply_binary(op, lhs, rhs, live, op_tok)?;
        }
        Ok(lhs)
    }

    fn unary(&mut self, live: bool) -> Result<Value, Box<Diagnostic>> {
        self.nested(|p| p.unary_inner(live))
    }

    fn unary_inner(&mut self, live: bool) -> Result<Value, Box<Diagnostic>> {
        match self.peek_punct() {
            Some(Punct::Plus) => {
                self.pos += 1;
                self.unary(live)
            }
            Some(Punct::Minus) => {
                self.pos += 1;
                let v = self.unary(live)?;
                Ok(Value {
                    bits: v.bits.wrapping_neg(),
                    ..v
                })
            }
            Some(Punct::Tilde) => {
                self.pos += 1;
                let v = self.unary(live)?;
                Ok(Value { bits: !v.bits, ..v })
            }
            Some(Punct::Bang) => {
                self.pos += 1;
                let v = self.unary(live)?;
                Ok(Value::boolean(!v.is_true()))
            }
            _ => self.primary(live),
        }
    }

    fn primary(&mut self, live: bool) -> Result<Value, Box<Diagnostic>> {
        let Some(t) = self.peek() else {
            return Err(Box::new(Diagnostic::error(
                "expected a value at the end of the expression",
                self.end_span,
            )));
        };
        self.pos += 1;
        match t.kind {
            TokenKind::Punct(Punct::LParen) => {
                let v = self.comma(live)?;
                self.expect(Punct::RParen, "to close `(`")?;
                Ok(v)
            }
            TokenKind::Number => match parse_number(&t.text) {
                Ok(Number::Int(i)) => Ok(Value {
                    bits: i.value,
                    unsigned: i.suffix.unsigned || i.value > i64::MAX as u64,
                }),
                Ok(Number::Float(_)) => Err(Box::new(Diagnostic::error(
                    "floating-point literal in preprocessor expression",
                    t.span,
                ))),
                Err(e) => Err(Box::new(Diagnostic::error(e, t.span))),
            },
            TokenKind::CharLit => match parse_char(&t.text) {
                Ok((v, crate::ast::CharPrefix::None)) => {
                    // Plain `char` is signed, as in GCC and Clang.
                    Ok(Value::signed(v as u8 as i8 as i64))
                }
                Ok((v, _)) => Ok(Value::signed(v as i64)),
                Err(e) => Err(Box::new(Diagnostic::error(e, t.span))),
            },
            TokenKind::Ident => {
                if self.peek_punct() == Some(Punct::LParen) {
                    return Err(Box::new(Diagnostic::error(
                        format!("function-like macro `{}` is not defined", t.text),
                        t.span,
                    )));
                }
                Ok(Value::boolean(t.text == "true"))
            }
            TokenKind::StringLit => Err(Box::new(Diagnostic::error(
                "string literal in preprocessor expression",
                t.span,
            ))),
            _ => Err(Box::new(Diagnostic::error(
                format!(
                    "expected a value in preprocessor expression, found `{}`",
                    t.text
                ),
                t.span,
            ))),
        }
    }
}

fn apply_binary(
    op: Punct,
    lhs: Value,
    rhs: Value,
    live: bool,
    at: Span,
) -> Result<Value, Box<Diagnostic>> {
    use Punct::*;
    let unsigned = lhs.unsigned || rhs.unsigned;
    let arith = |bits: u64| Value { bits, unsigned };
    let (a, b) = (lhs.bits, rhs.bits);
    let ordering = if unsigned {
        a.cmp(&b)
    } else {
        lhs.as_i64().cmp(&rhs.as_i64())
    };
    Ok(match op {
        Star => arith(a.wrapping_mul(b)),
        Slash | Percent => {
            if b == 0 {
                if live {
                    return Err(Box::new(Diagnostic::error(
                        if op == Slash {
                            "division by zero in preprocessor expression"
                        } else {
                            "remainder by zero in preprocessor expression"
                        },
                        at,
                    )));
                }
                arith(0)
            } else if unsigned {
                arith(if op == Slash { a / b } else { a % b })
            } else {
                let (x, y) = (lhs.as_i64(), rhs.as_i64());
                arith(if op == Slash {
                    x.wrapping_div(y)
                } else {
                    x.wrapping_rem(y)
                } as u64)
            }
        }
        Plus => arith(a.wrapping_add(b)),
        Minus => arith(a.wrapping_sub(b)),
        Shl | Shr => {
            // The result has the type of the left operand. Out-of-range shift counts
            // (undefined in C) shift everything out.
            let count = if !rhs.unsigned && rhs.as_i64() < 0 {
                64
            } else {
                b.min(64) as u32
            };
            let bits = if op == Shl {
                a.checked_shl(count).unwrap_or(0)
            } else if lhs.unsigned {
                a.checked_shr(count).unwrap_or(0)
            } else {
                lhs.as_i64()
                    .checked_shr(count)
                    .unwrap_or(if lhs.as_i64() < 0 { -1 } else { 0 }) as u64
            };
            Value {
                bits,
                unsigned: lhs.unsigned,
            }
        }
        Lt => Value::boolean(ordering.is_lt()),
        Gt => Value::boolean(ordering.is_gt()),
        LtEq => Value::boolean(ordering.is_le()),
        GtEq => Value::boolean(ordering.is_ge()),
        EqEq => Value::boolean(a == b),
        NotEq => Value::boolean(a != b),
        Amp => arith(a & b),
        Caret => arith(a ^ b),
        Pipe => arith(a | b),
        AmpAmp => Value::boolean(lhs.is_true() && rhs.is_true()),
        PipePipe => Value::boolean(lhs.is_true() || rhs.is_true()),
        _ => {
            return Err(Box::new(Diagnostic::error(
                format!(
                    "operator `{}` is not allowed in preprocessor expressions",
                    op.as_str()
                ),
                at,
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::lexer::lex;
    use crate::source::FileId;

    fn eval(text: &str) -> Result<bool, String> {
        let mut d = Diagnostics::new();
        let toks = lex(FileId(0), text, &mut d);
        assert!(d.is_empty());
        evaluate(&toks, Span::new(FileId(0), 0, 0)).map_err(|e| e.message)
    }

    #[test]
    fn arithmetic_and_precedence() {
        assert_eq!(eval("1 + 2 * 3 == 7"), Ok(true));
        assert_eq!(eval("(1 + 2) * 3 == 9"), Ok(true));
        assert_eq!(eval("10 / 3 == 3 && 10 % 3 == 1"), Ok(true));
        assert_eq!(eval("1 << 4 == 16 && 256 >> 4 == 16"), Ok(true));
        assert_eq!(
            eval("(6 & 3) == 2 && (6 | 3) == 7 && (6 ^ 3) == 5"),
            Ok(true)
        );
        assert_eq!(eval("~0 == -1"), Ok(true));
        assert_eq!(eval("!0 && !!5"), Ok(true));
        assert_eq!(eval("-1 < 0"), Ok(true));
        assert_eq!(eval("1 ? 2 : 0"), Ok(true));
        assert_eq!(eval("0 ? 1 : 0"), Ok(false));
        assert_eq!(eval("(0, 1)"), Ok(true));
        assert_eq!(eval("1 || 0 && 0"), Ok(true));
        assert_eq!(eval("3 > 2 > 1"), Ok(false));
        assert_eq!(eval("201703L >= 201103L"), Ok(true));
        assert_eq!(eval("0x10 == 16 && 010 == 8"), Ok(true));
        assert_eq!(eval("'A' == 65 && '\\377' < 0"), Ok(true));
        assert_eq!(eval("-9223372036854775807 - 1 < 0"), Ok(true));
        assert_eq!(eval("0 ? 1 : 2 ? 3 : 0"), Ok(true));
    }

    #[test]
    fn unsigned_conversions() {
        assert_eq!(eval("-1 < 0u"), Ok(false));
        assert_eq!(eval("-1 > 0u"), Ok(true));
        assert_eq!(eval("0xFFFFFFFFFFFFFFFF > 0"), Ok(true));
        assert_eq!(eval("(0 ? 1u : -1) > 0"), Ok(true));
        assert_eq!(eval("-1u / 2 == 0x7FFFFFFFFFFFFFFF"), Ok(true));
        assert_eq!(eval("-1 >> 1 == -1"), Ok(true));
    }

    #[test]
    fn identifiers_and_booleans() {
        assert_eq!(eval("UNKNOWN"), Ok(false));
        assert_eq!(eval("true && !false"), Ok(true));
        assert_eq!(
            eval("FOO(1)"),
            Err("function-like macro `FOO` is not defined".to_string())
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            eval("1 / 0"),
            Err("division by zero in preprocessor expression".to_string())
        );
        assert_eq!(eval("0 && 1 / 0"), Ok(false));
        assert_eq!(eval("1 || 1 % 0"), Ok(true));
        assert_eq!(eval("1 ? 1 : 1 / 0"), Ok(true));
        assert!(eval("1 +").unwrap_err().contains("expected a value"));
        assert!(eval("(1").unwrap_err().contains("expected `)`"));
        assert!(eval("1 2").unwrap_err().contains("missing binary operator"));
        assert!(eval("1.5").unwrap_err().contains("floating"));
        assert!(eval("\"s\"").unwrap_err().contains("string"));
        assert!(eval("1 = 2")
            .unwrap_err()
            .contains("missing binary operator"));
        assert!(eval("1 ? 2").unwrap_err().contains("expected `:`"));
        assert!(evaluate(&[], Span::default()).is_err());
        assert!(eval("99999999999999999999")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn deep_nesting_is_bounded_by_input() {
        // Recursion depth follows the parentheses; a few thousand levels must not overflow
        // the (test thread's) stack.
        let text = format!("{}1{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(eval(&text), Ok(true));
        let text = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(eval(&text).unwrap_err().contains("nested more than"));
        let text = format!("{}1", "- ".repeat(100_000));
        assert!(eval(&text).unwrap_err().contains("nested more than"));
        let text = "1 ? 1 : ".repeat(100_000) + "1";
        assert!(eval(&text).unwrap_err().contains("nested more than"));
    }
}
